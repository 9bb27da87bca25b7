"""Dates and times written the Norwegian (bokmål) way, as the secretariat writes them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
          "september", "oktober", "november", "desember")
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def day_month(day: dt.date) -> str:
    """24. april"""
    return f"{day.day}. {MONTHS[day.month - 1]}"


def long_date(day: dt.date) -> str:
    """24. april 2024"""
    return f"{day_month(day)} {day.year}"


def weekday_date(day: dt.date) -> str:
    """Onsdag 24. april 2024"""
    return f"{WEEKDAYS[day.weekday()].capitalize()} {long_date(day)}"


def numeric(day: dt.date) -> str:
    """24.04.2024"""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def short_numeric(day: dt.date) -> str:
    """24.1.2024, as the secretariat writes a meeting day beside a sak number"""
    return f"{day.day}.{day.month}.{day.year}"


def parse_numeric(text: str) -> dt.date | None:
    """numeric() or short_numeric() read back: "24.04.2024" or "24.4.2024"; None if neither."""
    found = re.fullmatch(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*", text)
    if not found:
        return None
    try:
        return dt.date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None


def clock(time: dt.time | None, sep: str = ":") -> str:
    """11:00 in tables, 11.00 in running text; empty when unknown."""
    return f"{time.hour:02d}{sep}{time.minute:02d}" if time else ""


def date_range(days: Sequence[dt.date]) -> str:
    """24. – 25. april 2024, 30. april – 1. mai 2024, 31. desember 2024 – 1. januar 2025"""
    first, last = days[0], days[-1]
    if first == last:
        return long_date(first)
    if first.year != last.year:
        return f"{long_date(first)} – {long_date(last)}"
    if first.month != last.month:
        return f"{day_month(first)} – {long_date(last)}"
    return f"{first.day}. – {long_date(last)}"


def time_span(spans: Sequence[tuple[dt.date, dt.time, dt.time]]) -> str:
    """24. april kl. 11.00 – 17.00 og 25. april kl. 09.00 – 14.30"""
    return listing([f"{day_month(d)} kl. {clock(a, '.')} – {clock(b, '.')}" for d, a, b in spans])


def listing(items: Sequence[str]) -> str:
    """a; a og b; a, b og c"""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def parse_clock(text: str) -> dt.time:
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def add_minutes(time: dt.time, minutes: int) -> dt.time | None:
    """time + minutes, or None when it passes midnight."""
    total = time.hour * 60 + time.minute + minutes
    return dt.time(total // 60, total % 60) if total < 24 * 60 else None
