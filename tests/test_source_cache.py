"""sources/cache.py: what PyYAML and markdown-it made of a text in an earlier run is taken
from build/.nufa-cache/sources-*.json, and gives exactly what reading it again gives (every
broken variant of test_check_rules, positions included). A changed file is read again; a
cache that is broken, made by other code, or behind a link is ignored; no cache folder,
nothing written."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import AGENDA2, PROJECT, TOPPNOTAT, FileContent, valid_repo, write_repo
from test_check_rules import CASES, TYPST_CASES, Case

from nufa_cli.check.validate import check
from nufa_cli.core.errors import Diagnostic
from nufa_cli.core.output import CACHE
from nufa_cli.sources import ahead, cache, markdown, reader

MakeRepo = Callable[[dict[str, FileContent]], Path]
FOLDER = f"build/{CACHE}"


def shards(root: Path) -> dict[str, Path]:
    """The cache's shard files there are, by shard."""
    found = {shard: root / FOLDER / cache.FILE.format(shard) for shard in cache.SHARDS}
    return {shard: path for shard, path in found.items() if path.exists()}


def entries(root: Path) -> dict[str, object]:
    """Every entry of every shard."""
    merged: dict[str, object] = {}
    for path in shards(root).values():
        merged.update(json.loads(path.read_text(encoding="utf-8"))["entries"])
    return merged


