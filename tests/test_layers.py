"""The package's floors: each subpackage imports only from the floors below it.

Every import counts, function-local ones included, except those under
`if TYPE_CHECKING:` (annotations only, never run). Siblings on one floor (publish, diff,
edit) do not import each other. A lower floor importing a higher one fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nufa_cli"

# Lowest first. A floor may import from itself and from every floor listed before it.
FLOORS: list[set[str]] = [
    {"core"},
    {"sources"},
    {"git"},
    {"model"},
    {"check"},
    {"render"},
    {"convert"},
    {"build"},
    {"publish", "diff", "edit"},
    {"cli"},  # nufa_cli/cli.py, front.py (the entry point) and __main__.py: the top
]


def floor_of(subpackage: str) -> int:
    for index, names in enumerate(FLOORS):
        if subpackage in names:
            return index
    raise AssertionError(f"nufa_cli.{subpackage} is on no floor: add it to FLOORS in {__file__}")


def subpackage_of(module: str) -> str | None:
    """'nufa_cli.model.load' -> 'model'; the package itself (its __version__) -> None."""
    parts = module.split(".")
    if parts[0] != "nufa_cli" or len(parts) == 1:
        return None
    return parts[1] if parts[1] not in ("__main__", "front") else "cli"


def module_name(path: Path, package: Path = PACKAGE) -> str:
    rel = path.relative_to(package.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(path: Path, package_dir: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, imported module) of every import that can run, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    own = module_name(path, package_dir).split(".")
    package = own if path.name == "__init__.py" else own[:-1]
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # `from nufa_cli.build import packet` imports the module nufa_cli.build.packet
            for alias in node.names:
                module = package_dir.parent.joinpath(*target.split("."), alias.name)
                if module.with_suffix(".py").is_file() or module.is_dir():
                    found.append((node.lineno, f"{target}.{alias.name}"))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def violations(package: Path = PACKAGE) -> list[str]:
    problems: dict[tuple[str, int, str], str] = {}  # one per import statement and floor
    for path in sorted(package.rglob("*.py")):
        mine = subpackage_of(module_name(path, package))
        if mine is None:  # nufa_cli/__init__.py: the version only
            continue
        for line, target in imports(path, package):
            theirs = subpackage_of(target)
            if theirs is None or theirs == mine:
                continue
            where = path.relative_to(package.parent).as_posix()
            if floor_of(theirs) >= floor_of(mine) and (where, line, theirs) not in problems:
                problems[where, line, theirs] = (f"{where}:{line}: nufa_cli.{mine} imports {target}, "
                                                 "which is not on a floor below it")
    return list(problems.values())


def test_every_import_goes_down_the_floors():
    assert violations() == []


def test_every_subpackage_is_on_a_floor():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    on_floors = set().union(*FLOORS) - {"cli"}
    assert packages == on_floors


def test_a_lower_floor_importing_a_higher_one_is_found(tmp_path):
    """The contract can fail: a copy of the package where core imports build is refused."""
    import shutil

    copy = tmp_path / "nufa_cli"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    errors = copy / "core" / "errors.py"
    errors.write_text(errors.read_text(encoding="utf-8")
                      + "\n\ndef _late():\n    from nufa_cli.build import orchestrator  # noqa\n",
                      encoding="utf-8")
    found = violations(copy)
    assert len(found) == 1
    assert found[0].startswith("nufa_cli/core/errors.py:")
    assert "nufa_cli.core imports nufa_cli.build" in found[0]


@pytest.mark.parametrize("sibling", ["publish", "diff", "edit"])
def test_siblings_on_one_floor_do_not_import_each_other(sibling):
    others = FLOORS[floor_of(sibling)] - {sibling}
    for path in (PACKAGE / sibling).rglob("*.py"):
        for line, target in imports(path):
            assert subpackage_of(target) not in others, f"{path}:{line} imports {target}"


def module_cycles(package: Path = PACKAGE) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a ring (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        name = module_name(path, package)
        graph[name] = {target for _, target in imports(path, package) if target != name}
    for name in graph:  # a package's __init__ is imported with each of its modules: not an edge
        graph[name] = {t for t in graph[name] if t in graph and not name.startswith(f"{t}.")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return cycles


def test_no_module_imports_itself_around_a_ring():
    assert module_cycles() == []
