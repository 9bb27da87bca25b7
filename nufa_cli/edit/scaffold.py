"""Create and renumber meeting sources, so nobody copies last meeting's files by hand.

Each command loads the repository with validate.check first and refuses when the
sources have errors that make its edit unsafe; then it plans every file it writes
(changeset.py) and writes them together. The functions return what they changed;
the CLI prints it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.nodes import MappingNode, SequenceNode

from nufa_cli.check.validate import check
from nufa_cli.core import codes, nbdates
from nufa_cli.core.errors import Diagnostic, NufaError, Severity
from nufa_cli.core.lang import Catalogue
from nufa_cli.core.root import AGENDA, MEETINGS, REFERAT
from nufa_cli.core.suggest import did_you_mean
from nufa_cli.edit import renumber
from nufa_cli.edit.changeset import Change, Changeset
from nufa_cli.edit.yamledit import append_entry, child, compose, double_quoted, insert_item, key_node, scalar
from nufa_cli.model.objects import Meeting, Repository, Sak, SakNr, slug
from nufa_cli.model.saknr import slug as slug_of
from nufa_cli.sources.schema import FIRST_YEAR, LAST_YEAR

AGENDA_SCHEMA = "# yaml-language-server: $schema=../../schemas/agenda.schema.json\n"
DAY_START, DAY_END = "09:00", "16:00"
GODKJENNING_MINUTES, EVENTUELT_MINUTES = 10, 15
NOTE_SECTIONS = ("hensikt_med_saken", "bakgrunn", "videre_saksprosess")  # in the catalogue
NOTES = "toppnotater"  # the toppnotater's folder in a meeting folder
SLUG_LENGTH = 40


class UsageProblem(NufaError):
    """A wrong argument: a date, a sakstype, a meeting that does not exist."""

    exit_code = 2


class Refused(NufaError):
    """The edit would overwrite or break something; nothing was changed."""


class UnsafeSources(NufaError):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} error(s) in the sources make this change unsafe; "
                         "nothing was changed. Fix them first (nufa check shows them all)",
                         diagnostics)


@dataclass
class Outcome:
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- loading, with the errors an edit cannot live with -----------------------------------------

def load_for_edit(root: Path, *, renumbering: bool = False) -> Repository:
    """The repository, unless an error leaves out of it what the edit computes from: each
    code's declaration (core/codes.py) says whether an edit may go on past it."""
    repo, diagnostics = check(root)
    loaded = {m.source.rel for m in repo.meetings}
    loaded |= {s.toppnotat.source.rel for m in repo.meetings for s in m.saker if s.toppnotat}
    loaded |= {m.referat.source.rel for m in repo.meetings if m.referat}
    unsafe = [d for d in diagnostics if d.severity is Severity.ERROR and not codes.lookup(
        d.code).edit.allows(dropped=d.path not in loaded, renumbering=renumbering)]
    if unsafe:
        raise UnsafeSources(unsafe)
    return repo


def find_meeting(repo: Repository, name: str) -> Meeting:
    """A meeting by its folder name, or by a path ending in it (meetings/2024-04-24/)."""
    folder = Path(name).name or name
    meeting = repo.meeting(folder)
    if meeting is None:
        known = [m.folder for m in repo.meetings]
        close = difflib.get_close_matches(folder, known, n=1)
        hint = f"did you mean {close[0]}?" if close else (
            f"the meetings are {', '.join(known)}" if known else "the repository has no meetings")
        raise UsageProblem(f"no meeting '{name}' in {repo.root / MEETINGS}; {hint}")
    return meeting


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD, the way meeting folders are named; ValueError with a message otherwise."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"'{text}' is not a date written YYYY-MM-DD, e.g. 2024-09-18")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date in the calendar") from None


def _rel(repo: Repository, path: Path) -> str:
    return path.relative_to(repo.root).as_posix()


# -- nufa new meeting -------------------------------------------------------------------------

