"""Every rule of `nufa check`, each on a repository one change away from a valid one.

A case names the change and the complete list of diagnostics it must give: code,
file, line (and column where it matters) and severity. Nothing else may appear,
so a rule that fires twice or drags a second rule along fails its case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import (
    AGENDA1,
    AGENDA2,
    AGENDA2_YAML,
    M2,
    ONE_DAY_2025,
    PLAN,
    REFERAT1,
    REFERAT1_MD,
    TOPPNOTAT,
    TOPPNOTAT_MD,
    FileContent,
    Symlink,
    line_of,
    replace_once,
    valid_repo,
)

from nufa_cli.check.validate import check
from nufa_cli.core import codes
from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.model.objects import SakNr

E, W = Severity.ERROR, Severity.WARNING
Files = dict[str, FileContent]
Edit = Callable[[Files], None]


def sub(path: str, old: str, new: str) -> Edit:
    def edit(files: Files) -> None:
        text = files[path]
        assert isinstance(text, str)
        files[path] = replace_once(text, old, new)

    return edit


def put(path: str, content: FileContent) -> Edit:
    def edit(files: Files) -> None:
        files[path] = content

    return edit


def drop(path: str) -> Edit:
    def edit(files: Files) -> None:
        del files[path]

    return edit


def edits(*changes: Edit) -> Edit:
    """Several changes as one, in order."""
    def edit(files: Files) -> None:
        for change in changes:
            change(files)

    return edit


def broken_styles_docx() -> bytes:
    """The built-in reference.docx with its styles cut short: a zip, but pandoc refuses it."""
    import io
    import zipfile

    from nufa_cli.core.root import builtin_templates

    out = io.BytesIO()
    with zipfile.ZipFile(builtin_templates() / "reference.docx") as source, \
            zipfile.ZipFile(out, "w") as docx:
        for item in source.infolist():
            data = source.read(item)
            docx.writestr(item, b"<w:styles><broken" if item.filename == "word/styles.xml"
                          else data)
    return out.getvalue()


def folder(path: str) -> Edit:
    """The file replaced by a folder of that name, which nothing can read as text."""
    def edit(files: Files) -> None:
        del files[path]
        files[f"{path}/notes.txt"] = "not a source\n"

    return edit


@dataclass(frozen=True)
class Expect:
    path: str
    at: str | int  # the line number, or a text found on exactly one line of the edited file
    code: str
    severity: Severity = E
    col: int | None = None
    hint: str | None = None  # a text the hint must contain
    below: int = 0  # lines below the line `at` names

    def line(self, files: Files) -> int:
        if isinstance(self.at, int):
            return self.at
        text = files[self.path]
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        assert isinstance(text, str)
        return line_of(text, self.at) + self.below


@dataclass(frozen=True)
class Case:
    id: str
    edit: Edit
    expect: list[Expect] = field(default_factory=list)


def front(extra: str) -> Edit:
    """Keys added to the valid referat's front matter."""
    return sub(REFERAT1, "sekretariat: [Norunn Saure, Karen Lima]\n",
               "sekretariat: [Norunn Saure, Karen Lima]\n" + extra)


# Every key of the protokoll (FORMAT.md part 2) on the valid referat: it stays clean.
PROTOKOLL = """\
versjon: 1.0
møteleder: hans-lowe-larsen
inhabil:
  - {medlem: ola-josendal, saker: [2/24], grunnlag: fvl. § 6 første ledd bokstav a}
deltakere:
  Observatører: [Per Hansen, {navn: Kari Holm, virksomhet: KS, dager: [1]}]
voteringer:
  - {sak: 2/24, forslag: Forslag til vedtak, for: [hans-lowe-larsen, jim-j-yang, yvonne-garshol],
     mot: [sissel-skarsgard], avholdende: 0}
  - {sak: 1/24, enstemmig: true}
  - {sak: 1/24, forslag: Dagsorden, avholdende: 0, alternativer: [
     {forslag: innkallingens dagsorden, for: [hans-lowe-larsen, jim-j-yang]},
     {forslag: forslaget fra Ola Jøsendal, for: 1}]}
godkjenning:
  måte: elektronisk
  underskrivere: [hans-lowe-larsen, yvonne-garshol]
"""


def lines(text: str) -> int:
    return text.count("\n")


def body_line(text: str) -> int:
    """The line after the closing '---' of the front matter."""
    return text.split("\n").index("---", 1) + 2


NEXT_MEETING = """\
sted: Oslo
dager:
  - dato: 2024-06-12
    start: "10:00"
    slutt: "15:00"
    program:
      - sak: {nr}
        tid: "10:00"
        tittel: Godkjenning av innkalling og dagsorden
        type: Godkjenning
"""
AGENDA3 = "meetings/2024-06-12/agenda.yaml"
INNSLAG = ('{tid: "09:05", tittel: Forskning ved Nasjonalt senter for e-helseforskning}\n'
           '          - {tid: "10:30", tittel: Pause}')
STAND_IN = "  - {navn: Yvonne Garshol, virksomhet: Helse Sør-Øst RHF, for: jon-gupta}\n"
SECOND_FIL = "          - fil: vedlegg/plan.pdf"
NOTE_ROW = "toppnotat: toppnotater/5-24-tannhelse.md\n"

# A university board's conventions (FORMAT.md part 2): series per sakstype, numbers that
# restart every meeting. board() turns the valid repository into one such meeting.
BOARD_YAML = """\
utvalg:
  navn: Universitetsstyret
  kortnavn: US
sekretariat: Universitetsdirektøren
nummerering:
  format: "{serie}-sak {n}"
  per: møte
sakstyper:
  - {navn: Vedtakssak, serie: V}
  - {navn: Orienteringssak, serie: O, vedtak: valgfritt}
"""
BOARD_AGENDA = """\
sted: Styrerommet
dager:
  - dato: 2024-04-24
    start: "10:00"
    slutt: "12:00"
    program:
      - {sak: V-sak 1, tittel: Godkjenning av innkalling, type: Vedtakssak}
      - {sak: O-sak 1, toppnotat: toppnotater/o-sak-1.md}
"""
BOARD_NOTE = f"{M2}/toppnotater/o-sak-1.md"
BOARD_NOTE_MD = """\
---
sak: O-sak 1
tittel: Økonomirapport
type: Orienteringssak
---

## Hensikt med saken

Orientering.

## Bakgrunn

Tall.
"""


def board(*edits: Edit) -> Edit:
    def edit(files: Files) -> None:
        for path in (AGENDA1, REFERAT1, TOPPNOTAT, PLAN):
            del files[path]
        files.update({"nufa.yaml": BOARD_YAML, AGENDA2: BOARD_AGENDA, BOARD_NOTE: BOARD_NOTE_MD})
        for more in edits:
            more(files)

    return edit


ONE_DAY = "meetings/2025-01-22/agenda.yaml"

