"""Other committees' numbering (FORMAT.md part 2): nummerering.format and .per, series per
sakstype, første_sak, møte: N/YYYY and ukjent, references to another meeting's sak."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import FileContent, Nufa, line_of, stem

from nufa_cli.check.validate import check
from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.model.saknr import format_of
from nufa_cli.render.calendar import summary
from nufa_cli.render.documents import meeting_documents
from nufa_cli.render.renderer import Renderer

MakeRepo = Callable[[dict[str, FileContent]], Path]

BOARD = """\
utvalg: {navn: Universitetsstyret, kortnavn: Universitetsstyret}
sekretariat: Universitetsdirektøren
nummerering: {format: "{serie}-sak {n}", per: møte}
sakstyper:
  - {navn: Vedtakssak, serie: V}
  - {navn: Orienteringssak, serie: O, vedtak: valgfritt}
  - {navn: Drøftingssak, serie: D}
"""
MEMBERS = """\
medlemmer:
  - {navn: Svein Stølen, virksomhet: rektor}
  - {navn: Gro Bjørnerud Mo, virksomhet: prorektor}
  - {navn: Kristian Bjørkdahl, virksomhet: UiO}
"""


def board_meeting(day: str, rows: str, extra: str = "") -> str:
    return (f"møte: {extra}\n" if extra else "") + f"""\
sted: Universitetets aula
status: endelig
dager:
  - dato: {day}
    start: "10:00"
    slutt: "15:00"
    program:
{rows}"""


ROWS_1 = """\
      - {sak: V-sak 1, tittel: Godkjenning av innkalling og dagsorden, type: Vedtakssak}
      - {sak: O-sak 1, tittel: Rektors orientering, type: Orienteringssak}
      - {sak: V-sak 2, tittel: Budsjett 2020, type: Vedtakssak, toppnotat: toppnotater/budsjett.md}
      - {sak: D-sak 1, tittel: Strategi 2030, type: Drøftingssak}
"""
ROWS_2 = """\
      - {sak: V-sak 1, tittel: Godkjenning av innkalling og dagsorden, type: Vedtakssak}
      - {sak: V-sak 2, tittel: Tilsetting av direktør, type: Vedtakssak, toppnotat: toppnotater/tilsetting.md}
"""
BUDSJETT = """\
---
sak: V-sak 2
tittel: Budsjett 2020
type: Vedtakssak
forslag_til_vedtak: Styret vedtar budsjettet.
---

## Hensikt med saken

Budsjettet for 2020.

## Bakgrunn

Som før.
"""
TILSETTING = """\
---
sak: V-sak 2
tittel: Tilsetting av direktør
type: Vedtakssak
tidligere_behandlinger:
  - {utvalg: Universitetsstyret, møte: 2020-02-14, sak: V-sak 2}
---

## Hensikt med saken

Tilsetting.

## Bakgrunn

Se budsjettet.
"""
REFERAT_1 = """\
---
status: endelig
---

## V-sak 1

### Vedtak

Godkjent.

## O-sak 1

Rektor orienterte.

## V-sak 2

### Vedtak

Budsjettet for 2020 vedtas.

## D-sak 1

### Vedtak

