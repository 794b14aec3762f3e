"""The record codec: what downstream teams and our own stages can rely on."""

from __future__ import annotations

import orjson
import pytest

from sitrep.records import (
    Forward,
    Location,
    Media,
    Provenance,
    RawItem,
    RecordError,
    decode_raw_item,
    encode,
)
from sitrep.records.codec import encode_kept, from_obj


def raw_item(**changes: object) -> RawItem:
    base: dict[str, object] = {
        "item_id": "telegram:1500000001:42",
        "source_kind": "telegram",
        "source_id": "1500000001",
        "native_id": "42",
        "text": "Our forces liberated Saraqib at dawn",
        "collected_at": "2024-11-30T06:01:02Z",
        "published_at": "2024-11-30T06:00:00Z",
    }
    base.update(changes)
    return RawItem(**base)  # type: ignore[arg-type]


def test_raw_item_round_trips_with_nested_provenance() -> None:
    item = raw_item(
        provenance=Provenance(
            channel_username="militaryops",
            forward=Forward(channel_id="1500000002", message_id=7, date="2024-11-30T05:59:00Z"),
            media=(Media(type="photo", mime="image/jpeg", size=1234),),
            hashtags=("#Saraqib",),
        )
    )
    assert decode_raw_item(encode(item)) == item


def test_encoded_record_names_its_schema_and_version() -> None:
    obj = orjson.loads(encode(raw_item()))
    assert obj["schema"] == {"name": "sitrep.raw_item", "version": 1}


def test_bytes_that_are_not_json_are_refused_with_a_reason() -> None:
    with pytest.raises(RecordError, match="not valid JSON"):
        decode_raw_item(b"\xff\xfe not json")


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(RecordError):
        decode_raw_item(b'{"text": "\xff"}')


def test_unknown_schema_version_is_refused_with_what_to_do() -> None:
    obj = orjson.loads(encode(raw_item()))
    obj["schema"]["version"] = 2
    with pytest.raises(RecordError, match="unknown version 2"):
        decode_raw_item(orjson.dumps(obj))


def test_wrong_field_type_names_the_field() -> None:
    obj = orjson.loads(encode(raw_item()))
    obj["provenance"]["views"] = "many"
    with pytest.raises(RecordError, match=r"provenance\.views: expected an integer"):
        decode_raw_item(orjson.dumps(obj))


def test_unknown_field_is_refused() -> None:
    obj = orjson.loads(encode(raw_item()))
    obj["colour"] = "red"
    with pytest.raises(RecordError, match="unknown field"):
        decode_raw_item(orjson.dumps(obj))


def test_missing_required_field_is_named() -> None:
    obj = orjson.loads(encode(raw_item()))
    del obj["text"]
    with pytest.raises(RecordError, match=r"missing required field\(s\) \['text'\]"):
        decode_raw_item(orjson.dumps(obj))


def test_item_id_must_match_its_parts() -> None:
    with pytest.raises(RecordError, match="should be"):
        decode_raw_item(encode(raw_item(item_id="telegram:1:2")))


def test_huge_number_is_refused_not_overflowed() -> None:
    obj = orjson.loads(encode(raw_item()))
    text = orjson.dumps(obj).replace(b'"version":0', b'"version":' + b"9" * 40)
    with pytest.raises(RecordError):
        decode_raw_item(text)


def test_source_kind_outside_the_enumeration_is_refused() -> None:
    obj = orjson.loads(encode(raw_item()))
    obj["source_kind"] = "fax"
    with pytest.raises(RecordError, match="not one of"):
        decode_raw_item(orjson.dumps(obj))


def test_bad_field_inside_a_list_is_named_with_its_index() -> None:
    obj = orjson.loads(
        encode(raw_item(provenance=Provenance(media=(Media(type="photo"), Media(type="video")))))
    )
    obj["provenance"]["media"][1]["type"] = 7
    with pytest.raises(RecordError, match=r"^provenance\.media\[1\]\.type: expected a string"):
        decode_raw_item(orjson.dumps(obj))


def test_unknown_field_in_a_nested_object_names_the_object() -> None:
    obj = orjson.loads(encode(raw_item()))
    obj["provenance"]["colour"] = "red"
    with pytest.raises(RecordError, match=r"^provenance: unknown field\(s\) \['colour'\]"):
        decode_raw_item(orjson.dumps(obj))


def test_whole_record_of_the_wrong_shape_is_named_record() -> None:
    with pytest.raises(RecordError, match=r"^record: expected a JSON object"):
        decode_raw_item(b"[1, 2]")


def test_integer_for_a_float_field_is_accepted_as_a_float() -> None:
    place = {"name": "Deraa", "country": "Syria", "latitude": 32, "longitude": 36.1}
    decoded = from_obj(Location, {**place, "geo_precision": 1})
    assert decoded.latitude == 32.0 and type(decoded.latitude) is float
    with pytest.raises(RecordError, match=r"^latitude: expected a number, got 'north'"):
        from_obj(Location, {**place, "latitude": "north", "geo_precision": 1})


def test_bad_string_in_a_list_of_strings_is_named_with_its_index() -> None:
    obj = orjson.loads(encode(raw_item(provenance=Provenance(hashtags=("#Hama", "#Homs")))))
    obj["provenance"]["hashtags"][1] = None
    with pytest.raises(
        RecordError, match=r"^provenance\.hashtags\[1\]: expected a string, got None"
    ):
        decode_raw_item(orjson.dumps(obj))


def test_kept_bytes_are_allocated_at_their_length() -> None:
    """orjson's result keeps its 4 KiB output buffer; a cached copy must not (the processor
    holds several per report in its cell states)."""
    import tracemalloc

    value = {"text": "x" * 300, "n": [1, 2, 3]}
    assert encode_kept(value) == encode(value)
    tracemalloc.start()
    try:
        plain = [encode(value) for _ in range(100)]
        with_plain = tracemalloc.get_traced_memory()[0]
        kept = [encode_kept(value) for _ in range(100)]
        with_kept = tracemalloc.get_traced_memory()[0] - with_plain
    finally:
        tracemalloc.stop()
    assert len(plain) == len(kept) == 100
    assert with_kept < 100 * 500  # ~360 bytes each
