"""Write build outputs with guard rails: inside the output folder, one document per path,
all-or-nothing replacement, and a manifest so unchanged documents are not converted again."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nufa_cli.core.output import MANIFEST, OutputError, WriteFailed, digest


@dataclass
class Plan:
    """Outputs of one build: path -> (input key, bytes once converted)."""

    out: Path
    keys: dict[Path, str] = field(default_factory=dict)
    contents: dict[Path, bytes] = field(default_factory=dict)
    manifest: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def start(cls, out: Path) -> Plan:
        plan = cls(out)
        try:
            plan.manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            plan.manifest = {}
        return plan

    def add(self, relpath: str, key: str) -> Path:
        path = (self.out / relpath).resolve()
        if not path.is_relative_to(self.out):
            raise OutputError(f"refusing to write {path}: outside the output folder {self.out}")
        if path in self.keys:
            raise OutputError(f"two documents would be written to {path}")
        self.keys[path] = key
        return path

    def up_to_date(self, path: Path) -> bool:
        """Unchanged input, and the file on disk is the one this input produced."""
        entry = self.manifest.get(self._name(path))
        if not entry or entry.get("input") != self.keys[path] or not path.is_file():
            return False
        return digest(path.read_bytes()) == entry.get("output")

    def _name(self, path: Path) -> str:
        return path.relative_to(self.out).as_posix()

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
            for path, data in self.contents.items():
                self.manifest[self._name(path)] = {"input": self.keys[path], "output": digest(data)}
            self._write_manifest()
        except OSError as exc:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            kept = ("earlier outputs are unchanged" if not replaced else
                    f"{replaced} of {len(staged)} outputs were replaced; build again")
            raise WriteFailed(f"to {self.out}", exc, kept) from exc
        return [path for _, path in staged]

    def _write_manifest(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".manifest.", dir=self.out)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.manifest, handle, indent=1, sort_keys=True)
        os.replace(tmp, self.out / MANIFEST)
