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
from nufa_cli.core.errors import NufaError

if TYPE_CHECKING:
    from nufa_cli.model.objects import Meeting, Repository, SakNr

FORMATS = ("docx", "odt", "pdf")  # what --format chooses among; a target's other formats always come
DEFAULT_FORMATS = ("docx", "pdf")  # without --format: ODT (for editing) only when asked for
DOCUMENT = FORMATS  # a document's formats
FOLDER = "offentlig"  # build/<meeting>/offentlig/: the public set, made from the public view

Stem = Callable[[str, "SakNr | None"], str]  # (meeting folder, sak) -> file name without format
Shows = Callable[["Repository", "Meeting"], Iterable[str]]


def _none(repo: Repository, meeting: Meeting) -> Iterable[str]:
    return ()


@dataclass(frozen=True)
class Target:
    kind: str
    formats: tuple[str, ...]
    builder: work.Builder  # the pieces of work that make the target's files of one meeting
    stem: Stem | None = None  # None: the file is named after the kind
    shows: Shows = _none  # folders of the other meetings whose sources its files show
    label: str = ""  # its name in the site's list of documents; {nr} and {tittel}: its sak's
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
            source = repo.cited_sak(entry)
            if source:
                yield source[0].folder


def packet_sources(repo: Repository, meeting: Meeting) -> Iterable[str]:
    """The packet holds the innkalling, the toppnotater and the referat vedlegg."""
    yield from referat_vedlegg(repo, meeting)
    yield from cited(repo, meeting)


def toppnotat_stem(folder: str, sak: SakNr | None) -> str:
    assert sak is not None
    return f"toppnotat-{sak.n}-{sak.year:02d}"


def calendar_stem(folder: str, sak: SakNr | None) -> str:
    return folder


CALENDAR = "kalender"
PACKET = "sakspapirer"

# In the order the site lists them. The words in `label` are the site's (Norwegian, like
# every word a document prints).
TARGETS: tuple[Target, ...] = (
    Target("innkalling", DOCUMENT, work.documents, shows=referat_vedlegg, label="Innkalling"),
    Target("saksliste", DOCUMENT, work.documents, shows=referat_vedlegg, label="Saksliste"),
    Target(PACKET, ("pdf",), work.packet, shows=packet_sources, label="Sakspapirer",
           whole_meeting=True),
    Target("toppnotat", DOCUMENT, work.documents, stem=toppnotat_stem, shows=cited,
           label="Toppnotat sak {nr}: {tittel}"),
    Target("referat", DOCUMENT, work.documents, label="Referat"),
    # The calendar lists titles, times and the place, which the public view keeps.
    Target(CALENDAR, ("ics",), work.calendar, stem=calendar_stem, public_as_is=True),
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


__all__ = ["CALENDAR", "DEFAULT_FORMATS", "FOLDER", "FORMATS", "PACKET", "TARGETS", "NothingToBuild",
           "Target", "UnknownKind", "chosen", "kinds", "named"]
