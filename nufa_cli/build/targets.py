"""The registry of output targets: every kind of file `nufa build` writes, declared once.

A Target names its kind (for `--only`, the manifest and the site), how its files are named
and in which formats it exists, the other meetings whose sources it shows (what
`--changed-since` follows), and its builder: the pieces of work it makes of one meeting
(build/work.py). The orchestrator, cli.py's `--only`, build/changed.py, the manifest and
`nufa site` read these declarations and spell no file name of their own, so a new kind of
output is one more entry in TARGETS.

Cheap to import (the CLI lists the kinds in its help): builders import what they use
when they run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nufa_cli.build import work
from nufa_cli.build.stamps import Sources, front_matter, whole
from nufa_cli.core.errors import NufaError
from nufa_cli.core.root import CONFIG, MEMBERS
from nufa_cli.model.saknr import slug

if TYPE_CHECKING:
    from nufa_cli.model.objects import Meeting, Repository, SakNr

FORMATS = ("docx", "odt", "pdf", "html")  # what --format chooses among; a target's others always come
DEFAULT_FORMATS = ("docx", "pdf")  # without --format: ODT (for editing) only when asked for
# What nufa site builds and publishes: the default formats, and the HTML of its document pages
# (a document's text as a fragment, convert/converter.py's html()).
SITE_FORMATS = (*DEFAULT_FORMATS, "html")
DOCUMENT = FORMATS  # a document's formats
FOLDER = "offentlig"  # build/<meeting>/offentlig/: the public set, made from the public view

Stem = Callable[[str, "SakNr | None"], str]  # (meeting folder, sak) -> file name without format
Shows = Callable[["Repository", "Meeting"], Iterable[str]]
Reads = work.Reads


def _none(repo: Repository, meeting: Meeting) -> Iterable[str]:
    return ()


def _agenda(repo: Repository, meeting: Meeting, sak: SakNr | None = None) -> Sources:
    """What every file of a meeting reads: nufa.yaml and the meeting's agenda.yaml."""
    return whole(CONFIG, meeting.source.rel)


@dataclass(frozen=True)
class Target:
    kind: str
    formats: tuple[str, ...]
    builder: work.Builder  # the pieces of work that make the target's files of one meeting
    stem: Stem | None = None  # None: the file is named after the kind
    shows: Shows = _none  # folders of the other meetings whose sources its files show
    reads: Reads = _agenda  # a file's own sources: its revision and build date (stamps.py)
    label: str = ""  # the catalogue key of its name in the site's list; {nr} {tittel}: its sak's
    public_as_is: bool = False  # shows nothing skjermet: one file, from the members' sources
    whole_meeting: bool = False  # the site publishes a members' file only if all of its meeting is public

    def file(self, folder: str, sak: SakNr | None, fmt: str, public: bool = False) -> str:
        """The file's path in the output folder: 2024-04-24/offentlig/toppnotat-12-24.pdf."""
        return f"{folder}/{f'{FOLDER}/' if public else ''}{self.stem_of(folder, sak)}.{fmt}"

    def stem_of(self, folder: str, sak: SakNr | None) -> str:
        """The file's name without its format: toppnotat-12-24."""
        return self.stem(folder, sak) if self.stem else self.kind

    def formats_for(self, chosen: Sequence[str]) -> tuple[str, ...]:
        """The formats it is built in when --format chose `chosen`."""
        return tuple(f for f in self.formats if f in chosen or f not in FORMATS)

    def views(self, offentlig: bool) -> tuple[bool, ...]:
        """The sets it is built in, as `public` flags: the members' one, and the public one
        when asked for (a target public as it is has one file for both)."""
        return (False, True) if offentlig and not self.public_as_is else (False,)


# -- what the files show of other meetings (--changed-since) ------------------------------


def referat_vedlegg(repo: Repository, meeting: Meeting) -> Iterable[str]:
    """Meetings whose referat is a vedlegg here: its title names that meeting's dates."""
    return (a.target for sak in meeting.saker for a in sak.attachments if a.kind == "referat")


def cited(repo: Repository, meeting: Meeting) -> Iterable[str]:
    """Meetings of the saker a toppnotat cites: their title, vedtak and day are printed."""
    for sak in meeting.saker:
        for entry in sak.toppnotat.meta.tidligere_behandlinger if sak.toppnotat else ():
            source = repo.cited_sak(entry, meeting)
            if source:
                yield source[0].folder


