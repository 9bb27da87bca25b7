"""The README keeps up with the code: every command, the two set-up commands, CI's entry."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from nufa_cli.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_names(group: typer.Typer, prefix: str = "nufa") -> list[str]:
    names = [f"{prefix} {c.name or c.callback.__name__}" for c in group.registered_commands]
    for sub in group.registered_groups:
        names += command_names(sub.typer_instance, f"{prefix} {sub.name}")
    return names


def test_every_command_is_in_the_readme() -> None:
    names = command_names(app)
    assert len(names) >= 12
    missing = [name for name in names if f"`{name}" not in README]
    assert missing == []


def test_the_two_setup_commands_are_make_targets() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("build", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}: .*## ", makefile, re.MULTILINE)


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_make_targets_named_in_the_readme_exist() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in set(re.findall(r"make ([a-z]+)", README)):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
