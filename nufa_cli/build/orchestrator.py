"""The orchestrator: load -> validate -> render -> convert -> write.

Everything is gathered and checked before anything is written: invalid sources
or a failed conversion leave earlier outputs exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nufa_cli import __version__
from nufa_cli.build import cache as buildcache
from nufa_cli.build.targets import CALENDAR, PACKET, check_kinds
from nufa_cli.build.writer import Plan
from nufa_cli.convert.job import Job
from nufa_cli.core import nbdates
from nufa_cli.core.errors import Diagnostic, InvalidSources, NufaError, has_errors
from nufa_cli.core.output import CACHE, check_output_folder, digest
from nufa_cli.core.root import SOURCE_PATHS
from nufa_cli.core.root import template_dirs as root_template_dirs
from nufa_cli.git.info import last_commit_time, revision

if TYPE_CHECKING:
    from nufa_cli.build.packet import Packet
    from nufa_cli.model.objects import Meeting, Repository
    from nufa_cli.render.documents import Document

FORMATS = ("docx", "pdf")
NOT_DOCUMENT_TEMPLATES = {"init", "site"}  # templates of other commands: no rebuild when they change
SOURCE_SUFFIXES = {".yaml", ".yml", ".md"}
FALLBACK_EPOCH = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())
END_EPOCH = int(dt.datetime(2108, 1, 1, tzinfo=dt.UTC).timestamp())  # a zip (DOCX) date ends 2107

Progress = Callable[[int, int, str], None]


class UnknownMeeting(NufaError):
    exit_code = 2


class NothingToBuild(NufaError):
    """The options ask for a kind in a format it never has."""

    exit_code = 2


class BadSourceDateEpoch(NufaError):
    exit_code = 2

    def __init__(self, value: str) -> None:
        super().__init__(f"SOURCE_DATE_EPOCH={value} is not a usable build time: give whole "
                         "seconds since 1970-01-01 UTC, before 2108 (the last year a DOCX file "
                         "can be dated), or unset it")


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


def source_date_epoch(root: Path) -> int:
    """SOURCE_DATE_EPOCH if set, else the latest commit time of the sources, else a fixed date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return last_commit_time(root, SOURCE_PATHS) or FALLBACK_EPOCH
    if not (value.isascii() and value.isdigit() and len(value) < 20 and int(value) < END_EPOCH):
        raise BadSourceDateEpoch(value)
    return int(value)


def select(repo: Repository, names: Sequence[str] | None) -> list[Meeting]:
    if not names:
        return list(repo.meetings)
    chosen = []
    for name in names:
        folder = Path(name).name  # accept "meetings/2024-04-24" as well as "2024-04-24"
        meeting = repo.meeting(folder)
        if meeting is None:
            known = ", ".join(m.folder for m in repo.meetings) or "none"
            raise UnknownMeeting(f"no meeting '{name}' in this repository (meetings: {known})")
        if all(m.folder != meeting.folder for m in chosen):  # named twice: built once
            chosen.append(meeting)
    return chosen


def template_fingerprint(folders: Sequence[Path]) -> str:
    """A hash of every template, style and font file: changing one rebuilds everything."""
    parts: list[bytes | str] = [__version__]
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder)
            if name.parts[0] not in NOT_DOCUMENT_TEMPLATES:
                parts += [name.as_posix(), path.read_bytes()]
    return digest(*parts)


def footer_note(root: Path, meeting: Meeting, epoch: int) -> str:
    """Every page traces back to git: the sources' revision and the build date. Without git
    or SOURCE_DATE_EPOCH there is no true date to print (the fallback only keeps builds
    reproducible), so the note is left empty."""
    built = nbdates.numeric(dt.datetime.fromtimestamp(epoch, dt.UTC).date())
    stamp = revision(root, ["nufa.yaml", "medlemmer.yaml", f"meetings/{meeting.folder}"])
    if stamp is None:
        dated = epoch != FALLBACK_EPOCH or os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        return f"Bygget {built}" if dated else ""
    commit, dirty = stamp
    return f"Versjon {commit}{' + endringer' if dirty else ''}, bygget {built}"


