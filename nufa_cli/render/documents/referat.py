"""The referat: who was there, the saker of each day with minutes and vedtak."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nufa_cli.model.attendance import Attendance, attendance
from nufa_cli.model.objects import Meeting, Repository
from nufa_cli.render.documents.common import MeetingInfo, meeting_info
from nufa_cli.render.documents.document import Document
from nufa_cli.render.renderer import Renderer


@dataclass(frozen=True)
class Person:
    label: str  # "Navn, Virksomhet"
    days: tuple[int, ...]  # the days this line holds for; empty: the whole meeting


@dataclass(frozen=True)
class SubstituteLine:
    label: str  # "Navn, Virksomhet"
    for_member: str  # navn of the member substituted
    days: tuple[int, ...]


@dataclass(frozen=True)
class ReferatSak:
    nr: str
    tittel: str
    type: str | None
    minutes: str  # Markdown
    vedtak: str | None  # Markdown
    skjermet: str | None  # the legal basis, printed under the title


@dataclass(frozen=True)
class ReferatDay:
    index: int
    dato: dt.date
    saker: tuple[ReferatSak, ...]


@dataclass(frozen=True)
class Referat:
    meeting: MeetingInfo
    sekretariat_heading: str  # nufa.yaml's sekretariat: "Helsedirektoratet"
    present: tuple[Person, ...]
    absent: tuple[Person, ...]
    substitutes: tuple[SubstituteLine, ...]
    sekretariat: tuple[str, ...]
    days: tuple[ReferatDay, ...]


def people(att: Attendance) -> tuple[tuple[Person, ...], tuple[Person, ...]]:
    present = tuple(Person(p.member.label, att.partial(p.present)) for p in att.present)
    absent = tuple(Person(p.member.label, att.partial(p.absent)) for p in att.absent)
    return present, absent


def context(repo: Repository, meeting: Meeting) -> Referat:
    att = attendance(meeting)
    assert att is not None and meeting.referat is not None
    present, absent = people(att)
    sections = meeting.referat.sections
    days = []
    for day in meeting.days:
        saker = []
        for sak in meeting.saker_on(day):
            section = sections.get(sak.nr)
            saker.append(ReferatSak(str(sak.nr), sak.tittel, sak.type,
                                    section.minutes if section else "",
                                    section.vedtak if section else None, sak.skjermet))
        days.append(ReferatDay(day.index, day.dato, tuple(saker)))
    return Referat(
        meeting=meeting_info(repo, meeting),
        sekretariat_heading=repo.committee.sekretariat,
        present=present,
        absent=absent,
        substitutes=tuple(SubstituteLine(f"{s.navn}, {s.virksomhet}", s.for_member,
                                         att.partial(s.days)) for s in att.substitutes),
        sekretariat=att.sekretariat,
        days=tuple(days),
    )


def documents(repo: Repository, meeting: Meeting, renderer: Renderer) -> list[Document]:
    if meeting.referat is None:
        return []
    referat = context(repo, meeting)
    info = referat.meeting
    return [Document(
        kind="referat",
        title=f"Referat {info.kortnavn} {info.date_range}",
        header=info.navn,
        markdown=renderer.render("referat.md.j2", referat=referat),
        draft=meeting.referat.meta.status == "utkast",
        resource_root=meeting.path,
    )]