Styret drøftet strategien.
"""
M1, M2 = "meetings/2020-02-14", "meetings/2020-03-19"


def board() -> dict[str, FileContent]:
    return {
        "nufa.yaml": BOARD,
        "medlemmer.yaml": MEMBERS,
        f"{M1}/agenda.yaml": board_meeting("2020-02-14", ROWS_1, "1/2020"),
        f"{M1}/toppnotater/budsjett.md": BUDSJETT,
        f"{M1}/referat.md": REFERAT_1,
        f"{M2}/agenda.yaml": board_meeting("2020-03-19", ROWS_2),
        f"{M2}/toppnotater/tilsetting.md": TILSETTING,
    }


def problems(root: Path, severity: Severity | None = None) -> list[Diagnostic]:
    _, diagnostics = check(root)
    return [d for d in diagnostics if severity is None or d.severity is severity]


# -- the format itself -------------------------------------------------------------------------


def test_formats_parse_and_print_their_numbers() -> None:
    board_format = format_of("{serie}-sak {n}", "møte", [("Vedtakssak", "V"), ("Orienteringssak", "O")])
    nr = board_format.parse("O-sak 3", year=2020, meeting="2020-02-14")
    assert nr is not None and (nr.serie, nr.n, nr.meeting, str(nr)) == ("O", 3, "2020-02-14", "O-sak 3")
    assert board_format.parse("O-sak 3", year=2020, meeting="2020-03-19") != nr  # another meeting's
    assert board_format.parse("X-sak 3", year=2020) is None
    assert board_format.suggest("o-sak  3", year=2020) == "O-sak 3"
    kommune = format_of("{serie} {n}/{yy}", "år", [("Politisk sak", "PS"), ("Orientering", "OS")])
    assert str(kommune.make(4, 2015, "PS")) == "PS 4/15"
    assert kommune.parse("PS 4/15", year=2015) != kommune.parse("OS 4/15", year=2015)
    hf = format_of("{yyyy}/{n:03}", "år", [])
    assert str(hf.make(45, 2021)) == "2021/045" and hf.parse("2021/45", year=2021) is None
    assert hf.describe() == "YYYY/NNN"


# -- a university board: V-, O-, D-sak restarting every meeting -------------------------------


def test_board_numbers_check_clean_and_restart_each_meeting(make_repo: MakeRepo) -> None:
    root = make_repo(board())
    assert problems(root) == []
    repo, _ = check(root)
    assert [str(s.nr) for m in repo.meetings for s in m.saker] == [
        "V-sak 1", "O-sak 1", "V-sak 2", "D-sak 1", "V-sak 1", "V-sak 2"]
    assert [m.number for m in repo.meetings] == ["1/2020", "2/2020"]


def test_board_documents_print_the_numbers_and_name_files_safely(make_repo: MakeRepo) -> None:
    repo, _ = check(make_repo(board()))
    renderer = Renderer(repo)
    first, second = repo.meetings
    docs = {stem(first, d): d for d in meeting_documents(repo, first, renderer)}
    assert set(docs) == {"innkalling", "saksliste", "referat", "toppnotat-v-sak-2",
                         "saksutskrift-v-sak-1", "saksutskrift-o-sak-1", "saksutskrift-v-sak-2",
                         "saksutskrift-d-sak-1"}
    assert "Møte 1/2020" in docs["toppnotat-v-sak-2"].markdown  # Til møte
    assert docs["toppnotat-v-sak-2"].title == "Toppnotat V-sak 2 Budsjett 2020"
    assert "O-sak 1" in docs["referat"].markdown and "V-sak 2" in docs["saksliste"].markdown
    later = {stem(second, d): d for d in meeting_documents(repo, second, renderer)}
    # the earlier treatment names the other meeting's V-sak 2: its title, vedtak and day
    note = " ".join(later["toppnotat-v-sak-2"].markdown.split())
    assert "| Universitetsstyret | V-sak 2 | Budsjett 2020 | Budsjettet for 2020 vedtas. |" in note
    assert "| | (14.2.2020) |" in note
    assert "Møte 2/2020" in note


def test_a_gap_in_a_series_is_located(make_repo: MakeRepo) -> None:
    files = board()
    agenda = board_meeting("2020-02-14", ROWS_1.replace("D-sak 1", "D-sak 2"), "1/2020")
    files[f"{M1}/agenda.yaml"] = agenda
    files[f"{M1}/referat.md"] = REFERAT_1.replace("D-sak 1", "D-sak 2")
    [d] = problems(make_repo(files))
    line = line_of(agenda, "D-sak 2")
    assert (d.path, d.line, d.col, d.code) == (f"{M1}/agenda.yaml", line,
                                               agenda.split("\n")[line - 1].index("D-sak 2") + 1,
                                               "sak-sequence")
    assert d.message == "sak D-sak 2 skips the sequence: numbers start at D-sak 1 each meeting"
    assert d.hint == "number it D-sak 1"


def test_a_number_not_of_the_format_is_located_with_the_printed_form(make_repo: MakeRepo) -> None:
    files = board()
    agenda = board_meeting("2020-03-19", ROWS_2.replace("sak: V-sak 2", "sak: v-sak  2"))
    files[f"{M2}/agenda.yaml"] = agenda
    [d] = problems(make_repo(files))
    line = line_of(agenda, "v-sak  2")
    assert (d.path, d.line, d.code) == (f"{M2}/agenda.yaml", line, "invalid-value")
    assert d.col == agenda.split("\n")[line - 1].index("v-sak") + 1
    assert d.message == ("dager[0].program[1].sak: 'v-sak  2' is not valid: a case number is "
                         "X-sak N (X: V, O, D), e.g. V-sak 12")
    assert d.hint == "write it as 'V-sak 2'"


def test_a_sak_of_another_serie_than_its_type_is_reported(make_repo: MakeRepo) -> None:
    files = board()
    files[f"{M2}/agenda.yaml"] = board_meeting("2020-03-19", ROWS_2 + (
        "      - {sak: V-sak 3, tittel: Orientering om økonomi, type: Orienteringssak}\n"))
    [d] = problems(make_repo(files))
    assert d.code == "sak-serie" and d.hint.startswith("number it in that serie, e.g. O-sak 3")


def test_a_reference_to_a_per_meeting_number_needs_its_meeting(make_repo: MakeRepo) -> None:
    files = board()
    text = TILSETTING.replace("møte: 2020-02-14, ", "")
    files[f"{M2}/toppnotater/tilsetting.md"] = text
    [d] = problems(make_repo(files))
    assert (d.code, d.line) == ("sak-meeting-missing", line_of(text, "utvalg: Universitetsstyret"))
    assert d.hint == "name the meeting by its first day: {møte: YYYY-MM-DD, sak: V-sak 2}"


def test_an_optional_vedtak_may_be_left_out_of_an_endelig_referat(make_repo: MakeRepo) -> None:
    files = board()
    files[f"{M1}/referat.md"] = REFERAT_1.replace(
        "## D-sak 1\n\n### Vedtak\n\nStyret drøftet strategien.\n", "")
    [d] = problems(make_repo(files))  # O-sak 1 has none either: Orienteringssak is valgfritt
    assert d.code == "vedtak-missing" and "D-sak 1" in d.message


def test_renumber_closes_a_gap_in_one_serie_of_one_meeting(make_repo: MakeRepo,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    files = board()
    files[f"{M2}/agenda.yaml"] = board_meeting(
        "2020-03-19", ROWS_2.replace("V-sak 2", "V-sak 3"), "").replace("status: endelig", "status: utkast")
    files[f"{M2}/toppnotater/tilsetting.md"] = TILSETTING.replace("sak: V-sak 2\ntittel",
                                                                  "sak: V-sak 3\ntittel")
    root = make_repo(files)
    assert [d.code for d in problems(root, Severity.ERROR)] == ["sak-sequence"]
    code, _, err = Nufa(monkeypatch, capsys)("renumber", "2020-03-19", "--repo", str(root))
    assert code == 0, err
    assert problems(root) == []
    assert "sak: V-sak 2\n" in (root / M2 / "toppnotater" / "tilsetting.md").read_text()
    assert "V-sak 3" not in (root / M2 / "agenda.yaml").read_text()
    # the first meeting, with its own V-sak 2, is untouched
    assert (root / M1 / "agenda.yaml").read_text() == files[f"{M1}/agenda.yaml"]


# -- a kommune: N/YY with an orientering series --------------------------------------------------

KOMMUNE = """\
utvalg: {navn: Formannskapet, kortnavn: Formannskapet}
sekretariat: Servicetorget
nummerering: {format: "{serie} {n}/{yy}"}
sakstyper:
  - {navn: Politisk sak, serie: PS}
  - {navn: Orienteringssak, serie: OS, vedtak: valgfritt}
