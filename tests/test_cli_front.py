"""The light front (nufa_cli/front.py): start-up stays light, and a plain `nufa check` or
`nufa build` parsed there does exactly what typer's parse of the same arguments does."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import typer.main
from helpers import Nufa

from nufa_cli import front
from nufa_cli.cli import app

HEAVY = ("icalendar", "typst", "pypdf", "pypandoc", "jinja2")

pytestmark = pytest.mark.render


def run_nufa(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str,
             cwd: Path | None = None) -> tuple[int, str, str]:
    """`nufa ARGS` through the real entry point, in this process: (code, stdout, stderr)."""
    code, out, err = Nufa(monkeypatch, capsys)(*args, cwd=cwd)
    return code, out, err


def loaded(module: str) -> set[str]:
    """The top-level packages importing module loads, in a fresh interpreter."""
    script = f"import sys, {module}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    return set(done.stdout.split())


def test_importing_the_cli_loads_no_renderer() -> None:
    assert loaded("nufa_cli.cli") & set(HEAVY) == set()


def test_the_entry_point_loads_neither_typer_nor_pydantic() -> None:
    assert loaded("nufa_cli.__main__") & {*HEAVY, "typer", "pydantic", "yaml", "markdown_it"} == set()


@pytest.mark.parametrize("name", sorted(front._FAST))
def test_the_fast_declarations_are_the_commands_own(name: str) -> None:
    """Every option of the typer command, with its parameter, value and repeatability, and
    nothing else: an option added to cli.py and not here would be refused by the fast path
    (typer then runs it, so nothing breaks), but one here and not there would be a lie."""
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    fast = front._FAST[name]
    options = {}
    for param in command.params:
        if param.param_type_name == "argument":
            assert (param.name, param.nargs == -1) == (fast.argument, fast.many)
            continue
        for opt in param.opts:
            options[opt] = (param.name, param.is_flag, param.multiple)
    assert options == {opt: (o.parameter, o.value is None, o.many)
                       for opt, o in fast.options.items()}


@pytest.mark.parametrize("args", [
    ["check", "extra", "two"],  # one PATH only
    ["check", "--format", "yaml"],  # not a choice
    ["check", "--format"],  # no value
    ["check", "--strict=yes"],
    ["check", "--strict", "--strict"],
    ["check", "--help"],
    ["check", "-h"],
    ["check", "--"],
    ["check", ""],
    ["build", "--out", "a", "--out", "b"],
    ["build", "--only", "--offentlig"],
    ["list"],
    [],
])
def test_anything_unusual_goes_to_typer(args: list[str]) -> None:
    assert front.parse(args) is None


def test_plain_arguments_are_parsed_as_typer_would() -> None:
    assert front.parse(["build", "2024-04-24", "--only", "toppnotat", "--format=pdf",
                        "--only=referat", "meetings/2024-01-24", "--offentlig",
                        "--repo", "x"]) == (front.build, {
        "meetings": ["2024-04-24", "meetings/2024-01-24"], "only": ["toppnotat", "referat"],
        "format": [front.DocFormat.pdf], "offentlig": True, "path": Path("x")})
    assert front.parse(["check", "here", "--format", "json"]) == (
        front.check, {"path": Path("here"), "format": front.Format.json})


@pytest.mark.parametrize("args", [
    ["check"],
    ["check", ".", "--format", "json"],
    ["check", "--format=github", "--strict"],
    ["check", "does/not/exist"],  # a usage problem, found by the command: typer words it
    ["check", "--format", "yaml"],
    ["build", "--only", "kalender", "2024-04-24"],
    ["check", "-q"],
    ["build", "-q", "--only", "kalender"],
    ["build", "--verbose", "--only", "kalender"],
    ["build", "--only", "nothing"],
    ["build", "--only", "kalender", "1999-01-01"],
])
def test_the_fast_path_and_typer_say_the_same(args: list[str], sample: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    fast = run_nufa(monkeypatch, capsys, *args, cwd=sample)
    if args[0] == "build":  # built again from nothing, so it writes the same files again
        subprocess.run(["rm", "-rf", str(sample / "build")], check=True)
    with monkeypatch.context() as patch:
        patch.setattr(front, "parse", lambda args: None)  # typer parses everything
        slow = run_nufa(monkeypatch, capsys, *args, cwd=sample)
    assert fast == slow
    assert fast[0] in (0, 1, 2)


def test_a_usage_problem_found_by_the_command_is_typer_s_usage_error(
        sample: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert front.parse(["check", "does/not/exist"]) is not None  # parsed here, refused later
    code, out, err = run_nufa(monkeypatch, capsys, "check", "does/not/exist", cwd=sample)
    assert (code, out) == (2, "")
    assert "Invalid value for PATH" in err and "does/not/exist does not exist" in err


@pytest.mark.parametrize(("fg", "bold"), [(None, True), ("red", True), ("yellow", True),
                                          ("cyan", None)])
def test_colours_are_typer_s(fg: str | None, bold: bool | None) -> None:
    assert front.style("x", fg=fg, bold=bold) == typer.style("x", fg=fg, bold=bold)


@pytest.mark.parametrize("color", [None, False, True])
def test_echo_strips_colour_where_click_does(color: bool | None,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    text = front.style("error", fg="red", bold=True) + " plain"
    theirs, ours = io.StringIO(), io.StringIO()
    typer.echo(text, file=theirs, color=color)
    monkeypatch.setattr(sys, "stdout", ours)
    front.echo(text, color=color)
    assert ours.getvalue() == theirs.getvalue()


@pytest.mark.parametrize("args", [["check"], ["check", "--format", "json"], ["check", "-q"]])
def test_the_console_script_ends_a_check_at_once_as_python_would_end_it(
        args: list[str], sample: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`nufa` (nufa_cli/__main__.py) ends a check without freeing its objects one by one:
    the same output, flushed, and the same status as the in-process entry point's; and
    where its output goes into a pipe closed early (| head), no error either."""
    agenda = sample / "meetings/2024-04-24/agenda.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8").replace("status: endelig", "status: ferdig", 1),
                      encoding="utf-8")
    expected = run_nufa(monkeypatch, capsys, *args, cwd=sample)
    assert expected[0] == 1 and expected[1]
    done = subprocess.run([sys.executable, "-m", "nufa_cli", *args], cwd=sample,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == expected
    piped = subprocess.run(f"{sys.executable} -m nufa_cli check | head -c 1", shell=True,
                           cwd=sample, capture_output=True, text=True, timeout=120)
    assert piped.stderr == ""



@pytest.mark.parametrize("closed", [">&-", "2>&-"])
@pytest.mark.parametrize("args", [["check"], ["check", "-q"], ["check", "--format", "github"]])
def test_a_check_with_a_standard_stream_closed_ends_with_the_check_s_status(
        closed: str, args: list[str], sample: Path) -> None:
    """Started with stdout or stderr closed (`>&-`: Python's sys.stdout is then None), what
    would go there is lost, as click's echo loses it: no error, the status is the check's."""
    shown = subprocess.run([sys.executable, "-m", "nufa_cli", *args], cwd=sample,
                           capture_output=True, text=True, timeout=120)
    for run in ("-m nufa_cli", "-c 'import sys; from nufa_cli import front; front.main(sys.exit)'"):
        done = subprocess.run(f"{sys.executable} {run} {' '.join(args)} {closed}", shell=True,
                              cwd=sample, capture_output=closed == ">&-", text=True, timeout=120)
        assert done.returncode == shown.returncode
        if closed == ">&-":
            assert done.stderr == shown.stderr
