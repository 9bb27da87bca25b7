"""nufa new meeting, nufa new sak, nufa renumber, nufa referat: real files in tmp_path.

Most tests start from a copy of the sample repository at the project root (meetings 1/24
and 2/24, saker 1/24 to 19/24) and run the real entry point, nufa_cli.cli.main.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import AGENDA2, M2, REFERAT1, Nufa, copy_sample, tree_hashes, valid_repo

from nufa_cli.check.validate import check
from nufa_cli.core.errors import Severity
from nufa_cli.edit.changeset import Changeset
from nufa_cli.edit.yamledit import compose, insert_item, scalar
from nufa_cli.sources.reader import load_yaml, split_front_matter

PROJECT = Path(__file__).resolve().parents[1]
APRIL = "meetings/2024-04-24"
SEPTEMBER = "meetings/2024-09-18"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The sample repository; meeting 2/24 without a referat, as the secretariat has it before
    the meeting."""
    root = copy_sample(tmp_path / "repo")
    (root / APRIL / "referat.md").unlink(missing_ok=True)
    return root


def diagnostics(root: Path) -> tuple[list[str], set[tuple[str, str]]]:
    """(errors as text, warnings as (path, code)) of nufa check."""
    _, found = check(root)
    errors = [d.text() for d in found if d.severity is Severity.ERROR]
    warnings = {(d.path, d.code) for d in found if d.severity is Severity.WARNING}
    return errors, warnings


def assert_clean(root: Path) -> None:
    """0 errors, and no warning beyond the sample's own (toppnotat 18/24 has no Bakgrunn)."""
    errors, warnings = diagnostics(root)
    assert errors == []
    assert warnings <= {(f"{APRIL}/toppnotater/18-24-temadag.md", "section-missing")}


def agenda(root: Path, folder: str) -> dict:
    """agenda.yaml as nufa reads it (YAML 1.2: dates and times stay text)."""
    doc, problems = load_yaml((root / folder / "agenda.yaml").read_text(encoding="utf-8"), "")
    assert problems == []
    assert doc is not None
    return doc.data


def rows(data: dict) -> list[dict]:
    return [row for day in data["dager"] for row in day.get("program") or []]


def endelig(root: Path, folder: str) -> None:
    path = root / folder / "agenda.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^status: \w+$", "status: endelig", text), encoding="utf-8")


def utkast(root: Path, folder: str) -> None:
    path = root / folder / "agenda.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^status: \w+$", "status: utkast", text), encoding="utf-8")


GODKJENNING_APRIL = ("Godkjenning av innkalling og dagsorden, samt godkjenning av referatet "
                     "fra NUFA 24. – 25. april 2024")


# -- nufa new meeting -------------------------------------------------------------------------

def test_new_meeting_continues_the_numbers_of_the_year(sample: Path, nufa: Nufa) -> None:
    result = nufa("new", "meeting", "2024-09-18", "--sted", "Helsedirektoratet, Oslo", cwd=sample)

    assert result.code == 0, result.err
    assert result.out == (
        f"created {SEPTEMBER}/agenda.yaml\n"
        "note: meeting 2024-04-24 has no referat.md yet: once it is written, add "
        "'vedlegg: [{referat: 2024-04-24}]' to sak 20/24 in meetings/2024-09-18/agenda.yaml\n")
    text = (sample / SEPTEMBER / "agenda.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/agenda.schema.json\n")
    data = agenda(sample, SEPTEMBER)
    assert data["sted"] == "Helsedirektoratet, Oslo"
    assert data["status"] == "utkast"
    assert [(d["dato"], d["start"], d["slutt"]) for d in data["dager"]] == [
        ("2024-09-18", "09:00", "16:00")]
    godkjenning, eventuelt = rows(data)
    assert godkjenning == {
        "sak": "20/24", "tid": "09:00", "varighet": 10,
        "tittel": GODKJENNING_APRIL,
        "type": "Godkjenning",
        "beskrivelse": GODKJENNING_APRIL + ".",
        "forslag_til_vedtak": "NUFA godkjenner innkalling og dagsorden. NUFA godkjenner "
                              "referatet fra møtet 24. – 25. april 2024.",
    }
    assert eventuelt == {"sak": "21/24", "tid": "15:45", "varighet": 15, "tittel": "Eventuelt"}
    assert_clean(sample)


