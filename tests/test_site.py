"""`nufa site`: links that resolve, accessible and escaped HTML, no outside assets, a filter
that works in a real browser when one is installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from fakebuild import fake_build
from helpers import (
    AGENDA2,
    AGENDA2_YAML,
    REFERAT1,
    REFERAT1_MD,
    TOPPNOTAT,
    TOPPNOTAT_MD,
    FileContent,
    Nufa,
    axe_site,
    replace_once,
    tree_hashes,
    valid_repo,
)

from nufa_cli.check.validate import check
from nufa_cli.core.nbdates import clock
from nufa_cli.core.output import OutputError
from nufa_cli.publish.site import MARKER, SiteFolderTaken, generate, markdown_html, plan
from nufa_cli.render.documents import innkalling

SAMPLE = Path(__file__).resolve().parents[1]
CHROMIUM = axe_site().chromium()  # the system's Chromium, as the axe test finds it (or None)
XSS = "<script>alert(1)</script>"
Files = dict[str, FileContent]


class Page(HTMLParser):
    """What a test needs from one HTML page: links, ids, headings, tables, scripts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()
        self.headings: list[int] = []
        self.lang: str | None = None
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if tag == "html":
            self.lang = values.get("lang")
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        for attribute in ("href", "src"):
            if values.get(attribute) is not None:
                self.links.append((tag, attribute, str(values[attribute])))
        if tag == "script":
            self._script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        if self._script:
            self.scripts[-1] += data


def pages(site: Path) -> dict[Path, Page]:
    return {path: Page(path.read_text(encoding="utf-8")) for path in sorted(site.rglob("*.html"))}


SAMPLE_DOCUMENTS = {
    "2024-01-24": ["innkalling", "saksliste", "referat"],
    "2024-04-24": ["innkalling", "saksliste", *(f"toppnotat-{n}-24" for n in range(12, 19))],
}
SMALL_DOCUMENTS = {"2024-01-24": ["referat"], "2024-04-24": ["innkalling", "toppnotat-5-24"]}


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's site from a fake build, made once: the tests using it only read it."""
    repo, _ = check(SAMPLE)
    april = [*SAMPLE_DOCUMENTS["2024-04-24"], "2024-04-24"]  # and its calendar, 2024-04-24.ics
    build = fake_build(repo, tmp_path_factory.mktemp("site") / "build",
                       {**SAMPLE_DOCUMENTS, "2024-04-24": april})
    return generate(repo, build, build / "site").out


def small_site(make_repo: Callable[[Files], Path], files: Files,
               documents: dict[str, list[str]] = SMALL_DOCUMENTS) -> Path:
    root = make_repo(files)
    repo, diagnostics = check(root)
    assert not [d for d in diagnostics if d.severity == "error"], diagnostics
    build = fake_build(repo, root / "build", documents)
    return generate(repo, build, build / "site").out


# -- links, structure, accessibility ---------------------------------------------------------------


def test_sample_site_has_the_expected_pages(sample_site: Path) -> None:
    assert sorted(p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*.html")) == [
        "2024-01-24/index.html", "2024-04-24/index.html", "index.html", "saker.html"]
    assert (sample_site / "style.css").is_file()
    assert (sample_site / "2024-04-24" / "2024-04-24.ics").is_file()


def test_every_href_and_src_resolves_to_a_file_or_an_id(sample_site: Path) -> None:
    everything = pages(sample_site)
    checked = 0
    for path, page in everything.items():
        for _, _, value in page.links:
            parts = urlsplit(value)
            if parts.scheme in ("http", "https"):
                continue  # user content: checked below
            assert not parts.scheme and not parts.netloc, f"{path}: {value}"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file(), f"{path.relative_to(sample_site)} links {value}: missing"
            assert target.is_relative_to(sample_site.resolve()), value
            if parts.fragment:
                assert parts.fragment in Page(target.read_text(encoding="utf-8")).ids, value
            checked += 1
    assert checked > 100


