"""The rendered Markdown: golden files of the sample repository, and text that stays text.

Golden files: tests/golden/<meeting>/<stem>.md, rewritten by `make golden`
(tests/refresh_golden.py). Everything else here reads the Markdown back with the real
pandoc and the reader convert.py uses.
"""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
from pathlib import Path

import docx
import pypandoc
import pytest
import yaml
from helpers import REFERAT1, replace_once, valid_repo
from pypdf import PdfReader
from refresh_golden import GOLDEN, sample_documents

from nufa_cli.build import targets
from nufa_cli.check.validate import check
from nufa_cli.convert.converter import READER, Converter, Job
from nufa_cli.core.errors import has_errors
from nufa_cli.core.root import builtin_templates
from nufa_cli.model.attendance import attendance
from nufa_cli.render import mdtext
from nufa_cli.render.documents import meeting_documents
from nufa_cli.render.documents.innkalling import agenda_lines
from nufa_cli.render.renderer import Renderer, TemplateError

DOCUMENTS = sample_documents()


def pandoc(markdown: str, to: str) -> str:
    result = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", READER, "-t", to, "--wrap=none", "--columns=1000"],
        input=markdown, capture_output=True, text=True, check=True)
    return result.stdout


# -- golden files -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(DOCUMENTS))
def test_golden(key: str) -> None:
    path = GOLDEN / f"{key}.md"
    assert path.exists(), f"no golden file {path}; run make golden"
    assert DOCUMENTS[key].markdown == path.read_text(encoding="utf-8"), (
        f"{key} differs from its golden file; review the change, then run make golden")


def test_every_golden_file_is_a_document() -> None:
    stale = {p.relative_to(GOLDEN).with_suffix("").as_posix() for p in GOLDEN.rglob("*.md")}
    assert stale == set(DOCUMENTS)


def test_sample_documents_and_titles() -> None:
    found = {key: (doc.kind, doc.title, doc.draft) for key, doc in DOCUMENTS.items()}
    assert found["2024-04-24/innkalling"] == (
        "innkalling", "Innkalling NUFA 24. – 25. april 2024", False)
    assert found["2024-04-24/toppnotat-12-24"] == (
        "toppnotat", "Toppnotat 12/24 Digitalisering av Den offentlige tannhelsetjenesten", False)
    assert found["2024-01-24/referat"] == (
        "referat", "Referat NUFA 24. – 25. januar 2024", False)
    assert all(doc.header == "Fagutvalget (NUFA)" for doc in DOCUMENTS.values())


def test_rendering_is_deterministic() -> None:
    again = sample_documents()
    assert {k: d.markdown for k, d in again.items()} == {
        k: d.markdown for k, d in DOCUMENTS.items()}


@pytest.mark.render
@pytest.mark.parametrize("key", sorted(DOCUMENTS))
def test_pandoc_reads_every_document_without_warnings(key: str) -> None:
    result = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", READER, "-t", "json"],
        input=DOCUMENTS[key].markdown, capture_output=True, text=True, check=True)
    assert result.stderr == ""
    ast = json.loads(result.stdout)
    headings = [b["c"][0] for b in ast["blocks"] if b["t"] == "Header"]
    # PDF/UA: the first heading is level 1 and no level is skipped
    for before, level in zip([0, *headings], headings, strict=False):
        assert level <= before + 1, f"{key}: heading level {level} after {before}"


# -- the documents show what the seed shows ---------------------------------------------------


_BLOCKS = {"Para", "Plain", "Header", "CodeBlock", "LineBlock", "Div", "BulletList",
           "OrderedList", "Table", "Figure", "BlockQuote", "HorizontalRule"}


def text_of(markdown: str) -> str:
    """What a reader sees: pandoc's reading of the Markdown as text in document order."""
    parts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict) and "t" in node:
            kind, content = node["t"], node.get("c")
            if kind == "Str":
                parts.append(content)
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                parts.append(" ")
            elif kind in ("Code", "CodeBlock"):
                parts.append(f" {content[1]} ")
            else:
                if kind in _BLOCKS:
                    parts.append(" ")
                walk(content)
                if kind in _BLOCKS:
                    parts.append(" ")

    walk(json.loads(pandoc(markdown, "json"))["blocks"])
    return " ".join("".join(parts).split())


def plain(key: str) -> str:
    return text_of(DOCUMENTS[key].markdown)


