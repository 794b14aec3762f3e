"""The benchmark corpus: deterministic, valid, realistic in the ways the benchmarks rely on."""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import pairwise

from bench.corpus import (
    DEFAULT_SPAN,
    DEFAULT_START,
    NON_EVENTS_AR,
    NON_EVENTS_EN,
    OUTLETS,
    TOWNS,
    live,
    raw_items,
    sources_document,
)

from sitrep.records import decode_raw_item, encode
from sitrep.records.times import parse_iso
from sitrep.sources import SourceRegistry

SAMPLE = 5_000
NON_EVENTS = frozenset(NON_EVENTS_EN) | frozenset(NON_EVENTS_AR)


def test_the_same_seed_gives_the_same_items_byte_for_byte() -> None:
    first = [encode(i) for i in raw_items(500, seed=3)]
    again = [encode(i) for i in raw_items(500, seed=3)]
    other = [encode(i) for i in raw_items(500, seed=4)]
    assert first == again
    assert first != other


def test_every_item_decodes_as_the_raw_item_it_was() -> None:
    for item in raw_items(SAMPLE):
        assert decode_raw_item(encode(item)) == item


def test_item_ids_are_unique() -> None:
    ids = [i.item_id for i in raw_items(SAMPLE)]
    assert len(set(ids)) == len(ids)


def test_about_thirty_percent_are_not_events() -> None:
    share = sum(i.text in NON_EVENTS for i in raw_items(SAMPLE)) / SAMPLE
    assert 0.26 <= share <= 0.34


def test_english_and_arabic_both_carry_a_large_share() -> None:
    items = list(raw_items(SAMPLE))
    arabic = sum(i.lang == "ar" for i in items) / SAMPLE
    assert 0.3 <= arabic <= 0.7
    assert all(re.search("[\u0600-\u06ff]", i.text) for i in items if i.lang == "ar")


def test_reports_name_most_of_the_towns() -> None:
    texts = [i.text for i in raw_items(SAMPLE)]
    named = {t for t in TOWNS if any(t.name in x or t.arabic in x for x in texts)}
    assert len(named) >= 0.9 * len(TOWNS)


def test_publication_times_spread_over_the_span_in_near_order() -> None:
    times = [parse_iso(i.published_at or "") for i in raw_items(SAMPLE)]
    assert min(times) >= DEFAULT_START
    assert max(times) - min(times) >= DEFAULT_SPAN * 0.8
    assert max(times) <= DEFAULT_START + DEFAULT_SPAN * 1.2
    assert all(later >= earlier - timedelta(hours=12) for earlier, later in pairwise(times))


def test_collection_follows_publication() -> None:
    for item in raw_items(SAMPLE):
        gap = parse_iso(item.collected_at) - parse_iso(item.published_at or "")
        assert timedelta(0) < gap < timedelta(minutes=10)


def test_a_forward_names_a_post_seen_earlier_in_the_stream() -> None:
    seen: set[str] = set()
    forwards = 0
    for item in raw_items(SAMPLE):
        fwd = item.provenance.forward
        if fwd is not None:
            forwards += 1
            assert f"telegram:{fwd.channel_id}:{fwd.message_id}" in seen
        seen.add(item.item_id)
    assert forwards >= SAMPLE * 0.01


def test_one_event_is_reported_by_several_sources() -> None:
    by_text_prefix: dict[str, set[str]] = {}
    for item in raw_items(SAMPLE):
        if item.text not in NON_EVENTS and item.provenance.forward is None:
            by_text_prefix.setdefault(item.text[:40], set()).add(item.source_id)
    assert any(len(sources) >= 2 for sources in by_text_prefix.values())


def test_the_sources_document_describes_every_outlet_of_the_stream() -> None:
    registry = SourceRegistry.from_dict(sources_document())
    assert len(registry) == len(OUTLETS)
    for item in raw_items(1_000):
        assert registry.lookup(item.source_kind, item.source_id) is not None


def test_live_moves_publication_along_with_collection() -> None:
    item = next(raw_items(1))
    moment = parse_iso("2030-01-01T00:00:00Z")
    moved = live(item, moment)
    assert parse_iso(moved.collected_at) == moment
    old_gap = parse_iso(item.collected_at) - parse_iso(item.published_at or "")
    assert moment - parse_iso(moved.published_at or "") == old_gap
    assert moved.item_id == item.item_id
