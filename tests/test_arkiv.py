"""`nufa arkiv MEETING`: the package for the archive, built for real (pandoc and typst).

Its arkiv.xml validates against the XML Schema nufa ships (templates/arkiv/arkiv.xsd, also in
the package), names each file with the checksum and size the file has, and the zip holds
exactly the folder's files. The same sources give a byte-identical zip. A meeting that is not
final is refused before anything is built or written.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import (
    AGENDA2,
    AGENDA2_YAML,
    M2,
    PLAN,
    PROJECT,
    REFERAT1,
    REFERAT1_MD,
    TOPPNOTAT,
    TOPPNOTAT_MD,
    FileContent,
    Nufa,
    copy_sample,
    replace_once,
    valid_repo,
    write_repo,
)
from lxml import etree
from pypdf import PdfReader, PdfWriter

from nufa_cli.build import targets
from nufa_cli.publish import arkiv

pytestmark = pytest.mark.render  # builds the meetings it archives

XSD = PROJECT / "templates" / "arkiv" / "arkiv.xsd"
NS = {"a": arkiv.NAMESPACE}
Files = dict[str, FileContent]


def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def texts(element: etree._Element, path: str) -> list[str]:
    return [str(e.text) for e in element.findall(path, NS)]


def checked_package(folder: Path) -> etree._ElementTree:
    """The package's arkiv.xml, validated, with every file it names matching its checksum and
    size, and no file in the folder it does not name."""
    document = etree.parse(str(folder / arkiv.XML))
    schema().assertValid(document)
    assert (folder / "arkiv.xsd").read_bytes() == XSD.read_bytes()
    named = []
    for obj in document.iterfind(".//a:dokumentobjekt", namespaces=NS):
        name = texts(obj, "a:referanseDokumentfil")[0]
        data = (folder / name).read_bytes()
        assert texts(obj, "a:sjekksum") == [hashlib.sha256(data).hexdigest()], name
        assert texts(obj, "a:filstørrelse") == [str(len(data))], name
        assert data.startswith(b"%PDF-")
        xmp = PdfReader(io.BytesIO(data)).xmp_metadata
        assert xmp is not None, name
        claims = xmp.stream.get_data().decode("utf-8")  # what format declares: PDF/A-2a
        assert re.search(r'pdfaid:part(>|=")2', claims) and \
            re.search(r'pdfaid:conformance(>|=")A', claims), name
        named.append(name)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*named, arkiv.XML, "arkiv.xsd", arkiv.MARKER])
    return document


def zipped(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# -- the sample -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("arkiv") / "repo")


def test_arkiv_of_the_sample_meeting(sample: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714000000")
    code, out, _ = Nufa(monkeypatch, capsys)("arkiv", "2024-01-24", cwd=sample)
    assert code == 0, out
    folder = sample / "build" / "arkiv" / "2024-01-24"
    lines = out.splitlines()
    assert lines[-2] == ("Wrote build/arkiv/2024-01-24/: 3 document(s) in 3 PDF file(s), "
                         "with arkiv.xml and its schema arkiv.xsd.")
    package = sample / "build" / "arkiv" / "2024-01-24.zip"
    assert lines[-1] == f"Wrote build/arkiv/2024-01-24.zip " \
                        f"(sha256 {hashlib.sha256(package.read_bytes()).hexdigest()})."
    document = checked_package(folder)
    root = document.getroot()
    møte = root.find("a:møte", NS)
    assert møte is not None
    assert texts(møte, "a:utvalg") == ["Fagutvalget (NUFA)"]
    assert texts(møte, "a:møtenummer") == ["1/24"]
    assert texts(møte, "a:møtedato") == ["2024-01-24", "2024-01-25"]
    assert texts(møte, "a:møtested") == ["Radisson Blu Gardermoen"]
    assert len(møte.findall("a:møtedeltaker", NS)) > 10
    assert texts(root, "a:registrering/a:registreringstype") == [
        "Møteinnkalling", "Saksliste", "Møteprotokoll"]
    assert texts(root, "a:registrering/a:tittel") == [
        f"{kind} NUFA 24. – 25. januar 2024" for kind in ("Innkalling", "Saksliste", "Referat")]
    assert texts(root, "a:registrering/a:offentligTittel") == texts(root, "a:registrering/a:tittel")
    # nothing of the meeting is skjermet: the members' files only, as they were built
    assert texts(root, ".//a:referanseDokumentfil") == ["innkalling.pdf", "saksliste.pdf",
                                                         "referat.pdf"]
    assert set(texts(root, ".//a:variantformat")) == {"Arkivformat"}
    assert root.findall(".//a:format[@kode='fmt/477']", NS) and \
        set(texts(root, ".//a:format")) == {"PDF/A-2a - ISO 19005-2:2011"}
    for name in ("innkalling", "saksliste", "referat"):
        assert (folder / f"{name}.pdf").read_bytes() == \
            (sample / "build" / "2024-01-24" / f"{name}.pdf").read_bytes()
    # the zip holds the folder's files, under the meeting's name
    assert zipped(package) == {f"2024-01-24/{p.name}": p.read_bytes()
                               for p in folder.iterdir() if p.name != arkiv.MARKER}


def test_the_same_sources_give_the_same_zip(sample: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714000000")
    first = arkiv.package(sample, "2024-01-24")
    again = arkiv.package(sample, "meetings/2024-01-24", out=tmp_path / "elsewhere")
    assert first.built == [] and again.built == []  # the build had nothing left to convert
    assert again.zip.read_bytes() == first.zip.read_bytes()
    assert again.zip_sha256 == first.zip_sha256


def test_a_meeting_without_its_final_referat_is_refused(
        sample: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.relative_to(sample).as_posix() for p in sample.rglob("*"))
    code, out, err = Nufa(monkeypatch, capsys)("arkiv", "2024-04-24", cwd=sample)
    assert (code, out) == (1, "")
    assert err.endswith("error: meeting 2024-04-24 has no referat yet; the archive takes a "
                        "meeting with its final referat: write meetings/2024-04-24/referat.md "
                        "(nufa referat drafts it) and set status: endelig\n")
    assert sorted(p.relative_to(sample).as_posix() for p in sample.rglob("*")) == before


def test_an_unknown_meeting_is_a_usage_error(sample: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = Nufa(monkeypatch, capsys)("arkiv", "2024-02-30", cwd=sample)
    assert code == 2 and "no meeting '2024-02-30'" in err


@pytest.mark.parametrize(("path", "old", "new", "message"), [
    (AGENDA2, "status: utkast", "status: utkast",
     "error: meeting 2024-04-24 is a draft (status: utkast in meetings/2024-04-24/agenda.yaml)"),
    (REFERAT1, "status: endelig", "status: utkast",
     "error: the referat of meeting 2024-01-24 is a draft (status: utkast in "
     "meetings/2024-01-24/referat.md)"),
])
def test_a_draft_is_refused(make_repo: Callable[[Files], Path], monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str], path: str, old: str, new: str,
                            message: str) -> None:
    files = valid_repo()
    files[path] = replace_once({AGENDA2: AGENDA2_YAML, REFERAT1: REFERAT1_MD}[path], old, new)
    root = make_repo(files)
    meeting = path.split("/")[1]
    code, out, err = Nufa(monkeypatch, capsys)("arkiv", meeting, cwd=root)
    assert (code, out) == (1, "")
    assert message in err
    assert not (root / "build").exists()  # refused before anything was built


# -- a meeting with something skjermet --------------------------------------------------------

SECRET = "TITTEL-HEMMELIG-77"
REFERAT2 = f"{M2}/referat.md"
REFERAT2_MD = """\
---
status: endelig
fravær: [jon-gupta]
sekretariat: [Norunn Saure]
---

