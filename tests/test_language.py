"""The language catalogue: every printed word comes from templates/lang/<språk>.yaml.

`språk: nn` turns every label, weekday and month of every output into nynorsk (checked on
the extracted text of the built PDF and DOCX files and the site's pages), `tekster:`
overrides single texts, a committee's maler/lang/<språk>.yaml overrides the file; unknown
languages and keys are located diagnostics with a hint; no Norwegian word that reaches a
document is written in nufa_cli's Python.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest
import yaml
from helpers import PROJECT, REFERAT1, TOPPNOTAT, copy_sample, line_of, replace_once, stem, valid_repo
from pypdf import PdfReader
from textof import docx_lang, outputs, pdf_lang

from nufa_cli.build import targets
from nufa_cli.build.orchestrator import build
from nufa_cli.check.validate import check
from nufa_cli.core import lang
from nufa_cli.core.errors import Severity
from nufa_cli.render.documents import meeting_documents
from nufa_cli.render.renderer import Renderer
from nufa_cli.sources.jsonschema import json_schemas

LANG = PROJECT / "templates" / "lang"
FIELD = re.compile(r"\{[^{}]*\}")


def catalogue(name: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in yaml.safe_load((LANG / f"{name}.yaml").read_text()).items()}


def contains(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def bokmål_only() -> dict[str, str]:
    """The fixed words of every bokmål text that nynorsk writes differently, by key; but
    those the sample's own sources hold (their authors wrote bokmål: "Beskrivelse av ...",
    the headings "## Hensikt med saken"), which the documents print as written."""
    nb, nn = catalogue("nb"), catalogue("nn")
    sources = " ".join(" ".join(p.read_text(encoding="utf-8").split())
                       for p in [*PROJECT.joinpath("meetings").rglob("*.*"),
                                 PROJECT / "medlemmer.yaml", PROJECT / "nufa.yaml"])
    nynorsk = " | ".join(FIELD.sub(" | ", text) for text in nn.values())
    found = {}
    for key, text in nb.items():
        if key == lang.TAG_KEY or text == nn[key]:
            continue
        for part in FIELD.split(text):
            part = part.strip(" .,:;()–-")
            if len(re.sub(r"\W", "", part)) >= 3 and not contains(sources, part) \
                    and not contains(nynorsk, part):
                found[part] = key
    assert len(found) >= 30, sorted(found)  # the check below looks for many labels
    return found


# -- the catalogues themselves ----------------------------------------------------------------


def test_nynorsk_has_every_text_of_bokmål_and_the_same_fields() -> None:
    nb, nn = catalogue("nb"), catalogue("nn")
    assert list(nb) == list(nn)
    for key, text in nb.items():
        assert FIELD.findall(text) == FIELD.findall(nn[key]), key
    assert nb[lang.TAG_KEY] == "nb-NO" and nn[lang.TAG_KEY] == "nn-NO"


def test_every_text_named_in_the_code_and_templates_exists_and_every_text_is_used() -> None:
    """t("key") in the templates, texts("key") and friends in Python: each key is in the
    catalogue, and each catalogue key is printed somewhere (no dead texts)."""
    used: set[str] = set()
    call = re.compile(r"""\b(?:t|texts|lang|meeting\.lang|repo\.committee\.lang)\(\s*["']([^"']+)["']""")
    sources = [*PROJECT.joinpath("templates").rglob("*.j2"), *PROJECT.joinpath("nufa_cli").rglob("*.py")]
    for path in sources:
        used |= set(call.findall(path.read_text(encoding="utf-8")))
    used -= {"key", "status_"}  # the docstrings' example; the prefix of the two below
    used |= {"status_utkast", "status_endelig"}  # the site prints t("status_" ~ status)
    used |= {"hensikt_med_saken", "bakgrunn", "videre_saksprosess"}  # scaffold.NOTE_SECTIONS
    used |= set(lang.WEEKDAYS) | set(lang.MONTHS) | {"kl", "og", "dager_merknad",
                                                        "unntatt_offentlighet"}  # Catalogue's methods
    used |= {"innkalling", "saksliste", "referat", "sakspapirer"}  # documents' titles by kind
    used |= {t.label for t in targets.TARGETS if t.label}  # the site's names of the documents
    known = set(lang.names())
    assert used - known == set()
    referenced = {name for text in catalogue("nb").values() for name in FIELD.findall(text)}
    assert known - used - {r[1:-1] for r in referenced} == set()


def test_readme_lists_every_text_with_its_default() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    nb = catalogue("nb")
    for key in lang.names():
        assert f"| `{key}` | {nb[key]} |" in readme.replace("\\|", "|"), key


def test_json_schema_of_nufa_yaml_knows_every_text() -> None:
    import json

    schema = json.loads(json_schemas()["nufa.schema.json"])
    tekster = schema["properties"]["tekster"]["properties"]
    assert set(tekster) == set(lang.names())
    assert schema["properties"]["språk"]["default"] == "nb"


# -- nynorsk all through -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nynorsk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with språk: nn, built in both formats (and the public set)."""
    root = copy_sample(tmp_path_factory.mktemp("nn") / "repo")
    config = root / "nufa.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "språk: nn\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1714000000")
        build(root, offentlig=True)
    return root


@pytest.mark.render
def test_nynorsk_outputs_have_no_bokmål_label(nynorsk: Path) -> None:
    phrases = bokmål_only()
    texts = {}
    for folder in ("2024-01-24", "2024-04-24", "2024-04-24/offentlig"):
        texts |= {f"{folder}/{name}": text for name, text in outputs(nynorsk / "build" / folder).items()}
    assert {"2024-01-24/referat.pdf", "2024-01-24/referat.docx", "2024-04-24/sakspapirer.pdf",
            "2024-04-24/toppnotat-12-24.docx", "2024-04-24/offentlig/innkalling.pdf"} <= set(texts)
    found = [(name, phrase, phrases[phrase]) for name, text in texts.items()
             for phrase in phrases if contains(text, phrase)]
    assert found == []
    everything = " ".join(texts.values())
    for nynorsk_label in ("Referat frå møte i NUFA", "Ikkje til stades", "Stadfortredar",
                          "møter for", "Sakseigar", "Saksbehandlar", "Stad",
                          "Vedtak frå tidlegare handsamingar i rådsmodellen"):
        assert nynorsk_label in everything, nynorsk_label


@pytest.mark.render
def test_nynorsk_documents_are_tagged_nn_NO(nynorsk: Path) -> None:
    folder = nynorsk / "build" / "2024-04-24"
    assert pdf_lang(folder / "innkalling.pdf") == "nn-NO"
    assert pdf_lang(folder / "sakspapirer.pdf") == "nn-NO"
    assert PdfReader(str(folder / "sakspapirer.pdf")).metadata.title.startswith("Sakspapir NUFA 24.")
    assert docx_lang(folder / "innkalling.docx") == "nn-NO"
    assert docx_lang(folder / "toppnotat-12-24.docx") == "nn-NO"


@pytest.mark.render
def test_nynorsk_site_and_calendar(nynorsk: Path) -> None:
    from nufa_cli.publish.site import generate

    repo, _ = check(nynorsk)
    site = nynorsk / "build" / "site"
    generate(repo, nynorsk / "build", site)
    phrases = bokmål_only()
    for page in sorted(site.rglob("*.html")):
        source = page.read_text(encoding="utf-8")
        assert '<html lang="nn">' in source
        text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", source,
                                                             flags=re.DOTALL)))
        text = " ".join(text.split())
        found = [p for p in phrases if contains(text, p)]
        assert found == [], page
    assert "Gå til hovudinnhaldet" in (site / "index.html").read_text(encoding="utf-8")
    script = (site / "saker.html").read_text(encoding="utf-8")
    assert '"{viste} av {alle} saker blir viste."' in script
    ics = (nynorsk / "build" / "2024-04-24" / "2024-04-24.ics").read_text(encoding="utf-8")
    assert "SUMMARY:Møte 2/24 i NUFA – dag 1" in ics


