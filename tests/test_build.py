"""The orchestrator's guarantees: validate first, atomic outputs, determinism, the rebuild cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from helpers import SampleBuild, git, git_repo

from nufa_cli.build.orchestrator import build
from nufa_cli.core.errors import InvalidSources, NufaError
from nufa_cli.core.output import OutputError, WriteFailed

pytestmark = pytest.mark.render

def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".nufa-cache" not in p.parts}


def test_two_builds_are_byte_identical(sample_build: SampleBuild, warm_sample: Path,
                                       tmp_path: Path) -> None:
    first = sample_build.result  # the session's cold build, into warm_sample / "build"
    second = build(warm_sample, out=tmp_path / "b")
    # with each meeting's sakspapirer.pdf and the 10 saksutskrifter of 1/24
    assert len(first.written) == len(second.written) == 48
    assert hashes(warm_sample / "build") == hashes(tmp_path / "b")


def test_unchanged_rebuild_writes_nothing_and_a_change_rebuilds_only_its_meeting(
        warm_sample: Path) -> None:
    sample = warm_sample  # built where the session built it: the rebuild cache holds
    out = sample / "build"
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")}
    again = build(sample)
    assert again.written == [] and len(again.unchanged) == 48
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")} == before

    agenda = sample / "meetings/2024-04-24/agenda.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8").replace("Middag", "Felles middag"),
                      encoding="utf-8")
    changed = build(sample)
    names = sorted(p.relative_to(out).as_posix() for p in changed.written)
    assert names == ["2024-04-24/innkalling.docx", "2024-04-24/innkalling.pdf",
                     "2024-04-24/sakspapirer.pdf"]  # the packet holds the innkalling


def test_a_deleted_output_is_rebuilt(warm_sample: Path) -> None:
    sample = warm_sample
    target = sample / "build/2024-04-24/toppnotat-12-24.pdf"
    target.unlink()
    result = build(sample)
    assert [p.name for p in result.written] == ["toppnotat-12-24.pdf"]
    assert target.is_file()


def test_invalid_sources_write_nothing_and_keep_earlier_outputs(warm_sample: Path) -> None:
    sample = warm_sample
    out = sample / "build"
    before = hashes(out)
    agenda = sample / "meetings/2024-04-24/agenda.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8").replace('tid: "11:10"', 'tid: "25:10"'),
                      encoding="utf-8")
    with pytest.raises(InvalidSources) as caught:
        build(sample)
    assert any(d.code == "invalid-value" for d in caught.value.diagnostics)
    assert hashes(out) == before


def test_a_failed_conversion_leaves_earlier_outputs(warm_sample: Path) -> None:
    sample = warm_sample
    out = sample / "build"
    before = hashes(out)
    note = sample / "meetings/2024-04-24/toppnotater/12-24-tannhelse.md"
    # an image file that exists but is no image passes check, and fails conversion
    (note.parent.parent / "figur.png").write_bytes(b"not a PNG at all")
    note.write_text(note.read_text(encoding="utf-8") + "\n![Figur](figur.png)\n",
                    encoding="utf-8")
    with pytest.raises(NufaError) as caught:
        build(sample)
    assert "Toppnotat" in caught.value.message
    assert hashes(out) == before


@pytest.mark.unit
@pytest.mark.parametrize("where", [".", "meetings", "meetings/2024-04-24/out"])
def test_output_folder_may_not_hold_the_sources(sample: Path, where: str) -> None:
    with pytest.raises(OutputError):
        build(sample, out=sample / where)


@pytest.mark.unit
def test_the_template_cache_in_a_file_is_a_write_failure(tmp_path: Path) -> None:
    from nufa_cli.render.renderer import environment

    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(WriteFailed, match="could not write the template cache"):
        environment(cache=tmp_path / "file" / "jinja")


@pytest.mark.unit  # the calendar alone: nothing to convert
def test_an_unchanged_rebuild_asks_git_for_no_build_date(
        sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nufa_cli.build.orchestrator

    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    build(sample, only={"kalender"})

    def fail(*_: object) -> int:
        raise AssertionError("the unchanged fast path read the commit times")

    monkeypatch.setattr(nufa_cli.build.orchestrator, "History", fail)
    again = build(sample, only={"kalender"})
    assert again.written == [] and len(again.unchanged) == 2


def test_build_only_one_kind_and_format(sample: Path) -> None:
    result = build(sample, meetings=["2024-04-24"], formats=["pdf"], only={"toppnotat"})
    assert sorted(p.name for p in result.written) == [f"toppnotat-{n}-24.pdf" for n in range(12, 19)]


@pytest.mark.unit
def test_unknown_meeting_is_a_usage_error(sample: Path) -> None:
    with pytest.raises(NufaError) as caught:
        build(sample, meetings=["2031-01-01"])
    assert caught.value.exit_code == 2
    assert "2024-01-24, 2024-04-24" in caught.value.message


def _footer_text(pdf: Path) -> str:
    from pypdf import PdfReader

    return PdfReader(pdf).pages[0].extract_text()


@pytest.mark.e2e  # a git repository
def test_every_page_names_the_commit_and_same_commit_gives_same_bytes(
        sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # the build date comes from the commit
    git_repo(sample, message="Møte 2/24", date="2024-04-10T12:00:00+02:00")
    commit = git(sample, "log", "-1", "--format=%h")
    build(sample, meetings=["2024-04-24"], only={"innkalling"}, out=tmp_path / "a")
    build(sample, meetings=["2024-04-24"], only={"innkalling"}, out=tmp_path / "b")
    assert hashes(tmp_path / "a") == hashes(tmp_path / "b")
    first = _footer_text(tmp_path / "a/2024-04-24/innkalling.pdf")
    assert f"Versjon {commit}, bygget 10.04.2024" in first

    agenda = sample / "meetings/2024-04-24/agenda.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8").replace("Middag", "Felles middag"),
                      encoding="utf-8")
    build(sample, meetings=["2024-04-24"], only={"innkalling"}, out=tmp_path / "a")
    assert f"Versjon {commit} + endringer, bygget 10.04.2024" in _footer_text(
        tmp_path / "a/2024-04-24/innkalling.pdf")


def test_outside_git_the_footer_names_no_revision(built_sample: Path) -> None:
    text = _footer_text(built_sample / "build/2024-04-24/innkalling.pdf")
    assert "Bygget 24.04.2024" in text and "Versjon" not in text


def test_without_git_or_source_date_epoch_the_footer_claims_no_date(
        sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    build(sample, meetings=["2024-04-24"], only={"innkalling"}, formats=["pdf"])
    text = _footer_text(sample / "build/2024-04-24/innkalling.pdf")
    assert "Bygget" not in text and "Versjon" not in text and "Side 1 av" in text
