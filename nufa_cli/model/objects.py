"""Typed objects of a loaded repository; everything derivable is derived here once."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from nufa_cli.core import lang as catalogue
from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.core.root import REFERAT
from nufa_cli.model.protokoll import Protokoll
from nufa_cli.model.saknr import DEFAULT, SakFormat
from nufa_cli.model.saknr import SakNr as SakNr  # re-exported: the model names a sak by it
from nufa_cli.sources.reader import Located, Path_, Pos
from nufa_cli.sources.schema import Behandling, Bunntekst, ReferatMeta, ToppnotatMeta
from nufa_cli.sources.schema import Vedlegg as VedleggDecl


def slug(text: str) -> str:
    """ASCII slug as used for member ids: "Øyvind Broback" -> "oyvind-broback"."""
    text = text.lower().replace("ø", "o").replace("æ", "ae").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.replace(".", "")).strip("-")


@dataclass(frozen=True)
class Committee:
    navn: str
    kortnavn: str
    sekretariat: str
    sakstyper: tuple[str, ...]
    maler: Path | None
    font: str | None = None  # None: the templates' own font (Carlito)
    logo_alt: str = ""  # alt text of the logo in the templates folder
    lang: catalogue.Catalogue = field(default_factory=catalogue.builtin)  # every printed word
    seksjoner: tuple[str, ...] = ()  # the sections check expects in a toppnotat
    numbering: SakFormat = DEFAULT  # how sak numbers are written, and where they restart
    vedtak_optional: frozenset[str] = frozenset()  # sakstyper an endelig referat may leave open
    bunntekst: Bunntekst = "begge"  # what the footer shows beside the page number


@dataclass(frozen=True)
class Member:
    id: str
    navn: str
    virksomhet: str | None
    fra: dt.date | None
    til: dt.date | None
    rolle: str | None = None  # "styreleder", "nestleder": printed after the name
    parti: str | None = None  # "H", "Ap"

    def valid_on(self, day: dt.date) -> bool:
        return (self.fra is None or self.fra <= day) and (self.til is None or day <= self.til)

    @property
    def label(self) -> str:
        """"Navn, Virksomhet"; with the role and party: "Navn, ordfører, Virksomhet (Sp)"."""
        text = ", ".join(part for part in (self.navn, self.rolle, self.virksomhet) if part)
        return f"{text} ({self.parti})" if self.parti else text


@dataclass
class Source:
    """A loaded file: where it is and where its YAML values stood."""

    path: Path
    rel: str
    doc: Located | None = None

    def pos(self, at: Path_ = ()) -> Pos:
        return self.doc.pos(at) if self.doc else Pos(1, 1)

    def diagnostic(self, at: Path_, code: str, message: str, hint: str = "",
                   severity: Severity = Severity.ERROR, *, key: bool = False) -> Diagnostic:
        """A problem located at the value (or with key=True, the key) at path `at`."""
        pos = self.doc.key_pos(at) if key and self.doc else self.pos(at)
        return Diagnostic(self.rel, pos.line, pos.col, code, message, hint, severity)


@dataclass
class Toppnotat:
    source: Source
    meta: ToppnotatMeta
    body: str
    body_line: int


@dataclass
class Attachment:
    label: str  # "1", "7A": derived from agenda order
    tittel: str
    kind: str  # toppnotat | referat | fil | url | tittel (a title alone, not in the papers);
    # unntatt: withheld in offentlig.public_view
    target: str  # meeting folder, path in the meeting folder, or address
    skjermet: str | None = None
    offentlig_tittel: str | None = None  # the title the public view prints when it is withheld


@dataclass
class Sak:
    nr: SakNr
    tittel: str
    type: str | None
    beskrivelse: str | None
    forslag_til_vedtak: str | None
    sakseier: str | None
    saksbehandler: str | None
    skjermet: str | None
    toppnotat: Toppnotat | None
    day: int  # 1-based day of the meeting
    dato: dt.date
    tid: dt.time | None
    at: Path_  # where the row stands in agenda.yaml
    attachments: list[Attachment] = field(default_factory=list)
    offentlig_tittel: str | None = None  # the title the public view prints for a skjermet sak
    innleder: str | None = None  # who presents it
    arkivsak: str | None = None  # the archive's case number
    lukket: str | bool | None = None  # treated in a closed session: its basis, or True
    # (vedlegg, file it is declared in, where in that file), numbered once all meetings are known
    declared_vedlegg: list[tuple[VedleggDecl, Source, Path_]] = field(default_factory=list)


@dataclass
class Row:
    """A printed row of the dagsorden: a sak, a break, a meal, a timed part of a sak, or a
    tema heading (tema: it takes no time)."""

    tittel: str
    tid: dt.time | None
    end: dt.time | None
    sak: Sak | None = None
    parts: list[Row] = field(default_factory=list)
    at: Path_ = ()
    tema: bool = False
    innleder: str | None = None


@dataclass
class Day:
    index: int
    dato: dt.date
    start: dt.time
    slutt: dt.time | None  # None: not given, no "Slutt dag N"
    rows: list[Row]
    sted: str | None = None  # the day's own place


@dataclass
class ReferatSection:
    nr: SakNr
    line: int
    minutes: str  # Markdown of the section except its "### Vedtak" and other named parts
    vedtak: str | None  # Markdown under "### Vedtak"
    protokolltilførsel: str | None = None  # Markdown under "### Protokolltilførsel"
    innstilling: bool = False  # the decision is headed "### Innstilling": sent on to another body


@dataclass
class Referat:
    source: Source
    meta: ReferatMeta
    sections: dict[SakNr, ReferatSection]
    body_line: int
    introduction: str = ""  # Markdown before the first sak's heading: printed before the saker
    protokoll: Protokoll = field(default_factory=Protokoll)  # the front matter's facts, read
    body: str = ""  # the Markdown after the front matter, as read (check's rules read it whole)


@dataclass
class Meeting:
    folder: str
    path: Path
    source: Source  # agenda.yaml
    number: str  # "2/24", derived from the order of the repo's meetings; "" when not known
    sted: str | None
    status: str
    days: list[Day]
    saker: list[Sak]
    members: list[Member]
    referat: Referat | None = None
    declared_number: str | None = None  # 'møte:' as written, checked against the derived one
    first_numbers: dict[str, SakNr] = field(default_factory=dict)  # første_sak, by serie
    cover: str | None = None  # innkalling.tekst: Markdown before the dagsorden
    signatures: tuple[tuple[str, str | None], ...] = ()  # innkalling.underskrift: (navn, tittel)
    lang: catalogue.Catalogue = field(default_factory=catalogue.builtin, repr=False)  # the committee's

    @property
    def first_day(self) -> dt.date:
        return self.days[0].dato

    @property
    def date_range(self) -> str:
        """24. – 25. april 2024"""
        return self.lang.date_range([day.dato for day in self.days])

    @property
    def draft(self) -> bool:
        return self.status == "utkast"

    @property
    def referat_broken(self) -> bool:
        """referat.md is there but did not load: its own diagnostics say why."""
        return self.referat is None and (self.path / REFERAT).is_file()

    def sted_of(self, day: Day) -> str | None:
        return day.sted or self.sted

    def documents(self) -> list[Toppnotat | Referat]:
        """The meeting's Markdown documents: its toppnotater in agenda order, then its referat
        (what check reads as Markdown bodies)."""
        found: list[Toppnotat | Referat] = [s.toppnotat for s in self.saker if s.toppnotat]
        if self.referat:
            found.append(self.referat)
        return found

    def saker_on(self, day: Day) -> list[Sak]:
        """The saker of one day, in agenda order."""
        return [sak for sak in self.saker if sak.day == day.index]

    def vedtak(self, nr: SakNr) -> str | None:
        """The decision under '### Vedtak' in the referat's section for the sak, if written."""
        section = self.referat.sections.get(nr) if self.referat else None
        return section.vedtak if section else None

    def innstilling(self, nr: SakNr) -> bool:
        """Is the sak's decision an innstilling to another body ("### Innstilling")?"""
        section = self.referat.sections.get(nr) if self.referat else None
        return bool(section and section.innstilling and section.vedtak)

    def sak(self, nr: SakNr) -> Sak | None:
        return next((s for s in self.saker if s.nr == nr), None)


