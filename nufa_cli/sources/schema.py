"""The source format as declarations: one pydantic model per file kind.

These classes are the contract of FORMAT.md in code. They validate the plain
data that sources.py reads and give editors JSON Schemas (`nufa schema`).
Cross-file rules (numbering, times, members) live in check/validate.py.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)

from nufa_cli.core import lang

HHMM_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
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
    Field(min_length=1, description="Case number as printed: N/YY (12/24) by default, else as "
          "nufa.yaml's nummerering.format (V-sak 2, PS 4/15, 2021/45)"),
]
MEETING_NR_PATTERN = r"^(?:[1-9]\d*/(?:\d{2}|\d{4})|ukjent)$"  # 2/24, 1/2020, ukjent
# A name, title or place: printed whole, often in every document of a meeting (a 400 kB sted
# took the build past a minute); Markdown fields (schema.Markdown) hold the long texts.
MAX_TEXT = 1000
Tekst = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
# A beskrivelse, a forslag til vedtak, a cover text: a paragraph or a few, printed in a table
# of the saksliste too (400 kB there took the build 26 s); the long text is the toppnotat's.
MAX_MARKDOWN = 20_000
Markdown = Annotated[str, Field(min_length=1, max_length=MAX_MARKDOWN, description="Markdown text")]
Skjerming = Annotated[
    str,
    Field(min_length=1, description='Legal basis for withholding from the public, e.g. "offl. § 14"'),
]
OffentligTittel = Annotated[
    str,
    Field(min_length=1, description="The title the public documents print for a skjermet sak "
          'or vedlegg, the withheld words written as ******, e.g. "Klage fra ****** på vedtak"'),
]
DEFAULT_SAKSTYPER = ["Godkjenning", "Orientering", "Drøfting", "Beslutning"]
DECISION = "Beslutning"  # the sakstype that asks the committee to decide: it needs a forslag
# What the footer shows beside the page number: the sources' revision ("Versjon 3f2a1c9"),
# the build date ("Bygget 24.04.2024"), both (the default) or neither.
Bunntekst = Literal["revisjon", "dato", "begge", "ingen"]


class _Strict(BaseModel):
    # defer_build: a model's validator is built when it first validates (or gives its JSON
    # Schema), not at import: a run reads only some kinds of file, and a cached read none
    model_config = ConfigDict(extra="forbid", populate_by_name=False, coerce_numbers_to_str=True,
                              defer_build=True)


# --- nufa.yaml -------------------------------------------------------------


class Utvalg(_Strict):
    navn: Tekst = Field("Fagutvalget (NUFA)", description='Shown as "Møte" in document headers')
    kortnavn: Tekst = Field("NUFA", description='"Møte i NUFA", "Referat NUFA ..."')


def _texts_model() -> type[BaseModel]:
    """`tekster:` and a committee's own catalogue file: every printed text by its name
    (core/lang.py), each optional; an unknown name is an unknown key."""
    defaults = lang.builtin_texts(lang.DEFAULT)
    fields: dict[str, Any] = {
        key: (Tekst | None, Field(None, description=f"Default (nb): {defaults[key]!r}"))
        for key in lang.names()
    }
    return create_model("Tekster", __base__=_Strict, **fields)


Tekster = _texts_model()


class Katalog(Tekster):  # type: ignore[misc, valid-type]  # a model made at import time
    """A catalogue file, templates/lang/<språk>.yaml or <maler>/lang/<språk>.yaml."""

    språkkode: Annotated[str, Field(pattern=r"^[a-z]{2,3}-[A-Z]{2}$")] | None = Field(
        None, description="BCP 47 tag of the documents' language with region, e.g. nn-NO")


def _tekster_schema(schema: dict[str, Any]) -> None:
    """`tekster:` to an editor: Tekster, each text by its name."""
    schema.clear()
    schema.update(Tekster.model_json_schema())
    schema["description"] = "Printed texts by name, over the language's own"


class Sakstype(_Strict):
    navn: Tekst
    serie: Annotated[str, Field(pattern=r"^[^{}\s]+$")] | None = Field(
        None, description='Its own number series, printed by {serie} in nummerering.format: '
        '"O" for "O-sak 3"')
    vedtak: Literal["påkrevd", "valgfritt"] = Field(
        "påkrevd", description="valgfritt: an endelig referat may leave this type without a Vedtak")


def _named(value: Any) -> Any:
    return {"navn": value} if isinstance(value, str) else value


def _items_or_names(schema: dict[str, Any]) -> None:
    """A list item may be written as a plain name (read as {navn: ...}): say so to editors."""
    schema["items"] = {"anyOf": [{"type": "string", "minLength": 1}, schema["items"]]}


class Nummerering(_Strict):
    format: Tekst = Field(
        "{n}/{yy}", description="Printed form of a sak number; fields {n} {n:02} {n:03} {yy} "
        "{yyyy} {serie}, e.g. '{serie}-sak {n}', '{n}/{yyyy}'")
    per: Literal["år", "møte"] = Field(
        "år", description="år: numbers run through the calendar year; møte: restart each meeting")


class ToppnotatValg(_Strict):
    seksjoner: list[Tekst] | None = Field(
        None, description="Sections check warns about when a toppnotat lacks them; [] for none. "
        "Default: the language's 'Hensikt med saken' and 'Bakgrunn'")


class NufaConfig(_Strict):
    """nufa.yaml: committee settings. Every key is optional; the defaults are NUFA's."""

    utvalg: Utvalg = Field(default_factory=Utvalg)
    sekretariat: Tekst = Field("Helsedirektoratet", description="Heading of the secretariat row")
    sakstyper: list[Annotated[Sakstype, BeforeValidator(_named)]] = Field(
        default_factory=lambda: [Sakstype(navn=n) for n in DEFAULT_SAKSTYPER], min_length=1,
        description="The sakstyper: a name, or {navn, serie, vedtak}",
        json_schema_extra=_items_or_names)
    maler: str | None = Field(None, description="Folder of own templates overriding the built-ins")
    font: Annotated[str, Field(pattern=r'^[^"\x00-\x1f]+$')] | None = Field(
        None, description="Font family of the documents; its font files go in <maler>/fonts/. "
        "Default: Carlito, built in")
    logo_alt: Tekst | None = Field(
        None, description="Alt text of the logo <maler>/logo.png, read out by screen readers. "
        'Default: "Logo for <utvalg.navn>"')
    språk: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")] = Field(
        lang.DEFAULT, description="Language of every printed word: nb (bokmål) or nn (nynorsk), "
        "or one with its catalogue in <maler>/lang/")
    # read as Tekster where it is given (model/committee.py, Reader.read_yaml's apart):
    # pydantic takes 24 ms to build a validator of a field for each text, a tenth of a
    # check of the sample
    tekster: dict[str, Any] = Field(default_factory=dict, json_schema_extra=_tekster_schema)
    toppnotat: ToppnotatValg = Field(default_factory=ToppnotatValg)
    nummerering: Nummerering = Field(default_factory=Nummerering)
    bunntekst: Bunntekst = Field(
        "begge", description="What every page's footer shows beside the page number: the "
        "sources' git revision (revisjon), the build date (dato), both (begge) or neither (ingen)")


