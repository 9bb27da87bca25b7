"""Markdown that pandoc or typst would refuse, or that would hold a build for minutes, found
by check with its line: every Markdown body (toppnotat, referat) and every YAML field the
documents print as Markdown (each that its schema declares schema.Markdown).

Pandoc's Markdown reader backtracks on brackets that never close: 400 × `[a](` in one
paragraph (1.6 kB) keeps it busy for more than a minute, 2 000 × `[` for 14 s (measured
with pandoc 3 on this project's reader). So a paragraph may hold at most MAX_OPEN
brackets and angle brackets that are text rather than links, and at most MAX_LINKS links.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token
from pydantic import BaseModel

from nufa_cli.check.images import LinkedImage, image_base, resolve_image
from nufa_cli.core.errors import Diagnostic
from nufa_cli.model.objects import Meeting, Repository, Source
from nufa_cli.sources import cache as source_cache
from nufa_cli.sources import markdown, schema
from nufa_cli.sources.reader import Path_

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


def problems(text: str, folder: Path, base: str = "") -> Iterator[Problem]:
    """What the build would refuse in one Markdown text whose images lie in folder (or in
    its folder base, beside the text: images.resolve_image)."""
    yield from _text_problems(text)
    for src, line in markdown.images(text):
        try:
            resolve_image(folder, src, base)
        except LinkedImage as problem:
            yield Problem(line, "source-symlink", str(problem), "put the image file itself in "
                          "the meeting folder (copy it, or move it in)")
        except ValueError as problem:
            beside = f"beside the file ({folder.name}/{base}/) or " if base else ""
            yield Problem(line, "image", str(problem), f"put the image file {beside}in "
                          f"{folder.name}/ and give its path from there, e.g. "
                          "![Søyler per måned](vedlegg/figur1.png)")


def prepare(texts: Iterable[str]) -> None:
    """Derive each text's facts (markdown.facts) and its problems here one after the other,
    so that each text is parsed once: markdown-it's tokens are kept for the last 256 texts
    only, and rule after rule (markdown_bodies, then bodies) every text of an archive was
    parsed twice, the most of a first check. Each derived value is kept (sources/cache.py):
    a text met before costs two lookups."""
    for text in texts:
        markdown.facts(text)
        _text_problems(text)


def _text_problems(text: str) -> list[Problem]:
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
    yield from _capitalised(text, line)
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


def _capitalised(text: str, line: int) -> Iterator[Problem]:
    if len(text) <= 2 * MAX_CAPITALISED:  # too short to hold that many words: no count
        return
    count = sum(word[0].isupper() for word in _WORD.findall(text))
    if count > MAX_CAPITALISED:
        yield Problem(line, "markdown-limit", f"{count} words that begin with a capital letter "
                      f"in one paragraph; at most {MAX_CAPITALISED}: typst would stop the PDF",
                      "split the text into paragraphs, or shorten it")


def _located(rel: str, first_line: int, found: Iterator[Problem]) -> Iterator[Diagnostic]:
    for problem in found:
        yield Diagnostic(rel, first_line + problem.line, 1, problem.code, problem.message,
                         problem.hint)


def _field(source: Source, at: Path_, value: str, folder: Path,
           base: str) -> Iterator[Diagnostic]:
    """A YAML field: its problems at the value's place (a block scalar starts a line below)."""
    for problem in problems(value, folder, base):
        pos = source.pos(at)  # only now: a remembered document finds its positions by reading
        yield Diagnostic(source.rel, pos.line + problem.line, pos.col if not problem.line else 1,
                         problem.code, problem.message, problem.hint)


def bodies(repo: Repository) -> Iterator[Diagnostic]:
    for meeting in repo.meetings:
        for doc in meeting.documents():
            yield from _located(doc.source.rel, doc.body_line, problems(
                doc.body, meeting.path, image_base(meeting.path, doc.source.path)))
        yield from fields(meeting)
        yield from plain_texts(_yaml_of(meeting))
    yield from plain_texts([(source, None) for source in repo.settings])


