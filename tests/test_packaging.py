"""The release artefacts, built as a release builds them (`python -m build`): the wheel and the
sdist carry the templates and the pandoc worker, and the wheel installed into a fresh venv
runs `nufa --version`, `nufa init`, `nufa check` and a PDF build without this source tree.

Slow (a venv and a pip install): marked e2e, so `make test` runs it and `-m 'not e2e'` skips it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from helpers import PROJECT

from nufa_cli import __version__

pytestmark = pytest.mark.e2e

# Every file nufa reads at run time besides Python code: what a broken package list would drop.
RUNTIME_FILES = [
    "convert/pandoc_worker.lua",
    "templates/nufa.typ", "templates/packet.typ", "templates/reference.docx",
    "templates/innkalling.md.j2", "templates/filters/typst.lua", "templates/site/style.css",
    "templates/init/dot-github/workflows/nufa.yml", "templates/init/README.md.j2",
    "templates/init/dot-gitignore", "templates/init/dot-pre-commit-config.yaml.j2",
    "templates/init/requirements.txt.j2",
    "templates/init/meeting/agenda.yaml.j2",
]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(PROJECT)],
                   check=True, capture_output=True, text=True, timeout=600)
    return out


def one(folder: Path, pattern: str) -> Path:
    (found,) = folder.glob(pattern)
    return found


def test_wheel_is_named_by_the_version_and_carries_the_runtime_files(dist: Path) -> None:
    wheel = one(dist, "*.whl")
    assert wheel.name == f"nufa-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"nufa-{__version__}.dist-info/METADATA").decode()
        entry_points = archive.read(f"nufa-{__version__}.dist-info/entry_points.txt").decode()
    missing = [name for name in RUNTIME_FILES if f"nufa_cli/{name}" not in names]
    assert missing == []
    fonts = [n for n in names if n.startswith("nufa_cli/templates/fonts/") and n.endswith(".ttf")]
    assert fonts
    assert f"\nVersion: {__version__}\n" in metadata
    assert "nufa = nufa_cli.__main__:main" in entry_points


def test_sdist_carries_the_sources_the_wheel_is_built_from(dist: Path) -> None:
    sdist = one(dist, "*.tar.gz")
    assert sdist.name == f"nufa-{__version__}.tar.gz"
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for name in ["pyproject.toml", "README.md", "nufa_cli/__init__.py",
                 "nufa_cli/convert/pandoc_worker.lua", *(n for n in RUNTIME_FILES
                                                         if n.startswith("templates/"))]:
        assert name in names
    assert not any(name.startswith((".venv/", "build/")) for name in names)


def test_the_installed_wheel_works_on_its_own(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                          str(one(dist, "*.whl"))], capture_output=True, text=True, timeout=900)
    assert pip.returncode == 0, pip.stderr
    nufa = str(venv / "bin" / "nufa")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1735689600"}
    env.pop("PYTHONPATH", None)
    work = tmp_path / "elsewhere"  # not the source tree: the package must not find it
    work.mkdir()

    def run(*args: str, cwd: Path = work) -> subprocess.CompletedProcess[str]:
        return subprocess.run([nufa, *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=300)

    version = run("--version")
    assert (version.returncode, version.stdout) == (0, f"nufa {__version__}\n")
    init = run("init", "sekretariat", "--dato", "2025-03-12")
    assert init.returncode == 0, init.stderr
    # the CI of the new repository installs from its requirements.txt: exactly this wheel's version
    again = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index",
                            "--find-links", str(dist), "-r", "requirements.txt"],
                           cwd=work / "sekretariat", capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    check = run("check", cwd=work / "sekretariat")
    assert (check.returncode, check.stdout, check.stderr) == (0, "All sources are valid.\n", "")
    built = run("build", "--format", "pdf", "--only", "innkalling", cwd=work / "sekretariat")
    assert built.returncode == 0, built.stderr
    pdf = work / "sekretariat" / "build" / "2025-03-12" / "innkalling.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    located = subprocess.run([str(venv / "bin" / "python"), "-c",
                              "import nufa_cli; print(nufa_cli.__file__)"],
                             cwd=work, env=env, capture_output=True, text=True, check=True)
    assert Path(located.stdout.strip()).is_relative_to(venv)
