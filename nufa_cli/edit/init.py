"""`nufa init`: a new secretariat's repository, from the files in templates/init/.

The template tree mirrors the repository it creates, with three conventions:
a leading `dot-` becomes `.` (dotfiles survive packaging), `meeting/` becomes
`meetings/<first day>/`, and `__YY__` in a name becomes the meeting's two-digit
year. Files ending in `.j2` are Jinja templates (the suffix is dropped); all
others are copied byte for byte, so the workflow's `${{ }}` needs no escaping.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from nufa_cli.core.errors import NufaError
from nufa_cli.core.output import file_in_the_way
from nufa_cli.core.root import builtin_templates
from nufa_cli.sources.jsonschema import json_schemas

KORTNAVN = "NUFA"  # the example sources use nufa.yaml's defaults


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


@dataclass
class InitResult:
    target: Path
    meeting: str  # folder name of the example meeting
    written: list[str] = field(default_factory=list)  # relative paths, in writing order


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


def files(dato: dt.date) -> dict[str, bytes]:
    """Relative path -> content of every file of a new repository, in a stable order."""
    source = builtin_templates() / "init"
    folder, yy = dato.isoformat(), f"{dato.year % 100:02d}"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(source), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    context = {"dato": folder, "folder": folder, "yy": yy, "kortnavn": KORTNAVN}
    result: dict[str, bytes] = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = path.relative_to(source).as_posix()
        if rel.endswith(".j2"):
            content = env.get_template(rel).render(context).encode("utf-8")
        else:
            content = path.read_bytes()
        result[_target_name(rel, folder, yy)] = content
    for name, text in json_schemas().items():
        result[f"schemas/{name}"] = text.encode("utf-8")
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


def init(target: Path, dato: dt.date | None = None) -> InitResult:
    """Write a new repository into target; refuse, writing nothing, if any file is there."""
    dato = dato or example_date(dt.date.today())
    content = files(dato)
    blocker = file_in_the_way(target)
    if blocker == target:
        raise TargetNotEmpty(target, [target.name])
    if blocker is not None:
        raise InitFailed(f"cannot create {target}: {blocker} is not a folder; nothing was written")
    clashes = _existing(target, list(content))
    if clashes:
        raise TargetNotEmpty(target, clashes)
    result = InitResult(target, dato.isoformat())
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
    return result
