"""A committee's own look: `maler:` in nufa.yaml names a folder whose files replace the
built-in templates of the same name, a logo.png there goes into every running header, and
`font:` names a font shipped in its fonts/ folder. Real pandoc and typst, through build().
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
import typst
from helpers import M2, NUFA_YAML, FileContent, Symlink, line_of, valid_repo
from pypdf import PdfReader

from nufa_cli.build.orchestrator import build
from nufa_cli.check.validate import check
from nufa_cli.convert.converter import Converter, ConvertError
from nufa_cli.convert.job import Job
from nufa_cli.core.errors import InvalidSources

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
EPOCH = 1713916800
MEETING = M2.removeprefix("meetings/")  # an utkast: its documents carry the draft marks
INNKALLING = f"build/{MEETING}/innkalling"  # two pages in both formats
TOPPNOTAT = f"build/{MEETING}/toppnotat-5-24"
MakeRepo = Callable[[dict[str, FileContent]], Path]


def png(width: int, height: int) -> bytes:
    """A dark blue PNG, written by hand so the tests need no image library."""
    raw = b"".join(b"\x00" + b"\x1f\x3a\x5f" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


LOGO = png(120, 60)
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">'
       '<circle cx="30" cy="30" r="24" fill="#1f3a5f"/></svg>\n')


def renamed_font(data: bytes, family: str) -> bytes:
    """A Carlito file whose name table says `family` (as long as "Carlito", so no offset
    moves): a second font family for tests, without shipping one."""
    assert len(family) == len("Carlito")
    for i in range(int.from_bytes(data[4:6], "big")):
        record = data[12 + 16 * i: 28 + 16 * i]
        if record[:4] == b"name":
            start = int.from_bytes(record[8:12], "big")
            end = start + int.from_bytes(record[12:16], "big")
            table = data[start:end].replace(b"Carlito", family.encode("ascii"))
            table = table.replace("Carlito".encode("utf-16-be"), family.encode("utf-16-be"))
            return data[:start] + table + data[end:]
    raise AssertionError("the font has no name table")


def own_fonts(family: str) -> dict[str, FileContent]:
    return {f"maler/fonts/{font.name.replace('Carlito', family)}": renamed_font(font.read_bytes(), family)
            for font in sorted((TEMPLATES / "fonts").glob("Carlito-*.ttf"))}


def committee(*lines: str, files: dict[str, FileContent] | None = None) -> dict[str, FileContent]:
    """valid_repo() with lines added to nufa.yaml, and files added."""
    tree = valid_repo()
    tree["nufa.yaml"] = NUFA_YAML + "".join(line + "\n" for line in lines)
    tree.update(files or {})
    return tree


WITH_LOGO = {"maler/logo.png": LOGO}


def pdf_pages(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def page_images(path: Path) -> list[list[tuple[int, int]]]:
    """Per page, the size of every raster image drawn on it."""
    result = []
    for page in PdfReader(path).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        images = [x.get_object() for x in xobjects.values()]
        result.append([(i["/Width"], i["/Height"]) for i in images if i["/Subtype"] == "/Image"])
    return result


def pdf_fonts(path: Path) -> set[str]:
    """Base names of the fonts, subset prefix removed: {"Carlito", "Carlito-Bold"}."""
    names = set()
    for page in PdfReader(path).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def docx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join(" ".join(texts).split())


# -- the logo ------------------------------------------------------------------------------------


@pytest.mark.render
def test_logo_is_in_the_header_of_every_page_of_both_formats(make_repo: MakeRepo) -> None:
    root = make_repo(committee("maler: maler", files=WITH_LOGO))
    build(root, [MEETING], only={"innkalling"})

    pdf = root / f"{INNKALLING}.pdf"  # PDF/UA-1: the build checks it
    assert page_images(pdf) == [[(120, 60)], [(120, 60)]]

    parts = docx_parts(root / f"{INNKALLING}.docx")
    assert parts["word/media/nufa-logo.png"] == LOGO
    header = parts["word/header1.xml"].decode()
    # left of the committee name, 10 mm high, as wide as the PNG's proportions make it
    assert re.search(r'<wp:extent cx="720000" cy="360000"/>.*r:embed="rIdNufaLogo".*'
                     r"Fagutvalget \(NUFA\)", header)
    assert 'descr="Logo for Fagutvalget (NUFA)"' in header
    rels = parts["word/_rels/header1.xml.rels"].decode()
    assert re.search(r'Id="rIdNufaLogo" Type="[^"]*/image" Target="media/nufa-logo.png"', rels)
    assert ('<Override PartName="/word/media/nufa-logo.png" ContentType="image/png"/>'
            in parts["[Content_Types].xml"].decode())
    document = docx.Document(str(root / f"{INNKALLING}.docx"))
    targets = [rel.target_ref for rel in document.sections[0].header.part.rels.values()]
    assert targets == ["media/nufa-logo.png"]


@pytest.mark.render
def test_no_logo_without_a_logo_file(make_repo: MakeRepo) -> None:
    root = make_repo(committee())
    build(root, [MEETING], only={"innkalling"})
    assert page_images(root / f"{INNKALLING}.pdf") == [[], []]
    assert not any("media/" in name for name in docx_parts(root / f"{INNKALLING}.docx"))


@pytest.mark.render
def test_logo_alt_text_from_nufa_yaml(make_repo: MakeRepo) -> None:
    root = make_repo(committee("maler: maler", 'logo_alt: "Helsedirektoratet & NUFA"',
                               files=WITH_LOGO))
    build(root, [MEETING], formats=["docx"], only={"innkalling"})
    header = docx_parts(root / f"{INNKALLING}.docx")["word/header1.xml"].decode()
    assert header.count('descr="Helsedirektoratet &amp; NUFA"') == 2  # the drawing and the picture


@pytest.mark.render
def test_logo_docx_is_reproducible(make_repo: MakeRepo) -> None:
    root = make_repo(committee("maler: maler", files=WITH_LOGO))
    for out in ("a", "b"):
        build(root, [MEETING], only={"innkalling"}, out=root / out)
    for suffix in (".docx", ".pdf"):
        first = (root / "a" / MEETING / "innkalling").with_suffix(suffix).read_bytes()
        assert first == (root / "b" / MEETING / "innkalling").with_suffix(suffix).read_bytes()


@pytest.mark.render
def test_svg_logo_is_drawn_in_the_pdf_and_the_png_goes_to_word(tmp_path: Path) -> None:
    maler = tmp_path / "maler"
    maler.mkdir()
    (maler / "logo.png").write_bytes(LOGO)
    (maler / "logo.svg").write_text(SVG)
    job = Job(markdown="Tekst.", title="Notat", header="Fagutvalget (NUFA)", resource_root=tmp_path)
    with Converter([maler, TEMPLATES], EPOCH) as conv:
        pdf = conv.pdf(job)
        data = conv.docx(job)
    (tmp_path / "notat.pdf").write_bytes(pdf)
    assert page_images(tmp_path / "notat.pdf") == [[]]  # vector drawing, no raster image
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("word/media/nufa-logo.png") == LOGO

    (maler / "logo.svg").write_text("<svg this is not\n")  # the PDF really reads the SVG
    with Converter([maler, TEMPLATES], EPOCH) as conv, pytest.raises(ConvertError, match=r"^PDF"):
        conv.pdf(job)


@pytest.mark.parametrize(("files", "message"), [
    ({"logo.svg": SVG}, r"logo\.svg: put a logo\.png beside it; Word shows the logo as PNG"),
    ({"logo.png": b"GIF89a not a png"}, r"logo\.png is not a PNG image"),
])
def test_unusable_logo_stops_the_build(make_repo: MakeRepo, files: dict[str, FileContent],
                                       message: str) -> None:
    root = make_repo(committee("maler: maler", files={f"maler/{n}": c for n, c in files.items()}))
    with pytest.raises(ConvertError, match=message):
        build(root, [MEETING], only={"innkalling"})
    assert not (root / "build" / MEETING).exists()


@pytest.mark.render
def test_logo_needs_the_header_placeholder_in_an_own_reference_docx(tmp_path: Path) -> None:
    maler = tmp_path / "maler"
    maler.mkdir()
    (maler / "logo.png").write_bytes(LOGO)
    (maler / "reference.docx").write_bytes(
        _edit_reference("word/header1.xml", lambda xml: xml.replace("NUFA-HEADER", "Eget hode")))
    job = Job(markdown="Tekst.", title="Notat", header="Fagutvalget (NUFA)", resource_root=tmp_path)
    with (Converter([maler, TEMPLATES], EPOCH) as conv,
          pytest.raises(ConvertError, match="no NUFA-HEADER placeholder in a header")):
        conv.docx(job)


# -- the font ------------------------------------------------------------------------------------


@pytest.mark.render
def test_own_font_is_used_in_both_formats(make_repo: MakeRepo) -> None:
    root = make_repo(committee("maler: maler", "font: testfnt", files=own_fonts("Testfnt")))
    build(root, [MEETING], only={"innkalling"})

    assert pdf_fonts(root / f"{INNKALLING}.pdf") == {"Testfnt", "Testfnt-Bold", "Testfnt-Italic"}
    parts = docx_parts(root / f"{INNKALLING}.docx")
    styles = parts["word/styles.xml"].decode()
    # Word wants the family as the font spells it, whatever case nufa.yaml uses
    defaults = re.search(r"<w:docDefaults>.*?<w:rFonts ([^>]*)/>", styles)
    assert defaults and sorted(defaults[1].split()) == [
        'w:ascii="Testfnt"', 'w:cs="Testfnt"', 'w:eastAsia="Testfnt"', 'w:hAnsi="Testfnt"']
    assert "Carlito" not in styles and "Consolas" in styles  # code keeps its monospace font
    assert re.findall(r'<a:latin typeface="([^"]*)"', parts["word/theme/theme1.xml"].decode()) \
        == ["Testfnt", "Testfnt"]
    assert "font-family:&quot;Testfnt&quot;" in parts["word/header1.xml"].decode()  # the watermark


@pytest.mark.render
def test_carlito_named_explicitly_changes_nothing(make_repo: MakeRepo) -> None:
    root = make_repo(committee())
    build(root, [MEETING], only={"innkalling"}, out=root / "default")
    (root / "nufa.yaml").write_text(NUFA_YAML + "font: Carlito\n")
    build(root, [MEETING], only={"innkalling"}, out=root / "carlito")
    for suffix in (".docx", ".pdf"):
        default = (root / "default" / MEETING / "innkalling").with_suffix(suffix).read_bytes()
        assert default == (root / "carlito" / MEETING / "innkalling").with_suffix(suffix).read_bytes()
    assert pdf_fonts(root / "carlito" / MEETING / "innkalling.pdf") == {
        "Carlito", "Carlito-Bold", "Carlito-Italic"}


def test_font_without_its_files_stops_the_build(make_repo: MakeRepo) -> None:
    """nufa check refuses it with nufa.yaml's line, so no document is converted."""
    root = make_repo(committee('font: "Source Sans 3"'))
    with pytest.raises(InvalidSources) as raised:
        build(root, [MEETING], only={"innkalling"})
    [problem] = raised.value.diagnostics
    assert (problem.path, problem.code) == ("nufa.yaml", "font-unknown")
    assert problem.hint.startswith("the fonts there are: Carlito")
    assert not (root / "build" / MEETING).exists()


