"""The orchestrator: load -> validate -> plan the targets -> convert -> write.

Everything is gathered and checked before anything is written: invalid sources
or a failed conversion leave earlier outputs exactly as they were. What a build makes is
the registry's (targets.py): each target plans its pieces of work (work.py), each piece
converts itself, and the writer replaces the files and records them in the manifest.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nufa_cli.build import cache as buildcache
from nufa_cli.build import journal, targets
from nufa_cli.build.stamps import BadSourceDateEpoch, History
from nufa_cli.build.targets import DEFAULT_FORMATS, SITE_FORMATS, NothingToBuild, Target
from nufa_cli.build.typstcache import TypstCache
from nufa_cli.build.work import CommitteeLook, Piece, Planning, View, template_fingerprint
from nufa_cli.build.writer import Manifest, Output, Plan
from nufa_cli.core.errors import Diagnostic, InvalidSources, NufaError, Severity, has_errors
from nufa_cli.core.output import CACHE, check_output_folder, digest
from nufa_cli.core.root import MEETINGS
from nufa_cli.core.root import template_dirs as root_template_dirs

if TYPE_CHECKING:
    from nufa_cli.convert.converter import Converter, TypstSources
    from nufa_cli.convert.job import Job
    from nufa_cli.model.objects import Meeting, Repository

Progress = Callable[[int, int, str], None]
Work = Sequence[tuple[Piece, Sequence[Output]]]  # pieces, each with its outputs to make
Sink = Callable[[Output, bytes], None]  # takes each output's bytes as soon as it is made
Shard = tuple[int, int]  # (K, N): the K-th of N shares of the meetings, K from 1


class UnknownMeeting(NufaError):
    exit_code = 2


class ConversionFailed(NufaError):
    """Documents that pandoc or typst refused, all of them, in build order."""

    def __init__(self, errors: Sequence[NufaError]) -> None:
        listed = "\n".join(f"  {error.message}" for error in errors)
        super().__init__(f"{len(errors)} document(s) could not be converted; earlier outputs "
                         f"are unchanged:\n{listed}")


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)  # every file of the build, as recorded
    repository: Repository | None = None  # the sources as loaded; None: an unchanged rebuild
    elsewhere: list[Diagnostic] = field(default_factory=list)  # errors in meetings not built
    removed: list[Path] = field(default_factory=list)  # outputs it no longer makes, removed


def source_date_epoch(root: Path) -> int:
    """The build time of the repository as a whole: SOURCE_DATE_EPOCH if set, else the latest
    commit time of the sources, else a fixed date (each document has its own, stamps.py)."""
    return History(root).epoch


def in_scope(repo: Repository, diagnostics: list[Diagnostic], names: Sequence[str] | None
             ) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(the diagnostics that concern the meetings asked for, the errors in other meetings).

    A build of some meetings reads the files outside meetings/, those meetings, the earlier
    meetings of their years (numbers run on from them) and the meetings whose referat they
    attach. An error anywhere else stops `nufa check`, not this build."""
    if not names:
        return diagnostics, []
    asked = {Path(name).name for name in names}
    needed = set(asked)
    for meeting in repo.meetings:
        if meeting.folder in asked:
            needed |= {a.target for sak in meeting.saker for a in sak.attachments
                       if a.kind == "referat"}
    latest = {folder[:4]: folder for folder in sorted(asked)}  # the last one asked, per year

    def concerns(diagnostic: Diagnostic) -> bool:
        parts = diagnostic.path.split("/")
        if len(parts) < 2 or parts[0] != MEETINGS:
            return True
        folder = parts[1]
        return folder in needed or folder <= latest.get(folder[:4], "")

    kept = [d for d in diagnostics if concerns(d)]
    return kept, [d for d in diagnostics if not concerns(d) and d.severity is Severity.ERROR]


def select(repo: Repository, names: Sequence[str] | None) -> list[Meeting]:
    if not names:
        return list(repo.meetings)
    chosen: list[Meeting] = []
    for name in names:
        folder = Path(name).name  # accept "meetings/2024-04-24" as well as "2024-04-24"
        meeting = repo.meeting(folder)
        if meeting is None:
            known = ", ".join(m.folder for m in repo.meetings) or "none"
            raise UnknownMeeting(f"no meeting '{name}' in this repository (meetings: {known})")
        if all(m.folder != meeting.folder for m in chosen):  # named twice: built once
            chosen.append(meeting)
    return chosen


