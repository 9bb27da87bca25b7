"""Who was at a meeting: derived once from the referat's fravær over the meeting's members."""

from __future__ import annotations

from dataclasses import dataclass

from nufa_cli.model.objects import Meeting, Member


@dataclass(frozen=True)
class Presence:
    member: Member
    present: tuple[int, ...]  # 1-based days the member was there
    absent: tuple[int, ...]


@dataclass(frozen=True)
class Substitute:
    navn: str
    virksomhet: str
    for_member: str  # the navn of the member substituted (the id when unknown)
    days: tuple[int, ...]  # empty: the whole meeting


@dataclass(frozen=True)
class Attendance:
    days: tuple[int, ...]
    presences: tuple[Presence, ...]  # the meeting's members, in registry order
    substitutes: tuple[Substitute, ...]
    sekretariat: tuple[str, ...]

    @property
    def present(self) -> list[Presence]:
        return [p for p in self.presences if p.present]

    @property
    def absent(self) -> list[Presence]:
        return [p for p in self.presences if p.absent]

    def partial(self, days: tuple[int, ...]) -> tuple[int, ...]:
        """The days to name after a person: none when they cover the whole meeting."""
        return () if set(days) >= set(self.days) else days


def attendance(meeting: Meeting) -> Attendance | None:
    """Present and absent members per day; None when the meeting has no referat yet."""
    if meeting.referat is None:
        return None
    meta = meeting.referat.meta
    days = tuple(d.index for d in meeting.days)
    away: dict[str, set[int]] = {}
    for entry in meta.fravær:
        away.setdefault(entry.medlem, set()).update(entry.dager or days)
    presences = tuple(
        Presence(m, tuple(d for d in days if d not in away.get(m.id, ())),
                 tuple(d for d in days if d in away.get(m.id, ())))
        for m in meeting.members)
    names = {m.id: m.navn for m in meeting.members}
    substitutes = tuple(
        Substitute(s.navn, s.virksomhet, names.get(s.for_, s.for_), tuple(s.dager or ()))
        for s in meta.stedfortredere)
    return Attendance(days, presences, substitutes, tuple(meta.sekretariat))
