"""The source format as declarations: one pydantic model per file kind.

These classes are the contract of FORMAT.md in code. They validate the plain
data that sources.py reads and give editors JSON Schemas (`nufa schema`).
Cross-file rules (numbering, times, members) live in check/validate.py.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

HHMM_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
NR_PATTERN = r"^[1-9]\d*/\d{2}$"  # N/YY: sak and meeting numbers
_HHMM = re.compile(HHMM_PATTERN)


def _check_time(value: str) -> str:
    if not _HHMM.match(value):
        raise ValueError(f"'{value}' is not a time of day as HH:MM (00:00 to 23:59)")
    return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _check_date(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic would read a number, or text of digits, as a Unix timestamp."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError(f"expected a date YYYY-MM-DD (got {value!r})")
    return value


# The most entries of a list: far above any real meeting's, low enough that no list keeps a
# build busy for minutes (30 000 agenda rows took the build past a minute).
LIMIT = {"medlemmer": 1000, "dager": 14, "program": 200, "innslag": 50, "vedlegg": 100,
         "tidligere_behandlinger": 200}
# strict: YAML's true is no number of minutes (pydantic would read it as 1)
Minutter = Annotated[int, Field(gt=0, le=24 * 60, strict=True)]
FIRST_YEAR, LAST_YEAR = 1900, 2107  # a DOCX (zip) holds dates up to 2107


def _date_in_range(value: dt.date) -> dt.date:
    """A year 9999 would pass as a date, then stop the calendar (its time zone rules run
    past the last date Python knows) and the DOCX (a zip dates files up to 2107)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"the year {value.year} is not between {FIRST_YEAR} and {LAST_YEAR}")
    return value


Dato = Annotated[dt.date, BeforeValidator(_check_date), AfterValidator(_date_in_range)]
Klokkeslett = Annotated[
    str,
    AfterValidator(_check_time),
    # the pattern also in json_schema_extra: after a validator, pydantic leaves it out of the
    # JSON Schema, and editors must reject "25:99" as check does
    Field(pattern=HHMM_PATTERN, description='Time of day "HH:MM", quoted',
          json_schema_extra={"pattern": HHMM_PATTERN}),
]
SakNr = Annotated[
    str,
    Field(pattern=NR_PATTERN, description="Case number N/YY, e.g. 12/24"),
]
Tekst = Annotated[str, Field(min_length=1)]
Markdown = Annotated[str, Field(min_length=1, description="Markdown text")]
Skjerming = Annotated[
    str,
    Field(min_length=1, description='Legal basis for withholding from the public, e.g. "offl. § 14"'),
]
DEFAULT_SAKSTYPER = ["Godkjenning", "Orientering", "Drøfting", "Beslutning"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False, coerce_numbers_to_str=True)


# --- nufa.yaml -------------------------------------------------------------


class Utvalg(_Strict):
    navn: Tekst = Field("Fagutvalget (NUFA)", description='Shown as "Møte" in document headers')
    kortnavn: Tekst = Field("NUFA", description='"Møte i NUFA", "Referat NUFA ..."')


class NufaConfig(_Strict):
    """nufa.yaml: committee settings. Every key is optional; the defaults are NUFA's."""

    utvalg: Utvalg = Field(default_factory=Utvalg)
    sekretariat: Tekst = Field("Helsedirektoratet", description="Heading of the secretariat row")
    sakstyper: list[Tekst] = Field(default_factory=lambda: list(DEFAULT_SAKSTYPER), min_length=1)
    maler: str | None = Field(None, description="Folder of own templates overriding the built-ins")
    font: Annotated[str, Field(pattern=r'^[^"\x00-\x1f]+$')] | None = Field(
        None, description="Font family of the documents; its font files go in <maler>/fonts/. "
        "Default: Carlito, built in")
    logo_alt: Tekst | None = Field(
        None, description="Alt text of the logo <maler>/logo.png, read out by screen readers. "
        'Default: "Logo for <utvalg.navn>"')


# --- medlemmer.yaml -----------------------------------------------------------


class Medlem(_Strict):
    navn: Tekst
    virksomhet: Tekst
    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")] | None = Field(
        None, description="Explicit id; default is the slug of navn"
    )
    fra: Dato | None = Field(None, description="Membership started (inclusive)")
    til: Dato | None = Field(None, description="Membership ended (inclusive)")


