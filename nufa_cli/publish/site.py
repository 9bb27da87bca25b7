"""`nufa site`: the built documents as a static web site (GitHub Pages or any web server).

Reads the loaded model, the build's manifest (build/.nufa-manifest.json: what each built
file is) and the files it names, nothing else; writes build/site/: index.html (meetings,
newest first), <meeting>/index.html (dagsorden and saksliste), saker.html (every sak with
its vedtak, filterable as you type), a page per document with its full text (<meeting>/
<stem>.html: the HTML the build made of the same Markdown as its DOCX and PDF, laid out in
the site's page) and copies of the documents. Pages link relatively and
load nothing from elsewhere, so the folder works from a web server and from file:// alike.

The site is public. Its pages are made from the public view (model/public.py), so what
is `skjermet` is not on them. It publishes only files the manifest has as made from today's
sources (what a build makes of them, build/orchestrator.py's outputs: the build that `nufa
site` runs first tells, or they are planned here): the public set in
build/<meeting>/offentlig/ (nufa build --offentlig; nufa site builds it), and otherwise a
document in build/<meeting>/ only when it shows nothing the public view leaves out;
anything else is withheld and reported.
"""

from __future__ import annotations

import functools
import math
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup, escape

from nufa_cli.build import journal, targets
from nufa_cli.build.targets import CALENDAR, Target
from nufa_cli.build.writer import Manifest, Output
from nufa_cli.core import nbdates
from nufa_cli.core.errors import has_errors
from nufa_cli.core.lang import Catalogue, builtin
from nufa_cli.core.output import FolderTaken, check_output_folder, replace_folder
from nufa_cli.core.root import builtin_templates
from nufa_cli.model.objects import Attachment, Day, Meeting, Repository, Sak, SakNr
from nufa_cli.model.public import WITHHELD, has_skjermet, marking, public_view
from nufa_cli.model.saknr import slug
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
from nufa_cli.render.documents.common import place
from nufa_cli.sources.markdown import without_comments

MARKER = ".nufa-site"  # marks a folder this module wrote, so only such a folder is replaced
DOWNLOADS = (("pdf", "PDF"), ("docx", "Word"), ("odt", "ODT"))  # the files to download, as named


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
    """User Markdown as HTML, raw HTML escaped and HTML comments left out; its headings
    start at h<level>."""
    env: EnvType = {}
    tokens = _MD.parse(without_comments(text), env)
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


def _copy(site: Site, meeting: Meeting, path: Path) -> str:
    """Register a built file for copying beside its meeting's page; its place in the site."""
    rel = f"{meeting.folder}/{path.name}"
    site.copies[rel] = path
    return rel


Document = tuple[str, str | None]  # (kind, sak): a target's file of a meeting or of a sak
Versions = dict[bool, dict[str, Output]]  # public? -> format -> what today's sources make


def built_documents(repo: Repository, folder_name: str, outputs: Sequence[Output],
                    manifest: Manifest, site: Site, withheld: bool) -> tuple[DocumentView, ...]:
    """The meeting's built documents that may be published, registered for copying.

    repo: the public view (model/public.py), whose titles the labels print.

    outputs: the files a build makes of the meeting from today's sources. Per document: its
    public version (build/<meeting>/offentlig/) where the manifest has it as made from today's
    public view; else the members' file where it shows exactly what the public version
    shows, and only when nothing of the meeting is withheld (withheld: has_skjermet, of the
    members' view); else nothing, reported as withheld (unless the document has no
    public version at all: a skjermet toppnotat). A file the manifest has from older sources
    is left out and reported as stale.
    """
    meeting = repo.meeting(folder_name)
    assert meeting is not None
    documents: dict[Document, Versions] = {}
    for output in outputs:
        if targets.named(output.kind).label:  # listed among the documents
            documents.setdefault((output.kind, output.sak), {}).setdefault(
                output.public, {})[output.format] = output
    if not any(manifest.has(o.name) for o in outputs if (o.kind, o.sak) in documents):
        site.unbuilt.append(meeting.folder)
    ours, theirs = (_shown(documents, public) for public in (False, True))
    open_meeting = ours == theirs and not withheld
    left_out = _LeftOut(stale=_stale(meeting.folder, outputs, manifest))
    found = []
    for doc, versions in documents.items():
        target = targets.named(doc[0])
        files = [o for o in versions.get(True, {}).values() if manifest.made(o)]
        if not files and True in versions:  # not built from today's public view: the members'?
            # of a meeting with anything withheld, only the public set: no members' file
            hidden = withheld or (not open_meeting if target.whole_meeting
                                  else ours.get(doc) != theirs[doc])
            files = left_out.members(versions.get(False, {}), hidden, manifest)
        if files:
            found.append(_document_view(meeting, target, doc[1], files, manifest, site))
    site.withheld += sorted(left_out.withheld)
    site.stale += sorted(left_out.stale)
    order = {sak.nr: i for i, sak in enumerate(meeting.saker)}
    kinds = targets.kinds()
    return tuple(sorted(found, key=lambda d: (kinds.index(d.kind),
                                              order.get(d.sak, 0) if d.sak else 0, d.label)))


