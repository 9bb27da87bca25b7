"""The meeting packet, sakspapirer.pdf, built from the sample repository with real pandoc
and typst, and read back with pypdf: order, outline, links, page numbers, tagging."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import typst
from helpers import copy_sample, link_targets, outline
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
)

from nufa_cli.build.orchestrator import NothingToBuild, build
from nufa_cli.convert import pdfpages
from nufa_cli.convert.converter import ConvertError
from nufa_cli.core.errors import InvalidSources

pytestmark = pytest.mark.render
ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1713916800"  # 2024-04-24
MEETING = "2024-04-24"
PACKET = f"{MEETING}/sakspapirer.pdf"
LABELS = ["1", "2", "3", "4", "5", "6", "7", "7A", "8", "9", "9A"]  # 9 and 9A added below
PLAN_PDF = b"""\
#set page(paper: "a5")
#set text(font: "DejaVu Sans Mono")
= Plan for Helse i nord
Side en av planen.
#pagebreak()
#set page(paper: "a5", flipped: true)
Side to, liggende.
"""
EVENTUELT = "        tittel: Eventuelt\n"
EXTRA_VEDLEGG = """\
        vedlegg:
          - fil: vedlegg/plan.pdf
            tittel: Plan for Helse i nord
          - fil: vedlegg/budsjett.xlsx
            tittel: Budsjett 2024
