"""Rules over the loaded model. Each rule yields diagnostics; check() runs them all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from nufa_cli.check import glyphs
from nufa_cli.check.attachments import pdf_vedlegg
from nufa_cli.check.maler import font_known, reference_docx
from nufa_cli.check.shape import bodies, referat_body
from nufa_cli.core import nbdates
from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.core.root import template_dirs
from nufa_cli.core.suggest import did_you_mean
from nufa_cli.model.attendance import attendance
from nufa_cli.model.load import load
from nufa_cli.model.objects import Meeting, Repository, Row, SakNr, Source
from nufa_cli.sources import markdown
from nufa_cli.sources.reader import Path_

Rule = Callable[[Repository], Iterator[Diagnostic]]


def sakstyper(repo: Repository) -> Iterator[Diagnostic]:
    allowed = repo.committee.sakstyper
    for meeting in repo.meetings:
        for sak in meeting.saker:
            if sak.type is None or sak.type in allowed:
                continue
            source, at = (sak.toppnotat.source, ("type",)) if sak.toppnotat and \
                sak.toppnotat.meta.type else (meeting.source, (*sak.at, "type"))
            hint = did_you_mean(sak.type, allowed, f"use one of: {', '.join(allowed)}")
            yield source.diagnostic(at, "unknown-sakstype",
                      f"sakstype '{sak.type}' of sak {sak.nr} is not in nufa.yaml's sakstyper", hint)


def sak_numbers(repo: Repository) -> Iterator[Diagnostic]:
    """N/YY: YY the meeting's year; numbers run without gaps or repeats through a year."""
    seen: dict[SakNr, Meeting] = {}
    expected: dict[int, int] = {}
    for meeting in repo.meetings:
        year = meeting.first_day.year % 100
        for sak in meeting.saker:
            source, at = meeting.source, (*sak.at, "sak")
            if sak.nr.year != year:
                yield source.diagnostic(at, "sak-year",
                          f"sak {sak.nr} is numbered for 20{sak.nr.year:02d}, but the meeting is "
                          f"in {meeting.first_day.year}", f"write it as {sak.nr.n}/{year:02d}")
                continue
            if sak.nr in seen:
                other = seen[sak.nr]
                yield source.diagnostic(at, "sak-duplicate",
                          f"sak {sak.nr} is already used in meeting {other.folder}",
                          "each sak number is used once a year; nufa renumber fixes a meeting")
                continue
            seen[sak.nr] = meeting
            want = expected.get(year)
            if want is not None and sak.nr.n != want:
                word = "skips" if sak.nr.n > want else "goes back before"
                yield source.diagnostic(at, "sak-sequence",
                          f"sak {sak.nr} {word} the sequence: the previous sak was "
                          f"{want - 1}/{year:02d}", f"number it {want}/{year:02d}")
            expected[year] = sak.nr.n + 1


