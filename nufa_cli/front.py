"""The front door (main(), which __main__.py's entry point calls), and the two commands run
most, `nufa check` and `nufa build`, run without typer.

Typer imports click's machinery and builds a pydantic adapter per parameter on every run:
more than an unchanged rebuild, or the check of a small repository, costs in all. Editors,
hooks and CI run check and build far more than anything else, so main() parses their plain
arguments itself (declared in _FAST) and runs them from here. Anything else (another
command, --help, an unknown option, a bad value, a usage problem the command finds before
it does any work) goes to typer (cli.py), which then says what it always says. cli.py's
check and build commands call the same functions; tests/test_cli_front.py keeps _FAST in
step with their declared options and compares both paths' output.

Nothing heavy is imported here: each command imports what it needs when it runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from nufa_cli.build.targets import ALL_KINDS
from nufa_cli.core.errors import Diagnostic, NufaError, Severity, format_diagnostics, has_errors
from nufa_cli.core.root import find_root

if TYPE_CHECKING:
    import rich.progress

    from nufa_cli.build.orchestrator import Progress as BuildProgress


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"


class DocFormat(StrEnum):
    docx = "docx"
    pdf = "pdf"


class UsageProblem(Exception):
    """A bad argument, found before any work: typer words it as a usage error (exit 2)."""

    def __init__(self, message: str, param_hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.param_hint = param_hint


class Exit(Exception):
    """The command's exit code (cli.py raises it as typer.Exit)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a line as typer.echo does for text: to stdout or stderr, flushed."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n" if nl else text)
    stream.flush()


def repository_root(path: Path | None) -> Path:
    start = path or Path.cwd()
    if not start.exists():
        raise UsageProblem(f"{start} does not exist", "PATH")
    return find_root(start)


def _summary(diagnostics: list[Diagnostic], strict: bool) -> str:
    errors = sum(d.severity is Severity.ERROR or strict for d in diagnostics)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return "All sources are valid."
    return f"Found {errors} error(s) and {warnings} warning(s)."


def check(path: Path | None = None, format: Format = Format.text, strict: bool = False) -> None:
    """nufa check: print every problem; Exit 1 when there are errors."""
    from nufa_cli.check.validate import check as run_check

    _, diagnostics = run_check(repository_root(path))
    if strict:
        diagnostics = [replace(d, severity=Severity.ERROR) for d in diagnostics]
    output = format_diagnostics(diagnostics, format)
    if format is Format.json:
        echo(output)
    else:
        if output:
            echo(output)
        echo(_summary(diagnostics, strict), err=format is Format.github)
    raise Exit(1 if has_errors(diagnostics, strict=strict) else 0)


def build(meetings: list[str] | None = None, format: list[DocFormat] | None = None,
          only: list[str] | None = None, out: Path | None = None, path: Path | None = None,
          changed_since: str | None = None, offentlig: bool = False) -> None:
    """nufa build: validate, then write the documents; prints what it wrote."""
    from nufa_cli.build.orchestrator import build as run_build

    kinds = set(only or ())
    unknown = kinds - set(ALL_KINDS)
    if unknown:
        raise UsageProblem(f"unknown kind {', '.join(sorted(unknown))}; "
                           f"choose from {', '.join(ALL_KINDS)}", "--only")
    formats = [str(f) for f in format] if format else ["docx", "pdf"]
    root = repository_root(path)
    if changed_since:
        from nufa_cli.build.changed import changed_meetings

        changed = changed_meetings(root, changed_since)
        meetings = sorted(changed & {Path(m).name for m in meetings} if meetings else changed)
        if not meetings:
            echo(f"No meeting changed since {changed_since}; nothing to build.")
            return
    with progress() as report:
        result = run_build(root, meetings, formats, kinds or None, out, report, offentlig=offentlig)
    for diagnostic in result.diagnostics:
        echo(diagnostic.text(), err=True)
    for written in result.written:
        echo(f"wrote {shown(written)}")
    echo(f"Built {len(result.written)} file(s), {len(result.unchanged)} unchanged.")


def shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class progress:
    """A rich progress bar on a terminal; silent in CI and pipes."""

    def __enter__(self) -> BuildProgress:
        self.bar: rich.progress.Progress | None = None
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


# -- the fast path ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Option:
    parameter: str  # the command's keyword argument
    value: Callable[[str], object] | None = None  # None: a flag
    many: bool = False  # repeatable: a list


@dataclass(frozen=True)
class _Fast:
    command: Callable[..., None]
    argument: str  # the positional parameter
    value: Callable[[str], object]
    many: bool
    options: dict[str, _Option]


_FAST = {
    "check": _Fast(check, "path", Path, False, {
        "--format": _Option("format", Format), "--strict": _Option("strict")}),
    "build": _Fast(build, "meetings", str, True, {
        "--format": _Option("format", DocFormat, many=True),
        "--only": _Option("only", str, many=True), "--out": _Option("out", Path),
        "--repo": _Option("path", Path), "--changed-since": _Option("changed_since", str),
        "--offentlig": _Option("offentlig")}),
}


def parse(args: Sequence[str]) -> tuple[Callable[..., None], dict[str, object]] | None:
    """The command and its keyword arguments, or None when typer is to parse args."""
    if not args or args[0] not in _FAST:
        return None
    fast = _FAST[args[0]]
    values: dict[str, object] = {}
    positional: list[object] = []
    rest = iter(args[1:])
    for arg in rest:
        if not arg.startswith("-"):
            if not arg:
                return None
            positional.append(fast.value(arg))
            continue
        name, equals, value = arg.partition("=")
        option = fast.options.get(name)
        if option is None or (option.parameter in values and not option.many):
            return None
        if option.value is None:
            if equals:
                return None
            values[option.parameter] = True
            continue
        if not equals:
            value = next(rest, "")
        if not value or value.startswith("-"):
            return None
        try:
            converted = option.value(value)
        except ValueError:  # not one of the choices
            return None
        if option.many:
            many = values.setdefault(option.parameter, [])
            assert isinstance(many, list)
            many.append(converted)
        else:
            values[option.parameter] = converted
    if len(positional) > 1 and not fast.many:
        return None
    if positional:
        values[fast.argument] = positional if fast.many else positional[0]
    return fast.command, values


def _run_fast(args: Sequence[str]) -> bool:
    """Run a plain check or build here and exit; False: typer is to run it."""
    parsed = parse(args)
    if parsed is None:
        return False
    command, values = parsed
    try:
        command(**values)
    except UsageProblem:  # found before any work: typer runs it again and says so
        return False
    except Exit as done:
        sys.exit(done.code)
    sys.exit(0)  # as typer ends


def main(app: Callable[[], None]) -> None:
    """No traceback reaches a user, whatever the input. app: runs typer's app (cli.py), for
    arguments the fast path leaves to it; __main__.py imports it only then."""
    try:
        if not _run_fast(sys.argv[1:]):
            app()  # standalone: usage errors print their message and exit 2
    except NufaError as exc:
        if exc.diagnostics:
            echo(format_diagnostics(exc.diagnostics, "text"), err=True)
        echo(f"error: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        echo("Interrupted; outputs are as they were before this run.", err=True)
        sys.exit(130)
    except Exception as exc:  # last resort: a bug must still not dump a traceback on a user
        if os.environ.get("NUFA_DEBUG"):
            raise
        echo(f"internal error: {type(exc).__name__}: {exc}\n"
             "This is a bug in nufa; run again with NUFA_DEBUG=1 and report the output.",
             err=True)
        sys.exit(3)