# -- tekster and a committee's own catalogue -------------------------------------------------------


def documents(root: Path) -> dict[str, object]:
    repo, diagnostics = check(root)
    assert [d for d in diagnostics if d.severity is Severity.ERROR] == []
    renderer = Renderer(repo)
    return {f"{m.folder}/{stem(m, d)}": d for m in repo.meetings
            for d in meeting_documents(repo, m, renderer)}


def test_tekster_overrides_a_label_everywhere_it_is_printed(make_repo) -> None:
    files = valid_repo()
    files["nufa.yaml"] += "tekster:\n  referat: Protokoll\n  forslag_til_vedtak: Innstilling\n"
    docs = documents(make_repo(files))
    referat = docs["2024-01-24/referat"]  # the file name stays
    assert referat.title == "Protokoll NUFA 24. – 25. januar 2024"
    assert "Protokoll fra møte i NUFA" in referat.markdown
    saksliste = docs["2024-04-24/saksliste"]
    assert "**Innstilling:**" in saksliste.markdown and "Forslag til vedtak" not in saksliste.markdown
    # the vedlegg named by the referat it attaches follows too
    assert "Vedlegg 1: Protokoll NUFA 24." in saksliste.markdown
    repo, _ = check(make_repo(files))
    assert repo.meetings[1].saker[0].attachments[0].tittel == "Protokoll NUFA 24. – 25. januar 2024"


