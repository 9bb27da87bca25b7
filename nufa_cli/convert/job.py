"""One document to convert: what the orchestrator hands the renderer.

Kept apart from convert.py so that planning a build (which keys outputs by their
jobs) does not load pandoc and typst when nothing needs converting.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from nufa_cli.core.output import digest


@dataclass(frozen=True)
class Job:
    markdown: str  # pandoc Markdown, the deterministic intermediate written by Jinja templates
    title: str  # document title: PDF/DOCX metadata title and the running header's right part
    header: str  # running header's left part, the committee name e.g. "Fagutvalget (NUFA)"
    resource_root: Path  # folder that images in the Markdown resolve against (typst root)
    image_base: str = ""  # a folder inside it searched first: the source's own ("toppnotater")
    draft: bool = False  # True: "UTKAST" visibly on every page of both formats
    lang: str = "nb-NO"
    footer_note: str = ""  # extra text in the footer beside "Side N av M"; may be empty
    epoch: int | None = None  # its build time (files' dates); None: the Converter's own


class Shown(Protocol):
    """What a Job and a rendered Document have in common: what the reader sees."""

    @property
    def markdown(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def header(self) -> str: ...


def fingerprint(doc: Shown) -> str:
    """What a document shows: not when, where or from which commit it was built."""
    return digest(doc.markdown, doc.title, doc.header)