# --- medlemmer.yaml -----------------------------------------------------------


class Medlem(_Strict):
    navn: Tekst
    virksomhet: Tekst | None = Field(None, description="Printed after the name and role")
    rolle: Tekst | None = Field(None, description='"styreleder", "nestleder": printed after the name')
    parti: Tekst | None = Field(None, description='"H", "Ap": printed in brackets after the rest')
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
    tittel: Tekst | None = Field(None, description="Alone, without referat, fil or url: a "
                                 "vedlegg that is not in the papers, e.g. '... (ettersendes)'")
    skjermet: Skjerming | None = None
    offentlig_tittel: OffentligTittel | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Vedlegg:
        given = [k for k in ("referat", "fil", "url") if getattr(self, k) is not None]
        if len(given) > 1 or not (given or self.tittel):
            raise ValueError("a vedlegg names exactly one of 'referat', 'fil' or 'url'")
        return self


Innleder = Annotated[str, Field(min_length=1, description="Who presents it: 'Navn, Virksomhet'")]
Lukket = Annotated[
    Annotated[str, Field(min_length=1)] | bool,
    Field(description="Treated in a closed session: the legal basis (kl. § 11-5 annet ledd "
          "bokstav a), or true where none is stated"),
]
Arkivsak = Annotated[str, Field(min_length=1, description="The archive's case number, 2015/1234")]


