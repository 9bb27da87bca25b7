"""What a check derives from each meeting folder's texts ahead of its loader, where a second
process does so (sources/ahead.py): the YAML of the agenda and of each Markdown file's front
matter as the loader reads them, each body's facts and limits as check() prepares them.

Free of the model and of pydantic, so that front.py can start that process before it imports
them: the child reads while the loader's code is still being imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nufa_cli.check import limits
from nufa_cli.core.root import AGENDA, REFERAT, below
from nufa_cli.sources import cache as source_cache
from nufa_cli.sources.ahead import helped
from nufa_cli.sources.cache import SourceCache
from nufa_cli.sources.reader import read_text, split_front_matter


@contextmanager
def kept(root: Path) -> Iterator[SourceCache]:
    """root's source cache kept for what runs inside (sources/cache.py), and on a first check
    of an archive a second process deriving its folders' entries ahead of the loader."""
    root = root.resolve()
    with source_cache.kept(root) as cache, helped(root, cache, lambda f: derive(root, f)):
        yield cache


def derive(root: Path, folder: Path) -> None:
    """Ask the current source cache what check will ask of one meeting folder. A file the
    loader does not read (a link, a toppnotat no sak names) costs time only."""
    cache = source_cache.current()
    bodies: list[str] = []
    notes = folder / "toppnotater"
    try:
        with os.scandir(notes) as entries:
            found = sorted(Path(e.path) for e in entries
                           if e.name.endswith(".md") and e.is_file(follow_symlinks=False))
    except OSError:
        found = []
    for path in [folder / AGENDA, *found, folder / REFERAT]:
        if path.is_symlink() or not path.is_file():
            continue
        rel = "/".join(below(path, root) or [])
        text, _ = read_text(path, rel)
        if text is None:
            continue
        if path.suffix == ".md":
            bodies.append(split_front_matter(text, rel, cache.load_yaml)[0].body)
        else:
            cache.load_yaml(text, rel)
    limits.prepare(bodies)
