"""What git knows about the sources: commit times and revisions. Read-only; never fails."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nufa_cli.git.run import GitError, output


def git(root: Path, *args: str) -> str | None:
    """Output of a git command in root, or None when git or the repository is not there."""
    try:
        return output(root, *args)
    except GitError:
        return None


def last_commit_time(root: Path, paths: Sequence[str]) -> int | None:
    """Unix time of the latest commit touching paths."""
    out = git(root, "log", "-1", "--format=%ct", "--", *paths)
    return int(out) if out and out.isdigit() else None


def revision(root: Path, paths: Sequence[str]) -> tuple[str, bool] | None:
    """(short hash of the latest commit touching paths, whether the work tree differs there)."""
    commit = git(root, "log", "-1", "--format=%h", "--", *paths)
    if not commit:
        return None
    return commit, bool(work_tree_changes(root, paths))


def work_tree_changes(root: Path, paths: Sequence[str]) -> str:
    """`git status --porcelain` of paths: staged, unstaged and untracked changes, one a line.

    Untracked files are asked for explicitly, so a `status.showUntrackedFiles=no` in the
    user's configuration does not hide a new toppnotat from the footer's "+ endringer"."""
    return git(root, "status", "--porcelain", "--untracked-files=normal", "--", *paths) or ""
