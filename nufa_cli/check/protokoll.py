"""Rules over a meeting's protokoll (its referat): the sections and vedtak, and what the front
matter says about who was there, stood in, was inhabil, chaired, signed and voted.

Every fact is checked against what is derived from the others (model/attendance.py): a vote
against those present at its sak, a stedfortreder against the member it stands for, an
inhabil member against the absences, each sak reference against the meeting's agenda.
"""

from __future__ import annotations

from collections.abc import Iterator

from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.core.suggest import did_you_mean
from nufa_cli.model.attendance import Attendance, SakPresence, attendance, order_of, refs_outside
from nufa_cli.model.objects import Meeting, Referat, Repository, Source
from nufa_cli.model.protokoll import Span, Vote
from nufa_cli.model.votes import chair_at, outcome
from nufa_cli.sources.reader import Path_


def referat(repo: Repository) -> Iterator[Diagnostic]:
    for meeting in repo.meetings:
        ref = meeting.referat
        if ref is None:
            continue
        yield from _sections(repo, meeting, ref)
        for outside in refs_outside(ref.protokoll.sak_refs(), meeting):
            yield ref.source.diagnostic(outside.at, "referat-unknown-sak",
                      f"sak {outside.nr} is not on the agenda of meeting {meeting.number or meeting.folder}",
                      _sak_hint(meeting, str(outside.nr)))
        if not repo.members:  # no usable registry: medlemmer.yaml's own diagnostics say why
            continue
        att = attendance(meeting)
        assert att is not None  # the meeting has a referat
        yield from _people(repo, meeting, ref)
        yield from _stand_ins(repo, meeting, ref, att)
        yield from _inhabil(meeting, ref)
        for vote in ref.protokoll.votes:
            presence = att.saker.get(vote.sak.nr)
            if presence is not None:
                yield from _vote(repo, meeting, ref, vote, presence)


def _sections(repo: Repository, meeting: Meeting, ref: Referat) -> Iterator[Diagnostic]:
    source = ref.source
    for nr, section in ref.sections.items():
        if meeting.sak(nr) is None:
            yield Diagnostic(source.rel, section.line, 1, "referat-unknown-sak",
                             f"the referat has a section for sak {nr}, which is not on the "
                             f"agenda of meeting {meeting.number}",
                             "correct the number, or add the sak to agenda.yaml")
    if ref.meta.status != "endelig":
        return
    for sak in meeting.saker:
        # a sakstype says whether its saker need a vedtak; a sak without a type (NUFA's
        # Eventuelt) has no type that asks for one
        if sak.type is None or sak.type in repo.committee.vedtak_optional:
            continue
        written = ref.sections.get(sak.nr)
        if written is None or not written.vedtak:
            line = written.line if written else ref.body_line
            yield Diagnostic(source.rel, line, 1, "vedtak-missing",
                             f"status is endelig, but sak {sak.nr} ({sak.type}) has no vedtak",
                             f"add '## {sak.nr}' with '### {repo.committee.lang('vedtak')}' and "
                             "the decision, or set status: utkast")


def _sak_hint(meeting: Meeting, written: str) -> str:
    saker = [str(s.nr) for s in meeting.saker]
    return did_you_mean(written, saker, f"the meeting's saker are {', '.join(saker) or 'none'}")


def _people(repo: Repository, meeting: Meeting, ref: Referat) -> Iterator[Diagnostic]:
    """Every id names a member of the meeting (a chair or a signer may also be one of its
    varamedlemmer); every day given is a day of the meeting; a member is absent once."""
    facts, source = ref.protokoll, ref.source
    ids = {m.id for m in meeting.members}
    voters = ids | {s.id for s in facts.stand_ins}
    count = len(meeting.days)
    seen: set[str] = set()
    for absence in facts.absences:
        if absence.medlem not in ids:
            yield _member_unknown(repo, meeting, source, absence.at, absence.medlem)
            continue
        if absence.medlem in seen:
            yield source.diagnostic(absence.at, "fravær-duplicate",
                      f"'{absence.medlem}' is listed twice in fravær",
                      "list the member once, with every day, sak or first sak missed in it")
        seen.add(absence.medlem)
        yield from _days_in_range(source, (*absence.at, "dager"), absence.span, count)
    for group in facts.groups:
        for j, person in enumerate(group.participants):
            yield from _days_in_range(source, ("deltakere", group.heading, j, "dager"),
                                      person.span, count)
    for item in facts.disqualified:
        if item.medlem not in ids:
            yield _member_unknown(repo, meeting, source, (*item.at, "medlem"), item.medlem)
    for chair in facts.chairs:
        if chair.medlem not in voters:
            at = chair.at if chair.at == ("møteleder",) else (*chair.at, "medlem")
            yield _member_unknown(repo, meeting, source, at, chair.medlem)
    for who, at in facts.approval.signers if facts.approval else ():
        if who not in voters:
            yield _member_unknown(repo, meeting, source, at, who)


