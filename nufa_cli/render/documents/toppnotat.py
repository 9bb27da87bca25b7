"""The toppnotat of a sak: header block, title, forslag til vedtak, body, earlier decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nufa_cli.check.images import image_base
from nufa_cli.model.history import earlier_date, resolve_earlier
from nufa_cli.model.objects import Meeting, Repository, Sak
from nufa_cli.model.public import marking
from nufa_cli.render.documents.common import lukket
from nufa_cli.render.documents.document import Document
from nufa_cli.render.renderer import Renderer
from nufa_cli.sources.schema import Behandling


@dataclass(frozen=True)
class EarlierDecision:
    utvalg: str
    sak: str  # "7/24"
    dato: dt.date | None  # the day it was treated: written in the entry, or derived
    tittel: str
    vedtak: str  # Markdown


@dataclass(frozen=True)
class Toppnotat:
    meeting_number: str  # "2/24": the header block's "Til  Møte 2/24"
    dato: dt.date  # the day the sak is on the agenda
    nr: str
    tittel: str
    type: str | None  # printed as "Innretning"
    sakseier: str | None
    saksbehandler: str | None
    forslag_til_vedtak: str | None  # Markdown
    body: str  # Markdown; its "##" headings are sections under the title
    earlier: tuple[EarlierDecision, ...]
    earlier_text: str | None  # Markdown: what introduces the earlier decisions
    skjermet: str | None  # the legal basis: in the header block and the running header
    arkivsak: str | None = None
    lukket: str | None = None  # "Lukket møte, ...": treated in a closed session


def earlier_decision(repo: Repository, entry: Behandling, citing: Meeting) -> EarlierDecision:
    """An entry as written; a sak of this repository fills in its own title, vedtak and day."""
    tittel, vedtak = resolve_earlier(repo, entry, citing)
    return EarlierDecision(entry.utvalg, entry.sak, earlier_date(repo, entry, citing),
                           tittel or "", vedtak or "")


def context(repo: Repository, meeting: Meeting, sak: Sak) -> Toppnotat:
    assert sak.toppnotat is not None
    note = sak.toppnotat
    return Toppnotat(
        meeting_number=meeting.number,
        dato=sak.dato,
        nr=str(sak.nr),
        tittel=sak.tittel,
        type=sak.type,
        sakseier=sak.sakseier,
        saksbehandler=sak.saksbehandler,
        forslag_til_vedtak=sak.forslag_til_vedtak,
        body=note.body,
        earlier=tuple(earlier_decision(repo, e, meeting) for e in note.meta.tidligere_behandlinger),
        earlier_text=note.meta.tidligere_behandlinger_tekst,
        skjermet=sak.skjermet,
        arkivsak=sak.arkivsak,
        lukket=lukket(repo, sak.lukket),
    )


def documents(repo: Repository, meeting: Meeting, renderer: Renderer) -> list[Document]:
    found = []
    texts = repo.committee.lang
    for sak in meeting.saker:
        if sak.toppnotat is None:
            continue
        toppnotat = context(repo, meeting, sak)
        found.append(Document(
            kind="toppnotat",
            title=texts("toppnotat_tittel", sak=sak.nr, tittel=sak.tittel),
            header=repo.committee.navn + (f" – {marking(sak.skjermet, texts)}" if sak.skjermet
                                          else ""),
            markdown=renderer.render("toppnotat.md.j2", toppnotat=toppnotat),
            draft=meeting.draft,
            resource_root=meeting.path,
            sak=sak.nr,
            image_base=image_base(meeting.path, sak.toppnotat.source.path),
        ))
    return found
