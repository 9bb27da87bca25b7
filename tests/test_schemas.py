"""The committed JSON Schemas are the ones the code declares, and they accept the sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from nufa_cli.sources.jsonschema import json_schemas

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(json_schemas()))
def test_committed_schema_is_current(name: str) -> None:
    committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
    assert committed == json_schemas()[name], "run `make schemas` and commit schemas/"


def test_sample_yaml_files_point_at_their_schema() -> None:
    for path in [ROOT / "nufa.yaml", ROOT / "medlemmer.yaml", *ROOT.glob("meetings/*/agenda.yaml")]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {target} does not exist"
        assert json.loads(target.read_text(encoding="utf-8"))["type"] == "object"


def test_schema_names_every_agenda_key_of_format_md() -> None:
    agenda = json.loads(json_schemas()["agenda.schema.json"])
    row = agenda["$defs"]["Rad"]["properties"]
    for key in ("sak", "tid", "varighet", "tittel", "type", "beskrivelse", "forslag_til_vedtak",
                "vedlegg", "toppnotat", "innslag", "skjermet"):
        assert key in row
    assert agenda["additionalProperties"] is False


def test_sample_agenda_has_no_key_outside_the_schema() -> None:
    agenda = json.loads(json_schemas()["agenda.schema.json"])
    data = yaml.safe_load((ROOT / "meetings/2024-04-24/agenda.yaml").read_text(encoding="utf-8"))
    assert set(data) <= set(agenda["properties"])
