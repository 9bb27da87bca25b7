"""The pieces of work a build converts, and the builders that plan them for each target.

A builder (build/targets.py names one per target) turns one meeting, as the members' or
the public view shows it, into pieces: outputs made together from one input, each with its
key and fingerprint, nothing converted yet. Each piece makes its own files: a document its
DOCX and PDF through pandoc and typst, the packet its one typst document; the calendar is
made while it is planned. Planning holds what the builders share, each computed once per
build: the rendered documents (every page is rendered once, for whichever target asks
first: its own or the packet holding it), each meeting's footer note, and the fingerprint
of the files a meeting's documents may embed.

Cheap to import: what renders and converts is imported when it is used.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, TypedDict

from nufa_cli import __version__
from nufa_cli.build.cache import job_key
from nufa_cli.build.writer import Output
from nufa_cli.convert.job import Job, fingerprint
from nufa_cli.core import nbdates
from nufa_cli.core.output import digest
from nufa_cli.git.info import revision

if TYPE_CHECKING:
    from nufa_cli.build.packet import Packet
    from nufa_cli.build.targets import Target
    from nufa_cli.convert.converter import Converter
    from nufa_cli.model.objects import Meeting, Repository, SakNr
    from nufa_cli.render.documents import Document
    from nufa_cli.render.renderer import Renderer

NOT_DOCUMENT_TEMPLATES = {"init", "site"}  # templates of other commands: no rebuild when they change
SOURCE_SUFFIXES = {".yaml", ".yml", ".md"}
FALLBACK_EPOCH = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())


class CommitteeLook(TypedDict):
    """nufa.yaml's share of the look: keyword arguments of Converter."""

    font: str | None
    logo_alt: str


@dataclass(frozen=True)
class View:
    """The sources a set of files is made from: the members' (repo as loaded) or the public
    view (model/public.py), whose files go to build/<meeting>/offentlig/."""

    repo: Repository
    public: bool


class Piece(Protocol):
    """Outputs made together from one input; make() gives the bytes of one of them."""

    @property
    def outputs(self) -> tuple[Output, ...]: ...

    converts: ClassVar[bool]  # needs pandoc or typst: made in a conversion lane
    first: ClassVar[bool]  # among the longest pieces: started first

    def make(self, converter: Converter | None, output: Output) -> bytes: ...


@dataclass(frozen=True)
class DocumentPiece:
    """A document's formats: one piece, so its Markdown is read once."""

    outputs: tuple[Output, ...]
    job: Job
    converts: ClassVar[bool] = True
    first: ClassVar[bool] = False

    def make(self, converter: Converter | None, output: Output) -> bytes:
        assert converter is not None
        return converter.convert(self.job, output.format)


@dataclass(frozen=True)
class PacketPiece:
    """The meeting packet, sakspapirer.pdf: one typst document of its parts (packet.py)."""

    outputs: tuple[Output, ...]
    packet: Packet
    template_dirs: tuple[Path, ...]
    converts: ClassVar[bool] = True
    first: ClassVar[bool] = True

    def make(self, converter: Converter | None, output: Output) -> bytes:
        from nufa_cli.build import packet

        assert converter is not None
        return packet.render(self.packet, converter, self.template_dirs)


@dataclass(frozen=True)
class Made:
    """Files whose bytes are known when planned: nothing to convert."""

    outputs: tuple[Output, ...]
    contents: bytes
    converts: ClassVar[bool] = False
    first: ClassVar[bool] = False

    def make(self, converter: Converter | None, output: Output) -> bytes:
        return self.contents


@dataclass
class Planning:
    """What every builder of one build shares, each computed once."""

    root: Path
    renderer: Renderer
    epoch: int
    template_dirs: tuple[Path, ...]
    look: CommitteeLook  # nufa.yaml's share of the look: the Converter's options
    templates_key: str  # a digest of the templates and the look
    notes: dict[str, str] = field(default_factory=dict)
    embedded: dict[Path, str] = field(default_factory=dict)
    rendered: dict[tuple[bool, str, str], list[Document]] = field(default_factory=dict)

    def documents(self, view: View, kind: str, meeting: Meeting) -> list[Document]:
        """The meeting's documents of a kind (render/documents), rendered the first time asked."""
        from nufa_cli.render.documents import BUILDERS

        key = (view.public, kind, meeting.folder)
        if key not in self.rendered:
            self.rendered[key] = BUILDERS[kind](view.repo, meeting, self.renderer)
        return self.rendered[key]

    def note(self, meeting: Meeting) -> str:
        if meeting.folder not in self.notes:
            self.notes[meeting.folder] = footer_note(self.root, meeting, self.epoch)
        return self.notes[meeting.folder]

    def resources(self, folder: Path) -> str:
        if folder not in self.embedded:
            self.embedded[folder] = resources_fingerprint(folder)
        return self.embedded[folder]


