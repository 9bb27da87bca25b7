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

import contextlib
import gc
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from nufa_cli.core.errors import (
    Diagnostic,
    NufaError,
    Severity,
    format_diagnostics,
    has_errors,
    quoted,
)
from nufa_cli.core.root import find_root

if TYPE_CHECKING:
    import rich.console
    import rich.progress

    from nufa_cli.build.orchestrator import Progress as BuildProgress


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"


class DocFormat(StrEnum):
    docx = "docx"
    odt = "odt"
    pdf = "pdf"
    html = "html"


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


def echo(text: str = "", *, err: bool = False, nl: bool = True, color: bool | None = None) -> None:
    """Print as typer.echo (click's echo) prints text: to stdout or stderr, flushed, its colour
    codes stripped unless color is True or (None) the stream is a terminal; nothing where
    the stream was closed when nufa started (`>&-`: None)."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    out = text + "\n" if nl else text
    if out and (not _isatty(stream) if color is None else not color):
        out = _ANSI.sub("", out)
    if out:
        stream.write(out)
    stream.flush()


_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")  # click's strip_ansi
_SGR = {"bold": 1, "red": 31, "yellow": 33, "cyan": 36}


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except Exception:  # click's isatty: a stream that cannot say is no terminal
        return False


def style(text: str, fg: str | None = None, bold: bool | None = None) -> str:
    """typer.style's codes, for the colours used here."""
    codes = [f"\033[{_SGR[fg]}m"] if fg else []
    if bold is not None:
        codes.append(f"\033[{1 if bold else 22}m")
    return "".join(codes) + text + "\033[0m"


def _colour() -> bool | None:
    """None colours a terminal and strips colour from pipes; NO_COLOR turns it off."""
    return False if os.environ.get("NO_COLOR") else None


_SEVERITY_COLOUR = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


def styled(diagnostic: Diagnostic) -> str:
    """Diagnostic.text() with its location, severity and hint label coloured; echo strips the
    colour codes where they don't belong (pipes, files)."""
    plain = diagnostic.text()
    head = f"{diagnostic.location()}: {diagnostic.severity}"
    if not plain.startswith(head):
        return plain
    colour = _SEVERITY_COLOUR[diagnostic.severity]
    return (style(diagnostic.location(), bold=True) + ": "
            + style(str(diagnostic.severity), fg=colour, bold=True)
            + plain[len(head):].replace("\n  hint:", "\n  " + style("hint:", fg="cyan")))


def echo_diagnostics(diagnostics: list[Diagnostic], *, err: bool) -> None:
    for diagnostic in sorted(diagnostics):
        echo(styled(diagnostic), err=err, color=_colour())


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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused: importing pydantic, markdown-it and the
    schema makes many long-lived objects and no garbage (a twentieth of a check's imports)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def check(path: Path | None = None, format: Format = Format.text, strict: bool = False,
          quiet: bool = False) -> None:
    """nufa check: print every problem; Exit 1 when there are errors. The result of the last
    check is repeated when nothing it read has changed (check/memo.py)."""
    from nufa_cli.check import memo

    root = repository_root(path)
    found, diagnostics = memo.recall(root)
    if diagnostics is None:
        from nufa_cli.check import ahead
        from nufa_cli.core.output import cache_folder

        cache_folder(root, create=True)  # where loading keeps what it read (sources/cache.py)
        # opened before pydantic and the model are imported: on a first check of an archive,
        # a second process reads the sources meanwhile (check/ahead.py)
        with ahead.kept(root):
            with _collector_paused():
                from nufa_cli.check.validate import check as run_check
            repo, diagnostics = run_check(root)
        memo.remember(root, found, repo.committee.maler, diagnostics)
    if strict:
        diagnostics = [replace(d, severity=Severity.ERROR) for d in diagnostics]
    if format is Format.json:
        echo(format_diagnostics(diagnostics, format))
    else:
        if format is Format.text:
            echo_diagnostics(diagnostics, err=False)
        elif diagnostics:
            echo(format_diagnostics(diagnostics, format))
        if not quiet:
            echo(_summary(diagnostics, strict), err=format is Format.github)
    raise Exit(1 if has_errors(diagnostics, strict=strict) else 0)


