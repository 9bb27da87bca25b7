"""Markdown to DOCX, ODT, PDF and HTML.

One `pandoc lua` worker per Converter reads the Markdown and writes DOCX, ODT, typst or HTML
(pandoc_worker.py); one typst worker per Converter (typst_child.py: a process of its own,
with a time and a memory limit per document) turns the typst into a PDF/A-2a and PDF/UA-1
file (PDF_STANDARDS). The styling lives in templates/:
nufa.typ and filters/typst.lua for the PDF, reference.docx and filters/docx.lua for the
DOCX, filters/html.lua for the HTML fragment nufa site lays out in its pages,
filters/common.lua for all of them. templates/MARKDOWN.md lists the Markdown the templates
may use.

ODT (for further editing in ODF, as the state's rules for publishing ask) is pandoc's odt
writer with templates/nufa.opendocument, the document's body under its title, creator
and language; its styles are pandoc's own.

Same Job and epoch give the same bytes, in every format.
"""

from __future__ import annotations

import base64
import io
import re
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol
from xml.sax.saxutils import escape as xml_escape

import typst

from nufa_cli.check.images import IMAGE_TYPES, resolve_image
from nufa_cli.convert.docxprops import set_properties
from nufa_cli.convert.job import Job
from nufa_cli.convert.linkalt import footnote_word, localise
from nufa_cli.convert.look import (
    Look,
    PageTexts,
    add_docx_logo,
    set_docx_font,
    set_docx_header_columns,
    xml_plain,
)
from nufa_cli.convert.pandoc_worker import PandocWorker, WorkerError
from nufa_cli.convert.typst_child import ChildFailed, Request, TypstWorker, compile_isolated
from nufa_cli.convert.ziputil import write_zip
from nufa_cli.core.errors import NufaError

if TYPE_CHECKING:
    from typst import PDFStandard

# Pandoc Markdown with every way to pass code through switched off: user text is data.
READER = "markdown" + "".join(
    f"-{extension}"
    for extension in (
        "raw_html",  # <b>, <script>, <!-- --> stay text
        "raw_tex",  # \LaTeX stays text
        "raw_attribute",  # ```{=typst} and `x`{=openxml} are not passed to the writer
        "citations",  # @word is text (typst reads a citation as a label and fails)
        "tex_math_dollars",  # "$5 og $10" is text; nothing here is mathematics
        "latex_macros",  # \newcommand is text
        "yaml_metadata_block",  # metadata comes from the Job only
        "pandoc_title_block",
    )
)

# PDF/A-2a is the one PDF an archive takes that is also accessible (uutilsynet.no, guidance
# 1604); PDF/UA-1 is the accessibility standard itself. typst checks both as it writes.
PDF_STANDARDS: tuple[PDFStandard, ...] = ("a-2a", "ua-1")
FORMATS = ("docx", "odt", "pdf", "html")  # what convert() writes
ACCESSIBLE_ONLY: tuple[PDFStandard, ...] = ("ua-1",)  # a packet with PDF pages that are no PDF/A

TEMPLATE_FILES = (
    "nufa.typ",
    "nufa.opendocument",
    "reference.docx",
    "filters/common.lua",
    "filters/docx.lua",
    "filters/odt.lua",
    "filters/typst.lua",
    "filters/html.lua",
)


# An unused footnote is harmless, and nufa check warns of it (footnote-unused).
_UNUSED_NOTE = re.compile(r"Note with key .* defined at .* but not used")
_LANG = re.compile(r"[a-z]{2,3}-[A-Z]{2}")  # with region: "nb" alone means region US to typst
_ZIP_EPOCH_MIN = 315532800  # 1980-01-01, the earliest date a zip entry can hold

