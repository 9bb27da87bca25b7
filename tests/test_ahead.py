"""The second process of a first check (sources/ahead.py): what check finds, and what the
source cache then holds, are the same as when one process reads every meeting; a child that
fails leaves the loader to read its part; no child outlives the check."""

from __future__ import annotations

import mmap
import os
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

import pytest
from helpers import PROJECT, forks, write_repo

from nufa_cli import front
from nufa_cli.check import ahead as check_ahead
from nufa_cli.check import validate
from nufa_cli.core import process
from nufa_cli.core.output import CACHE
from nufa_cli.sources import ahead, reader

sys.path.insert(0, str(PROJECT / "tools"))
from archive import archive_files

MEETINGS = 30


@pytest.fixture(autouse=True)
def _rules_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """The forks counted here are the reader's: the rules run apart elsewhere (validate.APART,
    tests/test_check_rules.py) run in this process."""
    monkeypatch.setattr(validate, "MIN_APART", 10**6)


def _broken_archive() -> dict[str, str]:
    """An archive with problems in meetings early, in the middle and late: the loader reads
    some of them, the child the others (where they meet depends on the machine)."""
    files = archive_files(MEETINGS)
    folders = sorted({rel.split("/")[1] for rel in files if rel.startswith("meetings/")})

    def note(folder: str, index: int = 1) -> str:
        return sorted(rel for rel in files if rel.startswith(f"meetings/{folder}/toppnotater/"))[
            index]

    for k in (0, 7, 15, 22, 29):  # a toppnotat whose sak is not its agenda's
        rel = note(folders[k])
        files[rel] = files[rel].replace("\nsak: ", "\nsak: 9", 1)
    for k in (3, 26):  # YAML that does not parse, in an agenda and in a front matter
        agenda = f"meetings/{folders[k]}/agenda.yaml"
        files[agenda] = files[agenda].replace("\n", "\n  bad: [\n", 1)
        rel = note(folders[k + 1], 2)
        files[rel] = files[rel].replace("\ntittel: ", "\ntittel: [", 1)
    for k in (5, 24):  # a warning of the YAML reader, a footnote without definition
        rel = note(folders[k], 3)
        files[rel] = files[rel].replace("Kari Nordmann", "Kari #2", 1)
        files[rel] = files[rel].rstrip("\n") + "\n\nSe notatet[^mangler].\n"
    return files


