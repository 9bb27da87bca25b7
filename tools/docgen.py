"""The generated pages of the user documentation: the command reference (walked from the
Typer app) and the diagnostics reference (from the codes nufa reports).

mkdocs calls `on_page_markdown` (a hook, see mkdocs.yml) and puts each page's generated text
where the page says `<!-- generated: NAME -->`; the tests call the same functions, so what the
site shows is what the tests check.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
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


# -- diagnostics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    code: str
    severities: tuple[str, ...]  # "error", "warning", or both where the rule can be either
    modules: tuple[str, ...]  # where nufa raises it


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


# The two ways nufa makes a diagnostic: Diagnostic(path, line, col, code, message, hint,
# severity) and Source.diagnostic(at, code, message, hint, severity): positions of code and
# severity among the arguments.
_MAKERS = {"Diagnostic": (3, 6), "diagnostic": (1, 4)}


def _maker(call: ast.Call) -> tuple[int, int] | None:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(
        func, ast.Attribute) else None
    return _MAKERS.get(name or "")


def _severity(call: ast.Call, at: int) -> str:
    value = next((k.value for k in call.keywords if k.arg == "severity"), None)
    if value is None and len(call.args) > at:
        value = call.args[at]
    return "warning" if value is not None and "WARNING" in ast.unparse(value) else "error"


def codes_in_source(package: Path = PACKAGE) -> list[Code]:
    """Every diagnostic code written as a literal where a Diagnostic is made, read from the
    source: what exists until the code registry (nufa_cli/core/codes.py) holds them all."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    for path in sorted(package.rglob("*.py")):
        module = path.relative_to(package.parent).with_suffix("").as_posix().replace("/", ".")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            positions = _maker(node) if isinstance(node, ast.Call) else None
            if positions is None:
                continue
            code_at, severity_at = positions
            code = _literal(node.args[code_at]) if len(node.args) > code_at else None
            code = code or next((_literal(k.value) for k in node.keywords if k.arg == "code"), None)
            if code:
                severities, modules = found.setdefault(code, (set(), set()))
                severities.add(_severity(node, severity_at))
                modules.add(module)
    return [Code(code, tuple(sorted(s)), tuple(sorted(m))) for code, (s, m) in sorted(found.items())]


def docs_diagnostics(codes: list[Code] | None = None) -> str:
    """Markdown: one entry per diagnostic code. The seam for the registry: pass its entries
    (or make this read nufa_cli.core.codes) and the page follows."""
    codes = codes_in_source() if codes is None else codes
    lines = ["| code | severity | reported by |", "|---|---|---|"]
    for entry in codes:
        modules = ", ".join(f"`{m}`" for m in entry.modules)
        lines.append(f"| `{entry.code}` | {' or '.join(entry.severities)} | {modules} |")
    return "\n".join(lines) + "\n"


# -- the mkdocs hook --------------------------------------------------------------------------------

GENERATORS = {"commands": docs_commands, "diagnostics": docs_diagnostics}


def expand(markdown: str) -> str:
    for name, generate in GENERATORS.items():
        marker = MARKER.format(name)
        if marker in markdown:
            markdown = markdown.replace(marker, generate())
    return markdown


def on_page_markdown(markdown: str, **_: object) -> str:
    """mkdocs hook: fill in the generated parts of a page."""
    return expand(markdown)