def _shown(documents: dict[Document, Versions], public: bool) -> dict[Document, str]:
    """What each document of one set shows (a target public as it is is one for both)."""
    return {doc: next(iter(versions[public].values())).fingerprint
            for doc, versions in documents.items()
            if public in versions and not targets.named(doc[0]).public_as_is}


@dataclass
class _LeftOut:
    """A meeting's built files the site leaves out, and why."""

    withheld: list[str] = field(default_factory=list)  # they may show what is withheld
    stale: list[str] = field(default_factory=list)  # made from older sources

    def members(self, ours: dict[str, Output], hidden: bool, manifest: Manifest) -> list[Output]:
        """The members' files of a document that may go in place of its public version."""
        built = [o for o in ours.values() if manifest.has(o.name)]
        if hidden:
            self.withheld += [o.name for o in built]
            return []
        self.stale += [o.name for o in built if not manifest.made(o)]
        return [o for o in built if manifest.made(o)]


def _document_view(meeting: Meeting, target: Target, nr: str | None, files: Sequence[Output],
                   manifest: Manifest, site: Site) -> DocumentView:
    """The document's downloads, and its page: the built HTML of its text, laid out by
    templates/site/document.html.j2 (HTML first, the PDF and DOCX beside it)."""
    paths = {o.format: manifest.out / o.name for o in files}
    links = tuple(Link(name, _copy(site, meeting, paths[ext]), _size(paths[ext]))
                  for ext, name in DOWNLOADS if ext in paths)
    page = f"{meeting.folder}/{paths['html'].name}" if "html" in paths else None
    if page:
        site.texts[page] = paths["html"]
    sak = next((s for s in meeting.saker if str(s.nr) == nr), None)
    texts = meeting.lang
    label = texts(target.label, nr=sak.nr, tittel=sak.tittel) if sak else texts(target.label)
    return DocumentView(label, target.kind, sak.nr if sak else None, links, page)


def _stale(folder: str, outputs: Sequence[Output], manifest: Manifest) -> list[str]:
    """Public files of the meeting the manifest has from older sources: of today's
    documents, and of documents there are no more (such as a sak since made skjermet)."""
    today = {o.name for o in outputs}
    recorded = [o for o in manifest.recorded(folder) if o.name not in today]
    return [o.name for o in [*outputs, *recorded]
            if o.public and manifest.has(o.name) and not manifest.made(o)]


def _calendar(meeting: Meeting, outputs: Sequence[Output], manifest: Manifest,
              site: Site) -> Link | None:
    for output in outputs:
        if output.kind == CALENDAR and manifest.made(output):
            path = manifest.out / output.name
            return Link(meeting.lang("legg_møtet_i_kalenderen"), _copy(site, meeting, path),
                        _size(path))
    return None


# --- views ----------------------------------------------------------------------------------


def _anchor(nr: str) -> str:
    """A sak's id on its meeting page: "12/24" -> "sak-12-24", "V-sak 2" -> "sak-v-sak-2"."""
    return "sak-" + slug(nr)


