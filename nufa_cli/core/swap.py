"""Two folders trade places in one step: Linux's renameat2(RENAME_EXCHANGE).

A folder replaced by two renames (the old one aside, the new one in) is missing for the
moment between them, and stays missing if nufa is killed there. Exchanged, the path names
the old folder or the new one at every instant. Where the system cannot exchange (another
kernel, a C library without renameat2, a file system that refuses it), `supported` says
so and callers fall back to their renames.
"""

from __future__ import annotations

import errno
import functools
import os
from pathlib import Path
from typing import Any

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM,
                errno.EXDEV}


@functools.cache
def _renameat2() -> Any:  # ctypes' function, or None
    import ctypes  # only once a commit needs it: no command pays the import otherwise

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_known: dict[int, bool] = {}  # a file system (st_dev) -> whether it exchanges


class Unsupported(OSError):
    """The system or the file system would not exchange these two (overlayfs refuses a folder
    of a lower layer with EXDEV, though it exchanges new ones): rename them another way."""


def exchange(a: Path, b: Path) -> None:
    """a and b, both existing, trade places (OSError as rename would raise it; Unsupported
    where they cannot be exchanged)."""
    renameat2 = _renameat2()
    if renameat2 is None:
        raise Unsupported(errno.ENOSYS, "this system cannot exchange two folders", str(a))
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE):
        import ctypes

        code = ctypes.get_errno()
        refused = Unsupported if code in _UNSUPPORTED else OSError
        raise refused(code, os.strerror(code), str(a), None, str(b))


def supported(scratch: Path) -> bool:
    """Whether folders on scratch's file system can be exchanged: tried once per file system,
    on two empty folders made inside scratch (a temporary folder of the caller's, which it
    removes however it ends)."""
    device = os.stat(scratch).st_dev
    if device not in _known:
        a, b = scratch / ".nufa-swap-a", scratch / ".nufa-swap-b"
        a.mkdir()
        b.mkdir()
        try:
            exchange(a, b)
            _known[device] = True
        except Unsupported:
            _known[device] = False
        finally:
            a.rmdir()
            b.rmdir()
    return _known[device]
