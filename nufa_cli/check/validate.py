"""Rules over the loaded model. Each rule yields diagnostics; check() runs them all."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

from nufa_cli.check import ahead, glyphs, limits, offentlighet
from nufa_cli.check.attachments import pdf_vedlegg
from nufa_cli.check.maler import font_known, maler_links, reference_docx
from nufa_cli.check.protokoll import referat
from nufa_cli.check.shape import bodies, strings
from nufa_cli.core import nbdates
from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.core.root import template_dirs
from nufa_cli.core.suggest import did_you_mean
from nufa_cli.model.load import load
from nufa_cli.model.objects import Meeting, Referat, Repository, Row, SakNr, Source, Toppnotat
from nufa_cli.sources import markdown
from nufa_cli.sources.reader import Path_
from nufa_cli.sources.schema import DECISION

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
    """Numbers run without gaps or repeats in agenda order, per serie: through a calendar year
    (the year the number names is its meeting's), or from 1 in each meeting (nummerering.per:
    møte). A meeting's første_sak restarts its series there."""
    numbering = repo.committee.numbering
    seen: dict[SakNr, Meeting] = {}
    expected: dict[tuple[str, int | str], int] = {}  # (serie, year or meeting) -> next number
    for meeting in repo.meetings:
        year = meeting.first_day.year
        for serie, start in meeting.first_numbers.items():
            expected[(serie, meeting.folder if numbering.restarts else year)] = start.n
        for sak in meeting.saker:
            source, at = meeting.source, (*sak.at, "sak")
            nr = sak.nr
            if numbering.has_year and nr.year != year:
                yield source.diagnostic(at, "sak-year",
                          f"sak {nr} is numbered for {nr.year}, but the meeting is in {year}",
                          f"write it as {numbering.make(nr.n, year, nr.serie)}")
                continue
            wanted_serie = numbering.serie_of(sak.type)
            if wanted_serie is not None and nr.serie != wanted_serie:
                yield source.diagnostic(at, "sak-serie",
                          f"sak {nr} is of the sakstype {sak.type}, whose serie is "
                          f"{wanted_serie}", f"number it in that serie, e.g. "
                          f"{numbering.make(nr.n, year, wanted_serie)}, or change its type")
            if nr in seen:
                other = seen[nr]
                per = "meeting" if numbering.restarts else "year"
                yield source.diagnostic(at, "sak-duplicate",
                          f"sak {nr} is already used in meeting {other.folder}",
                          f"each sak number is used once a {per}; nufa renumber fixes a meeting")
                continue
            seen[nr] = meeting
            key = (nr.serie, meeting.folder if numbering.restarts else year)
            want = expected.get(key, 1 if numbering.restarts else None)
            if want is not None and nr.n != want:
                word = "skips" if nr.n > want else "goes back before"
                before = (f"the previous sak was {numbering.make(want - 1, year, nr.serie)}"
                          if want > 1 or key in expected else
                          f"numbers start at {numbering.make(want, year, nr.serie)} each meeting")
                yield source.diagnostic(at, "sak-sequence",
                          f"sak {nr} {word} the sequence: {before}",
                          f"number it {numbering.make(want, year, nr.serie)}")
            expected[key] = nr.n + 1


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
            if day.slutt is not None and day.slutt <= day.start:
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
                if row.tid < day.start or (day.slutt is not None and row.tid >= day.slutt):
                    yield meeting.source.diagnostic((*row.at, "tid"), "time-outside",
                              f"sak {row.sak.nr} at {nbdates.clock(row.tid)} lies outside day "
                              f"{day.index} ({nbdates.clock(day.start)}–{nbdates.clock(day.slutt)})",
                              "move the sak inside the day, or change the day's start/slutt")
                elif row.end and day.slutt and row.end > day.slutt:
                    yield meeting.source.diagnostic((*row.at, "varighet"), "time-outside",
                              f"sak {row.sak.nr} ends at {nbdates.clock(row.end)}, after the day "
                              f"ends at {nbdates.clock(day.slutt)}")