def resources_fingerprint(folder: Path) -> str:
    """Files a document may embed (images, vedlegg) live in its meeting folder. The sources
    themselves (YAML, Markdown) reach a document only through its rendered Markdown."""
    parts: list[bytes | str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix.lower() not in SOURCE_SUFFIXES:
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


def lanes() -> int:
    """Conversions run side by side, one pandoc worker and typst compiler each (typst releases
    the GIL, pandoc is its own process): one lane per core, at most four."""
    return max(1, min(len(os.sched_getaffinity(0)), 4))


def convert_all(stale: Sequence[tuple[Path, Job]], packets: Sequence[tuple[Path, Packet]],
                template_dirs: Sequence[Path], epoch: int, out: Path, progress: Progress | None,
                look: dict[str, str | None]) -> dict[Path, bytes]:
    """Convert every stale output in parallel lanes, each pulling the next piece of work.

    A job's DOCX and PDF are one piece, so its Markdown is read once. Packets, the longest
    pieces, start first; the typst of their parts is shared between the lanes, so each
    document's typst is written once, by whichever lane needs it first.
    """
    from concurrent.futures import ThreadPoolExecutor

    from nufa_cli.convert.converter import Converter

    by_job: dict[Job, list[Path]] = {}
    for path, job in stale:
        by_job.setdefault(job, []).append(path)
    work: list[tuple[Job, list[Path]] | tuple[Path, Packet]] = [*packets, *by_job.items()]
    total = len(stale) + len(packets)
    pending = iter(enumerate(work))
    failures: list[tuple[int, NufaError]] = []
    lock = threading.Lock()
    finished = 0
    sources: dict[Job, bytes] = {}

    def tick(path: Path) -> None:
        nonlocal finished
        with lock:
            finished += 1
            if progress:
                progress(finished, total, path.relative_to(out).as_posix())

    def run() -> dict[Path, bytes]:
        results: dict[Path, bytes] = {}
        with Converter(template_dirs, epoch, sources=sources, **look) as converter:
            while True:
                with lock:
                    index, piece = next(pending, (None, None))
                if piece is None:
                    return results
                try:
                    if isinstance(piece[0], Job):
                        job, paths = piece
                        for path in paths:
                            results[path] = converter.convert(job, path.suffix[1:])
                            tick(path)
                    else:
                        from nufa_cli.build import packet

                        path, pk = piece
                        results[path] = packet.render(pk, converter, template_dirs)
                        tick(path)
                except NufaError as error:  # go on: every failing document is named, in order
                    with lock:
                        failures.append((index, error))

    contents: dict[Path, bytes] = {}
    count = min(lanes(), len(work))
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="nufa-convert") as pool:
        for results in [pool.submit(run) for _ in range(count)]:
            contents.update(results.result())
    if len(failures) == 1:
        raise failures[0][1]
    if failures:
        raise ConversionFailed([error for _, error in sorted(failures, key=lambda f: f[0])])
    return contents


