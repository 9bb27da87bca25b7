"""`nufa import DOCX MEETING`: Word toppnotater become sources; nufa's own DOCX comes back
as the same text; comments and tracked changes are refused; what is left out is named."""

from __future__ import annotations

import difflib
import io
import shutil
import struct
import zlib
from pathlib import Path

import docx
import pypandoc
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from helpers import (
    AGENDA2,
    PLAN,
    TOPPNOTAT,
    Nufa,
    copy_sample,
    replace_once,
    tree_hashes,
    valid_repo,
    write_repo,
)

from nufa_cli.build.orchestrator import build
from nufa_cli.check.validate import check
from nufa_cli.core.errors import Severity
from nufa_cli.core.lang import builtin
from nufa_cli.core.root import builtin_templates
from nufa_cli.edit.wordimport import HEADER, words_of

pytestmark = pytest.mark.render  # pandoc reads each DOCX

SAMPLE_AGENDA = "meetings/2024-04-24/agenda.yaml"
SAMPLE_NOTE = "meetings/2024-04-24/toppnotater/13-24-helse-nim.md"
HELSE_NIM = "Hva er Helse-NIM, og hvordan henger det sammen med det som skjer i Europa?"


def docx_text(path: Path) -> str:
    """What a reader reads of a DOCX: pandoc's plain text of it (footnotes included)."""
    return str(pypandoc.convert_file(str(path), "plain", extra_args=["--wrap=none"]))


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"\x00\xff\x00\x00\x00\x00\xff\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def hyperlink(paragraph: docx.text.paragraph.Paragraph, text: str, url: str) -> None:
    """A link as Word writes one (python-docx has no call for it)."""
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    node = OxmlElement("w:t")
    node.text = text
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def word_toppnotat(path: Path, header: list[tuple[str, str]], *, title: str = "Ny sak fra Word",
                   extra: str = "", title_first: bool = False) -> Path:
    """A toppnotat as a Word user writes one: the header as a two-column table, a title in
    the style Title (after the table, or before it), headings, a list, a table, a link and
    an image with alt text."""
    document = docx.Document()
    if title_first:
        document.add_paragraph(title, style="Title")
    table = document.add_table(rows=0, cols=2)
    for label, value in header:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    if not title_first:
        document.add_paragraph(title, style="Title")
    document.add_heading("Forslag til vedtak", 1)
    document.add_paragraph("NUFA tar saken til orientering.")
    document.add_heading("Hensikt med saken", 1)
    intro = document.add_paragraph("Saken gir en orientering, se ")
    hyperlink(intro, "ehelse.no", "https://www.ehelse.no/")
    document.add_paragraph("første punkt", style="List Bullet")
    document.add_paragraph("andre punkt", style="List Bullet")
    document.add_heading("Bakgrunn", 1)
    document.add_heading("Tall fra 2023", 2)
    grid = document.add_table(rows=2, cols=2)
    grid.style = "Table Grid"
    for (row, col), value in {(0, 0): "Region", (0, 1): "Saker", (1, 0): "Nord", (1, 1): "12"}.items():
        grid.cell(row, col).text = value
    document.add_picture(io.BytesIO(tiny_png()), width=Cm(3))
    document.inline_shapes[0]._inline.docPr.set("descr", "Søyler per region")
    document.add_heading("Videre saksprosess", 1)
    last = document.add_paragraph("Saken kommer tilbake i juni.")
    if extra:
        last._p.append(parse_xml(extra))
    document.save(str(path))
    return path


WORD_HEADER = [("Til", "Møte 2/24"), ("Dato", "25.04.2024"), ("Innretning", "Drøfting"),
               ("Sakseier:", "Helse Nord RHF"), ("Saksbehandler", "Kari Nordmann")]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "repo", valid_repo())


