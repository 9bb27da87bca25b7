"""All or nothing for real: the outputs of a build replace the previous ones as one step,
whatever stops nufa on the way (an I/O error, Ctrl-C, SIGKILL, a power cut between two
renames), and one build at a time writes to an output folder.

A build stages every new file in a folder of the output folder (.nufa-staging-*, writer.py).
Its commit makes, in another such folder, each changed folder of the output folder (a
meeting's) as it will be: its unchanged files hard-linked, its new files in place. It
writes the journal (.nufa-cache/journal.json: each folder and its copy, each file directly
in the output folder with its new file and where its old one is kept), then exchanges each
folder with its copy (core/swap.py: one step, so no meeting's folder ever holds part of two
sets, even with nufa killed between two exchanges) and moves each file, and deletes the
journal: that is the commit point. A failure before it rolls back at once; a nufa that died
before it leaves the journal, and the next nufa to take the folder's lock rolls it back, so
the folder holds the previous complete set again. Leftover staged and kept files are
removed then too. Only files named .nufa-new-* and .nufa-old-* and the folders
.nufa-staging-* inside the output folder are ever removed this way. Where the file system
cannot exchange folders, every file is moved one by one under the same journal.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from nufa_cli.core import swap
from nufa_cli.core.output import CACHE, WriteFailed, remove_tree

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
        try:
            recover(out)
        except OSError as error:
            raise WriteFailed(f"the output folder {out}", error,
                              f"an unfinished commit ({JOURNAL}) could not be rolled back; "
                              "nufa tries again next time") from error
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
    except (OSError, ValueError, RecursionError):  # RecursionError: nesting edited by hand
        entries = []  # a journal cut short: it was being written, nothing was moved yet
    if entries is not None:
        _roll_back(out, entries if isinstance(entries, list) else [])
        journal.unlink(missing_ok=True)
    for path in _leftovers(out):
        path.unlink(missing_ok=True)


def replace(out: Path, moves: Mapping[Path, Path], removals: Sequence[Path] = ()) -> None:
    """Move each staged file of `moves` (place -> the staged file, both inside out, with the
    mode it is to have) to its place and remove each of `removals`, as one step.

    Where the file system exchanges folders (core/swap.py), each folder of out that changes
    (a meeting's) is replaced whole: a copy of it is made beside (every unchanged file a hard
    link, the new files in their places, the removed ones left out) and trades places with
    it, so the folder holds its old set or its new one at every instant, even if nufa is
    killed before the next nufa rolls the rest back. Files directly in out (the manifest),
    and everything where folders cannot be exchanged, are moved one by one: also when one
    folder is refused midway (what was exchanged is put back first)."""
    try:
        _replace(out, moves, removals, exchange=True)
    except swap.Unsupported:
        _replace(out, moves, removals, exchange=False)


def _replace(out: Path, moves: Mapping[Path, Path], removals: Sequence[Path], *,
             exchange: bool) -> None:
    token = secrets.token_hex(4)
    entries: list[dict[str, Any]] = []
    scratch = Path(tempfile.mkdtemp(prefix=STAGING, dir=out))
    try:
        changes: dict[Path, Path | None] = dict(moves)
        changes.update((dest, None) for dest in removals if dest.exists())
        for dest in changes:
            if dest.is_dir() and not dest.is_symlink():
                raise IsADirectoryError(21, "a folder stands where the file goes", str(dest))
        folders = _by_folder(out, changes) if exchange and swap.supported(scratch) else {}
        for folder, within in sorted(folders.items()):
            entries.append(_replica(out, folder, within, scratch))
        for dest, new in sorted(changes.items(), key=lambda item: (item[0].parent == out,
                                                                    item[0])):
            # the manifest, directly in out, last: it describes what the folders hold
            if dest.parent == out or dest.relative_to(out).parts[0] not in folders:
                if new is not None:
                    dest.parent.mkdir(parents=True, exist_ok=True)
                entries.append(_entry(out, dest, new, token))
        _write_journal(out, entries)
    except BaseException:
        _roll_back(out, entries)
        remove_tree(scratch)
        raise
    done = 0
    try:
        for entry in entries:
            _apply(out, entry)
            done += 1
        _sync(out, scratch)  # what was moved, on disk before the journal goes
    except BaseException:  # Ctrl-C too: the previous set goes back before nufa stops
        _roll_back(out, entries[:done + 1])  # the rest never moved: their staged files stay
        (out / JOURNAL).unlink(missing_ok=True)
        remove_tree(scratch)
        raise
    (out / JOURNAL).unlink()  # the commit point
    for entry in entries:
        if entry.get("old") is not None:
            with contextlib.suppress(OSError):  # a leftover is removed at the next build
                (out / entry["old"]).unlink()
    remove_tree(scratch)  # the old folders, exchanged out


def _by_folder(out: Path,
               changes: Mapping[Path, Path | None]) -> dict[str, dict[Path, Path | None]]:
    """The changes grouped by the folder of out they fall in, for the folders that can be
    replaced whole: real folders (or none yet), not links."""
    folders: dict[str, dict[Path, Path | None]] = {}
    for dest, new in changes.items():
        if dest.parent != out:
            folders.setdefault(dest.relative_to(out).parts[0], {})[dest] = new
    return {name: within for name, within in folders.items()
            if not (out / name).is_symlink() and
            ((out / name).is_dir() or not (out / name).exists())}


def _replica(out: Path, name: str, changes: Mapping[Path, Path | None],
             scratch: Path) -> dict[str, Any]:
    """The folder out/name as it will be, made in scratch: its journal entry."""
    folder, copy = out / name, scratch / name
    existed = folder.is_dir()
    copy.mkdir()
    modes = [(copy, stat.S_IMODE(os.stat(folder).st_mode))] if existed else []
    if existed:
        # does not follow symbolic links; a folder it cannot read fails the commit (walk's
        # default would skip it, and the exchange would take its files out of the set)
        for path, children, files in os.walk(folder, onerror=_raise):
            into = copy / Path(path).relative_to(folder)
            for child in children:
                if (Path(path) / child).is_symlink():  # listed, not walked into: kept a link
                    _link(Path(path) / child, into / child)
                    continue
                (into / child).mkdir()
                modes.append((into / child, stat.S_IMODE(os.lstat(Path(path) / child).st_mode)))
            for file in files:
                source = Path(path) / file
                if source not in changes and not file.startswith((NEW, OLD)):
                    _link(source, into / file)
    for dest, new in changes.items():
        if new is not None:
            place = copy / dest.relative_to(folder)
            place.parent.mkdir(parents=True, exist_ok=True)
            _link(new, place)
    for made_here, mode in reversed(modes):  # once filled: a read-only folder (0555) too
        os.chmod(made_here, mode)
    made = os.stat(copy)
    return {"folder": name, "copy": _rel(out, copy), "existed": existed,
            "id": [made.st_dev, made.st_ino]}


def _raise(error: OSError) -> None:
    raise error


def _link(source: Path, place: Path) -> None:
    """place, the same file as source: a hard link (a copy where links are refused)."""
    if source.is_symlink():
        os.symlink(os.readlink(source), place)
        return
    try:
        os.link(source, place, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, place, follow_symlinks=False)


def _apply(out: Path, entry: dict[str, Any]) -> None:
    if "folder" in entry:
        if entry["existed"]:
            swap.exchange(out / entry["copy"], out / entry["folder"])
        else:
            os.replace(out / entry["copy"], out / entry["folder"])
        return
    dest = out / entry["dest"]
    if entry["old"] is not None and entry["new"] is None:
        os.replace(dest, out / entry["old"])  # a removal: the old file kept aside
    elif entry["old"] is not None:
        _keep(dest, out / entry["old"])
    if entry["new"] is not None:
        os.replace(out / entry["new"], dest)


def _keep(dest: Path, old: Path) -> None:
    """The old file kept aside for a roll back, still in its place until the new one
    replaces it in one rename (moved aside where hard links are refused)."""
    try:
        os.link(dest, old, follow_symlinks=False)
    except OSError:
        os.replace(dest, old)


def _entry(out: Path, dest: Path, new: Path | None, token: str) -> dict[str, Any]:
    old = dest.with_name(f"{OLD}{token}-{dest.name}") if dest.exists() else None
    made = None if new is None else os.stat(new)
    return {"dest": _rel(out, dest), "new": None if new is None else _rel(out, new),
            "old": None if old is None else _rel(out, old),
            "id": None if made is None else [made.st_dev, made.st_ino]}


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
    _sync(partial.parent)


def _sync(*folders: Path) -> None:
    """The folders' entries on disk (a power cut after this keeps what was renamed there);
    the files' bytes are, since writer.py syncs each file it stages."""
    for folder in folders:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _roll_back(out: Path, entries: list[Any]) -> None:
    """Each place back to its old file or folder, in reverse order; new files removed."""
    for entry in reversed(entries):
        if isinstance(entry, dict) and "folder" in entry:
            _folder_back(out, entry)
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("dest"), str):
            continue
        dest = _inside(out, entry["dest"])
        new = _inside(out, entry.get("new"), staged=True)
        old = _inside(out, entry.get("old"))
        if old is not None and not old.name.startswith(OLD):
            old = None  # only a file the commit kept aside is moved back
        if dest is None:
            continue
        if new is not None and new.exists():
            new.unlink()  # never moved in: dest is still the old file (or its place is empty)
        elif new is not None and old is None and _is(dest, entry.get("id")):
            dest.unlink()  # a file that was not there before: taken out again
        if old is not None and old.exists():
            if _same(old, dest):
                old.unlink()  # kept, and the new file never came: dest is the old file
            else:
                os.replace(old, dest)  # one rename: the place is never empty


