"""`nufa init`: a new secretariat's repository, from the files in templates/init/.

`nufa init .` in a repository that already has files (a new GitHub repository has a
README.md, a LICENSE and a .gitignore) keeps them: nufa's own guide goes to NUFA.md when a
README.md is there, its .gitignore lines are added to the existing one, and only a file
nufa must write that exists already is a conflict.

`nufa init --shards N` writes the workflow of variants/nufa-shards.yml instead: N jobs
build the meetings side by side (`nufa build --shard K/N`) and one joins them.

The template tree mirrors the repository it creates (but variants/), with three conventions:
a leading `dot-` becomes `.` (dotfiles survive packaging), `meeting/` becomes
`meetings/<first day>/`, and `__YY__` in a name becomes the meeting's two-digit
year. Files ending in `.j2` are Jinja templates (the suffix is dropped); all
others are copied byte for byte, so the workflow's `${{ }}` needs no escaping.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from nufa_cli import REPOSITORY, __version__
from nufa_cli.core.errors import NufaError
from nufa_cli.core.output import file_in_the_way
from nufa_cli.core.root import builtin_templates
from nufa_cli.sources.jsonschema import json_schemas

KORTNAVN = "NUFA"  # the example sources use nufa.yaml's defaults
README = "README.md"
GUIDE_BESIDE_README = "NUFA.md"  # where nufa's guide goes when the repository has a README
MERGED = ".gitignore"  # lines are added to an existing file, never a conflict


class TargetNotEmpty(NufaError):
    """Some file nufa init would write exists already: nothing is written."""

    def __init__(self, target: Path, existing: list[str]) -> None:
        listed = "\n".join(f"  {name}" for name in existing)
        super().__init__(
            f"{len(existing)} file(s) already exist in {target}; nothing was written:\n{listed}\n"
            "choose an empty folder, or move these files away first")
        self.existing = existing


class InitFailed(NufaError):
    """The target cannot hold a repository: a file on its path, or a write the system refused."""

    exit_code = 2


class BadNufaSource(NufaError):
    """--nufa-source is none of the forms pip can install nufa from."""

    exit_code = 2

    def __init__(self, source: str) -> None:
        super().__init__(
            f"--nufa-source '{source}' is not a git URL (git+https://…), a package index "
            "(https://…/simple) or a requirement (nufa @ …, nufa==X.Y.Z)")


def requirement_lines(source: str | None, version: str = __version__) -> list[str]:
    """What requirements.txt installs nufa from: by default exactly this version from PyPI;
    else a git URL, a package index holding this version, or a requirement as given."""
    pinned = f"nufa=={version}"
    if source is None:
        return [pinned]
    source = source.strip()
    if not source or any(c in source for c in "\r\n") or source.startswith("-"):
        raise BadNufaSource(source)
    if source.startswith("git+"):
        return [f"nufa @ {source}"]
    if re.match(r"https?://", source):
        return [f"--index-url {source}", pinned]
    if re.match(r"nufa\b", source):
        return [source]
    raise BadNufaSource(source)


def hook_source(source: str | None, version: str = __version__) -> tuple[str, str]:
    """(repo, rev) of the pre-commit hook: nufa's repository at this version's tag, or the
    git repository --nufa-source names, at the revision it names."""
    if source is None or not source.strip().startswith("git+"):
        return REPOSITORY, f"v{version}"
    url = source.strip()[len("git+"):].split("#", 1)[0]
    base, at, ref = url.rpartition("@")
    if at and base and "/" not in ref and "://" in base:
        return base, ref
    return url, f"v{version}"


@dataclass
class InitResult:
    target: Path
    meeting: str  # folder name of the example meeting
    guide: str = README  # where nufa's guide to the repository was written
    written: list[str] = field(default_factory=list)  # relative paths, in writing order
    extended: list[str] = field(default_factory=list)  # existing files nufa added lines to
    kept: list[str] = field(default_factory=list)  # existing files nufa left as they were


def example_date(today: dt.date) -> dt.date:
    """A Wednesday at least four weeks ahead: far enough to be the next meeting to prepare."""
    day = today + dt.timedelta(days=28)
    return day + dt.timedelta(days=(2 - day.weekday()) % 7)


def _target_name(rel: str, folder: str, yy: str) -> str:
    parts = [("." + p[4:]) if p.startswith("dot-") else p for p in rel.split("/")]
    if parts[0] == "meeting":
        parts[0:1] = ["meetings", folder]
    name = "/".join(parts).replace("__YY__", yy)
    return name[: -len(".j2")] if name.endswith(".j2") else name


VARIANTS = "variants"  # templates/init/variants/: files written in place of others on request
WORKFLOW = ".github/workflows/nufa.yml"
SHARDED_WORKFLOW = f"{VARIANTS}/nufa-shards.yml"
MAX_SHARDS = 64


def sharded_workflow(shards: int) -> bytes:
    """The workflow building the meetings in `shards` jobs side by side, then joining them."""
    text = (builtin_templates() / "init" / SHARDED_WORKFLOW).read_text(encoding="utf-8")
    listed = "[" + ", ".join(str(k) for k in range(1, shards + 1)) + "]"
    return text.replace("@SHARDS@", listed).replace("@SHARD_COUNT@", str(shards)).encode("utf-8")


def files(dato: dt.date, nufa_source: str | None = None, shards: int = 1) -> dict[str, bytes]:
    """Relative path -> content of every file of a new repository, in a stable order."""
    source = builtin_templates() / "init"
    folder, yy = dato.isoformat(), f"{dato.year % 100:02d}"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(source), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    context = {"dato": folder, "folder": folder, "yy": yy, "kortnavn": KORTNAVN,
               "version": __version__, "requirements": requirement_lines(nufa_source)}
    context["hook_repo"], context["hook_rev"] = hook_source(nufa_source)
    result: dict[str, bytes] = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = path.relative_to(source).as_posix()
        if rel.startswith(f"{VARIANTS}/"):
            continue
        if rel.endswith(".j2"):
            content = env.get_template(rel).render(context).encode("utf-8")
        else:
            content = path.read_bytes()
        result[_target_name(rel, folder, yy)] = content
    for name, text in json_schemas().items():
        result[f"schemas/{name}"] = text.encode("utf-8")
    if shards > 1:
        result[WORKFLOW] = sharded_workflow(shards)
    return dict(sorted(result.items()))


def _existing(target: Path, names: list[str]) -> list[str]:
    """Paths that are in the way: existing files or folders, or files where a folder must go."""
    clashes = []
    for name in names:
        path = target
        for part in name.split("/")[:-1]:
            path = path / part
            if path.exists() and not path.is_dir():
                clashes.append(path.relative_to(target).as_posix())
        if (target / name).exists() or (target / name).is_symlink():
            clashes.append(name)
    return sorted(set(clashes))


def _missing_lines(existing: str, ours: str) -> list[str]:
    """Our .gitignore's patterns that the existing one lacks (comments and blanks aside)."""
    def pattern(line: str) -> str:  # "/build/", "build/" and "build" ignore the same folder here
        return line.strip().strip("/")

    have = {pattern(line) for line in existing.splitlines()}
    return [line for line in ours.splitlines()
            if line.strip() and not line.startswith("#") and pattern(line) not in have]


