"""Reading one source file into the model's terms: text, YAML and front matter validated
against their schema, every problem a located diagnostic collected for the whole load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.core.root import SYMLINK, below, symlinked
from nufa_cli.model.objects import Source
from nufa_cli.sources import cache as source_cache
from nufa_cli.sources.cache import SourceCache
from nufa_cli.sources.reader import Path_, read_text, split_front_matter
from nufa_cli.sources.schemacheck import check


class Reader:
    """Reads sources under root; the diagnostics of all it read are in .diagnostics. cache:
    what reading YAML gave in earlier runs (sources/cache.py); by default the current one."""

    def __init__(self, root: Path, cache: SourceCache | None = None) -> None:
        self.root = root
        self.diagnostics: list[Diagnostic] = []
        self.cache = cache or source_cache.current()
        self.settings: list[Source] = []  # nufa.yaml, medlemmer.yaml: for rules over their text
        self.plain: set[str] = set()  # paths found not to be symbolic links (root.symlinked)

    # -- helpers -------------------------------------------------------------

    def rel(self, path: Path) -> str:
        parts = below(path, self.root)
        return path.as_posix() if parts is None else "/".join(parts) or "."

    def report(self, source: Source, at: Path_, code: str, message: str, hint: str = "",
               severity: Severity = Severity.ERROR, *, key: bool = False) -> None:
        self.diagnostics.append(source.diagnostic(at, code, message, hint, severity, key=key))

    def linked(self, path: Path) -> bool:
        """A source behind a symbolic link: reported, and not read (root.symlinked)."""
        link = symlinked(path, self.root, self.plain)
        if link is None:
            return False
        self.diagnostics.append(Diagnostic(
            self.rel(link), 0, 0, "source-symlink", f"{self.rel(link)} is {SYMLINK}",
            "put the file or folder itself in the repository (copy it, or move it in)"))
        return True

    def read_yaml(self, path: Path, model: type[Any],
                  apart: tuple[str, type[Any]] | None = None) -> tuple[Any, Source]:
        """The document as model, or None. apart: (key, its model) of a value validated on
        its own where the document gives one (a model slow to build for every document that
        has none): its problems are the document's, and its value the one validated."""
        source = Source(path, self.rel(path))
        if self.linked(path):
            return None, source
        text, problems = read_text(path, source.rel)
        self.diagnostics += problems
        if text is None:
            return None, source
        doc, problems = self.cache.load_yaml(text, source.rel)
        self.diagnostics += problems
        source.doc = doc
        if doc is None or problems:
            return None, source
        self.diagnostics += doc.warnings
        value, problems = check(model, doc, source.rel)
        if apart is not None and isinstance(doc.data, dict) and \
                isinstance(doc.data.get(apart[0]), dict) and doc.data[apart[0]]:
            key, part = apart
            given, more = check(part, doc, source.rel, at=(key,))
            problems += more
            value = None if given is None or value is None else value.model_copy(
                update={key: given.model_dump(exclude_none=True)})
        self.diagnostics += problems
        return value, source

    def read_markdown(self, path: Path, model: type[Any]) -> tuple[Any, Source, str, int]:
        source = Source(path, self.rel(path))
        if self.linked(path):
            return None, source, "", 1
        text, problems = read_text(path, source.rel)
        self.diagnostics += problems
        if text is None:
            return None, source, "", 1
        parsed, problems = split_front_matter(text, source.rel, self.cache.load_yaml)
        self.diagnostics += problems
        source.doc = parsed.front
        if problems:
            return None, source, parsed.body, parsed.body_line
        if parsed.front is not None:
            self.diagnostics += parsed.front.warnings
        if parsed.front is None:
            self.diagnostics.append(Diagnostic(
                source.rel, 1, 1, "front-matter", "the file has no front matter",
                "start it with a block between two '---' lines; see FORMAT.md"))
            return None, source, parsed.body, parsed.body_line
        value, problems = check(model, parsed.front, source.rel)
        self.diagnostics += problems
        return value, source, parsed.body, parsed.body_line
