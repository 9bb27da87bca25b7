"""Recognise a build whose inputs are byte for byte those of the last successful one.

An unchanged rebuild then costs a walk over the sources instead of loading,
validating and rendering them. The fingerprint covers everything a build reads:
nufa's own code, the request, SOURCE_DATE_EPOCH, every source file, the template
folders, and what git says of the sources (the footer's revision stamp).

Nothing here, and no key the orchestrator files outputs under, names where the
repository or nufa lies on disk: files are named relative to the repository, to nufa's
package or to their template folder. A repository moved, copied or cloned with its
build/ (a CI cache) is then recognised as the same build and rewrites nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from nufa_cli import __version__
from nufa_cli.convert.job import Job
from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.core.output import CACHE, MANIFEST, digest
from nufa_cli.core.root import SOURCE_PATHS, builtin_templates
from nufa_cli.git.info import git, work_tree_changes

MEMO = "last-build.json"
_PACKAGE = Path(__file__).resolve().parents[1]  # all of nufa_cli: its code is an input too
BUILT_IN = ""  # the memo's name of nufa's own templates, wherever nufa is installed


def portable(path: Path, root: Path) -> str:
    """path relative to the repository root when it lies inside, else absolute (a folder
    outside the repository is where it is, wherever the repository goes)."""
    path, root = path.resolve(), root.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def template_names(root: Path, folders: Sequence[Path]) -> list[str]:
    """The template folders as the memo records them: BUILT_IN, or portable()."""
    builtin = builtin_templates().resolve()
    return [BUILT_IN if f.resolve() == builtin else portable(f, root) for f in folders]


def _template_folder(root: Path, name: str) -> Path:
    return builtin_templates() if name == BUILT_IN else root / name


def job_key(job: Job, root: Path) -> str:
    """The job as an output's key holds it: its resource folder relative to the repository."""
    return repr(replace(job, resource_root=Path(portable(job.resource_root, root))))


def _files(base: Path) -> list[Path]:
    if base.is_file():
        return [base]
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob("*") if p.is_file())


def fingerprint(root: Path, request: str, template_dirs: Sequence[str]) -> str:
    """template_dirs: as template_names() gives them."""
    parts: list[bytes | str] = [__version__, request, os.environ.get("SOURCE_DATE_EPOCH", "")]
    bases = [("nufa_cli", _PACKAGE), *((name, root / name) for name in SOURCE_PATHS),
             *((name, _template_folder(root, name)) for name in template_dirs)]
    for label, base in bases:
        for path in _files(base):
            name = path.relative_to(base)
            if "__pycache__" not in name.parts:
                parts += [label, name.as_posix(), path.read_bytes()]
    parts.append(git(root, "log", "-1", "--format=%H %ct", "--", *SOURCE_PATHS) or "")
    parts.append(work_tree_changes(root, SOURCE_PATHS))
    return digest(*parts)


def recall(root: Path, out: Path, request: str) -> tuple[list[Path], list[Diagnostic]] | None:
    """(outputs, diagnostics) of the last build if nothing it depends on changed."""
    try:
        memo = json.loads((out / CACHE / MEMO).read_text(encoding="utf-8"))
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if memo["inputs"] != fingerprint(root, request, memo["templates"]):
            return None
        outputs = [out / name for name in memo["outputs"]]
        for name, path in zip(memo["outputs"], outputs, strict=True):
            if digest(path.read_bytes()) != manifest[name]["output"]:
                return None
        diagnostics = [Diagnostic(**{**d, "severity": Severity(d["severity"])})
                       for d in memo["diagnostics"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return outputs, diagnostics


def template_dirs_last_time(out: Path) -> list[str]:
    try:
        return list(json.loads((out / CACHE / MEMO).read_text(encoding="utf-8"))["templates"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


def remember(out: Path, inputs: str, template_dirs: Sequence[str],
             outputs: Sequence[Path], diagnostics: Sequence[Diagnostic]) -> None:
    """Record a successful build; inputs is the fingerprint taken before it read anything."""
    memo = {
        "inputs": inputs,
        "templates": list(template_dirs),
        "outputs": sorted(p.relative_to(out).as_posix() for p in outputs),
        "diagnostics": [d.as_dict() for d in diagnostics],
    }
    folder = out / CACHE
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{MEMO}.tmp"
    tmp.write_text(json.dumps(memo, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, folder / MEMO)


def forget(out: Path) -> None:
    (out / CACHE / MEMO).unlink(missing_ok=True)