def test_typst_font_bundled_with_typst_does_not_count(make_repo: MakeRepo) -> None:
    """typst brings Libertinus Serif; Word users would not have it, so it must be shipped."""
    assert "Libertinus Serif" in typst.Fonts(include_system_fonts=False).families()
    root = make_repo(committee("font: Libertinus Serif"))
    with pytest.raises(InvalidSources, match="1 error"):
        build(root, [MEETING], only={"innkalling"})


@pytest.mark.render
def test_a_template_naming_a_missing_font_fails_loudly(make_repo: MakeRepo) -> None:
    typ = (TEMPLATES / "nufa.typ").read_text(encoding="utf-8")
    assert typ.count('font: "Carlito"') == 1
    root = make_repo(committee("maler: maler", files={
        "maler/nufa.typ": typ.replace('font: "Carlito"', 'font: "Calibri"')}))
    with pytest.raises(ConvertError, match="unknown font family: calibri"):
        build(root, [MEETING], formats=["pdf"], only={"innkalling"})


# -- overrides and fallback -----------------------------------------------------------------------


def _edit_reference(part: str, edit: Callable[[str], str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(TEMPLATES / "reference.docx") as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, edit(data.decode()).encode() if info.filename == part else data)
    return out.getvalue()


@pytest.mark.render
def test_own_templates_take_effect_and_the_rest_falls_back(make_repo: MakeRepo) -> None:
    toppnotat = (TEMPLATES / "toppnotat.md.j2").read_text(encoding="utf-8")
    typ = (TEMPLATES / "nufa.typ").read_text(encoding="utf-8")
    tree = committee("maler: maler")
    tree["maler/toppnotat.md.j2"] = toppnotat.replace(
        '}} {{ t("forslag_til_vedtak") | md }}\n', "}} Sekretariatets forslag til vedtak\n", 1)
    tree["maler/nufa.typ"] = typ.replace("nufa-page-label(current, total)", "[Egen side #current]", 1)
    tree["maler/reference.docx"] = _edit_reference("word/header1.xml", lambda xml: xml.replace(
        "<w:r><w:t xml:space=\"preserve\">NUFA-HEADER",
        "<w:r><w:t xml:space=\"preserve\">Egen mal: </w:t></w:r><w:r><w:t xml:space=\"preserve\">"
        "NUFA-HEADER", 1))
    assert tree["maler/toppnotat.md.j2"] != toppnotat and tree["maler/nufa.typ"] != typ  # edited
    root = make_repo(tree)
    build(root, [MEETING], only={"innkalling", "toppnotat"})

    # the Jinja template: the toppnotat's heading changed, the innkalling's template is built in
    for text in (" ".join(pdf_pages(root / f"{TOPPNOTAT}.pdf")), docx_text(root / f"{TOPPNOTAT}.docx")):
        assert "Sekretariatets forslag til vedtak" in text
    for text in (" ".join(pdf_pages(root / f"{INNKALLING}.pdf")), docx_text(root / f"{INNKALLING}.docx")):
        assert "Møte i NUFA" in text and "Sekretariatets" not in text
    # nufa.typ: the PDF footer; filters and fonts still come from the built-in templates
    assert [page[-11:] for page in pdf_pages(root / f"{INNKALLING}.pdf")] == [
        "Egen side 1", "Egen side 2"]
    assert pdf_pages(root / f"{TOPPNOTAT}.pdf")[0].endswith("Egen side 1")
    assert pdf_fonts(root / f"{INNKALLING}.pdf") == {"Carlito", "Carlito-Bold", "Carlito-Italic"}
    # reference.docx: the DOCX header
    for stem in (TOPPNOTAT, INNKALLING):
        header = docx_parts(root / f"{stem}.docx")["word/header1.xml"].decode()
        assert "Egen mal: </w:t></w:r><w:r><w:t xml:space=\"preserve\">Fagutvalget (NUFA)" in header


@pytest.mark.render
def test_an_empty_maler_folder_changes_nothing(make_repo: MakeRepo) -> None:
    root = make_repo(committee())
    build(root, [MEETING], only={"innkalling"}, out=root / "builtin")
    (root / "maler").mkdir()
    (root / "nufa.yaml").write_text(NUFA_YAML + "maler: maler/\n")
    build(root, [MEETING], only={"innkalling"}, out=root / "own")
    for suffix in (".docx", ".pdf"):
        builtin = (root / "builtin" / MEETING / "innkalling").with_suffix(suffix).read_bytes()
        assert builtin == (root / "own" / MEETING / "innkalling").with_suffix(suffix).read_bytes()


# -- the build cache ------------------------------------------------------------------------------


@pytest.mark.render
def test_changing_the_look_rebuilds(make_repo: MakeRepo) -> None:
    root = make_repo(committee("maler: maler", files=WITH_LOGO))
    out = root / "build" / MEETING

    def built() -> list[str]:
        result = build(root, [MEETING], only={"innkalling"})
        return sorted(path.relative_to(out).as_posix() for path in result.written)

    assert built() == ["innkalling.docx", "innkalling.pdf"]
    assert built() == []
    (root / "maler" / "logo.png").write_bytes(png(60, 60))
    assert built() == ["innkalling.docx", "innkalling.pdf"]
    assert page_images(out / "innkalling.pdf")[0] == [(60, 60)]
    (root / "maler" / "logo.png").write_bytes(png(60, 60))  # written again, the same bytes
    assert built() == []
    (root / "nufa.yaml").write_text(NUFA_YAML + "maler: maler\nlogo_alt: Logo\n")
    assert built() == ["innkalling.docx", "innkalling.pdf"]
    (root / "nufa.yaml").write_text(NUFA_YAML + "maler: maler\nlogo_alt: Logo\nfont: Carlito\n")
    assert built() == ["innkalling.docx", "innkalling.pdf"]
    typ = (TEMPLATES / "nufa.typ").read_text(encoding="utf-8")  # a new file in maler
    own = typ.replace("nufa-page-label(current, total)", "[Egen side #current]")
    (root / "maler" / "nufa.typ").write_text(own)
    assert built() == ["innkalling.docx", "innkalling.pdf"]
    assert "Egen side 1" in pdf_pages(out / "innkalling.pdf")[0]


# -- nufa check ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "code", "message"), [
    ("finnes-ikke/", "maler-missing", "maler folder 'finnes-ikke/' does not exist"),
    ("../utenfor", "maler-path", "maler folder '../utenfor' lies outside the repository"),
    ("/tmp", "maler-path", "maler folder '/tmp' lies outside the repository"),
    (".", "maler-path", "maler folder '.' is the repository itself"),
    ("nufa.yaml", "maler-missing", "maler folder 'nufa.yaml' does not exist"),
])
def test_check_refuses_an_unusable_maler_folder(make_repo: MakeRepo, value: str, code: str,
                                                 message: str) -> None:
    tree = committee(f'maler: "{value}"')
    tree["lenke"] = Symlink("../utenfor")
    root = make_repo(tree)
    (root.parent / "utenfor").mkdir()
    _, diagnostics = check(root)
    assert [(d.path, d.line, d.code, d.message) for d in diagnostics] == [
        ("nufa.yaml", line_of(tree["nufa.yaml"], "maler:"), code, message)]
    with pytest.raises(InvalidSources):
        build(root)
    assert not (root / "build").exists()


