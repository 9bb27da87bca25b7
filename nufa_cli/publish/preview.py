"""What `nufa serve` shows, made again after every save of a source (serve.py watches).

One refresh: check the sources (invalid: their diagnostics are shown over the last good
pages, which stay as they were); render the members' documents to HTML (pandoc's html
writer, each document converted once per content); then build the DOCX and PDF files and
the public set (`nufa build --offentlig`, whose own cache keeps an unchanged rebuild fast)
and write the site (site.py) to build/site/, as `nufa site` does. The members' pages are
in memory; the site and the built files are served from build/. Every state a reader can
see is one Snapshot; its generation grows whenever what it shows changes, so a page
reloads exactly then.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from nufa_cli.build import targets, work
from nufa_cli.build.writer import Manifest
from nufa_cli.core.errors import Diagnostic, NufaError, Severity, has_errors
from nufa_cli.core.output import CACHE, digest
from nufa_cli.publish import site as sitegen
from nufa_cli.publish.views import Link

if TYPE_CHECKING:
    from nufa_cli.build.orchestrator import BuildResult
    from nufa_cli.convert.converter import Converter
    from nufa_cli.convert.job import Job
    from nufa_cli.model.objects import Meeting, Repository, SakNr

MEMBERS = "_medlemmer"  # URL folder of the members' documents as HTML
FILES = "_build"  # URL folder of the built files (those the manifest records)
SITE = "site"  # the site's folder in build/, as `nufa site` writes it


@dataclass(frozen=True)
class Problem:
    """Why the last refresh did not go through: located diagnostics, or a message."""

    diagnostics: tuple[Diagnostic, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class Snapshot:
    """What the preview shows at one moment."""

    generation: int = 0
    pages: Mapping[str, str] = field(default_factory=dict)  # members' pages: URL path -> HTML
    files: Mapping[str, Path] = field(default_factory=dict)  # URL path -> a built file
    site: Path | None = None  # the site's folder, once written
    warnings: tuple[Diagnostic, ...] = ()
    problem: Problem | None = None
    busy: bool = True  # a refresh is running
    shown: str = ""  # a digest of all a reader sees: a new one is a new generation


@dataclass(frozen=True)
class MemberDocument:
    """One of a meeting's documents as the members get it, with its built files."""

    label: str
    href: str  # its HTML page (empty: it has none, as the packet)
    files: tuple[Link, ...]
    draft: bool


