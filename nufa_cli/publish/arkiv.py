"""`nufa arkiv MEETING`: a final meeting's documents handed over to the archive.

The package is build/arkiv/<meeting>/ and the same files as build/arkiv/<meeting>.zip: every
document of the meeting as PDF/A-2a (the build's PDFs are PDF/A-2a and PDF/UA-1 in one file,
convert/converter.py's PDF_STANDARDS: the members' variant, and beside it the public one
where something is withheld), and arkiv.xml naming each with the Noark 5 metadata it maps
to (templates/arkiv/arkiv.xsd, shipped in the package, says which element is which).

Only final documents go to the archive: a meeting whose agenda or referat is `status:
utkast`, or that has no referat yet, is refused. The files are the build's: `nufa arkiv`
builds the meeting's PDFs (both sets) as `nufa build` would, which converts nothing that is
up to date, and reads what each file is from the build's result (the manifest's records).
It is a command of its own, not a target of the registry (build/targets.py): a target makes
files of one meeting's sources in the build's lanes, while the package is made of other
targets' finished files (their bytes are its checksums), only for a final meeting, and
outside the build's folders.

Deterministic: the same sources give a byte-identical zip (the build's time in the XML and
the zip entries; sorted entries, fixed attributes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from nufa_cli import __version__
from nufa_cli.build import journal, targets
from nufa_cli.build.writer import Output
from nufa_cli.convert.converter import PDF_STANDARDS
from nufa_cli.convert.ziputil import write_zip
from nufa_cli.core.errors import Diagnostic, InvalidSources, NufaError, has_errors
from nufa_cli.core.output import OutputError, check_output_folder, replace_folder
from nufa_cli.core.root import builtin_templates
from nufa_cli.model.attendance import attendance
from nufa_cli.model.objects import Meeting, Repository, Sak
from nufa_cli.model.public import public_view

NAMESPACE = "urn:x-nufa:arkiv:1"
VERSION = "1"
SCHEMA = Path("arkiv") / "arkiv.xsd"  # in the built-in templates
FOLDER = "arkiv"  # build/arkiv/
MARKER = ".nufa-arkiv"  # marks a package folder this module wrote: only such a one is replaced
XML = "arkiv.xml"

# The Noark 5 vocabulary the package prints: code values of the standard, not words of a
# language (they stay as they are whatever the documents' language).
REGISTRERINGSTYPE = {  # M085, per target kind (build/targets.py)
    "innkalling": "Møteinnkalling",
    "saksliste": "Saksliste",
    "toppnotat": "Saksframlegg",
    "referat": "Møteprotokoll",
    "saksutskrift": "Saksutskrift",
}
ARKIVFORMAT = "Arkivformat"  # M700 of the members' variant
SKJERMET_VARIANT = "Dokument hvor deler av innholdet er skjermet"  # M700 of the public one
PRONOM = {"a-2a": ("fmt/477", "PDF/A-2a - ISO 19005-2:2011")}  # M701: PRONOM id, name
FORMAT = next(PRONOM[s] for s in PDF_STANDARDS if s in PRONOM)  # the archive part the PDFs claim
CHECKSUM = "SHA-256"  # M706
WHOLE = "Skjerming av hele dokumentet"  # M503
PARTS = "Skjerming av deler av dokumentet"
MEDLEM, VARAMEDLEM, SEKRETARIAT = "Medlem", "Varamedlem", "Sekretariat"  # M373
PUBLIC_SUFFIX = "-offentlig"  # the public variant's file: innkalling-offentlig.pdf

Progress = Callable[[int, int, str], None]


class NotFinal(NufaError):
    """The meeting's documents are not final: the archive takes final documents only."""


@dataclass(frozen=True)
class ArchivedFile:
    name: str  # in the package: "toppnotat-12-24.pdf", "innkalling-offentlig.pdf"
    public: bool
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Registration:
    """One document: its Noark registrering and its files."""

    kind: str
    tittel: str
    offentlig_tittel: str
    sak: Sak | None
    hjemler: tuple[str, ...]  # the legal bases of what is withheld in it; () if nothing is
    whole: bool  # all of it is withheld (a skjermet sak's toppnotat)
    files: tuple[ArchivedFile, ...]  # the members' variant first


@dataclass
class ArkivResult:
    folder: Path  # build/arkiv/<meeting>/
    zip: Path  # build/arkiv/<meeting>.zip
    registrations: list[Registration]
    files: list[str]  # the package's files, arkiv.xml and arkiv.xsd included
    zip_sha256: str
    built: list[Path] = field(default_factory=list)  # what the build wrote for it
    diagnostics: list[Diagnostic] = field(default_factory=list)