def approving(repo: Repository, meeting: Meeting) -> Iterable[str]:
    """Later meetings with this meeting's referat as a vedlegg and a referat of their own:
    its vedtak gives this referat the approval line ("Godkjent i møte 2/24, sak 11/24")."""
    return (later.folder for later in repo.meetings
            if (later.referat is not None or later.referat_broken)
            and any(a.kind == "referat" and a.target == meeting.folder
                    for sak in later.saker for a in sak.attachments))


def packet_sources(repo: Repository, meeting: Meeting) -> Iterable[str]:
    """The packet holds the innkalling, the toppnotater and the referat vedlegg."""
    yield from referat_vedlegg(repo, meeting)
    yield from cited(repo, meeting)


# -- what each file is made from (its revision and build date: stamps.py) ----------------


def _front_matters(meeting: Meeting) -> Sources:
    """The toppnotater of the meeting, whose front matter gives each sak its title, type
    and vedlegg wherever the sak is listed."""
    return front_matter(*(s.toppnotat.source.rel for s in meeting.saker if s.toppnotat))


def _referat_agendas(repo: Repository, meeting: Meeting) -> Sources:
    """A referat vedlegg is listed by its meeting's dates."""
    shown = (repo.meeting(folder) for folder in referat_vedlegg(repo, meeting))
    return whole(*(m.source.rel for m in shown if m is not None))


def reads_innkalling(repo: Repository, meeting: Meeting, sak: SakNr | None = None) -> Sources:
    """The meeting, its members, the saker's front matters and the vedlegg's names."""
    return (_agenda(repo, meeting) | whole(MEMBERS) | _front_matters(meeting)
            | _referat_agendas(repo, meeting))


def reads_saksliste(repo: Repository, meeting: Meeting, sak: SakNr | None = None) -> Sources:
    return _agenda(repo, meeting) | _front_matters(meeting) | _referat_agendas(repo, meeting)


def reads_toppnotat(repo: Repository, meeting: Meeting, sak: SakNr | None) -> Sources:
    """The toppnotat itself and its row in the agenda; of each earlier treatment in this
    repository, its meeting (the day), referat (the vedtak) and toppnotat (the title)."""
    found = _agenda(repo, meeting)
    note = next((s.toppnotat for s in meeting.saker if s.nr == sak and s.toppnotat), None)
    if note is None:
        return found
    found |= whole(note.source.rel)
    for entry in note.meta.tidligere_behandlinger:
        cited = repo.cited_sak(entry, meeting)
        if cited is None:
            continue
        source, treated = cited
        found |= whole(source.source.rel) | (whole(source.referat.source.rel) if source.referat
                                             else Sources())
        if treated.toppnotat:
            found |= front_matter(treated.toppnotat.source.rel)
    return found


def reads_referat(repo: Repository, meeting: Meeting, sak: SakNr | None = None) -> Sources:
    """The referat, who was there (members), the saker as listed, and the approval."""
    return _protokoll(repo, meeting) | _front_matters(meeting)


def reads_saksutskrift(repo: Repository, meeting: Meeting, sak: SakNr | None) -> Sources:
    """What the referat says of one sak: its title, type and sakseier from its own toppnotat."""
    note = next((s.toppnotat for s in meeting.saker if s.nr == sak and s.toppnotat), None)
    return _protokoll(repo, meeting) | (front_matter(note.source.rel) if note else Sources())


def _protokoll(repo: Repository, meeting: Meeting) -> Sources:
    """The meeting, its members and referat, and the agenda and referat of a later meeting
    approving it (the approval line)."""
    found = _agenda(repo, meeting) | whole(MEMBERS)
    for folder in approving(repo, meeting):
        later = repo.meeting(folder)
        if later is not None:
            found |= whole(later.source.rel) | (whole(later.referat.source.rel) if later.referat
                                                else Sources())
    return found | whole(meeting.referat.source.rel) if meeting.referat else found


def reads_packet(repo: Repository, meeting: Meeting, sak: SakNr | None = None) -> Sources:
    """Its parts': the innkalling, every toppnotat, each referat vedlegg; and the files."""
    found = reads_innkalling(repo, meeting)
    for each in meeting.saker:
        if each.toppnotat:
            found |= reads_toppnotat(repo, meeting, each.nr)
    for folder in referat_vedlegg(repo, meeting):
        source = repo.meeting(folder)
        if source is not None:
            found |= reads_referat(repo, source)
    files = (a.target for s in meeting.saker for a in s.attachments if a.kind == "fil")
    return found | whole(*files)