def shard(value: str | None) -> tuple[int, int] | None:
    """--shard K/N as (K, N)."""
    if value is None:
        return None
    k, slash, n = value.partition("/")
    if not (slash and k.isascii() and k.isdigit() and n.isascii() and n.isdigit()
            and 1 <= int(k) <= int(n) <= 1000):
        raise UsageProblem(f"'{value}' is not a shard K/N with 1 <= K <= N, e.g. 2/4", "--shard")
    return int(k), int(n)


def build(meetings: list[str] | None = None, format: list[DocFormat] | None = None,
          only: list[str] | None = None, out: Path | None = None, path: Path | None = None,
          changed_since: str | None = None, offentlig: bool = False, quiet: bool = False,
          verbose: bool = False, shard_of: str | None = None,
          merge: list[Path] | None = None) -> None:
    """nufa build: validate, then write the documents; prints what it wrote. merge: take
    what the shards wrote instead (their output folders)."""
    from nufa_cli.build import targets
    with _collector_paused():
        from nufa_cli.build.orchestrator import build as run_build

    if merge:
        _merge(merge, out, path, quiet, given=bool(meetings or format or only or changed_since
                                                    or offentlig or shard_of))
        return
    sharded = shard(shard_of)
    kinds = set(only or ())
    unknown = targets.unknown_kinds(kinds)
    if unknown:
        raise UsageProblem(f"unknown kind {', '.join(sorted(unknown))}; "
                           f"choose from {', '.join(targets.kinds())}", "--only")
    formats = [str(f) for f in format] if format else list(targets.DEFAULT_FORMATS)
    root = repository_root(path)
    if changed_since:
        from nufa_cli.build.changed import changed_meetings

        changed = changed_meetings(root, changed_since, kinds or None)
        meetings = sorted(changed & {Path(m).name for m in meetings} if meetings else changed)
        if not meetings:
            if not quiet:
                echo(f"No meeting changed since {changed_since}; nothing to build.")
            return
    with progress(quiet) as report:
        result = run_build(root, meetings, formats, kinds or None, out, report, offentlig=offentlig,
                           shard=sharded)
    echo_diagnostics(result.diagnostics, err=True)
    if result.elsewhere:
        echo(f"note: {len(result.elsewhere)} error(s) in meetings not built here did not "
             "stop this build; nufa check lists them", err=True)
    if quiet:
        return
    for written in result.written:
        echo(f"wrote {shown(written)}")
    for removed in result.removed:
        echo(f"removed {shown(removed)} (no longer made from the sources)")
    if verbose:
        for unchanged in result.unchanged:
            echo(f"unchanged {shown(unchanged)}")
    echo(f"Built {len(result.written)} file(s), {len(result.unchanged)} unchanged.")


def _merge(folders: list[Path], out: Path | None, path: Path | None, quiet: bool,
           given: bool) -> None:
    from nufa_cli.build.writer import merge
    from nufa_cli.core.output import check_output_folder

    if given:
        raise UsageProblem("--merge takes what other builds made: give it alone, with --out "
                           "or --repo at most", "--merge")
    root = repository_root(path)
    written = merge(check_output_folder(out or root / "build", root), folders)
    if not quiet:
        for each in written:
            echo(f"wrote {shown(each)}")
        echo(f"Merged {len(written)} file(s) from {len(folders)} build(s).")


def shown(path: Path) -> str:
    try:
        return quoted(path.relative_to(Path.cwd().resolve()).as_posix())
    except ValueError:
        return quoted(path.as_posix())


class progress:
    """A rich progress bar on a terminal; silent in CI, in pipes and with --quiet.

    Until the build knows how many documents it converts (it checks the sources first), the
    bar pulses and shows no count: never "0/None"."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    def __enter__(self) -> BuildProgress:
        self.bar: rich.progress.Progress | None = None
        if sys.stderr.isatty() and not self.quiet:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("[bold]Building"), BarColumn(), _Count(),
                                TextColumn("{task.description}"), TimeElapsedColumn(),
                                console=_stderr_console(), transient=True)
            self.bar.__enter__()
            self.task = self.bar.add_task("checking the sources", total=None)
        return self.report

    def report(self, done: int, total: int, label: str) -> None:
        if self.bar:
            self.bar.update(self.task, completed=done, total=total, description=label)

    def __exit__(self, *exc: object) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)


def _stderr_console() -> rich.console.Console:  # rich is imported only when a bar is shown
    from rich.console import Console

    return Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))


def _count_text(completed: float, total: float | None) -> str:
    """The bar's "3/12", or nothing while the total is unknown."""
    return f"{int(completed)}/{int(total)}" if total else ""


