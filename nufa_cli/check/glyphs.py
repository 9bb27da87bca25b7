"""Which characters the documents' font can print, read from the fonts' cmap tables.

typst stops a PDF at a character its fonts lack ("could not be displayed with font
Carlito"); nufa check finds such characters first and says where they stand.
Only the TrueType/OpenType cmap formats 4 and 12 are read: what every current font has.
"""

from __future__ import annotations

import bisect
import functools
import re
import struct
from collections.abc import Container, Iterable, Iterator
from pathlib import Path

FONT_SUFFIXES = {".ttf", ".otf", ".ttc"}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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

    def lacks(self, text: str) -> set[str]:
        """The distinct characters of text that have no glyph here, control characters too. A set
        difference against the characters already seen first: texts share most of theirs."""
        lacking = set()
        for char in set(text) - self._printed:
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


def _cmap(data: bytes) -> Coverage:
    data_offset = _u32(data, 12) if data[:4] == b"ttcf" else 0  # a collection: its first font
    tables = _u16(data, data_offset + 4)
    cmap = next((_u32(data, data_offset + 12 + 16 * i + 8) for i in range(tables)
                 if data[data_offset + 12 + 16 * i: data_offset + 16 + 16 * i] == b"cmap"), None)
    if cmap is None:
        raise ValueError("no cmap table")
    subtables = {}
    for i in range(_u16(data, cmap + 2)):
        record = cmap + 4 + 8 * i
        subtables[(_u16(data, record), _u16(data, record + 2))] = cmap + _u32(data, record + 4)
    for key in ((3, 10), (0, 4), (0, 6)):
        if key in subtables and _u16(data, subtables[key]) == 12:
            return Coverage(_format12(data, subtables[key]))
    for key in ((3, 1), (0, 3), (0, 1), (0, 0)):
        if key in subtables and _u16(data, subtables[key]) == 4:
            return Coverage(_format4(data, subtables[key]))
    raise ValueError("no Unicode cmap of format 4 or 12")


def _format12(data: bytes, at: int) -> Iterator[tuple[int, int]]:
    for i in range(_u32(data, at + 12)):
        yield _u32(data, at + 16 + 12 * i), _u32(data, at + 20 + 12 * i)


def _format4(data: bytes, at: int) -> Iterator[tuple[int, int]]:
    """Ranges of the codes whose glyph is not 0 (.notdef, "no glyph")."""
    segments = _u16(data, at + 6) // 2
    ends = at + 14
    starts = ends + 2 * segments + 2
    deltas = starts + 2 * segments
    offsets = deltas + 2 * segments
    for i in range(segments):
        start, end = _u16(data, starts + 2 * i), min(_u16(data, ends + 2 * i), 0xFFFE)
        delta, offset = _u16(data, deltas + 2 * i), _u16(data, offsets + 2 * i)
        if end < start:
            continue
        if offset == 0:  # glyph = code + delta: 0 (no glyph) for one code at most
            empty = -delta & 0xFFFF
            if start <= empty <= end:
                yield from ((a, b) for a, b in ((start, empty - 1), (empty + 1, end)) if a <= b)
            else:
                yield start, end
            continue
        raw = struct.unpack_from(f">{end - start + 1}H", data, offsets + 2 * i + offset)
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