def test_new_meeting_wording_matches_the_samples_godkjenning(sample: Path, nufa: Nufa) -> None:
    """Sak 11/24 of the sample was written by the secretariat; scaffolding it gives the same."""
    shutil.rmtree(sample / APRIL)
    assert nufa("new", "meeting", "2024-04-24", "--sted", "Tromsø", cwd=sample).code == 0

    written = rows(agenda(sample, APRIL))[0]
    original = rows(agenda(PROJECT, APRIL))[0]
    for key in ("sak", "tittel", "type", "beskrivelse", "forslag_til_vedtak", "vedlegg"):
        assert written[key] == original[key], key


def test_new_meeting_of_several_days_attaches_the_previous_referat(sample: Path, nufa: Nufa) -> None:
    assert nufa("referat", "2024-04-24", cwd=sample).code == 0

    result = nufa("new", "meeting", "2024-09-18", "--sted", "Bodø", "--days", "3", cwd=sample)

    assert result.code == 0, result.err
    assert result.out == f"created {SEPTEMBER}/agenda.yaml\n"
    data = agenda(sample, SEPTEMBER)
    assert [d["dato"] for d in data["dager"]] == [
        "2024-09-18", "2024-09-19", "2024-09-20"]
    assert [[r["sak"] for r in d["program"]] for d in data["dager"]] == [["20/24"], [], ["21/24"]]
    assert rows(data)[0]["vedlegg"] == [{"referat": "2024-04-24"}]
    assert_clean(sample)


def test_new_meeting_in_a_new_year_starts_at_1(sample: Path, nufa: Nufa) -> None:
    result = nufa("new", "meeting", "2025-01-22", "--sted", "Oslo", cwd=sample)

    assert result.code == 0, result.err
    godkjenning, eventuelt = rows(agenda(sample, "meetings/2025-01-22"))
    assert (godkjenning["sak"], eventuelt["sak"]) == ("1/25", "2/25")
    assert godkjenning["tittel"] == GODKJENNING_APRIL
    assert_clean(sample)


@pytest.mark.parametrize(("args", "code", "message"), [
    (["2024-04-24", "--sted", "x"], 1,
     "error: meetings/2024-04-24 already exists; nufa does not overwrite a meeting\n"),
    (["2024-03-01", "--sted", "x"], 1,
     "error: meeting 2024-04-24 follows in 2024: a meeting before it would break its sak "
     "numbers. Create meetings in date order\n"),
    (["2024-01-25", "--sted", "x"], 1, "error: meeting 2024-04-24 follows in 2024"),
    (["2024-09-18"], 2, "error: give the place of the meeting, e.g. --sted"),
    (["2024-09-18", "--sted", " "], 2, "error: give the place of the meeting"),
    (["2024-02-30", "--sted", "x"], 2, "'2024-02-30' is not a date in the calendar"),
    (["18.09.2024", "--sted", "x"], 2, "'18.09.2024' is not a date written YYYY-MM-DD"),
])
def test_new_meeting_refuses(sample: Path, nufa: Nufa, args: list[str], code: int,
                             message: str) -> None:
    before = tree_hashes(sample)

    result = nufa("new", "meeting", *args, cwd=sample)

    assert result.code == code
    assert message in result.err
    assert result.out == ""
    assert tree_hashes(sample) == before


def test_new_meeting_refuses_sources_with_errors(sample: Path, nufa: Nufa) -> None:
    path = sample / APRIL / "agenda.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("dager:", "dager: [", 1),
                    encoding="utf-8")
    before = tree_hashes(sample)

    result = nufa("new", "meeting", "2024-09-18", "--sted", "Oslo", cwd=sample)

    assert result.code == 1
    assert f"{APRIL}/agenda.yaml:" in result.err
    assert "error[yaml-syntax]" in result.err
    assert "make this change unsafe; nothing was changed" in result.err
    assert tree_hashes(sample) == before


