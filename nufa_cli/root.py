"""Where a nufa repository is, and the names of its top-level sources. Cheap to import."""

from __future__ import annotations

from pathlib import Path

from .errors import RepositoryNotFound

CONFIG = "nufa.yaml"
MEMBERS = "medlemmer.yaml"
MEETINGS = "meetings"
SOURCE_PATHS = (CONFIG, MEMBERS, MEETINGS)


def find_root(start: Path) -> Path:
    """The first folder at or above start that holds nufa.yaml or meetings/, like git's .git."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG).is_file() or (folder / MEETINGS).is_dir():
            return folder
    raise RepositoryNotFound(start)
