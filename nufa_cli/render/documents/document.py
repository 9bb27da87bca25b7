"""A rendered document: the Markdown and what convert/ needs besides it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nufa_cli.model.objects import SakNr


@dataclass(frozen=True)
class Document:
    kind: str  # "innkalling" | "saksliste" | "toppnotat" | "referat"
    title: str  # "Innkalling NUFA 24. – 25. april 2024": metadata and running header
    header: str  # running header, left part: the committee's name (and "Unntatt offentlighet, ...")
    markdown: str
    draft: bool  # shown as UTKAST: the meeting (referat: the referat) has status utkast
    resource_root: Path  # the meeting folder: images and vedlegg resolve against it
    sak: SakNr | None = None  # the sak the document is about (a toppnotat's)
    image_base: str = ""  # where in it its source lies: images are looked for there first
