"""How long `nufa check` takes as an archive grows: Y years x 8 meetings x 12 saker.

Generates clean archives in a temporary folder (tools/archive.py: every sak with a ~3 kB
toppnotat with footnotes, a referat per meeting), times `validate.check` in process (median of 3) and
the `nufa check` command once for the largest, and prints a table. Run:

    .venv/bin/python tools/bench_check.py [--years 1 2 5 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import archive
from archive import MEETINGS_PER_YEAR, SAKER_PER_MEETING

from nufa_cli.check.validate import check
from nufa_cli.sources import markdown


def write_archive(root: Path, years: int, citations: int = 0) -> int:
    """Write the archive; return the number of files."""
    return archive.write_archive(root, years * MEETINGS_PER_YEAR, SAKER_PER_MEETING, citations)


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
