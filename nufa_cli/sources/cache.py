"""What reading each source gave, kept between runs in build/.nufa-cache/sources-*.json.

Checking an archive is mostly reading YAML (agendas, the toppnotater's and referater's front
matter) with PyYAML and Markdown with markdown-it, yet between two runs a secretariat edits
a file or two. What they made of a text is kept under the digest of the text and what read
it: for YAML the data and the diagnostics, the file and first line being part of the key;
for Markdown what check reads in it (markdown.Facts). A later run that meets the same text
takes it from here: what reading it again would give. Only the positions of YAML values are
not kept: the first time a diagnostic asks for one, the text is read again (reader.Unplaced).

kept(root) opens root's cache for what runs inside it (check's loading and rules); current()
is that cache, or one that keeps nothing. The file is used only under core/output.py's rules
for the cache folder. One that cannot be read, is broken, or was made by other code (this
module, PyYAML, libyaml, markdown-it: their digest is in the file) is ignored and made anew;
each entry is keyed by the code of the module that made it too. Entries are kept in sixteen
shards by the first digit of their key, each written whole when a run found a text it did not
hold or did not ask for one it held: what a run did not ask for is left out, so the cache
holds one archive, and an edit rewrites a shard or two, not the whole (3 MB at 2 400 saker).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

import markdown_it
import mdit_py_plugins
import yaml

from nufa_cli import __version__
from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.core.output import cache_folder, read_cached, write_cached
from nufa_cli.sources import reader
from nufa_cli.sources.reader import Located, Unplaced

FILE = "sources-{}.json"  # one per shard: the first hex digit of its entries' keys
SHARDS = "0123456789abcdef"
LEGACY = "sources.json"  # where all entries were kept before the shards: removed at a write
FORMAT = 1


T = TypeVar("T")
_FAILED = (KeyError, IndexError, TypeError, ValueError)  # an entry not as this code writes it


def _code() -> str:
    """What every entry depends on besides its text and the module that made it (derived's
    code): this module and the libraries that read the texts."""
    libyaml = yaml._yaml.get_version_string() if yaml.__with_libyaml__ else ""
    libraries = (yaml.__version__, libyaml, markdown_it.__version__, mdit_py_plugins.__version__)
    return hashlib.sha256(repr((FORMAT, __version__, libraries, Path(__file__).read_bytes()))
                          .encode()).hexdigest()


class SourceCache:
    """Values derived from source texts, taken from the cache where it holds them."""

    def __init__(self, path: Path | None = None, entries: dict[str, Any] | None = None,
                 code: str = "", *, run: bool = True) -> None:
        self.path = path  # the cache folder; None: nothing is kept
        self.run = run  # False: outside any kept(), where nothing is remembered even in a run
        self.code = code
        self._resolved: dict[Path, Path] = {}
        self._keys: dict[tuple[str, str, tuple[str, ...], str], str] = {}
        self.entries = entries or {}
        self.offered: dict[str, Any] = {}  # made in this run by another process (ahead.py)
        self.used: dict[str, Any] = {}  # the entries this run asked for, as written
        self.values: dict[str, Any] = {}  # and what they hold
        self._code_digests: dict[str, str] = {}
        # the shards to write: of the entries this run made, or whose file it could not take
        self.missed: set[str] = set()

    @classmethod
    def of(cls, root: Path) -> SourceCache:
        """The cache of root's output folder; one that keeps nothing when there is none."""
        folder = cache_folder(root, create=False)
        if folder is None:
            return cls()
        try:
            code = _code()
        except OSError:  # nufa's own files cannot be read (a frozen install): keep nothing
            return cls()
        entries: dict[str, Any] = {}
        foreign: set[str] = set()  # shards whose file holds what this code does not take
        for shard in SHARDS:
            data = read_cached(folder / FILE.format(shard))
            try:
                found = json.loads(data) if data is not None else None
            except ValueError:  # broken (or a byte sequence no UTF-8 reader takes): foreign
                found = data
            if isinstance(found, dict) and found.get("code") == code and \
                    isinstance(found.get("entries"), dict):
                taken = {key: entry for key, entry in found["entries"].items()
                         if isinstance(key, str) and key[:1] == shard}
                entries.update(taken)
                if len(taken) < len(found["entries"]):
                    foreign.add(shard)
            elif found is not None:
                foreign.add(shard)
        made = cls(folder, entries, code)
        made.missed |= foreign  # written anew, though the run meets no text of theirs
        return made

    def derived(self, kind: str, text: str, make: Callable[[], T], encode: Callable[[T], Any],
                decode: Callable[[Any], T], *, code: tuple[str, ...], context: str = "") -> T:
        """make(): a value of kind derived from text (and context), or what it gave before.
        code: the files of the modules whose code makes it (their bytes are part of its key)."""
        if self.path is None:
            return make()
        asked = (kind, context, code, text)  # texts recur: an archive's boilerplate, its numbers
        key = self._keys.get(asked)
        if key is None:
            try:
                key = _key(kind, context, text, [self._digest(file) for file in code])
            except OSError:  # the code cannot be read (a frozen install): nothing to key by
                return make()
            self._keys[asked] = key
        if key in self.values:
            return self.values[key]  # type: ignore[no-any-return]
        entry = self.entries.get(key)
        if entry is None and key in self.offered:  # made in this run: a shard to write
            entry = self.offered[key]
            self.missed.add(key[0])
        value: T
        try:
            if entry is None:
                raise KeyError(key)
            value = decode(entry)
        except _FAILED:
            value = make()
            entry = encode(value)
            self.missed.add(key[0])
        self.used[key], self.values[key] = entry, value
        return value

    def offer(self, entries: dict[str, Any]) -> None:
        """Entries another process derived for this run (sources/ahead.py), as derived() would
        have: each is taken as one made here when asked for, the others are not kept."""
        self.offered.update(entries)

    def load_yaml(self, text: str, rel: str, line_offset: int = 0) -> Read:
        """reader.load_yaml(text, rel, line_offset)."""
        return self.derived("yaml", text,
                            lambda: reader.load_yaml(text, rel, line_offset, positions=False),
                            _encode, lambda entry: _decode(entry, text, rel, line_offset),
                            code=(reader.__file__,), context=f"{line_offset}:{rel}")

    def resolved(self, path: Path) -> Path:
        """path.resolve(), once per path in a run: every toppnotat of a meeting asks for its
        folder's, where each asks the file system for every folder from / down."""
        if not self.run:
            return path.resolve()
        if path not in self._resolved:
            self._resolved[path] = path.resolve()
        return self._resolved[path]

    def _digest(self, file: str) -> str:
        if file not in self._code_digests:
            self._code_digests[file] = hashlib.sha256(Path(file).read_bytes()).hexdigest()
        return self._code_digests[file]

    def save(self) -> None:
        """Write what this run asked for, each shard whose entries it changed: one it met a
        text of that the shard did not hold, or one holding an entry the run did not ask for."""
        if self.path is None:
            return
        used: dict[str, dict[str, Any]] = {shard: {} for shard in SHARDS}
        for key, entry in self.used.items():
            used[key[0]][key] = entry
        held: dict[str, set[str]] = {shard: set() for shard in SHARDS}
        for key in self.entries:
            held[key[0]].add(key)
        changed = [shard for shard in SHARDS
                   if shard in self.missed or used[shard].keys() != held[shard]]
        if changed:
            _remove(self.path / LEGACY)
        for shard in changed:
            data = json.dumps({"format": FORMAT, "code": self.code, "entries": used[shard]},
                              separators=(",", ":"),  # ASCII: any text, a lone surrogate too
                              check_circular=False)  # plain data (a fifth of the time)
            write_cached(self.path / FILE.format(shard), data.encode())