def reads_calendar(repo: Repository, meeting: Meeting, sak: SakNr | None = None) -> Sources:
    """The meeting's days, times and place, and the saker's titles."""
    return _agenda(repo, meeting) | _front_matters(meeting)


def toppnotat_stem(folder: str, sak: SakNr | None) -> str:
    """The number as printed, in lowercase ASCII letters and digits joined by hyphens:
    toppnotat-12-24 (12/24, as in part 1), toppnotat-v-sak-2, toppnotat-ps-4-15. Numbers are
    unique in a meeting, so are the names in its folder."""
    assert sak is not None
    return f"toppnotat-{slug(str(sak))}"


def saksutskrift_stem(folder: str, sak: SakNr | None) -> str:
    """saksutskrift-12-24, saksutskrift-v-sak-2: as a toppnotat's."""
    assert sak is not None
    return f"{SAKSUTSKRIFT}-{slug(str(sak))}"


def calendar_stem(folder: str, sak: SakNr | None) -> str:
    return folder


CALENDAR = "kalender"
PACKET = "sakspapirer"
SAKSUTSKRIFT = "saksutskrift"

# In the order the site lists them. `label` names a text of the language catalogue.
TARGETS: tuple[Target, ...] = (
    Target("innkalling", DOCUMENT, work.documents, shows=referat_vedlegg, label="innkalling",
           reads=reads_innkalling),
    Target("saksliste", DOCUMENT, work.documents, shows=referat_vedlegg, label="saksliste",
           reads=reads_saksliste),
    Target(PACKET, ("pdf",), work.packet, shows=packet_sources, label="sakspapirer",
           whole_meeting=True, reads=reads_packet),
    Target("toppnotat", DOCUMENT, work.documents, stem=toppnotat_stem, shows=cited,
           label="toppnotat_sak", reads=reads_toppnotat),
    Target("referat", DOCUMENT, work.documents, shows=approving, label="referat",
           reads=reads_referat),
    # one per sak of a meeting with a referat, as sent to the sakseier
    Target(SAKSUTSKRIFT, DOCUMENT, work.documents, stem=saksutskrift_stem, shows=approving,
           label="saksutskrift_sak", reads=reads_saksutskrift),
    # The calendar lists titles, times and the place: made from the public view for both sets.
    Target(CALENDAR, ("ics",), work.calendar, stem=calendar_stem, public_as_is=True,
           reads=reads_calendar),
)


def kinds() -> tuple[str, ...]:
    return tuple(t.kind for t in TARGETS)


def named(kind: str) -> Target:
    return next(t for t in TARGETS if t.kind == kind)


ALL_KINDS = kinds()  # for help texts; what a build accepts is read from TARGETS when it runs


class UnknownKind(NufaError):
    exit_code = 2

    def __init__(self, unknown: Iterable[str]) -> None:
        super().__init__(f"unknown kind(s) {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(kinds())}")


class NothingToBuild(NufaError):
    """The options ask for a kind in a format it never has."""

    exit_code = 2


def unknown_kinds(only: Iterable[str] | None) -> set[str]:
    return set(only or ()) - set(kinds())


def chosen(only: set[str] | None, formats: Sequence[str]) -> list[tuple[Target, tuple[str, ...]]]:
    """The targets `--only` asks for (all by default), each with the formats to build it in."""
    unknown = unknown_kinds(only)
    if unknown:
        raise UnknownKind(unknown)
    found = []
    for target in TARGETS:
        if only is not None and target.kind not in only:
            continue
        wanted = target.formats_for(formats)
        if not wanted and only is not None:
            shown = " and ".join(f.upper() for f in target.formats)
            raise NothingToBuild(f"{target.kind} is {shown} only; add --format "
                                 f"{' --format '.join(target.formats)} or leave out --format")
        if wanted:
            found.append((target, wanted))
    return found


__all__ = ["CALENDAR", "DEFAULT_FORMATS", "FOLDER", "FORMATS", "PACKET", "SITE_FORMATS", "TARGETS",
           "NothingToBuild", "Target", "UnknownKind", "chosen", "kinds", "named"]
