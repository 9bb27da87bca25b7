"""The referat (the protokoll): who was there, the introduction, the saker of each day with
minutes, who was there at each, votes, vedtak and protokolltilførsel, and its approval."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nufa_cli.model.attendance import Attendance, attendance
from nufa_cli.model.objects import Meeting, Repository, Sak
from nufa_cli.render.documents.common import MeetingInfo, behandlet_lukket, meeting_info, title
from nufa_cli.render.documents.document import Document
from nufa_cli.render.documents.minutes import People, people, treatment
from nufa_cli.render.documents.minutes import approval as approval_lines
from nufa_cli.render.renderer import Renderer


@dataclass(frozen=True)
class ReferatSak:
    nr: str
    tittel: str
    type: str | None
    minutes: str  # Markdown
    vedtak: str | None  # Markdown
    skjermet: str | None  # the legal basis, printed under the title
    lukket: str | None = None  # "Behandlet i lukket møte, ...": treated in a closed session
    attendance: tuple[str, ...] = ()  # derived: who was there, when not the day's whole body
    votes: tuple[str, ...] = ()  # derived: "Vedtatt med 7 mot 2 stemmer.", names against
    protokolltilførsel: str | None = None  # Markdown


@dataclass(frozen=True)
class ReferatDay:
    index: int
    dato: dt.date
    saker: tuple[ReferatSak, ...]


@dataclass(frozen=True)
class Referat:
    meeting: MeetingInfo
    sekretariat_heading: str  # nufa.yaml's sekretariat: "Helsedirektoratet"
    people: People
    versjon: str | None
    introduction: str  # Markdown before the first sak's section
    days: tuple[ReferatDay, ...]
    approval: tuple[str, ...]  # "Godkjent i møte 2/24, sak 11/24."
    signers: tuple[str, ...]


def referat_sak(repo: Repository, meeting: Meeting, att: Attendance, sak: Sak) -> ReferatSak:
    """One sak as a protokoll prints it: the referat's section and what is derived for it."""
    assert meeting.referat is not None
    section = meeting.referat.sections.get(sak.nr)
    derived = treatment(repo, meeting, att, sak.nr)
    return ReferatSak(str(sak.nr), sak.tittel, sak.type, section.minutes if section else "",
                      section.vedtak if section else None, sak.skjermet,
                      behandlet_lukket(repo, sak.lukket), derived.attendance, derived.votes,
                      section.protokolltilførsel if section else None)


def context(repo: Repository, meeting: Meeting) -> Referat:
    att = attendance(meeting)
    assert att is not None and meeting.referat is not None
    days = tuple(ReferatDay(day.index, day.dato, tuple(referat_sak(repo, meeting, att, sak)
                                                       for sak in meeting.saker_on(day)))
                 for day in meeting.days)
    lines, signers = approval_lines(repo, meeting)
    return Referat(
        meeting=meeting_info(repo, meeting),
        sekretariat_heading=repo.committee.sekretariat,
        people=people(repo, meeting, att),
        versjon=meeting.referat.protokoll.versjon,
        introduction=meeting.referat.introduction,
        days=days,
        approval=lines,
        signers=signers,
    )


def documents(repo: Repository, meeting: Meeting, renderer: Renderer) -> list[Document]:
    if meeting.referat is None:
        return []
    referat = context(repo, meeting)
    info = referat.meeting
    return [Document(
        kind="referat",
        title=title(repo, "referat", info),
        header=info.navn,
        markdown=renderer.render("referat.md.j2", referat=referat),
        draft=meeting.referat.meta.status == "utkast",
        resource_root=meeting.path,
    )]
