"""The public view of the repository: what of a meeting may be published (offentleglova).

A sak, a toppnotat or a vedlegg marked `skjermet: <legal basis>` is withheld from the
public. public_view() is the repository as the public may see it: the public set that
`nufa build --offentlig` writes to build/<meeting>/offentlig/ is rendered from it by the
same document modules and templates as the members' documents, and the site's pages are
made from it, so the withheld text is simply not there to leak, in any format.

In the public view a skjermet sak keeps its number, title, type, day and time. Its
beskrivelse, sakseier, saksbehandler, toppnotat (no public toppnotat is made) and the
timed parts of its programme are gone; its forslag til vedtak and its referat vedtak read
"Unntatt offentlighet, <basis>", its minutes are empty. A withheld vedlegg (skjermet
itself, or of a skjermet sak) keeps only its number: a title can name what is withheld.
Both versions print the marking where it applies (the templates' `unntatt` filter).
The public packet (packet.py) is made from the view likewise: a withheld vedlegg is a page
with its number and the marking.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import mdtext
from .model import Attachment, Meeting, ReferatSection, Repository, Sak
from .writer import digest

if TYPE_CHECKING:  # render.py uses this module's marking: no import of it at run time
    from .documents import Document
    from .job import Job
    from .packet import Packet
    from .render import Renderer

FOLDER = "offentlig"  # build/<meeting>/offentlig/: the public set
STAMP = ".nufa-offentlig.json"  # in FOLDER: file name -> fingerprint of the document it holds
WITHHELD = "unntatt"  # Attachment.kind of a vedlegg the public view keeps only the number of


def marking(basis: str) -> str:
    """What Norwegian agencies print on withheld content: "Unntatt offentlighet, offl. § 14"."""
    return f"Unntatt offentlighet, {' '.join(basis.split())}"


def marking_markdown(basis: str | None) -> str:
    """The marking as pandoc Markdown (the templates' `unntatt` filter); "" for None."""
    return mdtext.escape(marking(basis)) if basis else ""


def has_skjermet(meeting: Meeting) -> bool:
    return any(sak.skjermet or any(a.skjermet for a in sak.attachments) for sak in meeting.saker)


# -- the view ---------------------------------------------------------------------------------


def public_view(repo: Repository) -> Repository:
    """A copy of repo without anything skjermet: only placeholders where it was."""
    # The sources' parsed YAML holds every text of a file; the view needs none of it (its
    # positions serve diagnostics), so the copy gets None for each instead of a copy.
    memo: dict[int, object] = {id(doc): None for doc in _source_docs(repo)}
    public = copy.deepcopy(repo, memo)
    for meeting in public.meetings:
        for sak in meeting.saker:
            if sak.skjermet:
                _withhold(sak, sak.skjermet)
            sak.attachments = [_attachment(a, a.skjermet or sak.skjermet) for a in sak.attachments]
            sak.declared_vedlegg = []  # numbered into attachments already; holds titles
            if sak.toppnotat:  # its own vedlegg list likewise, read by load.py only
                sak.toppnotat.meta = sak.toppnotat.meta.model_copy(update={"vedlegg": []})
        for day in meeting.days:
            for row in day.rows:
                if row.sak and row.sak.skjermet:
                    row.parts = []  # the titles of its talks would tell what it is about
        if meeting.referat:
            sections = meeting.referat.sections
            for nr, section in sections.items():
                sak = meeting.sak(nr)
                if sak and sak.skjermet:
                    vedtak = marking_markdown(sak.skjermet) if section.vedtak else None
                    sections[nr] = ReferatSection(nr, section.line, "", vedtak)
    return public


def _source_docs(repo: Repository) -> Iterable[object]:
    for meeting in repo.meetings:
        yield meeting.source.doc
        yield from (s.toppnotat.source.doc for s in meeting.saker if s.toppnotat)
        if meeting.referat:
            yield meeting.referat.source.doc


def _withhold(sak: Sak, basis: str) -> None:
    sak.beskrivelse = None  # the documents print the marking in its place
    sak.forslag_til_vedtak = marking_markdown(basis) if sak.forslag_til_vedtak else None
    sak.sakseier = sak.saksbehandler = None  # from the toppnotat, which is withheld
    sak.toppnotat = None


def _attachment(item: Attachment, basis: str | None) -> Attachment:
    if not basis:
        return item
    return Attachment(item.label, "", WITHHELD, "", basis)


# -- the public set ---------------------------------------------------------------------------


def fingerprint(doc: Document | Job) -> str:
    """What a document shows: not when, where or from which commit it was built."""
    return digest(doc.markdown, doc.title, doc.header)


def fingerprints(repo: Repository, meeting: Meeting, renderer: Renderer) -> dict[str, str]:
    """The fingerprint of each file `nufa build` makes of the meeting, by its stem: every
    document and the packet (Packet.fingerprint)."""
    from . import packet
    from .documents import meeting_documents

    documents = meeting_documents(repo, meeting, renderer)
    pk = packet.packet(repo, meeting, renderer,
                       rendered=packet.by_kind((meeting, doc) for doc in documents))
    return {doc.stem: fingerprint(doc) for doc in documents} | {packet.STEM: pk.fingerprint()}


def public_documents(public: Repository, meetings: Sequence[Meeting], renderer: Renderer,
                     only: set[str] | None = None) -> list[tuple[Meeting, Document]]:
    """The public versions of the meetings' documents (public: public_view() of their
    repository), each with its stem under FOLDER/ and with its meeting of the view."""
    from .documents import meeting_documents

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
    from .packet import STEM

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
    current, old = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        made_from = stamp.get(path.name)
        (current if made_from and made_from == wanted.get(path.stem) else old).append(path)
    return current, old


__all__ = ["FOLDER", "WITHHELD", "current_files", "fingerprint", "fingerprints", "has_skjermet",
           "marking", "marking_markdown", "public_documents", "public_view", "stamps"]
