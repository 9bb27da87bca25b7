"""sources.py and markdown.py: reading text, YAML with positions, front matter, footnotes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nufa_cli.core.errors import Diagnostic
from nufa_cli.sources import markdown, reader
from nufa_cli.sources.reader import (
    MAX_SOURCE_BYTES,
    Pos,
    Unplaced,
    load_yaml,
    read_text,
    split_front_matter,
)

# -- read_text ----------------------------------------------------------------------------


def test_read_text_strips_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"\xef\xbb\xbfsted: Troms\xc3\xb8\r\nstatus: utkast\r\n")
    assert read_text(path, "a.yaml") == ("sted: Tromsø\nstatus: utkast\n", [])


@pytest.mark.parametrize(
    ("raw", "line", "col"),
    [
        (b"\xe6", 1, 1),
        (b"sted: Troms\xf8\n", 1, 12),
        (b"a: 1\nb: 2\n  c: \xc3\xa6 \xff\n", 3, 8),  # columns count characters, not bytes
        (b"a: 1\r\nb: \x80\r\n", 2, 4),
    ],
)
def test_read_text_encoding_position(tmp_path: Path, raw: bytes, line: int, col: int) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(raw)
    text, diagnostics = read_text(path, "a.yaml")
    assert text is None
    assert [(d.code, d.line, d.col) for d in diagnostics] == [("encoding", line, col)]


def test_read_text_binary(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"sted: x\n\x00\x01\x02")
    _, diagnostics = read_text(path, "a.yaml")
    assert [(d.code, d.line) for d in diagnostics] == [("binary-file", 0)]


def test_read_text_too_large_does_not_read_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    with path.open("wb") as f:  # sparse: the size alone must decide
        f.truncate(MAX_SOURCE_BYTES + 1)
    _, diagnostics = read_text(path, "a.yaml")
    assert [(d.code, d.line) for d in diagnostics] == [("file-too-large", 0)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2600), st.sampled_from(" \n\t\u00a0\u2003")),
                max_size=12))
def test_a_long_word_is_never_missed_by_the_prefilter(words: list[tuple[int, str]]) -> None:
    """read_text looks for a word longer than MAX_WORD only where _may_have_long_word says
    there may be one: it must never say no where there is one (words of every length around
    MAX_WORD, every kind of space between them)."""
    text = "".join("ø" * length + space for length, space in words)
    if reader._LONG_WORD.search(text):
        assert reader._may_have_long_word(text)


def test_read_text_unreadable(tmp_path: Path) -> None:
    _, diagnostics = read_text(tmp_path, "folder")
    assert [d.code for d in diagnostics] == ["unreadable"]


def _read_in_time(path: Path) -> tuple[str | None, list[Diagnostic]]:
    import threading

    found: list[tuple[str | None, list[Diagnostic]]] = []
    reading = threading.Thread(target=lambda: found.append(read_text(path, "nufa.yaml")),
                               daemon=True)  # one that hangs does not keep pytest from ending
    reading.start()
    reading.join(timeout=10)
    assert found, f"read_text({path}) did not return"
    return found[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_read_text_of_a_named_pipe_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "nufa.yaml")  # opening one to read waits for a writer, for ever
    text, diagnostics = _read_in_time(tmp_path / "nufa.yaml")
    assert text is None and [(d.code, d.message) for d in diagnostics] == [
        ("unreadable", "cannot read the file: not a regular file (a pipe or a device)")]


@pytest.mark.skipif(not Path("/dev/zero").is_char_device(), reason="no /dev/zero here")
def test_read_text_of_an_endless_device_reads_none_of_it() -> None:
    text, diagnostics = _read_in_time(Path("/dev/zero"))
    assert text is None and [(d.code, d.message) for d in diagnostics] == [
        ("unreadable", "cannot read the file: not a regular file (a pipe or a device)")]


# -- load_yaml ----------------------------------------------------------------------------


def test_positions_of_values_and_keys() -> None:
    doc, diagnostics = load_yaml("sted: Oslo\ndager:\n  - dato: 2024-01-24\n    start: '10:00'\n",
                                 "a.yaml")
    assert diagnostics == []
    assert doc is not None
    assert doc.pos(("sted",)) == Pos(1, 7)
    assert doc.key_pos(("sted",)) == Pos(1, 1)
    assert doc.pos(("dager", 0)) == Pos(3, 5)
    assert doc.pos(("dager", 0, "start")) == Pos(4, 12)
    assert doc.key_pos(("dager", 0, "start")) == Pos(4, 5)
    # an absent value is placed at its nearest present parent
    assert doc.pos(("dager", 0, "slutt")) == Pos(3, 5)


def test_line_offset_for_front_matter() -> None:
    source, diagnostics = split_front_matter("---\nsak: 1/24\ntittel: X\n---\n\n## A\n", "t.md")
    assert diagnostics == []
    assert source.front is not None
    assert source.front.pos(("tittel",)) == Pos(3, 9)
    assert source.body_line == 5
    assert source.body == "\n## A\n"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("v: no", "no"),  # YAML 1.1 would give False
        ("v: on", "on"),
        ("v: 11:00", "11:00"),  # YAML 1.1 would give 660 (sexagesimal)
        ("v: 2024-01-24", "2024-01-24"),  # dates stay text; pydantic parses them
        ("v: '12'", "12"),
        ("v: 12", 12),
        ("v: 1.5", 1.5),
        ("v: true", True),
        ("v: ~", None),
        ("v:", None),
        ("v: 0x10", "0x10"),
        ("v: .inf", ".inf"),
    ],
)
def test_yaml_12_core_scalars(text: str, value: object) -> None:
    doc, _ = load_yaml(text, "a.yaml")
    assert doc is not None
    assert doc.data == {"v": value}


def test_duplicate_key_keeps_the_first() -> None:
    doc, diagnostics = load_yaml("a: 1\nb: 2\na: 3\n", "a.yaml")
    assert doc is not None and doc.data == {"a": 1, "b": 2}
    assert [(d.code, d.line, d.col) for d in diagnostics] == [("duplicate-key", 3, 1)]


@pytest.mark.parametrize("text", [
    "sted: Oslo\ndager:\n  - dato: 2024-01-24\n    program: [{tid: '10:00', tittel: Lunsj}]\n",
    "a: 1\nb: 2\na: 3\n",  # a diagnostic
    "tittel: Lunsj #2\n",  # a warning
    "a: &x [1]\nb: *x\n",  # an alias
    "? [a, b]\n: 1\n",
    "",
])
def test_unplaced_is_the_placed_document_without_its_cost(text: str) -> None:
    """positions=False (what check reads with) gives the same data, warnings and diagnostics,
    and the same positions when they are asked for."""
    placed, found = load_yaml(text, "a.yaml", 1)
    unplaced, found_unplaced = load_yaml(text, "a.yaml", 1, positions=False)
    assert found_unplaced == found
    assert (unplaced is None) == (placed is None)
    if placed is not None and unplaced is not None:
        assert unplaced.data == placed.data and unplaced.warnings == placed.warnings
        assert unplaced.values == placed.values and unplaced.keys == placed.keys
    if text.startswith("sted"):
        assert isinstance(unplaced, Unplaced) and unplaced.pos(("dager", 0, "program")) == Pos(5, 14)


def test_non_scalar_key() -> None:
    _, diagnostics = load_yaml("? [a, b]\n: 1\n", "a.yaml")
    assert [(d.code, d.line) for d in diagnostics] == [("yaml-key", 1)]


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    started = time.perf_counter()
    _, diagnostics = load_yaml("\n".join(lines) + "\n", "a.yaml")
    assert time.perf_counter() - started < 1
    assert diagnostics and {d.code for d in diagnostics} == {"yaml-alias"}


def test_deep_nesting_is_a_diagnostic() -> None:
    _, diagnostics = load_yaml("a: " + "[" * 5000 + "]" * 5000 + "\n", "a.yaml")
    assert [d.code for d in diagnostics] == ["yaml-syntax"]


def test_syntax_error_in_front_matter_counts_the_fence() -> None:
    _, diagnostics = split_front_matter("---\nsak: 1/24\ntittel: a: b\n---\n", "t.md")
    assert [(d.code, d.line, d.col) for d in diagnostics] == [("yaml-syntax", 3, 10)]


def test_tab_indentation_hint() -> None:
    _, diagnostics = load_yaml("a:\n\tb: 1\n", "a.yaml")
    assert [(d.code, d.line) for d in diagnostics] == [("yaml-syntax", 2)]
    assert "tabs" in diagnostics[0].hint


def test_empty_document() -> None:
    doc, diagnostics = load_yaml("# only a comment\n", "a.yaml")
    assert diagnostics == [] and doc is not None and doc.data is None


# -- split_front_matter -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "# Title\n", "--- not a fence\n", "----\n"])
def test_no_front_matter(text: str) -> None:
    source, diagnostics = split_front_matter(text, "t.md")
    assert (source.front, source.body, source.body_line, diagnostics) == (None, text, 1, [])


def test_unclosed_front_matter() -> None:
    _, diagnostics = split_front_matter("---\nsak: 1/24\n", "t.md")
    assert [(d.code, d.line) for d in diagnostics] == [("front-matter", 1)]


def test_empty_front_matter() -> None:
    source, diagnostics = split_front_matter("---\n---\nBody\n", "t.md")
    assert diagnostics == []
    assert source.front is not None and source.front.data is None
    assert (source.body, source.body_line) == ("Body\n", 3)


# -- markdown -----------------------------------------------------------------------------

BODY = """\
Intro.

