"""Inputs an attacker found that broke the README's promises, one regression test each.

The promises: no traceback for any input; every bad input gets file:line:col and exit 1;
a failed build leaves earlier outputs as they were and writes only inside the output
folder; check and build finish within seconds. Each test names the input, the exit code,
the diagnostic code and where it points, and that earlier outputs are intact where a build
was involved.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import (
    AGENDA2,
    KILL_MID_COMMIT,
    PLAN,
    PROJECT,
    FileContent,
    Nufa,
    line_of,
    pdf_file,
    pdf_stream,
    replace_once,
    tree_hashes,
    valid_repo,
)

pytestmark = pytest.mark.render  # most of them build; those that only check say unit

Files = dict[str, FileContent]
MakeRepo = Callable[[Files], Path]


def edited(path: str, old: str, new: str) -> Files:
    files = valid_repo()
    text = files[path]
    assert isinstance(text, str)
    files[path] = replace_once(text, old, new)
    return files


def located(err: str, out: str = "") -> list[tuple[str, int, int, str]]:
    """(path, line, col, code) of each diagnostic printed, in order."""
    import re

    found = re.findall(r"^(\S+?):(\d+):(\d+): (?:error|warning)\[([\w-]+)\]", out + err,
                       re.MULTILINE)
    return [(p, int(line), int(col), code) for p, line, col, code in found]


def outputs(build: Path) -> dict[str, str]:
    """The documents and the manifest under build/, without the cache (which a failed build
    may drop: it is safe to delete)."""
    return {rel: h for rel, h in tree_hashes(build).items() if not rel.startswith(".nufa-cache")}


def built_then_edited(sample: Path, nufa: Callable[..., tuple[int, str, str]]) -> dict[str, str]:
    """Build the sample, then move meeting 2/24 elsewhere (its next build rewrites its
    documents): the outputs as built, which a failed commit must leave in place."""
    assert nufa("build", "--repo", str(sample), "-q")[0] == 0
    before = outputs(sample / "build")
    agenda = sample / "meetings/2024-04-24/agenda.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8").replace(
        "sted: Scandic Ishavshotel, Tromsø", "sted: Radisson Blu, Tromsø"), encoding="utf-8")
    return before


@pytest.fixture
def nufa(monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714000000")
    return Nufa(monkeypatch, capsys)


# -- A. internal errors become located diagnostics or clean errors ---------------------------


@pytest.mark.parametrize(("path", "old"), [
    (AGENDA2, "varighet: 45"),
    ("nufa.yaml", "sekretariat: Helsedirektoratet"),
    ("meetings/2024-04-24/toppnotater/5-24-tannhelse.md", "saksbehandler: Bjørnar Hafell"),
], ids=["agenda", "nufa-yaml", "front-matter"])
def test_a_number_past_pythons_int_limit_is_located(
        path: str, old: str, make_repo: MakeRepo, nufa: Callable[..., tuple[int, str, str]]) -> None:
    key = old.split(":")[0]
    files = edited(path, old, f"{key}: " + "9" * 5000)
    root = make_repo(files)
    code, out, err = nufa("check", str(root))
    assert code == 1, out + err
    text = files[path]
    assert isinstance(text, str)
    line = line_of(text, "9" * 5000)
    col = text.split("\n")[line - 1].index("9" * 5000) + 1
    assert located(err, out) == [(path, line, col, "invalid-value"),
                                 (path, line, col, "word-too-long")]  # a "word" of 5000 digits
    assert "a number of 5000 digits" in out


def deep_pdf(depth: int = 5000) -> bytes:
    """10 KB: a page whose content stream nests arrays 5000 deep."""
    return pdf_file(b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                    b"/Resources << >> >>",
                    pdf_stream(b"[" * depth + b"]" * depth + b" pop"))


def test_a_deeply_nested_pdf_vedlegg_is_refused_by_check(
        make_repo: MakeRepo, nufa: Callable[..., tuple[int, str, str]]) -> None:
    files = valid_repo()
    root = make_repo(files)
    assert nufa("build", "--repo", str(root), "--format", "pdf")[0] == 0
    before = outputs(root / "build")
    (root / PLAN).write_bytes(deep_pdf())
    where = (AGENDA2, line_of(str(files[AGENDA2]), "fil: vedlegg/plan.pdf"), 18, "vedlegg-pdf")
    code, out, err = nufa("check", str(root))
    assert (code, located(err, out)) == (1, [where])
    assert "nested too deeply" in out
    code, out, err = nufa("build", "--repo", str(root), "--format", "pdf")
    assert (code, located(err, out)) == (1, [where])
    assert "internal error" not in err
    assert outputs(root / "build") == before


def test_site_on_a_read_only_file_system_is_a_clean_error(
        valid_root: Path, nufa: Callable[..., tuple[int, str, str]]) -> None:
    """/sys refuses every new folder (EPERM), like a read-only mount."""
    code, _, err = nufa("site", "--repo", str(valid_root), "--no-build", "--out",
                          "/sys/nufa-site")
    assert code == 1, err
    assert err.startswith("error: could not write the site to /sys/nufa-site: Operation not "
                          "permitted"), err
    code, _out, err = nufa("build", "--repo", str(valid_root), "--out", "/sys/nufa-build")
    assert code == 1, err
    assert err.startswith("error: could not write the output folder /sys/nufa-build: "
                          "Operation not permitted"), err


def test_a_corrupt_reference_docx_is_located_not_a_haskell_backtrace(
        make_repo: MakeRepo, nufa: Callable[..., tuple[int, str, str]]) -> None:
    files = edited("nufa.yaml", "sakstyper:", "maler: maler/\nsakstyper:")
    files["maler/reference.docx"] = b"garbage\n"
    root = make_repo(files)
    code, _out, err = nufa("build", "--repo", str(root), "--format", "docx")
    assert code == 1
    assert err.startswith("maler/reference.docx: error[maler-file]: the committee's "
                          "reference.docx cannot be used: it is not a DOCX file"), err
    assert "CallStack" not in err and "Haskell" not in err
    assert not (root / "build").exists() or not list((root / "build").rglob("*.docx"))


def test_pandoc_call_stacks_are_cut_from_its_messages(tmp_path: Path) -> None:
    """Whatever else kills the worker, its Haskell call stack is not shown to a user."""
    from nufa_cli.convert.converter import Converter, ConvertError
    from nufa_cli.convert.job import Job
    from nufa_cli.core.root import builtin_templates

    templates = tmp_path / "templates"
    import shutil

    shutil.copytree(builtin_templates(), templates)
    (templates / "reference.docx").write_bytes(b"garbage\n")
    job = Job(markdown="Tekst.\n", title="T", header="H", resource_root=tmp_path)
    with Converter([templates], 1714000000) as converter, pytest.raises(ConvertError) as raised:
        converter.docx(job)
    assert "end of central directory" in raised.value.message
    assert "CallStack" not in raised.value.message
    assert "backtrace" not in raised.value.message


def test_write_failures_exit_1(valid_root: Path, nufa: Callable[..., tuple[int, str, str]]) -> None:
    """A build whose output cannot be written is a failed build (README: exit 1), and the
    outputs before it stay; a folder where a document goes is such a failure."""
    assert nufa("build", "--repo", str(valid_root))[0] == 0
    before = outputs(valid_root / "build")
    (valid_root / "meetings/2024-04-24/agenda.yaml").write_text(
        str(valid_repo()[AGENDA2]).replace("tittel: Middag", "tittel: Middag i byen"),
        encoding="utf-8")
    target = valid_root / "build/2024-04-24/innkalling.pdf"
    target.unlink()
    target.mkdir()
    before.pop("2024-04-24/innkalling.pdf")
    before["2024-04-24/innkalling.pdf"] = "dir"
    code, _out, err = nufa("build", "--repo", str(valid_root))
    assert code == 1, err
    assert "could not write to" in err and "earlier outputs are unchanged" in err
    assert outputs(valid_root / "build") == before


# -- B. every input the build refuses, check refuses first, with file:line:col --------------
# (the check side of each, with its exact place, is a case of tests/test_check_rules.py)

TOPPNOTAT = "meetings/2024-04-24/toppnotater/5-24-tannhelse.md"
END = "tilbake til NUFA."


@pytest.mark.parametrize("rule", ["***", "---", "* * *"])
def test_a_horizontal_rule_builds_in_every_format(
        rule: str, make_repo: MakeRepo, nufa: Callable[..., tuple[int, str, str]]) -> None:
    """A thematic break is legitimate Markdown: the typst template defines horizontalrule."""
    root = make_repo(edited(TOPPNOTAT, END, f"{END}\n\n{rule}\n\nEtter streken."))
    assert nufa("check", str(root))[0] == 0
    code, _, err = nufa("build", "--repo", str(root), "--only", "toppnotat")
    assert code == 0, err
    from pypdf import PdfReader

    text = PdfReader(root / "build/2024-04-24/toppnotat-5-24.pdf").pages[0].extract_text()
    assert "Etter streken." in text


@pytest.mark.parametrize(("old", "new", "code"), [
    (END, f"{END}\n\n<div>x</div>", "raw-html"),
    ("## Videre saksprosess", "## Videre {#v}\n\n## Mer {#v}", "id-duplicate"),
    ("[^tall]: Tall fra fylkeskommunene.\n", "[^tall]: Tall fra fylkeskommunene.\n[^tall]: To.\n",
     "footnote-duplicate"),
    (END, f"{END}\n\n# {{#x}}", "heading-empty"),
    (END, f"{END}\n\n- punkt\n\n  #### Dyp", "heading-level"),
    (END, f"{END}\n\n" + ">" * 200 + " dypt", "markdown-limit"),
], ids=["html-block", "duplicate-id", "duplicate-footnote", "empty-heading", "heading-in-list",
        "nesting-200"])
def test_what_the_build_refuses_check_refuses_first(
        old: str, new: str, code: str, make_repo: MakeRepo,
        nufa: Callable[..., tuple[int, str, str]]) -> None:
    root = make_repo(valid_repo())
    assert nufa("build", "--repo", str(root), "--only", "toppnotat")[0] == 0
    before = outputs(root / "build")
    path = root / TOPPNOTAT
    path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    status, out, err = nufa("build", "--repo", str(root), "--only", "toppnotat")
    assert status == 1
    found = located(err, out)
    assert [c for *_, c in found] == [code], err
    assert found[0][0] == TOPPNOTAT and found[0][1] > 1
    assert outputs(root / "build") == before


# -- C. bounded time and memory ----------------------------------------------------------------


@pytest.mark.parametrize(("path", "old", "new", "code"), [
    (TOPPNOTAT, END, END + "\n\n" + "[a](" * 20_000, "line-too-long"),
    (TOPPNOTAT, END, END + "\n\n" + "[" * 50_000, "line-too-long"),
    (TOPPNOTAT, END, END + "\n\n" + "<a " * 30_000, "line-too-long"),
    (TOPPNOTAT, END, END + " " + "x" * 200_000, "line-too-long"),
    (AGENDA2, "sted: Scandic Ishavshotel, Tromsø", "sted: " + "x" * 400_000, "line-too-long"),
    (TOPPNOTAT, END, END + "\n\n" + "[a](\n" * 400, "markdown-limit"),
    # under the line limit: a word typst takes 0.9 s over, and that stops the PDF/A
    (TOPPNOTAT, END, END + "\n\nSe " + "x" * 17_000, "word-too-long"),
    (AGENDA2, '      - tid: "19:00"\n        tittel: Middag\n',
     "".join(f'      - tid: "19:00"\n        tittel: Rad {i}\n' for i in range(30_000)),
     "invalid-value"),
], ids=["links-80kB", "brackets-50k", "tags-30k", "word-200kB", "sted-400kB", "links-multiline",
        "word-17k", "rows-30k"])
def test_what_would_take_the_build_minutes_is_refused_at_once(
        path: str, old: str, new: str, code: str, make_repo: MakeRepo,
        nufa: Callable[..., tuple[int, str, str]]) -> None:
    import time

    root = make_repo(valid_repo())
    assert nufa("build", "--repo", str(root), "--only", "toppnotat")[0] == 0
    before = outputs(root / "build")
    source = root / path
    source.write_text(replace_once(source.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    started = time.monotonic()
    status, out, err = nufa("build", "--repo", str(root), "--only", "toppnotat")
    assert time.monotonic() - started < 30  # each took the build past 60 s before
    assert status == 1
    found = located(err, out)
    assert [(p, c) for p, _, _, c in found] == [(path, code)], err
    assert outputs(root / "build") == before


def many_pages_pdf(count: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(count))
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
            b"/Resources << >> >>")
    return pdf_file(b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
                    pdf_stream(b""), *[page] * count)


def test_a_pdf_vedlegg_of_20000_pages_is_refused(
        make_repo: MakeRepo, nufa: Callable[..., tuple[int, str, str]]) -> None:
    files = valid_repo()
    files[PLAN] = many_pages_pdf(20_000)
    root = make_repo(files)
    code, out, err = nufa("check", str(root))
    where = (AGENDA2, line_of(str(files[AGENDA2]), "fil: vedlegg/plan.pdf"), 18, "vedlegg-pdf")
    assert (code, located(err, out)) == (1, [where])
    assert "has 20000 pages; a PDF vedlegg has at most 500" in out


def test_pandoc_is_stopped_past_its_time_and_the_document_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Behind check's limits: whatever else keeps pandoc busy, one document gets TIMEOUT."""
    from nufa_cli.convert import pandoc_worker
    from nufa_cli.convert.converter import Converter, ConvertError
    from nufa_cli.convert.job import Job
    from nufa_cli.core.root import builtin_templates

    monkeypatch.setattr(pandoc_worker, "TIMEOUT", 2.0)
    slow = Job(markdown="[a](" * 400, title="Sakte", header="H", resource_root=tmp_path)
    with Converter([builtin_templates()], 1714000000) as converter:
        with pytest.raises(ConvertError) as raised:
            converter.pdf(slow)
        assert raised.value.message == ("PDF «Sakte»: pandoc: pandoc took longer than 2 s on "
                                        "this document and was stopped")
        fine = Job(markdown="Tekst.\n", title="Rask", header="H", resource_root=tmp_path)
        assert converter.pdf(fine).startswith(b"%PDF")  # a new worker takes the next one


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


