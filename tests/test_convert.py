"""nufa_cli.convert.converter with the real pandoc and typst: Markdown in, DOCX and PDF out."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pypandoc
import pytest
import typst
from helpers import tiny_png
from pypdf import PdfReader

from nufa_cli.convert.converter import READER, Converter, ConvertError, Job
from nufa_cli.convert.pandoc_worker import PandocWorker, WorkerError
from nufa_cli.render.mdtext import escape as escape_markdown

pytestmark = pytest.mark.render
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
EPOCH = 1713916800  # 2024-04-24
INJECTION = "# $ % & _ { } [ ] \\ ~ * @ {{ 7*7 }} <b>x</b> ```{=typst}"

SAMPLE = """\
::: {.doctitle}
Møte i NUFA
:::

::: {.docheader}
+------------+---------------------------------------------+
| Møte       | Fagutvalget (NUFA)                          |
+------------+---------------------------------------------+
| Dato       | 24\\. – 25. april 2024                       |
+------------+---------------------------------------------+
:::

# Dagsorden

| Sak   | Agenda NUFA                              | Tidspunkt | Sakstype    |
|-------|------------------------------------------|-----------|-------------|
| 11/24 | Godkjenning av innkalling og dagsorden    | 11:00     | Godkjenning |
|       | Pause                                    | 11:55     |             |

::: {.pagebreak}
:::

# Saksliste

+-------+-----------------------------------+-----------+-------------+
| Sak   | Onsdag 24. april 2024             | Tid       | Type        |
+=======+===================================+===========+=============+
| Dag 1                                                               |
+-------+-----------------------------------+-----------+-------------+
| 12/24 | **Digitalisering**                | 11:10     | Drøfting    |
|       |                                   |           |             |
|       | Bakgrunn for saken.               |           |             |
|       |                                   |           |             |
|       | - første punkt                    |           |             |
|       | - andre punkt                     |           |             |
+-------+-----------------------------------+-----------+-------------+

## Bakgrunn

Løsningene[^1] er beskrevet i [rapporten](https://www.ehelse.no).

[^1]: Fotnoten står nederst.

![Søyler per måned](fig.png)

1. første
2. andre
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("meeting") / "docs"
    folder.mkdir()
    (folder / "fig.png").write_bytes(tiny_png())
    (folder.parent / "secret.png").write_bytes(tiny_png()[:-12] + b"TOPSECRET" + tiny_png()[-12:])
    return folder


@pytest.fixture(scope="module")
def converter():
    with Converter(TEMPLATES, EPOCH) as conv:
        yield conv


def job(root: Path, markdown: str = SAMPLE, **fields) -> Job:
    values = {"title": "Innkalling NUFA 2/24", "header": "Fagutvalget (NUFA)"} | fields
    return Job(markdown=markdown, resource_root=root, **values)


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(pdf_pages(data)).split())


def docx_parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        }


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts.extend(cell.text for row in table.rows for cell in row.cells)
    return " ".join(" ".join(texts).split())


# The representative document ---------------------------------------------------------


def test_pdf_of_representative_document(converter: Converter, root: Path) -> None:
    pdf = converter.pdf(job(root, footer_note="Versjon 3"))
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    pages = pdf_pages(pdf)
    assert len(pages) == 2  # the page break
    text = pdf_text(pdf)
    for expected in (
        "Møte i NUFA",
        "Dato 24. – 25. april 2024",
        "Dag 1",
        "Bakgrunn for saken.",
        "• første punkt",
        "Fotnoten står nederst.",
        "Figur 1: Søyler per måned",
        "1. første",
    ):
        assert expected in text
    assert "Fagutvalget (NUFA) Innkalling NUFA 2/24" in " ".join(pages[1].split())
    assert "Versjon 3 Side 2 av 2" in " ".join(pages[1].split())
    assert "UTKAST" not in text