def new_meeting(root: Path, first_day: dt.date, sted: str, days: int = 1) -> Outcome:
    if not sted.strip():
        raise UsageProblem("give the place of the meeting, e.g. --sted \"Helsedirektoratet, "
                           "Oslo\": the innkalling prints it")
    if days < 1:
        raise UsageProblem(f"--days {days}: a meeting lasts at least one day")
    try:
        dates = [first_day + dt.timedelta(days=i) for i in range(days)]
    except OverflowError:
        raise UsageProblem(f"a meeting of {days} days from {first_day} would end after "
                           f"{dt.date.max}, the last date nufa can write") from None
    if not (first_day.year >= FIRST_YEAR and dates[-1].year <= LAST_YEAR):
        raise UsageProblem(f"a meeting from {first_day} to {dates[-1]}: nufa writes meetings "
                           f"from {FIRST_YEAR} to {LAST_YEAR}")
    repo = load_for_edit(root)
    folder = repo.root / MEETINGS / first_day.isoformat()
    if folder.exists():
        raise Refused(f"{_rel(repo, folder)} already exists; nufa does not overwrite a meeting")
    later = [m for m in repo.meetings if m.first_day > first_day]
    if later and later[0].first_day.year == first_day.year:
        raise Refused(f"meeting {later[0].folder} follows in {first_day.year}: a meeting before "
                      "it would break its sak numbers. Create meetings in date order")
    earlier = [m for m in repo.meetings if m.first_day < first_day]
    previous = earlier[-1] if earlier else None
    if previous and previous.days[-1].dato >= first_day:
        raise Refused(f"meeting {previous.folder} lasts until {previous.days[-1].dato}; "
                      f"a new meeting must start after it")
    numbering = repo.committee.numbering
    serie = _standing_serie(repo)
    same_year = [m for m in earlier if m.first_day.year == first_day.year]
    numbers = [s.nr.n for m in same_year for s in m.saker if s.nr.serie == serie]
    following = 1 if numbering.restarts or not numbers else numbers[-1] + 1
    first = numbering.make(following, first_day.year, serie, first_day.isoformat())
    text = _agenda_text(repo, previous, sted, dates, first)
    outcome = Outcome()
    changes = Changeset(repo.root)
    changes.create(_rel(repo, folder / AGENDA), text)
    outcome.changes = changes.commit()
    if later:
        outcome.notes.append(
            f"meeting {later[0].folder} follows: its Godkjenning sak still names the referat of "
            f"{previous.folder if previous else 'the meeting before'}; update it by hand")
    if previous and previous.referat is None:
        outcome.notes.append(
            f"meeting {previous.folder} has no referat.md yet: once it is written, add "
            f"'vedlegg: [{{referat: {previous.folder}}}]' to sak {first} in "
            f"{_rel(repo, folder / AGENDA)}")
    return outcome


def _agenda_text(repo: Repository, previous: Meeting | None, sted: str, dates: list[dt.date],
                 first: SakNr) -> str:
    kortnavn = repo.committee.kortnavn
    texts = repo.committee.lang
    title = texts("godkjenning_av_innkalling_og_dagsorden")
    forslag = texts("godkjenner_innkalling", kortnavn=kortnavn)
    if previous:
        when = previous.date_range
        title = texts("godkjenning_med_referat", kortnavn=kortnavn, datoer=when)
        forslag += " " + texts("godkjenner_referatet", kortnavn=kortnavn, datoer=when)
    godkjenning = [("sak", scalar(str(first))), ("tid", double_quoted(DAY_START)),
                   ("varighet", str(GODKJENNING_MINUTES)), ("tittel", scalar(title))]
    if "Godkjenning" in repo.committee.sakstyper:
        godkjenning.append(("type", "Godkjenning"))
    godkjenning += [("beskrivelse", scalar(title + ".")),
                    ("forslag_til_vedtak", scalar(forslag))]
    end = dt.datetime.combine(dates[-1], nbdates.parse_clock(DAY_END))
    numbering = repo.committee.numbering
    second = numbering.make(first.n + 1, first.year, first.serie, first.meeting)
    eventuelt = [("sak", scalar(str(second))),
                 ("tid", double_quoted(f"{end - dt.timedelta(minutes=EVENTUELT_MINUTES):%H:%M}")),
                 ("varighet", str(EVENTUELT_MINUTES)), ("tittel", scalar(texts("eventuelt")))]
    lines = [AGENDA_SCHEMA.rstrip("\n"), f"sted: {scalar(sted.strip())}", "status: utkast",
             "dager:"]
    for i, day in enumerate(dates):
        lines += [f"  - dato: {day.isoformat()}", f'    start: "{DAY_START}"',
                  f'    slutt: "{DAY_END}"']
        rows = ([godkjenning] if i == 0 else []) + ([eventuelt] if i == len(dates) - 1 else [])
        lines.append("    program:" if rows else "    program: []")
        for row in rows:
            lines += [f"      {'- ' if j == 0 else '  '}{k}: {v}" for j, (k, v) in enumerate(row)]
            if row is godkjenning and previous and previous.referat:
                lines += ["        vedlegg:", f"          - referat: {previous.folder}"]
    return "\n".join(lines) + "\n"


