"""Diagnostics and the one exception base that the CLI catches."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from nufa_cli.core import codes
from nufa_cli.core.codes import Severity as Severity  # re-exported: the rest of nufa imports it from here

# C0 and C1 controls (ESC starts a terminal's escape sequences) and the bidirectional
# overrides that reorder what a terminal shows; a newline only where a message has lines.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_NEWLINE = re.compile(_CONTROL.pattern[:-1] + r"\n]")
# a table's own layout (nufa list: CSV rows end in CR LF) kept: tab and the line ends
_CONTROL_BUT_LAYOUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def quoted(text: str, *, lines: bool = False, table: bool = False) -> str:
    """Text from the sources made safe for a terminal: each control character as \\xNN or
    \\uNNNN, so what a file holds cannot clear the screen or forge a line of output.
    lines: newlines kept; table: tabs and line ends (CR, LF) kept too."""
    def escape(match: re.Match[str]) -> str:
        code = ord(match[0])
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    pattern = _CONTROL_BUT_LAYOUT if table else _CONTROL if lines else _CONTROL_OR_NEWLINE
    return pattern.sub(escape, text)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one source file, located like a compiler message."""

    path: str  # relative to the repository root, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the whole file
    col: int  # 1-based; 0 when unknown
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        codes.lookup(self.code)  # UnknownCode: every code is declared in core/codes.py

    def location(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{max(self.col, 1)}"

    def text(self) -> str:
        head = f"{quoted(self.location())}: {self.severity}[{self.code}]: {quoted(self.message)}"
        return f"{head}\n  hint: {quoted(self.hint)}" if self.hint else head

    def github(self) -> str:
        """A GitHub Actions workflow command: an annotation on the changed line."""
        kind = "error" if self.severity is Severity.ERROR else "warning"
        props = [f"file={_gh_escape(self.path, prop=True)}"]
        if self.line > 0:
            props.append(f"line={self.line}")
            if self.col > 0:
                props.append(f"col={self.col}")
        props.append(f"title={_gh_escape(self.code, prop=True)}")
        body = self.message + (f" Hint: {self.hint}" if self.hint else "")
        return f"::{kind} {','.join(props)}::{_gh_escape(body)}"

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "severity": str(self.severity)}


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_diagnostics(diagnostics: Iterable[Diagnostic], fmt: str) -> str:
    items = sorted(diagnostics)
    if fmt == "json":
        return json.dumps([d.as_dict() for d in items], ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(d.github() for d in items)
    return "\n".join(d.text() for d in items)


def has_errors(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    return any(strict or d.severity is Severity.ERROR for d in diagnostics)


class NufaError(Exception):
    """Base of every error nufa reports to a user. The CLI catches this, never prints a traceback."""

    exit_code = 1

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = tuple(diagnostics)


class RepositoryNotFound(NufaError):
    exit_code = 2

    def __init__(self, start: Path) -> None:
        super().__init__(
            f"no nufa repository at or above {start} (looked for nufa.yaml or meetings/); "
            "run nufa inside a repository or pass its path"
        )


class InvalidSources(NufaError):
    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        diagnostics = tuple(diagnostics)
        count = sum(d.severity is Severity.ERROR for d in diagnostics)
        super().__init__(f"{count} error(s) in the sources; nothing was written", diagnostics)
