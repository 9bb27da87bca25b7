"""Edit YAML text in place: change a scalar or add a block, keep every other byte as written.

ruamel.yaml's round-trip *dump* re-indents block scalars (`beskrivelse: >` texts in the
sample toppnotater move from two to four spaces), so nufa never dumps a user's file. It
composes the text with ruamel.yaml to learn where each node stands, splices the new
text there, and reads the result back before anything is written.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from nufa_cli.core.errors import NufaError
from nufa_cli.sources.reader import load_yaml


class EditError(NufaError):
    """An edit nufa cannot make safely; nothing is written."""


@dataclass(frozen=True, order=True)
class Edit:
    """Replace text[start:end] with text (an insertion when start == end)."""

    start: int
    end: int
    text: str


def apply(text: str, edits: list[Edit]) -> str:
    """All edits refer to the original text; apply them back to front."""
    ordered = sorted(edits)
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end:
            raise EditError("two edits overlap in one file; nothing was changed (a bug in nufa)")
    for edit in reversed(ordered):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def compose(text: str, rel: str) -> Node | None:
    try:
        node: Node | None = YAML().compose(text)  # ruamel types compose() as Any
        return node
    except YAMLError as exc:
        raise EditError(f"{rel} is not valid YAML ({exc}); fix it first (nufa check)") from exc


def child(node: Node | None, *path: str | int) -> Node | None:
    """The node at path below node: mapping keys and sequence indexes, None when absent."""
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, SequenceNode) or part >= len(node.value):
                return None
            node = node.value[part]
        else:
            if not isinstance(node, MappingNode):
                return None
            node = next((v for k, v in node.value if isinstance(k, ScalarNode)
                         and k.value == part), None)
    return node


def key_node(mapping: Node | None, key: str) -> ScalarNode | None:
    if not isinstance(mapping, MappingNode):
        return None
    return next((k for k, _ in mapping.value if isinstance(k, ScalarNode) and k.value == key),
                None)


def text_of(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


# -- writing scalars ------------------------------------------------------------------------

_LOOKS_TYPED = re.compile(
    r"^(?:[-+]?[\d:._]+|y|n|yes|no|on|off|true|false|null|~|\d{4}-\d\d-\d\d.*)$", re.IGNORECASE)


def scalar(value: str, *, flow: bool = False) -> str:
    """value as a plain YAML scalar when it reads back as the same text, else double-quoted.

    Text that YAML 1.1 tools read as a number, time or boolean is quoted too, so that
    editors and other YAML readers agree with nufa.
    """
    if value and value == value.strip() and "\n" not in value and not _LOOKS_TYPED.match(value):
        probe = f"k: [{value}]\n" if flow else f"k: {value}\n"
        doc, problems = load_yaml(probe, "")
        if not problems and doc is not None and doc.data == {"k": [value] if flow else value}:
            return value
    return double_quoted(value)


def block(value: str, indent: int = 2) -> str:
    """Text of several lines (Markdown) as a literal block scalar, '|' and its lines indented
    by `indent`, when it reads back as the text; else double-quoted."""
    text = value.strip("\n") + "\n"
    marker = f"|{indent}" if text[0] == " " else "|"
    lines = [(" " * indent + line) if line.strip() else "" for line in text.split("\n")[:-1]]
    written = marker + "\n" + "\n".join(lines)
    doc, problems = load_yaml(f"k: {written}\n", "")
    if not problems and doc is not None and doc.data == {"k": text}:
        return written
    return double_quoted(value)


def double_quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def replace_scalar(node: ScalarNode, value: str, offset: int = 0) -> Edit:
    """Give a scalar a new value in the style it was written in (plain, '...' or "...")."""
    if node.style == "'":
        written = "'" + value.replace("'", "''") + "'"
    elif node.style == '"':
        written = double_quoted(value)
    elif node.style in ("|", ">"):
        raise EditError(f"cannot rewrite the block text on line {node.start_mark.line + 1}")
    else:
        written = scalar(value)
    return Edit(offset + node.start_mark.index, offset + node.end_mark.index, written)


# -- adding a block -------------------------------------------------------------------------

def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _dash_column(text: str, item: Node) -> int:
    """Column of the '- ' that opens a block sequence item."""
    start = _line_start(text, item.start_mark.index)
    before = text[start : item.start_mark.index].rstrip(" ")
    if not before.endswith("-"):
        raise EditError(f"cannot find the '-' of the list item on line {item.start_mark.line + 1}")
    return len(before) - 1


def _indented(block: str, column: int) -> str:
    pad = " " * column
    return "".join(pad + line if line.strip() else line for line in block.splitlines(True))


def _before_item(text: str, item: Node, column: int) -> int:
    """Where to insert a sibling before item: above the comment lines that introduce it."""
    at = _line_start(text, item.start_mark.index)
    while at > 0:
        previous = _line_start(text, at - 1)
        line = text[previous : at - 1]
        if not (line.lstrip().startswith("#") and _indent(line) == column):
            break
        at = previous
    return at


def _after_block(text: str, end_index: int, column: int) -> tuple[int, str]:
    """Where to append at the end of a block collection indented at column.

    end_index is where the next token starts; blank lines and comments less indented
    than the collection belong to what follows, so the insertion goes above them.
    """
    if end_index >= len(text) and text and not text.endswith("\n"):
        return len(text), "\n"
    at = _line_start(text, end_index) if end_index < len(text) else len(text)
    while at > 0:
        previous = _line_start(text, at - 1)
        line = text[previous : at - 1]
        if line.strip() and not (line.lstrip().startswith("#") and _indent(line) < column):
            break
        at = previous
    return at, ""


def insert_item(text: str, seq: SequenceNode, index: int, block: str, *,
                key: ScalarNode | None = None) -> Edit:
    """Insert block ("- a: b\\n  c: d\\n") as item `index` of a block sequence.

    An empty flow list ('program: []') becomes a block list; `key` is its mapping key,
    whose column sets the indentation (two more, as in FORMAT.md).
    """
    if seq.flow_style:
        if seq.value or key is None:
            raise EditError(f"the list on line {seq.start_mark.line + 1} is written in brackets "
                            "[...]; write it as lines starting with '- ' first")
        column = key.start_mark.column + 2
        start = seq.start_mark.index
        while text[start - 1] == " ":  # 'program: []' -> 'program:'
            start -= 1
        return Edit(start, seq.end_mark.index, "\n" + _indented(block, column).rstrip("\n"))
    if index < len(seq.value):
        item = seq.value[index]
        column = _dash_column(text, item)
        at = _before_item(text, item, column)
        return Edit(at, at, _indented(block, column))
    column = _dash_column(text, seq.value[-1])
    at, prefix = _after_block(text, seq.end_mark.index, column)
    return Edit(at, at, prefix + _indented(block, column))


def append_entry(text: str, mapping: MappingNode, block: str) -> Edit:
    """Append 'key: ...' lines at the end of a block mapping."""
    if mapping.flow_style or not mapping.value:
        raise EditError(f"the mapping on line {mapping.start_mark.line + 1} is written in braces "
                        "{...}; write it as 'key: value' lines first")
    column = mapping.value[0][0].start_mark.column
    at, prefix = _after_block(text, mapping.end_mark.index, column)
    return Edit(at, at, prefix + _indented(block, column))