SLOW_CONVERSION = """
import sys
from pathlib import Path
from nufa_cli.convert.converter import Converter
from nufa_cli.convert.job import Job
from nufa_cli.core.root import builtin_templates
root = Path(sys.argv[1])
with Converter([builtin_templates()], 1714000000) as converter:
    if sys.argv[2] == "pandoc":
        converter.pdf(Job(markdown="[a](" * 400, title="Sakte", header="H", resource_root=root))
    else:  # typst: a large table's source written, then compiled over and over
        table = "| A | B |\\n|---|---|\\n" + "| x | y |\\n" * 4000
        source = converter.typst_source(Job(markdown=table, title="T", header="H",
                                            resource_root=root))
        while True:
            converter.compile_typst(source, root, "T")
"""


@pytest.mark.parametrize(("program", "marker"), [("pandoc", b"pandoc"),
                                                 ("typst", b"typst_child")])
def test_a_killed_nufa_leaves_no_worker_running(program: str, marker: bytes,
                                                tmp_path: Path) -> None:
    """nufa SIGKILLed while its pandoc or typst worker is busy on a document (pandoc on one
    that would keep it busy for minutes: a worker notices its closed input only between
    documents)."""
    import signal
    import subprocess
    import time

    parent = subprocess.Popen([sys.executable, "-c", SLOW_CONVERSION, str(tmp_path), program])
    workers: set[int] = set()
    deadline = time.monotonic() + 30
    while not workers and time.monotonic() < deadline and parent.poll() is None:
        workers = {pid for pid in _children(parent.pid) if marker in
                   (Path("/proc") / str(pid) / "cmdline").read_bytes()}
        time.sleep(0.05)
    assert workers, f"no {program} worker was seen"
    time.sleep(1)  # well into the document
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [pid for pid in workers if _alive(pid)]
    for pid in survivors:  # clean up after a failure: the test's own children only
        import os

        os.kill(pid, signal.SIGKILL)
    assert not survivors


