"""A committee's own look: a logo in the running header and a font, in both formats.

The logo is `logo.png` in the committee's templates folder (`maler:` in nufa.yaml); a
`logo.svg` beside it is used for the PDF, where it stays sharp. The font is named in
nufa.yaml (`font:`) and its files lie in a fonts/ folder of the templates. convert.py
finds them with Look.find() and applies them: to typst as sys.inputs (strings, never
typst code; templates/nufa.typ reads them), to the DOCX by editing its parts after pandoc.
Problems raise ValueError with a message for the secretariat; convert.py words the error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import typst

from nufa_cli.core.lang import Catalogue, builtin

LOGO_PNG = "logo.png"
LOGO_SVG = "logo.svg"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_LOGO_HEIGHT_EMU = 360000  # 10 mm, as `height: 10mm` in templates/nufa.typ
_LOGO_MEDIA = "media/nufa-logo.png"  # pandoc names its media rIdN.ext or by hash: no clash
_LOGO_REL = "rIdNufaLogo"
_LOGO_DOCPR_ID = 900001  # drawing ids must be unique in a DOCX; pandoc counts from 1

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_RUN_START = re.compile(r"<w:r[ >]")  # a run, not <w:rPr> or <w:rFonts>
_RFONTS = re.compile(r"<w:rFonts\b[^>]*>")
_FONT_ATTR = re.compile(r'(w:(?:ascii|hAnsi|eastAsia|cs)=")([^"]*)(")')
_THEME_LATIN = re.compile(r'<a:latin typeface="[^"]*"(?: panose="[^"]*")?')
_VML_FONT = re.compile(r"font-family:&quot;[^&]*&quot;")  # the draft watermark's text path
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Logo:
    png: Path
    svg: Path | None
    alt: str  # PDF/UA-1 and screen readers need it
    width: int  # of the PNG, in pixels
    height: int


@dataclass(frozen=True)
class PageTexts:
    """The words on every page, from the language catalogue: the draft mark and the page
    number ("Side {side} av {sider}")."""

    draft: str
    page: str

    @classmethod
    def of(cls, texts: Catalogue) -> PageTexts:
        return cls(texts("utkast"), texts("side_av"))  # side_av's fields stay to be filled

    def page_parts(self) -> tuple[str, str, str]:
        """The page label around its two numbers: ("Side ", " av ", "")."""
        before, _, rest = self.page.partition("{side}")
        between, _, after = rest.partition("{sider}")
        return before, between, after


@dataclass(frozen=True)
class Look:
    font: str | None = None  # None: the templates' own font (Carlito)
    logo: Logo | None = None
    texts: PageTexts = field(default_factory=lambda: PageTexts.of(builtin()))

    @classmethod
    def find(cls, folders: Sequence[Path], fonts: typst.Fonts, *, font: str | None = None,
             logo_alt: str = "Logo", texts: PageTexts | None = None) -> Look:
        """The look from the templates folders, searched in order like every template file."""
        if font is not None:
            shipped = sorted({f.family for f in fonts.fonts() if f.path is not None})
            # typst matches families in any case; Word wants the font's own spelling
            spelt = {family.casefold(): family for family in shipped}
            if font.casefold() not in spelt:
                where = ", ".join(str(folder / "fonts") for folder in folders)
                raise ValueError(f"font {font!r} (nufa.yaml) is not among the font files in "
                                 f"{where}; the fonts there are: {', '.join(shipped) or 'none'}")
            font = spelt[font.casefold()]
        return cls(font, _find_logo(folders, logo_alt), texts or PageTexts.of(builtin()))

    def typst_inputs(self) -> dict[str, str]:
        """sys.inputs for templates/nufa.typ; the logo as its bytes' values, comma-separated,
        so typst reads no file outside the document's folder."""
        inputs = {"nufa-font": self.font} if self.font else {}
        inputs |= {"nufa-draft-label": self.texts.draft, "nufa-page-label": self.texts.page}
        if self.logo is not None:
            path = self.logo.svg or self.logo.png
            inputs |= {
                "nufa-logo": ",".join(map(str, path.read_bytes())),
                "nufa-logo-format": path.suffix[1:],
                "nufa-logo-alt": self.logo.alt,
            }
        return inputs


def _find_logo(folders: Sequence[Path], alt: str) -> Logo | None:
    folder = next((f for f in folders if (f / LOGO_PNG).is_file() or (f / LOGO_SVG).is_file()), None)
    if folder is None:
        return None
    png, svg = folder / LOGO_PNG, folder / LOGO_SVG
    if not png.is_file():
        raise ValueError(f"{svg}: put a {LOGO_PNG} beside it; Word shows the logo as PNG "
                         f"(the PDF uses {LOGO_SVG})")
    head = png.read_bytes()[:24]
    if not (head.startswith(_PNG_SIGNATURE) and head[12:16] == b"IHDR"):
        raise ValueError(f"{png} is not a PNG image; save the logo as PNG")
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if not (width and height):
        raise ValueError(f"{png} has no pixels")
    return Logo(png.resolve(), svg.resolve() if svg.is_file() else None, alt, width, height)