CASES = [
    # -- reading files --------------------------------------------------------------------
    Case("yaml-syntax", sub(AGENDA2, "sted: Scandic Ishavshotel, Tromsø", "sted: Scandic: Tromsø"),
         [Expect(AGENDA2, 1, "yaml-syntax", col=14, hint="must be quoted")]),
    Case("yaml-syntax-tab", sub("nufa.yaml", "  navn: Fagutvalget", "\tnavn: Fagutvalget"),
         [Expect("nufa.yaml", 2, "yaml-syntax", hint="spaces, not tabs")]),
    Case("yaml-syntax-front-matter",
         sub(TOPPNOTAT, "saksbehandler: Bjørnar Hafell", "saksbehandler: Bjørnar: Hafell"),
         [Expect(TOPPNOTAT, "saksbehandler:", "yaml-syntax", col=23)]),
    Case("yaml-alias",
         sub(AGENDA2, INNSLAG, INNSLAG.replace("tittel: Forskning", "tittel: &t Forskning")
                                      .replace("tittel: Pause}", "tittel: *t}")),
         [Expect(AGENDA2, "*t", "yaml-alias")]),
    Case("yaml-merge-key", sub(AGENDA2, '- tid: "09:00"', '- <<: {tid: "09:00"}'),
         [Expect(AGENDA2, "<<:", "yaml-alias")]),
    Case("yaml-comment", sub(AGENDA2, "tittel: Eventuelt", "tittel: Eventuelt #2"),
         [Expect(AGENDA2, "tittel: Eventuelt #2", "yaml-comment", W, hint='"Eventuelt #2"')]),
    Case("duplicate-key", sub(AGENDA2, "status: utkast\n", "status: utkast\nstatus: endelig\n"),
         [Expect(AGENDA2, 3, "duplicate-key", col=1)]),
    Case("binary-file", put(AGENDA2, AGENDA2_YAML.encode() + b"\x00\x01"),
         [Expect(AGENDA2, 0, "binary-file")]),
    Case("encoding", put(AGENDA2, AGENDA2_YAML.encode().replace(b"tittel: Eventuelt",
                                                                b"tittel: Eventuelt \xe6")),
         [Expect(AGENDA2, "tittel: Eventuelt", "encoding", col=27, hint="UTF-8")]),
    Case("encoding-latin1-referat", put(REFERAT1, REFERAT1_MD.encode("latin-1")),
         [Expect(REFERAT1, 3, "encoding", col=5)]),
    Case("file-too-large", put(AGENDA2, "# " + "x" * (20 * 1024 * 1024) + "\n"),
         [Expect(AGENDA2, 0, "file-too-large")]),
    Case("unreadable", folder("medlemmer.yaml"), [Expect("medlemmer.yaml", 0, "unreadable")]),
    Case("yaml-key", sub(AGENDA2, "status: utkast\n", "status: utkast\n[tid, tittel]: x\n"),
         [Expect(AGENDA2, "[tid, tittel]", "yaml-key", col=1)]),
    Case("yaml-key-complex", sub(AGENDA2, "status: utkast\n", "status: utkast\n? {a: b}\n: x\n"),
         [Expect(AGENDA2, "? {a: b}", "yaml-key", col=3)]),
    Case("empty-agenda", put(AGENDA2, ""),  # dager; sted is optional (FORMAT.md part 2)
         [Expect(AGENDA2, 1, "missing-field", hint="add 'dager: ...'")]),
    Case("front-matter-unclosed", sub(TOPPNOTAT, "---\n\n## Hensikt", "\n## Hensikt"),
         [Expect(TOPPNOTAT, 1, "front-matter")]),
    Case("front-matter-none", put(TOPPNOTAT, TOPPNOTAT_MD.split("---\n", 2)[2]),
         [Expect(TOPPNOTAT, 1, "front-matter")]),
    Case("file-missing", put("meetings/2024-09-01/notater.txt", "ikke et møte\n"),
         [Expect("meetings/2024-09-01", 0, "file-missing")]),
    # -- schema ---------------------------------------------------------------------------
    Case("unknown-key", sub(AGENDA2, "status: utkast", "statu: utkast"),
         [Expect(AGENDA2, 2, "unknown-key", col=1, hint="did you mean 'status'?")]),
    Case("unknown-key-row", sub(AGENDA2, "varighet: 45", "varighett: 45"),
         [Expect(AGENDA2, "varighett", "unknown-key", col=9, hint="did you mean 'varighet'?")]),
    Case("unknown-key-front-matter", sub(REFERAT1, "sekretariat:", "sekretaritat:"),
         [Expect(REFERAT1, "sekretaritat:", "unknown-key", hint="did you mean 'sekretariat'?")]),
    Case("missing-field", sub(AGENDA2, "    start: \"09:00\"\n    slutt: \"14:30\"\n",
                              "    slutt: \"14:30\"\n"),
         [Expect(AGENDA2, "dato: 2024-04-25", "missing-field", col=5, hint="add 'start: ...'")]),
    Case("missing-field-day", sub(AGENDA2, "  - dato: 2024-04-25\n", "  - sted: Tromsø\n"),
         [Expect(AGENDA2, "sted: Tromsø", "missing-field", col=5, hint="add 'dato: ...'")]),
    Case("wrong-type", sub("nufa.yaml", "sakstyper: [Godkjenning, Orientering, Drøfting, "
                           "Beslutning]", "sakstyper: Godkjenning"),
         [Expect("nufa.yaml", 5, "wrong-type", col=12)]),
    Case("wrong-type-list-for-text", sub(AGENDA2, "sted: Scandic Ishavshotel, Tromsø",
                                         "sted: [Scandic Ishavshotel, Tromsø]"),
         [Expect(AGENDA2, 1, "wrong-type", col=7)]),
    Case("invalid-date", sub(AGENDA2, "dato: 2024-04-25", "dato: 2024-02-30"),
         [Expect(AGENDA2, "2024-02-30", "invalid-value", col=11)]),
    # pydantic reads a number, or text of digits, as a Unix timestamp: dato: 0 is 1970-01-01
    Case("invalid-date-number", sub(AGENDA2, "dato: 2024-04-25", "dato: 0"),
         [Expect(AGENDA2, "dato: 0", "invalid-value", col=11)]),
    Case("invalid-date-digits", sub("medlemmer.yaml", "til: 2024-03-31", 'til: "0"'),
         [Expect("medlemmer.yaml", "til:", "invalid-value", col=10)]),
    Case("invalid-time-hour", sub(AGENDA2, 'tid: "14:25"', 'tid: "25:00"'),
         [Expect(AGENDA2, '"25:00"', "invalid-value", col=14)]),
    Case("invalid-time-short", sub(AGENDA2, 'tid: "14:25"', 'tid: "9:00"'),
         [Expect(AGENDA2, '"9:00"', "invalid-value", col=14)]),
    Case("invalid-sak-number", sub(AGENDA2, "sak: 8/24", "sak: 8-24"),
         [Expect(AGENDA2, "sak: 8-24", "invalid-value", hint="sak: 12/24")]),
    Case("invalid-status", sub(AGENDA2, "status: utkast", "status: ferdig"),
         [Expect(AGENDA2, "status: ferdig", "invalid-value", col=9)]),
    # -- numbering ------------------------------------------------------------------------
    Case("sak-year", sub(AGENDA2, "sak: 8/24", "sak: 8/23"),
         [Expect(AGENDA2, "sak: 8/23", "sak-year", hint="8/24")]),
    Case("sak-duplicate", sub(AGENDA2, "sak: 8/24", "sak: 3/24"),
         [Expect(AGENDA2, "sak: 3/24", "sak-duplicate")]),
    Case("sak-sequence-gap", sub(AGENDA2, "sak: 8/24", "sak: 9/24"),
         [Expect(AGENDA2, "sak: 9/24", "sak-sequence", hint="number it 8/24")]),
    # the second meeting of the year starts at 9/24 instead of continuing at 4/24; its next
    # sak then goes back before the sequence
    Case("sak-sequence-second-meeting", sub(AGENDA2, "sak: 4/24", "sak: 9/24"),
         [Expect(AGENDA2, "sak: 9/24", "sak-sequence", hint="number it 4/24"),
          Expect(AGENDA2, "sak: 5/24", "sak-sequence", hint="number it 10/24")]),
    Case("sak-sequence-next-meeting", put(AGENDA3, NEXT_MEETING.format(nr="10/24")),
         [Expect(AGENDA3, "sak: 10/24", "sak-sequence", hint="number it 9/24")]),
    Case("meeting-number", sub(AGENDA2, "sted:", "møte: 3/24\nsted:"),
         [Expect(AGENDA2, 1, "meeting-number", col=7, hint="only the first meeting")]),
    Case("meeting-number-year", sub(AGENDA1, "sted:", "møte: 1/23\nsted:"),
         [Expect(AGENDA1, 1, "meeting-number", hint="N/24")]),
    # -- times ----------------------------------------------------------------------------
    Case("time-order", sub(AGENDA2, 'tid: "14:25"', 'tid: "10:00"'),
         [Expect(AGENDA2, 'tid: "10:00"', "time-order")]),
    Case("time-overlap", sub(AGENDA2, "varighet: 45", "varighet: 50"),
         [Expect(AGENDA2, 'tid: "11:55"', "time-overlap", hint="varighet")]),
    # a sak's varighet holds the next row back even when its innslag end earlier
    Case("time-overlap-innslag",
         sub(AGENDA2, '- {tid: "10:30", tittel: Pause}\n',
             '- {tid: "10:30", tittel: Pause}\n        varighet: 120\n'
             '      - tid: "10:45"\n        tittel: Lunsj\n'),
         [Expect(AGENDA2, 'tid: "10:45"', "time-overlap")]),
    Case("time-outside", sub(AGENDA2, 'tid: "14:25"', 'tid: "14:45"'),
         [Expect(AGENDA2, 'tid: "14:45"', "time-outside")]),
    Case("time-outside-varighet",
         sub(AGENDA2, 'tid: "14:25"\n', 'tid: "14:25"\n        varighet: 20\n'),
         [Expect(AGENDA2, "varighet: 20", "time-outside")]),
    Case("time-overflow",
         sub(AGENDA2, "tittel: Middag\n", "tittel: Middag\n        varighet: 600\n"),
         [Expect(AGENDA2, "varighet: 600", "time-overflow")]),
    Case("day-order", sub(AGENDA2, "dato: 2024-04-25", "dato: 2024-04-23"),
         [Expect(AGENDA2, "2024-04-23", "day-order")]),
    Case("folder-date", sub(AGENDA2, "dato: 2024-04-24", "dato: 2024-04-22"),
         [Expect(AGENDA2, "2024-04-22", "folder-date", hint="meetings/2024-04-22")]),
    Case("row-without-sak",
         sub(AGENDA2, "tittel: Middag\n", "tittel: Middag\n        type: Orientering\n"),
         [Expect(AGENDA2, "tittel: Middag", "row-without-sak", below=1)]),
    # -- saker and toppnotater ------------------------------------------------------------
    Case("tema-with-sak", sub(AGENDA2, "tittel: Velkommen til dag 2\n", "tittel: Velkommen til dag 2\n"
                              "      - tema: Digitale tjenester\n        sak: 9/24\n"),
         [Expect(AGENDA2, "sak: 9/24", "tema-with-sak", col=14, hint="a row of its own")]),
    Case("tema-row", sub(AGENDA2, "tittel: Velkommen til dag 2\n", "tittel: Velkommen til dag 2\n"
                         "      - tema: Digitale tjenester\n        varighet: 5\n"),
         [Expect(AGENDA2, "varighet: 5", "tema-row", col=19)]),
    Case("unknown-sakstype", sub(AGENDA2, "tittel: Helse i nord\n        type: Orientering",
                                 "tittel: Helse i nord\n        type: Orienterng"),
         [Expect(AGENDA2, "Orienterng", "unknown-sakstype", hint="did you mean 'Orientering'?")]),
    Case("unknown-sakstype-toppnotat", sub(TOPPNOTAT, "type: Drøfting", "type: Drofting"),
         [Expect(TOPPNOTAT, "type: Drofting", "unknown-sakstype", hint="'Drøfting'")]),
    Case("toppnotat-missing", drop(TOPPNOTAT),
         [Expect(AGENDA2, "toppnotat: toppnotater/", "toppnotat-missing")]),
    Case("toppnotat-path", sub(AGENDA2, "toppnotat: toppnotater/5-24-tannhelse.md",
                               "toppnotat: ../2024-01-24/referat.md"),
         [Expect(AGENDA2, "toppnotat: ../", "toppnotat-path"),
          Expect(TOPPNOTAT, 0, "toppnotat-unused", W)]),
    Case("toppnotat-unused", put(f"{M2}/toppnotater/9-24-ekstra.md", TOPPNOTAT_MD),
         [Expect(f"{M2}/toppnotater/9-24-ekstra.md", 0, "toppnotat-unused", W)]),
    # a link in toppnotater/ that points at itself names no toppnotat: unused, no traceback
    Case("toppnotat-unused-looping-link",
         put(f"{M2}/toppnotater/9-24-ekstra.md", Symlink("9-24-ekstra.md")),
         [Expect(f"{M2}/toppnotater/9-24-ekstra.md", 0, "toppnotat-unused", W)]),
    Case("toppnotat-sak", sub(TOPPNOTAT, "sak: 5/24", "sak: 6/24"),
         [Expect(TOPPNOTAT, "sak: 6/24", "toppnotat-sak")]),
    Case("toppnotat-reused", sub(AGENDA2, "tittel: Eventuelt\n", "tittel: Eventuelt\n        " + NOTE_ROW),
         [Expect(AGENDA2, "tittel: Eventuelt", "toppnotat-reused", col=20, below=1)]),
    # the same file spelt otherwise is the same toppnotat (model/load.py: real = path)
    Case("toppnotat-reused-spelt-otherwise",
         sub(AGENDA2, "tittel: Eventuelt\n",
             "tittel: Eventuelt\n        toppnotat: ./toppnotater//5-24-tannhelse.md\n"),
         [Expect(AGENDA2, "tittel: Eventuelt", "toppnotat-reused", col=20, below=1)]),
    Case("field-conflict", sub(AGENDA2, NOTE_ROW, NOTE_ROW + "        tittel: Tannhelse\n"),
         [Expect(AGENDA2, "tittel: Tannhelse", "field-conflict")]),
    # -- nufa.yaml -------------------------------------------------------------------------
    Case("maler-path", sub("nufa.yaml", "sakstyper:", "maler: ../maler/\nsakstyper:"),
         [Expect("nufa.yaml", "maler:", "maler-path", col=8, hint="inside the repository")]),
    Case("maler-path-repository", sub("nufa.yaml", "sakstyper:", "maler: .\nsakstyper:"),
         [Expect("nufa.yaml", "maler:", "maler-path", col=8)]),
    Case("maler-missing", sub("nufa.yaml", "sakstyper:", "maler: maler/\nsakstyper:"),
         [Expect("nufa.yaml", "maler:", "maler-missing", col=8, hint="built-in templates")]),
    # -- vedlegg --------------------------------------------------------------------------
    Case("vedlegg-missing", drop(PLAN), [Expect(AGENDA2, SECOND_FIL, "vedlegg-missing")]),
    Case("vedlegg-path-absolute", sub(AGENDA2, "fil: vedlegg/plan.pdf", "fil: /etc/passwd"),
         [Expect(AGENDA2, "/etc/passwd", "vedlegg-path")]),
    Case("vedlegg-path-dotdot",
         sub(AGENDA2, "fil: vedlegg/plan.pdf", "fil: ../2024-01-24/agenda.yaml"),
         [Expect(AGENDA2, "fil: ../", "vedlegg-path")]),
    Case("source-symlink-vedlegg-out-of-repo", put(PLAN, Symlink("../../../../outside.pdf")),
         [Expect(AGENDA2, SECOND_FIL, "source-symlink")]),
    Case("source-symlink-vedlegg-out-of-meeting", put(PLAN, Symlink("../../../nufa.yaml")),
         [Expect(AGENDA2, SECOND_FIL, "source-symlink")]),
    Case("vedlegg-url", sub(AGENDA2, "url: https://www.ehelse.no/", "url: http://www.ehelse.no/"),
         [Expect(AGENDA2, "http://", "vedlegg-url")]),
    Case("vedlegg-referat", sub(AGENDA2, "referat: 2024-01-24", "referat: 2024-01-23"),
         [Expect(AGENDA2, "referat: 2024-01-23", "vedlegg-referat")]),
    Case("vedlegg-referat-none-yet", sub(AGENDA2, "referat: 2024-01-24", "referat: 2024-04-24"),
         [Expect(AGENDA2, "referat: 2024-04-24", "vedlegg-referat")]),
    # -- the committee's language and numbering (FORMAT.md part 2) ---------------------
    Case("unknown-language", sub("nufa.yaml", "sekretariat:", "språk: nnn\nsekretariat:"),
         [Expect("nufa.yaml", "språk: nnn", "unknown-language", col=8, hint="did you mean 'nn'?")]),
    Case("catalogue-incomplete",
         lambda files: files.update({"nufa.yaml": files["nufa.yaml"] + "maler: maler\nspråk: se\n",
                                     "maler/lang/se.yaml": "språkkode: se-NO\nsted: Báiki\n"}),
         [Expect("maler/lang/se.yaml", 1, "catalogue-incomplete", hint="templates/lang/nb.yaml")]),
    Case("text-field",
         lambda files: files.update(
             {"nufa.yaml": files["nufa.yaml"] + 'tekster:\n  møte_i: "Møte i {utvalget}"\n'}),
         [Expect("nufa.yaml", "møte_i:", "text-field", W, col=11, hint="{kortnavn}")]),
    # tekster is read as its own document (model/committee.py): located as any other key
    Case("unknown-key-in-tekster",
         lambda files: files.update(
             {"nufa.yaml": files["nufa.yaml"] + 'tekster:\n  mote_i: "Møte i {kortnavn}"\n'}),
         [Expect("nufa.yaml", "mote_i:", "unknown-key", col=3, hint="did you mean 'møte_i'?")]),
    Case("wrong-type-in-tekster",
         lambda files: files.update(
             {"nufa.yaml": files["nufa.yaml"] + "tekster:\n  møte_i: [Møte]\n"}),
         [Expect("nufa.yaml", "møte_i:", "wrong-type", col=11)]),
    Case("wrong-type-tekster",
         lambda files: files.update({"nufa.yaml": files["nufa.yaml"] + "tekster: [møte_i]\n"}),
         [Expect("nufa.yaml", "tekster:", "wrong-type", col=10)]),
    Case("numbering-format",
         lambda files: files.update(
             {"nufa.yaml": files["nufa.yaml"] + 'nummerering:\n  format: "{m}/{yy}"\n'}),
         [Expect("nufa.yaml", "format:", "numbering-format", col=11)]),
    Case("first-sak-duplicate", sub(AGENDA2, "sted:", "første_sak: [4/24, 4/24]\nsted:"),
         [Expect(AGENDA2, 1, "first-sak-duplicate", col=20)]),
    Case("meeting-number-derived",
         put(ONE_DAY, ONE_DAY_2025[ONE_DAY].replace("sak: 1/25", "sak: 2/25")),
         [Expect(ONE_DAY, "sak: 2/25", "meeting-number-derived", W, hint="møte: N/25")]),
    Case("sak-serie", board(sub(AGENDA2, "tittel: Godkjenning av innkalling, type: Vedtakssak",
                                "tittel: Godkjenning av innkalling, type: Orienteringssak")),
         [Expect(AGENDA2, "V-sak 1", "sak-serie", hint="O-sak 1")]),
    Case("sak-meeting-missing",
         board(sub(BOARD_NOTE, "type: Orienteringssak\n",
                   "type: Orienteringssak\ntidligere_behandlinger:\n  - {utvalg: US, sak: V-sak 1}\n")),
         [Expect(BOARD_NOTE, "V-sak 1", "sak-meeting-missing", hint="{møte: YYYY-MM-DD")]),
    # -- referat --------------------------------------------------------------------------
    Case("referat-unknown-sak", put(REFERAT1, REFERAT1_MD + "\n## 9/24\n\n### Vedtak\n\nIngen.\n"),
         [Expect(REFERAT1, "## 9/24", "referat-unknown-sak")]),
    Case("referat-heading", put(REFERAT1, REFERAT1_MD + "\n## Diverse\n\nNoe.\n"),
         [Expect(REFERAT1, "## Diverse", "referat-heading")]),
    Case("referat-duplicate", put(REFERAT1, REFERAT1_MD + "\n## 3/24\n\n### Vedtak\n\nIgjen.\n"),
         [Expect(REFERAT1, lines(REFERAT1_MD) + 2, "referat-duplicate")]),
    Case("referat-duplicate-vedtak", sub(REFERAT1, "NUFA tar saken til orientering.\n",
                                         "NUFA tar saken til orientering.\n\n### vedtak\n\nIgjen.\n"),
         [Expect(REFERAT1, "### vedtak", "referat-duplicate")]),
    # -- the protokoll: front matter against the agenda and who was there ----------------
    Case("referat-unknown-sak-inhabil", front("inhabil:\n  - {medlem: ola-josendal, saker: [9/24]}\n"),
         [Expect(REFERAT1, "saker: [9/24]", "referat-unknown-sak", col=36, hint="'3/24'")]),
    Case("invalid-sak-number-fra-sak",
         sub(REFERAT1, "  - jon-gupta\n", "  - jon-gupta\n  - {medlem: ola-josendal, fra_sak: x}\n"),
         [Expect(REFERAT1, "fra_sak: x", "invalid-value", col=37)]),
    Case("fravær-two-spans",
         sub(REFERAT1, "  - jon-gupta\n",
             "  - jon-gupta\n  - {medlem: ola-josendal, fra_sak: 2/24, dager: [1]}\n"),
         [Expect(REFERAT1, "fra_sak: 2/24", "invalid-value", col=5)]),
    Case("unknown-member-møteleder", front("møteleder: hans-lowe-larsn\n"),
         [Expect(REFERAT1, "møteleder:", "unknown-member", col=12, hint="'hans-lowe-larsen'")]),
    Case("unknown-member-underskriver",
         front("godkjenning:\n  måte: elektronisk\n  underskrivere: [hans-lowe-larsen, jim-yang]\n"),
         [Expect(REFERAT1, "underskrivere:", "unknown-member", col=37, hint="'jim-j-yang'")]),
    Case("substitute-for-present-sak",
         sub(REFERAT1, "stedfortredere:\n",
             "stedfortredere:\n  - {navn: Kari Nordmann, for: hans-lowe-larsen, saker: [3/24]}\n"),
         [Expect(REFERAT1, "Kari Nordmann", "substitute-for-present", col=32)]),
    Case("inhabil-absent",
         lambda files: [sub(REFERAT1, "  - jon-gupta\n",
                            "  - jon-gupta\n  - {medlem: ola-josendal, saker: [2/24]}\n")(files),
                        front("inhabil:\n  - {medlem: ola-josendal, saker: [2/24]}\n")(files)],
         [Expect(REFERAT1, "inhabil:", "inhabil-absent", col=36, below=1)]),
    Case("vote-count", front("voteringer:\n  - {sak: 2/24, for: 4, mot: 2}\n"),
         [Expect(REFERAT1, "{sak: 2/24", "vote-count", col=5)]),
    Case("vote-absent", front("voteringer:\n  - {sak: 3/24, for: 3, mot: [sissel-skarsgard]}\n"),
         [Expect(REFERAT1, "{sak: 3/24", "vote-absent", col=31)]),
    Case("vote-twice", front("voteringer:\n  - {sak: 2/24, for: [hans-lowe-larsen, jim-j-yang, "
                             "ola-josendal], mot: [hans-lowe-larsen]}\n"),
         [Expect(REFERAT1, "{sak: 2/24", "vote-twice", col=74)]),
    Case("vote-count-alternativer", front("voteringer:\n  - {sak: 2/24, alternativer: [{forslag: a, "
                                          "for: 4}, {forslag: b, for: 2}]}\n"),
         [Expect(REFERAT1, "{sak: 2/24", "vote-count", col=5)]),
    Case("vote-absent-alternativer",
         front("voteringer:\n  - {sak: 3/24, alternativer: [{forslag: a, for: 2}, "
               "{forslag: b, for: [sissel-skarsgard]}]}\n"),
         [Expect(REFERAT1, "{sak: 3/24", "vote-absent", col=73)]),
    Case("vote-absent-under-sak",
         lambda files: [sub(REFERAT1, "  - jon-gupta\n",
                            "  - jon-gupta\n  - {medlem: ola-josendal, under_sak: 2/24}\n")(files),
                        front("voteringer:\n  - {sak: 2/24, for: [ola-josendal], mot: 3}\n")(files)],
         [Expect(REFERAT1, "for: [ola-josendal]", "vote-absent", col=23, hint="fravær")]),
    Case("vote-twice-alternativer",
         front("voteringer:\n  - {sak: 2/24, alternativer: [{forslag: a, for: [jim-j-yang]}, "
               "{forslag: b, for: [hans-lowe-larsen, jim-j-yang]}]}\n"),
         [Expect(REFERAT1, "{sak: 2/24", "vote-twice", col=102)]),
    Case("vote-alternativer-with-counts",
         front("voteringer:\n  - {sak: 2/24, mot: 1, alternativer: [{forslag: a, for: 2}, "
               "{forslag: b, for: 1}]}\n"),
         [Expect(REFERAT1, "{sak: 2/24", "invalid-value", col=5)]),
    Case("referat-unknown-sak-under-sak",
         sub(REFERAT1, "  - jon-gupta\n", "  - jon-gupta\n  - {medlem: ola-josendal, under_sak: 9/24}\n"),
         [Expect(REFERAT1, "under_sak: 9/24", "referat-unknown-sak", col=39)]),
    Case("referat-duplicate-innstilling",
         sub(REFERAT1, "NUFA tar saken til orientering.\n",
             "NUFA tar saken til orientering.\n\n### Innstilling\n\nTil styret.\n"),
         [Expect(REFERAT1, "### Innstilling", "referat-duplicate")]),
    Case("vote-enstemmig-with-counts", front("voteringer:\n  - {sak: 2/24, enstemmig: true, for: 3}\n"),
         [Expect(REFERAT1, "{sak: 2/24", "invalid-value", col=5)]),
    Case("invalid-value-vote", front("voteringer:\n  - {sak: 2/24, for: -1, mot: 0}\n"),
         [Expect(REFERAT1, "{sak: 2/24", "invalid-value", col=22)]),
    Case("quorum", front("voteringer:\n  - {sak: 2/24, for: 1, mot: 1}\n"),
         [Expect(REFERAT1, "{sak: 2/24", "quorum", W, col=5, hint="not valid")]),
    Case("vedtak-missing", sub(REFERAT1, "### Vedtak\n\nNUFA tar eventuelt til orientering.\n", ""),
         [Expect(REFERAT1, "## 3/24", "vedtak-missing")]),
    Case("vedtak-missing-quoted-earlier",
         sub(REFERAT1, "### Vedtak\n\nNUFA tar saken til orientering.\n", ""),
         [Expect(REFERAT1, "## 2/24", "vedtak-missing"),
          Expect(TOPPNOTAT, "sak: 2/24}", "vedtak-missing", W)]),
    Case("unknown-member", sub(REFERAT1, "{medlem: sissel-skarsgard", "{medlem: sissel-skarsgaard"),
         [Expect(REFERAT1, "sissel-skarsgaard", "unknown-member",
                 hint="did you mean 'sissel-skarsgard'?")]),
    Case("unknown-member-not-yet",
         sub(REFERAT1, "  - jon-gupta\n", "  - jon-gupta\n  - micaela-thierley\n"),
         [Expect(REFERAT1, "micaela-thierley", "unknown-member",
                 hint="not a member on 2024-01-24")]),
    Case("unknown-member-stand-in", sub(REFERAT1, "for: jon-gupta}", "for: jon-gupto}"),
         [Expect(REFERAT1, "for: jon-gupto", "unknown-member", hint="'jon-gupta'")]),
    Case("substitute-for-present", sub(REFERAT1, "for: jon-gupta}", "for: hans-lowe-larsen}"),
         [Expect(REFERAT1, "for: hans-lowe-larsen", "substitute-for-present")]),
    Case("substitute-for-present-day",
         sub(REFERAT1, STAND_IN,
             STAND_IN + "  - {navn: Kari Nordmann, virksomhet: KS, for: sissel-skarsgard}\n"),
         [Expect(REFERAT1, "Kari Nordmann", "substitute-for-present")]),
    # the days of a member listed twice are joined, as the referat prints them: the stand-in
    # for both days is right, the second entry is the error
    Case("fravær-duplicate",
         sub(REFERAT1, "  - {medlem: sissel-skarsgard, dager: [2]}\nstedfortredere:\n",
             "  - {medlem: sissel-skarsgard, dager: [2]}\n  - {medlem: sissel-skarsgard, dager: [1]}\n"
             "stedfortredere:\n  - {navn: Kari Nordmann, virksomhet: KS, for: sissel-skarsgard}\n"),
         [Expect(REFERAT1, "dager: [1]}", "fravær-duplicate")]),
    Case("invalid-day", sub(REFERAT1, "dager: [2]", "dager: [3]"),
         [Expect(REFERAT1, "dager: [3]", "invalid-day")]),
    Case("duplicate-member", sub("medlemmer.yaml", "  - navn: Jim J. Yang\n",
                                 "  - navn: Jim J. Yang\n    id: jon-gupta\n"),
         [Expect("medlemmer.yaml", "Jim J. Yang", "duplicate-member")]),
    Case("unknown-sak", sub(TOPPNOTAT, "sak: 2/24}", "sak: 9/24}"),
         [Expect(TOPPNOTAT, "sak: 9/24}", "unknown-sak")]),
    Case("earlier-sak-without-text",
         sub(TOPPNOTAT, "sak: 3/23, tittel: Revidert mandat, vedtak: NUFA tar saken til "
             "orientering}", "sak: 3/23}"),
         [Expect(TOPPNOTAT, "sak: 3/23}", "missing-field")]),
    # -- skjermet -------------------------------------------------------------------------
    Case("skjermet-empty", sub(AGENDA2, "tittel: Helse i nord\n",
                               "tittel: Helse i nord\n        skjermet:\n"),
         [Expect(AGENDA2, "skjermet:", "skjermet-empty", hint="offl. § 14")]),
    Case("skjermet-blank-vedlegg", sub(AGENDA2, "tittel: Plan for Helse i nord",
                                       'tittel: Plan for Helse i nord\n            skjermet: " "'),
         [Expect(AGENDA2, "skjermet:", "skjermet-empty")]),
    Case("skjermet-basis", sub(TOPPNOTAT, "saksbehandler: Bjørnar Hafell",
                               "saksbehandler: Bjørnar Hafell\nskjermet: taushetsplikt"),
         [Expect(TOPPNOTAT, "skjermet:", "skjermet-basis", W, hint="offl. § 14")]),
    Case("skjermet-basis-vedlegg", sub(AGENDA2, "tittel: Nasjonal e-helseportefølje",
                                       "tittel: Nasjonal e-helseportefølje\n"
                                       "            skjermet: intern"),
         [Expect(AGENDA2, "skjermet: intern", "skjermet-basis", W)]),
    Case("skjermet-paragraph", sub(AGENDA2, "tittel: Helse i nord\n",
                                   "tittel: Helse i nord\n        skjermet: fvl. § 13\n"),
         [Expect(AGENDA2, "skjermet: fvl", "skjermet-paragraph", W, hint="offl. § 14")]),
    Case("skjermet-paragraph-outside-13-26",
         sub(TOPPNOTAT, "saksbehandler: Bjørnar Hafell",
             "saksbehandler: Bjørnar Hafell\nskjermet: offl. § 5 tredje ledd"),
         [Expect(TOPPNOTAT, "skjermet:", "skjermet-paragraph", W)]),
    Case("skjermet-jf", sub(TOPPNOTAT, "saksbehandler: Bjørnar Hafell",
                            "saksbehandler: Bjørnar Hafell\nskjermet: offl. § 13"),
         [Expect(TOPPNOTAT, "skjermet:", "skjermet-jf", W, hint="jf. fvl. § 13")]),
    Case("skjermet-jf-vedlegg", sub(AGENDA2, "tittel: Plan for Helse i nord",
                                    "tittel: Plan for Helse i nord\n"
                                    "            skjermet: offl. §§ 13 og 14"),
         [Expect(AGENDA2, "skjermet: offl", "skjermet-jf", W)]),
    Case("offentlig-tittel-open",
         sub(AGENDA2, "tittel: Helse i nord\n",
             "tittel: Helse i nord\n        offentlig_tittel: Helse i ******\n"),
         [Expect(AGENDA2, "offentlig_tittel:", "offentlig-tittel-open", col=9)]),
    Case("offentlig-tittel-open-toppnotat",
         sub(TOPPNOTAT, "saksbehandler: Bjørnar Hafell",
             "saksbehandler: Bjørnar Hafell\noffentlig_tittel: Digitalisering av ******"),
         [Expect(TOPPNOTAT, "offentlig_tittel:", "offentlig-tittel-open", col=1,
                 hint="skjermet: offl.")]),
    Case("offentlig-tittel-open-vedlegg",
         sub(AGENDA2, "tittel: Plan for Helse i nord",
             "tittel: Plan for Helse i nord\n            offentlig_tittel: Plan for ******"),
         [Expect(AGENDA2, "offentlig_tittel:", "offentlig-tittel-open")]),
    # -- Markdown bodies ------------------------------------------------------------------
    Case("footnote-undefined", sub(TOPPNOTAT, "tilbake til NUFA.", "tilbake til NUFA.[^mangler]"),
         [Expect(TOPPNOTAT, "[^mangler]", "footnote-undefined")]),
    Case("footnote-undefined-in-long-paragraph",
         sub(TOPPNOTAT, "Saken gir en orientering om prosessen.[^ssb]",
             "Saken gir en orientering\nom prosessen.[^ssb]\nSe også[^ny]."),
         [Expect(TOPPNOTAT, "[^ny]", "footnote-undefined")]),
    Case("footnote-undefined-referat", sub(REFERAT1, "under eventuelt.", "under eventuelt.[^x]"),
         [Expect(REFERAT1, "[^x]", "footnote-undefined")]),
    Case("footnote-unused", put(TOPPNOTAT, TOPPNOTAT_MD + "[^ubrukt]: Aldri brukt.\n"),
         [Expect(TOPPNOTAT, "[^ubrukt]", "footnote-unused", W)]),
    Case("heading-empty", sub(TOPPNOTAT, "tilbake til NUFA.", "tilbake til NUFA.\n\n#####\n"),
         [Expect(TOPPNOTAT, "#####", "heading-empty")]),
    Case("image-missing", sub(TOPPNOTAT, "tilbake til NUFA.", "tilbake til NUFA.\n\n![Figur 1](figur.png)"),
         [Expect(TOPPNOTAT, "![Figur 1]", "image")]),
    Case("image-address", sub(TOPPNOTAT, "tilbake til NUFA.",
                              "tilbake til NUFA.\n\n![Logo](https://example.org/logo.png)"),
         [Expect(TOPPNOTAT, "![Logo]", "image")]),
    Case("image-outside", sub(TOPPNOTAT, "tilbake til NUFA.",
                              "tilbake til NUFA.\n\n![Hemmelig](../../../outside.png)"),
         [Expect(TOPPNOTAT, "![Hemmelig]", "image")]),
    Case("image-type", sub(TOPPNOTAT, "tilbake til NUFA.",
                           "tilbake til NUFA.\n\n![Tabell](vedlegg/tabell.xlsx)"),
         [Expect(TOPPNOTAT, "![Tabell]", "image")]),
    Case("unprintable-in-body", sub(TOPPNOTAT, "tilbake til NUFA.", "tilbake til NUFA. 🙂"),
         [Expect(TOPPNOTAT, "🙂", "unprintable")]),
    Case("unprintable-in-agenda", sub(AGENDA2, "tittel: Middag", "tittel: Middag 🍽"),
         [Expect(AGENDA2, "🍽", "unprintable")]),
    Case("section-missing", sub(TOPPNOTAT, "## Hensikt med saken", "## Formål"),
         [Expect(TOPPNOTAT, body_line(TOPPNOTAT_MD), "section-missing", W,
                 hint="## Hensikt med saken")]),
    # -- what the build would refuse, refused by check first (tests/test_attack.py has more)
    Case("vedlegg-pdf", put(PLAN, b"%PDF-1.4 broken"),
         [Expect(AGENDA2, "fil: vedlegg/plan.pdf", "vedlegg-pdf", col=18)]),
    Case("maler-file", edits(sub("nufa.yaml", "sakstyper:", "maler: maler/\nsakstyper:"),
                            put("maler/reference.docx", b"not a zip")),
         [Expect("maler/reference.docx", 0, "maler-file")]),
    Case("unprintable-control", sub(AGENDA2, "tittel: Middag", 'tittel: "Middag\\e[2J"'),
         [Expect(AGENDA2, "Middag\\e", "unprintable", col=17)]),
    Case("markdown-limit-capitals", sub(TOPPNOTAT, "tilbake til NUFA.",
                                        "tilbake til NUFA.\n\n" + "Ola og Kari " * 260),
         [Expect(TOPPNOTAT, "Ola og Kari", "markdown-limit")]),
    Case("markdown-limit-capitals-in-tekst", sub(AGENDA2, "status: utkast\n", "status: utkast\n"
                                                 "innkalling:\n  tekst: " + "Ola og Kari " * 260 + "\n"),
         [Expect(AGENDA2, "  tekst: Ola", "markdown-limit", col=10)]),
    Case("invalid-value-long-forslag", sub(AGENDA2, "forslag_til_vedtak: NUFA godkjenner innkalling, "
                                           "dagsorden og referatet fra januar.",
                                           "forslag_til_vedtak: |\n" + "          NUFA godkjenner.\n" * 1200),
         [Expect(AGENDA2, "forslag_til_vedtak: |", "invalid-value", col=29)]),
    Case("invalid-value-long-sted", sub(AGENDA2, "sted: Scandic Ishavshotel, Tromsø",
                                        "sted: " + "hotellet ved havna " * 60),
         [Expect(AGENDA2, "sted: hotellet", "invalid-value", col=7)]),
    Case("word-too-long", sub(TOPPNOTAT, "tilbake til NUFA.", "tilbake til NUFA.\n\nSe " + "x" * 2001),
         [Expect(TOPPNOTAT, "Se xxx", "word-too-long", col=4)]),
    Case("maler-file-invalid-xml", edits(sub("nufa.yaml", "sakstyper:", "maler: maler/\nsakstyper:"),
                                        put("maler/reference.docx", broken_styles_docx())),
         [Expect("maler/reference.docx", 0, "maler-file")]),
    Case("line-too-long", sub(AGENDA2, "sted: Scandic Ishavshotel, Tromsø", "sted: " + "x" * 400_000),
         [Expect(AGENDA2, 1, "line-too-long", col=20_001)]),
    Case("footnote-duplicate", sub(TOPPNOTAT, "[^tall]: Tall fra fylkeskommunene.\n",
                                   "[^tall]: Tall fra fylkeskommunene.\n[^tall]: Igjen.\n"),
         [Expect(TOPPNOTAT, "[^tall]: Igjen.", "footnote-duplicate")]),
    Case("id-duplicate", sub(TOPPNOTAT, "## Videre saksprosess", "## Videre {#v}\n\n## Mer {#v}"),
         [Expect(TOPPNOTAT, "## Mer {#v}", "id-duplicate")]),
    Case("raw-html", sub(TOPPNOTAT, "tilbake til NUFA.", "tilbake til NUFA.\n\n<div>x</div>"),
         [Expect(TOPPNOTAT, "<div>x</div>", "raw-html")]),
    Case("image-alt", edits(put(f"{M2}/figur.png", b"\x89PNG\r\n\x1a\n"),
                           sub(TOPPNOTAT, "tilbake til NUFA.", "tilbake til NUFA.\n\n![](figur.png)")),
         [Expect(TOPPNOTAT, "![](figur.png)", "image-alt")]),
    Case("image-alt-in-forslag", sub(AGENDA2, "forslag_til_vedtak: NUFA godkjenner innkalling, "
                                     "dagsorden og referatet fra januar.",
                                     "forslag_til_vedtak: \"![](figur.png) NUFA godkjenner\""),
         [Expect(AGENDA2, "![](figur.png)", "image-alt", col=29),
          Expect(AGENDA2, "![](figur.png)", "image", col=29)]),
    # the Markdown fields main's schema added: refused in them as in beskrivelse
    Case("link-scheme-in-innkalling-tekst", sub(AGENDA2, "status: utkast\n",
                                                "status: utkast\ninnkalling:\n  tekst: "
                                                "\"Se [her](javascript:alert(1)).\"\n"),
         [Expect(AGENDA2, "tekst:", "link-scheme", col=10)]),
    Case("raw-html-in-tidligere-behandlinger-tekst", sub(
        TOPPNOTAT, "tidligere_behandlinger:\n",
        "tidligere_behandlinger_tekst: \"<div>x</div>\"\ntidligere_behandlinger:\n"),
         [Expect(TOPPNOTAT, "tidligere_behandlinger_tekst:", "raw-html", col=31)]),
    Case("source-symlink-image", edits(put(f"{M2}/figur.png", Symlink("../../outside.pdf")),
                                      sub(TOPPNOTAT, "tilbake til NUFA.",
                                          "tilbake til NUFA.\n\n![Figur](figur.png)")),
         [Expect(TOPPNOTAT, "![Figur](figur.png)", "source-symlink")]),
    Case("heading-empty-attributes", sub(TOPPNOTAT, "tilbake til NUFA.", "tilbake til NUFA.\n\n# {#x}"),
         [Expect(TOPPNOTAT, "# {#x}", "heading-empty")]),
    Case("heading-level", sub(TOPPNOTAT, "tilbake til NUFA.", "tilbake til NUFA.\n\n- punkt\n\n  #### Dyp"),
         [Expect(TOPPNOTAT, "#### Dyp", "heading-level")]),
    Case("markdown-limit-nesting", sub(TOPPNOTAT, "tilbake til NUFA.",
                                       "tilbake til NUFA.\n\n" + ">" * 200 + " a"),
         [Expect(TOPPNOTAT, ">>>>", "markdown-limit")]),
    Case("markdown-limit-brackets", sub(TOPPNOTAT, "tilbake til NUFA.",
                                        "tilbake til NUFA.\n\n" + "[a](" * 400),
         [Expect(TOPPNOTAT, "[a]([a](", "markdown-limit")]),
    Case("font-unknown", sub("nufa.yaml", "sakstyper:", "font: Comic Sans\nsakstyper:"),
         [Expect("nufa.yaml", "font:", "font-unknown", col=7)]),
    Case("unprintable-in-medlemmer", sub("medlemmer.yaml", "Jim J. Yang", "Jim 🙂 Yang"),
         [Expect("medlemmer.yaml", "🙂", "unprintable", col=11)]),
    Case("unprintable-in-nufa-yaml", sub("nufa.yaml", "sekretariat: Helsedirektoratet",
                                         "sekretariat: 中文"),
         [Expect("nufa.yaml", "中文", "unprintable", col=14)] * 2),
    Case("invalid-date-year", sub(AGENDA2, "dato: 2024-04-25", "dato: 9999-04-25"),
         [Expect(AGENDA2, "9999-04-25", "invalid-value", col=11)]),
    Case("link-scheme", sub(TOPPNOTAT, "tilbake til NUFA.", "tilbake [til](javascript:alert(1)) NUFA."),
         [Expect(TOPPNOTAT, "javascript:", "link-scheme")]),
    Case("wrong-type-varighet-true", sub(AGENDA2, "varighet: 45", "varighet: true"),
         [Expect(AGENDA2, "varighet: true", "wrong-type", col=19)]),
    Case("invalid-value-long-number", sub(AGENDA2, "varighet: 45", "varighet: " + "9" * 4301),
         [Expect(AGENDA2, "varighet: 999", "invalid-value", col=19),
          Expect(AGENDA2, "varighet: 999", "word-too-long", col=19)]),
    # a final meeting: a Beslutning with nothing proposed; a toppnotat as nufa new sak left it
    Case("sak-unwritten", sub(AGENDA1, "Orientering fra Helsedirektoratet\n        type: Orientering",
                              "Orientering fra Helsedirektoratet\n        type: Beslutning"),
         [Expect(AGENDA1, "sak: 2/24", "sak-unwritten", W)]),
    Case("sak-unwritten-toppnotat", edits(
        sub(AGENDA2, "status: utkast", "status: endelig"),
        put(TOPPNOTAT, "---\nsak: 5/24\ntittel: Ny arkivplan\ntype: Beslutning\nsakseier:\n"
                       "saksbehandler:\nbeskrivelse:\nforslag_til_vedtak:\n---\n\n"
                       "## Hensikt med saken\n\n## Bakgrunn\n\n## Videre saksprosess\n")),
         [Expect(TOPPNOTAT, 2, "sak-unwritten", W)]),
]


