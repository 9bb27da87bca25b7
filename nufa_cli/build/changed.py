"""Which meetings to rebuild after the sources changed since a revision.

`nufa build --changed-since REV` builds these.
"""

from __future__ import annotations

from pathlib import Path

from nufa_cli.core.root import AGENDA, CONFIG, MEETINGS, MEMBERS
from nufa_cli.git.snapshot import Revision, changed_paths, resolve, sources_at
from nufa_cli.model.load import load
from nufa_cli.model.objects import Repository


def changed_meetings(root: Path, rev: str) -> set[str]:
    """Meeting folders whose documents may differ from those built from the sources at rev.

    The rule, applied to the work tree (commits since rev, staged and unstaged edits,
    deletions, and untracked files git does not ignore):

    1. A meeting changed when any file under meetings/<folder>/ changed.
    2. A change to nufa.yaml, medlemmer.yaml or the committee's own templates (`maler:`)
       changes every meeting.
    3. A meeting whose number changed (Møte 2/24 became 3/24 because a meeting before it
       in the year was added, removed or re-dated) changed.
    4. A meeting depends on a changed meeting, and is included, when one of its saker
       attaches that meeting's referat (`vedlegg: - referat: <folder>`) or one of its
       toppnotater names a sak of that meeting under `tidligere_behandlinger` (its title and
       vedtak come from that referat). One level only: a dependant's own sources did not
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
    return changed | _dependants(repo, changed)


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


def _dependants(repo: Repository, changed: set[str]) -> set[str]:
    found = set()
    for meeting in repo.meetings:
        for sak in meeting.saker:
            if any(v.referat in changed for v, _, _ in sak.declared_vedlegg):
                found.add(meeting.folder)
            for entry in sak.toppnotat.meta.tidligere_behandlinger if sak.toppnotat else ():
                source = repo.cited_sak(entry)
                if source and source[0].folder in changed:
                    found.add(meeting.folder)
    return found
