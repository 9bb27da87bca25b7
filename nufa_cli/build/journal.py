"""All or nothing for real: the outputs of a build replace the previous ones as one step,
whatever stops nufa on the way (an I/O error, Ctrl-C, SIGKILL, a power cut between two
renames), and one build at a time writes to an output folder.

A build stages every new file in a folder of the output folder (.nufa-staging-*, writer.py).
Its commit writes the journal (.nufa-cache/journal.json: each place, its new file and where
its old one is kept), then moves each old file aside (.nufa-old-*) and the new one in, and
deletes the journal: that is the commit point. A failure before it rolls back at once; a
nufa that died before it leaves the journal, and the next nufa to take the folder's lock
rolls it back, so the folder holds the previous complete set again. Leftover staged and kept
files are removed then too. Only files named .nufa-new-* and .nufa-old-* and the folders
.nufa-staging-* inside the output folder are ever removed this way.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from nufa_cli.core.output import CACHE, WriteFailed

JOURNAL = f"{CACHE}/journal.json"
LOCK = f"{CACHE}/lock"
NEW = ".nufa-new-"
OLD = ".nufa-old-"
STAGING = ".nufa-staging-"  # build/.nufa-staging-XXXX/: a build's files until it commits


@contextlib.contextmanager
def locked(out: Path, *, create: bool = True) -> Iterator[None]:
    """Hold the output folder's lock (a second build waits for the first); on taking it, roll
    back what a nufa that died mid-commit left. create=False: a folder that does not exist
    is not made (a reader of an unbuilt folder has nothing to wait for)."""
    if not create and not out.is_dir():
        yield
        return
    try:
        (out / LOCK).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        raise WriteFailed(f"the output folder {out}", error, "nothing was written") from error
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        recover(out)
        yield
    finally:
        os.close(fd)  # releases the lock


def pending(out: Path) -> bool:
    """A commit was cut short: the folder may hold part of two sets until it is rolled back."""
    return (out / JOURNAL).exists()


def recover(out: Path) -> None:
    """Roll back an unfinished commit, then remove leftover staged and kept files."""
    journal = out / JOURNAL
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        entries = None
    except (OSError, ValueError):
        entries = []  # a journal cut short: it was being written, nothing was moved yet
    if entries is not None:
        _roll_back(out, entries if isinstance(entries, list) else [])
        journal.unlink(missing_ok=True)
    for path in _leftovers(out):
        path.unlink(missing_ok=True)


def replace(out: Path, moves: Mapping[Path, Path], removals: Sequence[Path] = ()) -> None:
    """Move each staged file of `moves` (place -> the staged file, both inside out) to its
    place and remove each of `removals`, as one step."""
    token = secrets.token_hex(4)
    entries: list[dict[str, Any]] = []
    try:
        for dest, new in sorted(moves.items()):
            if dest.is_dir() and not dest.is_symlink():
                raise IsADirectoryError(21, "a folder stands where the file goes", str(dest))
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(new, 0o644)
            entries.append(_entry(out, dest, new, token))
        entries += [_entry(out, dest, None, token) for dest in removals if dest.exists()]
        _write_journal(out, entries)
    except BaseException:
        _roll_back(out, entries)
        raise
    try:
        for entry in entries:
            if entry["old"] is not None:
                os.replace(out / entry["dest"], out / entry["old"])
            if entry["new"] is not None:
                os.replace(out / entry["new"], out / entry["dest"])
    except BaseException:  # Ctrl-C too: the previous set goes back before nufa stops
        _roll_back(out, entries)
        (out / JOURNAL).unlink(missing_ok=True)
        raise
    (out / JOURNAL).unlink()  # the commit point
    for entry in entries:
        if entry["old"] is not None:
            with contextlib.suppress(OSError):  # a leftover is removed at the next build
                (out / entry["old"]).unlink()


def _entry(out: Path, dest: Path, new: Path | None, token: str) -> dict[str, Any]:
    old = dest.with_name(f"{OLD}{token}-{dest.name}") if dest.exists() else None
    return {"dest": _rel(out, dest), "new": None if new is None else _rel(out, new),
            "old": None if old is None else _rel(out, old)}


def _rel(out: Path, path: Path) -> str:
    return path.relative_to(out).as_posix()


def _write_journal(out: Path, entries: list[dict[str, Any]]) -> None:
    partial = (out / JOURNAL).with_name(f"{NEW}journal.json")
    partial.parent.mkdir(parents=True, exist_ok=True)  # the cache may have been deleted
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(entries, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, out / JOURNAL)


def _roll_back(out: Path, entries: list[Any]) -> None:
    """Each place back to its old file, in reverse order; new files removed."""
    for entry in reversed(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("dest"), str):
            continue
        dest = _inside(out, entry["dest"])
        new = _inside(out, entry.get("new"))
        old = _inside(out, entry.get("old"))
        if dest is None:
            continue
        if new is not None and new.exists():
            new.unlink()  # never moved in: dest is still the old file (or its place is empty)
        elif new is not None and (old is None or old.exists()):
            dest.unlink(missing_ok=True)  # moved in: take it out again
        if old is not None and old.exists():
            os.replace(old, dest)


def _inside(out: Path, rel: object) -> Path | None:
    """A journal's path, only if it names a place inside out (the journal is a file on disk
    that anyone could have edited: nothing outside the folder is touched on its word)."""
    if not isinstance(rel, str) or not rel or rel.startswith("/") or ".." in rel.split("/"):
        return None
    return out / rel


def _leftovers(out: Path) -> Iterator[Path]:
    for folder, folders, files in os.walk(out):  # does not follow symbolic links
        for name in files:
            if name.startswith((NEW, OLD)):
                yield Path(folder) / name
        if folder == str(out):  # a build's staged files, left by a nufa that was killed
            for name in [name for name in folders if name.startswith(STAGING)]:
                folders.remove(name)
                shutil.rmtree(out / name, ignore_errors=True)
