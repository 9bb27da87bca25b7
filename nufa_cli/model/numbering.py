"""Numbers derived across meetings once all are loaded: "Møte 2/24" and "Vedlegg 7A"."""

from __future__ import annotations

from nufa_cli.core.errors import Diagnostic
from nufa_cli.core.root import SYMLINK, inside
from nufa_cli.model.objects import Attachment, Meeting, Repository, SakNr, Source
from nufa_cli.sources.reader import Path_
from nufa_cli.sources.schema import Vedlegg


def number_meetings(repo: Repository) -> list[Diagnostic]:
    """Møte N/YY: the order among the repo's meetings of that year (FORMAT.md)."""
    problems = []
    by_year: dict[int, list[Meeting]] = {}
    for meeting in repo.meetings:
        by_year.setdefault(meeting.first_day.year, []).append(meeting)
    for year, meetings in by_year.items():
        offset = 0
        for i, meeting in enumerate(meetings):
            requested = meeting.declared_number
            nr = SakNr.parse(requested) if requested else None
            if i == 0 and nr and nr.year == year % 100:
                offset = nr.n - 1
            meeting.number = f"{i + 1 + offset}/{year % 100:02d}"
            if requested and requested != meeting.number:
                hint = ("only the first meeting of a year may set its number"
                        if i else f"the meeting is in {year}: write møte: N/{year % 100:02d}")
                problems.append(meeting.source.diagnostic(
                    ("møte",), "meeting-number",
                    f"møte says {requested}, but this is meeting {meeting.number} "
                    f"in the order of the repository's meetings of {year}", hint))
    return problems


def number_attachments(repo: Repository) -> list[Diagnostic]:
    """Vedlegg 1, 2, 7A ...: in agenda order, one number per sak with attachments."""
    problems: list[Diagnostic] = []
    for meeting in repo.meetings:
        number = 0
        for sak in meeting.saker:
            items: list[Attachment] = []
            if sak.toppnotat:
                items.append(Attachment("", f"Toppnotat {sak.tittel}", "toppnotat",
                                        sak.toppnotat.source.rel, sak.toppnotat.meta.skjermet))
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
        title = vedlegg.tittel or f"Referat {repo.committee.kortnavn} {target.date_range}"
        return Attachment("", title, "referat", target.folder, vedlegg.skjermet)
    if vedlegg.url is not None:
        if not vedlegg.url.startswith("https://") or len(vedlegg.url) <= len("https://"):
            problems.append(source.diagnostic(
                where, "vedlegg-url", f"vedlegg url '{vedlegg.url}' is not an https address",
                "write the full address, starting with https://"))
            return None
        return Attachment("", vedlegg.tittel or vedlegg.url, "url", vedlegg.url,
                          vedlegg.skjermet)
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
    return Attachment("", vedlegg.tittel or path.name, "fil", rel, vedlegg.skjermet)