def written(root: Path) -> dict[str, tuple[int, bytes]]:
    return {shard: (path.stat().st_mtime_ns, path.read_bytes())
            for shard, path in shards(root).items()}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose YAML PyYAML read (not the cache), in order."""
    read: list[str] = []
    real = reader.load_yaml

    def load_yaml(text: str, rel: str, line_offset: int = 0, *, positions: bool = True
                  ) -> tuple[reader.Located | None, list[Diagnostic]]:
        read.append(rel)
        return real(text, rel, line_offset, positions=positions)

    monkeypatch.setattr(reader, "load_yaml", load_yaml)
    return read


def with_cache(make_repo: MakeRepo, files: dict[str, FileContent]) -> Path:
    root = make_repo(files)
    (root / "build" / CACHE).mkdir(parents=True)
    return root


def texts(diagnostics: list[Diagnostic]) -> list[str]:
    return [f"{d.text()} [{d.severity}]" for d in diagnostics]


@pytest.mark.parametrize("case", [
    pytest.param(case, id=case.id, marks=[pytest.mark.render] if case.id in TYPST_CASES else [])
    for case in CASES])
def test_a_remembered_read_says_what_reading_says(case: Case, make_repo: MakeRepo,
                                                  reads: list[str]) -> None:
    files = valid_repo()
    case.edit(files)
    root = with_cache(make_repo, files)
    _, read = check(root)
    count = len(reads)
    _, remembered = check(root)
    assert texts(remembered) == texts(read)
    # every YAML document came from the cache, but those whose positions a diagnostic needed
    located = {d.path for d in read}
    assert set(reads[count:]) <= located


def test_markdown_read_before_is_not_parsed_again(make_repo: MakeRepo,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = markdown._facts

    def facts(text: str) -> markdown.Facts:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(markdown, "_facts", facts)
    root = with_cache(make_repo, valid_repo())
    check(root)
    assert len(parsed) > 3  # the toppnotat, the referat, its sections
    count = len(parsed)
    note = root / TOPPNOTAT
    note.write_text(note.read_text(encoding="utf-8") + "\nEn setning til.\n", encoding="utf-8")
    check(root)
    assert len(parsed) == count + 1 and parsed[-1].endswith("En setning til.\n")


def test_the_cache_holds_each_document_once_and_is_not_rewritten_unchanged(
        make_repo: MakeRepo, reads: list[str]) -> None:
    root = with_cache(make_repo, valid_repo())
    check(root)
    first = sorted(reads)
    before = written(root)
    assert first == sorted(set(first))  # nufa.yaml, medlemmer.yaml, agendas, front matter
    check(root)
    assert sorted(reads) == first  # nothing read again
    assert written(root) == before


def test_a_changed_file_is_read_again_and_its_old_entry_dropped(make_repo: MakeRepo,
                                                               reads: list[str]) -> None:
    root = with_cache(make_repo, valid_repo())
    check(root)
    before, files = entries(root), written(root)
    note = root / TOPPNOTAT
    note.write_text(note.read_text(encoding="utf-8").replace("sak: 5/24", "sak: 5/23"),
                    encoding="utf-8")
    count = len(reads)
    _, diagnostics = check(root)
    # read again, without positions; then with them, for where its diagnostic stands
    assert reads[count:] == [TOPPNOTAT, TOPPNOTAT]
    assert [(d.path, d.code) for d in diagnostics] == [(TOPPNOTAT, "toppnotat-sak")]
    after = entries(root)
    gone, new = before.keys() - after.keys(), after.keys() - before.keys()
    assert len(gone) == len(new) == 1  # its front matter's entry, replaced
    # only the shards of these two were written again
    changed = {shard for shard, file in written(root).items() if files.get(shard) != file}
    assert changed == {key[0] for key in gone | new}


def test_a_removed_meeting_leaves_the_cache(make_repo: MakeRepo) -> None:
    files = valid_repo()
    root = with_cache(make_repo, files)
    check(root)
    before = entries(root)
    (root / AGENDA2).unlink()
    (root / AGENDA2).parent.joinpath("agenda.yml").write_text("x: 1\n", encoding="utf-8")
    check(root)
    after = entries(root)
    assert set(after) < set(before)


@pytest.mark.parametrize("content", [
    b"", b"\xff\xfe", b"{", b"[]", b'{"format": 1, "code": "other", "entries": {}}',
    b'{"format": 1, "code": "CODE", "entries": []}',
    b'{"format": 1, "code": "CODE", "entries": {"KEY": {"diagnostics": 3, "data": 1}}}',
    b'{"format": 1, "code": "CODE", "entries": {"KEY": {"diagnostics": [{"path": "x", "line":'
    b' 1, "col": 1, "code": "no-such-code", "message": "m"}], "data": 1}}}',
])
def test_a_broken_or_foreign_cache_is_ignored_and_made_anew(
        make_repo: MakeRepo, reads: list[str], content: bytes) -> None:
    root = with_cache(make_repo, valid_repo())
    _, clean = check(root)
    good = entries(root)
    # a shard holding what reading a YAML document gave (its diagnostics), and one such key
    file, key = next((file, key) for file in shards(root).values() for key, entry in
                     json.loads(file.read_text(encoding="utf-8"))["entries"].items()
                     if "diagnostics" in entry)
    code = json.loads(file.read_text(encoding="utf-8"))["code"]
    file.write_bytes(content.replace(b"CODE", code.encode()).replace(b"KEY", key.encode()))
    count = len(reads)
    assert check(root)[1] == clean
    assert len(reads) > count
    assert entries(root).keys() == good.keys()
    assert json.loads(file.read_text(encoding="utf-8"))["code"] == code


@pytest.mark.parametrize("content", [
    '{"format": 1, "code": "other", "entries": {"KEY": {"diagnostics": []}}}',  # an older nufa's
    "{",  # broken
    '{"format": 1, "code": "CODE", "entries": {"WRONG": {"diagnostics": []}}}',  # another shard's
])
def test_a_shard_the_run_reads_nothing_from_is_not_left_foreign_or_broken(
        make_repo: MakeRepo, content: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache holds what the last run asked for, no more: a shard of other code, a
    broken one, or one holding another shard's entries is written anew by the next run,
    though that run met no text of the shard (as the one file was, before the shards)."""
    real = cache._key

    def key(*args: Any) -> str:  # none in shard f: which shards the keys fill depends on the code
        found = real(*args)
        return "e" + found[1:] if found[0] == "f" else found

    monkeypatch.setattr(cache, "_key", key)
    root = with_cache(make_repo, valid_repo())
    check(root)
    good = entries(root)
    code = json.loads(next(iter(shards(root).values())).read_text(encoding="utf-8"))["code"]
    unused, other = "f", "0"
    assert unused not in shards(root)
    foreign = root / FOLDER / cache.FILE.format(unused)
    foreign.write_text(content.replace("CODE", code).replace("KEY", unused + "0" * 39)
                       .replace("WRONG", other + "0" * 39), encoding="utf-8")
    check(root)
    assert json.loads(foreign.read_text(encoding="utf-8")) == {
        "format": cache.FORMAT, "code": code, "entries": {}}
    assert entries(root).keys() == good.keys()


