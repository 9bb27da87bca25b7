"""The registry of diagnostic codes: every code nufa reports is declared here, once.

A declaration gives the code's default severity, a title, what it means with an example
that raises it, the fix, and whether an edit command (nufa new, nufa renumber, nufa
referat) may go on past it. `nufa explain` and docs/diagnostics.md are printed from it;
Diagnostic refuses a code that is not declared here, so no code can be raised, tested or
matched on without its declaration.

Like ruff's rule registry, the declarations are a table: the module is long because the
table is, not because of logic.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from enum import Enum, StrEnum

from nufa_cli.core.suggest import did_you_mean

WIDTH = 88  # explanations are wrapped here, whatever the terminal: the output is the same everywhere


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Edit(Enum):
    """What the edit commands may do while the sources have this error.

    nufa new, nufa renumber and nufa referat compute sak numbers and references from the
    loaded repository, so an error that keeps a file out of it would make them write wrong
    numbers. Warnings never hold them back.
    """

    PROCEED = "proceed"  # the loaded repository is whole despite it
    REFUSE = "refuse"  # a file or toppnotat is missing from it
    REFUSE_IF_DROPPED = "refuse-if-dropped"  # a schema error: missing when it kept its file out
    RENUMBER = "renumber"  # sak numbers out of order, which nufa renumber repairs

    def allows(self, *, dropped: bool, renumbering: bool) -> bool:
        """May an edit go on past an error of this kind? `dropped`: the file the error is in
        did not load; `renumbering`: the edit is nufa renumber."""
        if self is Edit.REFUSE:
            return False
        if self is Edit.REFUSE_IF_DROPPED:
            return not dropped
        if self is Edit.RENUMBER:
            return renumbering
        return True

    @property
    def effect(self) -> str:
        return _EFFECTS[self]


_EDITS = "nufa new, nufa renumber and nufa referat"
_EFFECTS = {
    Edit.PROCEED: f"{_EDITS} go ahead despite it.",
    Edit.REFUSE: f"{_EDITS} refuse to run until it is fixed: what it concerns is missing from "
                 "what they read, so the numbers and references they write would be wrong.",
    Edit.REFUSE_IF_DROPPED: f"{_EDITS} refuse to run while it keeps its file from loading; "
                            "raised on a file that loaded, it does not hold them back.",
    Edit.RENUMBER: "nufa renumber runs and repairs it; nufa new and nufa referat refuse until "
                   "the numbers are in order.",
}


@dataclass(frozen=True)
class Code:
    code: str  # as printed in error[code]: never renamed, CI scripts match on it
    title: str
    explanation: str
    example: str  # source text that raises it
    fix: str
    file: str = ""  # the file the example is from; empty when the example is not source text
    severity: Severity = Severity.ERROR  # the default: a rule may raise the code as a warning
    edit: Edit = Edit.PROCEED

    def describe(self, level: int = 1) -> str:
        """Title, severity, explanation, example and fix as Markdown, headings from `level`."""
        head, section = "#" * level, "#" * (level + 1)
        language = "markdown" if self.file.endswith(".md") else "yaml" if self.file else "text"
        where = f"In `{self.file}`:\n\n" if self.file else ""
        return "\n".join([
            f"{head} {self.code}", "", self.title + ".", "",
            f"Severity: {self.severity}.", "", _wrap(f"Edit commands: {self.edit.effect}"), "",
            f"{section} What it means", "", _wrap(self.explanation), "",
            f"{section} Example", "", f"{where}```{language}\n{self.example.rstrip()}\n```", "",
            f"{section} Fix", "", _wrap(self.fix), "",
        ])


def _wrap(text: str) -> str:
    return "\n\n".join(textwrap.fill(paragraph, WIDTH) for paragraph in text.split("\n\n"))


class UnknownCode(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(f"unknown diagnostic code '{code}'; "
                         + did_you_mean(code, REGISTRY, "nufa explain lists every code"))


def lookup(code: str) -> Code:
    try:
        return REGISTRY[code]
    except KeyError:
        raise UnknownCode(code) from None


def index() -> str:
    """One line per code: code, default severity, title."""
    width = max(len(c.code) for c in CODES)
    lines = [f"{c.code:<{width}}  {c.severity:<7}  {c.title}" for c in CODES]
    return "\n".join([*lines, "", "nufa explain CODE shows what a code means, an example and the fix."])


def reference() -> str:
    """Every code explained: docs/diagnostics.md, and `nufa explain --all`."""
    rows = [f"| [`{c.code}`](#{c.code}) | {c.severity} | {c.title} |" for c in CODES]
    parts = [
        "# Diagnostic codes", "",
        _wrap("Every problem `nufa check` reports carries one of these codes, as in "
              "`error[time-overlap]`. `nufa explain CODE` prints one of them; this page is its "
              "output for all of them (`nufa explain --all`), so it cannot fall behind."), "",
        "| code | default severity | title |", "|---|---|---|", *rows, "",
        *(c.describe(level=2) for c in CODES),
    ]
    return "\n".join(parts)


# Declared in the order nufa meets them: reading a file, its schema, loading the model, the
# rules over the model.
CODES: tuple[Code, ...] = (
    # -- reading a file ------------------------------------------------------------------------
    Code(
        "file-too-large", "A source file is larger than 2 MiB",
        "nufa reads source files of at most 2 MiB. A year's agenda is a few kB, so a larger file "
        "is almost always the wrong file saved under a source's name, such as a scanned PDF. "
        "nufa does not read it.",
        "$ ls -l meetings/2024-04-24/agenda.yaml\n"
        "-rw-r--r-- 1 nufa nufa 20971522 Apr 20 10:00 meetings/2024-04-24/agenda.yaml",
        "Put the right file in place. Attachments belong in the meeting's vedlegg/ folder, named "
        "in a sak's `vedlegg:` list, not in the agenda.",
        edit=Edit.REFUSE),
    Code(
        "unreadable", "A source file cannot be read",
        "The operating system refused to read the file: its permissions forbid it, or the name "
        "belongs to a folder. The message gives the system's reason.",
        "$ ls -ld meetings/2024-01-24/referat.md\n"
        "drwxr-xr-x 2 nufa nufa 4096 Jan 26 09:00 meetings/2024-01-24/referat.md",
        "Make it a readable file: give yourself read permission, or move the folder away and "
        "put the file there.",
        edit=Edit.REFUSE),
    Code(
        "binary-file", "A source file is binary, not text",
        "The file holds NUL bytes, which no text file has: it was saved by a word processor "
        "(a .docx renamed to .md, say) or an attachment was put in place of a source.",
        "$ file meetings/2024-01-24/referat.md\n"
        "meetings/2024-01-24/referat.md: Microsoft Word 2007+",
        "Save the file as plain text (UTF-8). Attachments belong in the meeting's vedlegg/ "
        "folder.",
        edit=Edit.REFUSE),
    Code(
        "encoding", "A source file is not UTF-8",
        "Source files are UTF-8 text. The file holds a byte that is not valid UTF-8, mostly "
        "because an editor saved it as Latin-1 or Windows-1252, where 'æ', 'ø' and 'å' are "
        "single bytes. The position is that of the first such byte.",
        "$ file meetings/2024-01-24/referat.md\n"
        "meetings/2024-01-24/referat.md: ISO-8859 text",
        "Save the file as UTF-8; in most editors: Save As, Encoding UTF-8.",
        edit=Edit.REFUSE),
    Code(
        "line-too-long", "A line of a source file is longer than 20 000 characters",
        "No text of a meeting needs a line this long, and one endless word or line keeps "
        "pandoc and typst busy for minutes; the file is not read.",
        "sted: xxxxxxxx... (400 000 characters)",
        "Break the text into lines or paragraphs.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "word-too-long", "A word of more than 2 000 characters",
        "A run of characters without a space is one word to typst: it lays a longer one out "
        "in time growing with its square, and a PDF/A file holds no text string of more than "
        "32 767 bytes, so a word of some 16 400 characters stops the PDF. No text of a meeting "
        "has such a word; a pasted address or data usually is one.",
        "Se https://example.org/xxxxxxxx... (3 000 characters without a space)",
        "Put spaces in it, or shorten it; give a long address a text of its own: "
        "`[rapporten](https://...)`.",
        file="meetings/2024-04-24/toppnotater/12-24-tannhelse.md"),
    Code(
        "source-symlink", "A source is a symbolic link",
        "nufa reads only files and folders that lie in the repository itself: nufa.yaml, "
        "medlemmer.yaml, meetings/, a meeting folder, its agenda.yaml, referat.md, toppnotater, "
        "vedlegg and images, the committee's templates (maler/) and its language catalogue. A "
        "symbolic link is not read, wherever it points, so nothing from "
        "outside the repository reaches the documents, and every edit is seen by the build.",
        "meetings/2024-04-24/referat.md -> /home/sekretær/utkast/referat.md",
        "Put the file or folder itself in the repository (copy it, or move it in)."),
    Code(
        "yaml-syntax", "The YAML cannot be parsed",
        "The file, or a Markdown file's front matter, is not valid YAML. The common causes: a "
        "text holding ': ' that is not quoted, a tab used for indentation, or a line indented "
        "differently from its neighbours. The hint names the likely one.",
        "sted: Scandic: Tromsø",
        "Quote a text that holds ': ' (`sted: \"Scandic: Tromsø\"`), indent with spaces, and "
        "line up the keys of one mapping.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.REFUSE),
    Code(
        "yaml-alias", "YAML anchors, aliases and merge keys are not supported",
        "YAML lets one value stand for another (`&name` and `*name`) and merge one mapping "
        "into another (`<<:`). nufa does not follow them: the reader of a source should see "
        "every value where it applies, and aliases can expand a small file into an enormous "
        "one.",
        "innslag:\n"
        "  - {tid: \"09:05\", tittel: &t Forskning ved Nasjonalt senter for e-helseforskning}\n"
        "  - {tid: \"10:30\", tittel: *t}",
        "Write the value out where it is needed.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.REFUSE),
    Code(
        "yaml-key", "A YAML key is a list or a mapping",
        "Every key of the source format is a plain word. YAML also allows a list or a mapping "
        "as a key, which nufa cannot match to any key of the format.",
        "[tid, tittel]: \"11:00\"",
        "Write the keys as plain words, one per line, as FORMAT.md shows them.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.REFUSE),
    Code(
        "yaml-comment", "A ' #' inside unquoted text starts a YAML comment",
        "In YAML a space followed by # starts a comment, also inside a value that is not "
        "quoted: the rest of the line is silently dropped. nufa warns when the dropped part "
        "looks like text that was meant to be part of the value.",
        "- tid: \"12:00\"\n  tittel: Lunsj #2",
        "Quote the value to keep it whole: tittel: \"Lunsj #2\".",
        file="meetings/2024-04-24/agenda.yaml", severity=Severity.WARNING),
    Code(
        "duplicate-key", "A key is given twice in one mapping",
        "Most YAML readers keep the last of two equal keys and drop the first without a word. "
        "nufa reports it instead of guessing which one was meant.",
        "sted: Scandic Ishavshotel, Tromsø\nstatus: utkast\nstatus: endelig",
        "Remove one of them.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.REFUSE),
    Code(
        "front-matter", "A toppnotat or referat has no front matter, or it is not closed",
        "A toppnotat and a referat start with front matter: YAML between a line '---' at the "
        "top of the file and a second line '---'. Without it, or without the closing line, "
        "nufa cannot tell the sak's fields from its text.",
        "---\nsak: 12/24\ntittel: Digitalisering av Den offentlige tannhelsetjenesten\n"
        "type: Drøfting\n\n## Hensikt med saken",
        "Start the file with a line '---', the keys, and a line holding only '---' before the "
        "text.",
        file="meetings/2024-04-24/toppnotater/12-24-tannhelse.md", edit=Edit.REFUSE),
    Code(
        "file-missing", "A required file is missing",
        "The member registry medlemmer.yaml is missing, or a folder in meetings/ has no "
        "agenda.yaml. Every meeting folder is a meeting, and every meeting needs its agenda.",
        "$ ls meetings/2024-09-01/\nnotater.txt",
        "Add the file (see FORMAT.md), or remove the folder if it is not a meeting.",
        edit=Edit.REFUSE),
    # -- a file's schema -----------------------------------------------------------------------
    Code(
        "unknown-key", "A key the source format does not know",
        "A misspelt key is reported, never ignored, so a value is not silently lost. The hint "
        "names the closest known key, or lists the keys allowed at that place.",
        "sted: Scandic Ishavshotel, Tromsø\nstatu: utkast",
        "Correct the key's spelling; FORMAT.md lists the keys of every file.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.REFUSE_IF_DROPPED),
    Code(
        "missing-field", "A required key is missing",
        "A key the format requires is not there: an agenda's `sted` or `dager`, a day's "
        "`slutt`. The rules raise it too: a row without `sak:` needs a `tittel:`, a sak needs a "
        "`tittel:` or a `toppnotat:`, and an earlier treatment that is not in this repository "
        "needs its `tittel` and `vedtak`.",
        "status: utkast\ndager:\n  - dato: 2024-04-24\n    start: \"11:00\"\n"
        "    slutt: \"17:00\"",
        "Add the key the message names.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.REFUSE_IF_DROPPED),
    Code(
        "wrong-type", "A value of the wrong kind",
        "The value is text where a list is expected, a list where a text is expected, a "
        "mapping where a number is expected, and so on.",
        "sakstyper: Godkjenning",
        "Write the value as the kind the message names: a list as `[a, b]` or as lines "
        "starting with '- ', a mapping as 'key: value' lines.",
        file="nufa.yaml", edit=Edit.REFUSE_IF_DROPPED),
    Code(
        "invalid-value", "A value that is not allowed",
        "The value has the right kind but not an allowed form: a date that is not in the "
        "calendar or not written YYYY-MM-DD, a time that is not HH:MM, a sak number that is not "
        "N/YY, a status other than utkast or endelig, a membership that ends before it starts.",
        "dager:\n  - dato: 2024-02-30",
        "Write the value as the message and its hint say.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.REFUSE_IF_DROPPED),
    # -- loading the repository ----------------------------------------------------------------
    Code(
        "maler-path", "The maler folder lies outside the repository",
        "nufa.yaml's `maler:` names the committee's own templates. nufa reads them only from a "
        "folder inside the repository (and not the repository itself), so the documents depend "
        "only on what the repository holds.",
        "maler: ../felles-maler/",
        "Move the templates into the repository and name that folder, e.g. `maler: maler/`.",
        file="nufa.yaml"),
    Code(
        "maler-missing", "The maler folder does not exist",
        "nufa.yaml's `maler:` names a folder that is not there, so the committee's templates "
        "would silently be the built-in ones.",
        "maler: maler/",
        "Create the folder, or remove `maler:` to use the built-in templates.",
        file="nufa.yaml"),
    Code(
        "maler-file", "A file of the maler folder cannot be used",
        "The committee's reference.docx (in nufa.yaml's `maler:` folder) gives every DOCX its "
        "styles; pandoc reads it for each document. A file that is not a DOCX (a zip with "
        "word/document.xml and word/styles.xml, each of its XML parts well-formed) would stop "
        "every DOCX of the build.",
        "maler/reference.docx saved as .doc, or truncated",
        "Save it again from Word as .docx, or remove it to use the built-in one."),
    Code(
        "font-unknown", "A font that the templates do not have",
        "`font:` in nufa.yaml replaces the documents' font (Carlito). The documents use only "
        "the font files in the templates' fonts/ folders, never the machine's, so the family "
        "must be there.",
        "font: Comic Sans",
        "Put the font's files in maler/fonts/ (docs/own-look.md), correct the name, or remove "
        "`font:`.",
        file="nufa.yaml"),
    Code(
        "tema-with-sak", "A tema row has a sak",
        "A `tema` row is a heading of the programme rows below it: it takes no time and holds "
        "no sak. A sak written on it is not read.",
        "      - tema: Personalsaker\n        sak: 77/15",
        "Put the sak on a row of its own below the tema.",
        file="meetings/2015-12-02/agenda.yaml"),
    Code(
        "tema-row", "A tema row has a time or a sak's key",
        "A `tema` row is a heading: it takes no time, so the rows around it keep their chain "
        "of times, and it has none of a sak's keys (type, toppnotat, vedlegg, …).",
        "      - tema: Personalsaker\n        tid: \"11:00\"",
        "Move the key to the row below the tema, or remove it.",
        file="meetings/2015-12-02/agenda.yaml"),
    Code(
        "duplicate-member", "Two members have the same id",
        "A member's id is the slug of the name (`Hans Löwe Larsen` is `hans-lowe-larsen`) or "
        "an explicit `id:`. The referat names members by id, so each id must be one person.",
        "medlemmer:\n  - navn: Ola Nordmann\n    virksomhet: Helse Vest RHF\n"
        "  - navn: Ola Nordmann\n    virksomhet: KS",
        "Give one of them an explicit `id:`, e.g. `id: ola-nordmann-ks`.",
        file="medlemmer.yaml"),
    Code(
        "folder-date", "The meeting folder is not named by its first day",
        "A meeting folder is named by the date of the meeting's first day, so the folders sort "
        "by date and a vedlegg `referat: 2024-01-24` finds its meeting.",
        "dager:\n  - dato: 2024-04-22",
        "Rename the folder to the first day (here meetings/2024-04-22/), or correct the date.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "time-overflow", "A row's varighet passes midnight",
        "A row's start plus its `varighet` lies on the next day. A meeting day ends before "
        "midnight.",
        "      - tid: \"19:00\"\n        varighet: 600\n        tittel: Middag",
        "Correct the `varighet` (minutes).",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "row-without-sak", "A sak's key on a row that has no sak",
        "`type`, `beskrivelse`, `forslag_til_vedtak`, `toppnotat`, `skjermet`, `vedlegg` and "
        "`innslag` belong to a sak. On a programme row without `sak:` (a pause, a dinner) "
        "nothing prints them.",
        "      - tid: \"19:00\"\n        tittel: Middag\n        type: Orientering",
        "Add `sak: N/YY` to the row if it is a sak, or remove the key.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "field-conflict", "A sak's field differs between agenda.yaml and its toppnotat",
        "A sak with a toppnotat takes its `tittel`, `type`, `beskrivelse`, "
        "`forslag_til_vedtak`, `skjermet` and `vedlegg` from the toppnotat. Given in both "
        "places with different values, one of them would be printed wrong.",
        "      - sak: 12/24\n        toppnotat: toppnotater/12-24-tannhelse.md\n"
        "        tittel: Tannhelse",
        "Keep the value in one place: the toppnotat.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "toppnotat-path", "A toppnotat path is not a file in the meeting folder",
        "A sak's `toppnotat:` is a path inside the meeting folder. An absolute path, a path "
        "climbing out with '..' or a symbolic link could make a document print another "
        "meeting's or another repository's text.",
        "      - sak: 12/24\n        toppnotat: ../2024-01-24/referat.md",
        "Give the path from the meeting folder, e.g. `toppnotat: toppnotater/12-24-tannhelse.md`.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.REFUSE),
    Code(
        "toppnotat-missing", "The toppnotat file does not exist",
        "A sak's `toppnotat:` names a file that is not in the meeting folder.",
        "      - sak: 12/24\n        toppnotat: toppnotater/12-24-tannhelse.md",
        "Create the file (nufa new sak writes one with the standard sections), or correct the "
        "path.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.REFUSE),
    Code(
        "toppnotat-reused", "Two saker point to the same toppnotat",
        "A toppnotat belongs to one sak: its front matter carries that sak's number.",
        "      - sak: 12/24\n        toppnotat: toppnotater/12-24-tannhelse.md\n"
        "      - sak: 13/24\n        toppnotat: toppnotater/12-24-tannhelse.md",
        "Give the second sak its own toppnotat, or correct the path.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.REFUSE),
    Code(
        "toppnotat-sak", "The toppnotat's sak number differs from the agenda's",
        "The toppnotat's `sak:` must be the number the agenda lists it under, or the two "
        "documents would give the sak different numbers.",
        "---\nsak: 13/24\ntittel: Digitalisering av Den offentlige tannhelsetjenesten",
        "Make the numbers agree; nufa renumber does it for the whole meeting.",
        file="meetings/2024-04-24/toppnotater/12-24-tannhelse.md", edit=Edit.RENUMBER),
    Code(
        "toppnotat-unused", "A toppnotat that no sak points to",
        "A file in a meeting's toppnotater/ folder that no sak's `toppnotat:` names is in no "
        "document.",
        "$ ls meetings/2024-04-24/toppnotater/\n12-24-tannhelse.md  19-24-ekstra.md",
        "Add `toppnotat: toppnotater/19-24-ekstra.md` to its sak, or delete the file.",
        severity=Severity.WARNING),
    Code(
        "referat-heading", "A referat section that names no sak",
        "Each `##` heading of a referat is a sak number alone. Other headings inside a sak's "
        "minutes are `###` or deeper.",
        "## Diverse\n\nNoe.",
        "Write the sak number alone, e.g. `## 7/24`, or make the heading `### Diverse` inside a "
        "sak.",
        file="meetings/2024-01-24/referat.md"),
    Code(
        "referat-duplicate", "A sak has two sections, or two Vedtak, in the referat",
        "A sak's minutes are one `## N/YY` section with at most one `### Vedtak` and one "
        "`### Protokolltilførsel`; a second one would leave nufa to choose which to print.",
        "## 3/24\n\nIngen saker under eventuelt.\n\n## 3/24\n\n### Vedtak\n\nIgjen.",
        "Merge the two into one.",
        file="meetings/2024-01-24/referat.md"),
    Code(
        "meeting-number", "The meeting's møte: contradicts its place in the year",
        "A meeting's number (\"Møte 2/24\") is its order among the repository's meetings of "
        "that year. Only the first of them may set its number, for a repository begun "
        "mid-year; every later one follows from it.",
        "møte: 3/24            # the second meeting of 2024 in the repository\n"
        "sted: Scandic Ishavshotel, Tromsø",
        "Remove `møte:`, or correct it; on the year's first meeting, write it as N/YY of the "
        "meeting's year.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "vedlegg-referat", "A referat vedlegg names a meeting without a referat",
        "A vedlegg `referat:` names a meeting folder of the repository by its first day, and "
        "that meeting must have a referat.md to attach.",
        "        vedlegg:\n          - referat: 2024-01-23",
        "Name a meeting folder (YYYY-MM-DD) that has a referat.md.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "vedlegg-url", "A vedlegg url is not an https address",
        "A vedlegg `url:` is a full https address, which the documents print as a link.",
        "        vedlegg:\n          - url: http://www.ehelse.no/",
        "Write the full address, starting with https://.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "vedlegg-path", "A vedlegg file path is not a file in the meeting folder",
        "A vedlegg `fil:` is a path inside the meeting folder. An absolute path, a path climbing "
        "out with '..', a symbolic link or a name no file can have is refused, so the packet "
        "never embeds a file from elsewhere.",
        "        vedlegg:\n          - fil: /etc/passwd",
        "Put the file in the meeting's vedlegg/ folder and give its path from the meeting "
        "folder, e.g. `fil: vedlegg/plan.pdf`.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "vedlegg-missing", "A vedlegg file does not exist",
        "A vedlegg `fil:` names a file that is not in the meeting folder.",
        "        vedlegg:\n          - fil: vedlegg/plan.pdf",
        "Add the file at that path, or correct the path.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "vedlegg-pdf", "A PDF vedlegg cannot go into the meeting packet",
        "sakspapirer.pdf draws every page of a PDF vedlegg in. nufa check opens each PDF vedlegg "
        "and reads every page as the packet will: a file that is damaged, encrypted, has no "
        "pages or more than 500, a font that is not embedded (PDF/UA-1 requires every font "
        "embedded), or objects nested too deeply to read, is refused here, with its line.",
        "        vedlegg:\n          - fil: vedlegg/plan.pdf  # saved with a password",
        "Save the PDF again from the program that made it (or print it to a new PDF, or save "
        "it as PDF/A), without a password; split a very long one, or attach it by url.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "unknown-language", "No texts for the language nufa.yaml's språk names",
        "`språk:` picks the language every document prints in: `nb` (bokmål, the default) or "
        "`nn` (nynorsk) are built in. Another language needs its own catalogue file in the "
        "committee's templates folder, <maler>/lang/<språk>.yaml; without it nothing can be "
        "printed in that language, and the documents fall back to bokmål.",
        "språk: nnn",
        "Write `nb` or `nn`, or give the language its catalogue in <maler>/lang/.",
        file="nufa.yaml"),
    Code(
        "catalogue-incomplete", "A committee's own catalogue lacks texts",
        "A catalogue file of the committee's own (<maler>/lang/<språk>.yaml) for a language "
        "nufa has no catalogue of must give every text: a text it lacks would be printed in "
        "bokmål in the middle of the other language.",
        "språkkode: se-NO\nsted: Báiki",
        "Give every key of templates/lang/nb.yaml (the message names the first missing ones).",
        file="maler/lang/se.yaml"),
    Code(
        "text-field", "A text of tekster names a field it does not have",
        "A printed text may hold fields in braces, filled in when it is printed (`{kortnavn}` "
        "in `møte_i`), and the name of another text. A brace naming neither is printed as "
        "written, which is rarely what was meant.",
        "tekster:\n  møte_i: \"Møte i {utvalget}\"",
        "Use one of the fields the hint lists, or write the text without braces.",
        file="nufa.yaml", severity=Severity.WARNING),
    Code(
        "numbering-format", "The format of nummerering cannot number saker",
        "`nummerering.format` is the printed form of a sak number, built from the fields "
        "{n} {n:02} {n:03} {yy} {yyyy} {serie} and plain text. It must hold the number ({n} "
        "once) and only fields of that list, so that every number it prints can be read back.",
        "nummerering:\n  format: \"{m}/{yy}\"",
        "Write a format such as \"{n}/{yy}\", \"{serie}-sak {n}\" or \"{n}/{yyyy}\" instead.",
        file="nufa.yaml", edit=Edit.REFUSE),
    Code(
        "first-sak-duplicate", "Two starts for one serie in første_sak",
        "`første_sak` gives the number a meeting's numbering starts at, one per serie. Two "
        "numbers of the same serie contradict each other; the first is used.",
        "første_sak: [PS 45/14, PS 46/14]",
        "Give one number per serie.",
        file="meetings/2014-11-20/agenda.yaml"),
    # -- the rules over the repository ---------------------------------------------------------
    Code(
        "sak-serie", "A sak is numbered in another serie than its sakstype's",
        "Where a sakstype has its own `serie` (nufa.yaml), its saker are numbered in that "
        "serie, and the format prints it ({serie}).",
        "      - {sak: V-sak 3, tittel: Orientering om økonomi, type: Orienteringssak}",
        "Number the sak in its type's serie (the hint gives the number), or change its type.",
        file="meetings/2020-03-19/agenda.yaml"),
    Code(
        "sak-meeting-missing", "A reference to a sak numbered per meeting names no meeting",
        "With `nummerering.per: møte` every meeting numbers its saker from 1, so a number alone "
        "does not say which meeting's sak an earlier treatment is.",
        "tidligere_behandlinger:\n  - {utvalg: US, sak: V-sak 2}",
        "Name the meeting by its first day: `{utvalg: US, møte: 2020-02-14, sak: V-sak 2}`.",
        file="meetings/2020-03-19/toppnotater/tilsetting.md"),
    Code(
        "meeting-number-derived", "A year's first meeting does not start at sak 1",
        "A meeting's number (\"Møte 2/24\") is its order among the repository's meetings of "
        "the year. When the year's first meeting in the repository does not start at sak 1, "
        "earlier meetings of that year are not in the repository, and the number nufa derives "
        "is likely too low.",
        "dager:\n  - dato: 2014-11-20\n    program:\n      - sak: PS 45/14",
        "Give the meeting's number: `møte: 9/14`.",
        file="meetings/2014-11-20/agenda.yaml", severity=Severity.WARNING),
    Code(
        "unknown-sakstype", "A sak's type is not among nufa.yaml's sakstyper",
        "A sak's `type` (printed as \"Innretning\") is one of the committee's sakstyper in "
        "nufa.yaml.",
        "        tittel: Helse i nord\n        type: Orienterng",
        "Use one of nufa.yaml's sakstyper, or add the type there.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "sak-year", "A sak is numbered for another year",
        "A sak number N/YY carries the year of its meeting.",
        "  - dato: 2024-04-24\n    program:\n      - sak: 8/23",
        "Write the meeting's year; nufa renumber numbers the meeting's saker for you.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.RENUMBER),
    Code(
        "sak-duplicate", "A sak number is used twice in a year",
        "Each sak number is used once a year, across all meetings of the repository.",
        "      - sak: 3/24          # 3/24 is Eventuelt of meeting 2024-01-24",
        "Renumber the meeting's saker: nufa renumber does it in every file that names them.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.RENUMBER),
    Code(
        "sak-sequence", "A sak number skips or goes back in the year's sequence",
        "Sak numbers run without gaps through a year, in agenda order: each meeting continues "
        "where the one before ended. Only the repository's first meeting of a year may start "
        "at any number.",
        "      - sak: 7/24\n      - sak: 9/24          # 8/24 skipped",
        "Number the sak as the hint says; nufa renumber does it in every file that names it.",
        file="meetings/2024-04-24/agenda.yaml", edit=Edit.RENUMBER),
    Code(
        "day-order", "The days are not in date order",
        "A meeting's `dager` are listed in date order, without repeats: the documents number "
        "them from the first.",
        "dager:\n  - dato: 2024-04-24\n  - dato: 2024-04-23",
        "List the days in date order, each once.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "time-order", "A time before the one above it, or a day that ends before it starts",
        "A day's rows are listed in the order they happen, so a row's `tid` is not before the "
        "row above it; and a day's `slutt` is after its `start`.",
        "      - sak: 8/24\n        tid: \"14:25\"\n      - tid: \"10:00\"\n"
        "        tittel: Pause",
        "List the rows in the order they happen, or correct the time.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "time-overlap", "A row starts before the row above it ends",
        "A row with a `varighet` ends that many minutes after it starts, and the next row may "
        "not start before then: the two would take place at once. A sak's `innslag` lie inside "
        "the sak.",
        "      - sak: 12/24\n        tid: \"11:05\"\n        varighet: 55\n"
        "        toppnotat: toppnotater/12-24-tannhelse.md\n"
        "      - tid: \"11:55\"\n        tittel: Pause",
        "Shorten the row before (its `varighet`), or move this row to when it ends.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "time-outside", "A sak lies outside its day",
        "A sak starts and ends between its day's `start` and `slutt`. A programme row that is "
        "not a sak (a dinner) may lie after `slutt`.",
        "  - dato: 2024-04-25\n    start: \"09:00\"\n    slutt: \"14:30\"\n    program:\n"
        "      - sak: 19/24\n        tid: \"14:45\"\n        tittel: Eventuelt",
        "Move the sak inside the day, or change the day's `start` or `slutt`.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "referat-unknown-sak", "The referat names a sak that is not on the agenda",
        "Each `## N/YY` section of a referat holds the minutes of a sak on that meeting's "
        "agenda, and every sak its front matter names (in fravær's `saker` and `fra_sak`, "
        "inhabil, møteleder, stedfortredere, deltakere and voteringer) is one of them.",
        "## 9/24\n\n### Vedtak\n\nIngen.",
        "Correct the number, or add the sak to agenda.yaml; after moving saker, nufa renumber "
        "renumbers the referat's sections with the agenda.",
        file="meetings/2024-01-24/referat.md", edit=Edit.RENUMBER),
    Code(
        "vedtak-missing", "A sak has no vedtak where one is required",
        "A referat with `status: endelig` has a `### Vedtak` for every sak whose sakstype asks "
        "for one: every type does, unless nufa.yaml gives it `vedtak: valgfritt`; a sak "
        "without a type (such as NUFA's Eventuelt) needs none. The code is also a warning on "
        "a toppnotat whose `tidligere_behandlinger` quotes a sak "
        "of this repository whose referat has no vedtak for it yet.",
        "---\nstatus: endelig\n---\n\n## 2/24\n\nMariann Hornnes, Helsedirektoratet, orienterte "
        "NUFA om aktuelle saker.",
        "Add `### Vedtak` with the decision under the sak's section, or set `status: utkast` "
        "while the referat is a draft. In tidligere_behandlinger, give the `vedtak:` there.",
        file="meetings/2024-01-24/referat.md"),
    Code(
        "fravær-duplicate", "A member is listed twice in fravær",
        "A member absent on several days is listed once, with every day absent in one "
        "`dager:`.",
        "fravær:\n  - {medlem: sissel-skarsgard, dager: [2]}\n"
        "  - {medlem: sissel-skarsgard, dager: [1]}",
        "List the member once: `{medlem: sissel-skarsgard, dager: [1, 2]}`.",
        file="meetings/2024-01-24/referat.md"),
    Code(
        "substitute-for-present", "A stedfortreder stands in for a member who was present",
        "A stedfortreder stands in for a member who is away, at the saker it is there for: on "
        "the days in `dager`, the saker in `saker`, from `fra_sak` on, or at every sak. The "
        "member was present (not absent, not inhabil) at one of them.",
        "stedfortredere:\n  - {navn: Yvonne Garshol, virksomhet: Helse Sør-Øst RHF, "
        "for: hans-lowe-larsen}",
        "Add the member to `fravær` (or `inhabil`), or give the stedfortreder's `dager`, "
        "`saker` or `fra_sak`.",
        file="meetings/2024-01-24/referat.md"),
    Code(
        "invalid-day", "A day number beyond the meeting's days",
        "`dager` in fravær, stedfortredere and deltakere count the meeting's days from 1.",
        "fravær:\n  - {medlem: sissel-skarsgard, dager: [3]}   # a meeting of two days",
        "Use a day of the meeting.",
        file="meetings/2024-01-24/referat.md"),
    Code(
        "unknown-member", "A name in the referat is not a member at that meeting",
        "fravær, inhabil, a stedfortreder's `for`, møteleder, the underskrivere and the voters "
        "name members by their id in medlemmer.yaml, and the member must be one on the "
        "meeting's first day (see `fra` and `til`). A møteleder, an underskriver and a voter "
        "may also be one of the meeting's stedfortredere, named by the slug of the navn "
        "(Knut Erik Robertsen: `knut-erik-robertsen`).",
        "fravær:\n  - {medlem: sissel-skarsgaard, dager: [2]}",
        "Use the member's id from medlemmer.yaml; for a member who joined or left, check the "
        "`fra` and `til` there.",
        file="meetings/2024-01-24/referat.md"),
    Code(
        "inhabil-absent", "An inhabil member is also listed absent from the sak",
        "An inhabil member is at the meeting and steps aside for the sak; fravær says the "
        "member was not there at all. The protokoll prints the two differently, so one of them "
        "is wrong.",
        "fravær:\n  - {medlem: olav-gjelsvik, saker: [V-sak 3]}\ninhabil:\n"
        "  - {medlem: olav-gjelsvik, saker: [V-sak 3]}",
        "Keep the one that is true.",
        file="meetings/2020-05-13/referat.md"),
    Code(
        "vote-count", "A vote counts more votes than members present",
        "The votes of one votering (`for`, `mot`, `avholdende`, each a count or a list of ids) "
        "add up to more than those present at its sak: the members not absent or inhabil there, "
        "and the stedfortredere who met.",
        "voteringer:\n  - {sak: PS 45/14, for: 8, mot: 3}   # 10 present",
        "Correct the counts, or who was there (fravær, inhabil, stedfortredere).",
        file="meetings/2014-06-04/referat.md"),
    Code(
        "vote-absent", "A voter was not present at the sak, or was inhabil",
        "A vote lists a member (or stedfortreder) by id who was absent from its sak, or inhabil "
        "at it: they could not vote there.",
        "fravær:\n  - {medlem: bente-bjerknes, fra_sak: PS 46/14}\nvoteringer:\n"
        "  - {sak: PS 47/14, for: 8, mot: [bente-bjerknes]}",
        "Correct the vote, or who was there.",
        file="meetings/2014-06-04/referat.md"),
    Code(
        "vote-twice", "A voter is listed on two sides of one vote",
        "Each voter casts one vote: for, against or abstaining.",
        "voteringer:\n  - {sak: PS 45/14, for: [thore-vestby], mot: [thore-vestby]}",
        "Keep the vote that was cast.",
        file="meetings/2014-06-04/referat.md"),
    Code(
        "quorum", "A vote without a quorum",
        "A body can decide only when at least half of its members are present and vote in the "
        "sak (kommuneloven § 11-9). At this vote fewer than half of the meeting's members voted "
        "for or against; the message gives the counts.",
        "voteringer:\n  - {sak: PS 45/14, for: 3, mot: 1}   # 10 members",
        "Check who was present and the counts; a vedtak made without a quorum is not valid.",
        file="meetings/2014-06-04/referat.md", severity=Severity.WARNING),
    Code(
        "unknown-sak", "An earlier treatment names a sak that is not in the repository",
        "An entry of `tidligere_behandlinger` whose number falls among the repository's saker "
        "takes its tittel and vedtak from it; no sak of the repository has this number.",
        "tidligere_behandlinger:\n  - {utvalg: NUFA, sak: 9/24}",
        "Correct the number. For a sak from before the repository began, give its `tittel` "
        "and `vedtak` in the entry.",
        file="meetings/2024-04-24/toppnotater/12-24-tannhelse.md"),
    Code(
        "footnote-undefined", "A footnote reference without a definition",
        "A footnote `[^label]` in the text needs a definition line `[^label]: text`; without "
        "one it prints as the bare brackets.",
        "Saken gir en orientering om prosessen.[^ssb]",
        "Add a line `[^ssb]: text` below the paragraph, or remove the reference.",
        file="meetings/2024-04-24/toppnotater/12-24-tannhelse.md"),
    Code(
        "footnote-unused", "A footnote definition that nothing refers to",
        "A definition `[^label]: text` that no `[^label]` in the text uses is not printed.",
        "[^ubrukt]: Aldri brukt.",
        "Refer to it with `[^ubrukt]` where it belongs, or remove the definition.",
        file="meetings/2024-04-24/toppnotater/12-24-tannhelse.md", severity=Severity.WARNING),
    Code(
        "section-missing", "A toppnotat lacks a standard section",
        "A toppnotat has the sections 'Hensikt med saken' and 'Bakgrunn', which readers of "
        "the packet look for.",
        "## Formål\n\nSaken gir en orientering om prosessen.",
        "Add the heading the hint names, e.g. `## Hensikt med saken`.",
        file="meetings/2024-04-24/toppnotater/12-24-tannhelse.md", severity=Severity.WARNING),
    Code(
        "sak-unwritten", "A sak of a final meeting has nothing to read or decide",
        "Once the agenda's status is `endelig` the innkalling goes out: every sak should say "
        "what the members are to read, and a Beslutning what they are asked to decide. A "
        "toppnotat whose sections are all empty (as `nufa new sak` leaves it), or a Beslutning "
        "without a `forslag_til_vedtak`, is most likely unwritten.",
        "---\nsak: 12/24\ntittel: Ny arkivplan\ntype: Beslutning\nbeskrivelse:\n"
        "forslag_til_vedtak:\n---\n\n## Hensikt med saken\n\n## Bakgrunn\n",
        "Write the sections, the `beskrivelse` and the `forslag_til_vedtak`; or, if the "
        "innkalling has not gone out, set the agenda's `status` back to `utkast`.",
        file="meetings/2024-04-24/toppnotater/12-24-arkivplan.md", severity=Severity.WARNING),
    Code(
        "heading-empty", "A heading without text",
        "An accessible PDF (PDF/UA) needs the text of every heading, and typst refuses a "
        "heading without one.",
        "tilbake til NUFA.\n\n#####",
        "Write the heading's text after the '#', or remove the line.",
        file="meetings/2024-04-24/toppnotater/12-24-tannhelse.md"),
    Code(
        "image", "An image that cannot be embedded",
        "An image is a file of a known type (.png, .jpg, .jpeg, .gif, .svg) inside the "
        "meeting folder, given by its relative path: from the folder of the file it is written "
        "in (a toppnotat's toppnotater/) or, if it is not there, from the meeting folder. Not "
        "an address, an absolute path or a path climbing out, so no document embeds what the "
        "secretariat did not put in the meeting folder.",
        "![Logo](https://example.org/logo.png)",
        "Put the image file beside the toppnotat or in the meeting folder and give its path "
        "from there, e.g. `![Søyler per måned](vedlegg/figur1.png)`.",
        file="meetings/2024-04-24/toppnotater/12-24-tannhelse.md"),
    Code(
        "footnote-duplicate", "A footnote is defined twice",
        "Two lines define the same footnote label; pandoc refuses the document.",
        "[^tall]: Tall fra fylkeskommunene.\n[^tall]: Tall fra SSB.",
        "Remove one definition, or give it a label of its own.",
        file="meetings/2024-04-24/toppnotater/5-24-tannhelse.md"),
    Code(
        "id-duplicate", "An identifier {#id} is given twice",
        "Pandoc refuses a document in which two headings, divs or spans carry the same "
        "identifier.",
        "## Bakgrunn {#a}\n\n## Tall {#a}",
        "Give each {#id} a name of its own, or leave the ids out (headings get one of their "
        "own).",
        file="meetings/2024-04-24/toppnotater/5-24-tannhelse.md"),
    Code(
        "raw-html", "Raw HTML in Markdown",
        "The documents are made from Markdown only: HTML is not passed on, and an HTML block "
        "such as `<div>x</div>` breaks the document's structure. HTML comments are allowed.",
        "<div>Merknad</div>",
        "Write it as Markdown, e.g. a fenced div '::: {.merknad}', or remove the tags.",
        file="meetings/2024-04-24/toppnotater/5-24-tannhelse.md"),
    Code(
        "image-alt", "An image without alt text",
        "PDF/UA requires every image to have alt text, and screen readers read it; typst "
        "refuses the PDF without it.",
        "![](vedlegg/figur1.png)",
        "Write what the image shows between the brackets: `![Fremmøte per måned](figur1.png)`.",
        file="meetings/2024-04-24/toppnotater/5-24-tannhelse.md"),
    Code(
        "heading-level", "A heading skips levels",
        "PDF/UA requires headings in order. A heading inside a list or a quote follows the "
        "document's title there, so it can be at most '##'.",
        "- punkt\n\n  #### Detaljer",
        "Use '##' inside a list, or move the heading out of it.",
        file="meetings/2024-04-24/toppnotater/5-24-tannhelse.md"),
    Code(
        "link-scheme", "A link that is not to the web or an e-mail address",
        "The documents keep links clickable only to https://, http://, mailto: and headings "
        "of the document (#id): a javascript:, file: or data: link, or a path on the reader's "
        "disk, would have the reader's PDF or Word program run or open what the author chose.",
        "[Klikk her](javascript:alert(1))",
        "Link to the web page (https://...) or write the address as text.",
        file="meetings/2024-04-24/toppnotater/5-24-tannhelse.md"),
    Code(
        "markdown-limit", "Markdown beyond nufa's limits",
        "Limits keep one text from holding a build for minutes or making pandoc give up: lists "
        "and quotes nest at most 10 deep; a paragraph has at most 500 links and at most 50 "
        "brackets ('[' or '<') that open no link (pandoc backtracks over each); a paragraph or "
        "a text of the agenda at most 500 words that begin with a capital letter (the PDF "
        "template keeps each from hyphenation, and typst stops past some 512 in one "
        "paragraph); a line has at most 20 000 characters.",
        "[a]([a]([a]([a]( ... 400 times in one paragraph",
        "Split the text, flatten the list, or escape brackets as '\\[' and '\\<'.",
        file="meetings/2024-04-24/toppnotater/5-24-tannhelse.md"),
    Code(
        "unprintable", "A character the documents' font cannot print",
        "Every printed character must be in the documents' fonts: typst stops the PDF at the "
        "first one that is not, such as an emoji or a CJK character. A control character (an "
        "escape such as \\e in YAML, or one pasted in with text) is printed by no font, and "
        "XML, so DOCX, may not hold it. nufa finds them first, with their file and line.",
        "tilbake til NUFA. 🙂",
        "Remove the character, or write it in words.",
        file="meetings/2024-04-24/toppnotater/12-24-tannhelse.md"),
    Code(
        "skjermet-empty", "skjermet: without a legal basis",
        "`skjermet:` withholds a sak, toppnotat or vedlegg from the public documents and names "
        "the legal basis, which the documents print. Empty, it would withhold nothing, "
        "silently.",
        "      - sak: 6/24\n        tittel: Helse i nord\n        skjermet:",
        "Write the provision, e.g. `skjermet: offl. § 14`, or remove the key.",
        file="meetings/2024-04-24/agenda.yaml"),
    Code(
        "skjermet-basis", "skjermet: names no provision",
        "The documents print `skjermet:` as the legal basis for withholding (\"Unntatt "
        "offentlighet, offl. § 14\"); a value without '§' names no provision.",
        "skjermet: taushetsplikt",
        "Write the provision, e.g. `offl. § 14` or `offl. § 13 jf. fvl. § 13`.",
        file="meetings/2024-04-24/toppnotater/12-24-tannhelse.md", severity=Severity.WARNING),
    Code(
        "skjermet-paragraph", "skjermet: names no paragraph of offentleglova",
        "Everything is open unless a statute makes an exception (offentleglova § 3), and the "
        "exceptions are offentleglova §§ 13–26. A `skjermet:` that names another provision, or "
        "another law alone, gives the public no basis they can look up; the Sivilombudet has "
        "criticised such references. Closing a meeting (kommuneloven § 11-5) is not the same "
        "as withholding a document.",
        "      - sak: 6/24\n        tittel: Helse i nord\n        skjermet: fvl. § 13",
        "Name the paragraph of offentleglova, with ledd and bokstav where they exist: "
        "`offl. § 14`, `offl. § 24 andre ledd` or `offl. § 13 jf. fvl. § 13`.",
        file="meetings/2024-04-24/agenda.yaml", severity=Severity.WARNING),
    Code(
        "skjermet-jf", "skjermet: offl. § 13 without the duty of confidentiality",
        "offentleglova § 13 withholds what a duty of confidentiality covers, and that duty is "
        "laid down in another provision. The basis names both: offl. § 13 and, after \"jf.\", "
        "the provision imposing the duty.",
        "skjermet: offl. § 13",
        "Add the provision after `jf.`, e.g. `offl. § 13 jf. fvl. § 13 første ledd nr. 1`.",
        file="meetings/2024-04-24/toppnotater/12-24-tannhelse.md", severity=Severity.WARNING),
    Code(
        "offentlig-tittel-open", "A public title on what is not skjermet",
        "`offentlig_tittel:` is the title the public documents print for a skjermet sak or "
        "vedlegg, with the withheld words written as ******. On a sak or vedlegg that is not "
        "skjermet the public documents print its own title, so the public title would mean "
        "nothing, silently.",
        "      - sak: 6/24\n        tittel: Klage fra Ola Nordmann\n"
        "        offentlig_tittel: Klage fra ******",
        "Add `skjermet:` with the legal basis beside it, e.g. `skjermet: offl. § 13 jf. fvl. "
        "§ 13`, or remove `offentlig_tittel`.",
        file="meetings/2024-04-24/agenda.yaml"),
)

REGISTRY: dict[str, Code] = {c.code: c for c in CODES}
if len(REGISTRY) != len(CODES):  # pragma: no cover - a declaration copied without its code renamed
    raise RuntimeError("a diagnostic code is declared twice in nufa_cli/core/codes.py")