def refuse_unfinished(meeting: Meeting) -> None:
    where = f"meetings/{meeting.folder}"
    if meeting.status == "utkast":
        raise NotFinal(f"meeting {meeting.folder} is a draft (status: utkast in {where}/"
                       "agenda.yaml); the archive takes final documents only: set status: "
                       "endelig when the innkalling is final")
    if meeting.referat is None:
        raise NotFinal(f"meeting {meeting.folder} has no referat yet; the archive takes a "
                       f"meeting with its final referat: write {where}/referat.md (nufa "
                       "referat drafts it) and set status: endelig")
    if meeting.referat.meta.status == "utkast":
        raise NotFinal(f"the referat of meeting {meeting.folder} is a draft (status: utkast in "
                       f"{where}/referat.md); set status: endelig once it is approved")


def package(root: Path, name: str, out: Path | None = None,
            progress: Progress | None = None) -> ArkivResult:
    """nufa arkiv: check, refuse what is not final, build the meeting's PDFs (both sets),
    then write the package folder and its zip, each whole or not at all."""
    from nufa_cli.build.orchestrator import build, select, source_date_epoch
    from nufa_cli.check.validate import check

    repo, diagnostics = check(root)
    if has_errors(diagnostics):
        raise InvalidSources(diagnostics)
    meeting = select(repo, [name])[0]
    refuse_unfinished(meeting)
    folder = check_output_folder(out or root / "build" / FOLDER, root, [repo.committee.maler])
    built = build(root, [meeting.folder], formats=["pdf"], only=set(REGISTRERINGSTYPE),
                  progress=progress, offentlig=True)
    epoch = source_date_epoch(root)
    with journal.locked(root / "build", create=False):  # no build writes while it is read
        registrations = list(registered(repo, meeting, root / "build", built.outputs))
        files: dict[str, bytes | Path] = {f.name: f.data for r in registrations for f in r.files}
        files[XML] = metadata(repo, meeting, registrations, epoch)
        files[SCHEMA.name] = builtin_templates() / SCHEMA
        target = folder / meeting.folder
        replace_folder(target, files, MARKER, "nufa arkiv", "the archive package")
        zipped = write_zip({f"{meeting.folder}/{rel}": content if isinstance(content, bytes)
                            else content.read_bytes() for rel, content in files.items()},
                           time.gmtime(max(epoch, _ZIP_EPOCH_MIN))[:6], compresslevel=6)
    archive = folder / f"{meeting.folder}.zip"
    _replace_file(archive, zipped)
    return ArkivResult(target, archive, registrations, sorted(files),
                       hashlib.sha256(zipped).hexdigest(), built.written, built.diagnostics)


_ZIP_EPOCH_MIN = 315532800  # 1980-01-01, the earliest date a zip entry can hold


def registered(repo: Repository, meeting: Meeting, build_dir: Path,
               outputs: Sequence[Output]) -> Iterator[Registration]:
    """The meeting's documents as the build made them, in the registry's order and the
    saker's: the members' PDF of each, and its public variant where that shows less."""
    public = public_view(repo).meeting(meeting.folder)
    assert public is not None  # the public view keeps every meeting
    pdfs = [o for o in outputs if o.meeting == meeting.folder and o.format == "pdf"
            and o.kind in REGISTRERINGSTYPE]
    variants = {(o.kind, o.sak): o for o in pdfs if o.public}
    order = {str(s.nr): i for i, s in enumerate(meeting.saker)}
    kinds = targets.kinds()
    members = sorted((o for o in pdfs if not o.public),
                     key=lambda o: (kinds.index(o.kind), order.get(o.sak or "", -1)))
    bases = _bases(meeting)
    for output in members:
        sak = next((s for s in meeting.saker if str(s.nr) == output.sak), None)
        own = _file(build_dir, output, public=False)
        tittel = _title(own)
        variant = variants.get((output.kind, output.sak))
        files = [own]
        if variant is not None:
            shown = _file(build_dir, variant, public=True)
            offentlig = _title(shown)
            if variant.fingerprint != output.fingerprint:  # it leaves something out
                files.append(shown)
        else:  # no public variant at all (a skjermet sak's toppnotat): Noark's rule, M025
            public_sak = public.sak(sak.nr) if sak else None
            offentlig = tittel.replace(sak.tittel, public_sak.tittel) \
                if sak and public_sak and sak.tittel else tittel
        hjemler: tuple[str, ...] = ()
        whole = False
        if sak is not None and sak.skjermet:
            hjemler, whole = (" ".join(sak.skjermet.split()),), variant is None
        elif len(files) > 1:
            hjemler = bases
        yield Registration(output.kind, tittel, offentlig, sak, hjemler, whole, tuple(files))


def _bases(meeting: Meeting) -> tuple[str, ...]:
    """Every legal basis of what the meeting withholds, in agenda order, each once."""
    found: list[str] = []
    for sak in meeting.saker:
        for basis in (sak.skjermet, *(a.skjermet for a in sak.attachments)):
            if basis and " ".join(basis.split()) not in found:
                found.append(" ".join(basis.split()))
    return tuple(found)


