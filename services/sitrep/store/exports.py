"""Found events as text: a readable table, JSON, GeoJSON and ACLED-style CSV (pure).

- ``table``: one line per event, widths fitted to the content, long cells shortened with "…";
- ``json``: a JSON array of the full event records (the ``sitrep.events.v1`` contract), each
  with ``distance_km`` added when the query had a ``near`` point;
- ``geojson``: an RFC 7946 ``FeatureCollection``; one ``Feature`` per event with a ``Point``
  geometry ``[longitude, latitude]`` (``null`` for an event without a location), the feature
  ``id`` = ``event_id`` and flat, analyst-friendly properties;
- ``csv``: ACLED's header and codes (:mod:`sitrep.store.acled`), RFC 4180 quoting, ``\\r\\n``
  line ends as Python's csv module writes and reads them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any, Final, Literal

import orjson

from sitrep.records.codec import encode
from sitrep.store.acled import ACLED_COLUMNS, acled_row, sides
from sitrep.store.queries import FoundEvent

Format = Literal["table", "json", "geojson", "csv"]
FORMATS: Final[tuple[Format, ...]] = ("table", "json", "geojson", "csv")

_TABLE_COLUMNS: Final = (
    ("DATE", 10),
    ("TYPE", 26),
    ("SUB-TYPE", 28),
    ("LOCATION", 40),
    ("ACTORS", 44),
    ("FAT", 4),
    ("STATUS", 12),
    ("SRC", 3),
    ("EVENT", 19),
)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table_cells(found: FoundEvent) -> list[str]:
    event = found.event
    loc = event.location
    where = (
        ", ".join(dict.fromkeys(p for p in (loc.name, loc.admin1, loc.country) if p)) if loc else ""
    )
    if found.distance_km is not None:
        where += f" ({found.distance_km:.1f} km)"
    arranged = sides(event.actors)
    actors = " vs ".join(a for a in (arranged.actor1, arranged.actor2) if a)
    return [
        event.occurred_on,
        event.event_type,
        event.sub_event_type,
        where,
        actors,
        str(event.fatalities),
        event.claim_status,
        str(event.corroboration.independent_sources),
        event.event_id,
    ]


def render_table(found: Sequence[FoundEvent]) -> str:
    """A plain-text table with a header and a count line; "No events match." when empty."""
    if not found:
        return "No events match.\n"
    rows = [_table_cells(f) for f in found]
    widths = [
        min(limit, max(len(title), *(len(r[i]) for r in rows)))
        for i, (title, limit) in enumerate(_TABLE_COLUMNS)
    ]
    numeric = {"FAT", "SRC"}

    def line(cells: Sequence[str]) -> str:
        out = []
        for (title, _), width, cell in zip(_TABLE_COLUMNS, widths, cells, strict=True):
            text = _shorten(cell, width)
            out.append(text.rjust(width) if title in numeric else text.ljust(width))
        return "  ".join(out).rstrip()

    lines = [line([t for t, _ in _TABLE_COLUMNS]), line(["-" * w for w in widths])]
    lines.extend(line(r) for r in rows)
    lines.append(f"{len(found)} event{'s' if len(found) != 1 else ''}")
    return "\n".join(lines) + "\n"


def to_json(found: Sequence[FoundEvent]) -> str:
    """A JSON array of event records (plus ``distance_km`` when known), indented for reading."""
    records: list[Any] = []
    for f in found:
        record = orjson.loads(encode(f.event))
        if f.distance_km is not None:
            record["distance_km"] = round(f.distance_km, 3)
        records.append(record)
    return orjson.dumps(records, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def geojson_feature(found: FoundEvent) -> dict[str, Any]:
    """One event as a GeoJSON ``Feature``."""
    event = found.event
    loc = event.location
    arranged = sides(event.actors)
    geometry = (
        {"type": "Point", "coordinates": [loc.longitude, loc.latitude]} if loc is not None else None
    )
    properties: dict[str, Any] = {
        "event_id": event.event_id,
        "version": event.version,
        "event_date": event.occurred_on,
        "time_precision": event.time_precision,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": arranged.actor1,
        "actor2": arranged.actor2,
        "actors": [a.name for a in event.actors],
        "location": loc.name if loc else None,
        "admin1": loc.admin1 if loc else None,
        "admin2": loc.admin2 if loc else None,
        "country": loc.country if loc else None,
        "country_code": loc.country_code if loc else None,
        "geonames_id": loc.geonames_id if loc else None,
        "geo_precision": loc.geo_precision if loc else None,
        "fatalities": event.fatalities,
        "claim_status": event.claim_status,
        "claimed_by": list(event.claimed_by),
        "independent_sources": event.corroboration.independent_sources,
        "outlets": list(event.corroboration.outlets),
        "sides": list(event.corroboration.sides),
        "reports": [link.report_id for link in event.reports],
        "first_seen": event.first_seen,
        "last_seen": event.last_seen,
        "updated_at": event.updated_at,
    }
    if found.distance_km is not None:
        properties["distance_km"] = round(found.distance_km, 3)
    return {"type": "Feature", "id": event.event_id, "geometry": geometry, "properties": properties}


def to_geojson(found: Sequence[FoundEvent]) -> str:
    """An RFC 7946 ``FeatureCollection`` of the events (WGS 84 longitude, latitude)."""
    collection = {"type": "FeatureCollection", "features": [geojson_feature(f) for f in found]}
    return orjson.dumps(collection, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def to_acled_csv(found: Sequence[FoundEvent]) -> str:
    """ACLED's header line and one coded row per event."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    for f in found:
        writer.writerow(acled_row(f.event))
    return buffer.getvalue()


def render(found: Sequence[FoundEvent], fmt: Format) -> str:
    """The events in ``fmt``."""
    if fmt == "json":
        return to_json(found)
    if fmt == "geojson":
        return to_geojson(found)
    if fmt == "csv":
        return to_acled_csv(found)
    return render_table(found)
