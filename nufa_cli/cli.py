"""The command line: parse arguments, call the library, map results to output and exit codes.

Exit codes: 0 clean, 1 problems in the sources (or a failed build), 2 usage error.
The entry point is __main__.py: front.py runs a plain `nufa check` or `nufa build` itself,
without typer, and hands every other command line to the app here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from nufa_cli import __version__, front
from nufa_cli.build import targets
from nufa_cli.core.errors import Diagnostic, NufaError, has_errors, quoted
from nufa_cli.front import DocFormat, Format, echo_diagnostics, progress, shown

if TYPE_CHECKING:  # imported lazily where used: a command loads only what it needs
    from nufa_cli.edit.scaffold import Outcome
    from nufa_cli.model.objects import Repository
    from nufa_cli.publish.preview import Snapshot

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


P = ParamSpec("P")
T = TypeVar("T")


def _typer(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """call, with front.py's usage problems and exit codes as typer's."""
    try:
        return call(*args, **kwargs)
    except front.UsageProblem as problem:
        raise typer.BadParameter(problem.message, param_hint=problem.param_hint) from None
    except front.Exit as done:
        raise typer.Exit(done.code) from None


def _root(path: Path | None) -> Path:
    return _typer(front.repository_root, path)


@app.command()
def check(
    path: PathArg = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Check every source file and print all problems at once."""
    _typer(front.check, path, format, strict, quiet)


@app.command()
def build(
    meetings: Annotated[list[str] | None, typer.Argument(
        metavar="MEETING",
        help="Meeting folders to build, e.g. 2024-04-24 (default: every meeting).")] = None,
    format: Annotated[list[DocFormat] | None, typer.Option(
        "--format", metavar="docx|odt|pdf|html",
        help="Only this format (repeatable; default: docx and pdf; html is the text of nufa "
        "site's pages).")] = None,
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
    shard_of: Annotated[str | None, typer.Option(
        "--shard", metavar="K/N", help="Only the K-th of N shares of the meetings (in date "
        "order, every N-th from the K-th), for N parallel builds; --merge joins them.")
    ] = None,
    merge: Annotated[list[Path] | None, typer.Option(
        "--merge", metavar="DIR", help="Take what other builds (the shards) wrote to DIR into "
        "the output folder, with their manifests (repeatable).")] = None,
) -> None:
    """Validate, then render every document to DOCX and PDF under build/<meeting>/."""
    _typer(front.build, meetings, format, only, out, path, changed_since, offentlig, quiet,
           verbose, shard_of, merge)


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
    from nufa_cli.model.history import case_history, describe, find_number

    repo = _checked_repo(path)
    numbering = repo.committee.numbering
    found = find_number(repo, number)
    if found is None:
        example = "7/24" if numbering.format == "{n}/{yy}" else numbering.example()
        raise typer.BadParameter(f"'{number}' is not a sak number; write "
                                 f"{numbering.describe()}, e.g. {example}", param_hint="N/YY")
    if len(found) > 1:
        raise typer.BadParameter(f"'{number}' is a sak of several meetings "
                                 f"({', '.join(nr.meeting or str(nr.year) for nr in found)}); "
                                 "see nufa list", param_hint="N/YY")
    typer.echo(describe(case_history(repo, found[0]), repo.committee.lang))


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
        typer.echo(quoted(history.as_csv(cases), table=True), nl=False)
    elif sys.stdout.isatty():
        from rich.console import Console

        Console().print(history.as_rich(cases, repo.committee.lang))
    else:
        typer.echo(quoted(history.as_text(cases, repo.committee.lang), table=True))


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
    shards: Annotated[int, typer.Option(
        "--shards", min=1, max=64, metavar="N", help="Build the meetings in N parallel CI jobs "
        "(nufa build --shard K/N), each keeping its build/ cached between runs.")] = 1,
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
    result = init(folder, first_day, nufa_source, shards)
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

    with progress(quiet) as report:
        written, result = publish(_root(path), out, build_first=not no_build, progress=report)
    for path_written in [] if quiet else written:
        typer.echo(f"wrote {shown(path_written)}")
    for folder in result.unbuilt:
        typer.echo(f"warning: no documents in build/{folder}/; run nufa build", err=True)
    for name in result.withheld:
        typer.echo(f"warning: left out build/{name}: it may show skjermet content", err=True)
    for name in result.stale:
        typer.echo(f"warning: left out build/{name}: built from older sources; "
                   "run nufa build --offentlig", err=True)
    if not quiet:
        typer.echo(f"Wrote the site to {shown(result.out)}/: {len(result.pages)} page(s), "
                   f"{len(result.files)} file(s). Open {shown(result.out / 'index.html')}.")