def test_docx_of_representative_document(converter: Converter, root: Path) -> None:
    data = converter.docx(job(root, footer_note="Versjon 3"))
    text = docx_text(data)
    for expected in ("Møte i NUFA", "24. – 25. april 2024", "Dag 1", "Bakgrunn for saken."):
        assert expected in text
    parts = docx_parts(data)
    body = parts["word/document.xml"]
    assert '<w:gridSpan w:val="4" />' in body  # "Dag 1" spans the four columns
    assert body.count("<w:tblHeader") == 2  # both tables with a header row repeat it
    assert '<w:pStyle w:val="Title" />' in body
    # the header block: a paragraph per row (a table without a header row is an error to
    # Word's accessibility checker), the label italic, a tab, the value
    assert body.count("<w:tbl>") == 2
    assert re.search(r'<w:pStyle w:val="Docheader" /></w:pPr><w:r><w:rPr><w:rStyle '
                     r'w:val="DocheaderLabel" /></w:rPr><w:t xml:space="preserve">Møte</w:t></w:r>'
                     r'<w:r><w:tab/></w:r><w:r><w:t xml:space="preserve">Fagutvalget', body)
    assert '<w:br w:type="page"/>' in body
    # Two tables with nothing between them would be merged by Word and LibreOffice.
    joined = "::: {.note}\n| A | B |\n|---|---|\n| 1 | 2 |\n:::\n\n| C |\n|---|\n| 3 |\n"
    separated = docx_parts(converter.docx(job(root, joined)))["word/document.xml"]
    assert separated.count("<w:tbl>") == 2
    assert "</w:tbl><w:tbl>" not in re.sub(r">\s+<", "><", separated)
    assert 'descr="Søyler per måned"' in body
    assert "Fotnoten står nederst." in parts["word/footnotes.xml"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("word/media/" + _media_name(archive)) == tiny_png()
    assert "Fagutvalget (NUFA)" in parts["word/header1.xml"]
    assert "Innkalling NUFA 2/24" in parts["word/header1.xml"]
    assert "Versjon 3" in parts["word/footer1.xml"]
    assert "NUMPAGES" in parts["word/footer1.xml"]
    assert "NUFA-" not in parts["word/header1.xml"] + parts["word/footer1.xml"]
    assert "UTKAST" not in parts["word/header1.xml"]
    assert "<dc:title>Innkalling NUFA 2/24</dc:title>" in parts["docProps/core.xml"]


def _media_name(archive: zipfile.ZipFile) -> str:
    (name,) = [n for n in archive.namelist() if n.startswith("word/media/")]
    return name.removeprefix("word/media/")


def test_html_of_representative_document(converter: Converter, root: Path) -> None:
    """The fragment nufa site lays out: the title first as the one h1, the document's own
    headings below it, the header block as a description list, header cells naming their
    column, the image inline, the footnote at the end; no page break, no outside address."""
    html = converter.html(job(root)).decode("utf-8")
    assert html.startswith("<h1>Møte i NUFA</h1>\n")
    assert html.count("<h1>") == 1
    assert '<h2 id="dok-dagsorden">Dagsorden</h2>' in html
    assert '<h3 id="dok-bakgrunn">Bakgrunn</h3>' in html
    assert "<dt>Møte</dt>\n<dd>\nFagutvalget (NUFA)\n</dd>" in html
    assert html.count('<th scope="col">') == 8 and "<th>" not in html
    assert '<td colspan="4">Dag 1</td>' in html
    image = re.search(r'<img src="data:image/png;base64,([^"]+)" alt="Søyler per måned" />', html)
    assert image is not None and base64.b64decode(image[1]) == tiny_png()
    assert '<a href="https://www.ehelse.no">rapporten</a>' in html
    assert 'role="doc-endnotes"' in html and "Fotnoten står nederst." in html
    assert "pagebreak" not in html and "doctitle" not in html


def test_html_keeps_nothing_a_browser_would_run_or_hide(converter: Converter, root: Path) -> None:
    """User text may carry attributes and any link: in a page, a style or one of the site's
    classes could hide or move text and a javascript: link would run; the text stays."""
    markdown = ("# Innhold {#innhold .skip style=\"display:none\" onclick=\"x()\"}\n\n"
                "[klikk](javascript:alert(1)) [fil](../hemmelig.pdf) [e-post](mailto:a@b.no) "
                "[her](#innhold) [skjult]{.skip style=\"color:#fff\"}\n\n"
                "::: {.innslag style=\"position:absolute\"}\nEt innslag\n:::\n\n"
                "![Figur](fig.png){width=50% style=\"display:none\"}\n")
    html = converter.html(job(root, markdown)).decode("utf-8")
    assert '<h2 id="dok-innhold">Innhold</h2>' in html  # ids prefixed: none meets the page's
    assert "javascript" not in html and "hemmelig.pdf" not in html
    assert "<p>klikk fil " in html  # the links' text stays
    assert '<a href="mailto:a@b.no">e-post</a>' in html
    assert '<a href="#dok-innhold">her</a>' in html  # a place in the page: prefixed likewise
    assert "<span>skjult</span>" in html
    assert '<div class="innslag">' in html
    assert re.findall(r"<(\w+)[^>]* style=\"([^\"]*)\"", html) == [("img", "width:50.0%")]
    assert "onclick" not in html and "skip" not in html


@pytest.mark.unit
def test_every_style_the_filters_name_is_in_reference_docx() -> None:
    styles = docx_parts((TEMPLATES / "reference.docx").read_bytes())["word/styles.xml"]
    for style_id in ("Title", "Docheader", "DocheaderLabel", "SakHeading", "Innslag", "Table",
                     "Heading1", "Heading2", "Heading3", "Header", "Footer"):
        assert f'w:styleId="{style_id}"' in styles


@pytest.mark.parametrize("draft", [False, True])
def test_every_docx_part_is_well_formed_xml(converter: Converter, root: Path, draft: bool) -> None:
    from xml.etree import ElementTree

    for name, text in docx_parts(converter.docx(job(root, draft=draft))).items():
        ElementTree.fromstring(text.encode())  # raises on a broken part
        assert name


def test_innslag_is_indented_in_both_formats(converter: Converter, root: Path) -> None:
    markdown = "| Sak | Tittel |\n|---|---|\n| 18/24 | Temadag |\n\n::: {.innslag}\nDel\n:::\n"
    assert "#show: nufa-innslag" in converter.typst_source(job(root, markdown)).decode()
    converter.pdf(job(root, markdown))
    body = docx_parts(converter.docx(job(root, markdown)))["word/document.xml"]
    assert '<w:pStyle w:val="Innslag" />' in body


def test_reference_docx_is_reproducible(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_reference_docx", TEMPLATES.parent / "tools" / "make_reference_docx.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rebuilt = module.build(module.pandoc_default_reference())
    assert rebuilt == (TEMPLATES / "reference.docx").read_bytes()


def test_language_is_norwegian(converter: Converter, root: Path) -> None:
    pdf = PdfReader(io.BytesIO(converter.pdf(job(root))))
    assert pdf.trailer["/Root"]["/Lang"] == "nb-NO"
    assert pdf.metadata.title == "Innkalling NUFA 2/24"
    parts = docx_parts(converter.docx(job(root)))
    assert '<w:lang w:bidi="ar-SA" w:eastAsia="nb-NO" w:val="nb-NO" />' in parts["word/styles.xml"]
    assert "<w:autoHyphenation />" in parts["word/settings.xml"]


def test_quotes_are_norwegian_in_both_formats(converter: Converter, root: Path) -> None:
    markdown = 'Han sa "hei" og \'hallo\'.'
    assert "Han sa «hei» og ‘hallo’." in pdf_text(converter.pdf(job(root, markdown)))
    assert "Han sa «hei» og ‘hallo’." in docx_text(converter.docx(job(root, markdown)))


def test_header_rows_repeat_on_every_page(converter: Converter, root: Path) -> None:
    rows = "\n".join(f"| {n} | Rad nummer {n} |" for n in range(120))
    markdown = f"# Lang tabell\n\n| Nr | Kolonnetittel |\n|----|----|\n{rows}\n"
    pages = pdf_pages(converter.pdf(job(root, markdown)))
    assert len(pages) >= 3
    assert all("Nr Kolonnetittel" in page for page in pages)


# Determinism -------------------------------------------------------------------------


def test_same_job_gives_same_bytes_across_converters(root: Path) -> None:
    the_job = job(root, draft=True, footer_note="Rev. 2")
    with Converter(TEMPLATES, EPOCH) as first, Converter(TEMPLATES, EPOCH) as second:
        assert first.docx(the_job) == second.docx(the_job)
        assert first.pdf(the_job) == second.pdf(the_job)
        assert first.docx(the_job) == first.docx(the_job)


# Draft, header, footer ---------------------------------------------------------------


def test_draft_is_marked_in_both_formats(converter: Converter, root: Path) -> None:
    draft = job(root, draft=True)
    pages = pdf_pages(converter.pdf(draft))
    assert all(page.count("UTKAST") >= 2 for page in pages)  # watermark and header
    header = docx_parts(converter.docx(draft))["word/header1.xml"]
    assert "UTKAST" in header
    assert 'string="UTKAST"' in header  # the watermark shape


def test_header_text_is_escaped(converter: Converter, root: Path) -> None:
    odd = job(root, "Tekst.", title="R&D <i> #set", header="A & B [x] *y*", footer_note="§ 5 $x$")
    text = pdf_text(converter.pdf(odd))
    assert "A & B [x] *y*" in text
    assert "R&D <i> #set" in text
    assert "§ 5 $x$" in text
    parts = docx_parts(converter.docx(odd))
    assert "A &amp; B [x] *y*" in parts["word/header1.xml"]
    assert "R&amp;D &lt;i&gt; #set" in parts["word/header1.xml"]
    assert "§ 5 $x$" in parts["word/footer1.xml"]
    swapped = job(root, "Tekst.", title="NUFA-HEADER", header="NUFA-TITLE")
    header = docx_parts(converter.docx(swapped))["word/header1.xml"]
    assert header.index(">NUFA-TITLE<") < header.index(">NUFA-HEADER<")


# PDF/UA-1 and typst warnings ---------------------------------------------------------


def test_pdf_ua_refuses_a_document_without_title(converter: Converter, root: Path) -> None:
    with pytest.raises(ConvertError, match="PDF/UA-1 error: missing document title"):
        converter.pdf(job(root, "Tekst.", title=""))


def test_pdf_ua_refuses_an_image_without_alt_text(converter: Converter, root: Path) -> None:
    with pytest.raises(ConvertError, match="missing alt text"):
        converter.pdf(job(root, "Bilde: ![](fig.png)"))


def test_pdf_ua_refuses_skipped_heading_levels(converter: Converter, root: Path) -> None:
    with pytest.raises(ConvertError, match="heading levels must be consecutive"):
        converter.pdf(job(root, "# En\n\n### Tre\n"))


def test_unknown_font_is_an_error(tmp_path: Path, root: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    typ = templates / "nufa.typ"
    typ.write_text(typ.read_text().replace('font: "Carlito"', 'font: "Calibri"'))
    with (
        Converter(templates, EPOCH) as conv,
        pytest.raises(ConvertError, match="unknown font family: calibri"),
    ):
        conv.pdf(job(root, "Tekst."))


def test_pandoc_warnings_are_errors(converter: Converter, root: Path) -> None:
    with pytest.raises(ConvertError, match="Duplicate identifier 'vedtak'"):
        converter.docx(job(root, "# A {#vedtak}\n\n# B {#vedtak}\n"))


# User text is data -------------------------------------------------------------------


def test_escaped_injection_comes_out_literally(converter: Converter, root: Path) -> None:
    markdown = f"Før {escape_markdown(INJECTION)} etter"
    expected = f"Før {INJECTION} etter"
    assert expected in pdf_text(converter.pdf(job(root, markdown)))
    assert expected in docx_text(converter.docx(job(root, markdown)))


def test_raw_markup_in_markdown_is_not_executed(converter: Converter, root: Path) -> None:
    markdown = (
        "Tekst <b>x</b> @word \\LaTeX $x$ {{ 7*7 }} <script>alert(1)</script>\n\n"
        '```{=typst}\n#panic("raw typst ran")\n```\n\n'
        '`#panic("inline ran")`{=typst} og `<w:p/>`{=openxml}\n\n'
        "<!-- kommentar -->\n"
    )
    pdf = pdf_text(converter.pdf(job(root, markdown)))  # a #panic would fail the build
    text = docx_text(converter.docx(job(root, markdown)))
    for literal in ("<b>x</b>", "@word", "\\LaTeX", "$x$", "{{ 7*7 }}", "<script>alert(1)</script>",
                    '#panic("raw typst ran")', '#panic("inline ran")', "<w:p/>"):
        assert literal in pdf
        assert literal in text
    assert "49" not in pdf


def test_unescaped_injection_string_passes_as_text(converter: Converter, root: Path) -> None:
    # Markdown syntax in it (the backslash escapes a space) is Markdown; nothing is code.
    pdf = pdf_text(converter.pdf(job(root, INJECTION)))
    assert "$ % & _ { } [ ]" in pdf
    assert "@ {{ 7*7 }} <b>x</b>" in pdf


def test_escape_markdown_reads_back_as_the_same_text(converter: Converter, root: Path) -> None:
    for value in ("24. – 25. april", "- ikke en liste", "1) nei", "> nei", ": nei", "a|b"):
        assert value in docx_text(converter.docx(job(root, escape_markdown(value))))


# Typst writer pitfalls (pandoc 3.9): each snippet breaks without templates/filters ---


def _typst_without_filters(markdown: str, root: Path, reader: str = READER) -> bytes:
    """What plain `pandoc -t typst` makes of the snippet, compiled as PDF/UA-1."""
    source = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", reader, "-t", "typst", "-s", "-M", "title=T"],
        input=markdown.encode(),
        capture_output=True,
        check=True,
    ).stdout
    return typst.compile(source, root=str(root), pdf_standards=["ua-1"], format="pdf")


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Se **rapport**.pdf, *notat*.docx og [lenke](https://x.no).html.", "rapport.pdf"),
        ("Fotnote[^1].x\n\n[^1]: Tekst.", "Fotnote1.x"),
        ("[**fet**]{.klasse}.pdf", "fet.pdf"),
    ],
)
def test_period_after_markup(
    converter: Converter, root: Path, markdown: str, expected: str
) -> None:
    with pytest.raises(typst.TypstError):
        _typst_without_filters(markdown, root)
    assert expected in pdf_text(converter.pdf(job(root, markdown)))


BLOCK_MARKERS = """\
+----------+-------------+
| 24\\. apr | \\- minus    |
+----------+-------------+
| \\+ pluss | \\= lik      |
+----------+-------------+
| \\/ a: b  | 1\\. x       |
+----------+-------------+

[24\\. april](https://x.no) og fotnote[^1].

Linje\\
24\\. april

[^1]: 24\\. april.
"""


def _markup_in(source: bytes, root: Path) -> list[str]:
    found = []
    for selector in ("enum", "list", "heading", "terms"):
        if typst.query(source, selector, root=str(root), font_paths=[str(TEMPLATES / "fonts")],
                       ignore_system_fonts=True) != "[]":
            found.append(selector)
    return found


def test_line_start_markers_stay_text(converter: Converter, root: Path) -> None:
    # The writer escapes "24. " and "- " at the start of a paragraph, not at the start
    # of a table cell, link text, footnote, metadata or after a hard line break.
    plain = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", READER, "-t", "typst", "-s", "-M", "title=24. april"],
        input=BLOCK_MARKERS.encode(), capture_output=True, check=True,
    ).stdout
    assert _markup_in(plain, root) == ["enum", "list", "heading"]
    ours = job(root, BLOCK_MARKERS, title="24. april", header="- NUFA", footer_note="= x")
    assert _markup_in(converter.typst_source(ours), root) == []
    text = pdf_text(converter.pdf(ours))
    for literal in ("24. apr - minus", "+ pluss = lik", "/ a: b 1. x", "Linje 24. april",
                    "- NUFA 24. april", "= x Side 1 av 1"):
        assert literal in text