def _checked(root: Path, monkeypatch: pytest.MonkeyPatch, least: int) -> tuple[list[str],
                                                                                 dict[str, bytes]]:
    monkeypatch.setattr(ahead, "MIN_FOLDERS", least)
    (root / "build" / CACHE).mkdir(parents=True, exist_ok=True)
    _, diagnostics = validate.check(root)
    shards = {p.name: p.read_bytes() for p in sorted((root / "build" / CACHE).glob("sources-*.json"))}
    return [repr(d) for d in diagnostics], shards


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The YAML texts this process parses (a child's are counted in the child)."""
    parsed: list[str] = []
    real = reader.load_yaml

    def load_yaml(text: str, rel: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(rel)
        return real(text, rel, *args, **kwargs)

    monkeypatch.setattr(reader, "load_yaml", load_yaml)
    return parsed


def test_the_child_finds_what_one_process_finds(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    files = _broken_archive()
    serial = _checked(write_repo(tmp_path / "serial", files), monkeypatch, 10**6)
    parsed = _counting(monkeypatch)
    pids = forks(monkeypatch)
    claim = ahead.claim

    def slowly(folder: Path) -> None:  # a busy machine may leave the child no core for a while
        time.sleep(0.02)
        claim(folder)

    monkeypatch.setattr(ahead, "claim", slowly)
    helped = _checked(write_repo(tmp_path / "helped", files), monkeypatch, 2)
    assert len(pids) == 1
    with pytest.raises(ChildProcessError):  # reaped: nothing left running
        os.waitpid(pids[0], os.WNOHANG)
    codes = " ".join(serial[0])
    for code in ("toppnotat-sak", "yaml-syntax", "yaml-comment", "footnote-undefined"):
        assert code in codes
    assert helped[0] == serial[0]  # the same diagnostics, in the same order, at the same places
    assert helped[1] == serial[1]  # and the same cache, byte for byte
    agendas = len({rel for rel in parsed if rel.endswith("agenda.yaml")})
    assert 0 < agendas < MEETINGS  # the child read some meetings, this process the others


@pytest.mark.parametrize("sent", [0, 4])
def test_a_failing_child_leaves_its_part_to_the_loader(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       sent: int) -> None:
    """A child that fails at once, or after sending some folders (the folder it fails on it
    had marked as its own): the loader takes what came and reads the rest itself."""
    files = _broken_archive()
    serial = _checked(write_repo(tmp_path / "serial", files), monkeypatch, 10**6)
    real = check_ahead.derive
    done: list[Path] = []

    def fails(root: Path, folder: Path) -> None:
        if len(done) == sent:
            raise RuntimeError("a bug in the child")
        done.append(folder)
        real(root, folder)

    monkeypatch.setattr(check_ahead, "derive", fails)
    claim = ahead.claim

    def slowly(folder: Path) -> None:  # a busy machine may leave the child no core for a while
        time.sleep(0.02)
        claim(folder)

    monkeypatch.setattr(ahead, "claim", slowly)
    parsed = _counting(monkeypatch)
    pids = forks(monkeypatch)
    helped = _checked(write_repo(tmp_path / "helped", files), monkeypatch, 2)
    assert len(pids) == 1
    assert helped == serial
    agendas = len({rel for rel in parsed if rel.endswith("agenda.yaml")})
    assert agendas == MEETINGS - sent  # the folders the child sent, the loader did not read



@pytest.mark.skipif(process.cores() < 2, reason="one core: no child is started")
def test_a_folder_both_marked_at_once_keeps_the_loader_waiting_no_longer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The loader and the child mark the same folder before either looks at the other's mark
    (the child descheduled between the two, say): each then leaves it to the other. The loader
    derives it itself as soon as the child has passed it, not once the child has ended."""
    files = _broken_archive()
    serial = _checked(write_repo(tmp_path / "serial", files), monkeypatch, 10**6)
    start, parent = MEETINGS // ahead.AHEAD, os.getpid()

    class Marks(mmap.mmap):
        def __setitem__(self, i: Any, value: Any) -> None:
            super().__setitem__(i, value)
            if os.getpid() != parent and i == MEETINGS + start:  # the child marks its first
                waited = time.monotonic()
                while not self[start] and time.monotonic() - waited < 30:
                    time.sleep(0.001)  # until the loader has marked it too

    monkeypatch.setattr(ahead, "mmap", types.SimpleNamespace(mmap=Marks))
    real = check_ahead.derive

    def slowly(root: Path, folder: Path) -> None:  # the child's other folders take a while
        if os.getpid() != parent:
            time.sleep(0.05)
        real(root, folder)

    monkeypatch.setattr(check_ahead, "derive", slowly)
    claim, child_at_work = ahead.claim, []

    def claimed(folder: Path) -> None:
        claim(folder)
        child = ahead._CURRENT.get()[1]  # type: ignore[index]
        if child is not None and child.index.get(folder.name) == start:
            child_at_work.append(child.process.pipe >= 0)

    monkeypatch.setattr(ahead, "claim", claimed)
    pids = forks(monkeypatch)
    helped = _checked(write_repo(tmp_path / "helped", files), monkeypatch, 2)
    assert len(pids) == 1
    assert helped == serial
    assert child_at_work == [True]  # the loader went on while the child was still at work

def test_no_child_without_fork_on_one_core_or_with_a_cache(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    files = _broken_archive()
    serial = _checked(write_repo(tmp_path / "serial", files), monkeypatch, 10**6)
    pids = forks(monkeypatch)
    root = write_repo(tmp_path / "again", files)
    monkeypatch.delattr(os, "fork")
    assert _checked(root, monkeypatch, 2) == serial
    monkeypatch.undo()
    monkeypatch.setattr(validate, "MIN_APART", 10**6)  # undone with the rest
    pids = forks(monkeypatch)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    one = write_repo(tmp_path / "one-core", files)
    assert _checked(one, monkeypatch, 2) == serial  # one core: the child would take turns
    assert pids == []
    monkeypatch.undo()
    monkeypatch.setattr(validate, "MIN_APART", 10**6)  # undone with the rest
    pids = forks(monkeypatch)
    monkeypatch.setattr(ahead, "MIN_FOLDERS", 2)
    rel = next(rel for rel in files if rel.endswith("toppnotater/1-15-sak.md"))
    (root / rel).write_text(files[rel] + "\nEndret.\n", encoding="utf-8")
    validate.check(root)  # the cache holds entries: little to read, no child
    assert pids == []


def test_nufa_check_starts_the_child_before_it_imports_the_loader_and_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """front.py opens the cache, and so may start the child, before importing pydantic and the
    model; validate.check inside it starts no second one, and finds what one process finds."""
    files = _broken_archive()

    def checked(root: Path, least: int) -> tuple[str, dict[str, bytes]]:
        monkeypatch.setattr(ahead, "MIN_FOLDERS", least)
        with pytest.raises(front.Exit) as exit_:
            front.check(root, format=front.Format.json)
        assert exit_.value.code == 1  # the archive's errors
        return capsys.readouterr().out, {p.name: p.read_bytes() for p in sorted(
            (root / "build" / CACHE).glob("sources-*.json"))}

    serial = checked(write_repo(tmp_path / "serial", files), 10**6)
    pids = forks(monkeypatch)
    helped = checked(write_repo(tmp_path / "front", files), 2)
    assert len(pids) == 1
    assert "toppnotat-sak" in serial[0]
    assert helped == serial


FORK_SEEN = """
import os, sys
real = os.fork
def fork():
    print("forked with pydantic" if "pydantic" in sys.modules else "forked before pydantic",
          file=sys.stderr, flush=True)
    return real()
os.fork = fork
sys.argv = ["nufa", "check", sys.argv[1]]
from nufa_cli.__main__ import main
main()
"""


@pytest.mark.skipif(process.cores() < 2, reason="one core: no child is started")
def test_nufa_check_forks_before_importing_pydantic(tmp_path: Path) -> None:
    """What the early start is for: the child reads while this process imports the rest."""
    root = write_repo(tmp_path / "archive", archive_files(MEETINGS))
    run = subprocess.run([sys.executable, "-c", FORK_SEEN, str(root)], capture_output=True,
                         text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines()[0] == "forked before pydantic"