def plain_texts(sources: list[tuple[Source, type[BaseModel] | None]]) -> Iterator[Diagnostic]:
    """Every text of a YAML document that is not Markdown (fields() reads those paragraph by
    paragraph), within the limit on capitalised words: a document prints it as one run."""
    for source, model in sources:
        if source.doc is None or max(map(len, source.doc.texts()), default=0) <= \
                2 * MAX_CAPITALISED:
            continue  # too short to hold that many words (_capitalised): most documents
        data = source.doc.data
        markdown_at = {at for at, _ in _markdown_values(model, data, ())} if model else set()
        for at, value in strings(data, ()):
            if at in markdown_at:
                continue
            for problem in _capitalised(value, 0):
                yield source.diagnostic(at, problem.code, problem.message, problem.hint)


def strings(data: object, at: Path_) -> Iterator[tuple[Path_, str]]:
    """Every text of YAML data, with its path."""
    if isinstance(data, str):
        yield at, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*at, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from strings(value, (*at, i))


def _yaml_of(meeting: Meeting) -> list[tuple[Source, type[BaseModel] | None]]:
    """The meeting's YAML documents and the schema that declares their Markdown fields: the
    agenda, each toppnotat's front matter, the referat's (whose fields are none Markdown)."""
    found: list[tuple[Source, type[BaseModel] | None]] = [(meeting.source, schema.Agenda)]
    for doc in meeting.documents():
        found.append((doc.source, None if doc is meeting.referat else schema.ToppnotatMeta))
    return found


def fields(meeting: Meeting) -> Iterator[Diagnostic]:
    for source, model in _yaml_of(meeting):
        if model is None:
            continue
        # "": a field may be printed in the saksliste too, whose images lie in the meeting folder
        for at, value in _markdown_values(model, source.doc.data if source.doc else None, ()):
            yield from _field(source, at, value, meeting.path, "")


def _markdown_values(model: type[BaseModel], data: object, at: Path_,
                     found: list[tuple[Path_, str]] | None = None) -> list[tuple[Path_, str]]:
    """Each value of a YAML document that its schema declares Markdown (schema.Markdown):
    beskrivelse, forslag_til_vedtak, an earlier vedtak, the innkalling's tekst, and whatever
    field is declared so later; in the document's order, added to found."""
    found = [] if found is None else found
    if not isinstance(data, dict):
        return found
    kinds = _kinds(model)
    for key, value in data.items():
        kind = kinds.get(str(key))
        if kind is None:
            continue
        markdown_field, inner = kind
        if isinstance(value, str) and markdown_field:
            found.append(((*at, key), value))
        elif inner is None:
            continue
        elif isinstance(value, list):  # a list of mappings: tidligere_behandlinger, program
            wanted = _holding(inner)
            for i, item in enumerate(value):
                if isinstance(item, dict) and not wanted.isdisjoint(item):  # most have none
                    _markdown_values(inner, item, (*at, key, i), found)
        else:
            _markdown_values(inner, value, (*at, key), found)
    return found


@functools.cache
def _kinds(model: type[BaseModel]) -> dict[str, tuple[bool, type[BaseModel] | None]]:
    """Each field of a model: (declared Markdown, the model it holds). Asked for every value
    of every source: the same few dozen answers."""
    return {name: (_is_markdown(field.annotation), _model_in(field.annotation))
            for name, field in model.model_fields.items()}


@functools.cache
def _holding(model: type[BaseModel]) -> frozenset[str]:
    """The keys of a model whose values are Markdown or may hold some."""
    return frozenset(name for name, (markdown_field, inner) in _kinds(model).items()
                     if markdown_field or inner is not None)


def _is_markdown(annotation: object) -> bool:
    return annotation == schema.Markdown or any(
        arg == schema.Markdown for arg in typing.get_args(annotation))


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The model a field holds (itself, in a list, in an Optional, under Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