def _same(a: Path, b: Path) -> bool:
    try:
        one = os.lstat(a)
    except OSError:
        return False
    return _is(b, [one.st_dev, one.st_ino])


def _is(path: Path, made: object) -> bool:
    """Whether path is the file or folder the journal knows by its [device, inode]."""
    try:
        now = os.lstat(path)
    except OSError:
        return False
    return [now.st_dev, now.st_ino] == made


def _folder_back(out: Path, entry: dict[str, Any]) -> None:
    """A folder replaced whole back to its old self: the new one (known by its inode) is in
    place, so it trades places with the old one again, or leaves when there was none."""
    folder, copy, made = _inside(out, entry["folder"]), _inside(out, entry.get("copy"),
                                                               staged=True), entry.get("id")
    if folder is None or copy is None or not isinstance(made, list) or \
            folder.parent != out or copy.parent.parent != out or copy.name != folder.name:
        return  # not as a commit writes it: a folder of out, its copy in a staging folder
    if not _is(folder, made):
        return  # the new folder never came, or the old one is still in place
    if entry.get("existed") is not True:
        copy.parent.mkdir(exist_ok=True)
        os.replace(folder, copy)  # there was none: out again, removed with the scratch folder
    elif copy.is_dir():
        swap.exchange(copy, folder)
    # else the old folder is gone (its copy deleted by hand): the new one stays, whole


def _inside(out: Path, rel: object, *, staged: bool = False) -> Path | None:
    """A journal's path, only if it names a place inside out reached through no link that
    leads out of it (staged: inside a staging folder of out). The journal is a file on disk
    that anyone could have edited: nothing outside the folder is touched on its word."""
    if not isinstance(rel, str) or not rel or "\0" in rel or rel.startswith("/") or \
            ".." in rel.split("/"):
        return None
    path = out / rel
    if path == out or not path.parent.resolve().is_relative_to(out.resolve()) or \
            (staged and not path.relative_to(out).parts[0].startswith(STAGING)):
        return None
    return path


def _leftovers(out: Path) -> Iterator[Path]:
    for folder, folders, files in os.walk(out):  # does not follow symbolic links
        for name in files:
            if name.startswith((NEW, OLD)):
                yield Path(folder) / name
        if folder == str(out):  # a build's staged files, left by a nufa that was killed
            for name in [name for name in folders if name.startswith(STAGING)]:
                folders.remove(name)
                remove_tree(out / name)
