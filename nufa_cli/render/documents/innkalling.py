"""The innkalling: header block, the dagsorden with its times, then the saksliste."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nufa_cli.model.objects import Day, Meeting, Repository
from nufa_cli.render.documents import saksliste
from nufa_cli.render.documents.common import MeetingInfo, meeting_info, title
from nufa_cli.render.documents.document import Document
from nufa_cli.render.renderer import Renderer


@dataclass(frozen=True)
class AgendaLine:
    """One row of the dagsorden."""

    kind: str  # "sak" | "row" (Pause, Lunsj ...) | "part" (a timed part of the sak above) |
    # "slutt" | "tema" (a heading over the rows below it)
    nr: str  # the sak's number; empty for other rows
    tittel: str
    tid: dt.time | None  # empty for a sak whose parts carry the times
    type: str | None
    innleder: str | None = None  # who presents it


@dataclass(frozen=True)
class AgendaDay:
    index: int
    dato: dt.date
    lines: tuple[AgendaLine, ...]


@dataclass(frozen=True)
class Innkalling:
    meeting: MeetingInfo
    members: tuple[str, ...]  # "Navn, Virksomhet" in registry order
    days: tuple[AgendaDay, ...]
    saksliste: saksliste.Saksliste
    cover: str | None = None  # Markdown: innkalling.tekst
    signatures: tuple[tuple[str, str | None], ...] = ()  # (navn, tittel)


def agenda_lines(day: Day) -> list[AgendaLine]:
    """The day's rows in agenda order, with "Slutt dag N" where its time falls (none for a
    day without slutt)."""
    lines: list[AgendaLine] = []
    slutt = AgendaLine("slutt", "", "", day.slutt, None)
    placed = day.slutt is None
    for row in day.rows:
        if not placed and row.tid is not None and day.slutt and row.tid >= day.slutt:
            lines.append(slutt)
            placed = True
        if row.tema:
            lines.append(AgendaLine("tema", "", row.tittel, None, None))
        elif row.sak is None:
            lines.append(AgendaLine("row", "", row.tittel, row.tid, None, row.innleder))
        else:
            lines.append(AgendaLine("sak", str(row.sak.nr), row.tittel,
                                    None if row.parts else row.tid, row.sak.type, row.innleder))
        lines += [AgendaLine("part", "", p.tittel, p.tid, None, p.innleder) for p in row.parts]
    if not placed:
        lines.append(slutt)
    return lines


def context(repo: Repository, meeting: Meeting) -> Innkalling:
    return Innkalling(
        meeting=meeting_info(repo, meeting),
        members=tuple(m.label for m in meeting.members),
        days=tuple(AgendaDay(d.index, d.dato, tuple(agenda_lines(d))) for d in meeting.days),
        saksliste=saksliste.context(repo, meeting),
        cover=meeting.cover,
        signatures=meeting.signatures,
    )


def documents(repo: Repository, meeting: Meeting, renderer: Renderer) -> list[Document]:
    innkalling = context(repo, meeting)
    info = innkalling.meeting
    return [Document(
        kind="innkalling",
        title=title(repo, "innkalling", info),
        header=info.navn,
        markdown=renderer.render("innkalling.md.j2", innkalling=innkalling,
                                 saksliste=innkalling.saksliste),
        draft=meeting.draft,
        resource_root=meeting.path,
    )]