# -- nufa new sak ---------------------------------------------------------------------------

@dataclass(frozen=True)
class NewSak:
    tittel: str
    type: str
    sakseier: str | None = None
    saksbehandler: str | None = None
    dag: int | None = None  # 1-based; default: the day of Eventuelt, else the last day


# A new sak's toppnotat as another command writes it (nufa import): its files, relative to
# the meeting folder, given the sak's number and the toppnotat's path there
# ("toppnotater/13-24-helse-nim.md", which must be among them).
NoteFiles = Callable[[SakNr, str], dict[str, str | bytes]]


def new_sak(root: Path, meeting_name: str, request: NewSak,
            note: NoteFiles | None = None) -> Outcome:
    """Add the sak before Eventuelt (or on its day), renumbering the later ones, with a
    toppnotat to write in, or the files `note` gives."""
    repo = load_for_edit(root)
    meeting = find_meeting(repo, meeting_name)
    why = renumber.final_reason(meeting)
    if why:
        raise renumber.FinalMeeting(meeting, why)
    tittel = request.tittel.strip()
    if not tittel:
        raise UsageProblem("the sak needs a title: --tittel \"...\"")
    _check_sakstype(repo, request.type)
    day, row, index = _insertion(meeting, request.dag)
    serie = repo.committee.numbering.serie_of(request.type) or _standing_serie(repo)
    numbering = renumber.slots(repo, meeting, insert_at=index, insert_serie=serie)
    nr = next(s.nr for s in numbering if s.sak is None)
    name = note_name(meeting, nr, tittel)
    changes = Changeset(repo.root)
    renumber.plan(repo, numbering, changes)
    agenda = meeting.source.rel
    text = changes.text(agenda)
    doc = compose(text, agenda)
    dag = child(doc, "dager", day)
    program = child(dag, "program")
    block = f"- sak: {scalar(str(nr))}\n  toppnotat: toppnotater/{name}\n"
    if isinstance(program, SequenceNode):
        edit = insert_item(text, program, row, block, key=key_node(dag, "program"))
    elif program is None and isinstance(dag, MappingNode):
        edit = append_entry(text, dag, "program:\n" + _indent(block, 2))
    else:
        raise Refused(f"cannot add a row to the programme of day {day + 1} in {agenda}")
    last = _is_eventuelt(_row_sak(meeting, day, row), repo.committee.lang)
    where = "before Eventuelt" if last else f"on day {day + 1}"
    changes.edit(agenda, [edit], f"added sak {nr} {where}: toppnotat: toppnotater/{name}")
    rel = f"{NOTES}/{name}"
    files = note(nr, rel) if note else {
        rel: _toppnotat_text(nr, tittel, request, repo.committee.lang)}
    assert rel in files, "the toppnotat is among the files"
    for path, content in files.items():
        changes.create(_rel(repo, meeting.path / path), content)
    return Outcome(changes.commit())