def test_a_maler_folder_behind_a_symbolic_link_is_not_read(make_repo: MakeRepo) -> None:
    """The one rule for symbolic links (core/root.py: symlinked), wherever the link points."""
    from nufa_cli.core.root import SYMLINK

    tree = committee('maler: "lenke"')
    tree["lenke"] = Symlink("../utenfor")
    root = make_repo(tree)
    (root.parent / "utenfor").mkdir()
    _, diagnostics = check(root)
    assert [(d.path, d.line, d.code, d.message) for d in diagnostics] == [
        ("lenke", 0, "source-symlink", f"lenke is {SYMLINK}")]
    with pytest.raises(InvalidSources):
        build(root)
    assert not (root / "build").exists()


def test_check_accepts_a_maler_folder_and_the_new_keys(make_repo: MakeRepo) -> None:
    root = make_repo(committee("maler: maler/", "font: Carlito", "logo_alt: NUFA", files=WITH_LOGO))
    repo, diagnostics = check(root)
    assert diagnostics == []
    assert (repo.committee.maler, repo.committee.font, repo.committee.logo_alt) == (
        root.resolve() / "maler/", "Carlito", "NUFA")


def test_misspelt_look_key_is_reported(make_repo: MakeRepo) -> None:
    root = make_repo(committee("fonts: Carlito"))
    _, diagnostics = check(root)
    assert [(d.code, "font" in d.hint) for d in diagnostics] == [("unknown-key", True)]