def plan(planning: Planning, repo: Repository, meetings: Sequence[Meeting],
         chosen: Sequence[tuple[Target, tuple[str, ...]]], offentlig: bool) -> list[Piece]:
    """Every piece of work of the chosen targets for the meetings: the members' set, then
    (offentlig) the public one, each meeting with its targets in registry order."""
    views = [View(repo, False)]
    if offentlig:
        views.append(View(planning.public(views[0]), True))
    pieces: list[Piece] = []
    for view in views:
        for meeting in meetings:
            shown = view.repo.meeting(meeting.folder)
            assert shown is not None  # the public view keeps every meeting
            for target, formats in chosen:
                if view.public in target.views(offentlig):
                    pieces += target.builder(target, planning, view, shown, formats)
    return pieces


def shared_inputs(root: Path, repo: Repository, cache: Path | None = None) -> Planning:
    """What the targets' builders share: the renderer, what git says of the sources (each
    file's revision and build time), the templates' key."""
    from nufa_cli.render.renderer import Renderer

    template_dirs = tuple(root_template_dirs(repo.committee.maler))
    texts = repo.committee.lang
    look: CommitteeLook = {"font": repo.committee.font, "logo_alt": repo.committee.logo_alt,
                           "page_texts": [texts("utkast"), texts("side_av")]}
    return Planning(root, Renderer(repo, cache=cache), History(root), template_dirs,
                    look, digest(template_fingerprint(template_dirs), json.dumps(look)),
                    {target.kind: target.reads for target in targets.TARGETS},
                    footer=repo.committee.bunntekst)


def outputs_of(repo: Repository) -> list[Output]:
    """Every file a whole build of repo (the public set too) makes of today's sources for
    nufa site (SITE_FORMATS: the default formats and the HTML of its pages), with what it
    shows: rendered, not converted."""
    chosen = targets.chosen(None, SITE_FORMATS)
    pieces = plan(shared_inputs(repo.root, repo), repo, repo.meetings, chosen, offentlig=True)
    return [output for piece in pieces for output in piece.outputs]


def lanes() -> int:
    """Conversions run side by side, one pandoc worker and typst compiler each (typst releases
    the GIL, pandoc is its own process): one lane per core, at most four."""
    return max(1, min(len(os.sched_getaffinity(0)), 4))


def convert_all(work: Work, planning: Planning, progress: Progress | None, sink: Sink,
                typst: TypstSources | None = None) -> None:
    """Make every output of the work, each handed to sink as it is made: those known when
    planned at once, the conversions in parallel lanes, each lane pulling the next piece;
    the longest pieces (packets) start first. typst: each document's typst, shared by the
    lanes (and kept between builds, typstcache.py), so each is written once."""
    from concurrent.futures import ThreadPoolExecutor

    for piece, outputs in work:
        if not piece.converts:
            for output in outputs:
                sink(output, piece.make(None, output))
    queue = sorted((w for w in work if w[0].converts), key=lambda w: not w[0].first)
    if not queue:
        return
    shared = _Lanes(queue, planning, progress, sink, {} if typst is None else typst)
    count = min(lanes(), len(queue))
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="nufa-convert") as pool:
        for lane in [pool.submit(shared.run) for _ in range(count)]:
            lane.result()
    shared.raise_failures()