def test_own_catalogue_file_overrides_the_builtin_one(make_repo) -> None:
    files = valid_repo()
    files["nufa.yaml"] += "maler: maler\n"
    files["maler/lang/nb.yaml"] = "sted: Møtested\ntoppnotat: Saksframlegg\n"
    docs = documents(make_repo(files))
    assert "Møtested" in docs["2024-04-24/innkalling"].markdown
    assert docs["2024-04-24/toppnotat-5-24"].title.startswith("Saksframlegg 5/24 ")


def test_unknown_language_is_located_with_a_hint(make_repo) -> None:
    files = valid_repo()
    files["nufa.yaml"] += "språk: nnn\n"
    _, diagnostics = check(make_repo(files))
    [d] = [d for d in diagnostics if d.code == "unknown-language"]
    assert (d.path, d.line, d.col) == ("nufa.yaml", line_of(files["nufa.yaml"], "språk"), 8)
    assert d.message == "no texts for the language 'nnn'"
    assert d.hint == "did you mean 'nn'?"


def test_malformed_language_is_located_with_a_hint(make_repo) -> None:
    files = valid_repo()
    files["nufa.yaml"] += "språk: Nynorsk\n"
    _, diagnostics = check(make_repo(files))
    [d] = [d for d in diagnostics if d.path == "nufa.yaml"]
    assert d.code == "invalid-value" and d.line == line_of(files["nufa.yaml"], "språk")
    assert d.hint == "write 'språk: nb' (bokmål) or 'språk: nn' (nynorsk)"


def test_unknown_text_key_suggests_the_close_one(make_repo) -> None:
    files = valid_repo()
    files["nufa.yaml"] += "tekster:\n  refferat: Protokoll\n"
    _, diagnostics = check(make_repo(files))
    [d] = [d for d in diagnostics if d.path == "nufa.yaml"]
    assert (d.code, d.line, d.col) == ("unknown-key", line_of(files["nufa.yaml"], "refferat"), 3)
    assert d.message == "unknown key 'refferat'" and d.hint == "did you mean 'referat'?"


def test_a_wrong_text_is_reported_beside_the_other_errors_of_nufa_yaml(make_repo) -> None:
    # tekster is validated apart from the rest of nufa.yaml (model/committee.py), yet its
    # problems are found when another key is wrong too, as any key's are
    files = valid_repo()
    files["nufa.yaml"] += "tekster:\n  refferat: Protokoll\nsekretariatt: Direktoratet\n"
    _, diagnostics = check(make_repo(files))
    found = {(d.code, d.line, d.message) for d in diagnostics if d.path == "nufa.yaml"}
    assert found == {
        ("unknown-key", line_of(files["nufa.yaml"], "refferat"), "unknown key 'refferat'"),
        ("unknown-key", line_of(files["nufa.yaml"], "sekretariatt"),
         "unknown key 'sekretariatt'")}


@pytest.mark.parametrize("key", ["nummerering:\n  format: '{n}-{yyyy}'\n", "språk: nn\n",
                                 "maler: finnes-ikke/\n"])
def test_a_wrong_text_leaves_nufa_yaml_unused_as_any_wrong_key_does(make_repo, key) -> None:
    # nufa.yaml with a problem is not used (its defaults are): one in tekster as one elsewhere
    wrong_text, wrong_key = valid_repo(), valid_repo()
    wrong_text["nufa.yaml"] += key + "tekster:\n  refferat: Protokoll\n"
    wrong_key["nufa.yaml"] += key + "sekretariatt: Direktoratet\n"
    elsewhere = []
    for files in (wrong_text, wrong_key):
        _, diagnostics = check(make_repo(files))
        assert [d.code for d in diagnostics if d.path == "nufa.yaml"] == ["unknown-key"]
        elsewhere.append([d for d in diagnostics if d.path != "nufa.yaml"])
    assert elsewhere[0] == elsewhere[1]


