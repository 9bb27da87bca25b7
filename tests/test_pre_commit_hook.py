"""The pre-commit hook as a secretariat uses it: the repository `nufa init` wrote, its
.pre-commit-config.yaml pointing at nufa's .pre-commit-hooks.yaml at the tag of this version.
Here nufa's repository is a local clone of this work tree, tagged v<version>; pre-commit
installs nufa from it into its own environment and runs `nufa check`.

Slow (pre-commit builds a venv and installs nufa into it): marked e2e."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import PROJECT

from nufa_cli import __version__
from nufa_cli.edit.init import init

pytestmark = pytest.mark.e2e

BESIDE = Path(sys.executable).with_name("pre-commit")  # the venv's, as make install puts it
PRE_COMMIT = str(BESIDE) if BESIDE.exists() else shutil.which("pre-commit") or str(BESIDE)
ENV = {"GIT_AUTHOR_NAME": "Sekretariatet", "GIT_AUTHOR_EMAIL": "s@example.org",
       "GIT_COMMITTER_NAME": "Sekretariatet", "GIT_COMMITTER_EMAIL": "s@example.org",
       "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], env={**os.environ, **ENV}, check=True,
                          capture_output=True, text=True).stdout


def nufa_release(folder: Path) -> Path:
    """This work tree's files (tracked, and new ones not ignored) as a repository tagged
    v<version>: what nufa's published repository holds at that tag."""
    listed = subprocess.run(["git", "-C", str(PROJECT), "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = PROJECT / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "release")
    git(folder, "tag", f"v{__version__}")
    return folder


@pytest.mark.skipif(not Path(PRE_COMMIT).exists(), reason="pre-commit is not installed "
                    "(pip install -e '.[test]' installs it)")
def test_the_init_repository_runs_nufas_own_hook(tmp_path: Path) -> None:
    release = nufa_release(tmp_path / "nufa")
    root = tmp_path / "sekretariat"
    init(root, dt.date(2025, 3, 12))
    config_path = root / ".pre-commit-config.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    assert config["repos"][0]["rev"] == f"v{__version__}"
    # the one change from what init wrote: the hook's repository is the local clone
    config_path.write_text(config_path.read_text(encoding="utf-8").replace(
        config["repos"][0]["repo"], str(release)), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "nufa init")
    env = {**os.environ, **ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([PRE_COMMIT, "run", "--all-files", "--color", "never"], cwd=root,
                              env=env, capture_output=True, text=True, timeout=900)

    passed = run()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "nufa check" in passed.stdout and "Passed" in passed.stdout

    agenda = root / "meetings" / "2025-03-12" / "agenda.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8").replace('tid: "11:45"', 'tid: "10:05"'),
                      encoding="utf-8")
    failed = run()
    assert failed.returncode == 1
    assert "Failed" in failed.stdout
    assert "meetings/2025-03-12/agenda.yaml:" in failed.stdout
