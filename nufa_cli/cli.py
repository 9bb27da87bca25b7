"""The command line: parse arguments, call the library, map results to output and exit codes.

Exit codes: 0 clean, 1 problems in the sources (or a failed build), 2 usage error.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nufa_cli import __version__
from nufa_cli.build import targets
from nufa_cli.core.errors import (
    Diagnostic,
    NufaError,
    Severity,
    format_diagnostics,
    has_errors,
    shown,
)
from nufa_cli.core.root import find_root

if TYPE_CHECKING:  # imported lazily where used: a command loads only what it needs
    import rich.console
    import rich.progress

    from nufa_cli.build.orchestrator import Progress as BuildProgress
    from nufa_cli.edit.scaffold import Outcome
    from nufa_cli.model.objects import Repository

app = typer.Typer(
    help="Check and build a committee's meeting documents from plain-text sources.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish
    # Plain help: typer's rich help prints `<bool>` after every flag, as if it took a value.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"nufa {__version__}")
        raise typer.Exit()


@app.callback()
def _main_options(
    version: Annotated[bool, typer.Option(
        "--version", help="Print nufa's version and exit.", is_eager=True,
        callback=_print_version)] = False,
) -> None:
    """Check and build a committee's meeting documents from plain-text sources."""


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"


PathArg = Annotated[
    Path | None,
    typer.Argument(help="A folder inside the nufa repository (default: the current folder)."),
]


RepoOption = Annotated[Path | None, typer.Option(
    "--repo", metavar="DIR", help="The nufa repository (default: found from the current folder).")]
QuietOption = Annotated[bool, typer.Option(
    "--quiet", "-q", help="Print only problems: no list of files, no summary.")]
VerboseOption = Annotated[bool, typer.Option(
    "--verbose", "-v", help="Also list what was left as it was.")]


def _colour() -> bool | None:
    """None lets click colour a terminal and strip colour from pipes; NO_COLOR turns it off."""
    return False if os.environ.get("NO_COLOR") else None


_SEVERITY_COLOUR = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


def _styled(diagnostic: Diagnostic) -> str:
    """Diagnostic.text() with its location, severity and hint label coloured; click strips the
    colour codes where they don't belong (pipes, files)."""
    plain = diagnostic.text()
    head = f"{diagnostic.location()}: {diagnostic.severity}"
    if not plain.startswith(head):
        return plain
    colour = _SEVERITY_COLOUR[diagnostic.severity]
    return (typer.style(diagnostic.location(), bold=True) + ": "
            + typer.style(str(diagnostic.severity), fg=colour, bold=True)
            + plain[len(head):].replace("\n  hint:", "\n  " + typer.style("hint:", fg="cyan")))


def _echo_diagnostics(diagnostics: list[Diagnostic], *, err: bool) -> None:
    for diagnostic in sorted(diagnostics):
        typer.echo(_styled(diagnostic), err=err, color=_colour())


def _root(path: Path | None) -> Path:
    start = path or Path.cwd()
    if not start.exists():
        raise typer.BadParameter(f"{start} does not exist", param_hint="PATH")
    return find_root(start)


def _summary(diagnostics: list[Diagnostic], strict: bool) -> str:
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
    quiet: QuietOption = False,
) -> None:
    """Check every source file and print all problems at once."""
    from nufa_cli.check.validate import check as run_check

    _, diagnostics = run_check(_root(path))
    if strict:
        diagnostics = [replace(d, severity=Severity.ERROR) for d in diagnostics]
    if format is Format.json:
        typer.echo(format_diagnostics(diagnostics, format))
    else:
        if format is Format.text:
            _echo_diagnostics(diagnostics, err=False)
        elif diagnostics:
            typer.echo(format_diagnostics(diagnostics, format))
        if not quiet:
            typer.echo(_summary(diagnostics, strict), err=format is Format.github)
    raise typer.Exit(1 if has_errors(diagnostics, strict=strict) else 0)