def test_new_meeting_with_repo_option(sample: Path, nufa: Nufa, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = nufa("new", "meeting", "2024-09-18", "--sted", "Oslo",
                  "--repo", str(sample), cwd=elsewhere)
    assert result.code == 0, result.err
    assert (sample / SEPTEMBER / "agenda.yaml").is_file()


# -- nufa new sak -----------------------------------------------------------------------------

@pytest.fixture
def september(sample: Path, nufa: Nufa) -> Path:
    """The sample plus meeting 2024-09-18 (saker 20/24 Godkjenning and 21/24 Eventuelt)."""
    assert nufa("new", "meeting", "2024-09-18", "--sted", "Oslo", cwd=sample).code == 0
    return sample


def test_new_sak_goes_before_eventuelt(september: Path, nufa: Nufa) -> None:
    result = nufa("new", "sak", "2024-09-18", "--tittel",
                  "Digitalisering av Den offentlige tannhelsetjenesten: status",
                  "--type", "Drøfting", "--sakseier", "Styringsgruppa",
                  "--saksbehandler", "Bjørnar Hafell", cwd=september)

    note = "toppnotater/21-24-digitalisering-av-den-offentlige.md"
    assert result.code == 0, result.err
    assert result.out == (
        f"changed {SEPTEMBER}/agenda.yaml\n"
        "  sak 21/24 -> 22/24\n"
        f"  added sak 21/24 before Eventuelt: toppnotat: {note}\n"
        f"created {SEPTEMBER}/{note}\n")
    assert rows(agenda(september, SEPTEMBER))[1:] == [
        {"sak": "21/24", "toppnotat": note},
        {"sak": "22/24", "tid": "15:45", "varighet": 15, "tittel": "Eventuelt"},
    ]
    assert (september / SEPTEMBER / note).read_text(encoding="utf-8") == """\
---
sak: 21/24
tittel: "Digitalisering av Den offentlige tannhelsetjenesten: status"
type: Drøfting
sakseier: Styringsgruppa
saksbehandler: Bjørnar Hafell
beskrivelse:  # the short text in the innkalling's saksliste
forslag_til_vedtak:
---

## Hensikt med saken


## Bakgrunn


## Videre saksprosess

"""
    assert_clean(september)


def test_new_sak_on_a_day_without_saker(sample: Path, nufa: Nufa) -> None:
    assert nufa("new", "meeting", "2024-09-18", "--sted", "Oslo", "--days", "3", cwd=sample).code == 0

    result = nufa("new", "sak", f"{SEPTEMBER}/", "--tittel", "Temadag",
                  "--type", "Orientering", "--dag", "2", cwd=sample)

    assert result.code == 0, result.err
    data = agenda(sample, SEPTEMBER)
    assert [[r["sak"] for r in d["program"]] for d in data["dager"]] == [
        ["20/24"], ["21/24"], ["22/24"]]
    text = (sample / SEPTEMBER / "agenda.yaml").read_text(encoding="utf-8")
    assert "    program:\n      - sak: 21/24\n        toppnotat: toppnotater/21-24-temadag.md\n" \
        in text
    assert_clean(sample)


def test_new_sak_renumbers_the_following_meeting_of_the_year(september: Path, nufa: Nufa) -> None:
    assert nufa("new", "meeting", "2024-11-20", "--sted", "Oslo", cwd=september).code == 0
    assert nufa("new", "sak", "2024-11-20", "--tittel", "Budsjett",
                "--type", "Beslutning", cwd=september).code == 0

    result = nufa("new", "sak", "2024-09-18", "--tittel", "Tannhelse",
                  "--type", "Drøfting", cwd=september)

    assert result.code == 0, result.err
    assert [r["sak"] for r in rows(agenda(september, SEPTEMBER))] == ["20/24", "21/24", "22/24"]
    assert [r["sak"] for r in rows(agenda(september, "meetings/2024-11-20"))] == [
        "23/24", "24/24", "25/24"]
    assert ("renamed meetings/2024-11-20/toppnotater/23-24-budsjett.md -> 24-24-budsjett.md\n"
            "  sak: 23/24 -> 24/24\n") in result.out
    assert_clean(september)


def test_new_sak_refuses_when_a_final_meeting_would_be_renumbered(september: Path,
                                                                   nufa: Nufa) -> None:
    assert nufa("new", "meeting", "2024-11-20", "--sted", "Oslo", cwd=september).code == 0
    endelig(september, "meetings/2024-11-20")
    before = tree_hashes(september)

    result = nufa("new", "sak", "2024-09-18", "--tittel", "Tannhelse",
                  "--type", "Drøfting", cwd=september)

    assert result.code == 1
    assert result.err == (
        "error: the change would renumber the saker of meeting 2024-11-20, which follows in "
        "2024 and is final (agenda.yaml has status: endelig); the sak numbers of a final "
        "meeting are not changed. Set its status to utkast first if they really must change\n")
    assert tree_hashes(september) == before


@pytest.mark.parametrize(("args", "message"), [
    (["--type", "drøfting"], "error: sakstype 'drøfting' is not in nufa.yaml's sakstyper; "
                             "did you mean 'Drøfting'?\n"),
    (["--type", "Orienterng"], "did you mean 'Orientering'?"),
    (["--type", "Møte"], "use one of: Godkjenning, Orientering, Drøfting, Beslutning"),
    (["--type", "Drøfting", "--dag", "2"], "error: --dag 2: meeting 2024-09-18 has 1 day(s)"),
])
def test_new_sak_usage_errors(september: Path, nufa: Nufa, args: list[str], message: str) -> None:
    before = tree_hashes(september)

    result = nufa("new", "sak", "2024-09-18", "--tittel", "Tannhelse", *args, cwd=september)

    assert (result.code, result.out) == (2, "")
    assert message in result.err
    assert tree_hashes(september) == before


def test_new_sak_refuses_an_unknown_or_final_meeting(sample: Path, nufa: Nufa) -> None:
    result = nufa("new", "sak", "2024-04-23", "--tittel", "X", "--type", "Drøfting", cwd=sample)
    assert result.code == 2
    assert "error: no meeting '2024-04-23'" in result.err
    assert "did you mean 2024-04-24?" in result.err

    result = nufa("new", "sak", "2024-04-24", "--tittel", "X", "--type", "Drøfting", cwd=sample)
    assert result.code == 1
    assert result.err.startswith("error: meeting 2024-04-24 is final (agenda.yaml has status: "
                                 "endelig)")


# -- nufa renumber ----------------------------------------------------------------------------

ROW_12 = """\
      - sak: 12/24
        tid: "11:10"
        toppnotat: toppnotater/12-24-tannhelse.md
"""
ROW_13 = """\
      - sak: 13/24
        tid: "12:10"
        toppnotat: toppnotater/13-24-helse-nim.md
"""


def swap_rows_by_hand(root: Path, row_12: str = ROW_12, row_13: str = ROW_13) -> str:
    """Put 13/24 (Helse-NIM) before 12/24 (tannhelse) in April, times staying in place."""
    path = root / APRIL / "agenda.yaml"
    text = path.read_text(encoding="utf-8")
    first = row_13.replace('"12:10"', '"11:10"').replace(
        "      - sak", "      # moved up by hand\n      - sak")
    second = row_12.replace('"11:10"', '"12:10"')
    text = text.replace(row_12, "@12@").replace(row_13, second).replace("@12@", first)
    path.write_text(text, encoding="utf-8")
    return text


def test_renumber_follows_a_manual_reorder_everywhere(september: Path, nufa: Nufa) -> None:
    root = september
    utkast(root, APRIL)
    assert nufa("referat", "2024-04-24", cwd=root).code == 0
    assert nufa("new", "sak", "2024-09-18", "--tittel", "Oppfølging av tannhelse",
                "--type", "Orientering", cwd=root).code == 0
    citing = root / SEPTEMBER / "toppnotater/21-24-oppfolging-av-tannhelse.md"
    cited = citing.read_text(encoding="utf-8").replace(
        "forslag_til_vedtak:\n",
        "forslag_til_vedtak:\ntidligere_behandlinger:\n"
        "  - {utvalg: NUFA, sak: 12/24}  # tannhelse i april\n"
        "  - {utvalg: NUFA, sak: 14/24}\n")
    citing.write_text(cited, encoding="utf-8")
    agenda_text = swap_rows_by_hand(root)
    referat_text = (root / APRIL / "referat.md").read_text(encoding="utf-8")
    notes = root / APRIL / "toppnotater"
    tannhelse = (notes / "12-24-tannhelse.md").read_text(encoding="utf-8")
    helse_nim = (notes / "13-24-helse-nim.md").read_text(encoding="utf-8")

    result = nufa("renumber", "2024-04-24", cwd=root)

    assert result.code == 0, result.err
    assert result.out == f"""\
changed {APRIL}/agenda.yaml
  sak 13/24 -> 12/24
  toppnotat: toppnotater/13-24-helse-nim.md -> toppnotater/12-24-helse-nim.md
  sak 12/24 -> 13/24
  toppnotat: toppnotater/12-24-tannhelse.md -> toppnotater/13-24-tannhelse.md
changed {APRIL}/referat.md
  ## 12/24 -> ## 13/24
  ## 13/24 -> ## 12/24
renamed {APRIL}/toppnotater/12-24-tannhelse.md -> 13-24-tannhelse.md
  sak: 12/24 -> 13/24
renamed {APRIL}/toppnotater/13-24-helse-nim.md -> 12-24-helse-nim.md
  sak: 13/24 -> 12/24
changed {SEPTEMBER}/toppnotater/21-24-oppfolging-av-tannhelse.md
  tidligere_behandlinger: NUFA 12/24 -> 13/24
"""
    # every byte outside the changed values is as the secretariat wrote it
    expected = agenda_text.replace(
        "- sak: 13/24\n        tid: \"11:10\"\n        toppnotat: toppnotater/13-24-helse-nim.md",
        "- sak: 12/24\n        tid: \"11:10\"\n        toppnotat: toppnotater/12-24-helse-nim.md",
    ).replace(
        "- sak: 12/24\n        tid: \"12:10\"\n        toppnotat: toppnotater/12-24-tannhelse.md",
        "- sak: 13/24\n        tid: \"12:10\"\n        toppnotat: toppnotater/13-24-tannhelse.md")
    assert expected != agenda_text
    assert (root / APRIL / "agenda.yaml").read_text(encoding="utf-8") == expected
    assert "      # moved up by hand\n      - sak: 12/24\n" in expected
    assert sorted(p.name for p in notes.iterdir())[:2] == ["12-24-helse-nim.md",
                                                           "13-24-tannhelse.md"]
    assert (notes / "13-24-tannhelse.md").read_text(encoding="utf-8") == \
        tannhelse.replace("\nsak: 12/24\n", "\nsak: 13/24\n", 1)
    assert (notes / "12-24-helse-nim.md").read_text(encoding="utf-8") == \
        helse_nim.replace("\nsak: 13/24\n", "\nsak: 12/24\n", 1)
    assert (root / APRIL / "referat.md").read_text(encoding="utf-8") == referat_text.replace(
        "\n## 12/24\n", "\n## @\n").replace("\n## 13/24\n", "\n## 12/24\n").replace(
        "\n## @\n", "\n## 13/24\n")
    assert citing.read_text(encoding="utf-8") == cited.replace(
        "sak: 12/24}  # tannhelse i april", "sak: 13/24}  # tannhelse i april")
    assert_clean(root)

    again = nufa("renumber", "2024-04-24", cwd=root)
    assert (again.code, again.out) == (
        0, "note: meeting 2024-04-24: saker 11/24–19/24 are already in order; nothing changed\n")


def test_renumber_swaps_files_of_the_same_name(sample: Path, nufa: Nufa) -> None:
    """12-24-notat.md and 13-24-notat.md trade places: each ends up under the other's name."""
    utkast(sample, APRIL)
    notes = sample / APRIL / "toppnotater"
    (notes / "12-24-tannhelse.md").rename(notes / "12-24-notat.md")
    (notes / "13-24-helse-nim.md").rename(notes / "13-24-notat.md")
    path = sample / APRIL / "agenda.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "12-24-tannhelse.md", "12-24-notat.md").replace("13-24-helse-nim.md", "13-24-notat.md"),
        encoding="utf-8")
    swap_rows_by_hand(sample, ROW_12.replace("12-24-tannhelse.md", "12-24-notat.md"),
                      ROW_13.replace("13-24-helse-nim.md", "13-24-notat.md"))
    tannhelse = (notes / "12-24-notat.md").read_text(encoding="utf-8")

    result = nufa("renumber", "2024-04-24", cwd=sample)

    assert result.code == 0, result.err
    assert f"renamed {APRIL}/toppnotater/12-24-notat.md -> 13-24-notat.md\n" in result.out
    assert f"renamed {APRIL}/toppnotater/13-24-notat.md -> 12-24-notat.md\n" in result.out
    assert (notes / "13-24-notat.md").read_text(encoding="utf-8") == \
        tannhelse.replace("\nsak: 12/24\n", "\nsak: 13/24\n", 1)
    assert "tittel: Digitalisering av Den offentlige tannhelsetjenesten" in \
        (notes / "13-24-notat.md").read_text(encoding="utf-8")
    assert not list(notes.glob(".*"))  # no temporaries left behind
    assert_clean(sample)