def _stand_ins(repo: Repository, meeting: Meeting, ref: Referat,
               att: Attendance) -> Iterator[Diagnostic]:
    """A stedfortreder stands in for a member who is away at every sak it is there for."""
    source, ids = ref.source, {m.id for m in meeting.members}
    for stand_in in ref.protokoll.stand_ins:
        yield from _days_in_range(source, (*stand_in.at, "dager"), stand_in.span, len(meeting.days))
        if stand_in.for_ is None:
            continue
        if stand_in.for_ not in ids:
            yield _member_unknown(repo, meeting, source, (*stand_in.at, "for"), stand_in.for_)
            continue
        clash = next((p for p in att.saker.values()
                      if stand_in in p.stand_ins and stand_in.for_ in {m.id for m in p.members}),
                     None)
        if clash is not None:
            yield source.diagnostic((*stand_in.at, "for"), "substitute-for-present",
                      f"{stand_in.navn} stands in for '{stand_in.for_}', who was present at sak "
                      f"{clash.sak.nr} (day {clash.sak.day})",
                      f"add '{stand_in.for_}' to fravær, or give the stedfortreder's 'dager', "
                      "'saker' or 'fra_sak'")


def _inhabil(meeting: Meeting, ref: Referat) -> Iterator[Diagnostic]:
    """An inhabil member takes part in the meeting but not in the sak: absent from it is a
    contradiction, as the two print differently."""
    order = order_of(meeting)
    for item in ref.protokoll.disqualified:
        for sak_ref in item.saker:
            sak = meeting.sak(sak_ref.nr)
            away = next((a for a in ref.protokoll.absences if a.medlem == item.medlem and sak
                         and a.span.covers(sak.day, sak.nr, order)), None)
            if sak is not None and away is not None:
                yield ref.source.diagnostic(sak_ref.at, "inhabil-absent",
                          f"'{item.medlem}' is inhabil at sak {sak.nr}, but fravær lists the "
                          "member as absent from it",
                          "keep the one that is true: inhabil members are at the meeting and "
                          "step aside for the sak")


def _vote(repo: Repository, meeting: Meeting, ref: Referat, vote: Vote,
          presence: SakPresence) -> Iterator[Diagnostic]:
    source, nr = ref.source, vote.sak.nr
    cast = sum(side.count for side in vote.sides)
    if cast > presence.count:
        yield source.diagnostic(vote.at, "vote-count",
                  f"the vote at sak {nr} counts {cast} votes, but {presence.count} were present "
                  "at the sak", "correct the counts, or who was there (fravær, inhabil, "
                  "stedfortredere)", key=True)
    members = {m.id for m in meeting.members}
    stand_ins = {s.id for s in ref.protokoll.stand_ins}
    sided: dict[str, str] = {}
    for side, name in ((vote.for_, "for"), (vote.mot, "mot"), (vote.avholdende, "avholdende")):
        for j, who in enumerate(side.ids or ()) if side else ():
            at = (*side.at, j) if side else ()
            if who in sided:
                yield source.diagnostic(at, "vote-twice",
                          f"'{who}' votes both {sided[who]} and {name} at sak {nr}",
                          "keep the vote that was cast")
                continue
            sided[who] = name
            if who in presence.ids:
                continue
            if who in members or who in stand_ins:
                why = ("inhabil" if who in {m.id for m, _ in presence.inhabil} else "not present")
                yield source.diagnostic(at, "vote-absent",
                          f"'{who}' votes at sak {nr} but was {why} there",
                          "correct the vote, or who was there (fravær, inhabil, stedfortredere)")
            else:
                yield _member_unknown(repo, meeting, source, at, who)
    result = outcome(vote, presence, chair_at(ref.protokoll, nr))
    if not result.quorum:
        yield source.diagnostic(vote.at, "quorum",
                  f"at sak {nr} {result.voted} of the {presence.seats} members voted: less than half, "
                  "so the body could not decide", "check who was present and the counts; a "
                  "vedtak without a quorum is not valid", Severity.WARNING, key=True)


def _days_in_range(source: Source, at: Path_, span: Span, count: int) -> Iterator[Diagnostic]:
    outside = sorted(d for d in span.days or () if d > count)
    if outside:
        yield source.diagnostic(at, "invalid-day",
                  f"day {outside[0]} does not exist: the meeting has {count} day(s)")


def _member_unknown(repo: Repository, meeting: Meeting, source: Source, at: Path_,
                    name: str) -> Diagnostic:
    if any(m.id == name for m in repo.members):
        hint = f"'{name}' is in medlemmer.yaml but not a member on {meeting.first_day}: check fra/til"
    else:
        hint = did_you_mean(name, [m.id for m in meeting.members],
                            "use the member's id from medlemmer.yaml")
    return source.diagnostic(at, "unknown-member",
               f"'{name}' is not a member of the committee at meeting {meeting.number}", hint)
