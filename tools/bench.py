"""`make bench`: how fast nufa checks and builds, and against what, in one run.

Every number is a child process measured from outside (wall time, CPU of it and its own
children, peak resident memory of the largest of them: resource.getrusage(RUSAGE_CHILDREN)
in a small wrapper process per run), so start-up counts as a user waits for it. The machine
is shared and noisy: compare the ratios printed within one run rather than seconds across
runs. Prints:

  1. the sample (this repository's meetings, copied into a git repository of its own):
     `nufa check` three ways (unchanged: its memo; one toppnotat just edited; no cache at
     all), a cold build, an unchanged rebuild;
  2. the CPU of building the sample's documents (DOCX + PDF; no packets, no calendars)
     against the floor: one `pandoc lua` process reading each rendered Markdown once and
     writing DOCX and typst with nufa's filters and templates, and one typst compiler
     (tools/bench_floor.lua); and against `pandoc --pdf-engine=pdflatex` / `xelatex`
     over the same Markdown where they are installed;
  3. edits: the files a committed edit of one toppnotat rewrites, and an uncommitted one;
  4. a generated archive (tools/archive.py) of 2, 10 and 50 meetings: `nufa check` the
     three ways and a cold build with their peak memory; `nufa check` alone at 200
     meetings; a committed one-toppnotat edit at 10 meetings;
  5. a build's commit alone (build/journal.py, timed in this process): an output folder of
     200 meetings of 40 files, one meeting or all of them changed, each meeting's folder
     exchanged whole against every file moved one by one (what a file system that cannot
     exchange folders gets).

With --before NUFA (another nufa's console script, e.g. a venv of an older commit:
`git worktree add --detach /tmp/old REV && python -m venv /tmp/old/.venv &&
/tmp/old/.venv/bin/pip install -e /tmp/old`), every `nufa check` is also run with that nufa,
the two alternating, and the ratios of their median wall time and CPU printed beside it
(a first check of a large archive runs in two processes: less wall time, a little more CPU).

    .venv/bin/python tools/bench.py [--meetings 2 10 50] [--check-only 200] [--sections 1 2 3 4 5]
                                    [--before /tmp/old/.venv/bin/nufa]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))

import archive  # noqa: E402

NUFA = str(Path(sys.executable).with_name("nufa"))
DOCUMENT_KINDS = ("innkalling", "saksliste", "toppnotat", "referat")
GIT_ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
# Runs one command and reports on it: the wrapper's RUSAGE_CHILDREN covers exactly that
# command and every process it waited for (nufa's pandoc worker among them).
WRAPPER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w", encoding="utf-8") as handle:
    json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss,
               "code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}, handle)
"""


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # seconds, user + system, of the command and its children
    peak: float  # MiB, the largest process's peak resident set
    code: int
    stdout: str
    stderr: str

    @property
    def written(self) -> int:
        return sum(line.startswith("wrote ") for line in self.stdout.splitlines())


def measure(command: Sequence[str], cwd: Path | None = None) -> Run:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        report = Path(handle.name)
    try:
        subprocess.run([sys.executable, "-c", WRAPPER, str(report), *command], cwd=cwd,
                       check=True)
        data = json.loads(report.read_text(encoding="utf-8"))
    finally:
        report.unlink(missing_ok=True)
    return Run(data["wall"], data["cpu"], data["rss"] / 1024, data["code"], data["stdout"],
               data["stderr"])


def measured(command: Sequence[str], runs: int, before: object = None) -> list[Run]:
    """runs of command, each after calling before() (unmeasured) when given."""
    results = []
    for _ in range(runs):
        if callable(before):
            before()
        result = measure(command)
        if result.code not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed ({result.code}):\n{result.stderr}")
        results.append(result)
    return results


def median(runs: Sequence[Run], attribute: str) -> float:
    return statistics.median(getattr(run, attribute) for run in runs)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=root, check=True,
                   capture_output=True, env={**os.environ, **GIT_ENV})


def repository(root: Path, files: dict[str, str] | None = None) -> Path:
    """A git repository with one commit: the sample's sources, or files."""
    if files is None:
        root.mkdir(parents=True)
        for name in ("nufa.yaml", "medlemmer.yaml"):
            shutil.copy(ROOT / name, root / name)
        shutil.copytree(ROOT / "meetings", root / "meetings")
    else:
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "sources")
    return root