@dataclass
class Repository:
    root: Path
    committee: Committee
    members: list[Member]
    meetings: list[Meeting]
    settings: list[Source] = field(default_factory=list)  # nufa.yaml, medlemmer.yaml as read
    # Lookups by folder and by sak number, made at the first lookup: an archive of thousands
    # of saker citing each other would otherwise be searched end to end for every citation.
    # A loaded repository's meetings and saker are not changed afterwards.
    _folders: dict[str, Meeting] | None = field(default=None, init=False, repr=False,
                                                compare=False)
    _saker: dict[SakNr, tuple[Meeting, Sak]] | None = field(default=None, init=False,
                                                            repr=False, compare=False)

    def meeting(self, folder: str) -> Meeting | None:
        if self._folders is None:
            self._folders = {}
            for meeting in self.meetings:
                self._folders.setdefault(meeting.folder, meeting)
        return self._folders.get(folder)

    def find_sak(self, nr: SakNr) -> tuple[Meeting, Sak] | None:
        if self._saker is None:
            self._saker = {}
            for meeting in self.meetings:
                for sak in meeting.saker:
                    self._saker.setdefault(sak.nr, (meeting, sak))
        return self._saker.get(nr)

    def approval_of(self, meeting: Meeting) -> tuple[Meeting, Sak] | None:
        """The later meeting and sak that approved the meeting's referat: the first sak with
        that referat as a vedlegg whose own referat has a vedtak."""
        for later in self.meetings:
            if later.first_day <= meeting.first_day:
                continue
            for sak in later.saker:
                attached = any(a.kind == "referat" and a.target == meeting.folder
                               for a in sak.attachments)
                if attached and later.vedtak(sak.nr):
                    return later, sak
        return None

    def cited(self, entry: Behandling, citing: Meeting) -> SakNr | None:
        """The number of a tidligere_behandlinger entry (of a toppnotat of the meeting citing)
        naming a sak of this committee. A number without a year is of the year of `møte`, else
        of the citing meeting; where numbers restart each meeting, only `møte` says whose."""
        if entry.utvalg != self.committee.kortnavn:
            return None
        numbering = self.committee.numbering
        if numbering.restarts and entry.møte is None:
            return None
        year = entry.møte.year if entry.møte else citing.first_day.year
        return numbering.parse(entry.sak, year=year,
                               meeting=entry.møte.isoformat() if entry.møte else "")

    def cited_sak(self, entry: Behandling, citing: Meeting) -> tuple[Meeting, Sak] | None:
        """The sak of this repository an entry names, if it is here."""
        nr = self.cited(entry, citing)
        return self.find_sak(nr) if nr else None
