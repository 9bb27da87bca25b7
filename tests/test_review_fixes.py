"""Findings of the review that have no test file of their own: the referat's days."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from helpers import AGENDA1, AGENDA1_YAML, FileContent, replace_once, valid_repo

from nufa_cli.check.validate import check
from nufa_cli.render.documents import referat
from nufa_cli.render.renderer import Renderer

LUNSJ = '      - tid: "12:00"\n        tittel: Lunsj\n'
EVENTUELT = ('      - sak: 3/24\n        tid: "09:00"\n        tittel: Eventuelt\n'
             "        type: Orientering\n")


def test_referat_leaves_out_a_day_without_saker(
        make_repo: Callable[[dict[str, FileContent]], Path]) -> None:
    """Sak 3/24 moved to day 1: day 2 has a programme, but no sak, so no table or "Dag 2"."""
    files = valid_repo()
    agenda = replace_once(AGENDA1_YAML, EVENTUELT, '      - tid: "09:00"\n        tittel: Befaring\n')
    files[AGENDA1] = replace_once(agenda, LUNSJ,
                                  LUNSJ + EVENTUELT.replace('"09:00"', '"13:00"'))
    repo, diagnostics = check(make_repo(files))
    assert not [d for d in diagnostics if d.severity == "error"], diagnostics
    meeting = repo.meeting("2024-01-24")
    assert meeting is not None and len(meeting.days) == 2
    markdown = referat.documents(repo, meeting, Renderer(repo))[0].markdown
    assert "**Dag 1**" in markdown and "Dag 2" not in markdown
    assert "Onsdag 24. januar 2024" in markdown and "Torsdag 25. januar 2024" not in markdown
    assert markdown.count("| Sak ") == 1  # one per-day table: day 1's
    assert "3/24" in markdown