def test_image_alt_text_reaches_the_pdf(converter: Converter, root: Path) -> None:
    markdown = "![Søyler per måned](fig.png)\n\nInne i teksten ![liten figur](fig.png){width=20%}."
    with pytest.raises(typst.TypstError, match="missing alt text"):
        _typst_without_filters(markdown, root)
    source = converter.typst_source(job(root, markdown)).decode()
    assert 'image("/fig.png", alt: "Søyler per måned")' in source
    assert 'image("/fig.png", alt: "liten figur", width: 20%)' in source
    converter.pdf(job(root, markdown))


def test_at_word_is_not_a_citation(converter: Converter, root: Path) -> None:
    with pytest.raises(typst.TypstError, match="bibliography"):
        _typst_without_filters("Kontakt @nufa.", root, reader="markdown")
    assert "Kontakt @nufa." in pdf_text(converter.pdf(job(root, "Kontakt @nufa.")))


def test_language_region_and_title_reach_typst(converter: Converter, root: Path) -> None:
    source = converter.typst_source(job(root, "Tekst.")).decode()
    assert 'lang: "nb"' in source and 'region: "NO"' in source
    assert "#let nufa-title = [Innkalling NUFA 2/24]" in source
    with pytest.raises(ConvertError, match="lang must look like nb-NO"):
        converter.pdf(job(root, "Tekst.", lang="nb"))


