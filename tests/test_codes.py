"""The registry of diagnostic codes (nufa_cli/core/codes.py) is the only place a code exists.

A code raised without its declaration fails twice: Diagnostic refuses it when it is made,
and the scan below finds its literal in the package's source before any test raises it.
tests/test_check_rules.py shows every declared code raised by a broken repository.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
from helpers import Nufa

from nufa_cli.core import codes
from nufa_cli.core.codes import Edit, Severity, UnknownCode
from nufa_cli.core.errors import Diagnostic

PACKAGE = Path(__file__).resolve().parents[1] / "nufa_cli"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "diagnostics.md"


# -- a code must be declared to be raised ----------------------------------------------------

def test_diagnostic_refuses_an_undeclared_code() -> None:
    with pytest.raises(UnknownCode) as refused:
        Diagnostic("meetings/2024-04-24/agenda.yaml", 29, 14, "time-overlp", "overlap")
    assert str(refused.value) == "unknown diagnostic code 'time-overlp'; did you mean 'time-overlap'?"


def test_diagnostic_takes_a_declared_code() -> None:
    found = Diagnostic("agenda.yaml", 1, 1, "time-overlap", "overlap")
    assert found.text() == "agenda.yaml:1:1: error[time-overlap]: overlap"


def _code_params(trees: dict[Path, ast.Module]) -> dict[str, set[int]]:
    """Callable name -> positions of its parameter or dataclass field named `code`; a class's
    __init__ is called by the class's name."""
    found: dict[str, set[int]] = {}

    def add(name: str, names: list[str]) -> None:
        if "code" in names:
            found.setdefault(name, set()).add(names.index("code"))

    def params(node: ast.FunctionDef) -> list[str]:
        names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        return names[1:] if names[:1] in (["self"], ["cls"]) else names

    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                add(node.name, [s.target.id for s in node.body
                                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)])
                for init in node.body:
                    if isinstance(init, ast.FunctionDef) and init.name == "__init__":
                        add(node.name, params(init))
            elif isinstance(node, ast.FunctionDef) and node.name != "__init__":
                add(node.name, params(node))
    return found


def _literals(node: ast.AST | None) -> list[ast.Constant]:
    """The string constants an expression can evaluate to: "a", x if y else "b", {"a", "b"}."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.Set | ast.List | ast.Tuple):
        return [c for e in node.elts for c in _literals(e)]
    return []


def _is_code(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "code") or (
        isinstance(node, ast.Attribute) and node.attr == "code")


def code_literals(package: Path = PACKAGE) -> list[tuple[str, int, str]]:
    """(file, line, text) of every string literal the package passes or compares as a code:
    an argument to a parameter or field named `code`, a value assigned to `code`, a value
    compared with `x.code`. The declarations in core/codes.py are not uses."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(package.rglob("*.py"))}
    params = _code_params(trees)
    found: list[ast.Constant] = []
    where: dict[int, Path] = {}
    for path, tree in trees.items():
        if path == package / "core" / "codes.py":
            continue
        before = len(found)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else (
                    func.attr if isinstance(func, ast.Attribute) else "")
                for index in params.get(name, ()):
                    if index < len(node.args):
                        found += _literals(node.args[index])
                found += [c for k in node.keywords if k.arg == "code" for c in _literals(k.value)]
            elif isinstance(node, ast.Assign) and any(_is_code(t) for t in node.targets):
                found += _literals(node.value)
            elif isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if any(_is_code(side) for side in sides):
                    found += [c for side in sides for c in _literals(side)]
        for constant in found[before:]:
            where[id(constant)] = path
    return sorted({(where[id(c)].relative_to(package.parent).as_posix(), c.lineno, c.value)
                   for c in found})


def test_every_code_literal_in_the_package_is_declared() -> None:
    found = code_literals()
    assert [f"{path}:{line}: '{text}'" for path, line, text in found
            if text not in codes.REGISTRY] == []
    # the scan sees every declared code where it is raised: none is declared and never used
    assert {text for _, _, text in found} == set(codes.REGISTRY)


def test_the_scan_finds_an_undeclared_code(tmp_path: Path) -> None:
    """The scan can fail: a copy of the package raising an undeclared code is caught, at the
    line that raises it, through a helper that passes its `code` on."""
    copy = tmp_path / "nufa_cli"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    rules = copy / "check" / "validate.py"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text + "\n\ndef _late(source):\n"
                     "    return source.diagnostic((), 'time-overlpa', 'never declared')\n",
                     encoding="utf-8")
    line = text.count("\n") + 4
    assert [f for f in code_literals(copy) if f[2] not in codes.REGISTRY] == [
        ("nufa_cli/check/validate.py", line, "time-overlpa")]


# -- the declarations -----------------------------------------------------------------------

@pytest.mark.parametrize("code", codes.CODES, ids=lambda c: c.code)
def test_declaration_is_complete(code: codes.Code) -> None:
    assert re.fullmatch(r"[a-zæøå]+(-[a-zæøå]+)*", code.code)
    assert code.title and "\n" not in code.title and not code.title.endswith(".")
    assert code.title[0].isupper() or code.title.startswith("skjermet")
    for text in (code.explanation, code.fix):
        assert text.strip() and text.rstrip().endswith(".")
    assert code.example.strip()


