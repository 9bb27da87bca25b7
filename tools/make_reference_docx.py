"""Write templates/reference.docx: the page and style sheet of every DOCX nufa builds.

Run from the repository root:  .venv/bin/python tools/make_reference_docx.py

It starts from the reference.docx built into pandoc (pypandoc-binary pins the version),
edits its XML and writes a zip with fixed timestamps in sorted order, so running it
again gives the same bytes. Commit the result; nufa never runs this script.

Font name. Pandoc writes the font name into the DOCX; the reader's office program looks
it up by that name. Two choices, both metric-compatible with the PDF (same line breaks):

- "Calibri": every Word installation has it; LibreOffice replaces Calibri by Carlito
  through its built-in substitution table when Carlito is installed (most Linux
  LibreOffice installs pull it in). Word users, the majority of secretariat staff,
  would see and type in an ordinary font.
- "Carlito": names the font nufa ships, so LibreOffice uses it without relying on a
  substitution table. Word users without Carlito get a substitute; the font table
  below gives Carlito Calibri's PANOSE numbers and `altName`, so Word picks Calibri.

Chosen: "Carlito", as decided for the project (one font name in PDF and DOCX, no reliance
on a substitution table). If Word users complain about a "missing font" in the font box,
change FONT to "Calibri" here and re-run; nothing else depends on it.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pypandoc

from nufa_cli.convert.ziputil import write_zip

FONT = "Carlito"
LANG = "nb-NO"
BLUE = "1F3A5F"  # headings, title: the same dark blue as templates/nufa.typ
RULE = "A0A0A0"  # thin grey table lines and header rule
HEADER_FILL = "E8E8E8"  # table header row
TEXT_GREY = "464646"  # running header and footer

# A4 in twentieths of a point; margins as in templates/nufa.typ (25 mm, 30 mm at the top).
PAGE = '<w:pgSz w:w="11906" w:h="16838"/>'
MARGINS = (
    '<w:pgMar w:top="1701" w:right="1418" w:bottom="1418" w:left="1418"'
    ' w:header="851" w:footer="709" w:gutter="0"/>'
)
TEXT_WIDTH = 11906 - 2 * 1418  # right tab stop of header and footer
DOCHEADER_TAB = TEXT_WIDTH // 5  # where the header block's values start, as nufa.typ's ~18-20%

ZIP_DATE = (1980, 1, 1, 0, 0, 0)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAMESPACES = {
    "w": W_NS,
    "r": R_NS,
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w10": "urn:schemas-microsoft-com:office:word",
}
XMLNS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)

# Placeholders that nufa_cli/convert/converter.py replaces per document (the page label's
# words around the page numbers from the language catalogue). Each must stay whole
# inside one <w:t>, so the header and footer are written here, not in Word.
HEADER_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr {XMLNS}><w:p><w:pPr><w:pStyle w:val="Header"/><w:pBdr><w:bottom w:val="single" w:sz="4" \
w:space="4" w:color="{RULE}"/></w:pBdr><w:tabs><w:tab w:val="clear" w:pos="4536"/><w:tab \
w:val="clear" w:pos="9072"/><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs></w:pPr><w:r>\
<w:t xml:space="preserve">NUFA-HEADER</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>NUFA-DRAFT</w:t>\
</w:r><w:r><w:t xml:space="preserve">NUFA-TITLE</w:t></w:r></w:p></w:hdr>
"""

FOOTER_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr {XMLNS}><w:p><w:pPr><w:pStyle w:val="Footer"/><w:tabs><w:tab w:val="clear" w:pos="4536"/>\
<w:tab w:val="clear" w:pos="9072"/><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs></w:pPr>\
<w:r><w:t xml:space="preserve">NUFA-FOOTER-NOTE</w:t></w:r><w:r><w:tab/></w:r><w:r>\
<w:t xml:space="preserve">NUFA-PAGE-BEFORE</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r>\
<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r>\
<w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r>\
<w:fldChar w:fldCharType="end"/></w:r><w:r>\
<w:t xml:space="preserve">NUFA-PAGE-BETWEEN</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r>\
<w:instrText xml:space="preserve"> NUMPAGES </w:instrText></w:r><w:r><w:fldChar \
w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/>\
</w:r><w:r><w:t xml:space="preserve">NUFA-PAGE-AFTER</w:t></w:r></w:p></w:ftr>
"""

# Pandoc keeps only the final sectPr of the reference document's body.
DOCUMENT_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {XMLNS}><w:body><w:p/><w:sectPr><w:headerReference w:type="default" \
r:id="rIdNufaHeader"/><w:footerReference w:type="default" r:id="rIdNufaFooter"/><w:footnotePr>\
<w:numRestart w:val="eachSect"/></w:footnotePr>{PAGE}{MARGINS}</w:sectPr></w:body></w:document>
"""

