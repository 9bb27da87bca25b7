"""The meeting packet, build/<meeting>/sakspapirer.pdf: the innkalling, then every vedlegg.

Order: the innkalling, then the vedlegg in number order (1, 2, ... 7, 7A, 8): a toppnotat
as its toppnotat document, a `referat:` vedlegg as that meeting's referat, a `fil:` PDF
as its own pages, any other file and a `url:` as a short page naming it (with the link).
The public packet, build/<meeting>/offentlig/sakspapirer.pdf, is the same made from the
public view (model/public.py): there a withheld vedlegg is a short page "Vedlegg N: Unntatt
offentlighet, <basis>", and nothing of it (title, address, file) is in the packet.
Each part starts on a new page under a heading "Vedlegg N: tittel" (a stamp at the top
of its first page; the running header keeps the document's own title); the outline holds
Innkalling with the saker under it, then each vedlegg with its own headings under it;
the saksliste's "Vedlegg N" jump to the vedlegg; "Side N av M" counts the whole packet.
A part is its document as built on its own: the same footer note (a referat of the meeting
before names that meeting's revision, as its own PDF does) and footnotes numbered from 1.

How: ONE typst document, compiled once and checked for PDF/A-2a and PDF/UA-1 by typst
like every other PDF. Each part's typst (Converter.typst_source: nufa.typ filled in by
pandoc) goes into a #[ ... ] scope of its own, so its running header, title and draft mark
stay its own; templates/packet.typ supplies the part headings that make bookmarks and link
targets, and the parts' own headings (a sak in the innkalling) follow one level down.
Why not merge the separate PDFs with pypdf: measured on innkalling.pdf + a toppnotat
(5 + 2 pages), PdfWriter.append() drops /StructTreeRoot altogether, and cloning the
first file then appending the second keeps only the first's structure tree (the last 2
pages reachable from no structure element): the merged file is no longer tagged.
A PDF vedlegg: typst 0.15 refuses PDF pages as images under PDF/UA-1 ("embedding PDFs
is currently not supported in this export mode"), so each of its pages is a stand-in
image with alt text in the typst document, and after compiling, pypdf draws the source
page into the stand-in as a form XObject, inside the stand-in's tagged Figure, with the
source's own marked content removed and its fonts checked to be embedded. The rewrite
keeps typst's structure tree, parent tree, /Lang, XMP metadata and PDF version (checked:
same elements and marked-content references before and after; tests/test_packet.py).
The packet claims PDF/A-2a only when every PDF vedlegg is PDF/A itself
(pdfpages.keeps_pdfa): typst cannot check pages drawn in after it, and a page from an
arbitrary PDF may break PDF/A's rules (device colours, transfer functions, ...). With one
that is not, the packet is PDF/UA-1 only and says so in its metadata; save the vedlegg as
PDF/A to keep the packet an archive format.

Deterministic: same sources, same bytes (typst gets the build's timestamp; pypdf writes
the same objects in the same order).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from nufa_cli.build.cache import job_key
from nufa_cli.convert import pdfpages
from nufa_cli.convert.job import Job, fingerprint
from nufa_cli.core.lang import fill
from nufa_cli.core.output import digest
from nufa_cli.model.numbering import TITLE_ONLY
from nufa_cli.model.objects import Attachment, Meeting, Repository
from nufa_cli.model.public import WITHHELD, marking
from nufa_cli.render import mdtext
from nufa_cli.render.documents import BUILDERS, innkalling
from nufa_cli.render.documents.document import Document
from nufa_cli.render.renderer import FILTERS, Renderer

if TYPE_CHECKING:
    from nufa_cli.convert.converter import Converter

TEMPLATE = "packet.typ"
Documents = Callable[[str, Meeting], list[Document]]  # (kind, meeting) -> its rendered documents
Jobs = Callable[[str, Meeting, Document], Job]  # (kind, its meeting, document) -> its job

# nufa.typ marks where its preamble ends and the document begins with this comment line, so a
# part's typst is the very source its standalone PDF was compiled from (and is reused).
_BODY_LINE = re.compile(r"^// nufa:body\b.*$", re.MULTILINE)
# The image calls filters/typst.lua writes; their paths start at the typst root.
_IMAGE_CALL = re.compile(r'(?<!\\)(#image\("|#box\(image\(")/')


@dataclass(frozen=True)
class Part:
    heading: str  # "Innkalling", "Vedlegg 2: Toppnotat ...": stamp, bookmark, link target
    label: str  # the heading's typst label: "innkalling", "vedlegg-2"
    job: Job  # the document, as its standalone PDF converts it
    pdf: Path | None = None  # a fil: PDF vedlegg, whose pages follow the heading


@dataclass(frozen=True)
class Packet:
    title: str  # "Sakspapirer NUFA 24. – 25. april 2024": the PDF's title
    parts: tuple[Part, ...]
    # the alt text of a PDF vedlegg's page: the catalogue's vedlegg_side_av, fields unfilled
    page_alt: str = ""

    @property
    def folders(self) -> tuple[Path, ...]:
        """The meeting folders the parts' images and files come from."""
        return tuple(sorted({part.job.resource_root for part in self.parts}))

    def key(self, root: Path, *extra: str) -> str:
        """A digest of everything the packet is made from (with extra: the build's own),
        its parts' folders named relative to the repository root."""
        return self._digest(lambda job: job_key(job, root), *extra)

    def fingerprint(self) -> str:
        """A digest of what the packet shows, wherever and whenever it is built (no footer
        note, no paths): like job.fingerprint of a document, which it uses per part."""
        return self._digest(fingerprint)

    def _digest(self, job_digest: Callable[[Job], str], *extra: str) -> str:
        parts: list[str | bytes] = [*extra, self.title, self.page_alt]
        for part in self.parts:
            parts += [part.heading, part.label, job_digest(part.job)]
            if part.pdf is not None:
                parts.append(part.pdf.read_bytes())
        return digest(*parts)


