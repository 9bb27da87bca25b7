"""A built repository moved, copied or cloned together with its build/ is the same build.

Nothing a build keys its outputs by names where the repository or nufa lies on disk
(nufa_cli/build/cache.py), so building again in the new place converts nothing and,
on the unchanged fast path, writes nothing at all: not the manifest, not the memo.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import Nufa, commit, git, tree_state

pytestmark = pytest.mark.e2e  # whole builds of copied and cloned repositories

MEMO = "build/.nufa-cache/last-build.json"
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def nufa_build(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], root: Path,
               *args: str) -> tuple[int, int]:
    """(written, unchanged) as `nufa build ARGS` in root reports them."""
    code, out, err = Nufa(monkeypatch, capsys)("build", *args, cwd=root)
    assert code == 0, err
    written, unchanged = out.splitlines()[-1].removeprefix("Built ").split(" file(s), ")
    return int(written), int(unchanged.removesuffix(" unchanged."))


def outputs(root: Path) -> dict[str, tuple[int, str]]:
    """build/'s documents and calendars: what a rebuild may not touch."""
    return {name: state for name, state in tree_state(root / "build").items()
            if not name.startswith(".nufa")}


def own_saksliste(root: Path) -> Path:
    """The committee's own saksliste template (as yet the built-in one): maler/ in nufa.yaml."""
    config = root / "nufa.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "maler: maler\n", encoding="utf-8")
    (root / "maler").mkdir()
    return Path(shutil.copy(TEMPLATES / "saksliste.md.j2", root / "maler"))


@pytest.fixture
def built(sample: Path, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> tuple[Path, int]:
    """(the sample with a template of its own, committed in git with build/ ignored, and
    built; its number of outputs)."""
    own_saksliste(sample)
    (sample / ".gitignore").write_text("build/\n", encoding="utf-8")
    git(sample, "init", "-q", "-b", "main")
    commit(sample, "start")
    written, unchanged = nufa_build(monkeypatch, capsys, sample)
    assert written > 20 and unchanged == 0
    return sample, written


def test_a_copied_repository_is_the_same_build(
        built: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    original, count = built
    copy = tmp_path / "elsewhere" / "repo"
    shutil.copytree(original, copy, symlinks=True)
    before = tree_state(copy)
    assert nufa_build(monkeypatch, capsys, copy) == (0, count)
    assert tree_state(copy) == before  # the fast path: not a byte written anywhere

    # Without the memo every output is planned anew: each one's key must still match
    (copy / MEMO).unlink()
    documents = outputs(copy)
    compiled = tree_state(copy / "build/.nufa-cache/jinja")
    assert nufa_build(monkeypatch, capsys, copy) == (0, count)
    assert outputs(copy) == documents
    assert tree_state(copy / "build/.nufa-cache/jinja") == compiled  # maler/ found compiled


def test_a_clone_with_the_build_folder_restored_is_the_same_build(
        built: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A CI job: a fresh clone (new file times, a new index) and build/ from its cache."""
    original, count = built
    clone = tmp_path / "ci" / "repo"
    git(tmp_path, "clone", "-q", str(original), str(clone))
    shutil.copytree(original / "build", clone / "build")
    assert git(clone, "log", "-1", "--format=%h") == git(original, "log", "-1", "--format=%h")
    before = tree_state(clone)
    assert nufa_build(monkeypatch, capsys, clone) == (0, count)
    assert tree_state(clone) == before


def test_a_copy_builds_from_its_own_templates(
        sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The memo names the committee's templates relative to the repository: a copy whose
    template changed does not take the original's, still there, for its own."""
    own_saksliste(sample)
    only = ("2024-04-24", "--only", "saksliste", "--format", "docx")
    assert nufa_build(monkeypatch, capsys, sample, *only) == (1, 0)

    copy = tmp_path / "elsewhere" / "repo"
    shutil.copytree(sample, copy)
    assert nufa_build(monkeypatch, capsys, copy, *only) == (0, 1)
    own = copy / "maler/saksliste.md.j2"
    own.write_text(own.read_text(encoding="utf-8") + "\nEgen mal.\n", encoding="utf-8")
    assert nufa_build(monkeypatch, capsys, copy, *only) == (1, 0)
    assert nufa_build(monkeypatch, capsys, sample, *only) == (0, 1)
