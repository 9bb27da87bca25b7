"""A second process for a check whose source cache holds nothing: it reads the meetings
ahead of the loader, and the loader builds each as it comes.

The first check of an archive (a fresh clone, a new nufa, build/ removed) finds nothing in the
source cache (sources/cache.py), and PyYAML and markdown-it then take most of its time, one
file after another. Where the machine may run a second process, a forked child (started by
front.py before the loader's code is imported: check/ahead.py) derives the cache entries of
the meeting folders from a sixth of the way in to the last, then back to the first, and
sends each folder's entries as soon as it has them (core/process.Forked: a pipe, marshal's
bytes, plain data as the cache file would hold it). The loader reads from the first folder
on: the first ones it derives itself while the child is ahead; each later one it takes as
the child sent it, which costs it a third of deriving it.

Before either derives a folder, it marks the folder as its own in memory both share and looks
at the other's mark: the child passes over the loader's folders, and says so (where both
marked one before either looked, each sees the other's mark: the loader waits for word of
it, then derives it); the loader derives an unmarked one itself (where it caught up with the
child) and waits for one the child marked.
What the child sent is taken as entries the run made itself: each is used as it would have
been derived here, so what check finds and what the cache then keeps are the same as
without the child.

Without fork, on one core, with threads running (a fork copies only this one), with a cache
that holds entries (an edit since the last check: little to read), or with few meetings, no
child is started; if the child fails or is killed, the loader derives what it did not send.
The kernel kills the child when nufa ends, however it ends (core/process.py); the loader ends
it when loading is over.
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
# The child starts at folder n // AHEAD. The loader derives the folders before it while the
# child gets ahead, then builds the child's as they come: on two cores that share one (a
# VM's), the two then end together (measured with tools/bench.py: 5 to 7 the same)
AHEAD = 6

Derive = Callable[[Path], None]  # derives (through the current cache) one folder's entries


class _Child:
    """The child reading the meeting folders ahead of the loader, as the loader sees it."""

    def __init__(self, process: Forked, folders: list[Path], marks: mmap.mmap,
                 cache: SourceCache) -> None:
        self.process = process
        self.index = {folder.name: i for i, folder in enumerate(folders)}
        self.marks = marks  # [0, n): the loader's marks, [n, 2n): the child's
        self.cache = cache
        self.received: set[int] = set()  # the folders the child sent entries (or word) of

    def claim(self, folder: Path) -> None:
        i = self.index.get(folder.name)
        if i is None:
            return
        self._take(wait=False)
        if i in self.received or self.process.pipe < 0:
            return  # its entries are offered; or the child ended: the loader reads the rest
        self.marks[i] = 1
        if not self.marks[len(self.index) + i]:
            return  # the loader's own: it derives the folder as it reads it
        while i not in self.received and self._take(wait=True):
            pass  # the child is at it: its entries come next (or word that it passed it over,
            # or it ended without them): the loader then derives what it was not sent

    def _take(self, *, wait: bool) -> bool:
        """Offer what the child has sent (wait: until it sends more); False once it ended."""
        frames = self.process.receive(wait=wait)
        for frame in frames or ():
            try:
                folder, entries = marshal.loads(frame)
                self.cache.offer(entries)
            except (EOFError, ValueError, TypeError):  # pragma: no cover - as the child wrote it
                continue
            self.received.add(folder)
        return frames is not None

    def end(self) -> None:
        # done already, unless loading was left early (an error, Ctrl-C)
        self.process.end()
        if not self.marks.closed:
            self.marks.close()


# the cache a helped() is open for, and its child (None where none was started)
_CURRENT: ContextVar[tuple[SourceCache, _Child | None] | None] = ContextVar("ahead", default=None)


@contextmanager
def helped(root: Path, cache: SourceCache, derive: Derive) -> Iterator[None]:
    """A child deriving cache entries of root's meeting folders ahead of what runs inside,
    which reads them (loading claims each folder: claim()), where it pays.
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
    process = Forked.start(lambda send: _work(folders, marks, cache, derive, send))
    if process is None:  # no child to be had: the loader reads every folder itself
        marks.close()
        return None
    return _Child(process, folders, marks, cache)


def _work(folders: list[Path], marks: mmap.mmap, cache: SourceCache, derive: Derive,
          send: Callable[[bytes], None]) -> None:
    """In the child: derive the folders from n // AHEAD to the last, then back from there
    to the first, each one the loader has not marked; send each one's entries as soon as
    they are derived. Where the loader catches up with the child, they take turns; where
    the child gets back to the first folders, it stops at the first one the loader has."""
    n = len(folders)
    start = n // AHEAD
    known = len(cache.used)  # the entries a run asked for, in the order it first asked
    for i in [*range(start, n), *reversed(range(start))]:
        marks[n + i] = 1
        if marks[i]:  # the loader's
            if i < start:
                break  # going back: it has every folder before this one too
            # nothing for it: had the loader marked it as this was marked, it waits for that
            send(marshal.dumps((i, {})))
            continue
        derive(folders[i])
        send(marshal.dumps((i, dict(itertools.islice(cache.used.items(), known, None)))))
        known = len(cache.used)
