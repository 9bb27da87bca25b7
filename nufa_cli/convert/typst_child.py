"""typst in a process of its own, with a time and a memory limit per document.

typst compiles inside the library (typst-py): a compile cannot be interrupted, and a
document that makes typst loop or grow would hold the build, and the machine's memory,
without end. So every compile runs in a child process: one TypstWorker per conversion lane
for the documents (it loads the fonts once and keeps typst's caches between documents), and
a worker of its own for each of the largest documents, the meeting packets (typst keeps what
it laid out in a cache of the whole process, about as large as the document: a build holding
every packet in one process grew by some 25 MB a packet; a packet's memory goes when its
process ends). The parent stops a worker past TIMEOUT seconds on one document (PACKET_TIMEOUT
for a packet), the kernel past MEMORY bytes of data (RLIMIT_DATA) or when nufa itself ends
(PR_SET_PDEATHSIG: core/process.py); the document is named in the error, and the next
document gets a new worker.

    python -m nufa_cli.convert.typst_child

reads requests until its input closes: each one request frame (JSON: fonts, inputs, root,
timestamp, standards) and the typst source frame; it writes one JSON reply frame and the
PDF frame to stdout for each (frames.py). Errors and warnings come back as their messages.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from nufa_cli.convert.frames import ExchangeFailed, end, exchange, read_frame, write_frame

TIMEOUT = 120.0  # seconds for one document: a toppnotat takes well under one
PACKET_TIMEOUT = 600.0  # a meeting packet: all of a meeting's documents and vedlegg
MEMORY = 4 << 30  # bytes of data (heap and private mappings) typst may hold for one document


class ChildFailed(Exception):
    """The child process could not start, died, or said something else than a reply."""


@dataclass(frozen=True)
class Request:
    """What a compile needs besides the source."""

    fonts: Sequence[str]  # the font folders
    inputs: dict[str, str]  # sys.inputs: the page texts, the font
    root: Path  # typst's root: the document's folder, where its images are
    timestamp: int
    standards: Sequence[str]

    def frame(self) -> bytes:
        return json.dumps({**asdict(self), "fonts": list(self.fonts), "root": str(self.root),
                           "standards": list(self.standards)}).encode()


def _limited() -> None:
    """In the child before it runs: at most MEMORY of data, and killed when the thread that
    started it ends, however nufa ends (SIGKILL included)."""
    from nufa_cli.core.process import die_with_parent

    with contextlib.suppress(ValueError, OSError):  # a lower hard limit stays as it is
        resource.setrlimit(resource.RLIMIT_DATA, (MEMORY, resource.getrlimit(
            resource.RLIMIT_DATA)[1]))
    die_with_parent()


class TypstWorker:
    """One child process compiling typst sources, one at a time."""

    def __init__(self) -> None:
        package = str(Path(__file__).resolve().parents[2])  # where nufa_cli is, installed or not
        path = os.pathsep.join(p for p in (package, os.environ.get("PYTHONPATH")) if p)
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": path},
                # only a setrlimit and a prctl call in the child: no lock another thread holds
                preexec_fn=_limited)
        except OSError as error:
            raise ChildFailed(f"typst's process could not start: {error}") from error
        self._stderr: list[bytes] = []
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()

    def _read_stderr(self) -> None:
        stream = self._process.stderr
        assert stream is not None
        for line in stream:
            if len(self._stderr) < 50:
                self._stderr.append(line)

    def compile(self, source: bytes, request: Request, timeout: float | None = None
                ) -> dict[str, Any]:
        """The reply for source: {"pdf": bytes} or {"error": message} (each with "warnings",
        messages); ChildFailed when the worker died on it, naming the limit it passed."""
        limit = TIMEOUT if timeout is None else timeout
        try:
            reply, pdf = exchange(self._process, [request.frame(), source], limit)
        except ExchangeFailed as failed:
            raise ChildFailed(self._died(failed, limit)) from failed
        if "error" not in reply:
            reply["pdf"] = pdf
        return dict(reply)

    def _died(self, failed: ExchangeFailed, limit: float) -> str:
        self.close()
        self._drain.join(timeout=1)
        if failed.timed_out:
            return f"typst took longer than {limit:g} s on this document and was stopped"
        detail = b"".join(self._stderr).decode("utf-8", "replace")
        if "memory allocation" in detail or "MemoryError" in detail or \
                self._process.returncode == -6:  # SIGABRT: Rust's answer to a failed allocation
            return (f"typst needed more than {MEMORY >> 20} MB of memory on this document and "
                    "was stopped")
        lines = [line.strip() for line in detail.splitlines() if line.strip()]
        return f"typst's process stopped: {lines[-1] if lines else failed.error}"

    def close(self) -> None:
        """End the worker (its input closed: it ends after the document it is on)."""
        end(self._process)

    @property
    def alive(self) -> bool:
        return self._process.poll() is None


def compile_isolated(source: bytes, request: Request) -> dict[str, Any]:
    """compile() in a worker of its own, ended after it (a meeting packet)."""
    worker = TypstWorker()
    try:
        return worker.compile(source, request, timeout=PACKET_TIMEOUT)
    finally:
        worker.close()


def typst_message(diagnostic: Any) -> str:  # a typst.TypstError or typst.TypstWarning
    """A typst error or warning as one line, with its hints."""
    message = getattr(diagnostic, "message", None) or str(diagnostic)
    hints = getattr(diagnostic, "hints", None) or []
    return str(message) + "".join(f" (hint: {hint})" for hint in hints)


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """Answer requests until stdin closes; a compiler per set of fonts and inputs."""
    import typst

    compilers: dict[str, Any] = {}
    while True:
        try:
            request = json.loads(read_frame(stdin))
        except ValueError:  # the input closed: nufa is done with this worker
            return
        source = read_frame(stdin)
        key = json.dumps([request["fonts"], request["inputs"]], sort_keys=True)
        if key not in compilers:
            fonts = typst.Fonts(include_system_fonts=False, font_paths=request["fonts"])
            compilers[key] = typst.Compiler(font_paths=fonts, ignore_system_fonts=True,
                                            sys_inputs=request["inputs"])
        pdf: bytes = b""
        try:
            made, warnings = compilers[key].compile_with_warnings(
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
    serve(sys.stdin.buffer, sys.stdout.buffer)
