"""Pages of a PDF vedlegg in the meeting packet (packet.py), drawn in after typst.

Typst 0.15 refuses PDF images under PDF/UA-1, so the packet's typst has a stand-in image
(templates/packet.typ: 7 x 5 white pixels, with the page's alt text) for each page. Here
pypdf finds each stand-in in the compiled packet, in page order, and has it draw the
source page instead: a form XObject fitted (top-centred) into the stand-in's square, so
the page is the content of the stand-in's tagged Figure. The source's own marked content
is removed (its ids belong to a structure tree that is not carried over) and its fonts
must be embedded (PDF/UA-1, 7.21.4.1). Nothing else of the packet changes: typst's
structure tree, /Lang, metadata and PDF version stay as they were.

PDF/A: the pages are drawn in as they are, so the packet is only as much PDF/A as they
are. keeps_pdfa() says whether a vedlegg declares PDF/A-1, -2 or -3 (their page content
rules are PDF/A-2's or stricter) with an RGB output intent or none (the packet's is sRGB,
and a CMYK or grey page would need its own); packet.py compiles the packet as PDF/UA-1
only, claiming no PDF/A, when one does not.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nufa_cli.sources import pdf as pdfcheck

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader, PdfWriter
    from pypdf.generic import IndirectObject

    from nufa_cli.convert.converter import ConvertError

STAND_IN_SIZE = (7, 5)  # pixels of templates/packet.typ's stand-in image


def _error(message: str, title: str) -> ConvertError:
    from nufa_cli.convert.converter import ConvertError  # loads typst: only once a packet is converted

    return ConvertError(message, title=title, fmt="PDF")


def read(path: Path, title: str) -> PdfReader:
    """The vedlegg as sources/pdf.py validated it (nufa check did the same)."""
    try:
        return pdfcheck.open_vedlegg(path)
    except pdfcheck.PdfProblem as problem:
        raise _error(str(problem), title) from problem


_PDFA_ID = "http://www.aiim.org/pdfa/ns/id/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def keeps_pdfa(path: Path, title: str) -> bool:
    """True if the vedlegg's pages, drawn into a PDF/A-2 packet, keep it PDF/A-2: the file
    declares PDF/A-1, -2 or -3 (pdfaid:part in its XMP metadata) and its output intent's
    profile, if it has one, is RGB like the packet's."""
    reader = read(path, title)
    catalog: Any = reader.trailer["/Root"]  # a user's file: read duck-typed, damage caught below
    try:
        metadata = catalog.get("/Metadata")
        xmp = metadata.get_object().get_data() if metadata is not None else b""
        intents = catalog.get("/OutputIntents")
        profiles = [intent.get_object().get("/DestOutputProfile")
                    for intent in (intents.get_object() if intents is not None else [])]
        # an ICC profile's header names its colour space at bytes 16 to 19
        spaces = {p.get_object().get_data()[16:20] for p in profiles if p is not None}
    except pdfcheck.DAMAGE as error:
        raise _error(f"vedlegg {path.name} is damaged: its metadata or output intent cannot "
                     f"be read ({type(error).__name__}: {error}); save it again from the "
                     "program that made it", title) from error
    return _pdfa_part(xmp) in {"1", "2", "3"} and spaces <= {b"RGB "}


def _pdfa_part(xmp: bytes) -> str | None:
    """pdfaid:part of XMP metadata, written as an element or as an attribute."""
    from xml.etree import ElementTree

    try:
        tree = ElementTree.fromstring(xmp.strip(b"\x00 \t\r\n"))
    except ElementTree.ParseError:
        return None
    for description in tree.iter(f"{{{_RDF}}}Description"):
        part = description.get(f"{{{_PDFA_ID}}}part")
        if part is None:
            element = description.find(f"{{{_PDFA_ID}}}part")
            part = element.text if element is not None else None
        if part is not None:
            return part.strip()
    return None