HEADER_FOOTER_RELS = (
    f'<Relationship Id="rIdNufaHeader" Type="{R_NS}/header" Target="header1.xml"/>'
    f'<Relationship Id="rIdNufaFooter" Type="{R_NS}/footer" Target="footer1.xml"/>'
)
HEADER_FOOTER_TYPES = (
    '<Override PartName="/word/header1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
)

# Calibri's PANOSE and signature: Word without Carlito substitutes the closest match.
CARLITO_FONT_ENTRY = (
    f'<w:font w:name="{FONT}"><w:altName w:val="Calibri"/>'
    '<w:panose1 w:val="020F0502020204030204"/><w:charset w:val="00"/>'
    '<w:family w:val="swiss"/><w:pitch w:val="variable"/>'
    '<w:sig w:usb0="E0002AFF" w:usb1="C000247B" w:usb2="00000009" w:usb3="00000000"'
    ' w:csb0="000001FF" w:csb1="00000000"/></w:font>'
)

FONTS = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'

DOC_DEFAULTS = f"""<w:docDefaults {XMLNS}><w:rPrDefault><w:rPr>{FONTS}<w:sz w:val="22"/>\
<w:szCs w:val="22"/><w:lang w:val="{LANG}" w:eastAsia="{LANG}" w:bidi="ar-SA"/></w:rPr>\
</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="259" w:lineRule="auto"/>\
</w:pPr></w:pPrDefault></w:docDefaults>"""


def _heading(level: int, size: int, before: int, italic: bool = False) -> str:
    shape = "<w:i/><w:iCs/>" if italic else ""
    return f"""<w:style w:type="paragraph" w:styleId="Heading{level}">\
<w:name w:val="heading {level}"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/>\
<w:link w:val="Heading{level}Char"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/>\
<w:pPr><w:keepNext/><w:keepLines/><w:suppressAutoHyphens/><w:spacing w:before="{before}" \
w:after="80"/><w:outlineLvl w:val="{level - 1}"/></w:pPr><w:rPr><w:b/><w:bCs/>{shape}\
<w:color w:val="{BLUE}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>"""


def _heading_char(level: int, size: int, italic: bool = False) -> str:
    shape = "<w:i/><w:iCs/>" if italic else ""
    return f"""<w:style w:type="character" w:customStyle="1" w:styleId="Heading{level}Char">\
<w:name w:val="Heading {level} Char"/><w:basedOn w:val="DefaultParagraphFont"/>\
<w:link w:val="Heading{level}"/><w:uiPriority w:val="9"/><w:rPr><w:b/><w:bCs/>{shape}\
<w:color w:val="{BLUE}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>"""


def _border(side: str, rule: str) -> str:
    return f'<w:{side} w:val="{rule}" w:sz="4" w:space="0" w:color="{RULE}"/>'


_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")
_GRID = "".join(_border(side, "single") for side in _SIDES)

