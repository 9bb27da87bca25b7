"""The command line: parse arguments, call the library, map results to output and exit codes.

Exit codes: 0 clean, 1 problems in the sources (or a failed build), 2 usage error.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .errors import NufaError, Severity, format_diagnostics, has_errors
from .load import find_root

app = typer.Typer(
    help="Check and build a committee's meeting documents from plain-text sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"


PathArg = Annotated[
    Path | None,
    typer.Argument(help="A folder inside the nufa repository (default: the current folder)."),
]


def _root(path: Path | None) -> Path:
    start = path or Path.cwd()
    if not start.exists():
        raise typer.BadParameter(f"{start} does not exist", param_hint="PATH")
    return find_root(start)


def _summary(diagnostics: list, strict: bool) -> str:
    errors = sum(d.severity is Severity.ERROR or strict for d in diagnostics)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return "All sources are valid."
    return f"Found {errors} error(s) and {warnings} warning(s)."


@app.command()
def check(
    path: PathArg = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
) -> None:
    """Check every source file and print all problems at once."""
    from .validate import check as run_check

    _, diagnostics = run_check(_root(path))
    if strict:
        diagnostics = [d.__class__(**{**d.__dict__, "severity": Severity.ERROR})
                       for d in diagnostics]
    output = format_diagnostics(diagnostics, format)
    if format is Format.json:
        typer.echo(output)
    else:
        if output:
            typer.echo(output)
        typer.echo(_summary(diagnostics, strict), err=format is Format.github)
    raise typer.Exit(1 if has_errors(diagnostics, strict=strict) else 0)


class DocFormat(StrEnum):
    docx = "docx"
    pdf = "pdf"


@app.command()
def build(
    meetings: Annotated[list[str] | None, typer.Argument(
        help="Meeting folders to build, e.g. 2024-04-24 (default: every meeting).")] = None,
    format: Annotated[list[DocFormat] | None, typer.Option(
        "--format", help="Only this format (repeatable; default: docx and pdf).")] = None,
    only: Annotated[list[str] | None, typer.Option(
        "--only", help="Only this document kind: innkalling, saksliste, toppnotat, referat.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Output folder (default: build/ in the repository).")] = None,
    path: Annotated[Path | None, typer.Option(
        "--repo", help="The nufa repository (default: found from the current folder).")] = None,
) -> None:
    """Validate, then render every document to DOCX and PDF under build/<meeting>/."""
    from .build import KINDS
    from .build import build as run_build

    kinds = set(only or ())
    unknown = kinds - set(KINDS)
    if unknown:
        raise typer.BadParameter(f"unknown kind {', '.join(sorted(unknown))}; "
                                 f"choose from {', '.join(KINDS)}", param_hint="--only")
    formats = [str(f) for f in format] if format else ["docx", "pdf"]
    root = _root(path)
    with _progress() as report:
        result = run_build(root, meetings, formats, kinds or None, out, report)
    for diagnostic in result.diagnostics:
        typer.echo(diagnostic.text(), err=True)
    for written in result.written:
        typer.echo(f"wrote {_shown(written)}")
    typer.echo(f"Built {len(result.written)} file(s), {len(result.unchanged)} unchanged.")


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class _progress:
    """A rich progress bar on a terminal; silent in CI and pipes."""

    def __enter__(self):  # noqa: ANN204
        self.bar = None
        if sys.stderr.isatty():
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("[bold]Building"), BarColumn(),
                                TextColumn("{task.completed}/{task.total} {task.description}"),
                                TimeElapsedColumn(), transient=True)
            self.bar.__enter__()
            self.task = self.bar.add_task("", total=None)
        return self.report

    def report(self, done: int, total: int, label: str) -> None:
        if self.bar:
            self.bar.update(self.task, completed=done, total=total, description=label)

    def __exit__(self, *exc: object) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)


@app.command()
def schema(
    folder: Annotated[Path, typer.Argument(help="Where to write the JSON Schemas.")] = Path(
        "schemas"),
) -> None:
    """Write JSON Schemas of nufa.yaml, medlemmer.yaml, agenda.yaml and the front matters."""
    from .schemas import write_schemas

    for path in write_schemas(folder):
        typer.echo(f"wrote {path}")


# Feature commands are registered below this line, one block per module (keep blocks small:
# parse arguments, call the library, print). Insert new blocks directly above this comment's end.
# --- end of commands ---


def main() -> None:
    """Entry point: no traceback reaches a user, whatever the input."""
    try:
        app()  # standalone: usage errors print their message and exit 2
    except NufaError as exc:
        if exc.diagnostics:
            typer.echo(format_diagnostics(exc.diagnostics, "text"), err=True)
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("Interrupted; outputs are as they were before this run.", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last resort: a bug must still not dump a traceback
        if os.environ.get("NUFA_DEBUG"):
            raise
        typer.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                   "This is a bug in nufa; run again with NUFA_DEBUG=1 and report the output.",
                   err=True)
        sys.exit(3)

if __name__ == "__main__":
    main()