def _Count() -> rich.progress.ProgressColumn:  # defined lazily: rich loads only for a bar
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class Count(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(_count_text(task.completed, task.total))

    return Count()


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


_QUIET = {"--quiet": _Option("quiet"), "-q": _Option("quiet")}
_FAST = {
    "check": _Fast(check, "path", Path, False, {
        "--format": _Option("format", Format), "--strict": _Option("strict"), **_QUIET}),
    "build": _Fast(build, "meetings", str, True, {
        "--format": _Option("format", DocFormat, many=True),
        "--only": _Option("only", str, many=True), "--out": _Option("out", Path),
        "--repo": _Option("path", Path), "--changed-since": _Option("changed_since", str),
        "--offentlig": _Option("offentlig"), **_QUIET,
        "--verbose": _Option("verbose"), "-v": _Option("verbose"),
        "--shard": _Option("shard_of", str), "--merge": _Option("merge", Path, many=True)}),
}


def parse(args: Sequence[str]) -> tuple[Callable[..., None], dict[str, object]] | None:
    """The command and its keyword arguments, or None when typer is to parse args."""
    if not args or args[0] not in _FAST or "_NUFA_COMPLETE" in os.environ:  # shell completion
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


def _run_fast(args: Sequence[str], end_at_once: bool = False) -> bool:
    """Run a plain check or build here and exit; False: typer is to run it. end_at_once: a
    check ends the process at once (_end_now), where it is the process's whole work."""
    parsed = parse(args)
    if parsed is None:
        return False
    command, values = parsed
    code = 0  # as typer ends
    try:
        command(**values)
    except UsageProblem:  # found before any work: typer runs it again and says so
        return False
    except Exit as done:
        code = done.code
    if command is check and end_at_once:
        _end_now(code)
    sys.exit(code)


def _end_now(code: int) -> NoReturn:
    """End a check at once, its output flushed: Python would first free every object it
    made, one by one (some 40 ms after the first check of a 200-meeting archive), where the
    kernel frees them all together. A check leaves no thread, file or process behind to
    wait for."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # closed when nufa started (>&-): nothing went there
            continue
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (| head): it has all
            stream.flush()  # it took
    os._exit(code)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, kill): stopped as Ctrl-C stops nufa, so a build being
    committed puts the previous outputs back before it ends (build/journal.py)."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def main(app: Callable[[], None], *, end_at_once: bool = False) -> None:
    """No traceback reaches a user, whatever the input. app: runs typer's app (cli.py), for
    arguments the fast path leaves to it; __main__.py imports it only then. end_at_once: the
    process is nufa's alone (the console script), so a check may end it (_end_now); not
    where nufa runs inside another program (a test, cli.main())."""
    import signal
    import threading

    mine = threading.current_thread() is threading.main_thread() and \
        signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    if mine:
        signal.signal(signal.SIGTERM, _terminated)
    try:
        _main(app, end_at_once)
    finally:
        if mine:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _main(app: Callable[[], None], end_at_once: bool) -> None:
    try:
        if not _run_fast(sys.argv[1:], end_at_once):
            app()  # standalone: usage errors print their message and exit 2
    except NufaError as exc:
        echo_diagnostics(list(exc.diagnostics), err=True)
        echo(f"error: {quoted(exc.message, lines=True)}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # the machine's doing (a full disk, a read-only folder), not a bug
        where = f": {exc.filename}" if exc.filename else ""
        echo(quoted(f"error: {exc.strerror or exc}{where}"), err=True)
        sys.exit(1)
    except KeyboardInterrupt as stop:
        echo("Interrupted; outputs are as they were before this run.", err=True)
        sys.exit(143 if isinstance(stop, Terminated) else 130)
    except Exception as exc:  # last resort: a bug must still not dump a traceback on a user
        if os.environ.get("NUFA_DEBUG"):
            raise
        echo(f"internal error: {type(exc).__name__}: {exc}\n"
             "This is a bug in nufa; run again with NUFA_DEBUG=1 and report the output.",
             err=True)
        sys.exit(3)

