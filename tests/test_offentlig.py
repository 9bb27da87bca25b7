"""Offentlighet: skjermet saker, toppnotater and vedlegg, built for real (pandoc and typst).

One repository carries a unique string in every place a skjermet text can stand. The
members' documents keep all of it, marked "Unntatt offentlighet, <basis>"; no public file
(build/<meeting>/offentlig/, the calendar, the site) may hold any of it in any encoding:
raw bytes, DOCX parts decompressed, PDF streams decompressed, the PDF's extracted text,
metadata and outline. That holds for the public meeting packet too, which a skjermet `fil:`
PDF vedlegg (made by typst) must never reach.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
import typst
from fakebuild import fake_build
from helpers import (
    AGENDA2,
    AGENDA2_YAML,
    M2,
    ONE_DAY_2025,
    PLAN,
    SAMPLE_EPOCH,
    TOPPNOTAT,
    TOPPNOTAT_MD,
    FileContent,
    Nufa,
    link_targets,
    one_page_pdf,
    outline,
    replace_once,
    valid_repo,
    write_repo,
)
from pypdf import PdfReader

from nufa_cli.build.orchestrator import build
from nufa_cli.build.targets import FOLDER, SITE_FORMATS
from nufa_cli.check.validate import check
from nufa_cli.core.output import MANIFEST
from nufa_cli.model.public import public_view
from nufa_cli.publish.site import generate

pytestmark = pytest.mark.render  # skjermet_repo() makes a PDF with typst
MARK = "Unntatt offentlighet, offl. § 14"
SENTENCE = "HEMMELIG-SETNING-4711 om budsjett"
TITLE = "Digitalisering av TITTEL-HEMMELIG-88"  # the skjermet sak's title
PUBLIC_TITLE = "Digitalisering av ******"  # its offentlig_tittel, which the public outputs print
SECRETS = (
    "TITTEL-HEMMELIG-88",  # the skjermet sak's title: in the public outputs, its offentlig_tittel
    "HEMMELIG-SETNING-4711",  # the skjermet toppnotat's body
    "FOTNOTE-HEMMELIG-0815",  # a footnote of it
    "BESKRIVELSE-HEMMELIG-77",  # its beskrivelse (front matter)
    "FORSLAG-HEMMELIG-31",  # its forslag til vedtak
    "Bjørnar Hafell",  # its saksbehandler
    "INNSLAG-HEMMELIG-3",  # a timed part of the skjermet sak
    "VEDLEGGTITTEL-HEMMELIG-9",  # a skjermet url vedlegg of another sak: its title
    "hemmelig.example.no",  # and its address
    "REFERATVEDLEGG-HEMMELIG-12",  # a skjermet referat vedlegg's title
    "REFERAT-HEMMELIG-555",  # the skjermet sak's minutes
    "VEDTAK-HEMMELIG-666",  # its vedtak, also cited by a later toppnotat
    "PDFTITTEL-HEMMELIG-21",  # a skjermet fil: PDF vedlegg: its title
    "PDFINNHOLD-HEMMELIG-42",  # and its text, drawn into the members' packet
)
REFERAT2 = f"{M2}/referat.md"
TOPPNOTAT8 = f"{M2}/toppnotater/8-24-eventuelt.md"
SECRET_PDF = f"{M2}/vedlegg/hemmelig.pdf"
PACKET = "sakspapirer.pdf"

REFERAT2_MD = """\
---
status: utkast
---

## 5/24

Saken ble drøftet. REFERAT-HEMMELIG-555.

### Vedtak

VEDTAK-HEMMELIG-666.

## 6/24

Helse i nord orienterte.

### Vedtak

NUFA tar saken til orientering.
"""

TOPPNOTAT8_MD = """\
---
sak: 8/24
tittel: Eventuelt
type: Orientering
tidligere_behandlinger:
  - {utvalg: NUFA, sak: 5/24}
---

## Hensikt med saken

Eventuelt.

## Bakgrunn

