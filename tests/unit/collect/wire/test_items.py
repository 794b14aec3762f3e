"""From entries to raw items: identity, text fallbacks, times, dateline and attribution."""

from __future__ import annotations

from datetime import UTC, datetime

from sitrep.collect.wire.entries import WireEntry
from sitrep.collect.wire.items import (
    content_hash,
    feed_slug,
    has_content,
    native_id_of,
    public_url,
    to_raw_item,
)
from sitrep.records.codec import decode_raw_item, encode
from sitrep.records.model import RawItem
from sitrep.sources import Source

FEED = Source(id="levant-wire", kind="wire", url="https://levant-wire.example.org/rss",
              outlet="Levant Wire", language="en")  # fmt: skip
FETCHED = datetime(2024, 12, 6, 22, 0, 5, tzinfo=UTC)


def _item(entry: WireEntry, **kwargs: object) -> RawItem:
    args: dict[str, object] = {
        "feed": FEED,
        "feed_format": "rss",
        "feed_url": FEED.url,
        "native_id": native_id_of(entry),
        "version": 0,
        "collected_at": FETCHED,
    }
    args.update(kwargs)
    return to_raw_item(entry, **args)  # type: ignore[arg-type]


def test_native_id_is_the_guid_then_the_link_then_the_content_hash() -> None:
    assert native_id_of(WireEntry(guid="g-1", link="https://x/1", title="t")) == "g-1"
    assert native_id_of(WireEntry(link="https://x/1", title="t")) == "https://x/1"
    untitled = WireEntry(title="Flash: explosion heard in Homs")
    assert native_id_of(untitled) == f"sha256:{content_hash(untitled)}"


def test_content_hash_changes_with_the_story_not_with_its_times() -> None:
    story = WireEntry(guid="g", title="t", text="Shelling hit Saraqib.")
    later = WireEntry(guid="g", title="t", text="Shelling hit Saraqib.", published_at=FETCHED)
    edited = WireEntry(guid="g", title="t", text="Shelling hit Saraqib; two wounded.")
    assert content_hash(story) == content_hash(later) != content_hash(edited)


def test_raw_item_follows_the_wire_conventions_and_decodes() -> None:
    entry = WireEntry(
        guid="levant-wire-1001",
        link="https://levant-wire.example.org/a/1",
        title="Shelling reported east of Saraqib",
        text="BEIRUT (Reuters) – Artillery shelled Saraqib, state news agency SANA said.",
        published_at=datetime(2024, 12, 6, 18, 14, 3, tzinfo=UTC),
        byline="Staff reporter",
        subjects=("Syria",),
    )
    item = _item(entry, version=2)
    assert item.item_id == "wire:levant-wire:levant-wire-1001"
    assert (item.source_kind, item.source_id, item.native_id, item.version) == (
        "wire",
        "levant-wire",
        "levant-wire-1001",
        2,
    )
    assert item.published_at == "2024-12-06T18:14:03Z"
    assert item.collected_at == "2024-12-06T22:00:05Z"
    assert item.lang == "en"
    p = item.provenance
    assert (p.feed_url, p.feed_format, p.outlet, p.byline, p.guid) == (
        "https://levant-wire.example.org/rss",
        "rss",
        "Levant Wire",
        "Staff reporter",
        "levant-wire-1001",
    )
    assert (p.dateline, p.attribution) == ("BEIRUT (Reuters)", "state news agency SANA said")
    assert decode_raw_item(encode(item)) == item


def test_item_without_a_date_gets_the_fetch_time_flagged_as_estimated() -> None:
    item = _item(WireEntry(guid="g", title="t", text="x"))
    assert item.published_at == "2024-12-06T22:00:05Z"
    assert item.provenance.published_at_estimated


def test_headline_only_item_uses_its_headline_as_text() -> None:
    assert _item(WireEntry(guid="g", title="URGENT: explosion in Homs")).text == (
        "URGENT: explosion in Homs"
    )


def test_dateline_credit_is_the_attribution_when_the_lead_names_no_source() -> None:
    item = _item(WireEntry(guid="g", text="GROSSETO, Italy (AP) -- The trial began."))
    assert (item.provenance.dateline, item.provenance.attribution) == ("GROSSETO, Italy (AP)", "AP")


def test_format_dateline_wins_over_the_text_and_located_is_the_last_resort() -> None:
    stated = _item(
        WireEntry(guid="g", text="BEIRUT (Reuters) - x", dateline="HAMA, Syria (Wire Three)")
    )
    assert (stated.provenance.dateline, stated.provenance.attribution) == (
        "HAMA, Syria (Wire Three)",
        "Wire Three",
    )
    located = _item(WireEntry(guid="g", text="Rockets hit a market.", located="Hama, Syria"))
    assert located.provenance.dateline == "Hama, Syria"


def test_full_text_replaces_the_summary() -> None:
    entry = WireEntry(guid="g", text="Short summary.", summary_only=True)
    assert _item(entry, full_text="The whole article.").text == "The whole article."


def test_withdrawn_item_is_a_tombstone_without_text() -> None:
    item = _item(WireEntry(guid="g", title="KILL: casualty report", text="old", deleted=True))
    assert item.deleted
    assert item.text == ""


def test_entry_without_title_or_text_has_no_content_unless_it_withdraws_an_item() -> None:
    assert not has_content(WireEntry(guid="N1"))
    assert has_content(WireEntry(guid="N1", deleted=True))


def test_feed_slug_is_stable_readable_and_bounded() -> None:
    assert (
        feed_slug("https://www.example.org/rss/world?lang=ar")
        == "www-example-org-rss-world-lang-ar"
    )
    long = feed_slug("https://example.org/" + "very-long-path/" * 20)
    assert len(long) <= 60
    assert long == feed_slug("https://example.org/" + "very-long-path/" * 20)
    assert long != feed_slug("https://example.org/" + "very-long-path/" * 21)


def test_feed_url_in_the_record_carries_no_credentials() -> None:
    feed = Source(
        id="ap", kind="wire", url="https://user:pw@api.example.org/feed?apikey=s3cr3t&q=syria"
    )
    item = _item(WireEntry(guid="g", title="t"), feed=feed, feed_url=feed.url)
    assert item.provenance.feed_url == "https://api.example.org/feed?apikey=***&q=syria"
    assert "s3cr3t" not in item.provenance.feed_url
    assert public_url("https://example.org/rss?lang=ar") == "https://example.org/rss?lang=ar"


def test_feed_slug_never_contains_a_key_from_the_address() -> None:
    assert feed_slug("https://api.example.org/feed?apikey=s3cr3t") == "api-example-org-feed-apikey"