def _label(vedlegg: str) -> str:
    """Vedlegg "7A"'s heading label: <vedlegg-7A>, the saksliste links to "#vedlegg-7A".

    Every character but an ASCII letter or digit is written as _<hex>_, so every
    label is a valid typst label and link target, and two vedlegg never share one."""
    safe = "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in vedlegg)
    return f"vedlegg-{safe}"


def packet(repo: Repository, meeting: Meeting, renderer: Renderer,
           documents: Documents | None = None, jobs: Jobs | None = None) -> Packet:
    """What the meeting's packet holds, in order; nothing converted yet.

    A part is its document as built on its own, with that document's footer: the referat
    of the meeting before shows its own revision. documents: the documents of a kind of a
    meeting of repo, as the build renders them once for their own targets and the packet
    alike (by default: rendered here). jobs: each part as it is converted, its footer and
    build time the build's stamp of it (by default: none), so that a document's typst is
    the same in its own PDF and in the packet."""
    if documents is None:
        documents = _rendering(repo, renderer)
    job = jobs or _unstamped
    texts = repo.committee.lang
    main = documents("innkalling", meeting)[0]
    markdown = _linked_innkalling(repo, meeting, renderer)
    parts = [Part(texts("innkalling"), "innkalling",
                  job("innkalling", meeting, replace(main, markdown=markdown)))]
    toppnotater = dict(zip((s.toppnotat.source.rel for s in meeting.saker if s.toppnotat),
                           documents("toppnotat", meeting), strict=True))
    for attachment in (a for sak in meeting.saker for a in sak.attachments):
        parts.append(_vedlegg(repo, meeting, documents, attachment, toppnotater, job))
    title = texts("dokumenttittel", dokument=texts("sakspapirer"),
                  kortnavn=repo.committee.kortnavn, datoer=meeting.date_range)
    return Packet(title, tuple(parts), texts("vedlegg_side_av"))


def _rendering(repo: Repository, renderer: Renderer) -> Documents:
    def documents(kind: str, meeting: Meeting) -> list[Document]:
        return BUILDERS[kind](repo, meeting, renderer)
    return documents


def _unstamped(kind: str, meeting: Meeting, doc: Document) -> Job:
    return Job(markdown=doc.markdown, title=doc.title, header=doc.header,
               resource_root=doc.resource_root, image_base=doc.image_base, draft=doc.draft,
               lang=meeting.lang.tag)


def _linked_innkalling(repo: Repository, meeting: Meeting, renderer: Renderer) -> str:
    """The innkalling with each "Vedlegg N" of its saksliste linked to its part. (Its saker
    are headings of their own, bookmarked under the part's heading.)"""
    context = innkalling.context(repo, meeting)
    days = []
    for day in context.saksliste.days:
        items = []
        for item in day.saker:
            vedlegg = tuple(replace(v, url=f"#{_label(v.label)}") for v in item.vedlegg)
            items.append(replace(item, vedlegg=vedlegg))
        days.append(replace(day, saker=tuple(items)))
    context = replace(context, saksliste=replace(context.saksliste, days=tuple(days)))
    return renderer.render("innkalling.md.j2", innkalling=context, saksliste=context.saksliste)


