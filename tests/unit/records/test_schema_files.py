"""The JSON Schema files in schemas/ are the contract: generated from the record types."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import orjson

from sitrep.records import RawItem, encode
from sitrep.records.schema import all_schemas

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


def test_committed_schema_files_match_the_record_types() -> None:
    for name, schema in all_schemas().items():
        committed = json.loads((SCHEMAS / name).read_text())
        assert committed == json.loads(orjson.dumps(schema)), (
            f"schemas/{name} is out of date: run `make schemas` and review the contract change"
        )


def test_schema_files_are_valid_draft_2020_12() -> None:
    for name in all_schemas():
        jsonschema.Draft202012Validator.check_schema(json.loads((SCHEMAS / name).read_text()))


def test_a_raw_item_validates_against_its_schema_file() -> None:
    item = RawItem(
        item_id="wire:reuters:abc",
        source_kind="wire",
        source_id="reuters",
        native_id="abc",
        text="BEIRUT (Reuters) - ...",
        collected_at="2024-12-01T10:00:00Z",
    )
    schema = json.loads((SCHEMAS / "raw_item.v1.schema.json").read_text())
    jsonschema.validate(orjson.loads(encode(item)), schema)