@app.command("serve")
def serve_command(
    port: Annotated[int, typer.Option("--port", min=0, max=65535, metavar="N",
                                      help="Port on 127.0.0.1 (0: any free port).")] = 8000,
    path: RepoOption = None,
) -> None:
    """Preview the site and every document on 127.0.0.1, rebuilt and reloaded on every save."""
    import signal

    from nufa_cli.publish.serve import PreviewServer

    signal.signal(signal.SIGTERM, _interrupt)  # kill, a process manager: as Ctrl-C
    with PreviewServer(_root(path), port, report=_report_refresh) as server:
        typer.echo(f"Serving a preview at {server.url} (members' documents: "
                   f"{server.url}_medlemmer/); Ctrl-C stops it.")
        try:
            server.wait()
        except KeyboardInterrupt:
            typer.echo("Stopping…", err=True)
    typer.echo("Stopped.")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _report_refresh(snapshot: Snapshot, seconds: float) -> None:
    from nufa_cli.publish.preview import problems

    if snapshot.problem:
        echo_diagnostics(problems(snapshot), err=True)
        if snapshot.problem.message:
            typer.echo(f"error: {snapshot.problem.message}", err=True)
        typer.echo(f"The build stopped ({seconds:.1f} s); the preview shows the last good one.",
                   err=True)
    else:
        count = len(snapshot.warnings)
        typer.echo(f"Rebuilt in {seconds:.1f} s{f' ({count} warning(s))' if count else ''}.",
                   err=True)


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
    """Write a draft referat.md: the protokoll's keys to fill in (møteleder, godkjenning and
    sekretariat as in the previous referat), then a section per sak with forslag til vedtak as
    the draft vedtak, the approval of the previous referat first."""
    from nufa_cli.edit.scaffold import new_referat

    _report(new_referat(_root(path), meeting))


@app.command("import")
def import_command(
    docx: Annotated[Path, typer.Argument(metavar="DOCX", help="A toppnotat written in Word.")],
    meeting: MeetingArg,
    path: RepoOption = None,
) -> None:
    """Make a toppnotat written in Word a source: of a new sak, or of the sak its Saksnummer
    names; its images go beside it. Never overwrites; lists what it could not carry over."""
    from nufa_cli.edit.wordimport import import_toppnotat

    _report(import_toppnotat(_root(path), docx, meeting))


# -- arkiv: the handover of a final meeting to the archive ---------------------------------
@app.command("arkiv")
def arkiv_command(
    meeting: MeetingArg,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder of the packages (default: build/arkiv/ in the repository).")] = None,
    path: RepoOption = None,
) -> None:
    """Hand a final meeting over to the archive: its PDF/A documents and arkiv.xml (Noark 5)."""
    from nufa_cli.publish.arkiv import package

    with progress() as report:
        result = package(_root(path), meeting, out, progress=report)
    for diagnostic in result.diagnostics:
        typer.echo(diagnostic.text(), err=True)
    for written in result.built:
        typer.echo(f"wrote {shown(written)}")
    documents = sum(len(r.files) for r in result.registrations)
    typer.echo(f"Wrote {shown(result.folder)}/: {len(result.registrations)} document(s) in "
               f"{documents} PDF file(s), with arkiv.xml and its schema arkiv.xsd.")
    typer.echo(f"Wrote {shown(result.zip)} (sha256 {result.zip_sha256}).")


# --- end of commands ---


def main() -> None:
    """Entry point: no traceback reaches a user, whatever the input (front.main)."""
    front.main(app)


if __name__ == "__main__":
    main()