def note_name(meeting: Meeting, nr: SakNr, tittel: str) -> str:
    """A free file name in the meeting's toppnotater/ for the sak: 13-24-helse-nim.md."""
    return _free_name(meeting.path / NOTES, f"{slug_of(str(nr))}-{_short_slug(tittel)}")


def _indent(block: str, spaces: int) -> str:
    return "".join(" " * spaces + line for line in block.splitlines(True))


def _check_sakstype(repo: Repository, wanted: str) -> None:
    allowed = repo.committee.sakstyper
    if wanted in allowed:
        return
    hint = did_you_mean(wanted, allowed, f"use one of: {', '.join(allowed)}", ignore_case=True)
    raise UsageProblem(f"sakstype '{wanted}' is not in nufa.yaml's sakstyper; {hint}")


def _is_eventuelt(sak: Sak | None, texts: Catalogue) -> bool:
    return sak is not None and sak.tittel.strip().casefold() == texts("eventuelt").casefold()


def _row_sak(meeting: Meeting, day: int, row: int) -> Sak | None:
    rows = meeting.days[day].rows
    return rows[row].sak if row < len(rows) else None


def _insertion(meeting: Meeting, dag: int | None) -> tuple[int, int, int]:
    """(day index, row index, index among the meeting's saker) where the new sak goes.

    Before Eventuelt on its day; on another day after that day's last sak, or before
    the rows after the day's end (Middag) when it has none.
    """
    eventuelt = next((s for s in meeting.saker if _is_eventuelt(s, meeting.lang)), None)
    if dag is not None and not 1 <= dag <= len(meeting.days):
        raise UsageProblem(f"--dag {dag}: meeting {meeting.folder} has {len(meeting.days)} day(s)")
    day = (dag - 1) if dag is not None else (eventuelt.day - 1 if eventuelt else
                                             len(meeting.days) - 1)
    rows = meeting.days[day].rows
    if eventuelt and eventuelt.day == day + 1:
        row = next(i for i, r in enumerate(rows) if r.sak is eventuelt)
    elif any(r.sak for r in rows):
        row = max(i for i, r in enumerate(rows) if r.sak) + 1
    else:
        end = meeting.days[day].slutt
        row = next((i for i, r in enumerate(rows) if r.tid and end and r.tid >= end), len(rows))
    before = [s for s in meeting.saker if s.day - 1 < day] + \
        [r.sak for r in rows[:row] if r.sak]
    return day, row, len(before)


def _short_slug(tittel: str) -> str:
    text = slug(tittel) or "sak"
    if len(text) > SLUG_LENGTH:
        text = text[: SLUG_LENGTH + 1]
        text = text.rsplit("-", 1)[0] if "-" in text else text[:SLUG_LENGTH]
    return text


def _free_name(folder: Path, stem: str) -> str:
    name, n = f"{stem}.md", 2
    while (folder / name).exists():
        name, n = f"{stem}-{n}.md", n + 1
    return name


def _standing_serie(repo: Repository) -> str:
    """The serie of the saker nufa adds without a sakstype of their own (Godkjenning,
    Eventuelt, a new sak of a type without serie): Godkjenning's, else the first."""
    numbering = repo.committee.numbering
    if not numbering.has_serie:
        return ""
    return numbering.serie_of("Godkjenning") or (numbering.series[0] if numbering.series else "")


def _toppnotat_text(nr: SakNr, tittel: str, request: NewSak, texts: Catalogue) -> str:
    def value(text: str | None) -> str:
        return f" {scalar(text.strip())}" if text and text.strip() else ""

    front = [
        "---",
        f"sak: {scalar(str(nr))}",
        f"tittel: {scalar(tittel)}",
        f"type: {scalar(request.type)}",
        f"sakseier:{value(request.sakseier)}",
        f"saksbehandler:{value(request.saksbehandler)}",
        "beskrivelse:  # the short text in the innkalling's saksliste",
        "forslag_til_vedtak:",
        "---",
    ]
    body = "".join(f"\n## {texts(heading)}\n\n" for heading in NOTE_SECTIONS)
    return "\n".join(front) + "\n" + body


# -- nufa renumber ----------------------------------------------------------------------------

