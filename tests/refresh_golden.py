"""Rewrite tests/golden/<meeting>/<stem>.md from the sample repository (make golden).

The golden files are the rendered Markdown of every document of the sample repository at
the repository root; tests/test_documents.py compares them exactly. Run this after a
deliberate change to a template or a document context, and review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
sys.path.insert(0, str(ROOT))

from nufa_cli.build import targets  # noqa: E402
from nufa_cli.check.validate import check  # noqa: E402
from nufa_cli.core.errors import format_diagnostics, has_errors  # noqa: E402
from nufa_cli.render.documents import Document, meeting_documents  # noqa: E402
from nufa_cli.render.renderer import Renderer  # noqa: E402


def sample_documents() -> dict[str, Document]:
    """Every document of the sample repository, keyed by "<meeting folder>/<stem>" (the name
    of its built file, build/targets.py)."""
    repo, diagnostics = check(ROOT)
    if has_errors(diagnostics):
        raise SystemExit("the sample repository has errors:\n"
                         + format_diagnostics(diagnostics, "text"))
    renderer = Renderer(repo)
    return {f"{meeting.folder}/{targets.named(doc.kind).stem_of(meeting.folder, doc.sak)}": doc
            for meeting in repo.meetings
            for doc in meeting_documents(repo, meeting, renderer)}


def main() -> int:
    documents = sample_documents()
    wanted = {GOLDEN / f"{key}.md" for key in documents}
    for stale in sorted(set(GOLDEN.rglob("*.md")) - wanted):
        stale.unlink()
        print(f"removed {stale.relative_to(ROOT)}")
    for key, doc in sorted(documents.items()):
        path = GOLDEN / f"{key}.md"
        if path.exists() and path.read_text(encoding="utf-8") == doc.markdown:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc.markdown, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    for folder in sorted((p for p in GOLDEN.iterdir() if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