def earlier_treatments(repo: Repository) -> Iterator[Diagnostic]:
    """tidligere_behandlinger naming a sak of this repo must find it; others need their text."""
    numbering = repo.committee.numbering
    restarts = numbering.restarts  # asked for each of an archive's tens of thousands
    first_number: dict[tuple[str, int], int] = {}  # (serie, year) -> the repository's first
    for meeting in repo.meetings:
        for sak in meeting.saker:
            first_number.setdefault((sak.nr.serie, sak.nr.year), sak.nr.n)
    folders = {m.folder for m in repo.meetings}
    for meeting in repo.meetings:
        for sak in meeting.saker:
            note = sak.toppnotat
            if note is None:
                continue
            for i, entry in enumerate(note.meta.tidligere_behandlinger):
                nr = repo.cited(entry, meeting)
                # ours when it falls in the repository's numbers; earlier ones need their text
                if restarts:
                    ours = nr is not None and nr.meeting in folders
                else:
                    start = first_number.get((nr.serie, nr.year)) if nr else None
                    ours = nr is not None and start is not None and nr.n >= start
                at = ("tidligere_behandlinger", i)
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
                elif (entry.utvalg == repo.committee.kortnavn and restarts
                      and entry.møte is None and not (entry.tittel and entry.vedtak)):
                    yield note.source.diagnostic((*at, "sak"), "sak-meeting-missing",
                              f"sak numbers restart every meeting, so '{entry.sak}' does not say "
                              "which meeting's sak it is",
                              f"name the meeting by its first day: "
                              f"{{møte: YYYY-MM-DD, sak: {entry.sak}}}")
                elif not (entry.tittel and entry.vedtak):
                    yield note.source.diagnostic(at, "missing-field",
                              f"{entry.utvalg} sak {entry.sak} is not in this repository: give "
                              "its 'tittel' and 'vedtak'")


def markdown_bodies(repo: Repository) -> Iterator[Diagnostic]:
    for meeting in repo.meetings:
        for doc in meeting.documents():
            rel, sectioned = doc.source.rel, doc is meeting.referat
            for problem in markdown.footnote_problems(doc.body, blocks_at_headings=sectioned):
                line = doc.body_line + problem.line
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
            titles = {h.text.lower() for h in markdown.headings_of(sak.toppnotat.body)}
            for wanted in repo.committee.seksjoner:
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
    # every source with the Markdown body after its front matter (a toppnotat's, a referat's);
    # nufa.yaml and medlemmer.yaml: every value, printed or not (names, the committee's)
    sources: list[tuple[Source, Toppnotat | Referat | None]] = [
        (source, None) for source in repo.settings]
    for meeting in repo.meetings:
        sources += [(meeting.source, None), *((doc.source, doc) for doc in meeting.documents())]
    for source, doc in sources:
        seen: set[str] = set()
        data = source.doc.data if source.doc else None
        # every character of them prints (most documents): none to look for value by value
        lacking = source.doc is not None and known.lacks(source.doc.summary()[0])
        values = list(strings(data, ())) if lacking else []
        for at, value in values:
            for _, char in glyphs.unprintable(value, known):
                if char not in seen:
                    seen.add(char)
                    found.append((source, 0, char, at))
        if doc is None:
            continue
        body, first = doc.body, doc.body_line
        if not known.lacks(markdown.characters(body)):  # nor in the text without comments
            continue
        for line, char in glyphs.unprintable(markdown.without_comments(body), known):
            if char not in seen:
                seen.add(char)
                found.append((source, first + line, char, None))
    if not found:
        return
    family = repo.committee.font or "Carlito"
    chars = {char for _, _, char, _ in found}
    control = {char for char in chars if glyphs.is_control(char)}
    refused = glyphs.typst_refuses(chars - control, font_dirs, family) if chars - control \
        else set()
    for source, line, char, where in found:
        if char in control:
            message = (f"the control character U+{ord(char):04X} cannot be printed: it is no "
                       "text, and the PDF and DOCX would stop there")
            hint = "remove it (text pasted from elsewhere, or an escape such as \\e, brings one)"
        elif char in refused:
            message = (f"the character '{char}' (U+{ord(char):04X}) cannot be printed: the font "
                       f"{family} has no glyph for it, and the PDF would stop there")
            hint = "remove it, or write it in words"
        else:
            continue
        if where is not None:
            yield source.diagnostic(where, "unprintable", message, hint)
        else:
            yield Diagnostic(source.rel, line, 1, "unprintable", message, hint)


