"""Run axe-core on every page of a built site in headless Chromium: WCAG 2.1 A and AA.

    python tools/axe/axe_site.py build/site      # after `nufa site`; exit 1 on any violation

axe-core comes from npm (`npm ci` in this folder: package.json and package-lock.json pin it);
Chromium is the system's (Debian's `chromium`), never a downloaded build. The browser runs
with no network of its own and a fresh profile, and is driven over the DevTools protocol on
a pipe (--remote-debugging-pipe: JSON messages ending in NUL, commands on its fd 3, replies
on its fd 4), so nothing listens on a port. Each page is loaded from its file, axe.min.js is
evaluated in it, and axe.run() reports what breaks the WCAG 2.1 A and AA rules. The test
suite (tests/test_site_html.py) runs it on the sample's site; it skips with a message when
Chromium or axe-core is missing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.1 level A and AA
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe"]
TIMEOUT = 60.0  # seconds for one reply of the browser


def chromium() -> Path | None:
    """The system's Chromium: $CHROMIUM, else `chromium` on PATH, else /usr/bin/chromium."""
    named = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    path = Path(named)
    return path if path.is_file() and os.access(path, os.X_OK) else None


def missing() -> str | None:
    """Why axe cannot run here, or None."""
    if chromium() is None:
        return "chromium not installed (apt-get install chromium, or set CHROMIUM)"
    if not AXE.is_file():
        return f"axe-core not installed: run npm ci in {HERE}"
    return None


@dataclass(frozen=True)
class Violation:
    rule: str  # axe's rule id, e.g. color-contrast
    impact: str
    help: str
    nodes: tuple[str, ...]  # CSS selectors of the elements that break it

    def text(self) -> str:
        shown = ", ".join(self.nodes[:3]) + (" …" if len(self.nodes) > 3 else "")
        return f"{self.rule} ({self.impact}): {self.help} [{shown}]"


class BrowserError(RuntimeError):
    pass


class Browser:
    """A headless Chromium answering DevTools commands over its pipe."""

    def __init__(self, executable: Path) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="nufa-axe-profile-"))
        commands_read, self.commands = os.pipe()
        self.replies, replies_write = os.pipe()
        ends = (commands_read, replies_write)

        def fds_3_and_4() -> None:  # in the child: the ends the browser expects, inheritable
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in ends]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [str(executable), *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=fds_3_and_4,
            env={**os.environ, "HOME": str(self.profile)})
        for fd in ends:
            os.close(fd)
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, method: str, session: str) -> None:
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self.events[: i + 1]
                    return
            self.events.append(self._receive())

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.replies], [], [], max(0.0, left))
            if not ready:
                raise BrowserError(f"chromium sent nothing for {TIMEOUT:.0f} s")
            chunk = os.read(self.replies, 1 << 16)
            if not chunk:
                raise BrowserError(f"chromium closed its pipe (exit code {self.process.poll()})")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        found: dict[str, Any] = json.loads(message)
        return found

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):  # it may be gone already
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self.commands, self.replies):
            os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)


def check_pages(pages: list[Path]) -> dict[Path, list[Violation]]:
    """Each page's WCAG 2.1 A/AA violations, as axe-core finds them in Chromium."""
    executable = chromium()
    if executable is None or not AXE.is_file():
        raise BrowserError(missing() or "")
    axe = AXE.read_text(encoding="utf-8")
    options = json.dumps({"runOnly": {"type": "tag", "values": TAGS},
                          "resultTypes": ["violations"]})
    run = f"axe.run(document, {options}).then(r => JSON.stringify(r.violations))"
    browser = Browser(executable)
    found: dict[Path, list[Violation]] = {}
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"]
        browser.send("Page.enable", session=session)
        for page in pages:
            browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
            browser.wait_for("Page.loadEventFired", session)
            browser.send("Runtime.evaluate", {"expression": axe}, session=session)
            result = browser.send("Runtime.evaluate", {"expression": run, "awaitPromise": True,
                                                       "returnByValue": True}, session=session)
            if "exceptionDetails" in result:
                raise BrowserError(f"axe failed on {page}: {result['exceptionDetails']}")
            found[page] = [Violation(v["id"], str(v.get("impact")), v["help"],
                                     tuple(" ".join(n["target"]) for n in v["nodes"]))
                           for v in json.loads(result["result"]["value"])]
    finally:
        browser.close()
    return found


def check_site(site: Path) -> dict[Path, list[Violation]]:
    return check_pages(sorted(site.rglob("*.html")))


def main() -> int:
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        print("usage: python tools/axe/axe_site.py SITE_FOLDER", file=sys.stderr)
        return 2
    why = missing()
    if why:
        print(f"cannot run axe: {why}", file=sys.stderr)
        return 2
    site = Path(sys.argv[1])
    results = check_site(site)
    for page, violations in results.items():
        print(f"{page.relative_to(site)}: {len(violations)} violation(s)")
        for violation in violations:
            print(f"  {violation.text()}")
    total = sum(map(len, results.values()))
    print(f"{len(results)} page(s), {total} WCAG 2.1 A/AA violation(s) (axe-core, {', '.join(TAGS)})")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