class Preview:
    """The preview's state and how it is made; thread-safe."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.out = root / "build"
        self._snapshot = Snapshot()
        self._changed = threading.Condition()
        self._html: dict[Job, str] = {}  # each document's HTML, by all it is converted from
        self._converter: Converter | None = None
        self._converter_for: tuple[object, ...] = ()
        self._site_shown = ""  # what the site written last shows
        self.last_result: BuildResult | None = None
        self.watched: tuple[Path, ...] = ()  # beside the sources: the committee's templates
        self.closing = False

    @property
    def snapshot(self) -> Snapshot:
        with self._changed:
            return self._snapshot

    def wait(self, generation: int, busy: bool, timeout: float) -> Snapshot:
        """The snapshot once its generation or busy differs from these, or after timeout."""
        with self._changed:
            self._changed.wait_for(lambda: self.closing or (
                self._snapshot.generation, self._snapshot.busy) != (generation, busy), timeout)
            return self._snapshot

    def wake(self) -> None:
        """The server is stopping: every waiter returns."""
        with self._changed:
            self.closing = True
            self._changed.notify_all()

    def _publish(self, **changes: object) -> Snapshot:
        with self._changed:
            new = replace(self._snapshot, **changes)  # type: ignore[arg-type]
            shown = _shown(new, self._site_shown)
            if shown != new.shown:
                new = replace(new, shown=shown, generation=new.generation + 1)
            self._snapshot = new
            self._changed.notify_all()
            return new

    def refresh(self) -> Snapshot:
        """Check, show the members' documents, build, write the site: one save's worth."""
        from nufa_cli.build.orchestrator import build, shared_inputs
        from nufa_cli.build.targets import SITE_FORMATS
        from nufa_cli.check.validate import check

        self._publish(busy=True)
        try:
            repo, diagnostics = check(self.root)
            if has_errors(diagnostics):
                return self._publish(problem=Problem(tuple(sorted(diagnostics))), busy=False)
            warnings = tuple(sorted(diagnostics))
            maler = repo.committee.maler
            self.watched = (maler,) if maler else ()
            planning = shared_inputs(self.root, repo, cache=self.out / CACHE / "jinja")
            self._publish(pages=self._member_pages(repo, planning, self._files_recorded()),
                          warnings=warnings, problem=None)
            result = build(self.root, formats=SITE_FORMATS, offentlig=True)  # as nufa site
            self.last_result = result
            site = sitegen.render(repo, self.out, result.outputs)
            site_shown = digest(*(f"{k}\0{v}" for k, v in sorted(site.pages.items())),
                                *sorted(site.copies))
            folder = self.out / SITE
            if site_shown != self._site_shown or not folder.is_dir():
                sitegen.write(site, folder, self.root, self.out, repo.committee.maler)
                self._site_shown = site_shown
            files = self._files_recorded()
            return self._publish(pages=self._member_pages(repo, planning, files), files=files,
                                 site=folder, problem=None, busy=False)
        except NufaError as error:
            return self._publish(problem=Problem(tuple(sorted(error.diagnostics)), error.message),
                                 busy=False)

    def fail(self, message: str) -> Snapshot:
        """Show a problem that is no NufaError (a bug): the server goes on serving."""
        return self._publish(problem=Problem(message=message), busy=False)

    def _files_recorded(self) -> dict[str, Path]:
        manifest = Manifest.read(self.out)
        return {f"{FILES}/{o.name}": self.out / o.name
                for o in manifest.recorded() if manifest.has(o.name)}

    def _member_pages(self, repo: Repository, planning: work.Planning,
                      files: Mapping[str, Path]) -> dict[str, str]:
        """Every document of the members' view as an HTML page, and their index."""
        env = sitegen.environment(repo.committee.lang)
        common = {"committee": repo.committee.navn, "kortnavn": repo.committee.kortnavn,
                  "lang": repo.committee.lang.language,
                  "root": "/", "here": "", "current": "", "index": f"/{MEMBERS}/index.html"}
        pages: dict[str, str] = {}
        listed: list[tuple[Meeting, list[MemberDocument]]] = []
        view = work.View(repo, False)
        for meeting in sorted(repo.meetings, key=lambda m: m.first_day, reverse=True):
            documents = []
            for target in targets.TARGETS:
                if not target.label:
                    continue
                if target.builder is not work.documents:  # the packet: its PDF only
                    links = _links(target, meeting, None, files)
                    if links:
                        documents.append(MemberDocument(_label(target, meeting, None), "",
                                                        links, False))
                    continue
                for doc, job in work.document_jobs(planning, view, target.kind, meeting):
                    label = _label(target, meeting, doc.sak)
                    href = f"/{MEMBERS}/{meeting.folder}/{target.stem_of(meeting.folder, doc.sak)}.html"
                    links = _links(target, meeting, doc.sak, files)
                    pages[href[1:]] = env.get_template("member-document.html.j2").render(
                        **common, title=doc.title, label=label, draft=doc.draft, files=links,
                        body=Markup(self.html(planning, job)))  # pandoc escaped the text
                    documents.append(MemberDocument(label, href, links, doc.draft))
            listed.append((meeting, documents))
        pages[f"{MEMBERS}/index.html"] = env.get_template("members.html.j2").render(
            **common, meetings=listed)
        return pages

    def html(self, planning: work.Planning, job: Job) -> str:
        """The document's text as HTML: convert/converter.py's html(), as the build makes the
        site's pages of it, converted here once per job so the members' page shows an edit
        before the build has converted the PDFs."""
        if job not in self._html:
            self._html[job] = self._converter_of(planning).html(job).decode("utf-8")
        return self._html[job]

    def _converter_of(self, planning: work.Planning) -> Converter:
        """One long-lived converter (one pandoc worker), new when the templates change."""
        from nufa_cli.convert.converter import Converter

        wanted = (planning.template_dirs, planning.templates_key)
        if self._converter is None or self._converter_for != wanted:
            self.close()
            self._converter = Converter(planning.template_dirs, planning.history.epoch, **planning.look)
            self._converter_for = wanted
            self._html.clear()
        return self._converter

    def close(self) -> None:
        """End the pandoc worker of the members' pages."""
        if self._converter is not None:
            self._converter.close()
            self._converter = None


def _label(target: targets.Target, meeting: Meeting, nr: SakNr | None) -> str:
    """The document's name in the site's words (its target's label, a catalogue text)."""
    sak = meeting.sak(nr) if nr else None
    texts = meeting.lang
    return texts(target.label, nr=sak.nr, tittel=sak.tittel) if sak else texts(target.label)


def _links(target: targets.Target, meeting: Meeting, sak: SakNr | None,
           files: Mapping[str, Path]) -> tuple[Link, ...]:
    """The members' built files of one document, PDF first, as the site orders formats."""
    found = []
    for fmt, text in sitegen.DOWNLOADS:
        href = f"{FILES}/{target.file(meeting.folder, sak, fmt)}"
        if fmt in target.formats and href in files:
            found.append(Link(text, f"/{href}"))
    return tuple(found)


def _shown(snapshot: Snapshot, site: str) -> str:
    """A digest of everything the snapshot shows a reader, its busy flag left out."""
    parts = [f"{path}\0{html}" for path, html in sorted(snapshot.pages.items())]
    parts += [f"{path}\0{file.stat().st_mtime_ns if file.exists() else 0}"
              for path, file in sorted(snapshot.files.items())]
    parts += [site, str(snapshot.site), *(d.text() for d in snapshot.warnings)]
    if snapshot.problem:
        parts += ["problem", snapshot.problem.message,
                  *(d.text() for d in snapshot.problem.diagnostics)]
    return digest(*parts)


def problems(snapshot: Snapshot) -> list[Diagnostic]:
    """The problem's diagnostics, errors first, then the warnings of the last check."""
    found = list(snapshot.problem.diagnostics) if snapshot.problem else []
    return sorted(found, key=lambda d: (d.severity is not Severity.ERROR, d))


__all__ = ["FILES", "MEMBERS", "Preview", "Problem", "Snapshot", "problems"]