@pytest.mark.render
def test_innkalling_header_and_dagsorden() -> None:
    text = plain("2024-04-24/innkalling")
    assert "Tid 24. april kl. 11.00 – 17.00 og 25. april kl. 09.00 – 14.30 Sted" in text
    assert "kl. kl." not in text
    assert "Medlemmer Hans Löwe Larsen, Helsedirektoratet Jacob Holter Grundt" in text
    # the sak with timed parts has no time of its own; Slutt dag 1 comes before Middag
    assert "18/24 Temadag – glimt fra aktiviteter i Nord-Norge Drøfting" in text
    assert "Forskning ved Nasjonalt senter for e-helseforskning 09:05" in text
    assert "Slutt dag 1 17:00 Middag 19:00 Dag 2" in text


@pytest.mark.render
def test_saksliste_rows() -> None:
    text = plain("2024-04-24/saksliste")
    assert "Sak Onsdag 24. april 2024 Sakstype Start dag 1 11:00" in text
    assert "Vedlegg 1: Referat NUFA 24. – 25. januar 2024" in text
    assert "Vedlegg 7A: Bedre tilgang til informasjon om frisklivs-" in text
    assert "Forslag til vedtak: NUFA godkjenner innkalling og dagsorden." in text
    assert "19/24 Eventuelt Slutt dag 2 14:30" in text


@pytest.mark.render
def test_toppnotat_earlier_decision_from_this_repository() -> None:
    text = plain("2024-04-24/toppnotat-14-24")
    assert "Til Møte 2/24 Dato 24.04.2024 Saksnummer 14/24 Innretning Drøfting" in text
    assert ("NUFA 7/24 (24.1.2024) Helseteknologiordningen – status og videre utvikling av "
            "ordningen NUFA drøftet saken og ga innspill") in text


@pytest.mark.render
def test_referat_attendance() -> None:
    text = plain("2024-01-24/referat")
    assert "Jim J. Yang, Digitaliseringsdirektoratet (dag 2) Arnfinn Aarnes, FFO (dag 1)" in text
    assert "Ikke til stede Jon Gupta, Helse Sør-Øst RHF Stine Slørdal" in text
    assert "Sissel Skarsgård, Norsk Sykepleierforbund (dag 2) Stedfortreder" in text
    assert ("Yvonne Garshol, Helse Sør-Øst RHF, stiller for Jon Gupta Kristian Bergem, "
            "Digitaliseringsdirektoratet, stiller for Jim J. Yang (dag 1)") in text
    assert "Helsedirektoratet Norunn Saure Karen Lima Vibeke Jonassen Wang" in text
    assert "Vedtak: NUFA tar saken til orientering." in text


def test_attendance_per_day() -> None:
    repo, _ = check(GOLDEN.parents[1])
    att = attendance(repo.meeting("2024-01-24"))
    assert att is not None
    by_id = {p.member.id: (p.present, p.absent) for p in att.presences}
    assert by_id["jon-gupta"] == ((), (1, 2))
    assert by_id["jim-j-yang"] == ((2,), (1,))
    assert by_id["hans-lowe-larsen"] == ((1, 2), ())
    assert attendance(repo.meeting("2024-04-24")) is None
    assert repo.committee.lang.days_label((2, 1, 3)) == "(dag 1, 2 og 3)"
    assert repo.committee.lang.days_label(()) == ""


def test_slutt_row_at_its_time() -> None:
    repo, _ = check(GOLDEN.parents[1])
    day1 = repo.meeting("2024-04-24").days[0]
    kinds = [(line.kind, line.tittel) for line in agenda_lines(day1)]
    assert kinds[-2:] == [("slutt", ""), ("row", "Middag")]


# -- user text stays text ---------------------------------------------------------------------