"""


def kommune_meeting(day: str, rows: str, head: str = "") -> str:
    return head + f"""\
sted: Rådhuset, møterom 1
dager:
  - dato: {day}
    start: "10:00"
    slutt: "15:00"
    program:
{rows}"""


def kommune() -> dict[str, FileContent]:
    return {
        "nufa.yaml": KOMMUNE,
        "medlemmer.yaml": "medlemmer:\n  - {navn: Sigbjørn Odden, virksomhet: Sp}\n",
        "meetings/2014-11-20/agenda.yaml": kommune_meeting("2014-11-20", """\
      - {sak: PS 45/14, tittel: Godkjenning av protokoll, type: Politisk sak}
      - {sak: OS 3/14, tittel: Orientering om budsjett, type: Orienteringssak}
      - {sak: PS 46/14, tittel: Budsjett 2015, type: Politisk sak}
"""),
        "meetings/2014-12-04/agenda.yaml": kommune_meeting("2014-12-04", """\
      - {sak: PS 47/14, tittel: Godkjenning av protokoll, type: Politisk sak}
      - {sak: OS 4/14, tittel: Orientering om skolene, type: Orienteringssak}
"""),
    }


def test_kommune_series_run_through_the_year_and_warn_of_a_derived_meeting_number(
        make_repo: MakeRepo) -> None:
    files = kommune()
    [d] = problems(make_repo(files))
    agenda = files["meetings/2014-11-20/agenda.yaml"]
    assert (d.code, d.severity, d.line) == ("meeting-number-derived", Severity.WARNING,
                                            line_of(agenda, "PS 45/14"))
    assert d.message == ("sak PS 45/14 is not number 1, so meetings before this one are not in the "
                         "repository: the meeting number is derived as 1/14; give 'møte:' if that "
                         "is wrong")


def test_kommune_meeting_number_given_and_a_series_gap(make_repo: MakeRepo) -> None:
    files = kommune()
    files["meetings/2014-11-20/agenda.yaml"] = "møte: 9/14\n" + files["meetings/2014-11-20/agenda.yaml"]
    second = files["meetings/2014-12-04/agenda.yaml"].replace("OS 4/14", "OS 5/14")
    files["meetings/2014-12-04/agenda.yaml"] = second
    repo, diagnostics = check(make_repo(files))
    assert [m.number for m in repo.meetings] == ["9/14", "10/14"]
    [d] = diagnostics
    assert (d.code, d.line, d.message, d.hint) == (
        "sak-sequence", line_of(second, "OS 5/14"),
        "sak OS 5/14 skips the sequence: the previous sak was OS 3/14", "number it OS 4/14")


def test_first_sak_restarts_the_numbering_of_an_archive_with_gaps(make_repo: MakeRepo) -> None:
    files = kommune()
    files["meetings/2014-11-20/agenda.yaml"] = "møte: 9/14\n" + files["meetings/2014-11-20/agenda.yaml"]
    second = files["meetings/2014-12-04/agenda.yaml"].replace("PS 47/14", "PS 71/14")
    files["meetings/2014-12-04/agenda.yaml"] = "første_sak: PS 71/14\n" + second
    assert problems(make_repo(files)) == []


# -- a helseforetak: YYYY/N ----------------------------------------------------------------------


def test_four_digit_years_and_the_sak_year_rule(make_repo: MakeRepo) -> None:
    files = {
        "nufa.yaml": 'nummerering: {format: "{yyyy}/{n}"}\nsakstyper: [Vedtakssak]\n',
        "medlemmer.yaml": "medlemmer:\n  - {navn: Einar Strømsnes, virksomhet: Styret}\n",
        "meetings/2021-02-10/agenda.yaml": kommune_meeting("2021-02-10", """\
      - {sak: 2021/1, tittel: Godkjenning av innkalling, type: Vedtakssak}
      - {sak: 2020/2, tittel: Årsrekneskap, type: Vedtakssak}
