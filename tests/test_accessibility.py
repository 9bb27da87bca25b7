"""Every output of the sample, built once with real pandoc and typst, against the rules for
accessible and archivable documents (/work/shared/REQUIREMENTS.md): PDF/A-2a and PDF/UA-1
in one file, checked by pdfua (an independent PDF/UA-1 checker) and, for PDF/A, by what its
metadata declares and what can be read back with pypdf; headings for each sak."""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from helpers import Nufa, copy_sample
from pdfua import validate
from pypdf import PdfReader

from nufa_cli.build.orchestrator import build

pytestmark = pytest.mark.render

EPOCH = "1718000000"
MEETINGS = ("2024-01-24", "2024-04-24")

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_NS = {
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample, every document and its public version, in every format."""
    root = copy_sample(tmp_path_factory.mktemp("accessibility") / "repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build(root, formats=["docx", "pdf"], offentlig=True)
    return root / "build"


def pdfs(built: Path) -> list[Path]:
    found = sorted(built.rglob("*.pdf"))
    for meeting in MEETINGS:  # both packets of each meeting are among them
        assert built / meeting / "sakspapirer.pdf" in found
        assert built / meeting / "offentlig" / "sakspapirer.pdf" in found
    return found


def test_pdfua_finds_nothing_in_any_pdf(built: Path) -> None:
    findings = {path.relative_to(built).as_posix(): [
        f"{finding.rule_id}: {finding.message}" for finding in validate(path).findings]
        for path in pdfs(built)}
    assert len(findings) == 48  # 28 documents and packets, and 2 × 10 saksutskrifter of 1/24
    assert {name: found for name, found in findings.items() if found} == {}


def xmp(reader: PdfReader) -> ElementTree.Element:
    data = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    return ElementTree.fromstring(data)


def xmp_value(tree: ElementTree.Element, name: str) -> str | None:
    """A simple XMP property, written as an element or as an attribute."""
    prefix, local = name.split(":")
    tag = f"{{{_NS[prefix]}}}{local}"
    for description in tree.iter(f"{_RDF}Description"):
        if description.get(tag) is not None:
            return description.get(tag)
        element = description.find(tag)
        if element is not None:
            return element.text
    return None


def unembedded_fonts(resources: object, seen: set[int] | None = None) -> list[str]:
    """Fonts drawn without their font program, in the resources and the forms they draw."""
    seen = set() if seen is None else seen
    resources = resources.get_object() if hasattr(resources, "get_object") else resources
    if not resources or id(resources) in seen:
        return []
    seen.add(id(resources))
    missing = []
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = (described.get("/FontDescriptor") or {})
        descriptor = descriptor.get_object() if hasattr(descriptor, "get_object") else descriptor
        if font.get("/Subtype") != "/Type3" and not any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            missing.append(str(font.get("/BaseFont")))
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            missing += unembedded_fonts(xobject.get("/Resources"), seen)
    return missing


def pdfa_problems(data: bytes, *, archive: bool = True) -> list[str]:
    """What the file's own declarations and structure say against PDF/A-2a + PDF/UA-1 (or
    PDF/UA-1 alone, archive=False): the parts of both that pypdf can read back."""
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    tree = xmp(reader)
    problems = []
    declared = {name: xmp_value(tree, name)
                for name in ("pdfaid:part", "pdfaid:conformance", "pdfuaid:part")}
    wanted = {"pdfaid:part": "2", "pdfaid:conformance": "A", "pdfuaid:part": "1"} if archive \
        else {"pdfaid:part": None, "pdfaid:conformance": None, "pdfuaid:part": "1"}
    if declared != wanted:
        problems.append(f"declares {declared}")
    intents = [i.get_object() for i in catalog.get("/OutputIntents") or []]
    if archive:  # PDF/A-2 6.2.3: an sRGB output intent with its ICC profile, for the colours
        profiles = [i["/DestOutputProfile"].get_object().get_data() for i in intents
                    if i.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i]
        if len(profiles) != 1 or profiles[0][16:20] != b"RGB ":
            problems.append(f"output intents: {intents}")
    if reader.is_encrypted:
        problems.append("encrypted")
    if not bool((catalog.get("/MarkInfo") or {}).get("/Marked")) or "/StructTreeRoot" not in catalog:
        problems.append("not tagged")
    if catalog.get("/Lang") != "nb-NO":
        problems.append(f"language {catalog.get('/Lang')!r}")
    titles = [li.text for title in tree.iter(f"{{{_NS['dc']}}}title")
              for li in title.iter(f"{_RDF}li")]
    if not titles or not titles[0] or titles[0] != reader.metadata.title:
        problems.append(f"title: XMP {titles}, info {reader.metadata.title!r}")
    if not bool((catalog.get("/ViewerPreferences") or {}).get("/DisplayDocTitle")):
        problems.append("the viewer shows the file name, not the title")
    for number, page in enumerate(reader.pages, start=1):
        missing = unembedded_fonts(page.get("/Resources"))
        if missing:
            problems.append(f"page {number}: fonts not embedded: {missing}")
    if any(key in catalog for key in ("/OpenAction", "/AA")) or "/JavaScript" in (
            catalog.get("/Names") or {}):
        problems.append("actions or JavaScript")
    return problems


def test_every_pdf_declares_and_is_pdfa_2a_and_pdfua_1(built: Path) -> None:
    problems = {path.relative_to(built).as_posix(): pdfa_problems(path.read_bytes())
                for path in pdfs(built)}
    assert {name: found for name, found in problems.items() if found} == {}


def test_pdfa_check_notices_a_plain_pdf() -> None:
    import typst

    plain = typst.compile(b'#set document(title: "T")\n#set text(lang: "nb", region: "NO")\nx',
                          format="pdf", pdf_standards=["ua-1"])
    problems = pdfa_problems(plain)
    assert problems[0].startswith("declares {'pdfaid:part': None")
    assert any(p.startswith("output intents") for p in problems)
    assert pdfa_problems(plain, archive=False) == []


# -- headings: each sak is one, so the documents navigate like the packet -----------------------

DOCX_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SAK_DOCUMENTS = ("innkalling", "saksliste", "referat")


def saker_of(built: Path) -> dict[str, int]:
    """Meeting folder -> its number of saker, from the sources."""
    from nufa_cli.check.validate import check

    repo, _ = check(built.parent)
    return {meeting.folder: len(meeting.saker) for meeting in repo.meetings}


def sak_documents(built: Path, suffix: str) -> list[tuple[Path, int]]:
    counts = saker_of(built)
    found = [(path, counts[path.relative_to(built).parts[0]])
             for path in sorted(built.rglob(f"*{suffix}")) if path.stem in SAK_DOCUMENTS]
    assert len(found) == 10  # innkalling and saksliste of both meetings, one referat; twice
    return found


def structure_roles(reader: PdfReader) -> list[str]:
    roles: list[str] = []

    def walk(element: object) -> None:
        element = element.get_object()
        if not hasattr(element, "get"):
            return
        if "/S" in element:
            roles.append(str(element["/S"]))
        children = element.get("/K")
        for child in children if isinstance(children, list) else [children]:
            if child is not None and hasattr(child.get_object(), "get"):
                walk(child)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return roles


def test_each_sak_is_a_heading_and_a_bookmark_in_the_pdf(built: Path) -> None:
    for path, saker in sak_documents(built, ".pdf"):
        reader = PdfReader(path)
        roles = structure_roles(reader)
        assert roles.count("/H1") == saker, path
        assert not [r for r in roles if re.fullmatch(r"/H[2-6]", r)], path
        assert len(reader.outline) == saker, path
        titles = [item.title for item in reader.outline]
        assert all(re.match(r"\d+/24 \S", title) for title in titles), titles


def docx_paragraphs(parent: object) -> list[object]:
    """Every paragraph, those in table cells too, in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    found = []
    for item in parent.iter_inner_content():
        if isinstance(item, Paragraph):
            found.append(item)
        elif isinstance(item, Table):
            for row in item.rows:
                for cell in row.cells:
                    found += docx_paragraphs(cell)
    return found


