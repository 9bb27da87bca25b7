"""Write pandoc Markdown safely: escape plain text, contain user Markdown, lay out grid tables.

The rendered documents are read by pandoc's own Markdown reader (see convert/converter.py), so
everything a template inserts must mean to pandoc exactly what its author meant:
plain text stays text, a user's Markdown block stays inside the place it was put.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from nufa_cli.sources import markdown
from nufa_cli.sources.markdown import CONTROL, LIST_MARKER
from nufa_cli.sources.markdown import escape as escape  # written below the model, which needs it too

# A paragraph that CommonMark reads as text but pandoc as a list item: "b. ", "(1) ", "iv) ".
_PANDOC_ONLY_LIST = re.compile(rf"^(\s*(?:>\s?)*{LIST_MARKER})([.)])(?=\s)")
_DIV_FENCE = re.compile(r"^(\s*)(:{3,})")
_NOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")
_TRAILING_BREAK = re.compile(r"(?<=\S) {2,}$")


# -- user Markdown as a block -----------------------------------------------------------------


def block(text: object, level: int | None = 2, notes: str | None = None) -> str:
    """User Markdown (CommonMark) placed as blocks in a pandoc Markdown document.

    HTML comments are left out (the secretariat's notes to itself). Headings are shifted so
    the highest one is `level` (never above it), or, with
    level None (inside a table cell), become bold paragraphs. Blocks are separated by
    blank lines where CommonMark does not need them but pandoc does, and a line that
    would open or close a fenced div is escaped, so the text cannot leave its place.
    With `notes`, footnote labels get that prefix: two blocks of one document may both
    use [^1], and pandoc would give both references the last definition.
    """
    if text is None:
        return ""
    source = markdown.without_comments(CONTROL.sub(" ", str(text)).expandtabs(4)).strip("\n")
    if not source.strip():
        return ""
    tokens, _ = markdown.parse(source)
    lines = source.split("\n")
    code = _code_lines(tokens)
    replace: dict[int, list[str]] = {}  # first line of a block -> its new lines
    drop: set[int] = set()
    blank_before: set[int] = set()

    heading_levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open" and t.level == 0]
    shift = level - min(heading_levels) if level and heading_levels else 0
    last = (level or 1) - 1
    item_lines = {t.map[0] for t in tokens if t.type == "list_item_open" and t.map}
    list_like = {t.map[0] for t in tokens if t.type == "paragraph_open" and t.map
                 and t.map[0] not in item_lines and _PANDOC_ONLY_LIST.match(lines[t.map[0]])}
    for i, token in enumerate(tokens):
        if token.level != 0 or not token.map or token.nesting == -1:
            continue
        start, end = token.map
        if start > 0 and lines[start - 1].strip():
            blank_before.add(start)
        if token.type == "heading_open":
            inline = tokens[i + 1].content.strip()
            if level is None:
                new = [f"**{inline}**" if inline else ""]
            else:  # the highest heading becomes `level`; none skips a level
                last = max(level, min(6, int(token.tag[1]) + shift, last + 1))
                new = [f"{'#' * last} {inline}"]
            replace[start] = new
            drop.update(range(start + 1, end))

    out: list[str] = []
    for n, line in enumerate(lines):
        if n in drop:
            continue
        if n in blank_before and out and out[-1].strip():
            out.append("")
        if n in replace:
            out.extend(replace[n])
        elif n not in code:
            line = _DIV_FENCE.sub(r"\1\\\2", line)
            if n in list_like:
                line = _PANDOC_ONLY_LIST.sub(r"\1\\\2", line)
            if notes:
                line = _NOTE_LABEL.sub(lambda m: f"[^{_label(notes)}-{m[1]}]", line)
            # a hard break as two trailing spaces would be lost in a table cell
            if n + 1 < len(lines) and lines[n + 1].strip():
                line = _TRAILING_BREAK.sub("\\\\", line)
            out.append(line)
        else:
            out.append(line)
    return "\n".join(out).strip("\n")


def _label(prefix: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", prefix).strip("-")


def _code_lines(tokens: Sequence[Token]) -> set[int]:
    """Lines inside fenced or indented code, where nothing may be rewritten."""
    lines: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(*token.map))
    return lines


def starts_with_paragraph(text: str) -> bool:
    tokens, _ = markdown.parse(text)
    return bool(tokens) and tokens[0].type == "paragraph_open"


def lead(text: str, label: str) -> str:
    """Put a label (Markdown) in front of a block: in its first paragraph, or on its own."""
    if not text:
        return label
    if starts_with_paragraph(text):
        return f"{label} {text}"
    return f"{label}\n\n{text}"


# -- grid tables ------------------------------------------------------------------------------
#
# A template writes a table as rows (the row() macro of _macros.md.j2), each serialised on
# one line between two RS characters; gridtable() lays them out. A table is laid out whole
# because one word too long for its column widens that column in every row.

_RS = "\x1e"
_ROW = re.compile(f"{_RS}(.*?){_RS}", re.DOTALL)


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    spans: tuple[int, ...]
    header: bool = False


def row_marker(cells: Sequence[object], spans: Sequence[int] | None = None,
               header: bool = False) -> str:
    values = ["" if c is None else _trim_lines(str(c)) for c in cells]
    data = {"cells": values, "spans": list(spans or [1] * len(values)), "header": header}
    return _RS + json.dumps(data, ensure_ascii=False) + _RS


def _trim_lines(text: str) -> str:
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def parse_rows(text: str) -> list[Row]:
    rest = _ROW.sub("", text)
    if rest.strip():
        raise ValueError(f"text between table rows (write every row with row()): {rest.strip()!r}")
    rows = []
    for match in _ROW.finditer(text):
        data = json.loads(match[1])
        rows.append(Row(tuple(data["cells"]), tuple(data["spans"]), bool(data["header"])))
    return rows


def width(text: str) -> int:
    """Display width as pandoc's grid table reader measures it: wide characters count 2."""
    if text.isascii():
        return len(text)
    # Latin letters (æ, ø, å, ö, é ...) below U+0300 are one column: look closer at the rest
    return len(text) + sum(_char_width(char) - 1 for char in _NOT_LATIN.findall(text))


_NOT_LATIN = re.compile("[^\x00-\u02ff]")  # below U+0300: no combining or wide characters


@functools.cache
def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def grid_table(rows: Sequence[Row], widths: Sequence[int]) -> str:
    """A pandoc grid table; widths are the columns' relative widths in characters."""
    columns = len(widths)
    for row in rows:
        if sum(row.spans) != columns or len(row.spans) != len(row.cells):
            raise ValueError(f"a row of {sum(row.spans)} columns in a table of {columns}")
    if sum(1 for r in rows if r.header) > 1 or any(r.header for r in rows[1:]):
        raise ValueError("only the first row of a table can be its header")
    # widen a column until its longest unbreakable word fits
    final = list(widths)
    for row in rows:
        col = 0
        for cell, span in zip(row.cells, row.spans, strict=True):
            need = max((width(w) for w in _units(cell)), default=0)
            room = sum(final[col:col + span]) + 3 * (span - 1)
            if need > room:
                final[col + span - 1] += need - room
            col += span
    out = [_rule(final, "-")]
    for row in rows:
        wrapped, col = [], 0
        for cell, span in zip(row.cells, row.spans, strict=True):
            room = sum(final[col:col + span]) + 3 * (span - 1)
            wrapped.append((wrap(cell, room), room))
            col += span
        height = max(len(lines) for lines, _ in wrapped)
        for n in range(height):
            parts = []
            for lines, room in wrapped:
                line = lines[n] if n < len(lines) else ""
                parts.append(" " + line + " " * (room - width(line)) + " ")
            out.append("|" + "|".join(parts) + "|")
        out.append(_rule(final, "=" if row.header else "-"))
    return "\n".join(out)


def _rule(widths: Sequence[int], char: str) -> str:
    return "+" + "+".join(char * (w + 2) for w in widths) + "+"


# A word that would open a block (or a hard break) at the start of a line stays on the
# line before it.
_RISKY_START = re.compile(rf"^([-+*>#|:=~`<]|\d+[.)]|\[\^|{LIST_MARKER}[.)]$)")
_LIST_PREFIX = re.compile(r"^(\s*)([-+*]|\d+[.)])( +)")
_QUOTE_PREFIX = re.compile(r"^(\s*>\s?)+")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def _units(cell: str) -> list[str]:
    """The unbreakable pieces of a cell, as wrap() will keep them together."""
    units = []
    for line in cell.split("\n"):
        prefix, words = _split_line(line)
        if words is None:
            units.append(line)
        else:
            indent = " " * width(prefix)
            units += [prefix + words[0], *(indent + w for w in words[1:])] if words else [prefix]
    return units


def _split_line(line: str) -> tuple[str, list[str] | None]:
    """A line's block prefix and its words joined so no break is risky; None: keep whole."""
    if line.startswith("    ") and not _LIST_PREFIX.match(line):
        return "", None  # indented code, or text nested too deep to rewrap safely
    if line.lstrip().startswith(("|", "+-", "+=")):
        return "", None  # a table inside the cell
    match = _LIST_PREFIX.match(line) or _QUOTE_PREFIX.match(line)
    prefix = match[0] if match else ""
    words: list[str] = []
    for word in line[len(prefix):].split(" "):
        if not word:
            continue
        glue = words and (_RISKY_START.match(word) or _odd_backslashes(words[-1]))
        if glue:
            words[-1] += " " + word
        else:
            words.append(word)
    return prefix, words


def fence_marker(line: str) -> str | None:
    """The ``` or ~~~ run opening a line, if any."""
    match = _FENCE.match(line)
    return match[1] if match else None


def _odd_backslashes(word: str) -> bool:
    return (len(word) - len(word.rstrip("\\"))) % 2 == 1


def wrap(cell: str, room: int) -> list[str]:
    """Wrap each line of a cell to room columns without changing what pandoc reads."""
    out: list[str] = []
    in_fence = False
    for line in cell.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append(line)
            continue
        prefix, words = _split_line(line)
        if in_fence or words is None or width(line) <= room:
            out.append(line.rstrip() if not in_fence else line)
            continue
        indent = prefix if _QUOTE_PREFIX.match(prefix) else " " * width(prefix)
        current, empty = prefix, True
        for word in words:
            if empty:
                current, empty = current + word, False
            elif width(f"{current} {word}") <= room:
                current = f"{current} {word}"
            else:
                out.append(current)
                current = indent + word
        out.append(current)
    return out