# Files outside the document folder ---------------------------------------------------


@pytest.mark.parametrize(
    "src",
    ["/etc/passwd", "../secret.png", "sub/../../secret.png", "file:///etc/passwd",
     "https://example.com/x.png", "C:/x.png", "..\\secret.png", "missing.png", "fig.txt"],
)
def test_images_outside_the_folder_are_refused(converter: Converter, root: Path, src: str) -> None:
    markdown = f"![hemmelig]({src})"
    for convert in (converter.docx, converter.pdf):
        with pytest.raises(ConvertError, match="image"):
            convert(job(root, markdown))


def test_symlink_out_of_the_folder_is_refused(converter: Converter, root: Path) -> None:
    link = root / "link.png"
    link.symlink_to(root.parent / "secret.png")
    try:
        with pytest.raises(ConvertError, match=r"link\.png is a symbolic link"):
            converter.docx(job(root, "![x](link.png)"))
    finally:
        link.unlink()


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_worker_embeds_no_image_python_did_not_check(root: Path, tmp_path: Path, fmt: str) -> None:
    # Below the Python check: even when asked directly, the worker refuses to write an
    # image that is not in the media bag rather than letting pandoc read the path.
    init = {
        "reader": READER,
        "filters": {
            name: [str(TEMPLATES / "filters" / f"{name}.lua")]
            for name in ("common", "docx", "odt", "typst")
        },
        "typst_template": (TEMPLATES / "nufa.typ").read_text(),
        "odt_template": (TEMPLATES / "nufa.opendocument").read_text(),
        "reference_doc": str(TEMPLATES / "reference.docx"),
    }
    worker = PandocWorker(init, epoch=EPOCH, scratch=tmp_path)
    try:
        secret = root.parent / "secret.png"
        reply, _ = worker.request({"op": "read", "markdown": f"![x]({secret})", "lang": "nb-NO"})
        assert reply["images"] == [str(secret)]
        request = {"op": "write", "format": fmt, "lang": "nb-NO", "meta": {}, "variables": {},
                   "images": []}
        with pytest.raises(WorkerError, match="image not checked"):
            worker.request(request)
    finally:
        worker.close()