# A table typst takes a second or two and some 500 MB to lay out (pandoc reads it at once):
# past a limit made small for the test, as any document past the real one.
BIG_TABLE = "| A | B | C |\n|---|---|---|\n" + "".join(
    f"| {i} | tekst {i} | mer tekst her {i} |\n" for i in range(4000))


@pytest.mark.parametrize(("limit", "value", "message"), [
    ("TIMEOUT", 0.5, "typst took longer than 0.5 s on this document and was stopped"),
    ("MEMORY", 100 << 20, "typst needed more than 100 MB of memory on this document and was "
                          "stopped"),
])
def test_typst_is_stopped_past_its_limits_and_the_document_named(
        limit: str, value: float, message: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """typst compiles in a worker process of its own: past its time or memory for one
    document, the worker is stopped, the document named, and a new worker takes the next.
    (The memory limit is the worker's from its start, the time limit each document's.)"""
    from nufa_cli.convert import typst_child
    from nufa_cli.convert.converter import Converter, ConvertError
    from nufa_cli.convert.job import Job
    from nufa_cli.core.root import builtin_templates

    fine = Job(markdown="Tekst.\n", title="Rask", header="H", resource_root=tmp_path)
    if limit == "MEMORY":
        monkeypatch.setattr(typst_child, limit, value)
    with Converter([builtin_templates()], 1714000000) as converter:
        assert converter.pdf(fine).startswith(b"%PDF")  # the worker is up: its start not timed
        monkeypatch.setattr(typst_child, limit, value)
        with pytest.raises(ConvertError) as raised:
            converter.pdf(Job(markdown=BIG_TABLE, title="Stor", header="H",
                              resource_root=tmp_path))
        assert raised.value.message == f"PDF «Stor»: {message}"
        monkeypatch.undo()
        assert converter.pdf(fine).startswith(b"%PDF")


def test_a_build_past_typsts_time_names_the_document_and_keeps_the_earlier_outputs(
        valid_root: Path, nufa: Callable[..., tuple[int, str, str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from nufa_cli.convert import typst_child

    only = ("--only", "toppnotat")  # the documents that hold it: the others take time only
    assert nufa("build", "--repo", str(valid_root), "-q", *only)[0] == 0
    before = outputs(valid_root / "build")
    note = valid_root / TOPPNOTAT
    note.write_text(note.read_text(encoding="utf-8") + "\n" + BIG_TABLE, encoding="utf-8")
    assert nufa("check", str(valid_root))[0] == 0  # nothing check could refuse
    monkeypatch.setattr(typst_child, "TIMEOUT", 0.5)
    code, out, err = nufa("build", "--repo", str(valid_root), *only)
    assert (code, out) == (1, "")
    assert err.endswith("error: PDF «Toppnotat 5/24 Digitalisering av Den offentlige "
                        "tannhelsetjenesten»: typst took longer than 0.5 s on this document "
                        "and was stopped\n"), err
    assert outputs(valid_root / "build") == before


def test_citations_are_looked_up_by_index(tmp_path: Path) -> None:
    """tools/bench_check.py's archive, every toppnotat citing the 20 saker before it: five
    times the saker takes about five times as long to check and list, not 25 times."""
    import sys
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    import bench_check

    from nufa_cli.check.validate import check
    from nufa_cli.model import history

    timings = []
    for years in (1, 5):
        root = tmp_path / f"archive-{years}"
        bench_check.write_archive(root, years, citations=20)
        started = time.perf_counter()
        repo, diagnostics = check(root)
        history.as_csv(history.all_cases(repo))
        timings.append(time.perf_counter() - started)
        assert diagnostics == []
    assert timings[1] / timings[0] < 12, timings


# -- D. one rule for symbolic links ----------------------------------------------------------


@pytest.mark.parametrize("source", [
    "meetings/2024-01-24/referat.md", "meetings/2024-04-24/agenda.yaml", "medlemmer.yaml",
    "nufa.yaml", "meetings/2024-04-24", "meetings", TOPPNOTAT,
])
def test_no_source_behind_a_symbolic_link_is_read(
        source: str, tmp_path: Path, make_repo: MakeRepo,
        nufa: Callable[..., tuple[int, str, str]]) -> None:
    """Each moved outside the repository and linked back: its content would reach the
    documents. Every one gets the same diagnostic, and the build writes nothing."""
    import shutil

    root = make_repo(valid_repo())
    outside = tmp_path / "elsewhere" / Path(source).name
    outside.parent.mkdir()
    shutil.move(root / source, outside)
    (root / source).symlink_to(outside)
    code, _, err = nufa("build", "--repo", str(root))
    assert code == 1
    import re

    errors = re.findall(r"^(\S+?)(?::(\d+):\d+)?: error\[([\w-]+)\]", err, re.MULTILINE)
    if source == TOPPNOTAT:  # named where the agenda names it
        line = line_of(str(valid_repo()[AGENDA2]), "toppnotat: toppnotater/5-24-tannhelse.md")
        assert errors == [(AGENDA2, str(line), "source-symlink")], err
    else:
        assert errors == [(source, "", "source-symlink")], err
    assert not (root / "build").exists()


@pytest.mark.parametrize("link", ["maler", "maler/reference.docx", "maler/lang/nb.yaml"])
def test_the_committees_templates_follow_the_symlink_rule_too(
        link: str, tmp_path: Path, make_repo: MakeRepo,
        nufa: Callable[..., tuple[int, str, str]]) -> None:
    """Main's own-templates folder and its language catalogue: files the build reads."""
    import shutil

    files = valid_repo()
    files["nufa.yaml"] = f"{files['nufa.yaml']}maler: maler/\n"
    files["maler/reference.docx"] = (PROJECT / "templates/reference.docx").read_bytes()
    files["maler/lang/nb.yaml"] = "møte_i: Møte i {kortnavn}\n"
    root = make_repo(files)
    outside = tmp_path / "elsewhere" / Path(link).name
    outside.parent.mkdir()
    shutil.move(root / link, outside)
    (root / link).symlink_to(outside)
    code, _, err = nufa("build", "--repo", str(root))
    errors = re.findall(r"^(\S+?)(?::(\d+):\d+)?: error\[([\w-]+)\]", err, re.MULTILINE)
    assert (code, errors) == (1, [(link, "", "source-symlink")]), err
    assert not (root / "build").exists()


# -- E. side findings --------------------------------------------------------------------------


def test_a_javascript_or_file_link_is_refused_by_check(
        make_repo: MakeRepo, nufa: Callable[..., tuple[int, str, str]]) -> None:
    files = edited(TOPPNOTAT, END, END + " [Klikk](javascript:alert(1)) og [fil](file:///etc/passwd)")
    root = make_repo(files)
    code, out, err = nufa("check", str(root))
    line = line_of(str(files[TOPPNOTAT]), "javascript:")
    assert (code, located(err, out)) == (1, [(TOPPNOTAT, line, 1, "link-scheme")] * 2)


@pytest.mark.parametrize("target", ["javascript:alert(1)", "file:///etc/passwd",
                                    "JavaScript:alert(1)", "vedlegg/plan.pdf"])
def test_only_web_mail_and_inner_links_stay_clickable(target: str, tmp_path: Path) -> None:
    """Behind check: the filters make any other link its text, in PDF, DOCX and HTML alike."""
    import io
    import zipfile

    from pypdf import PdfReader

    from nufa_cli.convert.converter import Converter
    from nufa_cli.convert.job import Job
    from nufa_cli.core.root import builtin_templates

    job = Job(markdown=f"[Farlig]({target}) og [Trygg](https://www.ehelse.no/).\n", title="T",
              header="H", resource_root=tmp_path)
    with Converter([builtin_templates()], 1714000000) as converter:
        pdf, docx, html = converter.pdf(job), converter.docx(job), converter.html(job)
    uris = [str(a.get_object()["/A"].get("/URI")) for page in PdfReader(io.BytesIO(pdf)).pages
            for a in page.get("/Annots") or [] if "/A" in a.get_object()]
    assert uris == ["https://www.ehelse.no/"]
    with zipfile.ZipFile(io.BytesIO(docx)) as parts:
        rels = parts.read("word/_rels/document.xml.rels").decode()
    assert "https://www.ehelse.no/" in rels and target not in rels
    assert "Farlig" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert re.findall(r'href="([^"]*)"', html.decode()) == ["https://www.ehelse.no/"]
    assert "Farlig" in html.decode()


def test_control_characters_from_sources_are_escaped_on_the_terminal(
        make_repo: MakeRepo, nufa: Callable[..., tuple[int, str, str]]) -> None:
    files = edited(AGENDA2, "status: utkast", 'status: "utkast\\e[2J\\e]0;pwned\\a"')
    root = make_repo(files)
    code, out, err = nufa("check", str(root))
    assert code == 1
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in out


def test_a_control_character_in_a_printed_text_is_refused_by_check(
        make_repo: MakeRepo, nufa: Callable[..., tuple[int, str, str]]) -> None:
    """A title with ESC and BEL passed check, then stopped the PDF ("could not be displayed
    with font Carlito") and reached the terminal raw through nufa list."""
    files = edited(TOPPNOTAT, "tittel: Digitalisering av Den offentlige tannhelsetjenesten",
                   'tittel: "Digitalisering\\e]0;pwned\\a"')
    root = make_repo(files)
    code, out, err = nufa("check", str(root))
    line = line_of(str(files[TOPPNOTAT]), "pwned")
    assert (code, located(err, out)) == (1, [(TOPPNOTAT, line, 9, "unprintable")] * 2)
    assert "the control character U+001B cannot be printed" in out
    assert "\x1b" not in out + err and "\x07" not in out + err


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(
        make_repo: MakeRepo, nufa: Callable[..., tuple[int, str, str]]) -> None:
    files = edited(AGENDA2, "tittel: Helse i nord", 'tittel: "=HYPERLINK(\\"https://x\\")"')
    files = {**files, AGENDA2: replace_once(
        str(files[AGENDA2]), "tittel: Eventuelt", 'tittel: "@SUM(1+1)"')}
    root = make_repo(files)
    code, out, _ = nufa("list", "--repo", str(root), "--format", "csv")
    assert code == 0
    import csv
    import io

    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(out))}
    assert "'=HYPERLINK(\"https://x\")" in rows and "'@SUM(1+1)" in rows
    assert not [title for title in rows if title[:1] in "=+-@"]


def test_varighet_true_is_not_one_minute(
        make_repo: MakeRepo, nufa: Callable[..., tuple[int, str, str]]) -> None:
    files = edited(AGENDA2, "varighet: 45", "varighet: true")
    code, out, err = nufa("check", str(make_repo(files)))
    line = line_of(str(files[AGENDA2]), "varighet: true")
    assert (code, located(err, out)) == (1, [(AGENDA2, line, 19, "wrong-type")])


# -- F. outputs that match the sources, all or nothing for real ------------------------------


def _site_files(root: Path) -> dict[str, str]:
    import hashlib

    site = root / "build" / "site"
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in site.rglob("*") if p.is_file() and p.suffix in (".pdf", ".docx")}


def _members_files(root: Path, meeting: str) -> set[str]:
    import hashlib

    folder = root / "build" / meeting
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.*")}


def test_a_build_removes_what_it_no_longer_makes_and_nothing_else(
        sample: Path, nufa: Callable[..., tuple[int, str, str]]) -> None:
    assert nufa("build", "--repo", str(sample), "-q")[0] == 0
    folder = sample / "build/2024-04-24"
    (folder / "notater.txt").write_text("mine\n", encoding="utf-8")  # not nufa's: stays
    agenda = sample / "meetings/2024-04-24/agenda.yaml"
    text = agenda.read_text(encoding="utf-8")
    start = text.index("      - sak: 17/24")
    agenda.write_text(text[:start] + text[text.index("\n      - ", start + 5) + 1:],
                      encoding="utf-8")
    (sample / "meetings/2024-04-24/toppnotater/17-24-bti.md").unlink()
    assert nufa("renumber", "2024-04-24", "--repo", str(sample))[0] == 1  # endelig: refused
    agenda.write_text(agenda.read_text(encoding="utf-8").replace("status: endelig",
                                                                 "status: utkast"),
                      encoding="utf-8")
    assert nufa("renumber", "2024-04-24", "--repo", str(sample))[0] == 0
    code, out, err = nufa("build", "--repo", str(sample))
    assert code == 0, err
    assert "toppnotat-18-24.pdf (no longer made from the sources)" in out
    import json

    manifest = json.loads((sample / "build/.nufa-manifest.json").read_text(encoding="utf-8"))
    names = {p.relative_to(sample / "build").as_posix() for p in (sample / "build").rglob("*.*")
             if ".nufa-cache" not in p.parts and p.name != ".nufa-manifest.json"}
    assert names == set(manifest) | {"2024-04-24/notater.txt"}
    assert not list(folder.glob("toppnotat-18-24.*"))  # the temadag is 17/24 now
    assert (folder / "toppnotat-17-24.pdf").exists()


def test_a_referat_withdrawn_takes_its_saksutskrifter_along(
        sample: Path, nufa: Callable[..., tuple[int, str, str]]) -> None:
    """Main's saksutskrift, one per sak of a meeting with a referat: the referat gone, the
    next build removes them (and the referat's own files), the site publishes none."""
    assert nufa("build", "--repo", str(sample), "-q")[0] == 0
    folder = sample / "build/2024-01-24"
    assert len(list(folder.glob("saksutskrift-*-24.pdf"))) == 10
    (sample / "meetings/2024-01-24/referat.md").unlink()
    agenda = sample / "meetings/2024-04-24/agenda.yaml"
    agenda.write_text(replace_once(agenda.read_text(encoding="utf-8"),
                                   "        vedlegg:\n          - referat: 2024-01-24\n", ""),
                      encoding="utf-8")
    code, out, err = nufa("build", "--repo", str(sample))
    assert code == 0, err
    assert re.search(r"^removed \S*/2024-01-24/saksutskrift-10-24\.pdf \(no longer made from "
                     r"the sources\)$", out, re.MULTILINE), out
    assert not list(folder.glob("saksutskrift-*")) and not list(folder.glob("referat.*"))
    code, _, err = nufa("site", "--repo", str(sample), "-q")
    assert code == 0, err
    assert not list((sample / "build/site").rglob("saksutskrift-*-24.*"))


def test_a_meeting_with_a_closed_session_publishes_no_members_file(
        sample: Path, nufa: Callable[..., tuple[int, str, str]]) -> None:
    """A sak treated in a closed session (main's `lukket`) withholds its minutes from the
    public referat: the meeting has something withheld, so nufa site --no-build, without the
    public set, publishes none of its members' files, not even those alike in both sets."""
    agenda = sample / "meetings/2024-01-24/agenda.yaml"
    agenda.write_text(replace_once(
        agenda.read_text(encoding="utf-8"),
        "        tittel: Helsedirektoratet ved Mariann Hornnes orienterer\n",
        "        tittel: Helsedirektoratet ved Mariann Hornnes orienterer\n        lukket: true\n"),
        encoding="utf-8")
    assert nufa("build", "--repo", str(sample), "-q")[0] == 0
    members = _members_files(sample, "2024-01-24")
    code, _, err = nufa("site", "--repo", str(sample), "--no-build", "-q")
    assert code == 0, err
    published = {h for name, h in _site_files(sample).items() if name.startswith("2024-01-24/")}
    assert members and not members & published


def test_a_withdrawn_skjermet_sak_is_not_published_after_renumbering(
        sample: Path, nufa: Callable[..., tuple[int, str, str]]) -> None:
    """Mark toppnotat 18/24 skjermet, build, withdraw a sak before it, renumber: its members'
    toppnotat (now 17/24) may not reach the site under either number."""
    note = sample / "meetings/2024-04-24/toppnotater/18-24-temadag.md"
    note.write_text(note.read_text(encoding="utf-8").replace(
        "saksbehandler: Randi Brendberg\n", "saksbehandler: Randi Brendberg\n"
        "skjermet: offl. § 14\n"), encoding="utf-8")
    assert nufa("build", "--repo", str(sample), "-q")[0] == 0
    secret = {p.name: p.read_bytes() for p in (sample / "build/2024-04-24").glob("toppnotat-18-24.*")}
    agenda = sample / "meetings/2024-04-24/agenda.yaml"
    text = agenda.read_text(encoding="utf-8").replace("status: endelig", "status: utkast")
    start = text.index("      - sak: 17/24")
    agenda.write_text(text[:start] + text[text.index("\n      - ", start + 5) + 1:],
                      encoding="utf-8")
    (sample / "meetings/2024-04-24/toppnotater/17-24-bti.md").unlink()
    assert nufa("renumber", "2024-04-24", "--repo", str(sample))[0] == 0
    code, _, err = nufa("site", "--repo", str(sample), "-q")
    assert code == 0, err
    published = {p.read_bytes() for p in (sample / "build/site").rglob("*.*")}
    assert not set(secret.values()) & published
    assert not list((sample / "build/site/2024-04-24").glob("toppnotat-17-24.*"))
    assert not list((sample / "build/site/2024-04-24").glob("toppnotat-18-24.*"))


def test_site_without_a_fresh_build_publishes_no_stale_members_file(
        sample: Path, nufa: Callable[..., tuple[int, str, str]]) -> None:
    """A plain build, then a sak marked skjermet, then nufa site --no-build: the members'
    innkalling (built before, showing the sak) is stale and stays out."""
    assert nufa("build", "--repo", str(sample), "-q")[0] == 0
    agenda = sample / "meetings/2024-04-24/agenda.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8").replace(
        "        toppnotat: toppnotater/13-24-helse-nim.md\n",
        "        toppnotat: toppnotater/13-24-helse-nim.md\n        skjermet: offl. § 14\n"),
        encoding="utf-8")
    members = _members_files(sample, "2024-04-24")
    code, _, err = nufa("site", "--repo", str(sample), "--no-build", "-q")
    assert code == 0, err
    site_2404 = {h for name, h in _site_files(sample).items() if name.startswith("2024-04-24/")}
    assert not members & site_2404, "a members' file of a meeting with something withheld"
    assert not list((sample / "build/site/2024-04-24").glob("innkalling.*"))