Sak 5/24 ble behandlet tidligere i møtet.
"""


def secret_pdf() -> bytes:
    return typst.compile(b"#set document(title: [PDFTITTEL-HEMMELIG-21])\n"
                         b"= PDFINNHOLD-HEMMELIG-42\nTall for tannhelsen.\n", format="pdf")


def skjermet_repo() -> dict[str, FileContent]:
    files = valid_repo()
    note = replace_once(TOPPNOTAT_MD, "saksbehandler: Bjørnar Hafell",
                        "saksbehandler: Bjørnar Hafell\nskjermet: offl. § 14\n"
                        f"offentlig_tittel: {PUBLIC_TITLE}")
    note = replace_once(note, "tittel: Digitalisering av Den offentlige tannhelsetjenesten",
                        f"tittel: {TITLE}")
    note = replace_once(note, "Styringsgruppa ønsker å gi NUFA en orientering om arbeidet.",
                        "BESKRIVELSE-HEMMELIG-77.")
    note = replace_once(note, "NUFA drøftet saken og ga innspill.", "FORSLAG-HEMMELIG-31.")
    note = replace_once(note, "Styringsgruppa kommer tilbake til NUFA.",
                        f"{SENTENCE}.[^hemmelig]\n\n[^hemmelig]: FOTNOTE-HEMMELIG-0815.")
    files[TOPPNOTAT] = note
    agenda = replace_once(AGENDA2_YAML, "toppnotat: toppnotater/5-24-tannhelse.md\n",
                          "toppnotat: toppnotater/5-24-tannhelse.md\n"
                          "        innslag:\n          - {tittel: INNSLAG-HEMMELIG-3}\n")
    agenda = replace_once(agenda, "          - referat: 2024-01-24\n",
                          "          - referat: 2024-01-24\n"
                          "            tittel: REFERATVEDLEGG-HEMMELIG-12\n"
                          "            skjermet: offl. § 14\n")
    agenda = replace_once(agenda, "          - url: https://www.ehelse.no/\n"
                          "            tittel: Nasjonal e-helseportefølje\n",
                          "          - url: https://hemmelig.example.no/rapport-1234\n"
                          "            tittel: VEDLEGGTITTEL-HEMMELIG-9\n"
                          "            skjermet: offl. § 14\n"
                          "            offentlig_tittel: Rapport om ******\n")
    agenda = replace_once(agenda, "            tittel: Plan for Helse i nord\n",
                          "            tittel: Plan for Helse i nord\n"
                          "          - fil: vedlegg/hemmelig.pdf\n"
                          "            tittel: PDFTITTEL-HEMMELIG-21\n"
                          "            skjermet: offl. § 14\n")
    agenda = replace_once(agenda, "      - sak: 8/24\n        tid: \"14:25\"\n"
                          "        tittel: Eventuelt\n        type: Orientering\n",
                          "      - sak: 8/24\n        tid: \"14:25\"\n"
                          "        toppnotat: toppnotater/8-24-eventuelt.md\n")
    files[AGENDA2] = agenda
    files[TOPPNOTAT8] = TOPPNOTAT8_MD
    files[REFERAT2] = REFERAT2_MD
    files[PLAN] = one_page_pdf()  # the meeting packet reads it
    files[SECRET_PDF] = secret_pdf()
    return files


# -- what a file holds, in every form a reader could get at -------------------------------------


def pdf_texts(data: bytes) -> Iterator[str]:
    reader = PdfReader(io.BytesIO(data))
    yield " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    yield repr(dict(reader.metadata or {}))
    stack = list(reader.outline)
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack += item
        else:
            yield str(item.title)
    xmp = reader.xmp_metadata
    if xmp is not None:
        yield xmp.stream.get_data().decode("utf-8", "replace")


def blobs(path: Path) -> Iterator[bytes]:
    """The file's bytes, and every compressed part of it decompressed."""
    data = path.read_bytes()
    yield data
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as docx:
            for name in docx.namelist():
                yield docx.read(name)
    if path.suffix == ".pdf":
        for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
            try:
                yield zlib.decompressobj().decompress(stream)
            except zlib.error:
                continue
        for text in pdf_texts(data):
            yield text.encode("utf-8")


