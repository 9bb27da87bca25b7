"""Fixtures shared by the test modules, and the three kinds of test.

Every test is exactly one of:

- unit: neither pandoc nor typst starts, and nufa runs in this process. `make test-fast`
  runs these. A test marked unit that starts pandoc, typst or a nufa process fails
  (RendererStarted), so a mislabelled test cannot slow the fast subset down unseen.
- render: converts with pandoc or typst, or reads what a conversion wrote (built_sample).
- e2e: drives nufa as a user does: nufa in a subprocess, git repositories, whole
  workflows, a browser. A test that is both e2e and render is e2e.

A test says its kind with @pytest.mark.unit/render/e2e; without one it takes its
module's (`pytestmark = pytest.mark.render`), else render if it uses a fixture of the
built sample, else unit. The kind is set on the test alone, so `-m unit` and the
others always select disjoint sets.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from helpers import (
    SAMPLE_EPOCH,
    FileContent,
    Nufa,
    SampleBuild,
    copy_sample,
    tree_hashes,
    valid_repo,
    write_repo,
)

KINDS = ("unit", "render", "e2e")
RENDER_FIXTURES = {"sample_build", "built_sample", "warm_sample"}


# -- the kinds -------------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection reads the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    kinds: dict[pytest.Item, str] = {}
    for item in items:
        own = {mark.name for mark in item.own_markers if mark.name in KINDS}
        inherited = [mark.name for node in reversed(item.listchain()[:-1])
                     for mark in node.own_markers if mark.name in KINDS]
        if len(own) > 1:
            raise pytest.UsageError(f"{item.nodeid} is marked {' and '.join(sorted(own))}; "
                                    "a test is one of unit, render, e2e")
        rendered = sorted(RENDER_FIXTURES & set(item.fixturenames))
        if own:
            kinds[item] = own.pop()
        elif inherited:
            kinds[item] = inherited[0]  # the closest: a class's before its module's
        else:
            kinds[item] = "render" if rendered else "unit"
        if kinds[item] == "unit" and rendered:  # another test may have built it: say so now
            raise pytest.UsageError(f"{item.nodeid} is marked unit but uses {rendered[0]}, "
                                    "which builds the sample")
    for item in kinds:  # then no module's or class's mark adds a second kind to a test
        for node in item.listchain():
            node.own_markers[:] = [mark for mark in node.own_markers if mark.name not in KINDS]
    for item, kind in kinds.items():
        item.add_marker(kind)


class RendererStarted(Exception):
    """A unit test started pandoc, typst or nufa in a process of its own. Code on the way
    may catch it (the CLI turns any exception into exit 3); the test fails all the same."""


RENDERERS = {"pandoc", "typst"}
_GUARD = pytest.StashKey[tuple[pytest.MonkeyPatch, list[str]]]()


def _refuse(started: list[str], what: str) -> NoReturn:
    started.append(what)
    raise RendererStarted(f"a test marked unit started {what}")


def _guard(started: list[str]) -> pytest.MonkeyPatch:
    """Make every way the code and the tests start pandoc or typst refuse."""
    import typst

    patch = pytest.MonkeyPatch()

    class GuardedPopen(subprocess.Popen):  # type: ignore[type-arg]
        def __init__(self, args: Any, *rest: Any, **options: Any) -> None:
            argv = [str(a) for a in ([args] if isinstance(args, str | Path) else args)]
            if argv and Path(argv[0]).name in RENDERERS:
                _refuse(started, f"{Path(argv[0]).name} ({' '.join(argv)[:80]})")
            if "nufa_cli.convert.typst_child" in argv:  # typst's worker process
                _refuse(started, "typst (its worker process)")
            if "nufa_cli.cli" in argv or (argv and Path(argv[0]).name == "nufa"):
                _refuse(started, "nufa in a subprocess (it may start pandoc or typst unseen)")
            super().__init__(args, *rest, **options)

    def refuser(what: str) -> Callable[..., NoReturn]:
        return lambda *_, **__: _refuse(started, what)

    patch.setattr(subprocess, "Popen", GuardedPopen)
    patch.setattr(typst, "Compiler", refuser("a typst compiler"))
    for name in ("compile", "compile_with_warnings", "query"):
        if hasattr(typst, name):
            patch.setattr(typst, name, refuser(f"typst.{name}"))
    return patch


def _raise_if_started(item: pytest.Item) -> None:
    """Also when the refusal was caught on its way, or turned into another error (pypandoc
    reports "no pandoc found"): the test fails with RendererStarted."""
    if _GUARD in item.stash and item.stash[_GUARD][1]:
        raise RendererStarted(f"a test marked unit started {item.stash[_GUARD][1][0]}: mark it "
                              "render, or e2e if it drives nufa as a user does (see "
                              "tests/conftest.py)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    # from before the first fixture: a module's fixture set up for a unit test counts too
    if item.get_closest_marker("unit"):
        started: list[str] = []
        item.stash[_GUARD] = (_guard(started), started)
    try:
        return (yield)
    finally:
        _raise_if_started(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    finally:
        _raise_if_started(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    finally:
        if _GUARD in item.stash:
            item.stash[_GUARD][0].undo()
            del item.stash[_GUARD]


# -- repositories ----------------------------------------------------------------------------


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


# -- the sample, built once ------------------------------------------------------------------


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> SampleBuild:
    """The one cold build of the sample (DOCX, PDF, calendars, sakspapirer) of a session."""
    from nufa_cli.build.orchestrator import build

    base = tmp_path_factory.mktemp("sample")
    work = copy_sample(base / "work")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
        result = build(work)
    root = base / "built"
    shutil.copytree(work, root, symlinks=True)
    return SampleBuild(root=root, result=result, work=work)


@pytest.fixture
def built_sample(sample_build: SampleBuild) -> Iterator[Path]:
    """The built sample, to read: sources and build/ (outside git, SOURCE_DATE_EPOCH as in
    `sample`). The test fails if it changed anything there."""
    before = tree_hashes(sample_build.root)
    yield sample_build.root
    assert tree_hashes(sample_build.root) == before, "a test wrote into the shared built sample"


@pytest.fixture
def warm_sample(sample_build: SampleBuild, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A built sample the test may change: the shared build put back where it was made, so
    its rebuild cache holds (the cache keys name absolute paths) and a rebuild is warm."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    shutil.rmtree(sample_build.work, ignore_errors=True)
    shutil.copytree(sample_build.root, sample_build.work, symlinks=True)
    return sample_build.work

