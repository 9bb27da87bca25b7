"""Recognise a `nufa check` whose inputs are those of the last one, and repeat its result.

Editors, hooks and CI run check far more often than the sources change, and a check costs
loading pydantic, PyYAML and markdown-it before it reads a file. Everything a check reads
lies in the repository's sources (nufa.yaml, medlemmer.yaml, meetings/), its template
folders (the committee's maler and nufa's own: fonts, catalogues) and the code that ran
(every module it imported, nufa's own among them). When none of these changed since the last
check, as `git status` tells a file unchanged (same type, size, inode, modification and
change time), its diagnostics are the last check's: check repeats them without loading.

Like git, a memo is written only when every input is older than RACY: a file written in the
same moment as the memo could be written again in that moment, its size and times unchanged.
A memo that cannot be read, of another format, or not matching, is ignored (check runs and
writes a new one). The memo is build/.nufa-cache/last-check.json, under core/output.py's
rules for that folder. Nothing here changes a result; it decides only whether to compute it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR, S_ISLNK

from nufa_cli import __version__
from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.core.output import cache_folder, read_cached, write_cached
from nufa_cli.core.root import SOURCE_PATHS, builtin_templates, template_dirs

MEMO = "last-check.json"
FORMAT = 1  # of the memo file
RACY = 2_000_000_000  # ns: inputs changed this shortly before a check are not remembered


@dataclass(frozen=True)
class Inputs:
    """What a check is about to read, as found before it reads anything."""

    key: str  # digest of every input's stat
    templates: tuple[str, ...]  # the template folders looked at (those of the last check)
    modules: tuple[str, ...]  # the code files looked at (those the last check imported)
    settled: bool  # none of them changed within RACY before the check


def recall(root: Path) -> tuple[Inputs, list[Diagnostic] | None]:
    """The inputs of a check of root, found before it reads them (the template folders and
    code those of the last check), and the last check's diagnostics if they are unchanged."""
    memo = _read(root)
    templates = _strings(memo, "templates") or (str(builtin_templates().resolve()),)
    found = _inputs(root, templates, _strings(memo, "modules"))
    if memo is None or memo.get("key") != found.key:
        return found, None
    try:
        return found, [Diagnostic(**{**d, "severity": Severity(d["severity"])})
                       for d in memo["diagnostics"]]  # type: ignore[attr-defined]
    except (KeyError, TypeError, ValueError):  # written by hand, or by a broken nufa
        return found, None


def remember(root: Path, found: Inputs, maler: Path | None,
             diagnostics: Sequence[Diagnostic]) -> None:
    """Record a check's result for the inputs found before it read them. When it read template
    folders or code that were not looked at then, only these are recorded: the next check
    looks at them first, and is remembered in turn."""
    folder = cache_folder(root, create=True)
    if folder is None:
        return
    templates = {str(d.resolve()) for d in template_dirs(maler)}
    modules = _modules()
    covered = templates <= set(found.templates) and modules <= set(found.modules)
    memo = {"format": FORMAT, "templates": sorted(templates | set(found.templates)),
            "modules": sorted(modules | set(found.modules)),
            "key": found.key if covered and found.settled else None,
            "diagnostics": [d.as_dict() for d in diagnostics]}
    write_cached(folder / MEMO, json.dumps(memo, ensure_ascii=False).encode())


def _read(root: Path) -> dict[str, object] | None:
    folder = cache_folder(root, create=False)
    data = read_cached(folder / MEMO) if folder else None
    try:
        memo = json.loads(data) if data else None
    except ValueError:
        return None
    return memo if isinstance(memo, dict) and memo.get("format") == FORMAT else None


def _strings(memo: dict[str, object] | None, key: str) -> tuple[str, ...]:
    value = memo.get(key) if memo else None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return ()
    return tuple(value)


Stat = tuple[int, int, int, int, int, int]


class _Found:
    """Rows of (name, stat) and the newest modification or change time among them."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, Stat | None]] = []
        self.newest = 0

    def add(self, name: str, path: str, *, follow: bool = False) -> Stat | None:
        try:
            st = os.stat(path, follow_symlinks=follow)
        except (OSError, ValueError):
            self.rows.append((name, None))
            return None
        stat = (st.st_mode, st.st_size, st.st_ino, st.st_dev, st.st_mtime_ns, st.st_ctime_ns)
        self.newest = max(self.newest, st.st_mtime_ns, st.st_ctime_ns)
        self.rows.append((name, stat))
        return stat

    def walk(self, top: Path, name: str) -> None:
        """Every entry under top, folders and links included: a new folder, or a file turned
        into a link, changes what a check says as much as an edit does."""
        stack = [(top, name)]
        while stack:
            path, name = stack.pop()
            stat = self.add(name, str(path))
            if stat is None:
                continue
            if S_ISLNK(stat[0]):  # and where it leads, as far as a check could follow it
                self.add(name + " ->", str(path), follow=True)
                continue
            if not S_ISDIR(stat[0]):
                continue
            try:
                entries = sorted(os.scandir(path), key=lambda e: e.name, reverse=True)
            except OSError:
                self.rows.append((name + "/", None))
                continue
            stack += [(Path(e.path), f"{name}/{e.name}") for e in entries
                      if e.name != "__pycache__"]


def _inputs(root: Path, templates: Sequence[str], modules: Sequence[str]) -> Inputs:
    started = time.time_ns()
    found = _Found()
    for name in SOURCE_PATHS:
        found.walk(root / name, name)
    for folder in templates:
        found.walk(Path(folder), folder)
    for module in modules:
        found.add(module, module, follow=True)
    key = hashlib.sha256(repr((FORMAT, __version__, sys.version, str(root.resolve()),
                               found.rows)).encode()).hexdigest()
    return Inputs(key, tuple(templates), tuple(modules), found.newest < started - RACY)


def _modules() -> set[str]:
    """The file of every module imported so far: the code a check ran, whatever its version."""
    files = {getattr(module, "__file__", None) for module in list(sys.modules.values())}
    return {f for f in files if isinstance(f, str)}
