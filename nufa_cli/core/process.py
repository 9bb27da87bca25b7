"""What a child process of nufa does first: end with nufa, however nufa ends.

pandoc's and typst's workers (convert/) and check's reader of the later meetings
(sources/ahead.py) each ask the kernel to kill them when nufa's thread that started them ends
(PR_SET_PDEATHSIG, Linux): no child outlives the run, SIGKILL of nufa included.
"""

from __future__ import annotations

import ctypes
import signal
import sys

_PR_SET_PDEATHSIG = 1


_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def die_with_parent() -> None:
    """In the child: the kernel kills it when the thread that started it ends (elsewhere
    than on Linux, nothing: a child then ends at the end of its input, as each does)."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
