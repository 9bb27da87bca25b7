"""Whole repositories of other committees (tests/fixtures/<body>/), transcribed from their
real public documents: each checks clean, builds, and its PDF and DOCX say what the body's
own documents say, in its own numbers, words and language.

- universitetsstyret: UiO's board, meetings 4/2020 and 5/2020; V-, D-, O-sak restarting
  every meeting, tema headings for open and closed session, innledere, arkivsak, lukket.
- formannskapet: Frogn kommune's formannskap, 4 June 2014; PS and OS numbered through the
  year, members with party, møte: ukjent, the innkalling's cover text and signature.
- helse-forde: Helse Førde's board, 1–2 September 2020, in nynorsk; NNN/YYYY numbers,
  Saksframlegg, a closed part with its basis.
- helseomsorg21: HelseOmsorg21-rådet, 23 January 2017; tema headings per satsingsområde and
  presenters on each timed part.
- skate: the national council Skate, 23 March 2022, and a later meeting approving its
  referat; stand-ins "på vegne av", deltakere per sak, Konklusjon for Vedtak.
- verdal: Verdal kommune's formannskap, three meetings of 2016 from its protokoller' web
  pages; numbering that starts again where the archive has gaps (første_sak), parties as
  the kommune prints them, votes on parts of an innstilling.

The protokoll of four of them (referat and saksutskrift) is tested in test_protokoll.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import FIXTURES, built_fixtures
from pypdf import PdfReader
from test_language import bokmål_only, contains
from textof import (
    docx_lang,
    docx_running_header,
    docx_text,
    pdf_lang,
    pdf_running_header,
    pdf_text,
)

from nufa_cli.check.validate import check

pytestmark = pytest.mark.render  # builds each committee's repository

BODIES = ("universitetsstyret", "formannskapet", "helse-forde", "helseomsorg21", "skate",
          "verdal")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each body's repository, copied and built in both formats."""
    return built_fixtures(tmp_path_factory, BODIES)


def texts(root: Path, meeting: str, stem: str) -> tuple[str, str]:
    folder = root / "build" / meeting
    return pdf_text(folder / f"{stem}.pdf"), docx_text(folder / f"{stem}.docx")


def assert_in_both(root: Path, meeting: str, stem: str, *wanted: str) -> None:
    for fmt, text in zip(("PDF", "DOCX"), texts(root, meeting, stem), strict=True):
        for phrase in wanted:
            assert phrase in text, f"{fmt} {meeting}/{stem}: {phrase!r}"


@pytest.mark.parametrize("body", BODIES)
def test_every_fixture_checks_without_a_single_diagnostic(body: str) -> None:
    _, diagnostics = check(FIXTURES / body)
    assert diagnostics == []


def test_university_board(built: dict[str, Path]) -> None:
    root = built["universitetsstyret"]
    assert_in_both(root, "2020-05-13", "innkalling", "Svein Stølen, styreleder", "V-sak 1",
                   "Saker til behandling i åpent møte", "Innleder: Rektor Svein Stølen", "O-sak 2")
    assert_in_both(root, "2020-05-13", "saksliste", "Lukket møte", "Arkivsak: 2020/3600",
                   "V-sak 4", "Slutt dag 1 17:10")
    # numbers restart: meeting 5/2020 has its own V-sak 1 and V-sak 2, and a saksnotat file
    # named for its number
    assert_in_both(root, "2020-06-03", "toppnotat-v-sak-2", "Saksnotat V-sak 2 Høringsuttalelse",
                   "Møte 5/2020", "2020/2649", "Forslag til vedtak")
    assert_in_both(root, "2020-05-13", "referat", "Protokoll fra møte i Universitetsstyret",
                   "V-sak 3", "Enstemmig vedtatt.")
    built_files = {p.name for p in (root / "build" / "2020-06-03").iterdir()}
    assert {"toppnotat-v-sak-2.pdf", "toppnotat-v-sak-2.docx"} <= built_files
    ics = (root / "build" / "2020-05-13" / "2020-05-13.ics").read_text(encoding="utf-8")
    assert "SUMMARY:Møte 4/2020 i Universitetsstyret" in ics


def test_kommune_formannskap(built: dict[str, Path]) -> None:
    root = built["formannskapet"]
    meeting = "2014-06-04"
    assert_in_both(root, meeting, "innkalling", "Thore Vestby, ordfører (H)", "Kjell Monsen (SV)",
                   "Møtet er åpent for publikum", "Thore Vestby ordfører", "OS 10/14 Pensjonsordningen",
                   "Skriftlige orienteringer", "PS 45/14", "PS 51/14")
    pdf, _ = texts(root, meeting, "innkalling")
    assert "Møteinnkalling Formannskapet 4. juni 2014" in pdf  # the running header's title
    assert_in_both(root, meeting, "saksliste", "OS 12/14", "Lukket møte", "Arkivsak: 13/00282",
                   "Saker til behandling")
    assert_in_both(root, meeting, "toppnotat-ps-45-14", "Saksframlegg PS 45/14 Valg av avgiftsmodell",
                   "Saksnummer PS 45/14")
    for text in texts(root, meeting, "toppnotat-ps-45-14"):
        assert "Til møte" not in text and "sources this fixture" not in text  # ukjent; a comment
    ics = (root / "build" / meeting / f"{meeting}.ics").read_text(encoding="utf-8")
    assert "SUMMARY:Møte i Formannskapet" in ics


