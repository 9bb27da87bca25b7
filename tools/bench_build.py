"""Benchmark `nufa build` on the sample repository: numbers only, no assertions.

Prints, in one run:
  1. the whole sample built cold and again unchanged, through the CLI (what a user waits for);
  2. where an in-process cold build spends its time (check, render, convert);
  3. per document: nufa's conversion (one Converter, in process) against the floor, a bare
     `pandoc` + `typst` conversion of the same Markdown, and against `pandoc --pdf-engine=pdflatex`
     where LaTeX is installed.

Run with `make bench`. Medians of several runs; SOURCE_DATE_EPOCH is fixed.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypandoc
import typst

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nufa_cli.build.orchestrator import build, convert_all, lanes  # noqa: E402
from nufa_cli.check.validate import check  # noqa: E402
from nufa_cli.convert.converter import READER, Converter  # noqa: E402
from nufa_cli.convert.job import Job  # noqa: E402
from nufa_cli.core.root import builtin_templates  # noqa: E402
from nufa_cli.render.documents import meeting_documents  # noqa: E402
from nufa_cli.render.renderer import Renderer  # noqa: E402

EPOCH = "1714000000"
NUFA = str(Path(sys.executable).with_name("nufa"))


def timed(action, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def cli_build(out: Path) -> None:
    subprocess.run([NUFA, "build", "--repo", str(ROOT), "--out", str(out)], check=True,
                   capture_output=True, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})


def whole_sample(work: Path) -> None:
    def cold() -> None:
        shutil.rmtree(work / "cli", ignore_errors=True)
        cli_build(work / "cli")

    cold_s = timed(cold, 3)
    unchanged_s = timed(lambda: cli_build(work / "cli"), 5)
    files = sum(1 for p in (work / "cli").rglob("*") if p.is_file() and ".nufa" not in p.as_posix())
    print(f"1. The sample (2 meetings, {files} files: documents, packets, calendars), through the CLI")
    print(f"   cold build         {cold_s:6.2f} s   (target <= 1.5 s; {lanes()} conversion lanes)")
    print(f"   unchanged rebuild  {unchanged_s:6.2f} s   (target <= 0.3 s)")


def stages(work: Path) -> list[tuple[str, Job]]:
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    start = time.perf_counter()
    repo, _ = check(ROOT)
    checked = time.perf_counter()
    renderer = Renderer(repo)
    jobs = []
    for meeting in repo.meetings:
        for doc in meeting_documents(repo, meeting, renderer):
            jobs.append((f"{meeting.folder}/{doc.stem}", Job(
                markdown=doc.markdown, title=doc.title, header=doc.header,
                resource_root=doc.resource_root, image_base=doc.image_base, draft=doc.draft)))
    rendered = time.perf_counter()
    stale = [(work / "stage" / f"{name}.{fmt}", job) for name, job in jobs for fmt in ("docx", "pdf")]
    look = {"font": repo.committee.font, "logo_alt": repo.committee.logo_alt}
    convert_all(stale, [], [builtin_templates()], int(EPOCH), work / "stage", None, look)
    converted = time.perf_counter()
    shutil.rmtree(work / "api", ignore_errors=True)
    start_api = time.perf_counter()
    build(ROOT, out=work / "api")
    api = time.perf_counter() - start_api
    print("\n2. An in-process cold build, by stage")
    print(f"   load + check       {checked - start:6.3f} s")
    print(f"   render Markdown    {rendered - checked:6.3f} s")
    print(f"   convert (parallel) {converted - rendered:6.3f} s")
    print(f"   build() in all     {api:6.3f} s   (also packets, calendars, writing)")
    return jobs


def floor(job: Job, work: Path) -> float:
    """A bare conversion: pandoc CLI to DOCX, pandoc CLI to typst, typst.compile to PDF."""
    templates = builtin_templates()
    source = work / "floor.md"
    source.write_text(job.markdown, encoding="utf-8")
    pandoc = pypandoc.get_pandoc_path()
    start = time.perf_counter()
    subprocess.run([pandoc, str(source), "-f", READER, "-o", str(work / "floor.docx"),
                    f"--reference-doc={templates / 'reference.docx'}"], check=True)
    typ = subprocess.run([pandoc, str(source), "-f", READER, "-t", "typst", "-s",
                          f"--template={templates / 'nufa.typ'}", "-M", f"title={job.title}",
                          "-V", "lang=nb", "-V", "region=NO"],
                         check=True, capture_output=True).stdout
    typst.compile(typ, format="pdf", root=str(job.resource_root),
                  font_paths=[str(templates / "fonts")], ignore_system_fonts=True)
    return time.perf_counter() - start


def latex(job: Job, work: Path) -> float | None:
    if not shutil.which("pdflatex"):
        return None
    source = work / "latex.md"
    source.write_text(job.markdown, encoding="utf-8")
    start = time.perf_counter()
    done = subprocess.run([pypandoc.get_pandoc_path(), str(source), "-f", READER,
                           "--pdf-engine=pdflatex", "-o", str(work / "latex.pdf")],
                          capture_output=True, check=False)
    return time.perf_counter() - start if done.returncode == 0 else None


def per_document(jobs: list[tuple[str, Job]], work: Path) -> None:
    print("\n3. Per document: nufa (one warm Converter, DOCX + PDF, each document converted once:")
    print("   typst memoizes, so repeating a document would flatter us) against the floor")
    print("   (separate `pandoc` processes to DOCX and typst, then typst.compile; median of 3)")
    print(f"   {'document':34} {'nufa':>8} {'floor':>8} {'ratio':>6} {'pdflatex':>9}")
    total_nufa = total_floor = 0.0
    with Converter([builtin_templates()], int(EPOCH)) as converter:
        warmup = Job(markdown="# Oppvarming\n\nTekst.\n", title="Oppvarming", header="NUFA",
                     resource_root=ROOT)
        converter.docx(warmup)  # start the worker and the compiler outside the timings
        converter.pdf(warmup)
        for name, job in jobs:
            ours = timed(lambda job=job: (converter.docx(job), converter.pdf(job)), 1)
            bare = timed(lambda job=job: floor(job, work), 3)
            tex = latex(job, work)
            total_nufa += ours
            total_floor += bare
            shown = f"{tex:8.3f}s" if tex is not None else "  skipped"
            print(f"   {name:34} {ours:7.3f}s {bare:7.3f}s {ours / bare:6.2f} {shown}")
    print(f"   {'all documents, one after another':34} {total_nufa:7.3f}s {total_floor:7.3f}s "
          f"{total_nufa / total_floor:6.2f}")
    if not shutil.which("pdflatex"):
        print("   pdflatex: skipped (no LaTeX on this machine)")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nufa-bench-") as tmp:
        work = Path(tmp)
        whole_sample(work)
        jobs = stages(work)
        per_document(jobs, work)


if __name__ == "__main__":
    main()