def test_a_skjermet_referat_vedlegg_is_withheld_under_its_own_meeting_too(
        sample: Path, nufa: Callable[..., tuple[int, str, str]]) -> None:
    agenda = sample / "meetings/2024-04-24/agenda.yaml"
    agenda.write_text(replace_once(agenda.read_text(encoding="utf-8"),
                                   "          - referat: 2024-01-24\n",
                                   "          - referat: 2024-01-24\n"
                                   "            skjermet: offl. § 14\n"), encoding="utf-8")
    code, _, err = nufa("site", "--repo", str(sample), "-q")
    assert code == 0, err
    assert not list((sample / "build/site/2024-01-24").glob("referat.*"))
    referat = {p.read_bytes() for p in (sample / "build/2024-01-24").glob("referat.*")}
    assert referat and not referat & {p.read_bytes() for p in (sample / "build/site").rglob("*.*")}
    vedtak = "NUFA godkjenner innkalling og dagsorden"  # the 2024-01-24 referat's first vedtak
    assert vedtak not in (sample / "build/site/saker.html").read_text(encoding="utf-8")


def break_commit(monkeypatch: pytest.MonkeyPatch, step: int, error: BaseException) -> None:
    """The commit's step number `step` (helpers.interrupt_commit) raises error instead."""
    from helpers import interrupt_commit

    def fail() -> None:
        raise error

    interrupt_commit(monkeypatch.setattr, step, fail)


