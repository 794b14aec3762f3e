"""``sitrep topics``: the topics sitrep owns, and ``sitrep topics --create`` to declare them."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from sitrep.ops.settings import Settings
from sitrep.records.topics import TOPICS


def topics_table(settings: Settings) -> str:
    rows = [("topic", "key", "cleanup", "schema", "what")]
    for spec in TOPICS:
        rows.append(
            (
                settings.topic(spec.suffix),
                spec.key,
                spec.cleanup_policy,
                f"schemas/{spec.schema_file}" if spec.schema_file else "-",
                spec.description,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for row in rows:
        lines.append(
            "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        )
    return "\n".join(lines)


def _topics(args: argparse.Namespace, settings: Settings) -> int:
    if args.create:
        from sitrep.ops.kafka import ensure_topics

        asyncio.run(ensure_topics(settings))
    print(topics_table(settings))
    return 0


def register(commands: Any) -> None:
    parser = commands.add(
        "topics", _topics, help="list sitrep's Kafka topics (--create declares them)"
    )
    parser.add_argument("--create", action="store_true", help="create missing topics on the broker")
    register_schemas(commands)


def _schemas(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    import orjson

    from sitrep.records.schema import all_schemas

    out = Path(args.dir)
    for name, schema in all_schemas().items():
        data = orjson.dumps(schema, option=orjson.OPT_INDENT_2) + b"\n"
        if args.write:
            out.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(data)
            print(f"wrote {out / name}")
        else:
            print(data.decode())
    return 0


def register_schemas(commands: Any) -> None:
    parser = commands.add("schemas", _schemas, help="print (or --write) the records' JSON Schemas")
    parser.add_argument("--write", action="store_true", help="write the files into --dir")
    parser.add_argument("--dir", default="schemas", help="target folder (default: schemas)")
