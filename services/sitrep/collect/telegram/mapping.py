"""Telegram messages as raw items: a pure mapping from Telethon's TL objects to :class:`RawItem`.

No I/O here: every function takes Telethon objects (``telethon.tl.types``) already received and
returns records. The collector and the tests run the very same code.

Conventions (the contract with the processor):

- ``source_id`` is the channel's bare numeric id as a string (what forward headers reference),
  ``native_id`` the message id, ``item_id`` = ``telegram:{source_id}:{native_id}``;
- ``version`` is the edit date as epoch seconds, 0 when never edited; a tombstone's version is
  the deletion time, so it outranks every edit;
- an **album** (messages sharing a ``grouped_id``) becomes **one item**: ``native_id`` is the
  lowest message id of the album, ``text`` joins the non-empty captions in id order, ``media``
  holds one summary per part (with that part's caption), ``album_message_ids`` lists every
  part; the version is the newest edit of any part;
- entity offsets are UTF-16 code units, as Telegram sends them;
- media is summarized, never downloaded. MTProto has no Bot-API ``file_unique_id``; sitrep uses
  the media's own id (``photo:<id>``, ``document:<id>``), which forwards and re-posts keep.

Malformed input raises :class:`TelegramMappingError` (a ``ValueError``) naming what is wrong;
the collector dead-letters such a message and goes on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from telethon.tl import types

from sitrep.records.codec import make_item_id
from sitrep.records.model import Forward, Media, Provenance, RawItem
from sitrep.records.times import to_iso

SOURCE_KIND: Final = "telegram"


class TelegramMappingError(ValueError):
    """A Telegram object could not be turned into a raw item; the message says why."""


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """The channel a message belongs to: bare numeric id, public username (if any) and title."""

    channel_id: int
    username: str | None = None
    title: str | None = None

    @property
    def source_id(self) -> str:
        return str(self.channel_id)

    def message_url(self, message_id: int) -> str:
        """``https://t.me/<username>/<id>``, or ``https://t.me/c/<channel id>/<id>`` if private."""
        if self.username:
            return f"https://t.me/{self.username}/{message_id}"
        return f"https://t.me/c/{self.channel_id}/{message_id}"


def is_post(message: Any) -> bool:
    """True for a content message (``Message``); service messages and empties are not posts."""
    return isinstance(message, types.Message)


def channel_id_of(message: Any) -> int | None:
    """The bare channel id a message was posted in, or ``None`` outside channels."""
    peer = getattr(message, "peer_id", None)
    return peer.channel_id if isinstance(peer, types.PeerChannel) else None


def epoch_seconds(moment: datetime | None) -> int:
    if moment is None:
        return 0
    if moment.tzinfo is None:
        raise TelegramMappingError(f"naive datetime {moment!r} (Telegram dates are UTC)")
    return int(moment.timestamp())


def edit_version(message: Any) -> int:
    """The item version of a message: its edit date in epoch seconds, 0 if never edited."""
    return epoch_seconds(getattr(message, "edit_date", None))


