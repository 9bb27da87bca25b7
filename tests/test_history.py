"""Case history (nufa sak) and the case list (nufa list): library and command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import AGENDA1, ONE_DAY_2025, FileContent, Nufa, copy_sample, replace_once, valid_repo

from nufa_cli.check.validate import check
from nufa_cli.model.history import (
    UnknownSak,
    all_cases,
    as_rich,
    case_history,
    earlier_date,
    resolve_earlier,
    select,
    short,
)
from nufa_cli.model.objects import SakNr
from nufa_cli.sources.schema import Behandling

SAMPLE = Path(__file__).resolve().parents[1]

Files = dict[str, FileContent]


def three_meetings() -> Files:
    """The valid repository of helpers.py and a one-day meeting of 2025."""
    return {**valid_repo(), **ONE_DAY_2025}


@pytest.fixture
def root(make_repo: Callable[[Files], Path]) -> Path:
    return make_repo(three_meetings())


def nr(text: str) -> SakNr:
    parsed = SakNr.parse(text)
    assert parsed is not None
    return parsed


def flat(text: str) -> str:
    """A usage error as one line: without the box rich draws around it, however it wraps."""
    return " ".join(text.replace("│", " ").split())


# -- the sample repository ---------------------------------------------------------------------


def test_sample_7_24_vedtak_from_january_referat_and_later_treatment_by_14_24() -> None:
    repo, _ = check(SAMPLE)
    case = case_history(repo, nr("7/24"))
    assert (case.meeting, case.folder, case.dato, case.day) == (
        "1/24", "2024-01-24", dt.date(2024, 1, 24), 1)
    assert case.type == "Drøfting"
    assert case.tittel == "Helseteknologiordningen – status og videre utvikling av ordningen"
    assert case.vedtak == (
        "NUFA drøftet saken og ga innspill til hvordan helseteknologiordningen bør "
        "videreutvikles. Helsedirektoratet tar med seg innspillene gitt i møte i det videre "
        "arbeidet.")
    assert case.referat_status == "endelig"
    assert [(str(t.nr), t.meeting, t.folder, t.dato) for t in case.later] == [
        ("14/24", "2/24", "2024-04-24", dt.date(2024, 4, 24))]
    assert case.later[0].tittel.startswith("Helseteknologiordningen – status og innspill")


def test_sample_toppnotat_14_24_resolves_its_earlier_treatments() -> None:
    repo, _ = check(SAMPLE)
    meeting, sak = repo.find_sak(nr("14/24")) or (None, None)
    assert meeting is not None and sak is not None and sak.toppnotat is not None
    own, other = sak.toppnotat.meta.tidligere_behandlinger
    case = case_history(repo, nr("7/24"))
    assert resolve_earlier(repo, own, meeting) == (case.tittel, case.vedtak)
    assert earlier_date(repo, own, meeting) == dt.date(2024, 1, 24)
    assert resolve_earlier(repo, other, meeting) == (other.tittel, other.vedtak)
    assert earlier_date(repo, other, meeting) == dt.date(2023, 12, 14)  # written in the entry


def test_sample_list_shortens_vedtak_in_the_table(nufa: Nufa) -> None:
    code, out, _ = nufa("list", "--repo", str(SAMPLE), "--grep",
                       "helseteknologiordningen bør")
    assert code == 0
    row = out.splitlines()[1]
    assert row.startswith("7/24   1/24  24.01.2024  Drøfting  Helseteknologiordningen")
    assert row.endswith("NUFA drøftet saken og ga innspill til hvordan helseteknolog…")


# -- the library on a small repository ---------------------------------------------------------


def test_history_of_a_sak_with_vedtak_and_later_treatment(root: Path) -> None:
    repo, _ = check(root)
    case = case_history(repo, nr("2/24"))
    assert (case.meeting, case.folder, case.dato, case.type) == (
        "1/24", "2024-01-24", dt.date(2024, 1, 24), "Orientering")
    assert case.vedtak == "NUFA tar saken til orientering."
    assert [str(t.nr) for t in case.later] == ["5/24"]
    assert case.later[0].vedtak is None  # meeting 2/24 has no referat yet


def test_history_without_referat(root: Path) -> None:
    repo, _ = check(root)
    case = case_history(repo, nr("5/24"))
    assert case.forslag_til_vedtak == "NUFA drøftet saken og ga innspill."
    assert case.beskrivelse == "Styringsgruppa ønsker å gi NUFA en orientering om arbeidet."
    assert (case.vedtak, case.referat_status, case.later) == (None, None, ())


def test_unknown_sak_names_the_numbers_there_are(root: Path) -> None:
    repo, _ = check(root)
    with pytest.raises(UnknownSak) as raised:
        case_history(repo, nr("9/24"))
    assert raised.value.message == (
        "no sak 9/24 in this repository (its saker: 1/24–8/24, 1/25–1/25)")
    assert raised.value.exit_code == 1


def test_only_later_saker_of_this_committee_count(make_repo: Callable[[Files], Path]) -> None:
    files = three_meetings()
    files["meetings/2024-04-24/toppnotater/5-24-tannhelse.md"] = replace_once(
        str(files["meetings/2024-04-24/toppnotater/5-24-tannhelse.md"]),
        "  - {utvalg: NUFA, sak: 2/24}\n",
        "  - {utvalg: NUFA, sak: 2/24}\n"
        "  - {utvalg: NUIT, sak: 1/24, tittel: Annet utvalg,"
        " vedtak: NUIT tok saken til orientering}\n")
    repo, _ = check(make_repo(files))
    assert case_history(repo, nr("1/24")).later == ()
    assert [str(t.nr) for t in case_history(repo, nr("2/24")).later] == ["5/24"]


def test_resolve_earlier_prefers_what_the_entry_says(root: Path) -> None:
    repo, _ = check(root)
    citing = repo.meetings[-1]
    given = Behandling(utvalg="NUFA", sak="2/24", tittel="Kort tittel")
    assert resolve_earlier(repo, given, citing) == ("Kort tittel", "NUFA tar saken til orientering.")
    assert resolve_earlier(repo, Behandling(utvalg="NUFA", sak="2/24"), citing) == (
        "Orientering fra Helsedirektoratet", "NUFA tar saken til orientering.")
    assert resolve_earlier(repo, Behandling(utvalg="NUFA", sak="5/24"), citing) == (
        "Digitalisering av Den offentlige tannhelsetjenesten", None)
    assert resolve_earlier(repo, Behandling(utvalg="NUIT", sak="2/24"), citing) == (None, None)


def test_select_filters(root: Path) -> None:
    repo, _ = check(root)
    cases = all_cases(repo)

    def numbers(**kwargs: object) -> list[str]:
        return [str(c.nr) for c in select(cases, **kwargs)]  # type: ignore[arg-type]

    assert numbers(year=2025) == ["1/25"]
    assert numbers(type="orientering") == ["2/24", "3/24", "6/24", "8/24"]
    # vedtak (2/24, 3/24) and beskrivelse (5/24), in any case
    assert numbers(grep="ORIENTERING") == ["2/24", "3/24", "5/24"]
    assert numbers(grep="godkjenner") == ["1/24", "4/24"]  # forslag til vedtak, vedtak
    assert numbers(grep="tannhelse", year=2024, type="Drøfting") == ["5/24"]
    assert numbers(year=2023) == []


def test_short() -> None:
    assert short("kort\ntekst") == "kort tekst"
    assert short("a" * 61) == "a" * 59 + "…"
    assert len(short("ord " * 40)) <= 60
    assert short(None) == ""


def test_rich_table_has_the_columns(root: Path) -> None:
    from rich.console import Console

    repo, _ = check(root)
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(as_rich(select(all_cases(repo), year=2025)))
    text = console.export_text()
    assert "Sak" in text and "Vedtak" in text and "1/25" in text and "22.01.2025" in text


# -- nufa sak ----------------------------------------------------------------------------------


def test_cli_sak(root: Path, nufa: Nufa) -> None:
    code, out, err = nufa("sak", "2/24", "--repo", str(root))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Sak 2/24  Orientering fra Helsedirektoratet",
        "Meeting  1/24 (meetings/2024-01-24), day 1",
        "Date     Onsdag 24. januar 2024",
        "Type     Orientering",
        "",
        "Forslag til vedtak",
        "  (none)",
        "",
        "Vedtak",
        "  NUFA tar saken til orientering.",
        "",
        "Later treatments",
        "  5/24  meeting 2/24, 24. april 2024: Digitalisering av Den offentlige tannhelsetjenesten",
    ]


def test_cli_sak_without_referat(root: Path, nufa: Nufa) -> None:
    code, out, _ = nufa("sak", "5/24", "--repo", str(root))
    assert code == 0
    assert out.splitlines()[5:] == [
        "Forslag til vedtak",
        "  NUFA drøftet saken og ga innspill.",
        "",
        "Vedtak",
        "  (none: the meeting has no referat yet)",
        "",
        "Later treatments",
        "  (none)",
    ]


def test_cli_sak_unknown(root: Path, nufa: Nufa) -> None:
    code, out, err = nufa("sak", "9/24", "--repo", str(root))
    assert (code, out) == (1, "")
    assert err == "error: no sak 9/24 in this repository (its saker: 1/24–8/24, 1/25–1/25)\n"


@pytest.mark.parametrize("number", ["2-24", "2/2024", "0/24", "sju"])
def test_cli_sak_malformed_number(number: str, root: Path, nufa: Nufa) -> None:
    code, out, err = nufa("sak", number, "--repo", str(root))
    assert (code, out) == (2, "")
    assert "is not a sak number" in flat(err)


def test_cli_stops_on_source_errors(make_repo: Callable[[Files], Path],
                                    nufa: Nufa) -> None:
    files = three_meetings()
    files[AGENDA1] = replace_once(str(files[AGENDA1]), "type: Orientering\n      - tid",
                                  "type: Orienterign\n      - tid")
    root = make_repo(files)
    for args in (["sak", "2/24"], ["list"]):
        code, out, err = nufa(*args, "--repo", str(root))
        assert (code, out) == (1, "")
        assert "error[unknown-sakstype]" in err
        assert err.endswith("error: the sources have errors; fix them first "
                            "(nufa check lists them)\n")


# -- nufa list ---------------------------------------------------------------------------------


def test_cli_list_plain_table(root: Path, nufa: Nufa) -> None:
    code, out, err = nufa("list", "--repo", str(root))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Sak   Møte  Dato        Type         Tittel                                               Vedtak",
        "1/24  1/24  24.01.2024  Godkjenning  Godkjenning av innkalling og dagsorden               NUFA godkjenner innkalling og dagsorden.",  # noqa: E501
        "2/24  1/24  24.01.2024  Orientering  Orientering fra Helsedirektoratet                    NUFA tar saken til orientering.",  # noqa: E501
        "3/24  1/24  25.01.2024  Orientering  Eventuelt                                            NUFA tar eventuelt til orientering.",  # noqa: E501
        "4/24  2/24  24.04.2024  Godkjenning  Godkjenning av innkalling, dagsorden og referat",
        "5/24  2/24  24.04.2024  Drøfting     Digitalisering av Den offentlige tannhelsetjenesten",
        "6/24  2/24  24.04.2024  Orientering  Helse i nord",
        "7/24  2/24  25.04.2024  Drøfting     Temadag om digitale tjenester",
        "8/24  2/24  25.04.2024  Orientering  Eventuelt",
        "1/25  1/25  22.01.2025  Godkjenning  Godkjenning av innkalling og dagsorden",
    ]  # fmt: skip


def test_cli_list_filters(root: Path, nufa: Nufa) -> None:
    code, out, _ = nufa("list", "--repo", str(root), "--year", "2024",
                       "--type", "orientering", "--grep", "ORIENTERING")
    assert code == 0
    assert out.splitlines() == [
        "Sak   Møte  Dato        Type         Tittel                             Vedtak",
        "2/24  1/24  24.01.2024  Orientering  Orientering fra Helsedirektoratet  NUFA tar saken til orientering.",  # noqa: E501
        "3/24  1/24  25.01.2024  Orientering  Eventuelt                          NUFA tar eventuelt til orientering.",  # noqa: E501
    ]  # fmt: skip


def test_cli_list_json(root: Path, nufa: Nufa) -> None:
    code, out, _ = nufa("list", "--repo", str(root), "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [r["sak"] for r in records] == [
        "1/24", "2/24", "3/24", "4/24", "5/24", "6/24", "7/24", "8/24", "1/25"]
    assert records[1] == {
        "sak": "2/24", "meeting": "1/24", "folder": "2024-01-24", "date": "2024-01-24",
        "day": 1, "type": "Orientering", "title": "Orientering fra Helsedirektoratet",
        "forslag_til_vedtak": None, "vedtak": "NUFA tar saken til orientering.",
        "later": ["5/24"]}
    again = nufa("list", "--repo", str(root), "--format", "json")
    assert again == (0, out, "")


def test_cli_list_json_empty(root: Path, nufa: Nufa) -> None:
    assert nufa("list", "--repo", str(root), "--year", "2023",
               "--format", "json") == (0, "[]\n", "")


def test_cli_list_csv(root: Path, nufa: Nufa) -> None:
    code, out, _ = nufa("list", "--repo", str(root), "--format", "csv",
                       "--grep", "godkjenner")
    assert code == 0
    assert out.split("\r\n")[0] == (
        "sak,meeting,folder,date,day,type,title,forslag_til_vedtak,vedtak,later")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [r["sak"] for r in rows] == ["1/24", "4/24"]
    assert rows[1]["title"] == "Godkjenning av innkalling, dagsorden og referat"
    assert rows[1]["forslag_til_vedtak"] == (
        "NUFA godkjenner innkalling, dagsorden og referatet fra januar.")
    assert rows[1]["vedtak"] == ""
    assert rows[0]["vedtak"] == "NUFA godkjenner innkalling og dagsorden."


def test_cli_list_unknown_type_is_a_usage_error(root: Path, nufa: Nufa) -> None:
    code, out, err = nufa("list", "--repo", str(root), "--type", "Vedtak")
    assert (code, out) == (2, "")
    assert "unknown sakstype 'Vedtak'" in flat(err)


def test_a_later_treatment_shows_its_vedtak(tmp_path: Path, nufa: Nufa) -> None:
    root = copy_sample(tmp_path / "repo")
    (root / "meetings/2024-04-24/referat.md").write_text(
        "---\nstatus: utkast\n---\n\n## 14/24\n\nDrøftet.\n\n### Vedtak\n\n"
        "NUFA ga innspill til\nvidereutviklingen.\n", encoding="utf-8")
    code, out, err = nufa("sak", "7/24", "--repo", str(root))
    assert (code, err) == (0, "")
    assert out.splitlines()[-2:] == [
        "  14/24  meeting 2/24, 24. april 2024: Helseteknologiordningen – status og innspill "
        "til videreutvikling av ordningen",
        "        Vedtak: NUFA ga innspill til videreutviklingen.",
    ]