def edit_toppnotat(root: Path, index: int = 0) -> Path:
    note = sorted((root / "meetings").glob("*/toppnotater/*.md"))[index]
    note.write_text(note.read_text(encoding="utf-8") + "\nEn setning lagt til.\n",
                    encoding="utf-8")
    return note


def row(label: str, runs: Sequence[Run], note: str = "") -> None:
    print(f"  {label:<52} {median(runs, 'wall'):7.2f} s {median(runs, 'cpu'):7.2f} s "
          f"{max(r.peak for r in runs):7.0f} MiB  {note}")


def header(title: str) -> None:
    print(f"\n{title}\n  {'':<52} {'wall':>9} {'CPU':>9} {'peak':>11}")


def settle(started: float) -> None:
    """Wait until what was written since started is older than check's memo requires
    (check/memo.py: RACY), as sources are that were not written a moment ago."""
    time.sleep(max(0.0, started + 2.2 - time.time()))


def check_cases(repo: Path, runs: int, before: str | None, label: str = "nufa check",
                note: Callable[[str, list[Run]], str] = lambda case, runs: "") -> None:
    """`nufa check` of repo three ways, a row each: unchanged (the memo of the last check),
    one toppnotat just edited (the memo misses), no cache; each alternated with the nufa
    before when given, which checks a copy of repo: each nufa's caches are its own (the
    other's code would make them miss). The edited toppnotat is written back as it was."""
    repos = [repo]
    if before:
        twin = repo.with_name(repo.name + "-before")
        shutil.rmtree(twin, ignore_errors=True)
        shutil.copytree(repo, twin, symlinks=True, ignore=shutil.ignore_patterns("build"))
        repos.append(twin)
    originals = [(path, path.read_bytes()) for path in
                 (sorted((r / "meetings").glob("*/toppnotater/*.md"))[0] for r in repos)]
    commands = [[NUFA, "check", str(repo)]] + ([[before, "check", str(repos[1])]] if before
                                                else [])
    settle(time.time())
    for command in commands:
        measure(command)  # the first check records what it read, the second is remembered
        measure(command)
    cases: list[tuple[str, Callable[[Path], object] | None]] = [
        ("unchanged", None), ("a toppnotat just edited", edit_toppnotat),
        ("no cache", lambda r: shutil.rmtree(r / "build" / ".nufa-cache", ignore_errors=True))]
    try:
        for case, prepare in cases:
            found: list[list[Run]] = [[] for _ in commands]
            for _ in range(runs):
                for command, checked, runs_of in zip(commands, repos, found, strict=True):
                    runs_of += measured(command, 1, before=(
                        (lambda r=checked, p=prepare: p(r)) if prepare else None))
            ours, theirs = found[0], found[1] if before else []
            compared = (f"before: {median(theirs, 'wall'):.2f} s wall, "
                        f"{median(theirs, 'wall') / median(ours, 'wall'):.2f}x; "
                        f"{median(theirs, 'cpu'):.2f} s CPU, "
                        f"{median(theirs, 'cpu') / median(ours, 'cpu'):.2f}x" if theirs else "")
            row(f"{label}, {case}", ours, "  ".join(t for t in (note(case, ours), compared) if t))
    finally:
        for path, original in originals:
            path.write_bytes(original)


def sample(work: Path, runs: int, before: str | None) -> None:
    repo = repository(work / "sample")
    build = [NUFA, "build", "--repo", str(repo)]
    header("1. The sample (2 meetings), through the CLI; medians")
    check_cases(repository(work / "sample-check"), runs + 4, before)
    cold = measured(build, runs, before=lambda: shutil.rmtree(repo / "build", ignore_errors=True))
    unchanged = measured(build, runs + 2)
    row(f"cold build ({cold[0].written} files)", cold)
    row("unchanged rebuild", unchanged,
        f"{median(unchanged, 'wall') / median(cold, 'wall'):.0%} of cold")


def edits(work: Path) -> None:
    repo = work / "sample"
    build = [NUFA, "build", "--repo", str(repo)]
    header("3. Edits of the sample, after a build (git repository; one build each)")
    note = edit_toppnotat(repo)
    git(repo, "commit", "-q", "-am", "edit one toppnotat")
    committed = measure(build)
    row(f"committed edit of {note.name}", [committed], f"{committed.written} files rewritten")
    note = edit_toppnotat(repo, 1)
    uncommitted = measure(build)
    row(f"uncommitted edit of {note.name}", [uncommitted],
        f"{uncommitted.written} files rewritten")


