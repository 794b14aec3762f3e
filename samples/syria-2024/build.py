"""Build the bundled sample from its hand-written source table.

Reads ``posts.yaml`` (the posts, readable and reviewable) and ``sources.yaml`` (the sources file
the pipeline loads) beside this script and writes:

- ``raw.jsonl``: one :class:`~sitrep.records.model.RawItem` per line, encoded with
  :func:`sitrep.records.codec.encode`, ordered by collection time as a collector emits them;
- ``expected_groups.json``: ``{"<group id>": [item_id, ...], ..., "non_events": [item_id, ...]}``;
- the generated sections of ``README.md`` (between ``<!-- name:start -->`` and
  ``<!-- name:end -->`` markers): counts and the table of expected groups.

Every line is decoded again with :func:`~sitrep.records.codec.decode_raw_item` and must give
back the very record that was encoded; every source must be found by
:meth:`~sitrep.sources.SourceRegistry.lookup`. Any mistake in the table stops the build with a
message naming the post and the field (exit status 1), and nothing is written.

Usage (from the repository root)::

    .venv/bin/python samples/syria-2024/build.py           # write the outputs
    .venv/bin/python samples/syria-2024/build.py --check   # exit 1 if an output is stale

The output depends only on the two input files: collection delays are derived from a hash of
the item id, not drawn at random, so a rebuild is byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import orjson
import yaml

from sitrep.records.codec import RecordError, decode_raw_item, encode, make_item_id
from sitrep.records.model import Forward, Media, Provenance, RawItem
from sitrep.records.times import parse_iso, to_iso
from sitrep.sources import Source, SourceRegistry, SourcesError

HERE: Final = Path(__file__).resolve().parent
POSTS_FILE: Final = HERE / "posts.yaml"
SOURCES_FILE: Final = HERE / "sources.yaml"
RAW_FILE: Final = HERE / "raw.jsonl"
GROUPS_FILE: Final = HERE / "expected_groups.json"
README_FILE: Final = HERE / "README.md"

NON_EVENT: Final = "none"
NON_EVENTS_KEY: Final = "non_events"

# The event kinds a post may be written as, with the ACLED type and sub-event type intended.
KINDS: Final[Mapping[str, tuple[str, str]]] = {
    "armed_clash": ("Battles", "Armed clash"),
    "territory_taken": ("Battles", "Non-state actor overtakes territory"),
    "air_strike": ("Explosions/Remote violence", "Air/drone strike"),
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "ied": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "attack": ("Violence against civilians", "Attack"),
    "peaceful_protest": ("Protests", "Peaceful protest"),
    "agreement": ("Strategic developments", "Agreement"),
    "territory_handover": ("Strategic developments", "Non-violent transfer of territory"),
    "displacement": ("Strategic developments", "Other"),
    "looting": ("Strategic developments", "Looting/property destruction"),
}

# What a post that reports no event is (``kind: none``).
GENRES: Final = frozenset(
    {
        "ad",
        "analysis",
        "commentary",
        "greeting",
        "prayer",
        "question",
        "schedule",
        "statement",
    }
)

LANGUAGES: Final = frozenset({"en", "ar", "fr", "ru"})

_POST_FIELDS: Final = frozenset(
    {
        "src", "id", "at", "kind", "genre", "group", "lang", "text", "views", "forwards",
        "forward", "reply_to", "media", "edited_at", "deleted_at", "title", "url", "guid",
        "byline", "dateline", "delay",
    }
)  # fmt: skip

_MIMES: Final = {"photo": "image/jpeg", "video": "video/mp4", "document": "application/pdf"}
_HASHTAG: Final = re.compile(r"#(\w+)")
_MENTION: Final = re.compile(r"(?<![\w.])@(\w{4,})")
_LINK: Final = re.compile(r"https?://\S+")


class SampleError(ValueError):
    """The source table is wrong; the message names the post and the field."""


@dataclass(frozen=True, slots=True)
class Channel:
    """How a Telegram channel presents itself (what a collector reads from Telegram)."""

    username: str
    title: str


@dataclass(frozen=True, slots=True)
class SampleItem:
    """One generated raw item with what the sample's author intended it to be."""

    item: RawItem
    kind: str  # a key of KINDS or NON_EVENT
    genre: str | None
    groups: tuple[str, ...]
    language: str
    role: str