def insert(pdf: bytes, files: Sequence[Path], title: str) -> bytes:
    """Draw each page of the PDF vedlegg into its stand-in image, in order."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    sources = [(path, number, page) for path in files
               for number, page in enumerate(read(path, title).pages, start=1)]
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # pypdf would write 1.3; typst wrote 1.7
    queue = iter(sources)
    drawn = 0
    damage: tuple[type[BaseException], ...] = (PyPdfError, *pdfcheck.DAMAGE)
    for page in writer.pages:
        resources = page["/Resources"]
        assert isinstance(resources, DictionaryObject)  # typst gives each page its own
        xobjects = resources.get("/XObject")
        stand_ins = {name for name, ref in (xobjects or {}).items() if _is_stand_in(ref)}
        if xobjects is None or not stand_ins:
            continue
        xobjects = xobjects.get_object()
        stream = ContentStream(page.get_contents(), writer)
        matrix: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        stack: list[tuple[float, ...]] = []
        for i, (operands, operator) in enumerate(stream.operations):
            if operator == b"q":
                stack.append(matrix)
            elif operator == b"Q":
                matrix = stack.pop()
            elif operator == b"cm":
                matrix = _multiply(tuple(float(x) for x in operands), matrix)
            elif operator == b"Do" and operands[0] in stand_ins:
                drawing = next(queue, None)
                if drawing is None:
                    raise _error("more page stand-ins than PDF pages", title)
                path, number, source = drawing
                name = NameObject(f"/NufaVedlegg{drawn}")
                try:
                    xobjects[name] = _form(writer, source, matrix, path, number, title)
                except damage as error:  # a value missing or of a wrong type
                    why = f"cannot be taken apart ({type(error).__name__}: {error})"
                    raise _error(str(pdfcheck.damaged(path, number, why)), title) from error
                except pdfcheck.PdfProblem as problem:
                    raise _error(str(problem), title) from problem
                stream.operations[i] = ([name], b"Do")
                drawn += 1
        page.replace_contents(stream)
    if drawn != len(sources):
        raise _error(f"{len(sources)} PDF pages, {drawn} stand-ins", title)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _is_stand_in(ref: Any) -> bool:  # any PDF object: reading it tells what it is
    image = ref.get_object() if hasattr(ref, "get_object") else ref
    return (image.get("/Subtype") == "/Image"
            and (image.get("/Width"), image.get("/Height")) == STAND_IN_SIZE
            and set(image.get_data()) == {255})


def _multiply(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    """a then b, as PDF's cm composes: a x b."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


_MARKED_CONTENT = {b"BDC", b"BMC", b"EMC", b"MP", b"DP"}


def _form(writer: PdfWriter, source: PageObject, matrix: tuple[float, ...], path: Path,
          number: int, title: str) -> IndirectObject:
    """The source page as a form XObject that fits (top-centred) into the stand-in's square."""
    from pypdf.generic import (
        ArrayObject,
        ContentStream,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    a, b, c, d = matrix[:4]
    if b or c or a <= 0 or d <= 0:
        raise _error("a PDF page stand-in is rotated or mirrored", title)
    if source.rotation % 90:
        raise pdfcheck.damaged(path, number, f"is turned by {source.rotation} degrees, "
                          "not by a multiple of 90")
    pdfcheck.check_fonts(source.get("/Resources"), path)
    box = source.cropbox
    x0, y0, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
    # the page as shown (its /Rotate turns it clockwise), from the box's lower left corner
    turn = {0: (1, 0, 0, 1, -x0, -y0), 90: (0, -1, 1, 0, -y0, x0 + w),
            180: (-1, 0, 0, -1, x0 + w, y0 + h), 270: (0, 1, -1, 0, y0 + h, -x0)}
    shown_w, shown_h = (h, w) if source.rotation % 180 else (w, h)
    scale = min(a / shown_w, d / shown_h)  # points of the packet per point of the page
    sx, sy = scale / a, scale / d  # the stand-in is drawn in a unit square
    fit = (sx, 0, 0, sy, (1 - sx * shown_w) / 2, 1 - sy * shown_h)
    matrix = _multiply(turn[source.rotation % 360], fit)
    contents = source.get_contents()
    operations = [] if contents is None else [
        op for op in ContentStream(contents, source.pdf).operations
        if op[1] not in _MARKED_CONTENT]  # their ids belong to the source's structure tree
    body = ContentStream(None, writer)
    body.operations = [([], b"q"), *operations, ([], b"Q")]
    line = 0.5 / scale  # a 0.5 pt grey frame, inside the page's box
    frame = (f"q 0.6 G {line:.4f} w {x0 + line / 2:.4f} {y0 + line / 2:.4f} "
             f"{w - line:.4f} {h - line:.4f} re S Q\n")
    form = DecodedStreamObject()
    form.set_data(body.get_data() + b"\n" + frame.encode("ascii"))
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (x0, y0, x0 + w, y0 + h)),
        NameObject("/Matrix"): ArrayObject(FloatObject(round(v, 6)) for v in matrix),
        NameObject("/Resources"): (source["/Resources"].clone(writer)
                                   if "/Resources" in source else DictionaryObject()),
    })
    if "/Group" in source:
        form[NameObject("/Group")] = source["/Group"].clone(writer)
    return writer._add_object(form.flate_encode())  # pypdf has no public way to add a stream