KILL_BUILD = KILL_MID_COMMIT + """
from pathlib import Path
from nufa_cli.build.orchestrator import build
build(Path(sys.argv[4]))
"""


@pytest.mark.parametrize(("step", "mode"), [
    (2, "exchange"),  # 2024-04-24/ exchanged for its new set, the manifest not yet
    (9, "renames"),  # where folders cannot be exchanged: midway (tests/test_journal.py
])                   # kills a commit at each of its steps, both ways)
def test_a_build_killed_mid_commit_leaves_the_previous_set(
        step: int, mode: str, sample: Path, nufa: Callable[..., tuple[int, str, str]]) -> None:
    """SIGKILL in the middle of the commit: the next nufa to take the folder rolls the
    journal back, and the folder holds the previous complete set with its manifest."""
    import subprocess
    import sys

    from nufa_cli.build import journal
    from nufa_cli.core import swap

    if mode == "exchange" and not swap.supported(sample.parent):
        pytest.skip("this file system cannot exchange folders (renameat2 RENAME_EXCHANGE)")
    before = built_then_edited(sample, nufa)
    died = subprocess.run([sys.executable, "-c", KILL_BUILD, str(Path(__file__).parent),
                           str(step), mode, str(sample)], capture_output=True)
    assert died.returncode == -9, died.stderr
    assert journal.pending(sample / "build")
    meeting = {rel: h for rel, h in outputs(sample / "build").items()
               if rel.startswith("2024-04-24/")}
    journal.recover(sample / "build")
    assert outputs(sample / "build") == before
    code, _, err = nufa("build", "--repo", str(sample), "-q")  # and builds on from there
    assert code == 0, err
    assert not [p for p in (sample / "build").rglob(".nufa-*-*")]
    if mode == "exchange":  # the edited meeting's folder was its new set, whole, at the kill
        after = outputs(sample / "build")
        assert meeting == {rel: after[rel] for rel in meeting}
        assert sum(after[rel] != before[rel] for rel in meeting) > 1  # innkalling, ics, ...


