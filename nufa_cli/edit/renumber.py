"""Number saker in agenda order, and carry a new number to every place that names the sak.

A sak's number stands in agenda.yaml (`sak:`, the `toppnotat:` path), in its toppnotat
(front matter `sak:`, the file name), in the referat (`## N/YY`, and its front matter's
fravær, inhabil, møteleder, stedfortredere, deltakere and voteringer) and in other
toppnotater (`tidligere_behandlinger`). Numbers run through a year across meetings
(FORMAT.md), so a change in one meeting carries over to the later meetings of that
year; a meeting whose agenda or referat is endelig keeps its numbers. Each serie of the
committee's numbering runs on its own; where numbers restart each meeting (nummerering.per:
møte) a change stays in its meeting.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ruamel.yaml.nodes import Node, ScalarNode, SequenceNode

from nufa_cli.core.errors import NufaError
from nufa_cli.edit.changeset import Changeset
from nufa_cli.edit.yamledit import Edit, EditError, child, compose, replace_scalar, text_of
from nufa_cli.model.objects import Meeting, Repository, Sak, SakNr
from nufa_cli.model.saknr import DEFAULT, SakFormat, slug
from nufa_cli.sources import markdown
from nufa_cli.sources.reader import FRONT_MATTER_FENCE, split_front_matter
from nufa_cli.sources.schemacheck import dotted

_NOTE_NAME = re.compile(r"^([1-9]\d*)-(\d{2})-(.+)$")


class FinalMeeting(NufaError):
    def __init__(self, meeting: Meeting, why: str, *, follows: bool = False) -> None:
        head = (f"the change would renumber the saker of meeting {meeting.folder}, which follows "
                f"in {meeting.first_day.year} and is final ({why})" if follows else
                f"meeting {meeting.folder} is final ({why})")
        super().__init__(f"{head}; the sak numbers of a final meeting are not changed. Set its "
                         "status to utkast first if they really must change")


class AmbiguousNumber(NufaError):
    pass


@dataclass
class Slot:
    """A sak's place in the year's numbering: the sak (None for one being added), its number."""

    meeting: Meeting
    sak: Sak | None
    nr: SakNr


def final_reason(meeting: Meeting) -> str | None:
    if meeting.status == "endelig":
        return "agenda.yaml has status: endelig"
    if meeting.referat and meeting.referat.meta.status == "endelig":
        return "referat.md has status: endelig"
    return None


def same_year(repo: Repository, meeting: Meeting) -> list[Meeting]:
    """The meetings a change of the meeting's numbers carries over to: those of its year, or
    the meeting alone where numbers restart each meeting."""
    if repo.committee.numbering.restarts:
        return [meeting]
    return [m for m in repo.meetings if m.first_day.year == meeting.first_day.year]


def first_number(repo: Repository, meeting: Meeting, serie: str = "") -> int:
    """Where the meeting's numbers of a serie start: at its første_sak, else after the
    previous meeting of the year (1 where numbers restart each meeting).

    The repository's first meeting of a year keeps its lowest number, since a repository
    may begin mid-year; with no saker it starts at 1.
    """
    if serie in meeting.first_numbers:
        return meeting.first_numbers[serie].n
    if repo.committee.numbering.restarts:
        return 1
    year = meeting.first_day.year
    meetings = same_year(repo, meeting)
    for previous in reversed(meetings[: meetings.index(meeting)]):
        numbers = [s.nr.n for s in previous.saker if (s.nr.year, s.nr.serie) == (year, serie)]
        if numbers:
            return numbers[-1] + 1
        if serie in previous.first_numbers:
            return previous.first_numbers[serie].n
    return min((s.nr.n for s in meeting.saker if (s.nr.year, s.nr.serie) == (year, serie)),
               default=1)


def slots(repo: Repository, meeting: Meeting, insert_at: int | None = None,
          insert_serie: str = "") -> list[Slot]:
    """The numbering of the meeting and the later meetings of its year, in agenda order;
    insert_at: the place of a sak being added, of insert_serie."""
    numbering = repo.committee.numbering
    year = meeting.first_day.year
    meetings = same_year(repo, meeting)
    following: dict[str, int] = {}  # serie -> the next number
    result = []
    for current in meetings[meetings.index(meeting) :]:
        saker: list[Sak | None] = list(current.saker)
        if current is meeting and insert_at is not None:
            saker.insert(insert_at, None)
        for serie, start in current.first_numbers.items():
            if current is not meeting:
                following[serie] = start.n
        for sak in saker:
            serie = sak.nr.serie if sak is not None else insert_serie
            n = following.get(serie) or first_number(repo, current, serie)
            result.append(Slot(current, sak, numbering.make(n, year, serie, current.folder)))
            following[serie] = n + 1
    return result


def note_name(name: str, old: SakNr, nr: SakNr, numbering: SakFormat = DEFAULT) -> str:
    """A toppnotat's file name for its new number: 12-24-x.md -> 13-24-x.md (with part 1's
    numbers any N-YY- prefix), v-sak-2-x.md -> v-sak-3-x.md; a name without its number in
    front stays as it is."""
    match = _NOTE_NAME.match(name)
    if match and numbering == DEFAULT:
        return f"{slug(str(nr))}-{match[3]}"
    prefix = f"{slug(str(old))}-"
    return f"{slug(str(nr))}-{name[len(prefix):]}" if name.startswith(prefix) else name


def _rel(repo: Repository, path: Path) -> str:
    return path.relative_to(repo.root).as_posix()


def plan(repo: Repository, numbering: list[Slot], changes: Changeset) -> int:
    """Add every edit the numbering needs to changes; returns how many saker change number."""
    moved = [s for s in numbering if s.sak is not None and s.sak.nr != s.nr]
    touched = {s.meeting.folder for s in numbering if s.sak is None} | {
        s.meeting.folder for s in numbering if s.sak is not None
        and _needs_edit(s, repo.committee.numbering)}
    for i, meeting in enumerate({s.meeting.folder: s.meeting for s in numbering}.values()):
        why = final_reason(meeting)
        if meeting.folder in touched and why:
            raise FinalMeeting(meeting, why, follows=i > 0)
    references = _references_in_repo(repo, changes)
    _refuse_ambiguous(repo, moved, references)
    for meeting in {s.meeting.folder: s.meeting for s in numbering}.values():
        mine = [s for s in numbering if s.meeting is meeting and s.sak is not None]
        _agenda(repo, meeting, mine, changes)
        _referat(repo, meeting, mine, changes)
    renamed = {s.sak.nr: s.nr for s in moved if s.sak}
    _references(references, renamed, changes, repo.committee.kortnavn)
    return len(moved)


def _needs_edit(slot: Slot, numbering: SakFormat) -> bool:
    sak = slot.sak
    assert sak is not None
    if sak.nr != slot.nr:
        return True
    note = sak.toppnotat
    return bool(note and (note.meta.sak != str(slot.nr)
                          or note_name(note.source.path.name, sak.nr, slot.nr, numbering)
                          != note.source.path.name))


def _refuse_ambiguous(repo: Repository, moved: list[Slot], references: list[_Reference]) -> None:
    """A number two saker share cannot be followed into the referat or other toppnotater."""
    everywhere = Counter(s.nr for m in repo.meetings for s in m.saker)
    for slot in moved:
        assert slot.sak is not None
        old = slot.sak.nr
        referat = slot.meeting.referat
        if referat and old in referat.sections and \
                sum(s.nr == old for s in slot.meeting.saker) > 1:
            raise AmbiguousNumber(
                f"sak {old} is used more than once in {slot.meeting.source.rel}, and "
                f"{referat.source.rel} has a section '## {old}': nufa cannot tell which sak it "
                "belongs to. Give the rows distinct numbers by hand, then run nufa renumber")
        used_by = [r.rel for r in references if r.nr == old]
        if everywhere[old] > 1 and used_by:
            raise AmbiguousNumber(
                f"sak {old} is used more than once, and {used_by[0]} refers to it in "
                "tidligere_behandlinger: nufa cannot tell which sak is meant. Give the "
                "saker distinct numbers by hand, then run nufa renumber")


def _agenda(repo: Repository, meeting: Meeting, mine: list[Slot], changes: Changeset) -> None:
    rel = meeting.source.rel
    text = changes.text(rel)
    root = compose(text, rel)
    for slot in mine:
        sak = slot.sak
        assert sak is not None
        row = child(root, *sak.at)
        node = child(row, "sak")
        if not isinstance(node, ScalarNode):
            raise EditError(f"cannot find sak {sak.nr} in {rel}; nothing was changed")
        if sak.nr != slot.nr:
            changes.edit(rel, [replace_scalar(node, str(slot.nr))], f"sak {sak.nr} -> {slot.nr}")
        if sak.toppnotat:
            _toppnotat(repo, meeting, sak, slot.nr, child(row, "toppnotat"), changes)


def _toppnotat(repo: Repository, meeting: Meeting, sak: Sak, nr: SakNr, path_node: Node | None,
               changes: Changeset) -> None:
    note = sak.toppnotat
    assert note is not None
    rel = note.source.rel
    text = changes.text(rel)
    if note.meta.sak != str(nr):
        node, offset = _front_matter_node(text, rel, "sak")
        assert isinstance(node, ScalarNode)  # load.py read it as a sak number
        changes.edit(rel, [replace_scalar(node, str(nr), offset)],
                     f"sak: {note.meta.sak} -> {nr}")
    name = note.source.path.name
    new_name = note_name(name, sak.nr, nr, repo.committee.numbering)
    if new_name == name:
        return
    if not isinstance(path_node, ScalarNode):
        raise EditError(f"cannot find the toppnotat of sak {sak.nr} in {meeting.source.rel}")
    changes.rename(rel, _rel(repo, note.source.path.with_name(new_name)))
    written = path_node.value
    new_value = str(PurePosixPath(written).with_name(new_name))
    changes.edit(meeting.source.rel, [replace_scalar(path_node, new_value)],
                 f"toppnotat: {written} -> {new_value}")


def _front_matter_node(text: str, rel: str, *path: str | int) -> tuple[Node, int]:
    """A node of a Markdown file's front matter, and where the front matter starts in text."""
    first = FRONT_MATTER_FENCE.match(text)
    closing = FRONT_MATTER_FENCE.search(text, first.end()) if first else None
    if first is None or closing is None:
        raise EditError(f"{rel} has no front matter between two '---' lines")
    offset = first.end() + 1
    node = child(compose(text[offset : closing.start()], rel), *path)
    if node is None:
        raise EditError(f"cannot find '{'.'.join(map(str, path))}' in {rel}")
    return node, offset


