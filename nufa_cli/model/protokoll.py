"""The protokoll's facts as the model holds them: who was absent, stood in, chaired, was
disqualified, took part or voted, and how the referat is approved.

The referat's front matter names saker in the committee's printed form; they are read here
once, with the numbering of the meeting, and each kept with its place in the file, so that
check can say where a reference names no sak of the meeting and the derivations
(model/attendance.py) work on numbers. A reference that does not read as a number is
reported by the loader and left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from nufa_cli.model.saknr import SakNr
from nufa_cli.sources.reader import Path_
from nufa_cli.sources.schema import ReferatMeta

ParseSak = Callable[[Path_, str], "SakNr | None"]  # a written number at a place -> SakNr


@dataclass(frozen=True)
class SakRef:
    nr: SakNr
    at: Path_  # where the number is written in the front matter


@dataclass(frozen=True)
class Span:
    """Which part of the meeting an entry covers: some days, some saker, the saker from one on
    (in agenda order), or, when none is given, all of it."""

    days: frozenset[int] | None = None
    saker: tuple[SakRef, ...] = ()
    from_sak: SakRef | None = None

    @property
    def whole(self) -> bool:
        return self.days is None and not self.saker and self.from_sak is None

    @property
    def refs(self) -> tuple[SakRef, ...]:
        return self.saker + ((self.from_sak,) if self.from_sak else ())

    def covers(self, day: int, nr: SakNr, order: Mapping[SakNr, int]) -> bool:
        """Does the entry apply at the sak nr (on day `day`)? order: the saker's agenda order."""
        if self.days is not None:
            return day in self.days
        if self.saker:
            return any(ref.nr == nr for ref in self.saker)
        if self.from_sak is not None:
            start = order.get(self.from_sak.nr)
            return start is not None and order.get(nr, -1) >= start
        return True


@dataclass(frozen=True)
class Absence:
    medlem: str
    span: Span
    forfall: bool  # announced in advance
    at: Path_


@dataclass(frozen=True)
class StandIn:
    id: str  # the slug of navn: how votes name a varamedlem
    navn: str
    virksomhet: str | None
    parti: str | None
    for_: str | None  # the member's id; None: a varamedlem listed on its own
    span: Span
    at: Path_

    @property
    def label(self) -> str:
        """"Navn, Virksomhet (Parti)", as a member's label."""
        text = ", ".join(part for part in (self.navn, self.virksomhet) if part)
        return f"{text} ({self.parti})" if self.parti else text


@dataclass(frozen=True)
class Disqualified:
    medlem: str
    saker: tuple[SakRef, ...]
    grunnlag: str | None
    at: Path_


@dataclass(frozen=True)
class Chair:
    medlem: str
    saker: tuple[SakRef, ...]  # empty: the whole meeting
    at: Path_


@dataclass(frozen=True)
class Votes:
    """One side of a vote: a count, or the ids of those voting so (then counted by them)."""

    count: int
    ids: tuple[str, ...] | None  # None: given as a count
    at: Path_


@dataclass(frozen=True)
class Vote:
    sak: SakRef
    forslag: str | None
    for_: Votes | None  # None with enstemmig
    mot: Votes | None
    avholdende: Votes | None
    enstemmig: bool
    at: Path_

    @property
    def sides(self) -> tuple[Votes, ...]:
        return tuple(v for v in (self.for_, self.mot, self.avholdende) if v is not None)


@dataclass(frozen=True)
class Participant:
    navn: str
    virksomhet: str | None
    span: Span


@dataclass(frozen=True)
class Group:
    heading: str
    participants: tuple[Participant, ...]


@dataclass(frozen=True)
class Approval:
    måte: str | None
    signers: tuple[tuple[str, Path_], ...]  # (member id, where written)


