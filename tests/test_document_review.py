"""The document review's findings (part C of "Archive-grade and accessible by construction"),
each checked where the reader meets it: in the PDF and DOCX the sample builds with real pandoc
and typst, read back with pypdf, python-docx and zipfile."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from helpers import (
    M2,
    TOPPNOTAT,
    FileContent,
    commit,
    copy_sample,
    git,
    line_of,
    replace_once,
    valid_repo,
)
from pypdf import PdfReader
from test_convert import tiny_png
from test_fidelity import docx_text

from nufa_cli.build.orchestrator import build
from nufa_cli.check.validate import check
from nufa_cli.convert.converter import Converter, ConvertError, Job
from nufa_cli.convert.linkalt import footnote_word
from nufa_cli.render.documents import toppnotat
from nufa_cli.render.mdtext import Row, grid_table
from nufa_cli.render.renderer import Renderer

pytestmark = pytest.mark.render  # builds and reads PDFs and DOCX

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
EPOCH = "1714000000"
TOPPNOTATER = [f"2024-04-24/toppnotat-{n}-24" for n in range(12, 19)]
BODY_BOTTOM, BODY_TOP = 55.0, 765.0  # points: nufa.typ's text area, between header and footer


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("review") / "repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build(root, formats=["docx", "pdf"])
    return root / "build"


def body_lines(pdf: Path) -> list[str]:
    """The lines of text between running header and footer, page after page."""
    lines = []
    for page in PdfReader(pdf).pages:
        parts: list[str] = []

        def keep(text: str, cm: list[float], tm: list[float], *_: object,
                 parts: list[str] = parts) -> None:
            if BODY_BOTTOM < tm[4] * cm[1] + tm[5] * cm[3] + cm[5] < BODY_TOP:
                parts.append(text)

        page.extract_text(visitor_text=keep)
        lines += [line for line in "".join(parts).split("\n") if line.strip()]
    return lines


def page_texts(pdf: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]


def link_descriptions(pdf: Path) -> list[str]:
    return [str(annotation.get_object().get("/Contents"))
            for page in PdfReader(pdf).pages for annotation in page.get("/Annots") or []
            if annotation.get_object().get("/Subtype") == "/Link"]


def fonts(pdf: Path) -> set[str]:
    """The base fonts every page draws with, without their subset tags (ABCDEF+)."""
    found = set()
    for page in PdfReader(pdf).pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            found.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return found


def hyphenated(pdf: Path, docx_file: Path) -> list[tuple[int, str]]:
    """(line index, word part) of each line the PDF ends with a hyphen of its own: the DOCX,
    never hyphenated, has the word whole there ("Helsedirek-" + "toratet")."""
    lines = body_lines(pdf)
    flat = " ".join(docx_text(docx_file.read_bytes()).split())
    found = []
    for i, (line, following) in enumerate(itertools.pairwise(lines)):
        match = re.search(r"(\S*)[-\u00ad]$", line.rstrip())
        if match and following.split():
            left, right = match[1], following.split()[0]
            own = f"{left[-12:]}- {right[:12]}" in flat or f"{left[-12:]}-{right[:12]}" in flat
            if not own and f"{left[-12:]}{right[:12]}" in flat:
                found.append((i, left))
    return found


# -- 1. rows kept on one page -----------------------------------------------------------------


def squeezed(text: str) -> str:
    """Text without Markdown emphasis or white space: line ends and hyphens at them vary."""
    return re.sub(r"\s+", "", re.sub(r"[*_]", "", text))


@pytest.mark.parametrize("kind", ["saksliste", "innkalling", "sakspapirer"])
def test_no_forslag_til_vedtak_is_split_over_two_pages(built: Path, kind: str) -> None:
    """Before: the saksliste of 2/24 split the rows of 13/24 (page 1 to 2) and 16/24."""
    repo, _ = check(ROOT)
    meeting = repo.meeting("2024-04-24")
    assert meeting is not None
    forslag = [squeezed(f"Forslag til vedtak: {s.forslag_til_vedtak}")
               for s in meeting.saker if s.forslag_til_vedtak]
    assert len(forslag) == 8
    pages = [squeezed(page.extract_text())
             for page in PdfReader(built / f"2024-04-24/{kind}.pdf").pages]
    assert [f[:40] for f in forslag if not any(f in page for page in pages)] == []


def test_kept_rows_are_cantsplit_in_the_docx(built: Path) -> None:
    for name, rows in (("2024-04-24/saksliste", 8), ("2024-04-24/innkalling", 8),
                       ("2024-01-24/referat", 9)):  # 10/24 Eventuelt has no vedtak
        with zipfile.ZipFile(built / f"{name}.docx") as archive:
            xml = archive.read("word/document.xml").decode()
        assert xml.count("<w:cantSplit/>") == rows, name
        assert "NUFA-KEEP-ROW" not in xml
        kept = re.findall(r"<w:tr><w:trPr><w:cantSplit/></w:trPr>(.*?)</w:tr>", xml)
        word = "Vedtak:" if "referat" in name else "Forslag til vedtak:"
        assert len(kept) == rows and all(word in row for row in kept), name


def test_a_row_too_tall_for_a_page_is_not_kept(tmp_path: Path) -> None:
    """typst lets an unbreakable row taller than the page run off it: such a row breaks."""
    long = " ".join(["Forslaget er langt."] * 70)  # over 1000 characters
    rows = [Row(("a", "b"), (1, 1), header=True),
            *(Row(("", f"::: {{.keep}}\n{text}\n:::"), (1, 1)) for text in ("Kort.", long))]
    markdown = grid_table(rows, [10, 90])
    with Converter(TEMPLATES, int(EPOCH)) as converter:
        source = converter.typst_source(Job(markdown=markdown, title="T", header="H",
                                            resource_root=tmp_path)).decode()
    assert source.count("table.cell(breakable: false)[Kort.") == 1
    assert source.count("breakable: false") == 1


# -- 2. figure numbers -----------------------------------------------------------------------

FIGURES = ("![Figur 1: Søyler per måned](fig.png)\n\n![Kake](fig.png)\n\n"
           "| a | b |\n|---|---|\n| 1 | 2 |\n\n: Tallene\n\n![Fig. 7 – Linjer](fig.png)\n")


def test_captions_are_numbered_once_and_alike_in_every_format(tmp_path: Path) -> None:
    """The PDF read "Figur 1: Figur 1: Søyler" (typst numbered what the author had), the DOCX
    "Figur 1: Søyler" and "Kake" unnumbered."""
    (tmp_path / "fig.png").write_bytes(tiny_png())
    job = Job(markdown=FIGURES, title="T", header="H", resource_root=tmp_path)
    captions = ["Figur 1: Søyler per måned", "Figur 2: Kake", "Tabell 1: Tallene",
                "Figur 3: Linjer"]
    with Converter(TEMPLATES, int(EPOCH)) as converter:
        pdf = " ".join(PdfReader(io.BytesIO(converter.pdf(job))).pages[0].extract_text().split())
        document = docx.Document(io.BytesIO(converter.docx(job)))
        with zipfile.ZipFile(io.BytesIO(converter.odt(job))) as odt:
            content = odt.read("content.xml").decode()
        source = converter.typst_source(job).decode()
    shown = [p.text for p in document.paragraphs if p.style.name.endswith("Caption")]
    assert shown == captions
    assert re.findall(r'style-name="(?:Figure|Table)Caption">([^<]*)<', content) == captions
    for caption in captions:
        assert pdf.count(caption) == 1, pdf
    assert "Figur 1: Figur" not in pdf and pdf.count("Figur") == 3
    assert 'alt: "Søyler per måned"' in source and 'alt: "Linjer"' in source  # the image's own text


# -- 3. hyphenation ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", TOPPNOTATER)
def test_hyphenation_is_rare_never_three_lines_running_nor_in_capitalised_words(
        built: Path, key: str) -> None:
    """Before: 50 of 193 lines of 14/24 ended in a hyphen, up to 4 in a row, "Helsedi-rektoratet"."""
    found = hyphenated(built / f"{key}.pdf", built / f"{key}.docx")
    lines = len(body_lines(built / f"{key}.pdf"))
    assert len(found) <= lines * 0.05, found
    indices = [i for i, _ in found]
    assert not any(i + 1 in indices and i + 2 in indices for i in indices), found
    assert [word for _, word in found if word[:1].isupper()] == []


# -- 4. the list markers' font ------------------------------------------------------------------


def test_every_pdf_is_set_in_carlito_only(built: Path) -> None:
    """The second-level list marker ‣, which Carlito lacks, came from Libertinus Serif."""
    pdfs = sorted(built.rglob("*.pdf"))
    assert len(pdfs) == 24  # 14, and the 10 saksutskrifter of 1/24
    assert {pdf.name: fonts(pdf) - {"Carlito", "Carlito-Bold", "Carlito-Italic",
                                    "Carlito-BoldItalic"} for pdf in pdfs} == {
        pdf.name: set() for pdf in pdfs}
    nested = body_lines(built / "2024-04-24/toppnotat-16-24.pdf")
    assert any(line.lstrip().startswith("◦") for line in nested)  # a nested list is there


# -- 5. link descriptions ---------------------------------------------------------------------


def test_link_descriptions_are_norwegian(built: Path) -> None:
    """typst described footnote links as "Footnote 1" and the packet's links to its parts
    as "Kapittel, side 6"."""
    notes = link_descriptions(built / "2024-04-24/toppnotat-14-24.pdf")
    assert [d for d in notes if d.startswith("Fotnote")] == [f"Fotnote {n}" for n in range(1, 7)]
    packet = link_descriptions(built / "2024-04-24/sakspapirer.pdf")
    assert "Vedlegg 1: Referat NUFA 24. – 25. januar 2024, side 6" in packet
    assert sum(d.startswith("Fotnote ") for d in packet) == 9
    everything = [d for pdf in built.rglob("*.pdf") for d in link_descriptions(pdf)]
    assert [d for d in everything if re.match(r"(Footnote|Kapittel)\b", d)] == []


def test_rewritten_descriptions_keep_the_file_whole(built: Path) -> None:
    """Every cross-reference entry still points at its object (linkalt.py moves them)."""
    data = (built / "2024-04-24/toppnotat-14-24.pdf").read_bytes()
    table = data[int(re.findall(rb"startxref\s+(\d+)", data)[-1]):]
    entries = re.findall(rb"(\d{10}) (\d{5}) n", table)
    assert len(entries) > 100
    for number, (offset, _) in enumerate(entries, start=1):
        assert re.match(rb"%d 0 obj" % number, data[int(offset):]), number
    PdfReader(io.BytesIO(data), strict=True).pages[0].extract_text()


@pytest.mark.parametrize("word", ["Fotnote", "Fotnåte (lang)", ""])
def test_any_word_describes_footnote_links(tmp_path: Path, word: str) -> None:
    """A word longer than typst's, or beyond ASCII, moves every later object; none leaves
    typst's own. The template's line is what the converter reads."""
    template = (TEMPLATES / "nufa.typ").read_text(encoding="utf-8")
    assert footnote_word(template) == "Fotnote"
    own = tmp_path / "maler"
    own.mkdir()
    (own / "nufa.typ").write_text(template.replace('"Fotnote"', f'"{word}"'), encoding="utf-8")
    with Converter([own, TEMPLATES], int(EPOCH)) as converter:
        pdf = converter.pdf(Job(markdown="Tekst[^a] og mer[^b].\n\n[^a]: En.\n\n[^b]: To.\n",
                                title="T", header="H", resource_root=tmp_path))
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    described = [str(a.get_object()["/Contents"]) for a in reader.pages[0]["/Annots"]]
    shown = word or "Footnote"
    assert described == [f"{shown} 1", f"{shown} 2", "1", "2"]
    xref = pdf[int(re.findall(rb"startxref\s+(\d+)", pdf)[-1]):]
    for number, offset in enumerate(re.findall(rb"(\d{10}) \d{5} n", xref), start=1):
        assert re.match(rb"%d 0 obj" % number, pdf[int(offset):]), number


# -- 6. "Til møte Møte 2/24" ---------------------------------------------------------------------


@pytest.mark.parametrize("key", TOPPNOTATER)
def test_toppnotat_header_names_the_meeting_once(built: Path, key: str) -> None:
    """The real documents say "Til  Møte 2/24"; ours said "Til møte  Møte 2/24"."""
    pdf = page_texts(built / f"{key}.pdf")[0]
    words = " ".join(docx_text((built / f"{key}.docx").read_bytes()).split())
    for text in (pdf, words):
        assert "Til Møte 2/24 Dato" in text
        assert "Møte Møte" not in text and "Til møte" not in text


# -- 7. date ranges -----------------------------------------------------------------------------


def test_a_date_range_is_never_broken_at_its_dash(built: Path) -> None:
    """The referat of 1/24 broke "NUFA 25." / "– 26. oktober 2023", the saksliste of 2/24
    "Referat NUFA 24." / "– 25. januar 2024"."""
    starts = {pdf.relative_to(built).as_posix(): [line for line in body_lines(pdf)
                                                  if re.match(r"\s*– ?\d", line)]
              for pdf in sorted(built.rglob("*.pdf"))}
    assert {name: lines for name, lines in starts.items() if lines} == {}
    ends = [line for pdf in built.rglob("*.pdf") for line in body_lines(pdf)
            if re.search(r"\d\.? ?–$", line.rstrip())]
    assert ends == []
    with zipfile.ZipFile(built / "2024-01-24/referat.docx") as archive:
        xml = archive.read("word/document.xml").decode()
    assert "NUFA 25.\u00a0–\u00a026. oktober 2023" in xml
    assert "Helseteknologiordningen – status" in xml  # a dash between words still breaks


# -- 8. the earlier decisions' columns ----------------------------------------------------------


def test_earlier_decisions_columns_fit_their_content(built: Path) -> None:
    """The columns were 14/16/32/38: "Nasjonalt e-" / "helseråd", a Saksnummer column wider
    than its numbers and the decisions, the longest text, in a narrow one."""
    def lines(key: str) -> str:  # typst's hyphen may read as U+00AD
        text = "\n".join(page.extract_text() for page in PdfReader(built / f"{key}.pdf").pages)
        return re.sub(r" +\n", "\n", text.replace("\u00ad", "-"))

    for key in ("2024-04-24/toppnotat-14-24", "2024-04-24/toppnotat-15-24"):
        text = lines(key)
        assert "Nasjonalt\ne-helseråd" in text and "Nasjonalt e-\nhelseråd" not in text
    assert "37/23\n(14.12.2023)" in lines("2024-04-24/toppnotat-14-24")
    with zipfile.ZipFile(built / "2024-04-24/toppnotat-14-24.docx") as archive:
        xml = archive.read("word/document.xml").decode()
    grids = re.findall(r"<w:tblGrid>(.*?)</w:tblGrid>", xml)
    widths = [int(w) for w in re.findall(r'w:w="(\d+)"', grids[-1])]
    assert len(widths) == 4 and widths == sorted(widths)  # Utvalg narrowest, Vedtak widest
    assert widths[3] > 3 * widths[0]


# -- 10. one revision per document ------------------------------------------------------------


def footers(pdf: Path) -> list[str]:
    """Each page's footer line, below the text area: the footer note and "Side N av M"."""
    found = []
    for page in PdfReader(pdf).pages:
        parts: list[str] = []

        def keep(text: str, cm: list[float], tm: list[float], *_: object,
                 parts: list[str] = parts) -> None:
            if tm[4] * cm[1] + tm[5] * cm[3] + cm[5] < BODY_BOTTOM:
                parts.append(text)

        page.extract_text(visitor_text=keep)
        found.append(" ".join("".join(parts).split()))
    return found


