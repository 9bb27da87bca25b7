"""The registry of output targets (build/targets.py): a new kind of output is one declaration,
and `nufa site` renders each page once, reading what the build made."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import PLAN, FileContent, Nufa, valid_repo
from pypdf import PdfWriter

import nufa_cli.check.validate
import nufa_cli.render.renderer
from nufa_cli.build import targets, work
from nufa_cli.build.targets import Target
from nufa_cli.core.output import MANIFEST, digest
from nufa_cli.model.objects import Meeting
from nufa_cli.publish.site import publish

Files = dict[str, FileContent]


def notice(target: Target, planning: work.Planning, view: work.View, meeting: Meeting,
           formats: tuple[str, ...]) -> Iterator[work.Piece]:
    """A toy target: one small "PDF" per meeting, naming its number and place."""
    text = f"%PDF-1.7\n% {meeting.number} {meeting.sted}\n".encode()
    yield work.Made(tuple(work.output(target, view, meeting, None, fmt, digest(text),
                                      digest("notice", text)) for fmt in formats), text)


NOTICE = Target("notice", ("pdf",), notice, label="møter")  # a text of the catalogue: "Møter"


@pytest.fixture
def with_notice(monkeypatch: pytest.MonkeyPatch) -> Target:
    monkeypatch.setattr(targets, "TARGETS", (*targets.TARGETS, NOTICE))
    return NOTICE


def test_a_new_kind_is_one_declaration(with_notice: Target, make_repo: Callable[[Files], Path],
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(valid_repo())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714000000")
    # --only knows it, and it is built in the members' set and the public one
    code, out, err = Nufa(monkeypatch, capsys)("build", "--only", "notice", "--offentlig",
                              cwd=root)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "wrote build/2024-01-24/notice.pdf", "wrote build/2024-01-24/offentlig/notice.pdf",
        "wrote build/2024-04-24/notice.pdf", "wrote build/2024-04-24/offentlig/notice.pdf",
        "Built 4 file(s), 0 unchanged."]
    assert (root / "build" / "2024-04-24" / "notice.pdf").read_bytes() == \
        b"%PDF-1.7\n% 2/24 Scandic Ishavshotel, Troms\xc3\xb8\n"
    # the manifest records what each file is
    manifest = json.loads((root / "build" / MANIFEST).read_text(encoding="utf-8"))
    entry = manifest["2024-04-24/offentlig/notice.pdf"]
    assert {k: entry[k] for k in ("kind", "meeting", "sak", "format", "public")} == {
        "kind": "notice", "meeting": "2024-04-24", "sak": None, "format": "pdf", "public": True}
    # its formats are declared: asking for DOCX only builds nothing of it
    code, _, err = Nufa(monkeypatch, capsys)("build", "--only", "notice", "--format", "docx")
    assert (code, err) == (2, "error: notice is PDF only; add --format pdf or leave out --format\n")
    # an unknown kind is told the registry's kinds, the new one too
    code, _, err = Nufa(monkeypatch, capsys)("build", "--only", "nosuch")
    flat = " ".join(err.replace("│", " ").split())  # out of its box, on one line
    assert code == 2 and f"choose from {', '.join(targets.kinds())}" in flat
    assert targets.kinds()[-1] == "notice"
    # and the site lists it, under its label, from the public set
    code, out, err = Nufa(monkeypatch, capsys)("site", "--no-build")
    assert code == 0, err
    page = (root / "build" / "site" / "2024-04-24" / "index.html").read_text(encoding="utf-8")
    assert '<span class="document">Møter</span>' in page
    assert '<a href="notice.pdf">PDF</a>' in page
    assert (root / "build" / "site" / "2024-04-24" / "notice.pdf").read_bytes() == \
        (root / "build" / "2024-04-24" / "offentlig" / "notice.pdf").read_bytes()


class Counted:
    """How often the sources are loaded and a template rendered, through the real code."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.renders = self.loads = 0
        render = nufa_cli.render.renderer.Renderer.render
        load = nufa_cli.check.validate.load

        def counted_render(renderer: nufa_cli.render.renderer.Renderer, template: str,
                           **context: object) -> str:
            self.renders += 1
            return render(renderer, template, **context)

        def counted_load(root: Path):  # type: ignore[no-untyped-def]
            self.loads += 1
            return load(root)

        monkeypatch.setattr(nufa_cli.render.renderer.Renderer, "render", counted_render)
        monkeypatch.setattr(nufa_cli.check.validate, "load", counted_load)

    def take(self) -> tuple[int, int]:
        taken = (self.renders, self.loads)
        self.renders = self.loads = 0
        return taken


@pytest.mark.render
def test_the_site_renders_each_page_once(make_repo: Callable[[Files], Path],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Each document once in each set (the members' and the public one) and each packet's
    own innkalling (its saksliste links to the vedlegg) once: what the build renders. The site
    takes what the build made from it, and loads the sources once."""
    from nufa_cli.check.validate import check
    from nufa_cli.render.documents import meeting_documents
    from nufa_cli.render.renderer import Renderer

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    plan = io.BytesIO()
    writer.write(plan)
    root = make_repo(valid_repo() | {PLAN: plan.getvalue()})  # the packet reads the vedlegg
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714000000")
    repo, _ = check(root)
    documents = sum(len(meeting_documents(repo, m, Renderer(repo))) for m in repo.meetings)
    # innkalling, saksliste, referat and 3 saksutskrifter; innkalling, saksliste, toppnotat
    assert documents == 9
    pages = 2 * (documents + len(repo.meetings))

    counted = Counted(monkeypatch)
    written, site = publish(root)
    assert counted.take() == (pages, 1)
    # DOCX, PDF and the site's HTML; packets; .ics
    assert len(written) == 2 * 3 * documents + 3 * len(repo.meetings)
    assert site.withheld == [] and site.stale == [] and site.unbuilt == []
    published = sorted(site.files)

    written, site = publish(root)  # nothing changed: the build recalls, the site renders nothing
    assert (written, counted.take()) == ([], (0, 1))
    assert sorted(site.files) == published

    _, site = publish(root, build_first=False)  # the site plans what the build would make
    assert counted.take() == (pages, 1)
    assert sorted(site.files) == published
