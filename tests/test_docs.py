"""The user documentation keeps up with the code: every key of the JSON Schemas is in the
format reference under its file's heading, every command and option has help text and is in
the command reference, every diagnostic code is in the diagnostics reference, and mkdocs
builds the site without a warning."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
import yaml
from helpers import PROJECT

from nufa_cli.cli import app
from nufa_cli.sources.jsonschema import json_schemas

sys.path.insert(0, str(PROJECT / "tools"))
import docgen  # tools/ is not a package: found through the path above

DOCS = PROJECT / "docs"
FORMAT = (DOCS / "format.md").read_text(encoding="utf-8")
SECTION_OF_SCHEMA = {"nufa.schema.json": "nufa.yaml", "medlemmer.schema.json": "medlemmer.yaml",
                     "agenda.schema.json": "agenda.yaml",
                     "toppnotat.schema.json": "Toppnotat front matter",
                     "referat.schema.json": "Referat front matter",
                     "katalog.schema.json": "nufa.yaml"}  # a catalogue file: its Printed texts
OTHER = " (other committees)"  # part 2 of the format: its keys in a section of their own


def properties(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        found |= set(node.get("properties", {}))
        for value in node.values():
            found |= properties(value)
    elif isinstance(node, list):
        for value in node:
            found |= properties(value)
    return found


def section(markdown: str, heading: str) -> str:
    """The text under `## heading` (its ### subsections included), up to the next # or ##."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^##? |\Z)", markdown, re.M | re.S)
    assert match, f"docs/format.md has no section '## {heading}'"
    return match.group(1)


def test_every_schema_has_a_section() -> None:
    assert set(SECTION_OF_SCHEMA) == set(json_schemas())


@pytest.mark.parametrize("schema", sorted(SECTION_OF_SCHEMA))
def test_every_key_of_the_schemas_is_documented_under_its_file(schema: str) -> None:
    heading = SECTION_OF_SCHEMA[schema]
    text = section(FORMAT, heading)
    if f"## {heading}{OTHER}\n" in FORMAT:
        text += section(FORMAT, heading + OTHER)
    keys = properties(json.loads(json_schemas()[schema]))
    assert keys
    assert sorted(key for key in keys if f"`{key}`" not in text) == []


def test_the_section_helper_finds_an_undocumented_key() -> None:
    page = "## agenda.yaml\n\n| `sted` | where |\n\n## medlemmer.yaml\n\n| `tid` | no |\n"
    assert "`tid`" not in section(page, "agenda.yaml")


# -- the command reference --------------------------------------------------------------------------

ROOT = typer.main.get_command(app)


def every_parameter() -> list[tuple[str, str]]:
    found = []
    for path, command in docgen.walk_commands(ROOT):
        ctx = docgen._context(path, command, ROOT)
        found += [(" ".join(path), param.name) for param in command.get_params(ctx)]
    return found


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(path) for path, _ in docgen.walk_commands(ROOT)}
    assert {"nufa", "nufa check", "nufa build", "nufa init", "nufa new", "nufa new meeting",
            "nufa new sak", "nufa diff"} <= names
    assert len(names) >= 14


def test_every_command_and_option_has_help_and_is_in_the_reference() -> None:
    reference = docgen.docs_commands()
    for path, command in docgen.walk_commands(ROOT):
        title = " ".join(path)
        assert f"## `{title}`\n" in reference
        assert (command.help or "").strip(), f"{title} has no help text"
        block = reference.split(f"## `{title}`\n", 1)[1].split("\n## `", 1)[0]
        for param in command.get_params(docgen._context(path, command, ROOT)):
            assert (getattr(param, "help", None) or "").strip(), f"{title} {param.name}: no help"
            for opt in [*param.opts, *param.secondary_opts]:
                if not docgen._is_argument(param):
                    assert f"`{opt}`" in block, f"{title}: {opt} is not in the reference"
    assert len(every_parameter()) > 40


def test_the_commands_page_is_generated() -> None:
    page = (DOCS / "commands.md").read_text(encoding="utf-8")
    assert docgen.MARKER.format("commands") in page
    assert "## `nufa build`" in docgen.expand(page)


# -- the site ----------------------------------------------------------------------------------------


def test_the_navigation_lists_every_page() -> None:
    config = yaml.safe_load((PROJECT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = {next(iter(item.values())) for item in config["nav"]}
    assert listed == {p.name for p in DOCS.glob("*.md")}
    assert config["hooks"] == ["tools/docgen.py"]


MKDOCS = Path(sys.executable).with_name("mkdocs")


@pytest.mark.skipif(not MKDOCS.exists() and not shutil.which("mkdocs"),
                    reason="mkdocs is not installed: pip install -e '.[docs]' (make docs does)")
def test_mkdocs_builds_the_site_strictly(tmp_path: Path) -> None:
    mkdocs = str(MKDOCS) if MKDOCS.exists() else "mkdocs"
    result = subprocess.run([mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=PROJECT, capture_output=True, text=True, timeout=300,
                            env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    commands = (tmp_path / "site" / "commands" / "index.html").read_text(encoding="utf-8")
    assert "--changed-since" in commands and "nufa new sak" in commands
    diagnostics = (tmp_path / "site" / "diagnostics" / "index.html").read_text(encoding="utf-8")
    assert "time-overlap" in diagnostics