def test_a_packets_part_has_the_footer_and_footnotes_of_its_own_pdf(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The packet of 2/24 showed the referat of 1/24 with 2/24's revision, and numbered
    14/24's footnotes 3 to 8."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = copy_sample(tmp_path / "repo")
    git(root, "init", "-q")
    commit(root, "Møte 1/24")
    agenda = root / "meetings/2024-04-24/agenda.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8") + "# endret\n", encoding="utf-8")
    commit(root, "Møte 2/24")
    first, second = git(root, "log", "--format=%h").split()[::-1]
    build(root, formats=["pdf"], only={"referat", "sakspapirer"})
    referat = footers(root / "build/2024-01-24/referat.pdf")
    assert all(f.startswith(f"Versjon {first}, bygget 24.04.2024 Side") for f in referat)
    packet = footers(root / "build/2024-04-24/sakspapirer.pdf")
    notes = [re.sub(r" Side \d+ av \d+$", "", f) for f in packet]
    assert notes.count(f"Versjon {first}, bygget 24.04.2024") == len(referat)
    assert notes.count(f"Versjon {second}, bygget 24.04.2024") == len(packet) - len(referat)
    described = link_descriptions(root / "build/2024-04-24/sakspapirer.pdf")
    numbers = [int(d.split()[1]) for d in described if d.startswith("Fotnote ")]
    assert numbers == [1, 2, 1, 2, 3, 4, 5, 6, 1]  # 13/24, 14/24, 17/24