class DocFormat(StrEnum):
    docx = "docx"
    odt = "odt"
    pdf = "pdf"


@app.command()
def build(
    meetings: Annotated[list[str] | None, typer.Argument(
        metavar="MEETING",
        help="Meeting folders to build, e.g. 2024-04-24 (default: every meeting).")] = None,
    format: Annotated[list[DocFormat] | None, typer.Option(
        "--format", metavar="docx|pdf",
        help="Only this format (repeatable; default: docx and pdf).")] = None,
    only: Annotated[list[str] | None, typer.Option(
        "--only", metavar="KIND",
        help=f"Only this kind (repeatable): {', '.join(targets.ALL_KINDS)}.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", metavar="DIR", help="Output folder (default: build/ in the repository).")] = None,
    path: RepoOption = None,
    changed_since: Annotated[str | None, typer.Option(
        "--changed-since", metavar="REV", help="Only meetings whose sources changed since this "
        "git revision, and the meetings citing them.")] = None,
    offentlig: Annotated[bool, typer.Option(
        "--offentlig", help="Also write the public versions, without what is skjermet, to "
        "build/<meeting>/offentlig/.")] = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Validate, then render every document to DOCX and PDF under build/<meeting>/."""
    from nufa_cli.build.orchestrator import build as run_build

    kinds = set(only or ())
    unknown = targets.unknown_kinds(kinds)
    if unknown:
        raise typer.BadParameter(f"unknown kind {', '.join(sorted(unknown))}; "
                                 f"choose from {', '.join(targets.kinds())}", param_hint="--only")
    formats = [str(f) for f in format] if format else list(targets.DEFAULT_FORMATS)
    root = _root(path)
    if changed_since:
        from nufa_cli.build.changed import changed_meetings

        changed = changed_meetings(root, changed_since, kinds or None)
        meetings = sorted(changed & {Path(m).name for m in meetings} if meetings else changed)
        if not meetings:
            if not quiet:
                typer.echo(f"No meeting changed since {changed_since}; nothing to build.")
            return
    with _progress(quiet) as report:
        result = run_build(root, meetings, formats, kinds or None, out, report, offentlig=offentlig)
    _echo_diagnostics(result.diagnostics, err=True)
    if result.elsewhere:
        typer.echo(f"note: {len(result.elsewhere)} error(s) in meetings not built here did not "
                   "stop this build; nufa check lists them", err=True)
    if quiet:
        return
    for written in result.written:
        typer.echo(f"wrote {_shown(written)}")
    for removed in result.removed:
        typer.echo(f"removed {_shown(removed)} (no longer made from the sources)")
    if verbose:
        for unchanged in result.unchanged:
            typer.echo(f"unchanged {_shown(unchanged)}")
    typer.echo(f"Built {len(result.written)} file(s), {len(result.unchanged)} unchanged.")


def _shown(path: Path) -> str:
    try:
        return shown(path.relative_to(Path.cwd().resolve()).as_posix())
    except ValueError:
        return shown(path.as_posix())


class _progress:
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


@app.command()
def schema(
    folder: Annotated[Path, typer.Argument(help="Where to write the JSON Schemas.")] = Path(
        "schemas"),
) -> None:
    """Write JSON Schemas of nufa.yaml, medlemmer.yaml, agenda.yaml and the front matters."""
    from nufa_cli.sources.jsonschema import write_schemas

    for path in write_schemas(folder):
        typer.echo(f"wrote {path}")


@app.command()
def explain(
    code: Annotated[str | None, typer.Argument(
        metavar="CODE", help="A diagnostic code, e.g. time-overlap (default: list every code).")] = None,
    every: Annotated[bool, typer.Option("--all", help="Explain every code in full.")] = False,
) -> None:
    """Explain a diagnostic code: what it means, an example and the fix."""
    from nufa_cli.core import codes

    if code is not None and every:
        raise typer.BadParameter("give a code or --all, not both", param_hint="--all")
    if every:
        typer.echo(codes.reference(), nl=False)
    elif code is None:
        typer.echo(codes.index())
    else:
        try:
            typer.echo(codes.lookup(code).describe(), nl=False)
        except codes.UnknownCode as exc:
            raise typer.BadParameter(str(exc), param_hint="CODE") from None


# Feature commands are registered below this line, one block per module (keep blocks small:
# parse arguments, call the library, print). Insert new blocks directly above this comment's end.
# -- history: nufa sak, nufa list ------------------------------------------------------------


class SourcesHaveErrors(NufaError):
    """InvalidSources for a command that only reads: there is nothing left unwritten."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("the sources have errors; fix them first (nufa check lists them)",
                         diagnostics)