class Medlemmer(_Strict):
    """medlemmer.yaml: the member registry, in the order members are listed."""

    medlemmer: list[Medlem] = Field(min_length=1, max_length=LIMIT["medlemmer"])


# --- vedlegg and agenda.yaml ---------------------------------------------------


class Vedlegg(_Strict):
    referat: str | None = Field(None, description="Meeting folder whose referat is attached")
    fil: str | None = Field(None, description="Path of a file inside the meeting folder")
    url: str | None = Field(None, description="https address")
    tittel: Tekst | None = None
    skjermet: Skjerming | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Vedlegg:
        given = [k for k in ("referat", "fil", "url") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a vedlegg names exactly one of 'referat', 'fil' or 'url'")
        return self


class Innslag(_Strict):
    tid: Klokkeslett | None = None
    varighet: Minutter | None = None
    tittel: Tekst


class Rad(_Strict):
    """One row of a day's programme: a sak, or a row such as Pause or Lunsj."""

    sak: SakNr | None = None
    tid: Klokkeslett | None = None
    varighet: Annotated[Minutter, Field(description="Length in minutes")] | None = None
    tittel: Tekst | None = None
    type: Tekst | None = None
    beskrivelse: Markdown | None = None
    forslag_til_vedtak: Markdown | None = None
    vedlegg: list[Vedlegg] = Field(default_factory=list, max_length=LIMIT["vedlegg"])
    toppnotat: str | None = Field(None, description="Path of the toppnotat, relative to the meeting")
    innslag: list[Innslag] = Field(default_factory=list, max_length=LIMIT["innslag"])
    skjermet: Skjerming | None = None


class Dag(_Strict):
    dato: Dato
    start: Klokkeslett
    slutt: Klokkeslett
    program: list[Rad] = Field(default_factory=list, max_length=LIMIT["program"])


class Agenda(_Strict):
    """agenda.yaml: one meeting and its timed programme."""

    møte: Annotated[str, Field(pattern=NR_PATTERN)] | None = Field(
        None, description="Meeting number N/YY; only for the first meeting of a year in the repo"
    )
    sted: Tekst
    status: Literal["utkast", "endelig"] = "utkast"
    dager: list[Dag] = Field(min_length=1, max_length=LIMIT["dager"])


# --- toppnotat front matter -----------------------------------------------------


class Behandling(_Strict):
    utvalg: Tekst
    sak: SakNr
    tittel: Tekst | None = None
    vedtak: Markdown | None = None
    dato: Dato | None = Field(
        None, description="The day it was treated, printed beside the number; derived for a "
        "sak of this repository")


class ToppnotatMeta(_Strict):
    """Front matter of a toppnotat (case memo)."""

    sak: SakNr
    tittel: Tekst
    type: Tekst
    sakseier: Tekst | None = None
    saksbehandler: Tekst | None = None
    beskrivelse: Markdown | None = None
    forslag_til_vedtak: Markdown | None = None
    vedlegg: list[Vedlegg] = Field(default_factory=list, max_length=LIMIT["vedlegg"])
    tidligere_behandlinger: list[Behandling] = Field(default_factory=list,
                                                     max_length=LIMIT["tidligere_behandlinger"])
    skjermet: Skjerming | None = None


# --- referat front matter --------------------------------------------------------

Dager = Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1)]


def _member_ref(value: Any) -> Any:
    return {"medlem": value} if isinstance(value, str) else value


class Fravaer(_Strict):
    medlem: Tekst
    dager: Dager | None = None


class Stedfortreder(_Strict):
    navn: Tekst
    virksomhet: Tekst
    for_: Tekst = Field(alias="for", description="id of the member substituted")
    dager: Dager | None = None


class ReferatMeta(_Strict):
    """Front matter of a referat (minutes)."""

    status: Literal["utkast", "endelig"] = "utkast"
    fravær: list[Annotated[Fravaer, BeforeValidator(_member_ref)]] = Field(default_factory=list)
    stedfortredere: list[Stedfortreder] = Field(default_factory=list)
    sekretariat: list[Tekst] = Field(default_factory=list)


SCHEMAS: dict[str, type[BaseModel]] = {
    "nufa": NufaConfig,
    "medlemmer": Medlemmer,
    "agenda": Agenda,
    "toppnotat": ToppnotatMeta,
    "referat": ReferatMeta,
}
