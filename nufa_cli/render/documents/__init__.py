"""The documents of a meeting: one module per kind decides what it shows, in which order.

Each module builds a declared context (dataclasses) from the model and renders its
template; templates/ only lays the context out.
"""

from __future__ import annotations

from collections.abc import Callable

from nufa_cli.build.targets import ALL_KINDS
from nufa_cli.build.targets import DOCUMENT_KINDS as KINDS
from nufa_cli.core.errors import NufaError
from nufa_cli.model.objects import Meeting, Repository
from nufa_cli.render.documents import innkalling, referat, saksliste, toppnotat
from nufa_cli.render.documents.document import Document
from nufa_cli.render.renderer import Renderer

BUILDERS: dict[str, Callable[[Repository, Meeting, Renderer], list[Document]]] = {
    "innkalling": innkalling.documents,
    "saksliste": saksliste.documents,
    "toppnotat": toppnotat.documents,
    "referat": referat.documents,
}


class UnknownKind(NufaError):
    exit_code = 2


def meeting_documents(repo: Repository, meeting: Meeting, renderer: Renderer,
                      only: set[str] | None = None) -> list[Document]:
    """The meeting's documents of the kinds asked for (all by default), in KINDS order; the
    other kinds of output (kalender, sakspapirer) select no document."""
    unknown = set(only or ()) - set(ALL_KINDS)
    if unknown:
        raise UnknownKind(f"unknown kind(s) {', '.join(sorted(unknown))}; "
                          f"choose from {', '.join(ALL_KINDS)}")
    found: list[Document] = []
    for kind in KINDS:
        if only is None or kind in only:
            found += BUILDERS[kind](repo, meeting, renderer)
    return found


__all__ = ["KINDS", "Document", "meeting_documents"]
