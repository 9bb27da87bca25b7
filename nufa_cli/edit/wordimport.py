"""`nufa import DOCX MEETING`: a toppnotat written in Word becomes a source.

The DOCX is read by pandoc (convert/wordreader.py) and taken apart the way nufa puts its
own toppnotat together (templates/toppnotat.md.j2): the header block, as a two-column
table (as a Word user writes it) or as nufa's own "Docheader" paragraphs, goes to the
front matter by the labels the committee's language catalogue gives them; the paragraph in the style
Title is the tittel; the section "Forslag til vedtak" the forslag_til_vedtak; the table of
earlier treatments the tidligere_behandlinger; the rest is the body, as Markdown, its
images copied to toppnotater/<name>-bilder/ with their alt text.

With no Saksnummer the toppnotat is a new sak, added as `nufa new sak` adds one
(scaffold.new_sak); with the number of a sak of the meeting that has no toppnotat, it
becomes that sak's. Nothing is overwritten. Comments and tracked changes stop the import
(they must be resolved in Word first); what cannot be carried over is listed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ruamel.yaml.nodes import MappingNode

from nufa_cli.convert.wordreader import MEDIA_TYPES, Block, WordReader, inspect, media
from nufa_cli.core import nbdates
from nufa_cli.core.lang import Catalogue
from nufa_cli.edit.changeset import Changeset
from nufa_cli.edit.scaffold import (
    NOTES,
    NewSak,
    Outcome,
    Refused,
    UsageProblem,
    find_meeting,
    load_for_edit,
    new_sak,
    note_name,
)
from nufa_cli.edit.yamledit import append_entry, block, child, compose, scalar
from nufa_cli.model.objects import Meeting, Repository, Sak, SakNr

IMAGES = "-bilder"  # toppnotater/<name>-bilder/: the images of toppnotater/<name>.md
# The header block's labels (templates/toppnotat.md.j2), by their key in the language
# catalogue: the field of the toppnotat each gives.
HEADER = {"til": "meeting_number", "dato": "dato", "saksnummer": "nr",
          "innretning": "type", "sakseier": "sakseier", "saksbehandler": "saksbehandler",
          "offentlighet": "skjermet", "arkivsak": "arkivsak", "møteoffentlighet": "lukket"}
FORSLAG, EARLIER = "forslag_til_vedtak", "vedtak_fra_tidligere_behandlinger_i_rådsmodellen"


@dataclass(frozen=True)
class Words:
    """What a toppnotat prints, in the committee's words, to find it again in a DOCX."""

    texts: Catalogue
    labels: dict[str, str]  # a header label, folded (_fold) -> its field (HEADER's values)
    forslag: str  # the heading over the forslag til vedtak, folded
    earlier: str  # the heading over the table of earlier treatments, folded


def words_of(texts: Catalogue) -> Words:
    """The labels and headings toppnotat.md.j2 prints, from the committee's catalogue."""
    return Words(texts, {_fold(texts(key)): name for key, name in HEADER.items()},
                 _fold(texts(FORSLAG)), _fold(texts(EARLIER)))


def _fold(text: str) -> str:
    """A label or heading as compared: spaces joined, a final colon dropped, any case."""
    return " ".join(text.split()).rstrip(":").strip().casefold()


# -- the layout of the DOCX ------------------------------------------------------------------

@dataclass
class Layout:
    """Which blocks of the DOCX are what."""

    header: dict[str, str] = field(default_factory=dict)  # field -> value as printed
    tittel: str | None = None
    forslag: list[int] = field(default_factory=list)  # blocks of forslag til vedtak
    body: list[int] = field(default_factory=list)  # the rest of the text
    earlier: list[tuple[str, ...]] = field(default_factory=list)  # the table's rows, header off
    top: int = 1  # the level of the document's top headings
    notes: list[str] = field(default_factory=list)


