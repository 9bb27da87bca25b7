"""Whatever a source file holds, `check` reports it and never raises.

Every diagnostic must point at a real file of the tree and a line that exists in it
(0 meaning the whole file).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import (
    AGENDA1,
    AGENDA2,
    FIXTURES,
    REFERAT1,
    TOPPNOTAT,
    FileContent,
    valid_repo,
    write_repo,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nufa_cli.check.validate import check
from nufa_cli.core.errors import Severity, format_diagnostics

# check asks typst about characters the fonts lack (check/glyphs.py), and arbitrary text has
# them: the tests below that generate any text are render tests.
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FILES = ["nufa.yaml", "medlemmer.yaml", AGENDA1, AGENDA2, TOPPNOTAT, REFERAT1]
# the words the format uses, so generated mappings hit the schema, not only unknown-key
KEYS = ["sted", "status", "dager", "dato", "start", "slutt", "program", "sak", "tid", "varighet",
        "tittel", "type", "beskrivelse", "forslag_til_vedtak", "vedlegg", "referat", "fil", "url",
        "toppnotat", "innslag", "skjermet", "møte", "medlemmer", "navn", "virksomhet", "id",
        "fra", "til", "fravær", "medlem", "stedfortredere", "for", "sekretariat", "utvalg",
        "kortnavn", "sakstyper", "maler", "tidligere_behandlinger", "vedtak",
        # part 2: language, texts, numbering, agenda and members
        "språk", "tekster", "toppnotat", "seksjoner", "møte_i", "referat_fra_møte_i", "sted",
        "dag", "side_av", "språkkode", "nummerering", "format", "per", "serie", "første_sak",
        "navn", "rolle", "parti"]


def assert_reported(files: dict[str, FileContent]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_repo(Path(tmp) / "repo", files)
        _, diagnostics = check(root)
        for d in diagnostics:
            path = root / d.path
            assert path.is_file(), d
            text = path.read_bytes().decode("utf-8", "replace")
            lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
            assert 0 <= d.line <= lines, d
            assert d.col >= 0, d
            assert d.code and d.message, d
            assert isinstance(d.severity, Severity), d
        for fmt in ("text", "json", "github"):
            format_diagnostics(diagnostics, fmt).encode("utf-8")
        json.loads(format_diagnostics(diagnostics, "json"))


def replaced(path: str, content: FileContent) -> dict[str, FileContent]:
    files = valid_repo()
    files[path] = content
    return files


# -- arbitrary text and bytes ------------------------------------------------------------

@pytest.mark.render
@SETTINGS
@given(path=st.sampled_from(FILES), text=st.text(max_size=400))
def test_any_text(path: str, text: str) -> None:
    assert_reported(replaced(path, text))


@pytest.mark.render
@SETTINGS
@given(path=st.sampled_from(FILES), raw=st.binary(max_size=400))
def test_any_bytes(path: str, raw: bytes) -> None:
    assert_reported(replaced(path, raw))


@pytest.mark.render
@SETTINGS
@given(path=st.sampled_from([TOPPNOTAT, REFERAT1]), body=st.text(max_size=400))
def test_any_markdown_body(path: str, body: str) -> None:
    """Valid front matter, arbitrary Markdown after it."""
    text = valid_repo()[path]
    assert isinstance(text, str)
    front, _ = text.split("\n---\n", 1)
    assert_reported(replaced(path, f"{front}\n---\n{body}"))


MARKDOWNISH = st.lists(st.sampled_from([
    "## Hensikt med saken", "## Bakgrunn", "## 1/24", "## 2/24", "## 3/24", "### Vedtak", "## x",
    "Tekst[^1].", "[^1]: Fotnote.", "[^2]:", "[^", "- punkt", "  innrykk", "```", "    kode",
    "| a | b |", "|---|---|", "Setext", "===", "---", "", "<div>", "> sitat[^1]", "\t", "\\[^3]",
]), max_size=30).map("\n".join)


@SETTINGS
@given(path=st.sampled_from([TOPPNOTAT, REFERAT1]), body=MARKDOWNISH)
def test_markdownish_body(path: str, body: str) -> None:
    text = valid_repo()[path]
    assert isinstance(text, str)
    front, _ = text.split("\n---\n", 1)
    assert_reported(replaced(path, f"{front}\n---\n{body}\n"))


# -- YAML-ish structures -----------------------------------------------------------------

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 3000), st.floats(allow_nan=False),
    st.text(max_size=20), st.sampled_from(["12/24", "1/24", "9:00", "11:00", "25:00",
                                           "2024-02-30", "2024-04-24", "utkast", "endelig",
                                           "Orientering", "jon-gupta", "https://x.no",
                                           "http://x.no", "../x", "/etc/passwd", "vedlegg",
                                           "nb", "nn", "se", "{kortnavn}", "{referat}", "{",
                                           "Møte {nr} i {x}", "{serie}-sak {n}", "{n}/{yyyy}",
                                           "{n:03}/{yy}", "{n", "V-sak 1", "PS 4/24", "år",
                                           "møte", "ukjent", "1/2024", "valgfritt"]),
    st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31)),
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)),
                                            inner, max_size=5)),
    max_leaves=25,
)


def mutate(text: str, data: st.DataObject) -> str:
    """One small edit a person might make by mistake."""
    lines = text.split("\n")
    i = data.draw(st.integers(0, max(len(lines) - 1, 0)))
    kind = data.draw(st.sampled_from(["none", "insert", "delete", "duplicate", "swap", "indent"]))
    if kind == "insert":
        j = data.draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:j] + data.draw(st.sampled_from([":", "- ", "\t", "&a ", "*a", "'", '"',
                                                             "{", "[", "#", "? ", "|", ">"])) \
            + lines[i][j:]
    elif kind == "delete" and lines[i]:
        j = data.draw(st.integers(0, len(lines[i]) - 1))
        lines[i] = lines[i][:j] + lines[i][j + 1:]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap" and i + 1 < len(lines):
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    elif kind == "indent":
        lines[i] = "  " + lines[i]
    return "\n".join(lines)


@pytest.mark.render
@SETTINGS
@given(path=st.sampled_from(["nufa.yaml", "medlemmer.yaml", AGENDA1, AGENDA2]),
       value=STRUCTURES, data=st.data())
def test_generated_yaml(path: str, value: Any, data: st.DataObject) -> None:
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
    assert_reported(replaced(path, mutate(text, data)))


@pytest.mark.render  # its texts are printed: an unusual character is asked of typst
@SETTINGS
@given(value=STRUCTURES, data=st.data(), language=st.sampled_from(["nb", "nn", "se"]))
def test_generated_own_catalogue(value: Any, data: st.DataObject, language: str) -> None:
    """A committee's own catalogue file (maler/lang/<språk>.yaml) holding anything."""
    files = valid_repo()
    files["nufa.yaml"] = f"{files['nufa.yaml']}maler: maler\nspråk: {language}\n"
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
    files[f"maler/lang/{language}.yaml"] = mutate(text, data)
    assert_reported(files)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _set(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    value[path[0]] = _set(value[path[0]], path[1:], new)
    return value


@pytest.mark.render
@SETTINGS
@given(path=st.sampled_from(["medlemmer.yaml", AGENDA1, AGENDA2, TOPPNOTAT, REFERAT1]),
       data=st.data())
def test_valid_sources_with_one_value_replaced(path: str, data: st.DataObject) -> None:
    """Deep in a valid tree, so the cross-file rules run on odd values too."""
    text = valid_repo()[path]
    assert isinstance(text, str)
    markdown = path.endswith(".md")
    front, body = text[4:].split("\n---\n", 1) if markdown else (text, "")
    value = yaml.safe_load(front)
    where = data.draw(st.sampled_from(_paths(value)[1:]))
    dumped = yaml.safe_dump(_set(value, where, data.draw(STRUCTURES)), allow_unicode=True,
                            sort_keys=False)
    dumped = mutate(dumped, data) if data.draw(st.booleans()) else dumped
    assert_reported(replaced(path, f"---\n{dumped}---\n{body}" if markdown else dumped))


# -- other committees' repositories (tests/fixtures/): numbering, tema, lukket, nynorsk ---------



def _fixture(body: str) -> dict[str, FileContent]:
    root = FIXTURES / body
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


FIXTURE_FILES = [(body, rel) for body in ("universitetsstyret", "formannskapet", "helse-forde",
                                          "helseomsorg21", "skate", "verdal")
                 for rel in _fixture(body) if rel.endswith((".yaml", ".md"))]


@pytest.mark.render  # any text, nufa.yaml's too, may hold a character typst is asked about
@SETTINGS
@given(where=st.sampled_from(FIXTURE_FILES), data=st.data())
def test_fixture_sources_with_one_value_replaced(where: tuple[str, str], data: st.DataObject) -> None:
    """The part-2 keys deep in real repositories: any value replaced, or the file mutated."""
    body, rel = where
    files = _fixture(body)
    text = files[rel]
    assert isinstance(text, str)
    markdown = rel.endswith(".md")
    front, rest = text[4:].split("\n---\n", 1) if markdown else (text, "")
    value = yaml.safe_load(front)
    paths = _paths(value)[1:]
    if paths and data.draw(st.booleans()):
        value = _set(value, data.draw(st.sampled_from(paths)), data.draw(STRUCTURES))
        front = yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
    front = mutate(front, data) if data.draw(st.booleans()) else front
    files[rel] = f"---\n{front}---\n{rest}" if markdown else front
    assert_reported(files)
