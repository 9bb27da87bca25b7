"""Footnote links described in the document's language, not typst's English.

PDF/UA gives every link annotation a description (/Contents) that a screen reader
announces. typst 0.15 writes a footnote's as "<its word for footnote> 1", and has no such
word in nb or nn: every footnote of a Norwegian document was announced as "Footnote 1".
typst offers no way to set it (a link has no alt text of its own), so the converter
rewrites these descriptions in the compiled PDF, with the word nufa.typ names on a line

    #let nufa-footnote-link = "Fotnote"

(read by footnote_word(); a template without the line keeps typst's words). Only the
strings change: each is rewritten in place and the cross-reference table's offsets
moved by what the file grew or shrank before them, so every other byte, and with it
the PDF/A and PDF/UA conformance typst checked, stays as typst wrote it.
"""

from __future__ import annotations

import re

TYPST_WORD = b"Footnote"  # typst's English word, which it uses where a language has none
_TEMPLATE_LINE = re.compile(r'^#let nufa-footnote-link = "([^"\\\n]*)"$', re.MULTILINE)
# A footnote's link annotation as typst writes it: its dictionary holds no other one.
_ANNOTATION = re.compile(rb"(<</Type/Annot/Subtype/Link[^<>]*?/Contents\()" + TYPST_WORD
                         + rb" (\d+)(\)>>)")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*")
_XREF_HEAD = re.compile(rb"xref\r?\n0 (\d+)\r?\n")
_ENTRY = 20  # bytes of one cross-reference entry: "0000000016 00000 n\r\n"


def footnote_word(template: str) -> str | None:
    """The word nufa.typ gives footnote links, if it names one."""
    match = _TEMPLATE_LINE.search(template)
    return match[1] if match and match[1].strip() else None


def _literal(text: str) -> bytes:
    """text as the body of a PDF literal string: UTF-16 with its mark beyond ASCII."""
    data = text.encode("ascii") if text.isascii() else b"\xfe\xff" + text.encode("utf-16-be")
    return re.sub(rb"([\\()])", rb"\\\1", data)


def localise(pdf: bytes, word: str) -> bytes:
    """The PDF with its footnote links described with word. As it was when it has none, or
    is not laid out as typst writes it: one cross-reference table at the end."""
    if TYPST_WORD + b" " not in pdf:
        return pdf
    at = pdf.rfind(b"startxref")
    tail = _STARTXREF.fullmatch(pdf, at) if at >= 0 else None
    head = _XREF_HEAD.match(pdf, int(tail[1])) if tail else None
    if tail is None or head is None:
        return pdf
    xref, table_end = int(tail[1]), head.end() + _ENTRY * int(head[1])
    if not pdf.startswith(b"trailer", table_end):
        return pdf
    pieces: list[bytes] = []
    shifts: list[tuple[int, int]] = []  # (where, bytes gained up to what follows it)
    last = 0
    for match in _ANNOTATION.finditer(pdf, 0, xref):
        old = match[0]
        new = match[1] + _literal(f"{word} {int(match[2])}") + match[3]
        pieces += [pdf[last:match.start()], new]
        last = match.end()
        shifts.append((match.start(), (shifts[-1][1] if shifts else 0) + len(new) - len(old)))
    if not shifts:
        return pdf

    def moved(offset: int) -> int:
        return offset + next((gained for where, gained in reversed(shifts) if where < offset), 0)

    table = bytearray(pdf[head.end():table_end])
    for entry in range(0, len(table), _ENTRY):
        if table[entry + 17:entry + 18] == b"n":  # an object in use: its offset moves
            table[entry:entry + 10] = b"%010d" % moved(int(table[entry:entry + 10]))
    pieces += [pdf[last:head.end()], bytes(table), pdf[table_end:tail.start(1)],
               b"%d" % moved(xref), pdf[tail.end(1):]]
    return b"".join(pieces)
