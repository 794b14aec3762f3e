"""Dedupe: copies (forwards, reposts, near-identical texts) and same-event clustering. Pure code.

The faust app keeps each place cell's state in a table and calls these functions; ``sitrep
label`` calls them through :class:`EventLedger`, an in-memory dict of cells. Nothing here
imports Kafka, faust or a database.

- :func:`place_cell` / :func:`report_cells` — where a report's candidates are merged;
- :func:`merge_report` — one report into one cell's :class:`CellState`: new state, changed events
  (:func:`absorb` then :func:`publish`: the stream publishes once per record of reports);
- :func:`expire` — bounded state, by event time;
- the rules: :mod:`~sitrep.dedupe.copies` (near-identical texts),
  :mod:`~sitrep.dedupe.compatibility` (same event or not),
  :mod:`~sitrep.dedupe.canonical` (an event's coding),
  :mod:`~sitrep.dedupe.corroboration` (independent sources, claim status).
"""

from sitrep.dedupe.cells import NO_PLACE, place_cell, report_cells
from sitrep.dedupe.cluster import (
    absorb,
    event_id_for,
    expire,
    merge_report,
    publish,
    render,
    stream_time,
)
from sitrep.dedupe.ledger import EventLedger
from sitrep.dedupe.state import CellState

__all__ = [
    "NO_PLACE",
    "CellState",
    "EventLedger",
    "absorb",
    "event_id_for",
    "expire",
    "merge_report",
    "place_cell",
    "publish",
    "render",
    "report_cells",
    "stream_time",
]
