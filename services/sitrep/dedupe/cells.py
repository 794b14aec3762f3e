"""Place cells: the key that brings every report about one area to one partition.

A cell is ``"{country}:{admin1}"`` (``"SY:Idlib"``) for a candidate placed at least to a first-level
administrative division, ``"{country}:*"`` for one placed only in a country, and ``"*"`` for one
without a place. Two candidates can only merge when they share a cell, so:

- a town and a governorate-level (geo precision 3) mention of its governorate meet;
- two towns on either side of a governorate border never merge (a deliberate limit: ACLED codes
  events per location, and a border is rarely crossed by one report's event);
- candidates without a place meet only each other, in the one coarse ``"*"`` cell.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Final

from sitrep.records.model import Location, Report

NO_PLACE: Final = "*"


def place_cell(location: Location | None) -> str:
    """The cell of a candidate's location (see the module docstring for the three shapes).
    Interned: state keeps one string per cell however many reports point to it."""
    if location is None:
        return NO_PLACE
    country = (location.country_code or location.country).strip().upper()
    if not country:
        return NO_PLACE
    admin1 = (location.admin1 or "").strip()
    return sys.intern(f"{country}:{admin1 or '*'}")


def report_cells(report: Report, previous: Iterable[str] = ()) -> tuple[str, ...]:
    """Every cell ``report`` must be sent to, sorted: the cells of its candidates, plus
    ``previous`` — the cells an earlier version of the report went to — so that an edit or a
    deletion withdraws the old candidates where they were merged. A deleted report goes to its
    previous cells only. The stream keeps ``previous`` per report id; so does
    :class:`~sitrep.dedupe.ledger.EventLedger`."""
    cells = set(previous)
    if not report.deleted:
        cells.update(place_cell(c.location) for c in report.candidates)
    return tuple(sorted(cells))