def test_unknown_field_in_a_text_is_a_warning(make_repo) -> None:
    files = valid_repo()
    files["nufa.yaml"] += "tekster:\n  møte_i: \"Møte i {utvalget}\"\n"
    _, diagnostics = check(make_repo(files))
    [d] = [d for d in diagnostics if d.path == "nufa.yaml"]
    assert (d.code, d.severity) == ("text-field", Severity.WARNING)
    assert d.hint == "its fields: {kortnavn}"


def test_own_language_needs_every_text(make_repo) -> None:
    files = valid_repo()
    files["nufa.yaml"] += "maler: maler\nspråk: se\n"
    files["maler/lang/se.yaml"] = "språkkode: se-NO\nsted: Báiki\n"
    repo, diagnostics = check(make_repo(files))
    [d] = [d for d in diagnostics if d.code == "catalogue-incomplete"]
    assert d.path == "maler/lang/se.yaml" and d.severity is Severity.ERROR
    assert repo.committee.lang.tag == "se-NO" and repo.committee.lang("sted") == "Báiki"


def test_unknown_key_in_own_catalogue_is_located(make_repo) -> None:
    files = valid_repo()
    files["nufa.yaml"] += "maler: maler\n"
    files["maler/lang/nb.yaml"] = "sted: Møtested\nstedd: x\n"
    _, diagnostics = check(make_repo(files))
    [d] = [d for d in diagnostics if d.path == "maler/lang/nb.yaml"]
    assert (d.code, d.line, d.hint) == ("unknown-key", 2, "did you mean 'sted'?")


# -- HTML comments -------------------------------------------------------------------------------


def test_html_comments_are_left_out_of_every_output(make_repo) -> None:
    files = valid_repo()
    files[TOPPNOTAT] = replace_once(files[TOPPNOTAT], "Saken gir en orientering om prosessen.",
                                    "Saken gir <!-- husk tallene --> en orientering om prosessen.\n\n"
                                    "<!--\nIntern merknad: sjekk med Bjørnar.\n-->")
    files[REFERAT1] = replace_once(files[REFERAT1], "---\n\n## 1/24",
                                   "---\n\n<!-- utkast sendt 1. februar -->\n\n## 1/24")
    root = make_repo(files)
    _, diagnostics = check(root)
    assert [d for d in diagnostics if d.code == "referat-text-outside"] == []
    docs = documents(root)
    note = docs["2024-04-24/toppnotat-5-24"].markdown
    assert "Saken gir en orientering om prosessen." in " ".join(note.split())
    assert "husk" not in note and "Intern merknad" not in note and "<!--" not in note
    assert "utkast sendt" not in docs["2024-01-24/referat"].markdown


def test_html_comment_inside_code_is_kept() -> None:
    from nufa_cli.sources.markdown import without_comments

    assert without_comments("`<!-- x -->` og <!-- y -->.") == "`<!-- x -->` og ."
    assert without_comments("```\n<!-- x -->\n```") == "```\n<!-- x -->\n```"
    assert without_comments("a\n\n<!--\nb\n-->\nc").split("\n") == ["a", "", "", "", "", "c"]


# -- no Norwegian in Python ---------------------------------------------------------------------

# Domain terms: YAML keys and document kinds the English CLI messages name as they are
# ("sak 12/24 has no vedtak"), lowercase. Capitalised, or beside other Norwegian words, a
# catalogue word is a printed label and belongs in the catalogue.
TERMS = {"sak", "saker", "referat", "toppnotat", "toppnotater", "vedlegg", "vedtak", "status",
         "agenda", "dag", "dager", "tittel", "møte", "medlemmer", "stedfortreder",
         "stedfortredere", "start", "slutt", "skjermet", "innkalling", "saksliste", "sakstype",
         "sakstyper", "utkast", "endelig", "forslag", "tidligere", "behandlinger", "sted", "tid",
         "dato", "navn", "fil", "sakseier", "saksbehandler", "beskrivelse", "eventuelt", "utvalg",
         "nb", "nn", "no", "for", "til", "fra", "ics",
         # the referat's keys (FORMAT.md part 2), named in English messages
         "inhabil", "enstemmig", "mot", "avholdende", "forfall", "møteleder", "voteringer",
         "godkjenning", "underskrivere", "deltakere", "saksutskrift", "saksutskrifter",
         "innstilling", "alternativer"}
