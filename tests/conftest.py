from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import SAMPLE_EPOCH, FileContent, Nufa, copy_sample, valid_repo, write_repo


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[dict[str, FileContent]], Path]:
    """Write a file tree to tmp_path/repo; tmp_path/outside.pdf stands beside it for links."""
    (tmp_path / "outside.pdf").write_bytes(b"%PDF-1.4\n% not part of the repository\n")

    def make(files: dict[str, FileContent]) -> Path:
        return write_repo(tmp_path / "repo", files)

    return make


@pytest.fixture
def valid_root(make_repo: Callable[[dict[str, FileContent]], Path]) -> Path:
    return make_repo(valid_repo())


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample repository, built at a fixed SOURCE_DATE_EPOCH."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    return copy_sample(tmp_path / "repo")


@pytest.fixture
def nufa(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Nufa:
    """`nufa ARGS` through its real entry point: nufa(*args, cwd=...) in this process,
    nufa.process(*args, cwd=...) in a subprocess (helpers.Nufa)."""
    return Nufa(monkeypatch, capsys)
