"""What the build would refuse in one Markdown text alone, or what would hold it for minutes:
found once per text and kept between checks (sources/cache.py), as the text's other facts
are. Free of the model and of pydantic: a first check derives these in a second process
(check/ahead.py) while the first is still importing them.

Pandoc's Markdown reader backtracks on brackets that never close: 400 × `[a](` in one
paragraph (1.6 kB) keeps it busy for more than a minute, 2 000 × `[` for 14 s (measured
with pandoc 3 on this project's reader). So a paragraph may hold at most MAX_OPEN
brackets and angle brackets that are text rather than links, and at most MAX_LINKS links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from nufa_cli.sources import cache as source_cache
from nufa_cli.sources import markdown

MAX_NESTING = 10  # lists and quotes inside each other; pandoc gives up at some depth
MAX_OPEN = 50  # '[' or '<' per paragraph that open nothing (pandoc backtracks over each)
MAX_LINKS = 500  # links and images per paragraph
# words that begin with a capital letter, in one paragraph or text: nufa.typ keeps each from
# hyphenation by a show rule, and typst stops the PDF past some 512 in one run of text
# ("maximum grouping depth exceeded")
MAX_CAPITALISED = 500
_WORD = re.compile(r"\w+")
_ATTRIBUTES = re.compile(r"\{#([^\s}]+)[^}]*\}")
_HEADING_ATTRIBUTES = re.compile(r"\s*\{[^}]*\}\s*$")
_LINK = re.compile(r"#|(?i:https?://|mailto:)")  # what a document may link to
_CONTAINERS = {"bullet_list_open", "ordered_list_open", "blockquote_open"}


@dataclass(frozen=True)
class Problem:
    line: int  # 0-based within the text
    code: str
    message: str
    hint: str = ""


def prepare(texts: Iterable[str]) -> None:
    """Derive each text's facts (markdown.facts) and its problems here one after the other,
    so that each text is parsed once: markdown-it's tokens are kept for the last 256 texts
    only, and rule after rule (markdown_bodies, then bodies) every text of an archive was
    parsed twice, the most of a first check. Each derived value is kept (sources/cache.py):
    a text met before costs two lookups."""
    for text in texts:
        markdown.facts(text)
        text_problems(text)


def text_problems(text: str) -> list[Problem]:
    """The problems of the text alone (not of the files it names): found once per text and
    kept between checks (sources/cache.py), as the text's other facts are."""
    return source_cache.current().derived(
        "shape", text, lambda: list(_found_in_text(text)),
        lambda found: [[p.line, p.code, p.message, p.hint] for p in found],
        lambda entry: [Problem(int(line), str(code), str(message), str(hint))
                       for line, code, message, hint in entry],
        code=(__file__,))


def _found_in_text(text: str) -> Iterator[Problem]:
    tokens, _ = markdown.parse(text)
    depth = 0
    ids: dict[str, int] = {}
    for i, token in enumerate(tokens):
        line = token.map[0] if token.map else 0
        if token.type in _CONTAINERS:
            depth += 1
            if depth == MAX_NESTING + 1:
                yield Problem(line, "markdown-limit", f"lists and quotes nested more than "
                              f"{MAX_NESTING} deep", "flatten the list: a document reads best "
                              "with two or three levels")
        elif token.type.endswith("_close") and token.type.replace("_close", "_open") in _CONTAINERS:
            depth -= 1
        elif token.type == "html_block" and not token.content.lstrip().startswith("<!--"):
            yield Problem(line, "raw-html", "raw HTML is not supported: the documents are made "
                          "from Markdown only", "write it as Markdown, e.g. '::: {.merknad}' "
                          "for a block of its own, or remove the tags")
        elif token.type == "heading_open":
            text_of = tokens[i + 1].content if i + 1 < len(tokens) else ""
            if not _HEADING_ATTRIBUTES.sub("", text_of).strip():
                yield Problem(line, "heading-empty", "a heading without text",
                              "write the heading's text after the '#', or remove the line")
            if token.level > 0 and int(token.tag[1]) > 2:
                yield Problem(line, "heading-level", f"a level-{token.tag[1]} heading inside a "
                              "list or quote: PDF/UA requires headings in order, and there it "
                              "follows the document's title", "use '##' there, or move the "
                              "heading out of the list")
        elif token.type == "inline":
            yield from _inline(token, line, ids)


def _inline(token: Token, line: int, ids: dict[str, int]) -> Iterator[Problem]:
    children = token.children or []
    links = sum(child.type in ("link_open", "image") for child in children)
    text = "".join(child.content for child in children if child.type == "text")
    opened = text.count("[") + text.count("<")
    if links > MAX_LINKS:
        yield Problem(line, "markdown-limit", f"{links} links in one paragraph; at most "
                      f"{MAX_LINKS}", "split the paragraph, or make the links a list")
    yield from capitalised(text, line)
    if opened > MAX_OPEN:
        yield Problem(line, "markdown-limit", f"{opened} brackets ('[', '<') in one paragraph "
                      f"that open no link; at most {MAX_OPEN}, pandoc would take minutes to "
                      "read it", "escape them as '\\[' and '\\<', or split the paragraph")
    for child in children:
        href = str(child.attrs.get("href", "")) if child.type == "link_open" else ""
        if href and not _LINK.match(href):
            shown = href if len(href) <= 60 else href[:57] + "..."
            yield Problem(line, "link-scheme", f"the link '{shown}' is not a web or e-mail "
                          "address: readers' programs would open or run it",
                          "link to https://..., http://... or mailto:..., or to a heading (#id)")
    for found in _ATTRIBUTES.finditer(text):
        if found[1] in ids:
            yield Problem(line, "id-duplicate", f"the identifier #{found[1]} is given twice",
                          "give each {#id} a name of its own")
        else:
            ids[found[1]] = line
    for child in children:
        if child.type == "image" and not child.content.strip():
            yield Problem(line, "image-alt", "an image without alt text: PDF/UA requires it, "
                          "and a screen reader reads it", "write what the image shows between "
                          "the brackets: ![Fremmøte per måned](figur.png)")


def capitalised(text: str, line: int) -> Iterator[Problem]:
    if len(text) <= 2 * MAX_CAPITALISED:  # too short to hold that many words: no count
        return
    count = sum(word[0].isupper() for word in _WORD.findall(text))
    if count > MAX_CAPITALISED:
        yield Problem(line, "markdown-limit", f"{count} words that begin with a capital letter "
                      f"in one paragraph; at most {MAX_CAPITALISED}: typst would stop the PDF",
                      "split the text into paragraphs, or shorten it")
