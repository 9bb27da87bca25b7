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
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

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

    def write(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".manifest.", dir=self.out)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.entries, handle, indent=1, sort_keys=True)
        os.replace(tmp, self.out / MANIFEST)


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

    def commit(self) -> list[Path]:
        """Replace every changed output at once: temporaries first, then renames."""
        staged: list[tuple[Path, Path]] = []
        replaced = 0
        try:
            for path, data in sorted(self.contents.items()):
                if path.is_dir() and not path.is_symlink():  # a rename onto it would fail midway
                    raise IsADirectoryError(21, "a folder stands where the file goes", str(path))
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
                staged.append((Path(name), path))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
            for tmp, path in staged:
                os.chmod(tmp, 0o644)
                os.replace(tmp, path)
                replaced += 1
            entries = self.manifest.entries
            for path, output in self.outputs.items():
                made = digest(self.contents[path]) if path in self.contents else \
                    entries[output.name]["output"]  # up to date: as the manifest has it
                entries[output.name] = output.entry(made)
            self.manifest.write()
        except OSError as exc:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            kept = ("earlier outputs are unchanged" if not replaced else
                    f"{replaced} of {len(staged)} outputs were replaced; build again")
            raise WriteFailed(f"to {self.out}", exc, kept) from exc
        return [path for _, path in staged]