def test_every_declared_code_has_a_broken_variant() -> None:
    """Each code of core/codes.py is raised by a case above, with its file and line."""
    raised = {e.code for case in CASES for e in case.expect}
    assert sorted(set(codes.REGISTRY) - raised) == []
    assert sorted(raised - set(codes.REGISTRY)) == []


# a code raised with a severity other than its declared default, and where
OTHER_SEVERITY = {
    ("vedtak-missing", W),  # a toppnotat quoting a sak whose referat has no vedtak yet
}


def test_cases_raise_codes_with_their_declared_severity() -> None:
    other = {(e.code, e.severity) for case in CASES for e in case.expect
             if e.severity is not codes.lookup(e.code).severity}
    assert other == OTHER_SEVERITY


def _key(d: Diagnostic) -> tuple[str, int, str, Severity]:
    return (d.path, d.line, d.code, d.severity)


def test_valid_repository_is_clean(valid_root: Path) -> None:
    repo, diagnostics = check(valid_root)
    assert diagnostics == []
    assert [m.number for m in repo.meetings] == ["1/24", "2/24"]


# check asks typst whether it can print a character the fonts lack
TYPST_CASES = {"unprintable-in-body", "unprintable-in-agenda", "unprintable-in-medlemmer",
               "unprintable-in-nufa-yaml"}


