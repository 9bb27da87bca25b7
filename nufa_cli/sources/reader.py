"""Read source files safely: text decoding, YAML with positions, Markdown front matter.

Every reader returns data plus diagnostics and never raises for bad content: a
secretariat's typo must become a located message, not a traceback.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISBLK, S_ISCHR, S_ISFIFO
from typing import Any, NamedTuple

import yaml

from nufa_cli.core.errors import Diagnostic, Severity

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a year's agenda is a few kB; anything this big is a mistake
MAX_LINE = 20_000  # characters: a long paragraph on one line is a few thousand
# characters without a space: a long address is a few hundred. typst lays out a longer one in
# time growing with its square (a 16 000-character word takes it 0.8 s), and a PDF/A string
# holds at most 32 767 bytes: a word of some 16 400 characters stops the PDF.
MAX_WORD = 2_000
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")
MAX_DIGITS = 4300  # Python's own limit for int(text) (sys.get_int_max_str_digits)

try:  # the C composer is ~10x faster; both give the same nodes
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc]
    """Composes nodes only: what a plain value is, _scalar decides (YAML 1.2), so PyYAML's
    resolver, asked for every node in Python, is not: every node gets the same tag."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:  # PyYAML's name
        return "?"

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

Path_ = tuple[str | int, ...]


class Pos(NamedTuple):  # a tuple: one is made for every YAML node and key
    line: int
    col: int


@dataclass
class Located:
    """Plain data from a YAML document plus where each value and key stood."""

    data: Any
    values: dict[Path_, Pos] = field(default_factory=dict)
    keys: dict[Path_, Pos] = field(default_factory=dict)
    line_offset: int = 0  # lines before the YAML (front matter starts on line 2)
    # Warnings about values that read as YAML says but likely not as meant ("Lunsj #2"):
    # apart from load_yaml's diagnostics, which say the file could not be read.
    warnings: list[Diagnostic] = field(default_factory=list)

    def pos(self, path: Path_) -> Pos:
        """Position of the value at path, or of the nearest enclosing value."""
        for end in range(len(path), -1, -1):
            found = self.values.get(tuple(path[:end]))
            if found:
                return found
        return Pos(1 + self.line_offset, 1)

    def key_pos(self, path: Path_) -> Pos:
        return self.keys.get(tuple(path)) or self.pos(path)

    def texts(self) -> list[str]:
        """Every text of the data, in no particular order: what rules that look at all of a
        document's texts look at (the paths, where one is found wanting, are the rules' to
        find). Found once: several rules ask."""
        found: list[str] | None = self.__dict__.get("_texts")
        if found is None:
            found, stack = [], [self.data]
            while stack:
                value = stack.pop()
                if isinstance(value, str):
                    found.append(value)
                elif isinstance(value, dict):
                    stack += value.values()
                elif isinstance(value, list):
                    stack += value
            self.__dict__["_texts"] = found
        return found

    def summary(self) -> tuple[str, int]:
        """The distinct characters of its texts, in code point order, and the length of the
        longest: what the rules that look at every text ask first (a font's glyphs, a run too
        long), most documents then needing no further look. Kept with the data in the source
        cache (sources/cache.py), so a later check does not walk the data for them."""
        found: tuple[str, int] | None = self.__dict__.get("_summary")
        if found is None:
            texts = self.texts()
            found = ("".join(sorted(set("".join(texts)))), max(map(len, texts), default=0))
            self.__dict__["_summary"] = found
        return found

    def has(self, path: Path_) -> bool:
        """Whether the document holds a value at path (a key written, an item listed)."""
        data = self.data
        for step in path:
            if isinstance(data, dict):
                found = isinstance(step, str) and step in data
            else:
                found = isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data)
            if not found:
                return False
            data = data[step]
        return True


def _may_have_long_word(text: str) -> bool:
    """Whether text may hold a word longer than MAX_WORD, found in C where the pattern's
    scan of every word is in Python's regex engine: such a word covers a whole block of
    MAX_WORD // 2 characters that starts at a multiple of it, so a text each of whose blocks
    holds a space (split() finds one at once) has none."""
    step = MAX_WORD // 2
    for start in range(0, len(text) - step + 1, step):
        block = text[start:start + step]
        if block.split(None, 1) == [block]:  # no whitespace in it
            return True
    return False


