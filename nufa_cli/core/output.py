"""The output folder's layout and guard rails, and the digest that keys every output."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from nufa_cli.core import swap
from nufa_cli.core.errors import NufaError
from nufa_cli.core.root import SOURCE_PATHS

MANIFEST = ".nufa-manifest.json"
CACHE = ".nufa-cache"  # compiled templates and the like: safe to delete


class OutputError(NufaError):
    """The output folder given cannot be used: a usage error."""

    exit_code = 2


class WriteFailed(NufaError):
    """Writing the outputs failed (a full disk, a read-only file system): a failed build."""

    def __init__(self, what: str, error: OSError, kept: str) -> None:
        where = f" ({error.filename})" if error.filename else ""
        super().__init__(f"could not write {what}: {error.strerror or error}{where}; {kept}")


class FolderTaken(OutputError):
    """A folder to be replaced that the command replacing it did not write."""


def replace_folder(out: Path, files: Mapping[str, str | bytes | Path], marker: str,
                   command: str, what: str) -> None:
    """Write files (path in the folder -> text, bytes, or a file to copy) as the folder out:
    staged beside it, then exchanged with it in one step (core/swap.py; two renames where
    the file system cannot), so a failed or killed run leaves the old folder as it was.
    Only a folder holding `marker` (written by `command` before) or an empty one is replaced."""
    if out.exists() and not (out.is_dir() and ((out / marker).is_file() or
                                               not any(out.iterdir()))):
        raise FolderTaken(f"{out} exists and was not written by {command}; "
                          "choose another --out or remove it")
    staging: Path | None = None
    try:  # a read-only file system fails at the first step: no internal error, exit 1
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(out, marker)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.nufa-", dir=out.parent))
        for rel, content in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, path)
            elif isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        (staging / marker).write_text(f"written by {command}; replaced on every run\n",
                                      encoding="utf-8")
        os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide it from a web server or archivist
        if out.exists() and _exchanged(staging, out):  # one step: the old folder or the new
            remove_tree(staging)  # the old folder now
        elif out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.nufa-old-", dir=out.parent))
            os.replace(out, old / "previous")
            try:
                os.replace(staging, out)
            except OSError:
                os.replace(old / "previous", out)  # the old folder back in its place
                raise
            remove_tree(old)
        else:
            os.replace(staging, out)
    except OSError as exc:
        if staging is not None:
            remove_tree(staging)
        raise WriteFailed(f"{what} to {out}", exc,
                          f"the old {what.split()[-1]} is unchanged") from exc


def _exchanged(staging: Path, out: Path) -> bool:
    """staging and out traded places, where the file system lets them (core/swap.py)."""
    try:
        swap.exchange(staging, out)
    except swap.Unsupported:  # this folder refused (overlayfs: one of a lower layer)
        return False
    return True


def remove_tree(folder: Path) -> None:
    """Remove a folder of nufa's whole (its staged files, an old set exchanged out), read-only
    folders in it too (a meeting's folder the secretariat made 0555: rmtree alone leaves
    their files); what cannot be removed is left for the next run to try again."""
    for path, children, _ in os.walk(folder):  # does not follow symbolic links
        for child in [path, *(os.path.join(path, name) for name in children)]:
            if not os.path.islink(child):  # chmod would change what a link points to
                with contextlib.suppress(OSError):
                    os.chmod(child, 0o700)
    shutil.rmtree(folder, ignore_errors=True)


def _remove_leftovers(out: Path, marker: str) -> None:
    """What a run killed before it removed it left beside out: a folder it staged, or the old
    folder it exchanged out (.{name}.nufa-XXXXXXXX, holding the marker) or moved aside
    (.{name}.nufa-old-XXXXXXXX/previous); not a copy the user made (.{name}.backup holds the
    marker too). Its callers hold the build folder's lock."""
    for leftover in out.parent.iterdir():
        if leftover.name.startswith(f".{out.name}.nufa-") and leftover.is_dir() and \
                not leftover.is_symlink() and (
                (leftover / marker).is_file() or (leftover / "previous" / marker).is_file()):
            remove_tree(leftover)


def check_output_folder(out: Path, root: Path, extra: Sequence[Path | None] = ()) -> Path:
    """The output folder may not hold or lie among the sources, git's data or the extra
    folders (the committee's templates), and must be a folder that can be created."""
    given = out.absolute()
    out = out.resolve()
    root = root.resolve()
    suggestion = f"choose e.g. {root / 'build'}"
    if out == root or root.is_relative_to(out):
        raise OutputError(f"the output folder {out} would contain the sources; {suggestion}")
    kept = [(root / name, "the sources") for name in SOURCE_PATHS]
    kept += [(root / ".git", "git's data")]
    kept += [(folder.resolve(), "the committee's templates") for folder in extra if folder]
    for folder, what in kept:
        if out.is_relative_to(folder):
            shown = folder.relative_to(root) if folder.is_relative_to(root) else folder
            raise OutputError(f"the output folder {out} is part of {what} ({shown}); "
                              f"{suggestion}")
    cache = out / CACHE
    inner = sorted(cache.iterdir()) if cache.is_dir() and not cache.is_symlink() else []
    # where the build writes (its typst cache removes files): nowhere behind a link
    for path in (given, out, cache, *inner):
        if path.is_symlink():
            raise OutputError(f"{path} is a symbolic link; nufa writes its outputs only into "
                              f"a folder of its own; remove the link, or {suggestion}")
        if path.exists() and path.stat().st_uid != os.geteuid():
            raise OutputError(f"{path} belongs to another user; nufa writes only into a folder "
                              f"of its own; {suggestion}")
    blocker = file_in_the_way(out)
    if blocker is not None:
        raise OutputError(f"the output folder {out} cannot be created: {blocker} is not a folder; "
                          f"{suggestion}")
    return out


def file_in_the_way(folder: Path) -> Path | None:
    """The folder itself or its nearest existing parent when that is not a folder (so nothing
    can be created inside it), else None."""
    for path in (folder, *folder.parents):
        if path.is_symlink() or path.exists():
            return None if path.is_dir() else path
    return None


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


# -- what check keeps in the output folder's cache ---------------------------------------------

OUTPUT = "build"  # the default output folder, in the repository


def cache_folder(root: Path, *, create: bool) -> Path | None:
    """The cache folder that checking the repository may use: build/.nufa-cache, under the rules
    of any output folder (check_output_folder), and never behind a symbolic link. None when it
    is not there (and create is False) or may not be used; nothing is written then."""
    folder = root / OUTPUT / CACHE
    try:
        check_output_folder(root / OUTPUT, root)  # refuses build/ or its cache behind a link
        if not folder.is_dir():
            if not create:
                return None
            folder.mkdir(parents=True)
            # a cache is never part of the repository, whatever its .gitignore says
            (folder / ".gitignore").write_text("*\n", encoding="utf-8")
    except (OutputError, OSError):
        return None
    return folder


def read_cached(path: Path) -> bytes | None:
    """A cache file's bytes; None when it is missing, unreadable or a symbolic link."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            return handle.read()
        except OSError:
            return None


def write_cached(path: Path, data: bytes) -> None:
    """Replace a cache file whole (a link in its place is replaced, not followed); a cache
    that cannot be written is left as it was."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(name, path)
    except OSError:
        Path(name).unlink(missing_ok=True)
