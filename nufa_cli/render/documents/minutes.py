"""What a protokoll prints about the people at a meeting and the treatment of each sak, in the
committee's words: the member list split by presence, who was there at a sak when that was
not the whole body of the day, who was inhabil, each vote's outcome with the names of those
against, and how the protokoll is approved. The referat and the saksutskrift print the same
lines; model/attendance.py and model/votes.py derive what they say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nufa_cli.core.lang import Catalogue
from nufa_cli.model.attendance import Attendance, Presence, SakPresence
from nufa_cli.model.objects import Meeting, Repository
from nufa_cli.model.protokoll import Span, StandIn, Vote
from nufa_cli.model.saknr import SakNr
from nufa_cli.model.votes import Outcome, chair_at, outcome


@dataclass(frozen=True)
class Person:
    label: str  # "Navn, Virksomhet"
    days: tuple[int, ...]  # the days this line holds for; empty: the whole meeting
    notes: tuple[str, ...] = ()  # "(fratrådte før sak PS 46/14)": printed after the days


@dataclass(frozen=True)
class SubstituteLine:
    label: str  # "Navn, Virksomhet"
    for_member: str  # navn of the member substituted
    days: tuple[int, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    heading: str  # a key of deltakere: "Fra rektoratet"
    people: tuple[Person, ...]


@dataclass(frozen=True)
class People:
    """The member list of the header block, split as a protokoll lists it."""

    chairs: tuple[str, ...]  # "Svein Stølen", or with the saker chaired
    present: tuple[Person, ...]
    forfall: tuple[Person, ...]
    absent: tuple[Person, ...]
    substitutes: tuple[SubstituteLine, ...]
    varamedlemmer: tuple[Person, ...]
    groups: tuple[Group, ...]
    sekretariat: tuple[str, ...]


@dataclass(frozen=True)
class Treatment:
    """The derived lines of one sak: who was there, and how it was voted."""

    attendance: tuple[str, ...]
    votes: tuple[str, ...]


def people(repo: Repository, meeting: Meeting, att: Attendance) -> People:
    texts = repo.committee.lang
    facts = meeting.referat.protokoll if meeting.referat else None
    chairs: tuple[str, ...] = ()
    groups: tuple[Group, ...] = ()
    if facts is not None:
        names = {m.id: m.navn for m in meeting.members} | {s.id: s.navn for s in facts.stand_ins}
        chairs = tuple(names.get(c.medlem, c.medlem) + _saker_note(texts, [r.nr for r in c.saker])
                       for c in facts.chairs)
        groups = tuple(Group(g.heading, tuple(
            Person(", ".join(x for x in (p.navn, p.virksomhet) if x), att.partial(
                tuple(sorted(p.span.days or ()))), _span_notes(texts, p.span))
            for p in g.participants)) for g in facts.groups)
    return People(
        chairs=chairs,
        present=tuple(_member_line(texts, att, p) for p in att.present),
        forfall=tuple(Person(p.member.label, att.partial(p.absent)) for p in att.forfall),
        absent=tuple(Person(p.member.label, att.partial(p.absent)) for p in att.absent),
        substitutes=tuple(
            SubstituteLine(s.stand_in.label, s.for_member or "", att.partial(s.days),
                           _span_notes(texts, s.stand_in.span))
            for s in att.substitutes),
        varamedlemmer=tuple(_stand_in_line(texts, att, s) for s in att.varamedlemmer),
        groups=groups,
        sekretariat=att.sekretariat,
    )


def _member_line(texts: Catalogue, att: Attendance, presence: Presence) -> Person:
    notes = []
    if presence.absent_at:
        notes.append(texts("ikke_til_stede_i_sak", saker=_numbers(texts, presence.absent_at)))
    if presence.left_before is not None:
        notes.append(texts("fratrådte_før_sak", sak=presence.left_before))
    return Person(presence.member.label, att.partial(presence.present), tuple(notes))


def _stand_in_line(texts: Catalogue, att: Attendance, stand_in: StandIn) -> Person:
    return Person(stand_in.label, att.partial(tuple(sorted(stand_in.span.days or ()))),
                  _span_notes(texts, stand_in.span))


def _span_notes(texts: Catalogue, span: Span) -> tuple[str, ...]:
    """"(sak V-sak 3)" or "(fra sak PS 46/14)": the saker a person took part in; the days go
    through the templates' days_label."""
    if span.saker:
        return (texts("i_sak", saker=_numbers(texts, [r.nr for r in span.saker])),)
    if span.from_sak is not None:
        return (texts("fra_sak", sak=span.from_sak.nr),)
    return ()