def read_text(path: Path, rel: str) -> tuple[str | None, list[Diagnostic]]:
    """Read a UTF-8 source file; a diagnostic instead of text when it is not one."""
    try:
        # one open, where stat and read took a path walk each; not waiting for a writer if
        # it is a named pipe (it has no effect on a file)
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as file:
            found = os.fstat(file.fileno())
            if S_ISFIFO(found.st_mode) or S_ISCHR(found.st_mode) or S_ISBLK(found.st_mode):
                return None, [Diagnostic(rel, 0, 0, "unreadable", "cannot read the file: not "
                                         "a regular file (a pipe or a device)")]
            size = found.st_size  # too large: not read
            # never more than the limit, though the file grew since or has no size (/proc's);
            # a buffer of the limit only then, where it would be for every file
            raw = b"" if size > MAX_SOURCE_BYTES else file.read(size + 1 if size else
                                                                MAX_SOURCE_BYTES + 1)
            if size < len(raw) <= MAX_SOURCE_BYTES:  # it grew since: the rest, to the limit
                raw += file.read(MAX_SOURCE_BYTES + 1 - len(raw))
            size = max(size, len(raw))
        if size > MAX_SOURCE_BYTES:
            return None, [
                Diagnostic(
                    rel, 0, 0, "file-too-large",
                    f"the file is {size / 1024 / 1024:.1f} MiB; sources are at most "
                    f"{MAX_SOURCE_BYTES // 1024 // 1024} MiB",
                    "is this the right file? Attachments belong in vedlegg/, not in the agenda",
                )
            ]
    except OSError as exc:
        return None, [Diagnostic(rel, 0, 0, "unreadable", f"cannot read the file: {exc.strerror}")]
    if b"\x00" in raw:
        return None, [
            Diagnostic(rel, 0, 0, "binary-file", "the file is binary, not text",
                       "save it as plain text (UTF-8)")
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        # in characters, like YAML positions: the bytes before the first bad one are valid UTF-8
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8")) + 1
        return None, [
            Diagnostic(
                rel, line, col, "encoding",
                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                "save the file as UTF-8 (in most editors: Save As, Encoding UTF-8)",
            )
        ]
    # universal newlines, as editors show them: a lone \r (old Mac files) ends a line too
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    rows = text.split("\n") if len(text) > MAX_LINE else []  # shorter: no line can be longer
    for number, row in enumerate(rows, start=1):
        if len(row) > MAX_LINE:  # pandoc and typst slow down on one endless word
            return None, [Diagnostic(
                rel, number, MAX_LINE + 1, "line-too-long",
                f"the line has {len(row)} characters; a line has at most {MAX_LINE}",
                "break it into lines or paragraphs; is this the right text?")]
    word = _LONG_WORD.search(text) if _may_have_long_word(text) else None
    if word is not None:
        start = text.rfind("\n", 0, word.start()) + 1
        length = len(word[0])
        return text, [Diagnostic(
            rel, text.count("\n", 0, word.start()) + 1, word.start() - start + 1, "word-too-long",
            f"a word of {length} characters (without a space); a word has at most {MAX_WORD}",
            "put spaces in it, or shorten it; a long address reads better as a link with a "
            "text of its own: [rapporten](https://...)")]
    return text, []


# YAML 1.2 core schema for plain scalars: "no", "on" and "11:00" stay text, unlike YAML 1.1.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


_TYPED_START = frozenset("~nNtTfF+-.0123456789")  # how every plain non-text scalar begins


def _scalar(node: yaml.ScalarNode) -> Any:
    value = node.value
    if node.style:  # quoted or block scalar: always text
        return value
    if value and value[0] not in _TYPED_START:  # most values: text, found without a pattern
        return value
    if _NULL.match(value):
        return None
    if _TRUE.match(value):
        return True
    if _FALSE.match(value):
        return False
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


class Unplaced(Located):
    """A YAML document's data and warnings, the positions of its values and keys found by
    reading the text again when first asked for: a check of clean sources asks for none."""

    def __init__(self, data: Any, warnings: list[Diagnostic], text: str, rel: str,
                 line_offset: int, summary: tuple[str, int] | None = None) -> None:
        # not Located's: values and keys are found later
        self.data = data
        if summary is not None:
            self.__dict__["_summary"] = summary
        self.warnings = warnings
        self.line_offset = line_offset
        self._source = (text, rel)
        self._positions: tuple[dict[Path_, Pos], dict[Path_, Pos]] | None = None

    def _found(self) -> tuple[dict[Path_, Pos], dict[Path_, Pos]]:
        if self._positions is None:
            doc, _ = load_yaml(*self._source, self.line_offset)
            self._positions = (doc.values, doc.keys) if doc else ({}, {})
        return self._positions

    @property
    def values(self) -> dict[Path_, Pos]:  # type: ignore[override]
        return self._found()[0]

    @property
    def keys(self) -> dict[Path_, Pos]:  # type: ignore[override]
        return self._found()[1]


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _position(starts: list[int], index: int) -> tuple[int, int]:
    """0-based line and 1-based column of a character index, counting only '\\n' as a break.

    libyaml's own line numbers also break at NEL, LS and PS (U+0085, U+2028, U+2029, which
    text pasted from PDFs carries) and so drift from the lines an editor shows.
    """
    row = bisect.bisect_right(starts, index) - 1
    return row, index - starts[row] + 1


# After a plain value, " #2" starts a comment to YAML, yet reads as part of the text to a person:
# a comment written as one is "# words", with a space.
_GLUED_COMMENT = re.compile(r"[ \t]+(#\S[^\n]*)")


class _Unplaced(Exception):
    """A document read without positions has a problem to locate: it is read with them."""


class _Builder:
    def __init__(self, rel: str, line_offset: int, starts: list[int], text: str = "",
                 positions: bool = True) -> None:
        self.rel = rel
        self.positions = positions  # False: none kept (Unplaced finds them when asked)
        self.offset = line_offset
        self.starts = starts
        self.text = text
        self.comments = "#" in text  # none: no comment glued to a value (most files)
        self.doc = Located(None, line_offset=line_offset)
        self.diagnostics: list[Diagnostic] = []
        self.seen: set[int] = set()
        self.aliases = "*" in text or not text  # none without a '*': no node to look for twice

    def at(self, node: yaml.Node) -> Pos:
        if not self.positions:  # a problem to locate (a diagnostic, a warning)
            raise _Unplaced
        row, col = _position(self.starts, node.start_mark.index)
        return Pos(row + 1 + self.offset, col)

    def error(self, node: yaml.Node, code: str, message: str, hint: str = "") -> None:
        pos = self.at(node)
        self.diagnostics.append(Diagnostic(self.rel, pos.line, pos.col, code, message, hint))

    def _glued_comment(self, node: yaml.ScalarNode, value: str) -> None:
        if not self.comments:
            return
        comment = _GLUED_COMMENT.match(self.text, node.end_mark.index)
        if comment and "\n" not in self.text[node.start_mark.index:node.end_mark.index]:
            if not self.positions:
                raise _Unplaced
            gone = comment[1].split(" #")[0].rstrip()
            row, col = _position(self.starts, comment.start(1))
            self.doc.warnings.append(Diagnostic(
                self.rel, row + 1 + self.offset, col, "yaml-comment",
                f"'{gone}' after '{value}' is a YAML comment, so the text is '{value}'",
                f'quote the text to keep it whole: "{value} {gone}"', Severity.WARNING))

    def build(self, node: yaml.Node, path: Path_) -> Any:
        # The composer hands an alias back as the very node it names; a second
        # visit means an alias, which could expand exponentially ("billion laughs").
        if self.aliases:
            if id(node) in self.seen:
                pos = self.doc.keys.get(path) or self.at(node)  # without positions: at() raises
                self.diagnostics.append(Diagnostic(
                    self.rel, pos.line, pos.col, "yaml-alias",
                    "YAML anchors and aliases (&name, *name) are not supported",
                    "write the value out where it is needed"))
                return None
            self.seen.add(id(node))
        if self.positions:
            self.doc.values[path] = self.at(node)
        if isinstance(node, yaml.ScalarNode):
            # (the length first: counting the digits copies the text, and most are short)
            if not node.style and len(node.value) > MAX_DIGITS and _INT.match(node.value):
                digits = len(node.value.lstrip("+-"))
                if digits > MAX_DIGITS:
                    self.error(node, "invalid-value", f"a number of {digits} digits: no field "
                               "takes a number this long", "shorten it, or quote it if it is text")
                    return None
            value = _scalar(node)
            if isinstance(value, str) and not node.style:
                self._glued_comment(node, value)
            return value
        if isinstance(node, yaml.SequenceNode):
            if not self.positions:  # a path only places a value: none is kept
                return [self.build(item, path) for item in node.value]
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, "yaml-key", "a key must be a plain word, not a list or mapping")
                continue
            key = str(key_node.value)
            if key == "<<":
                self.error(key_node, "yaml-alias", "YAML merge keys (<<) are not supported",
                           "write the keys out where they are needed")
                continue
            if key in result:
                self.error(key_node, "duplicate-key", f"the key '{key}' is given twice in this mapping",
                           "remove one of them")
                continue
            if self.positions:
                self.doc.keys[(*path, key)] = self.at(key_node)
            result[key] = self.build(value_node, (*path, key) if self.positions else path)
        return result