class Innslag(_Strict):
    tid: Klokkeslett | None = None
    varighet: Minutter | None = None
    tittel: Tekst
    innleder: Innleder | None = None


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
    offentlig_tittel: OffentligTittel | None = None
    tema: Tekst | None = Field(None, description="A heading row: takes no time, keeps the time chain")
    innleder: Innleder | None = None
    arkivsak: Arkivsak | None = None
    lukket: Lukket | None = None


class Dag(_Strict):
    dato: Dato
    start: Klokkeslett
    slutt: Klokkeslett | None = Field(None, description='Gives the row "Slutt dag N"; optional')
    sted: Tekst | None = Field(None, description="The day's own place, if not the meeting's")
    program: list[Rad] = Field(default_factory=list, max_length=LIMIT["program"])


class Underskrift(_Strict):
    navn: Tekst
    tittel: Tekst | None = None


class Innkalling(_Strict):
    tekst: Markdown | None = Field(None, description="Cover text, printed after the header")
    underskrift: list[Underskrift] = Field(default_factory=list)


class Agenda(_Strict):
    """agenda.yaml: one meeting and its timed programme."""

    møte: Annotated[str, Field(pattern=MEETING_NR_PATTERN)] | None = Field(
        None, description="Meeting number N/YY or N/YYYY, for the first meeting of a year in the "
        "repo; 'ukjent' prints no number"
    )
    første_sak: SakNr | list[SakNr] | None = Field(
        None, description="Where this meeting's numbering starts (per serie) instead of "
        "continuing from the meeting before it: an archive with gaps")
    sted: Tekst | None = None
    status: Literal["utkast", "endelig"] = "utkast"
    innkalling: Innkalling = Field(default_factory=Innkalling)
    dager: list[Dag] = Field(min_length=1, max_length=LIMIT["dager"])


# --- toppnotat front matter -----------------------------------------------------


class Behandling(_Strict):
    utvalg: Tekst
    sak: SakNr
    møte: Dato | None = Field(
        None, description="The meeting (its first day) of a sak numbered per meeting")
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
    tidligere_behandlinger_tekst: Markdown | None = Field(
        None, description="Text under the heading of the earlier decisions, before their table")
    skjermet: Skjerming | None = None
    offentlig_tittel: OffentligTittel | None = None
    arkivsak: Arkivsak | None = None
    lukket: Lukket | None = None


# --- referat front matter --------------------------------------------------------

Dager = Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1)]
Saker = Annotated[list[SakNr], Field(min_length=1, description="Saker of the meeting, as printed")]
MedlemId = Annotated[str, Field(min_length=1, description="A member's id (medlemmer.yaml)")]
FraSak = Annotated[SakNr, Field(description="From this sak on, in agenda order")]
UnderSak = Annotated[SakNr, Field(description="Left the meeting during this sak: there at its "
                                  "start, not at its votes nor at the saker after it")]


def _member_ref(value: Any) -> Any:
    return {"medlem": value} if isinstance(value, str) else value


def _one_span(entry: Any) -> None:
    given = [k for k in ("dager", "saker", "fra_sak", "under_sak")
             if getattr(entry, k, None) is not None]
    if len(given) > 1:
        raise ValueError(f"give one of {', '.join(repr(k) for k in given)}: they would say "
                         "differently when the entry applies")


class Fravaer(_Strict):
    medlem: MedlemId
    dager: Dager | None = None
    saker: Saker | None = Field(None, description="Absent at these saker only")
    fra_sak: FraSak | None = Field(None, description="Left the meeting before this sak")
    under_sak: UnderSak | None = None
    forfall: bool = Field(False, description='Absence announced in advance: printed "Forfall"')

    @model_validator(mode="after")
    def _span(self) -> Fravaer:
        _one_span(self)
        return self


class Stedfortreder(_Strict):
    navn: Tekst
    virksomhet: Tekst | None = None
    parti: Tekst | None = None
    for_: MedlemId | None = Field(None, alias="for", description="id of the member substituted; "
                                  'without it: listed under "Møtende varamedlemmer"')
    dager: Dager | None = None
    saker: Saker | None = Field(None, description="Met at these saker only")
    fra_sak: FraSak | None = Field(None, description="Met from this sak on")

    @model_validator(mode="after")
    def _span(self) -> Stedfortreder:
        _one_span(self)
        return self