def _readable(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InitFailed(f"could not read {path}: {getattr(error, 'strerror', None) or error}; "
                         "nothing was written") from error


def init(target: Path, dato: dt.date | None = None, nufa_source: str | None = None,
         shards: int = 1) -> InitResult:
    """Write a new repository into target. Files there stay: a README.md gets nufa's guide
    beside it (NUFA.md), a .gitignore gets nufa's lines; any other file nufa would write that
    exists already is a conflict, and then nothing is written."""
    dato = dato or example_date(dt.date.today())
    content = files(dato, nufa_source, shards)
    blocker = file_in_the_way(target)
    if blocker == target:
        raise TargetNotEmpty(target, [target.name])
    if blocker is not None:
        raise InitFailed(f"cannot create {target}: {blocker} is not a folder; nothing was written")
    result = InitResult(target, dato.isoformat())
    if (target / README).is_file():
        result.guide = GUIDE_BESIDE_README
        result.kept.append(README)
        content[GUIDE_BESIDE_README] = content.pop(README)
        content = dict(sorted(content.items()))
    appended = b""
    if (target / MERGED).is_file() and not (target / MERGED).is_symlink():
        ours = content.pop(MERGED).decode("utf-8")
        existing = _readable(target / MERGED)
        missing = _missing_lines(existing, ours)
        if missing:
            header = next(line for line in ours.splitlines() if line.startswith("#"))
            lead = "" if not existing or existing.endswith("\n") else "\n"
            appended = (lead + "\n" + header + "\n" + "\n".join(missing) + "\n").encode("utf-8")
        else:
            result.kept.append(MERGED)
    clashes = _existing(target, list(content))
    if clashes:
        raise TargetNotEmpty(target, clashes)
    for name, data in content.items():
        path = target / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("xb") as handle:  # "x": never replace a file that appeared meanwhile
                handle.write(data)
        except OSError as error:
            raise InitFailed(f"could not write {path}: {error.strerror or error}; "
                             f"{len(result.written)} file(s) were written before it") from error
        result.written.append(name)
    if appended:
        try:
            with (target / MERGED).open("ab") as handle:
                handle.write(appended)
        except OSError as error:
            raise InitFailed(f"could not add to {target / MERGED}: {error.strerror or error}; "
                             f"{len(result.written)} file(s) were written before it") from error
        result.extended.append(MERGED)
    return result
