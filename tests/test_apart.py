"""The rules check runs in a second process on a repository of many meetings (validate.APART):
what they find is what they find in one process; a process that fails leaves them to this
one; and they change nothing in the model and derive nothing the source cache keeps, so that
the process has nothing to give back but its diagnostics."""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import PROJECT, copy_sample, forks, write_repo

from nufa_cli.check import ahead, limits, validate
from nufa_cli.core import process
from nufa_cli.core.errors import Diagnostic
from nufa_cli.core.output import CACHE
from nufa_cli.model.load import load
from nufa_cli.model.objects import Repository
from nufa_cli.sources import ahead as reader_ahead
from nufa_cli.sources import cache as source_cache

sys.path.insert(0, str(PROJECT / "tools"))
from archive import archive_files

pytestmark = pytest.mark.unit
MEETINGS = 26


def _archive() -> dict[str, str]:
    """An archive with what each rule apart finds: a citation of a sak that is not there
    (earlier_treatments), a referat section and a stedfortreder the meeting does not have
    (referat)."""
    files = archive_files(MEETINGS, citations=3)
    folders = sorted({rel.split("/")[1] for rel in files if rel.startswith("meetings/")})
    note = sorted(rel for rel in files if rel.startswith(f"meetings/{folders[20]}/toppnotater/"))[4]
    files[note] = files[note].replace("tidligere_behandlinger:\n",
                                      "tidligere_behandlinger:\n  - {utvalg: NUFA, sak: 99/17}\n", 1)
    referat = f"meetings/{folders[3]}/referat.md"
    files[referat] = files[referat].replace("for: ", "for: ingen-slik-", 1) + \
        "\n## 77/15\n\nIkke på dagsordenen.\n"
    return files


def _checked(root: Path, monkeypatch: pytest.MonkeyPatch, least: int) -> list[Diagnostic]:
    monkeypatch.setattr(validate, "MIN_APART", least)
    monkeypatch.setattr(reader_ahead, "MIN_FOLDERS", 10**6)  # its fork is test_ahead's
    (root / "build" / CACHE).mkdir(parents=True, exist_ok=True)
    return validate.check(root)[1]


def test_the_rules_apart_find_what_they_find_here(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    files = _archive()
    here = _checked(write_repo(tmp_path / "here", files), monkeypatch, 10**6)
    codes = {d.code for d in here}
    assert {"unknown-sak", "referat-unknown-sak", "unknown-member"} <= codes, codes
    pids = forks(monkeypatch)
    apart = _checked(write_repo(tmp_path / "apart", files), monkeypatch, 2)
    if process.may_fork():
        assert len(pids) == 1
        with pytest.raises(ChildProcessError):  # reaped
            os.waitpid(pids[0], os.WNOHANG)
    assert apart == here


def test_a_failing_process_leaves_its_rules_to_this_one(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    files = _archive()
    here = _checked(write_repo(tmp_path / "here", files), monkeypatch, 10**6)
    parent = os.getpid()
    real = validate.APART[0]

    def fails_apart(repo: Repository) -> Iterator[Diagnostic]:
        if os.getpid() != parent:
            raise RuntimeError("a bug that shows only in the process apart")
        yield from real(repo)

    monkeypatch.setattr(validate, "APART", (fails_apart, *validate.APART[1:]))
    monkeypatch.setattr(validate, "RULES", tuple(fails_apart if rule is real else rule
                                                 for rule in validate.RULES))
    assert _checked(write_repo(tmp_path / "apart", files), monkeypatch, 2) == here


@pytest.mark.parametrize("which", ["archive", "sample"])
def test_the_rules_apart_change_nothing_and_derive_nothing_to_keep(
        which: str, tmp_path: Path) -> None:
    """What a rule apart changed would be lost with its process: the model, as the build
    uses it after check, and the entries the source cache would keep for the next check."""
    repo_files = _archive() if which == "archive" else None
    root = write_repo(tmp_path / "repo", repo_files) if repo_files else copy_sample(tmp_path / "repo")
    (root / "build" / CACHE).mkdir(parents=True)
    with ahead.kept(root) as cache:
        repo, _ = load(root.resolve())
        limits.prepare(doc.body for meeting in repo.meetings for doc in meeting.documents())
        for rule in validate.RULES:
            if rule not in validate.APART:
                list(rule(repo))
        before, used = copy.deepcopy(repo), dict(cache.used)
        found = [d for rule in validate.APART for d in rule(repo)]
        assert repo == before
        assert cache.used == used
        assert source_cache.current() is cache
    if which == "archive":
        assert found