_PLACEHOLDER = re.compile(r"NUFA-(?:HEADER|TITLE|FOOTER-NOTE|PAGE-BEFORE|PAGE-BETWEEN|PAGE-AFTER)")
# filters/docx.lua's mark of a row kept on one page, in the first paragraph of a cell of it
_KEEP_ROW = "<w:r><w:t>NUFA-KEEP-ROW</w:t></w:r>"
_ROW_OR_KEEP = re.compile(r"<w:tr(?:\s[^>]*)?>|</w:tr>|" + re.escape(_KEEP_ROW))
_ROW_PROPERTIES = re.compile(r"<w:trPr(?:\s[^>]*)?>")
_DOCX_DRAFT_PLACEHOLDER = "<w:r><w:t>NUFA-DRAFT</w:t></w:r>"
# Bold red draft mark ("UTKAST", the catalogue's `utkast`: _DRAFT_LABEL) before the title in
# the header, and Word's own kind of text watermark (a VML text path behind the page); both
# live in the header part.
_DRAFT_LABEL = "\x00draft\x00"
_DOCX_DRAFT = (
    '<w:r><w:rPr><w:b/><w:bCs/><w:color w:val="B00020"/></w:rPr>'
    f'<w:t xml:space="preserve">{_DRAFT_LABEL}  </w:t></w:r>'
    '<w:r><w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"'
    ' path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/>'
    '<v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>'
    '<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>'
    '<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>'
    '<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>'
    '<v:f eqn="sum @6 0 @5"/></v:formulas><v:path textpathok="t" o:connecttype="custom"'
    ' o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight"'
    ' xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/>'
    '</v:shapetype><v:shape id="NufaDraftWatermark" o:spid="_x0000_s2049" type="#_x0000_t136"'
    ' style="position:absolute;margin-left:0;margin-top:0;width:470pt;height:120pt;'
    "rotation:315;z-index:-251657216;mso-position-horizontal:center;"
    "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#d9d9d9"'
    ' stroked="f"><v:fill opacity=".6"/><v:textpath style="font-family:&quot;Carlito&quot;;'
    f'font-size:1pt;font-weight:bold" string="{_DRAFT_LABEL}"/></v:shape></w:pict></w:r>'
)


class TypstSources(Protocol):
    """Where typst_source() keeps what pandoc wrote for a job (a dict will do; the build
    keeps it on disk, build/typstcache.py)."""

    def get(self, job: Job, /) -> bytes | None: ...

    def __setitem__(self, job: Job, source: bytes, /) -> None: ...


class ConvertError(NufaError):
    """A document could not be converted; the message names the document and the cause."""

    def __init__(self, message: str, *, title: str | None = None, fmt: str | None = None):
        self.title = title
        self.fmt = fmt
        self.detail = message
        named = f"«{title}»" if title is not None else None
        where = " ".join(part for part in (fmt, named) if part)
        super().__init__(f"{where}: {message}" if where else message)