TERM_MID_COMMIT = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from helpers import interrupt_commit
interrupt_commit(setattr, 2, lambda: os.kill(os.getpid(), signal.SIGTERM))
from nufa_cli.cli import main
sys.argv = ["nufa", "build", "--repo", sys.argv[2], "-q"]
main()
"""


def test_sigterm_mid_commit_puts_the_previous_set_back(
        sample: Path, nufa: Callable[..., tuple[int, str, str]]) -> None:
    """A cancelled CI job, kill: nufa stops as at Ctrl-C, the previous set back in place."""
    import subprocess

    from nufa_cli.build import journal

    before = built_then_edited(sample, nufa)
    done = subprocess.run([sys.executable, "-c", TERM_MID_COMMIT, str(Path(__file__).parent),
                           str(sample)],
                          capture_output=True, text=True)
    assert (done.returncode, done.stderr.splitlines()[-1]) == (
        143, "Interrupted; outputs are as they were before this run."), done.stderr
    assert outputs(sample / "build") == before
    assert not journal.pending(sample / "build")


def test_ctrl_c_mid_commit_puts_the_previous_set_back(
        sample: Path, nufa: Callable[..., tuple[int, str, str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from nufa_cli.build import journal

    before = built_then_edited(sample, nufa)
    break_commit(monkeypatch, 2, KeyboardInterrupt())
    code, out, err = nufa("build", "--repo", str(sample), "-q")
    assert code == 130, (code, out, err)
    assert outputs(sample / "build") == before
    assert not journal.pending(sample / "build")


def test_leftover_temporaries_are_cleaned_at_the_next_build(
        valid_root: Path, nufa: Callable[..., tuple[int, str, str]]) -> None:
    assert nufa("build", "--repo", str(valid_root), "-q")[0] == 0
    stray = valid_root / "build/2024-04-24/.nufa-new-1a2b3c4d-innkalling.pdf"
    stray.write_bytes(b"half")
    mine = valid_root / "build/2024-04-24/.mine"
    mine.write_text("keep\n", encoding="utf-8")
    (valid_root / AGENDA2).write_text(str(valid_repo()[AGENDA2]).replace(
        "tittel: Middag", "tittel: Middag i byen"), encoding="utf-8")
    assert nufa("build", "--repo", str(valid_root), "-q")[0] == 0
    assert not stray.exists() and mine.exists()


def test_a_symlinked_cache_or_output_folder_is_refused(
        valid_root: Path, tmp_path: Path, nufa: Callable[..., tuple[int, str, str]]) -> None:
    from helpers import tree_hashes

    sources = tree_hashes(valid_root / "meetings")
    (valid_root / "build").mkdir()
    (valid_root / "build/.nufa-cache").symlink_to(valid_root / "meetings/2024-04-24")
    code, _, err = nufa("build", "--repo", str(valid_root))
    assert code == 2 and "build/.nufa-cache is a symbolic link" in err, err
    (valid_root / "build/.nufa-cache").unlink()
    (valid_root / "build/.nufa-cache").mkdir()  # main's typst cache removes what it does not use
    (valid_root / "build/.nufa-cache/typst").symlink_to(valid_root / "meetings/2024-04-24")
    code, _, err = nufa("build", "--repo", str(valid_root))
    assert code == 2 and "build/.nufa-cache/typst is a symbolic link" in err, err
    (valid_root / "build/.nufa-cache/typst").unlink()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "elsewhere")
    code, _, err = nufa("build", "--repo", str(valid_root), "--out", str(tmp_path / "out"))
    assert code == 2 and "is a symbolic link" in err, err
    assert tree_hashes(valid_root / "meetings") == sources
    assert not list((tmp_path / "elsewhere").iterdir())


def test_two_builds_at_once_take_turns(valid_root: Path) -> None:
    """Each build holds the output folder's lock (fcntl.flock) while it writes: a second one
    waits for the first, so neither sees the other's half-written files (two builds raced on
    .nufa-cache/.last-build.json.tmp)."""
    import os
    import subprocess
    import sys
    import time

    from nufa_cli.build import journal

    nufa_bin = str(Path(sys.executable).parent / "nufa")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1714000000"}
    with journal.locked(valid_root / "build"):  # a build in progress, as another would see it
        waiting = subprocess.Popen([nufa_bin, "build", "--repo", str(valid_root), "-q"],
                                   env=env, stderr=subprocess.PIPE)
        time.sleep(3)  # ample for check and planning, and it may not write
        assert waiting.poll() is None, waiting.stderr.read() if waiting.stderr else ""
        assert not (valid_root / "build" / "2024-04-24").exists()
    assert waiting.wait(timeout=120) == 0
    runs = [subprocess.Popen([nufa_bin, "build", "--repo", str(valid_root), "-q", "--format",
                              fmt], env=env, stderr=subprocess.PIPE) for fmt in ("pdf", "docx")]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    assert not [p for p in (valid_root / "build").rglob("*.tmp")]
    assert not [p for p in (valid_root / "build").rglob(".nufa-*-*")]


def test_an_encrypted_pdf_vedlegg_is_refused_by_check(
        make_repo: MakeRepo, nufa: Callable[..., tuple[int, str, str]]) -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_file())))
    writer.encrypt("hemmelig")
    data = io.BytesIO()
    writer.write(data)
    files = valid_repo()
    files[PLAN] = data.getvalue()
    code, out, err = nufa("check", str(make_repo(files)))
    where = (AGENDA2, line_of(str(files[AGENDA2]), "fil: vedlegg/plan.pdf"), 18, "vedlegg-pdf")
    assert (code, located(err, out)) == (1, [where])
    assert "plan.pdf is encrypted" in out


def test_a_pdf_vedlegg_with_a_font_not_embedded_is_refused_by_check(
        make_repo: MakeRepo, nufa: Callable[..., tuple[int, str, str]]) -> None:
    """PDF/UA-1 requires every font embedded: the packet drawing such a page would fail."""
    files = valid_repo()
    files[PLAN] = pdf_file(
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        pdf_stream(b"BT /F1 12 Tf 72 720 Td (Hei) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    code, out, err = nufa("check", str(make_repo(files)))
    where = (AGENDA2, line_of(str(files[AGENDA2]), "fil: vedlegg/plan.pdf"), 18, "vedlegg-pdf")
    assert (code, located(err, out)) == (1, [where])
    assert "Helvetica" in out


def test_an_io_error_mid_commit_puts_the_previous_set_back(
        sample: Path, nufa: Callable[..., tuple[int, str, str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk failing on the commit's last step (the manifest's rename, after the meeting's
    folder was exchanged): exit 1, the previous set in place."""
    from nufa_cli.build import journal

    before = built_then_edited(sample, nufa)
    break_commit(monkeypatch, 3, OSError(5, "Input/output error", "a file"))
    code, out, err = nufa("build", "--repo", str(sample), "-q")
    assert (code, out) == (1, "")
    assert "Input/output error" in err and err.rstrip().endswith("earlier outputs are unchanged")
    assert outputs(sample / "build") == before
    assert not journal.pending(sample / "build")
    assert not [p for p in (sample / "build").rglob(".nufa-*-*")]
