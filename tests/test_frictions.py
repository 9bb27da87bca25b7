"""Frictions a secretary meets in the first weeks, each with the message that gets them past:
a time without its leading zero, a title cut at '#', a bracket or quote never closed, a final
sak with nothing in it, what nufa diff compared, and one broken meeting blocking the others."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import AGENDA1, AGENDA2, M2, TOPPNOTAT, Nufa, line_of, replace_once, valid_repo

from nufa_cli.check.validate import check
from nufa_cli.core.errors import Severity
from nufa_cli.sources.jsonschema import json_schemas


def problems(root: Path) -> list:
    return check(root)[1]


# -- a time written 9:30 --------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "hint"), [
    ("9:30", 'write the hour with two digits, in quotes: tid: "09:30"'),
    ('"9.30"', 'write the hour with two digits, in quotes: tid: "09:30"'),
    ('"25:99"', 'write the time as "HH:MM" in quotes, from "00:00" to "23:59", e.g. tid: "09:30"'),
])
def test_a_time_without_its_leading_zero_is_refused_with_the_fix(make_repo, written: str,
                                                                  hint: str) -> None:
    files = valid_repo()
    files[AGENDA1] = replace_once(files[AGENDA1], 'tid: "10:15"', f"tid: {written}")
    # (the meeting cannot be read, so a later one citing it gets errors of its own)
    (found,) = [d for d in problems(make_repo(files)) if d.path == AGENDA1]
    assert (found.line, found.code) == (line_of(files[AGENDA1], written), "invalid-value")
    assert found.hint == hint


def test_editors_reject_a_time_that_is_not_hh_mm() -> None:
    schema = json.loads(json_schemas()["agenda.schema.json"])
    patterns = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                if key in ("tid", "start", "slutt"):
                    options = value.get("anyOf", [value])
                    patterns.update(o["pattern"] for o in options if "pattern" in o)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    (pattern,) = patterns
    for good in ("00:00", "09:30", "23:59"):
        assert re.search(pattern, good)
    for bad in ("25:99", "9:30", "24:00", "12:60", "0930"):
        assert not re.search(pattern, bad)


# -- a title cut by a YAML comment ----------------------------------------------------------------


def test_a_hash_glued_to_a_word_after_a_value_warns(make_repo) -> None:
    files = valid_repo()
    files[AGENDA1] = replace_once(files[AGENDA1], "tittel: Lunsj", "tittel: Lunsj #2")
    (found,) = problems(make_repo(files))
    line = line_of(files[AGENDA1], "Lunsj #2")
    assert (found.path, found.line, found.col) == (AGENDA1, line, files[AGENDA1].split("\n")[
        line - 1].index("#2") + 1)
    assert (found.code, found.severity) == ("yaml-comment", Severity.WARNING)
    assert found.message == "'#2' after 'Lunsj' is a YAML comment, so the text is 'Lunsj'"
    assert found.hint == 'quote the text to keep it whole: "Lunsj #2"'


@pytest.mark.parametrize("line", ["tittel: Lunsj   # a comment, as comments are written",
                                  'tittel: "Lunsj #2"', "tittel: Lunsj#2"])
def test_comments_with_a_space_and_quoted_or_glued_hashes_are_fine(make_repo, line: str) -> None:
    files = valid_repo()
    files[AGENDA1] = replace_once(files[AGENDA1], "tittel: Lunsj", line)
    assert problems(make_repo(files)) == []


def test_the_warning_works_in_front_matter_too(make_repo) -> None:
    files = valid_repo()
    files[TOPPNOTAT] = replace_once(files[TOPPNOTAT], "saksbehandler: Bjørnar Hafell",
                                    "saksbehandler: Bjørnar Hafell #sekretariatet")
    (found,) = problems(make_repo(files))
    assert (found.path, found.line, found.code) == (
        TOPPNOTAT, line_of(files[TOPPNOTAT], "#sekretariatet"), "yaml-comment")


# -- a bracket or quote never closed --------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "opened"), [
    ("sakstyper: [Godkjenning, Orientering, Drøfting, Beslutning]",
     "sakstyper: [Godkjenning, Orientering, Drøfting, Beslutning", "["),
    ("sekretariat: Helsedirektoratet", 'sekretariat: "Helsedirektoratet', '"'),
])
def test_an_unclosed_bracket_or_quote_is_reported_where_it_was_opened(
        make_repo, old: str, new: str, opened: str) -> None:
    files = valid_repo()
    files["nufa.yaml"] = replace_once(files["nufa.yaml"], old, new) + "# more\n\n\n"
    (found,) = problems(make_repo(files))
    line = line_of(files["nufa.yaml"], new)
    col = files["nufa.yaml"].split("\n")[line - 1].index(opened) + 1
    assert (found.path, found.line, found.col, found.code) == ("nufa.yaml", line, col,
                                                               "yaml-syntax")
    assert "opened here is never closed" in found.message
    assert ("close it with ']'" if opened == "[" else 'end the text with "') in found.hint


def test_an_unclosed_quote_in_front_matter_points_at_its_line(make_repo) -> None:
    files = valid_repo()
    files[TOPPNOTAT] = replace_once(files[TOPPNOTAT], "sakseier: Styringsgruppa",
                                    "sakseier: 'Styringsgruppa")
    (found,) = problems(make_repo(files))
    assert (found.path, found.line) == (TOPPNOTAT, line_of(files[TOPPNOTAT], "'Styringsgruppa"))
    assert found.message == "YAML syntax error: the quote ' opened here is never closed"
    assert "written twice ('')" in found.hint


# -- one broken meeting does not stop the build of another ----------------------------------------


def overlapping(files: dict, agenda: str, old: str, new: str) -> dict:
    files = dict(files)
    files[agenda] = replace_once(str(files[agenda]), old, new)
    return files


def test_an_error_in_a_later_meeting_does_not_stop_building_an_earlier_one(
        make_repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(overlapping(valid_repo(), AGENDA2, 'tid: "14:25"', 'tid: "08:25"'))
    code, out, err = Nufa(monkeypatch, capsys)("build", "2024-01-24", "--only", "kalender",
                              cwd=root)
    assert (code, out) == (0, "wrote build/2024-01-24/2024-01-24.ics\n"
                              "Built 1 file(s), 0 unchanged.\n")
    elsewhere = [d for d in problems(root) if d.severity is Severity.ERROR]
    assert elsewhere and all(d.path == AGENDA2 for d in elsewhere)
    assert err == (f"note: {len(elsewhere)} error(s) in meetings not built here did not stop "
                   "this build; nufa check lists them\n")
    # the broken meeting itself, and check, still refuse
    code, _, err = Nufa(monkeypatch, capsys)("build", "2024-04-24", "--only", "kalender",
                            cwd=root)
    assert code == 1 and f"{M2}/agenda.yaml:" in err
    assert Nufa(monkeypatch, capsys)("check", cwd=root)[0] == 1


def test_an_error_in_an_earlier_meeting_of_the_year_still_stops_the_build(
        make_repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # the later meeting's numbers run on from the earlier one's: it is part of the build
    root = make_repo(overlapping(valid_repo(), AGENDA1, 'tid: "10:15"', 'tid: "09:15"'))
    code, out, err = Nufa(monkeypatch, capsys)("build", "2024-04-24", "--only", "kalender",
                              cwd=root)
    assert (code, out) == (1, "")
    assert f"{AGENDA1}:" in err


# -- a final sak with nothing in it ----------------------------------------------------------------


def test_an_unwritten_beslutning_fails_check_strict_once_final(make_repo, nufa: Nufa) -> None:
    """A Beslutning as `nufa new sak` leaves it (no beskrivelse, no forslag til vedtak, empty
    sections) passed `check --strict` at status: endelig; now it warns."""
    files = valid_repo()
    files[AGENDA2] = replace_once(files[AGENDA2], "status: utkast", "status: endelig")
    files[TOPPNOTAT] = ("---\nsak: 5/24\ntittel: Ny arkivplan\ntype: Beslutning\nsakseier:\n"
                        "saksbehandler:\nbeskrivelse:  # the short text in the innkalling's "
                        "saksliste\nforslag_til_vedtak:\n---\n\n## Hensikt med saken\n\n"
                        "## Bakgrunn\n\n## Videre saksprosess\n")
    root = make_repo(files)
    code, out, _ = nufa("check", "--strict", cwd=root)
    assert code == 1
    assert out == (
        f"{TOPPNOTAT}:2:6: error[sak-unwritten]: sak 5/24 has no beskrivelse, forslag til "
        "vedtak and text under the toppnotat's headings, but the meeting is final\n"
        "  hint: write what the members are to read and decide, or set the agenda's status "
        "back to utkast\nFound 1 error(s) and 0 warning(s).\n")
    assert nufa("check", cwd=root).code == 0  # a warning without --strict
