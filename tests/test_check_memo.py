"""check/memo.py: an unchanged `nufa check` repeats the last result without loading, and any
change to what a check reads (a source's bytes, a new folder, a link, the templates, the
code) runs it again. A memo that is fresh, broken, of another format or a link is not used."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import TOPPNOTAT, FileContent, Nufa, valid_repo

from nufa_cli.check import memo, validate
from nufa_cli.core.output import CACHE

MakeRepo = Callable[[dict[str, FileContent]], Path]
MEMO = f"build/{CACHE}/{memo.MEMO}"


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every input counts as settled: the test's files were all written a moment ago."""
    monkeypatch.setattr(memo, "RACY", -10**18)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The roots validate.check loaded, in order."""
    loads: list[Path] = []
    real = validate.check

    def check(root: Path) -> tuple[object, list[object]]:
        loads.append(root)
        return real(root)  # type: ignore[return-value]

    monkeypatch.setattr(validate, "check", check)
    return loads


def with_warning() -> dict[str, FileContent]:
    files = valid_repo()
    files[TOPPNOTAT] = str(files[TOPPNOTAT]) + "[^ubrukt]: Aldri brukt.\n"
    return files


def touched(path: Path, text: str) -> None:
    """Write text, and give the file a time of its own: an edit the same size in the same
    clock tick is what RACY guards against, and `settled` turns that guard off."""
    mtime = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime + 10**9, mtime + 10**9))


@pytest.mark.e2e  # and compared with nufa in a subprocess
def test_an_unchanged_check_is_repeated_without_loading(
        nufa: Nufa, make_repo: MakeRepo, settled: None, counted: list[Path]) -> None:
    root = make_repo(with_warning())
    runs = [nufa("check", cwd=root) for _ in range(3)]
    assert len(counted) == 2  # the first is remembered with the code it imported, then the key
    assert runs[0] == runs[1] == runs[2]
    assert runs[0].code == 0 and "warning[footnote-unused]" in runs[0].out
    for args in (["--format", "json"], ["--strict"]):
        assert nufa("check", *args, cwd=root) == nufa.process("check", *args, cwd=root)
    assert len(counted) == 2


CHANGES: dict[str, Callable[[Path], None]] = {
    "a toppnotat edited, same size": lambda root: touched(
        root / TOPPNOTAT, (root / TOPPNOTAT).read_text(encoding="utf-8").replace("Aldri", "Ingen")),
    "a meeting folder without agenda": lambda root: (root / "meetings/2024-09-01").mkdir(),
    "a toppnotat no sak names": lambda root: (root / TOPPNOTAT).with_name("ny.md").write_text(
        "x\n", encoding="utf-8"),
    "a toppnotat made a link to its copy": lambda root: _linked(root / TOPPNOTAT),
    "a font of the templates": lambda root: _own_templates(root),
}


def _linked(path: Path) -> None:
    copy = path.with_name("kopi.txt")
    copy.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(copy.name)


def _own_templates(root: Path) -> None:
    (root / "maler/fonts").mkdir(parents=True)
    touched(root / "nufa.yaml", (root / "nufa.yaml").read_text(encoding="utf-8") + "maler: maler\n")


@pytest.mark.e2e
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_to_what_check_reads_runs_it_again(
        nufa: Nufa, make_repo: MakeRepo, settled: None, counted: list[Path], change: str) -> None:
    root = make_repo(with_warning())
    nufa("check", cwd=root)
    nufa("check", cwd=root)
    assert memo.recall(root)[1] is not None  # remembered
    CHANGES[change](root)
    assert memo.recall(root)[1] is None
    loads = len(counted)
    assert nufa("check", cwd=root) == nufa.process("check", cwd=root)
    assert len(counted) == loads + 1


def test_a_maler_folder_is_watched_once_named(nufa: Nufa, make_repo: MakeRepo, settled: None,
                                              counted: list[Path]) -> None:
    root = make_repo(with_warning())
    _own_templates(root)
    for _ in range(3):
        nufa("check", cwd=root)
    assert memo.recall(root)[1] is not None
    (root / "maler/fonts/README.md").write_text("fonter\n", encoding="utf-8")
    assert memo.recall(root)[1] is None


def test_inputs_changed_a_moment_ago_are_not_remembered(nufa: Nufa, make_repo: MakeRepo) -> None:
    """Without `settled`: the repository was just written, so another edit in the same clock
    tick could leave its files' sizes and times as they are."""
    root = make_repo(with_warning())
    for _ in range(3):
        nufa("check", cwd=root)
    recorded = json.loads((root / MEMO).read_text(encoding="utf-8"))
    assert recorded["key"] is None and recorded["diagnostics"]
    assert memo.recall(root)[1] is None


@pytest.mark.parametrize("content", [b"", b"{not json", b"[]", b'{"format": 0, "key": "x"}',
                                     b'{"format": 1, "key": null, "diagnostics": []}'])
def test_a_broken_or_foreign_memo_is_ignored_and_replaced(
        nufa: Nufa, make_repo: MakeRepo, settled: None, counted: list[Path],
        content: bytes) -> None:
    root = make_repo(with_warning())
    first = nufa("check", cwd=root)
    (root / MEMO).write_bytes(content)
    assert memo.recall(root)[1] is None
    assert nufa("check", cwd=root) == first
    assert len(counted) == 2
    assert json.loads((root / MEMO).read_text(encoding="utf-8"))["format"] == memo.FORMAT


def test_a_memo_with_forged_diagnostics_of_a_matching_key_is_not_a_crash(
        make_repo: MakeRepo, settled: None) -> None:
    root = make_repo(with_warning())
    found, _ = memo.recall(root)
    (root / MEMO).parent.mkdir(parents=True)
    (root / MEMO).write_text(json.dumps({"format": memo.FORMAT, "key": found.key,
                                         "diagnostics": [{"path": 1}]}), encoding="utf-8")
    assert memo.recall(root)[1] is None


def test_a_memo_behind_a_link_is_not_read_nor_written_through(
        nufa: Nufa, make_repo: MakeRepo, settled: None, counted: list[Path],
        tmp_path: Path) -> None:
    root = make_repo(with_warning())
    for _ in range(3):
        nufa("check", cwd=root)
    elsewhere = tmp_path / "elsewhere.json"
    (root / MEMO).rename(elsewhere)
    (root / MEMO).symlink_to(elsewhere)
    kept = elsewhere.read_bytes()
    assert memo.recall(root)[1] is None  # the very memo, but behind a link
    nufa("check", cwd=root)
    assert len(counted) == 3
    assert elsewhere.read_bytes() == kept


def test_a_cache_folder_behind_a_link_is_not_used(nufa: Nufa, make_repo: MakeRepo, settled: None,
                                                  counted: list[Path], tmp_path: Path) -> None:
    root = make_repo(with_warning())
    (tmp_path / "other").mkdir()
    (root / "build").mkdir()
    (root / "build" / CACHE).symlink_to(tmp_path / "other")
    for _ in range(3):
        nufa("check", cwd=root)
    assert len(counted) == 3
    assert list((tmp_path / "other").iterdir()) == []


def test_check_does_not_write_where_the_output_folder_may_not_be(
        nufa: Nufa, make_repo: MakeRepo, settled: None) -> None:
    files = with_warning()
    files["build"] = "a file where build/ would be\n"
    root = make_repo(files)
    assert nufa("check", cwd=root).code == 0
    assert (root / "build").read_text(encoding="utf-8") == "a file where build/ would be\n"
