"""A commit rebuilds what it changed: each document is stamped (revision, build date, "+
endringer") from its own sources (build/stamps.py, targets.py's `reads`), so editing one
toppnotat of a generated 12-meeting archive rewrites that toppnotat and its meeting's packet,
committed or not, and nothing else; editing its front matter (the sak's title) rewrites
what lists the sak, and nothing of the other meetings."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from helpers import PROJECT, commit, git, write_repo
from pypdf import PdfReader

from nufa_cli.build.orchestrator import build

sys.path.insert(0, str(PROJECT / "tools"))
from archive import archive_files

MEETINGS = 12
SAKER = 2  # the second sak of each meeting cites the previous meeting's second

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive, committed and built once (the tests below each work on a copy)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        root = write_repo(tmp_path_factory.mktemp("incremental") / "archive",
                          archive_files(MEETINGS, SAKER))
        (root / ".gitignore").write_text("build/\n", encoding="utf-8")
        git(root, "init", "-q", "-b", "main")
        commit(root, "the archive")
        result = build(root)
        # 5 documents, packet, calendar; a saksutskrift per sak
        assert len(result.written) == MEETINGS * (5 * 2 + 2 + SAKER * 2)
    return root


@pytest.fixture
def repo(archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import shutil

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy, symlinks=True)
    return copy


def folders(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "meetings").iterdir())


def second(index: int) -> str:
    """The second sak of the index-th meeting (of 2015, eight a year): "12-15"."""
    assert index < 8
    return f"{SAKER * index + 2}-15"


def rewritten(root: Path) -> list[str]:
    return sorted(p.relative_to(root / "build").as_posix() for p in build(root).written)


def footer(pdf: Path) -> str:
    """The footer note of a PDF's first page ("Versjon …, bygget …")."""
    text = PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text()
    return next(line for line in text.splitlines() if "bygget" in line)


def test_a_committed_edit_of_one_toppnotat_rewrites_it_and_its_packet(repo: Path) -> None:
    folder, sak = folders(repo)[5], second(5)
    note = repo / "meetings" / folder / "toppnotater" / f"{sak}-sak.md"
    saksliste = footer(repo / "build" / folder / "saksliste.pdf")
    note.write_text(note.read_text(encoding="utf-8") + "\nEn setning til.\n", encoding="utf-8")
    commit(repo, "one more sentence")
    assert rewritten(repo) == [f"{folder}/sakspapirer.pdf", f"{folder}/toppnotat-{sak}.docx",
                               f"{folder}/toppnotat-{sak}.pdf"]
    head = git(repo, "log", "-1", "--format=%h")
    assert f"Versjon {head}," in footer(repo / "build" / folder / f"toppnotat-{sak}.pdf")
    assert footer(repo / "build" / folder / "saksliste.pdf") == saksliste
    assert rewritten(repo) == []


def test_an_uncommitted_edit_marks_only_its_own_document(repo: Path) -> None:
    folder, sak = folders(repo)[3], second(3)
    note = repo / "meetings" / folder / "toppnotater" / f"{sak}-sak.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nEn setning til.\n", encoding="utf-8")
    assert rewritten(repo) == [f"{folder}/sakspapirer.pdf", f"{folder}/toppnotat-{sak}.docx",
                               f"{folder}/toppnotat-{sak}.pdf"]
    assert "+ endringer" in footer(repo / "build" / folder / f"toppnotat-{sak}.pdf")
    assert "+ endringer" not in footer(repo / "build" / folder / "saksliste.pdf")


def test_a_new_title_rewrites_what_lists_the_sak(repo: Path) -> None:
    """The title lives in the toppnotat's front matter: the meeting's innkalling, saksliste,
    referat, the sak's saksutskrift and calendar show it, and so does the next meeting's
    toppnotat citing the sak."""
    first, cited, citing, citer = folders(repo)[4], second(4), folders(repo)[5], second(5)
    note = repo / "meetings" / first / "toppnotater" / f"{cited}-sak.md"
    text = note.read_text(encoding="utf-8")
    old = f"tittel: Sak nummer {cited.split('-')[0]} om"
    note.write_text(text.replace(old, "tittel: Ny tittel om", 1), encoding="utf-8")
    commit(repo, "a new title")
    documents = [f"{first}/{stem}.{fmt}" for stem in ("innkalling", "referat", "saksliste",
                                                      f"toppnotat-{cited}", f"saksutskrift-{cited}")
                 for fmt in ("docx", "pdf")]
    assert rewritten(repo) == sorted([
        *documents, f"{first}/{first}.ics", f"{first}/sakspapirer.pdf",
        f"{citing}/sakspapirer.pdf", f"{citing}/toppnotat-{citer}.docx",
        f"{citing}/toppnotat-{citer}.pdf"])
    head = git(repo, "log", "-1", "--format=%h")
    assert f"Versjon {head}," in footer(repo / "build" / first / "saksliste.pdf")
    assert f"Versjon {head}," not in footer(repo / "build" / first / "toppnotat-9-15.pdf")


# -- nothing converted twice --------------------------------------------------------------


def pandoc_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Markdown of every text pandoc parses from now on (in any lane)."""
    from nufa_cli.convert.pandoc_worker import PandocWorker

    seen: list[str] = []
    request = PandocWorker.request

    def spy(self: PandocWorker, header: dict[str, object], blobs: Sequence[bytes] = ()
            ) -> tuple[dict[str, object], bytes]:
        if header.get("op") == "read":
            seen.append(str(header["markdown"]))
        return request(self, header, blobs)

    monkeypatch.setattr(PandocWorker, "request", spy)
    return seen


def test_a_cold_build_parses_each_text_once(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = pandoc_reads(monkeypatch)
    written = build(sample).written
    assert len(written) == 48
    assert len(seen) == len(set(seen))
    # each document (10 saksutskrifter of 1/24 among them); each packet's innkalling, linked
    assert len(seen) == 22 + 2


def test_a_one_toppnotat_rebuild_asks_pandoc_for_that_toppnotat_alone(
        sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(sample)
    note = sample / "meetings/2024-04-24/toppnotater/14-24-helseteknologiordningen.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nEn ny setning.\n", encoding="utf-8")
    seen = pandoc_reads(monkeypatch)
    written = build(sample).written
    assert sorted(p.name for p in written) == ["sakspapirer.pdf", "toppnotat-14-24.docx",
                                               "toppnotat-14-24.pdf"]
    assert len(seen) == 1 and "En ny setning." in seen[0]