@pytest.mark.parametrize("case", [
    pytest.param(case, id=case.id, marks=[pytest.mark.render] if case.id in TYPST_CASES else [])
    for case in CASES])
def test_rule(case: Case, make_repo: Callable[[Files], Path]) -> None:
    files = valid_repo()
    case.edit(files)
    _, diagnostics = check(make_repo(files))
    expected = sorted((e.path, e.line(files), e.code, e.severity) for e in case.expect)
    assert sorted(map(_key, diagnostics)) == expected, "\n".join(d.text() for d in diagnostics)
    for want in case.expect:
        got = next(d for d in diagnostics if _key(d) == (want.path, want.line(files), want.code,
                                                          want.severity))
        if want.col is not None:
            assert got.col == want.col, got.text()
        if want.hint is not None:
            assert want.hint in got.hint, got.text()


# -- variants that must stay clean: the rules' allowances ---------------------------------

ALLOWED = [
    # a programme row (not a sak) after the day's slutt: the valid tree's Middag at 19:00
    pytest.param(sub(AGENDA2, 'tid: "19:00"', 'tid: "23:30"'), id="row-after-slutt"),
    pytest.param(sub(AGENDA2, "sted:", "møte: 2/24\nsted:"), id="meeting-number-agrees"),
    pytest.param(board(), id="board-numbering"),
    # the repo's first meeting of a year may set its number and start its saker anywhere
    pytest.param(sub(AGENDA1, "sted:", "møte: 3/24\nsted:"), id="first-meeting-number"),
    pytest.param(put(AGENDA3, NEXT_MEETING.format(nr="9/24")), id="next-meeting-continues"),
    pytest.param(sub(AGENDA2, NOTE_ROW, NOTE_ROW + "        type: Drøfting\n"),
                 id="field-given-twice-equal"),
    pytest.param(sub(REFERAT1, "status: endelig", "status: utkast"), id="draft-referat"),
    # text before the first sak heading is the meeting's introduction
    pytest.param(sub(REFERAT1, "---\n\n## 1/24", "---\n\nLøs tekst.\n\n## 1/24"), id="introduction"),
    # a sak without a sakstype (NUFA's Eventuelt) needs no vedtak in an endelig referat
    pytest.param(lambda files: [
        sub(AGENDA1, "tittel: Eventuelt\n        type: Orientering\n", "tittel: Eventuelt\n")(files),
        sub(REFERAT1, "### Vedtak\n\nNUFA tar eventuelt til orientering.\n", "")(files)],
        id="eventuelt-without-type-or-vedtak"),
    pytest.param(front(PROTOKOLL), id="every-protokoll-key"),
    pytest.param(put(AGENDA2, "\ufeff" + AGENDA2_YAML.replace("\n", "\r\n")), id="bom-and-crlf"),
    pytest.param(sub(AGENDA2, 'tid: "14:25"', "tid: 14:25"), id="unquoted-time"),
    pytest.param(sub(AGENDA2, "tittel: Helse i nord\n",
                     "tittel: Helse i nord\n        skjermet: offl. § 14\n"), id="skjermet-sak"),
    pytest.param(sub(TOPPNOTAT, "saksbehandler: Bjørnar Hafell",
                     "saksbehandler: Bjørnar Hafell\nskjermet: offl. § 13 jf. fvl. § 13"),
                 id="skjermet-toppnotat"),
    pytest.param(sub(AGENDA2, "tittel: Helse i nord\n",
                     "tittel: Helse i nord\n        skjermet: offl. § 13, jf. hpl. § 21\n"
                     "        offentlig_tittel: Helse i ******\n"), id="offentlig-tittel-sak"),
    pytest.param(sub(AGENDA2, "tittel: Helse i nord\n",
                     "tittel: Helse i nord\n        skjermet: offentleglova § 24 andre ledd\n"),
                 id="skjermet-offentleglova-spelt-out"),
    # a vedlegg of a skjermet sak is withheld with it: its public title needs no skjermet of its own
    pytest.param(sub(AGENDA2, "tittel: Plan for Helse i nord",
                     "tittel: Plan for Helse i nord\n            offentlig_tittel: Plan for ******\n"
                     "        skjermet: offl. § 14"), id="offentlig-tittel-vedlegg-of-skjermet-sak"),
    # symbols Carlito lacks but typst prints from the fonts it embeds
    pytest.param(sub(TOPPNOTAT, "tilbake til NUFA.", "tilbake til NUFA. ✓ ★ → ≥ € §"),
                 id="symbols-typst-can-print", marks=pytest.mark.render),  # asks typst
    # a final meeting whose saker are written: an Orientering needs no forslag til vedtak
    pytest.param(sub(AGENDA2, "status: utkast", "status: endelig"), id="final-and-written"),
    # a draft meeting may hold a Beslutning not written yet
    pytest.param(edits(sub(TOPPNOTAT, "type: Drøfting", "type: Beslutning"),
                       sub(TOPPNOTAT, "forslag_til_vedtak: |\n  NUFA drøftet saken og ga innspill.\n",
                           "")), id="draft-beslutning"),
]