INJECT = "# $ % & _ { } [ ] \\ ~ * @ {{ 7*7 }} <b>x</b> ```{=typst}"
LINE_START = "1. - + : = | ^ > x"  # would open a list, a definition ... at the start of a line
MD_INJECT = """\
Tekst {{ 7*7 }} med <b>x</b> og <script>alert(1)</script>.

```{=typst}
#panic("typst")
```

# Overskrift

::: {.pagebreak}
:::
"""


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def injected(make_repo) -> Path:  # type: ignore[no-untyped-def]
    front = {
        "sak": "2/24", "tittel": INJECT, "type": INJECT, "sakseier": LINE_START,
        "saksbehandler": INJECT, "beskrivelse": MD_INJECT, "forslag_til_vedtak": MD_INJECT,
        "vedlegg": [{"url": "https://example.org/a(b) c", "tittel": INJECT}],
        "tidligere_behandlinger": [
            {"utvalg": INJECT, "sak": "9/23", "tittel": INJECT, "vedtak": MD_INJECT}],
    }
    referat = {
        "status": "utkast",
        "fravær": ["ola-nordmann"],
        "stedfortredere": [{"navn": INJECT, "virksomhet": LINE_START, "for": "ola-nordmann"}],
        "sekretariat": [INJECT, LINE_START],
    }
    return make_repo({
        "nufa.yaml": _dump({"utvalg": {"navn": INJECT, "kortnavn": INJECT},
                            "sekretariat": INJECT, "sakstyper": [INJECT]}),
        "medlemmer.yaml": _dump({"medlemmer": [
            {"navn": "Ola Nordmann", "virksomhet": INJECT},
            {"navn": LINE_START, "virksomhet": LINE_START}]}),
        "meetings/2024-01-24/agenda.yaml": _dump({
            "sted": INJECT, "status": "utkast",
            "dager": [{"dato": "2024-01-24", "start": "10:00", "slutt": "15:00", "program": [
                {"sak": "1/24", "tid": "10:00", "tittel": LINE_START, "type": INJECT,
                 "beskrivelse": MD_INJECT,
                 "innslag": [{"tid": "10:05", "tittel": INJECT}]},
                {"tid": "11:00", "tittel": INJECT},
                {"sak": "2/24", "tid": "12:00", "toppnotat": "toppnotater/2-24.md"},
            ]}]}),
        "meetings/2024-01-24/toppnotater/2-24.md": f"---\n{_dump(front)}---\n\n{MD_INJECT}",
        "meetings/2024-01-24/referat.md":
            f"---\n{_dump(referat)}---\n\n## 1/24\n\n{MD_INJECT}\n### Vedtak\n\n{MD_INJECT}"
            f"\n## 2/24\n\n{MD_INJECT}",
    })


def test_injected_fixture_is_valid(injected: Path) -> None:
    _, diagnostics = check(injected)
    assert not has_errors(diagnostics), diagnostics


def _injected_documents(root: Path) -> dict[str, str]:
    repo, _ = check(root)
    meeting = repo.meetings[0]
    return {targets.named(d.kind).stem_of(meeting.folder, d.sak): d.markdown
            for d in meeting_documents(repo, meeting, Renderer(repo))}


@pytest.mark.render
def test_plain_text_comes_back_exactly(injected: Path) -> None:
    documents = _injected_documents(injected)
    assert set(documents) == {"innkalling", "saksliste", "toppnotat-2-24", "referat",
                              "saksutskrift-1-24", "saksutskrift-2-24"}
    for stem, markdown in documents.items():
        assert "49" not in markdown, f"{stem}: Jinja evaluated user text"
        text = pandoc(markdown, "plain")
        assert INJECT in text, f"{stem}: {INJECT!r} did not come back as text"
        assert LINE_START in text, f"{stem}: {LINE_START!r} did not come back as text"
        native = pandoc(markdown, "native")
        for construct in ("RawBlock", "RawInline", "Emph", "Math", "Cite", "Subscript",
                          "Superscript", "Strikeout", "OrderedList", "DefinitionList",
                          "BlockQuote"):
            assert construct not in native, f"{stem}: user text became {construct}"


@pytest.mark.render
def test_user_markdown_stays_in_its_place(injected: Path) -> None:
    for stem, markdown in _injected_documents(injected).items():
        native = pandoc(markdown, "native")
        text = pandoc(markdown, "plain")
        assert "{{ 7*7 }}" in text and "<b>x</b>" in text and "<script>" in text, stem
        assert '#panic("typst")' in text, stem  # shown as code, never passed to typst
        # only the innkalling's own page break; the user's ::: lines are text
        assert native.count('"pagebreak"') == (1 if stem == "innkalling" else 0), stem
        assert ":::" in text, stem


@pytest.mark.render
def test_headings_of_user_markdown(injected: Path) -> None:
    documents = _injected_documents(injected)
    # in the toppnotat body the user's "# Overskrift" is a section heading ...
    assert re.search(r"Header\s+1\s", pandoc(documents["toppnotat-2-24"], "native"))
    # ... and inside table cells it is bold text, not a heading
    for stem in ("innkalling", "saksliste", "referat"):
        assert "Header" not in pandoc(documents[stem], "native"), stem


@pytest.mark.render
def test_link_address_is_kept(injected: Path) -> None:
    native = pandoc(_injected_documents(injected)["saksliste"], "native")
    assert '"https://example.org/a%28b%29%20c"' in native