@pytest.mark.unit
def test_the_labels_are_the_catalogue_s_and_the_template_prints_them() -> None:
    words = words_of(builtin())
    assert words.labels == {"offentlighet": "skjermet", "til": "meeting_number",
                            "dato": "dato", "saksnummer": "nr", "innretning": "type",
                            "sakseier": "sakseier", "saksbehandler": "saksbehandler",
                            "arkivsak": "arkivsak", "møteoffentlighet": "lukket"}
    assert words.forslag == "forslag til vedtak"
    assert words.earlier == "vedtak fra tidligere behandlinger i rådsmodellen"
    template = (builtin_templates() / "toppnotat.md.j2").read_text(encoding="utf-8")
    for key in (*HEADER, "forslag_til_vedtak", "vedtak_fra_tidligere_behandlinger_i_rådsmodellen"):
        assert f't("{key}")' in template, key


def test_a_word_toppnotat_becomes_a_new_sak(repo: Path, tmp_path: Path,
                                            nufa: Nufa) -> None:
    source = word_toppnotat(tmp_path / "Toppnotat.docx", WORD_HEADER)
    code, out, err = nufa("import", str(source), "2024-04-24", cwd=repo)
    assert (code, err) == (0, "")
    name = "meetings/2024-04-24/toppnotater/8-24-ny-sak-fra-word.md"
    images = "meetings/2024-04-24/toppnotater/8-24-ny-sak-fra-word-bilder"
    assert out.splitlines() == [
        f"changed {AGENDA2}",
        "  sak 8/24 -> 9/24",
        "  added sak 8/24 before Eventuelt: toppnotat: toppnotater/8-24-ny-sak-fra-word.md",
        f"created {images}/image1.png",
        f"created {name}",
    ]
    assert (repo / images / "image1.png").read_bytes() == tiny_png()
    assert (repo / name).read_text(encoding="utf-8") == """\
---
sak: 8/24
tittel: Ny sak fra Word
type: Drøfting
sakseier: Helse Nord RHF
saksbehandler: Kari Nordmann
beskrivelse:  # the short text in the innkalling's saksliste
forslag_til_vedtak: |
  NUFA tar saken til orientering.
---

## Hensikt med saken

Saken gir en orientering, se [ehelse.no](https://www.ehelse.no/)

- første punkt
- andre punkt

## Bakgrunn

### Tall fra 2023

+-----------------------------------+-----------------------------------+
| Region                            | Saker                             |
+===================================+===================================+
| Nord                              | 12                                |
+-----------------------------------+-----------------------------------+

![Søyler per region](toppnotater/8-24-ny-sak-fra-word-bilder/image1.png){width="3.0cm"}

## Videre saksprosess

Saken kommer tilbake i juni.
"""
    _, diagnostics = check(repo)
    assert [d for d in diagnostics if d.severity is Severity.ERROR] == []
    # the Dato names the meeting's second day, where Eventuelt is: the sak goes before it
    agenda = (repo / AGENDA2).read_text(encoding="utf-8")
    assert agenda.index("sak: 8/24") > agenda.index("dato: 2024-04-25")
    assert agenda.index("sak: 8/24") < agenda.index("sak: 9/24")


def test_the_title_may_stand_above_the_header_table(repo: Path, tmp_path: Path,
                                                    nufa: Nufa) -> None:
    source = word_toppnotat(tmp_path / "Toppnotat.docx", WORD_HEADER, title="Tittel øverst",
                            title_first=True)
    code, _, _ = nufa("import", str(source), "2024-04-24", cwd=repo)
    assert code == 0
    note = (repo / "meetings/2024-04-24/toppnotater/8-24-tittel-overst.md").read_text(
        encoding="utf-8")
    assert note.startswith("---\nsak: 8/24\ntittel: Tittel øverst\ntype: Drøfting\n"
                           "sakseier: Helse Nord RHF\n")
    assert "Møte 2/24" not in note  # the header table is not in the body


@pytest.mark.unit
def test_multi_line_text_as_a_block_scalar() -> None:
    from nufa_cli.edit.yamledit import block

    assert block("NUFA drøftet saken.\n\n- a: b\n- #c") == \
        "|\n  NUFA drøftet saken.\n\n  - a: b\n  - #c"
    assert block("  innrykket") == "|2\n    innrykket"


