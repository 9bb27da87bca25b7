"""Time DOCX and PDF conversion: a pandoc process per document vs. one Converter.

Run from the repository root:  .venv/bin/python tools/bench_convert.py [-n 20]

Prints numbers only. "separate" runs the pandoc CLI once per document and format
(same reader, filters, template and reference.docx) and compiles the typst with a
fresh typst.compile(); "converter" uses nufa_cli.convert.converter.Converter (one `pandoc lua`
worker, one typst compiler), its start-up included in the total.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypandoc
import typst

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nufa_cli.convert.converter import READER, Converter, Job  # noqa: E402

TEMPLATES = ROOT / "templates"
EPOCH = 1713916800

PARAGRAPH = (
    "Helsedirektoratet har et pågående arbeid som ser på metodikk, format og samarbeidsform "
    "for å møte et økende standardiseringsbehov i arbeidet med å oppnå semantisk "
    "samhandlingsevne. Det pågår nå et arbeid for å utvikle overordnede nasjonale "
    "informasjonsmodeller for helse[^{n}]."
)


def memo(number: int) -> str:
    """A toppnotat of about three pages: header block, headings, table, lists, footnotes."""
    rows = "\n".join(
        f"| {n}/24 | Sak nummer {n} om digitalisering og samhandling | 1{n % 10}:00 | Drøfting |"
        for n in range(10, 30)
    )
    sections = []
    for n in range(1, 7):
        sections.append(
            f"## Del {n}\n\n{PARAGRAPH.format(n=n)}\n\n{PARAGRAPH.format(n=n + 10)}\n\n"
            f"- første punkt i del {n}\n- andre punkt\n\n"
            f"[^{n}]: Fotnote {n}.\n\n[^{n + 10}]: Fotnote {n + 10}.\n"
        )
    return (
        f"::: {{.doctitle}}\nToppnotat {number}/24\n:::\n\n"
        "::: {.docheader}\n+--------+----------------------------+\n"
        "| Til    | Fagutvalget (NUFA)         |\n+--------+----------------------------+\n"
        f"| Sak    | {number}/24                      |\n+--------+----------------------------+\n"
        ":::\n\n# Bakgrunn\n\n"
        "| Sak | Tittel | Tid | Type |\n|-----|--------|-----|------|\n"
        f"{rows}\n\n" + "\n".join(sections)
    )


FILTER_SHIM = """\
NUFA = {{ lang = "nb-NO" }}
local filters = {{}}
for _, path in ipairs({{ {paths} }}) do
  for _, filter in ipairs(dofile(path)) do table.insert(filters, filter) end
end
return filters
"""


def shim(folder: Path, fmt: str) -> Path:
    paths = ", ".join(f'"{TEMPLATES / "filters" / name}.lua"' for name in ("common", fmt))
    path = folder / f"{fmt}-filters.lua"
    path.write_text(FILTER_SHIM.format(paths=paths))
    return path


def separate(documents: list[str], folder: Path) -> tuple[list[float], list[float]]:
    pandoc = pypandoc.get_pandoc_path()
    env = {"SOURCE_DATE_EPOCH": str(EPOCH)}
    docx_filters, typst_filters = shim(folder, "docx"), shim(folder, "typst")
    docx_times, pdf_times = [], []
    for number, markdown in enumerate(documents):
        common = [pandoc, "-f", READER, "-M", "lang=nb-NO", "-M", f"title=Toppnotat {number}"]
        start = time.perf_counter()
        subprocess.run(
            [*common, "-t", "docx", "--reference-doc", str(TEMPLATES / "reference.docx"),
             "--lua-filter", str(docx_filters), "-o", str(folder / "out.docx")],
            input=markdown.encode(), check=True, env=env,
        )
        docx_times.append(time.perf_counter() - start)

        start = time.perf_counter()
        source = subprocess.run(
            [*common, "-t", "typst", "-s", "--template", str(TEMPLATES / "nufa.typ"),
             "-M", "header=Fagutvalget (NUFA)", "--lua-filter", str(typst_filters)],
            input=markdown.encode(), check=True, env=env, capture_output=True,
        ).stdout
        typst.compile(
            source, format="pdf", root=str(folder), font_paths=[str(TEMPLATES / "fonts")],
            ignore_system_fonts=True, pdf_standards=["ua-1"], timestamp=EPOCH,
        )
        pdf_times.append(time.perf_counter() - start)
    return docx_times, pdf_times


def one_process(documents: list[str], folder: Path) -> tuple[list[float], list[float], float]:
    docx_times, pdf_times = [], []
    start_all = time.perf_counter()
    with Converter(TEMPLATES, EPOCH) as converter:
        for number, markdown in enumerate(documents):
            job = Job(markdown, f"Toppnotat {number}", "Fagutvalget (NUFA)", folder)
            start = time.perf_counter()
            converter.docx(job)
            docx_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            converter.pdf(job)
            pdf_times.append(time.perf_counter() - start)
    return docx_times, pdf_times, time.perf_counter() - start_all


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="number of documents (default 20)")
    count = parser.parse_args().n
    documents = [memo(number) for number in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        sep_docx, sep_pdf = separate(documents, folder)
        sep_total = time.perf_counter() - start
        one_docx, one_pdf, one_total = one_process(documents, folder)

    print(f"{count} documents, median per document (first document included in the total)")
    print(f"{'':12}{'DOCX':>12}{'PDF':>12}{'total':>12}")
    for name, docx_times, pdf_times, total in (
        ("separate", sep_docx, sep_pdf, sep_total),
        ("converter", one_docx, one_pdf, one_total),
    ):
        print(
            f"{name:12}{ms(statistics.median(docx_times)):>12}"
            f"{ms(statistics.median(pdf_times)):>12}{total:10.2f} s"
        )
    print(f"first document in converter: DOCX {ms(one_docx[0])}, PDF {ms(one_pdf[0])}")


if __name__ == "__main__":
    main()
