"""One long-lived `pandoc lua` process that converts many documents.

Each pandoc start costs tens of milliseconds or more; one process converts document
after document (tools/bench_convert.py measures it). The Lua side is pandoc_worker.lua
beside this file; the framing is described there.
"""

from __future__ import annotations

import collections
import json
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pypandoc

from nufa_cli.convert.frames import ExchangeFailed, end, exchange
from nufa_cli.core.process import die_with_parent

WORKER_SCRIPT = Path(__file__).with_name("pandoc_worker.lua")
# Per request: what one document may cost pandoc. A real toppnotat takes well under a second
# and a few tens of MB; check's limits (check/shape.py) keep Markdown far from both.
TIMEOUT = 60.0  # seconds
MEMORY = "2g"  # pandoc's heap (GHC's +RTS -M): past it pandoc stops with "Heap exhausted"


class WorkerError(Exception):
    """The worker reported an error or died; the message says which."""


class PandocWorker:
    """A `pandoc lua` subprocess answering requests over stdin/stdout."""

    def __init__(self, init: dict[str, Any], *, epoch: int, scratch: Path) -> None:
        empty = scratch / "empty"
        empty.mkdir(exist_ok=True)
        # A bare environment: no LUA_PATH, no locale or user settings reach pandoc.
        env = {
            "SOURCE_DATE_EPOCH": str(epoch),
            "NUFA_EMPTY_DIR": str(empty),
            "HOME": str(empty),
            "LANG": "C.UTF-8",
        }
        self._process = subprocess.Popen(
            [pypandoc.get_pandoc_path(), "+RTS", f"-M{MEMORY}", "-RTS", "lua", str(WORKER_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=empty,
            env=env,
            # only a prctl call in the child: no lock another thread could hold is taken
            preexec_fn=die_with_parent,
        )
        # Pandoc writes warnings to stderr; drain it so a full pipe never blocks it.
        self._stderr: collections.deque[str] = collections.deque(maxlen=50)
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()
        self.request({"op": "init", **init})

    def _read_stderr(self) -> None:
        assert self._process.stderr is not None
        for line in self._process.stderr:
            self._stderr.append(line.decode("utf-8", "replace").rstrip())

    def request(self, header: dict[str, Any], blobs: Sequence[bytes] = ()) -> tuple[dict[str, Any], bytes]:
        """Send one request; return the JSON reply and its binary frame."""
        header_frame = json.dumps({**header, "blobs": len(blobs)}).encode()
        try:
            reply, output = exchange(self._process, [header_frame, *blobs], TIMEOUT)
        except ExchangeFailed as failed:
            if failed.timed_out:
                self.close()
                raise WorkerError(f"pandoc took longer than {TIMEOUT:.0f} s on this document "
                                  "and was stopped") from failed
            raise WorkerError(self._died_message(failed.error)) from failed
        if not reply.get("ok"):
            raise WorkerError(reply.get("error", "pandoc worker failed without a message"))
        return reply, output

    def _died_message(self, error: Exception) -> str:
        self.close()
        self._drain.join(timeout=1)
        # pandoc's own errors end in a Haskell call stack, which says nothing to a user
        lines = "\n".join(self._stderr).split("CallStack (from HasCallStack)")[0].splitlines()
        detail = "; ".join(line.strip() for line in lines if line.strip()) or str(error)
        return f"pandoc worker stopped (exit code {self._process.returncode}): {detail}"

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def close(self) -> None:
        end(self._process)
        if self._process.stdout:
            self._process.stdout.close()
