"""User Markdown as nufa reads it (sections, headings, footnotes) and plain text as
pandoc Markdown (escape): the one place that knows both dialects' special characters.

markdown-it gives block positions (token.map), so every finding has a line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from nufa_cli.sources import cache

_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")


# -- plain text as pandoc Markdown (read back by pandoc, see convert/) ------------------------

# Every ASCII punctuation character pandoc's Markdown gives a meaning inside a line.
# '.', ',', '(', ')', '!', '?', ':', '/', '=', '-', "'", '"' stay as typed: they are plain
# text there (quotes become typographic, which is wanted).
_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#$%&@|~^])")
# What would open a block at the start of a line: a list item (pandoc's "1.", "b)", "iv.",
# "(a)" too), a definition, a setext line.
LIST_MARKER = r"\(?(?:\d+|[A-Za-z]|[ivxlcdm]+|[IVXLCDM]+)"  # pandoc's fancy_lists
_LINE_START = re.compile(rf"^({LIST_MARKER})([.)])(?=\s|$)|^([-+:=])")
_RUNS = re.compile(r"-{2,}|\.{3,}")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape(text: object) -> str:
    """Plain text as pandoc Markdown that reads back as exactly that text, on one line."""
    if text is None:
        return ""
    value = " ".join(CONTROL.sub(" ", str(text)).split())
    value = _INLINE_SPECIAL.sub(r"\\\1", value)
    # smart typography would make "--" a dash and "..." an ellipsis
    value = _RUNS.sub(lambda m: "".join("\\" + c for c in m[0]), value)
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", value)


# -- what check reads in user Markdown ----------------------------------------------------------


class _AllLinks(MarkdownIt):
    """pandoc reads [x](javascript:...) as a link, where markdown-it leaves it text; reading
    every link as one lets check see it (check/shape.py allows https, http, mailto and #)."""

    def validateLink(self, url: str) -> bool:  # markdown-it's name
        return True


def _parser() -> MarkdownIt:
    # markdown-it stops reading what nests deeper than maxNesting (20: six list levels) and
    # drops it silently; deeper, so check sees the whole text and refuses it (check/shape.py)
    parser = _AllLinks("commonmark", {"maxNesting": 100})
    return parser.enable("table").use(footnote_plugin)


_MD = _parser()


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def without_comments(text: str) -> str:
    """The text without its HTML comments (<!-- ... -->), which no document prints: notes the
    secretariat leaves for itself. Comments inside code stay, as do their lines (line numbers
    of what follows are unchanged); an unclosed one is text."""
    if "<!--" not in text:
        return text
    tokens, _ = parse(text)
    lines = text.split("\n")
    edits: dict[tuple[int, int], str] = {}  # (first line, end line) -> the lines without comments
    for token in tokens:
        if not token.map:
            continue
        start, end = token.map
        region = "\n".join(lines[start:end])
        if token.type == "html_block" and token.content.lstrip().startswith("<!--"):
            edits[(start, end)] = _COMMENT.sub(lambda m: "\n" * m[0].count("\n"), region)
        elif token.type == "inline" and any(
                c.type == "html_inline" and c.content.startswith("<!--") for c in token.children or ()):
            cursor, kept = 0, []
            for child in token.children or ():
                found = region.find(child.content, cursor) if child.content else -1
                if found < 0:
                    continue
                if child.type == "html_inline" and child.content.startswith("<!--"):
                    kept.append(region[cursor:found] + "\n" * child.content.count("\n"))
                else:
                    kept.append(region[cursor:found + len(child.content)])
                cursor = found + len(child.content)
            edits[(start, end)] = "".join(kept) + region[cursor:]
    out: list[str] = []
    line = 0
    for (start, end), replaced in sorted(edits.items()):
        if start < line:  # nested in a block already rewritten
            continue
        out += lines[line:start]
        out += replaced.split("\n")
        line = end
    out += lines[line:]
    return "\n".join(out)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int  # 0-based line within the parsed text


@functools.lru_cache(maxsize=256)
def parse(text: str) -> tuple[tuple[Token, ...], dict[str, Any]]:
    """Tokens and environment of a text. Cached (check and render both read each toppnotat):
    callers read them and never modify them."""
    env: dict[str, Any] = {}
    return tuple(_MD.parse(text, env)), env


@dataclass(frozen=True)
class Facts:
    """What check reads in one Markdown text, found in one parse of it and kept between runs
    (sources/cache.py): most texts of an archive are as they were at the last check."""

    headings: tuple[Heading, ...]
    footnotes: tuple[FootnoteProblem, ...]  # as footnote_problems() finds them
    footnotes_in_blocks: tuple[FootnoteProblem, ...]  # and with blocks_at_headings (a referat)
    images: tuple[tuple[str, int], ...]  # as images() finds them
    prose: bool  # has_prose()
    characters: str  # the distinct characters of the text, in code point order


def facts(text: str) -> Facts:
    return cache.current().derived("markdown", text, lambda: _facts(text), _encode, _decode,
                                   code=(__file__,))


def _facts(text: str) -> Facts:
    tokens, _ = parse(text)
    footnotes, in_blocks = _footnote_problems(text)
    return Facts(tuple(headings(tokens)), tuple(footnotes), tuple(in_blocks),
                 tuple(_images(text)), has_prose(tokens), "".join(sorted(set(text))))


def _encode(found: Facts) -> dict[str, Any]:
    return {"headings": [[h.level, h.text, h.line] for h in found.headings],
            "footnotes": [[f.code, f.label, f.line] for f in found.footnotes],
            "footnotes_in_blocks": [[f.code, f.label, f.line] for f in found.footnotes_in_blocks],
            "images": [list(image) for image in found.images], "prose": found.prose,
            "characters": found.characters}


def _decode(entry: dict[str, Any]) -> Facts:
    return Facts(tuple(Heading(int(level), str(text), int(line))
                       for level, text, line in entry["headings"]),
                 tuple(FootnoteProblem(str(code), str(label), int(line))
                       for code, label, line in entry["footnotes"]),
                 tuple(FootnoteProblem(str(code), str(label), int(line))
                       for code, label, line in entry["footnotes_in_blocks"]),
                 tuple((str(src), int(line)) for src, line in entry["images"]),
                 bool(entry["prose"]), str(entry["characters"]))


def headings_of(text: str) -> list[Heading]:
    """The headings of a text (headings() of its tokens)."""
    return list(facts(text).headings)


def characters(text: str) -> str:
    """The distinct characters of a text (what check/validate.py asks the fonts for first)."""
    return facts(text).characters


def prose(text: str) -> bool:
    """Whether a text holds anything besides headings (has_prose() of its tokens)."""
    return facts(text).prose


def headings(tokens: Sequence[Token]) -> list[Heading]:
    found = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.map:
            found.append(Heading(int(token.tag[1]), tokens[i + 1].content.strip(), token.map[0]))
    return found


def image_src(image: Token) -> str:
    """An image's src as written: markdown-it percent-encodes it (figur-ø.png ->
    figur-%C3%B8.png), pandoc reads it decoded."""
    return unquote(str(image.attrs.get("src", "")))


def has_prose(tokens: Sequence[Token]) -> bool:
    """Whether there is anything besides headings: a paragraph, a list, a table, code."""
    in_heading = False
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            in_heading = token.type == "heading_open"
        elif not in_heading and token.type in ("inline", "fence", "code_block", "html_block") \
                and token.content.strip():
            return True
    return False


def images(text: str) -> list[tuple[str, int]]:
    """(src, 0-based line) of every image in the text, src as written: markdown-it
    percent-encodes it (figur-ø.png -> figur-%C3%B8.png), pandoc reads it decoded."""
    return list(facts(text).images)


def _images(text: str) -> list[tuple[str, int]]:
    found = []
    for token in parse(text)[0]:
        for child in token.children or ():
            if child.type == "image":
                found.append((image_src(child), token.map[0] if token.map else 0))
    return found


@dataclass(frozen=True)
class FootnoteProblem:
    code: str  # footnote-undefined | footnote-unused | footnote-duplicate
    label: str
    line: int  # 0-based


def footnote_problems(text: str, *, blocks_at_headings: bool = False) -> list[FootnoteProblem]:
    """References without a definition, definitions never referenced or given twice
    (blocks_at_headings: each section under a heading is a block of its own, as a referat's)."""
    found = facts(text)
    return list(found.footnotes_in_blocks if blocks_at_headings else found.footnotes)


def _footnote_problems(text: str) -> tuple[list[FootnoteProblem], list[FootnoteProblem]]:
    """footnote_problems() of the text, and with blocks_at_headings: they differ only in the
    definitions given twice, so the references and the unused definitions are found once."""
    if "[^" not in text:  # no reference and no definition: most texts, found in one scan
        return [], []
    tokens, env = parse(text)
    undefined: list[FootnoteProblem] = []
    for token in tokens:
        if not token.children or "[^" not in token.content:  # a text child is of its content
            continue
        line = token.map[0] if token.map else 0
        cursor = 0  # a paragraph spans lines: find each reference in its source to count them
        for child in token.children:
            if child.type != "text":
                continue
            for m in _FOOTNOTE_REF.finditer(child.content):
                found = token.content.find(m[0], cursor)
                if found >= 0:
                    cursor = found + len(m[0])
                offset = token.content.count("\n", 0, max(found, 0))
                undefined.append(FootnoteProblem("footnote-undefined", m[1], line + offset))
    # markdown-it marks a definition that no reference used with -1
    unused: list[FootnoteProblem] = []
    refs = env.get("footnotes", {}).get("refs", {})
    for key, index in refs.items():
        if index == -1:
            label = key[1:]
            where = re.search(rf"^ {{0,3}}\[\^{re.escape(label)}\]:", text, re.MULTILINE)
            line = text.count("\n", 0, where.start()) if where else 0
            unused.append(FootnoteProblem("footnote-unused", label, line))
    return ([*undefined, *_given_twice(text, False), *unused],
            [*undefined, *_given_twice(text, True), *unused])


def _given_twice(text: str, blocks_at_headings: bool) -> list[FootnoteProblem]:
    """A definition given twice in one block (blocks_at_headings: a heading starts a block of
    its own, as each section of a referat is, whose labels the renderer keeps apart)."""
    problems: list[FootnoteProblem] = []
    seen: set[str] = set()
    for mark in re.finditer(r"^ {0,3}\[\^([^\]\s]+)\]:|^#{1,6} " if blocks_at_headings
                             else r"^ {0,3}\[\^([^\]\s]+)\]:", text, re.MULTILINE):
        if mark[1] is None:
            seen.clear()
        elif mark[1] in seen:
            line = text.count("\n", 0, mark.start())
            problems.append(FootnoteProblem("footnote-duplicate", mark[1], line))
        else:
            seen.add(mark[1])
    return problems


@dataclass(frozen=True)
class Section:
    heading: str
    line: int  # 0-based line of the heading
    text: str  # the lines after the heading up to the next heading of the same level
    text_line: int  # 0-based line of the first line of text (blank lines before it are cut)


def sections(text: str, level: int) -> tuple[str, list[Section]]:
    """Split text at headings of one level; returns the text before the first and the sections."""
    lines = text.split("\n")
    marks = [h for h in facts(text).headings if h.level == level]
    preamble = "\n".join(lines[: marks[0].line]) if marks else text
    found = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].line if i + 1 < len(marks) else len(lines)
        # a setext heading's underline belongs to the heading, not to the text
        start = mark.line + 1
        if start < len(lines) and re.match(r"^\s*[=-]+\s*$", lines[start]):
            start += 1
        while start < end and not lines[start]:
            start += 1
        found.append(Section(mark.text, mark.line, "\n".join(lines[start:end]).rstrip("\n"),
                             start))
    return preamble, found