@pytest.mark.parametrize("edit", ALLOWED)
def test_allowed_variant_is_clean(edit: Edit, make_repo: Callable[[Files], Path]) -> None:
    files = valid_repo()
    edit(files)
    _, diagnostics = check(make_repo(files))
    assert diagnostics == [], "\n".join(d.text() for d in diagnostics)


def test_draft_referat_needs_no_vedtak(make_repo: Callable[[Files], Path]) -> None:
    files = valid_repo()
    sub(REFERAT1, "status: endelig", "status: utkast")(files)
    sub(REFERAT1, "### Vedtak\n\nNUFA tar eventuelt til orientering.\n", "")(files)
    _, diagnostics = check(make_repo(files))
    assert diagnostics == []


def test_time_derivation(valid_root: Path) -> None:
    """varighet carries times forward; a sak with innslag takes its first part's time."""
    repo, _ = check(valid_root)
    times = {str(s.nr): s.tid.strftime("%H:%M") for s in repo.meetings[1].saker if s.tid}
    assert times == {"4/24": "11:00", "5/24": "11:10", "6/24": "12:10", "7/24": "09:05",
                     "8/24": "14:25"}


def test_broken_registry_gives_one_error(make_repo: Callable[[Files], Path]) -> None:
    """A broken medlemmer.yaml is one error, not one per member named in a referat."""
    files = valid_repo()
    sub("medlemmer.yaml", "medlemmer:\n", "medlemmer:\n  - Ola\n")(files)
    _, diagnostics = check(make_repo(files))
    assert [_key(d) for d in diagnostics] == [("medlemmer.yaml", 2, "wrong-type", E)]