def build(root: Path, meetings: Sequence[str] | None = None, formats: Sequence[str] = FORMATS,
          only: set[str] | None = None, out: Path | None = None,
          progress: Progress | None = None, offentlig: bool = False) -> BuildResult:
    """offentlig: also write the public set to build/<meeting>/offentlig/ (offentlig.py)."""
    check_kinds(only)
    if only and PACKET in only and "pdf" not in formats:
        raise NothingToBuild(f"{PACKET} is PDF only; add --format pdf or leave out --format")
    out = check_output_folder(out or root / "build", root)
    request = json.dumps([sorted(meetings or []), list(formats), sorted(only or []), str(out),
                          offentlig])
    remembered = buildcache.recall(root, out, request)
    if remembered is not None:
        outputs, diagnostics = remembered
        return BuildResult(unchanged=outputs, diagnostics=diagnostics)
    guessed_dirs = buildcache.template_dirs_last_time(out)
    inputs = buildcache.fingerprint(root, request, guessed_dirs)

    from nufa_cli.check.validate import check
    from nufa_cli.render.documents import meeting_documents
    from nufa_cli.render.renderer import Renderer

    repo, diagnostics = check(root)
    if has_errors(diagnostics):
        buildcache.forget(out)
        raise InvalidSources(diagnostics)
    check_output_folder(out, root, [repo.committee.maler])
    epoch = source_date_epoch(root)
    renderer = Renderer(repo, cache=out / CACHE / "jinja")
    chosen = select(repo, meetings)
    members = [(meeting, doc) for meeting in chosen
               for doc in meeting_documents(repo, meeting, renderer, only)]
    # Each set of documents: the repository it is made from, its folder in build/<meeting>/
    sets: list[tuple[Repository, str, list[tuple[Meeting, Document]]]] = [(repo, "", members)]
    if offentlig:
        from nufa_cli.build.public import FOLDER, public_documents
        from nufa_cli.model.public import public_view

        public = public_view(repo)
        sets.append((public, f"{FOLDER}/", public_documents(public, chosen, renderer, only)))
    documents = [pair for _, _, found in sets for pair in found]

    template_dirs = root_template_dirs(repo.committee.maler)
    look = {"font": repo.committee.font, "logo_alt": repo.committee.logo_alt}  # nufa.yaml's share
    templates_key = digest(template_fingerprint(template_dirs), json.dumps(look))
    plan = Plan.start(out)
    todo: list[tuple[Path, Job]] = []
    notes: dict[str, str] = {}
    resources: dict[Path, str] = {}
    for meeting, doc in documents:
        if meeting.folder not in notes:
            notes[meeting.folder] = footer_note(root, meeting, epoch)
            resources[meeting.path] = resources_fingerprint(meeting.path)
        job = Job(markdown=doc.markdown, title=doc.title, header=doc.header,
                  resource_root=doc.resource_root, draft=doc.draft,
                  footer_note=notes[meeting.folder])
        for fmt in formats:
            key = digest(fmt, str(epoch), templates_key, resources[meeting.path], repr(job))
            todo.append((plan.add(f"{meeting.folder}/{doc.stem}.{fmt}", key), job))
    if only is None or CALENDAR in only:
        from nufa_cli.render.calendar import meeting_ics

        for meeting in chosen:
            ics = meeting_ics(repo, meeting, epoch)
            path = plan.add(f"{meeting.folder}/{meeting.folder}.ics", digest("ics", ics))
            if not plan.up_to_date(path):
                plan.contents[path] = ics

    # The meeting packets, sakspapirer.pdf (packet.py), the members' and the public one:
    # keyed by all of their parts, which reuse the documents rendered above.
    packets: list[tuple[Path, Packet]] = []
    public_packets: list[tuple[str, Packet]] = []
    if "pdf" in formats and (only is None or PACKET in only):
        from nufa_cli.build import packet

        for source, subfolder, found in sets:
            rendered = packet.by_kind(found)
            for meeting in chosen:
                if meeting.folder not in notes:
                    notes[meeting.folder] = footer_note(root, meeting, epoch)
                view = source.meeting(meeting.folder)
                assert view is not None
                pk = packet.packet(source, view, renderer, notes[meeting.folder], rendered)
                key = pk.key(str(epoch), templates_key, *map(resources_fingerprint, pk.folders))
                path = plan.add(f"{meeting.folder}/{subfolder}{packet.STEM}.pdf", key)
                if source is not repo:  # the public one: its stamp lets the site publish it
                    public_packets.append((meeting.folder, pk))
                if not plan.up_to_date(path):
                    packets.append((path, pk))
    if offentlig:
        from nufa_cli.build.public import stamps

        for rel, stamp in stamps(out, documents, formats, public_packets).items():
            path = plan.add(rel, digest("stamp", stamp))
            if not plan.up_to_date(path):
                plan.contents[path] = stamp

    result = BuildResult(diagnostics=diagnostics)
    stale = [(path, job) for path, job in todo if not plan.up_to_date(path)]
    if stale or packets:
        plan.contents.update(convert_all(stale, packets, template_dirs, epoch, out, progress, look))
    result.unchanged = sorted(set(plan.keys) - set(plan.contents))
    result.written = plan.commit()
    dirs = [str(d) for d in template_dirs]
    if dirs != guessed_dirs:  # nufa.yaml named other templates than last time: fingerprint anew
        inputs = buildcache.fingerprint(root, request, dirs)
    buildcache.remember(out, inputs, dirs, sorted(plan.keys), diagnostics)
    return result


__all__ = ["FORMATS", "BuildResult", "build", "source_date_epoch"]