def unwritten(repo: Repository) -> Iterator[Diagnostic]:
    """A sak of a final meeting that gives the members nothing to read or decide: its
    toppnotat's sections all empty (as `nufa new sak` leaves them), or a decision
    (schema.DECISION) without a forslag til vedtak."""
    for meeting in repo.meetings:
        if meeting.status != "endelig":
            continue
        for sak in meeting.saker:
            note = sak.toppnotat
            empty = note is not None and not markdown.prose(note.body)
            undecided = (sak.type or "").casefold() == DECISION.casefold() and \
                not sak.forslag_til_vedtak
            if not (empty or undecided):
                continue
            missing = [what for what, absent in (
                ("beskrivelse", not sak.beskrivelse),
                ("forslag til vedtak", not sak.forslag_til_vedtak),
                ("text under the toppnotat's headings", empty)) if absent]
            shown = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
            source, at = (note.source, ("sak",)) if note else (meeting.source, (*sak.at, "sak"))
            yield source.diagnostic(
                at, "sak-unwritten", f"sak {sak.nr} has no {shown}, but the meeting is final",
                "write what the members are to read and decide, or set the agenda's status "
                "back to utkast", Severity.WARNING)


RULES: tuple[Rule, ...] = (sakstyper, sak_numbers, times, referat, earlier_treatments,
                           markdown_bodies, printable, offentlighet.skjerming,
                           offentlighet.offentlig_tittel, unwritten, pdf_vedlegg,
                           reference_docx, font_known, maler_links, bodies)
# Rules that only read the model, run in a second process beside the others where a
# repository has many meetings: on an archive, half of the rules' time. Each changes nothing
# in the model and derives nothing the source cache keeps (tests/test_apart.py holds
# them to that), so the process needs to give back its diagnostics only.
APART: tuple[Rule, ...] = (referat, earlier_treatments)
MIN_APART = 24  # meetings: with fewer, starting the process costs more than it saves


def check(root: Path) -> tuple[Repository, list[Diagnostic]]:
    """Load the repository and run every rule; all problems at once, sorted by place. What
    they derive from each text is kept for the next check (sources/cache.py)."""
    with ahead.kept(root):  # front.py may have opened it already, before importing this
        repo, diagnostics = load(root.resolve())
        limits.prepare(doc.body for meeting in repo.meetings for doc in meeting.documents())
        diagnostics += _ruled(repo)
    return repo, sorted(set(diagnostics))


def _ruled(repo: Repository) -> list[Diagnostic]:
    """What every rule finds: those APART in a second process where that pays (none to be
    had, or one that fails, and this one runs them too)."""
    apart = None
    if len(repo.meetings) >= MIN_APART:
        from nufa_cli.core.process import Forked  # here: it costs a run that starts none

        apart = Forked.start(lambda send: send(pickle.dumps(
            [d for rule in APART for d in rule(repo)])))
    found: list[Diagnostic] = []
    try:
        for rule in RULES:
            if apart is None or rule not in APART:
                found.extend(rule(repo))
        given = apart.result() if apart else None
    finally:
        if apart:
            apart.end()
    if given is None:
        for rule in APART if apart else ():
            found.extend(rule(repo))
    else:
        found.extend(pickle.loads(given))  # the diagnostics of this process's own child
    return found
