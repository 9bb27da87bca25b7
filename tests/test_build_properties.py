"""Whatever Markdown a secretariat writes, `build` either writes documents or says why.

Check accepts any Markdown body; pandoc and typst then meet it. A failure must be a
NufaError naming the document (exit 1 in the CLI), never another exception, and it
must leave the output folder as it was.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from helpers import TOPPNOTAT, TOPPNOTAT_MD, valid_repo, write_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nufa_cli.build.orchestrator import build
from nufa_cli.core.errors import NufaError

pytestmark = pytest.mark.render

# Markdown's own characters and constructs, mixed with Norwegian text and odd code points
PIECES = st.sampled_from([
    "# ", "## ", "### ", "#### ", "- ", "1. ", "1) ", "> ", "```", "~~~", "    ", "| a | b |\n|---|---|\n",
    "[^1]", "[^1]: note\n", "**", "*", "_", "`", "<b>", "</b>", "<!--", "-->", "{=typst}",
    "#set page(width: 1cm)", "$x$", "\\", "@ref", "{{ 7*7 }}", "{% if %}", "![alt](", ")",
    "[lenke](https://example.org)", "<https://example.org>", ":::", "::: {.pagebreak}",
    "\n", "\n\n", " ", "æøå ÆØÅ", "–", "«", "»", "§", "…", "\t", "\u00a0", "\u2028", "🙂",
    "漢字", "\u0301", "Helsedirektoratet", "1.", "=", "+", "<", ">", "&", "%", "~",
])
BODY = st.lists(PIECES, min_size=1, max_size=30).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BODY)
def test_any_toppnotat_body_builds_or_fails_cleanly(body: str) -> None:
    files = valid_repo()
    files[TOPPNOTAT] = TOPPNOTAT_MD + "\n" + body + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        root = write_repo(Path(tmp) / "repo", files)
        out = Path(tmp) / "out"
        try:
            build(root, meetings=["2024-04-24"], only={"toppnotat"}, out=out)
        except NufaError as error:
            assert error.message
            assert not [p for p in out.rglob("*.pdf")]  # nothing half-written
            return
        assert sorted(p.name for p in out.rglob("toppnotat-*")) == [
            "toppnotat-5-24.docx", "toppnotat-5-24.pdf"]