def test_edit_policies_hold_back_what_they_say() -> None:
    """Who may go on past an error: (dropped, renumbering) -> allowed, per policy."""
    table = {policy: [policy.allows(dropped=dropped, renumbering=renumbering)
                      for dropped in (False, True) for renumbering in (False, True)]
             for policy in Edit}
    assert table == {
        Edit.PROCEED: [True, True, True, True],
        Edit.REFUSE: [False, False, False, False],
        Edit.REFUSE_IF_DROPPED: [True, True, False, False],
        Edit.RENUMBER: [False, True, False, True],
    }


def test_edit_policies_of_the_codes_edits_depend_on() -> None:
    def having(policy: Edit) -> set[str]:
        return {c.code for c in codes.CODES if c.edit is policy}

    assert having(Edit.RENUMBER) == {"sak-sequence", "sak-duplicate", "sak-year", "toppnotat-sak",
                                     "referat-unknown-sak"}
    assert having(Edit.REFUSE_IF_DROPPED) == {"missing-field", "invalid-value", "wrong-type",
                                              "unknown-key"}
    assert having(Edit.REFUSE) == {
        "yaml-syntax", "yaml-alias", "yaml-key", "duplicate-key", "front-matter", "encoding",
        "unreadable", "binary-file", "file-too-large", "file-missing", "toppnotat-path",
        "toppnotat-missing", "toppnotat-reused", "numbering-format"}
    assert all(c.severity is Severity.ERROR for c in codes.CODES if c.edit is not Edit.PROCEED)


# -- nufa explain -----------------------------------------------------------------------------

TIME_OVERLAP = '''\
# time-overlap

A row starts before the row above it ends.

Severity: error.

Edit commands: nufa new, nufa renumber and nufa referat go ahead despite it.

## What it means

A row with a `varighet` ends that many minutes after it starts, and the next row may not
start before then: the two would take place at once. A sak's `innslag` lie inside the
sak.

## Example

In `meetings/2024-04-24/agenda.yaml`:

```yaml
      - sak: 12/24
        tid: "11:05"
        varighet: 55
        toppnotat: toppnotater/12-24-tannhelse.md
      - tid: "11:55"
        tittel: Pause
```

## Fix

Shorten the row before (its `varighet`), or move this row to when it ends.
'''


@pytest.fixture
def nufa(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path):
    """nufa through its real entry point, outside any repository: explain needs none."""
    def run(*args: str) -> tuple[int, str, str]:
        return Nufa(monkeypatch, capsys)(*args, cwd=tmp_path)

    return run


def test_explain_a_code(nufa) -> None:
    assert nufa("explain", "time-overlap") == (0, TIME_OVERLAP, "")


def test_explain_a_code_an_edit_cannot_pass(nufa) -> None:
    code, out, err = nufa("explain", "sak-sequence")
    assert (code, err) == (0, "")
    assert ("Edit commands: nufa renumber runs and repairs it; nufa new and nufa referat refuse "
            "until\nthe numbers are in order.\n") in out


def test_explain_lists_every_code_with_its_title(nufa) -> None:
    code, out, err = nufa("explain")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:2] == ["file-too-large          error    A source file is larger than 2 MiB",
                         "unreadable              error    A source file cannot be read"]
    assert "toppnotat-unused        warning  A toppnotat that no sak points to" in lines
    assert [line.split()[0] for line in lines[:-2]] == [c.code for c in codes.CODES]
    assert lines[-2:] == ["", "nufa explain CODE shows what a code means, an example and the fix."]


def test_explain_all_is_the_diagnostics_reference(nufa) -> None:
    code, out, err = nufa("explain", "--all")
    assert (code, err) == (0, "")
    assert out == DOCS.read_text(encoding="utf-8"), (
        "docs/diagnostics.md is behind core/codes.py: run nufa explain --all > docs/diagnostics.md")
    for c in codes.CODES:
        assert f"\n## {c.code}\n\n{c.title}.\n" in out


@pytest.mark.parametrize(("args", "message"), [
    (["explain", "time-overlp"],
     "Invalid value for CODE: unknown diagnostic code 'time-overlp'; did you mean 'time-overlap'?"),
    (["explain", "Sak-Year"],
     "Invalid value for CODE: unknown diagnostic code 'Sak-Year'; did you mean 'sak-year'?"),
    (["explain", "zzz"],
     "Invalid value for CODE: unknown diagnostic code 'zzz'; nufa explain lists every code"),
    (["explain", "time-overlap", "--all"], "Invalid value for --all: give a code or --all, not both"),
])
def test_explain_usage_errors(nufa, args: list[str], message: str) -> None:
    code, out, err = nufa(*args)
    assert (code, out) == (2, "")
    # the message is boxed and wrapped to the terminal: compare its words
    words = " ".join(line.strip(" │╭╮╰╯─") for line in err.splitlines()).split()
    assert " ".join(message.split()) in " ".join(words)
    assert "Traceback" not in err
