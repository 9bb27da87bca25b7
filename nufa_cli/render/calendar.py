"""A meeting as an iCalendar file (RFC 5545): one event per meeting day, in Europe/Oslo time.

The output is a pure function of the repository and the build epoch: the same sources and
SOURCE_DATE_EPOCH give the same bytes.

Updates. A calendar program recognises an event again by its UID and takes the copy with the
higher SEQUENCE as the newer one (RFC 5546 §2.1.5; on equal SEQUENCE, the later DTSTAMP). So
the UID names only what never changes (committee, meeting folder, day), and SEQUENCE counts the
minutes from 2020 to the build epoch. The build's epoch is SOURCE_DATE_EPOCH or the time of the
latest commit of the sources, so a re-sent invitation after a committed change of time or place
always carries a higher SEQUENCE and replaces the event instead of being ignored as stale or
added beside it. A hash of the event's content would also change with the content, but would
be lower than the previous one about half the time, and clients drop such an update.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from nufa_cli.core.errors import NufaError
from nufa_cli.model.objects import Day, Meeting, Repository, slug

TIMEZONE = "Europe/Oslo"
PRODID = "-//nufa//nufa//NB"
SEQUENCE_ORIGIN = int(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp())
_STATUS = {"utkast": "TENTATIVE", "endelig": "CONFIRMED"}


class CalendarError(NufaError):
    """A meeting whose dates no calendar file can carry."""


def event_uid(repo: Repository, meeting: Meeting, day: Day) -> str:
    """Stable across rebuilds and edits: nufa-nufa-2024-04-24-dag1@nufa."""
    return f"nufa-{slug(repo.committee.kortnavn)}-{meeting.folder}-dag{day.index}@nufa"


def sequence(epoch: int) -> int:
    """Minutes from 2020 to the build epoch: grows with every newer state of the sources."""
    return max(0, (epoch - SEQUENCE_ORIGIN) // 60)


def summary(repo: Repository, meeting: Meeting, day: Day) -> str:
    texts = repo.committee.lang
    kortnavn = repo.committee.kortnavn
    title = (texts("møte_nr_i", nr=meeting.number, kortnavn=kortnavn) if meeting.number
             else texts("møte_i", kortnavn=kortnavn))
    return f"{title} – {texts('dag', n=day.index).lower()}" if len(meeting.days) > 1 else title


def day_end(day: Day) -> dt.time | None:
    """The day's slutt; without one, the latest end or time of its programme after the start."""
    if day.slutt is not None:
        return day.slutt
    times = [t for row in day.rows for item in (row, *row.parts) for t in (item.end, item.tid) if t]
    latest = max(times, default=None)
    return latest if latest and latest > day.start else None


def description(meeting: Meeting, day: Day) -> str:
    """The day's saker in agenda order, "11/24 Godkjenning av ...", one per line."""
    return "\n".join(f"{sak.nr} {sak.tittel}" for sak in meeting.saker_on(day))


def meeting_ics(repo: Repository, meeting: Meeting, epoch: int) -> bytes:
    """The meeting's days as VEVENTs of one VCALENDAR (METHOD:PUBLISH), with its VTIMEZONE."""
    zone = ZoneInfo(TIMEZONE)
    stamp = dt.datetime.fromtimestamp(epoch, dt.UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    for day in meeting.days:
        event = Event()
        event.add("uid", event_uid(repo, meeting, day))
        event.add("dtstamp", stamp)
        event.add("sequence", sequence(epoch))
        event.add("dtstart", dt.datetime.combine(day.dato, day.start, zone))
        end = day_end(day)
        if end is not None:  # without it the event is the moment it starts (RFC 5545 3.6.1)
            event.add("dtend", dt.datetime.combine(day.dato, end, zone))
        event.add("summary", summary(repo, meeting, day))
        sted = meeting.sted_of(day)
        if sted:
            event.add("location", sted)
        text = description(meeting, day)
        if text:
            event.add("description", text)
        event.add("status", _STATUS.get(meeting.status, "TENTATIVE"))
        cal.add_component(event)
    # Only the transitions around the meeting: a short, still complete VTIMEZONE.
    first, last = meeting.days[0].dato, meeting.days[-1].dato
    try:
        cal.add_missing_timezones(dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1))
    except (ValueError, OverflowError) as error:  # the time zone's search runs past 9999-12-31
        raise CalendarError(f"no calendar for meeting {meeting.folder}: its time zone cannot be "
                            f"written for dates in the year {last.year}; check the dates in "
                            f"meetings/{meeting.folder}/agenda.yaml") from error
    ical: bytes = cal.to_ical()  # icalendar leaves to_ical() unannotated
    return ical
