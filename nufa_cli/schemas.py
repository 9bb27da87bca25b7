"""JSON Schemas of the source files, for editors (yaml-language-server) and `nufa schema`."""

from __future__ import annotations

import json
from pathlib import Path

from .schema import SCHEMAS


def json_schemas() -> dict[str, str]:
    """File name -> JSON text, deterministic."""
    result = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{name}.schema.json"
        result[f"{name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2,
                                                   sort_keys=True) + "\n"
    return result


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in json_schemas().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