""", "møte: 1/2021\n"),
    }
    repo, diagnostics = check(make_repo(files))
    [d] = diagnostics
    assert (d.code, d.message, d.hint) == ("sak-year", "sak 2020/2 is numbered for 2020, but the "
                                           "meeting is in 2021", "write it as 2021/2")
    assert repo.meetings[0].number == "1/2021"


def test_unknown_meeting_number_is_printed_nowhere(make_repo: MakeRepo) -> None:
    files = board()
    files[f"{M1}/agenda.yaml"] = board_meeting("2020-02-14", ROWS_1, "ukjent")
    repo, diagnostics = check(make_repo(files))
    assert [d for d in diagnostics if d.severity is Severity.ERROR] == []
    first, second = repo.meetings
    assert (first.number, second.number) == ("", "")
    docs = {stem(first, d): d for d in meeting_documents(repo, first, Renderer(repo))}
    assert "Til møte" not in docs["toppnotat-v-sak-2"].markdown
    assert summary(repo, first, first.days[0]) == "Møte i Universitetsstyret"


# -- format problems in nufa.yaml ----------------------------------------------------------------


@pytest.mark.parametrize(("format_", "message"), [
    ("{nr}/{yy}", "nummerering.format: {nr} is not a field; the fields are {n} {n:02} {n:03} "
                  "{yy} {yyyy} {serie}"),
    ("Sak {yy}", "nummerering.format 'Sak {yy}' must hold the number once: {n}, {n:02} or {n:03}"),
    ("{n}/{yy", "nummerering.format '{n}/{yy' is not a format: expected '}' before end of string"),
])
def test_a_broken_format_is_reported_once(make_repo: MakeRepo, format_: str, message: str) -> None:
    files = kommune()
    text = KOMMUNE.replace('"{serie} {n}/{yy}"', f'"{format_}"')
    files["nufa.yaml"] = text
    found = problems(make_repo(files), Severity.ERROR)
    assert [(d.code, d.path, d.line, d.message) for d in found] == [
        ("numbering-format", "nufa.yaml", line_of(text, "nummerering"), message)]


def test_a_serie_without_serie_in_the_format_is_printed_before_the_number(
        make_repo: MakeRepo) -> None:
    files = kommune()
    files["nufa.yaml"] = KOMMUNE.replace('"{serie} {n}/{yy}"', '"{n}/{yy}"')
    repo, diagnostics = check(make_repo(files))
    assert [d.code for d in diagnostics] == ["meeting-number-derived"]
    assert [(str(s.nr), s.nr.serie) for s in repo.meetings[0].saker] == [
        ("PS 45/14", "PS"), ("OS 3/14", "OS"), ("PS 46/14", "PS")]


FORMAT_PART_2 = """\
språk: nn                      # nb (default) | nn: every printed label, weekday and month
tekster:                       # any printed label by name, over the language's default
  referat: Protokoll           # the document's name in titles, headers, file names stay
  toppnotat: Saksframlegg
  forslag_til_vedtak: Innstilling