# -- 11. the text before the earlier decisions -------------------------------------------------


def test_the_earlier_decisions_have_their_own_introduction(built: Path) -> None:
    """16/24's sentence introducing the table ended the body, before the table's heading."""
    sentence = ("Alle deler av rådsmodellen har vært involvert i tidligere saksgang på "
                "under-utvikling og gjennomføring av satsningen Felles Språk.")
    heading = "Vedtak fra tidligere behandlinger i rådsmodellen"
    words = " ".join(docx_text((built / "2024-04-24/toppnotat-16-24.docx").read_bytes()).split())
    pdf = " ".join(" ".join(body_lines(built / "2024-04-24/toppnotat-16-24.pdf")).split())
    for text in (words, pdf):
        assert f"{heading} {sentence} Utvalg Saksnummer Tittel på sak Vedtak" in text, text[-600:]
    document = docx.Document(str(built / "2024-04-24/toppnotat-16-24.docx"))
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles[heading].startswith("Heading") and not styles[sentence].startswith("Heading")


def test_an_introduction_without_earlier_decisions_stands_alone(
        make_repo: Callable[[dict[str, FileContent]], Path]) -> None:
    files = valid_repo()
    files[TOPPNOTAT] = replace_once(
        str(files[TOPPNOTAT]), "tidligere_behandlinger:\n"
        "  - {utvalg: NUFA, sak: 3/23, tittel: Revidert mandat, vedtak: NUFA tar saken til "
        "orientering}\n  - {utvalg: NUFA, sak: 2/24}\n",
        "tidligere_behandlinger_tekst: Saken er *ikke* behandlet før.\n")
    repo, diagnostics = check(make_repo(files))
    assert [d for d in diagnostics if d.severity == "error"] == []
    meeting = repo.meeting("2024-04-24")
    assert meeting is not None
    markdown = toppnotat.documents(repo, meeting, Renderer(repo))[0].markdown
    assert markdown.endswith("# Vedtak fra tidligere behandlinger i rådsmodellen\n\n"
                             "Saken er *ikke* behandlet før.\n")


