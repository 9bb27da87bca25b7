"""nufa's child processes: each ends with nufa, however nufa ends; and a function run in a
forked child whose result nufa takes when it needs it.

pandoc's and typst's workers (convert/), check's reader of the later meetings
(sources/ahead.py) and its rules run apart (check/validate.py) each ask the kernel to kill
them when nufa's thread that started them ends (PR_SET_PDEATHSIG, Linux): no child outlives
the run, SIGKILL of nufa included.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import gc
import os
import select
import signal
import struct
import sys
import threading
from collections.abc import Callable
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_HEADER = struct.Struct("<Q")  # the length of what follows: a child killed mid-write is seen
_DONE = (1 << 64) - 1  # in place of a length: work() returned
_PIPE = 1 << 20  # bytes the pipe holds (Linux's most for anyone): frames of a megabyte wait

# Found here, in the parent: in a child forked beside other threads (pandoc's preexec_fn),
# importing would take a lock one of them may hold. Modules import this one where they start
# a child, not before (ctypes costs every run a little).
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def die_with_parent() -> None:
    """In the child: the kernel kills it when the thread that started it ends (elsewhere
    than on Linux, nothing: a child then ends at the end of its input, as each does)."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def cores() -> int:
    """The cores this process may run on, and a container's CPU quota allows: with one, a
    child would only take turns with it."""
    found = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        os.cpu_count() or 1
    quota = _quota()
    return min(found, quota) if quota else found


# A container's CPU quota (docker --cpus, a CI runner's limit), cgroup v2 and v1, as the
# container sees its own cgroup: microseconds of CPU per period
QUOTA_V2 = Path("/sys/fs/cgroup/cpu.max")  # "max 100000", or "150000 100000"
QUOTA_V1 = (Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))


def _quota() -> int | None:
    """The whole cores the quota allows (at least one); None where there is no quota or none
    can be read."""
    try:
        words = QUOTA_V2.read_text(encoding="ascii").split()
        if words[:1] == ["max"]:
            return None
        quota, period = int(words[0]), int(words[1])
    except (OSError, ValueError, IndexError):
        try:
            quota, period = (int(path.read_text(encoding="ascii")) for path in QUOTA_V1)
        except (OSError, ValueError):
            return None
    if quota <= 0 or period <= 0:  # v1's -1: none
        return None
    return max(1, quota // period)


def may_fork() -> bool:
    """Whether a forked child can work beside this process: fork exists, a second core is
    there to run it, and no other thread runs (a fork copies only this one, mid-work locks
    of the others included)."""
    return hasattr(os, "fork") and threading.active_count() == 1 and cores() >= 2


class Forked:
    """work(send) run in a forked child, each bytes it sends taken by the parent as a frame
    (a pipe, each frame's length first): a child that failed or was killed midway leaves its
    last frame incomplete, and not done. A frame may be read as soon as it is sent."""

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid = pid
        self.pipe = pipe  # closed once read to its end or given up
        self.reaped = False
        self.done = False  # work() returned, every frame sent
        self._pending = bytearray()  # read, not yet a whole frame

    @classmethod
    def start(cls, work: Callable[[Callable[[bytes], None]], None]) -> Forked | None:
        """The child working, or None where there is none to be had (may_fork(), or no
        process left on the machine): the caller then does the work itself."""
        if not may_fork():
            return None
        reading, writing = os.pipe()
        with contextlib.suppress(OSError, AttributeError):  # frames sent while the parent
            fcntl.fcntl(writing, fcntl.F_SETPIPE_SZ, _PIPE)  # is busy need not wait for it
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            os.close(reading)
            os.close(writing)
            return None
        if pid == 0:  # the child: never returns into the caller's code
            code = 1
            try:
                os.close(reading)
                die_with_parent()
                if os.getppid() == parent:  # else nufa ended before the kernel was asked
                    for name in ("SIGINT", "SIGTERM"):  # Ctrl-C, kill: ended, not nufa's
                        signal.signal(getattr(signal, name), signal.SIG_DFL)  # handler's
                    gc.disable()  # the parent's objects, no garbage: nothing to collect
                    with open(writing, "wb") as out:
                        def send(data: bytes) -> None:
                            out.write(_HEADER.pack(len(data)))
                            out.write(data)
                            out.flush()

                        work(send)
                        out.write(_HEADER.pack(_DONE))
                    code = 0
            finally:
                os._exit(code)
        os.close(writing)
        os.set_blocking(reading, False)
        return cls(pid, reading)

    def receive(self, *, wait: bool) -> list[bytes] | None:
        """The whole frames sent since the last call (wait: at least one, unless the child
        ends first); None once it has ended and every frame it sent was taken."""
        frames: list[bytes] = []
        while self.pipe >= 0:
            try:
                chunk = os.read(self.pipe, 1 << 20)
            except BlockingIOError:  # nothing more for now
                if frames or not wait:
                    break
                select.select([self.pipe], [], [])
                continue
            if not chunk:  # the child's end: what it sent is all read
                self._close()
                break
            self._pending += chunk
            frames += self._frames()
        return frames if frames or self.pipe >= 0 else None

    def result(self) -> bytes | None:
        """The one frame work() sent, once it returned; None if it failed."""
        frames: list[bytes] = []
        while (more := self.receive(wait=True)) is not None:
            frames += more
        return frames[0] if self.done and len(frames) == 1 else None

    def _frames(self) -> list[bytes]:
        found = []
        pending = self._pending
        while len(pending) >= _HEADER.size:
            length = _HEADER.unpack_from(pending)[0]
            if length == _DONE:
                self.done = True
                del pending[:_HEADER.size]
                continue
            if len(pending) < _HEADER.size + length:
                break
            found.append(bytes(pending[_HEADER.size:_HEADER.size + length]))
            del pending[:_HEADER.size + length]
        return found

    def end(self) -> None:
        """The child ended (at once, if it is still at work) and reaped."""
        self._close()
        if not self.reaped:
            self.reaped = True
            with contextlib.suppress(ProcessLookupError):  # done already, as after result()
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):  # reaped elsewhere
                os.waitpid(self.pid, 0)

    def _close(self) -> None:
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1
