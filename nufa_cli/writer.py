"""Write build outputs with guard rails: inside the output folder, one document per path,
all-or-nothing replacement, and a manifest so unchanged documents are not converted again."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NufaError
from .root import SOURCE_PATHS

MANIFEST = ".nufa-manifest.json"
CACHE = ".nufa-cache"  # compiled templates and the like: safe to delete


class OutputError(NufaError):
    exit_code = 2


def check_output_folder(out: Path, root: Path, extra: Sequence[Path | None] = ()) -> Path:
    """The output folder may not hold or lie among the sources, git's data or the extra
    folders (the committee's templates), and must be a folder that can be created."""
    out = out.resolve()
    root = root.resolve()
    suggestion = f"choose e.g. {root / 'build'}"
    if out == root or root.is_relative_to(out):
        raise OutputError(f"the output folder {out} would contain the sources; {suggestion}")
    kept = [(root / name, "the sources") for name in SOURCE_PATHS]
    kept += [(root / ".git", "git's data")]
    kept += [(folder.resolve(), "the committee's templates") for folder in extra if folder]
    for folder, what in kept:
        if out.is_relative_to(folder):
            shown = folder.relative_to(root) if folder.is_relative_to(root) else folder
            raise OutputError(f"the output folder {out} is part of {what} ({shown}); "
                              f"{suggestion}")
    blocker = file_in_the_way(out)
    if blocker is not None:
        raise OutputError(f"the output folder {out} cannot be created: {blocker} is not a folder; "
                          f"{suggestion}")
    return out


def file_in_the_way(folder: Path) -> Path | None:
    """The folder itself or its nearest existing parent when that is not a folder (so nothing
    can be created inside it), else None."""
    for path in (folder, *folder.parents):
        if path.is_symlink() or path.exists():
            return None if path.is_dir() else path
    return None


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


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
        try:
            for path, data in sorted(self.contents.items()):
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                staged.append((Path(tmp), path))
        except OSError as exc:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            raise OutputError(f"could not write to {self.out}: {exc.strerror}; "
                              "earlier outputs are unchanged") from exc
        for tmp, path in staged:
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        for path, data in self.contents.items():
            self.manifest[self._name(path)] = {"input": self.keys[path], "output": digest(data)}
        self._write_manifest()
        return [path for _, path in staged]

    def _write_manifest(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".manifest.", dir=self.out)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.manifest, handle, indent=1, sort_keys=True)
        os.replace(tmp, self.out / MANIFEST)
