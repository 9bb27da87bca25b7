"""What git knows about the sources: commit times and revisions. Read-only; never fails."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path


def git(root: Path, *args: str) -> str | None:
    """Output of a git command in root, or None when git or the repository is not there."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def last_commit_time(root: Path, paths: Sequence[str]) -> int | None:
    """Unix time of the latest commit touching paths."""
    out = git(root, "log", "-1", "--format=%ct", "--", *paths)
    return int(out) if out and out.isdigit() else None


def revision(root: Path, paths: Sequence[str]) -> tuple[str, bool] | None:
    """(short hash of the latest commit touching paths, whether the work tree differs there)."""
    commit = git(root, "log", "-1", "--format=%h", "--", *paths)
    if not commit:
        return None
    status = git(root, "status", "--porcelain", "--", *paths)
    return commit, bool(status)
