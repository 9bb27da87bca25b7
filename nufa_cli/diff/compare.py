"""What changed in the meeting sources between two revisions, in the secretariat's words.

Both revisions are loaded into Repository models and the models are compared, not the
text: a reflowed paragraph is no change, and a sak that got a new number is one change
("renumbered"), not a removal plus an addition. Sources that do not load at a revision
are left out of the comparison and named in the notes. Formatting lives in diffformat.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nufa_cli.core.errors import Severity
from nufa_cli.core.root import AGENDA, MEMBERS, REFERAT
from nufa_cli.diff import values
from nufa_cli.diff.match import (
    Placed,
    match_saker,
    note_path,
    pair_meetings,
    pair_rows_by_title,
    reordered,
)
from nufa_cli.git.snapshot import Revision, default_base, require_git, resolve, sources_at
from nufa_cli.model.load import load
from nufa_cli.model.objects import Meeting, Repository

WORKTREE = "the working tree"


@dataclass(frozen=True)
class Change:
    """One change as a reviewer reads it. meeting is a folder, sak a number "13/24"."""

    kind: str
    meeting: str | None  # None: the registry or nufa.yaml
    sak: str | None  # the number now; the number before when the sak is gone
    title: str | None  # what the change is about: the sak's, row's or member's name
    before: str | None
    after: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"meeting": self.meeting, "sak": self.sak, "kind": self.kind,
                "title": self.title, "before": self.before, "after": self.after}


@dataclass
class Side:
    """A revision's repository and what of it could not be loaded."""

    label: str
    repo: Repository
    errors: int
    unreadable_meetings: set[str]
    unreadable_referat: set[str]
    registry_ok: bool
    skipped: list[str] = field(default_factory=list)


@dataclass
class DiffResult:
    base: str
    head: str
    changes: list[Change]
    notes: list[str]
    headings: dict[str, str]  # meeting folder -> "Møte 2/24 (24. – 25. april 2024)"


def read_side(root: Path, label: str, skipped: Iterable[str] = ()) -> Side:
    repo, diagnostics = load(root)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    loaded = {m.folder for m in repo.meetings}
    folders = root / "meetings"
    present = {p.name for p in folders.iterdir() if (p / AGENDA).is_file()} \
        if folders.is_dir() else set()
    return Side(
        label, repo, len(errors), present - loaded,
        {m.folder for m in repo.meetings if m.referat_broken},
        # no medlemmer.yaml at all is an empty registry; an unreadable one is unknown
        not any(d.path == MEMBERS and d.code != "file-missing" for d in errors), list(skipped))


def diff(root: Path, base: str | None = None, head: str | None = None) -> DiffResult:
    """Compare the sources at base (default: where this branch left the default branch)
    with head (default: the work tree, uncommitted edits included)."""
    require_git(root)
    base_rev = resolve(root, base) if base else default_base(root)
    head_rev = resolve(root, head) if head else None
    old = _read_revision(root, base_rev)
    new = _read_revision(root, head_rev) if head_rev else read_side(root, WORKTREE)
    return compare(old, new)


def _read_revision(root: Path, revision: Revision) -> Side:
    with sources_at(root, revision) as (folder, skipped):
        return read_side(folder, revision.label, skipped)


# -- the comparison -----------------------------------------------------------------------


def compare(old: Side, new: Side) -> DiffResult:
    return _Comparison(old, new).run()


