"""Load a nufa repository: read every source, validate its schema, derive the model.

Derivation (times from durations, meeting numbers, vedlegg numbers, merged
toppnotat fields) happens here once; rules that compare derived values live in
check/validate.py. Nothing here raises for bad content: problems become diagnostics.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from nufa_cli.core import nbdates
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
from nufa_cli.sources import markdown, schema
from nufa_cli.sources.reader import Path_, load_yaml, read_text, split_front_matter
from nufa_cli.sources.schemacheck import check

_MERGED = ("tittel", "type", "beskrivelse", "forslag_til_vedtak", "skjermet")


def load(root: Path) -> tuple[Repository, list[Diagnostic]]:
    loader = _Loader(root.resolve())
    return loader.repository(), loader.diagnostics


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.diagnostics: list[Diagnostic] = []
        self.settings: list[Source] = []  # nufa.yaml and medlemmer.yaml, for rules over their text

    # -- helpers -------------------------------------------------------------

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def report(self, source: Source, at: Path_, code: str, message: str, hint: str = "",
               severity: Severity = Severity.ERROR, *, key: bool = False) -> None:
        self.diagnostics.append(source.diagnostic(at, code, message, hint, severity, key=key))

    def linked(self, path: Path) -> bool:
        """A source behind a symbolic link: reported, and not read."""
        link = symlinked(path, self.root)
        if link is None:
            return False
        self.diagnostics.append(Diagnostic(
            self.rel(link), 0, 0, "source-symlink", f"{self.rel(link)} is {SYMLINK}",
            "put the file or folder itself in the repository (copy it, or move it in)"))
        return True

    def read_yaml(self, path: Path, model: type[Any]) -> tuple[Any, Source]:
        source = Source(path, self.rel(path))
        if self.linked(path):
            return None, source
        text, problems = read_text(path, source.rel)
        self.diagnostics += problems
        if text is None:
            return None, source
        doc, problems = load_yaml(text, source.rel)
        self.diagnostics += problems
        source.doc = doc
        if doc is None or problems:
            return None, source
        self.diagnostics += doc.warnings
        value, problems = check(model, doc, source.rel)
        self.diagnostics += problems
        return value, source

    def read_markdown(self, path: Path, model: type[Any]) -> tuple[Any, Source, str, int]:
        source = Source(path, self.rel(path))
        if self.linked(path):
            return None, source, "", 1
        text, problems = read_text(path, source.rel)
        self.diagnostics += problems
        if text is None:
            return None, source, "", 1
        parsed, problems = split_front_matter(text, source.rel)
        self.diagnostics += problems
        source.doc = parsed.front
        if problems:
            return None, source, parsed.body, parsed.body_line
        if parsed.front is not None:
            self.diagnostics += parsed.front.warnings
        if parsed.front is None:
            self.diagnostics.append(Diagnostic(
                source.rel, 1, 1, "front-matter", "the file has no front matter",
                "start it with a block between two '---' lines; see FORMAT.md"))
            return None, source, parsed.body, parsed.body_line
        value, problems = check(model, parsed.front, source.rel)
        self.diagnostics += problems
        return value, source, parsed.body, parsed.body_line

    # -- the repository --------------------------------------------------------

    def repository(self) -> Repository:
        committee = self.committee()
        members = self.members()
        meetings = [m for m in (self.meeting(f, committee, members) for f in self.folders()) if m]
        meetings.sort(key=lambda m: m.first_day)
        repo = Repository(self.root, committee, members, meetings, self.settings)
        self.diagnostics += number_meetings(repo)
        self.diagnostics += number_attachments(repo)
        return repo

    def committee(self) -> Committee:
        config, source = schema.NufaConfig(), None
        path = self.root / CONFIG
        if path.exists():
            loaded, source = self.read_yaml(path, schema.NufaConfig)
            self.settings.append(source)
            config = loaded or config
        maler = self.maler(source, config.maler) if source and config.maler else None
        logo_alt = config.logo_alt or f"Logo for {config.utvalg.navn}"
        return Committee(config.utvalg.navn, config.utvalg.kortnavn, config.sekretariat,
                         tuple(config.sakstyper), maler, config.font, logo_alt)

    def maler(self, source: Source, value: str) -> Path | None:
        """The committee's own templates folder: an existing folder inside the repository."""
        folder = self.root / value
        try:
            outside = Path(value).is_absolute() or ".." in Path(value).parts or \
                not folder.resolve().is_relative_to(self.root)
            itself = folder.resolve() == self.root  # its fingerprint would cover build/ too
            missing = not folder.is_dir()
        except (OSError, ValueError):  # a NUL byte or an over-long name: no folder can have it
            outside, itself, missing = False, False, True
        if outside or itself:
            where = "lies outside the repository" if outside else "is the repository itself"
            self.report(source, ("maler",), "maler-path", f"maler folder '{value}' {where}",
                        "give a folder inside the repository, e.g. 'maler: maler/'")
        elif missing:
            self.report(source, ("maler",), "maler-missing",
                        f"maler folder '{value}' does not exist",
                        "create the folder, or remove 'maler:' from nufa.yaml to use the "
                        "built-in templates")
        return None if outside or itself or missing else folder

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
                            entry.fra, entry.til)
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
            return None
        first = agenda.dager[0].dato
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
            for r, rad in enumerate(dag.program):
                at = ("dager", d, "program", r)
                # a sak with innslag takes the time of its first part (FORMAT.md)
                tid = rad.tid or (rad.innslag[0].tid if rad.innslag else None)
                start = _row_start(tid, previous_end, dag.start if r == 0 else None)
                row = self.row(source, at, rad, start, d + 1, dag.dato, folder, used_notes, saker)
                rows.append(row)
                previous_end = row.end
            days.append(Day(d + 1, dag.dato, nbdates.parse_clock(dag.start),
                            nbdates.parse_clock(dag.slutt), rows))
        self.unused_toppnotater(folder, used_notes)
        meeting = Meeting(folder.name, folder, source, "", agenda.sted, agenda.status, days, saker,
                          [m for m in members if m.valid_on(first)], declared_number=agenda.møte)
        if (folder / REFERAT).exists():
            meeting.referat = self.referat(folder / REFERAT)
        return meeting

    def end_of(self, source: Source, at: Path_, start: dt.time | None,
               varighet: int | None) -> dt.time | None:
        if start is None or varighet is None:
            return None
        end = nbdates.add_minutes(start, varighet)
        if end is None:
            self.report(source, (*at, "varighet"), "time-overflow",
                        f"{nbdates.clock(start)} + {varighet} minutes passes midnight")
        return end

    def row(self, source: Source, at: Path_, rad: schema.Rad, start: dt.time | None, day: int,
            dato: dt.date, folder: Path, used_notes: set[Path], saker: list[Sak]) -> Row:
        parts, part_end = [], None
        for p, innslag in enumerate(rad.innslag):
            part_at = (*at, "innslag", p)
            part_start = nbdates.parse_clock(innslag.tid) if innslag.tid else (
                part_end if p else start)
            part_end = self.end_of(source, part_at, part_start, innslag.varighet)
            parts.append(Row(innslag.tittel, part_start, part_end, None, [], part_at))
        end = self.end_of(source, at, start, rad.varighet) if not parts else (
            self.end_of(source, at, start, rad.varighet) or parts[-1].end)
        if rad.sak is None:
            for key in ("type", "beskrivelse", "forslag_til_vedtak", "toppnotat", "skjermet",
                        "vedlegg", "innslag"):
                if getattr(rad, key) not in (None, []):  # lists default to empty
                    self.report(source, (*at, key), "row-without-sak",
                                f"'{key}' belongs to a sak, but this row has no 'sak:'",
                                "add 'sak: N/YY' to the row, or remove the key")
            if not rad.tittel:
                self.report(source, at, "missing-field", "a row without 'sak:' needs a 'tittel:'")
            return Row(rad.tittel or "", start, end, None, parts, at)
        sak = self.sak(source, at, rad, start, day, dato, folder, used_notes)
        saker.append(sak)
        return Row(sak.tittel, start, end, sak, parts, at)

    def sak(self, source: Source, at: Path_, rad: schema.Rad, start: dt.time | None, day: int,
            dato: dt.date, folder: Path, used_notes: set[Path]) -> Sak:
        nr = SakNr.parse(rad.sak or "")
        assert nr is not None  # the schema's pattern guarantees it
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
                  start, at)
        if rad.vedlegg:
            sak.declared_vedlegg = [(v, source, (*at, "vedlegg", i)) for i, v in enumerate(vedlegg)]
        elif note:
            sak.declared_vedlegg = [(v, note.source, ("vedlegg", i)) for i, v in enumerate(vedlegg)]
        return sak

    def toppnotat(self, source: Source, at: Path_, rad: schema.Rad, nr: SakNr, folder: Path,
                  used_notes: set[Path]) -> Toppnotat | None:
        path, why = inside(folder, rad.toppnotat or "")
        if path is None:
            self.report(source, (*at, "toppnotat"), "source-symlink" if why == SYMLINK
                        else "toppnotat-path", f"toppnotat '{rad.toppnotat}' is not usable: {why}")
            return None
        if not path.is_file():
            self.report(source, (*at, "toppnotat"), "toppnotat-missing",
                        f"toppnotat file '{rad.toppnotat}' does not exist",
                        f"create {self.rel(path)}, or correct the path")
            return None
        if path.resolve() in used_notes:
            self.report(source, (*at, "toppnotat"), "toppnotat-reused",
                        f"toppnotat '{rad.toppnotat}' is already used by another sak")
            return None
        used_notes.add(path.resolve())
        meta, note_source, body, body_line = self.read_markdown(path, schema.ToppnotatMeta)
        if meta is None:
            return None
        if SakNr.parse(meta.sak) != nr:
            self.report(note_source, ("sak",), "toppnotat-sak",
                        f"the toppnotat says sak {meta.sak}, but the agenda lists it as sak {nr}",
                        "make the numbers agree (nufa renumber does it for you)")
        return Toppnotat(note_source, meta, body, body_line)

    def unused_toppnotater(self, folder: Path, used: set[Path]) -> None:
        notes = folder / "toppnotater"
        if not notes.is_dir():
            return
        for path in sorted(notes.glob("*.md")):
            if path.resolve() not in used:
                self.diagnostics.append(Diagnostic(
                    self.rel(path), 0, 0, "toppnotat-unused",
                    "no sak in agenda.yaml points to this toppnotat",
                    "add 'toppnotat: toppnotater/" + path.name + "' to its sak", Severity.WARNING))

    def referat(self, path: Path) -> Referat | None:
        meta, source, body, body_line = self.read_markdown(path, schema.ReferatMeta)
        if meta is None:
            return None
        preamble, found = markdown.sections(body, 2)
        if preamble.strip():
            self.diagnostics.append(Diagnostic(
                source.rel, body_line, 1, "referat-text-outside",
                "text before the first '## N/YY' section belongs to no sak and is not printed",
                "move it into a sak's section"))
        sections: dict[SakNr, ReferatSection] = {}
        for section in found:
            line = body_line + section.line
            nr = SakNr.parse(section.heading)
            if nr is None:
                self.diagnostics.append(Diagnostic(
                    source.rel, line, 1, "referat-heading",
                    f"the section '## {section.heading}' does not name a sak",
                    "write the sak number alone, e.g. '## 7/24'"))
                continue
            if nr in sections:
                self.diagnostics.append(Diagnostic(
                    source.rel, line, 1, "referat-duplicate", f"sak {nr} has two sections",
                    "merge them into one"))
                continue
            _, subsections = markdown.sections(section.text, 3)
            vedtak = [s for s in subsections if s.heading.lower() == "vedtak"]
            if len(vedtak) > 1:
                self.diagnostics.append(Diagnostic(
                    source.rel, body_line + section.text_line + vedtak[1].line, 1,
                    "referat-duplicate", f"sak {nr} has two '### Vedtak' headings", "keep one"))
            minutes = section.text
            if vedtak:  # the minutes are the rest, also what follows the Vedtak, in order
                lines = section.text.split("\n")
                after = subsections.index(vedtak[0]) + 1
                end = subsections[after].line if after < len(subsections) else len(lines)
                minutes = "\n".join(lines[: vedtak[0].line] + lines[end:]).strip("\n")
            sections[nr] = ReferatSection(nr, line, minutes,
                                          vedtak[0].text.strip() or None if vedtak else None)
        return Referat(source, meta, sections, body_line)


def _row_start(tid: str | None, previous_end: dt.time | None,
               day_start: str | None) -> dt.time | None:
    """A row's own time, else the end of the row before, else (first row) the day's start."""
    if tid:
        return nbdates.parse_clock(tid)
    if previous_end:
        return previous_end
    return nbdates.parse_clock(day_start) if day_start else None
