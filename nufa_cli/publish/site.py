"""`nufa site`: the built documents as a static web site (GitHub Pages or any web server).

Reads the loaded model and the files `nufa build` wrote under build/<meeting>/, nothing
else; writes build/site/: index.html (meetings, newest first), <meeting>/index.html
(dagsorden and saksliste), saker.html (every sak with its vedtak, filterable as you type)
and copies of the documents. Pages link relatively and load nothing from elsewhere, so the
folder works from a web server and from file:// alike.

The site is public. Its pages are made from the public view (model/public.py), so what is
`skjermet` is not on them. Of the built documents it publishes the public set in
build/<meeting>/offentlig/ (nufa build --offentlig; nufa site builds it) where that was made
from today's sources, and otherwise a document in build/<meeting>/ only when it shows
nothing the public view leaves out; anything else is withheld and reported.
"""

from __future__ import annotations

import math
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

from nufa_cli.build.packet import STEM as PACKET
from nufa_cli.build.public import FOLDER, current_files, fingerprints
from nufa_cli.core import nbdates
from nufa_cli.core.errors import NufaError, has_errors
from nufa_cli.core.output import WriteFailed, check_output_folder
from nufa_cli.core.root import builtin_templates
from nufa_cli.model.objects import Attachment, Day, Meeting, Repository, Sak, SakNr
from nufa_cli.model.public import WITHHELD, has_skjermet, marking, public_view
from nufa_cli.publish.views import (
    DayView,
    DocumentView,
    Link,
    MeetingView,
    RowView,
    SakView,
    Site,
    SiteResult,
    VedleggView,
)
from nufa_cli.render.documents import innkalling
from nufa_cli.render.documents.toppnotat import stem as toppnotat_stem
from nufa_cli.render.renderer import Renderer

MARKER = ".nufa-site"  # marks a folder this module wrote, so only such a folder is replaced
FORMATS = (("pdf", "PDF"), ("docx", "Word"))
_KINDS = ("innkalling", "saksliste", PACKET, "toppnotat", "referat", "annet")
_LABELS = {"innkalling": "Innkalling", "saksliste": "Saksliste", PACKET: "Sakspapirer",
           "referat": "Referat"}


# --- user Markdown -------------------------------------------------------------------------


