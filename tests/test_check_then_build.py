"""Whatever check accepts, the build builds: hypothesis writes Markdown and YAML values, runs
nufa check and, when check passes, the real build (pandoc and typst); a build that then
fails is a gap in check, which would otherwise tell the secretariat nothing of where."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from helpers import AGENDA2, TOPPNOTAT, TOPPNOTAT_MD, replace_once, valid_repo, write_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nufa_cli.build.orchestrator import build
from nufa_cli.check.validate import check
from nufa_cli.core.errors import has_errors

pytestmark = pytest.mark.render

SAFE = ["# ", "## ", "### ", "- ", "  - ", "1. ", "> ", "```", "    ", "***", "---", "**", "*",
        "_", "`", "{#a}", "{.x}", "[lenke](https://example.org)", "![Figur](figur.png)", "](",
        "[", "]", ":::", "\n", "\n\n", " ", "æøå", "–", "«»", "§", "…", "\t", "\u00a0", "=",
        "+", "<", "&", "~", "Helsedirektoratet", "tekst", "tekst", "\n\n", "\n"]
RISKY = ["#### ", ">> ", "| a | b |\n|---|---|\n| 1 | 2 |\n", "[^1]", "[^1]: note\n", "<div>",
         "</div>", "<b>", "<!-- c -->", "{#b}", "[js](javascript:alert(1))", "![",
         "![](figur.png)", "::: {.merknad}", "\u2028", "🙂", "\u0301", "\x1b[31m"]
MARKDOWN = st.sampled_from(SAFE * 3 + RISKY)  # mostly what check accepts, so the build runs
TEXT = st.lists(st.sampled_from(["Oslo", "æøå", " ", "–", "*", "[", "#", ":", "'", "\u2028",
                                 "Helse Nord", "<b>", "\\", "9" * 20, "\x1b[2J", "漢"]),
                min_size=1, max_size=6).map("".join)


def _yaml(value: str) -> str:
    """value as a YAML double-quoted scalar (which holds no raw control character)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\u2028", "\\L").replace("\x1b", "\\e") + '"'


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(MARKDOWN, min_size=1, max_size=15).map("".join), sted=TEXT,
       tittel=TEXT, forslag=st.lists(MARKDOWN, min_size=1, max_size=6).map("".join))
def test_what_check_accepts_builds(body: str, sted: str, tittel: str, forslag: str) -> None:
    files = valid_repo()
    files[TOPPNOTAT] = TOPPNOTAT_MD + "\n" + body + "\n"
    files["meetings/2024-04-24/figur.png"] = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a7300000010494441"
        "54789c63f8cfc000440c100a001fee03fd8b5f14d40000000049454e44ae426082")
    agenda = str(files[AGENDA2])
    agenda = replace_once(agenda, "sted: Scandic Ishavshotel, Tromsø", f"sted: {_yaml(sted)}")
    agenda = replace_once(agenda, "tittel: Helse i nord", f"tittel: {_yaml(tittel)}")
    agenda = replace_once(agenda, "forslag_til_vedtak: NUFA godkjenner innkalling, dagsorden og "
                          "referatet fra januar.", f"forslag_til_vedtak: {_yaml(forslag)}")
    files[AGENDA2] = agenda
    with tempfile.TemporaryDirectory() as tmp:
        root = write_repo(Path(tmp) / "repo", files)
        _, diagnostics = check(root)
        if has_errors(diagnostics):
            return
        build(root, meetings=["2024-04-24"], only={"toppnotat", "saksliste"}, out=Path(tmp) / "out")