def is_heading(paragraph: object) -> bool:
    """A paragraph of a heading style: Heading N, or a style based on one."""
    style = paragraph.style
    while style is not None:
        if re.fullmatch(r"Heading \d", style.name):
            return True
        style = style.base_style
    return False


def test_each_sak_is_a_heading_styled_paragraph_in_the_docx(built: Path) -> None:
    import docx

    for path, saker in sak_documents(built, ".docx"):
        document = docx.Document(str(path))
        headings = [p for p in docx_paragraphs(document) if is_heading(p)]
        assert len(headings) == saker, path
        assert {p.style.name for p in headings} == {"Sak Heading"}
        assert all(p.runs[0].bold for p in headings)  # and they look like the bold line they were


# -- DOCX: what Word's accessibility checker and an archive read --------------------------------


def test_every_docx_has_title_language_creator_and_true_properties(built: Path) -> None:
    import zipfile

    import docx

    from nufa_cli import __version__
    from nufa_cli.convert.docxprops import app_version

    documents = sorted(built.rglob("*.docx"))
    assert len(documents) == 44  # 24, and 2 × 10 saksutskrifter of 1/24
    assert app_version("0.1.0") == "00.0100" and app_version("1.12.3") == "01.1203"
    checked = 0  # tables
    for path in documents:
        properties = docx.Document(str(path)).core_properties
        assert properties.title and properties.title == PdfReader(path.with_suffix(".pdf")).metadata.title
        assert properties.language == "nb-NO"
        assert properties.author == "Fagutvalget (NUFA)"  # dc:creator, the committee's name
        with zipfile.ZipFile(path) as package:
            app = package.read("docProps/app.xml").decode()
            settings = package.read("word/settings.xml").decode()
            styles = package.read("word/styles.xml").decode()
            body = package.read("word/document.xml").decode()
        assert re.findall(r"<(\w+)>([^<]*)</\1>", app) == [
            ("Application", "nufa"), ("DocSecurity", "0"), ("AppVersion", app_version(__version__))]
        assert re.search(r'<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.'
                         r'microsoft.com/office/word" w:val="15" />', settings)
        assert re.search(r'<w:docDefaults>.*<w:lang [^>]*w:val="nb-NO"', styles, re.S)
        # every table has a header row, which Word repeats on each page
        tables = re.findall(r"<w:tbl>.*?</w:tbl>", body, re.S)
        checked += len(tables)
        for table in tables:
            first_row = re.search(r"<w:tr>.*?</w:tr>", table, re.S)[0]
            assert "<w:tblHeader" in first_row, path
    assert checked > 20


# -- ODT, for further editing in ODF ------------------------------------------------------------


def test_nufa_build_format_odt_writes_the_same_odt_twice(tmp_path: Path, nufa: Nufa,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    root = copy_sample(tmp_path / "repo")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    built = []
    for out in ("a", "b"):
        code, stdout, _ = nufa("build", "--format", "odt", "--only",
                                   "referat", "--out", str(tmp_path / out), cwd=root)
        assert code == 0, stdout
        assert "wrote " in stdout and ".docx" not in stdout and ".pdf" not in stdout
        built.append(tmp_path / out / "2024-01-24" / "referat.odt")
    assert built[0].read_bytes() == built[1].read_bytes()
    with zipfile.ZipFile(built[0]) as package:
        meta = package.read("meta.xml").decode()
        content = package.read("content.xml").decode()
    assert "<dc:title>Referat NUFA 24. – 25. januar 2024</dc:title>" in meta
    assert "<dc:language>nb-NO</dc:language>" in meta
    assert "<meta:creation-date>2024-06-10T06:13:20Z</meta:creation-date>" in meta  # the epoch
    assert content.count('text:outline-level="1"') == saker_of(root / "build")["2024-01-24"]