class Converter:
    """Converts Jobs to DOCX and PDF bytes; use as a context manager, or call close()."""

    def __init__(self, templates_dir: Path | Sequence[Path], epoch: int, *,
                 font: str | None = None, logo_alt: str = "Logo",
                 sources: TypstSources | None = None,
                 page_texts: Sequence[str] | None = None) -> None:
        """templates_dir: one folder, or several searched in order (a committee's own
        templates before the built-in ones): each file is taken from the first folder
        that has it; fonts from every folder's fonts/. font: a family from those fonts
        that replaces the templates' own; logo_alt: the alt text of a logo.png there;
        sources: typst written for jobs, shared between converters (packet.py reuses them);
        page_texts: the draft mark and the page label (look.PageTexts), by default bokmål's."""
        folders = [Path(templates_dir)] if isinstance(templates_dir, str | Path) else [
            Path(folder) for folder in templates_dir
        ]
        self._epoch = int(epoch)
        self._sources: TypstSources = {} if sources is None else sources
        self._files: dict[str, Path] = {}
        for name in TEMPLATE_FILES:
            found = next((f / name for f in folders if (f / name).is_file()), None)
            if found is not None:
                self._files[name] = found.resolve()
        self._fonts = [str(f / "fonts") for f in folders if (f / "fonts").is_dir()]
        missing = [name for name in TEMPLATE_FILES if name not in self._files]
        if not self._fonts:
            missing.append("fonts/")
        if missing:
            shown = ", ".join(str(folder) for folder in folders)
            raise ConvertError(f"missing in the templates ({shown}): {', '.join(missing)}")
        self._fontbook = typst.Fonts(include_system_fonts=False, font_paths=self._fonts)
        self._footnote_word = footnote_word(self._files["nufa.typ"].read_text(encoding="utf-8"))
        try:
            texts = PageTexts(*page_texts) if page_texts else None
            self._look = Look.find(folders, self._fontbook, font=font, logo_alt=logo_alt,
                                   texts=texts)
        except ValueError as error:
            raise ConvertError(str(error)) from error
        self._scratch = tempfile.TemporaryDirectory(prefix="nufa-convert-")
        self._worker: PandocWorker | None = None
        self._typst_worker: TypstWorker | None = None
        # The worker keeps the last document it read; docx() and pdf() of one job read once.
        self._last_read: tuple[str, str, list[str]] | None = None
        self._closed = False

    def __enter__(self) -> Converter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        if self._typst_worker is not None:
            self._typst_worker.close()
            self._typst_worker = None
        self._scratch.cleanup()

    def docx(self, job: Job) -> bytes:
        """The job as a DOCX file."""
        images = self._read(job, "DOCX")
        blobs = [path.read_bytes() for path in images.values()]
        data = self._write(job, "DOCX", images, blobs, meta={}, variables={})
        return _finish_docx(data, job, self.epoch_of(job), self._look)

    def odt(self, job: Job) -> bytes:
        """The job as an ODT file."""
        images = self._read(job, "ODT")
        blobs = [path.read_bytes() for path in images.values()]
        meta = {"title": job.title, "author": job.header}  # meta.xml: dc:title, dc:creator
        return self._write(job, "ODT", images, blobs, meta=meta, variables={})

    def convert(self, job: Job, fmt: str) -> bytes:
        """The job in one of FORMATS."""
        return {"docx": self.docx, "odt": self.odt, "pdf": self.pdf, "html": self.html}[fmt](job)

    def pdf(self, job: Job) -> bytes:
        """The job as a PDF/A-2a and PDF/UA-1 file; any typst warning is an error."""
        return self.compile_typst(self.typst_source(job), job.resource_root, job.title,
                                  epoch=job.epoch)

    def epoch_of(self, job: Job) -> int:
        """The time a job's files are dated: its own, else the converter's."""
        return self._epoch if job.epoch is None else int(job.epoch)

    def compile_typst(self, source: bytes, root: Path, title: str,
                      standards: Sequence[PDFStandard] = PDF_STANDARDS,
                      epoch: int | None = None, isolated: bool = False) -> bytes:
        """Typst source as a PDF file of those standards, with pdf()'s compiler, fonts and
        timestamp, its footnote links described in nufa.typ's word (linkalt.py); any typst
        warning is an error. The meeting packet (build/packet.py) joins several documents'
        typst_source() into one source and compiles it here, isolated: in a process of its
        own, which takes typst's memory of it along when it ends (typst_child.py); any other
        document in the converter's typst worker. Past a worker's limits, the document is
        named in the error and the next one gets a new worker."""
        timestamp = self._epoch if epoch is None else int(epoch)
        request = Request(self._fonts, self._look.typst_inputs(), root, timestamp, standards)
        try:
            reply = compile_isolated(source, request) if isolated else \
                self._typst().compile(source, request)
        except ChildFailed as error:  # the worker is gone: the next document starts one
            if not isolated:
                self._typst_worker = None
            raise ConvertError(str(error), title=title, fmt="PDF") from error
        if "error" in reply:
            raise ConvertError(str(reply["error"]), title=title, fmt="PDF")
        if reply["warnings"]:
            raise ConvertError(f"typst warned: {'; '.join(reply['warnings'])}", title=title,
                               fmt="PDF")
        pdf = reply["pdf"]
        assert isinstance(pdf, bytes)
        return localise(pdf, self._footnote_word) if self._footnote_word else pdf

    def html(self, job: Job) -> bytes:
        """The job's text as an HTML fragment (UTF-8), which nufa site lays out in its pages;
        its images inline as data: addresses, so a page loads nothing from elsewhere."""
        images = self._read(job, "HTML")
        return self._write(job, "HTML", images, [], meta={}, variables={})

    def typst_source(self, job: Job) -> bytes:
        """The typst file pandoc writes for the job (what pdf() compiles)."""
        cached = self._sources.get(job)
        if cached is not None:
            return cached
        images = self._read(job, "PDF")
        meta = {"title": job.title, "header": job.header, "footer-note": job.footer_note}
        variables = {"draft": "true"} if job.draft else {}
        source = self._write(job, "PDF", images, [], meta=meta, variables=variables)
        self._sources[job] = source
        return source

    def _read(self, job: Job, fmt: str) -> dict[str, Path]:
        """Parse the Markdown; return its images, each checked to lie in resource_root."""
        if not _LANG.fullmatch(job.lang):
            message = f"lang must look like nb-NO, not {job.lang!r}"
            raise ConvertError(message, title=job.title, fmt=fmt)
        root = Path(job.resource_root)
        if not root.is_dir():
            raise ConvertError(f"resource_root {root} is not a folder", title=job.title, fmt=fmt)
        worker_alive = self._worker is not None and self._worker.alive
        if worker_alive and self._last_read and self._last_read[:2] == (job.markdown, job.lang):
            sources = self._last_read[2]
        else:
            self._last_read = None
            request = {"op": "read", "markdown": job.markdown, "lang": job.lang}
            reply, _ = self._request(request, job, fmt)
            sources = list(reply.get("images") or [])
            self._last_read = (job.markdown, job.lang, sources)
        images: dict[str, Path] = {}
        problems = []
        for src in sources:
            try:
                images[src] = resolve_image(root, src, job.image_base)
            except ValueError as error:
                problems.append(str(error))
        if problems:
            raise ConvertError("; ".join(problems), title=job.title, fmt=fmt)
        return images

    def _write(
        self,
        job: Job,
        fmt: str,
        images: dict[str, Path],
        blobs: list[bytes],
        *,
        meta: dict[str, str],
        variables: dict[str, str],
    ) -> bytes:
        root = Path(job.resource_root).resolve()
        checked = []
        for src, path in images.items():
            relative = path.relative_to(root).as_posix()
            mime = IMAGE_TYPES[path.suffix.lower()]
            # typst reads "/x.png" from its root; the DOCX and ODT writers take the media bag
            # key; an HTML page carries the image itself.
            where = "/" + relative if fmt == "PDF" else relative if fmt != "HTML" else \
                f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
            checked.append({"src": src, "path": where, "mime": mime})
        request: dict[str, Any] = {
            "op": "write",
            "format": {"PDF": "typst"}.get(fmt, fmt.lower()),
            "lang": job.lang,
            "meta": meta,
            "variables": variables,
            "images": checked,
        }
        if job.epoch is not None:
            request["epoch"] = int(job.epoch)
        _, output = self._request(request, job, fmt, blobs)
        return output

    def _request(
        self, header: dict[str, Any], job: Job, fmt: str, blobs: Sequence[bytes] = ()
    ) -> tuple[dict[str, Any], bytes]:
        """One worker request; pandoc's warnings are errors, like typst's."""
        try:
            reply, output = self._pandoc().request(header, blobs)
        except WorkerError as error:
            raise ConvertError(f"pandoc: {error}", title=job.title, fmt=fmt) from error
        warnings = [w for w in reply.get("warnings") or [] if not _UNUSED_NOTE.match(w)]
        if warnings:
            raise ConvertError(f"pandoc warned: {'; '.join(warnings)}", title=job.title, fmt=fmt)
        return reply, output

    def _pandoc(self) -> PandocWorker:
        if self._closed:
            raise ConvertError("the converter is closed")
        if self._worker is None or not self._worker.alive:
            self._last_read = None
            init = {
                "reader": READER,
                "filters": {
                    name: [str(self._files[f"filters/{name}.lua"])]
                    for name in ("common", "docx", "odt", "typst", "html")
                },
                "typst_template": self._files["nufa.typ"].read_text(encoding="utf-8"),
                "odt_template": self._files["nufa.opendocument"].read_text(encoding="utf-8"),
                "reference_doc": str(self._files["reference.docx"]),
            }
            try:
                scratch = Path(self._scratch.name)
                self._worker = PandocWorker(init, epoch=self._epoch, scratch=scratch)
            except WorkerError as error:
                raise ConvertError(f"cannot start pandoc: {error}") from error
        return self._worker

    def _typst(self) -> TypstWorker:
        if self._typst_worker is None or not self._typst_worker.alive:
            try:
                self._typst_worker = TypstWorker()
            except ChildFailed as error:
                raise ConvertError(f"cannot start typst: {error}") from error
        return self._typst_worker




