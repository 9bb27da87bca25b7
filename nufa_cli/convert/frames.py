"""The framing of nufa's worker processes (pandoc_worker.py, typst_child.py): a frame is
"<decimal byte count>\\n<bytes>", so JSON and binary data share one pipe."""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
from collections.abc import Sequence
from typing import IO, Any


def write_frame(stream: IO[bytes], data: bytes) -> None:
    stream.write(b"%d\n" % len(data))
    stream.write(data)


def read_frame(stream: IO[bytes]) -> bytes:
    line = stream.readline()
    if not line.endswith(b"\n"):
        raise ValueError("the process closed its output")
    size = int(line)
    data = stream.read(size)
    if len(data) != size:
        raise ValueError("the process sent a truncated frame")
    return data



class ExchangeFailed(Exception):
    """The worker closed its pipes or sent garbage; timed_out: the watchdog had killed it."""

    def __init__(self, error: Exception, timed_out: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.timed_out = timed_out


def exchange(process: subprocess.Popen[bytes], frames: Sequence[bytes],
             limit: float) -> tuple[dict[str, Any], bytes]:
    """Send frames to a worker and read its reply: a JSON frame, then a binary one. A worker
    still busy after limit seconds is killed (ExchangeFailed with timed_out)."""
    stdin, stdout = process.stdin, process.stdout
    assert stdin is not None and stdout is not None
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        with contextlib.suppress(OSError):
            process.kill()

    watchdog = threading.Timer(limit, kill)
    watchdog.daemon = True
    watchdog.start()
    try:
        for frame in frames:
            write_frame(stdin, frame)
        stdin.flush()
        reply = json.loads(read_frame(stdout))
        return reply, read_frame(stdout)
    except (OSError, ValueError) as error:
        raise ExchangeFailed(error, timed_out.is_set()) from error
    finally:
        watchdog.cancel()


def end(process: subprocess.Popen[bytes]) -> None:
    """End a worker: its input closed (it ends after the request it is on), killed if it is
    still there after 5 s; an input already gone (OSError) is a worker already ending."""
    if process.stdin is not None and not process.stdin.closed:
        with contextlib.suppress(OSError):
            process.stdin.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
