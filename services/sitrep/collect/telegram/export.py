"""Telegram Desktop exports (``result.json``) as raw items, the same ones the collector makes.

Pure: bytes in, records out. Reads both shapes Telegram Desktop writes: a single chat
(``{"name", "type", "id", "messages": [...]}``) and a whole account (``{"chats": {"list":
[...]}, "left_chats": {"list": [...]}}``). Channels and supergroups are imported; other chats
(private, basic groups, bots, saved messages) are skipped and named in the result.

Per message:

- ``text`` is a string or an array of strings and entity objects (``{"type": "link", "text":
  ...}``, ``{"type": "text_link", "text": ..., "href": ...}``, ``hashtag``, ``mention``, ...);
  links, hashtags and mentions come from ``text_entities`` (or from that array);
- times: ``date_unixtime``/``edited_unixtime`` when present (exact, UTC); older exports only
  have ``date``/``edited`` in the exporting computer's local time, read as UTC;
- ``version`` is the edit time (0 if never edited), as for live items, so an export and the
  live collector produce the same ``item_id`` and comparable versions;
- forwards: the export names the origin (``forwarded_from``, and ``forwarded_from_id`` in
  recent versions) but not the original message id or date, so those stay empty;
- media: ``photo`` and ``file`` (with ``media_type``, ``mime_type``, ``file_size``), places,
  polls and contacts are summarized; files are never read;
- service messages (channel created, title changed, message pinned ...) carry no post and give
  no item; they are counted.

**Albums.** Exports carry no ``grouped_id``; Telegram Desktop writes an album as consecutive
messages, each with one photo or video, sent in the same second. Such a run (same second, same
author, same forward origin, consecutive ids, at most 10) becomes **one item**, exactly as the
live collector makes it: ``native_id`` = the first message id, captions joined, one media
summary per part, ``album_message_ids`` listing every part. ``album_id`` stays empty (the
export does not give it). Two separate single-photo posts sent in the same second by the same
author would be merged: a known limit of the export format.

A message that is not a JSON object or has no usable ``id``/``date`` is rejected with a reason
and its original bytes (for the dead-letter topic); the others are imported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from sitrep.collect.telegram.mapping import SOURCE_KIND, ChannelInfo, TextEntities
from sitrep.records.codec import RecordError, loads, make_item_id
from sitrep.records.model import Forward, Media, Provenance, RawItem
from sitrep.records.times import to_iso

CHANNEL_TYPES: Final = frozenset(
    {"public_channel", "private_channel", "public_supergroup", "private_supergroup"}
)
MAX_ALBUM_PARTS: Final = 10
NOT_INCLUDED: Final = "(File not included."

_FILE_TYPES: Final = {
    "video_file": "video",
    "video_message": "video_note",
    "voice_message": "voice",
    "audio_file": "audio",
    "animation": "animation",
    "sticker": "sticker",
}
_ALBUM_MEDIA: Final = frozenset({"photo", "video", "animation", "document"})


class ExportError(ValueError):
    """The file is not a Telegram Desktop export at all; the message says what was expected."""


class MessageError(ValueError):
    """One exported message is unusable."""


@dataclass(frozen=True, slots=True)
class ExportReject:
    """A message that was not imported: where it was, why, and its original JSON."""

    chat_id: int | None
    message_id: int | None
    reason: str
    raw: bytes


@dataclass(frozen=True, slots=True)
class ExportResult:
    items: tuple[RawItem, ...] = ()
    rejects: tuple[ExportReject, ...] = ()
    messages: int = 0
    service_messages: int = 0
    albums: int = 0
    skipped_chats: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Post:
    """One exported message, parsed."""

    id: int
    published: datetime
    version: int
    text: str
    entities: TextEntities
    media: Media | None
    forward: Forward | None
    reply_to: int | None
    author: str | None
    edited: bool
    raw: Mapping[str, Any] = field(repr=False)


def read_export(
    data: bytes | str | Mapping[str, Any],
    *,
    collected_at: str,
    usernames: Mapping[int, str] | None = None,
) -> ExportResult:
    """Every channel message of an export as raw items (albums as one item), with rejects.

    ``usernames`` maps bare channel ids to public usernames (the export has none) for
    ``channel_username`` and ``t.me`` links. Raises :class:`ExportError` if ``data`` is not an
    export.
    """
    if isinstance(data, Mapping):
        root: Any = data
    else:
        try:
            root = loads(data)
        except RecordError as exc:
            raise ExportError(f"not a Telegram Desktop export: {exc}") from None
    chats = _chats(root)
    results: list[ExportResult] = []
    skipped: list[str] = []
    for chat in chats:
        kind = chat.get("type")
        name = chat.get("name")
        chat_id = chat.get("id")
        if kind not in CHANNEL_TYPES:
            skipped.append(f"{name or chat_id} ({kind})")
            continue
        if type(chat_id) is not int or chat_id <= 0:
            raise ExportError(f"chat {name!r}: 'id' must be a positive integer, got {chat_id!r}")
        username = (usernames or {}).get(chat_id)
        channel = ChannelInfo(chat_id, username, name if isinstance(name, str) else None)
        results.append(_read_chat(chat, channel, collected_at))
    return ExportResult(
        items=tuple(i for r in results for i in r.items),
        rejects=tuple(j for r in results for j in r.rejects),
        messages=sum(r.messages for r in results),
        service_messages=sum(r.service_messages for r in results),
        albums=sum(r.albums for r in results),
        skipped_chats=tuple(skipped),
    )


def _chats(root: Any) -> list[Mapping[str, Any]]:
    if not isinstance(root, dict):
        raise ExportError("not a Telegram Desktop export: expected a JSON object")
    if isinstance(root.get("messages"), list):
        return [root]
    chats: list[Mapping[str, Any]] = []
    for section in ("chats", "left_chats"):
        listing = root.get(section)
        if isinstance(listing, dict) and isinstance(listing.get("list"), list):
            chats.extend(c for c in listing["list"] if isinstance(c, dict))
    if not chats and not any(k in root for k in ("chats", "left_chats")):
        raise ExportError(
            "not a Telegram Desktop export: expected 'messages' (one chat) or 'chats' (a whole "
            "account); export with Telegram Desktop in JSON format"
        )
    return chats


def _read_chat(chat: Mapping[str, Any], channel: ChannelInfo, collected_at: str) -> ExportResult:
    posts: list[_Post] = []
    rejects: list[ExportReject] = []
    messages = chat.get("messages")
    listed = messages if isinstance(messages, list) else []
    service = 0
    for raw in listed:
        if isinstance(raw, dict) and raw.get("type") == "service":
            service += 1
            continue
        try:
            posts.append(_parse(raw))
        except MessageError as exc:
            message_id = raw.get("id") if isinstance(raw, dict) else None
            rejects.append(
                ExportReject(
                    chat_id=channel.channel_id,
                    message_id=message_id if type(message_id) is int else None,
                    reason=f"chat {channel.channel_id} message {message_id}: {exc}",
                    raw=orjson.dumps(raw),
                )
            )
    posts.sort(key=lambda p: p.id)
    groups = group_export_albums(posts)
    return ExportResult(
        items=tuple(_item(group, channel, collected_at) for group in groups),
        rejects=tuple(rejects),
        messages=len(listed),
        service_messages=service,
        albums=sum(1 for g in groups if len(g) > 1),
    )


def _when(raw: Mapping[str, Any], name: str) -> datetime | None:
    unix = raw.get(f"{name}_unixtime")
    if unix is not None:
        try:
            return datetime.fromtimestamp(int(unix), UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            raise MessageError(f"'{name}_unixtime' {unix!r} is not a Unix time") from None
    text = raw.get(name)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        raise MessageError(f"'{name}' {text!r} is not an ISO date and time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _flatten(text: Any) -> tuple[str, list[Mapping[str, Any]]]:
    """Plain text and entity objects from an export ``text`` (string or array)."""
    if text is None:
        return "", []
    if isinstance(text, str):
        return text, []
    if not isinstance(text, list):
        raise MessageError(f"'text' must be a string or an array, got {type(text).__name__}")
    parts: list[str] = []
    entities: list[Mapping[str, Any]] = []
    for part in text:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            parts.append(part["text"])
            entities.append(part)
        else:
            raise MessageError(f"'text' holds {part!r}, neither a string nor an entity object")
    return "".join(parts), entities


def export_entities(entities: Sequence[Mapping[str, Any]]) -> TextEntities:
    """Links (shown and ``text_link`` targets), hashtags and mentions of export entities."""
    links: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    for entity in entities:
        kind = entity.get("type")
        text = entity.get("text")
        if kind == "link" and isinstance(text, str):
            links.append(text)
        elif kind == "text_link" and isinstance(entity.get("href"), str):
            links.append(entity["href"])
        elif kind == "hashtag" and isinstance(text, str):
            hashtags.append(text)
        elif kind == "mention" and isinstance(text, str):
            mentions.append(text)
    return TextEntities() + TextEntities(tuple(links), tuple(hashtags), tuple(mentions))


def _int_or_none(value: Any) -> int | None:
    return value if type(value) is int else None


def _export_media(raw: Mapping[str, Any], caption: str | None) -> Media | None:
    caption = caption or None
    if "photo" in raw:
        return Media(
            type="photo",
            mime="image/jpeg",
            size=_int_or_none(raw.get("photo_file_size")),
            caption=caption,
        )
    if "file" in raw or "media_type" in raw:
        return Media(
            type=_FILE_TYPES.get(str(raw.get("media_type")), "document"),
            mime=raw.get("mime_type") if isinstance(raw.get("mime_type"), str) else None,
            size=_int_or_none(raw.get("file_size")),
            caption=caption,
        )
    location = raw.get("location_information")
    if isinstance(location, dict):
        lat, lon = location.get("latitude"), location.get("longitude")
        url = f"geo:{lat},{lon}" if lat is not None and lon is not None else None
        place = ", ".join(str(raw[k]) for k in ("place_name", "address") if raw.get(k))
        kind = (
            "venue" if place else ("geo_live" if "live_location_period_seconds" in raw else "geo")
        )
        return Media(type=kind, url=url, caption=caption or place or None)
    poll = raw.get("poll")
    if isinstance(poll, dict):
        question = poll.get("question")
        return Media(
            type="poll", caption=caption or (question if isinstance(question, str) else None)
        )
    if isinstance(raw.get("contact_information"), dict):
        return Media(type="contact", caption=caption)
    return None


def _forward(raw: Mapping[str, Any]) -> Forward | None:
    if "forwarded_from" not in raw and "forwarded_from_id" not in raw:
        return None
    origin = raw.get("forwarded_from_id")
    channel_id = None
    if isinstance(origin, str) and origin.startswith("channel") and origin[7:].isdigit():
        channel_id = origin[7:]
    name = raw.get("forwarded_from")
    return Forward(channel_id=channel_id, from_name=name if isinstance(name, str) else None)


def _parse(raw: Any) -> _Post:
    if not isinstance(raw, dict):
        raise MessageError(f"expected a message object, got {type(raw).__name__}")
    message_id = raw.get("id")
    if type(message_id) is not int or message_id <= 0:
        raise MessageError(f"'id' must be a positive integer, got {message_id!r}")
    published = _when(raw, "date")
    if published is None:
        raise MessageError("no 'date'")
    edited = _when(raw, "edited")
    text, inline = _flatten(raw.get("text"))
    listed = raw.get("text_entities")
    entity_list = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else inline
    reply_to = _int_or_none(raw.get("reply_to_message_id"))
    if "reply_to_peer_id" in raw:  # a reply to another chat's message: the id alone misleads
        reply_to = None
    author = raw.get("from_id") or raw.get("from")
    return _Post(
        id=message_id,
        published=published,
        version=int(edited.timestamp()) if edited is not None else 0,
        text=text,
        entities=export_entities(entity_list),
        media=_export_media(raw, None),
        forward=_forward(raw),
        reply_to=reply_to,
        author=str(author) if author is not None else None,
        edited=edited is not None,
        raw=raw,
    )


def _album_part(post: _Post) -> bool:
    return post.media is not None and post.media.type in _ALBUM_MEDIA


def group_export_albums(posts: Sequence[_Post]) -> list[list[_Post]]:
    """Runs of album parts (see the module notes on albums); every other post alone."""
    groups: list[list[_Post]] = []
    for post in posts:
        last = groups[-1] if groups else None
        if (
            last is not None
            and len(last) < MAX_ALBUM_PARTS
            and _album_part(post)
            and _album_part(last[-1])
            and post.id == last[-1].id + 1
            and post.published == last[-1].published
            and post.author == last[-1].author
            and post.forward == last[-1].forward
        ):
            last.append(post)
        else:
            groups.append([post])
    return groups


def _item(group: Sequence[_Post], channel: ChannelInfo, collected_at: str) -> RawItem:
    first = group[0]
    album = len(group) > 1
    entities = TextEntities()
    for post in group:
        entities = entities + post.entities
    media = tuple(
        m
        for post in group
        if (m := _export_media(post.raw, post.text if album else None)) is not None
    )
    native_id = str(first.id)
    return RawItem(
        item_id=make_item_id(SOURCE_KIND, channel.source_id, native_id),
        source_kind=SOURCE_KIND,
        source_id=channel.source_id,
        native_id=native_id,
        text="\n\n".join(p.text for p in group if p.text),
        collected_at=collected_at,
        version=max(p.version for p in group),
        published_at=to_iso(first.published),
        url=channel.message_url(first.id),
        provenance=Provenance(
            channel_username=channel.username,
            channel_title=channel.title,
            forward=first.forward,
            reply_to=first.reply_to,
            album_message_ids=tuple(p.id for p in group) if album else (),
            media=media,
            links=entities.links,
            hashtags=entities.hashtags,
            mentions=entities.mentions,
            edited=any(p.edited for p in group),
        ),
    )
