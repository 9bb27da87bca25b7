"""Write build outputs with guard rails: inside the output folder, one document per path,
all-or-nothing replacement, and a manifest so unchanged documents are not converted again.

The manifest, build/.nufa-manifest.json, records per output file (by its path in the output
folder) what it is: its kind, meeting, sak, format, whether it is public, and the fingerprint
of what it shows; and what it was made from (`input`, the key) and its bytes' digest
(`output`). `nufa site` publishes from it, so it never guesses what a file is.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nufa_cli.build import journal
from nufa_cli.core.output import MANIFEST, OutputError, WriteFailed, digest


@dataclass(frozen=True)
class Output:
    """One file a build makes."""

    name: str  # its path in the output folder: "2024-04-24/offentlig/toppnotat-12-24.pdf"
    kind: str  # its target (build/targets.py)
    meeting: str  # the meeting folder
    sak: str | None  # "12/24": the sak it is about (a toppnotat), else None
    format: str  # "docx", "pdf", "ics"
    public: bool  # shows nothing skjermet: the public set, or public as it is (the calendar)
    fingerprint: str  # what it shows, not when or where it was built (convert/job.py)
    key: str  # a digest of everything it is made from: the same key, the same bytes

    def entry(self, output: str) -> dict[str, Any]:
        """Its manifest entry; output: the digest of its bytes."""
        fields = asdict(self)
        del fields["name"]
        fields["input"] = fields.pop("key")
        return {**fields, "output": output}

    @classmethod
    def from_entry(cls, name: str, entry: dict[str, Any]) -> Output:
        return cls(name, str(entry["kind"]), str(entry["meeting"]),
                   None if entry.get("sak") is None else str(entry["sak"]), str(entry["format"]),
                   entry["public"] is True, str(entry["fingerprint"]), str(entry["input"]))


@dataclass
class Manifest:
    """The manifest as read, and what it tells of the files in the output folder."""

    out: Path
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, out: Path) -> Manifest:
        try:
            entries = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {}
        if not isinstance(entries, dict):
            entries = {}
        return cls(out, {str(k): v for k, v in entries.items() if isinstance(v, dict)})

    def recorded(self, meeting: str | None = None) -> list[Output]:
        """The files the manifest describes (of one meeting); those recorded by an older nufa,
        which did not say what each file is, left out."""
        found = []
        for name, entry in sorted(self.entries.items()):
            try:
                output = Output.from_entry(name, entry)
            except (KeyError, TypeError):
                continue
            if meeting is None or output.meeting == meeting:
                found.append(output)
        return found

    def has(self, name: str) -> bool:
        """The manifest describes the file, and it is in the output folder."""
        return name in self.entries and (self.out / name).is_file()

    def holds(self, name: str) -> bool:
        """The file is in the output folder, and is the one the manifest describes."""
        return self.has(name) and \
            digest((self.out / name).read_bytes()) == self.entries[name].get("output")

    def made(self, output: Output) -> bool:
        """The file holds what output shows: recorded with its fingerprint, and unchanged."""
        entry = self.entries.get(output.name, {})
        return entry.get("fingerprint") == output.fingerprint and self.holds(output.name)

    def up_to_date(self, output: Output) -> bool:
        """Unchanged input, and the file on disk is the one this input produced."""
        entry = self.entries.get(output.name, {})
        return entry.get("input") == output.key and self.holds(output.name)

    def data(self) -> bytes:
        return json.dumps(self.entries, indent=1, sort_keys=True).encode("utf-8")


@dataclass
class Plan:
    """Outputs of one build: path -> what it is, and its bytes once converted.

    The bytes are staged on disk as each output is made (put), in a folder of the output
    folder, so a build holds no file in memory until it commits, whatever the number of
    files; commit() moves them into place and removes what is no longer made as one step
    (journal.py), discard() removes them when the build fails."""

    out: Path
    outputs: dict[Path, Output] = field(default_factory=dict)
    staged: dict[Path, tuple[Path, str]] = field(default_factory=dict)  # -> (file, bytes' digest)
    manifest: Manifest = field(init=False)
    _staging: Path | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.manifest = Manifest.read(self.out)

    @classmethod
    def of(cls, out: Path, outputs: Sequence[Output]) -> Plan:
        plan = cls(out)
        for output in outputs:
            plan.add(output)
        return plan

    def add(self, output: Output) -> Path:
        path = (self.out / output.name).resolve()
        if not path.is_relative_to(self.out):
            raise OutputError(f"refusing to write {path}: outside the output folder {self.out}")
        if path in self.outputs:
            raise OutputError(f"two documents would be written to {path}")
        self.outputs[path] = output
        return path

    def up_to_date(self, output: Output) -> bool:
        return self.manifest.up_to_date(output)

    def put(self, made: Mapping[Output, bytes]) -> None:
        for output, data in made.items():
            self.stage(output, data)

    def stage(self, output: Output, data: bytes) -> None:
        """Keep an output's bytes on disk until commit (any thread may call it)."""
        path = (self.out / output.name).resolve()
        file = self._keep(path.name, data)
        with self._lock:
            self.staged[path] = (file, digest(data))

    def _keep(self, name: str, data: bytes) -> Path:
        try:
            with self._lock:
                if self._staging is None:
                    self.out.mkdir(parents=True, exist_ok=True)
                    self._staging = Path(tempfile.mkdtemp(prefix=journal.STAGING, dir=self.out))
                staging = self._staging
            fd, file = tempfile.mkstemp(prefix=f"{name}.", dir=staging)
            os.fchmod(fd, 0o644)  # as it will stand in the output folder (mkstemp's is 0600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(fd)  # on disk before the commit: a power cut leaves no empty output
        except OSError as exc:
            self.discard()
            raise WriteFailed(f"to {self.out}", exc, "earlier outputs are unchanged") from exc
        return Path(file)

    def unchanged(self) -> list[Path]:
        return sorted(set(self.outputs) - set(self.staged))

    def gone(self, scope: Callable[[Output], bool]) -> list[Output]:
        """What the manifest records that this build no longer makes, of the files `scope`
        says this build decides on (its meetings, kinds and formats): a withdrawn sak's
        toppnotat, a renumbered one's old name."""
        made = {output.name for output in self.outputs.values()}
        return [output for output in self.manifest.recorded()
                if output.name not in made and scope(output)
                and (self.out / output.name).resolve().is_relative_to(self.out)]

    def commit(self, removed: Sequence[Output] = ()) -> list[Path]:
        """Replace every changed output, remove the ones no longer made and write the
        manifest, as one step (journal.py): a failure leaves the previous set as it was."""
        entries = self.manifest.entries
        for path, output in self.outputs.items():
            made = self.staged[path][1] if path in self.staged else \
                entries[output.name]["output"]  # up to date: as the manifest has it
            entries[output.name] = output.entry(made)
        for output in removed:
            entries.pop(output.name, None)
        written = sorted(self.staged)
        try:
            moves = {path: self.staged[path][0] for path in written}
            moves[self.out / MANIFEST] = self._keep(MANIFEST, self.manifest.data())
            journal.replace(self.out, moves, [self.out / o.name for o in removed])
        except OSError as exc:
            self.manifest = Manifest.read(self.out)
            raise WriteFailed(f"to {self.out}", exc, "earlier outputs are unchanged") from exc
        finally:
            self.discard()
        return written

    def discard(self) -> None:
        """Remove what was staged and not committed (a failed build leaves nothing)."""
        with self._lock:
            staging, self._staging = self._staging, None
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def merge(out: Path, builds: Sequence[Path]) -> list[Path]:
    """Take into out what other builds (the shards of `nufa build --shard`) made: each file
    their manifests record and their folders hold, with its entry; all or nothing, like a
    build. Two builds making the same file is an error (shards share no meeting)."""
    with journal.locked(out):
        plan = Plan(out)
        try:
            for folder in builds:
                theirs = Manifest.read(folder)
                if not theirs.entries:
                    raise OutputError(f"{folder} holds no nufa build (no {MANIFEST})")
                for output in theirs.recorded():
                    if theirs.holds(output.name):  # an artifact may carry a part of a build
                        plan.add(output)
                        plan.stage(output, (folder / output.name).read_bytes())
        except BaseException:
            plan.discard()
            raise
        return plan.commit()
