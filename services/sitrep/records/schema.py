"""JSON Schema (draft 2020-12) for each record type, derived from the dataclasses.

The files in ``schemas/`` are the contract with downstream teams. They are generated from the
record types by ``sitrep schemas --write`` and a test fails when the committed files differ from
what the code would produce, so a format change can never be silent: it shows up as a diff of
the contract files in review (and a breaking one must become a ``.v2`` topic).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal, cast, get_args, get_origin, get_type_hints

from sitrep.records.model import (
    EVENT_SCHEMA,
    RAW_ITEM_SCHEMA,
    REPORT_SCHEMA,
    Event,
    RawItem,
    Report,
)

SCHEMA_FILES: dict[str, tuple[type[Any], str, str]] = {
    "raw_item.v1.schema.json": (RawItem, RAW_ITEM_SCHEMA, "Raw item (topic *.raw.v1)"),
    "report.v1.schema.json": (Report, REPORT_SCHEMA, "Report (topic *.reports.v1)"),
    "event.v1.schema.json": (Event, EVENT_SCHEMA, "Event (topic *.events.v1)"),
}

_DOCS: dict[str, str] = {}


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is Any:
        return {}
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        inner = _type_schema(args[0], defs)
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(get_args(tp)[0], defs)}
    if origin is dict:
        return {"type": "object"}
    if dataclasses.is_dataclass(tp):
        name = cast(type[Any], tp).__name__
        if name not in defs:
            defs[name] = {}
            defs[name] = _object_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {tp}")


def _object_schema(cls: Any, defs: dict[str, Any]) -> dict[str, Any]:
    hints = get_type_hints(cls)
    props: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        props[f.name] = _type_schema(hints[f.name], defs)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    if cls.__doc__:
        out["description"] = " ".join(cls.__doc__.split())
    return out


def record_schema(cls: type[Any], name: str, title: str) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    body = _object_schema(cls, defs)
    body["properties"]["schema"] = {
        "type": "object",
        "properties": {"name": {"const": name}, "version": {"const": 1}},
        "required": ["name", "version"],
        "additionalProperties": False,
    }
    body["required"] = sorted({*body.get("required", []), "schema"})
    defs.pop("SchemaRef", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://sitrep.example/schemas/{name}.v1.schema.json",
        "title": title,
        **body,
        "$defs": dict(sorted(defs.items())),
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    return {
        file: record_schema(cls, name, title) for file, (cls, name, title) in SCHEMA_FILES.items()
    }
