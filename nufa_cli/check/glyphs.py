"""Which characters the documents' font can print, and how wide it sets a line of them,
read from the fonts' own tables (cmap; head, hhea and hmtx).

typst stops a PDF at a character its fonts lack ("could not be displayed with font
Carlito"); nufa check finds such characters first and says where they stand. The DOCX's
running header is laid out by the width of the committee's name (convert/look.py).
Only the TrueType/OpenType cmap formats 4 and 12 are read: what every current font has.
"""

from __future__ import annotations

import bisect
import functools
import re
import struct
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

FONT_SUFFIXES = {".ttf", ".otf", ".ttc"}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NOT_ASCII = re.compile("[^\t\n\r\x20-\x7e]")  # what is not printable ASCII or a line break


def is_control(char: str) -> bool:
    """A control character (C0 but tab and line ends, DEL, C1): no text, printed by no font;
    typst stops the PDF at it, and XML, so DOCX, may not hold it. A YAML escape ("\\e")
    or pasted text brings one in."""
    return _CONTROL.match(char) is not None


class Coverage(Container[int]):
    """A set of code points as sorted, disjoint ranges: a font's cmap holds a few hundred
    ranges but tens of thousands of code points, and a check asks about a few dozen."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(ranges):  # inclusive ranges
            if merged and start <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        self.ranges = tuple(merged)
        self._starts = [start for start, _ in merged]
        self._printed: set[str] = set()  # characters found printable (or not printing) so far
        # every printable ASCII character has a glyph (in every usable font): a text's are
        # left out before its characters are gathered, in one scan in C
        self._ascii = all(code in self for code in range(0x20, 0x7F))

    def lacks(self, text: str) -> set[str]:
        """The distinct characters of text that have no glyph here, control characters too. A set
        difference against the characters already seen first: texts share most of theirs."""
        lacking = set()
        distinct = set(_NOT_ASCII.findall(text)) if self._ascii else set(text)
        for char in distinct - self._printed:
            if not is_control(char) and (char.isspace() or ord(char) in self):
                self._printed.add(char)
            else:
                lacking.add(char)
        return lacking

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, int):
            return False
        at = bisect.bisect_right(self._starts, code) - 1
        return at >= 0 and code <= self.ranges[at][1]

    def __len__(self) -> int:
        return sum(end - start + 1 for start, end in self.ranges)


@functools.cache
def font_characters(path: Path) -> Coverage:
    """The code points one font file maps to a glyph; empty when it cannot be read."""
    try:
        return _cmap(path.read_bytes())
    except (OSError, struct.error, ValueError):
        return Coverage(())


@dataclass(frozen=True)
class _Metrics:
    """What text_width() needs of a font file: its bytes, read once."""

    data: bytes
    units: int  # per em
    advances: tuple[int, ...]  # by glyph id; the last one for every glyph after it (hmtx)
    subtable: tuple[int, int]  # (format, where) of the Unicode cmap

    def advance(self, char: str) -> int:
        glyph = _glyph(self.data, self.subtable, ord(char))
        return self.advances[min(glyph, len(self.advances) - 1)]


@functools.cache
def _metrics(path: Path) -> _Metrics:
    data = path.read_bytes()
    start = _first_font(data)
    head, hhea, hmtx = (_table(data, start, name) for name in (b"head", b"hhea", b"hmtx"))
    advances = tuple(_u16(data, hmtx + 4 * i) for i in range(_u16(data, hhea + 34)))
    return _Metrics(data, _u16(data, head + 18), advances, _subtable(data))


def text_width(path: Path, text: str, size: float) -> float | None:
    """The width in points of text on one line in the font file at size points (without
    kerning), or None when the file cannot be read."""
    try:
        metrics = _metrics(path)
        return sum(metrics.advance(char) for char in text) * size / metrics.units
    except (OSError, struct.error, ValueError, IndexError):
        return None


def printable(folders: Iterable[Path]) -> Coverage:
    """Code points some font file in the folders can print."""
    found: list[Coverage] = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.suffix.lower() in FONT_SUFFIXES:
                    found.append(font_characters(path))
    return Coverage(tuple(r for coverage in found for r in coverage.ranges))


def typst_refuses(chars: Iterable[str], font_dirs: list[Path], family: str) -> set[str]:
    """Of characters the font files lack, those typst cannot print either: it falls back
    to the fonts it embeds (symbols such as ✓ or ★), never to emoji or CJK."""
    import typst

    compiler = typst.Compiler(font_paths=[str(d) for d in font_dirs], ignore_system_fonts=True)
    refused = set()
    for char in chars:
        source = (f'#set document(title: "x")\n#set text(font: "{family}", lang: "nb")\n'
                  f"#str.from-unicode({ord(char)})\n")
        try:
            compiler.compile(input=source.encode(), format="pdf", pdf_standards=["ua-1"])
        except typst.TypstError:
            refused.add(char)
    return refused


def unprintable(text: str, known: Coverage) -> list[tuple[int, str]]:
    """(0-based line, character) of each distinct character the fonts lack, in order."""
    found = sorted((text.index(char), char) for char in known.lacks(text))
    return [(text.count("\n", 0, at), char) for at, char in found]


def _u16(data: bytes, at: int) -> int:
    return int(struct.unpack_from(">H", data, at)[0])


def _u32(data: bytes, at: int) -> int:
    return int(struct.unpack_from(">I", data, at)[0])


def _first_font(data: bytes) -> int:
    """Where the font's table directory starts: a collection's first font."""
    return _u32(data, 12) if data[:4] == b"ttcf" else 0


def _table(data: bytes, start: int, name: bytes) -> int:
    """Where a table of the font whose directory starts at start lies in the file."""
    tables = _u16(data, start + 4)
    found = next((_u32(data, start + 12 + 16 * i + 8) for i in range(tables)
                  if data[start + 12 + 16 * i: start + 16 + 16 * i] == name), None)
    if found is None:
        raise ValueError(f"no {name.decode()} table")
    return found


def _subtable(data: bytes) -> tuple[int, int]:
    """(format, where) of the font's Unicode cmap subtable: format 12 if it has one, else 4."""
    cmap = _table(data, _first_font(data), b"cmap")
    subtables = {}
    for i in range(_u16(data, cmap + 2)):
        record = cmap + 4 + 8 * i
        subtables[(_u16(data, record), _u16(data, record + 2))] = cmap + _u32(data, record + 4)
    for form, keys in ((12, ((3, 10), (0, 4), (0, 6))), (4, ((3, 1), (0, 3), (0, 1), (0, 0)))):
        for key in keys:
            if key in subtables and _u16(data, subtables[key]) == form:
                return form, subtables[key]
    raise ValueError("no Unicode cmap of format 4 or 12")


