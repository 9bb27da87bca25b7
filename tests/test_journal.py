"""A build's commit (build/journal.py) stopped at every one of its steps, on a small output
folder of plain files: killed, nothing a reader sees is ever part of two sets for one
meeting's folder, and no file that was there is ever missing; the next nufa rolls back to
the previous set exactly; stopped by an error, the previous set is back at once. Both ways
of committing: folders exchanged whole, and (where a file system cannot exchange them)
files moved one by one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import KILL_MID_COMMIT, interrupt_commit

from nufa_cli.build import journal
from nufa_cli.core import swap

pytestmark = pytest.mark.unit

OLD = {"2024-01-24/innkalling.pdf": "old innkalling", "2024-01-24/referat.pdf": "old referat",
       "2024-01-24/offentlig/innkalling.pdf": "old public", "2024-01-24/.mine": "the user's",
       "2024-04-24/saksliste.pdf": "old saksliste", ".nufa-manifest.json": "old manifest"}
NEW = {"2024-01-24/innkalling.pdf": "new innkalling",  # the referat is no longer made
       "2024-01-24/offentlig/innkalling.pdf": "old public", "2024-01-24/.mine": "the user's",
       "2024-01-24/offentlig/toppnotat-1-24.pdf": "new public toppnotat",
       "2024-04-24/saksliste.pdf": "new saksliste", "2025-02-12/innkalling.pdf": "new meeting",
       ".nufa-manifest.json": "new manifest"}
STAGED = ".nufa-staging-test"

COMMIT = KILL_MID_COMMIT + """
from pathlib import Path
from test_journal import commit
commit(Path(sys.argv[4]))
"""


def commit(out: Path) -> None:
    """OLD in out becomes NEW, as a build commits it."""
    staged = out / STAGED
    moves = {}
    for rel, text in NEW.items():
        if OLD.get(rel) != text:
            (staged / rel).parent.mkdir(parents=True, exist_ok=True)
            (staged / rel).write_text(text, encoding="utf-8")
            moves[out / rel] = staged / rel
    journal.replace(out, moves, [out / "2024-01-24/referat.pdf"])


def folder(tmp_path: Path) -> Path:
    out = tmp_path / "build"
    for rel, text in OLD.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    return out


def seen(out: Path) -> dict[str, str]:
    """What a reader of the folder sees: its files but the commit's own (.nufa-old-*,
    .nufa-new-*, its staging folders, its cache)."""
    files = [path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()]
    return {rel: (out / rel).read_text(encoding="utf-8") for rel in sorted(files)
            if not rel.startswith((".nufa-cache/", ".nufa-staging-"))
            and not rel.rsplit("/", 1)[-1].startswith((journal.NEW, journal.OLD))}


def steps(tmp_path: Path, mode: str) -> int:
    """How many steps the commit takes, this way."""
    if mode == "exchange" and not swap.supported(tmp_path):
        pytest.skip("this file system cannot exchange folders (renameat2 RENAME_EXCHANGE)")
    out = folder(tmp_path / "count")
    with pytest.MonkeyPatch.context() as patch:
        if mode == "renames":
            patch.setattr(swap, "supported", lambda scratch: False)
        count = interrupt_commit(patch.setattr, 10**6, None)
        commit(out)
    assert seen(out) == NEW
    return count[0]


MODES = ["exchange", "renames"]


@pytest.mark.parametrize("mode", MODES)
def test_killed_at_any_step_no_folder_holds_two_sets_and_the_next_nufa_rolls_back(
        mode: str, tmp_path: Path) -> None:
    total = steps(tmp_path, mode)
    assert total == (3 + 2 if mode == "exchange" else 3 * 2 + 2 + 1)
    # exchange: three folders (two exchanged, one new renamed in) and the manifest (kept by
    # a link, then replaced); renames: three files replaced (kept by a link, then replaced),
    # two new ones renamed in, one removed (moved aside)
    for step in range(1, total + 1):
        out = folder(tmp_path / f"{step}")
        died = subprocess.run([sys.executable, "-c", COMMIT, str(Path(__file__).parent),
                               str(step), mode, str(out)], capture_output=True)
        assert died.returncode == -signal.SIGKILL, died.stderr
        assert journal.pending(out)
        now = seen(out)
        for rel, text in OLD.items():  # no file that was there is missing, but a removed one
            assert now.get(rel) in (text, NEW[rel]) if rel in NEW else \
                now.get(rel) in (text, None), (step, rel)
        assert set(now) <= set(OLD) | set(NEW), step
        if mode == "exchange":  # each meeting's folder: all old or all new
            for meeting in ("2024-01-24", "2024-04-24", "2025-02-12"):
                mine = {rel: text for rel, text in now.items() if rel.startswith(meeting)}
                assert mine in ({rel: t for rel, t in OLD.items() if rel.startswith(meeting)},
                                {rel: t for rel, t in NEW.items() if rel.startswith(meeting)}), \
                    (step, meeting, mine)
        journal.recover(out)
        assert seen(out) == OLD, step
        assert not journal.pending(out)
        assert not [p for p in out.rglob("*") if p.name.startswith(".nufa-") and
                    p.name not in (".nufa-cache", ".nufa-manifest.json", "lock")], step


@pytest.mark.parametrize("mode", MODES)
def test_an_error_at_any_step_puts_the_previous_set_back_at_once(
        mode: str, tmp_path: Path) -> None:
    for step in range(1, steps(tmp_path, mode) + 1):
        out = folder(tmp_path / f"{step}")

        def fail() -> None:
            raise KeyboardInterrupt

        with pytest.MonkeyPatch.context() as patch:
            if mode == "renames":
                patch.setattr(swap, "supported", lambda scratch: False)
            interrupt_commit(patch.setattr, step, fail)
            with pytest.raises(KeyboardInterrupt):
                commit(out)
        assert seen(out) == OLD, step
        assert not journal.pending(out)
        leftovers = [p.relative_to(out).as_posix() for p in out.rglob("*")
                     if p.name.startswith(".nufa-")
                     and p.name not in (".nufa-manifest.json", ".nufa-cache")]
        assert leftovers == [STAGED], step  # the caller's staged files: writer.discard's


def test_a_replaced_folder_keeps_unchanged_files_as_they_were(tmp_path: Path) -> None:
    """Unchanged files are the same files (hard links): their times and modes stay; the
    folder keeps its mode too."""
    out = folder(tmp_path)
    kept = out / "2024-01-24/offentlig/innkalling.pdf"
    os.chmod(kept, 0o640)
    os.chmod(out / "2024-01-24", 0o750)
    os.utime(kept, (1_000_000_000, 1_000_000_000))
    before = os.stat(kept)
    commit(out)
    after = os.stat(kept)
    assert seen(out) == NEW
    assert (after.st_ino, after.st_mtime, after.st_mode) == (
        before.st_ino, before.st_mtime, before.st_mode)
    assert os.stat(out / "2024-01-24").st_mode & 0o777 == 0o750


def test_a_built_file_is_readable_by_all_whatever_the_umask(tmp_path: Path) -> None:
    """Staged by writer.py (mkstemp's files are 0600), committed as 0644: a web server or
    an archivist reads what nufa built."""
    from nufa_cli.build.writer import Output, Plan

    out = tmp_path / "build"
    made = Output("2024-01-24/innkalling.pdf", "innkalling", "2024-01-24", None, "pdf", False,
                  "fingerprint", "key")
    previous = os.umask(0o077)
    try:
        plan = Plan.of(out, [made])
        plan.stage(made, b"%PDF-1.7")
        plan.commit()
    finally:
        os.umask(previous)
    assert os.stat(out / made.name).st_mode & 0o777 == 0o644


def test_a_site_folder_is_replaced_in_one_exchange(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """nufa site and nufa arkiv replace their folder whole (core/output.replace_folder):
    the folder is never renamed away, so no moment, or kill, leaves it missing."""
    from nufa_cli.core import output

    site = tmp_path / "build/site"
    output.replace_folder(site, {"index.html": "old"}, ".nufa-site", "nufa site", "the site")
    renamed: list[tuple[str, str]] = []
    real = os.replace

    def replace(src: str, dst: str) -> None:
        renamed.append((str(src), str(dst)))
        real(src, dst)

    exchanged: list[Path] = []
    exchange = swap.exchange

    def traded(a: Path, b: Path) -> None:
        exchanged.append(b)
        exchange(a, b)

    monkeypatch.setattr(output.os, "replace", replace)
    monkeypatch.setattr(swap, "exchange", traded)
    output.replace_folder(site, {"index.html": "new", "saker.html": "new"}, ".nufa-site",
                          "nufa site", "the site")
    assert exchanged[-1:] == [site]
    assert not [pair for pair in renamed if str(site) in pair]
    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]  # the old one removed


def test_what_a_killed_site_run_left_beside_the_folder_is_removed_by_the_next(
        tmp_path: Path) -> None:
    from nufa_cli.core import output

    site = tmp_path / "build/site"
    output.replace_folder(site, {"index.html": "old"}, ".nufa-site", "nufa site", "the site")
    exchanged_out = tmp_path / "build/.site.nufa-a1b2c3d4"  # killed after the exchange
    moved_aside = tmp_path / "build/.site.nufa-old-e5f6a7b8/previous"  # between two renames
    backup = tmp_path / "build/.site.20240424"  # the user's copy of the site: not nufa's
    for leftover in (exchanged_out, moved_aside, backup):
        leftover.mkdir(parents=True)
        (leftover / ".nufa-site").write_text("written by nufa site\n", encoding="utf-8")
    (tmp_path / "build/.site.mine").mkdir()  # not nufa's: no marker
    output.replace_folder(site, {"index.html": "new"}, ".nufa-site", "nufa site", "the site")
    assert sorted(p.name for p in site.parent.iterdir()) == [
        ".site.20240424", ".site.mine", "site"]


def test_links_in_a_replaced_folder_stay_links(tmp_path: Path) -> None:
    """A link the secretariat put in a meeting's folder (to a folder or a file) is what the
    folder holds after the commit too: not followed, not copied."""
    out = folder(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (out / "2024-01-24/arkiv").symlink_to(tmp_path / "elsewhere")
    (out / "2024-01-24/les-meg.pdf").symlink_to("innkalling.pdf")
    commit(out)
    assert os.readlink(out / "2024-01-24/arkiv") == str(tmp_path / "elsewhere")
    assert os.readlink(out / "2024-01-24/les-meg.pdf") == "innkalling.pdf"
    assert (out / "2024-01-24/les-meg.pdf").read_text(encoding="utf-8") == "new innkalling"


def test_a_roll_back_whose_copies_were_deleted_by_hand_ends_cleanly(tmp_path: Path) -> None:
    """Killed after the exchanges, then someone deletes the staging folders: the next nufa
    takes the meeting that did not exist before out again, keeps the others as they are
    (their old sets are gone), and raises nothing."""
    import shutil

    out = folder(tmp_path)
    died = subprocess.run([sys.executable, "-c", COMMIT, str(Path(__file__).parent), "4",
                           "exchange", str(out)], capture_output=True)
    assert died.returncode == -signal.SIGKILL, died.stderr
    for staging in out.glob(".nufa-staging-*"):
        shutil.rmtree(staging)
    journal.recover(out)
    assert seen(out) == {rel: text for rel, text in NEW.items()
                         if not rel.startswith("2025-02-12")} | {
        ".nufa-manifest.json": "old manifest"}
    assert not journal.pending(out)


def test_a_roll_back_that_fails_is_a_write_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from nufa_cli.core.output import WriteFailed

    out = folder(tmp_path)
    died = subprocess.run([sys.executable, "-c", COMMIT, str(Path(__file__).parent), "2",
                           "exchange", str(out)], capture_output=True)
    assert died.returncode == -signal.SIGKILL, died.stderr

    def broken(a: Path, b: Path) -> None:
        raise OSError(5, "Input/output error", str(a))

    monkeypatch.setattr(swap, "exchange", broken)
    with pytest.raises(WriteFailed, match=r"Input/output error.*could not be rolled back"), \
            journal.locked(out):
        pass
    assert journal.pending(out)  # the next nufa tries again


def test_without_renameat2_the_commit_moves_files_one_by_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another kernel or C library: swap says so, and the commit still ends as it should."""
    monkeypatch.setattr(swap, "_renameat2", lambda: None)
    monkeypatch.setattr(swap, "_known", {})
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert not swap.supported(scratch)
    assert list(scratch.iterdir()) == []  # the probe's folders removed
    out = folder(tmp_path)
    kept = os.stat(out / "2024-04-24").st_ino
    commit(out)
    assert seen(out) == NEW
    assert os.stat(out / "2024-04-24").st_ino == kept  # the folder itself was not replaced


def test_a_tampered_journal_touches_nothing_outside_the_folder_and_raises_nothing(
        tmp_path: Path) -> None:
    """A journal edited by hand: paths through a link the secretariat put in a meeting's
    folder, a NUL byte, a copy that is a real meeting's folder, a new file that was never
    moved in (the user's file in its place is not taken out), nesting deep enough to
    exhaust Python's recursion. Nothing outside the folder changes, nothing of the set
    either, and recover raises nothing."""
    import json

    out = folder(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("precious", encoding="utf-8")
    (elsewhere / ".nufa-old-other.txt").write_text("mine", encoding="utf-8")
    (out / "2024-01-24/arkiv").symlink_to(elsewhere)
    meeting, keep = os.lstat(out / "2024-01-24"), os.lstat(elsewhere / "keep.txt")
    made = [meeting.st_dev, meeting.st_ino]
    forged = [
        {"dest": "2024-01-24/arkiv/keep.txt", "new": ".nufa-staging-x/y", "old": None,
         "id": [keep.st_dev, keep.st_ino]},
        {"dest": "2024-01-24/arkiv/x", "new": None, "old": "2024-01-24/arkiv/.nufa-old-other.txt"},
        {"dest": "2024-01-24/innkalling.pdf", "new": "2024-01-24/arkiv/keep.txt", "old": None},
        {"dest": "2024-01-24/innkalling.pdf", "new": "2024-04-24/saksliste.pdf", "old": None},
        {"dest": "2024-01-24/innkalling.pdf", "new": None, "old": "2024-01-24/referat.pdf"},
        {"dest": "2024-01-24/.mine", "new": ".nufa-staging-x/gone", "old": None},
        {"dest": "a\0b", "new": ".nufa-staging-x/q", "old": None},
        {"folder": "x\0", "copy": ".nufa-staging-x/q", "existed": True, "id": [1, 2]},
        {"folder": "2024-01-24", "copy": "2024-04-24", "existed": True, "id": made},
        {"folder": "2024-01-24", "copy": ".nufa-staging-x/offentlig/2024-01-24",
         "existed": False, "id": made},
        {"folder": ".", "copy": ".nufa-staging-x/.", "existed": False,
         "id": [os.lstat(out).st_dev, os.lstat(out).st_ino]},
    ]
    before = seen(out)
    for written in (json.dumps(forged), "[" * 100_000 + "]" * 100_000):
        (out / journal.JOURNAL).parent.mkdir(exist_ok=True)
        (out / journal.JOURNAL).write_text(written, encoding="utf-8")
        journal.recover(out)
        assert sorted(p.name for p in elsewhere.iterdir()) == [".nufa-old-other.txt",
                                                               "keep.txt"]
        assert seen(out) == before
        assert not journal.pending(out)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("closed", "bits"), [
    ("2024-01-24/mine", 0o555), ("2024-01-24", 0o555), ("2024-01-24/mine", 0o311)])
def test_a_read_only_folder_is_kept_as_it_is_and_the_commit_leaves_nothing(
        closed: str, bits: int, mode: str, tmp_path: Path) -> None:
    """A folder the secretariat made read-only (chmod 0555): one of its own in a meeting's
    folder goes along with the meeting's other files; the meeting's folder itself cannot be
    written (a write error, the previous set kept). A folder of its own that cannot be
    listed (0311, a drop box) cannot be copied: the exchange refuses, rather than leave its
    files out. Either way nothing is left behind. Where the tests run as root, the commit
    runs without root's powers over modes (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a
    clone in a folder closed to other users works too."""
    import shutil
    import tempfile

    if mode == "exchange" and not swap.supported(tmp_path):
        pytest.skip("this file system cannot exchange folders (renameat2 RENAME_EXCHANGE)")
    where = Path(tempfile.mkdtemp(dir=tmp_path))
    try:
        out = folder(where)
        (out / "2024-01-24/mine").mkdir()
        (out / "2024-01-24/mine/notes.txt").write_text("the user's", encoding="utf-8")
        os.chmod(out / closed, bits)
        user = []
        if os.geteuid() == 0:  # root without the powers that override a file's mode
            if not shutil.which("setpriv"):
                pytest.skip("running as root, and no setpriv to drop root's file powers")
            powers = "-dac_override,-dac_read_search"
            user = ["setpriv", f"--bounding-set={powers}", f"--inh-caps={powers}", "--"]
        done = subprocess.run([*user, sys.executable, "-c", COMMIT, str(Path(__file__).parent),
                               "0", mode, str(out)],  # step 0: not interrupted
                              capture_output=True, text=True)
        mine = {"2024-01-24/mine/notes.txt": "the user's"}
        if closed == "2024-01-24" or (bits == 0o311 and mode == "exchange"):
            assert "PermissionError" in done.stderr, done.stderr
            assert seen(out) == OLD | mine
        else:
            assert done.returncode == 0, done.stderr
            assert seen(out) == NEW | mine
        assert os.stat(out / closed).st_mode & 0o777 == bits
        assert sorted(p.name for p in out.iterdir() if p.name.startswith(".nufa-staging-")) \
            == [STAGED]  # the caller's staged files: writer.discard's
    finally:
        for path, _, _ in os.walk(where):
            os.chmod(path, 0o755)
        shutil.rmtree(where)


def test_a_folder_the_file_system_will_not_exchange_is_committed_file_by_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """overlayfs (a container) exchanges new folders, the probe's, but refuses one of a lower
    layer with EXDEV: the commit puts back what it exchanged and moves the files instead;
    nufa site does the same with its folder."""
    import errno

    from nufa_cli.core import output

    out = folder(tmp_path)
    if not swap.supported(out):
        pytest.skip("this file system cannot exchange folders (renameat2 RENAME_EXCHANGE)")
    exchange, calls = swap.exchange, [0]

    def second_refused(a: Path, b: Path) -> None:
        calls[0] += 1
        if calls[0] == 2:  # 2024-01-24 exchanged, then 2024-04-24 refused
            raise swap.Unsupported(errno.EXDEV, "Invalid cross-device link", str(a))
        exchange(a, b)

    monkeypatch.setattr(swap, "exchange", second_refused)
    kept = os.stat(out / "2024-01-24").st_ino
    commit(out)
    assert seen(out) == NEW
    assert os.stat(out / "2024-01-24").st_ino == kept  # exchanged back, then file by file
    assert not journal.pending(out)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".nufa-")) == [
        ".nufa-cache", ".nufa-manifest.json", STAGED]
    site = tmp_path / "site"
    output.replace_folder(site, {"index.html": "old"}, ".nufa-site", "nufa site", "the site")
    calls[0] = 1  # the next exchange is refused
    output.replace_folder(site, {"index.html": "new"}, ".nufa-site", "nufa site", "the site")
    assert (site / "index.html").read_text(encoding="utf-8") == "new"
