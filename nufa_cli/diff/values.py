"""How nufa diff shows a value: times, dates, members, presence, vedlegg, earlier treatments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from nufa_cli.core import nbdates
from nufa_cli.core.lang import builtin
from nufa_cli.diff.match import Placed
from nufa_cli.model.attendance import attendance
from nufa_cli.model.objects import Day, Meeting, Member, Repository, SakNr
from nufa_cli.model.protokoll import Span
from nufa_cli.render.documents.minutes import treatment
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
    """"til stede", "forfall", "ikke til stede dag 2", "ikke til stede i sak 12/24",
    "fratrådte før sak 14/24" (inhabil is told per sak: inhabil())."""
    assert meeting.referat is not None
    facts = meeting.referat.protokoll
    parts = []
    for entry in facts.absences:
        if entry.medlem == member_id:
            absent = "forfall" if entry.forfall else "ikke til stede"
            if entry.span.from_sak is not None:
                parts.append(f"fratrådte før sak {entry.span.from_sak.nr}")
            else:
                parts.append(absent + span(entry.span, " "))
    return "; ".join(parts) or "til stede"


def span(part: Span, before: str = " ") -> str:
    """" (dag 1 og 2)", " (sak 12/24)", " (fra sak 14/24)"; "" for the whole meeting. With
    before " ": "dag 2" and "i sak 12/24" as words of a sentence."""
    if part.days is not None:
        days = og(part.days)
        return f" dag {days}" if before == " " else f" (dag {days})"
    if part.saker:
        saker = BOKMÅL.listing([str(r.nr) for r in part.saker])
        return f" i sak {saker}" if before == " " else f" (sak {saker})"
    if part.from_sak is not None:
        return f" fra sak {part.from_sak.nr}" if before == " " else f" (fra sak {part.from_sak.nr})"
    return ""


def substitutes(meeting: Meeting) -> dict[tuple[str, str], str]:
    """(navn, the member's id or "") -> "Navn, Virksomhet, for Medlem (dag 1)"; a varamedlem
    without a member: "Navn, Virksomhet, varamedlem"."""
    assert meeting.referat is not None
    names = {m.id: m.navn for m in meeting.members}
    found = {}
    for s in meeting.referat.protokoll.stand_ins:
        role = f"for {names.get(s.for_, s.for_)}" if s.for_ else "varamedlem"
        found[(s.navn, s.for_ or "")] = f"{s.label}, {role}" + span(s.span, "(")
    return found


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


def votes(repo: Repository, meeting: Meeting, nr: SakNr) -> str | None:
    """The votes at a sak as the protokoll prints them, in bokmål: "Vedtatt med 7 mot 2
    stemmer. Mot stemte: Thore Vestby (H) og Knut Erik Robertsen (Ap)."."""
    att = attendance(meeting)
    if att is None:
        return None
    return " ".join(treatment(repo, meeting, att, nr, BOKMÅL).votes) or None


def inhabil(meeting: Meeting, nr: SakNr) -> str | None:
    """Who was inhabil at a sak: "Ola Jøsendal (fvl. § 6 første ledd bokstav a)"."""
    if meeting.referat is None:
        return None
    names = {m.id: m.navn for m in meeting.members}
    found = [names.get(d.medlem, d.medlem) + (f" ({d.grunnlag})" if d.grunnlag else "")
             for d in meeting.referat.protokoll.disqualified if any(r.nr == nr for r in d.saker)]
    return BOKMÅL.listing(found) or None


def chairs(meeting: Meeting) -> str | None:
    """The møteleder, or each with the saker chaired: "Gro Mo (sak D-sak 1)"."""
    if meeting.referat is None:
        return None
    names = {m.id: m.navn for m in meeting.members}
    return "; ".join(names.get(c.medlem, c.medlem) + (
        f" (sak {BOKMÅL.listing([str(r.nr) for r in c.saker])})" if c.saker else "")
        for c in meeting.referat.protokoll.chairs) or None