def render_markdown(repo: Path, folder: Path) -> list[Path]:
    """The sample's documents as nufa renders them: folder/list.txt and a .md file each;
    returns each document's resource folder, in list order."""
    from nufa_cli.check.validate import check
    from nufa_cli.render.documents import meeting_documents
    from nufa_cli.render.renderer import Renderer

    loaded, _ = check(repo)
    renderer = Renderer(loaded)
    lines, roots = [], []
    for meeting in loaded.meetings:
        for doc in meeting_documents(loaded, meeting, renderer):
            sak = f"-{doc.sak.n}-{doc.sak.year}" if doc.sak else ""
            name = f"{meeting.folder}-{doc.kind}{sak}"
            (folder / f"{name}.md").write_text(doc.markdown, encoding="utf-8")
            lines.append(f"{name}\t{doc.title}\t{doc.header}\n")
            roots.append(doc.resource_root)
    (folder / "list.txt").write_text("".join(lines), encoding="utf-8")
    (folder / "roots.txt").write_text("".join(f"{r}\n" for r in roots), encoding="utf-8")
    return roots


def floor(folder: Path) -> None:
    """The floor itself (run as a child by against_floor): pandoc lua, then one compiler."""
    import pypandoc
    import typst

    from nufa_cli.convert.converter import READER
    from nufa_cli.core.root import builtin_templates

    templates = builtin_templates()
    subprocess.run([pypandoc.get_pandoc_path(), "lua", str(TOOLS / "bench_floor.lua"),
                    str(folder), READER, str(templates)], check=True)
    compiler = typst.Compiler(font_paths=[str(templates / "fonts")], ignore_system_fonts=True)
    names = [line.split("\t")[0] for line in (folder / "list.txt").read_text().splitlines()]
    roots = (folder / "roots.txt").read_text(encoding="utf-8").splitlines()
    for name, root in zip(names, roots, strict=True):
        # the typst root is the meeting folder, as in nufa; the file is given as bytes
        compiler.compile(input=(folder / f"{name}.typ").read_bytes(), format="pdf",
                         pdf_standards=["ua-1"], root=root)


def latex(folder: Path, engine: str) -> None:
    """Each rendered Markdown file through `pandoc --pdf-engine=engine` (run as a child)."""
    import pypandoc

    failed = 0
    for line in (folder / "list.txt").read_text(encoding="utf-8").splitlines():
        name = line.split("\t")[0]
        done = subprocess.run([pypandoc.get_pandoc_path(), str(folder / f"{name}.md"),
                               f"--pdf-engine={engine}", "-o", str(folder / f"{name}.{engine}.pdf")],
                              capture_output=True, check=False)
        failed += done.returncode != 0
    print(failed)


def against_floor(work: Path, runs: int) -> None:
    repo = work / "sample"
    only = [arg for kind in DOCUMENT_KINDS for arg in ("--only", kind)]
    out = work / "documents"
    header("2. CPU of the sample's documents (DOCX + PDF, no packets or calendars); medians")
    ours = measured([NUFA, "build", "--repo", str(repo), "--out", str(out), *only], runs,
                    before=lambda: shutil.rmtree(out, ignore_errors=True))
    folder = work / "floor"
    folder.mkdir()
    count = len(render_markdown(repo, folder))
    bare = measured([sys.executable, __file__, "--floor", str(folder)], runs)
    row(f"nufa build, {ours[0].written} files", ours,
        f"{median(ours, 'cpu') / median(bare, 'cpu'):.2f}x the floor's CPU")
    row(f"floor: one pandoc lua + one typst, {count} docs", bare)
    for engine in ("pdflatex", "xelatex"):
        if shutil.which(engine) is None:
            print(f"  pandoc --pdf-engine={engine:<23} not installed")
            continue
        tex = measure([sys.executable, __file__, "--latex", engine, str(folder)])
        failed = int(tex.stdout.strip() or 0)
        row(f"pandoc --pdf-engine={engine} (PDF only)", [tex],
            f"{tex.cpu / median(bare, 'cpu'):.2f}x the floor; {failed} of {count} failed")


