"""The Jinja2 environment that turns document contexts into pandoc Markdown.

Templates only lay out: what a document shows is decided by nufa_cli/documents. User text
reaches a template as data, never as template source, so it is never evaluated; it is
written through the `md` filter (plain text) or `mdblock` (the user's Markdown, kept
inside its place). Every filter is registered here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from nufa_cli.core import nbdates
from nufa_cli.core.errors import NufaError
from nufa_cli.core.lang import Catalogue, builtin
from nufa_cli.core.output import WriteFailed
from nufa_cli.core.root import template_dirs
from nufa_cli.model.objects import Repository
from nufa_cli.model.public import marking_markdown
from nufa_cli.render import mdtext


class TemplateError(NufaError):
    """A template could not be rendered: a committee's own template, or a bug in nufa's."""


def _gridtable(text: str, widths: Sequence[int]) -> str:
    return mdtext.grid_table(mdtext.parse_rows(text), widths)


def _mdblock(text: object, level: int | None = 2, notes: str | None = None) -> str:
    return mdtext.block(text, level, notes)


def _hardbreaks(lines: str | Iterable[str]) -> str:
    """Markdown lines (a list, or text with one per line) as one paragraph, one per line."""
    items = lines.split("\n") if isinstance(lines, str) else list(lines)
    return "\\\n".join(line.strip() for line in items if line.strip())


def _mdurl(url: str) -> str:
    """An address for a link destination: nothing in it can end the link early."""
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")


FILTERS: dict[str, Any] = {
    "md": mdtext.escape,
    "mdblock": _mdblock,
    "lead": mdtext.lead,
    "gridrow": mdtext.row_marker,
    "gridtable": _gridtable,
    "hardbreaks": _hardbreaks,
    "mdurl": _mdurl,
    "short_numeric": nbdates.short_numeric,
    "numeric": nbdates.numeric,
    "clock": nbdates.clock,
}


def language_filters(texts: Catalogue) -> dict[str, Any]:
    """The filters that print words, in the committee's language."""

    def days_label(days: Sequence[int], before: str = "") -> str:
        label = texts.days_label(tuple(days))
        return before + label if label else ""

    return {
        "days_label": days_label,
        "unntatt": lambda basis: marking_markdown(basis, texts),  # "Unntatt offentlighet, ..."
        "date_range": texts.date_range,
        "weekday_date": texts.weekday_date,
        "long_date": texts.long_date,
        "day_month": texts.day_month,
        "time_span": texts.time_span,
    }


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates filed under their name alone, not the absolute path of their file
    as Jinja's own cache files them: a repository moved or copied with its build/ finds
    them compiled. Jinja still checks each against its template's source and compiles
    again when that changed (a committee's own template of the name, an edit)."""

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(name)


def environment(maler: Path | None = None, cache: Path | None = None,
                texts: Catalogue | None = None) -> jinja2.Environment:
    """Strict and literal: a misspelt name fails, nothing is HTML-escaped (this is Markdown).

    cache: a folder for compiled templates (keyed by their source), so a rebuild skips compiling.
    texts: the language catalogue; templates print its words as t("key", field=value).
    """
    texts = texts or builtin()
    folders = template_dirs(maler)
    bytecode = None
    if cache is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WriteFailed(f"the template cache {cache}", error,
                              "nothing was written") from error
        bytecode = _CompiledTemplates(str(cache))
    env = jinja2.Environment(
        bytecode_cache=bytecode,
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(f) for f in folders]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    env.filters.update(language_filters(texts))
    env.globals["t"] = texts
    return env


class Renderer:
    """Renders a document template; a committee's own `maler` folder overrides by file name."""

    def __init__(self, repo: Repository | None = None, maler: Path | None = None,
                 cache: Path | None = None) -> None:
        if maler is None and repo is not None:
            maler = repo.committee.maler
        self.texts = repo.committee.lang if repo is not None else builtin()
        self.env = environment(maler, cache, self.texts)

    def render(self, template: str, **context: Any) -> str:
        try:
            return tidy(self.env.get_template(template).render(**context))
        except jinja2.TemplateSyntaxError as error:
            where = f"{error.filename or error.name}:{error.lineno}"
            raise TemplateError(f"{where}: {error.message}") from error
        except Exception as error:  # a committee's template may apply a filter to the wrong type
            where = _template_line(error) or f"template {template}"
            raise TemplateError(f"{where}: {type(error).__name__}: {error}") from error


def _template_line(error: BaseException) -> str | None:
    """'file:line' of the innermost template frame that jinja2 puts into a traceback."""
    where = None
    tb = error.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:  # jinja2.debug's fake frames
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def tidy(text: str) -> str:
    """One blank line between blocks and one newline at the end, code blocks untouched."""
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opening = mdtext.fence_marker(line)
        if fence is None and opening:
            fence = opening
        elif fence is not None:
            if opening and opening.startswith(fence[0]) and len(opening) >= len(fence) \
                    and not line.strip()[len(opening):].strip():
                fence = None
            out.append(line)
            continue
        line = line.rstrip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"