nummerering:
  format: "{n}/{yyyy}"         # printed form of a sak; fields {n} {n:02} {n:03} {yy} {yyyy} {serie}
  per: år                      # år (default): runs through the year | møte: restarts each meeting
sakstyper:
  - Godkjenning                # a plain name, as in part 1
  - navn: Orienteringssak
    serie: O                   # its own number series ({serie} in the format: "O-sak 3")
    vedtak: valgfritt          # an endelig referat may leave this type without a Vedtak
toppnotat:
  seksjoner: []                # sections warned about when missing (default NUFA's two)
"""


def test_formats_nufa_yaml_example_works_as_written(make_repo: MakeRepo) -> None:
    """FORMAT.md part 2's nufa.yaml, character for character, with a meeting using it."""
    files = {
        "nufa.yaml": FORMAT_PART_2,
        "medlemmer.yaml": "medlemmer:\n  - {navn: Sigbjørn Odden, rolle: ordfører, parti: Sp}\n",
        "meetings/2020-02-11/agenda.yaml": kommune_meeting("2020-02-11", """\
      - {sak: 1/2020, tittel: Godkjenning av innkalling, type: Godkjenning}
      - {sak: O 1/2020, tittel: Orientering frå rådmannen, type: Orienteringssak}
      - {sak: 2/2020, tittel: Budsjett, type: Godkjenning}
"""),
    }
    repo, diagnostics = check(make_repo(files))
    assert diagnostics == []
    assert repo.committee.lang.language == "nn" and repo.meetings[0].number == "1/2020"
    docs = {stem(repo.meetings[0], d): d for d in meeting_documents(repo, repo.meetings[0], Renderer(repo))}
    assert "**Innstilling:**" not in docs["saksliste"].markdown  # no forslag given
    assert "O 1/2020" in docs["saksliste"].markdown and "Tysdag 11. februar 2020" in docs[
        "saksliste"].markdown