def _day_view(meeting: Meeting, day: Day) -> DayView:
    """The day's dagsorden as the innkalling has it (agenda_lines: its rows and times)."""
    texts = meeting.lang
    rows: list[RowView] = []
    for line in innkalling.agenda_lines(day):
        tid = nbdates.clock(line.tid)
        if line.kind == "slutt":
            rows.append(RowView("slutt", tid, texts("slutt_dag", n=day.index)))
        elif line.kind == "tema":
            rows.append(RowView("tema", "", line.tittel))
        elif line.kind == "sak":
            rows.append(RowView("sak", tid, line.tittel, line.nr, _anchor(line.nr),
                                line.type or ""))
        else:
            rows.append(RowView(line.kind, tid, line.tittel))
    caption = texts("dag_dato", n=day.index, dato=texts.weekday_date(day.dato)) \
        if len(meeting.days) > 1 else texts.weekday_date(day.dato)
    return DayView(caption, tuple(rows))


def _vedlegg(repo: Repository, meeting: Meeting, item: Attachment,
             documents: dict[str, tuple[DocumentView, ...]], site: Site) -> VedleggView:
    label = f"{repo.committee.lang('vedlegg')} {item.label}"
    if item.kind == WITHHELD:  # its number, and its offentlig_tittel if it has one
        return VedleggView(label, item.tittel, None, item.skjermet)
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
            if wanted and doc.page:  # HTML first
                link = Link(item.tittel, doc.page)
                break
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
    texts = repo.committee.lang
    if referat is None:
        note = texts("referatet_er_ikke_skrevet")
    elif not vedtak:
        note = texts("referatet_har_ikke_vedtak")
    else:
        note = texts("fra_utkast_til_referat") if referat.meta.status == "utkast" else ""
    anchor = _anchor(str(sak.nr))
    return SakView(
        str(sak.nr), anchor, f"{meeting.folder}/index.html#{anchor}",
        sak.tittel, sak.type or "", sak.sakseier or "", sak.saksbehandler or "", sak.skjermet,
        sak.beskrivelse or None, sak.forslag_til_vedtak or None, vedtak or None, note,
        tuple(_vedlegg(repo, meeting, a, documents, site) for a in sak.attachments),
        meeting.innstilling(sak.nr))


def plan(repo: Repository, build_dir: Path,
         outputs: Sequence[Output] | None = None) -> tuple[Site, list[MeetingView]]:
    """What the site holds, in memory: views of every meeting and the files they link.

    outputs: every file a whole build (`nufa build --offentlig`) makes of today's sources,
    as BuildResult.outputs has them; by default planned here (rendered, not converted)."""
    if outputs is None:
        from nufa_cli.build.orchestrator import outputs_of

        outputs = outputs_of(repo)
    manifest = Manifest.read(build_dir)
    made: dict[str, list[Output]] = {}
    for output in outputs:
        made.setdefault(output.meeting, []).append(output)
    site = Site()
    public = public_view(repo)
    meetings = sorted(public.meetings, key=lambda m: m.first_day, reverse=True)
    secret = {m.folder for m in repo.meetings if has_skjermet(m, repo)}  # of the members' view
    documents = {m.folder: built_documents(public, m.folder, made.get(m.folder, []), manifest,
                                           site, m.folder in secret)
                 for m in meetings}
    views = []
    for meeting in meetings:
        views.append(MeetingView(
            meeting.folder, meeting.number, f"{meeting.folder}/index.html",
            meeting.date_range, place(public, meeting) or "",
            meeting.status, meeting.referat.meta.status if meeting.referat else None,
            documents[meeting.folder],
            any(name.startswith(f"{meeting.folder}/") for name in site.withheld),
            _calendar(meeting, made.get(meeting.folder, []), manifest, site),
            tuple(_day_view(meeting, day) for day in meeting.days),
            tuple(_sak_view(repo, meeting, sak, documents, site) for sak in meeting.saker)))
    return site, views


# --- pages ----------------------------------------------------------------------------------


def _relative(href: str, here: str) -> str:
    """A link from a page in folder `here` (of the site) to href (from the site root)."""
    if href.startswith(("https://", "http://")):
        return href
    return posixpath.relpath(href, here or ".")


