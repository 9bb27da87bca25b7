"""Dates and times in figures, the Norwegian way (24.04.2024, 11.00). Dates in words (weekdays,
months) are the language catalogue's: core/lang.py."""

from __future__ import annotations

import datetime as dt
import re


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


def parse_clock(text: str) -> dt.time:
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def add_minutes(time: dt.time, minutes: int) -> dt.time | None:
    """time + minutes, or None when it passes midnight."""
    total = time.hour * 60 + time.minute + minutes
    return dt.time(total // 60, total % 60) if total < 24 * 60 else None