def test_renumber_refuses_a_final_meeting_and_changes_nothing(sample: Path, nufa: Nufa) -> None:
    swap_rows_by_hand(sample)  # April is endelig in the sample
    before = tree_hashes(sample)

    result = nufa("renumber", "2024-04-24", cwd=sample)

    assert result.code == 1
    assert result.out == ""
    assert result.err == (
        "error: meeting 2024-04-24 is final (agenda.yaml has status: endelig); the sak numbers "
        "of a final meeting are not changed. Set its status to utkast first if they really "
        "must change\n")
    assert tree_hashes(sample) == before


def test_renumber_in_order_does_nothing(september: Path, nufa: Nufa) -> None:
    before = tree_hashes(september)

    result = nufa("renumber", "2024-09-18", cwd=september)

    assert (result.code, result.err) == (0, "")
    assert result.out == ("note: meeting 2024-09-18: saker 20/24–21/24 are already in order; "
                          "nothing changed\n")
    assert tree_hashes(september) == before


def test_renumber_repairs_a_duplicated_number(september: Path, nufa: Nufa) -> None:
    """A row copied with its number: the check errors renumber repairs do not stop it."""
    path = september / SEPTEMBER / "agenda.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("sak: 21/24", "sak: 20/24"),
                    encoding="utf-8")
    assert diagnostics(september)[0]

    result = nufa("renumber", "2024-09-18", cwd=september)

    assert result.code == 0, result.err
    assert result.out == f"changed {SEPTEMBER}/agenda.yaml\n  sak 20/24 -> 21/24\n"
    assert_clean(september)


