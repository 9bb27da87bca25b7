"""What the tests share: fixture trees, running nufa, git repositories, reading PDFs.

Inline fixture trees: a small valid repository as a dict, and a writer for it. Tests
derive a broken repository by changing one file of `valid_repo()` (see `replace_once`),
so every broken fixture differs from the valid one by exactly the change the test is about.

Nufa runs nufa the one way the tests do (conftest's `nufa` fixture), git() and
git_repo() make and change git repositories: no test module has its own.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from pypdf import PdfReader

    from nufa_cli.build.orchestrator import BuildResult
    from nufa_cli.model.objects import Meeting
    from nufa_cli.render.documents.document import Document

M1 = "meetings/2024-01-24"
M2 = "meetings/2024-04-24"
AGENDA1 = f"{M1}/agenda.yaml"
REFERAT1 = f"{M1}/referat.md"
AGENDA2 = f"{M2}/agenda.yaml"
TOPPNOTAT = f"{M2}/toppnotater/5-24-tannhelse.md"
PLAN = f"{M2}/vedlegg/plan.pdf"


@dataclass(frozen=True)
class Symlink:
    """A file entry that is a symbolic link to `target` (as written, often relative)."""

    target: str


FileContent = str | bytes | Symlink


def write_repo(root: Path, files: dict[str, FileContent]) -> Path:
    """Write files (relative path -> text, bytes or Symlink) under root; return root."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Symlink):
            path.symlink_to(content.target)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def replace_once(text: str, old: str, new: str) -> str:
    """text with old replaced by new; old must occur exactly once, so a fixture edit is exact."""
    count = text.count(old)
    if count != 1:
        raise AssertionError(f"{old!r} occurs {count} times, expected once")
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line of text containing needle."""
    hits = [i for i, line in enumerate(text.split("\n"), start=1) if needle in line]
    if len(hits) != 1:
        raise AssertionError(f"{needle!r} is on lines {hits}, expected exactly one")
    return hits[0]


def tree_hashes(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file (or link target) under root: proof nothing changed."""
    hashes = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            hashes[rel] = "link:" + str(path.readlink())
        elif path.is_file():
            hashes[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            hashes[rel] = "dir"
    return hashes


def tree_state(root: Path) -> dict[str, tuple[int, str]]:
    """Relative path -> (mtime_ns, sha256 or "dir") of everything under root: proof nothing
    was written, not even the same bytes again."""
    state = {}
    for path in sorted(root.rglob("*")):
        content = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        state[path.relative_to(root).as_posix()] = (path.lstat().st_mtime_ns, content)
    return state


def outline(reader: PdfReader) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """(title, page index, [(child title, page index)]) of the top-level bookmarks."""
    found: list[tuple[str, int, list[tuple[str, int]]]] = []
    for item in reader.outline:
        if isinstance(item, list):
            children = [(c.title, reader.get_destination_page_number(c))
                        for c in item if not isinstance(c, list)]
            title, page, _ = found[-1]
            found[-1] = (title, page, children)
        else:
            found.append((item.title, reader.get_destination_page_number(item), []))
    return found


def link_targets(reader: PdfReader, pages: int) -> dict[str, int]:
    """Named destination -> page index, of the links within the first pages of a PDF."""
    targets: dict[str, int] = {}
    for page in reader.pages[:pages]:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A") or {}
            name = annotation.get("/Dest") or (action["/D"] if action.get("/S") == "/GoTo" else None)
            if annotation["/Subtype"] == "/Link" and name is not None:
                destination = reader.named_destinations[str(name)]
                targets[str(name)] = reader.get_destination_page_number(destination)
    return targets


NUFA_YAML = """\
utvalg:
  navn: Fagutvalget (NUFA)
  kortnavn: NUFA
sekretariat: Helsedirektoratet
sakstyper: [Godkjenning, Orientering, Drøfting, Beslutning]
"""

MEDLEMMER_YAML = """\
medlemmer:
  - navn: Hans Löwe Larsen
    virksomhet: Helsedirektoratet
  - navn: Jon Gupta
    virksomhet: Helse Sør-Øst RHF
  - navn: Ola Jøsendal
    virksomhet: Helse Vest RHF
    til: 2024-03-31
  - navn: Micaela Thierley
    virksomhet: Helse Vest RHF
    fra: 2024-04-01
  - navn: Sissel Skarsgård
    virksomhet: KS
  - navn: Jim J. Yang
    virksomhet: Norsk Sykepleierforbund
"""

AGENDA1_YAML = """\
sted: Helsedirektoratet, Oslo
status: endelig
dager:
  - dato: 2024-01-24
    start: "10:00"
    slutt: "16:00"
    program:
      - sak: 1/24
        tid: "10:00"
        tittel: Godkjenning av innkalling og dagsorden
        type: Godkjenning
        forslag_til_vedtak: NUFA godkjenner innkalling og dagsorden.
      - sak: 2/24
        tid: "10:15"
        tittel: Orientering fra Helsedirektoratet
        type: Orientering
      - tid: "12:00"
        tittel: Lunsj
  - dato: 2024-01-25
    start: "09:00"
    slutt: "12:00"
    program:
      - sak: 3/24
        tid: "09:00"
        tittel: Eventuelt
        type: Orientering
"""

REFERAT1_MD = """\
---
status: endelig
fravær:
  - jon-gupta
  - {medlem: sissel-skarsgard, dager: [2]}
stedfortredere:
  - {navn: Yvonne Garshol, virksomhet: Helse Sør-Øst RHF, for: jon-gupta}
sekretariat: [Norunn Saure, Karen Lima]
---

## 1/24

### Vedtak

NUFA godkjenner innkalling og dagsorden.

## 2/24

Mariann Hornnes, Helsedirektoratet, orienterte NUFA om aktuelle saker.

- Noen høydepunkter fra 2023

### Vedtak

NUFA tar saken til orientering.

## 3/24

Ingen saker under eventuelt.

### Vedtak

NUFA tar eventuelt til orientering.
"""

AGENDA2_YAML = """\
sted: Scandic Ishavshotel, Tromsø
status: utkast
dager:
  - dato: 2024-04-24
    start: "11:00"
    slutt: "17:00"
    program:
      - sak: 4/24
        tid: "11:00"
        varighet: 10
        tittel: Godkjenning av innkalling, dagsorden og referat
        type: Godkjenning
        forslag_til_vedtak: NUFA godkjenner innkalling, dagsorden og referatet fra januar.
        vedlegg:
          - referat: 2024-01-24
      - sak: 5/24
        varighet: 45
        toppnotat: toppnotater/5-24-tannhelse.md
      - tid: "11:55"
        varighet: 15
        tittel: Pause
      - sak: 6/24
        tittel: Helse i nord
        type: Orientering
        vedlegg:
          - url: https://www.ehelse.no/
            tittel: Nasjonal e-helseportefølje
          - fil: vedlegg/plan.pdf
            tittel: Plan for Helse i nord
      - tid: "19:00"
        tittel: Middag
  - dato: 2024-04-25
    start: "09:00"
    slutt: "14:30"
    program:
      - tid: "09:00"
        tittel: Velkommen til dag 2
      - sak: 7/24
        tittel: Temadag om digitale tjenester
        type: Drøfting
        innslag:
          - {tid: "09:05", tittel: Forskning ved Nasjonalt senter for e-helseforskning}
          - {tid: "10:30", tittel: Pause}
      - sak: 8/24
        tid: "14:25"
        tittel: Eventuelt
        type: Orientering
"""

TOPPNOTAT_MD = """\
---
sak: 5/24
tittel: Digitalisering av Den offentlige tannhelsetjenesten
type: Drøfting
sakseier: Styringsgruppa for Digitalisering av Den offentlige tannhelsetjenesten
saksbehandler: Bjørnar Hafell
beskrivelse: >
  Styringsgruppa ønsker å gi NUFA en orientering om arbeidet.
forslag_til_vedtak: |
  NUFA drøftet saken og ga innspill.
tidligere_behandlinger:
  - {utvalg: NUFA, sak: 3/23, tittel: Revidert mandat, vedtak: NUFA tar saken til orientering}
  - {utvalg: NUFA, sak: 2/24}
---

## Hensikt med saken

Saken gir en orientering om prosessen.[^ssb]

## Bakgrunn

Over 1,5 millioner nordmenn mottok tjenester i 2022.[^tall]

## Videre saksprosess

Styringsgruppa kommer tilbake til NUFA.

[^ssb]: Statistisk sentralbyrå, 2023.
[^tall]: Tall fra fylkeskommunene.
"""


def pdf_file(*objects: bytes) -> bytes:
    """A PDF of the given objects (1 0 obj the catalog), with a correct cross-reference table;
    without objects, one blank A4 page: the smallest PDF vedlegg nufa check accepts."""
    if not objects:
        objects = (b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def pdf_stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def valid_repo() -> dict[str, FileContent]:
    """A small repository that checks clean: two meetings of 2024, saker 1/24 to 8/24."""
    return {
        "nufa.yaml": NUFA_YAML,
        "medlemmer.yaml": MEDLEMMER_YAML,
        AGENDA1: AGENDA1_YAML,
        REFERAT1: REFERAT1_MD,
        AGENDA2: AGENDA2_YAML,
        TOPPNOTAT: TOPPNOTAT_MD,
        PLAN: pdf_file(),
    }


# A one-day meeting in the next year (numbering restarts at 1/25), to add to valid_repo().
ONE_DAY_2025 = {"meetings/2025-01-22/agenda.yaml": """\
sted: Helsedirektoratet, Oslo
status: utkast
dager:
  - dato: 2025-01-22
    start: "10:00"
    slutt: "15:00"
    program:
      - sak: 1/25
        tid: "10:00"
        tittel: Godkjenning av innkalling og dagsorden
        type: Godkjenning
"""}


class Run(NamedTuple):
    """What `nufa ARGS` did: exit code, stdout, stderr (compares equal to the plain tuple)."""

    code: int
    out: str
    err: str


class Nufa:
    """`nufa ARGS` through its real entry point, nufa_cli.cli.main, in cwd.

    nufa(*args) runs it in this process (fast; its exceptions reach the test; what a
    unit test uses); nufa.process(*args) in a subprocess, exactly as a user's shell does:
    its own interpreter, environment and exit status. The conftest fixture `nufa` gives one.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
        self._monkeypatch = monkeypatch
        self._capsys = capsys

    def __call__(self, *args: str | Path, cwd: Path | None = None) -> Run:
        from nufa_cli.cli import main

        if cwd is not None:
            self._monkeypatch.chdir(cwd)
        self._capsys.readouterr()  # what the test printed before is not nufa's output
        self._monkeypatch.setattr(sys, "argv", ["nufa", *map(str, args)])
        try:
            main()
        except SystemExit as exited:
            code = exited.code
        else:  # as a console script it always exits, with its status
            raise AssertionError("nufa_cli.cli.main() returned instead of exiting")
        out, err = self._capsys.readouterr()
        return Run(code if isinstance(code, int) else 0 if code is None else 1, out, err)

    def process(self, *args: str | Path, cwd: Path) -> Run:
        """No colour, a wide terminal, no NUFA_DEBUG; git as git() runs it."""
        env = {**git_environment(), "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"}
        env.pop("NUFA_DEBUG", None)
        done = subprocess.run([sys.executable, "-m", "nufa_cli.cli", *map(str, args)], cwd=cwd,
                              env=env, capture_output=True, text=True, timeout=120, check=False)
        return Run(done.returncode, done.stdout, done.stderr)


# -- git -------------------------------------------------------------------------------------

# Who commits, and no user or system configuration (hooks, signing, a default branch name).
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Sekretariatet", "GIT_AUTHOR_EMAIL": "sekretariat@example.org",
    "GIT_COMMITTER_NAME": "Sekretariatet", "GIT_COMMITTER_EMAIL": "sekretariat@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}
# Set by git when the tests run inside a git hook: they would point every command elsewhere.
_GIT_LOCATION = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                 "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR")


def git_environment() -> dict[str, str]:
    """This process's environment for git: GIT_ENV's, none of _GIT_LOCATION."""
    env = {key: value for key, value in os.environ.items() if key not in _GIT_LOCATION}
    return {**env, **GIT_ENV}


def git(root: Path, *args: str, date: str | None = None) -> str:
    """`git -C root ARGS` as GIT_ENV's committer, dated `date` (ISO 8601) if given; its
    stdout, stripped. A failing command raises."""
    env = git_environment()
    if date is not None:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    done = subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True,
                          text=True, check=True)
    return done.stdout.strip()


def commit(root: Path, message: str = "edit", *, date: str | None = None) -> None:
    """Commit everything in the working tree, new files included."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)


def git_repo(root: Path, files: dict[str, FileContent] | None = None, *,
             message: str = "start", date: str | None = None) -> Path:
    """files written under root (if given), then a repository there on branch main with
    everything in one commit; root."""
    if files is not None:
        write_repo(root, files)
    git(root, "init", "-q", "-b", "main")
    commit(root, message, date=date)
    return root


PROJECT = Path(__file__).resolve().parents[1]
SAMPLE_EPOCH = "1714000000"  # the SOURCE_DATE_EPOCH the sample is built at (tests read 24.04.2024)


def copy_sample(root: Path) -> Path:
    """The repository's own sample (nufa.yaml, medlemmer.yaml, meetings/) copied to root."""
    import shutil

    root.mkdir(parents=True, exist_ok=True)
    for name in ("nufa.yaml", "medlemmer.yaml"):
        shutil.copy(PROJECT / name, root / name)
    shutil.copytree(PROJECT / "meetings", root / "meetings")
    return root


FIXTURES = PROJECT / "tests" / "fixtures"  # one repository per committee, from real documents


def built_fixtures(tmp_path_factory: pytest.TempPathFactory, bodies: Sequence[str],
                   **options: Any) -> dict[str, Path]:
    """Each body's repository of tests/fixtures/ copied and built (build()'s options), at one
    fixed SOURCE_DATE_EPOCH."""
    import shutil

    from nufa_cli.build.orchestrator import build

    roots = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        for body in bodies:
            root = tmp_path_factory.mktemp(body) / body
            shutil.copytree(FIXTURES / body, root)
            build(root, **options)
            roots[body] = root
    return roots


@dataclass(frozen=True)
class SampleBuild:
    """The sample built cold once a session, every meeting, kind and format (conftest's
    sample_build; tests read it through built_sample or change it through warm_sample)."""

    root: Path  # a copy of the built repository (sources and build/): read it, never write
    result: BuildResult  # what the cold build returned
    work: Path  # where it was built: warm_sample puts the copy back there


def tiny_png() -> bytes:
    """A 2x2 red PNG, written by hand so the test needs no image library."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def one_page_pdf() -> bytes:
    """A PDF of one blank page: a vedlegg the meeting packet can read (PLAN)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    data = io.BytesIO()
    writer.write(data)
    return data.getvalue()


def axe_site() -> ModuleType:
    """tools/axe/axe_site.py: axe-core in the system's Chromium (it finds both, or says why not)."""
    if "axe_site" in sys.modules:
        return sys.modules["axe_site"]
    spec = importlib.util.spec_from_file_location("axe_site", PROJECT / "tools" / "axe" / "axe_site.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["axe_site"] = module  # its dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module
def stem(meeting: Meeting, doc: Document) -> str:
    """The name build gives a rendered document's files, without the format: toppnotat-12-24."""
    from nufa_cli.build import targets

    return targets.named(doc.kind).stem_of(meeting.folder, doc.sak)


def interrupt_commit(setattr: Any, step: int, action: Any) -> list[int]:
    """Call action (which raises, or kills the process) in place of step number `step` of a
    build's commit (build/journal.py): 1 is its first after the journal is written. Each
    rename, hard link and folder exchange the commit makes counts as a step.
    setattr: monkeypatch.setattr, or the builtin in a process of its own. Returns the count
    of steps taken so far, as a list of one number that the commit updates."""
    from nufa_cli.build import journal
    from nufa_cli.core import swap

    count, applying = [0], [False]

    def counted(real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            if applying[0]:
                count[0] += 1
                if count[0] == step:
                    action()
            return real(*args, **kwargs)
        return call

    def apply(out: Path, entry: dict[str, Any], real: Any = journal._apply) -> None:
        applying[0] = True
        try:
            real(out, entry)
        finally:
            applying[0] = False

    setattr(journal, "_apply", apply)
    setattr(journal.os, "replace", counted(os.replace))
    setattr(journal.os, "link", counted(os.link))
    setattr(swap, "exchange", counted(swap.exchange))
    return count


KILL_MID_COMMIT = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from helpers import interrupt_commit
interrupt_commit(setattr, int(sys.argv[2]), lambda: os.kill(os.getpid(), signal.SIGKILL))
if sys.argv[3] == "renames":
    from nufa_cli.core import swap
    swap.supported = lambda scratch: False
"""  # + what to run: argv[1] this folder, [2] the step to die at, [3] "renames" for no exchange


def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children os.fork starts from now on (in this process; a child's own
    list is its own): nufa's second processes (core/process.Forked)."""
    pids: list[int] = []
    real: Callable[[], int] = os.fork

    def fork() -> int:
        pid = real()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return pids
