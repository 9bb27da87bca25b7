"""A DOCX file as pandoc reads it: the reverse of the converter, for `nufa import`.

pandoc's docx reader (in the pandoc worker, pandoc_worker.lua, inside pandoc's sandbox)
reads the file with its styles kept, and describes each top-level block: a heading, a
table's cell texts, a styled paragraph (nufa's own header block is paragraphs in the
style "Docheader", label and value), any other block by its text. The caller decides
what the blocks are and asks for some of them as nufa's Markdown (no raw markup; Word's
styles left out, since nufa's templates give the look). What pandoc cannot carry
over is found in the file's XML: comments and tracked changes, which a reader must
resolve first, and parts listed as not carried over.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any

from nufa_cli.convert.pandoc_worker import PandocWorker, WorkerError
from nufa_cli.core.errors import NufaError

MEDIA_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg"}  # what nufa's documents embed


class NotADocx(NufaError):
    """The file is no DOCX pandoc can read; the message says why."""


@dataclass(frozen=True)
class Block:
    """One top-level block of the document, as described by the worker."""

    index: int
    kind: str  # pandoc's block type: Header, Table, Div, Para, BulletList, ...
    text: str = ""
    level: int = 0  # a Header's
    style: str = ""  # a Div's custom-style: the Word paragraph style
    label: str | None = None  # a styled paragraph opening with a styled span: its text
    value: str | None = None  # and the rest
    rows: tuple[tuple[str, ...], ...] = ()  # a Table's cell texts, header rows included


@dataclass(frozen=True)
class Reading:
    """A DOCX as pandoc read it."""

    blocks: list[Block]  # its top-level blocks
    title: str  # a paragraph in the style Title at the very start (pandoc's metadata title)
    images: list[str]  # the images it shows, by the source pandoc names them ("media/image1.png")
    warnings: list[str]  # what pandoc warned of while reading it


@dataclass(frozen=True)
class Findings:
    """What the file holds that cannot be imported as it is."""

    refused: tuple[str, ...]  # resolve these in Word first: comments, tracked changes
    dropped: tuple[str, ...]  # left out of the import, named for the user


def inspect(data: bytes) -> Findings:
    """Comments and tracked changes (refused) and the parts not carried over, from the XML."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            parts = {name: docx.read(name).decode("utf-8", "replace") for name in docx.namelist()
                     if name.startswith("word/") and name.endswith(".xml")}
    except (zipfile.BadZipFile, OSError, KeyError) as error:
        raise NotADocx(f"not a DOCX file ({error})") from error
    if "word/document.xml" not in parts:
        raise NotADocx("not a DOCX file (it has no word/document.xml)")
    body = "".join(text for name, text in parts.items()
                   if re.fullmatch(r"word/(document|footnotes|endnotes)\.xml", name))
    refused = []
    if "<w:comment " in parts.get("word/comments.xml", "") or "<w:commentReference" in body:
        refused.append("comments")
    if re.search(r"<w:(ins|del|moveFrom|moveTo|rPrChange|pPrChange)\b", body):
        refused.append("tracked changes")
    dropped = [what for pattern, what in _DROPPED if re.search(pattern, body)]
    if any("txbxContent" not in shape and "imagedata" not in shape
           for shape in re.findall(r"<(?:wps:wsp|v:shape|v:rect|v:oval|v:line)\b.*?"
                                   r"</(?:wps:wsp|v:shape|v:rect|v:oval|v:line)>", body, re.DOTALL)):
        dropped.append("drawn shapes")
    headers = "".join(t for n, t in parts.items() if re.fullmatch(r"word/(header|footer)\d*\.xml", n))
    if "<w:t" in headers:
        dropped.append("the page header and footer (nufa prints its own)")
    return Findings(tuple(refused), tuple(dropped))


_DROPPED = (
    (r"<w:txbxContent", "text boxes (their text is left out, or put where the box is "
                        "anchored: check it)"),
    (r"drawingml/2006/diagram", "SmartArt"),
    (r"drawingml/2006/chart", "charts"),
    (r"<w:object\b|<o:OLEObject\b", "embedded objects"),
    (r"<m:oMath\b", "equations (as their TeX text)"),
    (r"<w:instrText[^>]*>\s*TOC\b", "the table of contents (nufa's documents have none)"),
    (r"<w:highlight\b|<w:color w:val=\"(?!auto\")", "text colours and highlighting"),
)


def media(data: bytes, src: str) -> bytes | None:
    """The bytes of an image pandoc names src ("media/image1.png"), from the DOCX."""
    name = PurePosixPath("word") / src
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        try:
            return docx.read(name.as_posix())
        except KeyError:
            return None


class WordReader:
    """One pandoc worker that reads one DOCX at a time; a context manager."""

    def __init__(self) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="nufa-import-")
        self._worker: PandocWorker | None = None

    def __enter__(self) -> WordReader:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        self._scratch.cleanup()

    def read(self, data: bytes) -> Reading:
        """The document as pandoc reads it."""
        reply, _ = self._request({"op": "read_docx"}, [data])
        return Reading([_block(i, item) for i, item in enumerate(reply.get("blocks") or [])],
                       str(reply.get("title") or ""),
                       [str(src) for src in reply.get("images") or []],
                       [str(w) for w in reply.get("warnings") or []])

    def markdown(self, blocks: Sequence[int], shift: int = 0,
                 images: Mapping[str, str] | None = None) -> str:
        """Those blocks of the last document read as nufa's Markdown, headings moved `shift`
        levels, images renamed (src -> new src; an image not named is left out)."""
        if not blocks:
            return ""
        _, output = self._request({"op": "write_markdown", "blocks": list(blocks),
                                   "shift": shift, "images": dict(images or {})})
        return output.decode("utf-8").strip()

    def _request(self, header: dict[str, Any], blobs: Sequence[bytes] = ()
                 ) -> tuple[dict[str, Any], bytes]:
        try:
            if self._worker is None:
                self._worker = PandocWorker({"reader": "markdown", "filters": {}},
                                            epoch=0, scratch=Path(self._scratch.name))
            return self._worker.request(header, blobs)
        except WorkerError as error:
            raise NotADocx(f"pandoc could not read it: {error}") from error


def _block(index: int, item: dict[str, Any]) -> Block:
    rows = tuple(tuple(str(cell) for cell in row) for row in item.get("rows") or [])
    return Block(index, str(item.get("t", "")), str(item.get("text") or ""),
                 int(item.get("level") or 0), str(item.get("style") or ""),
                 item.get("label"), item.get("value"), rows)


__all__ = ["MEDIA_TYPES", "Block", "Findings", "NotADocx", "Reading", "WordReader", "inspect", "media"]
