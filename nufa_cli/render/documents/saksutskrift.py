"""The saksutskrift (særutskrift): one sak's treatment as the protokoll records it, one
document per sak of a meeting with a referat, as the secretariat sends it to the sakseier.

It prints what the referat prints of the sak (referat.referat_sak: the minutes, who was
there, the votes, the vedtak and the protokolltilførsel) under a header naming the
meeting, the day and the numbers, and the referat's approval line where it has one. Made
from the public view, it withholds what the public referat withholds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nufa_cli.model.attendance import attendance
from nufa_cli.model.objects import Meeting, Repository
from nufa_cli.model.public import marking
from nufa_cli.render.documents.document import Document
from nufa_cli.render.documents.minutes import approval
from nufa_cli.render.documents.referat import ReferatSak, referat_sak
from nufa_cli.render.renderer import Renderer


@dataclass(frozen=True)
class Saksutskrift:
    meeting: str  # "Møte 2/24 i NUFA", or "Møte i NUFA" where the number is not known
    dato: dt.date  # the day the sak was treated
    sakseier: str | None  # to whom it is sent
    arkivsak: str | None
    sak: ReferatSak
    approval: tuple[str, ...]  # the referat's: "Godkjent i møte 2/24, sak 11/24."


def contexts(repo: Repository, meeting: Meeting) -> list[Saksutskrift]:
    """One per sak, in agenda order; what they share (who was there, the approval) is
    derived once."""
    att = attendance(meeting)
    assert att is not None
    texts = repo.committee.lang
    kortnavn = repo.committee.kortnavn
    where = texts("møte_nr_i", nr=meeting.number, kortnavn=kortnavn) if meeting.number else \
        texts("møte_i", kortnavn=kortnavn)
    lines, _ = approval(repo, meeting)
    return [Saksutskrift(where, sak.dato, sak.sakseier, sak.arkivsak,
                         referat_sak(repo, meeting, att, sak), lines) for sak in meeting.saker]


def documents(repo: Repository, meeting: Meeting, renderer: Renderer) -> list[Document]:
    if meeting.referat is None:
        return []
    texts = repo.committee.lang
    found = []
    for sak, extract in zip(meeting.saker, contexts(repo, meeting), strict=True):
        found.append(Document(
            kind="saksutskrift",
            title=texts("saksutskrift_tittel", sak=sak.nr, tittel=sak.tittel),
            header=repo.committee.navn + (f" – {marking(sak.skjermet, texts)}" if sak.skjermet
                                          else ""),
            markdown=renderer.render("saksutskrift.md.j2", saksutskrift=extract),
            draft=meeting.referat.meta.status == "utkast",
            resource_root=meeting.path,
            sak=sak.nr,
        ))
    return found