def squeezed(text: str) -> str:
    """Without spaces and hyphens: a line break (or hyphenation) inside a string hides nothing."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


def leaks(path: Path) -> list[str]:
    found = []
    for blob in blobs(path):
        text = squeezed(blob.decode("utf-8", "replace"))
        for secret in SECRETS:
            forms = {secret.encode(enc) for enc in ("utf-8", "utf-16-be", "utf-16-le", "latin-1")}
            forms.add(secret.replace("ø", "&#248;").encode())
            if any(form in blob for form in forms) or squeezed(secret) in text:
                found.append(secret)
    return sorted(set(found))


def text_of(path: Path) -> str:
    """The text a reader sees: PDF as extracted; DOCX paragraph by paragraph, every part."""
    if path.suffix == ".pdf":
        return " ".join(pdf_texts(path.read_bytes()))
    paragraphs = []
    with zipfile.ZipFile(path) as docx:
        for name in docx.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes)\.xml", name):
                xml = docx.read(name).decode("utf-8").replace("<w:tab/>", "<w:t> </w:t>")
                for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, re.DOTALL):
                    runs = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", paragraph)
                    paragraphs.append(html.unescape("".join(runs)))
    return " ".join(" ".join(paragraphs).split())


# -- one build of the repository, shared by the tests ---------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    root = write_repo(tmp_path_factory.mktemp("offentlig") / "repo", skjermet_repo())
    _, diagnostics = check(root)
    assert diagnostics == [], "\n".join(d.text() for d in diagnostics)
    build(root, formats=SITE_FORMATS, offentlig=True)  # the site's HTML too
    yield root
    mp.undo()


def public_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "build").glob(f"*/{FOLDER}/*") if not p.name.startswith("."))


def extracts(folder: str, *numbers: int) -> list[str]:
    """The public saksutskrifter of a meeting's saker N/24, as sorted file names."""
    return sorted(f"{folder}/{FOLDER}/saksutskrift-{n}-24.{fmt}" for n in numbers
                  for fmt in ("docx", "html", "pdf"))


def test_the_public_set_is_written_beside_the_members_documents(built: Path) -> None:
    names = sorted(p.relative_to(built / "build").as_posix() for p in public_files(built))
    documents = ["innkalling", "referat", "saksliste"]
    assert names == [
        # no referat nor saksutskrift: a vedlegg of 2024-04-24 marks the referat skjermet, so
        # it is withheld everywhere
        *(f"2024-01-24/offentlig/{name}.{ext}" for name in ("innkalling", "saksliste")
          for ext in ("docx", "html", "pdf")),
        "2024-01-24/offentlig/sakspapirer.pdf",
        *(f"2024-04-24/offentlig/{name}.{ext}" for name in documents
          for ext in ("docx", "html", "pdf")),
        "2024-04-24/offentlig/sakspapirer.pdf",
        # a saksutskrift of every sak, the skjermet one too (its vedtak is the marking)
        *extracts("2024-04-24", 4, 5, 6, 7, 8),
        # no toppnotat-5-24: the skjermet toppnotat has no public version
        *(f"2024-04-24/offentlig/toppnotat-8-24.{ext}" for ext in ("docx", "html", "pdf")),
    ]
    # a meeting with nothing skjermet but its referat: its other public documents are the
    # members' ones
    folder = built / "build" / "2024-01-24"
    for name in ("innkalling.docx", "innkalling.pdf", "saksliste.docx", "saksliste.pdf",
                 PACKET):
        assert (folder / FOLDER / name).read_bytes() == (folder / name).read_bytes()


