"""Uniquely numbered raw items whose events are known in advance, for the fault suite.

Item ``i`` belongs to group ``i // REPORTS_PER_GROUP``; the members of a group report one event
(same type, town and day) from different sources in different words; groups differ by
governorate or by at least :data:`DAYS_APART` days, so no two groups can merge. The fault suite checks the
database against these groups: every item one report, every group one event.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sitrep.records import RawItem
from sitrep.records.model import Provenance
from sitrep.records.times import to_iso

REPORTS_PER_GROUP = 4
DAYS_APART = 6
TOWNS = (
    "Saraqib", "Rastan", "Suran", "Manbij", "Douma", "Busra al-Sham", "Qamishli", "Tabqa",
    "Mayadin", "Jableh", "Banias", "Shahba",
)  # fmt: skip
"""One town per governorate: on any day, no two groups of the corpus are near each other, so
which events are one is not a matter of judgment (near-misses are the dev set's job)."""
TEMPLATES = (
    (
        "Government warplanes carried out air strikes on {town} on {day}, residents said.",
        "Russian jets bombed {town} in an air raid on {day}, according to local activists.",
        "An air strike hit the town of {town} on {day}, a war monitor reported.",
        "Airstrikes targeted {town} on {day}; rescuers said buildings were destroyed.",
    ),
    (
        "Army artillery shelled {town} on {day}, residents said.",
        "Government forces shelled the town of {town} with artillery on {day}.",
        "Heavy artillery shelling hit {town} on {day}, according to a war monitor.",
        "Rocket and artillery fire pounded {town} on {day}, local sources said.",
    ),
    (
        "Fierce clashes broke out between rebels and government forces in {town} on {day}.",
        "Rebel fighters clashed with army troops near {town} on {day}, a monitor said.",
        "Heavy fighting between opposition factions and regime forces in {town} on {day}.",
        "Armed clashes erupted in {town} on {day} between the army and rebel groups.",
    ),
)
SOURCES = (
    ("telegram", "1700000001"), ("telegram", "1700000002"), ("wire", "fault-wire-a"),
    ("telegram", "1700000003"), ("wire", "fault-wire-b"), ("telegram", "1700000004"),
)  # fmt: skip
FILLERS = (
    "Witnesses described panic in the market as families packed their belongings.",
    "The local council said it was counting the damage to homes.",
    "Footage shared online showed smoke rising above a row of shops.",
    "A school nearby had been closed since the start of the week.",
    "Aid groups said roads leading north were crowded with cars and trucks.",
    "Electricity and mobile networks were cut for several hours afterwards.",
    "A teacher said the bakery on the main street stopped working.",
    "Farmers on the outskirts said they could not reach their fields.",
    "Volunteers from the civil defence searched damaged buildings through the night.",
    "Prices of bread and petrol doubled within a day, traders said.",
    "The local hospital asked residents to donate blood.",
    "Mosque loudspeakers urged people to stay indoors.",
    "Several families were seen leaving on foot towards nearby villages.",
    "A journalist in the area said communications were patchy.",
    "Photos showed a collapsed water tower and burned vehicles.",
    "Residents said the power came back in the evening.",
)
BASE = datetime(2023, 1, 2, 8, 0, tzinfo=UTC)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class Group:
    number: int
    town: str
    day: datetime
    kind: int


def group(number: int) -> Group:
    town_index = number % len(TOWNS)
    round_ = number // len(TOWNS)
    kind = (town_index + round_) % len(TEMPLATES)
    return Group(number, TOWNS[town_index], BASE + timedelta(days=round_ * DAYS_APART), kind)


def _details(i: int, lead: str) -> str:
    """The lead sentence plus item-specific detail, so no two items are near-copies."""
    rng = random.Random(i)
    houses = rng.randint(2, 95)
    return " ".join(
        (lead, *rng.sample(FILLERS, 3), f"At least {houses} houses were damaged (ref {i}).")
    )


def item(i: int) -> RawItem:
    g = group(i // REPORTS_PER_GROUP)
    member = i % REPORTS_PER_GROUP
    kind, source_id = SOURCES[(i // REPORTS_PER_GROUP + member) % len(SOURCES)]
    native_id = str(100000 + i)
    published = g.day + timedelta(hours=member)
    text = TEMPLATES[g.kind][member].format(town=g.town, day=WEEKDAYS[g.day.weekday()])
    return RawItem(
        item_id=f"{kind}:{source_id}:{native_id}",
        source_kind=kind,  # type: ignore[arg-type]
        source_id=source_id,
        native_id=native_id,
        text=" ".join((text, FILLERS[(i * 7) % len(FILLERS)], FILLERS[(i * 11 + 3) % len(FILLERS)]))
        + f" (ref {i})",
        published_at=to_iso(published),
        collected_at=to_iso(published + timedelta(seconds=30)),
        provenance=Provenance(outlet=source_id),
    )


def items(n: int) -> Iterator[RawItem]:
    for i in range(n):
        yield item(i)


def expected_groups(n: int) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for i in range(n):
        out.setdefault(i // REPORTS_PER_GROUP, set()).add(item(i).item_id)
    return out