def test_an_entry_made_by_other_code_is_not_used(make_repo: MakeRepo, reads: list[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """As after an upgrade of nufa, or an edit of reader.py or markdown.py."""
    root = with_cache(make_repo, valid_repo())
    check(root)
    count = len(reads)
    real = cache.SourceCache._digest
    monkeypatch.setattr(cache.SourceCache, "_digest",
                        lambda self, file: real(self, file) + ("x" if "reader" in file else ""))
    check(root)
    assert sorted(reads[count:]) == sorted(reads[:count])


def test_a_cache_behind_a_link_is_not_read_nor_written_through(
        make_repo: MakeRepo, reads: list[str], tmp_path: Path) -> None:
    root = with_cache(make_repo, valid_repo())
    check(root)
    elsewhere = tmp_path / "elsewhere.json"
    for file in shards(root).values():  # every shard: each of them behind a link
        file.rename(elsewhere.with_suffix(f".{file.name}"))
        file.symlink_to(elsewhere.with_suffix(f".{file.name}"))
    elsewhere = next(tmp_path.glob("elsewhere.*"))
    kept = elsewhere.read_bytes()
    count = len(reads)
    check(root)
    assert len(reads) > count  # the very cache, but behind a link: not read
    assert elsewhere.read_bytes() == kept


def test_a_cache_folder_behind_a_link_is_not_used(make_repo: MakeRepo, reads: list[str],
                                                  tmp_path: Path) -> None:
    root = make_repo(valid_repo())
    (tmp_path / "other").mkdir()
    (root / "build").mkdir()
    (root / "build" / CACHE).symlink_to(tmp_path / "other")
    check(root)
    count = len(reads)
    check(root)
    assert len(reads) == 2 * count
    assert list((tmp_path / "other").iterdir()) == []


def test_without_a_cache_folder_loading_writes_nothing(make_repo: MakeRepo) -> None:
    root = make_repo(valid_repo())
    check(root)
    assert not (root / "build").exists()


def test_a_remembered_document_finds_its_positions_when_asked(make_repo: MakeRepo) -> None:
    root = with_cache(make_repo, valid_repo())
    text = (root / AGENDA2).read_text(encoding="utf-8")
    kept = cache.SourceCache.of(root)
    read, _ = kept.load_yaml(text, AGENDA2)
    kept.save()
    remembered, _ = cache.SourceCache.of(root).load_yaml(text, AGENDA2)
    assert isinstance(remembered, reader.Unplaced) and read is not None
    assert remembered.data == read.data and remembered.warnings == read.warnings
    assert remembered.values == read.values and remembered.keys == read.keys
    assert remembered.pos(("dager", 0, "program", 2, "sak")) == read.pos(
        ("dager", 0, "program", 2, "sak"))


def test_the_one_file_of_an_earlier_nufa_is_removed_when_a_shard_is_written(
        make_repo: MakeRepo) -> None:
    """Before the shards, every entry was in sources.json: left, it would keep the texts of
    files long since changed or removed."""
    root = with_cache(make_repo, valid_repo())
    legacy = root / FOLDER / cache.LEGACY
    legacy.write_text('{"format": 1, "code": "old", "entries": {}}', encoding="utf-8")
    check(root)
    assert not legacy.exists() and shards(root)


def test_a_first_check_parses_each_text_once(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Past markdown-it's 256 kept parses (a 30-meeting archive has 390 texts), the rules
    that read a text's facts and those that read its shape met it at different times and
    each parsed it (limits.prepare derives both together)."""
    sys.path.insert(0, str(PROJECT / "tools"))
    from archive import archive_files

    files = archive_files(30)
    for n, rel in enumerate(sorted(rel for rel in files if rel.endswith(".md"))):
        files[rel] = files[rel].rstrip("\n") + f"\n\nLøpenummer {n} i arkivet.\n"  # all differ
    root = write_repo(tmp_path / "archive", files)
    (root / FOLDER).mkdir(parents=True)
    parsed: Counter[str] = Counter()
    real = markdown._MD.parse

    def parse(text: str, env: dict[str, object] | None = None) -> list[object]:
        parsed[text] += 1
        return real(text, env)

    markdown.parse.cache_clear()
    monkeypatch.setattr(markdown._MD, "parse", parse)
    monkeypatch.setattr(ahead, "MIN_FOLDERS", 10**6)  # every parse in this process
    _, diagnostics = check(root)
    assert not [d for d in diagnostics if d.severity == "error"]
    bodies = [text for text in parsed if "Løpenummer" in text and "## Hensikt" in text]
    assert len(bodies) == 360  # every toppnotat's body was parsed
    assert max(parsed[text] for text in bodies) == 1