def test_the_imported_sak_builds(repo: Path, tmp_path: Path, nufa: Nufa,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    (repo / PLAN).unlink()  # not needed here: only the toppnotater are built
    agenda = (repo / AGENDA2).read_text(encoding="utf-8")
    (repo / AGENDA2).write_text(agenda.replace("          - fil: vedlegg/plan.pdf\n"
                                               "            tittel: Plan for Helse i nord\n", ""),
                                encoding="utf-8")
    source = word_toppnotat(tmp_path / "Toppnotat.docx", WORD_HEADER)
    assert nufa("import", str(source), "2024-04-24", cwd=repo)[0] == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714000000")
    build(repo, ["2024-04-24"], ["docx", "pdf"], {"toppnotat"})
    pdf = repo / "build/2024-04-24/toppnotat-8-24.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Ny sak fra Word" in text and "Saken kommer tilbake i juni." in text
    assert "Kari Nordmann" in text and "Søyler per region" in text  # the figure's caption
    assert "Region" in docx_text(repo / "build/2024-04-24/toppnotat-8-24.docx")


def test_nufa_s_own_docx_comes_back_as_the_same_text(tmp_path: Path, nufa: Nufa,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the sample's toppnotat 13/24 (with footnotes, a list, a table of earlier
    decisions), import that DOCX into a copy of the sample without it, build again."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714000000")
    original = copy_sample(tmp_path / "original")
    build(original, ["2024-04-24"], ["docx"], {"toppnotat"})
    built = original / "build/2024-04-24/toppnotat-13-24.docx"
    copy = copy_sample(tmp_path / "copy")
    (copy / SAMPLE_NOTE).unlink()
    agenda = copy / SAMPLE_AGENDA
    agenda.write_text(replace_once(agenda.read_text(encoding="utf-8"),
                                   "        toppnotat: toppnotater/13-24-helse-nim.md\n",
                                   f"        tittel: {HELSE_NIM}\n        type: Drøfting\n"),
                      encoding="utf-8")
    code, out, err = nufa("import", str(built), "2024-04-24", cwd=copy)
    assert code == 0, err
    name = "toppnotater/13-24-hva-er-helse-nim-og-hvordan-henger-det.md"
    assert out.splitlines()[:3] == [f"changed {SAMPLE_AGENDA}", f"  sak 13/24: toppnotat: {name}",
                                    f"created meetings/2024-04-24/{name}"]
    imported = (copy / "meetings/2024-04-24" / name).read_text(encoding="utf-8")
    assert "[^1]" in imported and "[^2]: Mandat for Standardiseringsutvalget" in imported
    assert "  - {utvalg: NUIT, sak: 30/22, tittel: Samarbeidsmodell for internasjonale " \
           "standarder" in imported
    build(copy, ["2024-04-24"], ["docx"], {"toppnotat"})
    before = docx_text(built)
    after = docx_text(copy / "build/2024-04-24/toppnotat-13-24.docx")
    similarity = difflib.SequenceMatcher(None, before, after).ratio()
    print(f"import of nufa's own DOCX, built again: text similarity {similarity:.4f}")
    assert after == before


def test_comments_and_tracked_changes_are_refused(repo: Path, tmp_path: Path,
                                                  nufa: Nufa) -> None:
    commented = word_toppnotat(tmp_path / "kommentert.docx", WORD_HEADER)
    document = docx.Document(str(commented))
    document.add_comment(document.paragraphs[-1].runs[0], text="Stemmer dette?", author="Kari")
    document.save(str(commented))
    tracked = word_toppnotat(tmp_path / "sporet.docx", WORD_HEADER, extra=(
        f'<w:ins {nsdecls("w")} w:id="9" w:author="Kari" w:date="2024-04-01T10:00:00Z">'
        "<w:r><w:t> Ny setning.</w:t></w:r></w:ins>"))
    before = tree_hashes(repo)
    for path, what in ((commented, "comments"), (tracked, "tracked changes")):
        code, out, err = nufa("import", str(path), "2024-04-24", cwd=repo)
        assert code == 1 and out == ""
        assert err == (f"error: {path.name} has {what}: accept or reject the changes and delete "
                       "the comments in Word, save, and import again\n")
    assert tree_hashes(repo) == before


