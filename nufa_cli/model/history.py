"""Case history (saksgang): where a sak was treated, what was decided, which later saker cite it.

A sak's own record comes from its meeting and that meeting's referat; later treatments are the
saker whose toppnotat lists it under `tidligere_behandlinger`. The listing helpers at the end
turn case records into text, JSON, CSV or a rich table; they return values and never print.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nufa_cli.core import nbdates
from nufa_cli.core.errors import NufaError
from nufa_cli.core.lang import Catalogue, builtin
from nufa_cli.model.objects import Meeting, Repository, Sak, SakNr
from nufa_cli.sources.schema import Behandling

if TYPE_CHECKING:
    from rich.table import Table

VEDTAK_WIDTH = 60  # characters of vedtak shown in a table cell


class UnknownSak(NufaError):
    def __init__(self, nr: SakNr, repo: Repository) -> None:
        known = _ranges(repo)
        super().__init__(f"no sak {nr} in this repository"
                         + (f" (its saker: {known})" if known else " (it has no saker)"))


@dataclass(frozen=True)
class Treatment:
    """A later sak whose toppnotat names this one among its earlier treatments."""

    nr: SakNr
    meeting: str  # "2/24"
    folder: str  # "2024-04-24"
    dato: dt.date  # the day the later sak is on the agenda
    tittel: str
    vedtak: str | None


@dataclass(frozen=True)
class CaseHistory:
    nr: SakNr
    meeting: str  # the meeting's number, "1/24"
    folder: str  # the meeting folder, "2024-01-24"
    dato: dt.date  # the day the sak is on the agenda
    day: int  # 1-based day of the meeting
    type: str | None
    tittel: str
    beskrivelse: str | None
    forslag_til_vedtak: str | None
    vedtak: str | None  # from the meeting's referat; None without referat, section or vedtak
    referat_status: str | None  # utkast | endelig; None when the meeting has no referat
    later: tuple[Treatment, ...] = field(default_factory=tuple)
    innstilling: bool = False  # the decision is an innstilling to another body

    def as_dict(self) -> dict[str, object]:
        """The record with plain JSON values; keys in a fixed order."""
        return {
            "sak": str(self.nr),
            "meeting": self.meeting,
            "folder": self.folder,
            "date": self.dato.isoformat(),
            "day": self.day,
            "type": self.type,
            "title": self.tittel,
            "forslag_til_vedtak": self.forslag_til_vedtak,
            "vedtak": self.vedtak,
            "later": [str(t.nr) for t in self.later],
        }


def _citers(repo: Repository, ordered: Sequence[tuple[Meeting, Sak]]) -> dict[SakNr, list[int]]:
    """Each cited sak number -> the places in `ordered` of the saker whose toppnotat cites it,
    in order: one pass over the archive, not one per sak."""
    citers: dict[SakNr, list[int]] = {}
    for index, (meeting, sak) in enumerate(ordered):
        if sak.toppnotat is None:
            continue
        entries = sak.toppnotat.meta.tidligere_behandlinger
        for nr in {nr for entry in entries if (nr := repo.cited(entry, meeting)) is not None}:
            citers.setdefault(nr, []).append(index)
    return citers


def _in_order(repo: Repository) -> list[tuple[Meeting, Sak]]:
    """Every sak of the repository in the order it was treated: meeting by meeting, agenda order."""
    return [(meeting, sak) for meeting in repo.meetings for sak in meeting.saker]


def _history(ordered: Sequence[tuple[Meeting, Sak]], citers: dict[SakNr, list[int]],
             index: int) -> CaseHistory:
    meeting, sak = ordered[index]
    later = tuple(
        Treatment(other.nr, other_meeting.number, other_meeting.folder, other.dato, other.tittel,
                  other_meeting.vedtak(other.nr))
        for other_meeting, other in (ordered[i] for i in citers.get(sak.nr, ()) if i > index))
    return CaseHistory(
        sak.nr, meeting.number, meeting.folder, sak.dato, sak.day, sak.type, sak.tittel,
        _stripped(sak.beskrivelse), _stripped(sak.forslag_til_vedtak), meeting.vedtak(sak.nr),
        meeting.referat.meta.status if meeting.referat else None, later,
        meeting.innstilling(sak.nr))


def _stripped(text: str | None) -> str | None:
    """YAML block scalars end in a newline; the record holds the text alone."""
    return (text.strip() or None) if text else None


def case_history(repo: Repository, nr: SakNr) -> CaseHistory:
    """The saksgang of sak nr: its meeting, texts and vedtak, and the later saker citing it.

    Raises UnknownSak when no meeting of the repository has the sak on its agenda.
    """
    ordered = _in_order(repo)
    for index, (_, sak) in enumerate(ordered):
        if sak.nr == nr:
            return _history(ordered, _citers(repo, ordered), index)
    raise UnknownSak(nr, repo)


def find_number(repo: Repository, text: str) -> list[SakNr] | None:
    """The saker a number as printed names ("12/24", "V-sak 2": one per meeting where numbers
    restart each meeting); None when it is not a number of the committee's format."""
    text = text.strip()
    found = [s.nr for m in repo.meetings for s in m.saker if str(s.nr) == text]
    if found:
        return found
    nr = repo.committee.numbering.parse(text, year=2000)
    return None if nr is None else [nr]