class _Lanes:
    """The state the conversion lanes share: the pieces not yet taken, progress, failures.

    Each Markdown text is read by pandoc once: a piece's outputs are made together (the
    worker keeps the text it read last), and a lane about to join a packet first takes the
    pieces of its parts that no lane has begun, so a part's DOCX, PDF and the packet's
    typst of it come from one read."""

    def __init__(self, work: Work, planning: Planning, progress: Progress | None, sink: Sink,
                 typst: TypstSources) -> None:
        self.work = list(work)
        self.taken = [False] * len(self.work)
        self.owner = {piece.job: i for i, (piece, _) in enumerate(self.work) if piece.job}
        self.total = sum(len(outputs) for _, outputs in work)
        self.planning = planning
        self.progress = progress
        self.lock = threading.Lock()
        self.finished = 0
        self.failures: list[tuple[int, NufaError]] = []
        self.sink = sink
        self.sources = typst

    def run(self) -> None:
        from nufa_cli.convert.converter import Converter

        with Converter(self.planning.template_dirs, self.planning.history.epoch,
                       sources=self.sources, **self.planning.look) as converter:
            while (index := self._take(None)) is not None:
                self._make(index, converter)

    def _make(self, index: int, converter: Converter) -> None:
        piece, outputs = self.work[index]
        for part in piece.parts:
            claimed = self._take(part)
            if claimed is not None:
                self._make(claimed, converter)
        try:
            for output in outputs:
                self.sink(output, piece.make(converter, output))
                self._tick(output)
        except NufaError as error:  # go on: every failing document is named, in order
            with self.lock:
                self.failures.append((index, error))

    def _take(self, job: Job | None) -> int | None:
        """The next piece no lane has taken (job: the one converting that document)."""
        with self.lock:
            if job is None:
                index = next((i for i, taken in enumerate(self.taken) if not taken), None)
            else:
                index = self.owner.get(job)
            if index is None or self.taken[index]:
                return None
            self.taken[index] = True
            return index

    def _tick(self, output: Output) -> None:
        with self.lock:
            self.finished += 1
            if self.progress:
                self.progress(self.finished, self.total, output.name)

    def raise_failures(self) -> None:
        if len(self.failures) == 1:
            raise self.failures[0][1]
        if self.failures:
            raise ConversionFailed([error for _, error in sorted(self.failures,
                                                                 key=lambda f: f[0])])


def build(root: Path, meetings: Sequence[str] | None = None, formats: Sequence[str] = DEFAULT_FORMATS,
          only: set[str] | None = None, out: Path | None = None,
          progress: Progress | None = None, offentlig: bool = False,
          shard: Shard | None = None) -> BuildResult:
    """Load -> validate -> plan the targets -> convert what changed -> write, all or nothing.

    offentlig: also write the public set to build/<meeting>/offentlig/ (targets.FOLDER).
    shard: (K, N), build only the K-th of N shares of the meetings (in_shard)."""
    chosen = targets.chosen(only, formats)
    out = check_output_folder(out or root / "build", root)
    request = json.dumps([sorted(meetings or []), list(formats), sorted(only or []),
                          buildcache.portable(out, root), offentlig, shard])
    remembered = None if journal.pending(out) else _recall(root, out, request)
    if remembered is not None:
        return remembered
    memo = _Memo.before_reading(root, out, request)

    every = not meetings  # no meeting named: those no longer in the repository are decided on
    repo, diagnostics, elsewhere, meetings = _validated(root, out, meetings, shard)
    with journal.locked(out):  # one build at a time writes to a folder; the next one waits
        if shard and not meetings:  # more shards than meetings: this one has none
            memo.remember(root_template_dirs(repo.committee.maler), [], diagnostics)
            return BuildResult(diagnostics=diagnostics, repository=repo, elsewhere=elsewhere)
        shared = shared_inputs(root, repo, cache=out / CACHE / "jinja")
        folders = select(repo, meetings)
        pieces = plan(shared, repo, folders, chosen, offentlig)
        writer = Plan.of(out, [output for piece in pieces for output in piece.outputs])
        typst = TypstCache(out, root, shared.templates_key)
        try:
            convert_all(_stale(pieces, writer), shared, progress, writer.stage, typst)
        except BaseException:  # a failure, or ^C: nothing of this build is written
            writer.discard()
            raise
        result = BuildResult(unchanged=writer.unchanged(), diagnostics=diagnostics,
                             outputs=list(writer.outputs.values()), repository=repo,
                             elsewhere=elsewhere)
        gone = writer.gone(_decided(repo, [m.folder for m in folders], every, chosen, offentlig))
        result.written = writer.commit(gone)
        result.removed = [out / output.name for output in gone]
        if not meetings and only is None and shard is None:  # every document: forget the rest
            typst.keep_only(job for piece in pieces for job in (piece.job, *piece.parts) if job)
        memo.remember(shared.template_dirs, sorted(writer.outputs), diagnostics)
        return result