def test_no_outside_bytes_in_output(converter: Converter, root: Path) -> None:
    data = converter.docx(job(root, "![x](fig.png)"))
    assert b"TOPSECRET" not in data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert [archive.read(n) for n in media] == [tiny_png()]


def test_typst_source_names_images_from_the_root(converter: Converter, root: Path) -> None:
    source = converter.typst_source(job(root, "![a](./fig.png)")).decode()
    assert re.search(r'image\("/fig\.png", alt: "a"\)', source)


# Template folders ---------------------------------------------------------------------


def test_own_templates_replace_builtin_ones_file_by_file(tmp_path: Path, root: Path) -> None:
    own = tmp_path / "maler"
    own.mkdir()
    typ = (TEMPLATES / "nufa.typ").read_text()
    (own / "nufa.typ").write_text(typ.replace("nufa-page-label(current, total)",
                                              "[Egen side #current]"))
    with Converter([own, TEMPLATES], EPOCH) as conv:
        assert "Egen side 1" in pdf_text(conv.pdf(job(root, "Tekst.")))
        assert "NUMPAGES" in docx_parts(conv.docx(job(root, "Tekst.")))["word/footer1.xml"]


@pytest.mark.unit
def test_missing_templates_and_closed_converter(tmp_path: Path, root: Path) -> None:
    with pytest.raises(ConvertError, match=r"nufa\.typ, nufa\.opendocument, reference\.docx"):
        Converter(tmp_path, EPOCH)
    conv = Converter(TEMPLATES, EPOCH)
    conv.close()
    with pytest.raises(ConvertError, match="closed"):
        conv.docx(job(root, "Tekst."))


