"""A DOCX's document properties, as Word's accessibility checker and an archive read them.

Pandoc copies docProps/app.xml from its own reference document: "Microsoft Word 12.0.0",
a page, word and line count and an editing time of a demo file, none of them true of the
document. core.xml gets no author. Here core.xml gets the document's title and the
committee as its creator (dc:creator), keeping pandoc's language and dates, and app.xml
says only what is known: nufa wrote it. Page and word counts are left out (Word counts
them when it opens the file).
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape as xml_escape

from nufa_cli import __version__
from nufa_cli.convert.look import xml_plain

APP_XML = "docProps/app.xml"
CORE_XML = "docProps/core.xml"
APPLICATION = "nufa"


def app_version(version: str = __version__) -> str:
    """nufa's version as app.xml's AppVersion wants it, XX.YYYY (ECMA-376 part 1, 22.2.2.2):
    0.1.0 is 00.0100, 1.12.3 is 01.1203."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:3]] + [0, 0, 0]
    major, minor, patch = (min(n, 99) for n in numbers[:3])
    return f"{major:02d}.{minor:02d}{patch:02d}"


def app_xml() -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/docPropsVTypes"><Application>{APPLICATION}</Application>'
            f"<DocSecurity>0</DocSecurity><AppVersion>{app_version()}</AppVersion>"
            "</Properties>").encode()


def _text(text: str) -> str:
    return xml_escape(xml_plain(text))


def _set(core: str, tag: str, value: str) -> str:
    """core.xml with the element tag (dc:title) holding value, added if missing."""
    element = f"<{tag}>{_text(value)}</{tag}>"
    pattern = rf"<{tag}>.*?</{tag}>|<{tag}\s*/>"
    if re.search(pattern, core, flags=re.S):
        return re.sub(pattern, lambda _: element, core, count=1, flags=re.S)
    return core.replace("</cp:coreProperties>", element + "</cp:coreProperties>", 1)


def set_properties(parts: dict[str, bytes], *, title: str, creator: str, lang: str) -> None:
    """Title, creator and language in core.xml; a truthful app.xml."""
    if CORE_XML in parts:
        core = parts[CORE_XML].decode("utf-8")
        for tag, value in (("dc:title", title), ("dc:creator", creator), ("dc:language", lang)):
            core = _set(core, tag, value)
        parts[CORE_XML] = core.encode("utf-8")
    if APP_XML in parts:  # pandoc always writes one; a new part would need a relationship
        parts[APP_XML] = app_xml()