def test_renumber_refuses_a_number_it_cannot_follow(september: Path, nufa: Nufa) -> None:
    """Two rows say 20/24 and the referat has '## 20/24': which sak's minutes are they?"""
    assert nufa("referat", "2024-09-18", cwd=september).code == 0
    path = september / SEPTEMBER / "agenda.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("sak: 21/24", "sak: 20/24"),
                    encoding="utf-8")
    before = tree_hashes(september)

    result = nufa("renumber", "2024-09-18", cwd=september)

    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"error: sak 20/24 is used more than once in {SEPTEMBER}/agenda.yaml, and "
        f"{SEPTEMBER}/referat.md has a section '## 20/24': nufa cannot tell which sak it "
        "belongs to. Give the rows distinct numbers by hand, then run nufa renumber\n")
    assert tree_hashes(september) == before


def test_new_sak_refuses_numbers_out_of_order(september: Path, nufa: Nufa) -> None:
    path = september / SEPTEMBER / "agenda.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("sak: 21/24", "sak: 23/24"),
                    encoding="utf-8")
    before = tree_hashes(september)

    result = nufa("new", "sak", "2024-09-18", "--tittel", "X", "--type", "Drøfting", cwd=september)

    assert (result.code, result.out) == (1, "")
    assert f"{SEPTEMBER}/agenda.yaml:" in result.err
    assert "error[sak-sequence]: sak 23/24 skips the sequence" in result.err
    assert result.err.endswith("error: 1 error(s) in the sources make this change unsafe; nothing "
                               "was changed. Fix them first (nufa check shows them all)\n")
    assert tree_hashes(september) == before


