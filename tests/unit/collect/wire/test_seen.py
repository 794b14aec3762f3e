"""The bounded per-feed record of delivered items, and its file store."""

from __future__ import annotations

from pathlib import Path

from sitrep.collect.wire.seen import FeedState, FeedStateStore, SeenItems, Sighting


def _s(native_id: str, content: str, *, deleted: bool = False) -> Sighting:
    return Sighting(native_id, f"hash-{content}", f"https://x/{native_id}", deleted)


def _deliver(seen: SeenItems, sightings: list[Sighting]) -> list[tuple[str, int, str]]:
    comparison = seen.changes(sightings)
    seen.remember(sightings, comparison.changes)
    return [(c.sighting.native_id, c.version, c.kind) for c in comparison.changes]


def test_unknown_items_are_new_at_version_zero() -> None:
    assert _deliver(SeenItems(), [_s("a", "1"), _s("b", "2")]) == [("a", 0, "new"), ("b", 0, "new")]


def test_unchanged_items_are_not_delivered_again() -> None:
    seen = SeenItems()
    _deliver(seen, [_s("a", "1")])
    comparison = seen.changes([_s("a", "1")])
    assert comparison.changes == ()
    assert comparison.unchanged == 1


def test_changed_content_under_the_same_guid_is_a_new_version() -> None:
    seen = SeenItems()
    _deliver(seen, [_s("a", "1")])
    assert _deliver(seen, [_s("a", "2")]) == [("a", 1, "edit")]
    assert _deliver(seen, [_s("a", "3")]) == [("a", 2, "edit")]


def test_withdrawal_of_a_known_item_is_a_delete_version() -> None:
    seen = SeenItems()
    _deliver(seen, [_s("a", "1")])
    assert _deliver(seen, [_s("a", "gone", deleted=True)]) == [("a", 1, "delete")]


def test_second_entry_with_the_same_guid_in_a_document_is_a_duplicate() -> None:
    seen = SeenItems()
    comparison = seen.changes([_s("a", "1"), _s("a", "other")])
    assert [c.sighting.content_hash for c in comparison.changes] == ["hash-1"]
    assert comparison.duplicates == 1
    seen.remember([_s("a", "1"), _s("a", "other")], comparison.changes)
    assert seen.changes([_s("a", "1"), _s("a", "other")]).changes == ()  # no flip-flop


def test_same_story_under_a_new_guid_is_a_duplicate() -> None:
    seen = SeenItems()
    _deliver(seen, [_s("a", "1")])
    comparison = seen.changes([_s("a2", "1")])
    assert comparison.changes == ()
    assert comparison.duplicates == 1


def test_record_is_bounded_and_evicts_what_left_the_feed_first() -> None:
    seen = SeenItems(capacity=3)
    _deliver(seen, [_s("old", "0")])
    for n in range(1, 4):
        _deliver(seen, [_s(f"n{n}", str(n))])
    assert len(seen) == 3
    assert "old" not in seen
    assert all(f"n{n}" in seen for n in range(1, 4))


def test_items_still_in_the_feed_are_never_evicted() -> None:
    seen = SeenItems(capacity=2)
    document = [_s(f"i{n}", str(n)) for n in range(5)]
    _deliver(seen, document)
    assert len(seen) == 5  # never fewer than the document holds
    assert seen.changes(document).changes == ()


def test_state_survives_a_restart_through_its_file(tmp_path: Path) -> None:
    store = FeedStateStore(tmp_path / "wire")
    state = FeedState("levant-wire", "https://x/rss", etag='"v1"', last_modified="Fri, 06 Dec 2024")
    _deliver(state.seen, [_s("a", "1")])
    _deliver(state.seen, [_s("a", "2")])
    store.save(state)
    loaded = FeedStateStore(tmp_path / "wire").load("levant-wire", "https://x/rss")
    assert (loaded.etag, loaded.last_modified) == ('"v1"', "Fri, 06 Dec 2024")
    assert loaded.seen.version_of("a") == 1
    assert _deliver(loaded.seen, [_s("a", "3")]) == [("a", 2, "edit")]


def test_validators_are_dropped_when_the_feed_moved(tmp_path: Path) -> None:
    store = FeedStateStore(tmp_path)
    store.save(FeedState("f", "https://old.example.org/rss", etag='"v1"'))
    loaded = store.load("f", "https://new.example.org/rss")
    assert loaded.etag is None


def test_corrupt_state_file_is_moved_aside_and_the_feed_starts_fresh(tmp_path: Path) -> None:
    store = FeedStateStore(tmp_path)
    store.path_for("f").write_bytes(b'{"format": 1, "seen": {"items": [["a"]]}}')
    loaded = store.load("f", None)
    assert len(loaded.seen) == 0
    assert store.path_for("f").with_suffix(".corrupt").exists()


def test_feed_ids_map_to_distinct_safe_file_names(tmp_path: Path) -> None:
    store = FeedStateStore(tmp_path)
    a, b = store.path_for("news/../../etc"), store.path_for("news_.._.._etc")
    assert a != b
    assert a.parent == b.parent == tmp_path
