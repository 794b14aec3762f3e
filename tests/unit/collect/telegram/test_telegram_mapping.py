"""Telethon messages -> raw items (pure mapping), on real Telethon TL objects."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import jsonschema
import pytest
from telethon.tl import types
from tests.conftest import REPO
from tests.fixtures.telegram.fake_telegram import (
    BASE,
    forwarded_from,
    message,
    photo,
    service_message,
    video,
)

from sitrep.collect.telegram.mapping import (
    ChannelInfo,
    TelegramMappingError,
    album_to_item,
    deletion_to_item,
    group_albums,
    media_summary,
    message_to_item,
)
from sitrep.records.codec import decode_raw_item, encode
from sitrep.records.model import Forward, Media

CH = 1712345678
INFO = ChannelInfo(CH, "IdlibFieldUpdates", "Idlib Field Updates")
NOW = "2024-12-02T00:00:00Z"


def test_message_becomes_raw_item_keyed_by_bare_channel_id() -> None:
    item = message_to_item(message(CH, 42, "Shelling on Kansafra"), INFO, NOW)
    assert (item.item_id, item.source_kind, item.source_id, item.native_id) == (
        "telegram:1712345678:42",
        "telegram",
        "1712345678",
        "42",
    )
    assert item.text == "Shelling on Kansafra"
    assert item.published_at == "2024-12-01T08:42:00Z"
    assert item.collected_at == NOW
    assert item.url == "https://t.me/IdlibFieldUpdates/42"
    assert item.provenance.channel_username == "IdlibFieldUpdates"
    assert item.provenance.channel_title == "Idlib Field Updates"
    assert (item.provenance.views, item.provenance.forwards) == (1200, 4)


def test_private_channel_links_use_the_c_form() -> None:
    item = message_to_item(message(CH, 7), ChannelInfo(CH, None, "Private"), NOW)
    assert item.url == "https://t.me/c/1712345678/7"


def test_never_edited_message_has_version_zero() -> None:
    item = message_to_item(message(CH, 1, "x"), INFO, NOW)
    assert item.version == 0
    assert not item.provenance.edited


def test_edit_date_is_the_version() -> None:
    edited = BASE + timedelta(hours=3, seconds=17)
    item = message_to_item(message(CH, 1, "corrected", edit_date=edited), INFO, NOW)
    assert item.version == int(edited.timestamp())
    assert item.provenance.edited


def test_forward_names_origin_channel_message_date_and_author() -> None:
    origin_date = datetime(2024, 11, 30, 22, 5, 9, tzinfo=UTC)
    fwd = forwarded_from(1158294765, 8812, origin_date, author="Media office")
    item = message_to_item(message(CH, 3, "copied", fwd_from=fwd), INFO, NOW)
    assert item.provenance.forward == Forward(
        channel_id="1158294765",
        message_id=8812,
        date="2024-11-30T22:05:09Z",
        from_name="Media office",
    )


def test_forward_from_a_hidden_user_keeps_only_the_name() -> None:
    fwd = types.MessageFwdHeader(date=BASE, from_name="Abu Omar")
    item = message_to_item(message(CH, 3, "x", fwd_from=fwd), INFO, NOW)
    assert item.provenance.forward == Forward(date="2024-12-01T08:00:00Z", from_name="Abu Omar")


def test_entities_are_sliced_in_utf16_units() -> None:
    # the emoji takes two UTF-16 units: offsets after it are wrong if counted in code points
    text = "🔴 عاجل #إدلب @SyriaCivilDefence https://example.org/a"
    tag = text.index("#إدلب") + 1
    mention = text.index("@") + 1
    url = text.index("https") + 1
    entities = [
        types.MessageEntityHashtag(offset=tag, length=5),
        types.MessageEntityMention(offset=mention, length=len("@SyriaCivilDefence")),
        types.MessageEntityUrl(offset=url, length=len("https://example.org/a")),
    ]
    item = message_to_item(message(CH, 1, text, entities=entities), INFO, NOW)
    assert item.provenance.hashtags == ("#إدلب",)
    assert item.provenance.mentions == ("@SyriaCivilDefence",)
    assert item.provenance.links == ("https://example.org/a",)


def test_text_links_give_their_hidden_target() -> None:
    entities = [types.MessageEntityTextUrl(offset=0, length=4, url="https://example.org/statement")]
    item = message_to_item(message(CH, 1, "here", entities=entities), INFO, NOW)
    assert item.provenance.links == ("https://example.org/statement",)


def test_photo_is_summarized_with_its_largest_size() -> None:
    summary = media_summary(photo(555, size=200_000))
    assert summary == Media(
        type="photo", mime="image/jpeg", size=200_000, file_unique_id="photo:555"
    )


def test_video_is_summarized_from_its_document() -> None:
    summary = media_summary(video(777, size=5_000_000))
    assert summary == Media(
        type="video", mime="video/mp4", size=5_000_000, file_unique_id="document:777"
    )


def test_place_gives_a_geo_uri() -> None:
    geo = types.MessageMediaGeo(geo=types.GeoPoint(long=36.5412, lat=35.7402, access_hash=1))
    assert media_summary(geo) == Media(type="geo", url="geo:35.7402,36.5412")


def test_other_media_are_named_after_their_type() -> None:
    dice = types.MessageMediaDice(value=3, emoticon="🎲")
    assert media_summary(dice) == Media(type="dice")


def test_reply_in_the_same_channel_is_recorded() -> None:
    header = types.MessageReplyHeader(reply_to_msg_id=40)
    assert (
        message_to_item(message(CH, 41, "x", reply_to=header), INFO, NOW).provenance.reply_to == 40
    )


def test_reply_to_another_chat_is_not_recorded() -> None:
    header = types.MessageReplyHeader(reply_to_msg_id=40, reply_to_peer_id=types.PeerChannel(99))
    assert (
        message_to_item(message(CH, 41, "x", reply_to=header), INFO, NOW).provenance.reply_to
        is None
    )


def test_album_becomes_one_item_with_all_media() -> None:
    parts = [
        message(CH, 12, "", grouped_id=900, media=photo(3)),
        message(CH, 10, "صور من موقع القصف", grouped_id=900, media=photo(1)),
        message(CH, 11, "", grouped_id=900, media=video(2)),
    ]
    item = album_to_item(parts, INFO, NOW)
    assert item.native_id == "10"
    assert item.text == "صور من موقع القصف"
    assert item.provenance.album_id == "900"
    assert item.provenance.album_message_ids == (10, 11, 12)
    assert [m.type for m in item.provenance.media] == ["photo", "video", "photo"]
    assert item.provenance.media[0].caption == "صور من موقع القصف"


def test_album_version_is_the_newest_edit_of_any_part() -> None:
    later = BASE + timedelta(hours=5)
    parts = [
        message(CH, 10, "a", grouped_id=900, media=photo(1), edit_date=BASE + timedelta(hours=1)),
        message(CH, 11, "b", grouped_id=900, media=photo(2), edit_date=later),
    ]
    assert album_to_item(parts, INFO, NOW).version == int(later.timestamp())


def test_messages_of_different_albums_are_refused_as_one() -> None:
    parts = [
        message(CH, 10, grouped_id=1, media=photo(1)),
        message(CH, 11, grouped_id=2, media=photo(2)),
    ]
    with pytest.raises(TelegramMappingError, match="grouped_id"):
        album_to_item(parts, INFO, NOW)


def test_message_of_another_channel_is_refused() -> None:
    with pytest.raises(TelegramMappingError, match="not channel"):
        message_to_item(message(99, 1, "x"), INFO, NOW)


def test_message_without_date_is_refused() -> None:
    broken = types.Message(id=5, peer_id=types.PeerChannel(CH), date=None, message="x")
    with pytest.raises(TelegramMappingError, match="no date"):
        message_to_item(broken, INFO, NOW)


def test_deletion_is_a_tombstone_versioned_by_deletion_time() -> None:
    deleted_at = datetime(2024, 12, 2, 10, 0, tzinfo=UTC)
    item = deletion_to_item(INFO, 42, deleted_at, NOW)
    assert item.item_id == "telegram:1712345678:42"
    assert item.deleted
    assert item.text == ""
    assert item.version == int(deleted_at.timestamp())


def test_group_albums_keeps_album_runs_together() -> None:
    messages = [
        message(CH, 1, "a"),
        message(CH, 2, grouped_id=7, media=photo(1)),
        message(CH, 3, grouped_id=7, media=photo(2)),
        service_message(CH, 4),
        message(CH, 5, grouped_id=8, media=photo(3)),
    ]
    assert [[m.id for m in g] for g in group_albums(messages)] == [[1], [2, 3], [4], [5]]


def test_items_match_the_raw_item_json_schema() -> None:
    schema = json.loads((REPO / "schemas" / "raw_item.v1.schema.json").read_text(encoding="utf-8"))
    fwd = forwarded_from(1158294765, 8812, BASE, author="Media office")
    items = [
        message_to_item(message(CH, 1, "x", fwd_from=fwd, media=video(2)), INFO, NOW),
        album_to_item([message(CH, 2, "a", grouped_id=1, media=photo(1))], INFO, NOW),
        deletion_to_item(INFO, 3, BASE, NOW),
    ]
    for item in items:
        data = encode(item)
        jsonschema.validate(json.loads(data), schema)
        assert decode_raw_item(data) == item
