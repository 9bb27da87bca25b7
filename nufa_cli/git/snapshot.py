"""The sources as they were at a git revision, read through git without touching the work tree.

Nothing here checks out, stashes or writes the index: a revision's files are listed with
`git ls-tree` and copied blob by blob (`git cat-file --batch`) into a temporary folder,
which `load.load()` then reads like any repository.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from nufa_cli.core.errors import NufaError
from nufa_cli.core.root import SOURCE_PATHS
from nufa_cli.sources.reader import MAX_SOURCE_BYTES

DEFAULT_BRANCHES = ("main", "master")
TEXT_SOURCES = (".yaml", ".yml", ".md")  # what the loader reads as text
_ENV = {
    "GIT_OPTIONAL_LOCKS": "0",  # a read must not refresh (write) the user's index
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}


class GitError(NufaError):
    exit_code = 2


class NotAGitRepository(GitError):
    def __init__(self, root: Path) -> None:
        super().__init__(f"{root} is not inside a git repository; comparing revisions needs git "
                         "(run 'git init' and commit the sources first)")


class UnknownRevision(GitError):
    def __init__(self, rev: str) -> None:
        super().__init__(f"unknown revision '{rev}': no commit of that name in this repository "
                         "(try a branch, a tag or a commit hash; 'git log --oneline' lists them)")


@dataclass(frozen=True)
class Revision:
    """A resolved commit: the name the user gave and the commit it stands for."""

    name: str
    commit: str

    @property
    def short(self) -> str:
        return self.commit[:7]

    @property
    def label(self) -> str:
        return self.short if self.name.startswith(self.short) else f"{self.name} ({self.short})"


def _run(root: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], input=data, capture_output=True,
                              env={**os.environ, **_ENV}, timeout=120, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed or not on PATH; comparing revisions needs it") \
            from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} took longer than two minutes; giving up") from exc


def _out(root: Path, *args: str) -> str | None:
    done = _run(root, *args)
    return done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else None


def require_git(root: Path) -> None:
    if _out(root, "rev-parse", "--is-inside-work-tree") != "true":
        raise NotAGitRepository(root)


def resolve(root: Path, rev: str) -> Revision:
    """The commit rev names; UnknownRevision when there is none."""
    require_git(root)
    if not rev.strip() or rev.startswith("-"):  # never let a revision pass as an option
        raise UnknownRevision(rev)
    commit = _out(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if not commit:
        raise UnknownRevision(rev)
    return Revision(rev, commit)


def default_branch(root: Path) -> str | None:
    """origin/HEAD's target, else main, else master; None when there is none of them."""
    remote = _out(root, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")
    if remote:
        return remote.removeprefix("refs/remotes/")
    for branch in DEFAULT_BRANCHES:
        if _out(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}"):
            return branch
    return None


def default_base(root: Path) -> Revision:
    """Where the current branch left the default branch: merge-base of HEAD and that branch."""
    head = resolve_head(root)
    branch = default_branch(root)
    if branch is None:
        raise GitError("no default branch to compare with (no origin/HEAD, main or master); "
                       "name the base revision, e.g. 'nufa diff HEAD~1'")
    base = _out(root, "merge-base", head.commit, branch)
    if not base:
        raise GitError(f"HEAD and {branch} have no common ancestor; name the base revision")
    return Revision(f"merge-base of HEAD and {branch}", base)


def resolve_head(root: Path) -> Revision:
    require_git(root)
    commit = _out(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if not commit:
        raise GitError("the repository has no commits yet; commit the sources first")
    return Revision("HEAD", commit)


def _listing(root: Path, commit: str) -> list[tuple[str, str, str, int]]:
    """(mode, object, path relative to root, size) of every source file at commit."""
    done = _run(root, "ls-tree", "-r", "-l", "-z", commit, "--", *SOURCE_PATHS)
    if done.returncode != 0:
        raise GitError(f"git ls-tree failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    entries = []
    for record in done.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, obj, size = meta.decode().split()
        if kind == "blob":
            entries.append((mode, obj, raw_path.decode("utf-8", "surrogateescape"),
                            int(size) if size.isdigit() else 0))
    return entries


def _safe(rel: str) -> PurePosixPath | None:
    path = PurePosixPath(rel)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts) or "\0" in rel:
        return None
    return path


def _blobs(root: Path, objects: list[str]) -> Iterator[bytes]:
    """Contents of objects, in order, through one `git cat-file --batch`."""
    done = _run(root, "cat-file", "--batch", data="".join(f"{o}\n" for o in objects).encode())
    if done.returncode != 0:
        raise GitError(f"git cat-file failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    out, at = done.stdout, 0
    for _ in objects:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        yield out[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1


def materialize(root: Path, commit: str, dest: Path) -> list[str]:
    """Write the sources at commit under dest; returns the paths that were left out.

    Text sources (YAML, Markdown) are copied. Attachments (PDF, images) and files larger
    than any source can be become sparse files of their size: the loader only asks
    whether an attachment exists, and rejects an over-large source for its size as it
    would in the work tree, so an archive of PDFs costs neither memory nor disk.
    Symbolic links and submodules are left out: a link could point anywhere on this machine.
    """
    skipped, wanted = [], []
    for mode, obj, rel, size in _listing(root, commit):
        path = _safe(rel)
        if path is None or mode == "120000":
            skipped.append(rel)
            continue
        target = dest.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if size > MAX_SOURCE_BYTES or path.suffix.lower() not in TEXT_SOURCES:
            with target.open("wb") as handle:
                handle.truncate(size)
        else:
            wanted.append((obj, target))
    for (_, target), content in zip(wanted, _blobs(root, [o for o, _ in wanted]), strict=True):
        target.write_bytes(content)
    return skipped


@contextmanager
def sources_at(root: Path, revision: Revision) -> Iterator[tuple[Path, list[str]]]:
    """(a temporary folder holding the sources at revision, paths left out); removed on exit."""
    with tempfile.TemporaryDirectory(prefix="nufa-rev-") as tmp:
        dest = Path(tmp) / "repo"
        dest.mkdir()
        yield dest, materialize(root, revision.commit, dest)


def changed_paths(root: Path, revision: Revision, extra: tuple[str, ...] = ()) -> set[str]:
    """Source paths (relative to root) that differ between revision and the work tree.

    Committed, staged and unstaged changes, deletions, and untracked files that git does
    not ignore. Renames count as a deletion plus an addition, so both folders are seen.
    """
    paths = (*SOURCE_PATHS, *extra)
    diff = _run(root, "diff", "--name-only", "--no-renames", "--no-ext-diff", "--relative", "-z",
                revision.commit, "--", *paths)
    untracked = _run(root, "ls-files", "--others", "--exclude-standard", "-z", "--", *paths)
    for done in (diff, untracked):
        if done.returncode != 0:
            raise GitError(f"git failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return {p.decode("utf-8", "surrogateescape")
            for p in diff.stdout.split(b"\0") + untracked.stdout.split(b"\0") if p}
