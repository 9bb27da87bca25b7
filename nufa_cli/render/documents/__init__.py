"""The documents of a meeting: one module per kind decides what it shows, in which order.

Each module builds a declared context (dataclasses) from the model and renders its
template; templates/ only lays the context out.
"""

from __future__ import annotations

from collections.abc import Callable

from nufa_cli.model.objects import Meeting, Repository
from nufa_cli.render.documents import innkalling, referat, saksliste, saksutskrift, toppnotat
from nufa_cli.render.documents.document import Document
from nufa_cli.render.renderer import Renderer

BUILDERS: dict[str, Callable[[Repository, Meeting, Renderer], list[Document]]] = {
    "innkalling": innkalling.documents,
    "saksliste": saksliste.documents,
    "toppnotat": toppnotat.documents,
    "referat": referat.documents,
    "saksutskrift": saksutskrift.documents,
}


KINDS = tuple(BUILDERS)  # in build order


def meeting_documents(repo: Repository, meeting: Meeting, renderer: Renderer,
                      only: set[str] | None = None) -> list[Document]:
    """The meeting's documents of the kinds asked for (all by default), in KINDS order; the
    other targets of a build (build/targets.py: the calendar, the packet) select none."""
    found: list[Document] = []
    for kind in KINDS:
        if only is None or kind in only:
            found += BUILDERS[kind](repo, meeting, renderer)
    return found


__all__ = ["KINDS", "Document", "meeting_documents"]
