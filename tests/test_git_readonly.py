"""No nufa command writes under .git: nufa only asks git questions (nufa_cli/git/run.py).

The repository is set up so that git has a reason to write: every source is touched
after the commit, so .git/index holds stale stat data that a plain `git status` or
`git diff` would refresh and write back. Every file and folder under .git must keep
its bytes and its mtime through each command, and `git status` must say the same.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers import GIT_ENV, Nufa, commit, git, tree_state

from nufa_cli.git import info

pytestmark = pytest.mark.e2e  # git repositories, nufa run as a user does

AGENDA = "meetings/2024-04-24/agenda.yaml"
COMMANDS = [
    ("check",),
    ("build",),
    ("build", "--changed-since", "HEAD"),
    ("site",),
    ("diff", "HEAD"),
    ("diff", "HEAD~1", "HEAD"),
    ("list",),
    ("list", "--format", "json"),
    ("sak", "14/24"),
]


def porcelain(root: Path) -> str:
    """`git status --porcelain`, asked so that it does not refresh the index itself."""
    return subprocess.run(["git", "-C", str(root), "status", "--porcelain"], check=True,
                          env={**os.environ, **GIT_ENV, "GIT_OPTIONAL_LOCKS": "0"},
                          capture_output=True, text=True).stdout


@pytest.fixture
def stale_index(sample: Path) -> Path:
    """The sample in git (two commits, build/ ignored), every source touched since, one
    agenda edited and not committed."""
    (sample / ".gitignore").write_text("build/\n", encoding="utf-8")
    git(sample, "init", "-q", "-b", "main")
    commit(sample, "start")
    agenda = sample / AGENDA
    agenda.write_text(agenda.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    commit(sample, "blank line")
    agenda.write_text(agenda.read_text(encoding="utf-8").replace("Middag", "Felles middag"),
                      encoding="utf-8")
    later = (sample / ".git/index").stat().st_mtime_ns + 5_000_000_000
    for path in sample.rglob("*"):
        if ".git" not in path.parts and path.is_file():
            os.utime(path, ns=(later, later))
    return sample


def test_the_fixture_leaves_git_something_to_write(stale_index: Path) -> None:
    """Proof the test below can fail: git's own `status` rewrites this index."""
    before = tree_state(stale_index / ".git")
    git(stale_index, "status", "--porcelain")
    assert tree_state(stale_index / ".git")["index"] != before["index"]


def test_no_command_writes_under_git(stale_index: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    status = porcelain(stale_index)
    assert status == f" M {AGENDA}\n"
    index = tree_state(stale_index / ".git")["index"]  # (mtime_ns, sha256)
    for args in COMMANDS:
        before = tree_state(stale_index / ".git")
        code, _, err = Nufa(monkeypatch, capsys)(*args, cwd=stale_index)
        assert code == 0, (args, err)
        after = tree_state(stale_index / ".git")
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        assert changed == [], f"nufa {' '.join(args)} changed {changed}"
        assert porcelain(stale_index) == status, args
    assert tree_state(stale_index / ".git")["index"] == index
    assert (stale_index / "build/site/index.html").is_file()  # the commands did their work


def test_the_footer_sees_untracked_files_whatever_the_user_configured(
        sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(sample, "init", "-q", "-b", "main")
    commit(sample, "start")
    paths = ["meetings/2024-04-24"]
    assert info.changed_files(sample, paths) == {}

    (sample / "meetings/2024-04-24/toppnotater/new.md").write_text("new\n", encoding="utf-8")
    config = tmp_path / "gitconfig"
    config.write_text("[status]\n\tshowUntrackedFiles = no\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    assert git(sample, "-c", f"include.path={config}", "status", "--porcelain") == ""
    assert info.changed_files(sample, paths) == {"meetings/2024-04-24/toppnotater/new.md": "??"}
