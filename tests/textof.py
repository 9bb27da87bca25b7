"""The text a reader sees in a built PDF or DOCX, for tests that assert on the outputs
themselves (not only on the rendered Markdown): pypdf for the PDF, python-docx for the DOCX
(body paragraphs and table cells in document order, then the running header and footer)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    """Every page's text, whitespace collapsed to single spaces."""
    reader = PdfReader(str(path))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def pdf_lang(path: Path) -> str:
    return str(PdfReader(str(path)).trailer["/Root"]["/Lang"])


def _blocks(element: object, parent: object) -> Iterator[str]:
    for child in element.iterchildren():  # type: ignore[attr-defined]
        if child.tag.endswith("}p"):
            yield Paragraph(child, parent).text  # type: ignore[arg-type]
        elif child.tag.endswith("}tbl"):
            for row in Table(child, parent).rows:  # type: ignore[arg-type]
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a cell spanning columns is listed once per column
                        continue
                    seen.add(id(cell._tc))
                    yield from _blocks(cell._tc, cell)


def docx_text(path: Path) -> str:
    """The body in document order, then the header (its table's cells too) and footer;
    whitespace collapsed."""
    document = docx.Document(str(path))
    texts = list(_blocks(document.element.body, document))
    for section in document.sections:
        texts += _blocks(section.header._element, section.header)
        texts += _blocks(section.footer._element, section.footer)
    return " ".join(" ".join(texts).split())


def docx_running_header(path: Path) -> str:
    """The running header of the DOCX's first section, whitespace collapsed."""
    header = docx.Document(str(path)).sections[0].header
    return " ".join(" ".join(_blocks(header._element, header)).split())


PDF_BODY_TOP = 765.0  # points from the bottom: where nufa.typ's text area ends, the header above


def pdf_running_header(path: Path) -> str:
    """The text of the first page above the text area, whitespace collapsed."""
    parts: list[str] = []

    def keep(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if tm[4] * cm[1] + tm[5] * cm[3] + cm[5] > PDF_BODY_TOP:
            parts.append(text)

    PdfReader(str(path)).pages[0].extract_text(visitor_text=keep)
    return " ".join("".join(parts).split())


def docx_lang(path: Path) -> str:
    """The default language of the DOCX's styles (w:lang w:val)."""
    styles = docx.Document(str(path)).styles.element
    lang = styles.find(".//{*}rPrDefault//{*}lang")
    return "" if lang is None else str(lang.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val"))


def outputs(folder: Path) -> dict[str, str]:
    """File name -> text of every PDF and DOCX directly in folder."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".pdf":
            found[path.name] = pdf_text(path)
        elif path.suffix == ".docx":
            found[path.name] = docx_text(path)
    return found
