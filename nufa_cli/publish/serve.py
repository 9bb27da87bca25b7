"""`nufa serve`: a local preview that rebuilds on every save and reloads its pages.

A watcher polls the sources' modification times (stdlib only, the same on every system);
on a change it refreshes the preview (preview.py). Every page carries a bar that listens
to the server's events (server-sent events, `_nufa/events`) and reloads the page when
what the preview shows has changed; while the sources are invalid the bar lists the
diagnostics, with file and line, over the last good pages.

The server listens on 127.0.0.1 only and answers only requests addressed to 127.0.0.1 or
localhost (so a web page elsewhere cannot reach it through a DNS name pointing here). It
serves the site folder, the members' pages (in memory), the built files the manifest
records and its own two paths, nothing else: a path is looked up among those, and a path
in the site folder must resolve inside it, no part of it hidden or climbing out.
"""

from __future__ import annotations

import json
import mimetypes
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from nufa_cli.core.errors import NufaError
from nufa_cli.core.root import SOURCE_PATHS
from nufa_cli.publish import site as sitegen
from nufa_cli.publish.preview import FILES, MEMBERS, Preview, Snapshot, problems

HOST = "127.0.0.1"
LOCAL_NAMES = {"127.0.0.1", "localhost"}
EVENTS = "_nufa/events"
STATE = "_nufa/status"  # the preview's state as JSON
POLL = 0.25  # seconds between two looks at the sources
SETTLE = 0.05  # a save may write several files: look again until nothing moves
KEEPALIVE = 15.0  # seconds between comments on an idle event stream

Reporter = Callable[[Snapshot, float], None]  # after each refresh: what it shows, how long it took


class PortTaken(NufaError):
    exit_code = 2


