"""Which meetings to rebuild after the sources changed since a revision.

`nufa build --changed-since REV` builds these.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from nufa_cli.build import targets
from nufa_cli.core.root import AGENDA, CONFIG, MEETINGS, MEMBERS
from nufa_cli.git.snapshot import Revision, changed_paths, resolve, sources_at
from nufa_cli.model.load import load
from nufa_cli.model.objects import Repository


def changed_meetings(root: Path, rev: str, kinds: Iterable[str] | None = None) -> set[str]:
    """Meeting folders whose documents may differ from those built from the sources at rev.

    The rule, applied to the work tree (commits since rev, staged and unstaged edits,
    deletions, and untracked files git does not ignore):

    1. A meeting changed when any file under meetings/<folder>/ changed.
    2. A change to nufa.yaml, medlemmer.yaml or the committee's own templates (`maler:`)
       changes every meeting.
    3. A meeting whose number changed (Møte 2/24 became 3/24 because a meeting before it
       in the year was added, removed or re-dated) changed.
    4. A meeting depends on a changed meeting, and is included, when a file of the kinds
       asked for (all by default) shows that meeting's sources: each target declares whose
       (build/targets.py: `shows`). The innkalling, the saksliste and the packet name a
       referat vedlegg (`vedlegg: - referat: <folder>`) by that meeting's dates; a toppnotat,
       and the packet holding it, prints the title, vedtak and day of the saker it names
       under `tidligere_behandlinger`; the referat and its saksutskrifter print the approval
       by a later meeting with a referat of its own. One level only: a dependant's own sources did not
       change, so what depends on it did not either.

    Only meetings that exist in the work tree are returned: a deleted one has nothing to build.
    Raises UnknownRevision (exit 2) for a revision git does not know.
    """
    revision = resolve(root, rev)
    repo, _ = load(root)
    maler = _inside(repo.committee.maler, repo.root)
    paths = changed_paths(root, revision, (maler,) if maler else ())
    current = {m.folder for m in repo.meetings}
    if any(p in (CONFIG, MEMBERS) or (maler and (p == maler or p.startswith(f"{maler}/")))
           for p in paths):
        return current
    changed = {p.split("/")[1] for p in paths if p.startswith(f"{MEETINGS}/") and p.count("/") >= 2}
    if any(p.endswith(f"/{AGENDA}") for p in paths):  # only agendas decide meeting numbers
        changed |= _renumbered(root, revision, repo)
    changed &= current
    return changed | _dependants(repo, changed, kinds)


def _inside(path: Path | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:  # templates outside the repository are not its sources
        return None


def _renumbered(root: Path, revision: Revision, repo: Repository) -> set[str]:
    with sources_at(root, revision) as (folder, _):
        before, _ = load(folder)
    numbers = {m.folder: m.number for m in before.meetings}
    return {m.folder for m in repo.meetings if numbers.get(m.folder, m.number) != m.number}


def _dependants(repo: Repository, changed: set[str], kinds: Iterable[str] | None) -> set[str]:
    wanted = None if kinds is None else set(kinds)
    chosen = [t for t in targets.TARGETS if wanted is None or t.kind in wanted]
    return {meeting.folder for meeting in repo.meetings
            if any(folder in changed for t in chosen for folder in t.shows(repo, meeting))}
