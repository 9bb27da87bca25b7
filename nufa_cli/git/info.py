"""What git knows about the sources: commit times and revisions. Read-only; never fails."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nufa_cli.git.run import GitError, output, run


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


def work_tree_changes(root: Path, paths: Sequence[str]) -> str:
    """`git status --porcelain` of paths: staged, unstaged and untracked changes, one a line.

    Untracked files are asked for explicitly, so a `status.showUntrackedFiles=no` in the
    user's configuration does not hide a new toppnotat from the footer's "+ endringer"."""
    return git(root, "status", "--porcelain", "--untracked-files=normal", "--", *paths) or ""


def _text(root: Path, *args: str) -> str | None:
    """git's stdout as it is (not stripped: porcelain lines start with a space), or None."""
    try:
        done = run(root, *args)
    except GitError:
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


@dataclass(frozen=True)
class Commit:
    full: str
    short: str
    time: int  # committer time, Unix seconds


def file_history(root: Path, paths: Sequence[str]) -> list[tuple[Commit, list[str]]] | None:
    """The commits touching paths, newest first (as `git log` lists them), each with the files
    it changed, relative to root; None without git or a commit."""
    out = _text(root, "log", "--relative", "--name-only", "-z", "--format=%x01%H %h %ct", "--",
                *paths)
    if not out:
        return None
    found = []
    for chunk in out.split("\x01")[1:]:
        head, _, names = chunk.partition("\0")
        full, short, time = head.split(" ")
        found.append((Commit(full, short, int(time)), [n for n in names.lstrip("\n").split("\0") if n]))
    return found


def changed_files(root: Path, paths: Sequence[str]) -> dict[str, str] | None:
    """What `git status` says of paths: file (relative to root) -> its two-letter status
    ("??" untracked, "A " added, " M" modified...); an untracked folder's name ends with
    "/". None without git. Untracked files are asked for explicitly, as in work_tree_changes."""
    prefix = _text(root, "rev-parse", "--show-prefix")
    out = _text(root, "status", "--porcelain", "-z", "--untracked-files=normal", "--", *paths)
    if prefix is None or out is None:
        return None
    prefix = prefix.strip()
    entries = iter(out.split("\0"))
    changed = {}
    for entry in entries:
        if len(entry) < 4:
            continue
        status, name = entry[:2], entry[3:]
        names = [name, next(entries, "")] if "R" in status or "C" in status else [name]
        for path in names:  # porcelain paths start at the top of the work tree
            if path.startswith(prefix):
                changed[path[len(prefix):]] = status
    return changed


def last_commit_of_lines(root: Path, ranges: Iterable[tuple[str, str]]) -> str | None:
    """The full hash of the latest commit that changed any of the line ranges, each (file
    relative to root, `git log -L` range as in HEAD's version of the file, e.g.
    "/^---/,/^---/"); None when git cannot say (a file or range not in HEAD)."""
    args = [arg for path, lines in ranges for arg in ("-L", f"{lines}:{path}")]
    return git(root, "log", "-1", "--no-patch", "--format=%H", *args) or None


def committed_text(root: Path, path: str) -> str | None:
    """The file (relative to root) as HEAD has it; None when HEAD has none."""
    return _text(root, "show", f"HEAD:./{path}")
