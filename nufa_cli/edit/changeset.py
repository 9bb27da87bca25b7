"""Change several source files as one step: plan every edit, read each result back, then write.

Files are written as temporaries beside their targets and moved into place with
os.replace only when all of them are staged, so a failure leaves the sources as
they were. A rename is "write the new name, then remove the old one" over the final
state of the tree, which makes swaps (7-24-a.md <-> 8-24-a.md) safe without juggling
temporary names.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nufa_cli.core.errors import NufaError
from nufa_cli.edit.yamledit import Edit, EditError, apply
from nufa_cli.sources.reader import load_yaml, split_front_matter


@dataclass(frozen=True)
class Change:
    """One file created, changed or renamed, with what changed in it."""

    action: str  # created | changed | renamed
    path: str  # relative to the repository root
    target: str = ""  # the new path of a renamed file
    details: tuple[str, ...] = ()

    def text(self) -> str:
        head = f"{self.action} {self.path}"
        if self.target:
            head += f" -> {_short(self.path, self.target)}"
        return "\n".join([head, *(f"  {d}" for d in self.details)])


def _short(old: str, new: str) -> str:
    """The new name alone when only the name changed: 'a/12-24-x.md -> 13-24-x.md'."""
    old_path, new_path = Path(old), Path(new)
    return new_path.name if old_path.parent == new_path.parent else new


@dataclass
class _File:
    original: str | None  # normalised text (LF, no BOM); None for a new file
    bom: bool = False
    crlf: bool = False
    mode: int = 0o644
    edits: list[Edit] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    target: str | None = None  # new relative path when renamed
    created: str | bytes | None = None  # the text (or bytes: an image) of a new file


class Changeset:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, _File] = {}

    def text(self, rel: str) -> str:
        """The file's current text, normalised to LF line ends (what edits refer to)."""
        entry = self.files.get(rel)
        if entry is None:
            path = self.root / rel
            try:
                raw = path.read_bytes()
                mode = path.stat().st_mode & 0o7777
                decoded = raw.decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise EditError(f"cannot read {rel}: {exc}") from exc
            bom = decoded.startswith("\ufeff")
            decoded = decoded.removeprefix("\ufeff")
            entry = _File(decoded.replace("\r\n", "\n"), bom, "\r\n" in decoded, mode)
            self.files[rel] = entry
        if entry.original is None:
            raise EditError(f"{rel} is being created in this change")
        return entry.original

    def edit(self, rel: str, edits: list[Edit], *details: str) -> None:
        self.text(rel)
        self.files[rel].edits += edits
        self.files[rel].details += details

    def rename(self, rel: str, target: str) -> None:
        self.text(rel)
        self.files[rel].target = target

    def create(self, rel: str, text: str | bytes) -> None:
        if (self.root / rel).exists() or rel in self.files:
            raise NufaError(f"{rel} already exists; nufa does not overwrite it")
        self.files[rel] = _File(None, created=text)

    @property
    def empty(self) -> bool:
        return not any(f.edits or f.target or f.created is not None for f in self.files.values())

    def plan(self) -> tuple[dict[str, str | bytes], list[Change], list[str]]:
        """(final path -> text, changes, paths to remove), checked before anything is written."""
        final: dict[str, str | bytes] = {}
        changes: list[Change] = []
        vacated: list[str] = []
        for rel, entry in sorted(self.files.items()):
            if entry.created is not None:
                final[rel] = entry.created
                changes.append(Change("created", rel))
                continue
            if not entry.edits and not entry.target:
                continue
            assert entry.original is not None
            text = apply(entry.original, entry.edits)
            target = entry.target or rel
            if target in final:
                raise EditError(f"two files would be written to {target}; nothing was changed")
            final[target] = text
            if entry.target:
                vacated.append(rel)
                changes.append(Change("renamed", rel, entry.target, tuple(entry.details)))
            else:
                changes.append(Change("changed", rel, "", tuple(entry.details)))
        replaced = set(vacated) | {c.path for c in changes if c.action == "changed"}
        for target in final:
            if target not in replaced and (self.root / target).exists():
                raise NufaError(f"{target} already exists; nufa does not overwrite it")
        for rel, content in final.items():
            _readable(rel, content)
        return final, changes, [rel for rel in vacated if rel not in final]

    def commit(self) -> list[Change]:
        final, changes, vacated = self.plan()
        staged: list[tuple[Path, Path]] = []
        made: list[Path] = []
        try:
            for rel, text in sorted(final.items()):
                path = self.root / rel
                for parent in reversed(path.parents):
                    if parent.is_relative_to(self.root) and not parent.exists():
                        parent.mkdir()
                        made.append(parent)
                staged.append((self._stage(path, rel, text), path))
        except OSError as exc:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            for folder in reversed(made):
                folder.rmdir()
            raise NufaError(f"could not write {exc.filename}: {exc.strerror}; "
                            "the sources are unchanged") from exc
        for tmp, path in staged:
            os.replace(tmp, path)
        for rel in vacated:
            (self.root / rel).unlink()
        return changes

    def _stage(self, path: Path, rel: str, text: str | bytes) -> Path:
        source = next((f for r, f in self.files.items() if (f.target or r) == rel), None)
        if isinstance(text, bytes):
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(text)
            os.chmod(tmp, 0o644)
            return Path(tmp)
        if source and source.original is not None:
            text = ("\ufeff" if source.bom else "") + (
                text.replace("\n", "\r\n") if source.crlf else text)
        mode = source.mode if source else 0o644
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        return Path(tmp)


def _readable(rel: str, text: str | bytes) -> None:
    """Refuse to write a source nufa could not read back: a bug must not break a user's file."""
    if isinstance(text, bytes):
        return
    if rel.endswith((".yaml", ".yml")):
        _, problems = load_yaml(text, rel)
    elif rel.endswith(".md"):
        _, problems = split_front_matter(text, rel)
    else:
        return
    if problems:
        raise EditError(f"the edited {rel} would not read back ({problems[0].message}); "
                        "nothing was changed. This is a bug in nufa; please report it.")