def _checked_repo(path: Path | None) -> Repository:
    from nufa_cli.check.validate import check as run_check

    repo, diagnostics = run_check(_root(path))
    if has_errors(diagnostics):
        raise SourcesHaveErrors(diagnostics)
    return repo


@app.command()
def sak(
    number: Annotated[str, typer.Argument(metavar="N/YY", help="The sak, e.g. 7/24.")],
    path: RepoOption = None,
) -> None:
    """Show a sak's history: meeting, texts, vedtak and later saker citing it."""
    from nufa_cli.model.history import case_history, describe
    from nufa_cli.model.objects import SakNr

    nr = SakNr.parse(number)
    if nr is None:
        raise typer.BadParameter(f"'{number}' is not a sak number; write N/YY, e.g. 7/24",
                                 param_hint="N/YY")
    typer.echo(describe(case_history(_checked_repo(path), nr)))


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command("list")
def list_saker(
    year: Annotated[int | None, typer.Option("--year", min=1900, max=2999, metavar="YYYY",
                                             help="Only saker of this year.")] = None,
    type: Annotated[str | None, typer.Option("--type", help="Only saker of this sakstype.")] = None,
    grep: Annotated[str | None, typer.Option(
        "--grep", help="Only saker with this text (any case) in tittel, beskrivelse, forslag "
        "til vedtak or vedtak.")] = None,
    format: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = (
        ListFormat.table),
    path: RepoOption = None,
) -> None:
    """List the saker of every meeting: number, meeting, date, type, title and vedtak."""
    from nufa_cli.model import history

    repo = _checked_repo(path)
    if type and type.casefold() not in {t.casefold() for t in repo.committee.sakstyper}:
        raise typer.BadParameter(f"unknown sakstype '{type}'; choose from "
                                 f"{', '.join(repo.committee.sakstyper)}", param_hint="--type")
    cases = history.select(history.all_cases(repo), year=year, type=type, grep=grep)
    if format is ListFormat.json:
        typer.echo(history.as_json(cases))
    elif format is ListFormat.csv:
        typer.echo(history.as_csv(cases), nl=False)
    elif sys.stdout.isatty():
        from rich.console import Console

        Console().print(history.as_rich(cases))
    else:
        typer.echo(history.as_text(cases))


