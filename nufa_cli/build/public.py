"""The public set's bookkeeping: which files of build/<meeting>/offentlig/ were made from
today's public view (model/public.py), so `nufa site` never publishes one built before
something was made skjermet."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from nufa_cli.convert.job import fingerprint
from nufa_cli.model.objects import Meeting, Repository

if TYPE_CHECKING:
    from nufa_cli.build.packet import Packet
    from nufa_cli.render.documents import Document
    from nufa_cli.render.renderer import Renderer

FOLDER = "offentlig"  # build/<meeting>/offentlig/: the public set
STAMP = ".nufa-offentlig.json"  # in FOLDER: file name -> fingerprint of the document it holds

def fingerprints(repo: Repository, meeting: Meeting, renderer: Renderer) -> dict[str, str]:
    """The fingerprint of each file `nufa build` makes of the meeting, by its stem: every
    document and the packet (Packet.fingerprint)."""
    from nufa_cli.build import packet
    from nufa_cli.render.documents import meeting_documents

    documents = meeting_documents(repo, meeting, renderer)
    pk = packet.packet(repo, meeting, renderer,
                       rendered=packet.by_kind((meeting, doc) for doc in documents))
    return {doc.stem: fingerprint(doc) for doc in documents} | {packet.STEM: pk.fingerprint()}


def public_documents(public: Repository, meetings: Sequence[Meeting], renderer: Renderer,
                     only: set[str] | None = None) -> list[tuple[Meeting, Document]]:
    """The public versions of the meetings' documents (public: public_view() of their
    repository), each with its stem under FOLDER/ and with its meeting of the view."""
    from nufa_cli.render.documents import meeting_documents

    found: list[tuple[Meeting, Document]] = []
    for meeting in meetings:
        view = public.meeting(meeting.folder)
        assert view is not None
        found += [(view, replace(doc, stem=f"{FOLDER}/{doc.stem}"))
                  for doc in meeting_documents(public, view, renderer, only)]
    return found


def stamps(out: Path, documents: Iterable[tuple[Meeting, Document]], formats: Sequence[str],
           packets: Iterable[tuple[str, Packet]] = ()) -> dict[str, bytes]:
    """build/<meeting>/offentlig/.nufa-offentlig.json of every meeting with public files.

    It names the document each public file was made from, so `nufa site` can tell a public
    file of today's sources from one built before something was made skjermet (which it
    must not publish). packets: (meeting folder, public packet). Entries of files this build
    does not make are kept as they were.
    """
    from nufa_cli.build.packet import STEM

    entries: dict[str, dict[str, str]] = {}

    def add(folder: str, file: str, made_from: str) -> None:
        if folder not in entries:
            entries[folder] = read_stamp(out / folder / FOLDER)
        entries[folder][file] = made_from

    for meeting, doc in documents:
        if doc.stem.startswith(f"{FOLDER}/"):
            for fmt in formats:
                add(meeting.folder, f"{doc.stem.removeprefix(f'{FOLDER}/')}.{fmt}", fingerprint(doc))
    for folder, pk in packets:
        add(folder, f"{STEM}.pdf", pk.fingerprint())
    return {f"{folder}/{FOLDER}/{STAMP}": (json.dumps(names, indent=1, sort_keys=True) + "\n").encode()
            for folder, names in entries.items()}


def read_stamp(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


def current_files(meeting_out: Path, wanted: dict[str, str]) -> tuple[list[Path], list[Path]]:
    """The files of build/<meeting>/offentlig/ made from exactly the public documents wanted
    names (fingerprints(), by stem), and the others (built from older sources, or by hand):
    (current, out of date)."""
    folder = meeting_out / FOLDER
    if not folder.is_dir():
        return [], []
    stamp = read_stamp(folder)
    current: list[Path] = []
    old: list[Path] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        made_from = stamp.get(path.name)
        (current if made_from and made_from == wanted.get(path.stem) else old).append(path)
    return current, old


__all__ = ["FOLDER", "current_files", "fingerprint", "fingerprints", "public_documents", "stamps"]
