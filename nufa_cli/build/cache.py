"""Recognise a build whose inputs are byte for byte those of the last successful one.

An unchanged rebuild then costs a walk over the sources instead of loading,
validating and rendering them. The fingerprint covers everything a build reads:
nufa's own code, the request, SOURCE_DATE_EPOCH, every source file, the template
folders, and what git says of the sources (the footer's revision stamp).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from nufa_cli import __version__
from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.core.output import CACHE, MANIFEST, digest
from nufa_cli.core.root import SOURCE_PATHS
from nufa_cli.git.info import git, work_tree_changes

MEMO = "last-build.json"
_PACKAGE = Path(__file__).resolve().parents[1]  # all of nufa_cli: its code is an input too


def _files(base: Path) -> list[Path]:
    if base.is_file():
        return [base]
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob("*") if p.is_file())


def fingerprint(root: Path, request: str, template_dirs: Sequence[str]) -> str:
    parts: list[bytes | str] = [__version__, request, os.environ.get("SOURCE_DATE_EPOCH", "")]
    for base in [_PACKAGE, *(root / name for name in SOURCE_PATHS), *map(Path, template_dirs)]:
        for path in _files(base):
            if "__pycache__" not in path.parts:
                parts += [path.as_posix(), path.read_bytes()]
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
