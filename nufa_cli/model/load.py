"""Load a nufa repository: read every source, validate its schema, derive the model.

Derivation (times from durations, meeting numbers, vedlegg numbers, merged
toppnotat fields) happens here once; rules that compare derived values live in
validate.py. Nothing here raises for bad content: problems become diagnostics.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from pathlib import Path
from typing import Any

from nufa_cli.core import lang, nbdates
from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.core.root import (  # noqa: F401 - find_root re-exported
    AGENDA,
    CONFIG,
    MEETINGS,
    MEMBERS,
    REFERAT,
    SYMLINK,
    find_root,
    inside,
    symlinked,
)
from nufa_cli.model.committee import CommitteeReader
from nufa_cli.model.numbering import number_attachments, number_meetings
from nufa_cli.model.objects import (
    Committee,
    Day,
    Meeting,
    Member,
    Referat,
    ReferatSection,
    Repository,
    Row,
    Sak,
    SakNr,
    Source,
    Toppnotat,
    slug,
)
from nufa_cli.model.protokoll import read as read_protokoll
from nufa_cli.model.saknr import DEFAULT
from nufa_cli.sources import ahead, markdown, schema
from nufa_cli.sources import cache as source_cache
from nufa_cli.sources.cache import SourceCache
from nufa_cli.sources.reader import Path_
from nufa_cli.sources.schemacheck import dotted

# a referat section's "###" parts: the heading is the part's name, or the committee's label
# for it (tekster: {vedtak: Konklusjon} lets the secretariat write "### Konklusjon"); an
# innstilling to another body is the sak's decision under its own heading, in its place
_NAMED_PARTS = ("vedtak", "protokolltilførsel", "innstilling")
_MERGED = ("tittel", "type", "beskrivelse", "forslag_til_vedtak", "skjermet", "offentlig_tittel",
           "arkivsak", "lukket")
_SAK_KEYS = ("type", "beskrivelse", "forslag_til_vedtak", "toppnotat", "skjermet", "offentlig_tittel",
             "vedlegg", "innslag", "arkivsak", "lukket")  # keys only a sak's row may have
_TEMA_KEYS = ("tid", "varighet", "tittel", *_SAK_KEYS, "innleder")  # a tema row has none


def load(root: Path) -> tuple[Repository, list[Diagnostic]]:
    """The repository and the problems found loading it.

    Loading makes many long-lived objects and no garbage worth collecting, so Python's
    cyclic garbage collector is paused meanwhile (it would otherwise scan the growing
    model again and again: a third of a large archive's check), and what was loaded is
    then frozen out of its later scans (gc.freeze; freed by reference counting as usual).
    A process that loads again (the tests) first hands what an earlier load froze back to
    the collector, so what it no longer uses can be collected. What PyYAML and markdown-it
    made of a text that has not changed comes from the source cache (sources/cache.py)."""
    paused = gc.isenabled()
    gc.unfreeze()
    gc.disable()
    try:
        root = root.resolve()
        with source_cache.kept(root) as cache:
            loader = _Loader(root, cache)
            loaded = loader.repository(), loader.diagnostics
    finally:
        if paused:
            gc.freeze()
            gc.enable()
    return loaded


class _Loader(CommitteeReader):
    def __init__(self, root: Path, cache: SourceCache) -> None:
        super().__init__(root, cache)
        self.numbering = DEFAULT  # the committee's, once nufa.yaml is read
        self.kortnavn = ""

    # -- the repository --------------------------------------------------------

    def repository(self) -> Repository:
        committee = self.committee()
        self.numbering, self.kortnavn = committee.numbering, committee.kortnavn
        members = self.members()
        meetings = []
        for folder in self.folders():
            ahead.claim(folder)  # the later ones may be read by a second process already
            meeting = self.meeting(folder, committee, members)
            if meeting:
                meetings.append(meeting)
        meetings.sort(key=lambda m: m.first_day)
        repo = Repository(self.root, committee, members, meetings, self.settings)
        self.diagnostics += number_meetings(repo)
        self.diagnostics += number_attachments(repo)
        return repo

    def sak_number(self, source: Source, at: Path_, value: object, year: int,
                   folder: str) -> SakNr | None:
        """A sak number as written in a source, read with the committee's format; a located
        diagnostic when it does not match (none when the format itself is broken)."""
        nr = self.numbering.parse(str(value), year=year, meeting=folder)
        if nr is None and self.numbering.usable:
            message, hint = self.numbering.invalid(value, dotted(at), year=year)
            self.report(source, at, "invalid-value", message, hint)
        return nr

    def raw_sak_numbers(self, source: Source, places: list[Path_], year: int) -> None:
        """The sak numbers of a file whose schema failed, reported as the schema reports its
        other problems (the file is not used further)."""
        data = source.doc.data if source.doc else None
        for at in places:
            value = _value(data, at)
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                self.sak_number(source, at, value, year, "")

    def members(self) -> list[Member]:
        path = self.root / MEMBERS
        if not path.exists():
            self.diagnostics.append(Diagnostic(
                MEMBERS, 0, 0, "file-missing", "the member registry medlemmer.yaml is missing",
                "create it with a list 'medlemmer:' of navn and virksomhet; see FORMAT.md"))
            return []
        registry, source = self.read_yaml(path, schema.Medlemmer)
        self.settings.append(source)
        if registry is None:
            return []
        members, seen = [], set()
        for i, entry in enumerate(registry.medlemmer):
            member = Member(entry.id or slug(entry.navn), entry.navn, entry.virksomhet,
                            entry.fra, entry.til, entry.rolle, entry.parti)
            if member.id in seen:
                self.report(source, ("medlemmer", i), "duplicate-member",
                            f"two members have the id '{member.id}'",
                            "give one of them an explicit 'id:'")
            if member.fra and member.til and member.til < member.fra:
                self.report(source, ("medlemmer", i, "til"), "invalid-value",
                            f"membership of {member.navn} ends before it starts")
            seen.add(member.id)
            members.append(member)
        return members

    def folders(self) -> list[Path]:
        meetings = self.root / MEETINGS
        if not meetings.is_dir() or self.linked(meetings):
            return []
        folders = []
        for folder in sorted(p for p in meetings.iterdir() if p.is_dir()):
            if self.linked(folder):
                continue
            if (folder / AGENDA).is_file():
                folders.append(folder)
            else:
                self.diagnostics.append(Diagnostic(
                    self.rel(folder), 0, 0, "file-missing",
                    f"the meeting folder has no {AGENDA}",
                    f"add {AGENDA}, or remove the folder if it is not a meeting"))
        return folders

    # -- one meeting ---------------------------------------------------------------

    def meeting(self, folder: Path, committee: Committee, members: list[Member]) -> Meeting | None:
        agenda, source = self.read_yaml(folder / AGENDA, schema.Agenda)
        if agenda is None:
            data = source.doc.data if source.doc else None
            places: list[Path_] = [("dager", d, "program", r, "sak")
                      for d, dag in enumerate(_list(data, "dager"))
                      for r, _ in enumerate(_list(dag, "program"))]
            places += [("første_sak",), *(("første_sak", i) for i in range(len(_list(data, "første_sak"))))]
            self.raw_sak_numbers(source, places, _year_of(folder.name))
            return None
        first = agenda.dager[0].dato
        numbers: dict[Path_, SakNr | None] = {}
        for d, dag in enumerate(agenda.dager):
            for r, rad in enumerate(dag.program):
                if rad.sak is not None:
                    place: Path_ = ("dager", d, "program", r, "sak")
                    numbers[place[:-1]] = self.sak_number(source, place, rad.sak, first.year,
                                                          folder.name)
        starts = self.first_numbers(source, agenda.første_sak, first.year, folder.name)
        if None in numbers.values() or starts is None:
            return None  # as a file the schema refuses: its own diagnostics say why
        if folder.name != first.isoformat():
            self.report(source, ("dager", 0, "dato"), "folder-date",
                        f"the meeting folder is named '{folder.name}' but the first day is "
                        f"{first.isoformat()}",
                        f"rename the folder to meetings/{first.isoformat()}")
        used_notes: set[Path] = set()
        days: list[Day] = []
        saker: list[Sak] = []
        for d, dag in enumerate(agenda.dager):
            rows = []
            previous_end: dt.time | None = None
            begun = False  # a row that takes time has come: the first starts at the day's start
            for r, rad in enumerate(dag.program):
                at: Path_ = ("dager", d, "program", r)
                if rad.tema is not None:
                    rows.append(self.tema(source, at, rad))
                    continue  # takes no time: the rows around it keep their chain
                # a sak with innslag takes the time of its first part (FORMAT.md)
                tid = rad.tid or (rad.innslag[0].tid if rad.innslag else None)
                start = _row_start(tid, previous_end, dag.start if not begun else None)
                row = self.row(source, at, rad, start, d + 1, dag.dato, folder, used_notes, saker,
                               numbers.get(at))
                rows.append(row)
                previous_end, begun = row.end, True
            days.append(Day(d + 1, dag.dato, nbdates.parse_clock(dag.start),
                            nbdates.parse_clock(dag.slutt) if dag.slutt else None, rows, dag.sted))
        self.unused_toppnotater(folder, used_notes)
        signatures = tuple((u.navn, u.tittel) for u in agenda.innkalling.underskrift)
        meeting = Meeting(folder.name, folder, source, "", agenda.sted, agenda.status, days, saker,
                          [m for m in members if m.valid_on(first)], declared_number=agenda.møte,
                          lang=committee.lang, first_numbers=starts,
                          cover=agenda.innkalling.tekst, signatures=signatures)
        if (folder / REFERAT).exists():
            meeting.referat = self.referat(folder / REFERAT, first.year, folder.name,
                                           committee.lang)
        return meeting

    def first_numbers(self, source: Source, første: str | list[str] | None, year: int,
                      folder: str) -> dict[str, SakNr] | None:
        """første_sak: where the meeting's numbering starts, by serie; None when one is not a
        sak number (reported)."""
        if første is None:
            return {}
        values = [((("første_sak",)), første)] if isinstance(første, str) else [
            (("første_sak", i), v) for i, v in enumerate(første)]
        found: dict[str, SakNr] = {}
        for at, value in values:
            nr = self.sak_number(source, at, value, year, folder)
            if nr is None:
                return None
            if nr.serie in found:
                self.report(source, at, "first-sak-duplicate",
                            f"første_sak names two starts for the same serie: {found[nr.serie]} "
                            f"and {nr}", "give one number per serie")
            found.setdefault(nr.serie, nr)
        return found

    def end_of(self, source: Source, at: Path_, start: dt.time | None,
               varighet: int | None) -> dt.time | None:
        if start is None or varighet is None:
            return None
        end = nbdates.add_minutes(start, varighet)
        if end is None:
            self.report(source, (*at, "varighet"), "time-overflow",
                        f"{nbdates.clock(start)} + {varighet} minutes passes midnight")
        return end

    def tema(self, source: Source, at: Path_, rad: schema.Rad) -> Row:
        """A tema row: a heading of the programme, taking no time and holding no sak."""
        if rad.sak is not None:
            self.report(source, (*at, "sak"), "tema-with-sak",
                        f"the tema row '{rad.tema}' has a sak; a tema is a heading of the rows "
                        "below it", "put the sak on a row of its own below the tema")
        for key in _TEMA_KEYS:
            if getattr(rad, key) not in (None, []):
                self.report(source, (*at, key), "tema-row",
                            f"'{key}' on the tema row '{rad.tema}': a tema is a heading and "
                            "takes no time", "move it to the row below, or remove it")
        return Row(rad.tema or "", None, None, None, [], at, tema=True)

    def row(self, source: Source, at: Path_, rad: schema.Rad, start: dt.time | None, day: int,
            dato: dt.date, folder: Path, used_notes: set[Path], saker: list[Sak],
            nr: SakNr | None) -> Row:
        parts, part_end = [], None
        for p, innslag in enumerate(rad.innslag):
            part_at = (*at, "innslag", p)
            part_start = nbdates.parse_clock(innslag.tid) if innslag.tid else (
                part_end if p else start)
            part_end = self.end_of(source, part_at, part_start, innslag.varighet)
            parts.append(Row(innslag.tittel, part_start, part_end, None, [], part_at,
                             innleder=innslag.innleder))
        end = self.end_of(source, at, start, rad.varighet) if not parts else (
            self.end_of(source, at, start, rad.varighet) or parts[-1].end)
        if rad.sak is None:
            for key in _SAK_KEYS:
                if getattr(rad, key) not in (None, []):  # lists default to empty
                    self.report(source, (*at, key), "row-without-sak",
                                f"'{key}' belongs to a sak, but this row has no 'sak:'",
                                "add 'sak: N/YY' to the row, or remove the key")
            if not rad.tittel:
                self.report(source, at, "missing-field", "a row without 'sak:' needs a 'tittel:'")
            return Row(rad.tittel or "", start, end, None, parts, at, innleder=rad.innleder)
        assert nr is not None  # meeting() reads every row's number first
        sak = self.sak(source, at, rad, nr, start, day, dato, folder, used_notes)
        saker.append(sak)
        return Row(sak.tittel, start, end, sak, parts, at, innleder=rad.innleder)

    def sak(self, source: Source, at: Path_, rad: schema.Rad, nr: SakNr, start: dt.time | None,
            day: int, dato: dt.date, folder: Path, used_notes: set[Path]) -> Sak:
        note = self.toppnotat(source, at, rad, nr, folder, used_notes) if rad.toppnotat else None
        fields: dict[str, Any] = {}
        for key in _MERGED:
            mine, theirs = getattr(rad, key), getattr(note.meta, key) if note else None
            if mine is not None and theirs is not None and mine != theirs:
                self.report(source, (*at, key), "field-conflict",
                            f"'{key}' of sak {nr} differs between agenda.yaml and "
                            f"{note.source.rel if note else ''}",
                            "keep the value in one place: the toppnotat")
            fields[key] = mine if mine is not None else theirs
        vedlegg = list(rad.vedlegg)
        if note and note.meta.vedlegg:
            if vedlegg and [v.model_dump() for v in vedlegg] != [
                    v.model_dump() for v in note.meta.vedlegg]:
                self.report(source, (*at, "vedlegg"), "field-conflict",
                            f"'vedlegg' of sak {nr} differs between agenda.yaml and "
                            f"{note.source.rel}", "keep the list in one place: the toppnotat")
            vedlegg = vedlegg or list(note.meta.vedlegg)
        if not fields["tittel"] and not rad.toppnotat:  # a broken toppnotat is reported already
            self.report(source, at, "missing-field",
                        f"sak {nr} has no title: give 'tittel:' or a 'toppnotat:'")
        sak = Sak(nr, fields["tittel"] or "", fields["type"], fields["beskrivelse"],
                  fields["forslag_til_vedtak"], note.meta.sakseier if note else None,
                  note.meta.saksbehandler if note else None, fields["skjermet"], note, day, dato,
                  start, at, innleder=rad.innleder, arkivsak=fields["arkivsak"],
                  lukket=fields["lukket"] or None, offentlig_tittel=fields["offentlig_tittel"])
        if rad.vedlegg:
            sak.declared_vedlegg = [(v, source, (*at, "vedlegg", i)) for i, v in enumerate(vedlegg)]
        elif note:
            sak.declared_vedlegg = [(v, note.source, ("vedlegg", i)) for i, v in enumerate(vedlegg)]
        return sak

    def toppnotat(self, source: Source, at: Path_, rad: schema.Rad, nr: SakNr, folder: Path,
                  used_notes: set[Path]) -> Toppnotat | None:
        path, why = inside(folder, rad.toppnotat or "", self.plain)
        if path is None:
            self.report(source, (*at, "toppnotat"), "source-symlink" if why == SYMLINK
                        else "toppnotat-path", f"toppnotat '{rad.toppnotat}' is not usable: {why}")
            return None
        if not path.is_file():
            self.report(source, (*at, "toppnotat"), "toppnotat-missing",
                        f"toppnotat file '{rad.toppnotat}' does not exist",
                        f"create {self.rel(path)}, or correct the path")
            return None
        real = path  # no link below the (real) meeting folder, no '..': the file's real path
        if real in used_notes:
            self.report(source, (*at, "toppnotat"), "toppnotat-reused",
                        f"toppnotat '{rad.toppnotat}' is already used by another sak")
            return None
        used_notes.add(real)
        meta, note_source, body, body_line = self.read_markdown(path, schema.ToppnotatMeta)
        year, cited = nr.year, self._cited_places(note_source)
        if meta is None:
            self.raw_sak_numbers(note_source, [("sak",), *((*at, "sak") for at in cited)], year)
            return None
        numbers = [self.sak_number(note_source, ("sak",), meta.sak, year, folder.name)]
        numbers += [self.sak_number(note_source, ("tidligere_behandlinger", i, "sak"), entry.sak,
                                    entry.møte.year if entry.møte else year, "")
                    for i, entry in enumerate(meta.tidligere_behandlinger)
                    if entry.utvalg == self.kortnavn]
        if None in numbers:
            return None  # as a file the schema refuses
        if numbers[0] != nr:
            self.report(note_source, ("sak",), "toppnotat-sak",
                        f"the toppnotat says sak {meta.sak}, but the agenda lists it as sak {nr}",
                        "make the numbers agree (nufa renumber does it for you)")
        return Toppnotat(note_source, meta, body, body_line)

    def unused_toppnotater(self, folder: Path, used: set[Path]) -> None:
        notes = folder / "toppnotater"
        if not notes.is_dir():
            return
        try:
            with os.scandir(notes) as entries:  # each says whether it is a link: no stat for it
                found = sorted((e.name, e.is_symlink()) for e in entries if e.name.endswith(".md"))
        except OSError:  # unreadable: the toppnotater the agenda names are reported as such
            return
        for name, link in found:
            path = notes / name
            try:
                real: Path | None = path.resolve() if link else path
            except (OSError, RuntimeError):  # a link in a loop (RuntimeError before 3.13)
                real = None  # points to no toppnotat
            if real not in used:
                self.diagnostics.append(Diagnostic(
                    self.rel(path), 0, 0, "toppnotat-unused",
                    "no sak in agenda.yaml points to this toppnotat",
                    "add 'toppnotat: toppnotater/" + path.name + "' to its sak", Severity.WARNING))

    def _cited_places(self, source: Source) -> list[Path_]:
        """Where a toppnotat's earlier treatments of this committee stand."""
        data = source.doc.data if source.doc else None
        return [("tidligere_behandlinger", i) for i, entry in enumerate(
                _list(data, "tidligere_behandlinger"))
                if isinstance(entry, dict) and entry.get("utvalg") == self.kortnavn]

    def referat(self, path: Path, year: int, folder: str,
                texts: lang.Catalogue) -> Referat | None:
        meta, source, body, body_line = self.read_markdown(path, schema.ReferatMeta)
        if meta is None:
            return None
        preamble, found = markdown.sections(body, 2)
        sections: dict[SakNr, ReferatSection] = {}
        for section in found:
            line = body_line + section.line
            nr = self.numbering.parse(section.heading.strip(), year=year, meeting=folder)
            if nr is None:
                example = "7/24" if self.numbering == DEFAULT else self.numbering.example()
                self.diagnostics.append(Diagnostic(
                    source.rel, line, 1, "referat-heading",
                    f"the section '## {section.heading}' does not name a sak",
                    f"write the sak number alone, e.g. '## {example}'"))
                continue
            if nr in sections:
                self.diagnostics.append(Diagnostic(
                    source.rel, line, 1, "referat-duplicate", f"sak {nr} has two sections",
                    "merge them into one"))
                continue
            sections[nr] = self.referat_section(source, nr, line, body_line, section, texts)
        protokoll = read_protokoll(
            meta, lambda at, text: self.sak_number(source, at, text, year, folder), slug)
        introduction = preamble.strip("\n") if markdown.without_comments(preamble).strip() else ""
        return Referat(source, meta, sections, body_line, introduction, protokoll, body)

    def referat_section(self, source: Source, nr: SakNr, line: int, body_line: int,
                        section: markdown.Section, texts: lang.Catalogue) -> ReferatSection:
        """A sak's minutes: its named parts (### Vedtak, ### Protokolltilførsel) taken out, each
        at most once; the minutes are the rest, in order, also what follows a named part."""
        _, subsections = markdown.sections(section.text, 3)
        lines = section.text.split("\n")
        parts: dict[str, str] = {}
        kinds: dict[str, str] = {}  # the part as headed: "vedtak" may be an "innstilling"
        cut: list[tuple[int, int]] = []
        names = {heading: part for part in _NAMED_PARTS
                 for heading in (part, texts(part).strip().lower())}
        for k, sub in enumerate(subsections):
            name = names.get(sub.heading.strip().lower())
            if name is None:
                continue
            decision = "vedtak" if name in ("vedtak", "innstilling") else name
            if decision in parts:
                what = (f"two '### {sub.heading.strip()}' headings" if kinds[decision] == name
                        else "both a vedtak and an innstilling")
                self.diagnostics.append(Diagnostic(
                    source.rel, body_line + section.text_line + sub.line, 1,
                    "referat-duplicate", f"sak {nr} has {what}", "keep one"))
                continue
            kinds[decision] = name
            parts[decision] = sub.text.strip()
            end = subsections[k + 1].line if k + 1 < len(subsections) else len(lines)
            cut.append((sub.line, end))
        kept = [text for i, text in enumerate(lines) if not any(a <= i < b for a, b in cut)]
        return ReferatSection(nr, line, "\n".join(kept).strip("\n"),
                              parts.get("vedtak") or None, parts.get("protokolltilførsel") or None,
                              kinds.get("vedtak") == "innstilling")


def _list(data: object, key: str) -> list[Any]:
    """data[key] when data is a mapping and that is a list, else []: raw YAML, schema unchecked."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _value(data: object, at: Path_) -> object:
    for step in at:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def _year_of(folder: str) -> int:
    """The year of a meeting folder's name, for reading a two-digit year; 2000 if none."""
    return int(folder[:4]) if folder[:4].isdigit() else 2000


def _row_start(tid: str | None, previous_end: dt.time | None,
               day_start: str | None) -> dt.time | None:
    """A row's own time, else the end of the row before, else (first row) the day's start."""
    if tid:
        return nbdates.parse_clock(tid)
    if previous_end:
        return previous_end
    return nbdates.parse_clock(day_start) if day_start else None
