"""Sak numbers as a committee writes them: NUFA's "12/24", a board's "V-sak 2", a kommune's
"PS 4/15", a helseforetak's "2021/45".

nufa.yaml's `nummerering.format` is the printed form with fields {n} {n:02} {n:03} {yy}
{yyyy} {serie}; `nummerering.per` says whether numbers run through the year (år) or restart
each meeting (møte); a sakstype may have its own `serie`. SakFormat parses a number as
written (everywhere a source names a sak) and prints one; a SakNr is the parsed number.
A format without {serie} prints a sakstype's own serie before the number ("O 3/2024"), so
its numbers are told from the others'.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

DEFAULT_FORMAT = "{n}/{yy}"
PER_YEAR, PER_MEETING = "år", "møte"
FIELDS = ("n", "n:02", "n:03", "yy", "yyyy", "serie")
_NUMBER = {"n": r"[1-9]\d*", "n:02": r"0[1-9]|[1-9]\d+", "n:03": r"00[1-9]|0[1-9]\d|[1-9]\d{2,}"}
_SHOWN = {"n": "N", "n:02": "NN", "n:03": "NNN", "yy": "YY", "yyyy": "YYYY", "serie": "X"}
_EXAMPLE_N, _EXAMPLE_YEAR = 12, 2024  # the example in messages: 12/24, as part 1 had it
_PARSES_KEPT = 100_000  # numbers a SakFormat remembers having parsed


@dataclass(frozen=True, order=True)
class SakNr:
    """A sak's number: equal numbers name the same sak of the repository."""

    year: int  # the calendar year it is numbered in: written ({yy}, {yyyy}) or its meeting's
    n: int
    serie: str = ""  # "" when the committee has one series
    meeting: str = ""  # the meeting folder, where numbers restart each meeting; else ""
    text: str = field(default="", compare=False)  # the printed form

    def __post_init__(self) -> None:
        # found once: a number is a key of many dicts (sections, attendance, the saker)
        object.__setattr__(self, "_hash", hash((self.year, self.n, self.serie, self.meeting)))

    def __hash__(self) -> int:
        return self._hash  # type: ignore[no-any-return, attr-defined]

    def __reduce__(self) -> tuple[type[SakNr], tuple[int, int, str, str, str]]:
        # made anew where unpickled: a hash of text holds only in the process that found it
        return SakNr, (self.year, self.n, self.serie, self.meeting, self.text)

    @classmethod
    def parse(cls, text: str) -> SakNr | None:
        """A number in part 1's form N/YY (the default format), without a committee."""
        return DEFAULT.parse(text, year=2000)

    def __str__(self) -> str:
        return self.text or f"{self.n}/{self.year % 100:02d}"


def slug(text: str) -> str:
    """A number as a file name's part: "12/24" -> "12-24", "V-sak 2" -> "v-sak-2"."""
    text = text.lower().replace("ø", "o").replace("æ", "ae").replace("å", "a")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "sak"