@dataclass(frozen=True, slots=True)
class Sample:
    items: tuple[SampleItem, ...]
    groups: Mapping[str, str]  # group id -> description, in the table's order


def _where(n: int, post: Mapping[str, Any]) -> str:
    return f"posts[{n}] ({post.get('src')}/{post.get('id')})"


def _delay_seconds(key: str, low: int, high: int) -> int:
    digest = hashlib.sha256(key.encode()).digest()
    return low + int.from_bytes(digest[:4], "big") % (high - low + 1)


def _text_script_matches(text: str, language: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    arabic = sum(1 for c in letters if "ARABIC" in unicodedata.name(c, ""))
    cyrillic = sum(1 for c in letters if "CYRILLIC" in unicodedata.name(c, ""))
    share = {"ar": arabic, "ru": cyrillic}.get(language, len(letters) - arabic - cyrillic)
    return share / len(letters) >= 0.6


def _str(post: Mapping[str, Any], name: str, where: str, *, required: bool = True) -> str | None:
    value = post.get(name)
    if value is None:
        if required:
            raise SampleError(f"{where}: '{name}' is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise SampleError(f"{where}: '{name}' must be a non-empty string")
    return value


def _int(post: Mapping[str, Any], name: str, where: str) -> int | None:
    value = post.get(name)
    if value is None:
        return None
    if type(value) is not int or value < 0:
        raise SampleError(f"{where}: '{name}' must be a non-negative integer")
    return value


def _time(post: Mapping[str, Any], name: str, where: str) -> str | None:
    value = post.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.endswith("Z"):
        raise SampleError(f"{where}: '{name}' must be an ISO UTC time ending in Z, in quotes")
    try:
        return to_iso(parse_iso(value))
    except ValueError:
        raise SampleError(f"{where}: '{name}' {value!r} is not an ISO time") from None


def _after(moment: str, seconds: int) -> str:
    return to_iso(parse_iso(moment) + timedelta(seconds=seconds))


def _epoch(moment: str) -> int:
    return int(parse_iso(moment).timestamp())


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SampleError(f"{path.name} cannot be read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise SampleError(f"{path.name} is not valid YAML: {exc}") from None


def _channels(data: Any) -> dict[str, Channel]:
    if not isinstance(data, dict):
        raise SampleError("posts.yaml: 'channels' must map source ids to username and title")
    channels: dict[str, Channel] = {}
    for sid, entry in data.items():
        if not isinstance(entry, dict) or set(entry) != {"username", "title"}:
            raise SampleError(f"posts.yaml: channels.{sid} needs exactly 'username' and 'title'")
        channels[str(sid)] = Channel(str(entry["username"]), str(entry["title"]))
    return channels


def _groups(data: Any) -> dict[str, str]:
    if not isinstance(data, dict) or not data:
        raise SampleError("posts.yaml: 'groups' must map group ids to a one-line description")
    groups = {str(k): str(v) for k, v in data.items()}
    if NON_EVENTS_KEY in groups:
        raise SampleError(f"posts.yaml: '{NON_EVENTS_KEY}' is reserved and cannot be a group id")
    return groups


def _group_list(
    post: Mapping[str, Any], where: str, declared: Mapping[str, str]
) -> tuple[str, ...]:
    raw = post.get("group")
    if raw is None:
        return ()
    names = [raw] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not all(isinstance(g, str) for g in names):
        raise SampleError(f"{where}: 'group' must be a group id or a list of group ids")
    for name in names:
        if name not in declared:
            raise SampleError(f"{where}: group {name!r} is not declared under 'groups'")
    return tuple(names)


def _media(post: Mapping[str, Any], where: str, key: str) -> tuple[Media, ...]:
    kinds = post.get("media") or []
    if not isinstance(kinds, list) or not all(k in _MIMES for k in kinds):
        raise SampleError(f"{where}: 'media' must be a list of {sorted(_MIMES)}")
    return tuple(
        Media(
            type=k,
            mime=_MIMES[k],
            size=_delay_seconds(f"{key}#{i}", 80_000, 9_000_000),
            file_unique_id=hashlib.sha256(f"{key}#{i}".encode()).hexdigest()[:16],
        )
        for i, k in enumerate(kinds)
    )


class _Builder:
    """Turns posts into raw items, checking each against the registry and the posts before it."""

    def __init__(
        self, registry: SourceRegistry, channels: Mapping[str, Channel], groups: Mapping[str, str]
    ) -> None:
        self._registry = registry
        self._channels = channels
        self._groups = groups
        self._by_id: dict[str, Source] = {
            s.id: s for s in (*registry.of_kind("telegram"), *registry.of_kind("wire"))
        }
        self._originals: dict[tuple[str, str], SampleItem] = {}
        self._seen: set[tuple[str, int]] = set()

    def source(self, post: Mapping[str, Any], where: str) -> Source:
        sid = _str(post, "src", where) or ""
        source = self._by_id.get(sid)
        if source is None:
            raise SampleError(f"{where}: source {sid!r} is not in sources.yaml")
        return source

    def build(self, n: int, post: Any) -> SampleItem:
        if not isinstance(post, dict):
            raise SampleError(f"posts[{n}]: expected a mapping")
        where = _where(n, post)
        unknown = set(post) - _POST_FIELDS
        if unknown:
            raise SampleError(f"{where}: unknown field(s) {sorted(unknown)}")
        source = self.source(post, where)
        if "edited_at" in post or "deleted_at" in post:
            result = self._later_version(post, where, source)
        elif source.kind == "telegram":
            result = self._telegram(post, where, source)
        else:
            result = self._wire(post, where, source)
        key = (result.item.item_id, result.item.version)
        if key in self._seen:
            raise SampleError(f"{where}: {result.item.item_id} version {key[1]} appears twice")
        self._seen.add(key)
        if not result.item.deleted and not result.item.provenance.edited:
            self._originals[(source.id, result.item.native_id)] = result
        return result

    def _intent(
        self, post: Mapping[str, Any], where: str, source: Source
    ) -> tuple[str, str | None, tuple[str, ...], str]:
        kind = _str(post, "kind", where) or ""
        genre = post.get("genre")
        if kind == NON_EVENT:
            if genre not in GENRES:
                raise SampleError(f"{where}: a non-event needs 'genre', one of {sorted(GENRES)}")
            if post.get("group") is not None:
                raise SampleError(f"{where}: a non-event cannot belong to an event group")
        elif kind not in KINDS:
            raise SampleError(f"{where}: kind {kind!r} is not 'none' or one of {sorted(KINDS)}")
        elif genre is not None:
            raise SampleError(f"{where}: 'genre' is only for non-events (kind: none)")
        language = post.get("lang") or source.language
        if language not in LANGUAGES:
            raise SampleError(f"{where}: language {language!r} is not one of {sorted(LANGUAGES)}")
        groups = _group_list(post, where, self._groups)
        return kind, genre, groups, str(language)

    def _text(self, post: Mapping[str, Any], where: str, language: str) -> str:
        text = (_str(post, "text", where) or "").strip()
        if not _text_script_matches(text, language):
            raise SampleError(f"{where}: the text does not look like language {language!r}")
        return text

    def _telegram(self, post: Mapping[str, Any], where: str, source: Source) -> SampleItem:
        message_id = post.get("id")
        if type(message_id) is not int or message_id <= 0:
            raise SampleError(f"{where}: a Telegram post needs a positive integer 'id'")
        for name in ("title", "url", "guid", "byline", "dateline"):
            if name in post:
                raise SampleError(f"{where}: '{name}' is for wire items, not Telegram posts")
        channel = self._channels.get(source.id)
        if channel is None or source.channel is None:
            raise SampleError(f"{where}: channel {source.id!r} has no entry under 'channels'")
        kind, genre, groups, language = self._intent(post, where, source)
        text = self._text(post, where, language)
        published = _time(post, "at", where)
        if published is None:
            raise SampleError(f"{where}: 'at' (published time) is required")
        native_id = str(message_id)
        item_id = make_item_id("telegram", source.channel, native_id)
        delay = _int(post, "delay", where) or _delay_seconds(item_id, 3, 150)
        forward = self._forward(post, where, text)
        item = RawItem(
            item_id=item_id,
            source_kind="telegram",
            source_id=source.channel,
            native_id=native_id,
            text=text,
            collected_at=_after(published, delay),
            published_at=published,
            provenance=Provenance(
                channel_username=channel.username,
                channel_title=channel.title,
                forward=forward,
                reply_to=_int(post, "reply_to", where),
                media=_media(post, where, item_id),
                views=_int(post, "views", where),
                forwards=_int(post, "forwards", where),
                links=tuple(_LINK.findall(text)),
                hashtags=tuple(_HASHTAG.findall(text)),
                mentions=tuple(_MENTION.findall(text)),
            ),
        )
        return SampleItem(item, kind, genre, groups, language, source.role)

    def _forward(self, post: Mapping[str, Any], where: str, text: str) -> Forward | None:
        ref = post.get("forward")
        if ref is None:
            return None
        sid, _, mid = str(ref).partition("/")
        original = self._originals.get((sid, mid))
        if original is None:
            raise SampleError(f"{where}: forward {ref!r} names no earlier post (source/message id)")
        if original.item.text != text:
            raise SampleError(f"{where}: a forward carries the original text of {ref!r} unchanged")
        if post.get("kind") != original.kind or _group_list(post, where, self._groups) != (
            original.groups
        ):
            raise SampleError(f"{where}: a forward has the kind and group of {ref!r}")
        return Forward(
            channel_id=original.item.source_id,
            message_id=int(original.item.native_id),
            date=original.item.published_at,
        )

    def _wire(self, post: Mapping[str, Any], where: str, source: Source) -> SampleItem:
        for name in ("views", "forwards", "forward", "reply_to", "media"):
            if name in post:
                raise SampleError(f"{where}: '{name}' is for Telegram posts, not wire items")
        kind, genre, groups, language = self._intent(post, where, source)
        text = self._text(post, where, language)
        published = _time(post, "at", where)
        if published is None:
            raise SampleError(f"{where}: 'at' (published time) is required")
        url = _str(post, "url", where) or ""
        guid = _str(post, "guid", where, required=False) or url
        native_id = _str(post, "id", where, required=False) or guid
        item_id = make_item_id("wire", source.id, native_id)
        delay = _int(post, "delay", where) or _delay_seconds(item_id, 45, 600)
        dateline = _str(post, "dateline", where, required=False)
        if dateline is not None and not text.startswith(dateline):
            raise SampleError(f"{where}: the text should open with its dateline {dateline!r}")
        item = RawItem(
            item_id=item_id,
            source_kind="wire",
            source_id=source.id,
            native_id=native_id,
            text=text,
            collected_at=_after(published, delay),
            published_at=published,
            title=_str(post, "title", where),
            url=url,
            lang=language,
            provenance=Provenance(
                feed_url=source.url,
                feed_format=source.format,
                outlet=source.outlet,
                byline=_str(post, "byline", where, required=False),
                dateline=dateline,
                guid=guid,
            ),
        )
        return SampleItem(item, kind, genre, groups, language, source.role)

    def _later_version(self, post: Mapping[str, Any], where: str, source: Source) -> SampleItem:
        if source.kind != "telegram":
            raise SampleError(f"{where}: edits and deletions are written for Telegram posts only")
        original = self._originals.get((source.id, str(post.get("id"))))
        if original is None:
            raise SampleError(f"{where}: an edit or deletion needs the original post above it")
        allowed = {"src", "id", "edited_at", "text", "views", "delay"}
        if "deleted_at" in post:
            allowed = {"src", "id", "deleted_at", "delay"}
        extra = set(post) - allowed
        if extra:
            raise SampleError(f"{where}: field(s) {sorted(extra)} are not allowed here")
        base = original.item
        if "deleted_at" in post:
            moment = _time(post, "deleted_at", where) or ""
            item = replace(
                base,
                text="",
                deleted=True,
                version=_epoch(moment),
                collected_at=_after(moment, _int(post, "delay", where) or 30),
                provenance=Provenance(
                    channel_username=base.provenance.channel_username,
                    channel_title=base.provenance.channel_title,
                ),
            )
            return replace(original, item=item)
        moment = _time(post, "edited_at", where) or ""
        text = self._text(post, where, original.language)
        item = replace(
            base,
            text=text,
            version=_epoch(moment),
            collected_at=_after(moment, _int(post, "delay", where) or 12),
            provenance=replace(
                base.provenance,
                views=_int(post, "views", where) or base.provenance.views,
                edited=True,
                links=tuple(_LINK.findall(text)),
                hashtags=tuple(_HASHTAG.findall(text)),
                mentions=tuple(_MENTION.findall(text)),
            ),
        )
        return replace(original, item=item)


def build_sample(posts_file: Path = POSTS_FILE, sources_file: Path = SOURCES_FILE) -> Sample:
    """Read and check the source table; raise :class:`SampleError` on the first mistake."""
    try:
        registry = SourceRegistry.load(sources_file)
    except SourcesError as exc:
        raise SampleError(str(exc)) from None
    data = _load_yaml(posts_file)
    if not isinstance(data, dict) or set(data) != {"channels", "groups", "posts"}:
        raise SampleError("posts.yaml: expected exactly 'channels', 'groups' and 'posts'")
    groups = _groups(data["groups"])
    builder = _Builder(registry, _channels(data["channels"]), groups)
    posts = data["posts"]
    if not isinstance(posts, list):
        raise SampleError("posts.yaml: 'posts' must be a list")
    items = tuple(builder.build(n, post) for n, post in enumerate(posts))
    for entry in items:
        found = registry.lookup(
            entry.item.source_kind, entry.item.source_id, entry.item.provenance.channel_username
        )
        if found is None:
            raise SampleError(f"{entry.item.item_id}: SourceRegistry.lookup does not find it")
    _check_message_order(items)
    sizes = Counter(g for entry in _distinct(items) for g in entry.groups)
    for group in groups:
        if sizes[group] < 2:
            raise SampleError(f"group {group!r} has {sizes[group]} report(s); a group needs 2+")
    used = set(registry_ids(items, registry))
    unused = sorted(s.id for s in registry if s.id not in used)
    if unused:
        raise SampleError(f"sources.yaml lists source(s) no post uses: {unused}")
    return Sample(items=items, groups=groups)


def _check_message_order(items: Sequence[SampleItem]) -> None:
    """Telegram message ids grow with publication time within a channel, as they do on Telegram."""
    last: dict[str, tuple[str, int]] = {}
    for entry in sorted(_distinct(items), key=lambda e: e.item.published_at or ""):
        item = entry.item
        if item.source_kind != "telegram":
            continue
        message_id = int(item.native_id)
        before = last.get(item.source_id)
        if before is not None and message_id <= before[1]:
            raise SampleError(
                f"{item.item_id}: message id {message_id} is not above {before[1]}, "
                f"published earlier ({before[0]}) in the same channel"
            )
        last[item.source_id] = (item.published_at or "", message_id)


def registry_ids(items: Sequence[SampleItem], registry: SourceRegistry) -> list[str]:
    """The registry ids of the sources the items come from."""
    ids: list[str] = []
    for entry in items:
        found = registry.lookup(entry.item.source_kind, entry.item.source_id)
        if found is not None:
            ids.append(found.id)
    return ids


def _distinct(items: Sequence[SampleItem]) -> list[SampleItem]:
    """One entry per item id (the first version), the unit of the expected groups."""
    seen: set[str] = set()
    out: list[SampleItem] = []
    for entry in items:
        if entry.item.item_id not in seen:
            seen.add(entry.item.item_id)
            out.append(entry)
    return out


def raw_jsonl(sample: Sample) -> bytes:
    """The sample as JSONL, every line checked to decode back to the record it came from."""
    ordered = sorted(
        sample.items, key=lambda e: (e.item.collected_at, e.item.item_id, e.item.version)
    )
    lines: list[bytes] = []
    for entry in ordered:
        line = encode(entry.item)
        try:
            decoded = decode_raw_item(line)
        except RecordError as exc:
            raise SampleError(f"{entry.item.item_id}: does not decode: {exc}") from None
        if decoded != entry.item:
            raise SampleError(f"{entry.item.item_id}: decodes to a different record")
        lines.append(line)
    return b"\n".join(lines) + b"\n"


def expected_groups(sample: Sample) -> dict[str, list[str]]:
    """Group id -> the distinct item ids intended to report that event; plus the non-events.

    A deleted post keeps its place (its tombstone is a later version of the same item id).
    """
    result: dict[str, list[str]] = {g: [] for g in sample.groups}
    non_events: list[str] = []
    for entry in _distinct(sample.items):
        for group in entry.groups:
            result[group].append(entry.item.item_id)
        if entry.kind == NON_EVENT:
            non_events.append(entry.item.item_id)
    result[NON_EVENTS_KEY] = non_events
    return result


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _counts(title: str, counter: Counter[str]) -> str:
    rows = [(k, v) for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
    return _table((title, "items"), [*rows, ("**total**", sum(counter.values()))])


def readme_sections(sample: Sample) -> dict[str, str]:
    """The generated parts of README.md, by marker name."""
    entries = list(sample.items)
    by_language = Counter(e.language for e in entries)
    by_role = Counter(f"{e.item.source_kind} / {e.role}" for e in entries)
    by_kind = Counter(
        "not an event" if e.kind == NON_EVENT else f"{' — '.join(KINDS[e.kind])}" for e in entries
    )
    by_genre = Counter(e.genre for e in entries if e.genre)
    forwards = sum(1 for e in entries if e.item.provenance.forward)
    edits = sum(1 for e in entries if e.item.provenance.edited)
    deletions = sum(1 for e in entries if e.item.deleted)
    groups = expected_groups(sample)
    non_events = groups.pop(NON_EVENTS_KEY)
    distinct = {e.item.item_id: e for e in _distinct(entries)}
    counts = "\n\n".join(
        [
            f"{len(entries)} lines: {len(distinct)} distinct items, {edits} edited version(s), "
            f"{deletions} deletion tombstone(s); {forwards} Telegram forwards; "
            f"{len(groups)} expected groups; {len(non_events)} non-event items.",
            _counts("language", by_language),
            _counts("source kind / role", by_role),
            _counts("intended ACLED type — sub-event type", by_kind),
            _counts("non-event genre", by_genre),
        ]
    )
    rows = []
    for group, ids in groups.items():
        members = [distinct[i] for i in ids]
        # a story listed in several groups carries the kind of its first event only
        single = [m for m in members if len(m.groups) == 1] or members
        kinds = sorted({KINDS[m.kind][1] for m in single if m.kind in KINDS})
        sources = ", ".join(
            f"`{i}`{' (fwd)' if distinct[i].item.provenance.forward else ''}" for i in ids
        )
        rows.append((f"`{group}`", sample.groups[group], "; ".join(kinds), len(ids), sources))
    table = _table(("group", "event", "sub-event type(s)", "items", "item ids"), rows)
    deleted = {e.item.item_id for e in entries if e.item.deleted}
    singles = [
        (
            f"`{e.item.item_id}`",
            KINDS[e.kind][1],
            "deleted at the source (tombstone follows)" if e.item.item_id in deleted else "",
        )
        for e in distinct.values()
        if e.kind in KINDS and not e.groups
    ]
    single_table = _table(("item id", "sub-event type", "note"), singles)
    return {"counts": counts, "groups": table, "singles": single_table}


def _fill_readme(text: str, sections: Mapping[str, str]) -> str:
    for name, body in sections.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", flags=re.DOTALL)
        found = pattern.search(text)
        if found is None:
            raise SampleError(f"README.md has no <!-- {name}:start --> ... :end --> markers")
        text = text[: found.end(1)] + body + "\n" + text[found.start(2) :]
    return text


def outputs(sample: Sample) -> dict[Path, bytes]:
    """Every file the build writes, with its content."""
    groups = orjson.dumps(expected_groups(sample), option=orjson.OPT_INDENT_2) + b"\n"
    readme = _fill_readme(README_FILE.read_text(encoding="utf-8"), readme_sections(sample))
    return {RAW_FILE: raw_jsonl(sample), GROUPS_FILE: groups, README_FILE: readme.encode()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if an output is out of date"
    )
    args = parser.parse_args(argv)
    try:
        sample = build_sample()
        files = outputs(sample)
    except SampleError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 1
    stale = [p.name for p, body in files.items() if not p.exists() or p.read_bytes() != body]
    if args.check:
        if stale:
            print(f"build.py: out of date: {', '.join(stale)} (run build.py)", file=sys.stderr)
            return 1
        print(f"build.py: up to date ({len(sample.items)} raw items)")
        return 0
    for path, body in files.items():
        path.write_bytes(body)
    print(f"build.py: wrote {len(sample.items)} raw items; updated {', '.join(stale) or 'nothing'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