def test_new_sak_goes_past_a_schema_error_on_a_file_that_loaded(september: Path, nufa: Nufa) -> None:
    """missing-field raised by a rule on a loaded toppnotat leaves the model whole: the edit
    goes on (core/codes.py: Edit.REFUSE_IF_DROPPED)."""
    note = september / APRIL / "toppnotater" / "13-24-helse-nim.md"
    text = note.read_text(encoding="utf-8")
    entry = text[text.index("{utvalg: NUFA, sak: 3/23"):].split("\n", 1)[0]
    note.write_text(text.replace(entry, "{utvalg: NUFA, sak: 3/23}"), encoding="utf-8")
    errors, _ = diagnostics(september)
    assert [e.split(": ", 2)[1] for e in errors] == ["error[missing-field]"]

    result = nufa("new", "sak", "2024-09-18", "--tittel", "X", "--type", "Drøfting", cwd=september)

    assert result.code == 0, result.err


def test_new_sak_refuses_a_schema_error_that_dropped_its_file(september: Path, nufa: Nufa) -> None:
    path = september / SEPTEMBER / "agenda.yaml"
    path.write_text(re.sub(r"(?m)^status: \w+$", "status: ferdig", path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    before = tree_hashes(september)

    result = nufa("new", "sak", "2024-09-18", "--tittel", "X", "--type", "Drøfting", cwd=september)

    assert (result.code, result.out) == (1, "")
    assert result.err.startswith(f"{SEPTEMBER}/agenda.yaml:3:9: error[invalid-value]: status:")
    assert result.err.endswith("error: 1 error(s) in the sources make this change unsafe; nothing "
                               "was changed. Fix them first (nufa check shows them all)\n")
    assert tree_hashes(september) == before


# -- nufa referat -----------------------------------------------------------------------------

def test_referat_drafts_a_section_per_sak(september: Path, nufa: Nufa) -> None:
    result = nufa("referat", "2024-09-18", cwd=september)

    assert result.code == 0, result.err
    assert result.out == (f"created {SEPTEMBER}/referat.md\n"
                          "note: sekretariat copied from the referat of meeting 2024-01-24\n")
    assert (september / SEPTEMBER / "referat.md").read_text(encoding="utf-8") == """\
---
status: utkast
fravær: []
stedfortredere: []
inhabil: []
voteringer: []
sekretariat: [Norunn Saure, Karen Lima, Vibeke Jonassen Wang]
---

## 20/24



### Vedtak

NUFA godkjenner innkalling og dagsorden. NUFA godkjenner referatet fra møtet 24. – 25. april 2024.

## 21/24



### Vedtak
"""
    assert_clean(september)


def test_referat_keeps_multi_paragraph_forslag(sample: Path, nufa: Nufa) -> None:
    assert nufa("referat", "2024-04-24", cwd=sample).code == 0

    text = (sample / APRIL / "referat.md").read_text(encoding="utf-8")
    assert "## 12/24\n\n\n\n### Vedtak\n\nNUFA drøftet saken og ba Styringsgruppa" in text
    assert "ta med seg innspill gitt i møte.\n\nNasjonal rådsmodell" in text
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        f"## {n}/24" for n in range(11, 20)]
    assert_clean(sample)


def test_referat_copies_the_chair_and_approval_and_puts_the_approval_first(
        make_repo, nufa: Nufa) -> None:
    """møteleder and godkjenning.måte as in the previous referat; the sak with that referat as
    vedlegg first, its vedtak drafted (it makes the previous referat's approval line)."""
    files = valid_repo()
    files[REFERAT1] = files[REFERAT1].replace(
        "sekretariat:", "møteleder: hans-lowe-larsen\ngodkjenning: {måte: elektronisk}\nsekretariat:")
    agenda = files[AGENDA2]
    assert isinstance(agenda, str)
    files[AGENDA2] = agenda.replace("        vedlegg:\n          - referat: 2024-01-24\n", "").replace(
        "        vedlegg:\n          - url: https://www.ehelse.no/",
        "        vedlegg:\n          - referat: 2024-01-24\n          - url: https://www.ehelse.no/")
    root = make_repo(files)

    result = nufa("referat", "2024-04-24", cwd=root)

    assert result.code == 0, result.err
    assert result.out == (f"created {M2}/referat.md\nnote: møteleder, godkjenning and sekretariat "
                          "copied from the referat of meeting 2024-01-24\n")
    text = (root / M2 / "referat.md").read_text(encoding="utf-8")
    front, body = text.split("---\n")[1:3]
    assert front == ("status: utkast\nmøteleder: hans-lowe-larsen\nfravær: []\nstedfortredere: []\n"
                     "inhabil: []\nvoteringer: []\ngodkjenning:\n  måte: elektronisk\n"
                     "  underskrivere: []\nsekretariat: [Norunn Saure, Karen Lima]\n")
    assert [line for line in body.splitlines() if line.startswith("## ")] == [
        "## 6/24", "## 4/24", "## 5/24", "## 7/24", "## 8/24"]
    assert "## 6/24\n\n\n\n### Vedtak\n\nNUFA godkjenner referatet fra møtet 24. – 25. januar 2024.\n" \
        in body
    assert_clean(root)


def test_renumber_carries_a_number_into_the_referat_front_matter(september: Path,
                                                                 nufa: Nufa) -> None:
    """fravær, inhabil, voteringer and møteleder name saker too: they follow a renumbering."""
    root = september
    utkast(root, APRIL)
    assert nufa("referat", "2024-04-24", cwd=root).code == 0
    path = root / APRIL / "referat.md"
    text = path.read_text(encoding="utf-8").replace(
        "fravær: []\n", "fravær:\n  - {medlem: jon-gupta, saker: [12/24, 13/24]}\n").replace(
        "inhabil: []\n", "inhabil:\n  - {medlem: sissel-skarsgard, saker: [13/24]}\n").replace(
        "voteringer: []\n", "voteringer:\n  - {sak: 12/24, enstemmig: true}\n")
    path.write_text(text, encoding="utf-8")
    swap_rows_by_hand(root)

    result = nufa("renumber", "2024-04-24", cwd=root)

    assert result.code == 0, result.err
    assert (f"changed {APRIL}/referat.md\n  ## 12/24 -> ## 13/24\n  ## 13/24 -> ## 12/24\n"
            "  fravær[0].saker[0]: 12/24 -> 13/24\n  fravær[0].saker[1]: 13/24 -> 12/24\n"
            "  inhabil[0].saker[0]: 13/24 -> 12/24\n  voteringer[0].sak: 12/24 -> 13/24\n") in result.out
    now = path.read_text(encoding="utf-8")
    assert "  - {medlem: jon-gupta, saker: [13/24, 12/24]}\n" in now
    assert "  - {medlem: sissel-skarsgard, saker: [12/24]}\n" in now
    assert "  - {sak: 13/24, enstemmig: true}\n" in now
    assert_clean(root)


def test_referat_never_overwrites(september: Path, nufa: Nufa) -> None:
    path = september / SEPTEMBER / "referat.md"
    path.write_text("---\nstatus: utkast\n---\n\n## 20/24\n\nSkrevet for hånd.\n",
                    encoding="utf-8")
    before = tree_hashes(september)

    result = nufa("referat", "2024-09-18", cwd=september)

    assert (result.code, result.out) == (1, "")
    assert result.err == (f"error: {SEPTEMBER}/referat.md already exists; nufa never "
                          "overwrites a referat\n")
    assert tree_hashes(september) == before


# -- the editing helpers ----------------------------------------------------------------------

@pytest.mark.parametrize(("value", "written"), [
    ("Helsedirektoratet, Oslo", "Helsedirektoratet, Oslo"),
    ("Sak: noe", '"Sak: noe"'),
    ("09:00", '"09:00"'),
    ("yes", '"yes"'),
    ("12", '"12"'),
    ("# ikke en kommentar", '"# ikke en kommentar"'),
    ('Et "sitat"', 'Et "sitat"'),
    ("", '""'),
])
def test_scalar_is_plain_only_when_it_reads_back(value: str, written: str) -> None:
    assert scalar(value) == written
    assert yaml.safe_load(f"k: {written}") == {"k": value}


def test_scalar_in_a_flow_list() -> None:
    assert scalar("Hansen, Per", flow=True) == '"Hansen, Per"'
    assert scalar("Karen Lima", flow=True) == "Karen Lima"


def test_insert_item_keeps_the_comment_that_introduces_the_next_item() -> None:
    text = "program:\n  - a: 1\n  # the last one\n  - a: 2\n"
    seq = compose(text, "x.yaml").value[0][1]

    from nufa_cli.edit.yamledit import apply

    assert apply(text, [insert_item(text, seq, 1, "- a: new\n")]) == \
        "program:\n  - a: 1\n  - a: new\n  # the last one\n  - a: 2\n"
    assert apply(text, [insert_item(text, seq, 2, "- a: new\n")]) == \
        "program:\n  - a: 1\n  # the last one\n  - a: 2\n  - a: new\n"


def test_insert_item_at_the_end_of_a_file_without_newline() -> None:
    text = "dager:\n  - program:\n      - a: 1\n# trailing\n"
    seq = compose(text, "x.yaml").value[0][1].value[0].value[0][1]

    from nufa_cli.edit.yamledit import apply

    assert apply(text, [insert_item(text, seq, 1, "- a: 2\n")]) == \
        "dager:\n  - program:\n      - a: 1\n      - a: 2\n# trailing\n"
    bare = "k:\n  - a: 1"
    assert apply(bare, [insert_item(bare, compose(bare, "x").value[0][1], 1, "- a: 2\n")]) == \
        "k:\n  - a: 1\n  - a: 2\n"


def test_changeset_keeps_crlf_and_bom(tmp_path: Path) -> None:
    from nufa_cli.edit.yamledit import Edit

    path = tmp_path / "a.yaml"
    path.write_bytes("\ufeffsak: 1/24\r\n# note\r\ntittel: x\r\n".encode())
    changes = Changeset(tmp_path)
    text = changes.text("a.yaml")
    changes.edit("a.yaml", [Edit(text.index("1/24"), text.index("1/24") + 4, "2/24")], "sak")
    changes.commit()
    assert path.read_bytes() == "\ufeffsak: 2/24\r\n# note\r\ntittel: x\r\n".encode()


def test_front_matter_of_the_sample_reads_back_after_scaffolding(september: Path, nufa: Nufa) -> None:
    assert nufa("new", "sak", "2024-09-18", "--tittel", "«Sitat» & mer: #1",
                "--type", "Drøfting", "--sakseier", "'Noen'", cwd=september).code == 0
    note = next((september / SEPTEMBER / "toppnotater").glob("*.md"))
    parsed, problems = split_front_matter(note.read_text(encoding="utf-8"), note.name)
    assert problems == []
    assert parsed.front is not None
    assert parsed.front.data["tittel"] == "«Sitat» & mer: #1"
    assert parsed.front.data["sakseier"] == "'Noen'"
    assert_clean(september)