def test_what_is_not_carried_over_is_listed(repo: Path, tmp_path: Path,
                                            nufa: Nufa) -> None:
    box = (f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
           '<v:shape id="b1" type="#_x0000_t202" style="width:100pt;height:50pt"><v:textbox>'
           "<w:txbxContent><w:p><w:r><w:t>I boksen</w:t></w:r></w:p></w:txbxContent>"
           "</v:textbox></v:shape></w:pict></w:r>")
    source = word_toppnotat(tmp_path / "boks.docx", [*WORD_HEADER, ("Arkivkode", "A-12")],
                            extra=box)
    code, out, _ = nufa("import", str(source), "2024-04-24", cwd=repo)
    assert code == 0
    assert out.splitlines()[-2:] == [
        "note: not carried over: text boxes (their text is left out, or put where the box is "
        "anchored: check it)",
        "note: the header row 'Arkivkode' has no place in a toppnotat",
    ]


def test_the_saksnummer_makes_it_that_sak_s_toppnotat(repo: Path, tmp_path: Path,
                                                     nufa: Nufa) -> None:
    source = word_toppnotat(tmp_path / "sak7.docx", [("Saksnummer", "7/24"), *WORD_HEADER],
                            title="Temadag i Word")
    code, out, err = nufa("import", str(source), "2024-04-24", cwd=repo)
    assert code == 0, err
    name = "toppnotater/7-24-temadag-om-digitale-tjenester.md"
    assert out.splitlines() == [
        f"changed {AGENDA2}", f"  sak 7/24: toppnotat: {name}",
        "created meetings/2024-04-24/toppnotater/7-24-temadag-om-digitale-tjenester-bilder/image1.png",
        f"created meetings/2024-04-24/{name}",
        "note: the document's title differs from agenda.yaml's; kept agenda.yaml's: "
        "Temadag om digitale tjenester",
    ]
    note = (repo / "meetings/2024-04-24" / name).read_text(encoding="utf-8")
    assert note.startswith("---\nsak: 7/24\ntittel: Temadag om digitale tjenester\ntype: Drøfting\n")
    _, diagnostics = check(repo)
    assert [d for d in diagnostics if d.severity is Severity.ERROR] == []


def test_it_never_overwrites_and_names_what_is_wrong(repo: Path, tmp_path: Path,
                                                    nufa: Nufa) -> None:
    before = tree_hashes(repo)
    cases = {
        "5/24": "error: sak 5/24 has a toppnotat already "
                f"({TOPPNOTAT}); nufa import never overwrites one\n",
        "11/24": "error: the document names sak 11/24, which meeting 2024-04-24 does not "
                 "have; leave its Saksnummer empty to add it as a new sak\n",
    }
    for number, message in cases.items():
        source = word_toppnotat(tmp_path / "sak.docx", [("Saksnummer", number), *WORD_HEADER])
        code, out, err = nufa("import", str(source), "2024-04-24",
                                  cwd=repo)
        assert (code, out, err) == (1, "", message)
    untitled = docx.Document()
    untitled.add_heading("Bakgrunn", 1)
    untitled.save(str(tmp_path / "tom.docx"))
    not_docx = tmp_path / "notat.docx"
    not_docx.write_text("ikke en DOCX", encoding="utf-8")
    code, _, err = nufa("import", str(tmp_path / "tom.docx"),
                            "2024-04-24", cwd=repo)
    assert (code, err) == (1, "error: tom.docx has no title: give it one in the paragraph "
                              "style Title, above the first heading\n")
    code, _, err = nufa("import", str(not_docx), "2024-04-24", cwd=repo)
    assert code == 1 and err.startswith("error: not a DOCX file (")
    assert tree_hashes(repo) == before


def test_a_final_meeting_gets_no_new_sak(repo: Path, tmp_path: Path,
                                         nufa: Nufa) -> None:
    shutil.copy(repo / AGENDA2, tmp_path / "agenda.yaml")
    (repo / AGENDA2).write_text((tmp_path / "agenda.yaml").read_text(encoding="utf-8").replace(
        "status: utkast", "status: endelig"), encoding="utf-8")
    source = word_toppnotat(tmp_path / "Toppnotat.docx", WORD_HEADER)
    code, _, err = nufa("import", str(source), "2024-04-24", cwd=repo)
    assert code == 1 and "is final" in err