def test_the_manifest_records_what_each_file_is(built: Path) -> None:
    manifest = json.loads((built / "build" / MANIFEST).read_text(encoding="utf-8"))
    files = sorted(p.relative_to(built / "build").as_posix()
                   for p in (built / "build").rglob("*.*") if p.name != MANIFEST
                   and ".nufa-cache" not in p.parts)
    assert sorted(manifest) == files
    what = {name: (e["kind"], e["meeting"], e["sak"], e["format"], e["public"])
            for name, e in manifest.items()}
    assert what["2024-04-24/toppnotat-5-24.pdf"] == ("toppnotat", "2024-04-24", "5/24", "pdf",
                                                     False)
    assert what["2024-04-24/offentlig/toppnotat-8-24.docx"] == (
        "toppnotat", "2024-04-24", "8/24", "docx", True)
    assert what[f"2024-04-24/{FOLDER}/{PACKET}"] == ("sakspapirer", "2024-04-24", None, "pdf",
                                                     True)
    assert what["2024-01-24/2024-01-24.ics"] == ("kalender", "2024-01-24", None, "ics", True)
    assert [name for name, w in what.items() if w[4]] == sorted(
        [*(p.relative_to(built / "build").as_posix() for p in public_files(built)),
         "2024-01-24/2024-01-24.ics", "2024-04-24/2024-04-24.ics"])
    # what a file shows is the same in both sets where nothing of it is withheld
    folder = "2024-01-24"
    assert manifest[f"{folder}/innkalling.pdf"]["fingerprint"] == \
        manifest[f"{folder}/{FOLDER}/innkalling.pdf"]["fingerprint"]
    assert f"{folder}/{FOLDER}/referat.pdf" not in manifest  # a vedlegg marks it skjermet
    assert manifest["2024-04-24/referat.pdf"]["fingerprint"] != \
        manifest[f"2024-04-24/{FOLDER}/referat.pdf"]["fingerprint"]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_members_documents_keep_everything_and_are_marked(built: Path, fmt: str) -> None:
    folder = built / "build" / "2024-04-24"
    note = text_of(folder / f"toppnotat-5-24.{fmt}")
    assert SENTENCE in note and "FOTNOTE-HEMMELIG-0815" in note
    assert f"Offentlighet {MARK}" in note  # the header block
    assert f"Fagutvalget (NUFA) – {MARK}" in note  # the running header
    saksliste = text_of(folder / f"saksliste.{fmt}")
    assert MARK in saksliste and "BESKRIVELSE-HEMMELIG-77" in saksliste
    assert "VEDLEGGTITTEL-HEMMELIG-9" in saksliste
    assert MARK in text_of(folder / f"referat.{fmt}")
    assert "VEDTAK-HEMMELIG-666" in text_of(folder / f"referat.{fmt}")
    # the search the public files must pass finds all of it here
    assert leaks(folder / f"toppnotat-5-24.{fmt}") == sorted(
        {"HEMMELIG-SETNING-4711", "FOTNOTE-HEMMELIG-0815", "FORSLAG-HEMMELIG-31", "Bjørnar Hafell",
         "TITTEL-HEMMELIG-88"})
    assert leaks(folder / f"innkalling.{fmt}") == sorted(
        set(SECRETS) - {"HEMMELIG-SETNING-4711", "FOTNOTE-HEMMELIG-0815", "Bjørnar Hafell",
                        "REFERAT-HEMMELIG-555", "VEDTAK-HEMMELIG-666", "PDFINNHOLD-HEMMELIG-42"})


def test_no_public_file_holds_anything_skjermet(built: Path) -> None:
    files = public_files(built)
    # DOCX, PDF and HTML of 5 documents and 5 saksutskrifter; 2 packets (2024-01-24 has no
    # public referat nor saksutskrift: a vedlegg of 2024-04-24 marks its referat skjermet)
    assert len(files) == 35
    for path in files:
        assert leaks(path) == [], path
    for path in sorted((built / "build").glob("*/*.ics")):
        assert leaks(path) == [], path  # the calendar lists titles only


