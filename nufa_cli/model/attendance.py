"""Who was at a meeting, and at each of its saker: derived once from the referat's fravær,
inhabil and stedfortredere over the meeting's members, never typed.

A member is present at a sak unless an absence covers it (the whole meeting, some days, some
saker, or the saker from one on) or the member is inhabil at it; one who left during a sak
(under_sak) was there at its start but not at its votes, and is gone from the saker after;
a stedfortreder is present where its own span covers the sak. The meeting's member list is
split from the same facts: present (at some sak, or some day when a day has no saker),
forfall, not present; the varamedlemmer without a member they stand for, and each further
group of deltakere.
"""

from __future__ import annotations

from dataclasses import dataclass

from nufa_cli.model.objects import Meeting, Member, Sak
from nufa_cli.model.protokoll import Absence, Disqualified, Protokoll, SakRef, Span, StandIn
from nufa_cli.model.saknr import SakNr


@dataclass(frozen=True)
class Presence:
    """A member at the meeting, by days (the header's lists)."""

    member: Member
    present: tuple[int, ...]  # 1-based days the member was there (at some sak of the day)
    absent: tuple[int, ...]
    forfall: bool = False  # the absence was announced
    absent_at: tuple[SakNr, ...] = ()  # saker missed on days present (saker: [...])
    left_before: SakNr | None = None  # fra_sak: left the meeting before this sak
    left_during: SakNr | None = None  # under_sak: left the meeting while this sak was treated


@dataclass(frozen=True)
class Substitute:
    stand_in: StandIn
    for_member: str | None  # the navn of the member substituted (the id when unknown)
    days: tuple[int, ...]  # empty: the whole meeting

    @property
    def navn(self) -> str:
        return self.stand_in.navn


@dataclass(frozen=True)
class SakPresence:
    """Who was there when one sak was treated."""

    sak: Sak
    members: tuple[Member, ...]  # members present, in registry order
    stand_ins: tuple[StandIn, ...]  # varamedlemmer and stedfortredere present
    missing: tuple[Member, ...]  # members present that day who were not at this sak
    inhabil: tuple[tuple[Member, Disqualified], ...]
    seats: int  # the body's members: what a quorum is half of
    left: tuple[Member, ...] = ()  # members who left during the sak: not at its votes

    @property
    def count(self) -> int:
        return len(self.members) + len(self.stand_ins)

    @property
    def ids(self) -> set[str]:
        """Who may vote here: members' ids and varamedlemmer's (their navn's slug)."""
        return {m.id for m in self.members} | {s.id for s in self.stand_ins}

    def name(self, who: str) -> str:
        """A voter's name as printed, with the party where there is one."""
        for member in self.members:
            if member.id == who:
                return f"{member.navn} ({member.parti})" if member.parti else member.navn
        for stand_in in self.stand_ins:
            if stand_in.id == who:
                return f"{stand_in.navn} ({stand_in.parti})" if stand_in.parti else stand_in.navn
        return who


@dataclass(frozen=True)
class Attendance:
    days: tuple[int, ...]
    presences: tuple[Presence, ...]  # the meeting's members, in registry order
    substitutes: tuple[Substitute, ...]  # stedfortredere standing in for a member
    varamedlemmer: tuple[StandIn, ...]  # stedfortredere without `for`
    sekretariat: tuple[str, ...]
    saker: dict[SakNr, SakPresence]

    @property
    def present(self) -> list[Presence]:
        return [p for p in self.presences if p.present]

    @property
    def absent(self) -> list[Presence]:
        """Absent on some day without having announced it."""
        return [p for p in self.presences if p.absent and not p.forfall]

    @property
    def forfall(self) -> list[Presence]:
        return [p for p in self.presences if p.absent and p.forfall]

    def partial(self, days: tuple[int, ...]) -> tuple[int, ...]:
        """The days to name after a person: none when they cover the whole meeting."""
        return () if set(days) >= set(self.days) else days


def order_of(meeting: Meeting) -> dict[SakNr, int]:
    """The saker's agenda order, which fra_sak counts in."""
    return {sak.nr: i for i, sak in enumerate(meeting.saker)}