def times(repo: Repository) -> Iterator[Diagnostic]:
    for meeting in repo.meetings:
        previous_day = None
        for day in meeting.days:
            day_at = ("dager", day.index - 1)
            if previous_day and day.dato <= previous_day:
                yield meeting.source.diagnostic((*day_at, "dato"), "day-order",
                          f"day {day.index} ({day.dato}) is not after the day before it",
                          "list the days in date order, without repeats")
            previous_day = day.dato
            if day.slutt <= day.start:
                yield meeting.source.diagnostic((*day_at, "slutt"), "time-order",
                          f"day {day.index} ends at {nbdates.clock(day.slutt)}, not after its start "
                          f"{nbdates.clock(day.start)}")
            last: Row | None = None  # the row before with a time
            busy: Row | None = None  # the row whose end the next one may not start before
            for row in day.rows:
                for item in (row, *row.parts):
                    if item.tid is None:
                        continue
                    if last is not None and last.tid is not None and item.tid < last.tid:
                        yield meeting.source.diagnostic((*item.at, "tid"), "time-order",
                                  f"'{item.tittel}' at {nbdates.clock(item.tid)} comes before "
                                  f"'{last.tittel}' at {nbdates.clock(last.tid)}",
                                  "list the rows in the order they happen")
                    elif busy is not None and busy.end and item.tid < busy.end:
                        yield meeting.source.diagnostic((*item.at, "tid"), "time-overlap",
                                  f"'{item.tittel}' starts at {nbdates.clock(item.tid)}, before "
                                  f"'{busy.tittel}' ends at {nbdates.clock(busy.end)}",
                                  "shorten the row before (varighet) or move this one")
                    last = busy = item
                    if item is row and row.parts:
                        busy = None  # its parts lie inside it
                if row.parts:  # the next row starts after the sak and its last part
                    ended = [r for r in (row, *row.parts) if r.end]
                    busy = max(ended, key=lambda r: r.end or dt.time.min) if ended else None
            for row in day.rows:
                if row.sak is None or row.tid is None:
                    continue
                if row.tid < day.start or row.tid >= day.slutt:
                    yield meeting.source.diagnostic((*row.at, "tid"), "time-outside",
                              f"sak {row.sak.nr} at {nbdates.clock(row.tid)} lies outside day "
                              f"{day.index} ({nbdates.clock(day.start)}–{nbdates.clock(day.slutt)})",
                              "move the sak inside the day, or change the day's start/slutt")
                elif row.end and row.end > day.slutt:
                    yield meeting.source.diagnostic((*row.at, "varighet"), "time-outside",
                              f"sak {row.sak.nr} ends at {nbdates.clock(row.end)}, after the day "
                              f"ends at {nbdates.clock(day.slutt)}")


def referat(repo: Repository) -> Iterator[Diagnostic]:
    for meeting in repo.meetings:
        ref = meeting.referat
        if ref is None:
            continue
        source = ref.source
        for nr, section in ref.sections.items():
            if meeting.sak(nr) is None:
                yield Diagnostic(source.rel, section.line, 1, "referat-unknown-sak",
                                 f"the referat has a section for sak {nr}, which is not on the "
                                 f"agenda of meeting {meeting.number}",
                                 "correct the number, or add the sak to agenda.yaml")
        if ref.meta.status == "endelig":
            for sak in meeting.saker:
                written = ref.sections.get(sak.nr)
                if written is None or not written.vedtak:
                    line = written.line if written else ref.body_line
                    yield Diagnostic(source.rel, line, 1, "vedtak-missing",
                                     f"status is endelig, but sak {sak.nr} has no vedtak",
                                     f"add '## {sak.nr}' with '### Vedtak' and the decision, or "
                                     "set status: utkast")
        if not repo.members:  # no usable registry: medlemmer.yaml's own diagnostics say why
            continue
        ids = {m.id for m in meeting.members}
        day_count = len(meeting.days)
        seen: set[str] = set()
        for i, item in enumerate(ref.meta.fravær):
            at = ("fravær", i)
            if item.medlem not in ids:
                yield _member_unknown(repo, meeting, source, at, item.medlem)
                continue
            if item.medlem in seen:
                yield source.diagnostic(at, "fravær-duplicate",
                          f"'{item.medlem}' is listed twice in fravær",
                          "list the member once, with every day absent in one 'dager:'")
            seen.add(item.medlem)
            yield from _days_in_range(source, (*at, "dager"), set(item.dager or ()), day_count)
        att = attendance(meeting)
        assert att is not None  # the meeting has a referat
        absent_days = {p.member.id: set(p.absent) for p in att.presences}
        for i, sub in enumerate(ref.meta.stedfortredere):
            at = ("stedfortredere", i)
            if sub.for_ not in ids:
                yield _member_unknown(repo, meeting, source, (*at, "for"), sub.for_)
                continue
            days = set(sub.dager or range(1, day_count + 1))
            yield from _days_in_range(source, (*at, "dager"), days, day_count)
            present = (days & set(att.days)) - absent_days[sub.for_]
            if present:
                listed = ", ".join(str(d) for d in sorted(present))
                yield source.diagnostic((*at, "for"), "substitute-for-present",
                          f"{sub.navn} stands in for '{sub.for_}', who was present on day {listed}",
                          f"add '{sub.for_}' to fravær, or give the substitute's 'dager'")