Builder = Callable[["Target", Planning, View, "Meeting", tuple[str, ...]], Iterable[Piece]]


def output(target: Target, view: View, meeting: Meeting, sak: SakNr | None, fmt: str,
           shown: str, key: str) -> Output:
    return Output(target.file(meeting.folder, sak, fmt, view.public), target.kind, meeting.folder,
                  None if sak is None else str(sak), fmt, view.public or target.public_as_is,
                  shown, key)


# -- the builders -------------------------------------------------------------------------


def documents(target: Target, planning: Planning, view: View, meeting: Meeting,
              formats: tuple[str, ...]) -> Iterator[Piece]:
    """A document kind of render/documents: one piece per document, keyed by its job (the
    Markdown and all else it converts from), the build's time, the templates and the
    meeting folder's files it may embed."""
    for doc in planning.documents(view, target.kind, meeting):
        job = Job(markdown=doc.markdown, title=doc.title, header=doc.header,
                  resource_root=doc.resource_root, draft=doc.draft,
                  footer_note=planning.note(meeting))
        inputs = (str(planning.epoch), planning.templates_key, planning.resources(meeting.path),
                  job_key(job, planning.root))
        yield DocumentPiece(tuple(output(target, view, meeting, doc.sak, fmt, fingerprint(doc),
                                         digest(fmt, *inputs)) for fmt in formats), job)


def packet(target: Target, planning: Planning, view: View, meeting: Meeting,
           formats: tuple[str, ...]) -> Iterator[Piece]:
    """The meeting packet (packet.py), keyed by all of its parts, which reuse the documents
    rendered for their own targets."""
    from nufa_cli.build import packet as packets

    pk = packets.packet(view.repo, meeting, planning.renderer, planning.note(meeting),
                        lambda kind, source: planning.documents(view, kind, source))
    key = pk.key(planning.root, target.kind, str(planning.epoch), planning.templates_key,
                 *map(planning.resources, pk.folders))
    yield PacketPiece(tuple(output(target, view, meeting, None, fmt, pk.fingerprint(), key)
                            for fmt in formats), pk, planning.template_dirs)


def calendar(target: Target, planning: Planning, view: View, meeting: Meeting,
             formats: tuple[str, ...]) -> Iterator[Piece]:
    """The meeting's .ics (render/calendar.py), keyed by its bytes. What it shows is the
    file as made at the start of its SEQUENCE count, whenever it is built."""
    from nufa_cli.render.calendar import SEQUENCE_ORIGIN, meeting_ics

    ics = meeting_ics(view.repo, meeting, planning.epoch)
    shown = digest(meeting_ics(view.repo, meeting, SEQUENCE_ORIGIN))
    yield Made(tuple(output(target, view, meeting, None, fmt, shown, digest("ics", ics))
                     for fmt in formats), ics)


# -- the build's own inputs ---------------------------------------------------------------


def template_fingerprint(folders: Sequence[Path]) -> str:
    """A hash of every template, style and font file: changing one rebuilds everything."""
    parts: list[bytes | str] = [__version__]
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder)
            if name.parts[0] not in NOT_DOCUMENT_TEMPLATES:
                parts += [name.as_posix(), path.read_bytes()]
    return digest(*parts)


def footer_note(root: Path, meeting: Meeting, epoch: int) -> str:
    """Every page traces back to git: the sources' revision and the build date. Without git
    or SOURCE_DATE_EPOCH there is no true date to print (the fallback only keeps builds
    reproducible), so the note is left empty."""
    built = nbdates.numeric(dt.datetime.fromtimestamp(epoch, dt.UTC).date())
    stamp = revision(root, ["nufa.yaml", "medlemmer.yaml", f"meetings/{meeting.folder}"])
    if stamp is None:
        dated = epoch != FALLBACK_EPOCH or os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        return f"Bygget {built}" if dated else ""
    commit, dirty = stamp
    return f"Versjon {commit}{' + endringer' if dirty else ''}, bygget {built}"


def resources_fingerprint(folder: Path) -> str:
    """Files a document may embed (images, vedlegg) live in its meeting folder. The sources
    themselves (YAML, Markdown) reach a document only through its rendered Markdown."""
    parts: list[bytes | str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix.lower() not in SOURCE_SUFFIXES:
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)
