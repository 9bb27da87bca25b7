"""How long `nufa check` takes as an archive grows: Y years x 8 meetings x 12 saker.

Generates clean archives in a temporary folder (every sak with a ~3 kB toppnotat with
footnotes, a referat per meeting), times `validate.check` in process (median of 3) and
the `nufa check` command once for the largest, and prints a table. Run:

    .venv/bin/python tools/bench_check.py [--years 1 2 5 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nufa_cli.check.validate import check
from nufa_cli.sources import markdown

MEETINGS_PER_YEAR = 8
SAKER_PER_MEETING = 12
FIRST_YEAR = 2015
MONTHS = (1, 2, 3, 4, 6, 9, 10, 11)
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


def slug(name: str) -> str:
    from nufa_cli.model.objects import slug as model_slug

    return model_slug(name)


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


def write_archive(root: Path, years: int, citations: int = 0) -> int:
    """Write the archive; return the number of files. citations: each toppnotat (but the
    second of a meeting, which cites one sak of the meeting before) cites that many of the
    saker before it in tidligere_behandlinger."""
    files = {
        "nufa.yaml": "utvalg:\n  navn: Fagutvalget (NUFA)\n  kortnavn: NUFA\n",
        "medlemmer.yaml": "medlemmer:\n" + "".join(
            f"  - navn: {n}\n    virksomhet: {v}\n" for n, v in MEMBERS),
    }
    previous_folder: str | None = None
    previous_sak: str | None = None
    before: list[str] = []  # every sak so far
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        yy = year % 100
        for m in range(MEETINGS_PER_YEAR):
            day1, day2 = meeting_days(year, m)
            folder = f"meetings/{day1.isoformat()}"
            rows, sections = [], []
            for s in range(SAKER_PER_MEETING):
                n = m * SAKER_PER_MEETING + s + 1
                nr = f"{n}/{yy:02d}"
                note = f"toppnotater/{n}-{yy:02d}-sak.md"
                earlier = ([previous_sak] if s == 1 and previous_sak else [])
                if citations:
                    earlier = before[-citations:]
                files[f"{folder}/{note}"] = toppnotat(nr, n, f"Sak nummer {n} om e-helse",
                                                      earlier)
                before.append(nr)
                day = 0 if s < 8 else 1
                row = f"      - sak: {nr}\n        varighet: 25\n        toppnotat: {note}\n"
                if s == 0:
                    row = row.replace("varighet", 'tid: "10:00"\n        varighet')
                    if previous_folder:
                        row += f"        vedlegg:\n          - referat: {previous_folder}\n"
                if s == 8:
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
                f"    program:\n{program[1]}")
            absent = MEMBERS[m % len(MEMBERS)][0]
            files[f"{folder}/referat.md"] = (
                f"---\nstatus: endelig\nfravær:\n  - {slug(absent)}\n"
                f"stedfortredere:\n  - {{navn: Vara Person, virksomhet: KS, for: {slug(absent)}}}\n"
                f"sekretariat: [Norunn Saure]\n---\n\n" + "\n".join(sections))
            previous_folder = day1.isoformat()
            previous_sak = f"{m * SAKER_PER_MEETING + 3}/{yy:02d}"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(files)


def nufa_command() -> list[str]:
    script = Path(sys.executable).parent / "nufa"
    return [str(script)] if script.exists() else [sys.executable, "-m", "nufa_cli.cli"]


def time_cli(root: Path) -> tuple[float, int]:
    started = time.perf_counter()
    result = subprocess.run([*nufa_command(), "check", str(root)], capture_output=True,
                            text=True, check=False)
    return time.perf_counter() - started, result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 2, 5, 10])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--citations", type=int, default=0,
                        help="tidligere_behandlinger per toppnotat (default: one per meeting)")
    args = parser.parse_args()

    print(f"{'years':>5} {'meetings':>8} {'saker':>6} {'files':>6} {'seconds':>8} {'ms/sak':>7}")
    cli_line = ""
    with tempfile.TemporaryDirectory(prefix="nufa-bench-") as tmp:
        for years in args.years:
            root = Path(tmp) / f"archive-{years}"
            count = write_archive(root, years, args.citations)
            _, diagnostics = check(root)
            if diagnostics:  # the timing of a broken archive would measure the wrong path
                print(f"the generated {years}-year archive is not clean:", file=sys.stderr)
                for d in diagnostics[:10]:
                    print("  " + d.text(), file=sys.stderr)
                return 1
            timings = []
            for _ in range(args.runs):
                markdown.parse.cache_clear()  # each run parses afresh, as a new process does
                started = time.perf_counter()
                check(root)
                timings.append(time.perf_counter() - started)
            seconds = statistics.median(timings)
            meetings = years * MEETINGS_PER_YEAR
            saker = meetings * SAKER_PER_MEETING
            print(f"{years:>5} {meetings:>8} {saker:>6} {count:>6} {seconds:>8.3f} "
                  f"{seconds / saker * 1000:>7.2f}")
            if years == max(args.years):
                cli_seconds, code = time_cli(root)
                cli_line = (f"nufa check (subprocess, {years} years, {saker} saker): "
                            f"{cli_seconds:.2f} s, exit {code}")
    print(cli_line)

    sample = Path(__file__).resolve().parent.parent
    _, diagnostics = check(sample)
    errors = sum(d.severity == "error" for d in diagnostics)
    if errors:
        print(f"nufa check on the sample repository: skipped, it has {errors} error(s)")
    else:
        cli_seconds, code = time_cli(sample)
        print(f"nufa check on the sample repository ({sample}): {cli_seconds:.2f} s, exit {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
