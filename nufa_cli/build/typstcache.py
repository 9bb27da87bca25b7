"""Each document's typst, as pandoc wrote it, kept on disk: build/.nufa-cache/typst/.

A document's PDF and every meeting packet holding it compile the same typst (packet.py
joins its parts' typst into one document). Keeping it under the digest of everything it is
written from (the job, the templates and the look, nufa's version) means a rebuild after
one toppnotat changed asks pandoc for that toppnotat alone: the packet's other parts are
read from here. Entries are written whole (a temporary file, then a rename), so a build
that stops halfway leaves none half-written; a full build removes those no document of
the repository uses any more. Safe to delete.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from nufa_cli.build.cache import job_key
from nufa_cli.convert.job import Job
from nufa_cli.core.output import CACHE, digest

FOLDER = "typst"


class TypstCache:
    """typst source by job, on disk (Converter's `sources`)."""

    def __init__(self, out: Path, root: Path, templates_key: str) -> None:
        self.folder = out / CACHE / FOLDER
        self.root = root
        self.templates_key = templates_key

    def name(self, job: Job) -> str:
        return digest("typst", self.templates_key, job_key(job, self.root)) + ".typ"

    def get(self, job: Job, /) -> bytes | None:
        try:
            return (self.folder / self.name(job)).read_bytes()
        except OSError:
            return None

    def __setitem__(self, job: Job, source: bytes, /) -> None:
        name = self.name(job)
        # A cache: what cannot be kept (a full disk, a read-only build/) is written anew later.
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(source)
                os.replace(tmp, self.folder / name)
            finally:
                Path(tmp).unlink(missing_ok=True)  # gone after the rename, unless it failed

    def keep_only(self, jobs: Iterable[Job]) -> None:
        """Remove every entry but those of jobs (the build's documents and packet parts)."""
        kept = {self.name(job) for job in jobs}
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for entry in entries:
            if entry.name not in kept:
                entry.unlink(missing_ok=True)
