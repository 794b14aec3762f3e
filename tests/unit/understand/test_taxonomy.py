from __future__ import annotations

from sitrep.understand import taxonomy


def test_acled_has_six_event_types_and_twenty_five_sub_event_types() -> None:
    assert len(taxonomy.EVENT_TYPES) == 6
    assert sum(len(subs) for subs in taxonomy.SUB_EVENT_TYPES.values()) == 25


def test_every_sub_event_type_maps_back_to_its_event_type() -> None:
    for event_type, subs in taxonomy.SUB_EVENT_TYPES.items():
        for sub in subs:
            assert taxonomy.is_valid(event_type, sub)
    assert not taxonomy.is_valid(taxonomy.BATTLES, taxonomy.AIR_DRONE_STRIKE)
