"""Scale out: `nufa build --shard K/N` builds every N-th meeting from the K-th, `--merge`
joins what the shards wrote, and `nufa init --shards N` writes the workflow doing both."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml
from helpers import PROJECT, Nufa, tree_hashes, write_repo

from nufa_cli.build.orchestrator import build, in_shard
from nufa_cli.check.validate import check
from nufa_cli.core.output import MANIFEST
from nufa_cli.edit.init import files

sys.path.insert(0, str(PROJECT / "tools"))
from archive import archive_files

pytestmark = pytest.mark.render


def run_nufa(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str,
             cwd: Path | None = None) -> tuple[int, str, str]:
    """`nufa ARGS` through the real entry point, in this process: (code, stdout, stderr)."""
    code, out, err = Nufa(monkeypatch, capsys)(*args, cwd=cwd)
    return code, out, err


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714000000")
    return write_repo(tmp_path / "archive", archive_files(5, saker=1))


def test_the_shards_share_the_meetings_round_robin(archive: Path) -> None:
    repo, _ = check(archive)
    folders = [m.folder for m in repo.meetings]
    shards = [in_shard(repo, None, (k, 3)) for k in (1, 2, 3)]
    assert shards == [folders[0::3], folders[1::3], folders[2::3]]
    assert in_shard(repo, [folders[1], f"meetings/{folders[3]}"], (2, 3)) == [folders[1]]
    assert in_shard(repo, None, (1, 1)) == folders


def test_the_shards_merged_are_the_whole_build(archive: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    whole = build(archive, out=tmp_path / "whole")
    for k in (1, 2):
        code, out, _ = run_nufa(monkeypatch, capsys, "build", "--shard", f"{k}/2", "--out",
                                str(tmp_path / f"shard-{k}"), cwd=archive)
        assert code == 0 and out.endswith(" 0 unchanged.\n")
    code, out, _ = run_nufa(monkeypatch, capsys, "build", "--merge", str(tmp_path / "shard-1"),
                            "--merge", str(tmp_path / "shard-2"), cwd=archive)
    assert code == 0 and out.endswith(f"Merged {len(whole.written)} file(s) from 2 build(s).\n")

    def documents(folder: Path) -> dict[str, str]:
        return {name: digest for name, digest in tree_hashes(folder).items()
                if not name.startswith(".nufa")}

    merged = archive / "build"
    assert documents(merged) == documents(tmp_path / "whole")
    manifest = (merged / MANIFEST).read_text(encoding="utf-8")
    assert manifest == (tmp_path / "whole" / MANIFEST).read_text(encoding="utf-8")
    assert build(archive).written == []  # the merged folder is the whole build, up to date


def test_more_shards_than_meetings_build_nothing(archive: Path, tmp_path: Path) -> None:
    assert build(archive, out=tmp_path / "empty", shard=(6, 6)).written == []


@pytest.mark.parametrize("value", ["0/2", "3/2", "x", "1/", "/2", "1/2/3", "-1/2"])
def test_a_bad_shard_is_a_usage_error(value: str, archive: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_nufa(monkeypatch, capsys, "build", f"--shard={value}", cwd=archive)
    assert (code, out) == (2, "")
    assert "--shard" in err


def test_merge_stands_alone(archive: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_nufa(monkeypatch, capsys, "build", "--merge", "x", "--shard", "1/2",
                            cwd=archive)
    assert code == 2 and "--merge takes what other builds made" in err


def test_init_writes_the_sharded_workflow() -> None:
    import datetime as dt

    plain = files(dt.date(2025, 9, 17))
    sharded = files(dt.date(2025, 9, 17), shards=3)
    name = ".github/workflows/nufa.yml"
    assert plain[name] == (PROJECT / "templates/init/dot-github/workflows/nufa.yml").read_bytes()
    assert set(plain) == set(sharded) and not any(n.startswith("variants/") for n in plain)
    workflow = yaml.safe_load(sharded[name])
    jobs = workflow["jobs"]
    assert list(jobs) == ["check", "build", "publish", "deploy"]
    assert jobs["build"]["strategy"]["matrix"]["shard"] == [1, 2, 3]
    steps = {step.get("name", step.get("uses", "")): step for step in jobs["build"]["steps"]}
    assert steps["nufa build --offentlig --shard"]["run"] == \
        'nufa build --offentlig --shard "$SHARD/3"'
    cache = steps["Restore this shard's last build"]["with"]
    assert cache["path"] == "build" and "hashFiles(" in cache["key"]
    assert jobs["publish"]["needs"] == "build" and jobs["deploy"]["needs"] == "publish"
    merge = next(s for s in jobs["publish"]["steps"] if s.get("name") == "nufa build --merge")
    assert "--merge" in merge["run"]
    assert b"@SHARD" not in sharded[name]


def test_init_takes_the_shards_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run_nufa(monkeypatch, capsys, "init", str(tmp_path / "ny"), "--shards", "2", "-q")
    assert code == 0
    workflow = yaml.safe_load((tmp_path / "ny/.github/workflows/nufa.yml").read_text())
    assert workflow["jobs"]["build"]["strategy"]["matrix"]["shard"] == [1, 2]
    shutil.rmtree(tmp_path / "ny")
