"""What a released command line owes its users: a version, -h, completion, help that reads,
a progress bar that never says 0/None, --quiet and --verbose, and colour only on a terminal."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import typer
from helpers import PROJECT, Nufa, replace_once, valid_repo, write_repo

from nufa_cli import __version__
from nufa_cli.cli import app
from nufa_cli.front import _count_text

NUFA = Path(sys.executable).with_name("nufa")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def commands(group: typer.Typer, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [(*prefix, c.name or c.callback.__name__) for c in group.registered_commands]
    for sub in group.registered_groups:
        found.append((*prefix, sub.name))
        found += commands(sub.typer_instance, (*prefix, sub.name))
    return found


ALL_COMMANDS = [(), *commands(app)]


def in_a_terminal(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run nufa with stdout and stderr on a pseudo-terminal; what the terminal showed."""
    leader, follower = os.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update({"COLUMNS": "100", "TERM": "xterm-256color", **(env or {})})
    process = subprocess.Popen([str(NUFA), *args], cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=follower, env=environment)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            process.kill()
            raise AssertionError(f"nufa {' '.join(args)} showed nothing for 120 s")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal closed when the process ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    process.wait(timeout=60)
    return b"".join(chunks).decode("utf-8", "replace")


# -- the version ----------------------------------------------------------------------------------


def test_the_version_is_written_once_and_read_by_the_package_build() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "nufa_cli/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_version_option(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert Nufa(monkeypatch, capsys)("--version") == (0, f"nufa {__version__}\n", "")


# -- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=lambda c: " ".join(c) or "nufa")
def test_h_is_help_and_no_flag_shows_a_type(command: tuple[str, ...],
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    long = Nufa(monkeypatch, capsys)(*command, "--help")
    short = Nufa(monkeypatch, capsys)(*command, "-h")
    assert long == short
    code, out, err = long
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: nufa {' '.join(command)}".rstrip() + " ")
    assert "  -h, --help " in out
    assert "<bool>" not in out
    assert "\x1b[" not in out


def test_shell_completion_is_offered(monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = Nufa(monkeypatch, capsys)("--help")
    assert "--install-completion" in out and "--show-completion" in out
    # typer asks shellingham for the shell among nufa's parent processes; a test run whose
    # parent is no shell (started in the background) has none to find
    import shellingham
    monkeypatch.setattr(shellingham, "detect_shell", lambda *_, **__: ("bash", "/bin/bash"))
    code, script, err = Nufa(monkeypatch, capsys)("--show-completion", "bash")
    assert code == 0, err
    assert "_NUFA_COMPLETE" in script and "complete " in script


# -- the progress bar -----------------------------------------------------------------------------


def test_the_count_is_blank_until_the_total_is_known() -> None:
    assert _count_text(0, None) == ""
    assert _count_text(0, 0) == ""
    assert _count_text(3, 12) == "3/12"


@pytest.mark.e2e
def test_a_build_in_a_terminal_never_shows_none(sample: Path) -> None:
    shown = in_a_terminal(["build", "2024-04-24", "--format", "pdf", "--only", "innkalling",
                           "--only", "kalender"], sample)
    assert "Built 2 file(s), 0 unchanged." in shown
    assert "None" not in shown
    assert "Building" in shown  # the bar was there, and cleared itself


# -- quiet and verbose ----------------------------------------------------------------------------


def test_quiet_build_and_verbose_build(sample: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    args = ("build", "2024-04-24", "--only", "kalender")
    assert Nufa(monkeypatch, capsys)(*args, "--quiet", cwd=sample)[:2] == (0, "")
    assert (sample / "build" / "2024-04-24" / "2024-04-24.ics").is_file()
    code, out, _ = Nufa(monkeypatch, capsys)(*args, "-v", cwd=sample)
    assert (code, out) == (0, "unchanged build/2024-04-24/2024-04-24.ics\n"
                              "Built 0 file(s), 1 unchanged.\n")
    code, out, _ = Nufa(monkeypatch, capsys)(*args, cwd=sample)
    assert (code, out) == (0, "Built 0 file(s), 1 unchanged.\n")


def test_quiet_check_prints_only_problems(make_repo, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(valid_repo())
    assert Nufa(monkeypatch, capsys)("check", "-q", cwd=root) == (0, "", "")
    files = valid_repo()
    files["medlemmer.yaml"] = replace_once(str(files["medlemmer.yaml"]), "navn: Jon Gupta",
                                           "nvan: Jon Gupta")
    broken = write_repo(root.parent / "broken", files)
    code, out, _ = Nufa(monkeypatch, capsys)("check", "-q", cwd=broken)
    assert code == 1
    assert out.startswith("medlemmer.yaml:") and "Found" not in out


def test_quiet_init_writes_and_prints_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert Nufa(monkeypatch, capsys)("init", str(tmp_path / "ny"), "-q") == (0, "", "")
    assert (tmp_path / "ny" / "nufa.yaml").is_file()


# -- colour ---------------------------------------------------------------------------------------


def broken_repo(tmp_path: Path) -> Path:
    files = valid_repo()
    files["medlemmer.yaml"] = replace_once(str(files["medlemmer.yaml"]), "navn: Jon Gupta",
                                           "nvan: Jon Gupta")
    return write_repo(tmp_path / "repo", files)


@pytest.mark.e2e
def test_check_colours_a_terminal(tmp_path: Path) -> None:
    shown = in_a_terminal(["check"], broken_repo(tmp_path))
    assert "\x1b[31m" in shown  # a red "error"
    plain = ANSI.sub("", shown)
    assert re.search(r"medlemmer\.yaml:\d+:\d+: error\[", plain)
    assert plain != shown


@pytest.mark.e2e
def test_no_color_and_pipes_get_plain_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = broken_repo(tmp_path)
    shown = in_a_terminal(["check"], root, env={"NO_COLOR": "1"})
    assert "\x1b[" not in shown and "error[" in shown
    code, out, _ = Nufa(monkeypatch, capsys)("check", cwd=root)
    assert code == 1 and "\x1b[" not in out and "error[" in out