class _Comparison:
    def __init__(self, old: Side, new: Side) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self.notes: list[str] = []
        self.members_ok = old.registry_ok and new.registry_ok
        # a meeting's number is its place among the meetings that loaded
        self.numbers_ok = not (old.unreadable_meetings or new.unreadable_meetings)

    def add(self, kind: str, meeting: str | None, sak: str | None = None,
            title: str | None = None, before: str | None = None, after: str | None = None) -> None:
        self.changes.append(Change(kind, meeting, sak, title, before, after))

    def run(self) -> DiffResult:
        self.note_unreadable()
        self.committee()
        if self.members_ok:
            self.registry()
        skip = self.old.unreadable_meetings | self.new.unreadable_meetings
        pairs = pair_meetings([m for m in self.old.repo.meetings if m.folder not in skip],
                              [m for m in self.new.repo.meetings if m.folder not in skip])
        matched = match_saker(pairs, self.old.repo, self.new.repo)
        moved_in_day = reordered(pairs, matched)
        was = {id(n.sak): o for o, n in matched if n and o}
        partner = {id(o): n for o, n in pairs if o and n}
        headings: dict[str, str] = {}
        for old_m, new_m in pairs:
            shown = new_m or old_m
            assert shown is not None
            number = (old_m or shown).number if self.new.unreadable_meetings else shown.number
            headings[shown.folder] = f"Møte {number} ({values.dates(shown)})"
            self.meeting(old_m, new_m)
            if old_m and new_m:
                self.row_lengths(old_m, new_m)  # causes first: the times they move follow
            for i, sak in enumerate(new_m.saker if new_m else ()):
                here, before = Placed(shown, sak, i), was.get(id(sak))
                if before is None:
                    self.add("sak-added", shown.folder, str(sak.nr), sak.tittel or None,
                             after=values.where_short(here))
                else:
                    self.sak(before, here, partner.get(id(before.meeting)) is new_m,
                             id(sak) in moved_in_day)
            for gone, now in matched:
                if now is None and gone and gone.meeting is old_m:
                    self.add("sak-removed", shown.folder, str(gone.sak.nr),
                             gone.sak.tittel or None, before=values.where_short(gone))
            if old_m and new_m:
                self.rows(old_m, new_m)
                if self.members_ok:
                    self.member_list(old_m, new_m)
                self.referat(old_m, new_m)
        return DiffResult(self.old.label, self.new.label, self.changes, self.notes, headings)

    # -- what could not be read ---------------------------------------------------------

    def note_unreadable(self) -> None:
        for side in (self.old, self.new):
            if side.errors:
                self.notes.append(
                    f"The sources at {side.label} have {side.errors} error(s); what could not "
                    "be read there is left out of this comparison (`nufa check` lists them).")
            for folder in sorted(side.unreadable_meetings):
                self.notes.append(f"meetings/{folder}/{AGENDA} could not be read at "
                                  f"{side.label}; the meeting is not compared.")
            for folder in sorted(side.unreadable_referat):
                self.notes.append(f"meetings/{folder}/{REFERAT} could not be read at "
                                  f"{side.label}; the referat is not compared.")
            if not side.registry_ok:
                self.notes.append(f"{MEMBERS} could not be read at {side.label}; members are "
                                  "not compared.")
            for path in side.skipped:
                self.notes.append(f"{path} at {side.label} is a symbolic link or an unusual "
                                  "path and was left out.")

    # -- nufa.yaml and medlemmer.yaml -----------------------------------------------------

    def committee(self) -> None:
        old, new = self.old.repo.committee, self.new.repo.committee
        for key in ("navn", "kortnavn", "sekretariat", "sakstyper", "font"):
            a, b = values.text(getattr(old, key)), values.text(getattr(new, key))
            if a != b:
                self.add("committee", None, None, key, a, b)
        a, b = values.rel(old.maler, self.old.repo.root), values.rel(new.maler, self.new.repo.root)
        if a != b:
            self.add("committee", None, None, "maler", a, b)

    def registry(self) -> None:
        old = {m.id: m for m in self.old.repo.members}
        new = {m.id: m for m in self.new.repo.members}
        for member in self.old.repo.members:
            if member.id not in new:
                self.add("member-left", None, None, member.navn, before=values.member(member))
        for member in self.new.repo.members:
            before = old.get(member.id)
            if before is None:
                self.add("member-joined", None, None, member.navn, after=values.member(member))
            elif values.member(before) != values.member(member):
                self.add("member-changed", None, None, member.navn, values.member(before),
                         values.member(member))

    # -- meetings -------------------------------------------------------------------------

    def meeting(self, old: Meeting | None, new: Meeting | None) -> None:
        if old is None or new is None:
            shown = new or old
            assert shown is not None
            kind = "meeting-added" if new else "meeting-removed"
            text = ", ".join(p for p in (values.dates(shown), shown.sted) if p)
            self.add(kind, shown.folder, before=None if new else text,
                     after=text if new else None)
            return
        folder = new.folder
        if old.folder != folder:
            self.add("meeting-moved", folder, before=values.dates(old), after=values.dates(new))
        if old.number != new.number and self.numbers_ok:
            self.add("meeting-renumbered", folder, before=old.number, after=new.number)
        if old.sted != new.sted:
            self.add("sted", folder, before=old.sted, after=new.sted)
        if old.status != new.status:
            self.add("status", folder, before=old.status, after=new.status)
        for i in range(max(len(old.days), len(new.days))):
            a = values.day(old.days[i]) if i < len(old.days) else None
            b = values.day(new.days[i]) if i < len(new.days) else None
            if a != b:
                kind = "day" if a and b else "day-added" if b else "day-removed"
                self.add(kind, folder, title=f"dag {i + 1}", before=a, after=b)

    def rows(self, old: Meeting, new: Meeting) -> None:
        """Breaks, meals and other rows without a sak, matched by title within a day."""
        for old_day, new_day in zip(old.days, new.days, strict=False):
            olds = [r for r in old_day.rows if r.sak is None]
            news = [r for r in new_day.rows if r.sak is None]
            pairs = pair_rows_by_title(olds, news, lambda r: r.tittel)
            matched_new = {id(n) for _, n in pairs}
            matched_old = {id(o) for o, _ in pairs}
            label = f"dag {new_day.index}"
            for row in olds:
                if id(row) not in matched_old:
                    self.add("row-removed", new.folder, None, row.tittel,
                             before=values.clock(row.tid, label))
            for row in news:
                if id(row) not in matched_new:
                    self.add("row-added", new.folder, None, row.tittel,
                             after=values.clock(row.tid, label))
            for a, b in pairs:
                if a.tid != b.tid:
                    self.add("row-retimed", new.folder, None, b.tittel, values.clock(a.tid),
                             values.clock(b.tid))

    def row_lengths(self, old: Meeting, new: Meeting) -> None:
        """A break or meal made longer or shorter: reported before the times it moves (a
        sak's own varighet is one of its changes, in agenda order, so before later saker)."""
        for old_day, new_day in zip(old.days, new.days, strict=False):
            olds = [r for r in old_day.rows if r.sak is None]
            news = [r for r in new_day.rows if r.sak is None]
            for a, b in pair_rows_by_title(olds, news, lambda r: r.tittel):
                was, now = values.varighet(old, a.at), values.varighet(new, b.at)
                if was != now:
                    self.add("row-varighet", new.folder, None, b.tittel, was, now)

    def member_list(self, old: Meeting, new: Meeting) -> None:
        before = {m.id for m in old.members}
        after = {m.id for m in new.members}
        for member in old.members:
            if member.id not in after:
                self.add("member-left", new.folder, None, member.navn, before=values.member(member))
        for member in new.members:
            if member.id not in before:
                self.add("member-joined", new.folder, None, member.navn, after=values.member(member))

    def referat(self, old: Meeting, new: Meeting) -> None:
        if {old.folder, new.folder} & (self.old.unreadable_referat | self.new.unreadable_referat):
            return
        a, b, folder = old.referat, new.referat, new.folder
        if a is None or b is None:
            present = b or a
            if present is not None:  # one of the two
                kind = "referat-added" if b else "referat-removed"
                status = present.meta.status
                self.add(kind, folder, before=None if b else status, after=status if b else None)
            return
        if a.meta.status != b.meta.status:
            self.add("referat-status", folder, before=a.meta.status, after=b.meta.status)
        if self.members_ok:
            ids = {m.id for m in old.members} & {m.id for m in new.members}
            for member in new.members:
                was, now = values.presence(old, member.id), values.presence(new, member.id)
                if member.id in ids and was != now:
                    self.add("attendance", folder, None, member.navn, was, now)
        was_subs, now_subs = values.substitutes(old), values.substitutes(new)
        for key, text in was_subs.items():
            if key not in now_subs:
                self.add("stedfortreder-removed", folder, None, key[0], before=text)
        for key, text in now_subs.items():
            if key not in was_subs:
                self.add("stedfortreder-added", folder, None, key[0], after=text)
            elif was_subs[key] != text:
                self.add("stedfortreder-changed", folder, None, key[0], was_subs[key], text)
        was_chair, now_chair = values.chairs(old), values.chairs(new)
        if was_chair != now_chair:
            self.add("møteleder", folder, before=was_chair, after=now_chair)
        if a.meta.sekretariat != b.meta.sekretariat:
            self.add("sekretariat", folder, before=", ".join(a.meta.sekretariat) or None,
                     after=", ".join(b.meta.sekretariat) or None)

    # -- saker ----------------------------------------------------------------------------

    def sak(self, old: Placed, new: Placed, same_meeting: bool, reordered: bool) -> None:
        a, b = old.sak, new.sak
        folder, nr, title = new.meeting.folder, str(b.nr), b.tittel or a.tittel or None

        def add(kind: str, before: str | None, after: str | None) -> None:
            self.add(kind, folder, nr, title, before, after)

        if not same_meeting or a.day != b.day:
            add("moved", f"Møte {old.meeting.number}, dag {a.day}",
                f"Møte {new.meeting.number}, dag {b.day}")
        elif reordered:
            add("moved", values.after_which(old), values.after_which(new))
        if a.nr != b.nr:
            add("renumbered", str(a.nr), str(b.nr))
        if a.tid != b.tid:
            add("retimed", values.clock(a.tid), values.clock(b.tid))
        length_a, length_b = values.varighet(old.meeting, a.at), values.varighet(new.meeting, b.at)
        if length_a != length_b:  # before the later saker's times, which it moves
            add("varighet", length_a, length_b)
        broken = [s for s, side in ((a, self.old), (b, self.new)) if not s.tittel]
        for s in broken:
            side = self.old if s is a else self.new
            self.notes.append(f"Sak {s.nr}: its toppnotat could not be read at {side.label}; "
                              "only its number, place and time are compared.")
        if broken:
            return
        if a.tittel != b.tittel:
            add("retitled", a.tittel, b.tittel)
        if a.type != b.type:
            add("retyped", a.type, b.type)
        for kind, key in (("beskrivelse", "beskrivelse"),
                          ("forslag-til-vedtak", "forslag_til_vedtak")):
            if values.words(getattr(a, key)) != values.words(getattr(b, key)):
                add(kind, getattr(a, key), getattr(b, key))
        for key in ("sakseier", "saksbehandler", "skjermet"):
            if getattr(a, key) != getattr(b, key):
                add(key, getattr(a, key), getattr(b, key))
        self.toppnotat(old, new, add)
        self.vedlegg(old, new, add)
        parts_a, parts_b = values.innslag(old), values.innslag(new)
        if parts_a != parts_b:
            add("innslag", parts_a, parts_b)
        self.minutes(old, new, add)

    def toppnotat(self, old: Placed, new: Placed,
                  add: Callable[[str, str | None, str | None], None]) -> None:
        a, b = old.sak.toppnotat, new.sak.toppnotat
        path_a, path_b = note_path(old), note_path(new)
        if path_a != path_b:
            add("toppnotat", path_a, path_b)
        if a and b:
            if values.words(a.body) != values.words(b.body):
                add("toppnotat-text", a.body, b.body)
            was, now = values.earlier(a.meta.tidligere_behandlinger), values.earlier(
                b.meta.tidligere_behandlinger)
            if was != now:
                add("tidligere-behandlinger", was, now)

    def vedlegg(self, old: Placed, new: Placed,
                add: Callable[[str, str | None, str | None], None]) -> None:
        was = {values.vedlegg_key(v): v.tittel for v, _, _ in old.sak.declared_vedlegg}
        now = {values.vedlegg_key(v): v.tittel for v, _, _ in new.sak.declared_vedlegg}
        for key, tittel in was.items():
            if key not in now:
                add("vedlegg-removed", values.vedlegg_text(key, tittel), None)
            elif now[key] != tittel:
                add("vedlegg-retitled", tittel or key[1], now[key] or key[1])
        for key, tittel in now.items():
            if key not in was:
                add("vedlegg-added", None, values.vedlegg_text(key, tittel))

    def minutes(self, old: Placed, new: Placed,
                add: Callable[[str, str | None, str | None], None]) -> None:
        """The referat's section of the sak: its vedtak (whenever a referat can be read) and
        its text (only when both revisions have a referat, so a new referat is one change)."""
        unreadable = self.old.unreadable_referat | self.new.unreadable_referat
        if {old.meeting.folder, new.meeting.folder} & unreadable:
            return
        ref_a, ref_b = old.meeting.referat, new.meeting.referat
        sec_a = ref_a.sections.get(old.sak.nr) if ref_a else None
        sec_b = ref_b.sections.get(new.sak.nr) if ref_b else None
        vedtak_a, vedtak_b = sec_a.vedtak if sec_a else None, sec_b.vedtak if sec_b else None
        if values.words(vedtak_a) != values.words(vedtak_b):
            add("vedtak", vedtak_a, vedtak_b)
        protokoll = (
            ("inhabil", values.inhabil(old.meeting, old.sak.nr),
             values.inhabil(new.meeting, new.sak.nr)),
            ("votering", values.votes(self.old.repo, old.meeting, old.sak.nr),
             values.votes(self.new.repo, new.meeting, new.sak.nr)))
        for kind, was, now in protokoll:
            if was != now:
                add(kind, was, now)
        if ref_a and ref_b:
            text_a = sec_a.minutes.strip() or None if sec_a else None
            text_b = sec_b.minutes.strip() or None if sec_b else None
            if values.words(text_a) != values.words(text_b):
                add("referat-text", text_a, text_b)