@pytest.mark.parametrize("name", ["innkalling", "saksliste", "referat", "toppnotat-8-24"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_public_documents_carry_the_marking(built: Path, name: str, fmt: str) -> None:
    text = text_of(built / "build" / "2024-04-24" / FOLDER / f"{name}.{fmt}")
    assert MARK in text
    if name in ("innkalling", "saksliste", "referat"):
        # the skjermet sak keeps its number, public title and type
        assert "5/24" in text and PUBLIC_TITLE in text
        assert "Drøfting" in text


def test_the_calendar_prints_the_public_title(built: Path) -> None:
    """One calendar file for both sets, made from the public view."""
    ics = (built / "build" / "2024-04-24" / "2024-04-24.ics").read_bytes().decode("utf-8")
    assert f"5/24 {PUBLIC_TITLE}" in ics.replace("\r\n ", "")  # lines unfolded


def test_public_saksliste_lists_withheld_vedlegg_by_number_only(built: Path) -> None:
    text = text_of(built / "build" / "2024-04-24" / FOLDER / "saksliste.pdf")
    assert f"Vedlegg 1: {MARK}" in text  # the skjermet referat vedlegg of sak 4/24
    # the toppnotat of the skjermet sak, by the sak's public title
    assert f"Vedlegg 2: Toppnotat {PUBLIC_TITLE} ({MARK})" in text
    assert f"Vedlegg 3: Rapport om ****** ({MARK})" in text  # a skjermet url vedlegg of 6/24
    assert "Vedlegg 3A: Plan for Helse i nord" in text  # a vedlegg that is not skjermet
    assert f"Vedlegg 3B: {MARK}" in text  # the skjermet PDF vedlegg of sak 6/24
    assert f"Forslag til vedtak: {MARK}" in text


def test_public_packet_has_a_marked_page_for_each_withheld_vedlegg(built: Path) -> None:
    reader = PdfReader(built / "build" / "2024-04-24" / FOLDER / PACKET)
    entries = outline(reader)
    assert [title for title, _, _ in entries] == [
        "Innkalling", f"Vedlegg 1: {MARK}", f"Vedlegg 2: Toppnotat {PUBLIC_TITLE} ({MARK})",
        f"Vedlegg 3: Rapport om ****** ({MARK})", "Vedlegg 3A: Plan for Helse i nord",
        f"Vedlegg 3B: {MARK}",
        "Vedlegg 4: Toppnotat Eventuelt"]
    for (title, page, _), (_, following, _) in pairwise(entries[1:]):
        text = " ".join(reader.pages[page].extract_text().split())
        assert title in text
        if MARK in title:  # a short page of its own
            assert following == page + 1
            assert "Vedlegget er ikke med i den offentlige utgaven av sakspapirene." in text
        else:
            assert MARK not in text
    # the public toppnotat of 8/24: the vedtak of sak 5/24 it cites is withheld
    assert MARK in reader.pages[entries[-1][1]].extract_text()
    # the saksliste's "Vedlegg N" jump to the pages, the withheld ones too
    assert link_targets(reader, entries[1][1]) == {
        f"vedlegg-{title.split(':')[0].removeprefix('Vedlegg ')}": page
        for title, page, _ in entries[1:]}


def test_members_packet_holds_what_the_public_one_leaves_out(built: Path) -> None:
    folder = built / "build" / "2024-04-24"
    # all but the minutes of sak 5/24: the packet holds the referat of the meeting before
    assert leaks(folder / PACKET) == sorted(set(SECRETS) - {"REFERAT-HEMMELIG-555"})
    assert leaks(folder / FOLDER / PACKET) == []
    text = text_of(folder / PACKET)
    assert "PDFINNHOLD-HEMMELIG-42" in text and SENTENCE in text
    titles = [title for title, _, _ in outline(PdfReader(folder / PACKET))]
    assert "Vedlegg 3B: PDFTITTEL-HEMMELIG-21" in titles


def test_public_files_are_deterministic(built: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    build(built, out=tmp_path / "again", formats=SITE_FORMATS, offentlig=True)
    for path in public_files(built):
        again = tmp_path / "again" / path.relative_to(built / "build")
        assert again.read_bytes() == path.read_bytes(), path
    # and cached: the packets alone, asked for again, are up to date
    packets = build(built, out=tmp_path / "again", only={"sakspapirer"}, offentlig=True)
    assert packets.written == []


def test_the_site_publishes_the_public_set(built: Path) -> None:
    repo, _ = check(built)
    result = generate(repo, built / "build", built / "build" / "site")
    site = result.out
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        assert leaks(path) == [], path
    meeting = site / "2024-04-24"
    for name in ("innkalling.pdf", "saksliste.docx", "referat.pdf", "toppnotat-8-24.pdf",
                 PACKET):
        assert (meeting / name).read_bytes() == \
            (built / "build" / "2024-04-24" / FOLDER / name).read_bytes()
    assert (site / "2024-01-24" / PACKET).read_bytes() == \
        (built / "build" / "2024-01-24" / FOLDER / PACKET).read_bytes()
    assert not (meeting / "toppnotat-5-24.pdf").exists()
    assert not (meeting / "toppnotat-5-24.html").exists()
    # the full text of the public documents, as pages of the site
    saksliste = (meeting / "saksliste.html").read_text(encoding="utf-8")
    assert f"<h2 class=\"sak\"><strong>{PUBLIC_TITLE}</strong></h2>" in saksliste
    assert f"Vedlegg 3: Rapport om ****** ({MARK})" in saksliste
    assert '<a class="document" href="toppnotat-8-24.html">' in \
        (meeting / "index.html").read_text(encoding="utf-8")
    assert not (meeting / "filer" / "vedlegg" / "hemmelig.pdf").exists()
    # the members' packet stays out, in favour of the public one: nothing to warn of
    assert result.withheld == []
    assert result.stale == []
    page = (meeting / "index.html").read_text(encoding="utf-8")
    assert f"<dd>{MARK}</dd>" in page
    assert f"<dt>Forslag til vedtak</dt>\n<dd><p>{MARK}</p>" in page
    assert f"Sak 5/24: {PUBLIC_TITLE}</h3>" in page
    assert f"Rapport om ****** ({MARK})" in page  # a withheld vedlegg's offentlig_tittel
    saker = (site / "saker.html").read_text(encoding="utf-8")
    assert f"<td>{PUBLIC_TITLE}</td>" in saker
    assert f"<p>{MARK}</p>" in saker  # the vedtak of sak 5/24
    assert "NUFA tar saken til orientering." in saker  # sak 6/24's vedtak is public


def test_the_site_never_publishes_a_public_set_built_before_something_was_skjermet(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    files = skjermet_repo()
    files[TOPPNOTAT] = replace_once(files[TOPPNOTAT], "skjermet: offl. § 14\n"
                                    f"offentlig_tittel: {PUBLIC_TITLE}\n", "")
    root = write_repo(tmp_path / "repo", files)
    kinds = {"innkalling", "saksliste", "sakspapirer"}
    build(root, only=kinds, offentlig=True)  # sak 5/24 still public
    note = root / TOPPNOTAT
    note.write_text(note.read_text(encoding="utf-8").replace(
        "saksbehandler: Bjørnar Hafell", "saksbehandler: Bjørnar Hafell\nskjermet: offl. § 14"),
        encoding="utf-8")
    build(root, only=kinds)  # the members' documents, not the public set
    repo, _ = check(root)
    result = generate(repo, root / "build", root / "build" / "site")
    assert result.stale == ["2024-04-24/offentlig/innkalling.docx",
                            "2024-04-24/offentlig/innkalling.pdf",
                            "2024-04-24/offentlig/saksliste.docx",
                            "2024-04-24/offentlig/saksliste.pdf",
                            "2024-04-24/offentlig/sakspapirer.pdf"]
    assert result.withheld == ["2024-04-24/innkalling.docx", "2024-04-24/innkalling.pdf",
                               "2024-04-24/saksliste.docx", "2024-04-24/saksliste.pdf",
                               "2024-04-24/sakspapirer.pdf"]
    assert not (result.out / "2024-04-24" / "innkalling.pdf").exists()
    assert not (result.out / "2024-04-24" / PACKET).exists()
    for path in sorted(p for p in result.out.rglob("*") if p.is_file()):
        assert "BESKRIVELSE-HEMMELIG-77" not in path.read_bytes().decode("utf-8", "replace")


def test_without_a_public_set_every_document_showing_something_skjermet_stays_out(
        tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", skjermet_repo())
    stems = {"2024-01-24": ["innkalling", "referat", "sakspapirer"],
             "2024-04-24": ["innkalling", "saksliste", "referat", "sakspapirer",
                            "toppnotat-5-24", "toppnotat-8-24"]}
    repo, _ = check(root)
    fake_build(repo, root / "build", stems, formats=["pdf"], contents=b"%PDF-1.7\n")
    result = generate(repo, root / "build", root / "build" / "site")
    # Of a meeting with anything withheld no members' file is published: 2024-04-24 has
    # skjermet saker, and a vedlegg of it marks the referat of 2024-01-24 skjermet. That
    # referat and toppnotat-5-24 have no public version at all, so they are left out
    # without a warning.
    assert result.withheld == [
        *(f"2024-04-24/{name}.pdf" for name in ("innkalling", "referat", "saksliste",
                                                "sakspapirer", "toppnotat-8-24")),
        "2024-01-24/innkalling.pdf", "2024-01-24/sakspapirer.pdf"]
    assert sorted(name for name in result.files if name.endswith(".pdf")) == [
        "2024-04-24/filer/vedlegg/plan.pdf"]


def test_a_members_packet_holding_skjermet_minutes_of_another_meeting_stays_out(
        tmp_path: Path) -> None:
    """Nothing of 2025-01-22 is skjermet, but its packet holds the referat of 2024-04-24, with
    the minutes of the skjermet sak 5/24 in the members' version."""
    files = skjermet_repo() | ONE_DAY_2025
    agenda = "meetings/2025-01-22/agenda.yaml"
    files[agenda] = str(files[agenda]) + "        vedlegg:\n          - referat: 2024-04-24\n"
    root = write_repo(tmp_path / "repo", files)
    repo, diagnostics = check(root)
    assert diagnostics == []
    fake_build(repo, root / "build", {"2025-01-22": ["innkalling", "sakspapirer"]},
               formats=["pdf"], contents=b"%PDF-1.7\n")
    result = generate(repo, root / "build", root / "build" / "site")
    assert "2025-01-22/innkalling.pdf" in result.files
    assert result.withheld == ["2025-01-22/sakspapirer.pdf"]


def test_the_public_view_leaves_the_model_it_came_from_alone(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", skjermet_repo())
    repo, _ = check(root)
    public = public_view(repo)
    sak = repo.meetings[1].saker[1]
    withheld = public.meetings[1].saker[1]
    assert sak.beskrivelse == "BESKRIVELSE-HEMMELIG-77.\n" and sak.toppnotat is not None
    assert withheld.beskrivelse is None and withheld.toppnotat is None
    assert (sak.tittel, withheld.tittel, withheld.type, withheld.skjermet) == (
        TITLE, PUBLIC_TITLE, "Drøfting", "offl. § 14")
    assert withheld.forslag_til_vedtak == MARK
    assert [(a.label, a.kind, a.tittel) for a in withheld.attachments] == [
        ("2", "unntatt", f"Toppnotat {PUBLIC_TITLE}")]
    assert public.meetings[1].referat is not None
    assert public.meetings[1].referat.sections[withheld.nr].minutes == ""
    assert repr(public).count("HEMMELIG") == 0


def test_build_command_has_the_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    nufa: Nufa) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    root = write_repo(tmp_path / "repo", skjermet_repo())
    code, out, _ = nufa("build", "2024-04-24", "--only", "saksliste", "--format", "pdf",
                        "--offentlig", cwd=root)
    assert code == 0
    assert out.splitlines() == [
        f"wrote build/2024-04-24/{FOLDER}/saksliste.pdf",
        "wrote build/2024-04-24/saksliste.pdf",
        "Built 2 file(s), 0 unchanged.",
    ]
    assert leaks(root / "build" / "2024-04-24" / FOLDER / "saksliste.pdf") == []
