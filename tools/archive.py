"""A generated, clean archive of meetings for benchmarks and scale tests.

Meetings of two days, eight a year from 2015, each with `saker` saker (a ~3 kB toppnotat
with footnotes and a table each) and a final referat; every meeting's first sak has the
previous meeting's referat as vedlegg and its second sak cites a sak of the previous
meeting, so the archive exercises cross-meeting references. Used by tools/bench.py,
tools/bench_check.py and the tests (tests/test_incremental.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nufa_cli.model.objects import slug

MEETINGS_PER_YEAR = 8
SAKER_PER_MEETING = 12
FIRST_YEAR = 2015
MONTHS = (1, 2, 3, 4, 6, 9, 10, 11)
DAY_ONE_SAKER = 8  # the rest are on day two
SAKSTYPER = ("Godkjenning", "Orientering", "Drøfting", "Beslutning")
MEMBERS = [
    ("Hans Löwe Larsen", "Helsedirektoratet"), ("Per Meinich", "Helse Sør-Øst RHF"),
    ("Jon Gupta", "Helse Sør-Øst RHF"), ("Terje Bremnes", "Helse Vest RHF"),
    ("Sissel Skarsgård", "KS"), ("Jim J. Yang", "Norsk Sykepleierforbund"),
    ("Arnfinn Aarnes", "Helse Nord RHF"), ("Stine Slørdal", "Helse Midt-Norge RHF"),
    ("Heidi Slagsvold", "Legeforeningen"), ("Arild Iversen", "Tromsø kommune"),
    ("Kari Nordmann", "Bergen kommune"), ("Ola Hansen", "Oslo kommune"),
    ("Mari Berg", "Norsk Helsenett"), ("Nils Dahl", "Folkehelseinstituttet"),
    ("Eva Lund", "Statens legemiddelverk"), ("Lars Moe", "Direktoratet for medisinske produkter"),
]
PARAGRAPH = ("Saken beskriver arbeidet med nasjonale løsninger for deling av helseopplysninger "
             "mellom kommuner, sykehus og fastleger, og hvordan tiltakene henger sammen med "
             "den nasjonale e-helseporteføljen. ")


def meeting_days(year: int, index: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, MONTHS[index], 10)
    while first.weekday() != 2:  # meetings start on a Wednesday and last two days
        first += dt.timedelta(days=1)
    return first, first + dt.timedelta(days=1)


def toppnotat(nr: str, n: int, title: str, earlier: list[str]) -> str:
    behandlinger = ("tidligere_behandlinger:\n" + "".join(
        f"  - {{utvalg: NUFA, sak: {cited}}}\n" for cited in earlier) if earlier else "")
    body = [
        "## Hensikt med saken", "",
        PARAGRAPH * 3 + "[^kilde]", "",
        "## Bakgrunn", "",
        PARAGRAPH * 4, "",
        PARAGRAPH * 2 + "Tallene er hentet fra den årlige rapporten.[^tall]", "",
        "| Område | 2023 | 2024 |", "|---|---|---|", "| Kommuner | 120 | 356 |",
        "| Sykehus | 12 | 20 |", "",
        "## Videre saksprosess", "",
        PARAGRAPH * 2, "",
        "[^kilde]: Nasjonal e-helsestrategi, Helsedirektoratet.",
        "[^tall]: Statistikk fra Norsk Helsenett.", "",
    ]
    return (f"---\nsak: {nr}\ntittel: {title}\ntype: {SAKSTYPER[n % len(SAKSTYPER)]}\n"
            f"sakseier: Helsedirektoratet\nsaksbehandler: Kari Nordmann\n"
            f"beskrivelse: >\n  {PARAGRAPH.strip()}\n"
            f"forslag_til_vedtak: |\n  NUFA tar saken til orientering.\n"
            f"{behandlinger}---\n\n" + "\n".join(body))


def archive_files(meetings: int, saker: int = SAKER_PER_MEETING,
                  citations: int = 0) -> dict[str, str]:
    """The archive's files, relative path -> text. citations: each toppnotat cites that many
    of the saker before it in tidligere_behandlinger, instead of one per meeting."""
    files = {
        "nufa.yaml": "utvalg:\n  navn: Fagutvalget (NUFA)\n  kortnavn: NUFA\n",
        "medlemmer.yaml": "medlemmer:\n" + "".join(
            f"  - navn: {n}\n    virksomhet: {v}\n" for n, v in MEMBERS),
    }
    previous_folder: str | None = None
    previous_sak: str | None = None
    before: list[str] = []  # every sak so far
    for index in range(meetings):
        year, m = FIRST_YEAR + index // MEETINGS_PER_YEAR, index % MEETINGS_PER_YEAR
        yy = year % 100
        day1, day2 = meeting_days(year, m)
        folder = f"meetings/{day1.isoformat()}"
        rows, sections = [], []
        for s in range(saker):
            n = m * saker + s + 1
            nr = f"{n}/{yy:02d}"
            note = f"toppnotater/{n}-{yy:02d}-sak.md"
            earlier = before[-citations:] if citations else \
                [previous_sak] if s == 1 and previous_sak else []
            files[f"{folder}/{note}"] = toppnotat(nr, n, f"Sak nummer {n} om e-helse", earlier)
            before.append(nr)
            day = 0 if s < DAY_ONE_SAKER else 1
            row = f"      - sak: {nr}\n        varighet: 25\n        toppnotat: {note}\n"
            if s == 0:
                row = row.replace("varighet", 'tid: "10:00"\n        varighet')
                if previous_folder:
                    row += f"        vedlegg:\n          - referat: {previous_folder}\n"
            if s == DAY_ONE_SAKER:
                row = row.replace("varighet", 'tid: "09:00"\n        varighet')
            rows.append((day, row))
            sections.append(f"## {nr}\n\nNUFA diskuterte saken.\n\n### Vedtak\n\n"
                            "NUFA tar saken til orientering.\n")
        program = ["".join(r for d, r in rows if d == i) for i in (0, 1)]
        files[f"{folder}/agenda.yaml"] = (
            f"sted: Oslo\nstatus: endelig\ndager:\n"
            f"  - dato: {day1.isoformat()}\n    start: \"10:00\"\n    slutt: \"17:00\"\n"
            f"    program:\n{program[0]}      - tid: \"19:00\"\n        tittel: Middag\n"
            f"  - dato: {day2.isoformat()}\n    start: \"09:00\"\n    slutt: \"12:00\"\n"
            f"    program:\n{program[1]}      - tid: \"11:45\"\n        tittel: Avslutning\n")
        absent = MEMBERS[index % len(MEMBERS)][0]
        files[f"{folder}/referat.md"] = (
            f"---\nstatus: endelig\nfravær:\n  - {slug(absent)}\n"
            f"stedfortredere:\n  - {{navn: Vara Person, virksomhet: KS, for: {slug(absent)}}}\n"
            f"sekretariat: [Norunn Saure]\n---\n\n" + "\n".join(sections))
        previous_folder = day1.isoformat()
        previous_sak = f"{m * saker + min(3, saker)}/{yy:02d}"
    return files


def write_archive(root: Path, meetings: int, saker: int = SAKER_PER_MEETING,
                  citations: int = 0) -> int:
    """Write the archive under root; return the number of files."""
    files = archive_files(meetings, saker, citations)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(files)
