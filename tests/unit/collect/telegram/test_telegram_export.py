"""Telegram Desktop exports (result.json) -> raw items, on a realistic fixture."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jsonschema
import orjson
import pytest
from tests.conftest import FIXTURES, REPO

from sitrep.cli import main
from sitrep.collect.telegram.export import ExportError, read_export
from sitrep.records.codec import decode_raw_item
from sitrep.records.model import Forward, Media, RawItem

RESULT = FIXTURES / "telegram" / "result.json"
NOW = "2024-12-02T00:00:00Z"
CH = "1712345678"


def imported(data: Any = None, **kwargs: Any) -> dict[str, RawItem]:
    result = read_export(
        data if data is not None else RESULT.read_bytes(), collected_at=NOW, **kwargs
    )
    return {item.native_id: item for item in result.items}


def one_chat(*messages: Any) -> dict[str, Any]:
    return {"name": "Test", "type": "public_channel", "id": 1001, "messages": list(messages)}


def test_fixture_gives_one_item_per_post_and_one_per_album() -> None:
    result = read_export(RESULT.read_bytes(), collected_at=NOW)
    # 14 messages: 2 service messages, an album of 3 photos -> 10 items
    assert (result.messages, result.service_messages, result.albums) == (14, 2, 1)
    assert [i.native_id for i in result.items] == [
        "2",
        "3",
        "4",
        "5",
        "8",
        "9",
        "11",
        "12",
        "13",
        "14",
    ]
    assert not result.rejects


def test_items_are_keyed_like_the_live_collector() -> None:
    item = imported()["2"]
    assert (item.item_id, item.source_kind, item.source_id) == (f"telegram:{CH}:2", "telegram", CH)
    assert item.published_at == "2024-12-01T08:14:32Z"
    assert item.provenance.channel_title == "Idlib Field Updates"


def test_text_as_entity_array_is_flattened_with_links_and_hashtags() -> None:
    item = imported()["2"]
    assert item.text.endswith("Details: https://example.org/reports/kansafra-0112 #Idlib")
    assert item.provenance.links == ("https://example.org/reports/kansafra-0112",)
    assert item.provenance.hashtags == ("#Idlib",)


def test_arabic_text_and_hashtag_are_kept() -> None:
    item = imported()["3"]
    assert item.text.startswith("قصف مدفعي لقوات النظام على بلدة كنصفرة")
    assert item.provenance.hashtags == ("#إدلب",)


def test_text_links_and_mentions_are_recorded() -> None:
    item = imported()["12"]
    assert item.text == "Statement from @SyriaCivilDefence on today's strikes: read it here #Syria"
    assert item.provenance.links == ("https://example.org/statements/2024-12-01",)
    assert item.provenance.mentions == ("@SyriaCivilDefence",)


def test_forward_origin_is_recorded_with_channel_id_when_given() -> None:
    items = imported()
    assert items["4"].provenance.forward == Forward(
        channel_id="1158294765", from_name="Syria Civil Defence (White Helmets)"
    )
    assert items["13"].provenance.forward == Forward(from_name="Step News Agency")


def test_edited_post_is_versioned_by_its_edit_time() -> None:
    item = imported()["8"]
    assert item.version == int(datetime(2024, 12, 1, 11, 31, 44, tzinfo=UTC).timestamp())
    assert item.provenance.edited
    assert imported()["9"].version == 0


def test_album_becomes_one_item_with_every_photo() -> None:
    album = imported()["5"]
    assert album.text == "صور من موقع القصف في كنصفرة صباح اليوم"
    assert album.provenance.album_message_ids == (5, 6, 7)
    assert [m.size for m in album.provenance.media] == [183296, 201544, 176012]
    assert album.provenance.album_id is None


def test_video_file_is_summarized() -> None:
    assert imported()["9"].provenance.media == (
        Media(type="video", mime="video/mp4", size=5242880),
    )


def test_reply_and_place_are_recorded() -> None:
    items = imported()
    assert items["11"].provenance.reply_to == 3
    assert items["14"].provenance.media == (Media(type="geo", url="geo:35.7402,36.5412"),)


def test_username_gives_public_links() -> None:
    item = imported(usernames={int(CH): "IdlibFieldUpdates"})["2"]
    assert item.url == "https://t.me/IdlibFieldUpdates/2"
    assert item.provenance.channel_username == "IdlibFieldUpdates"


def test_older_export_without_unix_times_reads_dates_as_utc() -> None:
    message = {
        "id": 1,
        "type": "message",
        "date": "2019-05-02T10:00:00",
        "text": "old",
        "edited": "2019-05-02T10:05:00",
    }
    item = imported(one_chat(message))["1"]
    assert item.published_at == "2019-05-02T10:00:00Z"
    assert item.version == int(datetime(2019, 5, 2, 10, 5, tzinfo=UTC).timestamp())


def test_same_second_photos_of_different_authors_are_not_an_album() -> None:
    base = {
        "type": "message",
        "date_unixtime": "1733040000",
        "date": "2024-12-01T08:00:00",
        "photo": "p.jpg",
    }
    items = imported(
        one_chat({**base, "id": 1, "from_id": "channel1001"}, {**base, "id": 2, "from_id": "user5"})
    )
    assert sorted(items) == ["1", "2"]


def test_bad_message_is_rejected_with_its_bytes_and_the_others_imported() -> None:
    bad = {"id": 2, "type": "message", "text": "no date"}
    good = {"id": 3, "type": "message", "date_unixtime": "1733040000", "text": "fine"}
    result = read_export(orjson.dumps(one_chat(bad, good)), collected_at=NOW)
    assert [i.native_id for i in result.items] == ["3"]
    [reject] = result.rejects
    assert reject.message_id == 2
    assert "no 'date'" in reject.reason
    assert orjson.loads(reject.raw) == bad


def test_whole_account_export_imports_channels_and_skips_private_chats() -> None:
    channel = one_chat({"id": 9, "type": "message", "date_unixtime": "1733040000", "text": "x"})
    private = {
        "name": "Mum",
        "type": "personal_chat",
        "id": 55,
        "messages": [{"id": 1, "type": "message"}],
    }
    result = read_export(
        orjson.dumps({"about": "...", "chats": {"about": "...", "list": [private, channel]}}),
        collected_at=NOW,
    )
    assert [i.item_id for i in result.items] == ["telegram:1001:9"]
    assert result.skipped_chats == ("Mum (personal_chat)",)


def test_a_file_that_is_not_an_export_is_refused() -> None:
    with pytest.raises(ExportError, match="Telegram Desktop"):
        read_export(b'{"hello": "world"}', collected_at=NOW)
    with pytest.raises(ExportError, match="not valid JSON"):
        read_export(b"<html>", collected_at=NOW)


def test_cli_prints_one_schema_valid_raw_item_per_post(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "import",
            "telegram-export",
            str(RESULT),
            "--jsonl",
            "-",
            "--username",
            "IdlibFieldUpdates",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0
    schema = json.loads((REPO / "schemas" / "raw_item.v1.schema.json").read_text(encoding="utf-8"))
    lines = out.splitlines()
    for line in lines:
        jsonschema.validate(json.loads(line), schema)
    items = [decode_raw_item(line) for line in lines]
    assert [i.native_id for i in items] == ["2", "3", "4", "5", "8", "9", "11", "12", "13", "14"]
    assert items[2].provenance.forward is not None
    assert "10 raw items from 14 messages" in err
