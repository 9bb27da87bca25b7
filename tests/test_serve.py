"""`nufa serve`: a real preview on loopback, real builds (pandoc and typst), real HTTP.

One server for the module (a build takes seconds): its pages, the members' documents, the
built files; an edit seen through the event stream; a broken source shown with file:line,
then fixed; paths that try to leave the served folders; other hosts refused. A subprocess
for Ctrl-C: a clean stop, exit 0, no pandoc worker left.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import AGENDA2, PLAN, TOPPNOTAT, line_of, replace_once, valid_repo, write_repo
from pypdf import PdfWriter

from nufa_cli.publish.serve import PreviewServer, request_path

pytestmark = pytest.mark.e2e  # a server, real builds, HTTP, a nufa process for Ctrl-C
TIMEOUT = 90.0  # seconds a refresh may take on a loaded machine (it takes one or two)


def one_page_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    data = io.BytesIO()
    writer.write(data)
    return data.getvalue()


def make_root(folder: Path) -> Path:
    return write_repo(folder, valid_repo() | {PLAN: one_page_pdf()})  # the packet reads it


class Events:
    """The server's event stream, read in a thread: every status it sent, with its time."""

    def __init__(self, port: int) -> None:
        self.seen: list[tuple[float, dict[str, object]]] = []
        self._changed = threading.Condition()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        connection.request("GET", "/_nufa/events")
        self._socket = connection.sock  # shut down at the end: that ends the reading at once
        self._response = connection.getresponse()
        assert self._response.headers["Content-Type"] == "text/event-stream"
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self._response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("data: "):
                    with self._changed:
                        self.seen.append((time.monotonic(), json.loads(line[6:])))
                        self._changed.notify_all()
        except (OSError, ValueError):  # closed at the end of the test
            return

    def latest(self) -> dict[str, object]:
        with self._changed:
            self._changed.wait_for(lambda: bool(self.seen), TIMEOUT)
            return self.seen[-1][1]

    def settled_after(self, generation: int) -> tuple[float, dict[str, object]]:
        """The first status past generation with no refresh running: (when, status)."""
        def done() -> bool:
            return any(int(s["generation"]) > generation and not s["busy"] for _, s in self.seen)

        with self._changed:
            assert self._changed.wait_for(done, TIMEOUT), self.seen
            return next((t, s) for t, s in self.seen
                        if int(s["generation"]) > generation and not s["busy"])

    def first_after(self, generation: int) -> float:
        with self._changed:
            return next(t for t, s in self.seen if int(s["generation"]) > generation)

    def close(self) -> None:
        self._socket.shutdown(socket.SHUT_RDWR)


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def text(url: str) -> str:
    status, _, body = get(url)
    assert status == 200, (url, status)
    return body.decode("utf-8")


def wait_for_ready(url: str) -> dict[str, object]:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            status = json.loads(text(url + "_nufa/status"))
        except (OSError, AssertionError):
            status = {}
        if status.get("generation") and not status.get("busy"):
            return status
        time.sleep(0.1)
    raise AssertionError("the preview never finished its first refresh")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreviewServer]:
    root = make_root(tmp_path_factory.mktemp("serve") / "repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1714000000")
        with PreviewServer(root, 0, poll=0.05) as running:
            status = wait_for_ready(running.url)
            assert status["ok"], status
            yield running


def test_it_listens_on_loopback_only(server: PreviewServer) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}/"
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    connection.request("GET", "/index.html", headers={"Host": "evil.example"})
    refused = connection.getresponse()
    assert refused.status == 403
    assert b"answers only to 127.0.0.1 and localhost" in refused.read()
    connection.request("GET", "/index.html", headers={"Host": f"localhost:{server.port}"})
    assert connection.getresponse().status == 200


def test_the_site_the_members_pages_and_the_files(server: PreviewServer) -> None:
    url = server.url
    front = text(url)
    assert "Møter i NUFA" in front and 'id="nufa-preview"' in front
    assert "Forhåndsvisning fra nufa serve" in front
    # no outside assets: every script, style sheet and image is the preview's own
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', front)
    meeting = text(url + "2024-04-24/index.html")
    assert "Digitalisering av Den offentlige tannhelsetjenesten" in meeting
    index = text(url + "_medlemmer/")
    assert "Medlemsversjon" in index
    assert 'href="/_medlemmer/2024-04-24/toppnotat-5-24.html"' in index
    assert 'href="/_build/2024-04-24/sakspapirer.pdf"' in index
    page = text(url + "_medlemmer/2024-04-24/toppnotat-5-24.html")
    assert "Medlemsversjon" in page and "også det som er skjermet" in page
    assert "Over 1,5 millioner nordmenn" in page
    assert "Statistisk sentralbyrå, 2023." in page  # the footnote, as pandoc's html writes it
    assert 'href="/_build/2024-04-24/toppnotat-5-24.pdf"' in page
    assert page.count("<h1>") == 1  # the document's title, as the site's pages have it
    # the site's own page of the public document, as nufa site writes it
    public = text(url + "2024-04-24/toppnotat-5-24.html")
    assert "Over 1,5 millioner nordmenn" in public and "Medlemsversjon" not in public
    status, kind, pdf = get(url + "_build/2024-04-24/toppnotat-5-24.pdf")
    assert (status, kind) == (200, "application/pdf") and pdf.startswith(b"%PDF-")
    status, _, docx = get(url + "_build/2024-04-24/toppnotat-5-24.docx")
    assert status == 200 and docx.startswith(b"PK")
    status, kind, _ = get(url + "style.css")
    assert (status, kind) == (200, "text/css")


