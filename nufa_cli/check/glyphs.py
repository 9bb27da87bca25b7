"""Which characters the documents' font can print, read from the fonts' cmap tables.

typst stops a PDF at a character its fonts lack ("could not be displayed with font
Carlito"); nufa check finds such characters first and says where they stand.
Only the TrueType/OpenType cmap formats 4 and 12 are read: what every current font has.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterable
from pathlib import Path

FONT_SUFFIXES = {".ttf", ".otf", ".ttc"}


@functools.cache
def font_characters(path: Path) -> frozenset[int]:
    """The code points one font file maps to a glyph; empty when it cannot be read."""
    try:
        data = path.read_bytes()
        return frozenset(_cmap(data))
    except (OSError, struct.error, ValueError):
        return frozenset()


def printable(folders: Iterable[Path]) -> frozenset[int]:
    """Code points some font file in the folders can print."""
    found: set[int] = set()
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.suffix.lower() in FONT_SUFFIXES:
                    found |= font_characters(path)
    return frozenset(found)


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


def unprintable(text: str, known: frozenset[int]) -> list[tuple[int, str]]:
    """(0-based line, character) of each distinct character the fonts lack, in order."""
    odd = {char for char in set(text)  # one pass in C: most texts hold no such character
           if not (char.isspace() or ord(char) < 0x20 or ord(char) in known)}
    if not odd:
        return []
    seen: set[str] = set()
    found = []
    for number, line in enumerate(text.split("\n")):
        for char in line:
            if char in seen or char not in odd:
                continue
            seen.add(char)
            found.append((number, char))
    return found


def _u16(data: bytes, at: int) -> int:
    return int(struct.unpack_from(">H", data, at)[0])


def _u32(data: bytes, at: int) -> int:
    return int(struct.unpack_from(">I", data, at)[0])


def _cmap(data: bytes) -> set[int]:
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
            return _format12(data, subtables[key])
    for key in ((3, 1), (0, 3), (0, 1), (0, 0)):
        if key in subtables and _u16(data, subtables[key]) == 4:
            return _format4(data, subtables[key])
    raise ValueError("no Unicode cmap of format 4 or 12")


def _format12(data: bytes, at: int) -> set[int]:
    found: set[int] = set()
    for i in range(_u32(data, at + 12)):
        start, end = _u32(data, at + 16 + 12 * i), _u32(data, at + 20 + 12 * i)
        found.update(range(start, end + 1))
    return found


def _format4(data: bytes, at: int) -> set[int]:
    segments = _u16(data, at + 6) // 2
    ends = at + 14
    starts = ends + 2 * segments + 2
    deltas = starts + 2 * segments
    offsets = deltas + 2 * segments
    found: set[int] = set()
    for i in range(segments):
        start, end = _u16(data, starts + 2 * i), _u16(data, ends + 2 * i)
        delta, offset = _u16(data, deltas + 2 * i), _u16(data, offsets + 2 * i)
        for code in range(start, min(end, 0xFFFE) + 1):
            if offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                glyph = _u16(data, offsets + 2 * i + offset + 2 * (code - start))
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                found.add(code)
    return found