_HEADING = re.compile(r"^( {0,3}(?:#{2}[ \t]+)?)(.+?)([ \t]*(?:#+[ \t]*)?)$")


def _referat(repo: Repository, meeting: Meeting, mine: list[Slot], changes: Changeset) -> None:
    ref = meeting.referat
    if ref is None:
        return
    mapping = {s.sak.nr: s.nr for s in mine if s.sak and s.sak.nr != s.nr}
    if not mapping:
        return
    rel = ref.source.rel
    text = changes.text(rel)
    parsed, _ = split_front_matter(text, rel)
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    edits, details = [], []
    tokens, _ = markdown.parse(parsed.body)
    for heading in markdown.headings(tokens):
        if heading.level != 2:
            continue
        index = parsed.body_line - 1 + heading.line
        match = _HEADING.match(lines[index])
        old = repo.committee.numbering.parse(match[2], year=meeting.first_day.year,
                                             meeting=meeting.folder) if match else None
        if match and old in mapping:
            start = starts[index] + match.start(2)
            edits.append(Edit(start, starts[index] + match.end(2), str(mapping[old])))
            details.append(f"## {old} -> ## {mapping[old]}")
    for named in ref.protokoll.sak_refs():  # fravær, inhabil, voteringer, …: the same numbers
        if named.nr in mapping:
            node, offset = _front_matter_node(text, rel, *named.at)
            assert isinstance(node, ScalarNode)  # load.py read it as a sak number
            edits.append(replace_scalar(node, str(mapping[named.nr]), offset))
            details.append(f"{dotted(named.at)}: {named.nr} -> {mapping[named.nr]}")
    changes.edit(rel, edits, *details)


