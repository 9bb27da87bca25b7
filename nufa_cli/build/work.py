"""The pieces of work a build converts, and the builders that plan them for each target.

A builder (build/targets.py names one per target) turns one meeting, as the members' or
the public view shows it, into pieces: outputs made together from one input, each with its
key and fingerprint, nothing converted yet. Each piece makes its own files: a document its
DOCX and PDF through pandoc and typst, the packet its one typst document; the calendar is
made while it is planned. Planning holds what the builders share, each computed once per
build: the rendered documents (every page is rendered once, for whichever target asks
first: its own or the packet holding it), what git says of the sources (each file's
revision and build date, stamps.py), and the fingerprint of the files a meeting's
documents may embed.

Cheap to import: what renders and converts is imported when it is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, TypedDict

from nufa_cli import __version__
from nufa_cli.build.cache import job_key
from nufa_cli.build.stamps import History, Sources, Stamp
from nufa_cli.build.writer import Output
from nufa_cli.convert.job import Job, fingerprint
from nufa_cli.core.output import digest

if TYPE_CHECKING:
    from nufa_cli.build.packet import Packet
    from nufa_cli.build.targets import Target
    from nufa_cli.convert.converter import Converter
    from nufa_cli.model.objects import Meeting, Repository, SakNr
    from nufa_cli.render.documents import Document
    from nufa_cli.render.renderer import Renderer
    from nufa_cli.sources.schema import Bunntekst

NOT_DOCUMENT_TEMPLATES = {"init", "site", "arkiv"}  # other commands': no rebuild when they change
SOURCE_SUFFIXES = {".yaml", ".yml", ".md"}


class CommitteeLook(TypedDict):
    """nufa.yaml's share of the look: keyword arguments of Converter."""

    font: str | None
    logo_alt: str
    page_texts: list[str]  # the draft mark and the page label (convert/look.PageTexts)


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

    @property
    def job(self) -> Job | None:
        """The document it converts, if it is one."""

    @property
    def parts(self) -> tuple[Job, ...]:
        """Other pieces' documents whose typst it uses (a packet's parts)."""

    def make(self, converter: Converter | None, output: Output) -> bytes: ...


@dataclass(frozen=True)
class DocumentPiece:
    """A document's formats (DOCX, PDF, the site's HTML): one piece, so its Markdown is read
    once."""

    outputs: tuple[Output, ...]
    job: Job
    converts: ClassVar[bool] = True
    first: ClassVar[bool] = False
    parts: ClassVar[tuple[Job, ...]] = ()

    def make(self, converter: Converter | None, output: Output) -> bytes:
        assert converter is not None
        return converter.convert(self.job, output.format)


@dataclass(frozen=True)
class PacketPiece:
    """The meeting packet, sakspapirer.pdf: one typst document of its parts (packet.py)."""

    outputs: tuple[Output, ...]
    packet: Packet
    template_dirs: tuple[Path, ...]
    epoch: int  # its build time (its parts keep their own)
    converts: ClassVar[bool] = True
    first: ClassVar[bool] = True
    job: ClassVar[None] = None

    @property
    def parts(self) -> tuple[Job, ...]:
        return tuple(part.job for part in self.packet.parts)

    def make(self, converter: Converter | None, output: Output) -> bytes:
        from nufa_cli.build import packet

        assert converter is not None
        return packet.render(self.packet, converter, self.template_dirs, self.epoch)


@dataclass(frozen=True)
class Made:
    """Files whose bytes are known when planned: nothing to convert."""

    outputs: tuple[Output, ...]
    contents: bytes
    converts: ClassVar[bool] = False
    first: ClassVar[bool] = False
    job: ClassVar[None] = None
    parts: ClassVar[tuple[Job, ...]] = ()

    def make(self, converter: Converter | None, output: Output) -> bytes:
        return self.contents


@dataclass
class Planning:
    """What every builder of one build shares, each computed once."""

    root: Path
    renderer: Renderer
    history: History  # each file's revision and build time
    template_dirs: tuple[Path, ...]
    look: CommitteeLook  # nufa.yaml's share of the look: the Converter's options
    templates_key: str  # a digest of the templates and the look
    reads: dict[str, Reads]  # each target's sources, by kind (targets.py)
    footer: Bunntekst = "begge"  # nufa.yaml's bunntekst: what the footer note shows
    embedded: dict[Path, str] = field(default_factory=dict)
    rendered: dict[tuple[bool, str, str], list[Document]] = field(default_factory=dict)
    publics: dict[int, Repository] = field(default_factory=dict)  # id(members' repo) -> its view

    def documents(self, view: View, kind: str, meeting: Meeting) -> list[Document]:
        """The meeting's documents of a kind (render/documents), rendered the first time asked."""
        from nufa_cli.render.documents import BUILDERS

        key = (view.public, kind, meeting.folder)
        if key not in self.rendered:
            self.rendered[key] = BUILDERS[kind](view.repo, meeting, self.renderer)
        return self.rendered[key]

    def public(self, view: View) -> Repository:
        """The repository as the public view shows it (model/public.py), made once."""
        if view.public:
            return view.repo
        if id(view.repo) not in self.publics:
            from nufa_cli.model.public import public_view

            self.publics[id(view.repo)] = public_view(view.repo)
        return self.publics[id(view.repo)]

    def stamp(self, kind: str, view: View, meeting: Meeting, sak: SakNr | None = None) -> Stamp:
        """A file's revision and build time, from the sources its target reads."""
        return self.history.stamp(self.reads[kind](view.repo, meeting, sak))

    def job(self, kind: str, view: View, meeting: Meeting, doc: Document) -> Job:
        """The document as its own files convert it, stamped from its own sources."""
        return self.stamped(doc, meeting, self.stamp(kind, view, meeting, doc.sak))

    def stamped(self, doc: Document, meeting: Meeting, stamp: Stamp) -> Job:
        return Job(markdown=doc.markdown, title=doc.title, header=doc.header,
                   resource_root=doc.resource_root, image_base=doc.image_base, draft=doc.draft,
                   lang=meeting.lang.tag, footer_note=stamp.note(meeting.lang, self.footer),
                   epoch=stamp.epoch)

    def resources(self, folder: Path) -> str:
        if folder not in self.embedded:
            self.embedded[folder] = resources_fingerprint(folder)
        return self.embedded[folder]


