"""`nufa site` built for real: every public document's full text as an accessible HTML page
beside its PDF and DOCX, made from the same rendered Markdown, and axe-core finding no WCAG
2.1 A or AA violation on any page in a real headless Chromium.

The axe test runs when Chromium and axe-core are installed (`.ci/run` installs both: apt's
chromium, `npm ci` in tools/axe/) and is skipped with the reason when they are not.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import pytest
from helpers import (
    AGENDA2,
    AGENDA2_YAML,
    M2,
    PLAN,
    PROJECT,
    TOPPNOTAT,
    TOPPNOTAT_MD,
    axe_site,
    copy_sample,
    one_page_pdf,
    replace_once,
    tiny_png,
    valid_repo,
    write_repo,
)
from sitepage import Page, pages

from nufa_cli.publish.site import publish

pytestmark = pytest.mark.render  # builds the site's HTML with pandoc

GOLDEN = PROJECT / "tests" / "golden"


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1714000000")
    root = copy_sample(tmp_path_factory.mktemp("sample") / "repo")
    _, result = publish(root)
    yield result.out
    mp.undo()


SECRET = "HEMMELIG-TITTEL-1234"


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small repository with what the sample lacks: an image, a skjermet sak with a public
    title, user Markdown reaching for attributes and links a page must not keep."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1714000000")
    files = valid_repo()
    files[PLAN] = one_page_pdf()
    files[f"{M2}/figur.png"] = tiny_png()
    files[TOPPNOTAT] = replace_once(
        TOPPNOTAT_MD, "Styringsgruppa kommer tilbake til NUFA.",
        "Styringsgruppa kommer tilbake til NUFA.\n\n![Søyler per måned](figur.png)\n\n"
        # a javascript: link is refused by check (link-scheme); behind it, the HTML filter
        # keeps its text only (tests/test_attack.py: only web, mail and inner links)
        "Se [rapporten](https://www.ehelse.no/).\n\n"
        "# Innhold {#innhold style=\"display:none\"}\n\nMer tekst.")
    files[AGENDA2] = replace_once(AGENDA2_YAML, "        tittel: Helse i nord\n",
                                  f"        tittel: Helse i nord og {SECRET}\n"
                                  "        skjermet: offl. § 13 jf. fvl. § 13\n"
                                  "        offentlig_tittel: Helse i nord og ******\n")
    root = write_repo(tmp_path_factory.mktemp("small") / "repo", files)
    _, result = publish(root)
    yield result.out
    mp.undo()


def document_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.glob("*/*.html")) if p.name != "index.html"]


# -- what is published -----------------------------------------------------------------------


def test_every_document_has_its_page_beside_its_downloads(sample_site: Path) -> None:
    names = [p.relative_to(sample_site).as_posix() for p in document_pages(sample_site)]
    assert names == [
        "2024-01-24/innkalling.html", "2024-01-24/referat.html", "2024-01-24/saksliste.html",
        *sorted(f"2024-01-24/saksutskrift-{n}-24.html" for n in range(1, 11)),
        "2024-04-24/innkalling.html", "2024-04-24/saksliste.html",
        *(f"2024-04-24/toppnotat-{n}-24.html" for n in range(12, 19))]
    for page in document_pages(sample_site):
        assert page.with_suffix(".pdf").is_file() and page.with_suffix(".docx").is_file()
        text = page.read_text(encoding="utf-8")
        assert f'<a href="{page.stem}.pdf">' in text and f'<a href="{page.stem}.docx">' in text
        assert '<a href="index.html">Møte ' in text  # the way back to its meeting
    index = (sample_site / "2024-04-24" / "index.html").read_text(encoding="utf-8")
    assert '<a class="document" href="innkalling.html">Innkalling</a>: <a href="innkalling.pdf">' \
        in index
    # a vedlegg that is a document of the site links to its page: HTML first
    assert '<a href="../2024-01-24/referat.html">Referat NUFA 24. – 25. januar 2024</a>' in index
    assert '<a href="toppnotat-12-24.html">Toppnotat Digitalisering' in index


@pytest.mark.parametrize("name", ["2024-04-24/toppnotat-14-24", "2024-04-24/innkalling",
                                  "2024-01-24/referat"])
def test_a_page_holds_the_documents_whole_text(sample_site: Path, name: str) -> None:
    """Every word of the rendered Markdown (tests/golden/, what DOCX and PDF are made from)
    is on the page, as often; its headings in the same order."""
    page = Page((sample_site / f"{name}.html").read_text(encoding="utf-8"))
    golden = (GOLDEN / f"{name}.md").read_text(encoding="utf-8")
    text = re.sub(r":::( \{[^}]*\})?", " ", golden)  # the document classes' fences
    text = re.sub(r"\[\^[^\]]+\]|\]\(<?[^)\s>]*>?\)", " ", text)  # note labels, link targets
    words = Counter(re.findall(r"[^\W_]+", text))
    shown = Counter(re.findall(r"[^\W_]+", " ".join(page.text)))
    assert words - shown == Counter(), name
    assert sum(words.values()) > 200
    # its headings: the "#" ones in order, and a sak's title in a table row (::: {.sak})
    headings = [h.strip() for h in re.findall(r"^#+ (.*)$", golden, flags=re.MULTILINE)]
    shown_headings = [text for level, text in page.headings if level > 1]
    assert shown_headings[-1] == "Last ned og les mer"  # the page's own, after the document
    assert len(shown_headings) == len(headings) + golden.count("::: {.sak}") + 1
    found = iter(shown_headings)
    assert all(heading in found for heading in headings), shown_headings


def test_pages_have_one_h1_headings_in_order_lang_and_unique_ids(sample_site: Path) -> None:
    for path, page in pages(sample_site).items():
        assert page.lang == "nb", path
        assert page.levels.count(1) == 1 and page.levels[0] == 1, path
        for before, after in pairwise(page.levels):
            assert after <= before + 1, f"{path}: h{before} followed by h{after}"
        duplicated = [i for i, n in Counter(page.ids).items() if n > 1]
        assert duplicated == [], path
        tags = [tag for tag, _ in page.tags]
        assert tags.count("main") == 1 and page.tags[tags.index("a")][1]["href"] == "#innhold"
        for tag, attrs in page.tags:
            if tag == "th":
                assert attrs.get("scope") in ("col", "row"), path
            if tag == "img":
                assert attrs.get("alt"), path
    title = Page((sample_site / "2024-04-24" / "toppnotat-12-24.html").read_text(encoding="utf-8"))
    assert title.headings[0] == (1, "Digitalisering av Den offentlige tannhelsetjenesten")
    assert title.headings[1] == (2, "Forslag til vedtak")  # the toppnotat's "#" below the h1


def test_the_small_site_shows_the_image_and_keeps_nothing_a_browser_would_run(
        small_site: Path) -> None:
    meeting = small_site / "2024-04-24"
    note = (meeting / "toppnotat-5-24.html").read_text(encoding="utf-8")
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="Søyler per måned" />', note)
    assert '<a href="https://www.ehelse.no/">rapporten</a>' in note
    assert "javascript" not in note and "display:none" not in note
    assert '<h2 id="dok-innhold">Innhold</h2>' in note  # not the skip link's target
    assert note.count('id="innhold"') == 1


def test_a_skjermet_sak_shows_its_public_title_and_nothing_withheld(small_site: Path) -> None:
    for path in sorted(p for p in small_site.rglob("*") if p.is_file()):
        assert SECRET not in path.read_bytes().decode("utf-8", "replace"), path
    saksliste = (small_site / "2024-04-24" / "saksliste.html").read_text(encoding="utf-8")
    assert "<strong>Helse i nord og ******</strong>" in saksliste
    assert html.escape("Unntatt offentlighet, offl. § 13 jf. fvl. § 13", quote=False) in saksliste


# -- axe-core in a real browser --------------------------------------------------------------


@pytest.fixture(scope="module")
def axe() -> ModuleType:
    """tools/axe/axe_site.py, when Chromium and axe-core are there to run it."""
    tool = axe_site()
    why = tool.missing()
    if why:
        pytest.skip(f"axe-core test skipped: {why}")
    return tool


def test_axe_core_finds_no_wcag_violation_on_any_page(axe: ModuleType, sample_site: Path,
                                                     small_site: Path) -> None:
    pages = [*sorted(sample_site.rglob("*.html")), *sorted(small_site.rglob("*.html"))]
    results = axe.check_pages(pages)
    saksutskrifter = [page for page in pages if page.name.startswith("saksutskrift-")]
    assert len(saksutskrifter) == 13  # one per sak of a meeting with a referat: 10 + 3
    assert len(results) == len(pages) == 16 + 10 + 13  # 4 pages of each site, the documents
    found = {str(page): [v.text() for v in violations]
             for page, violations in results.items() if violations}
    assert found == {}


def test_axe_core_finds_what_it_should(axe: ModuleType, tmp_path: Path) -> None:
    """The check can fail: a page without a language, with faint text, an image without alt
    text and an empty link breaks four rules."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head>'
                    '<body><main><h1>Hei</h1><p style="color:#bbb">lys tekst</p>'
                    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><a href="#"></a>'
                    "</main></body></html>", encoding="utf-8")
    rules = sorted(v.rule for v in axe.check_pages([page])[page])
    assert rules == ["color-contrast", "html-has-lang", "image-alt", "link-name"]