def _days_in_range(source: Source, at: Path_, days: set[int], count: int) -> Iterator[Diagnostic]:
    outside = sorted(d for d in days if d > count)
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


def earlier_treatments(repo: Repository) -> Iterator[Diagnostic]:
    """tidligere_behandlinger naming a sak of this repo must find it; others need their text."""
    first_number: dict[int, int] = {}
    for meeting in repo.meetings:
        for sak in meeting.saker:
            first_number.setdefault(sak.nr.year, sak.nr.n)
    for meeting in repo.meetings:
        for sak in meeting.saker:
            note = sak.toppnotat
            if note is None:
                continue
            for i, entry in enumerate(note.meta.tidligere_behandlinger):
                nr = repo.cited(entry)
                at = ("tidligere_behandlinger", i)
                # ours when it falls in the repository's numbers; earlier ones need their text
                ours = nr is not None and nr.year in first_number and nr.n >= first_number[nr.year]
                if ours and nr is not None:
                    found = repo.find_sak(nr)
                    if found is None:
                        yield note.source.diagnostic((*at, "sak"), "unknown-sak",
                                  f"{entry.utvalg} sak {entry.sak} is not in this repository",
                                  "correct the number; for a sak before the repository began, "
                                  "give its tittel and vedtak")
                    elif not (entry.vedtak or found[0].vedtak(nr)
                              or found[0].referat_broken):
                        yield note.source.diagnostic((*at, "sak"), "vedtak-missing",
                                  f"sak {entry.sak} has no vedtak in its referat yet",
                                  "write the referat's '### Vedtak', or give 'vedtak:' here",
                                  Severity.WARNING)
                elif not (entry.tittel and entry.vedtak):
                    yield note.source.diagnostic(at, "missing-field",
                              f"{entry.utvalg} sak {entry.sak} is not in this repository: give "
                              "its 'tittel' and 'vedtak'")


def markdown_bodies(repo: Repository) -> Iterator[Diagnostic]:
    for meeting in repo.meetings:
        texts = [(s.toppnotat.source.rel, s.toppnotat.body, s.toppnotat.body_line, False)
                 for s in meeting.saker if s.toppnotat]
        if meeting.referat:
            ref = meeting.referat
            texts.append((ref.source.rel, referat_body(ref.source.path), ref.body_line, True))
        for rel, body, first_line, sectioned in texts:
            for problem in markdown.footnote_problems(body, blocks_at_headings=sectioned):
                line = first_line + problem.line
                if problem.code == "footnote-undefined":
                    yield Diagnostic(rel, line, 1, problem.code,
                                     f"footnote [^{problem.label}] has no definition",
                                     f"add a line '[^{problem.label}]: text' below the paragraph")
                elif problem.code == "footnote-duplicate":
                    yield Diagnostic(rel, line, 1, problem.code,
                                     f"footnote [^{problem.label}] is defined twice",
                                     "remove one definition, or give it a label of its own")
                else:
                    yield Diagnostic(rel, line, 1, problem.code,
                                     f"footnote [^{problem.label}] is defined but never used",
                                     f"refer to it with [^{problem.label}] or remove it",
                                     Severity.WARNING)
        for sak in meeting.saker:
            if sak.toppnotat is None:
                continue
            titles = {h.text.lower() for h in markdown.headings(markdown.parse(sak.toppnotat.body)[0])}
            for wanted in ("Hensikt med saken", "Bakgrunn"):
                if wanted.lower() not in titles:
                    yield Diagnostic(sak.toppnotat.source.rel, sak.toppnotat.body_line, 1,
                                     "section-missing",
                                     f"the toppnotat has no section '{wanted}'",
                                     f"add a heading '## {wanted}'", Severity.WARNING)


