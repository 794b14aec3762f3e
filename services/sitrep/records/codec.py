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


def encode_kept(record: Any) -> bytes:
    """:func:`encode` for bytes that are kept (caches held as long as the state that made them).

    orjson's result keeps the allocation of its output buffer: at least 4 KiB whatever its
    length (a 328-byte result holds 4,097 bytes, by tracemalloc). Fine for a record sent and
    dropped; for a cache held per report it is ten times the memory. This copy (through a
    memoryview: ``bytes(b)`` would return ``b`` itself) is allocated at its length.
    """
    return bytes(memoryview(orjson.dumps(record, option=_OPTS)))


def loads(data: bytes | str) -> Any:
    """Parse JSON; raises :class:`RecordError` with the parser's message."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise RecordError(f"not valid JSON (or not UTF-8): {exc}") from None


Converter = Callable[[Any], Any]


class _Bad(Exception):
    """A field failed; ``parts`` is its path, innermost first (filled in on the way out)."""

    def __init__(self, message: str, part: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parts: list[str] = [] if part is None else [part]

    def path(self) -> str:
        out = ""
        for part in reversed(self.parts):
            out += part if part.startswith("[") or not out else "." + part
        return out


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _got(what: str, value: Any, part: str | None = None) -> _Bad:
    return _Bad(f"expected {what}, got {_describe(value)}", part)


def _out_of_range(value: int, part: str | None = None) -> _Bad:
    return _Bad(f"integer {value} is out of the 64-bit range", part)


def _not_allowed(value: Any, allowed: tuple[Any, ...], part: str | None = None) -> _Bad:
    return _Bad(f"{_describe(value)} is not one of {list(allowed)}", part)


_INT_MIN = -(2**63)
_INT_MAX = 2**63 - 1


# Converters take a parsed JSON value and return the typed value, or raise :class:`_Bad`. The
# path of a bad field is only built when one fails; a record's converter is generated Python
# code with the checks of its fields inline (the per-field closure calls and path strings cost
# more than the checks themselves: 40 -> ~10 µs for a raw item).


@cache
def _converter(tp: Any) -> Converter:
    origin = get_origin(tp)
    if tp is Any:
        return lambda v: v
    if tp is str:

        def conv_str(v: Any) -> str:
            if type(v) is not str:
                raise _got("a string", v)
            return v

        return conv_str
    if tp is bool:

        def conv_bool(v: Any) -> bool:
            if type(v) is not bool:
                raise _got("true or false", v)
            return v

        return conv_bool
    if tp is int:

        def conv_int(v: Any) -> int:
            if type(v) is not int:
                raise _got("an integer", v)
            if not _INT_MIN <= v <= _INT_MAX:
                raise _out_of_range(v)
            return v

        return conv_int
    if tp is float:

        def conv_float(v: Any) -> float:
            if type(v) is float:
                return v
            if type(v) is not int:
                raise _got("a number", v)
            return float(v)

        return conv_float
    if origin is Literal:
        allowed = get_args(tp)

        def conv_literal(v: Any) -> Any:
            if v not in allowed:
                raise _not_allowed(v, allowed)
            return v

        return conv_literal
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {tp}")
        inner = _converter(args[0])

        def conv_optional(v: Any) -> Any:
            return None if v is None else inner(v)

        return conv_optional
    if origin is tuple:
        item_type = get_args(tp)[0]
        item = _converter(item_type)

        def find_bad(v: list[Any]) -> _Bad:
            for i, x in enumerate(v):
                try:
                    item(x)
                except _Bad as bad:
                    bad.parts.append(f"[{i}]")
                    return bad
            raise AssertionError("no bad item")  # pragma: no cover - item() is deterministic

        if item_type is str:

            def conv_str_tuple(v: Any) -> tuple[Any, ...]:
                if type(v) is not list:
                    raise _got("an array", v)
                if all(type(x) is str for x in v):
                    return tuple(v)
                raise find_bad(v)

            return conv_str_tuple

        def conv_tuple(v: Any) -> tuple[Any, ...]:
            if type(v) is not list:
                raise _got("an array", v)
            try:
                return tuple([item(x) for x in v])
            except _Bad:
                pass
            raise find_bad(v)

        return conv_tuple
    if origin is dict:
        return _require_dict
    if dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    raise TypeError(f"unsupported field type {tp}")


def _require_dict(v: Any) -> dict[str, Any]:
    if type(v) is not dict:
        raise _got("an object", v)
    return v


def _field_check(tp: Any, var: str, name: str, env: dict[str, Any], indent: str) -> list[str]:
    """Lines that check (and convert) ``var`` of type ``tp`` in place, or raise at ``name``."""
    origin = get_origin(tp)
    at = repr(name)
    if tp is Any:
        return []
    if tp is str:
        return [f"{indent}if type({var}) is not str: raise _got('a string', {var}, {at})"]
    if tp is bool:
        return [f"{indent}if type({var}) is not bool: raise _got('true or false', {var}, {at})"]
    if tp is int:
        return [
            f"{indent}if type({var}) is not int: raise _got('an integer', {var}, {at})",
            f"{indent}if not _INT_MIN <= {var} <= _INT_MAX: raise _out_of_range({var}, {at})",
        ]
    if tp is float:
        return [
            f"{indent}if type({var}) is not float:",
            f"{indent}    if type({var}) is not int: raise _got('a number', {var}, {at})",
            f"{indent}    {var} = float({var})",
        ]
    if origin is Literal:
        allowed = f"_allowed_{var}"
        env[allowed] = get_args(tp)
        return [f"{indent}if {var} not in {allowed}: raise _not_allowed({var}, {allowed}, {at})"]
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {tp}")
        inner = _field_check(args[0], var, name, env, indent + "    ")
        return [f"{indent}if {var} is not None:", *inner] if inner else []
    # tuples, objects, records: a converter of their own, the field's name added on failure
    conv = f"_conv_{var}"
    env[conv] = _converter(tp)
    return [
        f"{indent}try:",
        f"{indent}    {var} = {conv}({var})",
        f"{indent}except _Bad as bad:",
        f"{indent}    bad.parts.append({at})",
        f"{indent}    raise",
    ]


def _dataclass_converter(cls: Any) -> Converter:
    hints = get_type_hints(cls)
    fields = dataclasses.fields(cls)
    names = frozenset(f.name for f in fields)
    required = frozenset(
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    env: dict[str, Any] = {
        "_Bad": _Bad,
        "_got": _got,
        "_out_of_range": _out_of_range,
        "_not_allowed": _not_allowed,
        "_INT_MIN": _INT_MIN,
        "_INT_MAX": _INT_MAX,
        "_MISSING": dataclasses.MISSING,
        "_cls": cls,
        "_names": names,
        "_required": required,
        "_sorted": sorted,
    }
    lines = [
        "def conv_record(v):",
        "    if type(v) is not dict: raise _got('an object', v)",
        "    keys = v.keys()",
        "    if not keys <= _names: raise _Bad(f'unknown field(s) {_sorted(keys - _names)}')",
        "    if not _required <= keys:",
        "        raise _Bad(f'missing required field(s) {_sorted(_required - keys)}')",
    ]
    args = []
    for i, f in enumerate(fields):
        if not f.init:
            raise TypeError(f"{cls.__name__}.{f.name}: fields outside __init__ are not supported")
        var = f"f{i}"
        args.append(var)
        check = _field_check(hints[f.name], var, f.name, env, "        ")
        if f.name in required:
            lines.append(f"    {var} = v[{f.name!r}]")
            lines.extend(line[4:] for line in check)
            continue
        if f.default is not dataclasses.MISSING:
            env[f"_default_{var}"] = f.default
            fallback = f"_default_{var}"
        else:
            env[f"_factory_{var}"] = f.default_factory
            fallback = f"_factory_{var}()"
        lines.append(f"    {var} = v.get({f.name!r}, _MISSING)")
        if check:
            lines.append(f"    if {var} is _MISSING: {var} = {fallback}")
            lines.append("    else:")
            lines.extend(check)
        else:
            lines.append(f"    if {var} is _MISSING: {var} = {fallback}")
    lines.append(f"    return _cls({', '.join(args)})")
    exec("\n".join(lines), env)  # noqa: S102 - code built above from the record's own fields
    convert: Converter = env["conv_record"]
    return convert


def from_obj(cls: type[T], obj: Any) -> T:
    """Build a record of type ``cls`` from parsed JSON, validating every field."""
    try:
        result: T = _converter(cast(Any, cls))(obj)
    except _Bad as bad:
        raise RecordError(f"{bad.path() or 'record'}: {bad.message}") from None
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