def environment(texts: Catalogue | None = None) -> jinja2.Environment:
    """The site's pages in the committee's language: t("key", field=value) prints a text of
    the catalogue (escaped; a Markup field, such as a link, is kept as it is)."""
    texts = texts or builtin()
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
    env.filters["unntatt"] = lambda basis: marking(basis, texts)
    env.filters["weekday_date"] = texts.weekday_date
    env.globals["t"] = functools.partial(_text, texts)
    env.globals["lang"] = texts.language
    return env


def _text(texts: Catalogue, key: str, **fields: object) -> Markup:
    """A catalogue text as HTML: the text and its plain fields escaped, Markup fields kept."""
    kept = {name: value for name, value in fields.items() if isinstance(value, Markup)}
    marks = {name: f"\x00{i}\x00" for i, name in enumerate(kept)}
    html = str(escape(texts(key, **{**fields, **marks})))
    for name, mark in marks.items():
        html = html.replace(mark, str(kept[name]))
    return Markup(html)


def render(repo: Repository, build_dir: Path, outputs: Sequence[Output] | None = None) -> Site:
    site, meetings = plan(repo, build_dir, outputs)
    env = environment(repo.committee.lang)
    common = {"committee": repo.committee.navn, "kortnavn": repo.committee.kortnavn,
              "lang": repo.committee.lang.language}
    site.pages["index.html"] = env.get_template("index.html.j2").render(
        **common, root="", here="", current="index", meetings=meetings)
    site.pages["saker.html"] = env.get_template("saker.html.j2").render(
        **common, root="", here="", current="saker", meetings=meetings)
    for meeting in meetings:
        site.pages[f"{meeting.folder}/index.html"] = env.get_template("meeting.html.j2").render(
            **common, root="../", here=meeting.folder, current="meeting", meeting=meeting)
        for document in meeting.documents:
            if document.page:  # the text as the build made it: pandoc's, from escaped sources
                text = Markup(site.texts[document.page].read_text(encoding="utf-8"))
                site.pages[document.page] = env.get_template("document.html.j2").render(
                    **common, root="../", here=meeting.folder, current="document",
                    meeting=meeting, document=document, text=text)
    site.copies["style.css"] = builtin_templates() / "site" / "style.css"
    return site


SiteFolderTaken = FolderTaken


def write(site: Site, out: Path, root: Path, build_dir: Path,
          maler: Path | None = None) -> SiteResult:
    """Stage the whole site beside out, then swap it in: a failed run leaves the old site."""
    out = check_output_folder(out, root, [maler])
    if build_dir.resolve().is_relative_to(out):
        raise SiteFolderTaken(f"the site folder {out} would replace the built documents; "
                              f"choose e.g. {build_dir.resolve() / 'site'}")
    replace_folder(out, {**site.pages, **site.copies}, MARKER, "nufa site", "the site")
    return SiteResult(out, sorted(site.pages), sorted(site.copies), site.unbuilt,
                      site.withheld, site.stale)


def generate(repo: Repository, build_dir: Path, out: Path,
             outputs: Sequence[Output] | None = None) -> SiteResult:
    """The site of repo's meetings and the documents in build_dir, written to out.

    outputs: what a build makes of today's sources (plan()); by default planned here."""
    return write(render(repo, build_dir, outputs), out, repo.root, build_dir, repo.committee.maler)


def publish(root: Path, out: Path | None = None, *, build_first: bool = True,
            progress: Callable[[int, int, str], None] | None = None) -> tuple[list[Path], SiteResult]:
    """nufa site: build what is missing (the public set too: the site publishes it), check,
    then write the site. Returns the files the build wrote and the site's result.

    The build's result says what today's sources make, so nothing is rendered twice; the
    repository is loaded once (by the build, or here when the build had nothing to do)."""
    from nufa_cli.build.orchestrator import build
    from nufa_cli.build.targets import SITE_FORMATS
    from nufa_cli.check.validate import check
    from nufa_cli.core.errors import InvalidSources

    result = build(root, formats=SITE_FORMATS, progress=progress, offentlig=True) \
        if build_first else None
    repo = result.repository if result else None
    if repo is None:
        repo, diagnostics = check(root)
        if has_errors(diagnostics):
            raise InvalidSources(diagnostics)
    with journal.locked(root / "build", create=False):  # no build writes while it is read
        return (result.written if result else [],
                generate(repo, root / "build", out or root / "build" / "site",
                         result.outputs if result else None))