def layout(blocks: Sequence[Block], words: Words, title: str = "") -> Layout:
    """Header block and title (before the first heading, in either order), then the sections
    under the top headings. title: what pandoc took for the metadata's title."""
    found = Layout(tittel=" ".join(title.split()) or None)
    headings = [b for b in blocks if b.kind == "Header"]
    first = headings[0].index if headings else len(blocks)
    found.top = min((b.level for b in headings), default=1)
    leading: list[Block] = []
    for item in blocks[:first]:
        if item.kind == "Table" and not found.header and _header_table(item, words, found):
            continue
        if item.kind == "Div" and _fold(item.style) == "docheader" and item.label is not None:
            name = words.labels.get(_fold(item.label))
            if name:
                found.header[name] = (item.value or "").strip()
            else:
                found.notes.append(f"the header line '{item.label}' has no place in a toppnotat")
            continue
        if found.tittel is None and item.kind == "Div" and _fold(item.style) == "title":
            found.tittel = " ".join(item.text.split())
            continue
        if item.text.strip() or item.kind not in ("Para", "Plain", "Div"):
            leading.append(item)
    if found.tittel is None and leading and leading[0].kind in ("Para", "Plain", "Div"):
        found.tittel = " ".join(leading.pop(0).text.split())  # no Title style: the first line
    found.body = [b.index for b in leading]
    section: str | None = None
    for item in blocks[first:]:
        if item.kind == "Header" and item.level == found.top:
            section = _fold(item.text)
            if section not in (words.forslag, words.earlier):
                found.body.append(item.index)
            continue
        if section == words.forslag:
            found.forslag.append(item.index)
        elif section == words.earlier:
            if item.kind == "Table" and not found.earlier:
                found.earlier = [row for row in item.rows[1:] if any(c.strip() for c in row)]
            elif item.text.strip():
                found.notes.append(f"text beside the table of earlier treatments: "
                                   f"'{_short(item.text)}'")
        else:
            found.body.append(item.index)
    return found


def _header_table(item: Block, words: Words, found: Layout) -> bool:
    """A two-column table of the template's labels: its rows go to found.header."""
    rows = [row for row in item.rows if len(row) >= 2]
    named = [(words.labels.get(_fold(row[0])), row) for row in rows]
    if len(rows) != len(item.rows) or sum(1 for name, _ in named if name) < 2:
        return False
    for name, row in named:
        if name:
            found.header[name] = " ".join(" ".join(row[1:]).split())
        else:
            found.notes.append(f"the header row '{row[0]}' has no place in a toppnotat")
    return True


def _short(text: str) -> str:
    words = text.split()
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "")


# -- the toppnotat ---------------------------------------------------------------------------

@dataclass
class Imported:
    """What the DOCX gives the toppnotat, its images not yet placed."""

    data: bytes
    layout: Layout
    images: list[str]  # the image sources pandoc names
    notes: list[str]

    def value(self, name: str) -> str | None:
        return self.layout.header.get(name) or None


def read(reader: WordReader, path: Path, words: Words) -> Imported:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageProblem(f"cannot read {path}: {error.strerror}") from error
    findings = inspect(data)
    if findings.refused:
        raise Refused(f"{path.name} has {' and '.join(findings.refused)}: accept or reject the "
                      "changes and delete the comments in Word, save, and import again")
    reading = reader.read(data)
    found = layout(reading.blocks, words, reading.title)
    notes = [f"not carried over: {what}" for what in findings.dropped]
    notes += [f"pandoc: {warning}" for warning in reading.warnings] + found.notes
    return Imported(data, found, reading.images, notes)


def _markdown(reader: WordReader, imported: Imported, toppnotat: str
              ) -> tuple[str, str, dict[str, bytes]]:
    """(forslag til vedtak, body) as Markdown, and the images to write (meeting-relative)."""
    folder = PurePosixPath(toppnotat).with_suffix("").as_posix() + IMAGES
    renamed: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for src in imported.images:
        name = PurePosixPath(src).name
        content = media(imported.data, src) if PurePosixPath(name).suffix.lower() in MEDIA_TYPES \
            else None
        if content is None:
            imported.notes.append(f"not carried over: the image {name} (nufa's documents take "
                                  "PNG, JPEG, GIF or SVG)")
            continue
        renamed[src] = f"{folder}/{name}"
        files[renamed[src]] = content
    found = imported.layout  # of the document the reader read last
    forslag = reader.markdown(found.forslag, -found.top, renamed)
    body = reader.markdown(found.body, 2 - found.top, renamed)
    if re.search(r"!\[\]\(", forslag + body):
        imported.notes.append("an image has no alt text: write one between the brackets "
                              "(the PDF needs it)")
    return forslag, body, files