def _cmap(data: bytes) -> Coverage:
    form, at = _subtable(data)
    return Coverage(_format12(data, at) if form == 12 else _format4(data, at))


def _glyph(data: bytes, subtable: tuple[int, int], code: int) -> int:
    """The glyph id of one code point (0: none)."""
    form, at = subtable
    if form == 12:
        return next((first + code - start for start, end, first in _groups12(data, at)
                     if start <= code <= end), 0)
    for start, end, delta, ids in _segments4(data, at):
        if start <= code <= end:
            if not ids:
                return (code + delta) & 0xFFFF
            glyph = _u16(data, ids + 2 * (code - start))
            return (glyph + delta) & 0xFFFF if glyph else 0
    return 0


def _groups12(data: bytes, at: int) -> Iterator[tuple[int, int, int]]:
    """(first code, last code, glyph of the first) of each group of a format 12 subtable."""
    for i in range(_u32(data, at + 12)):
        group = at + 16 + 12 * i
        yield _u32(data, group), _u32(data, group + 4), _u32(data, group + 8)


def _format12(data: bytes, at: int) -> Iterator[tuple[int, int]]:
    return ((start, end) for start, end, _ in _groups12(data, at))


def _segments4(data: bytes, at: int) -> Iterator[tuple[int, int, int, int]]:
    """(first code, last code, delta, where the segment's glyph ids lie or 0 when the
    glyph is code + delta) of each segment of a format 4 subtable."""
    segments = _u16(data, at + 6) // 2
    ends = at + 14
    starts = ends + 2 * segments + 2
    deltas = starts + 2 * segments
    offsets = deltas + 2 * segments
    for i in range(segments):
        start, end = _u16(data, starts + 2 * i), min(_u16(data, ends + 2 * i), 0xFFFE)
        offset = _u16(data, offsets + 2 * i)
        if end >= start:
            yield start, end, _u16(data, deltas + 2 * i), offsets + 2 * i + offset if offset else 0


def _format4(data: bytes, at: int) -> Iterator[tuple[int, int]]:
    """Ranges of the codes whose glyph is not 0 (.notdef, "no glyph")."""
    for start, end, delta, ids in _segments4(data, at):
        if not ids:  # glyph = code + delta: 0 (no glyph) for one code at most
            empty = -delta & 0xFFFF
            if start <= empty <= end:
                yield from ((a, b) for a, b in ((start, empty - 1), (empty + 1, end)) if a <= b)
            else:
                yield start, end
            continue
        raw = struct.unpack_from(f">{end - start + 1}H", data, ids)
        glyphs = ((glyph + delta) & 0xFFFF if glyph else 0 for glyph in raw)
        run_start = None
        for code, glyph in enumerate(glyphs, start):
            if glyph and run_start is None:
                run_start = code
            elif not glyph and run_start is not None:
                yield run_start, code - 1
                run_start = None
        if run_start is not None:
            yield run_start, end