def _decided(repo: Repository, folders: Sequence[str], every: bool,
             chosen: Sequence[tuple[targets.Target, tuple[str, ...]]],
             offentlig: bool) -> Callable[[Output], bool]:
    """Which recorded files this build decides on: of its meetings (with every meeting, also
    those no longer in the repository), kinds and formats, and the public set only when it
    builds it. One of those that it does not make any more is removed."""
    formats = {target.kind: set(fmts) for target, fmts in chosen}
    known = {meeting.folder for meeting in repo.meetings}
    ours = set(folders)

    def decides(output: Output) -> bool:
        if output.format not in formats.get(output.kind, set()):
            return False
        if not offentlig and f"/{targets.FOLDER}/" in output.name:
            return False
        return output.meeting in ours or (every and output.meeting not in known)

    return decides


def _stale(pieces: Sequence[Piece], writer: Plan) -> Work:
    """Each piece with its outputs that are not up to date; pieces with none left out."""
    found = []
    for piece in pieces:
        outputs = [output for output in piece.outputs if not writer.up_to_date(output)]
        if outputs:
            found.append((piece, outputs))
    return found


@dataclass(frozen=True)
class _Memo:
    """The rebuild cache (cache.py), fingerprinting the inputs before the build reads them."""

    root: Path
    out: Path
    request: str
    template_dirs: list[str]  # the templates of the last build: nufa.yaml is not read yet
    inputs: str

    @classmethod
    def before_reading(cls, root: Path, out: Path, request: str) -> _Memo:
        guessed = buildcache.template_dirs_last_time(out)
        return cls(root, out, request, guessed, buildcache.fingerprint(root, request, guessed))

    def remember(self, template_dirs: Sequence[Path], outputs: Sequence[Path],
                 diagnostics: Sequence[Diagnostic]) -> None:
        dirs = buildcache.template_names(self.root, template_dirs)
        inputs = self.inputs
        if dirs != self.template_dirs:  # nufa.yaml named other templates than last time
            inputs = buildcache.fingerprint(self.root, self.request, dirs)
        buildcache.remember(self.out, inputs, dirs, outputs, diagnostics)


def _recall(root: Path, out: Path, request: str) -> BuildResult | None:
    """The last build's result if nothing it depends on changed, its files as recorded."""
    remembered = buildcache.recall(root, out, request)
    if remembered is None:
        return None
    paths, diagnostics = remembered
    recorded = {output.name: output for output in Manifest.read(out).recorded()}
    names = [path.relative_to(out).as_posix() for path in paths]
    if not all(name in recorded for name in names):  # recorded by an older nufa: build anew
        return None
    return BuildResult(unchanged=paths, diagnostics=diagnostics,
                       outputs=[recorded[name] for name in names])


def in_shard(repo: Repository, names: Sequence[str] | None, shard: Shard) -> list[str]:
    """The meetings of shard (K, N) among names (default: all): in date order, the K-th, the
    (K+N)-th, and so on: round robin, so the shards share the years evenly, and a meeting
    added after the others (the usual case) leaves every earlier one in its shard."""
    k, n = shard
    asked = {Path(name).name for name in names} if names else None
    folders = [m.folder for m in repo.meetings]  # in date order
    return [folder for i, folder in enumerate(folders)
            if i % n == k - 1 and (asked is None or folder in asked)]


def _validated(root: Path, out: Path, meetings: Sequence[str] | None, shard: Shard | None
               ) -> tuple[Repository, list[Diagnostic], list[Diagnostic], Sequence[str] | None]:
    """The sources, loaded and checked: (repository, diagnostics of what is built, errors in
    meetings not built, the meetings to build). An error in what is built stops the build
    before it writes."""
    from nufa_cli.check.validate import check

    repo, diagnostics = check(root)
    if shard is not None:
        select(repo, meetings)  # a meeting named that is not there is an error, as always
        meetings = in_shard(repo, meetings, shard)
    diagnostics, elsewhere = in_scope(repo, diagnostics, meetings or None)
    if has_errors(diagnostics):
        buildcache.forget(out)
        raise InvalidSources(diagnostics)
    check_output_folder(out, root, [repo.committee.maler])
    return repo, diagnostics, elsewhere, meetings


__all__ = ["DEFAULT_FORMATS", "BadSourceDateEpoch", "BuildResult", "NothingToBuild", "build",
           "outputs_of", "source_date_epoch"]