# -- init and site: a new repository, the published web site ---------------------------------
@app.command("init")
def init_repository(
    folder: Annotated[Path, typer.Argument(
        help="Folder of the new repository (created if missing).")] = Path("."),
    dato: Annotated[str | None, typer.Option(
        "--dato", metavar="YYYY-MM-DD",
        help="First day of the example meeting (default: a Wednesday four weeks ahead).")] = None,
    nufa_source: Annotated[str | None, typer.Option(
        "--nufa-source", metavar="SOURCE",
        help=f"What CI installs nufa from, instead of nufa=={__version__} from PyPI: a git URL "
        "(git+https://…@vX.Y.Z), a package index (https://…/simple) or a requirement "
        "(nufa @ …).")] = None,
    quiet: QuietOption = False,
) -> None:
    """Create a secretariat's repository: settings, members, an example meeting, CI.

    In an existing repository (a new GitHub repository with README.md, LICENSE and
    .gitignore) those files stay: the guide goes to NUFA.md beside a README.md, and
    nufa's lines are added to .gitignore."""
    import datetime as dt

    from nufa_cli.edit.init import init

    try:
        first_day = dt.date.fromisoformat(dato) if dato else None
    except ValueError:
        raise typer.BadParameter(f"'{dato}' is not a date YYYY-MM-DD",
                                 param_hint="--dato") from None
    result = init(folder, first_day, nufa_source)
    if quiet:
        return
    for name in result.written:
        typer.echo(f"wrote {name}")
    for name in result.extended:
        typer.echo(f"added nufa's lines to {name}")
    for name in result.kept:
        typer.echo(f"kept {name}")
    cd = "" if folder.resolve() == Path.cwd().resolve() else f"  cd {folder}\n"
    git = "" if (folder / ".git").exists() else "  git init -b main && "
    typer.echo(f"\nA new nufa repository with an example meeting in meetings/{result.meeting}/.\n"
               f"Next steps:\n{cd}"
               "  nufa check && nufa build      # documents appear in build/\n"
               f"{git or '  '}git add . && git commit -m 'Start nufa'\n"
               f"  push it to GitHub, then follow 'Det som skjer på GitHub' in {result.guide}\n"
               "  (choose GitHub Actions as the Pages source; keep the repository private\n"
               "  once anything is skjermet)")


@app.command("site")
def site_command(
    out: Annotated[Path | None, typer.Option(
        "--out", help="Site folder (default: build/site/ in the repository).")] = None,
    no_build: Annotated[bool, typer.Option(
        "--no-build", help="Publish the documents in build/ as they are, unbuilt.")] = False,
    path: RepoOption = None,
    quiet: QuietOption = False,
) -> None:
    """Build what is missing, then write the documents as a web site under build/site/."""
    from nufa_cli.publish.site import publish

    with _progress(quiet) as report:
        written, result = publish(_root(path), out, build_first=not no_build, progress=report)
    for path_written in [] if quiet else written:
        typer.echo(f"wrote {_shown(path_written)}")
    for folder in result.unbuilt:
        typer.echo(f"warning: no documents in build/{folder}/; run nufa build", err=True)
    for name in result.withheld:
        typer.echo(f"warning: left out build/{name}: it may show skjermet content", err=True)
    for name in result.stale:
        typer.echo(f"warning: left out build/{name}: built from older sources; "
                   "run nufa build --offentlig", err=True)
    if not quiet:
        typer.echo(f"Wrote the site to {_shown(result.out)}/: {len(result.pages)} page(s), "
                   f"{len(result.files)} file(s). Open {_shown(result.out / 'index.html')}.")


# -- diff: what changed between two revisions, for a pull-request comment ----------------------
class DiffFormat(StrEnum):
    markdown = "markdown"
    json = "json"


@app.command("diff")
def diff_command(
    base: Annotated[str | None, typer.Argument(metavar="BASE", help="Revision to compare from "
        "(default: where HEAD left the default branch).")] = None,
    head: Annotated[str | None, typer.Argument(metavar="HEAD", help="Revision to compare to "
        "(default: the working tree, uncommitted edits included).")] = None,
    format: Annotated[DiffFormat, typer.Option("--format", help="Output format.")] = (
        DiffFormat.markdown),
    path: RepoOption = None,
) -> None:
    """Show what changed in the meeting sources between two revisions, as a reviewer reads it."""
    from nufa_cli.diff.compare import diff
    from nufa_cli.diff.format import to_json, to_markdown

    result = diff(_root(path), base, head)
    if format is DiffFormat.json:
        typer.echo(to_json(result))
        for note in result.notes:
            typer.echo(f"note: {note}", err=True)
    else:
        typer.echo(to_markdown(result), nl=False)