def attendance(meeting: Meeting) -> Attendance | None:
    """Present and absent members per day and per sak; None when there is no referat yet."""
    if meeting.referat is None:
        return None
    facts = meeting.referat.protokoll
    days = tuple(d.index for d in meeting.days)
    order = order_of(meeting)
    away: dict[str, list[Absence]] = {}
    for entry in facts.absences:
        away.setdefault(entry.medlem, []).append(entry)

    presences = tuple(_presence(m, away.get(m.id, []), meeting, days, order)
                      for m in meeting.members)
    names = {m.id: m.navn for m in meeting.members}
    substitutes = tuple(
        Substitute(s, names.get(s.for_, s.for_), tuple(sorted(s.span.days or ())))
        for s in facts.stand_ins if s.for_ is not None)
    varamedlemmer = tuple(s for s in facts.stand_ins if s.for_ is None)
    saker = {sak.nr: _at_sak(meeting, facts, sak, order) for sak in meeting.saker}
    return Attendance(days, presences, substitutes, varamedlemmer, facts.sekretariat, saker)


def _presence(member: Member, entries: list[Absence], meeting: Meeting,
              days: tuple[int, ...], order: dict[SakNr, int]) -> Presence:
    """A member's days: a day is missed when the absences cover every sak of it (a day without
    saker: when they cover the day itself, as `dager` or the whole meeting)."""
    if not entries:  # present throughout, as most members are
        return Presence(member, days, (), False, (), None, None)
    missed = []
    for day in meeting.days:
        saker = meeting.saker_on(day)
        covered = (all(_covers(entries, sak, order) for sak in saker) if saker else
                   any(e.span.whole or (e.span.days is not None and day.index in e.span.days)
                       for e in entries))
        if covered:
            missed.append(day.index)
    present = tuple(d for d in days if d not in missed)
    forfall = any(e.forfall for e in entries)
    partial = tuple(r.nr for e in entries for r in e.span.saker)
    left = next((e.span.from_sak.nr for e in entries if e.span.from_sak), None)
    during = next((e.span.during.nr for e in entries if e.span.during), None)
    return Presence(member, present, tuple(missed), forfall,
                    partial if present else (), left if present else None,
                    during if present else None)


def _covers(entries: list[Absence], sak: Sak, order: dict[SakNr, int]) -> bool:
    return any(e.span.covers(sak.day, sak.nr, order) for e in entries)


def _at_sak(meeting: Meeting, facts: Protokoll, sak: Sak, order: dict[SakNr, int]) -> SakPresence:
    away = {a.medlem for a in facts.absences if a.span.covers(sak.day, sak.nr, order)}
    disqualified = {d.medlem: d for d in facts.disqualified
                    if any(r.nr == sak.nr for r in d.saker)}
    leaving = {a.medlem for a in facts.absences if a.span.leaves_at(sak.nr)} - away
    members = tuple(m for m in meeting.members
                    if m.id not in away and m.id not in disqualified and m.id not in leaving)
    day_away = {a.medlem for a in facts.absences
                if _covers_day(a.span, sak.day, meeting)}
    missing = tuple(m for m in meeting.members
                    if m.id in away and m.id not in day_away and m.id not in disqualified)
    stand_ins = tuple(s for s in facts.stand_ins if s.span.covers(sak.day, sak.nr, order))
    inhabil = tuple((m, disqualified[m.id]) for m in meeting.members if m.id in disqualified)
    left = tuple(m for m in meeting.members if m.id in leaving and m.id not in disqualified)
    return SakPresence(sak, members, stand_ins, missing, inhabil, len(meeting.members), left)


def _covers_day(span: Span, day: int, meeting: Meeting) -> bool:
    """The span takes in the whole day: the member was not there that day at all."""
    if span.whole or (span.days is not None and day in span.days):
        return True
    saker = [s for s in meeting.saker if s.day == day]
    order = order_of(meeting)
    return bool(saker) and all(span.covers(day, s.nr, order) for s in saker)


def refs_outside(refs: list[SakRef], meeting: Meeting) -> list[SakRef]:
    """The references that name no sak of the meeting."""
    known = {sak.nr for sak in meeting.saker}
    return [r for r in refs if r.nr not in known]
