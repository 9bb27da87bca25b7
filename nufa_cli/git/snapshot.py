"""The sources as they were at a git revision, read through git without touching the work tree.

Nothing here checks out, stashes or writes the index: a revision's files are listed with
`git ls-tree` and copied blob by blob (`git cat-file --batch`) into a temporary folder,
which `load.load()` then reads like any repository.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from nufa_cli.core.root import SOURCE_PATHS
from nufa_cli.git.run import GitError, checked, output
from nufa_cli.sources.reader import MAX_SOURCE_BYTES

DEFAULT_BRANCHES = ("main", "master")
TEXT_SOURCES = (".yaml", ".yml", ".md")  # what the loader reads as text


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


def require_git(root: Path) -> None:
    if output(root, "rev-parse", "--is-inside-work-tree") != "true":
        raise NotAGitRepository(root)


def resolve(root: Path, rev: str) -> Revision:
    """The commit rev names; UnknownRevision when there is none."""
    require_git(root)
    if not rev.strip() or rev.startswith("-"):  # never let a revision pass as an option
        raise UnknownRevision(rev)
    commit = output(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if not commit:
        raise UnknownRevision(rev)
    return Revision(rev, commit)


def default_branch(root: Path) -> str | None:
    """origin/HEAD's target, else main, else master; None when there is none of them."""
    remote = output(root, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")
    if remote:
        return remote.removeprefix("refs/remotes/")
    for branch in DEFAULT_BRANCHES:
        if output(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}"):
            return branch
    return None


def default_base(root: Path) -> Revision:
    """Where the current branch left the default branch: merge-base of HEAD and that branch."""
    head = resolve_head(root)
    branch = default_branch(root)
    if branch is None:
        raise GitError("no default branch to compare with (no origin/HEAD, main or master); "
                       "name the base revision, e.g. 'nufa diff HEAD~1'")
    base = output(root, "merge-base", head.commit, branch)
    if not base:
        raise GitError(f"HEAD and {branch} have no common ancestor; name the base revision")
    tip = output(root, "rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}")
    # HEAD at the default branch's tip (on main itself): the base is that branch.
    at_tip = base == tip == head.commit
    return Revision(branch if at_tip else f"merge-base of HEAD and {branch}", base)


def resolve_head(root: Path) -> Revision:
    require_git(root)
    commit = output(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if not commit:
        raise GitError("the repository has no commits yet; commit the sources first")
    return Revision("HEAD", commit)


def _listing(root: Path, commit: str,
             paths: tuple[str, ...] = SOURCE_PATHS) -> list[tuple[str, str, str, int]]:
    """(mode, object, path relative to root, size) of every file under paths at commit."""
    entries = []
    for record in _names(checked(root, "ls-tree", "-r", "-l", "-z", commit, "--", *paths)):
        meta, _, rel = record.partition("\t")
        mode, kind, obj, size = meta.split()
        if kind == "blob":
            entries.append((mode, obj, rel, int(size) if size.isdigit() else 0))
    return entries


def _names(out: bytes) -> list[str]:
    """The records of git's -z output, as text (a name that is not UTF-8 kept byte for byte)."""
    return [record.decode("utf-8", "surrogateescape") for record in out.split(b"\0") if record]


def _safe(rel: str) -> PurePosixPath | None:
    path = PurePosixPath(rel)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts) or "\0" in rel:
        return None
    return path


def _blobs(root: Path, objects: list[str]) -> Iterator[bytes]:
    """Contents of objects, in order, through one `git cat-file --batch`."""
    out = checked(root, "cat-file", "--batch", data="".join(f"{o}\n" for o in objects).encode())
    at = 0
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

    Not `git diff REV`: it rewrites .git/index whenever a file's stat changed but not its
    content (after a copy, a checkout or a touch), GIT_OPTIONAL_LOCKS or not. `git
    diff-index` reads the index's stat data without refreshing it, so it names those files
    too; each named file whose content hashes to its blob at revision is then dropped,
    which is the comparison `git diff` makes, without the write.
    """
    paths = (*SOURCE_PATHS, *extra)
    named = set(_names(checked(root, "diff-index", "--name-only", "--no-renames", "--relative",
                               "-z", revision.commit, "--", *paths)))
    untracked = _names(checked(root, "ls-files", "--others", "--exclude-standard", "-z", "--",
                               *paths))
    return (named - _same_content(root, revision, named, paths)) | set(untracked)


def _same_content(root: Path, revision: Revision, named: set[str],
                  paths: tuple[str, ...]) -> set[str]:
    """The files of named whose work-tree content is, after git's filters, their content at
    revision (a changed mode alone reaches no document). Links, folders and missing files
    are never the same."""
    blobs = {rel: obj for mode, obj, rel, _ in _listing(root, revision.commit, paths)
             if rel in named and mode in ("100644", "100755")}
    files = sorted(rel for rel in blobs if (root / rel).is_file() and not (root / rel).is_symlink())
    if not files:
        return set()
    # hash-object reads --stdin-paths from the top of the work tree, wherever it runs, and
    # unquotes a line in double quotes: every name is quoted, so any byte may be in it
    top, prefix = checked(root, "rev-parse", "--show-toplevel", "--show-prefix").split(b"\n")[:2]
    listed = b"".join(_quoted(prefix + rel.encode("utf-8", "surrogateescape")) for rel in files)
    hashes = checked(Path(top.decode("utf-8", "surrogateescape")), "hash-object", "--stdin-paths",
                     data=listed)
    return {rel for rel, obj in zip(files, hashes.decode().split(), strict=True)
            if obj == blobs[rel]}


def _quoted(name: bytes) -> bytes:
    """name as a line git reads in C quoting."""
    escaped = name.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\n", b"\\n")
    return b'"' + escaped + b'"\n'