"""


# A 2 x 2 PNG, and a line using it in the referat of the meeting before (Vedlegg 1): the
# packet's typst root is then meetings/, and the image must still be found.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a7300000010494441"
    "54789c63f8cfc000440c100a001fee03fd8b5f14d40000000049454e44ae426082")
FIGURE = "\n![Fremmøte per måned](figur.png)\n"


def plan_pdf(source: bytes = PLAN_PDF) -> bytes:
    """Two pages made by typst, the second turned upside down by its /Rotate."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(typst.compile(source, format="pdf"))))
    writer.pages[1].rotate(180)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sample(root: Path) -> Path:
    """The sample repository, with a PDF (made by typst) and a spreadsheet as vedlegg of
    sak 19/24 (Vedlegg 9 and 9A), and an image in the referat of 2024-01-24."""
    copy_sample(root)
    folder = root / "meetings" / MEETING
    (folder / "vedlegg").mkdir()
    (folder / "vedlegg" / "plan.pdf").write_bytes(plan_pdf())
    (folder / "vedlegg" / "budsjett.xlsx").write_bytes(b"not really a spreadsheet")
    agenda = folder / "agenda.yaml"
    text = agenda.read_text(encoding="utf-8")
    assert text.count(EVENTUELT) == 1
    agenda.write_text(text.replace(EVENTUELT, EVENTUELT + EXTRA_VEDLEGG), encoding="utf-8")
    earlier = root / "meetings" / "2024-01-24"
    (earlier / "figur.png").write_bytes(PNG)
    with (earlier / "referat.md").open("a", encoding="utf-8") as referat:
        referat.write(FIGURE)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = sample(tmp_path_factory.mktemp("packet") / "repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build(root, formats=["pdf"])
    return root / "build"


@pytest.fixture(scope="module")
def reader(built: Path) -> PdfReader:
    return PdfReader(built / PACKET)


def pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def test_packet_is_the_innkalling_then_every_vedlegg(built: Path, reader: PdfReader) -> None:
    """Every document's whole text, in order, on its own pages. Each part as many pages as
    its own PDF, one more at most: its bookmarked heading stands above its title, and rows
    kept whole (Forslag til vedtak, the earlier decisions) can then move to the next page."""
    folder = built / MEETING
    toppnotater = sorted(folder.glob("toppnotat-*.pdf"))
    own = [pages(folder / "innkalling.pdf"), pages(built / "2024-01-24" / "referat.pdf"),
           *map(pages, toppnotater[:6]), 1, pages(toppnotater[6]), 2, 1]  # 7A's address page,
    # 8 (18/24), plan.pdf's two pages, 9A's page
    starts = [page for _, page, _ in outline(reader)] + [len(reader.pages)]
    lengths = [end - start for start, end in itertools.pairwise(starts)]
    assert len(lengths) == len(own) == 1 + len(LABELS)
    assert all(mine in (alone, alone + 1) for mine, alone in zip(lengths, own, strict=True)), (
        lengths, own)
    assert [lengths[i] for i in (8, 10, 11)] == [1, 2, 1]  # no document's: exactly as planned
    assert (built / "2024-01-24" / "sakspapirer.pdf").is_file()
    assert reader.metadata.title == "Sakspapirer NUFA 24. – 25. april 2024"


def test_outline_innkalling_with_its_saker_then_each_vedlegg(reader: PdfReader) -> None:
    entries = outline(reader)
    assert entries[0][0] == "Innkalling"
    assert [re.match(r"Vedlegg (\w+): ", t)[1] for t, _, _ in entries[1:]] == LABELS
    assert entries[1][0] == "Vedlegg 1: Referat NUFA 24. – 25. januar 2024"
    assert entries[2][0] == "Vedlegg 2: Toppnotat Digitalisering av Den offentlige tannhelsetjenesten"
    assert entries[8][0].startswith("Vedlegg 7A: Bedre tilgang til informasjon om frisklivs-")
    starts = [page for _, page, _ in entries]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    saker = entries[0][2]
    assert [title.split(" ")[0] for title, _ in saker] == [f"{n}/24" for n in range(11, 20)]
    assert saker[1][0] == "12/24 Digitalisering av Den offentlige tannhelsetjenesten"
    assert all(starts[0] <= page < starts[1] for _, page in saker)
    # a toppnotat's own headings sit under its vedlegg
    assert [title for title, _ in entries[2][2]][:2] == ["Forslag til vedtak", "Hensikt med saken"]


def test_saksliste_links_jump_to_each_vedlegg(reader: PdfReader) -> None:
    entries = outline(reader)
    first_page = {re.match(r"Vedlegg (\w+): ", t)[1]: page for t, page, _ in entries[1:]}
    targets = link_targets(reader, entries[1][1])  # from the innkalling's pages
    assert targets == {f"vedlegg-{label}": first_page[label] for label in LABELS}


def test_each_vedlegg_is_marked_on_its_first_page(reader: PdfReader) -> None:
    for title, page, _ in outline(reader)[1:]:
        label = title.split(":")[0]
        text = reader.pages[page].extract_text()
        assert f"{label}:" in text
        assert f"{label}:" not in reader.pages[page - 1].extract_text()


def test_page_numbers_run_through_the_packet(reader: PdfReader) -> None:
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"Side {number} av {total}" in page.extract_text()


def test_still_tagged_pdf_ua(built: Path, reader: PdfReader) -> None:
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "nb-NO"
    assert reader.pdf_header == "%PDF-1.7"
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()
    assert all("/StructParents" in page for page in reader.pages)
    kinds: dict[str, list[object]] = {}

    def walk(element: object) -> None:
        element = element.get_object()
        if not hasattr(element, "get"):
            return
        if "/S" in element:
            kinds.setdefault(str(element["/S"]), []).append(element)
        children = element.get("/K")
        for child in children if isinstance(children, list) else [children]:
            if child is not None and hasattr(child.get_object(), "get"):
                walk(child)

    walk(catalog["/StructTreeRoot"])
    assert len(kinds["/H1"]) == 1 + len(LABELS)  # one per part: "Innkalling", "Vedlegg N: ..."
    alts = [str(f.get("/Alt", "")) for f in kinds["/Figure"]]
    assert "Vedlegg 9: Plan for Helse i nord, side 2 av 2 (plan.pdf)" in alts
    assert "Fremmøte per måned" in alts  # the referat's image, from the other meeting folder


def test_pdf_vedlegg_pages_are_drawn_in(built: Path, reader: PdfReader) -> None:
    entries = outline(reader)
    start = next(page for title, page, _ in entries if title.startswith("Vedlegg 9:"))
    assert "Side en av planen." in reader.pages[start].extract_text()
    assert "Side to, liggende." in reader.pages[start + 1].extract_text()
    for page in (start, start + 1):
        forms = [x.get_object() for x in reader.pages[page]["/Resources"]["/XObject"].values()
                 if x.get_object()["/Subtype"] == "/Form"]
        assert len(forms) == 1
        operators = {op for _, op in ContentStream(forms[0], reader).operations}
        assert not operators & {b"BDC", b"BMC", b"EMC"}  # the source's tags stay behind
        # the page, turned by its /Rotate, fills the stand-in's unit square: top, centred
        a, b, c, d, e, f = (float(v) for v in forms[0]["/Matrix"])
        x0, y0, x1, y1 = (float(v) for v in forms[0]["/BBox"])
        xs, ys = zip(*[(a * x + c * y + e, b * x + d * y + f)
                       for x in (x0, x1) for y in (y0, y1)], strict=True)
        assert min(xs) >= -1e-3 and max(xs) <= 1 + 1e-3 and max(ys) == pytest.approx(1, abs=1e-3)
        assert min(xs) == pytest.approx(1 - max(xs), abs=1e-3)
    assert "budsjett.xlsx" in reader.pages[start + 2].extract_text()


def test_same_sources_same_bytes_and_cached(built: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = built.parent
    again = build(root, [MEETING], formats=["pdf"], only={"sakspapirer"}, out=tmp_path / "out")
    assert [p.name for p in again.written] == ["sakspapirer.pdf"]
    assert (tmp_path / "out" / PACKET).read_bytes() == (built / PACKET).read_bytes()

    unchanged = build(root, [MEETING], formats=["pdf"], only={"sakspapirer"},
                      out=tmp_path / "out")
    assert unchanged.written == []
    plan = root / "meetings" / MEETING / "vedlegg" / "plan.pdf"
    original = plan.read_bytes()
    try:
        plan.write_bytes(plan_pdf(PLAN_PDF.replace(b"en av", b"1 av")))
        changed = build(root, [MEETING], formats=["pdf"], only={"sakspapirer"},
                        out=tmp_path / "out")
    finally:
        plan.write_bytes(original)
    assert [p.name for p in changed.written] == ["sakspapirer.pdf"]


def test_only_and_formats_select_the_packet(built: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = built.parent
    with pytest.raises(NothingToBuild, match="sakspapirer is PDF only"):
        build(root, [MEETING], formats=["docx"], only={"innkalling", "sakspapirer"},
              out=tmp_path / "docx")
    assert not (tmp_path / "docx").exists()
    inn = build(root, [MEETING], formats=["pdf"], only={"innkalling"}, out=tmp_path / "inn")
    assert [p.name for p in inn.written] == ["innkalling.pdf"]


def unembedded_font_pdf() -> bytes:
    """A page drawing text in Helvetica without embedding it, as many PDF tools do."""
    writer = PdfWriter()
    page = writer.add_blank_page(300, 200)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 20 100 Td (Hei) Tj ET")
    page.replace_contents(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("content", "message"), [
    # PDF/UA-1 forbids drawing a font that is not embedded, inside a figure too
    (unembedded_font_pdf, "plan.pdf uses the font Helvetica without embedding it"),
    (lambda: b"%PDF-1.4 broken", "plan.pdf cannot be read as a PDF"),
])
def test_pdf_vedlegg_that_cannot_be_inserted_stops_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content, message: str) -> None:
    """nufa check opens the vedlegg as the packet would, so the build stops before converting,
    with the vedlegg's line."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = sample(tmp_path / "repo")
    (root / "meetings" / MEETING / "vedlegg" / "plan.pdf").write_bytes(content())
    with pytest.raises(InvalidSources) as raised:
        build(root, [MEETING], formats=["pdf"], only={"sakspapirer"})
    [problem] = [d for d in raised.value.diagnostics if "plan.pdf" in d.message]
    assert (problem.code, problem.path) == ("vedlegg-pdf", f"meetings/{MEETING}/agenda.yaml")
    assert message in problem.message
    assert not (root / "build" / PACKET).exists()


# -- review fixes ----------------------------------------------------------------------------


def many_vedlegg(count: int) -> str:
    return "".join(f"          - url: https://www.ehelse.no/side-{i}\n"
                   f"            tittel: Side {i}\n" for i in range(count))


def test_more_than_27_vedlegg_go_on_with_double_letters(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sak 19/24 has 9 and 9A: 26 more give 9B ... 9Z and 9AA, linked and bookmarked."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = sample(tmp_path / "repo")
    agenda = root / "meetings" / MEETING / "agenda.yaml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(text.replace(EXTRA_VEDLEGG, EXTRA_VEDLEGG + many_vedlegg(26)),
                      encoding="utf-8")
    build(root, [MEETING], formats=["pdf"], only={"sakspapirer"})
    reader = PdfReader(root / "build" / PACKET)
    entries = outline(reader)
    labels = [re.match(r"Vedlegg (\w+): ", t)[1] for t, _, _ in entries[1:]]
    assert labels[-3:] == ["9Y", "9Z", "9AA"] and len(labels) == len(LABELS) + 26
    targets = link_targets(reader, entries[1][1])
    assert targets["vedlegg-9AA"] == entries[-1][1]


@pytest.mark.parametrize("label", ["7A", "1[", "2 B", "3-4", "3_2d_4", "5Æ", '6"'])
def test_any_vedlegg_label_is_a_typst_label_of_its_own(label: str) -> None:
    from nufa_cli.build.packet import _label

    others = {_label(other) for other in ["7A", "1[", "2 B", "3-4", "3_2d_4", "5Æ", '6"']}
    assert len(others) == 7
    name = _label(label)
    assert re.fullmatch(r"vedlegg-[A-Za-z0-9_]+", name)
    typst.compile(f"#link(<{name}>)[til]\n#pagebreak()\n= Vedlegg <{name}>\n".encode(),
                  format="pdf")


def stand_in_packet() -> bytes:
    """A compiled page with one stand-in, as the packet has for each page of a PDF vedlegg."""
    template = (ROOT / "templates" / "packet.typ").read_text(encoding="utf-8")
    return typst.compile(f'{template}\n#nufa-packet-pdf-page("Side 1")\n'.encode(), format="pdf")


def damaged_pdf(damage: Callable[[PdfWriter, DictionaryObject], None]) -> bytes:
    """A blank page made by pypdf, then damaged."""
    writer = PdfWriter()
    page = writer.add_blank_page(300, 200)
    damage(writer, page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _font(writer: PdfWriter, **entries: object) -> DictionaryObject:
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), **{
        NameObject(f"/{key}"): value for key, value in entries.items()}})
    return DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})


DAMAGE = {
    "rotate 45": lambda w, p: p.__setitem__(NameObject("/Rotate"), NumberObject(45)),
    "rotate name": lambda w, p: p.__setitem__(NameObject("/Rotate"), NameObject("/X")),
    "resources 7": lambda w, p: p.__setitem__(NameObject("/Resources"), NumberObject(7)),
    "font 5": lambda w, p: p.__setitem__(NameObject("/Resources"), DictionaryObject(
        {NameObject("/Font"): NumberObject(5)})),
    "descendant fonts []": lambda w, p: p.__setitem__(NameObject("/Resources"), _font(
        w, Subtype=NameObject("/Type0"), DescendantFonts=ArrayObject())),
    "crop box empty": lambda w, p: p.__setitem__(NameObject("/CropBox"), ArrayObject(
        [NumberObject(0)] * 4)),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_pdf_vedlegg_is_a_clean_error(tmp_path: Path, damage) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(damaged_pdf(damage))
    with pytest.raises(ConvertError, match=r": vedlegg plan\.pdf is damaged: page 1 ") as raised:
        pdfpages.insert(stand_in_packet(), [path], "Sakspapirer")
    if damage is DAMAGE["rotate 45"]:
        assert "page 1 is turned by 45 degrees, not by a multiple of 90" in str(raised.value)


def test_an_undamaged_pdf_vedlegg_goes_in(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(damaged_pdf(lambda w, p: p.__setitem__(NameObject("/Rotate"),
                                                            NumberObject(-270))))
    assert PdfReader(io.BytesIO(pdfpages.insert(stand_in_packet(), [path], "S"))).pages


# -- PDF/A: the packet claims no more than its drawn-in pages are -------------------------------


def test_a_packet_with_a_pdf_that_is_no_pdf_a_is_pdf_ua_only(built: Path) -> None:
    from pdfua import validate
    from test_accessibility import pdfa_problems

    packet = built / PACKET
    assert not pdfpages.keeps_pdfa(built.parent / "meetings" / MEETING / "vedlegg" / "plan.pdf", "S")
    assert pdfa_problems(packet.read_bytes(), archive=False) == []
    assert list(validate(packet).findings) == []
    assert pdfa_problems((built / "2024-01-24" / "sakspapirer.pdf").read_bytes()) == []


def pdfa_plan() -> bytes:
    return typst.compile(PLAN_PDF, format="pdf", pdf_standards=["a-2b"])


def test_a_packet_with_pdf_a_vedlegg_stays_pdf_a_2a(built: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from pdfua import validate
    from test_accessibility import pdfa_problems

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = built.parent
    plan = root / "meetings" / MEETING / "vedlegg" / "plan.pdf"
    original = plan.read_bytes()
    try:
        plan.write_bytes(pdfa_plan())
        build(root, [MEETING], formats=["pdf"], only={"sakspapirer"}, out=tmp_path / "out")
    finally:
        plan.write_bytes(original)
    packet = tmp_path / "out" / PACKET
    assert pdfa_problems(packet.read_bytes()) == []
    assert list(validate(packet).findings) == []
    assert "Side en av planen." in PdfReader(packet).pages[-3].extract_text()


def _with_metadata(pdf: bytes, xmp: bytes | None = None, space: bytes | None = None) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    if xmp is not None:
        writer._root_object["/Metadata"].get_object().set_data(xmp)
    if space is not None:
        profile = writer._root_object["/OutputIntents"][0].get_object()["/DestOutputProfile"]
        data = profile.get_object().get_data()
        profile.get_object().set_data(data[:16] + space + data[20:])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ATTRIBUTE_XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
                 b'02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:pdfaid="http://www.'
                 b'aiim.org/pdfa/ns/id/" pdfaid:part="%s" pdfaid:conformance="B"/></rdf:RDF>'
                 b"</x:xmpmeta>")
KEEPS = {
    "typst PDF/A-2b": (pdfa_plan, True),
    "part as attribute, PDF/A-1": (lambda: _with_metadata(pdfa_plan(), ATTRIBUTE_XMP % b"1"), True),
    "PDF/A-4": (lambda: _with_metadata(pdfa_plan(), ATTRIBUTE_XMP % b"4"), False),
    "CMYK output intent": (lambda: _with_metadata(pdfa_plan(), space=b"CMYK"), False),
    "no PDF/A": (lambda: typst.compile(PLAN_PDF, format="pdf"), False),
    "damaged metadata": (lambda: _with_metadata(pdfa_plan(), b"<x:xmpmeta"), False),
}


@pytest.mark.parametrize(("make", "keeps"), KEEPS.values(), ids=KEEPS.keys())
def test_keeps_pdfa_believes_only_a_pdf_a_1_to_3_in_rgb(tmp_path: Path, make, keeps) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(make())
    assert pdfpages.keeps_pdfa(path, "Sakspapirer") is keeps

