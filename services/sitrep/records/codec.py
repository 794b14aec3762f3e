"""JSON encoding of records (orjson) and strict, fast decoding with errors a person can act on.

``encode`` turns any record into bytes. ``decode_*`` parse bytes into records and raise
:class:`RecordError` naming the field and what was wrong; they never return a half-built record.
Unknown fields, wrong types, a wrong schema name or an unknown schema version are errors: a raw
item that fails here goes to the dead-letter topic with the message as its reason.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, TypeVar, cast, get_args, get_origin, get_type_hints

import orjson

from sitrep.records.model import (
    EVENT_SCHEMA,
    RAW_ITEM_SCHEMA,
    REPORT_SCHEMA,
    SCHEMA_VERSION,
    Event,
    RawItem,
    Report,
)

T = TypeVar("T")

_OPTS = orjson.OPT_SERIALIZE_DATACLASS | orjson.OPT_NON_STR_KEYS


class RecordError(ValueError):
    """A record could not be decoded; ``str(err)`` says which field and why."""


def encode(record: Any) -> bytes:
    """Encode a record (or any JSON-able value) with orjson; tuples become arrays."""
    return orjson.dumps(record, option=_OPTS)


def loads(data: bytes | str) -> Any:
    """Parse JSON; raises :class:`RecordError` with the parser's message."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise RecordError(f"not valid JSON (or not UTF-8): {exc}") from None


Converter = Callable[[Any, str], Any]


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@cache
def _converter(tp: Any) -> Converter:
    origin = get_origin(tp)
    if tp is Any:
        return lambda v, _p: v
    if tp is str:

        def conv_str(v: Any, path: str) -> str:
            if type(v) is not str:
                raise RecordError(f"{path}: expected a string, got {_describe(v)}")
            return v

        return conv_str
    if tp is bool:

        def conv_bool(v: Any, path: str) -> bool:
            if type(v) is not bool:
                raise RecordError(f"{path}: expected true or false, got {_describe(v)}")
            return v

        return conv_bool
    if tp is int:

        def conv_int(v: Any, path: str) -> int:
            if type(v) is not int:
                raise RecordError(f"{path}: expected an integer, got {_describe(v)}")
            if not -(2**63) <= v < 2**63:
                raise RecordError(f"{path}: integer {v} is out of the 64-bit range")
            return v

        return conv_int
    if tp is float:

        def conv_float(v: Any, path: str) -> float:
            if type(v) not in (int, float):
                raise RecordError(f"{path}: expected a number, got {_describe(v)}")
            return float(v)

        return conv_float
    if origin is Literal:
        allowed = get_args(tp)

        def conv_literal(v: Any, path: str) -> Any:
            if v not in allowed:
                raise RecordError(f"{path}: {_describe(v)} is not one of {list(allowed)}")
            return v

        return conv_literal
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        inner = _converter(args[0]) if len(args) == 1 else None
        if inner is None:
            raise TypeError(f"unsupported union {tp}")

        def conv_optional(v: Any, path: str) -> Any:
            return None if v is None else inner(v, path)

        return conv_optional
    if origin is tuple:
        item = _converter(get_args(tp)[0])

        def conv_tuple(v: Any, path: str) -> tuple[Any, ...]:
            if type(v) is not list:
                raise RecordError(f"{path}: expected an array, got {_describe(v)}")
            return tuple(item(x, f"{path}[{i}]") for i, x in enumerate(v))

        return conv_tuple
    if origin is dict:
        return _require_dict
    if dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    raise TypeError(f"unsupported field type {tp}")


def _require_dict(v: Any, path: str) -> dict[str, Any]:
    if type(v) is not dict:
        raise RecordError(f"{path}: expected an object, got {_describe(v)}")
    return v


def _dataclass_converter(cls: Any) -> Converter:
    hints = get_type_hints(cls)
    fields = dataclasses.fields(cls)
    names = frozenset(f.name for f in fields)
    required = frozenset(
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    plan: list[tuple[str, Converter]] = []
    for f in fields:
        plan.append((f.name, _converter(hints[f.name])))

    def conv_dataclass(v: Any, path: str) -> Any:
        if type(v) is not dict:
            raise RecordError(f"{path or 'record'}: expected an object, got {_describe(v)}")
        unknown = v.keys() - names
        if unknown:
            raise RecordError(f"{path or 'record'}: unknown field(s) {sorted(unknown)}")
        missing = required - v.keys()
        if missing:
            raise RecordError(f"{path or 'record'}: missing required field(s) {sorted(missing)}")
        kwargs = {}
        for name, conv in plan:
            if name in v:
                kwargs[name] = conv(v[name], f"{path}.{name}" if path else name)
        return cls(**kwargs)

    return conv_dataclass


def from_obj(cls: type[T], obj: Any) -> T:
    """Build a record of type ``cls`` from parsed JSON, validating every field."""
    result: T = _converter(cast(Any, cls))(obj, "")
    return result


def _check_schema(obj: Any, name: str) -> None:
    if type(obj) is not dict:
        raise RecordError(f"record: expected a JSON object, got {_describe(obj)}")
    schema = obj.get("schema")
    if schema is None:
        raise RecordError(f"record: missing 'schema' (expected {{'name': '{name}', 'version': 1}})")
    if type(schema) is not dict or schema.get("name") != name:
        raise RecordError(f"schema: expected name {name!r}, got {_describe(schema)}")
    if schema.get("version") != SCHEMA_VERSION:
        raise RecordError(
            f"schema: unknown version {_describe(schema.get('version'))} of {name}; this build "
            f"reads version {SCHEMA_VERSION} (a newer producer needs a newer sitrep)"
        )


def _decode(data: bytes | str | dict[str, Any], cls: type[T], name: str) -> T:
    obj = data if isinstance(data, dict) else loads(data)
    _check_schema(obj, name)
    return from_obj(cls, obj)


def decode_raw_item(data: bytes | str | dict[str, Any]) -> RawItem:
    item = _decode(data, RawItem, RAW_ITEM_SCHEMA)
    if not item.item_id or not item.source_id or not item.native_id:
        raise RecordError("item_id, source_id and native_id must not be empty")
    expected = f"{item.source_kind}:{item.source_id}:{item.native_id}"
    if item.item_id != expected:
        raise RecordError(f"item_id {item.item_id!r} should be {expected!r}")
    return item


def decode_report(data: bytes | str | dict[str, Any]) -> Report:
    return _decode(data, Report, REPORT_SCHEMA)


def decode_event(data: bytes | str | dict[str, Any]) -> Event:
    return _decode(data, Event, EVENT_SCHEMA)


def make_item_id(source_kind: str, source_id: str, native_id: str) -> str:
    return f"{source_kind}:{source_id}:{native_id}"
