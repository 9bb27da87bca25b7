"""Markdown that pandoc or typst would refuse, or that would hold a build for minutes, found
by check with its line: every Markdown body (toppnotat, referat) and every YAML field the
documents print as Markdown (each that its schema declares schema.Markdown). What one text
alone holds, limits.py finds; here, the images it names and where each text stands.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from nufa_cli.check import limits
from nufa_cli.check.images import LinkedImage, image_base, resolve_image
from nufa_cli.check.limits import Problem
from nufa_cli.core.errors import Diagnostic
from nufa_cli.model.objects import Meeting, Repository, Source
from nufa_cli.sources import markdown, schema
from nufa_cli.sources.reader import Path_


def problems(text: str, folder: Path, base: str = "") -> Iterator[Problem]:
    """What the build would refuse in one Markdown text whose images lie in folder (or in
    its folder base, beside the text: images.resolve_image)."""
    yield from limits.text_problems(text)
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
            # where its images are looked for first: asked of the file system only for a text
            # that has images (most have none)
            base = image_base(meeting.path, doc.source.path) if markdown.images(doc.body) else ""
            yield from _located(doc.source.rel, doc.body_line, problems(doc.body, meeting.path,
                                                                        base))
        yield from fields(meeting)
        yield from plain_texts(_yaml_of(meeting))
    yield from plain_texts([(source, None) for source in repo.settings])


def plain_texts(sources: list[tuple[Source, type[BaseModel] | None]]) -> Iterator[Diagnostic]:
    """Every text of a YAML document that is not Markdown (fields() reads those paragraph by
    paragraph), within the limit on capitalised words: a document prints it as one run."""
    for source, model in sources:
        if source.doc is None or source.doc.summary()[1] <= 2 * limits.MAX_CAPITALISED:
            continue  # too short to hold that many words (capitalised): most documents
        data = source.doc.data
        markdown_at = {at for at, _ in _markdown_values(model, data, ())} if model else set()
        for at, value in strings(data, ()):
            if at in markdown_at:
                continue
            for problem in limits.capitalised(value, 0):
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