class Inhabil(_Strict):
    medlem: MedlemId
    saker: Saker
    grunnlag: Tekst | None = Field(None, description="The legal basis, e.g. fvl. § 6 første ledd "
                                   "bokstav a")


class Moteleder(_Strict):
    medlem: MedlemId
    saker: Saker | None = Field(None, description="The saker this member chaired")


class Deltaker(_Strict):
    navn: Tekst
    virksomhet: Tekst | None = None
    dager: Dager | None = None
    saker: Saker | None = Field(None, description="Took part in these saker only")

    @model_validator(mode="after")
    def _span(self) -> Deltaker:
        _one_span(self)
        return self


def _named_person(value: Any) -> Any:
    return {"navn": value} if isinstance(value, str) else value


def _stemmer(value: Any) -> Any:
    """One message for a value that is neither a count nor a list of ids (the union's two
    errors would say it twice, in pydantic's words)."""
    count = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    ids = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    if not (count or ids):
        raise ValueError(f"expected a count (0 or more) or a list of ids (got {value!r})")
    return value


Stemmer = Annotated[
    Annotated[int, Field(ge=0)] | list[MedlemId],
    BeforeValidator(_stemmer),
    Field(description="A count, or the ids of those voting so (members or varamedlemmer)"),
]


class Alternativ(_Strict):
    forslag: Tekst = Field(description="The proposal as it reads inside a sentence, e.g. "
                           "forslaget fra KRF")
    for_: Stemmer = Field(alias="for")


class Votering(_Strict):
    sak: SakNr
    forslag: Tekst | None = Field(None, description="The proposal voted on, e.g. Rådmannens "
                                  "innstilling")
    for_: Stemmer | None = Field(None, alias="for")
    mot: Stemmer | None = None
    avholdende: Stemmer | None = None
    enstemmig: bool = Field(False, description="Everyone present at the sak voted for")
    alternativer: Annotated[list[Alternativ], Field(min_length=2)] | None = Field(
        None, description="Proposals put against each other (alternativ votering): the one "
        "with the most votes carried")

    @model_validator(mode="after")
    def _counted(self) -> Votering:
        if self.alternativer is not None:
            if self.enstemmig or self.for_ is not None or self.mot is not None:
                raise ValueError("a vote between alternativer gives each its 'for', and no "
                                 "'for', 'mot' or 'enstemmig' of its own")
            return self
        if self.enstemmig and any(v is not None for v in (self.for_, self.mot, self.avholdende)):
            raise ValueError("an enstemmig vote has no 'for', 'mot' or 'avholdende'")
        if not self.enstemmig and (self.for_ is None or self.mot is None):
            raise ValueError("a vote gives 'for' and 'mot' (a count or the ids), or "
                             "'enstemmig: true'")
        return self


class Godkjenning(_Strict):
    måte: Tekst | None = Field(None, description='"elektronisk": printed "… godkjennes '
                               'elektronisk"')
    underskrivere: list[MedlemId] = Field(default_factory=list,
                                          description="ids of the members who sign")


class ReferatMeta(_Strict):
    """Front matter of a referat (minutes)."""

    status: Literal["utkast", "endelig"] = "utkast"
    versjon: Tekst | None = Field(None, description='The referat\'s version, e.g. "1.0"')
    møteleder: MedlemId | list[Moteleder] | None = Field(
        None, description="Who chaired: a member's id, or a list of {medlem, saker}")
    fravær: list[Annotated[Fravaer, BeforeValidator(_member_ref)]] = Field(default_factory=list)
    stedfortredere: list[Stedfortreder] = Field(default_factory=list)
    inhabil: list[Inhabil] = Field(default_factory=list)
    deltakere: dict[Tekst, list[Annotated[Deltaker, BeforeValidator(_named_person)]]] = Field(
        default_factory=dict, description="Further groups, each printed under its heading")
    voteringer: list[Votering] = Field(default_factory=list)
    godkjenning: Godkjenning | None = None
    sekretariat: list[Tekst] = Field(default_factory=list)


SCHEMAS: dict[str, type[BaseModel]] = {
    "nufa": NufaConfig,
    "katalog": Katalog,
    "medlemmer": Medlemmer,
    "agenda": Agenda,
    "toppnotat": ToppnotatMeta,
    "referat": ReferatMeta,
}