def test_no_outside_assets_and_outside_links_come_from_the_sources(sample_site: Path) -> None:
    sources = "".join(p.read_text(encoding="utf-8") for p in (SAMPLE / "meetings").rglob("*.*")
                      if p.suffix in (".yaml", ".md"))
    for path, page in pages(sample_site).items():
        for tag, attribute, value in page.links:
            if not value.startswith(("http:", "https:", "//")):
                continue
            assert (tag, attribute) == ("a", "href"), f"{path}: an outside asset {value}"
            assert value in sources, f"{path}: {value} is not from the sources"
    css = (sample_site / "style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css


def test_lang_one_h1_and_headings_in_order(sample_site: Path) -> None:
    for path, page in pages(sample_site).items():
        assert page.lang == "nb", path
        assert page.headings.count(1) == 1, path
        assert page.headings[0] == 1, path
        for before, after in pairwise(page.headings):
            assert after <= before + 1, f"{path}: h{before} followed by h{after}"


def test_headings_in_user_markdown_stay_below_the_page_headings(
        make_repo: Callable[[Files], Path]) -> None:
    files = valid_repo()
    files[REFERAT1] = replace_once(REFERAT1_MD, "NUFA tar saken til orientering.",
                                   "# Vedtaket\n\nNUFA tar saken til orientering.")
    site = small_site(make_repo, files)
    for name, level in [("saker.html", 2), ("2024-01-24/index.html", 4)]:
        text = (site / name).read_text(encoding="utf-8")
        assert f"<h{level}>Vedtaket</h{level}>" in text
        headings = Page(text).headings
        assert all(b <= a + 1 for a, b in pairwise(headings)), name


def test_skip_link_main_and_table_headers(sample_site: Path) -> None:
    for path, page in pages(sample_site).items():
        first_link = next(value for tag, _, value in page.links if tag == "a")
        assert first_link == "#innhold", path
        assert "innhold" in page.ids
        tags = [tag for tag, _ in page.tags]
        assert tags.count("main") == 1
        assert tags.count("table") == tags.count("caption"), path
        for tag, attrs in page.tags:
            if tag == "th":
                assert attrs.get("scope") in ("col", "row"), path


def test_index_lists_meetings_newest_first_with_documents_and_calendar(sample_site: Path) -> None:
    text = (sample_site / "index.html").read_text(encoding="utf-8")
    assert text.index("Møte 2/24: 24. – 25. april 2024") < text.index(
        "Møte 1/24: 24. – 25. januar 2024")
    assert "Scandic Ishavshotel, Tromsø" in text
    assert '<a href="2024-04-24/innkalling.pdf">PDF</a>' in text
    assert '<a href="2024-04-24/innkalling.docx">Word</a>' in text
    assert '<a href="2024-04-24/2024-04-24.ics">' in text
    assert "Toppnotat sak 12/24: Digitalisering av Den offentlige tannhelsetjenesten" in text
    assert "endelig, referat: endelig" in text


def test_meeting_page_has_the_dagsorden_and_saksliste(sample_site: Path) -> None:
    text = (sample_site / "2024-04-24" / "index.html").read_text(encoding="utf-8")
    assert "<caption>Dag 1: Onsdag 24. april 2024</caption>" in text
    assert '<th scope="row"><a href="#sak-12-24">12/24</a></th>' in text
    assert text.index("Slutt dag 1") < text.index("Middag")
    assert '<h3 id="sak-11-24-tittel">Sak 11/24: Godkjenning av innkalling' in text
    assert "<dt>Forslag til vedtak</dt>" in text
    # vedlegg 1 of sak 11/24 is the referat of January, published beside it
    assert '<a href="../2024-01-24/referat.pdf">Referat NUFA 24. – 25. januar 2024</a>' in text
    assert '<a href="toppnotat-12-24.pdf">Toppnotat Digitalisering' in text
    assert '<a href="https://www.ehelse.no/">' in text


def test_sak_page_lists_every_sak_with_its_vedtak(sample_site: Path) -> None:
    repo, _ = check(SAMPLE)
    text = (sample_site / "saker.html").read_text(encoding="utf-8")
    rows = re.findall(r'<th scope="row"><a href="[^"]+">(\d+/\d+)</a></th>', text)
    assert rows == [str(s.nr) for m in reversed(repo.meetings) for s in m.saker]
    assert "NUFA tar saken til orientering." in text  # a vedtak from the January referat
    assert "Referatet er ikke skrevet ennå." in text  # April has no referat
    page = Page(text)
    assert len(page.scripts) == 1 and "addEventListener" in page.scripts[0]
    filter_box = next(attrs for tag, attrs in page.tags if attrs.get("id") == "filter")
    assert "hidden" in filter_box  # without JavaScript: no dead input, the full table


# -- user text -------------------------------------------------------------------------------------


def test_user_text_is_escaped_everywhere(make_repo: Callable[[Files], Path]) -> None:
    files = valid_repo()
    files[AGENDA2] = replace_once(AGENDA2_YAML, "tittel: Helse i nord",
                                  f'tittel: "Helse {XSS} i nord"\n'
                                  f'        beskrivelse: "Se {XSS} og <b>fet</b>"')
    files[AGENDA2] = replace_once(files[AGENDA2], "sted: Scandic Ishavshotel, Tromsø",
                                  f'sted: "Tromsø {XSS}"')
    files[TOPPNOTAT] = replace_once(TOPPNOTAT_MD, "saksbehandler: Bjørnar Hafell",
                                    f'saksbehandler: "{XSS}"')
    site = small_site(make_repo, files)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for path, page in pages(site).items():
        text = path.read_text(encoding="utf-8")
        assert XSS not in text, path
        assert "<b>" not in text
        assert len(page.scripts) == (1 if path.name == "saker.html" else 0)
    assert escaped in (site / "index.html").read_text(encoding="utf-8")
    meeting = (site / "2024-04-24" / "index.html").read_text(encoding="utf-8")
    assert meeting.count(escaped) == 5  # sted, dagsorden, sak heading, beskrivelse, saksbehandler
    assert f"Helse {escaped} i nord" in (site / "saker.html").read_text(encoding="utf-8")


def test_markdown_without_html_images_become_links_and_headings_shift() -> None:
    html = markdown_html("# Tittel\n\nTekst med <i>html</i> og ![logo](https://example.org/x.png)"
                         "\n\n[lenke](javascript:alert(1))", 4)
    assert html.startswith("<h4>Tittel</h4>")
    assert "&lt;i&gt;html&lt;/i&gt;" in html
    assert '<a href="https://example.org/x.png">logo</a>' in html
    assert "<img" not in html and 'href="javascript' not in html


def test_skjermet_sak_shows_no_content_and_its_documents_stay_out(
        make_repo: Callable[[Files], Path]) -> None:
    files = valid_repo()
    files[TOPPNOTAT] = replace_once(TOPPNOTAT_MD, "saksbehandler: Bjørnar Hafell",
                                    "saksbehandler: Bjørnar Hafell\nskjermet: offl. § 14")
    root = make_repo(files)
    repo, _ = check(root)
    build = fake_build(repo, root / "build", SMALL_DOCUMENTS)
    result = generate(repo, build, build / "site")
    meeting = (result.out / "2024-04-24" / "index.html").read_text(encoding="utf-8")
    assert "<dt>Offentlighet</dt>\n<dd>Unntatt offentlighet, offl. § 14</dd>" in meeting
    assert "Styringsgruppa ønsker" not in meeting and "ga innspill" not in meeting
    assert "<li>Vedlegg 2:\nUnntatt offentlighet, offl. § 14\n</li>" in meeting
    # no public set was built: the documents that show the sak stay out (the toppnotat
    # quietly: it has no public version to build)
    assert result.withheld == ["2024-04-24/innkalling.docx", "2024-04-24/innkalling.pdf"]
    assert sorted(p.name for p in (result.out / "2024-04-24").iterdir()) == [
        "filer", "index.html"]  # filer/: the plan of sak 6/24, which is not skjermet
    assert "kan vise skjermet innhold" in meeting
    assert (result.out / "2024-01-24" / "referat.pdf").is_file()  # another meeting: published


def test_vedlegg_files_are_copied_and_linked(make_repo: Callable[[Files], Path]) -> None:
    site = small_site(make_repo, valid_repo())
    meeting = (site / "2024-04-24" / "index.html").read_text(encoding="utf-8")
    assert (site / "2024-04-24" / "filer" / "vedlegg" / "plan.pdf").read_bytes().startswith(
        b"%PDF")
    assert '<a href="filer/vedlegg/plan.pdf">Plan for Helse i nord</a>' in meeting


def test_meetings_without_documents_are_reported_and_say_so(
        make_repo: Callable[[Files], Path]) -> None:
    root = make_repo(valid_repo())
    repo, _ = check(root)
    result = generate(repo, root / "build", root / "build" / "site")
    assert result.unbuilt == ["2024-04-24", "2024-01-24"]
    assert "Dokumentene til dette møtet er ikke laget ennå." in (
        result.out / "index.html").read_text(encoding="utf-8")


def test_documents_are_what_the_manifest_says_they_are(tmp_path: Path) -> None:
    """Kind, sak and format come from the build's manifest; a file put beside the documents
    by hand, however it is named, is not published."""
    repo, _ = check(SAMPLE)
    build = fake_build(repo, tmp_path / "build", SAMPLE_DOCUMENTS)
    for name in ("innkalling-2-24.pdf", "vedleggsliste.pdf", "toppnotat-12-24-utkast.pdf",
                 "12-24-tannhelse.docx"):
        (build / "2024-04-24" / name).write_bytes(b"%PDF-1.7\n")
    site, views = plan(repo, build)
    april = repo.meeting("2024-04-24")
    assert april is not None
    view = next(v for v in views if v.folder == "2024-04-24")

    def files(stem: str) -> list[str]:
        return [f"2024-04-24/{stem}.pdf", f"2024-04-24/{stem}.docx"]

    assert [(d.label, d.kind, str(d.sak) if d.sak else None, [f.href for f in d.files])
            for d in view.documents] == [
        ("Innkalling", "innkalling", None, files("innkalling")),
        ("Saksliste", "saksliste", None, files("saksliste")),
        *((f"Toppnotat sak {s.nr}: {s.tittel}", "toppnotat", str(s.nr),
           files(f"toppnotat-{s.nr.n}-24")) for s in april.saker if s.toppnotat)]
    assert sorted(site.copies) == sorted(
        [*(f"2024-01-24/{stem}.{ext}" for stem in SAMPLE_DOCUMENTS["2024-01-24"]
           for ext in ("pdf", "docx")),
         *(f"2024-04-24/{stem}.{ext}" for stem in SAMPLE_DOCUMENTS["2024-04-24"]
           for ext in ("pdf", "docx"))])
    assert site.withheld == [] and site.stale == []


def test_a_toppnotat_with_a_short_source_name_is_filed_under_its_own_sak(tmp_path: Path) -> None:
    """toppnotater/notat.md for 12/24: the build records each toppnotat's sak, whatever its
    source is called."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("nufa.yaml", "medlemmer.yaml"):
        shutil.copy(SAMPLE / name, root / name)
    shutil.copytree(SAMPLE / "meetings", root / "meetings")
    folder = root / "meetings" / "2024-04-24"
    (folder / "toppnotater" / "12-24-tannhelse.md").rename(folder / "toppnotater" / "notat.md")
    agenda = folder / "agenda.yaml"
    agenda.write_text(replace_once(agenda.read_text(encoding="utf-8"),
                                   "toppnotater/12-24-tannhelse.md", "toppnotater/notat.md"),
                      encoding="utf-8")
    repo, _ = check(root)
    stems = ["toppnotat-12-24", "toppnotat-13-24", "toppnotat-17-24"]
    _, views = plan(repo, fake_build(repo, root / "build", {"2024-04-24": stems}))
    view = next(v for v in views if v.folder == "2024-04-24")
    found = {str(d.sak): d.files[0].href for d in view.documents}
    assert found == {"12/24": "2024-04-24/toppnotat-12-24.pdf",
                     "13/24": "2024-04-24/toppnotat-13-24.pdf",
                     "17/24": "2024-04-24/toppnotat-17-24.pdf"}


def test_a_file_changed_after_the_build_is_left_out(make_repo: Callable[[Files], Path]) -> None:
    root = make_repo(valid_repo())
    repo, _ = check(root)
    build = fake_build(repo, root / "build", SMALL_DOCUMENTS)
    (build / "2024-04-24" / "innkalling.pdf").write_bytes(b"%PDF-1.7\n% edited by hand\n")
    result = generate(repo, build, build / "site")
    assert result.stale == ["2024-04-24/innkalling.pdf"]
    assert "2024-04-24/innkalling.pdf" not in result.files
    assert "2024-04-24/innkalling.docx" in result.files


def test_dagsorden_rows_and_times_are_the_innkallings(tmp_path: Path) -> None:
    repo, _ = check(SAMPLE)
    _, views = plan(repo, tmp_path / "build")
    for meeting, view in ((repo.meeting(v.folder), v) for v in views):
        assert meeting is not None
        for day, day_view in zip(meeting.days, view.days, strict=True):
            lines = innkalling.agenda_lines(day)
            assert [(r.kind, r.tid, r.sak, r.tittel) for r in day_view.rows] == [
                (line.kind, clock(line.tid), line.nr, line.tittel or f"Slutt dag {day.index}")
                for line in lines]


def test_a_sak_whose_parts_have_times_shows_none_itself(sample_site: Path) -> None:
    """18/24's time is its first part's, 09:05: in the innkalling's row of that part only."""
    text = (sample_site / "2024-04-24" / "index.html").read_text(encoding="utf-8")
    assert '<tr class="sak">\n<td></td>\n<th scope="row"><a href="#sak-18-24">18/24</a>' in text
    assert text.count("<td>09:05</td>") == 1
    assert '<tr class="slutt">\n<td>14:30</td>\n<td></td>\n<td>Slutt dag 2</td>' in text


# -- writing ---------------------------------------------------------------------------------------


def test_output_is_deterministic(tmp_path: Path) -> None:
    repo, _ = check(SAMPLE)
    build = fake_build(repo, tmp_path / "build", SAMPLE_DOCUMENTS)
    first = tree_hashes(generate(repo, build, tmp_path / "one").out)
    assert tree_hashes(generate(repo, build, tmp_path / "two").out) == first
    assert tree_hashes(generate(repo, build, tmp_path / "one").out) == first


def test_the_site_is_replaced_whole_and_only_our_own(tmp_path: Path) -> None:
    repo, _ = check(SAMPLE)
    build = fake_build(repo, tmp_path / "build", SAMPLE_DOCUMENTS)
    site = generate(repo, build, build / "site").out
    (site / "stale.html").write_text("old\n", encoding="utf-8")
    generate(repo, build, site)
    assert not (site / "stale.html").exists() and (site / MARKER).is_file()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(SiteFolderTaken):
        generate(repo, build, foreign)
    assert (foreign / "keep.txt").read_text(encoding="utf-8") == "mine\n"
    with pytest.raises(SiteFolderTaken):
        generate(repo, build, build)  # would delete the documents
    with pytest.raises(OutputError):
        generate(repo, build, SAMPLE / "meetings" / "site")


def test_command_writes_the_site_from_built_documents(
        make_repo: Callable[[Files], Path], nufa: Nufa) -> None:
    root = make_repo(valid_repo())
    fake_build(check(root)[0], root / "build", {"2024-01-24": ["referat"]})
    code, out, err = nufa("site", "--no-build", cwd=root)
    assert code == 0
    assert out == ("Wrote the site to build/site/: 4 page(s), 4 file(s). "
                   "Open build/site/index.html.\n")
    assert err == "warning: no documents in build/2024-04-24/; run nufa build\n"
    assert (root / "build" / "site" / "2024-01-24" / "referat.pdf").is_file()


# -- a real browser --------------------------------------------------------------------------------


def chromium(url: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=2000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "HOME": str(profile)})


