"""Every output of the sample, built once with real pandoc and typst, against the rules for
accessible and archivable documents (/work/shared/REQUIREMENTS.md): PDF/A-2a and PDF/UA-1
in one file, checked by pdfua (an independent PDF/UA-1 checker) and, for PDF/A, by what its
metadata declares and what can be read back with pypdf; headings for each sak."""

from __future__ import annotations

import io
from pathlib import Path
from xml.etree import ElementTree

import pytest
from helpers import copy_sample
from pdfua import validate
from pypdf import PdfReader

from nufa_cli.build.orchestrator import build

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
    assert len(findings) == 28
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