First line
second line[^a] and [^b].

- item
  more[^c]

| a | b |
|---|---|
| x | y[^d] |

Used[^ok].

[^ok]: Defined and used.
[^spare]: Defined, never used.
"""


def test_footnote_lines() -> None:
    found = [(p.code, p.label, p.line) for p in markdown.footnote_problems(BODY)]
    assert found == [
        ("footnote-undefined", "a", 3),
        ("footnote-undefined", "b", 3),
        ("footnote-undefined", "c", 6),
        ("footnote-undefined", "d", 10),
        ("footnote-unused", "spare", 15),
    ]


def test_footnote_in_code_is_not_a_reference() -> None:
    assert markdown.footnote_problems("Write `[^x]` for a footnote.\n\n    [^y]\n") == []


def test_sections() -> None:
    text = "Pre\n\n## 1/24\n\nText\n\n### Vedtak\n\nOK\n\n## 2/24\n"
    preamble, found = markdown.sections(text, 2)
    assert preamble == "Pre\n"
    assert [(s.heading, s.line, s.text) for s in found] == [
        ("1/24", 2, "Text\n\n### Vedtak\n\nOK"), ("2/24", 10, "")]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_positions_count_only_newlines(separator: str) -> None:
    """libyaml breaks lines at NEL, LS and PS too; editors do not, and neither may nufa."""
    doc, diagnostics = load_yaml(f'a: "x{separator}y"\nb: 1\nc: [1, 2]\n', "a.yaml")
    assert diagnostics == [] and doc is not None
    assert (doc.pos(("b",)), doc.pos(("c", 1))) == (Pos(2, 4), Pos(3, 8))
    _, diagnostics = load_yaml(f'a: "x{separator}y"\nb: 1\nc: d: e\n', "a.yaml")
    assert [(d.line, d.col) for d in diagnostics] == [(3, 5)]


def test_lone_carriage_returns_end_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"a: 1\rb: 2\r")
    assert read_text(path, "a.yaml") == ("a: 1\nb: 2\n", [])


def test_error_at_end_of_text_stays_in_the_text() -> None:
    _, diagnostics = load_yaml("- a: 1\n  b: 2\n&x ", "a.yaml")
    assert [(d.code, d.line) for d in diagnostics] == [("yaml-syntax", 3)]


def test_images_give_the_path_as_written() -> None:
    text = "![A](vedlegg/figur-ø.png)\n\n![B](<vedlegg/my pic.png>)\n"
    assert markdown.images(text) == [("vedlegg/figur-ø.png", 0), ("vedlegg/my pic.png", 2)]


def test_section_text_line_skips_blank_lines() -> None:
    text = "## 1/24\n\n\nText\n## 2/24\nMore\n"
    _, found = markdown.sections(text, 2)
    assert [(s.line, s.text_line, s.text) for s in found] == [(0, 3, "Text"), (4, 5, "More")]