def _utf16_slice(text: str, offset: int, length: int) -> str:
    data = text.encode("utf-16-le")
    return data[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


@dataclass(frozen=True, slots=True)
class TextEntities:
    """Links, hashtags and @mentions found in a message's entities, in order, deduplicated."""

    links: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()

    def __add__(self, other: TextEntities) -> TextEntities:
        return TextEntities(
            _unique((*self.links, *other.links)),
            _unique((*self.hashtags, *other.hashtags)),
            _unique((*self.mentions, *other.mentions)),
        )


def text_entities(text: str, entities: Sequence[Any] | None) -> TextEntities:
    """Extract links (shown URLs and hidden ``text_url`` targets), hashtags and mentions."""
    links: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    for entity in entities or ():
        if isinstance(entity, types.MessageEntityTextUrl):
            links.append(entity.url)
        elif isinstance(entity, types.MessageEntityUrl):
            links.append(_utf16_slice(text, entity.offset, entity.length))
        elif isinstance(entity, types.MessageEntityHashtag):
            hashtags.append(_utf16_slice(text, entity.offset, entity.length))
        elif isinstance(entity, types.MessageEntityMention):
            mentions.append(_utf16_slice(text, entity.offset, entity.length))
    return TextEntities(_unique(links), _unique(hashtags), _unique(mentions))


def _photo_size(photo: Any) -> int | None:
    best: int | None = None
    for size in getattr(photo, "sizes", None) or ():
        if isinstance(size, types.PhotoSize):
            candidate = size.size
        elif isinstance(size, types.PhotoSizeProgressive):
            candidate = max(size.sizes, default=0)
        elif isinstance(size, types.PhotoCachedSize):
            candidate = len(size.bytes)
        else:
            continue
        best = candidate if best is None else max(best, candidate)
    return best


def _document_type(media: Any, document: Any) -> str:
    kinds = {type(a) for a in getattr(document, "attributes", None) or ()}
    if types.DocumentAttributeSticker in kinds:
        return "sticker"
    if types.DocumentAttributeAnimated in kinds:
        return "animation"
    for attribute in document.attributes:
        if isinstance(attribute, types.DocumentAttributeVideo):
            return "video_note" if attribute.round_message or media.round else "video"
        if isinstance(attribute, types.DocumentAttributeAudio):
            return "voice" if attribute.voice or media.voice else "audio"
    return "document"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def media_summary(media: Any, caption: str | None = None) -> Media | None:
    """Summarize one ``MessageMedia*``; ``None`` for no media. Never downloads anything.

    Photos and documents give type, MIME type, size in bytes and a stable file id; web pages
    their URL; places a ``geo:lat,lon`` URI (RFC 5870); polls their question as caption.
    Anything else is named after its TL type (``MessageMediaDice`` -> ``dice``).
    """
    caption = caption or None
    if media is None or isinstance(media, types.MessageMediaEmpty):
        return None
    if isinstance(media, types.MessageMediaPhoto):
        photo = media.photo
        if not isinstance(photo, types.Photo):  # expired self-destructing photo
            return Media(type="photo", caption=caption)
        return Media(
            type="photo",
            mime="image/jpeg",
            size=_photo_size(photo),
            file_unique_id=f"photo:{photo.id}",
            caption=caption,
        )
    if isinstance(media, types.MessageMediaDocument):
        document = media.document
        if not isinstance(document, types.Document):
            return Media(type="document", caption=caption)
        return Media(
            type=_document_type(media, document),
            mime=document.mime_type or None,
            size=document.size,
            file_unique_id=f"document:{document.id}",
            caption=caption,
        )
    if isinstance(media, types.MessageMediaWebPage):
        page = media.webpage
        return Media(
            type="webpage",
            url=getattr(page, "url", None),
            caption=caption or getattr(page, "title", None),
        )
    if isinstance(media, types.MessageMediaGeo | types.MessageMediaGeoLive):
        kind = "geo" if isinstance(media, types.MessageMediaGeo) else "geo_live"
        return Media(type=kind, url=_geo_uri(media.geo), caption=caption)
    if isinstance(media, types.MessageMediaVenue):
        place = ", ".join(p for p in (media.title, media.address) if p)
        return Media(type="venue", url=_geo_uri(media.geo), caption=caption or place or None)
    if isinstance(media, types.MessageMediaPoll):
        question = media.poll.question
        text = question.text if isinstance(question, types.TextWithEntities) else str(question)
        return Media(type="poll", caption=caption or text or None)
    name = type(media).__name__.removeprefix("MessageMedia") or "unknown"
    return Media(type=_snake(name), caption=caption)


def _geo_uri(geo: Any) -> str | None:
    if isinstance(geo, types.GeoPoint):
        return f"geo:{geo.lat},{geo.long}"
    return None


def forward_origin(header: Any) -> Forward | None:
    """Where a forwarded post came from: origin channel (bare id), its message id, the original
    date and the author's name (the post signature, or the hidden sender's name)."""
    if header is None:
        return None
    if not isinstance(header, types.MessageFwdHeader):
        raise TelegramMappingError(f"fwd_from is a {type(header).__name__}, not MessageFwdHeader")
    origin = header.from_id
    channel_id = str(origin.channel_id) if isinstance(origin, types.PeerChannel) else None
    return Forward(
        channel_id=channel_id,
        message_id=header.channel_post,
        date=to_iso(header.date) if header.date is not None else None,
        from_name=header.post_author or header.from_name,
    )


def reply_to_id(message: Any, channel_id: int) -> int | None:
    """The id of the message this one replies to, when it is in the same channel."""
    header = getattr(message, "reply_to", None)
    if not isinstance(header, types.MessageReplyHeader) or header.reply_to_msg_id is None:
        return None
    peer = header.reply_to_peer_id
    if peer is not None and not (
        isinstance(peer, types.PeerChannel) and peer.channel_id == channel_id
    ):
        return None
    return int(header.reply_to_msg_id)


def _check_message(message: Any, channel: ChannelInfo) -> None:
    if not isinstance(message, types.Message):
        raise TelegramMappingError(f"expected a Message, got {type(message).__name__}")
    if not isinstance(message.id, int) or message.id <= 0:
        raise TelegramMappingError(f"message id {message.id!r} is not a positive integer")
    if message.date is None:
        raise TelegramMappingError(f"message {message.id} has no date")
    owner = channel_id_of(message)
    if owner != channel.channel_id:
        raise TelegramMappingError(
            f"message {message.id} belongs to peer {message.peer_id!r}, "
            f"not channel {channel.channel_id}"
        )


def _is_edited(message: Any) -> bool:
    return message.edit_date is not None and not message.edit_hide


def message_to_item(message: Any, channel: ChannelInfo, collected_at: str) -> RawItem:
    """One ``Message`` (not part of an album) as a raw item; see the module contract."""
    return album_to_item([message], channel, collected_at)


def album_to_item(messages: Sequence[Any], channel: ChannelInfo, collected_at: str) -> RawItem:
    """The messages of one album (or a single message) as one raw item.

    Raises :class:`TelegramMappingError` if the list is empty, mixes channels or albums, or
    holds something that is not a ``Message``.
    """
    if not messages:
        raise TelegramMappingError("an album needs at least one message")
    for message in messages:
        _check_message(message, channel)
    parts = sorted(messages, key=lambda m: m.id)
    groups = {m.grouped_id for m in parts}
    if len(parts) > 1 and (len(groups) != 1 or None in groups):
        raise TelegramMappingError(
            f"messages {[m.id for m in parts]} do not share one grouped_id ({sorted(map(str, groups))})"
        )
    first = parts[0]
    texts = [m.message or "" for m in parts]
    entities = TextEntities()
    for m, text in zip(parts, texts, strict=True):
        entities = entities + text_entities(text, m.entities)
    media = tuple(
        summary
        for m, text in zip(parts, texts, strict=True)
        if (summary := media_summary(m.media, text if len(parts) > 1 else None)) is not None
    )
    native_id = str(first.id)
    views = [m.views for m in parts if m.views is not None]
    forwards = [m.forwards for m in parts if m.forwards is not None]
    provenance = Provenance(
        channel_username=channel.username,
        channel_title=channel.title,
        forward=forward_origin(first.fwd_from),
        reply_to=reply_to_id(first, channel.channel_id),
        album_id=str(first.grouped_id) if first.grouped_id is not None else None,
        album_message_ids=tuple(m.id for m in parts) if first.grouped_id is not None else (),
        media=media,
        views=max(views) if views else None,
        forwards=max(forwards) if forwards else None,
        links=entities.links,
        hashtags=entities.hashtags,
        mentions=entities.mentions,
        edited=any(_is_edited(m) for m in parts),
    )
    return RawItem(
        item_id=make_item_id(SOURCE_KIND, channel.source_id, native_id),
        source_kind=SOURCE_KIND,
        source_id=channel.source_id,
        native_id=native_id,
        text="\n\n".join(t for t in texts if t),
        collected_at=collected_at,
        version=max(edit_version(m) for m in parts),
        published_at=to_iso(first.date),
        url=channel.message_url(first.id),
        provenance=provenance,
    )


def deletion_to_item(
    channel: ChannelInfo, message_id: int, deleted_at: datetime, collected_at: str
) -> RawItem:
    """A tombstone: the message was deleted in the channel. Empty text, version = deletion time."""
    native_id = str(message_id)
    return RawItem(
        item_id=make_item_id(SOURCE_KIND, channel.source_id, native_id),
        source_kind=SOURCE_KIND,
        source_id=channel.source_id,
        native_id=native_id,
        text="",
        collected_at=collected_at,
        version=epoch_seconds(deleted_at),
        url=channel.message_url(message_id),
        deleted=True,
        provenance=Provenance(channel_username=channel.username, channel_title=channel.title),
    )


def group_albums(messages: Sequence[Any]) -> list[list[Any]]:
    """Split messages (in ascending id order) into runs: an album's parts together, anything else
    alone. Service messages come through as their own group (they carry no item but advance the
    checkpoint)."""
    groups: list[list[Any]] = []
    for message in messages:
        grouped = getattr(message, "grouped_id", None)
        if grouped is not None and groups and getattr(groups[-1][0], "grouped_id", None) == grouped:
            groups[-1].append(message)
        else:
            groups.append([message])
    return groups


def is_album(group: Sequence[Any]) -> bool:
    return bool(group) and getattr(group[0], "grouped_id", None) is not None