def _front_matter(nr: SakNr, tittel: str, type: str, imported: Imported, forslag: str,
                  repo: Repository, meeting: Meeting, taken: Sak | None = None) -> str:
    """The toppnotat's front matter; for a sak of the agenda (`taken`) without the keys the
    agenda row gives (they stay there: a key in both places must agree)."""
    lines = ["---", f"sak: {nr}", f"tittel: {scalar(tittel)}", f"type: {scalar(type)}"]
    for key in ("sakseier", "saksbehandler"):
        value = imported.value(key)
        lines.append(f"{key}: {scalar(value)}" if value else f"{key}:")
    lines.append("beskrivelse:  # the short text in the innkalling's saksliste")
    if forslag and not (taken and taken.forslag_til_vedtak):
        lines.append(f"forslag_til_vedtak: {block(forslag)}")
    elif not forslag:
        lines.append("forslag_til_vedtak:")
    entries = _earlier(imported, repo, meeting)
    if entries:
        lines.append("tidligere_behandlinger:")
        lines += [f"  - {{{', '.join(f'{k}: {scalar(v, flow=True)}' for k, v in entry)}}}"
                  for entry in entries]
    texts = repo.committee.lang
    skjermet = _basis(imported.value("skjermet"), texts("unntatt_offentlighet", grunnlag="\0"))
    if skjermet and not (taken and taken.skjermet):
        lines.append(f"skjermet: {scalar(skjermet)}")
    key = "arkivsak"
    arkivsak = imported.value(key)
    if arkivsak and not (taken and taken.arkivsak):
        lines.append(f"{key}: {scalar(arkivsak)}")
    key = "lukket"
    lukket = imported.value(key)
    if lukket and not (taken and taken.lukket):
        basis = _basis(lukket, texts("lukket_møte_grunnlag", grunnlag="\0"))
        closed = _fold(lukket) == _fold(texts("lukket_møte"))
        lines.append(f"{key}: {'true' if closed or not basis else scalar(basis)}")
    return "\n".join([*lines, "---"]) + "\n"


def _earlier(imported: Imported, repo: Repository, meeting: Meeting
             ) -> list[list[tuple[str, str]]]:
    """The rows of the table of earlier treatments as tidligere_behandlinger entries; a date
    beside a number is kept unless the sak is this repository's (its date is derived)."""
    entries = []
    for row in imported.layout.earlier:
        cells = [" ".join(cell.split()) for cell in (*row, "", "", "", "")[:4]]
        found = re.fullmatch(r"(.+?)(?:\s*\((\d{1,2}\.\d{1,2}\.\d{4})\))?", cells[1])
        if not cells[0] or not found:
            imported.notes.append(f"the earlier treatment '{' | '.join(row)}' has no utvalg or "
                                  "sak number; not carried over")
            continue
        entry = [("utvalg", cells[0]), ("sak", found[1])]
        entry += [(key, value) for key, value in (("tittel", cells[2]), ("vedtak", cells[3]))
                  if value]
        day = nbdates.parse_numeric(found[2]) if found[2] else None
        nr = repo.committee.numbering.parse(found[1], year=meeting.first_day.year)
        ours = cells[0] == repo.committee.kortnavn and nr is not None and repo.find_sak(nr)
        if day and not ours:
            entry.append(("dato", day.isoformat()))
        entries.append(entry)
    return entries


def _basis(printed: str | None, marking: str) -> str | None:
    """The legal basis in a marking as printed: "offl. § 14" of "Unntatt offentlighet, offl.
    § 14", the catalogue's text being `marking` with NUL for the basis."""
    if not printed:
        return None
    before, _, after = marking.partition("\0")
    text = " ".join(printed.split())
    if text.startswith(before.rstrip()) and text.endswith(after):
        return text[len(before):len(text) - len(after)].strip() or None
    return text


def _check_meeting(imported: Imported, meeting: Meeting, words: Words) -> int | None:
    """The meeting day the DOCX's Dato names (1-based), noting what disagrees with meeting."""
    told = imported.value("meeting_number")
    expected = words.texts("møtenummer", nr=meeting.number)
    if told and _fold(told) != _fold(expected):
        imported.notes.append(f"the document is for '{told}'; imported into meeting "
                              f"{meeting.folder} ({expected})")
    dato = imported.value("dato")
    if not dato:
        return None
    day = nbdates.parse_numeric(dato)
    index = next((d.index for d in meeting.days if d.dato == day), None)
    if index is None:
        imported.notes.append(f"the document's date {dato} is not a day of meeting "
                              f"{meeting.folder}")
    return index


