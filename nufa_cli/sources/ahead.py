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

import contextlib
import gc
import marshal
import mmap
import os
import signal
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from nufa_cli.core.root import MEETINGS
from nufa_cli.sources.cache import SourceCache

MIN_FOLDERS = 24  # fewer meetings: the child's start and hand-over cost more than it saves
_HEADER = struct.Struct("<Q")  # the length of what follows: a child killed mid-write is seen

Derive = Callable[[Path], None]  # derives (through the current cache) one folder's entries


class _Child:
    """The child reading the meeting folders from the last, as the loader sees it."""

    def __init__(self, pid: int, pipe: int, folders: list[Path], marks: mmap.mmap,
                 cache: SourceCache) -> None:
        self.pid = pid
        self.pipe = pipe  # closed once read to its end: the child's part is then taken
        self.index = {folder.name: i for i, folder in enumerate(folders)}
        self.marks = marks  # [0, n): the loader's marks, [n, 2n): the child's
        self.cache = cache

    def claim(self, folder: Path) -> None:
        i = self.index.get(folder.name)
        if i is None or self.pipe < 0:
            return
        self.marks[i] = 1
        if self.marks[len(self.index) + i]:  # the child's: they met
            self.take()

    def take(self) -> None:
        """What the child derived, once it has ended (it stops at the loader's mark)."""
        chunks = []
        try:
            while chunk := os.read(self.pipe, 1 << 20):
                chunks.append(chunk)
        finally:
            self.end()
        data = b"".join(chunks)
        if len(data) < _HEADER.size or _HEADER.unpack_from(data)[0] != len(data) - _HEADER.size:
            return  # it failed or was killed: the loader derives its part itself
        try:
            entries = marshal.loads(memoryview(data)[_HEADER.size:])
        except (EOFError, ValueError, TypeError):  # pragma: no cover - as the child wrote it
            return
        if isinstance(entries, dict):
            self.cache.offer(entries)

    def end(self) -> None:
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1
            # done already, unless loading was left early (an error, Ctrl-C)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):  # reaped elsewhere
                os.waitpid(self.pid, 0)
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
    if cache.path is None or cache.entries or not hasattr(os, "fork") or \
            threading.active_count() > 1 or _cores() < 2:
        return None
    try:
        with os.scandir(root / MEETINGS) as entries:  # a link is no meeting (load.folders)
            folders = sorted(Path(e.path) for e in entries if e.is_dir(follow_symlinks=False))
    except OSError:
        return None
    if len(folders) < MIN_FOLDERS:
        return None
    marks = mmap.mmap(-1, 2 * len(folders))  # anonymous and shared with the child
    reading, writing = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:  # no process to be had: the loader reads every folder itself
        os.close(reading)
        os.close(writing)
        marks.close()
        return None
    if pid == 0:  # the child: never returns into the caller's code
        code = 1
        try:
            os.close(reading)
            _work(parent, folders, marks, writing, cache, derive)
            code = 0
        finally:
            os._exit(code)
    os.close(writing)
    return _Child(pid, reading, folders, marks, cache)


def _cores() -> int:
    """The cores this process may run on: with one, the child would only take turns with it."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _work(parent: int, folders: list[Path], marks: mmap.mmap, pipe: int, cache: SourceCache,
          derive: Derive) -> None:
    from nufa_cli.core.process import die_with_parent

    die_with_parent()
    if os.getppid() != parent:  # nufa ended before the kernel was asked
        return
    for name in ("SIGINT", "SIGTERM"):  # Ctrl-C, kill: ended, not nufa's handler's to run
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    gc.disable()  # as loading does: many long-lived objects, no garbage
    before = set(cache.used)
    n = len(folders)
    for i in reversed(range(n)):
        marks[n + i] = 1
        if marks[i]:  # the loader's: they met
            break
        derive(folders[i])
    data = marshal.dumps({key: entry for key, entry in cache.used.items() if key not in before})
    with open(pipe, "wb") as out:
        out.write(_HEADER.pack(len(data)) + data)