# -- 12. images beside their toppnotat ----------------------------------------------------------

BESIDE = "\n![Søyler per måned](figur.png)\n\n![Kake](vedlegg/kake.png)\n"


def with_images(files: dict[str, FileContent], *names: str) -> dict[str, FileContent]:
    files[TOPPNOTAT] = replace_once(str(files[TOPPNOTAT]), "tilbake til NUFA.\n",
                                    "tilbake til NUFA.\n" + BESIDE)
    for name in names:
        files[name] = tiny_png()
    return files


def test_an_image_beside_its_toppnotat_is_found_by_check_and_build(
        make_repo: Callable[[dict[str, FileContent]], Path], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """figur.png beside the toppnotat was refused: paths were read from the meeting folder only
    (vedlegg/kake.png, from the meeting folder, still works)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = make_repo(with_images(valid_repo(), f"{M2}/toppnotater/figur.png",
                                 f"{M2}/vedlegg/kake.png"))
    _, diagnostics = check(root)
    assert [d for d in diagnostics if d.code == "image"] == []
    build(root, meetings=["2024-04-24"], only={"toppnotat"})
    with zipfile.ZipFile(root / "build/2024-04-24/toppnotat-5-24.docx") as archive:
        assert len([n for n in archive.namelist() if n.startswith("word/media/")]) == 2
    page = PdfReader(root / "build/2024-04-24/toppnotat-5-24.pdf").pages[-1]
    text = " ".join(page.extract_text().split())
    assert "Figur 1: Søyler per måned Figur 2: Kake" in text and page.images  # typst embeds
    # the same bytes once


def test_an_image_found_nowhere_is_located_and_named_alike_by_check_and_build(
        make_repo: Callable[[dict[str, FileContent]], Path]) -> None:
    root = make_repo(with_images(valid_repo(), f"{M2}/vedlegg/kake.png"))
    _, diagnostics = check(root)
    line = line_of(str(valid_repo()[TOPPNOTAT]), "tilbake til NUFA.")
    message = ("image 'figur.png': no such file in 2024-04-24/toppnotater/, beside the document, "
               "nor in the folder 2024-04-24/")
    assert [(d.path, d.line, d.message) for d in diagnostics if d.code == "image"] == [
        (TOPPNOTAT, line + 2, message)]
    image = next(d for d in diagnostics if d.code == "image")
    assert "beside the file (2024-04-24/toppnotater/) or in 2024-04-24/" in image.hint
    with Converter(TEMPLATES, int(EPOCH)) as converter, pytest.raises(ConvertError) as refused:
        converter.pdf(Job(markdown=BESIDE, title="T", header="H", resource_root=root / M2,
                          image_base="toppnotater"))
    assert message in str(refused.value)


# -- 13. what the footer shows ------------------------------------------------------------------


def test_bunntekst_chooses_what_the_footer_shows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = copy_sample(tmp_path / "repo")
    git(root, "init", "-q")
    settings = root / "nufa.yaml"
    plain = settings.read_text(encoding="utf-8")
    shown = {}
    for value in ("", "revisjon", "dato", "begge", "ingen"):
        settings.write_text(plain + (f"bunntekst: {value}\n" if value else ""), encoding="utf-8")
        commit(root, value or "default")
        out = tmp_path / (value or "default")
        build(root, meetings=["2024-04-24"], only={"innkalling"}, out=out)
        revision = git(root, "log", "-1", "--format=%h")
        pdf = footers(out / "2024-04-24/innkalling.pdf")[0].replace(revision, "REV")
        with zipfile.ZipFile(out / "2024-04-24/innkalling.docx") as archive:
            xml = archive.read("word/footer1.xml").decode()
        docx_note = re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml)[0].replace(revision, "REV")
        shown[value] = (pdf, docx_note)
    assert shown == {
        "": ("Versjon REV, bygget 24.04.2024 Side 1 av 5", "Versjon REV, bygget 24.04.2024"),
        "revisjon": ("Versjon REV Side 1 av 5", "Versjon REV"),
        "dato": ("Bygget 24.04.2024 Side 1 av 5", "Bygget 24.04.2024"),
        "begge": ("Versjon REV, bygget 24.04.2024 Side 1 av 5", "Versjon REV, bygget 24.04.2024"),
        "ingen": ("Side 1 av 5", ""),
    }


def test_bunntekst_is_checked(make_repo: Callable[[dict[str, FileContent]], Path]) -> None:
    files = valid_repo()
    files["nufa.yaml"] = str(files["nufa.yaml"]) + "bunntekst: versjon\n"
    _, diagnostics = check(make_repo(files))
    assert [(d.path, d.line, d.code, d.message) for d in diagnostics] == [
        ("nufa.yaml", 6, "invalid-value", "bunntekst: 'versjon' is not allowed; expected "
         "'revisjon', 'dato', 'begge' or 'ingen'")]


def test_docx_opens_with_python_docx(built: Path) -> None:
    for path in sorted(built.rglob("*.docx")):
        docx.Document(str(path))