def import_toppnotat(root: Path, docx: Path, meeting_name: str) -> Outcome:
    """Read the DOCX, then write its toppnotat: of a new sak, or of the sak it names."""
    repo = load_for_edit(root)
    meeting = find_meeting(repo, meeting_name)
    words = words_of(repo.committee.lang)
    with WordReader() as reader:
        imported = read(reader, docx, words)
        tittel = imported.layout.tittel
        if not tittel:
            raise Refused(f"{docx.name} has no title: give it one in the paragraph style "
                          "Title, above the first heading")
        day = _check_meeting(imported, meeting, words)
        number = imported.value("nr")
        if number:
            outcome = _into_sak(reader, repo, meeting, number, tittel, imported)
        else:
            outcome = _new_sak(reader, repo, meeting, tittel, day, imported, words)
    outcome.notes += imported.notes
    return outcome


def _new_sak(reader: WordReader, repo: Repository, meeting: Meeting, tittel: str,
             day: int | None, imported: Imported, words: Words) -> Outcome:
    """A new sak with the toppnotat, as `nufa new sak` adds one (on the day of its Dato)."""
    sakstype = imported.value("type")
    if not sakstype:
        label = words.texts("innretning")
        raise Refused(f"the document gives no {label} (the sakstype), which a new sak needs")

    def files(nr: SakNr, toppnotat: str) -> dict[str, str | bytes]:
        forslag, body, images = _markdown(reader, imported, toppnotat)
        text = _front_matter(nr, tittel, sakstype, imported, forslag, repo, meeting)
        return {toppnotat: _document(text, body), **images}

    request = NewSak(tittel, sakstype, imported.value("sakseier"),
                     imported.value("saksbehandler"), day)
    return new_sak(repo.root, meeting.folder, request, files)


def _into_sak(reader: WordReader, repo: Repository, meeting: Meeting, number: str,
              tittel: str, imported: Imported) -> Outcome:
    """The toppnotat of a sak of the agenda that has none: the row gets its toppnotat."""
    nr = repo.committee.numbering.parse(number, year=meeting.first_day.year,
                                        meeting=meeting.folder)
    sak = meeting.sak(nr) if nr else None
    if sak is None:
        label = repo.committee.lang("saksnummer")
        raise Refused(f"the document names sak {number}, which meeting {meeting.folder} does "
                      f"not have; leave its {label} empty to add it as a new sak")
    if sak.toppnotat is not None:
        raise Refused(f"sak {sak.nr} has a toppnotat already ({sak.toppnotat.source.rel}); "
                      "nufa import never overwrites one")
    if sak.tittel and sak.tittel != tittel:
        imported.notes.append(f"the document's title differs from agenda.yaml's; kept "
                              f"agenda.yaml's: {sak.tittel}")
    given = imported.value("type")
    sakstype = sak.type or given
    if not sakstype:
        raise Refused(f"neither the document nor agenda.yaml gives sak {sak.nr} a sakstype")
    if sak.type and given and given != sak.type:
        imported.notes.append(f"the document's sakstype '{given}' differs from agenda.yaml's; "
                              f"kept agenda.yaml's: {sak.type}")
    toppnotat = f"{NOTES}/{note_name(meeting, sak.nr, sak.tittel or tittel)}"
    forslag, body, images = _markdown(reader, imported, toppnotat)
    if forslag and sak.forslag_til_vedtak and " ".join(forslag.split()) != " ".join(
            sak.forslag_til_vedtak.split()):
        imported.notes.append("the document's forslag til vedtak differs from agenda.yaml's; "
                              "kept agenda.yaml's (move the one you want to the toppnotat)")
    changes = Changeset(repo.root)
    agenda = meeting.source.rel
    text = changes.text(agenda)
    row = child(compose(text, agenda), *sak.at)
    if not isinstance(row, MappingNode):
        raise Refused(f"cannot find the row of sak {sak.nr} in {agenda}")
    changes.edit(agenda, [append_entry(text, row, f"toppnotat: {toppnotat}\n")],
                 f"sak {sak.nr}: toppnotat: {toppnotat}")
    front = _front_matter(sak.nr, sak.tittel or tittel, sakstype, imported, forslag, repo,
                          meeting, sak)
    files: dict[str, str | bytes] = {toppnotat: _document(front, body), **images}
    for rel, content in files.items():
        changes.create((meeting.path / rel).relative_to(repo.root).as_posix(), content)
    return Outcome(changes.commit())


def _document(front: str, body: str) -> str:
    return front + ("\n" + body.strip("\n") + "\n" if body.strip() else "")


__all__ = ["HEADER", "Words", "import_toppnotat", "layout", "words_of"]
