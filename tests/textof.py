"""The text a reader sees in a built PDF or DOCX, for tests that assert on the outputs
themselves (not only on the rendered Markdown): pypdf for the PDF, python-docx for the DOCX
(body paragraphs and table cells in document order, then the running header and footer)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    """Every page's text, whitespace collapsed to single spaces."""
    reader = PdfReader(str(path))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def pdf_lang(path: Path) -> str:
    return str(PdfReader(str(path)).trailer["/Root"]["/Lang"])


def _blocks(parent: DocxDocument | object) -> Iterator[str]:
    body = parent.element.body if isinstance(parent, DocxDocument) else parent._tc  # type: ignore[attr-defined]
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            yield Paragraph(child, parent).text  # type: ignore[arg-type]
        elif child.tag.endswith("}tbl"):
            for row in Table(child, parent).rows:  # type: ignore[arg-type]
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a cell spanning columns is listed once per column
                        continue
                    seen.add(id(cell._tc))
                    yield from _blocks(cell)


def docx_text(path: Path) -> str:
    """The body in document order, then the header and footer; whitespace collapsed."""
    document = docx.Document(str(path))
    texts = list(_blocks(document))
    for section in document.sections:
        texts += [p.text for p in section.header.paragraphs]
        texts += [p.text for p in section.footer.paragraphs]
    return " ".join(" ".join(texts).split())


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