def _xml_text(text: str) -> str:
    return xml_escape(xml_plain(text))


def _keep_rows(xml: str) -> str:
    """Give each table row that holds filters/docx.lua's mark Word's <w:cantSplit/> (the row
    is not broken across pages), and take the marks out. Rows are matched as they nest: a
    mark belongs to the innermost row open around it."""
    if _KEEP_ROW not in xml:
        return xml
    open_rows: list[int] = []  # where each open row's properties go: after its <w:tr>
    kept: set[int] = set()
    for match in _ROW_OR_KEEP.finditer(xml):
        if match[0] == "</w:tr>":
            open_rows.pop()
        elif match[0] == _KEEP_ROW:
            if open_rows:
                kept.add(open_rows[-1])
        else:
            open_rows.append(match.end())
    for at in sorted(kept, reverse=True):
        properties = _ROW_PROPERTIES.match(xml, at)
        if properties:
            xml = xml[:properties.end()] + "<w:cantSplit/>" + xml[properties.end():]
        else:
            xml = xml[:at] + "<w:trPr><w:cantSplit/></w:trPr>" + xml[at:]
    return xml.replace(_KEEP_ROW, "")


def _finish_docx(data: bytes, job: Job, epoch: int, look: Look) -> bytes:
    """Fill the header/footer placeholders and the document properties (docxprops.py), add
    the committee's logo and font; rewrite the zip reproducibly."""
    before, between, after = look.texts.page_parts()
    values = {
        "NUFA-HEADER": _xml_text(job.header),
        "NUFA-TITLE": _xml_text(job.title),
        "NUFA-FOOTER-NOTE": _xml_text(job.footer_note),
        "NUFA-PAGE-BEFORE": xml_escape(xml_plain(before + "x"))[:-1],  # keeps its spaces
        "NUFA-PAGE-BETWEEN": xml_escape(xml_plain("x" + between + "x"))[1:-1],
        "NUFA-PAGE-AFTER": xml_escape(xml_plain("x" + after))[1:],
    }
    draft = _DOCX_DRAFT.replace(_DRAFT_LABEL, xml_escape(xml_plain(look.texts.draft),
                                                         {'"': "&quot;"}))
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    if look.logo is not None:  # before the placeholders are filled: NUFA-HEADER marks its place
        try:
            add_docx_logo(parts, look.logo)
        except ValueError as error:
            raise ConvertError(str(error), title=job.title, fmt="DOCX") from error

    for name, content in parts.items():
        if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
            text = content.decode("utf-8")
            text = text.replace(_DOCX_DRAFT_PLACEHOLDER, draft if job.draft else "")
            # One pass, so a title that reads "NUFA-HEADER" stays as it is.
            text = _PLACEHOLDER.sub(lambda match: values[match[0]], text)
            parts[name] = text.encode("utf-8")
    parts["word/document.xml"] = _keep_rows(parts["word/document.xml"].decode("utf-8")).encode("utf-8")
    set_docx_header_columns(parts, look, xml_plain(job.header))
    set_properties(parts, title=job.title, creator=job.header, lang=job.lang)
    if look.font is not None:
        set_docx_font(parts, look.font)

    return write_zip(parts, time.gmtime(max(epoch, _ZIP_EPOCH_MIN))[:6], compresslevel=6)