@pytest.mark.parametrize("path", [
    "/../nufa.yaml", "/%2e%2e/nufa.yaml", "/..%2fnufa.yaml", "/2024-04-24/..%2f..%2f..%2fnufa.yaml",
    "/_build/../../nufa.yaml", "/_build/%2e%2e/%2e%2e/medlemmer.yaml", "/_build/.nufa-manifest.json",
    "/_build/.nufa-cache/last-build.json", "/.nufa-site", "/_medlemmer/../../medlemmer.yaml",
    "//etc/passwd", "/%2fetc%2fpasswd", "/..\\..\\nufa.yaml", "/index.html%00.pdf",
    "/_build/2024-04-24", "/../build/2024-04-24/toppnotat-5-24.pdf",
])
def test_no_path_leaves_the_served_folders(server: PreviewServer, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    connection.request("GET", path)  # sent as written: http.client does not tidy the path
    response = connection.getresponse()
    body = response.read()
    assert response.status == 404, path
    assert b"sted:" not in body and b"root:" not in body and b"kortnavn:" not in body


def test_a_symbolic_link_in_the_site_folder_is_not_followed(server: PreviewServer) -> None:
    site = server.preview.snapshot.site
    assert site is not None
    link = site / "lenke.yaml"
    link.symlink_to(server.preview.root / "nufa.yaml")
    try:
        assert get(server.url + "lenke.yaml")[0] == 404
    finally:
        link.unlink()


@pytest.mark.unit
def test_request_paths() -> None:
    assert request_path("/") == "index.html"
    assert request_path("/2024-04-24/") == "2024-04-24/index.html"
    assert request_path("/saker.html?q=1#x") == "saker.html"
    assert request_path("/a%20b.pdf") == "a b.pdf"
    for bad in ("/../x", "/a/../x", "/a//b", "/.git/config", "x", "/a\\b", "/a%00b"):
        assert request_path(bad) is None, bad


def test_an_edit_is_built_and_the_page_told_to_reload(server: PreviewServer) -> None:
    events = Events(server.port)
    try:
        before = int(events.latest()["generation"])
        toppnotat = server.preview.root / TOPPNOTAT
        started = time.monotonic()
        toppnotat.write_text(replace_once(toppnotat.read_text(encoding="utf-8"),
                                          "Styringsgruppa kommer tilbake til NUFA.",
                                          "Styringsgruppa kommer tilbake i juni."), encoding="utf-8")
        settled, status = events.settled_after(before)
        assert status["ok"], status
        shown = events.first_after(before) - started
        print(f"edit to reload: members' page {shown:.2f} s, every file {settled - started:.2f} s")
        assert shown < 10  # the members' page: check, render, one pandoc conversion
        page = text(server.url + "_medlemmer/2024-04-24/toppnotat-5-24.html")
        assert "kommer tilbake i juni." in page and "tilbake til NUFA" not in page
        built = server.preview.root / "build/2024-04-24/toppnotat-5-24.pdf"
        assert built.stat().st_mtime > started - 1
        # a save that changes no content is no new generation: the page is not reloaded
        generation = int(status["generation"])
        toppnotat.touch()
        time.sleep(1.5)
        assert int(events.latest()["generation"]) == generation
    finally:
        events.close()


def test_a_broken_source_is_shown_with_file_and_line_then_fixed(server: PreviewServer) -> None:
    root = server.preview.root
    agenda = root / AGENDA2
    good = agenda.read_text(encoding="utf-8")
    broken = replace_once(good, "        varighet: 45\n", "        varighet: 45\n        varihet: 5\n")
    line = line_of(broken, "varihet: 5")
    member_page = server.url + "_medlemmer/2024-04-24/toppnotat-5-24.html"
    last_good = text(member_page)
    events = Events(server.port)
    try:
        before = int(events.latest()["generation"])
        agenda.write_text(broken, encoding="utf-8")
        _, status = events.settled_after(before)
        assert not status["ok"]
        assert any(p.startswith(f"{AGENDA2}:{line}:") for p in status["problems"]), status
        page = text(server.url + "2024-04-24/index.html")
        assert "Byggingen stoppet med feil" in page
        assert f"<code>{AGENDA2}:{line}:9</code>" in page
        assert "varihet" in page
        assert "Over 1,5 millioner" in text(member_page)  # the last good build, meanwhile
        assert text(member_page).replace(_bar(text(member_page)), "") == \
            last_good.replace(_bar(last_good), "")
        broken_generation = int(status["generation"])
        agenda.write_text(good, encoding="utf-8")
        _, status = events.settled_after(broken_generation)
        assert status["ok"] and status["problems"] == []
        assert "Byggingen stoppet" not in text(server.url + "2024-04-24/index.html")
    finally:
        events.close()


def _bar(page: str) -> str:
    """The preview's bar (it changes with every generation) cut out of a page."""
    start = page.index("<style>\n#nufa-preview")
    end = page.index("</script>", start) + len("</script>\n")
    return page[start:end]


def test_a_taken_port_is_reported(server: PreviewServer, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "nufa_cli.cli", "serve", "--port", str(server.port),
                           "--repo", str(server.preview.root)],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{server.port}" in done.stderr
    assert "choose another port with --port" in done.stderr
    assert "Traceback" not in done.stderr


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_stops_it_cleanly(tmp_path: Path, stop: signal.Signals) -> None:
    root = make_root(tmp_path / "repo")
    process = subprocess.Popen(
        [sys.executable, "-m", "nufa_cli.cli", "serve", "--port", "0", "--repo", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1714000000"})
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert found, first
        wait_for_ready(found[0])
        workers = _children(process.pid)
        assert workers, "the members' pages keep a pandoc worker"
        os.killpg(process.pid, stop)  # as Ctrl-C in a terminal: the whole group
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err and "internal error" not in err
    assert out.endswith("Stopped.\n")
    time.sleep(0.5)
    assert not [pid for pid in workers if _alive(pid)]