def test_helseforetak_in_nynorsk(built: dict[str, Path]) -> None:
    root = built["helse-forde"]
    meeting = "2020-09-01"
    assert_in_both(root, meeting, "saksliste", "Tysdag 1. september 2020", "Onsdag 2. september 2020",
                   "Stad Nordfjord Hotell", "046/2020 Godkjenning av innkalling og dagsorden",
                   "Lukka møte, helseføretakslova § 26 andre ledd", "Vedlegg 1: Saksframlegg",
                   "Saker til orientering", "Bygd")
    assert_in_both(root, meeting, "innkalling", "Agnes Landstad, styreleiar",
                   "Middag med styret i Helse Vest RHF", "Felles lunsj 11:10", "046/2020")
    assert_in_both(root, meeting, "toppnotat-050-2020", "Saksframlegg 050/2020",
                   "Saksnummer 050/2020")
    folder = root / "build" / meeting
    assert pdf_lang(folder / "saksliste.pdf") == "nn-NO" and docx_lang(folder / "saksliste.docx") == "nn-NO"
    phrases = bokmål_only()
    for stem in ("innkalling", "saksliste", "toppnotat-050-2020"):
        for text in texts(root, meeting, stem):
            assert [p for p in phrases if contains(text, p)] == [], stem
    packet = PdfReader(str(folder / "sakspapirer.pdf"))
    assert packet.metadata.title == "Sakspapir Helse Førde 1. – 2. september 2020"
    assert docx_running_header(folder / "toppnotat-050-2020.docx") == (
        "Styret i Helse Førde HF Saksframlegg 050/2020 Møteplan og årsplan for styret i Helse "
        "Førde HF")


def test_national_council_with_tema_and_presenters(built: dict[str, Path]) -> None:
    root = built["helseomsorg21"]
    meeting = "2017-01-23"
    assert_in_both(root, meeting, "innkalling", "Satsingsområde: Helsedata som nasjonalt fortrinn",
                   "05/17 Helsedata som nasjonalt fortrinn",
                   "Innleder: Marta Ebbing, leder av utvalget (fagdirektør helseregistre, FHI)",
                   "Innleder: Arbeidsgruppeleder Gro Jamtvedt (HiOA)",
                   "Camilla Stoltenberg, rådsleder, Folkehelseinstituttet", "UTKAST")
    assert_in_both(root, meeting, "saksliste", "Mandag 23. januar 2017",
                   "Satsingsområde: Bedre klinisk behandling",
                   "Innleder: Rådsleder Camilla Stoltenberg (direktør, FHI)")
    # the tema rows take no time: the saker around them keep their order and numbers
    pdf, _ = texts(root, meeting, "saksliste")
    order = [m.group(0) for m in re.finditer(r"0[1-7]/17", pdf)]
    assert order == sorted(order) and len(set(order)) == 7
    ics = (root / "build" / meeting / f"{meeting}.ics").read_text(encoding="utf-8")
    assert "SUMMARY:Møte 1/17 i HO21-rådet" in ics and "STATUS:TENTATIVE" in ics


@pytest.mark.parametrize("body", BODIES)
def test_the_docx_running_header_reads_as_the_pdfs(built: dict[str, Path], body: str) -> None:
    """The DOCX's running header (a table: the committee's name | the draft mark and the
    title) says what the PDF's says, word for word, in bokmål and nynorsk, a draft's too."""
    documents = sorted((built[body] / "build").rglob("*.docx"))
    assert documents
    for docx in documents:
        header = docx_running_header(docx)
        assert header == pdf_running_header(docx.with_suffix(".pdf")), docx.name
        assert len(header.split()) > 2, docx.name  # the name and a title, not an empty row
    if body == "helseomsorg21":  # its meeting is an utkast
        assert all(" UTKAST " in docx_running_header(docx) for docx in documents)


def test_every_fixture_pdf_passes_pdfua_and_declares_pdf_a_2a(built: dict[str, Path]) -> None:
    """The archive and accessibility promise holds for other committees' documents too: each
    PDF (documents and packets, nynorsk included) passes the independent pdfua checker and
    claims PDF/A-2a in its XMP metadata."""
    from pdfua import validate
    from pypdf import PdfReader

    checked = 0
    for body, root in built.items():
        for pdf in sorted((root / "build").rglob("*.pdf")):
            findings = [f"{f.rule_id}: {f.message}" for f in validate(pdf).findings]
            assert findings == [], f"{body}: {pdf.relative_to(root)}"
            xmp = PdfReader(pdf).trailer["/Root"]["/Metadata"].get_object().get_data()
            assert b"<pdfaid:part>2</pdfaid:part>" in xmp or b'pdfaid:part="2"' in xmp, pdf.name
            checked += 1
    assert checked == 102  # the six bodies' documents, packets, referater and saksutskrifter (39 of Verdal)