# -- scaffold: nufa new meeting, nufa new sak, nufa renumber, nufa referat -------------------
new_app = typer.Typer(help="Create a meeting or a sak with its standing parts filled in.",
                      no_args_is_help=True)
app.add_typer(new_app, name="new")
MeetingArg = Annotated[str, typer.Argument(
    metavar="MEETING", help="The meeting folder, e.g. 2024-04-24 or meetings/2024-04-24.")]


def _report(outcome: Outcome) -> None:
    for change in outcome.changes:
        typer.echo(change.text())
    for note in outcome.notes:
        typer.echo(f"note: {note}")


@new_app.command("meeting")
def new_meeting_command(
    date: Annotated[str, typer.Argument(help="First day, YYYY-MM-DD.")],
    sted: Annotated[str | None, typer.Option(
        "--sted", help="Where the meeting is held (required: the innkalling prints it).")] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=14, help="Number of days.")] = 1,
    path: RepoOption = None,
) -> None:
    """Create meetings/DATE/agenda.yaml with Godkjenning and Eventuelt, numbered on."""
    from nufa_cli.edit.scaffold import new_meeting, parse_date

    try:
        first_day = parse_date(date)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="DATE") from None
    _report(new_meeting(_root(path), first_day, sted or "", days))  # no --sted: exit 2


@new_app.command("sak")
def new_sak_command(
    meeting: MeetingArg,
    tittel: Annotated[str, typer.Option("--tittel", help="Title of the sak.")],
    type: Annotated[str, typer.Option("--type", help="One of nufa.yaml's sakstyper.")],
    sakseier: Annotated[str | None, typer.Option(
        "--sakseier", help="Who owns the sak (the toppnotat's Sakseier).")] = None,
    saksbehandler: Annotated[str | None, typer.Option(
        "--saksbehandler", help="Who writes the toppnotat (its Saksbehandler).")] = None,
    dag: Annotated[int | None, typer.Option(
        "--dag", min=1, help="Day of the meeting (default: the day of Eventuelt).")] = None,
    path: RepoOption = None,
) -> None:
    """Add a sak before Eventuelt, with a toppnotat to write in; later saker are renumbered."""
    from nufa_cli.edit.scaffold import NewSak, new_sak

    request = NewSak(tittel, type, sakseier, saksbehandler, dag)
    _report(new_sak(_root(path), meeting, request))


@app.command("renumber")
def renumber_command(meeting: MeetingArg, path: RepoOption = None) -> None:
    """Number a meeting's saker in agenda order, in every file that names them."""
    from nufa_cli.edit.scaffold import renumber_meeting

    _report(renumber_meeting(_root(path), meeting))


@app.command("referat")
def referat_command(meeting: MeetingArg, path: RepoOption = None) -> None:
    """Write a draft referat.md: a section per sak, forslag til vedtak as the draft vedtak."""
    from nufa_cli.edit.scaffold import new_referat

    _report(new_referat(_root(path), meeting))


# --- end of commands ---


def main() -> None:
    """Entry point: no traceback reaches a user, whatever the input."""
    try:
        app()  # standalone: usage errors print their message and exit 2
    except NufaError as exc:
        _echo_diagnostics(list(exc.diagnostics), err=True)
        typer.echo(f"error: {shown(exc.message, lines=True)}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # the machine's doing (a full disk, a read-only folder), not a bug
        where = f": {exc.filename}" if exc.filename else ""
        typer.echo(shown(f"error: {exc.strerror or exc}{where}"), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("Interrupted; outputs are as they were before this run.", err=True)
        sys.exit(130)
    except Exception as exc:  # last resort: a bug must still not dump a traceback on a user
        if os.environ.get("NUFA_DEBUG"):
            raise
        typer.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                   "This is a bug in nufa; run again with NUFA_DEBUG=1 and report the output.",
                   err=True)
        sys.exit(3)

if __name__ == "__main__":
    main()