def _vedlegg(repo: Repository, meeting: Meeting, documents: Documents, attachment: Attachment,
             toppnotater: dict[str, Document], job: Jobs) -> Part:
    texts = repo.committee.lang
    tittel = attachment.tittel
    if attachment.kind == WITHHELD:  # only in the public view, which keeps the basis
        assert attachment.skjermet
        shown = marking(attachment.skjermet, texts)  # after its offentlig_tittel, as the saksliste has it
        tittel = f"{attachment.tittel} ({shown})" if attachment.tittel else shown
    heading = f"{texts('vedlegg')} {attachment.label}: {tittel}"
    label = _label(attachment.label)
    if attachment.kind == "toppnotat":
        return Part(heading, label, job("toppnotat", meeting, toppnotater[attachment.target]))
    if attachment.kind == "referat":
        source = repo.meeting(attachment.target)
        assert source is not None  # load.py reports a referat vedlegg naming no meeting
        return Part(heading, label, job("referat", source, documents("referat", source)[0]))
    path = repo.root / attachment.target if attachment.kind == "fil" else None
    if attachment.kind == WITHHELD:
        markdown = mdtext.escape(texts("vedlegget_er_ikke_offentlig")) + "\n"
    elif attachment.kind == TITLE_ONLY:
        markdown = mdtext.escape(texts("vedlegget_er_ikke_med")) + "\n"
    elif path is not None and path.suffix.lower() == ".pdf":
        markdown = ""
    elif path is not None:
        markdown = mdtext.escape(texts("vedlegget_er_filen", fil=path.name)) + "\n"
    else:  # url
        address = attachment.target
        markdown = (f"{mdtext.escape(texts('vedlegget_ligger_på_nettet'))} "
                    f"[{mdtext.escape(address)}](<{FILTERS['mdurl'](address)}>)\n")
    if markdown:
        markdown = f"::: {{.doctitle}}\n{mdtext.escape(tittel)}\n:::\n\n{markdown}"
    doc = Document(kind="vedlegg", title=tittel, header=repo.committee.navn,
                   markdown=markdown, draft=meeting.draft, resource_root=meeting.path)
    return Part(heading, label, job("vedlegg", meeting, doc),
                pdf=path if path is not None and not markdown else None)


# -- converting ---------------------------------------------------------------------------

def typst_source(pk: Packet, converter: Converter, template_dirs: Sequence[Path]) -> bytes:
    """The packet as one typst document, compiled with the common folder as typst root."""
    from nufa_cli.convert.converter import ConvertError

    template = next((d / TEMPLATE for d in template_dirs if (d / TEMPLATE).is_file()), None)
    if template is None:
        raise ConvertError(f"missing in the templates: {TEMPLATE}", title=pk.title, fmt="PDF")
    root = _root(pk)
    pieces = [template.read_text(encoding="utf-8")]
    for part in pk.parts:
        source = converter.typst_source(part.job).decode("utf-8")
        prefix = part.job.resource_root.resolve().relative_to(root).as_posix()
        if prefix != ".":
            source = _IMAGE_CALL.sub(_under(prefix), source)
        # each part numbers its footnotes from 1, as its standalone PDF does
        opening = [f"#nufa-packet-part({_typst_string(part.heading)}) <{part.label}>",
                   "#set heading(offset: 1)", "#counter(footnote).update(0)"]
        if part.pdf is not None:
            count = len(pdfpages.read(part.pdf, pk.title).pages)
            for page in range(1, count + 1):
                alt = fill(pk.page_alt, overskrift=part.heading, side=page, sider=count,
                           fil=part.pdf.name)
                opening += ["#pagebreak(weak: true)" if page > 1 else "",
                            f"#nufa-packet-pdf-page({_typst_string(alt)})"]
        if len(_BODY_LINE.findall(source)) != 1:
            raise ConvertError("the document's start ('// nufa:body' in nufa.typ) was not "
                               "found once in its typst",
                               title=part.job.title, fmt="PDF")
        source = _BODY_LINE.sub(_verbatim("\n".join(opening)), source)
        pieces.append(f"#[\n{source}\n]\n")
    # The last `set document` wins: the packet's title, not its parts'.
    pieces.append(f"#set document(title: {_typst_string(pk.title)})\n")
    return "".join(pieces).encode("utf-8")


def render(pk: Packet, converter: Converter, template_dirs: Sequence[Path],
           epoch: int | None = None) -> bytes:
    """The packet as a PDF/A-2a and PDF/UA-1 file; PDF/UA-1 only, claiming no PDF/A, when a
    PDF vedlegg is not PDF/A itself (its pages are drawn in as they are)."""
    from nufa_cli.convert.converter import ACCESSIBLE_ONLY, PDF_STANDARDS

    source = typst_source(pk, converter, template_dirs)
    inserted = [part.pdf for part in pk.parts if part.pdf is not None]
    archive = all(pdfpages.keeps_pdfa(path, pk.title) for path in inserted)
    standards = PDF_STANDARDS if archive else ACCESSIBLE_ONLY
    pdf = converter.compile_typst(source, _root(pk), pk.title, standards, epoch, isolated=True)
    return pdfpages.insert(pdf, inserted, pk.title) if inserted else pdf


def _root(pk: Packet) -> Path:
    return Path(os.path.commonpath([folder.resolve() for folder in pk.folders]))


def _typst_string(text: str) -> str:
    text = " ".join(text.split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'



# re.sub replacements as functions: a replacement string would have its backslashes read.
Replacement = Callable[[re.Match[str]], str]


def _under(prefix: str) -> Replacement:
    """An image call (_IMAGE_CALL) with its path from the typst root under prefix."""
    return lambda call: f"{call[1]}/{prefix}/"


def _verbatim(text: str) -> Replacement:
    return lambda _: text
