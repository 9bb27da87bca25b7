"""A second process for a check whose source cache holds nothing: it reads the later meetings
while the loader reads the earlier ones.

The first check of an archive (a fresh clone, a new nufa, build/ removed) finds nothing in the
source cache (sources/cache.py), and PyYAML and markdown-it then take most of its time, one
file after another. Where the machine may run a second process, a forked child derives the
cache entries of the meeting folders from the last one backwards, while the loader reads
them from the first one on. Before either reads a folder it marks the folder as its own in
memory both share and looks at the other's mark: the first folder the loader finds the
child's mark on is where they met. There the loader waits for the child to finish that
folder (the child stops at the first folder the loader marked), and takes what it derived,
through a pipe as marshal's bytes (plain data: what the cache file would hold), as entries
the run made itself: each is used as it would have been derived here, so what check finds
and what the cache then keeps are the same as without the child.

Without fork, on one core, with threads running (a fork copies only this one), with a cache
that holds entries (an edit since the last check: little to read), or with few meetings, no
child is started; if the child fails or is killed, the loader derives what it lacks itself. The kernel
kills the child when nufa ends, however it ends (core/process.py); the loader ends it when
loading is over.
"""

from __future__ import annotations

import itertools
import marshal
import mmap
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

from nufa_cli.core.root import MEETINGS
from nufa_cli.sources.cache import SourceCache

if TYPE_CHECKING:
    from nufa_cli.core.process import Forked

MIN_FOLDERS = 24  # fewer meetings: the child's start and hand-over cost more than it saves

Derive = Callable[[Path], None]  # derives (through the current cache) one folder's entries


class _Child:
    """The child reading the meeting folders from the last, as the loader sees it."""

    def __init__(self, process: Forked, folders: list[Path], marks: mmap.mmap,
                 cache: SourceCache) -> None:
        self.process = process
        self.index = {folder.name: i for i, folder in enumerate(folders)}
        self.marks = marks  # [0, n): the loader's marks, [n, 2n): the child's
        self.cache = cache

    def claim(self, folder: Path) -> None:
        i = self.index.get(folder.name)
        if i is None or self.process.pipe < 0:
            return
        self.marks[i] = 1
        if self.marks[len(self.index) + i]:  # the child's: they met
            self.take()

    def take(self) -> None:
        """What the child derived, once it has written it (it stops at the loader's mark);
        it is reaped when loading ends (end())."""
        data = self.process.result()
        if data is None:
            return  # it failed or was killed: the loader derives its part itself
        try:
            for part in marshal.loads(data):
                self.cache.offer(marshal.loads(part))
        except (EOFError, ValueError, TypeError):  # pragma: no cover - as the child wrote it
            return

    def end(self) -> None:
        # done already, unless loading was left early (an error, Ctrl-C)
        self.process.end()
        if not self.marks.closed:
            self.marks.close()


# the cache a helped() is open for, and its child (None where none was started)
_CURRENT: ContextVar[tuple[SourceCache, _Child | None] | None] = ContextVar("ahead", default=None)


@contextmanager
def helped(root: Path, cache: SourceCache, derive: Derive) -> Iterator[None]:
    """A child deriving cache entries of root's meeting folders from the last one backwards
    while what runs inside reads them (loading claims each folder: claim()), where it pays.
    Inside a helped() of the same cache, the decision is that one's: one child per run."""
    open_ = _CURRENT.get()
    if open_ is not None and open_[0] is cache:
        yield
        return
    child = _start(root, cache, derive)
    token = _CURRENT.set((cache, child))
    try:
        yield
    finally:
        _CURRENT.reset(token)
        if child is not None:
            child.end()


def claim(folder: Path) -> None:
    """The loader is to read this meeting folder: if the child got here first, what it
    derived is taken (the loader then finds it in the cache)."""
    open_ = _CURRENT.get()
    if open_ is not None and open_[1] is not None:
        open_[1].claim(folder)


def _start(root: Path, cache: SourceCache, derive: Derive) -> _Child | None:
    if cache.path is None or cache.entries or not hasattr(os, "fork"):
        return None
    try:
        with os.scandir(root / MEETINGS) as entries:  # a link is no meeting (load.folders)
            folders = sorted(Path(e.path) for e in entries if e.is_dir(follow_symlinks=False))
    except OSError:
        return None
    if len(folders) < MIN_FOLDERS:
        return None
    from nufa_cli.core.process import Forked  # here: it costs a run that starts no child

    marks = mmap.mmap(-1, 2 * len(folders))  # anonymous and shared with the child
    process = Forked.start(lambda: _work(folders, marks, cache, derive))
    if process is None:  # no child to be had: the loader reads every folder itself
        marks.close()
        return None
    return _Child(process, folders, marks, cache)


def _work(folders: list[Path], marks: mmap.mmap, cache: SourceCache, derive: Derive) -> bytes:
    """In the child: derive from the last folder back to the first the loader marked; what
    was derived, as the cache's entries. Each folder's are put into bytes as soon as they
    are derived, while the loader is busy: at the end, the loader waits for the last one."""
    parts = []
    known = len(cache.used)  # the entries a run asked for, in the order it first asked
    n = len(folders)
    for i in reversed(range(n)):
        marks[n + i] = 1
        if marks[i]:  # the loader's: they met
            break
        derive(folders[i])
        parts.append(marshal.dumps(dict(itertools.islice(cache.used.items(), known, None))))
        known = len(cache.used)
    return marshal.dumps(parts)
