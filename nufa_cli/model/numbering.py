"""Numbers derived across meetings once all are loaded: "Møte 2/24" and "Vedlegg 7A"."""

from __future__ import annotations

from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.core.root import SYMLINK, inside
from nufa_cli.model.objects import Attachment, Meeting, Repository, Source
from nufa_cli.model.saknr import UNKNOWN, meeting_number
from nufa_cli.sources.reader import Path_
from nufa_cli.sources.schema import Vedlegg

TITLE_ONLY = "tittel"  # Attachment.kind of a vedlegg given by its title alone


def number_meetings(repo: Repository) -> list[Diagnostic]:
    """Møte N/YY: the order among the repo's meetings of that year (FORMAT.md).

    The first meeting of a year may say its number (a repo begun mid-year); a number
    written N/YYYY is printed so, and the year's later meetings follow it. `møte: ukjent`
    prints none, nor for the meetings after it until one says its number again.
    """
    problems = []
    by_year: dict[int, list[Meeting]] = {}
    for meeting in repo.meetings:
        by_year.setdefault(meeting.first_day.year, []).append(meeting)
    four_digits = "yyyy" in repo.committee.numbering.fields  # as the sak numbers write years
    for year, meetings in by_year.items():
        four = four_digits
        following: int | None = 1  # the number the next meeting gets; None: not known
        for i, meeting in enumerate(meetings):
            requested = meeting.declared_number
            if requested == UNKNOWN:
                meeting.number, following = "", None
                continue
            declared = meeting_number(requested) if requested else None
            if declared:
                four = declared[2]
            if declared and (i == 0 or following is None) and _year(declared) == year:
                following = declared[0]
            shown = (f"{following}/{year:04d}" if four else f"{following}/{year % 100:02d}"
                     if following is not None else "")
            meeting.number = shown
            if declared and (_year(declared) != year or declared[0] != following):
                hint = ("only the first meeting of a year may set its number"
                        if i and following is not None else
                        f"the meeting is in {year}: write møte: N/{year % 100:02d}")
                problems.append(meeting.source.diagnostic(
                    ("møte",), "meeting-number",
                    f"møte says {requested}, but this is meeting {meeting.number or '?'} "
                    f"in the order of the repository's meetings of {year}", hint))
            elif i == 0 and not requested and not repo.committee.numbering.restarts:
                problems += _derived_number(meeting)
            if following is not None:
                following += 1
    return problems


def _year(declared: tuple[int, int, bool]) -> int:
    """The year of a meeting number as written: 24 is 2024, 2024 is 2024."""
    return declared[1] if declared[2] else 2000 + declared[1]


def _derived_number(meeting: Meeting) -> list[Diagnostic]:
    """The repository's first meeting of a year, without `møte:`, is taken to be the year's
    first; saker that do not start at 1 say the repository began mid-year."""
    first = meeting.saker[0] if meeting.saker else None
    if first is None or first.nr.n == 1 or meeting.first_numbers:
        return []
    return [meeting.source.diagnostic(
        (*first.at, "sak"), "meeting-number-derived",
        f"sak {first.nr} is not number 1, so meetings before this one are not in the "
        f"repository: the meeting number is derived as {meeting.number}; give 'møte:' if that "
        "is wrong", f"add 'møte: N/{meeting.first_day.year % 100:02d}' with the meeting's "
        "number in its year", Severity.WARNING)]


def number_attachments(repo: Repository) -> list[Diagnostic]:
    """Vedlegg 1, 2, 7A ...: in agenda order, one number per sak with attachments."""
    problems: list[Diagnostic] = []
    texts = repo.committee.lang
    for meeting in repo.meetings:
        number = 0
        for sak in meeting.saker:
            items: list[Attachment] = []
            if sak.toppnotat:
                public = (f"{texts('toppnotat')} {sak.offentlig_tittel}" if sak.offentlig_tittel
                          else None)
                items.append(Attachment("", f"{texts('toppnotat')} {sak.tittel}", "toppnotat",
                                        sak.toppnotat.source.rel, sak.toppnotat.meta.skjermet,
                                        public))
            for vedlegg, source, at in sak.declared_vedlegg:
                item = _attachment(repo, meeting, vedlegg, source, at, problems)
                if item:
                    items.append(item)
            if items:
                number += 1
            for i, item in enumerate(items):
                item.label = f"{number}{_letters(i)}"
            sak.attachments = items
    return problems


def _letters(i: int) -> str:
    """The letters after the number of a sak's vedlegg i (from 0): "", A ... Z, AA, AB ...
    as spreadsheet columns go on, so any count of vedlegg gets letters."""
    letters = ""
    while i:
        i, rest = divmod(i - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _attachment(repo: Repository, meeting: Meeting, vedlegg: Vedlegg, source: Source,
                where: Path_, problems: list[Diagnostic]) -> Attachment | None:
    if vedlegg.referat is not None:
        target = repo.meeting(vedlegg.referat)
        if target and target.referat_broken:
            return None  # the referat is there but broken: its own diagnostics say why
        if target is None or target.referat is None:
            problems.append(source.diagnostic(
                where, "vedlegg-referat",
                f"vedlegg referat '{vedlegg.referat}': "
                + ("no meeting folder of that name" if target is None
                   else "that meeting has no referat.md"),
                "name a meeting folder (its first day, YYYY-MM-DD) that has a referat"))
            return None
        texts = repo.committee.lang
        title = vedlegg.tittel or texts("dokumenttittel", dokument=texts("referat"),
                                        kortnavn=repo.committee.kortnavn, datoer=target.date_range)
        return Attachment("", title, "referat", target.folder, vedlegg.skjermet,
                          vedlegg.offentlig_tittel)
    if vedlegg.url is not None:
        if not vedlegg.url.startswith("https://") or len(vedlegg.url) <= len("https://"):
            problems.append(source.diagnostic(
                where, "vedlegg-url", f"vedlegg url '{vedlegg.url}' is not an https address",
                "write the full address, starting with https://"))
            return None
        return Attachment("", vedlegg.tittel or vedlegg.url, "url", vedlegg.url,
                          vedlegg.skjermet, vedlegg.offentlig_tittel)
    if vedlegg.fil is None:  # a title alone: a vedlegg not in the papers ("... (ettersendes)")
        return Attachment("", vedlegg.tittel or "", TITLE_ONLY, "", vedlegg.skjermet,
                          vedlegg.offentlig_tittel)
    path, why = inside(meeting.path, vedlegg.fil or "")
    if path is None:
        code = "source-symlink" if why == SYMLINK else "vedlegg-path"
        problems.append(source.diagnostic(where, code, f"vedlegg fil '{vedlegg.fil}': {why}"))
        return None
    rel = path.relative_to(repo.root).as_posix()
    if not path.is_file():
        problems.append(source.diagnostic(
            where, "vedlegg-missing",
            f"vedlegg fil '{vedlegg.fil}' does not exist in {meeting.folder}",
            f"add the file at {rel}, or correct the path"))
        return None
    return Attachment("", vedlegg.tittel or path.name, "fil", rel, vedlegg.skjermet,
                      vedlegg.offentlig_tittel)
