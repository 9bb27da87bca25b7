"""How nufa diff shows a value: times, dates, members, presence, vedlegg, earlier treatments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from nufa_cli.core import nbdates
from nufa_cli.core.lang import builtin
from nufa_cli.diff.match import Placed
from nufa_cli.model.objects import Day, Meeting, Member
from nufa_cli.sources.schema import Behandling

# nufa diff reports in the secretariat's bokmål, whatever language the documents print in
BOKMÅL = builtin("nb")


def words(text: str | None) -> list[str]:
    return (text or "").split()


def text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


def rel(path: Path | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def clock(time: dt.time | None, day: str = "") -> str | None:
    shown = nbdates.clock(time)
    if day:
        return f"{day}, {shown}" if shown else day
    return shown or None


def varighet(meeting: Meeting, at: tuple[str | int, ...]) -> str | None:
    """A programme row's varighet as agenda.yaml gives it ("40 min"); None when it has none."""
    data = meeting.source.doc.data if meeting.source.doc else None
    for step in at:
        if isinstance(step, int) and isinstance(data, list) and step < len(data):
            data = data[step]
        elif isinstance(step, str) and isinstance(data, dict):
            data = data.get(step)
        else:
            return None
    value = data.get("varighet") if isinstance(data, dict) else None
    return None if value is None else f"{value} min"


def dates(meeting: Meeting) -> str:
    return BOKMÅL.date_range([day.dato for day in meeting.days])


def day(day: Day) -> str:
    hours = f"{nbdates.clock(day.start)}–{nbdates.clock(day.slutt)}" if day.slutt else (
        nbdates.clock(day.start))
    return f"{BOKMÅL.weekday_date(day.dato)}, {hours}"


def where_short(placed: Placed) -> str:
    sak = placed.sak
    parts = [sak.type] if sak.type else []
    parts.append(f"dag {sak.day}" + (f" kl. {nbdates.clock(sak.tid)}" if sak.tid else ""))
    return ", ".join(parts)


def after_which(placed: Placed) -> str:
    same_day = [s for s in placed.meeting.saker[: placed.index] if s.day == placed.sak.day]
    return f"etter sak {same_day[-1].nr}" if same_day else f"første sak dag {placed.sak.day}"


def member(member: Member) -> str:
    span = []
    if member.fra:
        span.append(f"fra {BOKMÅL.long_date(member.fra)}")
    if member.til:
        span.append(f"til {BOKMÅL.long_date(member.til)}")
    return member.label + (f" ({' '.join(span)})" if span else "")


def og(numbers: Iterable[int]) -> str:
    return BOKMÅL.listing([str(n) for n in sorted(set(numbers))])


def presence(meeting: Meeting, member_id: str) -> str:
    assert meeting.referat is not None
    days = {d.index for d in meeting.days}
    away: set[int] = set()
    for entry in meeting.referat.meta.fravær:
        if entry.medlem == member_id:
            away |= set(entry.dager or days)
    if not away:
        return "til stede"
    if away >= days:
        return "ikke til stede"
    return f"ikke til stede dag {og(away)}"


def substitutes(meeting: Meeting) -> dict[tuple[str, str], str]:
    """(navn, the member's id) -> "Navn, Virksomhet, for Medlem (dag 1)"."""
    assert meeting.referat is not None
    names = {m.id: m.navn for m in meeting.members}
    return {(s.navn, s.for_): f"{s.navn}, {s.virksomhet}, for {names.get(s.for_, s.for_)}"
            + (f" (dag {og(s.dager)})" if s.dager else "")
            for s in meeting.referat.meta.stedfortredere}


def innslag(placed: Placed) -> str | None:
    row = next((r for d in placed.meeting.days for r in d.rows if r.sak is placed.sak), None)
    if row is None or not row.parts:
        return None
    return "; ".join(f"{nbdates.clock(p.tid)} {p.tittel}".strip() for p in row.parts)


def earlier(entries: list[Behandling]) -> str | None:
    return "; ".join(f"{e.utvalg} {e.sak}" + (f" ({nbdates.numeric(e.dato)})" if e.dato else "")
                     + (f" {e.tittel}" if e.tittel else "")
                     + (f": {e.vedtak}" if e.vedtak else "") for e in entries) or None


def vedlegg_key(vedlegg: object) -> tuple[str, str]:
    for kind in ("referat", "fil", "url"):
        value = getattr(vedlegg, kind)
        if value is not None:
            return kind, value
    return "", ""


def vedlegg_text(key: tuple[str, str], tittel: str | None) -> str:
    kind, target = key
    where = f"referatet fra {target}" if kind == "referat" else target
    return f"{tittel} ({where})" if tittel else where
