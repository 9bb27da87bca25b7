"""What PyYAML made of each source, kept between runs in build/.nufa-cache/sources.json.

Loading an archive is mostly reading YAML (agendas, the toppnotater's and referater's front
matter), yet between two runs a secretariat edits a file or two. Each YAML text is kept under
the digest of the text, the file it stands in and its first line, with the plain data and
the diagnostics reading it gave. A later run that meets the same text takes them from here:
what reading it again would give. Only the positions of its values are not kept: the
first time a diagnostic asks for one, the text is read again (Remembered).

The file is used only under core/output.py's rules for the cache folder. One that cannot be
read, is broken, or was made by other code (this module, reader.py, PyYAML, libyaml: their
digest is in the file) is ignored and made anew. Written whole, and only when a load found a
text it did not hold; what that load did not ask for is left out, so it holds one archive.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from nufa_cli import __version__
from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.core.output import check_cache, read_cached, write_cached
from nufa_cli.sources import reader
from nufa_cli.sources.reader import Located, Pos

FILE = "sources.json"
FORMAT = 1


def _code() -> str:
    """What the entries depend on besides their text: the code that made them."""
    own = [Path(__file__).read_bytes(), Path(reader.__file__).read_bytes()]
    libyaml = yaml._yaml.get_version_string() if yaml.__with_libyaml__ else ""
    return hashlib.sha256(repr((FORMAT, __version__, yaml.__version__, libyaml, own))
                          .encode()).hexdigest()


class SourceCache:
    """Reads YAML as reader.load_yaml does, from the cache where it holds the text."""

    def __init__(self, path: Path | None = None, entries: dict[str, Any] | None = None,
                 code: str = "") -> None:
        self.path = path  # None: nothing is kept
        self.code = code
        self.entries = entries or {}
        self.used: dict[str, Any] = {}
        self.added = False

    @classmethod
    def of(cls, root: Path) -> SourceCache:
        """The cache of root's output folder; one that keeps nothing when there is none."""
        folder = check_cache(root, create=False)
        if folder is None:
            return cls()
        code = _code()
        entries: dict[str, Any] = {}
        data = read_cached(folder / FILE)
        try:
            found = json.loads(data) if data else None
        except ValueError:  # broken (or a byte sequence no UTF-8 reader takes)
            found = None
        if isinstance(found, dict) and found.get("code") == code and \
                isinstance(found.get("entries"), dict):
            entries = found["entries"]
        return cls(folder / FILE, entries, code)

    def load_yaml(self, text: str, rel: str, line_offset: int = 0
                  ) -> tuple[Located | None, list[Diagnostic]]:
        if self.path is None:
            return reader.load_yaml(text, rel, line_offset)
        key = _key(text, rel, line_offset)
        entry = self.entries.get(key)
        if entry is not None:
            try:
                found = _decode(entry, text, rel, line_offset)
            except (KeyError, TypeError, ValueError):  # not as this code writes it
                pass
            else:
                self.used[key] = entry
                return found
        doc, diagnostics = reader.load_yaml(text, rel, line_offset)
        self.used[key] = _encode(doc, diagnostics)
        self.added = True
        return doc, diagnostics

    def save(self) -> None:
        """Write what this load read, if it read a text the file did not hold."""
        if self.path is None or not (self.added or self.used.keys() != self.entries.keys()):
            return
        data = json.dumps({"format": FORMAT, "code": self.code, "entries": self.used},
                          separators=(",", ":"))  # ASCII: any text, a lone surrogate too
        write_cached(self.path, data.encode())


class Remembered(Located):
    """A YAML document from the cache: its data and warnings as read before; the positions
    of its values and keys found by reading the text again when first asked for."""

    def __init__(self, data: Any, warnings: list[Diagnostic], text: str, rel: str,
                 line_offset: int) -> None:  # not Located's: values and keys are found later
        self.data = data
        self.warnings = warnings
        self.line_offset = line_offset
        self._source = (text, rel)
        self._positions: tuple[dict[reader.Path_, Pos], dict[reader.Path_, Pos]] | None = None

    def _found(self) -> tuple[dict[reader.Path_, Pos], dict[reader.Path_, Pos]]:
        if self._positions is None:
            doc, _ = reader.load_yaml(*self._source, self.line_offset)
            self._positions = (doc.values, doc.keys) if doc else ({}, {})
        return self._positions

    @property
    def values(self) -> dict[reader.Path_, Pos]:  # type: ignore[override]
        return self._found()[0]

    @property
    def keys(self) -> dict[reader.Path_, Pos]:  # type: ignore[override]
        return self._found()[1]


def _key(text: str, rel: str, line_offset: int) -> str:
    h = hashlib.blake2b(f"{line_offset}\0{rel}\0".encode(), digest_size=20)
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _diagnostics(entries: list[dict[str, Any]]) -> list[Diagnostic]:
    return [Diagnostic(**{**d, "severity": Severity(d["severity"])}) for d in entries]


def _encode(doc: Located | None, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    entry: dict[str, Any] = {"diagnostics": [d.as_dict() for d in diagnostics]}
    if doc is not None:
        entry["data"] = doc.data
        entry["warnings"] = [d.as_dict() for d in doc.warnings]
    return entry


def _decode(entry: dict[str, Any], text: str, rel: str, line_offset: int
            ) -> tuple[Located | None, list[Diagnostic]]:
    diagnostics = _diagnostics(entry["diagnostics"])
    if "data" not in entry:
        return None, diagnostics
    return Remembered(entry["data"], _diagnostics(entry["warnings"]), text, rel,
                      line_offset), diagnostics