@pytest.fixture
def browser_profile(tmp_path: Path) -> Path:
    if CHROMIUM is None:
        pytest.skip("chromium not installed: apt-get install chromium (or set CHROMIUM)")
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    yield profile
    shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.e2e
def test_browser_renders_the_index(sample_site: Path, browser_profile: Path) -> None:
    done = chromium((sample_site / "index.html").as_uri(), browser_profile)
    assert done.returncode == 0, done.stderr[-2000:]
    assert '<html lang="nb">' in done.stdout
    assert "<h1>Møter i NUFA</h1>" in done.stdout
    assert "Uncaught" not in done.stderr


@pytest.mark.e2e
def test_browser_runs_the_filter_script(sample_site: Path, browser_profile: Path) -> None:
    url = (sample_site / "saker.html").as_uri()
    everything = chromium(url, browser_profile)
    assert everything.returncode == 0, everything.stderr[-2000:]
    assert "Uncaught" not in everything.stderr, everything.stderr[-2000:]
    assert '<div class="filter" id="filter" role="search">' in everything.stdout  # shown by JS
    total = len(re.findall(r"<tr>\s*<th scope=\"row\">", everything.stdout))
    assert f">{total} saker.</p>" in everything.stdout
    filtered = chromium(url + "?q=tannhelse", browser_profile)
    assert "Uncaught" not in filtered.stderr
    assert f">1 av {total} saker vises.</p>" in filtered.stdout
    assert filtered.stdout.count('<tr hidden="">') == total - 1