@dataclass(frozen=True)
class Protokoll:
    versjon: str | None = None
    chairs: tuple[Chair, ...] = ()
    absences: tuple[Absence, ...] = ()
    stand_ins: tuple[StandIn, ...] = ()
    disqualified: tuple[Disqualified, ...] = ()
    groups: tuple[Group, ...] = ()
    votes: tuple[Vote, ...] = ()
    approval: Approval | None = None
    sekretariat: tuple[str, ...] = field(default_factory=tuple)

    def sak_refs(self) -> list[SakRef]:
        """Every sak the front matter names, in file order of its kind."""
        refs = [r for c in self.chairs for r in c.saker]
        refs += [r for a in self.absences for r in a.span.refs]
        refs += [r for s in self.stand_ins for r in s.span.refs]
        refs += [r for d in self.disqualified for r in d.saker]
        refs += [r for g in self.groups for p in g.participants for r in p.span.refs]
        refs += [v.sak for v in self.votes]
        return refs


def read(meta: ReferatMeta, parse: ParseSak, slug: Callable[[str], str]) -> Protokoll:
    """The front matter's facts, each sak number read with `parse` (which reports a number it
    cannot read, and gives None: the reference is left out)."""

    def refs(at: Path_, numbers: Sequence[str] | None) -> tuple[SakRef, ...]:
        found = []
        for i, text in enumerate(numbers or ()):
            nr = parse((*at, i), text)
            if nr is not None:
                found.append(SakRef(nr, (*at, i)))
        return tuple(found)

    def one(at: Path_, text: str | None) -> SakRef | None:
        nr = parse(at, text) if text is not None else None
        return SakRef(nr, at) if nr is not None else None

    def span(at: Path_, dager: Sequence[int] | None, saker: Sequence[str] | None,
             fra_sak: str | None) -> Span:
        return Span(frozenset(dager) if dager else None, refs((*at, "saker"), saker),
                    one((*at, "fra_sak"), fra_sak))

    def votes(at: Path_, value: int | list[str] | None) -> Votes | None:
        if value is None:
            return None
        return Votes(value, None, at) if isinstance(value, int) else Votes(len(value), tuple(value), at)

    chairs: tuple[Chair, ...] = ()
    if isinstance(meta.møteleder, str):
        chairs = (Chair(meta.møteleder, (), ("møteleder",)),)
    elif meta.møteleder:
        chairs = tuple(Chair(c.medlem, refs(("møteleder", i, "saker"), c.saker), ("møteleder", i))
                       for i, c in enumerate(meta.møteleder))
    absences = tuple(
        Absence(a.medlem, span(("fravær", i), a.dager, a.saker, a.fra_sak), a.forfall, ("fravær", i))
        for i, a in enumerate(meta.fravær))
    stand_ins = tuple(
        StandIn(slug(s.navn), s.navn, s.virksomhet, s.parti, s.for_,
                span(("stedfortredere", i), s.dager, s.saker, s.fra_sak), ("stedfortredere", i))
        for i, s in enumerate(meta.stedfortredere))
    disqualified = tuple(
        Disqualified(d.medlem, refs(("inhabil", i, "saker"), d.saker), d.grunnlag, ("inhabil", i))
        for i, d in enumerate(meta.inhabil))
    groups = tuple(
        Group(heading, tuple(Participant(p.navn, p.virksomhet,
                                         span(("deltakere", heading, j), p.dager, p.saker, None))
                             for j, p in enumerate(people)))
        for heading, people in meta.deltakere.items())
    found_votes = []
    for i, v in enumerate(meta.voteringer):
        at: Path_ = ("voteringer", i)
        sak = one((*at, "sak"), v.sak)
        if sak is not None:
            found_votes.append(Vote(sak, v.forslag, votes((*at, "for"), v.for_),
                                    votes((*at, "mot"), v.mot),
                                    votes((*at, "avholdende"), v.avholdende), v.enstemmig, at))
    approval = None
    if meta.godkjenning is not None:
        approval = Approval(meta.godkjenning.måte, tuple(
            (who, ("godkjenning", "underskrivere", i))
            for i, who in enumerate(meta.godkjenning.underskrivere)))
    return Protokoll(meta.versjon, chairs, absences, stand_ins, disqualified, groups,
                     tuple(found_votes), approval, tuple(meta.sekretariat))