def all_cases(repo: Repository) -> list[CaseHistory]:
    """The history of every sak, in the order the saker were treated."""
    ordered = _in_order(repo)
    citers = _citers(repo, ordered)
    return [_history(ordered, citers, i) for i in range(len(ordered))]


def resolve_earlier(repo: Repository, entry: Behandling,
                    citing: Meeting) -> tuple[str | None, str | None]:
    """(tittel, vedtak) of one row of a toppnotat's `tidligere_behandlinger` table.

    This is what the toppnotat document calls for each row of "Vedtak fra tidligere
    behandlinger i rådsmodellen". Values written in the entry win. A missing tittel or vedtak of
    an entry naming a sak of this repository (utvalg equal to the committee's kortnavn) is taken
    from that sak and the `### Vedtak` of its meeting's referat. Either value is None when
    nothing gives it: a sak of another committee or from before the repository began without
    its text (validate reports this as an error), or a referat not written yet (a warning).
    """
    tittel, vedtak = entry.tittel, entry.vedtak
    found = repo.cited_sak(entry, citing)
    if found is not None:
        meeting, sak = found
        tittel = tittel or sak.tittel or None
        vedtak = vedtak or meeting.vedtak(sak.nr)
    return tittel, vedtak


def earlier_date(repo: Repository, entry: Behandling, citing: Meeting) -> dt.date | None:
    """The day of an earlier treatment (the seed prints "7/24 (24.1.2024)"): as written in the
    entry, else the day a sak of this repository was on the agenda, else None."""
    if entry.dato is not None:
        return entry.dato
    found = repo.cited_sak(entry, citing)
    return found[1].dato if found else None


def _ranges(repo: Repository) -> str:
    """"1/24–19/24, 1/25–4/25": the sak numbers of the repository, per year and serie (per
    meeting, where numbers restart each meeting)."""
    spans: dict[tuple[int, str, str], list[SakNr]] = {}
    for meeting in repo.meetings:
        for sak in meeting.saker:
            spans.setdefault((sak.nr.year, sak.nr.meeting, sak.nr.serie), []).append(sak.nr)
    return ", ".join(f"{min(ns)}–{max(ns)}" for _, ns in sorted(spans.items()))


# -- selecting and showing ------------------------------------------------------------------