def test_odt_of_representative_document(converter: Converter, root: Path) -> None:
    from xml.etree import ElementTree

    data = converter.odt(job(root))
    assert converter.odt(job(root)) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        # ODF: the mimetype first and stored, so a reader can tell the file by its bytes
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name, part in parts.items():
        if name.endswith(".xml"):
            ElementTree.fromstring(part)  # raises on a broken part
    meta, content = parts["meta.xml"].decode(), parts["content.xml"].decode()
    assert "<dc:title>Innkalling NUFA 2/24</dc:title>" in meta
    assert "<dc:language>nb-NO</dc:language>" in meta
    assert "<dc:creator>Fagutvalget (NUFA)</dc:creator>" in meta
    styles = parts["styles.xml"].decode()
    assert 'fo:language="nb"' in styles and 'fo:country="NO"' in styles
    assert content.count("Innkalling NUFA 2/24") == 0  # the title is metadata, not printed twice
    assert '<text:p text:style-name="Title">Møte i NUFA</text:p>' in content
    assert "Bakgrunn for saken." in content and "Fotnoten står nederst." in content
    assert re.search(r'<text:h text:style-name="Heading_20_1" text:outline-level="1">', content)
    assert "Søyler per måned" in content  # the image's alt text and caption
    (picture,) = [name for name in parts if name.startswith("Pictures/")]
    assert parts[picture] == tiny_png()


def test_a_write_leaves_the_text_read_as_it_was(converter: Converter, root: Path) -> None:
    """The worker keeps the text it read for the next format; a PDF's metadata (title,
    header, footer note) written into it would reach a DOCX made after it."""
    from nufa_cli.core.root import builtin_templates

    document = job(root, "Tekst med en fotnote.[^1]\n\n[^1]: Fotnoten.\n")
    converter.pdf(document)
    after_pdf = converter.docx(document)
    with Converter([builtin_templates()], EPOCH) as fresh:
        assert fresh.docx(document) == after_pdf