def _image_as_link(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                   env: EnvType) -> str:  # markdown-it's rule signature
    """An image becomes a link to it: the site loads nothing the sources point to elsewhere."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env) or token.attrGet("src")
    return f'<a href="{escapeHtml(str(token.attrGet("src") or ""))}">{escapeHtml(str(alt))}</a>'


_MD = MarkdownIt("commonmark", {"html": False})
_MD.add_render_rule("image", _image_as_link)


def markdown_html(text: str, level: int) -> Markup:
    """User Markdown as HTML, raw HTML escaped; its headings start at h<level>."""
    env: EnvType = {}
    tokens = _MD.parse(text, env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + level - 1)}"
    return Markup(_MD.renderer.render(tokens, _MD.options, env))  # html=False: escaped already


# --- built documents -----------------------------------------------------------------------


def _size(path: Path) -> str:
    size = path.stat().st_size
    if size < 1024 * 1024:
        return f"{max(1, math.ceil(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _sak_pattern(nr: SakNr) -> re.Pattern[str]:
    return re.compile(rf"(?<![0-9]){nr.n}-{nr.year:02d}(?![0-9])")


def classify(stem: str, meeting: Meeting) -> tuple[str, Sak | None]:
    """Which document a built file is, from its name: (kind, the sak of a toppnotat).

    The site depends on the files build writes, not on how documents are named inside
    nufa: a toppnotat is recognised by the name build gives it (toppnotat-12-24, as
    documents/toppnotat.py), its source's name or its sak number, the others by their kind
    in the name; anything else is still listed, under its file name.
    """
    low = stem.lower()
    noted = [s for s in meeting.saker if s.toppnotat]
    for sak in noted:
        if low == toppnotat_stem(sak.nr):
            return "toppnotat", sak
    for sak in noted:  # the whole name: a short one ("notat") is in many others
        if sak.toppnotat and sak.toppnotat.source.path.stem.lower() == low:
            return "toppnotat", sak
    if low.startswith("toppnotat"):
        for sak in noted:
            if _sak_pattern(sak.nr).search(low):
                return "toppnotat", sak
    for kind in ("innkalling", "saksliste", PACKET, "referat"):
        if kind in low:
            return kind, None
    for sak in noted:
        if _sak_pattern(sak.nr).search(low):
            return "toppnotat", sak
    return "annet", None


def _by_stem(paths: list[Path]) -> dict[str, dict[str, Path]]:
    """stem -> format -> file, of the DOCX and PDF files among paths."""
    stems: dict[str, dict[str, Path]] = {}
    for path in paths:
        ext = path.suffix.lstrip(".").lower()
        if path.is_file() and not path.name.startswith(".") and ext in dict(FORMATS):
            stems.setdefault(path.stem, {})[ext] = path
    return stems


def built_documents(repo: Repository, public: Repository, folder_name: str, build_dir: Path,
                    site: Site, renderer: Renderer) -> tuple[DocumentView, ...]:
    """The meeting's DOCX and PDF files that may be published, registered for copying.

    Per document: its public version (build/<meeting>/offentlig/) if that was made from
    today's public view; else the file in build/<meeting>/ if the document shows nothing
    the public view leaves out (as its Markdown tells); else nothing, reported as withheld
    (unless the document has no public version at all: a skjermet toppnotat). The packet,
    and a file of no known document, go along only when nothing of the meeting is skjermet
    and all of it (the packet's vedlegg from other meetings too) is as the public sees it.
    """
    meeting, view = repo.meeting(folder_name), public.meeting(folder_name)
    assert meeting is not None and view is not None
    theirs = fingerprints(public, view, renderer)
    ours = fingerprints(repo, meeting, renderer)
    open_meeting = ours == theirs and not has_skjermet(meeting)
    folder = build_dir / meeting.folder
    current, old = current_files(folder, theirs)
    site.stale += [f"{meeting.folder}/{FOLDER}/{p.name}" for p in old]
    published = _by_stem(current)
    stems = _by_stem(sorted(folder.iterdir()) if folder.is_dir() else [])
    if not stems and not published:
        site.unbuilt.append(meeting.folder)
    found = []
    for stem in sorted(set(stems) | set(published)):
        if stem in published:
            paths = published[stem]
            kind, sak = classify(stem, view)
        else:
            paths = stems[stem]
            kind, sak = classify(stem, meeting)
            if stem in ours and stem not in theirs:
                continue  # a skjermet toppnotat: withheld by design, nothing to warn of
            # A document shows something withheld when its Markdown differs between the views;
            # the packet (the whole meeting) and a file put there by hand go by the meeting.
            hidden = (ours[stem] != theirs.get(stem) if stem in ours and stem != PACKET
                      else not open_meeting)
            if hidden:
                site.withheld += [f"{meeting.folder}/{p.name}" for p in paths.values()]
                continue
        links = []
        for ext, name in FORMATS:
            if ext in paths:
                rel = f"{meeting.folder}/{paths[ext].name}"
                site.copies[rel] = paths[ext]
                links.append(Link(name, rel, _size(paths[ext])))
        label = (f"Toppnotat sak {sak.nr}: {sak.tittel}" if sak else
                 _LABELS.get(kind, stem))
        found.append(DocumentView(label, kind, sak.nr if sak else None, tuple(links)))
    order = {sak.nr: i for i, sak in enumerate(meeting.saker)}
    found.sort(key=lambda d: (_KINDS.index(d.kind), order.get(d.sak, 0) if d.sak else 0,
                              d.label))
    labels = [d.label for d in found]
    return tuple(d if labels.count(d.label) == 1 else
                 DocumentView(f"{d.label} ({d.files[0].href.rsplit('/', 1)[-1]})", d.kind,
                              d.sak, d.files) for d in found)


def _calendar(meeting: Meeting, build_dir: Path, site: Site) -> Link | None:
    folder = build_dir / meeting.folder
    candidates = [folder / f"{meeting.folder}.ics", build_dir / f"{meeting.folder}.ics"]
    if folder.is_dir():
        candidates += sorted(folder.glob("*.ics"))
    for path in candidates:
        if path.is_file():
            rel = f"{meeting.folder}/{meeting.folder}.ics"
            site.copies[rel] = path
            return Link("Legg møtet i kalenderen (ICS)", rel, _size(path))
    return None


# --- views ----------------------------------------------------------------------------------


def _anchor(nr: str) -> str:
    """A sak's id on its meeting page: "12/24" -> "sak-12-24"."""
    return "sak-" + nr.replace("/", "-")


def _day_view(meeting: Meeting, day: Day) -> DayView:
    """The day's dagsorden as the innkalling has it (agenda_lines: its rows and times)."""
    rows: list[RowView] = []
    for line in innkalling.agenda_lines(day):
        tid = nbdates.clock(line.tid)
        if line.kind == "slutt":
            rows.append(RowView("slutt", tid, f"Slutt dag {day.index}"))
        elif line.kind == "sak":
            rows.append(RowView("sak", tid, line.tittel, line.nr, _anchor(line.nr),
                                line.type or ""))
        else:
            rows.append(RowView(line.kind, tid, line.tittel))
    caption = f"Dag {day.index}: {nbdates.weekday_date(day.dato)}" if len(meeting.days) > 1 \
        else nbdates.weekday_date(day.dato)
    return DayView(caption, tuple(rows))


def _vedlegg(repo: Repository, meeting: Meeting, item: Attachment,
             documents: dict[str, tuple[DocumentView, ...]], site: Site) -> VedleggView:
    label = f"Vedlegg {item.label}"
    if item.kind == WITHHELD:
        return VedleggView(label, "", None, item.skjermet)
    link = None
    if item.kind == "url":
        link = Link(item.tittel, item.target)
    elif item.kind == "fil":
        source = repo.root / item.target
        rel = f"{meeting.folder}/filer/{source.relative_to(meeting.path).as_posix()}"
        site.copies[rel] = source
        link = Link(item.tittel, rel, f"{source.suffix.lstrip('.').upper()}, {_size(source)}")
    else:
        folder = item.target if item.kind == "referat" else meeting.folder
        for doc in documents.get(folder, ()):
            wanted = doc.kind == "referat" if item.kind == "referat" else (
                doc.kind == "toppnotat" and item.target == _toppnotat_rel(meeting, doc.sak))
            if wanted and doc.files:
                first = doc.files[0]
                link = Link(item.tittel, first.href, f"{first.text}, {first.note}")
                break
    return VedleggView(label, item.tittel, link, None)


def _toppnotat_rel(meeting: Meeting, nr: SakNr | None) -> str | None:
    sak = meeting.sak(nr) if nr else None
    return sak.toppnotat.source.rel if sak and sak.toppnotat else None


def _sak_view(repo: Repository, meeting: Meeting, sak: Sak,
              documents: dict[str, tuple[DocumentView, ...]], site: Site) -> SakView:
    """A sak of the public view: of a skjermet one, its texts are the marking or gone."""
    referat = meeting.referat
    vedtak = meeting.vedtak(sak.nr)
    if referat is None:
        note = "Referatet er ikke skrevet ennå."
    elif not vedtak:
        note = "Referatet har ikke noe vedtak i saken."
    else:
        note = "Fra utkast til referat." if referat.meta.status == "utkast" else ""
    anchor = _anchor(str(sak.nr))
    return SakView(
        str(sak.nr), anchor, f"{meeting.folder}/index.html#{anchor}",
        sak.tittel, sak.type or "", sak.sakseier or "", sak.saksbehandler or "", sak.skjermet,
        sak.beskrivelse or None, sak.forslag_til_vedtak or None, vedtak or None, note,
        tuple(_vedlegg(repo, meeting, a, documents, site) for a in sak.attachments))


def plan(repo: Repository, build_dir: Path) -> tuple[Site, list[MeetingView]]:
    """What the site holds, in memory: views of every meeting and the files they link."""
    site = Site()
    public = public_view(repo)
    renderer = Renderer(repo)
    meetings = sorted(public.meetings, key=lambda m: m.first_day, reverse=True)
    documents = {m.folder: built_documents(repo, public, m.folder, build_dir, site, renderer)
                 for m in meetings}
    views = []
    for meeting in meetings:
        views.append(MeetingView(
            meeting.folder, meeting.number, f"{meeting.folder}/index.html",
            meeting.date_range, meeting.sted,
            meeting.status, meeting.referat.meta.status if meeting.referat else None,
            documents[meeting.folder],
            any(name.startswith(f"{meeting.folder}/") for name in site.withheld),
            _calendar(meeting, build_dir, site),
            tuple(_day_view(meeting, day) for day in meeting.days),
            tuple(_sak_view(repo, meeting, sak, documents, site) for sak in meeting.saker)))
    return site, views


# --- pages ----------------------------------------------------------------------------------


def _relative(href: str, here: str) -> str:
    """A link from a page in folder `here` (of the site) to href (from the site root)."""
    if href.startswith(("https://", "http://")):
        return href
    return posixpath.relpath(href, here or ".")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(builtin_templates() / "site"),
        autoescape=True,  # every user text is escaped; Markdown arrives as Markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["rel"] = _relative
    env.filters["markdown"] = markdown_html
    env.filters["unntatt"] = marking
    return env


def render(repo: Repository, build_dir: Path) -> Site:
    site, meetings = plan(repo, build_dir)
    env = environment()
    common = {"committee": repo.committee.navn, "kortnavn": repo.committee.kortnavn}
    site.pages["index.html"] = env.get_template("index.html.j2").render(
        **common, root="", here="", current="index", meetings=meetings)
    site.pages["saker.html"] = env.get_template("saker.html.j2").render(
        **common, root="", here="", current="saker", meetings=meetings)
    for meeting in meetings:
        site.pages[f"{meeting.folder}/index.html"] = env.get_template("meeting.html.j2").render(
            **common, root="../", here=meeting.folder, current="meeting", meeting=meeting)
    site.copies["style.css"] = builtin_templates() / "site" / "style.css"
    return site


class SiteFolderTaken(NufaError):
    exit_code = 2


def write(site: Site, out: Path, root: Path, build_dir: Path,
          maler: Path | None = None) -> SiteResult:
    """Stage the whole site beside out, then swap it in: a failed run leaves the old site."""
    out = check_output_folder(out, root, [maler])
    if build_dir.resolve().is_relative_to(out):
        raise SiteFolderTaken(f"the site folder {out} would replace the built documents; "
                              f"choose e.g. {build_dir.resolve() / 'site'}")
    if out.exists() and not (out.is_dir() and ((out / MARKER).is_file() or
                                               not any(out.iterdir()))):
        raise SiteFolderTaken(f"{out} exists and was not written by nufa site; "
                              "choose another --out or remove it")
    staging: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        for rel, text in site.pages.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for rel, source in site.copies.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, path)
        (staging / MARKER).write_text("written by nufa site; replaced on every run\n",
                                      encoding="utf-8")
        os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the site from a web server
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, old / "site")
            os.replace(staging, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, out)
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise WriteFailed(f"the site to {out}", exc, "the old site is unchanged") from exc
    return SiteResult(out, sorted(site.pages), sorted(site.copies), site.unbuilt,
                      site.withheld, site.stale)


def generate(repo: Repository, build_dir: Path, out: Path) -> SiteResult:
    """The site of repo's meetings and the documents in build_dir, written to out."""
    return write(render(repo, build_dir), out, repo.root, build_dir, repo.committee.maler)


def publish(root: Path, out: Path | None = None, *, build_first: bool = True,
            progress: Callable[[int, int, str], None] | None = None) -> tuple[list[Path], SiteResult]:
    """nufa site: build what is missing (the public set too: the site publishes it), check,
    then write the site. Returns the files the build wrote and the site's result."""
    from nufa_cli.build.orchestrator import build
    from nufa_cli.check.validate import check
    from nufa_cli.core.errors import InvalidSources

    written = build(root, progress=progress, offentlig=True).written if build_first else []
    repo, diagnostics = check(root)
    if has_errors(diagnostics):
        raise InvalidSources(diagnostics)
    return written, generate(repo, root / "build", out or root / "build" / "site")
