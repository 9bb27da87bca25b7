"""Where a nufa repository is, its top-level sources, and paths that must stay inside it.
Cheap to import."""

from __future__ import annotations

import os
from pathlib import Path
from stat import S_ISLNK

from nufa_cli.core.errors import RepositoryNotFound

CONFIG = "nufa.yaml"
MEMBERS = "medlemmer.yaml"
MEETINGS = "meetings"
AGENDA = "agenda.yaml"  # in each meeting folder
REFERAT = "referat.md"
SOURCE_PATHS = (CONFIG, MEMBERS, MEETINGS)


def find_root(start: Path) -> Path:
    """The first folder at or above start that holds nufa.yaml or meetings/, like git's .git."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG).is_file() or (folder / MEETINGS).is_dir():
            return folder
    raise RepositoryNotFound(start)


SYMLINK = "a symbolic link; nufa reads only files and folders that lie in the repository itself"


def below(path: Path, root: Path) -> list[str] | None:
    """The parts of path below root ([] for root itself), or None when it does not lie
    there: Path.relative_to on the strings, without its cost for every file of an archive."""
    base, full = str(root), str(path)
    if full == base:
        return []
    prefix = base if base.endswith(os.sep) else base + os.sep
    return full[len(prefix):].split(os.sep) if full.startswith(prefix) else None


def symlinked(path: Path, root: Path, plain: set[str] | None = None) -> Path | None:
    """The path itself or the first folder between root and it that is a symbolic link, else
    None. One rule for every source (settings, meetings/, a meeting folder, agenda, referat,
    toppnotat, vedlegg, image): a link is not read, wherever it points, so no source comes
    from outside the repository and every source is where the build's fingerprint looks.
    plain: paths found not to be links earlier in the same run, kept there (a meeting's
    files all lie below the same few folders)."""
    parts = below(path, root)
    if parts is None:
        return path
    if plain is not None and str(path) in plain:  # it and so every folder above, found before
        return None
    current = str(root)
    for part in parts:
        current = current + os.sep + part if current != os.sep else os.sep + part
        if plain is not None and current in plain:
            continue
        try:
            if S_ISLNK(os.lstat(current).st_mode):
                return Path(current)
        except (FileNotFoundError, NotADirectoryError):  # as Path.is_symlink: no link there
            pass  # (an over-long or unusable name is the caller's to report: it raises)
        if plain is not None:
            plain.add(current)
    return None


def inside(folder: Path, value: str, plain: set[str] | None = None) -> tuple[Path | None, str]:
    """Resolve a user path inside folder; (None, why) when it points elsewhere (plain: as
    symlinked's)."""
    if not value.strip():
        return None, "the path is empty"
    candidate = Path(value)
    if candidate.is_absolute():
        return None, "an absolute path; give it relative to the meeting folder"
    if ".." in candidate.parts:
        return None, "it climbs out with '..'; files must lie inside the meeting folder"
    if "\0" in value:  # no file can have it (pathlib's checks answer False rather than fail)
        return None, "not a usable file name"
    target = folder / candidate
    try:
        # No link among the path's own parts (symlinked): then, with no '..', it lies inside
        # the folder; resolving it would cost a system call per component from /.
        if symlinked(target, folder, plain) is not None:
            return None, SYMLINK
    except (OSError, ValueError):  # an over-long name: no file can have it
        return None, "not a usable file name"
    return target, ""


def builtin_templates() -> Path:
    """The built-in templates: inside the package when installed, else the repository's."""
    package = Path(__file__).resolve().parents[1]  # nufa_cli/, this file being nufa_cli/core/root.py
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


def template_dirs(maler: Path | None) -> list[Path]:
    """Where templates are looked up, in order: the committee's own, then the built-ins."""
    return [folder for folder in (maler, builtin_templates()) if folder and folder.is_dir()]