@pytest.mark.render
@pytest.mark.parametrize("text", [
    INJECT, LINE_START, "- a", "+ b", "1) c", "12. april", "b. c", "(a) d", "iv) e", ": d",
    "= e", "---", "> f",
    "a  b\tc\nd", "50 % & 100 $", "x\\", "<!-- c -->", "[^1]", "@sitat", "H~2~O 2^10^",
    "\"sitat\" og 'sitat'", "\x07bjelle",
])
def test_escape_round_trip(text: str) -> None:
    expected = " ".join(text.replace("\x07", " ").split())
    got = pandoc(mdtext.escape(text), "plain").strip()
    # smart quotes are pandoc's typography, not a change of text
    got = got.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    assert got == expected


# -- Markdown blocks and tables ---------------------------------------------------------------


def test_block_shifts_headings_without_skipping() -> None:
    text = "### A\n\ntext\n\n##### B\n\nC\n=\n\n## D\n"
    assert mdtext.block(text, 1).split("\n\n") == ["# A", "text", "## B", "# C", "## D"]
    assert mdtext.block("### A\n\n#### B", 2) == "## A\n\n### B"
    assert mdtext.block("# A\n## B", 2) == "## A\n\n### B"
    assert mdtext.block("# A\n\nx", None) == "**A**\n\nx"


@pytest.mark.render
def test_block_separates_commonmark_blocks_for_pandoc() -> None:
    assert mdtext.block("Innspill:\n- a\n- b") == "Innspill:\n\n- a\n- b"
    native = pandoc(mdtext.block("Innspill:\n- a\n- b"), "native")
    assert "BulletList" in native


@pytest.mark.render
def test_block_keeps_commonmark_paragraphs_out_of_pandoc_lists() -> None:
    text = "b. er en bokstav\n\n(1) i parentes\n\niv) romertall\n\nA. Etablere\n\n2. liste"
    native = pandoc(mdtext.block(text), "native")
    assert native.count("OrderedList") == 1  # only the CommonMark list "2. liste"
    assert "iv)" in pandoc(mdtext.block(text), "plain")


def test_block_keeps_code_untouched() -> None:
    text = "```\n# not a heading\n:::\n```"
    assert mdtext.block(text, 3) == text


def test_lead_joins_a_paragraph_and_stands_before_a_list() -> None:
    assert mdtext.lead("NUFA tar saken.", "**Vedtak:**") == "**Vedtak:** NUFA tar saken."
    assert mdtext.lead("- a", "**Vedtak:**") == "**Vedtak:**\n\n- a"


def _cell_blocks(markdown: str) -> list:
    """The blocks pandoc reads from each cell of the first table, soft breaks as spaces."""
    ast = json.loads(pandoc(markdown, "json").replace('{"t":"SoftBreak"}', '{"t":"Space"}'))
    table = next(b for b in ast["blocks"] if b["t"] == "Table")
    rows = [r for body in table["c"][4] for r in body[3]]
    return [cell[4] for row in rows for cell in row[1]]


@pytest.mark.render
def test_wrapping_keeps_what_pandoc_reads() -> None:
    """Each user text in a narrow table cell reads as the same blocks as the text alone."""
    repo, _ = check(GOLDEN.parents[1])
    texts = []
    for meeting in repo.meetings:
        if meeting.referat:
            for section in meeting.referat.sections.values():
                texts.append(mdtext.block(section.minutes, None))
        for sak in meeting.saker:
            texts += [mdtext.block(t, None) for t in (sak.beskrivelse, sak.forslag_til_vedtak) if t]
    rows = [mdtext.Row((t, ""), (1, 1)) for t in texts]
    narrow = mdtext.grid_table(rows, [30, 5])
    for text, blocks in zip(texts, _cell_blocks(narrow)[::2], strict=True):
        alone = json.loads(pandoc(text, "json").replace('{"t":"SoftBreak"}', '{"t":"Space"}'))
        assert _para(blocks) == _para(alone["blocks"]), text[:60]


def _para(blocks: list) -> list:
    """A cell's lone paragraph is Plain where the text alone gives Para."""
    return [{"t": "Para", "c": b["c"]} if b["t"] == "Plain" else b for b in blocks]


@pytest.mark.render
def test_grid_table_widens_for_long_words_and_spans() -> None:
    rows = [mdtext.Row(("A", "B"), (1, 1), header=True),
            mdtext.Row(("**Dag 1**",), (2,)),
            mdtext.Row(("x", "https://example.org/a-very-long-address"), (1, 1))]
    table = mdtext.grid_table(rows, [4, 10])
    lines = table.split("\n")
    assert len({len(line) for line in lines}) == 1
    assert "| **Dag 1**" in table
    native = pandoc(table, "native")
    assert "ColSpan 2" in native and "TableHead" in native