def renumber_meeting(root: Path, meeting_name: str) -> Outcome:
    repo = load_for_edit(root, renumbering=True)
    meeting = find_meeting(repo, meeting_name)
    why = renumber.final_reason(meeting)
    if why:
        raise renumber.FinalMeeting(meeting, why)
    numbering = renumber.slots(repo, meeting)
    changes = Changeset(repo.root)
    renumber.plan(repo, numbering, changes)
    if changes.empty:
        mine = [s.nr for s in numbering if s.meeting is meeting]
        span = f"saker {mine[0]}–{mine[-1]} are" if len(mine) > 1 else (
            f"sak {mine[0]} is" if mine else "it has no saker, so nothing is")
        return Outcome([], [f"meeting {meeting.folder}: {span} already in order; nothing changed"])
    return Outcome(changes.commit())


# -- nufa referat -----------------------------------------------------------------------------

def new_referat(root: Path, meeting_name: str) -> Outcome:
    """referat.md drafted from the agenda: the protokoll's keys to fill in (møteleder and
    sekretariat as in the previous referat, how it was approved), then a section per sak
    with its forslag til vedtak as the draft vedtak; the sak approving the previous
    meeting's referat comes first, so its vedtak (which makes that referat's approval line)
    is written before the rest."""
    repo = load_for_edit(root)
    meeting = find_meeting(repo, meeting_name)
    path = meeting.path / REFERAT
    if path.exists():
        raise Refused(f"{_rel(repo, path)} already exists; nufa never overwrites a referat")
    earlier = [m for m in repo.meetings if m.first_day < meeting.first_day and m.referat]
    previous = earlier[-1].referat if earlier else None
    copied = []
    front = ["---", "status: utkast"]
    chair = next((c.medlem for c in previous.protokoll.chairs if not c.saker), None) \
        if previous else None
    if chair and chair in {m.id for m in meeting.members}:
        front.append(f"møteleder: {scalar(chair)}")
        copied.append("møteleder")
    front += ["fravær: []", "stedfortredere: []", "inhabil: []", "voteringer: []"]
    approval = previous.protokoll.approval if previous else None
    if approval is not None and approval.måte:
        front += ["godkjenning:", f"  måte: {scalar(approval.måte)}", "  underskrivere: []"]
        copied.append("godkjenning")
    sekretariat = previous.meta.sekretariat if previous else []
    front += ["sekretariat: [" + ", ".join(scalar(n, flow=True) for n in sekretariat) + "]", "---"]
    if previous is not None:
        copied.append("sekretariat")
    sections = []
    texts = repo.committee.lang
    for sak in _approval_first(meeting, earlier[-1] if earlier else None):
        vedtak = (sak.forslag_til_vedtak or "").strip()
        if not vedtak and earlier and _approves(sak, earlier[-1]):
            vedtak = texts("godkjenner_referatet", kortnavn=repo.committee.kortnavn,
                           datoer=earlier[-1].date_range)
        # a blank line to write the minutes on; forslag til vedtak as the draft vedtak
        sections.append(f"## {sak.nr}\n\n\n\n### {texts('vedtak')}"
                        + (f"\n\n{vedtak}" if vedtak else ""))
    changes = Changeset(repo.root)
    changes.create(_rel(repo, path), "\n\n".join(["\n".join(front), *sections]) + "\n")
    outcome = Outcome(changes.commit())
    if copied:
        named = ", ".join(copied[:-1]) + " and " + copied[-1] if len(copied) > 1 else copied[0]
        outcome.notes.append(f"{named} copied from the referat of meeting {earlier[-1].folder}")
    return outcome


def _approves(sak: Sak, previous: Meeting) -> bool:
    return any(a.kind == "referat" and a.target == previous.folder for a in sak.attachments)


def _approval_first(meeting: Meeting, previous: Meeting | None) -> list[Sak]:
    """The meeting's saker in agenda order, the one approving the previous referat first."""
    first = [s for s in meeting.saker if previous is not None and _approves(s, previous)][:1]
    return first + [s for s in meeting.saker if s not in first]