@dataclass(frozen=True)
class _Reference:
    """A tidligere_behandlinger entry naming a sak of this committee."""

    rel: str
    nr: SakNr
    node: ScalarNode
    offset: int


def _references_in_repo(repo: Repository, changes: Changeset) -> list[_Reference]:
    found = []
    numbering = repo.committee.numbering
    notes = sorted(((p, m) for m in repo.meetings for p in (m.path / "toppnotater").glob("*.md")),
                   key=lambda pair: pair[0])
    for path, meeting in notes:
        rel = _rel(repo, path)
        try:
            entries, offset = _front_matter_node(changes.text(rel), rel, "tidligere_behandlinger")
        except EditError:
            continue  # unreadable, or no such list: nothing here refers to a sak
        for entry in entries.value if isinstance(entries, SequenceNode) else ():
            node = child(entry, "sak")
            held = text_of(child(entry, "møte")) or ""
            if numbering.restarts and not held:
                continue  # names no meeting: no sak of this repository (check says so)
            year = int(held[:4]) if held[:4].isdigit() else meeting.first_day.year
            nr = numbering.parse(text_of(node) or "", year=year, meeting=held)
            if text_of(child(entry, "utvalg")) == repo.committee.kortnavn and nr and \
                    isinstance(node, ScalarNode):
                found.append(_Reference(rel, nr, node, offset))
    return found


def _references(references: list[_Reference], renamed: dict[SakNr, SakNr],
                changes: Changeset, kortnavn: str) -> None:
    for ref in references:
        new = renamed.get(ref.nr)
        if new is None:
            continue
        # edits always name a file's original path, also when it is renamed in this change
        changes.edit(ref.rel, [replace_scalar(ref.node, str(new), ref.offset)],
                     f"tidligere_behandlinger: {kortnavn} {ref.nr} -> {new}")
