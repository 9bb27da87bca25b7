"""Each document's revision and build date, from its own sources.

A document's footer says which commit of the sources it was made from and when it was
built ("Versjon 1a2b3c4, bygget 24.04.2024", "+ endringer" when the work tree differs), and
its files are dated by that time. Both come from the document's own sources, declared per
kind in targets.py (`reads`): the last commit that changed one of them, and whether one of
them differs in the work tree. So a commit rewrites only the documents whose sources it
touched, and the stamp of an unchanged document stays as it was; editing one toppnotat
rewrites that toppnotat and its meeting's packet, not the other 27 files of the sample.

Of a toppnotat that a document shows only through its front matter (the sak's title, type
and vedlegg in the saksliste), only the front matter counts: editing its body does not
move the saksliste's revision (`git log -L` over the front matter's lines).

What a document derives from the repository as a whole (a meeting's number counts the
year's earlier meetings) is in its Markdown, so a change there rebuilds it; its revision
stays that of its own sources.

SOURCE_DATE_EPOCH, when set, is every document's build time. Without git (or before the
first commit of a document's sources) there is no revision to print; the build time is
SOURCE_DATE_EPOCH, the repository's last commit or a fixed date, and the footer claims no
date that is only the fixed one.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nufa_cli.core import nbdates
from nufa_cli.core.errors import NufaError
from nufa_cli.core.root import SOURCE_PATHS
from nufa_cli.git.info import (
    Commit,
    changed_files,
    committed_text,
    file_history,
    last_commit_of_lines,
)

if TYPE_CHECKING:
    from nufa_cli.core.lang import Catalogue
    from nufa_cli.sources.schema import Bunntekst

FALLBACK_EPOCH = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())
END_EPOCH = int(dt.datetime(2108, 1, 1, tzinfo=dt.UTC).timestamp())  # a zip (DOCX) date ends 2107
FRONT_MATTER_LINES = "/^---/,/^---/"  # `git log -L`: from the opening fence to the closing one


class BadSourceDateEpoch(NufaError):
    exit_code = 2

    def __init__(self, value: str) -> None:
        super().__init__(f"SOURCE_DATE_EPOCH={value} is not a usable build time: give whole "
                         "seconds since 1970-01-01 UTC, before 2108 (the last year a DOCX file "
                         "can be dated), or unset it")


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH when set; BadSourceDateEpoch when it is not a usable time."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 20 and int(value) < END_EPOCH):
        raise BadSourceDateEpoch(value)
    return int(value)


@dataclass(frozen=True)
class Sources:
    """What a document is made from, as paths relative to the repository."""

    files: frozenset[str] = frozenset()  # read whole
    front_matters: frozenset[str] = frozenset()  # Markdown files read for their front matter

    def __or__(self, other: Sources) -> Sources:
        files = self.files | other.files
        return Sources(files, (self.front_matters | other.front_matters) - files)


def whole(*paths: str) -> Sources:
    return Sources(frozenset(paths))


def front_matter(*paths: str) -> Sources:
    return Sources(front_matters=frozenset(paths))


@dataclass(frozen=True)
class Stamp:
    revision: str | None  # short hash of the sources' last commit; None: none, or no git
    dirty: bool  # the work tree differs from it in one of the sources
    epoch: int  # the build time: what the footer prints and the files are dated
    dated: bool  # the epoch is a real time (git's or SOURCE_DATE_EPOCH), not the fallback

    def note(self, texts: Catalogue, shows: Bunntekst = "begge") -> str:
        """The footer's note beside "Side N av M", in the words of texts: what nufa.yaml's
        bunntekst asks for of the revision and the build date; what is not known (no git,
        no true date) is left out."""
        if shows == "ingen":
            return ""
        built = nbdates.numeric(dt.datetime.fromtimestamp(self.epoch, dt.UTC).date())
        if self.revision is None or shows == "dato":
            return texts("bygget", dato=built) if self.dated and shows != "revisjon" else ""
        version = texts("med_endringer", versjon=self.revision) if self.dirty else self.revision
        if shows == "revisjon":
            return texts("versjon", versjon=version)
        return texts("versjon_bygget", versjon=version, dato=built)


class History:
    """What git says of the sources, asked once per build: one `git log` for every file's
    last commit, one `git status`, and `git log -L` only where a front matter's last change
    could be newer than the rest of a document's sources."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.override = source_date_epoch()
        log = file_history(root, SOURCE_PATHS) or []
        self._commits = [commit for commit, _ in log]
        self._position = {commit.full: i for i, commit in enumerate(self._commits)}
        self._last: dict[str, int] = {}  # file -> position of its last commit in _commits
        for i, (_, names) in enumerate(log):
            for name in names:
                self._last.setdefault(name, i)
        self._changed = (changed_files(root, SOURCE_PATHS) or {}) if log else {}
        self._untracked_folders = tuple(p for p in self._changed if p.endswith("/"))
        self._front_matter_commits: dict[frozenset[str], int | None] = {}
        self._stamps: dict[Sources, Stamp] = {}

    @property
    def epoch(self) -> int:
        """The build time of the repository as a whole: its latest commit."""
        if self.override is not None:
            return self.override
        return self._commits[0].time if self._commits else FALLBACK_EPOCH

    def stamp(self, sources: Sources) -> Stamp:
        if sources not in self._stamps:
            self._stamps[sources] = self._stamp(sources)
        return self._stamps[sources]

    def _stamp(self, sources: Sources) -> Stamp:
        latest = min(self._positions(sources.files), default=None)
        newer = frozenset(path for path in sources.front_matters
                          if (at := self._last.get(path)) is not None
                          and (latest is None or at < latest))
        if newer:  # the file changed after the rest: did its front matter?
            at = self._front_matter_commit(newer)
            latest = at if latest is None else min(latest, at)
        dirty = (any(map(self._differs, sources.files))
                 or any(map(self._front_matter_differs, sources.front_matters)))
        commit: Commit | None = None if latest is None else self._commits[latest]
        epoch = self.override if self.override is not None else (
            commit.time if commit else self.epoch)
        dated = self.override is not None or epoch != FALLBACK_EPOCH
        return Stamp(commit.short if commit else None, dirty, epoch, dated)

    def _positions(self, paths: frozenset[str]) -> list[int]:
        return [self._last[path] for path in paths if path in self._last]

    def _front_matter_commit(self, paths: frozenset[str]) -> int:
        if paths not in self._front_matter_commits:
            full = last_commit_of_lines(self.root, [(p, FRONT_MATTER_LINES) for p in sorted(paths)])
            self._front_matter_commits[paths] = self._position.get(full or "")
        found = self._front_matter_commits[paths]
        # git could not follow the lines (no front matter in HEAD's file): the whole files
        return found if found is not None else min(self._positions(paths))

    def _differs(self, path: str) -> bool:
        return path in self._changed or path.startswith(self._untracked_folders)

    def _front_matter_differs(self, path: str) -> bool:
        if not self._differs(path):
            return False
        if self._changed.get(path) not in (" M", "M ", "MM"):  # new, renamed or gone
            return True
        try:
            now = (self.root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return True
        committed = committed_text(self.root, path)
        return committed is None or _front(now) != _front(committed)


def _front(text: str) -> str | None:
    """The front matter block of a Markdown text, fences included; None without one."""
    from nufa_cli.sources.reader import FRONT_MATTER_FENCE  # with YAML: only when asked

    first = FRONT_MATTER_FENCE.match(text)
    closing = FRONT_MATTER_FENCE.search(text, first.end()) if first else None
    return text[: closing.end()] if closing else None
