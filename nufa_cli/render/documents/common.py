"""What every document of a meeting shows about the meeting itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nufa_cli.model.objects import Meeting, Repository


@dataclass(frozen=True)
class MeetingInfo:
    navn: str  # the committee's full name: the "Møte" row
    kortnavn: str  # "NUFA"
    number: str  # "2/24"
    dates: tuple[dt.date, ...]
    spans: tuple[tuple[dt.date, dt.time, dt.time | None], ...]  # each day's start and slutt
    sted: str | None  # the meeting's place; days with their own: "24. april: X og 25. april: Y"
    date_range: str  # "24. – 25. april 2024"


def meeting_info(repo: Repository, meeting: Meeting) -> MeetingInfo:
    return MeetingInfo(
        navn=repo.committee.navn,
        kortnavn=repo.committee.kortnavn,
        number=meeting.number,
        dates=tuple(d.dato for d in meeting.days),
        spans=tuple((d.dato, d.start, d.slutt) for d in meeting.days),
        sted=place(repo, meeting),
        date_range=meeting.date_range,
    )


def place(repo: Repository, meeting: Meeting) -> str | None:
    """Where the meeting is: its sted, or each day's own where they differ."""
    places = [(day.dato, meeting.sted_of(day)) for day in meeting.days]
    if len({sted for _, sted in places}) <= 1:
        return places[0][1]
    texts = repo.committee.lang
    return texts.listing([f"{texts.day_month(d)}: {sted}" for d, sted in places if sted])


def lukket(repo: Repository, basis: str | bool | None) -> str | None:
    """"Lukket møte, kl. § 11-5 ..." for a sak treated in a closed session; None if open."""
    texts = repo.committee.lang
    if not basis:
        return None
    return texts("lukket_møte") if basis is True else texts(
        "lukket_møte_grunnlag", grunnlag=" ".join(str(basis).split()))


def behandlet_lukket(repo: Repository, basis: str | bool | None) -> str | None:
    """"Behandlet i lukket møte, kl. § 11-5 …": what a protokoll says of a sak treated in a
    closed session (kommuneloven § 11-4: the basis is recorded); None if open."""
    texts = repo.committee.lang
    if not basis:
        return None
    return texts("behandlet_i_lukket_møte") if basis is True else texts(
        "behandlet_i_lukket_møte_grunnlag", grunnlag=" ".join(str(basis).split()))


def title(repo: Repository, document: str, info: MeetingInfo) -> str:
    """A document's title, its metadata and running header: "Innkalling NUFA 24. – 25. april 2024"."""
    texts = repo.committee.lang
    return texts("dokumenttittel", dokument=texts(document), kortnavn=info.kortnavn,
                 datoer=info.date_range)