def test_missing_registry_gives_one_error(make_repo: Callable[[Files], Path]) -> None:
    files = valid_repo()
    drop("medlemmer.yaml")(files)
    _, diagnostics = check(make_repo(files))
    assert [_key(d) for d in diagnostics] == [("medlemmer.yaml", 0, "file-missing", E)]


@pytest.mark.parametrize("value", [r'"vedlegg/a\0b.pdf"', "a" * 300, "/".join(["a" * 200] * 30)],
                         ids=["nul-byte", "long-name", "long-path"])
def test_unusable_file_name_is_a_diagnostic(value: str, make_repo: Callable[[Files], Path]) -> None:
    files = valid_repo()
    sub(AGENDA2, "fil: vedlegg/plan.pdf", f"fil: {value}")(files)
    _, diagnostics = check(make_repo(files))
    line = line_of(AGENDA2_YAML, "fil: vedlegg/plan.pdf")
    assert sorted((d.line, d.code) for d in diagnostics) == sorted([(line, "vedlegg-path")] + (
        [(line, "word-too-long")] if len(value) > 2000 else []) + (
        [(line, "unprintable")] if "\\0" in value else []))  # NUL: a control character


def test_date_must_be_written_as_a_date(make_repo: Callable[[Files], Path]) -> None:
    files = valid_repo()
    sub(AGENDA2, "dato: 2024-04-25", "dato: 0")(files)
    _, diagnostics = check(make_repo(files))
    assert [d.message for d in diagnostics] == [
        "dager[1].dato: expected a date YYYY-MM-DD (got 0)"]