def source_stamp(root: Path, extra: Sequence[Path] = ()) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of every source file and committee template: what a save changes."""
    found = []
    for base in (*(root / name for name in SOURCE_PATHS), *extra):
        for path in _files(base):
            try:
                info = path.stat()
            except OSError:  # removed while we looked: the next look sees it gone
                continue
            found.append((path.as_posix(), info.st_mtime_ns, info.st_size))
    return tuple(sorted(found))


def _files(base: Path) -> Iterator[Path]:
    if base.is_file():
        yield base
    elif base.is_dir():
        yield from (p for p in base.rglob("*") if p.is_file())


class PreviewServer:
    """The preview's HTTP server and its watcher; a context manager (start, then stop)."""

    def __init__(self, root: Path, port: int = 8000, *, poll: float = POLL,
                 report: Reporter | None = None) -> None:
        self.preview = Preview(root)
        self._poll = poll
        self._report = report
        self._stop = threading.Event()
        try:
            self._http = _Server((HOST, port), _Handler)
        except OSError as error:
            raise PortTaken(f"cannot listen on {HOST}:{port}: {error.strerror}; "
                            "choose another port with --port") from error
        self._http.preview = self.preview
        self._http.bars = {}
        self._threads = [threading.Thread(target=self._http.serve_forever, name="nufa-http"),
                         threading.Thread(target=self._watch, name="nufa-watch")]

    @property
    def port(self) -> int:
        return int(self._http.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def __enter__(self) -> PreviewServer:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait(self) -> None:
        """Block until stopped; Ctrl-C (KeyboardInterrupt) comes through at once."""
        while not self._stop.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop watching (a refresh under way finishes: the build is all or nothing), end
        the event streams, the server and the pandoc worker."""
        self._stop.set()
        self.preview.wake()
        watcher = self._threads[1]
        if watcher.is_alive():
            watcher.join()
        if self._threads[0].is_alive():
            self._http.shutdown()
            self._threads[0].join()
        self._http.server_close()
        self.preview.close()

    def _watch(self) -> None:
        stamp: tuple[tuple[str, int, int], ...] | None = None
        while not self._stop.is_set():
            now = self._settled()
            if now != stamp:
                stamp = now
                self._refresh()
            self._stop.wait(self._poll)

    def _settled(self) -> tuple[tuple[str, int, int], ...]:
        extra = self.preview.watched
        stamp = source_stamp(self.preview.root, extra)
        for _ in range(20):
            time.sleep(SETTLE)
            again = source_stamp(self.preview.root, extra)
            if again == stamp:
                break
            stamp = again
        return stamp

    def _refresh(self) -> None:
        started = time.monotonic()
        try:
            snapshot = self.preview.refresh()
        except Exception as exc:  # a bug must not end the preview: it is shown, serving goes on
            snapshot = self.preview.fail(f"internal error: {type(exc).__name__}: {exc}")
        if self._report:
            self._report(snapshot, time.monotonic() - started)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream does not hold up the stop
    preview: Preview
    bars: dict[tuple[int, bool], str]  # the bar of each state, rendered once


def request_path(raw: str) -> str | None:
    """The path of a request relative to the preview's root ("" is the front page), or None
    when it is none the preview can have: a part hidden (.git, .nufa-cache), '.', '..',
    empty, or holding a backslash or NUL."""
    path = unquote(urlsplit(raw).path)
    if not path.startswith("/") or "\\" in path or "\0" in path:
        return None
    parts = path[1:].split("/")
    if any(not part for part in parts[:-1]) or any(p.startswith(".") for p in parts):
        return None
    rel = "/".join(parts)
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def _local_host(header: str, port: int) -> bool:
    name, _, given = header.strip().rpartition(":") if ":" in header else (header.strip(), "", "")
    return name.lower() in LOCAL_NAMES and given in ("", str(port))


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "nufa-serve"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal shows the rebuilds, not every request."""

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        if not _local_host(self.headers.get("Host", ""), self.server.server_address[1]):
            self._send(403, b"nufa serve answers only to 127.0.0.1 and localhost\n",
                       "text/plain; charset=utf-8", head)
            return
        rel = request_path(self.path)
        snapshot = self.server.preview.snapshot
        if rel == EVENTS:
            self._events()
        elif rel == STATE:
            self._send(200, _status(snapshot).encode(), "application/json", head)
        elif rel is not None and rel.startswith(f"{MEMBERS}/") and rel in snapshot.pages:
            self._page(200, snapshot.pages[rel], snapshot, head)
        elif rel is not None and rel.startswith(f"{FILES}/") and rel in snapshot.files:
            self._file(snapshot.files[rel], snapshot, head)
        elif rel is not None and (found := _in_site(snapshot.site, rel)) is not None:
            self._file(found, snapshot, head)
        else:
            page = sitegen.environment().get_template("preview-missing.html.j2").render(
                committee="nufa serve", kortnavn="nufa serve", root="/", here="", current="",
                busy=snapshot.busy or snapshot.site is None)
            self._page(404, page, snapshot, head)

    def _file(self, path: Path, snapshot: Snapshot, head: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError:  # replaced by a rebuild between lookup and reading: try once more
            self._send(503, b"rebuilding; try again\n", "text/plain; charset=utf-8", head)
            return
        if path.suffix == ".html":
            self._page(200, data.decode("utf-8"), snapshot, head)
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self._send(200, data, kind, head)

    def _page(self, code: int, html: str, snapshot: Snapshot, head: bool) -> None:
        bar = self._bar(snapshot)  # above the main content, after the skip link and the menu
        at = html.find("<main")
        shown = html[:at] + bar + html[at:] if at >= 0 else bar + html
        self._send(code, shown.encode("utf-8"), "text/html; charset=utf-8", head)

    def _bar(self, snapshot: Snapshot) -> str:
        key = (snapshot.generation, snapshot.busy)
        if key not in self.server.bars:
            self.server.bars[key] = sitegen.environment().get_template(
                "preview-bar.html.j2").render(
                generation=snapshot.generation, busy=snapshot.busy, problem=snapshot.problem,
                diagnostics=problems(snapshot), warnings=snapshot.warnings,
                members=f"/{MEMBERS}/index.html",
                events=f"/{EVENTS}")
        return self.server.bars[key]

    def _send(self, code: int, data: bytes, kind: str, head: bool) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _events(self) -> None:
        """The preview's generation and busy flag, now and whenever they change."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        preview = self.server.preview
        snapshot = preview.snapshot
        sent: tuple[int, bool] | None = None
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while not preview.closing:
                state = (snapshot.generation, snapshot.busy)
                if state != sent:
                    self.wfile.write(f"event: status\ndata: {_status(snapshot)}\n\n".encode())
                    sent = state
                else:
                    self.wfile.write(b": idle\n\n")
                self.wfile.flush()
                snapshot = preview.wait(*state, timeout=KEEPALIVE)
        except (BrokenPipeError, ConnectionResetError):  # the page went away
            return


def _status(snapshot: Snapshot) -> str:
    problem = snapshot.problem
    return json.dumps({
        "generation": snapshot.generation, "busy": snapshot.busy, "ok": problem is None,
        "problems": [d.text() for d in problems(snapshot)],
        "message": problem.message if problem else "",
    }, ensure_ascii=False)


def _in_site(site: Path | None, rel: str) -> Path | None:
    """The site's file at rel, if it lies inside the site folder and is a file."""
    if site is None:
        return None
    folder = site.resolve()
    try:
        path = (folder / rel).resolve()
    except (OSError, ValueError):
        return None
    return path if path.is_relative_to(folder) and path.is_file() else None


__all__ = ["EVENTS", "HOST", "STATE", "PortTaken", "PreviewServer", "request_path",
           "source_stamp"]
