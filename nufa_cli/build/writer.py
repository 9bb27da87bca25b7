"""Write build outputs with guard rails: inside the output folder, one document per path,
all-or-nothing replacement, and a manifest so unchanged documents are not converted again.

The manifest, build/.nufa-manifest.json, records per output file (by its path in the output
folder) what it is: its kind, meeting, sak, format, whether it is public, and the fingerprint
of what it shows; and what it was made from (`input`, the key) and its bytes' digest
(`output`). `nufa site` publishes from it, so it never guesses what a file is.
"""

from __future__ import annotations

import json
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
    """Outputs of one build: path -> what it is, and its bytes once converted."""

    out: Path
    outputs: dict[Path, Output] = field(default_factory=dict)
    contents: dict[Path, bytes] = field(default_factory=dict)
    manifest: Manifest = field(init=False)

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
            self.contents[(self.out / output.name).resolve()] = data

    def unchanged(self) -> list[Path]:
        return sorted(set(self.outputs) - set(self.contents))

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
            made = digest(self.contents[path]) if path in self.contents else \
                entries[output.name]["output"]  # up to date: as the manifest has it
            entries[output.name] = output.entry(made)
        for output in removed:
            entries.pop(output.name, None)
        writes = {**self.contents, self.out / MANIFEST: self.manifest.data()}
        try:
            journal.replace(self.out, writes, [self.out / o.name for o in removed])
        except OSError as exc:
            self.manifest = Manifest.read(self.out)
            raise WriteFailed(f"to {self.out}", exc, "earlier outputs are unchanged") from exc
        return sorted(self.contents)
