"""The words the documents print, per language: a catalogue read from templates/lang/<språk>.yaml.

Every label, weekday, month and sentence a document, the packet, the calendar or the site
prints lives in a catalogue file, one per language (nb, nn), so no Norwegian word is written
in Python. A committee picks the language with `språk:` in nufa.yaml, overrides single texts
with `tekster:` and may replace or add a catalogue file in its own templates folder
(maler/lang/<språk>.yaml); model/load.py merges the three and reports problems.

A text may hold fields in braces: `{kortnavn}`, `{n}`, given by the caller, and the name of
another text of the catalogue (`{referat}`), so overriding `referat: Protokoll` also renames
"Referat fra møte i …". A brace naming neither stays as written.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nufa_cli.core import nbdates
from nufa_cli.core.root import builtin_templates

FOLDER = "lang"  # in every templates folder: lang/<språk>.yaml
DEFAULT = "nb"
TAG_KEY = "språkkode"  # the BCP 47 tag in a catalogue file (nb-NO); not a printed text
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "desember")
_FIELD = re.compile(r"\{([^{}\s]+)\}")
_DEPTH = 4  # how deep one text may name another: enough for any real catalogue, ends a cycle


@dataclass(frozen=True)
class Catalogue:
    """The texts of one language, with the committee's overrides applied."""

    language: str  # "nb", "nn": the catalogue file's name; the site's lang attribute
    tag: str  # "nb-NO": the documents' language (PDF /Lang, DOCX w:lang, typst lang+region)
    texts: Mapping[str, str] = field(repr=False, compare=False)

    def __call__(self, key: str, **fields: object) -> str:
        """The text named key with its fields filled in."""
        return self._fill(self.texts[key], {k: str(v) for k, v in fields.items()}, _DEPTH)

    def _fill(self, text: str, fields: Mapping[str, str], depth: int) -> str:
        def value(match: re.Match[str]) -> str:
            name = match[1]
            if name in fields:
                return fields[name]
            if depth and name in self.texts:
                return self._fill(self.texts[name], fields, depth - 1)
            return match[0]

        return _FIELD.sub(value, text)

    def with_texts(self, overrides: Mapping[str, str]) -> Catalogue:
        return Catalogue(self.language, self.tag, {**self.texts, **overrides})

    # -- dates and lists ------------------------------------------------------------------

    def weekday(self, day: dt.date) -> str:
        return self.texts[WEEKDAYS[day.weekday()]]

    def day_month(self, day: dt.date) -> str:
        """24. april"""
        return f"{day.day}. {self.texts[MONTHS[day.month - 1]]}"

    def long_date(self, day: dt.date) -> str:
        """24. april 2024"""
        return f"{self.day_month(day)} {day.year}"

    def weekday_date(self, day: dt.date) -> str:
        """Onsdag 24. april 2024"""
        name = self.weekday(day)
        return f"{name[:1].upper()}{name[1:]} {self.long_date(day)}"

    def date_range(self, days: Sequence[dt.date]) -> str:
        """24. – 25. april 2024, 30. april – 1. mai 2024, 31. desember 2024 – 1. januar 2025"""
        first, last = days[0], days[-1]
        if first == last:
            return self.long_date(first)
        if first.year != last.year:
            return f"{self.long_date(first)} – {self.long_date(last)}"
        if first.month != last.month:
            return f"{self.day_month(first)} – {self.long_date(last)}"
        return f"{first.day}. – {self.long_date(last)}"

    def time_span(self, spans: Sequence[tuple[dt.date, dt.time, dt.time | None]]) -> str:
        """24. april kl. 11.00 – 17.00 og 25. april kl. 09.00 (a day without slutt: its start)"""
        kl = self.texts["kl"]
        return self.listing([
            f"{self.day_month(d)} {kl} {nbdates.clock(a, '.')}"
            + (f" – {nbdates.clock(b, '.')}" if b else "") for d, a, b in spans])

    def listing(self, items: Sequence[str]) -> str:
        """a; a og b; a, b og c"""
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {self.texts['og']} " + items[-1]

    def days_label(self, days: Sequence[int]) -> str:
        """(dag 1), (dag 1 og 3), (dag 1, 2 og 4); empty for no days."""
        if not days:
            return ""
        return self("dager_merknad", dager=self.listing([str(d) for d in sorted(set(days))]))

    def marking(self, basis: str) -> str:
        """What Norwegian agencies print on withheld content: "Unntatt offentlighet, offl. § 14"."""
        return self("unntatt_offentlighet", grunnlag=" ".join(basis.split()))


def fill(text: str, **fields: object) -> str:
    """A text's fields filled in one pass (a value holding braces stays as it is); for a text
    taken from the catalogue before its fields are known."""
    return _FIELD.sub(lambda m: str(fields[m[1]]) if m[1] in fields else m[0], text)


def folder_file(folder: Path, language: str) -> Path:
    return folder / FOLDER / f"{language}.yaml"


def builtin_languages() -> tuple[str, ...]:
    """The languages nufa has a complete catalogue of: nb, nn."""
    return tuple(sorted(p.stem for p in (builtin_templates() / FOLDER).glob("*.yaml")))


@functools.cache
def builtin_texts(language: str) -> Mapping[str, str]:
    """A built-in catalogue file as read: every text, and the tag under TAG_KEY."""
    data = yaml.safe_load(folder_file(builtin_templates(), language).read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def names() -> tuple[str, ...]:
    """Every text's name, in the order of the bokmål catalogue (the reference)."""
    return tuple(k for k in builtin_texts(DEFAULT) if k != TAG_KEY)


def fields_of(text: str) -> set[str]:
    return set(_FIELD.findall(text))


def make(language: str, texts: Mapping[str, str]) -> Catalogue:
    tag = texts.get(TAG_KEY) or f"{language}-NO"
    return Catalogue(language, tag, {k: v for k, v in texts.items() if k != TAG_KEY})


@functools.cache
def builtin(language: str = DEFAULT) -> Catalogue:
    """A built-in catalogue without a committee's overrides."""
    return make(language, builtin_texts(language))