ENGLISH = {"No", "Start", "Status", "Side"}  # capitalised English words the catalogue also has
# Lowercase words both languages spell alike that the code uses in English ("last-build.json";
# the catalogue's "Last ned" is still caught by "ned").
SHARED = {"last", "under"}  # "under" also in the key under_sak
# Literals that are not printed labels, each with its reason.
ALLOWED = {
    ("cli.py", "Det som skjer på GitHub"): "the README section the init command points to",
    ("cli.py", "default: the day of Eventuelt"): "--dag's help names the standing sak",
    ("cli.py", "the toppnotat's Sakseier"): "--sakseier's help names the label it fills",
    ("cli.py", "its Saksbehandler"): "--saksbehandler's help names the label it fills",
    ("edit/scaffold.py", "Godkjenning"): "NUFA's sakstype name, used if the committee has it",
    ("edit/scaffold.py", "its Godkjenning sak"): "an English note naming the standing sak",
    ("edit/scaffold.py", "before Eventuelt"): "an English note naming the standing sak",
    ("edit/scaffold.py", "### Vedtak"): "the referat's source format: its decision heading",
    ("check/validate.py", "### Vedtak"): "the referat's source format: its decision heading",
    ("check/protokoll.py", "### Vedtak"): "the referat's source format: its decision heading",
    ("model/load.py", "### Vedtak"): "the referat's source format: its decision heading",
    ("sources/reader.py", "Sak: noe"): "an example of YAML quoting in a hint",
    ("sources/schema.py", "Godkjenning"): "NUFA's default sakstyper (FORMAT.md), data",
    ("check/offentlighet.py", "offentleglova"): "a pattern reading the legal basis users write",
    ("publish/arkiv.py", "Dokument hvor deler av innholdet er skjermet"): "a Noark 5 code value",
    ("publish/arkiv.py", "Skjerming av hele dokumentet"): "a Noark 5 code value (M503)",
    ("publish/arkiv.py", "Skjerming av deler av dokumentet"): "a Noark 5 code value (M503)",
    ("publish/arkiv.py", "Saksliste"): "a Noark 5 registreringstype: fixed by the standard",
    ("publish/arkiv.py", "Saksutskrift"): "a Noark 5 registreringstype: fixed by the standard",
}
EXEMPT_FOLDERS = {"diff"}  # nufa diff reports in the secretariat's bokmål: a review comment
# The registry of diagnostic codes: its examples are source text, its explanations quote
# labels; nufa explain prints them, no document does.
EXEMPT_FILES = {"core/codes.py"}


def _vocabulary() -> set[str]:
    words: set[str] = set()
    for name in ("nb", "nn"):
        for key, text in catalogue(name).items():
            if key != lang.TAG_KEY:
                words |= {w.lower() for w in re.findall(r"[^\W\d_]{2,}", FIELD.sub(" ", text))}
    return words


def _literals(tree: ast.AST) -> list[ast.Constant]:
    """String constants but docstrings and JSON Schema descriptions (for editors, English)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        if isinstance(node, ast.keyword) and node.arg == "description":
            skipped |= {id(n) for n in ast.walk(node.value)}
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in skipped]


def test_no_norwegian_word_that_reaches_a_document_is_in_python() -> None:
    vocabulary = _vocabulary()
    package = PROJECT / "nufa_cli"
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel.split("/")[0] in EXEMPT_FOLDERS or rel in EXEMPT_FILES:
            continue
        for node in _literals(ast.parse(path.read_text(encoding="utf-8"))):
            text = FIELD.sub(" ", node.value)
            if re.fullmatch(r"[a-zæøå_]+", text):  # a key: a catalogue text's name, a YAML key
                continue
            if any(r == rel and snippet in node.value for r, snippet in ALLOWED):
                continue
            words = re.findall(r"[^\W\d_]+", text)
            norwegian = [w for w in words if w.lower() in vocabulary - SHARED and (
                w.lower() not in TERMS or (w[0].isupper() and w not in ENGLISH))]
            if norwegian:
                found.append(f"{rel}:{node.lineno}: {node.value!r} ({', '.join(norwegian)})")
    assert found == []


def test_the_scan_finds_a_label_written_in_python() -> None:
    """The rule above would catch the labels this work moved to the catalogue."""
    vocabulary = _vocabulary()
    for literal in ("Ikke til stede", "Unntatt offentlighet, ", "Møte i ", "Toppnotat ",
                    "Vedlegget ligger på nettet: ", " kl. "):
        words = re.findall(r"[^\W\d_]+", literal)
        assert [w for w in words if w.lower() in vocabulary and (
            w.lower() not in TERMS or (w[0].isupper() and w not in ENGLISH))], literal
