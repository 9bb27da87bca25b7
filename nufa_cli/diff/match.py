"""Which meeting and which sak before is which now: the identities a diff is told in.

A sak keeps its identity through a new number, a new time, a new title or a move to
another meeting; only what cannot be matched is reported as added or removed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

from nufa_cli.model.objects import Meeting, Repository, Sak

FUZZY = 0.6  # title similarity from which two saker of one meeting are one sak retitled
_NUMBER_PREFIX = re.compile(r"^\d+-\d{2}-")  # toppnotater are named "12-24-tannhelse.md"
T = TypeVar("T")
MeetingPair = tuple[Meeting | None, Meeting | None]


@dataclass(frozen=True, eq=False)
class Placed:
    """A sak where it stands: its meeting and its position among the meeting's saker."""

    meeting: Meeting
    sak: Sak
    index: int


SakPair = tuple[Placed | None, Placed | None]


def pair_meetings(olds: list[Meeting], news: list[Meeting]) -> list[MeetingPair]:
    """Same folder; else a meeting gone and one come with the same number (it was re-dated).

    In date order; (old, None) is a meeting removed, (None, new) one added.
    """
    new_folders = {m.folder for m in news}
    by_folder = {m.folder: m for m in olds}
    gone = {m.number: m for m in olds if m.folder not in new_folders}
    pairs: list[MeetingPair] = []
    for meeting in news:
        before = by_folder.get(meeting.folder) or gone.pop(meeting.number, None)
        pairs.append((before, meeting))
    pairs += [(m, None) for m in gone.values()]
    return sorted(pairs, key=lambda p: _first_day(p))


def _first_day(pair: MeetingPair) -> dt.date:
    shown = pair[1] or pair[0]
    assert shown is not None
    return shown.first_day


def match_saker(pairs: list[MeetingPair], old: Repository, new: Repository) -> list[SakPair]:
    """Which sak before is which sak now.

    Within a meeting, in this order: the same toppnotat file; the same toppnotat name
    without its number; the same title; a similar title (most similar first); the same
    number. Then across meetings (a sak moved): the same toppnotat name, or a title used
    once in the repository ("Eventuelt" is in every meeting and never moves).
    """
    olds = [Placed(m, s, i) for m, _ in pairs if m for i, s in enumerate(m.saker)]
    news = [Placed(m, s, i) for _, m in pairs if m for i, s in enumerate(m.saker)]
    matched: list[tuple[Placed, Placed]] = []
    done: set[int] = set()

    def take(found: list[tuple[Placed, Placed]]) -> None:
        matched.extend(found)
        done.update(id(p) for pair in found for p in pair)

    def free(placed: list[Placed]) -> list[Placed]:
        return [p for p in placed if id(p) not in done]

    for old_m, new_m in pairs:
        if old_m is None or new_m is None:
            continue
        mine = [p for p in olds if p.meeting is old_m]
        theirs = [p for p in news if p.meeting is new_m]
        for key in (note_path, _note_name, _title):
            take(_pair_by(key, free(mine), free(theirs)))
        take(_pair_similar(free(mine), free(theirs)))
        take(_pair_by(lambda p: p.sak.nr, free(mine), free(theirs)))
    once = _titles_used_once(old) & _titles_used_once(new)
    take(_pair_by(_note_name, free(olds), free(news), unique=True))
    take(_pair_by(lambda p: p.sak.tittel if p.sak.tittel in once else None,
                  free(olds), free(news), unique=True))
    result: list[SakPair] = list(matched)
    result += [(p, None) for p in free(olds)]
    result += [(None, p) for p in free(news)]
    return result


def reordered(pairs: list[MeetingPair], matched: list[SakPair]) -> set[int]:
    """ids of the saker that changed place among those staying on one day of a meeting.

    Those outside the longest common order: inserting or removing a sak moves no other.
    """
    partner = {id(o): n for o, n in pairs if o and n}
    stay: dict[tuple[int, int], list[tuple[Placed, Placed]]] = {}
    for a, b in matched:
        if a and b and partner.get(id(a.meeting)) is b.meeting and a.sak.day == b.sak.day:
            stay.setdefault((id(b.meeting), b.sak.day), []).append((a, b))
    moved: set[int] = set()
    for group in stay.values():
        before = [id(b.sak) for _, b in sorted(group, key=lambda p: p[0].index)]
        after = [id(b.sak) for _, b in sorted(group, key=lambda p: p[1].index)]
        kept: set[int] = set()
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for block in matcher.get_matching_blocks():
            kept.update(after[block.b : block.b + block.size])
        moved.update(s for s in after if s not in kept)
    return moved


def note_path(placed: Placed) -> str | None:
    """The sak's toppnotat, relative to its meeting folder."""
    note = placed.sak.toppnotat
    if note is None:
        return None
    try:
        return note.source.path.relative_to(placed.meeting.path).as_posix()
    except ValueError:
        return note.source.rel


def _note_name(placed: Placed) -> str | None:
    path = note_path(placed)
    return _NUMBER_PREFIX.sub("", path.rsplit("/", 1)[-1]) if path else None


def _title(placed: Placed) -> str | None:
    return placed.sak.tittel or None


def _titles_used_once(repo: Repository) -> set[str]:
    counts: dict[str, int] = {}
    for meeting in repo.meetings:
        for sak in meeting.saker:
            counts[sak.tittel] = counts.get(sak.tittel, 0) + 1
    return {t for t, n in counts.items() if n == 1 and t}


def _pair_by(key: Callable[[T], Hashable | None], olds: list[T], news: list[T],
             unique: bool = False) -> list[tuple[T, T]]:
    """Pair items with equal keys, in order; with unique, only keys held once on each side."""
    groups_old: dict[Hashable, list[T]] = {}
    groups_new: dict[Hashable, list[T]] = {}
    for items, groups in ((olds, groups_old), (news, groups_new)):
        for item in items:
            k = key(item)
            if k is not None and k != "":
                groups.setdefault(k, []).append(item)
    pairs: list[tuple[T, T]] = []
    for k, mine in groups_old.items():
        theirs = groups_new.get(k, [])
        if unique and (len(mine) != 1 or len(theirs) != 1):
            continue
        pairs += list(zip(mine, theirs, strict=False))
    return pairs


def pair_rows_by_title(olds: list[T], news: list[T], title: Callable[[T], str]
                       ) -> list[tuple[T, T]]:
    return _pair_by(title, olds, news)


def _pair_similar(olds: list[Placed], news: list[Placed]) -> list[tuple[Placed, Placed]]:
    scored = sorted(
        ((difflib.SequenceMatcher(None, a.sak.tittel.lower(), b.sak.tittel.lower()).ratio(), i, j)
         for i, a in enumerate(olds) for j, b in enumerate(news) if a.sak.tittel and b.sak.tittel),
        key=lambda t: (-t[0], t[1], t[2]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for score, i, j in scored:
        if score >= FUZZY and i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((olds[i], news[j]))
    return pairs