def _saker_note(texts: Catalogue, saker: Sequence[SakNr]) -> str:
    return f" {texts('i_sak', saker=_numbers(texts, saker))}" if saker else ""


def _numbers(texts: Catalogue, saker: Sequence[SakNr]) -> str:
    return texts.listing([str(nr) for nr in saker])


# -- one sak --------------------------------------------------------------------------------


def treatment(repo: Repository, meeting: Meeting, att: Attendance, nr: SakNr,
              texts: Catalogue | None = None) -> Treatment:
    """The sak's derived lines, in the committee's words (or in `texts`: nufa diff's)."""
    presence = att.saker.get(nr)
    if presence is None or meeting.referat is None:
        return Treatment((), ())
    texts = texts or repo.committee.lang
    facts = meeting.referat.protokoll
    votes = [v for v in facts.votes if v.sak.nr == nr]
    limited = [s for s in presence.stand_ins if not s.span.whole and s.span.days is None]
    lines: list[str] = []
    if votes or presence.missing or presence.inhabil or limited:
        lines.append(texts("til_stede_i_saken", antall=presence.count, medlemmer=presence.seats))
    if presence.missing:
        lines.append(texts("ikke_til_stede_i_saken",
                           navn=texts.listing([m.navn for m in presence.missing])))
    for member, item in presence.inhabil:
        lines.append(texts("inhabil_i_saken_grunnlag", navn=member.navn, grunnlag=item.grunnlag)
                     if item.grunnlag else texts("inhabil_i_saken", navn=member.navn))
    names = {m.id: m.navn for m in meeting.members}
    for stand_in in limited:
        if stand_in.for_:
            lines.append(texts("møtte_for", navn=stand_in.navn,
                               **{"for": names.get(stand_in.for_, stand_in.for_)}))
    chair = chair_at(facts, nr)
    said = [line for vote in votes for line in _vote_lines(texts, outcome(vote, presence, chair),
                                                              presence)]
    return Treatment(tuple(lines), tuple(said))


def _vote_lines(texts: Catalogue, result: Outcome, presence: SakPresence) -> list[str]:
    vote: Vote = result.vote
    counts = {"for": result.for_, "mot": result.mot,
              "stemmer": texts("stemme") if result.mot == 1 else texts("stemmer")}
    if vote.enstemmig:
        said = texts("enstemmig_vedtatt")
    elif result.carried is None:
        said = texts("stemmelikhet", **counts)
    elif result.casting and result.carried:
        said = texts("vedtatt_dobbeltstemme", **counts)
    elif result.casting:
        said = texts("falt_dobbeltstemme", **counts)
    elif result.carried:
        said = texts("vedtatt_mot_stemmer", **counts)
    else:
        said = texts("falt_mot_stemmer", **counts)
    lines = [texts("forslag_utfall", forslag=vote.forslag, utfall=said) if vote.forslag else said]

    def named(ids: Sequence[str]) -> str:
        return texts.listing([presence.name(who) for who in ids])

    if result.ids(vote.mot):
        lines.append(texts("mot_stemte", navn=named(result.ids(vote.mot))))
    if result.carried is False and result.ids(vote.for_):
        lines.append(texts("for_stemte", navn=named(result.ids(vote.for_))))
    if result.ids(vote.avholdende):
        lines.append(texts("avholdende", navn=named(result.ids(vote.avholdende))))
    elif result.avholdende:
        lines.append(texts("avholdende", navn=result.avholdende))
    if not result.quorum:
        lines.append(texts("ikke_vedtaksført", stemte=result.voted, medlemmer=result.seats))
    return lines


# -- approval -------------------------------------------------------------------------------


def approval(repo: Repository, meeting: Meeting) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The approval lines ("Referatet godkjennes elektronisk.", "Godkjent i møte 2/24, sak
    11/24.") and the names of those who sign."""
    texts = repo.committee.lang
    lines: list[str] = []
    signers: tuple[str, ...] = ()
    facts = meeting.referat.protokoll if meeting.referat else None
    if facts is not None and facts.approval is not None:
        if facts.approval.måte:
            lines.append(texts("godkjennes", måte=facts.approval.måte))
        names = {m.id: m.navn for m in meeting.members} | {s.id: s.navn for s in facts.stand_ins}
        signers = tuple(names.get(who, who) for who, _ in facts.approval.signers)
    later = repo.approval_of(meeting)
    if later is not None:
        approving, sak = later
        lines.append(texts("godkjent_i_møte", møte=approving.number or approving.date_range,
                           sak=sak.nr))
    return tuple(lines), signers