def printable(repo: Repository) -> Iterator[Diagnostic]:
    """Every character of the printed text must be in the documents' fonts (typst stops the
    PDF at the first one that is not: emoji, CJK); found here with its file and line."""
    font_dirs = [d / "fonts" for d in template_dirs(repo.committee.maler)]
    known = glyphs.printable(font_dirs)
    found: list[tuple[Source, int, str, Path_ | None]] = []
    # nufa.yaml and medlemmer.yaml: every value, printed or not (names, the committee's)
    groups: list[tuple[Meeting | None, list[Source]]] = [(None, repo.settings)]
    for meeting in repo.meetings:
        sources = [meeting.source] + [s.toppnotat.source for s in meeting.saker if s.toppnotat]
        if meeting.referat:
            sources.append(meeting.referat.source)
        groups.append((meeting, sources))
    for owner, sources in groups:
        for source in sources:
            seen: set[str] = set()
            for at, value in _strings(source.doc.data if source.doc else None, ()):
                for _, char in glyphs.unprintable(value, known):
                    if char not in seen:
                        seen.add(char)
                        found.append((source, 0, char, at))
            if owner is None:
                continue
            body, first = _body(owner, source)
            for line, char in glyphs.unprintable(body, known):
                if char not in seen:
                    seen.add(char)
                    found.append((source, first + line, char, None))
    if not found:
        return
    family = repo.committee.font or "Carlito"
    refused = glyphs.typst_refuses({char for _, _, char, _ in found}, font_dirs, family)
    for source, line, char, where in found:
        if char in refused:
            message = (f"the character '{char}' (U+{ord(char):04X}) cannot be printed: the font "
                       f"{family} has no glyph for it, and the PDF would stop there")
            hint = "remove it, or write it in words"
            if where is not None:
                yield source.diagnostic(where, "unprintable", message, hint)
            else:
                yield Diagnostic(source.rel, line, 1, "unprintable", message, hint)


def _strings(data: object, at: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(data, str):
        yield at, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*at, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, (*at, i))


def _body(meeting: Meeting, source: Source) -> tuple[str, int]:
    """The Markdown body of a toppnotat or referat source, and its first line."""
    if meeting.referat and source is meeting.referat.source:
        return referat_body(source.path), meeting.referat.body_line
    note = next((s.toppnotat for s in meeting.saker
                 if s.toppnotat and s.toppnotat.source is source), None)
    return (note.body, note.body_line) if note else ("", 0)


def skjerming(repo: Repository) -> Iterator[Diagnostic]:
    """`skjermet:` withholds a sak, toppnotat or vedlegg from the public: it names the legal
    basis, which the documents print. An empty one would withhold nothing, silently."""
    for meeting in repo.meetings:
        for sak in meeting.saker:
            places = [(meeting.source, (*sak.at, "skjermet"))]
            if sak.toppnotat:
                places.append((sak.toppnotat.source, ("skjermet",)))
            places += [(source, (*at, "skjermet")) for _, source, at in sak.declared_vedlegg]
            for source, at in places:
                if source.doc is None or at not in source.doc.keys:
                    continue
                value = _value(source.doc.data, at)
                if value is None or not str(value).strip():
                    yield source.diagnostic(at, "skjermet-empty",
                              "'skjermet' has no legal basis, so nothing is withheld",
                              "write the provision, e.g. 'skjermet: offl. § 14', or remove the key")
                elif "§" not in str(value):
                    yield source.diagnostic(at, "skjermet-basis",
                              f"skjermet '{value}' names no provision: the documents print it as "
                              "the legal basis", "write it as e.g. 'offl. § 14' or "
                              "'offl. § 13 jf. fvl. § 13'", Severity.WARNING)


def _value(data: Any, at: Path_) -> object:  # Located.data: plain YAML data
    for step in at:
        data = data[step]  # at is a path the YAML holds
    return data


RULES: tuple[Rule, ...] = (sakstyper, sak_numbers, times, referat, earlier_treatments,
                           markdown_bodies, printable, skjerming, pdf_vedlegg,
                           reference_docx, font_known, bodies)


def check(root: Path) -> tuple[Repository, list[Diagnostic]]:
    """Load the repository and run every rule; all problems at once, sorted by place."""
    repo, diagnostics = load(root)
    for rule in RULES:
        diagnostics.extend(rule(repo))
    return repo, sorted(set(diagnostics))
