"""Validate plain data against a schema class; turn pydantic errors into located diagnostics."""

from __future__ import annotations

import re
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from nufa_cli.core.errors import Diagnostic
from nufa_cli.core.suggest import did_you_mean
from nufa_cli.sources.reader import Located, Path_

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "list_type": "expected a list (lines starting with '- ')",
    "model_type": "expected a mapping of 'key: value' lines",
    "model_attributes_type": "expected a mapping of 'key: value' lines",
    "dict_type": "expected a mapping of 'key: value' lines",
    "date_type": "expected a date YYYY-MM-DD",
    "date_parsing": "expected a date YYYY-MM-DD",
    "date_from_datetime_parsing": "not a valid date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "expected a date YYYY-MM-DD without a time",
    "string_too_short": "must not be empty",
    "too_short": "must not be empty",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
}
_LISTED = 16  # a hint names at most this many known keys (tekster has a hundred)
_PATTERN_HINTS = {
    "sak": ("a case number is N/YY, e.g. 12/24", "write it as in 'sak: 12/24'"),
    "møte": ("a meeting number is N/YY, e.g. 2/24", "write it as in 'møte: 2/24'"),
    "id": ("an id is lowercase letters, digits and hyphens", "e.g. id: hans-lowe-larsen"),
    "språk": ("a language is a code of two or three lowercase letters",
              "write 'språk: nb' (bokmål) or 'språk: nn' (nynorsk)"),
    "språkkode": ("a language tag is a language and a region, e.g. nn-NO", "e.g. språkkode: nn-NO"),
}


_TIME_KEYS = {"tid", "start", "slutt"}
_LOOSE_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def _time_hint(key: str, value: object) -> str:
    """How to write a time that did not read as "HH:MM": 9:30 becomes "09:30"."""
    loose = _LOOSE_TIME.match(str(value).strip()) if isinstance(value, str | int | float) else None
    if loose and int(loose[1]) < 24 and int(loose[2]) < 60:
        return f'write the hour with two digits, in quotes: {key}: "{int(loose[1]):02d}:{loose[2]}"'
    return f'write the time as "HH:MM" in quotes, from "00:00" to "23:59", e.g. {key}: "09:30"'


def check(cls: type[M], doc: Located | None, rel: str,
          at: Path_ = ()) -> tuple[M | None, list[Diagnostic]]:
    """The document (at: the value at that path in it) as cls, or its problems, located."""
    data = doc.data if doc else None
    for step in at:
        data = data.get(step) if isinstance(data, dict) and isinstance(step, str) else None
    if data is None:
        data = {}
    try:
        return cls.model_validate(data), []
    except ValidationError as exc:
        located = doc or Located(data)
        return None, [_diagnostic(cls, err, located, rel, at) for err in exc.errors()]


def _diagnostic(cls: type[BaseModel], err: Any, doc: Located, rel: str,
                at: Path_ = ()) -> Diagnostic:
    within = tuple(err["loc"])  # in cls
    loc = (*at, *within)  # in the document
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    where = dotted(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        pos = doc.key_pos(loc)
        allowed = _keys_at(cls, within[:-1])
        known = ", ".join(allowed) if len(allowed) <= _LISTED else (
            f"{', '.join(allowed[:_LISTED])}, … ({len(allowed)} in all, listed in README.md)")
        hint = did_you_mean(str(loc[-1]), allowed, f"known keys here: {known}")
        return Diagnostic(rel, pos.line, pos.col, "unknown-key", f"unknown key '{loc[-1]}'", hint)
    if kind == "missing":
        pos = doc.pos(loc[:-1])
        parent = dotted(loc[:-1])
        place = f" in {parent}" if parent else ""
        return Diagnostic(rel, pos.line, pos.col, "missing-field",
                          f"missing required key '{loc[-1]}'{place}", f"add '{loc[-1]}: ...'")
    pos = doc.pos(loc)
    if kind == "string_pattern_mismatch" and name in _PATTERN_HINTS:
        message, hint = _PATTERN_HINTS[name]
        return Diagnostic(rel, pos.line, pos.col, "invalid-value",
                          f"{where}: '{err['input']}' is not valid: {message}", hint)
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return Diagnostic(rel, pos.line, pos.col, "invalid-value",
                          f"{where}: '{err['input']}' is not allowed; expected {expected}")
    if kind == "value_error":
        message = str(err["msg"]).removeprefix("Value error, ")
        return Diagnostic(rel, pos.line, pos.col, "invalid-value", f"{where}: {message}",
                          _time_hint(name, err.get("input")) if name in _TIME_KEYS else "")
    template = _MESSAGES.get(kind)
    message = template.format(**err.get("ctx", {})) if template else str(err["msg"])
    code = "wrong-type" if kind.endswith("_type") else "invalid-value"
    shown = err.get("input")
    suffix = f" (got {shown!r})" if isinstance(shown, str | int | float | bool) else ""
    return Diagnostic(rel, pos.line, pos.col, code, f"{where or 'the file'}: {message}{suffix}")


def dotted(loc: Path_) -> str:
    """A path in a file as the messages write it: dager[0].program[2].sak"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _keys_at(cls: type[BaseModel], loc: Path_) -> list[str]:
    model: type[BaseModel] | None = cls
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        model = _inner_model(field.annotation) if field else None
    if model is None:
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found:
                return found
    return None
