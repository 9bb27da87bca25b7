"""Inputs that once ended in `internal error` (exit 3) or misled: each now gets a clear message
and a usage (2) or source (1) exit code, through the real entry point, on a copy of the sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import Nufa, tree_hashes


def test_a_meeting_named_twice_is_built_once(nufa: Nufa, sample: Path) -> None:
    code, out, _ = nufa("build", "2024-04-24", "meetings/2024-04-24", "--only", "kalender",
                        cwd=sample)
    assert code == 0  # the sample's one warning goes to stderr
    assert out == "wrote build/2024-04-24/2024-04-24.ics\nBuilt 1 file(s), 0 unchanged.\n"


@pytest.mark.parametrize(("out", "part"), [
    ("nufa.yaml", "the sources (nufa.yaml)"),
    ("medlemmer.yaml/x", "the sources (medlemmer.yaml)"),
    ("meetings", "the sources (meetings)"),
    ("meetings/2024-04-24/build", "the sources (meetings)"),
    (".git", "git's data (.git)"),
    (".git/build", "git's data (.git)"),
])
def test_the_output_folder_may_not_be_a_source_or_git(nufa: Nufa, sample: Path, out: str,
                                                      part: str) -> None:
    before = tree_hashes(sample)
    code, stdout, err = nufa("build", "--out", out, cwd=sample)
    assert (code, stdout) == (2, "")
    assert err == (f"error: the output folder {sample / out} is part of {part}; "
                   f"choose e.g. {sample / 'build'}\n")
    assert tree_hashes(sample) == before


def test_the_output_folder_may_not_be_the_committees_templates(nufa: Nufa, sample: Path) -> None:
    (sample / "maler").mkdir()
    with (sample / "nufa.yaml").open("a", encoding="utf-8") as config:
        config.write("maler: maler/\n")
    code, out, err = nufa("build", "--out", "maler/", cwd=sample)
    assert (code, out) == (2, "")
    assert err.endswith(f"error: the output folder {sample / 'maler'} is part of the "
                        f"committee's templates (maler); choose e.g. {sample / 'build'}\n")
    assert list((sample / "maler").iterdir()) == []


@pytest.mark.parametrize("out", ["notes.txt", "notes.txt/build"])
def test_the_output_folder_cannot_be_made_where_a_file_is(nufa: Nufa, sample: Path, out: str) -> None:
    (sample / "notes.txt").write_text("mine\n", encoding="utf-8")
    code, stdout, err = nufa("build", "--out", out, cwd=sample)
    assert (code, stdout) == (2, "")
    assert err == (f"error: the output folder {sample / out} cannot be created: "
                   f"{sample / 'notes.txt'} is not a folder; choose e.g. {sample / 'build'}\n")


@pytest.mark.parametrize("folder", ["nufa.yaml", "nufa.yaml/x"])
def test_schema_into_a_file_is_a_usage_error(nufa: Nufa, sample: Path, folder: str) -> None:
    before = tree_hashes(sample)
    code, out, err = nufa("schema", folder, cwd=sample)
    assert (code, out) == (2, "")
    assert err == (f"error: cannot write the schemas to {folder}: nufa.yaml is not a folder; "
                   "choose a folder, e.g. schemas\n")
    assert tree_hashes(sample) == before


def test_init_below_a_file_is_a_usage_error(nufa: Nufa, sample: Path) -> None:
    before = tree_hashes(sample)
    code, out, err = nufa("init", "nufa.yaml/x", cwd=sample)
    assert (code, out) == (2, "")
    assert err == ("error: cannot create nufa.yaml/x: nufa.yaml is not a folder; "
                   "nothing was written\n")
    assert tree_hashes(sample) == before


@pytest.mark.parametrize(("expression", "problem"), [
    ('{{ "10:00" | clock }}', "AttributeError: 'str' object has no attribute 'hour'"),
    ('{{ 1 + "a" }}', "TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
])
def test_a_type_error_in_the_committees_template_names_its_line(
        nufa: Nufa, sample: Path, expression: str, problem: str) -> None:
    (sample / "maler").mkdir()
    (sample / "maler" / "innkalling.md.j2").write_text(f"# Innkalling\n\n{expression}\n",
                                                       encoding="utf-8")
    with (sample / "nufa.yaml").open("a", encoding="utf-8") as config:
        config.write("maler: maler/\n")
    code, out, err = nufa("build", "2024-04-24", "--only", "innkalling", cwd=sample)
    assert (code, out) == (1, "")
    assert err.endswith(f"error: {sample / 'maler' / 'innkalling.md.j2'}:3: {problem}\n")
    assert not (sample / "build" / "2024-04-24").exists()


@pytest.mark.parametrize("value", ["99999999999999", "4354819200", "-1", "1.5", "soon"])
def test_an_unusable_source_date_epoch_is_a_usage_error(
        nufa: Nufa, sample: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    code, out, err = nufa("build", "--only", "kalender", cwd=sample)
    assert (code, out) == (2, "")
    assert err.endswith(f"error: SOURCE_DATE_EPOCH={value} is not a usable build time: give "
                        "whole seconds since 1970-01-01 UTC, before 2108 (the last year a DOCX "
                        "file can be dated), or unset it\n")


def test_the_last_usable_source_date_epoch_builds(
        nufa: Nufa, sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "4354819199")  # 2107-12-31T23:59:59Z
    code, out, _ = nufa("build", "2024-04-24", "--only", "kalender", cwd=sample)
    assert (code, out.splitlines()[-1]) == (0, "Built 1 file(s), 0 unchanged.")


def test_a_meeting_past_the_last_date_is_a_usage_error(nufa: Nufa, sample: Path) -> None:
    before = tree_hashes(sample)
    code, out, err = nufa("new", "meeting", "9999-12-31", "--sted", "x", "--days", "2",
                          cwd=sample)
    assert (code, out) == (2, "")
    assert err == ("error: a meeting of 2 days from 9999-12-31 would end after 9999-12-31, "
                   "the last date nufa can write\n")
    assert tree_hashes(sample) == before


def test_a_meeting_in_the_year_9999_is_refused_with_its_line(nufa: Nufa, sample: Path) -> None:
    """The calendar cannot be written for it (its time zone rules run past the last date
    Python knows), and a DOCX holds dates up to 2107: new meeting and check refuse it."""
    code, out, err = nufa("new", "meeting", "9999-12-31", "--sted", "x", cwd=sample)
    assert (code, err) == (2, "error: a meeting from 9999-12-31 to 9999-12-31: nufa writes "
                              "meetings from 1900 to 2107\n")
    agenda = sample / "meetings/2024-04-24/agenda.yaml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(text.replace("dato: 2024-04-25", "dato: 9999-04-25"), encoding="utf-8")
    code, out, err = nufa("build", "2024-04-24", "--only", "kalender", cwd=sample)
    assert (code, out) == (1, "")
    assert ("meetings/2024-04-24/agenda.yaml:" in err
            and ": error[invalid-value]: dager[1].dato: the year 9999 is not between 1900 and "
                "2107" in err)


@pytest.mark.parametrize("kinds", [["sakspapirer"], ["sakspapirer", "innkalling"]])
def test_the_packet_in_docx_is_a_usage_error(nufa: Nufa, sample: Path, kinds: list[str]) -> None:
    only = [arg for kind in kinds for arg in ("--only", kind)]
    code, out, err = nufa("build", "--format", "docx", *only, cwd=sample)
    assert (code, out) == (2, "")
    assert err == "error: sakspapirer is PDF only; add --format pdf or leave out --format\n"
    assert not (sample / "build").exists()


def test_read_only_commands_stop_on_source_errors_through_main(nufa: Nufa, sample: Path) -> None:
    with (sample / "nufa.yaml").open("a", encoding="utf-8") as config:
        config.write("ukjent: 1\n")
    code, out, err = nufa("list", cwd=sample)
    assert (code, out) == (1, "")
    diagnostics, _, last = err.rstrip("\n").rpartition("\n")
    line = (sample / "nufa.yaml").read_text(encoding="utf-8").count("\n")
    assert f"nufa.yaml:{line}:1: error[unknown-key]: unknown key 'ukjent'" in diagnostics
    assert last == "error: the sources have errors; fix them first (nufa check lists them)"
