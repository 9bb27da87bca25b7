"""What a vote decided, derived from its counts and who was present at its sak.

The numbers behind "Enstemmig vedtatt" and "Vedtatt med 7 mot 2 stemmer": the counts (an
enstemmig vote is everyone present voting for), whether the proposal carried (a tie is
decided by the chair's double vote where the chair's vote is known, kommuneloven § 11-9),
and whether the body had a quorum: at least half of its members present and voting.
"""

from __future__ import annotations

from dataclasses import dataclass

from nufa_cli.model.attendance import SakPresence
from nufa_cli.model.protokoll import Protokoll, Vote, Votes
from nufa_cli.model.saknr import SakNr


@dataclass(frozen=True)
class Outcome:
    vote: Vote
    for_: int
    mot: int
    avholdende: int
    carried: bool | None  # None: a tie the chair's vote does not decide
    casting: bool  # decided by the chair's double vote
    seats: int  # the body's members

    @property
    def voted(self) -> int:
        """Those who cast a vote for or against: what the quorum counts."""
        return self.for_ + self.mot

    @property
    def quorum(self) -> bool:
        return 2 * self.voted >= self.seats

    def ids(self, side: Votes | None) -> tuple[str, ...]:
        return side.ids or () if side else ()


def chair_at(facts: Protokoll, nr: SakNr) -> str | None:
    """The member chairing at a sak: the one whose saker name it, else one given without
    saker (the meeting's chair)."""
    named = next((c.medlem for c in facts.chairs if any(r.nr == nr for r in c.saker)), None)
    return named or next((c.medlem for c in facts.chairs if not c.saker), None)


def outcome(vote: Vote, presence: SakPresence, chair: str | None) -> Outcome:
    if vote.enstemmig:
        return Outcome(vote, presence.count, 0, 0, True, False, presence.seats)
    yes = vote.for_.count if vote.for_ else 0
    no = vote.mot.count if vote.mot else 0
    blank = vote.avholdende.count if vote.avholdende else 0
    if yes != no:
        return Outcome(vote, yes, no, blank, yes > no, False, presence.seats)
    decided = None
    if chair is not None and vote.for_ and chair in (vote.for_.ids or ()):
        decided = True
    elif chair is not None and vote.mot and chair in (vote.mot.ids or ()):
        decided = False
    return Outcome(vote, yes, no, blank, decided, decided is not None, presence.seats)
