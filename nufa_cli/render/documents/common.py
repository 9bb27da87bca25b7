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
    spans: tuple[tuple[dt.date, dt.time, dt.time], ...]  # each day's start and slutt
    sted: str
    date_range: str  # "24. – 25. april 2024"


def meeting_info(repo: Repository, meeting: Meeting) -> MeetingInfo:
    return MeetingInfo(
        navn=repo.committee.navn,
        kortnavn=repo.committee.kortnavn,
        number=meeting.number,
        dates=tuple(d.dato for d in meeting.days),
        spans=tuple((d.dato, d.start, d.slutt) for d in meeting.days),
        sted=meeting.sted,
        date_range=meeting.date_range,
    )


def title(repo: Repository, document: str, info: MeetingInfo) -> str:
    """A document's title, its metadata and running header: "Innkalling NUFA 24. – 25. april 2024"."""
    texts = repo.committee.lang
    return texts("dokumenttittel", dokument=texts(document), kortnavn=info.kortnavn,
                 datoer=info.date_range)
