"""The saksliste: per day, each sak with its description, vedlegg and forslag til vedtak.

The innkalling shows the same tables (templates/_saksliste.md.j2) after its dagsorden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nufa_cli.model.objects import Day, Meeting, Repository, Sak
from nufa_cli.render.documents.common import MeetingInfo, lukket, meeting_info, title
from nufa_cli.render.documents.document import Document
from nufa_cli.render.renderer import Renderer


@dataclass(frozen=True)
class VedleggItem:
    label: str  # "1", "7A"
    tittel: str | None  # None: withheld from the public, only the number is shown
    url: str | None  # an address to link the title to
    skjermet: str | None  # the legal basis, printed as "Unntatt offentlighet, <basis>"


@dataclass(frozen=True)
class SakslisteItem:
    nr: str
    tittel: str
    type: str | None
    beskrivelse: str | None  # Markdown
    vedlegg: tuple[VedleggItem, ...]
    forslag_til_vedtak: str | None  # Markdown
    skjermet: str | None  # the legal basis: marked in both versions, content public or not
    innleder: str | None = None
    arkivsak: str | None = None
    lukket: str | None = None  # "Lukket møte, kl. § 11-5 ...": treated in a closed session
    tema: tuple[str, ...] = ()  # the tema headings of the programme right before this sak


@dataclass(frozen=True)
class SakslisteDay:
    index: int
    dato: dt.date
    start: dt.time
    slutt: dt.time | None  # None: no "Slutt dag N"
    saker: tuple[SakslisteItem, ...]


@dataclass(frozen=True)
class Saksliste:
    meeting: MeetingInfo
    days: tuple[SakslisteDay, ...]


def item(repo: Repository, sak: Sak, tema: tuple[str, ...] = ()) -> SakslisteItem:
    vedlegg = tuple(VedleggItem(a.label, a.tittel or None, a.target if a.kind == "url" else None,
                                a.skjermet) for a in sak.attachments)
    return SakslisteItem(str(sak.nr), sak.tittel, sak.type, sak.beskrivelse, vedlegg,
                         sak.forslag_til_vedtak, sak.skjermet, sak.innleder, sak.arkivsak,
                         lukket(repo, sak.lukket), tema)


def _items(repo: Repository, day: Day) -> tuple[SakslisteItem, ...]:
    """The day's saker, each with the tema headings the programme has right before it."""
    found, headings = [], []
    for row in day.rows:
        if row.tema:
            headings.append(row.tittel)
        elif row.sak is not None:
            found.append(item(repo, row.sak, tuple(headings)))
            headings = []
    return tuple(found)


def context(repo: Repository, meeting: Meeting) -> Saksliste:
    days = tuple(SakslisteDay(day.index, day.dato, day.start, day.slutt, _items(repo, day))
                 for day in meeting.days)
    return Saksliste(meeting_info(repo, meeting), days)


def documents(repo: Repository, meeting: Meeting, renderer: Renderer) -> list[Document]:
    saksliste = context(repo, meeting)
    info = saksliste.meeting
    return [Document(
        kind="saksliste",
        title=title(repo, "saksliste", info),
        header=info.navn,
        markdown=renderer.render("saksliste.md.j2", saksliste=saksliste),
        draft=meeting.draft,
        resource_root=meeting.path,
    )]
