"""One typst compile in a process of its own, for the largest documents (meeting packets).

typst keeps what it laid out in a cache of the whole process (a new typst.Compiler does not
empty it, and typst-py offers no way to), about as large as the document: a build holding
every meeting's packet in one process grew by some 25 MB a packet. Compiled here, a packet's
memory goes when its process ends, and a build's peak stays that of one packet, whatever
the size of the archive. A document of a few pages costs little to keep, and is compiled in
the build's own process (starting a process and loading the fonts would cost more).

    python -m nufa_cli.convert.typst_child

reads one request frame (JSON: fonts, inputs, root, timestamp, standards) and the typst
source frame from stdin, and writes one JSON reply frame and the PDF frame to stdout
(frames.py). Errors and warnings come back as their messages.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nufa_cli.convert.frames import read_frame, write_frame


class ChildFailed(Exception):
    """The child process died or said something else than a reply."""


def compile_isolated(source: bytes, *, fonts: Sequence[str], inputs: dict[str, str], root: Path,
                     timestamp: int, standards: Sequence[str]) -> dict[str, Any]:
    """The reply of a child that compiled source: {"pdf": bytes} or {"error": message} (each
    with "warnings", messages)."""
    request = {"fonts": list(fonts), "inputs": inputs, "root": str(root),
               "timestamp": timestamp, "standards": list(standards)}
    message = io.BytesIO()
    write_frame(message, json.dumps(request).encode())
    write_frame(message, source)
    package = str(Path(__file__).resolve().parents[2])  # where nufa_cli is, installed or not
    path = os.pathsep.join(p for p in (package, os.environ.get("PYTHONPATH")) if p)
    try:
        done = subprocess.run([sys.executable, "-m", __name__], input=message.getvalue(),
                              capture_output=True, check=False,
                              env={**os.environ, "PYTHONPATH": path})
    except OSError as error:
        raise ChildFailed(f"typst's process could not start: {error}") from error
    answer = io.BytesIO(done.stdout)
    try:
        reply = json.loads(read_frame(answer))
        pdf = read_frame(answer)
    except ValueError as error:
        detail = done.stderr.decode("utf-8", "replace").strip() or str(error)
        raise ChildFailed(f"typst's process stopped: {detail}") from error
    if "error" not in reply:
        reply["pdf"] = pdf
    return dict(reply)


def typst_message(diagnostic: Any) -> str:  # a typst.TypstError or typst.TypstWarning
    """A typst error or warning as one line, with its hints."""
    message = getattr(diagnostic, "message", None) or str(diagnostic)
    hints = getattr(diagnostic, "hints", None) or []
    return str(message) + "".join(f" (hint: {hint})" for hint in hints)


def main() -> None:
    import typst

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    request = json.loads(read_frame(stdin))
    source = read_frame(stdin)
    fonts = typst.Fonts(include_system_fonts=False, font_paths=request["fonts"])
    compiler = typst.Compiler(font_paths=fonts, ignore_system_fonts=True,
                              sys_inputs=request["inputs"])
    pdf: bytes = b""
    try:
        made, warnings = compiler.compile_with_warnings(
            input=source, format="pdf", pdf_standards=request["standards"],
            root=request["root"], timestamp=request["timestamp"])
        assert isinstance(made, bytes)
        pdf = made
        reply: dict[str, Any] = {"warnings": [typst_message(w) for w in warnings]}
    except typst.TypstError as error:
        reply = {"error": typst_message(error), "warnings": []}
    write_frame(stdout, json.dumps(reply).encode())
    write_frame(stdout, pdf)
    stdout.flush()


if __name__ == "__main__":
    main()
