"""The framing of nufa's worker processes (pandoc_worker.py, typst_child.py): a frame is
"<decimal byte count>\\n<bytes>", so JSON and binary data share one pipe."""

from __future__ import annotations

from typing import IO


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