def select(cases: Iterable[CaseHistory], *, year: int | None = None, type: str | None = None,
           grep: str | None = None) -> list[CaseHistory]:
    """Cases of a calendar year, of a sakstype (any case), containing grep (any case) in
    tittel, beskrivelse, forslag til vedtak or vedtak."""
    wanted_type = type.casefold() if type else None
    needle = grep.casefold() if grep else None
    chosen = []
    for case in cases:
        if year is not None and case.dato.year != year:
            continue
        if wanted_type is not None and (case.type or "").casefold() != wanted_type:
            continue
        if needle is not None:
            texts = (case.tittel, case.beskrivelse, case.forslag_til_vedtak, case.vedtak)
            if not any(needle in t.casefold() for t in texts if t):
                continue
        chosen.append(case)
    return chosen


def describe(case: CaseHistory, texts: Catalogue | None = None) -> str:
    """The saksgang as text for a terminal: framing in English, the committee's terms and
    dates in its language (texts: its catalogue)."""
    texts = texts or builtin()
    lines = [
        f"{texts('sak')} {case.nr}  {case.tittel}",
        f"Meeting  {case.meeting} (meetings/{case.folder}), day {case.day}",
        f"Date     {texts.weekday_date(case.dato)}",
        f"Type     {case.type or '–'}",
        "",
        texts("forslag_til_vedtak"),
        _indent(case.forslag_til_vedtak) if case.forslag_til_vedtak else "  (none)",
        "",
        texts("innstilling" if case.innstilling else "vedtak")
        + (" (referat utkast)" if case.referat_status == "utkast" else ""),
        _indent(case.vedtak) if case.vedtak else "  (none: " + (
            "the meeting has no referat yet)" if case.referat_status is None
            else "the referat records no vedtak)"),
        "",
        "Later treatments",
    ]
    if not case.later:
        lines.append("  (none)")
    for t in case.later:
        lines.append(f"  {t.nr}  meeting {t.meeting}, {texts.long_date(t.dato)}: {t.tittel}")
        if t.vedtak:
            lines.append(f"        {texts('vedtak')}: {' '.join(t.vedtak.split())}")
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.strip().split("\n"))


def columns(texts: Catalogue | None = None) -> tuple[str, ...]:
    """The listing's column headings, in the committee's language."""
    texts = texts or builtin()
    return (texts("sak"), texts("møte"), texts("dato"), "Type", texts("tittel"), texts("vedtak"))


def short(text: str | None, width: int = VEDTAK_WIDTH) -> str:
    """One line of at most width characters, ending in … when cut."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def table_rows(cases: Iterable[CaseHistory]) -> list[tuple[str, ...]]:
    return [(str(c.nr), c.meeting, nbdates.numeric(c.dato), c.type or "", c.tittel,
             short(c.vedtak)) for c in cases]


def as_text(cases: Sequence[CaseHistory], texts: Catalogue | None = None) -> str:
    """Columns aligned with two spaces, for pipes and files; no trailing blanks."""
    heading = columns(texts)
    rows = [heading, *table_rows(cases)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(heading))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
                     for row in rows)


def as_rich(cases: Sequence[CaseHistory], texts: Catalogue | None = None) -> Table:
    from rich.table import Table

    table = Table(*columns(texts), header_style="bold")
    for row in table_rows(cases):
        table.add_row(*row)
    return table


def as_json(cases: Iterable[CaseHistory]) -> str:
    return json.dumps([c.as_dict() for c in cases], ensure_ascii=False, indent=2)


CSV_FIELDS = ("sak", "meeting", "folder", "date", "day", "type", "title", "forslag_til_vedtak",
              "vedtak", "later")


def as_csv(cases: Iterable[CaseHistory]) -> str:
    """RFC 4180 CSV (CRLF line ends, full texts); later treatments joined by spaces."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for case in cases:
        record = case.as_dict() | {"later": " ".join(str(t.nr) for t in case.later)}
        writer.writerow([_cell(record[k]) for k in CSV_FIELDS])
    return out.getvalue()


def _cell(value: object) -> object:
    """A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one) as a
    formula: such a text gets a leading apostrophe, which the spreadsheet shows as text."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