# Styles replaced or added, in the order OOXML requires inside each element.
STYLES = [
    """<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>\
<w:qFormat/></w:style>""",
    """<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/>\
<w:basedOn w:val="Normal"/><w:link w:val="BodyTextChar"/><w:qFormat/><w:pPr>\
<w:spacing w:before="0" w:after="120"/></w:pPr></w:style>""",
    """<w:style w:type="paragraph" w:customStyle="1" w:styleId="Compact"><w:name w:val="Compact"/>\
<w:basedOn w:val="BodyText"/><w:qFormat/><w:pPr><w:spacing w:before="20" w:after="20"/></w:pPr>\
</w:style>""",
    f"""<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/>\
<w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:link w:val="TitleChar"/>\
<w:uiPriority w:val="10"/><w:qFormat/><w:pPr><w:keepNext/><w:suppressAutoHyphens/>\
<w:spacing w:before="0" w:after="240" w:line="240" w:lineRule="auto"/><w:contextualSpacing/>\
<w:jc w:val="left"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val="{BLUE}"/><w:sz w:val="44"/>\
<w:szCs w:val="44"/></w:rPr></w:style>""",
    f"""<w:style w:type="character" w:customStyle="1" w:styleId="TitleChar">\
<w:name w:val="Title Char"/><w:basedOn w:val="DefaultParagraphFont"/><w:link w:val="Title"/>\
<w:uiPriority w:val="10"/><w:rPr><w:b/><w:bCs/><w:color w:val="{BLUE}"/><w:sz w:val="44"/>\
<w:szCs w:val="44"/></w:rPr></w:style>""",
    _heading(1, 32, 360),
    _heading(2, 26, 240),
    _heading(3, 23, 200),
    _heading(4, 22, 160, italic=True),
    _heading_char(1, 32),
    _heading_char(2, 26),
    _heading_char(3, 23),
    _heading_char(4, 22, italic=True),
    f"""<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/>\
<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr>\
<w:suppressAutoHyphens/><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr>\
<w:color w:val="{TEXT_GREY}"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>""",
    f"""<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/>\
<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr>\
<w:suppressAutoHyphens/><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr>\
<w:color w:val="{TEXT_GREY}"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>""",
    """<w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/>\
<w:basedOn w:val="Normal"/><w:next w:val="FootnoteText"/><w:uiPriority w:val="9"/>\
<w:unhideWhenUsed/><w:qFormat/><w:pPr><w:spacing w:after="40" w:line="240" w:lineRule="auto"/>\
</w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>""",
    f"""<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>\
<w:basedOn w:val="BodyTextChar"/><w:rPr><w:color w:val="{BLUE}"/><w:u w:val="single"/></w:rPr>\
</w:style>""",
    # Every table pandoc writes uses "Table" (or a custom-style named on the table).
    # Cells get no hyphenation and left alignment; the header row is bold on light grey.
    f"""<w:style w:type="table" w:default="1" w:styleId="Table"><w:name w:val="Table"/>\
<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:qFormat/><w:pPr>\
<w:suppressAutoHyphens/><w:spacing w:before="20" w:after="20"/><w:jc w:val="left"/></w:pPr>\
<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>{_GRID}</w:tblBorders><w:tblCellMar>\
<w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/>\
<w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblStylePr w:type="firstRow">\
<w:rPr><w:b/><w:bCs/></w:rPr><w:tcPr>\
<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/><w:vAlign w:val="bottom"/></w:tcPr>\
</w:tblStylePr></w:style>""",
    # The document's header block (::: {.docheader}): one paragraph per label | value row,
    # not a table (a table without a header row is an error to Word's accessibility
    # checker): the label in "Docheader Label", a tab, the value; its lines start at the tab.
    f"""<w:style w:type="paragraph" w:customStyle="1" w:styleId="Docheader">\
<w:name w:val="Docheader"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:tabs>\
<w:tab w:val="left" w:pos="{DOCHEADER_TAB}"/></w:tabs><w:suppressAutoHyphens/>\
<w:spacing w:before="0" w:after="40"/><w:ind w:left="{DOCHEADER_TAB}" \
w:hanging="{DOCHEADER_TAB}"/></w:pPr></w:style>""",
    # A sak's title in the saksliste and referat tables, and its heading (::: {.sak}):
    # based on Heading 1 (Word's navigation pane and accessibility checker see a heading),
    # looking like the table's bold text.
    """<w:style w:type="paragraph" w:customStyle="1" w:styleId="SakHeading">\
<w:name w:val="Sak Heading"/><w:basedOn w:val="Heading1"/><w:next w:val="Compact"/>\
<w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext w:val="0"/><w:keepLines w:val="0"/>\
<w:spacing w:before="20" w:after="20"/><w:jc w:val="left"/></w:pPr><w:rPr><w:color w:val="auto"/>\
<w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr></w:style>""",
    # A part of a sak (::: {.innslag}), indented under it; mostly inside table cells.
    """<w:style w:type="paragraph" w:customStyle="1" w:styleId="Innslag"><w:name w:val="Innslag"/>\
<w:basedOn w:val="Compact"/><w:qFormat/><w:pPr><w:ind w:left="284"/></w:pPr></w:style>""",
    """<w:style w:type="character" w:customStyle="1" w:styleId="DocheaderLabel">\
<w:name w:val="Docheader Label"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/><w:rPr>\
<w:i/><w:iCs/></w:rPr></w:style>""",
]

COMPAT = ('<w:compat><w:compatSetting w:name="compatibilityMode" '
          'w:uri="http://schemas.microsoft.com/office/word" w:val="15" /></w:compat>')

THEME_FONT_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def _qn(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def _parse(xml: str) -> ET.Element:
    return ET.fromstring(xml)


def edit_styles(xml: bytes) -> bytes:
    root = ET.fromstring(xml)
    defaults = root.find(_qn("w:docDefaults"))
    index = list(root).index(defaults)
    root.remove(defaults)
    root.insert(index, _parse(DOC_DEFAULTS))

    new_styles = [_parse(f"<w:styles {XMLNS}>{s}</w:styles>")[0] for s in STYLES]
    replaced = {s.get(_qn("w:styleId")) for s in new_styles}
    for style in root.findall(_qn("w:style")):
        if style.get(_qn("w:styleId")) in replaced:
            root.remove(style)
    root.extend(new_styles)

    # Everything else inherits Carlito from the defaults instead of the theme's Aptos.
    for fonts in root.iter(_qn("w:rFonts")):
        for attr in THEME_FONT_ATTRS:
            fonts.attrib.pop(_qn(f"w:{attr}"), None)
        if not fonts.attrib:
            fonts.set(_qn("w:ascii"), FONT)
            fonts.set(_qn("w:hAnsi"), FONT)
    return _serialize(root)


def _serialize(root: ET.Element) -> bytes:
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body + "\n").encode()