Builder = Callable[["Target", Planning, View, "Meeting", tuple[str, ...]], Iterable[Piece]]
Reads = Callable[["Repository", "Meeting", "SakNr | None"], Sources]  # a file's own sources


def output(target: Target, view: View, meeting: Meeting, sak: SakNr | None, fmt: str,
           shown: str, key: str) -> Output:
    return Output(target.file(meeting.folder, sak, fmt, view.public), target.kind, meeting.folder,
                  None if sak is None else str(sak), fmt, view.public or target.public_as_is,
                  shown, key)


def document_jobs(planning: Planning, view: View, kind: str, meeting: Meeting
                  ) -> list[tuple[Document, Job]]:
    """The meeting's documents of a kind, each with the job it converts from (Planning.job)."""
    return [(doc, planning.job(kind, view, meeting, doc))
            for doc in planning.documents(view, kind, meeting)]


# -- the builders -------------------------------------------------------------------------


def documents(target: Target, planning: Planning, view: View, meeting: Meeting,
              formats: tuple[str, ...]) -> Iterator[Piece]:
    """A document kind of render/documents: one piece per document, keyed by its job (the
    Markdown and all else it converts from, its footer and build time among them), the
    templates and the meeting folder's files it may embed."""
    for doc in planning.documents(view, target.kind, meeting):
        job = planning.job(target.kind, view, meeting, doc)
        inputs = (planning.templates_key, planning.resources(meeting.path),
                  job_key(job, planning.root))
        yield DocumentPiece(tuple(output(target, view, meeting, doc.sak, fmt, fingerprint(doc),
                                         digest(fmt, *inputs)) for fmt in formats), job)


def packet(target: Target, planning: Planning, view: View, meeting: Meeting,
           formats: tuple[str, ...]) -> Iterator[Piece]:
    """The meeting packet (packet.py), keyed by all of its parts, which are the documents
    rendered and stamped for their own targets (so their typst is theirs too)."""
    from nufa_cli.build import packet as packets
    from nufa_cli.render.documents import BUILDERS

    stamp = planning.stamp(target.kind, view, meeting)

    def job(kind: str, source: Meeting, doc: Document) -> Job:
        if kind in BUILDERS:  # a document of its own: innkalling, toppnotat, referat
            return planning.job(kind, view, source, doc)
        return planning.stamped(doc, meeting, stamp)

    pk = packets.packet(view.repo, meeting, planning.renderer,
                        lambda kind, source: planning.documents(view, kind, source), job)
    key = pk.key(planning.root, target.kind, str(stamp.epoch), planning.templates_key,
                 *map(planning.resources, pk.folders))
    yield PacketPiece(tuple(output(target, view, meeting, None, fmt, pk.fingerprint(), key)
                            for fmt in formats), pk, planning.template_dirs, stamp.epoch)


def calendar(target: Target, planning: Planning, view: View, meeting: Meeting,
             formats: tuple[str, ...]) -> Iterator[Piece]:
    """The meeting's .ics (render/calendar.py), keyed by its bytes. What it shows is the
    file as made at the start of its SEQUENCE count, whenever it is built. It is made from
    the public view in both sets: one file, which the site publishes as it is (its sak
    titles are the public ones, offentlig_tittel)."""
    from nufa_cli.render.calendar import SEQUENCE_ORIGIN, meeting_ics

    repo = planning.public(view)
    shown_meeting = repo.meeting(meeting.folder)
    assert shown_meeting is not None  # the public view keeps every meeting
    ics = meeting_ics(repo, shown_meeting, planning.stamp(target.kind, view, meeting).epoch)
    shown = digest(meeting_ics(repo, shown_meeting, SEQUENCE_ORIGIN))
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


def resources_fingerprint(folder: Path) -> str:
    """Files a document may embed (images, vedlegg) live in its meeting folder. The sources
    themselves (YAML, Markdown) reach a document only through its rendered Markdown."""
    parts: list[bytes | str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix.lower() not in SOURCE_SUFFIXES:
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)
