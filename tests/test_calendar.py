"""The meeting calendar (.ics), read back with icalendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import AGENDA2, ONE_DAY_2025, FileContent, replace_once, valid_repo
from icalendar import Calendar

from nufa_cli.check.validate import check
from nufa_cli.model.objects import Repository
from nufa_cli.render.calendar import meeting_ics

SAMPLE = Path(__file__).resolve().parents[1]
EPOCH = int(dt.datetime(2024, 4, 2, 8, 30, tzinfo=dt.UTC).timestamp())
OSLO = ZoneInfo("Europe/Oslo")

Files = dict[str, FileContent]


def ics(repo: Repository, folder: str, epoch: int = EPOCH) -> bytes:
    meeting = repo.meeting(folder)
    assert meeting is not None
    return meeting_ics(repo, meeting, epoch)


def events(data: bytes) -> list:
    return Calendar.from_ical(data).walk("VEVENT")


@pytest.fixture
def repo(make_repo: Callable[[Files], Path]) -> Repository:
    loaded, diagnostics = check(make_repo({**valid_repo(), **ONE_DAY_2025}))
    assert diagnostics == []
    return loaded


def test_one_event_per_day_in_oslo_time(repo: Repository) -> None:
    cal = Calendar.from_ical(ics(repo, "2024-04-24"))
    assert str(cal["PRODID"]) == "-//nufa//nufa//NB"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Oslo"]
    day1, day2 = cal.walk("VEVENT")
    assert day1["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert day1["DTSTART"].dt == dt.datetime(2024, 4, 24, 11, 0, tzinfo=OSLO)
    assert day1["DTSTART"].dt.astimezone(dt.UTC).hour == 9  # summer time: UTC+2
    assert day1["DTEND"].dt == dt.datetime(2024, 4, 24, 17, 0, tzinfo=OSLO)
    assert day2["DTSTART"].dt == dt.datetime(2024, 4, 25, 9, 0, tzinfo=OSLO)
    assert day2["DTEND"].dt == dt.datetime(2024, 4, 25, 14, 30, tzinfo=OSLO)
    assert str(day1["SUMMARY"]) == "Møte 2/24 i NUFA – dag 1"
    assert str(day2["SUMMARY"]) == "Møte 2/24 i NUFA – dag 2"
    assert str(day1["LOCATION"]) == "Scandic Ishavshotel, Tromsø"
    assert str(day1["DESCRIPTION"]) == (
        "4/24 Godkjenning av innkalling, dagsorden og referat\n"
        "5/24 Digitalisering av Den offentlige tannhelsetjenesten\n"
        "6/24 Helse i nord")
    assert str(day2["DESCRIPTION"]) == "7/24 Temadag om digitale tjenester\n8/24 Eventuelt"
    assert [str(e["UID"]) for e in (day1, day2)] == [
        "nufa-nufa-2024-04-24-dag1@nufa", "nufa-nufa-2024-04-24-dag2@nufa"]
    assert {str(e["STATUS"]) for e in (day1, day2)} == {"TENTATIVE"}  # status: utkast
    assert day1["DTSTAMP"].dt == dt.datetime(2024, 4, 2, 8, 30, tzinfo=dt.UTC)


def test_winter_time_and_confirmed_status(repo: Repository) -> None:
    day1, day2 = events(ics(repo, "2024-01-24"))
    assert day1["DTSTART"].dt == dt.datetime(2024, 1, 24, 10, 0, tzinfo=OSLO)
    assert day1["DTSTART"].dt.astimezone(dt.UTC).hour == 9  # winter time: UTC+1
    assert str(day1["STATUS"]) == "CONFIRMED"  # status: endelig
    assert str(day1["LOCATION"]) == "Helsedirektoratet, Oslo"
    assert day2["DTEND"].dt == dt.datetime(2024, 1, 25, 12, 0, tzinfo=OSLO)
    assert str(day2["DESCRIPTION"]) == "3/24 Eventuelt"


def test_one_day_meeting_has_no_day_number(repo: Repository) -> None:
    (event,) = events(ics(repo, "2025-01-22"))
    assert str(event["SUMMARY"]) == "Møte 1/25 i NUFA"
    assert str(event["UID"]) == "nufa-nufa-2025-01-22-dag1@nufa"
    assert str(event["DESCRIPTION"]) == "1/25 Godkjenning av innkalling og dagsorden"


def test_same_input_same_bytes(repo: Repository, make_repo: Callable[[Files], Path]) -> None:
    first = ics(repo, "2024-04-24")
    assert first == ics(repo, "2024-04-24")
    reloaded, _ = check(make_repo({**valid_repo(), **ONE_DAY_2025}))
    assert ics(reloaded, "2024-04-24") == first
    assert b"\r\n" in first and b"\n" not in first.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in first.split(b"\r\n"))  # folded in octets


def test_changed_time_keeps_uid_and_raises_sequence(repo: Repository,
                                                    make_repo: Callable[[Files], Path]) -> None:
    before = events(ics(repo, "2024-04-24"))
    files = valid_repo()
    files[AGENDA2] = replace_once(str(files[AGENDA2]), 'slutt: "17:00"', 'slutt: "17:30"')
    changed, diagnostics = check(make_repo(files))
    assert diagnostics == []
    # The build's epoch is the time of the latest commit of the sources: a committed change
    # comes with a later epoch.
    after = events(ics(changed, "2024-04-24", EPOCH + 3600))
    assert [str(e["UID"]) for e in after] == [str(e["UID"]) for e in before]
    assert after[0]["DTEND"].dt == dt.datetime(2024, 4, 24, 17, 30, tzinfo=OSLO)
    for old, new in zip(before, after, strict=True):
        assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
        assert new["DTSTAMP"].dt > old["DTSTAMP"].dt


def test_sequence_grows_with_the_epoch_and_fits_an_integer(repo: Repository) -> None:
    sequences = [int(events(ics(repo, "2024-04-24", epoch))[0]["SEQUENCE"])
                 for epoch in (EPOCH, EPOCH + 60, EPOCH + 86400,
                               int(dt.datetime(2100, 1, 1, tzinfo=dt.UTC).timestamp()))]
    assert sequences == sorted(set(sequences))
    assert sequences[-1] < 2**31  # RFC 5545 INTEGER


def test_sample_meeting_2_24() -> None:
    sample, _ = check(SAMPLE)
    day1, day2 = events(ics(sample, "2024-04-24"))
    assert day1["DTSTART"].dt == dt.datetime(2024, 4, 24, 11, 0, tzinfo=OSLO)
    assert day2["DTEND"].dt == dt.datetime(2024, 4, 25, 14, 30, tzinfo=OSLO)
    assert str(day1["DESCRIPTION"]).startswith(
        "11/24 Godkjenning av innkalling og dagsorden, samt godkjenning av referatet fra NUFA "
        "24. – 25. januar 2024\n12/24 Digitalisering av Den offentlige tannhelsetjenesten\n")
    assert str(day2["DESCRIPTION"]).endswith("\n19/24 Eventuelt")