@dataclass(frozen=True)
class SakFormat:
    """The committee's numbering: how a sak number is written and where it restarts."""

    format: str = DEFAULT_FORMAT
    per: str = PER_YEAR
    series: tuple[str, ...] = ()  # every sakstype's serie, in nufa.yaml's order
    type_series: Mapping[str, str] = field(default_factory=dict)  # sakstype -> its serie

    @functools.cached_property
    def _parsed(self) -> list[tuple[str, str | None, str]]:
        """(literal, field name, format spec) of the format; [] when it is not a format."""
        try:
            return [(literal, name, spec or "")
                    for literal, name, spec, _ in string.Formatter().parse(self.format)]
        except ValueError:
            return []

    @functools.cached_property  # asked for every number parsed or made
    def fields(self) -> list[str]:
        return [name for _, name, _ in self._parsed if name is not None]

    @functools.cached_property
    def has_year(self) -> bool:
        return bool({"yy", "yyyy"} & set(self.fields))

    @functools.cached_property
    def has_serie(self) -> bool:
        return "serie" in self.fields

    @functools.cached_property
    def prefixed(self) -> bool:
        """The series are printed before a format that has no {serie}: "O 3/2024"."""
        return not self.has_serie and bool(self.series)

    @property
    def restarts(self) -> bool:
        """Numbers restart at every meeting (nummerering.per: møte)."""
        return self.per == PER_MEETING

    def problems(self) -> list[str]:
        """What is wrong with the format itself, as messages; empty when it can be used."""
        try:
            names = [(name, spec) for _, name, spec, _ in string.Formatter().parse(self.format)
                     if name is not None]
        except ValueError as error:  # a lone { or }
            return [f"nummerering.format '{self.format}' is not a format: {error}"]
        shown = " ".join(f"{{{f}}}" for f in FIELDS)
        wrong = [f"{{{n}{':' + s if s else ''}}}" for n, s in names
                 if f"{n}{':' + s if s else ''}" not in FIELDS]
        if wrong:
            return [f"nummerering.format: {wrong[0]} is not a field; the fields are {shown}"]
        numbers = [n for n, _ in names if n == "n"]
        if len(numbers) != 1:
            return [f"nummerering.format '{self.format}' must hold the number once: "
                    "{n}, {n:02} or {n:03}"]
        if len([n for n, _ in names if n in ("yy", "yyyy")]) > 1:
            return [f"nummerering.format '{self.format}' holds the year twice"]
        if self.has_serie and not self.series:
            return ["nummerering.format uses {serie}, but no sakstype has a 'serie'"]
        return []

    @functools.cached_property
    def _parts(self) -> list[tuple[str, str | None]]:
        """(literal text, field) pairs of the format."""
        return [(literal, None if name is None else name + (f":{spec}" if spec else ""))
                for literal, name, spec in self._parsed]

    def render(self, n: int, year: int, serie: str = "") -> str:
        values = {"n": str(n), "n:02": f"{n:02d}", "n:03": f"{n:03d}", "yy": f"{year % 100:02d}",
                  "yyyy": f"{year:04d}", "serie": serie}
        text = "".join(literal + (values[name] if name else "") for literal, name in self._parts)
        return f"{serie} {text}" if self.prefixed and serie else text

    def make(self, n: int, year: int, serie: str = "", meeting: str = "") -> SakNr:
        kept = serie if self.has_serie or serie in self.series else ""
        return SakNr(year, n, kept, meeting if self.restarts else "", self.render(n, year, kept))

    @functools.cached_property
    def usable(self) -> bool:
        return not self.problems()

    @functools.cached_property
    def _strict(self) -> re.Pattern[str]:
        return self._pattern()

    def _pattern(self, *, loose: bool = False) -> re.Pattern[str]:
        series = sorted(self.series, key=len, reverse=True) or [""]
        regex = {"yy": r"\d{2}", "yyyy": r"\d{4}",
                 "serie": "|".join(re.escape(s) for s in series)}
        out = []
        for literal, name in self._parts:
            text = re.escape(literal)
            out.append(re.sub(r"(\\ )+", r"\\s+", text) if loose else text)
            if name:
                group = name.replace(":", "_")
                body = r"\d+" if loose and name.startswith("n") else _NUMBER.get(name, regex.get(name))
                out.append(f"(?P<{group}>{body})")
        if self.prefixed:
            gap = r"\s+" if loose else " "
            out.insert(0, f"(?:(?P<serie>{regex['serie']}){gap})?")
        return re.compile("".join(out), re.IGNORECASE if loose else 0)

    def parse(self, text: str, *, year: int, meeting: str = "") -> SakNr | None:
        """The number written as the format prints it, or None. year: the calendar year of the
        meeting it belongs to, for a format without a year (and a two-digit year's century);
        meeting: that meeting's folder, where numbers restart each meeting."""
        # where numbers run through the year, the meeting is no part of the number: the
        # same SakNr then comes back wherever it is named (a dict finds it by identity)
        key = (text, year, meeting if self.restarts else "")
        if key in self._parses:
            return self._parses[key]
        match = self._strict.fullmatch(text.strip()) if self.usable else None
        found = self._from_match(match, year, meeting) if match else None
        if len(self._parses) >= _PARSES_KEPT:  # DEFAULT lives as long as the process
            self._parses.clear()
        self._parses[key] = found
        return found

    @functools.cached_property
    def _parses(self) -> dict[tuple[str, int, str], SakNr | None]:
        """What parse() gave, by its arguments: an archive names each sak many times (its
        agenda, toppnotat and referat, every sak citing it), and a SakNr is immutable."""
        return {}

    def _from_match(self, match: re.Match[str], year: int, meeting: str) -> SakNr:
        groups = match.groupdict()
        n = int(next(groups[g] for g in ("n", "n_02", "n_03") if groups.get(g)))
        if groups.get("yyyy"):
            year = int(groups["yyyy"])
        elif groups.get("yy"):
            yy = int(groups["yy"])
            year = min((c + yy for c in (year // 100 * 100 - 100, year // 100 * 100,
                                         year // 100 * 100 + 100)), key=lambda y: abs(y - year))
        written = groups.get("serie")
        serie = next((s for s in self.series if s.casefold() == written.casefold()), "") \
            if written else ""
        return self.make(n, year, serie, meeting)

    def suggest(self, text: str, *, year: int) -> str | None:
        """The printed form of a number written almost right ("v-sak 2", "PS 4/ 15"), if any."""
        if not self.usable:
            return None
        match = self._pattern(loose=True).fullmatch(text.strip())
        if not match or int(next(v for g, v in match.groupdict().items()
                                 if g.startswith("n") and v)) < 1:
            return None
        return str(self._from_match(match, year, ""))

    def describe(self) -> str:
        """The form in words: "N/YY", "X-sak N (X: V, O or D)"."""
        shown = "".join(literal + (_SHOWN[name] if name else "") for literal, name in self._parts)
        if self.has_serie and self.series:
            shown += f" (X: {', '.join(self.series)})"
        elif self.prefixed:
            shown += f", or X {shown} (X: {', '.join(self.series)})"
        return shown

    def example(self) -> str:
        return self.render(_EXAMPLE_N, _EXAMPLE_YEAR, self.series[0] if self.series else "")

    def invalid(self, value: object, where: str, *, year: int = _EXAMPLE_YEAR) -> tuple[str, str]:
        """The message and hint for a value that is not a sak number of this format."""
        message = (f"{where}: '{value}' is not valid: a case number is {self.describe()}, "
                   f"e.g. {self.example()}")
        close = None if self == DEFAULT else self.suggest(str(value), year=year)
        return message, (f"write it as '{close}'" if close else
                         f"write it as in 'sak: {self.example()}'")

    def serie_of(self, sakstype: str | None) -> str | None:
        """The serie of a sakstype, None for a type without one (or no type)."""
        return self.type_series.get(sakstype) if sakstype else None


DEFAULT = SakFormat()


def format_of(format: str, per: str, types: Sequence[tuple[str, str | None]]) -> SakFormat:
    """The SakFormat of nufa.yaml's nummerering and its sakstyper ((name, serie) pairs)."""
    series = tuple(dict.fromkeys(s for _, s in types if s))
    return SakFormat(format, per, series, {name: s for name, s in types if s})


# -- meeting numbers: "2/24", "1/2020" ------------------------------------------------------

UNKNOWN = "ukjent"  # `møte: ukjent`: the meeting's number is not known and not printed
_MEETING_NR = re.compile(r"^([1-9]\d*)/(\d{2}|\d{4})$")


def meeting_number(text: str) -> tuple[int, int, bool] | None:
    """(n, year as written, four digits) of a meeting number N/YY or N/YYYY."""
    match = _MEETING_NR.match(text.strip())
    return (int(match[1]), int(match[2]), len(match[2]) == 4) if match else None