def _remove(path: Path) -> None:
    # a folder by that name, a read-only folder: left to the cache folder's rules
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


_NOTHING = SourceCache(run=False)
_CURRENT: ContextVar[tuple[Path, SourceCache] | None] = ContextVar("source_cache", default=None)


@contextmanager
def kept(root: Path) -> Iterator[SourceCache]:
    """root's cache, the current one for what runs inside (also inside another kept(root)),
    saved when that ends without an error."""
    root = root.resolve()
    open_ = _CURRENT.get()
    if open_ is not None and open_[0] == root:
        yield open_[1]
        return
    cache = SourceCache.of(root)
    token = _CURRENT.set((root, cache))
    try:
        yield cache
    finally:
        _CURRENT.reset(token)
    cache.save()


def current() -> SourceCache:
    """The cache kept() opened for what runs now; one that keeps nothing outside it."""
    open_ = _CURRENT.get()
    return open_[1] if open_ else _NOTHING


def _key(kind: str, context: str, text: str, code: list[str]) -> str:
    h = hashlib.blake2b(f"{kind}\0{context}\0{' '.join(code)}\0".encode("utf-8", "surrogatepass"),
                        digest_size=20)
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _diagnostics(entries: list[dict[str, Any]]) -> list[Diagnostic]:
    return [Diagnostic(**{**d, "severity": Severity(d["severity"])}) for d in entries]


Read = tuple[Located | None, list[Diagnostic]]  # what reader.load_yaml gives


def _encode(read: Read) -> dict[str, Any]:
    doc, diagnostics = read
    entry: dict[str, Any] = {"diagnostics": [d.as_dict() for d in diagnostics]}
    if doc is not None:
        entry["data"] = doc.data
        entry["warnings"] = [d.as_dict() for d in doc.warnings]
        entry["characters"], entry["longest"] = doc.summary()
    return entry


def _decode(entry: dict[str, Any], text: str, rel: str, line_offset: int) -> Read:
    diagnostics = _diagnostics(entry["diagnostics"])
    if "data" not in entry:
        return None, diagnostics
    summary = entry["characters"], entry["longest"]
    if not (isinstance(summary[0], str) and type(summary[1]) is int):
        raise TypeError("not a summary")  # not as _encode writes it: read again
    return Unplaced(entry["data"], _diagnostics(entry["warnings"]), text, rel,
                    line_offset, summary), diagnostics
