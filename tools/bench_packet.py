"""How long the meeting packet (sakspapirer.pdf) of the sample meeting takes to build.

Cold: a new Python process builds only the packet (`build(..., only={"sakspapirer"})`)
into an empty folder: loading, validating, rendering, pandoc, typst. Then, in this
process, the packet's stages (planning, each part's typst from pandoc, the one typst
compile) and the same with a two-page PDF vedlegg drawn in by pypdf. Medians of --runs.
Run:

    .venv/bin/python tools/bench_packet.py [--runs 3] [--meeting 2024-04-24]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1713916800"
COLD = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from nufa_cli.build.orchestrator import build
result = build(Path(sys.argv[1]), [sys.argv[2]], formats=["pdf"], only={"sakspapirer"},
               out=Path(sys.argv[3]))
assert [p.name for p in result.written] == ["sakspapirer.pdf"], result.written
print(time.perf_counter() - start)
"""
PLAN_PDF = b"""#set page(paper: "a4")
= Plan
Side en.
#pagebreak()
Side to.
"""


def copy_sample(folder: Path) -> Path:
    root = folder / "repo"
    root.mkdir(parents=True)
    for name in ("nufa.yaml", "medlemmer.yaml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "meetings", root / "meetings")
    return root


def cold(root: Path, meeting: str, out: Path) -> tuple[float, float]:
    """(seconds inside build(), seconds of the whole process)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", COLD, str(root), meeting, str(out)], env=env,
                          check=True, capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1]), time.perf_counter() - start


def stages(root: Path, meeting_name: str) -> dict[str, float]:
    from nufa_cli.build import packet
    from nufa_cli.check.validate import check
    from nufa_cli.convert.converter import Converter
    from nufa_cli.core.root import builtin_templates
    from nufa_cli.render.renderer import Renderer

    repo, _ = check(root)
    meeting = repo.meeting(meeting_name)
    assert meeting is not None
    dirs = [builtin_templates()]
    times: dict[str, float] = {}
    start = time.perf_counter()
    pk = packet.packet(repo, meeting, Renderer(repo))
    times["plan (render the parts' Markdown)"] = time.perf_counter() - start
    with Converter(dirs, int(EPOCH)) as converter:
        converter.typst_source(pk.parts[0].job)  # start pandoc: not the packet's cost
        start = time.perf_counter()
        source = packet.typst_source(pk, converter, dirs)
        times[f"typst of {len(pk.parts)} parts (pandoc)"] = time.perf_counter() - start
        start = time.perf_counter()
        pdf = converter.compile_typst(source, packet._root(pk), pk.title)
        times["one typst compile, PDF/UA-1"] = time.perf_counter() - start
        start = time.perf_counter()
        packet.render(pk, converter, dirs)
        times["whole packet, converter warm"] = time.perf_counter() - start
    times["pages"] = len(PdfReader(io.BytesIO(pdf)).pages)
    return times


def with_pdf_vedlegg(root: Path, meeting: str) -> Path:
    import typst

    folder = root / "meetings" / meeting
    (folder / "vedlegg").mkdir(exist_ok=True)
    (folder / "vedlegg" / "plan.pdf").write_bytes(typst.compile(PLAN_PDF, format="pdf"))
    agenda = folder / "agenda.yaml"
    text = agenda.read_text(encoding="utf-8")
    marker = "        tittel: Eventuelt\n"
    agenda.write_text(text.replace(marker, marker + "        vedlegg:\n"
                                   "          - fil: vedlegg/plan.pdf\n"
                                   "            tittel: Plan\n", 1), encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--meeting", default="2024-04-24")
    args = parser.parse_args()
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    with tempfile.TemporaryDirectory(prefix="nufa-bench-packet-") as tmp:
        root = copy_sample(Path(tmp))
        runs = [cold(root, args.meeting, Path(tmp) / f"out{i}") for i in range(args.runs)]
        inside = statistics.median(r[0] for r in runs)
        process = statistics.median(r[1] for r in runs)
        print(f"sakspapirer.pdf of {args.meeting}, cold (new process, empty output folder), "
              f"median of {args.runs}:")
        print(f"  build() {inside:.2f} s, whole process {process:.2f} s")
        for label, root_used in (("sample", root),
                                 ("sample + 2-page PDF vedlegg",
                                  with_pdf_vedlegg(copy_sample(Path(tmp) / "pdf"),
                                                   args.meeting))):
            measured = [stages(root_used, args.meeting) for _ in range(args.runs)]
            print(f"stages, {label} ({int(measured[0]['pages'])} pages), median of {args.runs}:")
            for key in measured[0]:
                if key != "pages":
                    value = statistics.median(m[key] for m in measured)
                    print(f"  {key:<40} {value:.2f} s")


if __name__ == "__main__":
    main()
