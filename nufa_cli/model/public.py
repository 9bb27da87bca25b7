"""The public view of the repository: what of a meeting may be published (offentleglova).

A sak, a toppnotat or a vedlegg marked `skjermet: <legal basis>` is withheld from the
public. public_view() is the repository as the public may see it: the public set that
`nufa build --offentlig` writes to build/<meeting>/offentlig/ (build/targets.py) is rendered
from it by the same document modules and templates as the members' documents, and the
site's pages are made from it, so the withheld text is simply not there to leak, in any format.

In the public view a skjermet sak keeps its number, title, type, day and time; its title is
its `offentlig_tittel` where it has one (the title with the withheld words written as
******), in every public output alike: documents, packet, calendar and site. Its
beskrivelse, sakseier, saksbehandler, toppnotat (no public toppnotat is made) and the
timed parts of its programme are gone; its forslag til vedtak and its referat vedtak read
"Unntatt offentlighet, <basis>", its minutes and protokolltilførsel are empty, and the
grunnlag of a member inhabil there is left out; its vote stays, as every sak's does. A sak
treated in a closed session (`lukket`) keeps its vedtak and vote, not its minutes: the
protokoll says "Behandlet i lukket møte, <basis>" instead. A withheld vedlegg (skjermet
itself, or of a skjermet sak) keeps only its number and its `offentlig_tittel`, if any: a
title can name what is withheld.
Both versions print the marking where it applies (the templates' `unntatt` filter).
The public packet (build/packet.py) is made from the view likewise: a withheld vedlegg is
a page with its number and the marking.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import replace

from nufa_cli.core.lang import Catalogue
from nufa_cli.model.objects import Attachment, Meeting, Repository, Sak
from nufa_cli.sources.markdown import escape

WITHHELD = "unntatt"  # Attachment.kind of a vedlegg the public view keeps only the number of


def marking(basis: str, texts: Catalogue) -> str:
    """What Norwegian agencies print on withheld content: "Unntatt offentlighet, offl. § 14"."""
    return texts.marking(basis)


def marking_markdown(basis: str | None, texts: Catalogue) -> str:
    """The marking as pandoc Markdown (the templates' `unntatt` filter); "" for None."""
    return escape(marking(basis, texts)) if basis else ""


def has_skjermet(meeting: Meeting, repo: Repository | None = None) -> bool:
    """Anything of the meeting withheld: a sak, a vedlegg, the minutes of a sak treated in a
    closed session, or (given the repository) its referat, which a vedlegg of another
    meeting marks skjermet."""
    return any(sak.skjermet or sak.lukket or any(a.skjermet for a in sak.attachments)
               for sak in meeting.saker) or (repo is not None and
                                             meeting.folder in withheld_referater(repo))


def withheld_referater(repo: Repository) -> set[str]:
    """Meetings whose referat a vedlegg marks skjermet (`- referat: 2024-01-24` with
    `skjermet:`): the referat is withheld wherever it is published, under its own meeting too."""
    return {a.target for meeting in repo.meetings for sak in meeting.saker
            for a in sak.attachments if a.kind == "referat" and a.skjermet}



def public_view(repo: Repository) -> Repository:
    """A copy of repo without anything skjermet: only placeholders where it was."""
    # The sources' parsed YAML holds every text of a file; the view needs none of it (its
    # positions serve diagnostics), so the copy gets None for each instead of a copy.
    memo: dict[int, object] = {id(doc): None for doc in _source_docs(repo)}
    public = copy.deepcopy(repo, memo)
    secret_referater = withheld_referater(repo)
    texts = repo.committee.lang
    for meeting in public.meetings:
        for sak in meeting.saker:
            if sak.skjermet:
                _withhold(sak, sak.skjermet, texts)
                sak.tittel = sak.offentlig_tittel or sak.tittel
            sak.attachments = [_attachment(a, a.skjermet or sak.skjermet) for a in sak.attachments]
            sak.declared_vedlegg = []  # numbered into attachments already; holds titles
            if sak.toppnotat:  # its own vedlegg list likewise, read by load.py only
                sak.toppnotat.meta = sak.toppnotat.meta.model_copy(update={"vedlegg": []})
        for day in meeting.days:
            for row in day.rows:
                if row.sak and row.sak.skjermet:
                    row.parts = []  # the titles of its talks would tell what it is about
                    row.tittel = row.sak.tittel  # a copy of the sak's, made when loaded
        if meeting.folder in secret_referater:
            meeting.referat = None  # no public referat: not its text, not its vedtak
        if meeting.referat:
            _withhold_minutes(meeting, texts)
    return public


def _withhold_minutes(meeting: Meeting, texts: Catalogue) -> None:
    """The referat of the public view: every sak keeps its vote (derived from the front
    matter, which stays); a skjermet sak's minutes and protokolltilførsel are gone and its
    vedtak is the marking, and the grunnlag of an inhabil member there is left out; a sak
    treated in a closed session (lukket) keeps its vedtak, and its minutes are gone (the
    protokoll says "Behandlet i lukket møte", in both versions)."""
    assert meeting.referat is not None
    meeting.referat.body = ""  # the whole text, as read: check's, never printed from
    sections = meeting.referat.sections
    for nr, section in sections.items():
        owner = meeting.sak(nr)
        if owner and owner.skjermet:
            vedtak = marking_markdown(owner.skjermet, texts) if section.vedtak else None
            sections[nr] = replace(section, minutes="", vedtak=vedtak, protokolltilførsel=None)
        elif owner and owner.lukket:
            sections[nr] = replace(section, minutes="")
    hidden = {sak.nr for sak in meeting.saker if sak.skjermet}
    facts = meeting.referat.protokoll
    meeting.referat.protokoll = replace(facts, disqualified=tuple(
        replace(d, grunnlag=None) if any(r.nr in hidden for r in d.saker) else d
        for d in facts.disqualified))


def _source_docs(repo: Repository) -> Iterable[object]:
    for meeting in repo.meetings:
        yield meeting.source.doc
        yield from (s.toppnotat.source.doc for s in meeting.saker if s.toppnotat)
        if meeting.referat:
            yield meeting.referat.source.doc


def _withhold(sak: Sak, basis: str, texts: Catalogue) -> None:
    sak.beskrivelse = None  # the documents print the marking in its place
    sak.forslag_til_vedtak = marking_markdown(basis, texts) if sak.forslag_til_vedtak else None
    sak.sakseier = sak.saksbehandler = None  # from the toppnotat, which is withheld
    sak.toppnotat = None


def _attachment(item: Attachment, basis: str | None) -> Attachment:
    if not basis:
        return item
    return Attachment(item.label, item.offentlig_tittel or "", WITHHELD, "", basis)


__all__ = ["WITHHELD", "has_skjermet", "marking", "marking_markdown", "public_view",
           "withheld_referater"]