def load_yaml(text: str, rel: str, line_offset: int = 0, *,
              positions: bool = True) -> tuple[Located | None, list[Diagnostic]]:
    """Parse one YAML document into plain data with positions (positions=False: an Unplaced
    document, the same data found without them, unless the text has a problem to locate)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        starts = _line_starts(text)
        unclosed = _unclosed(exc, text)
        if unclosed and exc.context_mark is not None:  # _unclosed found the opening mark
            row, col = _position(starts, exc.context_mark.index)
            return None, [Diagnostic(rel, row + 1 + line_offset, col, "yaml-syntax", *unclosed)]
        mark = exc.problem_mark or exc.context_mark
        # libyaml may point past the end of the text: min() keeps the mark on the last line
        row, col = _position(starts, min(mark.index, len(text))) if mark else (-1, 0)
        problem = (exc.problem or "invalid YAML").strip()
        source_line = text[starts[row]:].split("\n", 1)[0] if mark else ""
        line = row + 1 + line_offset if mark else 0
        return None, [Diagnostic(rel, line, col, "yaml-syntax", f"YAML syntax error: {problem}",
                                 _yaml_hint(problem, source_line))]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(rel, 1 + line_offset, 1, "yaml-syntax", f"YAML syntax error: {exc}")]
    except RecursionError:
        return None, [Diagnostic(rel, 1 + line_offset, 1, "yaml-syntax", "YAML nested too deeply")]
    builder = _Builder(rel, line_offset, _line_starts(text) if positions else [], text, positions)
    if node is None:
        builder.doc.data = None
        return builder.doc, []
    try:
        builder.doc.data = builder.build(node, ())
    except RecursionError:
        return None, [Diagnostic(rel, 1 + line_offset, 1, "yaml-syntax", "YAML nested too deeply")]
    except _Unplaced:  # a problem to locate: read again, this time with every position
        return load_yaml(text, rel, line_offset)
    if not positions:
        return Unplaced(builder.doc.data, [], text, rel, line_offset), []
    return builder.doc, builder.diagnostics


_OPENED = {"while parsing a flow sequence": "]", "while parsing a flow mapping": "}",
           "while scanning a quoted scalar": None}


def _unclosed(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, str] | None:
    """(message, hint) for a '[', '{' or quote never closed: libyaml reports where it gave up,
    often many lines further down; the mistake is where it was opened."""
    if exc.context not in _OPENED or exc.context_mark is None:
        return None
    index = exc.context_mark.index
    opened = text[index] if index < len(text) else ""
    closer = _OPENED[exc.context] or opened
    if not opened or opened not in "[{\"'":
        return None
    what = f"quote {opened}" if opened in "\"'" else f"'{opened}'"
    if opened in "\"'":
        hint = (f"end the text with {opened} on the same line; a {opened} inside the text is "
                + ("written twice ('')" if opened == "'" else 'written \\"'))
    else:
        hint = (f"close it with '{closer}' on the same line, or quote the text if the "
                f"'{opened}' belongs to it")
    return f"YAML syntax error: the {what} opened here is never closed", hint


def _yaml_hint(problem: str, source_line: str = "") -> str:
    if "mapping values are not allowed" in problem:
        return "a text containing ': ' must be quoted, e.g. tittel: \"Sak: noe\""
    # libyaml's message does not name the tab, so look at the line's indentation too
    indent = source_line[: len(source_line) - len(source_line.lstrip(" \t-"))]
    if "found character '\\t'" in problem or "tab" in problem or "\t" in indent:
        return "indent with spaces, not tabs"
    if "could not find expected ':'" in problem:
        return "each line of a mapping is 'key: value'; check the indentation of the lines above"
    return "check indentation and quoting on this line and the one above"


YamlLoader = Callable[[str, str, int], tuple[Located | None, list[Diagnostic]]]


@dataclass
class MarkdownSource:
    front: Located | None
    body: str
    body_line: int  # line number of the body's first line in the file


FRONT_MATTER_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def split_front_matter(text: str, rel: str, load: YamlLoader | None = None
                       ) -> tuple[MarkdownSource, list[Diagnostic]]:
    """Split '---' front matter from a Markdown body; front is None when there is none.
    load: what reads the YAML (load_yaml, or a cache of what it gave: sources/cache.py)."""
    if not text.startswith("---"):
        return MarkdownSource(None, text, 1), []
    first = FRONT_MATTER_FENCE.match(text)
    if not first:
        return MarkdownSource(None, text, 1), []
    closing = FRONT_MATTER_FENCE.search(text, first.end())
    if not closing:
        return MarkdownSource(None, text, 1), [
            Diagnostic(rel, 1, 1, "front-matter", "the front matter opened with '---' is never closed",
                       "end it with a line holding only '---'")
        ]
    yaml_text = text[first.end() + 1 : closing.start()]
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, body_start) + 1
    front, diagnostics = (load or load_yaml)(yaml_text, rel, 1)
    return MarkdownSource(front, text[body_start:], body_line), diagnostics


def body_of(text: str) -> str:
    """The Markdown body of a text, its front matter cut off unread."""
    return split_front_matter(text, "", lambda *_: (None, []))[0].body