## 4/24

### Vedtak

NUFA godkjenner innkalling, dagsorden og referatet fra januar.

## 5/24

### Vedtak

NUFA drøftet saken.

## 6/24

### Vedtak

NUFA tar saken til orientering.

## 7/24

### Vedtak

NUFA drøftet temaene.

## 8/24

### Vedtak

Ingen saker under eventuelt.
"""


def one_page_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    data = io.BytesIO()
    writer.write(data)
    return data.getvalue()


@pytest.fixture(scope="module")
def skjermet_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, arkiv.ArkivResult]:
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1714000000")
    files = valid_repo()
    files[PLAN] = one_page_pdf()
    files[AGENDA2] = replace_once(AGENDA2_YAML, "status: utkast", "status: endelig")
    files[TOPPNOTAT] = replace_once(
        replace_once(TOPPNOTAT_MD, "tittel: Digitalisering av Den offentlige tannhelsetjenesten",
                     f"tittel: Digitalisering av {SECRET}"),
        "saksbehandler: Bjørnar Hafell",
        "saksbehandler: Bjørnar Hafell\nskjermet: offl. § 13 jf. fvl. § 13\n"
        "offentlig_tittel: Digitalisering av ******")
    files[REFERAT2] = REFERAT2_MD
    root = write_repo(tmp_path_factory.mktemp("skjermet") / "repo", files)
    result = arkiv.package(root, "2024-04-24")
    yield root, result
    mp.undo()


def test_a_skjermet_sak_is_archived_with_its_basis_and_public_title(
        skjermet_package: tuple[Path, arkiv.ArkivResult]) -> None:
    root, result = skjermet_package
    document = checked_package(result.folder)
    registrations = document.getroot().findall("a:registrering", NS)
    assert [texts(r, "a:registreringstype")[0] for r in registrations] == [
        "Møteinnkalling", "Saksliste", "Saksframlegg", "Møteprotokoll"]
    note = registrations[2]
    assert texts(note, "a:tittel") == [f"Toppnotat 5/24 Digitalisering av {SECRET}"]
    assert texts(note, "a:offentligTittel") == ["Toppnotat 5/24 Digitalisering av ******"]
    assert texts(note, "a:møtesaksnummer") == ["5/24"] and texts(note, "a:møtesakstype") == [
        "Drøfting"]
    assert texts(note, "a:skjerming/a:skjermingshjemmel") == ["offl. § 13 jf. fvl. § 13"]
    assert texts(note, "a:skjerming/a:skjermingDokument") == ["Skjerming av hele dokumentet"]
    assert texts(note, ".//a:referanseDokumentfil") == ["toppnotat-5-24.pdf"]  # no public one
    # the meeting's documents: the members' variant and the public one beside it
    for registration, stem in zip([registrations[i] for i in (0, 1, 3)],
                                  ("innkalling", "saksliste", "referat"), strict=True):
        assert texts(registration, ".//a:referanseDokumentfil") == [
            f"{stem}.pdf", f"{stem}-offentlig.pdf"]
        assert texts(registration, ".//a:variantformat") == [
            "Arkivformat", "Dokument hvor deler av innholdet er skjermet"]
        assert [o.get("variant") for o in registration.iterfind(".//a:dokumentobjekt", NS)] == [
            "medlemmer", "offentlig"]
        assert texts(registration, "a:skjerming/a:skjermingDokument") == [
            "Skjerming av deler av dokumentet"]
        assert (result.folder / f"{stem}-offentlig.pdf").read_bytes() == \
            (root / "build" / "2024-04-24" / targets.FOLDER / f"{stem}.pdf").read_bytes()
    # who attended: the members but the absent one, and the secretariat
    names = texts(document.getroot(), "a:møte/a:møtedeltaker/a:møtedeltakerNavn")
    assert "Jon Gupta" not in names and "Micaela Thierley" in names
    assert names[-1] == "Norunn Saure"
    assert texts(document.getroot(), "a:møte/a:møtedeltaker/a:møtedeltakerFunksjon")[-1] == \
        "Sekretariat"
    # file names carry no title
    assert all(SECRET not in name for name in result.files)


def test_the_schema_holds_the_package_to_its_vocabulary(
        skjermet_package: tuple[Path, arkiv.ArkivResult]) -> None:
    """The validation can fail: a registreringstype outside Noark's, or a checksum that is
    not a SHA-256, is refused by the schema."""
    _, result = skjermet_package
    text = (result.folder / arkiv.XML).read_text(encoding="utf-8")
    for old, new in (("<registreringstype>Saksliste<", "<registreringstype>Brev<"),
                     ("<sjekksumAlgoritme>SHA-256<", "<sjekksumAlgoritme>MD5<"),
                     ("<møtenummer>2/24<", "<møtenummer>2024<")):
        assert old in text
        broken = etree.fromstring(text.replace(old, new, 1).encode("utf-8"))
        assert not schema().validate(broken), new


def test_every_registreringstype_is_a_kind_of_the_registry() -> None:
    assert set(arkiv.REGISTRERINGSTYPE) <= set(targets.kinds())
