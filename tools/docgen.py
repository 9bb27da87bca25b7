"""The generated pages of the user documentation: the command reference (walked from the
Typer app). The diagnostics reference, docs/diagnostics.md, is `nufa explain --all`, written
from the code registry (nufa_cli/core/codes.py) and kept current by tests/test_codes.py.

mkdocs calls `on_page_markdown` (a hook, see mkdocs.yml) and puts each page's generated text
where the page says `<!-- generated: NAME -->`; the tests call the same functions, so what the
site shows is what the tests check.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer.main

PACKAGE = Path(__file__).resolve().parents[1] / "nufa_cli"
# Typer carries its own copy of click: its commands are not click's classes, so they are
# duck-typed here, and each makes its own context (command.context_class).
Command = Any
MARKER = "<!-- generated: {} -->"


# -- commands -------------------------------------------------------------------------------------


def walk_commands(command: Command, path: tuple[str, ...] = ("nufa",)
                  ) -> Iterator[tuple[tuple[str, ...], Command]]:
    """(name path, command) of every command below the app, groups included, in help order."""
    yield path, command
    if hasattr(command, "list_commands"):  # a group
        ctx = command.context_class(command, info_name=path[-1])
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from walk_commands(sub, (*path, name))


def _context(path: tuple[str, ...], command: Command, root: Command) -> Any:
    ctx = root.context_class(root, info_name=path[0], **(root.context_settings or {}))
    for name in path[1:-1]:
        group = ctx.command.get_command(ctx, name)
        ctx = group.context_class(group, info_name=name, parent=ctx)
    return command.context_class(command, info_name=path[-1], parent=ctx) if len(path) > 1 else ctx


def _is_argument(param: Any) -> bool:
    return param.param_type_name == "argument"


def _option_cell(param: Any, ctx: Any) -> str:
    names = ", ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
    if not getattr(param, "is_flag", False):
        shown = param.metavar or param.display_type_rich(ctx)  # as --help shows it
        names += f" `{shown}`"
    return names


def _default_note(param: Any) -> str:
    default = param.default
    if default is None or default is False or default == () or default == []:
        return ""
    shown = getattr(default, "value", default)
    return f" (default: `{shown}`)"


def docs_commands(app: typer.Typer | None = None) -> str:
    """Markdown: every command with its usage, its help and a table of its arguments and
    options, as `nufa COMMAND --help` prints them."""
    if app is None:
        from nufa_cli.cli import app
    root = typer.main.get_command(app)
    parts: list[str] = []
    for path, command in walk_commands(root):
        ctx = _context(path, command, root)
        title = " ".join(path)
        parts.append(f"## `{title}`\n")
        parts.append("```\n" + command.get_usage(ctx) + "\n```\n")
        if command.help:
            parts.append(command.help.strip() + "\n")
        rows = []
        for param in command.get_params(ctx):
            cell = (f"`{param.metavar or param.name.upper()}`" if _is_argument(param)
                    else _option_cell(param, ctx))
            text = (getattr(param, "help", None) or "").replace("|", "\\|").replace("\n", " ")
            rows.append(f"| {cell.replace('|', chr(92) + '|')} | {text}{_default_note(param)} |")
        if rows:
            parts.append("| argument or option | meaning |\n|---|---|\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


# -- the mkdocs hook --------------------------------------------------------------------------------

GENERATORS = {"commands": docs_commands}


def expand(markdown: str) -> str:
    for name, generate in GENERATORS.items():
        marker = MARKER.format(name)
        if marker in markdown:
            markdown = markdown.replace(marker, generate())
    return markdown


def on_page_markdown(markdown: str, **_: object) -> str:
    """mkdocs hook: fill in the generated parts of a page."""
    return expand(markdown)
