"""`nufa check` as a user runs it: a real subprocess, exact output, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import (
    AGENDA2,
    AGENDA2_YAML,
    TOPPNOTAT,
    TOPPNOTAT_MD,
    FileContent,
    Nufa,
    line_of,
    replace_once,
    tree_hashes,
    valid_repo,
)

MakeRepo = Callable[[dict[str, FileContent]], Path]
pytestmark = pytest.mark.e2e  # nufa in a subprocess

SAK_LINE = line_of(AGENDA2_YAML, "sak: 8/24")
UNUSED_LINE = TOPPNOTAT_MD.count("\n") + 1
SAK_ERROR = (f"{AGENDA2}:{SAK_LINE}:14: error[sak-year]: sak 8/23 is numbered for 2023, but the "
             "meeting is in 2024\n  hint: write it as 8/24")
UNUSED_WARNING = (f"{TOPPNOTAT}:{UNUSED_LINE}:1: warning[footnote-unused]: footnote [^ubrukt] is "
                  "defined but never used\n  hint: refer to it with [^ubrukt] or remove it")


def with_warning(files: dict[str, FileContent]) -> dict[str, FileContent]:
    files[TOPPNOTAT] = TOPPNOTAT_MD + "[^ubrukt]: Aldri brukt.\n"
    return files


def with_error(files: dict[str, FileContent]) -> dict[str, FileContent]:
    files[AGENDA2] = replace_once(AGENDA2_YAML, "sak: 8/24", "sak: 8/23")
    return files


@pytest.fixture
def broken_root(make_repo: MakeRepo) -> Path:
    return make_repo(with_error(with_warning(valid_repo())))


def test_clean(nufa: Nufa, valid_root: Path) -> None:
    result = nufa.process("check", cwd=valid_root)
    assert (result.code, result.out, result.err) == (0, "All sources are valid.\n", "")


def test_problems(nufa: Nufa, broken_root: Path) -> None:
    result = nufa.process("check", cwd=broken_root)
    assert result.code == 1
    assert result.out == f"{SAK_ERROR}\n{UNUSED_WARNING}\nFound 1 error(s) and 1 warning(s).\n"
    assert result.err == ""


def test_json(nufa: Nufa, broken_root: Path) -> None:
    result = nufa.process("check", "--format", "json", cwd=broken_root)
    assert (result.code, result.err) == (1, "")
    assert json.loads(result.out) == [
        {"path": AGENDA2, "line": SAK_LINE, "col": 14, "code": "sak-year",
         "message": "sak 8/23 is numbered for 2023, but the meeting is in 2024",
         "hint": "write it as 8/24", "severity": "error"},
        {"path": TOPPNOTAT, "line": UNUSED_LINE, "col": 1, "code": "footnote-unused",
         "message": "footnote [^ubrukt] is defined but never used",
         "hint": "refer to it with [^ubrukt] or remove it", "severity": "warning"},
    ]


def test_json_clean(nufa: Nufa, valid_root: Path) -> None:
    result = nufa.process("check", "--format", "json", cwd=valid_root)
    assert (result.code, json.loads(result.out)) == (0, [])


def test_github(nufa: Nufa, broken_root: Path) -> None:
    result = nufa.process("check", "--format", "github", cwd=broken_root)
    assert result.code == 1
    assert result.out == (
        f"::error file={AGENDA2},line={SAK_LINE},col=14,title=sak-year::sak 8/23 is numbered "
        "for 2023, but the meeting is in 2024 Hint: write it as 8/24\n"
        f"::warning file={TOPPNOTAT},line={UNUSED_LINE},col=1,title=footnote-unused::footnote "
        "[^ubrukt] is defined but never used Hint: refer to it with [^ubrukt] or remove it\n")
    assert result.err == "Found 1 error(s) and 1 warning(s).\n"


def test_warning_alone_passes_unless_strict(nufa: Nufa, make_repo: MakeRepo) -> None:
    root = make_repo(with_warning(valid_repo()))
    result = nufa.process("check", cwd=root)
    assert (result.code, result.out) == (
        0, f"{UNUSED_WARNING}\nFound 0 error(s) and 1 warning(s).\n")
    strict = nufa.process("check", "--strict", cwd=root)
    assert (strict.code, strict.out) == (
        1, UNUSED_WARNING.replace("warning[", "error[") + "\nFound 1 error(s) and 0 warning(s).\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--format", "xml"], "Invalid value for '--format'"),
        (["check", "--bogus"], "No such option: --bogus"),
        (["check", "no/such/folder"], "no/such/folder does not exist"),
        (["check", "a", "b"], "unexpected extra argument"),
        (["chek"], "No such command 'chek'"),
    ],
)
def test_usage_error(nufa: Nufa, valid_root: Path, args: list[str], message: str) -> None:
    result = nufa.process(*args, cwd=valid_root)
    assert result.code == 2
    assert result.out == ""
    assert message in " ".join(line.strip(" │\n") for line in result.err.splitlines())
    assert "Traceback" not in result.err


def test_outside_a_repository(nufa: Nufa, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = nufa.process("check", cwd=empty)
    assert (result.code, result.out) == (2, "")
    assert result.err == (f"error: no nufa repository at or above {empty.resolve()} (looked for "
                             "nufa.yaml or meetings/); run nufa inside a repository or pass its "
                             "path\n")


def test_from_a_subfolder(nufa: Nufa, broken_root: Path) -> None:
    """The root is found by walking up; paths stay relative to the root, not to the cwd."""
    sub = broken_root / "meetings" / "2024-04-24" / "toppnotater"
    from_sub = nufa.process("check", cwd=sub)
    from_root = nufa.process("check", cwd=broken_root)
    assert from_sub.code == 1
    assert from_sub.out == from_root.out


def test_path_argument(nufa: Nufa, broken_root: Path, tmp_path: Path) -> None:
    result = nufa.process("check", broken_root / "meetings", cwd=tmp_path)
    assert result.code == 1
    assert result.out.startswith(SAK_ERROR)


@pytest.mark.parametrize("broken", [False, True])
def test_check_never_modifies_sources(nufa: Nufa, make_repo: MakeRepo, broken: bool) -> None:
    files = valid_repo()
    root = make_repo(with_error(with_warning(files)) if broken else files)
    before = tree_hashes(root)
    for args in (["check"], ["check", "--format", "json"], ["check", "--format", "github"],
                 ["check", "--strict"]):
        nufa.process(*args, cwd=root)
    after = tree_hashes(root)
    # what check writes is its caches (check/memo.py, sources/cache.py), in the output folder
    assert {name for name in after if name not in before} <= {
        "build", "build/.nufa-cache", "build/.nufa-cache/.gitignore",
        "build/.nufa-cache/last-check.json",
        *(f"build/.nufa-cache/sources-{shard}.json" for shard in "0123456789abcdef")}
    assert {name: after[name] for name in before} == before