# -- DOCX -------------------------------------------------------------------------------------


def xml_plain(text: str) -> str:
    """Text as one line without the control characters XML cannot hold (not yet escaped)."""
    return _XML_INVALID.sub("", " ".join(text.split()))


def add_docx_logo(parts: dict[str, bytes], logo: Logo) -> None:
    """The logo left of the committee name in every header part that shows it. Run before
    the placeholders are filled in: the NUFA-HEADER placeholder marks the place."""
    cy = _LOGO_HEIGHT_EMU
    cx = round(cy * logo.width / logo.height)
    alt = quoteattr(xml_plain(logo.alt))
    drawing = (
        f'<w:r><w:drawing><wp:inline xmlns:wp="{_WP}" distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{_LOGO_DOCPR_ID}" name="Logo" descr={alt}/><wp:cNvGraphicFramePr>'
        f'<a:graphicFrameLocks xmlns:a="{_A}" noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        f'<a:graphic xmlns:a="{_A}"><a:graphicData uri="{_PIC}"><pic:pic xmlns:pic="{_PIC}">'
        f'<pic:nvPicPr><pic:cNvPr id="0" name="nufa-logo.png" descr={alt}/><pic:cNvPicPr/>'
        f'</pic:nvPicPr><pic:blipFill><a:blip xmlns:r="{_R}" r:embed="{_LOGO_REL}"/><a:stretch>'
        f'<a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        "</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        '<w:r><w:t xml:space="preserve">   </w:t></w:r>'
    )
    relationship = (f'<Relationship Id="{_LOGO_REL}" Type="{_R}/image" '
                    f'Target="{_LOGO_MEDIA}"/>')
    placed = False
    for name in sorted(parts):
        if not re.fullmatch(r"word/header\d*\.xml", name):
            continue
        text = parts[name].decode("utf-8")
        at = text.find("NUFA-HEADER")
        run = max((m.start() for m in _RUN_START.finditer(text, 0, at)), default=-1) if at > 0 else -1
        if run < 0:
            continue
        parts[name] = (text[:run] + drawing + text[run:]).encode("utf-8")
        rels = f"word/_rels/{name.removeprefix('word/')}.rels"
        parts[rels] = _add_before(
            parts.get(rels, _EMPTY_RELS), "</Relationships>", relationship, rels)
        placed = True
    if not placed:
        raise ValueError("the reference.docx has no NUFA-HEADER placeholder in a header, so the "
                         "logo has no place; keep the placeholder in your reference.docx")
    parts["word/" + _LOGO_MEDIA] = logo.png.read_bytes()
    parts["[Content_Types].xml"] = _add_before(
        parts["[Content_Types].xml"], "</Types>",
        f'<Override PartName="/word/{_LOGO_MEDIA}" ContentType="image/png"/>', "[Content_Types].xml")


_EMPTY_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               b"</Relationships>")


def _add_before(xml: bytes, end: str, addition: str, name: str) -> bytes:
    text = xml.decode("utf-8")
    if end not in text:
        raise ValueError(f"the DOCX part {name} has no {end}")
    head, _, tail = text.rpartition(end)
    return (head + addition + end + tail).encode("utf-8")


def set_docx_font(parts: dict[str, bytes], font: str) -> None:
    """Give the DOCX the font named in nufa.yaml: it replaces the reference.docx's own base
    font (its document defaults) wherever a style names that, and the theme's fonts, which
    styles without a font name use. Other fonts (Consolas for code) stay."""
    name = xml_escape(font, {'"': "&quot;"})
    styles = parts["word/styles.xml"].decode("utf-8")
    defaults = re.search(r"<w:docDefaults\b.*?</w:docDefaults>", styles, re.S)
    base = _RFONTS.search(defaults[0]) if defaults else None
    old = {m[2] for m in _FONT_ATTR.finditer(base[0])} if base else set()
    if old == {name}:
        return

    def rename(rfonts: re.Match[str]) -> str:
        return _FONT_ATTR.sub(lambda a: a[1] + (name if a[2] in old else a[2]) + a[3], rfonts[0])

    parts["word/styles.xml"] = _RFONTS.sub(rename, styles).encode("utf-8")
    theme = "word/theme/theme1.xml"
    if theme in parts:
        text = parts[theme].decode("utf-8")
        parts[theme] = _THEME_LATIN.sub(f'<a:latin typeface="{name}"', text).encode("utf-8")
    for part in parts:
        if re.fullmatch(r"word/header\d*\.xml", part):
            text = parts[part].decode("utf-8")
            parts[part] = _VML_FONT.sub(f"font-family:&quot;{name}&quot;", text).encode("utf-8")