def _file(build_dir: Path, output: Output, public: bool) -> ArchivedFile:
    stem = Path(output.name).stem + (PUBLIC_SUFFIX if public else "")
    try:
        data = (build_dir / output.name).read_bytes()
    except OSError as exc:
        raise OutputError(f"cannot read build/{output.name}: {exc.strerror}; "
                          "run nufa build and try again") from exc
    return ArchivedFile(f"{stem}.pdf", public, data)


def _title(file: ArchivedFile) -> str:
    """The title the PDF carries (PDF/UA and PDF/A require one)."""
    try:
        title = PdfReader(io.BytesIO(file.data)).metadata
    except PdfReadError as exc:
        raise OutputError(f"{file.name} is not a readable PDF: {exc}") from exc
    if title is None or not title.title:
        raise OutputError(f"{file.name} has no document title")
    return " ".join(str(title.title).split())


# -- arkiv.xml -------------------------------------------------------------------------------


def metadata(repo: Repository, meeting: Meeting, registrations: Sequence[Registration],
             epoch: int) -> bytes:
    """arkiv.xml: the meeting and each registrering with its files (templates/arkiv/arkiv.xsd)."""
    ET.register_namespace("", NAMESPACE)
    root = _element("arkivpakke", versjon=VERSION)
    _text(root, "system", f"nufa {__version__}")
    stamp = dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    _text(root, "opprettetDato", stamp)
    møte = ET.SubElement(root, _tag("møte"))
    _text(møte, "utvalg", repo.committee.navn)
    _text(møte, "møtenummer", meeting.number)
    for day in meeting.days:
        _text(møte, "møtedato", day.dato.isoformat())
    if meeting.sted:  # optional (FORMAT.md part 2): a meeting may name no place
        _text(møte, "møtested", meeting.sted)
    for navn, funksjon, virksomhet, days in _participants(meeting):
        deltaker = ET.SubElement(møte, _tag("møtedeltaker"))
        _text(deltaker, "møtedeltakerNavn", navn)
        _text(deltaker, "møtedeltakerFunksjon", funksjon)
        if virksomhet:
            _text(deltaker, "virksomhet", virksomhet)
        for index in days:
            _text(deltaker, "møtedag", str(index))
    for registration in registrations:
        _registration(root, registration)
    ET.indent(root, space="  ")
    text: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return text + b"\n"


def _participants(meeting: Meeting) -> Iterator[tuple[str, str, str | None, tuple[int, ...]]]:
    """(navn, M373 funksjon, virksomhet, days when not all) of who attended."""
    att = attendance(meeting)
    assert att is not None  # refuse_unfinished: the meeting has its referat
    for presence in att.present:
        yield presence.member.navn, MEDLEM, presence.member.virksomhet, \
            att.partial(presence.present)
    for substitute in att.substitutes:
        yield (substitute.navn, VARAMEDLEM, substitute.stand_in.virksomhet,
               att.partial(substitute.days))
    for stand_in in att.varamedlemmer:  # met without standing for a member named
        yield (stand_in.navn, VARAMEDLEM, stand_in.virksomhet,
               att.partial(tuple(sorted(stand_in.span.days or ()))))
    for navn in att.sekretariat:
        yield navn, SEKRETARIAT, "", ()


def _registration(root: ET.Element, registration: Registration) -> None:
    element = ET.SubElement(root, _tag("registrering"))
    _text(element, "registreringstype", REGISTRERINGSTYPE[registration.kind])
    _text(element, "tittel", registration.tittel)
    _text(element, "offentligTittel", registration.offentlig_tittel)
    sak = registration.sak
    if sak is not None:
        _text(element, "møtesaksnummer", str(sak.nr))
        if sak.type:
            _text(element, "møtesakstype", sak.type)
    if registration.hjemler:
        skjerming = ET.SubElement(element, _tag("skjerming"))
        for basis in registration.hjemler:
            _text(skjerming, "skjermingshjemmel", basis)
        _text(skjerming, "skjermingDokument", WHOLE if registration.whole else PARTS)
    for file in registration.files:
        obj = ET.SubElement(element, _tag("dokumentobjekt"),
                            variant="offentlig" if file.public else "medlemmer")
        _text(obj, "variantformat", SKJERMET_VARIANT if file.public else ARKIVFORMAT)
        _text(obj, "format", FORMAT[1]).set("kode", FORMAT[0])
        _text(obj, "referanseDokumentfil", file.name)
        _text(obj, "filstørrelse", str(len(file.data)))
        _text(obj, "sjekksum", file.sha256)
        _text(obj, "sjekksumAlgoritme", CHECKSUM)


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _element(name: str, **attributes: str) -> ET.Element:
    return ET.Element(_tag(name), attributes)


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, _tag(name))
    child.text = " ".join(text.split())
    return child


def _replace_file(path: Path, data: bytes) -> None:
    """Write path atomically: a temporary beside it, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"could not write {path}: {exc.strerror}") from exc


__all__ = ["ArkivResult", "NotFinal", "Registration", "package", "refuse_unfinished"]