@pytest.mark.render
def test_grid_table_counts_wide_characters() -> None:
    table = mdtext.grid_table([mdtext.Row(("漢字漢字漢字", "b"), (1, 1))], [4, 4])
    assert '"\\28450\\23383\\28450\\23383\\28450\\23383"' in pandoc(table, "native")


# -- the environment --------------------------------------------------------------------------


def test_builtin_templates_found() -> None:
    assert (builtin_templates() / "innkalling.md.j2").is_file()


def test_committee_templates_override_by_name(valid_root: Path) -> None:
    maler = valid_root / "maler"
    maler.mkdir()
    (maler / "toppnotat.md.j2").write_text("Eget notat {{ toppnotat.nr | md }}\n")
    (valid_root / "nufa.yaml").write_text(
        (valid_root / "nufa.yaml").read_text() + "maler: maler\n")
    repo, diagnostics = check(valid_root)
    assert not has_errors(diagnostics)
    docs = meeting_documents(repo, repo.meetings[1], Renderer(repo), {"toppnotat", "innkalling"})
    assert [d.markdown for d in docs if d.kind == "toppnotat"] == ["Eget notat 5/24\n"]
    assert docs[0].markdown.startswith("::: {.doctitle}\nMøte i NUFA\n:::")


def test_undefined_name_in_a_template_fails(valid_root: Path) -> None:
    maler = valid_root / "maler"
    maler.mkdir()
    (maler / "saksliste.md.j2").write_text("{{ saksliste.no_such_field }}\n")
    (valid_root / "nufa.yaml").write_text(
        (valid_root / "nufa.yaml").read_text() + "maler: maler\n")
    repo, _ = check(valid_root)
    with pytest.raises(TemplateError, match="no_such_field"):
        meeting_documents(repo, repo.meetings[0], Renderer(repo), {"saksliste"})


@pytest.mark.render
def test_footnotes_of_two_blocks_do_not_clash(make_repo) -> None:  # type: ignore[no-untyped-def]
    files = valid_repo()
    files[REFERAT1] = replace_once(
        replace_once(files[REFERAT1], "- Noen høydepunkter fra 2023",
                     "- Noen høydepunkter fra 2023[^1]\n\n[^1]: Første fotnote."),
        "Ingen saker under eventuelt.", "Ingen saker[^1].\n\n[^1]: Andre fotnote.")
    repo, diagnostics = check(make_repo(files))
    assert not has_errors(diagnostics), diagnostics
    referat = meeting_documents(repo, repo.meetings[0], Renderer(repo), {"referat"})[0]
    result = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", READER, "-t", "plain"],
        input=referat.markdown, capture_output=True, text=True, check=True)
    assert result.stderr == ""
    assert "Første fotnote." in result.stdout and "Andre fotnote." in result.stdout


@pytest.mark.render
def test_escape_and_wrap_round_trip_random_text() -> None:
    """Random text with every special character: escaped, and escaped inside a narrow
    table cell, pandoc reads back exactly the text."""
    rng = random.Random(20240424)
    alphabet = "ab1iIvXA .-+:=#*_`~^<>|[]{}()\\$%&@!?/;,æøå漢" + "    "
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
             for _ in range(300)]
    texts = [" ".join(t.split()) for t in texts if t.strip()]
    document = "\n\n".join(mdtext.escape(t) for t in texts)
    assert pandoc(document, "plain").strip().split("\n\n") == texts
    alone = json.loads(pandoc(document, "json"))["blocks"]
    rows = [mdtext.Row((mdtext.escape(t), ""), (1, 1)) for t in texts]
    cells = _cell_blocks(mdtext.grid_table(rows, [6, 3]))[::2]
    for text, blocks, paragraph in zip(texts, cells, alone, strict=True):
        assert _para(blocks) == [paragraph], text


@pytest.mark.render
def test_injected_documents_convert_and_keep_the_text(injected: Path) -> None:
    """Through the real converter too: both formats build, and the text is in them."""
    repo, _ = check(injected)
    documents = meeting_documents(repo, repo.meetings[0], Renderer(repo))
    with Converter(builtin_templates(), 0) as converter:
        for doc in documents:
            job = Job(markdown=doc.markdown, title=doc.title, header=doc.header,
                      resource_root=doc.resource_root, draft=doc.draft)
            pdf = PdfReader(io.BytesIO(converter.pdf(job)))
            text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
            assert INJECT in text.replace("\u00ad", "-"), doc.title
            body = docx.Document(io.BytesIO(converter.docx(job)))
            cells = [c.text for t in body.tables for r in t.rows for c in r.cells]
            paragraphs = [p.text for p in body.paragraphs]  # a saksutskrift has no table
            assert any(INJECT in " ".join(c.split()) for c in cells + paragraphs), doc.title