def scale(work: Path, sizes: Sequence[int], check_only: Sequence[int], runs: int,
          before: str | None, citations: int = 0) -> None:
    header("4. A generated archive, 12 saker a meeting (tools/archive.py)")
    base: dict[str, Run] = {}
    for meetings in sorted({*sizes, *check_only}):
        repo = repository(work / f"archive-{meetings}", archive.archive_files(meetings))
        if meetings in check_only and citations:  # as issue 14 measured: every toppnotat cites
            cited = repository(work / f"archive-{meetings}-cited",
                               archive.archive_files(meetings, citations=citations))
            check_cases(cited, runs, before,
                        f"{meetings:>3} cited x{citations}: nufa check")

        def memory(case: str, check: list[Run]) -> str:
            if case != "no cache":
                return ""
            first = base.setdefault("check", check[0])
            return f"memory {max(r.peak for r in check) / first.peak:.2f}x of {sorted(sizes)[0]}"

        check_cases(repo, runs, before, f"{meetings:>3} meetings: nufa check", memory)
        if meetings not in sizes:
            continue
        cold = measure([NUFA, "build", "--repo", str(repo)])
        first = base.setdefault("build", cold)
        row(f"{meetings:>3} meetings: cold build, {cold.written} files", [cold],
            f"time {cold.wall / first.wall:.1f}x, memory {cold.peak / first.peak:.2f}x")
        if meetings == 10:
            note = edit_toppnotat(repo, 5)
            git(repo, "commit", "-q", "-am", "edit one toppnotat")
            edit = measure([NUFA, "build", "--repo", str(repo)])
            row(f"{meetings:>3} meetings: committed edit of one toppnotat", [edit],
                f"{edit.written} of {cold.written} files rewritten ({note.name})")


def commit(work: Path, runs: int) -> None:
    from nufa_cli.build import journal
    from nufa_cli.core import swap

    print("\n5. A build's commit: 200 meetings of 40 files of 50 KB (median of "
          f"{runs}, in process)")
    data = b"x" * 50_000
    timings: dict[tuple[str, int], list[float]] = {}
    for attempt in range(runs):
        for way, exchanges in (("folders exchanged", True), ("files moved one by one", False)):
            for changed in (1, 200):
                out = work / f"commit-{attempt}-{exchanges}-{changed}"
                for meeting in range(200):
                    (out / f"m{meeting:03}").mkdir(parents=True)
                    for file in range(40):
                        (out / f"m{meeting:03}/f{file}.pdf").write_bytes(data)
                staged = Path(tempfile.mkdtemp(prefix=journal.STAGING, dir=out))
                moves = {}
                for meeting in range(changed):
                    for file in range(40):
                        (staged / f"{meeting}-{file}").write_bytes(data[::-1] + b"y")
                        moves[out / f"m{meeting:03}/f{file}.pdf"] = staged / f"{meeting}-{file}"
                real = swap.supported
                swap.supported = real if exchanges else (lambda scratch: False)  # type: ignore[assignment]
                try:
                    began = time.perf_counter()
                    journal.replace(out, moves)
                    timings.setdefault((way, changed), []).append(time.perf_counter() - began)
                finally:
                    swap.supported = real  # type: ignore[assignment]
                shutil.rmtree(out)
    for (way, changed), seconds in timings.items():
        print(f"  {changed:>3} meeting(s) changed, {way:<29} {statistics.median(seconds):7.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, nargs="+", default=[2, 10, 50])
    parser.add_argument("--check-only", type=int, nargs="*", default=[200],
                        help="archive sizes for nufa check alone")
    parser.add_argument("--citations", type=int, default=20, metavar="N",
                        help="also check the --check-only archives with N tidligere_behandlinger "
                        "in every toppnotat (0: not)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sections", type=int, nargs="+", default=[1, 2, 3, 4, 5],
                        help="which of the sections above to run (3 needs 1)")
    parser.add_argument("--before", metavar="NUFA",
                        help="another nufa's console script to compare nufa check with")
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--latex", nargs=2, metavar=("ENGINE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        floor(args.floor)
        return 0
    if args.latex:
        latex(Path(args.latex[1]), args.latex[0])
        return 0
    os.environ.pop("SOURCE_DATE_EPOCH", None)  # dates from git, as a secretariat builds
    started = time.perf_counter()
    print(f"nufa bench: {os.cpu_count()} cores; {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="nufa-bench-") as tmp:
        work = Path(tmp)
        if 1 in args.sections or 3 in args.sections:
            sample(work, args.runs, args.before)
        if 2 in args.sections:
            if not (work / "sample").is_dir():
                repository(work / "sample")
            against_floor(work, args.runs)
        if 3 in args.sections:
            edits(work)
        if 4 in args.sections:
            scale(work, args.meetings, args.check_only, args.runs, args.before, args.citations)
        if 5 in args.sections:
            commit(work, args.runs)
    print(f"\nbench took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
