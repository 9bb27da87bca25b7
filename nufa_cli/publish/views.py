"""What the pages of `nufa site` show: declared views, filled by site.py, laid out by
templates/site/*.html.j2."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nufa_cli.model.objects import SakNr


@dataclass(frozen=True)
class Link:
    text: str
    href: str  # relative to the site root, or an https address from the sources
    note: str = ""


@dataclass(frozen=True)
class DocumentView:
    label: str
    kind: str
    sak: SakNr | None
    files: tuple[Link, ...]  # the downloads, PDF first
    page: str | None = None  # its full text as a page of the site (from the site root), if built


@dataclass(frozen=True)
class RowView:
    kind: str  # sak | row | part | slutt | tema: as innkalling.AgendaLine, whose rows these are
    tid: str
    tittel: str
    sak: str = ""
    anchor: str = ""
    type: str = ""


@dataclass(frozen=True)
class DayView:
    caption: str
    rows: tuple[RowView, ...]


@dataclass(frozen=True)
class VedleggView:
    label: str
    tittel: str
    link: Link | None
    skjermet: str | None


@dataclass(frozen=True)
class SakView:
    nr: str
    anchor: str
    href: str  # the sak on its meeting page, from the site root
    tittel: str
    type: str
    sakseier: str
    saksbehandler: str
    skjermet: str | None
    beskrivelse: str | None  # Markdown; None when withheld
    forslag: str | None
    vedtak: str | None
    vedtak_note: str  # why there is no vedtak, or that it is from a draft referat
    vedlegg: tuple[VedleggView, ...]


@dataclass(frozen=True)
class MeetingView:
    folder: str
    number: str
    href: str
    dates: str
    sted: str
    status: str
    referat_status: str | None
    documents: tuple[DocumentView, ...]
    withheld: bool  # built documents were left out for skjermet content
    calendar: Link | None
    days: tuple[DayView, ...]
    saker: tuple[SakView, ...]


@dataclass
class Site:
    """Everything the site folder will hold: rendered pages and files to copy."""

    pages: dict[str, str] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    texts: dict[str, Path] = field(default_factory=dict)  # page -> the built HTML it lays out
    unbuilt: list[str] = field(default_factory=list)  # meeting folders without documents
    withheld: list[str] = field(default_factory=list)  # built files left out: may show skjermet
    stale: list[str] = field(default_factory=list)  # public files left out: older sources


@dataclass
class SiteResult:
    out: Path
    pages: list[str]
    files: list[str]
    unbuilt: list[str]
    withheld: list[str]
    stale: list[str] = field(default_factory=list)
