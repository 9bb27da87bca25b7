"""JSON Schemas of the source files, for editors (yaml-language-server) and `nufa schema`."""

from __future__ import annotations

import json
from pathlib import Path

from nufa_cli.core.errors import NufaError
from nufa_cli.core.output import file_in_the_way
from nufa_cli.sources.schema import SCHEMAS


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


class SchemaFolderError(NufaError):
    exit_code = 2


def write_schemas(folder: Path) -> list[Path]:
    blocker = file_in_the_way(folder)
    if blocker is not None:
        raise SchemaFolderError(f"cannot write the schemas to {folder}: {blocker} is not a "
                                "folder; choose a folder, e.g. schemas")
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in json_schemas().items():
            path = folder / name
            data = text.encode("utf-8")
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
            written.append(path)
    except OSError as error:
        raise SchemaFolderError(f"cannot write the schemas to {folder}: "
                                f"{error.filename or folder}: {error.strerror or error}") from error
    return written
