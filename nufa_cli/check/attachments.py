"""Rules over vedlegg files: what the meeting packet would refuse, found with a line."""

from __future__ import annotations

from collections.abc import Iterator

from nufa_cli.core.errors import Diagnostic
from nufa_cli.core.root import inside
from nufa_cli.model.objects import Repository
from nufa_cli.sources import pdf


def pdf_vedlegg(repo: Repository) -> Iterator[Diagnostic]:
    """Every PDF vedlegg is opened and every page taken apart as the packet will draw it in:
    a damaged, encrypted, font-less, too deep or too long PDF fails here, not in the build."""
    for meeting in repo.meetings:
        for sak in meeting.saker:
            for declared, source, at in sak.declared_vedlegg:
                if declared.fil is None or not declared.fil.lower().endswith(".pdf"):
                    continue
                path, _ = inside(meeting.path, declared.fil)
                if path is None or not path.is_file():
                    continue  # vedlegg-path, vedlegg-missing
                try:
                    pdf.validate(path)
                except pdf.PdfProblem as problem:
                    yield source.diagnostic((*at, "fil"), "vedlegg-pdf", str(problem),
                                            "save it again as PDF (or PDF/A), without a "
                                            "password, or attach it by url")
