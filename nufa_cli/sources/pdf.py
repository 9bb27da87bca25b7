"""A PDF vedlegg opened and taken apart once, the way the meeting packet will take it apart.

The packet (build/packet.py, convert/pdfpages.py) draws every page of a PDF vedlegg into
sakspapirer.pdf: it reads the page tree, each page's box, rotation, fonts and content
stream. Whatever of that fails would fail the build, with no line to point at; so check
does all of it here first and names the vedlegg's line, and the packet reads through the
same function. Limits keep one file from holding a build for minutes: a vedlegg of more
than MAX_PAGES pages is refused, and so is a structure nested so deep that reading it
exhausts Python's stack.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pypdf import PdfReader

MAX_PAGES = 500  # a long report; a packet of more would take minutes to draw


class PdfProblem(ValueError):
    """The vedlegg cannot go into the packet; the message says why, naming the file."""


# What reading a damaged page raises in pypdf or in the code that takes it apart.
DAMAGE: tuple[type[BaseException], ...] = (
    AttributeError, IndexError, KeyError, TypeError, ValueError, ZeroDivisionError,
    RecursionError)


def damaged(path: Path, page: int, why: str) -> PdfProblem:
    return PdfProblem(f"vedlegg {path.name} is damaged: page {page} {why}; save it again from "
                      "the program that made it (or print it to a new PDF)")


def open_vedlegg(path: Path) -> PdfReader:
    """The vedlegg, after validate(): a reader of its own for each caller (pypdf's readers
    are not shared between threads)."""
    from pypdf import PdfReader

    validate(path)
    return PdfReader(path)


def validate(path: Path) -> int:
    """Every page read as the packet reads it: the page count, or PdfProblem."""
    try:
        stat = path.stat()
    except OSError as error:
        raise PdfProblem(f"vedlegg {path.name} cannot be read: {error.strerror}") from error
    return _validate(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _validate(path: Path, size: int, mtime: int) -> int:  # size, mtime: a changed file anew
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings repeat what is raised
    broken: tuple[type[BaseException], ...] = (PyPdfError, *DAMAGE)
    unreadable: tuple[type[BaseException], ...] = (OSError, *broken)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise PdfProblem(f"vedlegg {path.name} is encrypted; save it without a password")
        root: Any = reader.trailer["/Root"]  # a user's file: read duck-typed, damage caught
        declared = root["/Pages"].get("/Count")  # before walking the page tree
        if isinstance(declared, int) and declared > MAX_PAGES:
            raise PdfProblem(f"vedlegg {path.name} has {declared} pages; a PDF vedlegg has at "
                             f"most {MAX_PAGES}: split it, or attach it by url")
        count = len(reader.pages)
    except PdfProblem:
        raise
    except unreadable as error:
        raise PdfProblem(f"vedlegg {path.name} cannot be read as a PDF: "
                         f"{_reason(error)}") from error
    if not count:
        raise PdfProblem(f"vedlegg {path.name} has no pages")
    if count > MAX_PAGES:
        raise PdfProblem(f"vedlegg {path.name} has {count} pages; a PDF vedlegg has at most "
                         f"{MAX_PAGES}: split it, or attach it by url")
    for number, page in enumerate(reader.pages, start=1):
        try:
            _check_page(path, number, page)
        except PdfProblem:
            raise
        except broken as error:
            raise damaged(path, number, f"cannot be taken apart ({_reason(error)})") from error
    try:  # what the packet reads to tell whether the vedlegg keeps it PDF/A (pdfpages.py)
        catalog: Any = reader.trailer["/Root"]
        metadata = catalog.get("/Metadata")
        if metadata is not None:
            metadata.get_object().get_data()
        intents = catalog.get("/OutputIntents")
        for intent in (intents.get_object() if intents is not None else []):
            profile = intent.get_object().get("/DestOutputProfile")
            if profile is not None:
                profile.get_object().get_data()
    except broken as error:
        raise PdfProblem(f"vedlegg {path.name} is damaged: its metadata or output intent "
                         f"cannot be read ({_reason(error)})") from error
    return count


def _reason(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "its objects are nested too deeply"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _check_page(path: Path, number: int, page: Any) -> None:  # a pypdf PageObject
    from pypdf.generic import ContentStream

    if page.rotation % 90:
        raise damaged(path, number, f"is turned by {page.rotation} degrees, not by a multiple "
                      "of 90")
    box = page.cropbox
    if not (float(box.width) > 0 and float(box.height) > 0):
        raise damaged(path, number, "has an empty page box")
    check_fonts(page.get("/Resources"), path)
    contents = page.get_contents()
    if contents is not None:
        len(ContentStream(contents, page.pdf).operations)  # parses it, as the packet will


def check_fonts(resources: Any, path: Path, seen: set[int] | None = None) -> None:
    """PDF/UA-1 (7.21.4.1) requires every font to be embedded, in an inserted page too."""
    seen = set() if seen is None else seen
    resources = resources.get_object() if hasattr(resources, "get_object") else resources
    if not resources or id(resources) in seen:
        return
    seen.add(id(resources))
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        if font.get("/Subtype") == "/Type3":
            continue
        described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font \
            else font
        descriptor = described.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            raise PdfProblem(
                f"vedlegg {path.name} uses the font {name} without embedding it, and PDF/UA-1 "
                "requires every font embedded; save the PDF again with fonts embedded "
                "(e.g. as PDF/A)")
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            check_fonts(xobject.get("/Resources"), path, seen)