@pytest.mark.parametrize("edit", [
    sub(AGENDA2, '      - tid: "09:00"\n        tittel: Velkommen til dag 2\n', ""),
    sub(AGENDA2, "tittel: Velkommen til dag 2\n", "tittel: Velkommen til dag 2\n        varighet: 3\n"),
], ids=["first-row-of-day", "after-row-with-varighet"])
def test_sak_with_innslag_takes_the_time_of_its_first_part(
        edit: Edit, make_repo: Callable[[Files], Path]) -> None:
    files = valid_repo()
    edit(files)
    repo, diagnostics = check(make_repo(files))
    assert diagnostics == [], "\n".join(d.text() for d in diagnostics)
    sak = repo.meetings[1].saker[3]
    assert (str(sak.nr), sak.tid and sak.tid.strftime("%H:%M")) == ("7/24", "09:05")


def test_referat_keeps_the_text_after_vedtak(make_repo: Callable[[Files], Path]) -> None:
    files = valid_repo()
    sub(REFERAT1, "NUFA tar saken til orientering.\n",
        "NUFA tar saken til orientering.\n\n### Innspill\n\n- Mer data\n")(files)
    repo, diagnostics = check(make_repo(files))
    referat = repo.meetings[0].referat
    assert diagnostics == [] and referat is not None
    section = referat.sections[SakNr.parse("2/24")]
    assert section.minutes == ("Mariann Hornnes, Helsedirektoratet, orienterte NUFA om aktuelle "
                               "saker.\n\n- Noen høydepunkter fra 2023\n\n### Innspill\n\n- Mer data")
    assert section.vedtak == "NUFA tar saken til orientering."


def test_image_file_names_need_no_escaping(make_repo: Callable[[Files], Path]) -> None:
    """markdown-it percent-encodes an image's path; check looks for the file as written."""
    files = valid_repo()
    files[f"{M2}/vedlegg/figur-ø.png"] = b"\x89PNG\r\n\x1a\n"
    files[f"{M2}/vedlegg/my pic.png"] = b"\x89PNG\r\n\x1a\n"
    sub(TOPPNOTAT, "tilbake til NUFA.", "tilbake til NUFA.\n\n![Figur ø](vedlegg/figur-ø.png)\n\n"
        "![Mitt bilde](<vedlegg/my pic.png>)")(files)
    _, diagnostics = check(make_repo(files))
    assert diagnostics == [], "\n".join(d.text() for d in diagnostics)