def _replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        sys.exit(f"make_reference_docx: expected one {old!r} in pandoc's reference.docx")
    return text.replace(old, new)


def edit_settings(xml: bytes) -> bytes:
    text = xml.decode()
    text = _replace_once(
        text,
        '<w:defaultTabStop w:val="720" />',
        '<w:defaultTabStop w:val="709" />\n  <w:autoHyphenation />\n'
        '  <w:consecutiveHyphenLimit w:val="2" />\n  <w:hyphenationZone w:val="357" />\n'
        "  <w:doNotHyphenateCaps />",
    )
    text = _replace_once(
        text, '<w:themeFontLang w:val="en-US" />', f'<w:themeFontLang w:val="{LANG}" />'
    )
    text = _replace_once(text, '<w:decimalSymbol w:val="." />', '<w:decimalSymbol w:val="," />')
    text = _replace_once(text, '<w:listSeparator w:val="," />', '<w:listSeparator w:val=";" />')
    # Word 2013 and later (mode 15): without it Word opens every DOCX in compatibility mode
    return _replace_once(text, "<w:rsids>", COMPAT + "<w:rsids>").encode()


def edit_theme(xml: bytes) -> bytes:
    text = xml.decode()
    text = re.sub(
        r'<a:latin typeface="Aptos(?: Display)?" panose="[0-9A-F]+"/>',
        f'<a:latin typeface="{FONT}" panose="020F0502020204030204"/>',
        text,
    )
    if text.count(f'typeface="{FONT}"') != 2:
        sys.exit("make_reference_docx: theme fonts not found in pandoc's reference.docx")
    return text.encode()


def edit_font_table(xml: bytes) -> bytes:
    text = xml.decode()
    text = re.sub(r'\s*<w:font w:name="Aptos(?: Display)?">.*?</w:font>', "", text, flags=re.S)
    return _replace_once(text, "</w:fonts>", CARLITO_FONT_ENTRY + "\n</w:fonts>").encode()


def edit_rels(xml: bytes) -> bytes:
    text = xml.decode()
    # The sample hyperlink of pandoc's demo document goes with the demo body.
    text = re.sub(r'<Relationship [^>]*TargetMode="External" />', "", text)
    return _replace_once(text, "</Relationships>", HEADER_FOOTER_RELS + "</Relationships>").encode()


def edit_content_types(xml: bytes) -> bytes:
    return _replace_once(xml.decode(), "</Types>", HEADER_FOOTER_TYPES + "</Types>").encode()


def edit_core(xml: bytes) -> bytes:
    text = xml.decode()
    text = _replace_once(text, "<dc:title>Title</dc:title>", "<dc:title></dc:title>")
    text = _replace_once(text, "<dc:creator>Author</dc:creator>", "<dc:creator>nufa</dc:creator>")
    return re.sub(r"2017-12-27T05:22:50Z", "2024-01-01T00:00:00Z", text).encode()


EDITS = {
    "word/styles.xml": edit_styles,
    "word/settings.xml": edit_settings,
    "word/theme/theme1.xml": edit_theme,
    "word/fontTable.xml": edit_font_table,
    "word/_rels/document.xml.rels": edit_rels,
    "[Content_Types].xml": edit_content_types,
    "docProps/core.xml": edit_core,
    "word/document.xml": lambda _xml: DOCUMENT_XML.encode(),
}
NEW_PARTS = {"word/header1.xml": HEADER_XML.encode(), "word/footer1.xml": FOOTER_XML.encode()}


def pandoc_default_reference() -> bytes:
    result = subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        check=True,
        capture_output=True,
    )
    return result.stdout


def build(default_docx: bytes) -> bytes:

    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(default_docx)) as source:
        for name in source.namelist():
            data = source.read(name)
            parts[name] = EDITS[name](data) if name in EDITS else data
    parts.update(NEW_PARTS)

    return write_zip(parts, ZIP_DATE, compresslevel=9)


def main() -> None:
    target = Path(__file__).resolve().parent.parent / "templates" / "reference.docx"
    data = build(pandoc_default_reference())
    target.write_bytes(data)
    print(f"wrote {target} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
