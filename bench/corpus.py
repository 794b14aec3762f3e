"""A synthetic but realistic stream of raw items for the benchmarks. Deterministic and streaming.

:func:`raw_items` yields :class:`~sitrep.records.RawItem` records as collectors would produce
them, in publication order:

- Telegram posts (party channels, monitors, local media) and wire stories (Reuters, AFP, AP,
  state agencies), English and Arabic, about many towns in Syria, Iraq, Lebanon and Yemen, with
  the ACLED event types the understanding code knows (air/drone strikes, shelling, armed
  clashes, territory changes, IEDs, attacks on civilians, abductions, protests, arrests,
  agreements) and actors named as reporters name them;
- about 30% non-events (greetings, channel adverts, schedules, commentary, weather);
- one real-world event is reported by one to four sources in the hours after it happens, in
  both languages, so that same-event clustering has work to do; a few percent of the items are
  Telegram forwards of an earlier post (with the forward header naming it), and follow-up
  reports often repeat an earlier text nearly word for word;
- publication times advance steadily over ``span`` (months by default; follow-ups arrive up to
  a few hours out of order), so the processor's event-time window keeps its state bounded
  however long the stream is.

The same ``seed`` and arguments always give the same items, byte for byte. Memory use is
bounded by the follow-up reports still to be emitted (a few hundred), never by ``count``.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sitrep.records import RawItem
from sitrep.records.model import Forward, Provenance, SourceKind, SourceRole
from sitrep.records.times import parse_iso, to_iso

DEFAULT_START: Final = datetime(2024, 6, 1, tzinfo=UTC)
DEFAULT_SPAN: Final = timedelta(days=180)
NON_EVENT_SHARE: Final = 0.30
FORWARD_SHARE: Final = 0.05


@dataclass(frozen=True, slots=True)
class Town:
    name: str  # as English-language reporters spell it
    arabic: str
    province: str  # governorate as English texts name it
    province_ar: str
    country: str  # ISO code


# Spellings are the common ones in reporting; variants of one town appear across sources.
TOWNS: Final = (
    Town("Saraqib", "سراقب", "Idlib", "إدلب", "SY"),
    Town("Idlib", "إدلب", "Idlib", "إدلب", "SY"),
    Town("Maarat al-Numan", "معرة النعمان", "Idlib", "إدلب", "SY"),
    Town("Khan Shaykhun", "خان شيخون", "Idlib", "إدلب", "SY"),
    Town("Jisr al-Shughur", "جسر الشغور", "Idlib", "إدلب", "SY"),
    Town("Kafranbel", "كفر نبل", "Idlib", "إدلب", "SY"),
    Town("Binnish", "بنش", "Idlib", "إدلب", "SY"),
    Town("Salqin", "سلقين", "Idlib", "إدلب", "SY"),
    Town("Aleppo", "حلب", "Aleppo", "حلب", "SY"),
    Town("Al-Bab", "الباب", "Aleppo", "حلب", "SY"),
    Town("Azaz", "اعزاز", "Aleppo", "حلب", "SY"),
    Town("Afrin", "عفرين", "Aleppo", "حلب", "SY"),
    Town("Manbij", "منبج", "Aleppo", "حلب", "SY"),
    Town("Kobani", "عين العرب", "Aleppo", "حلب", "SY"),
    Town("Al-Safira", "السفيرة", "Aleppo", "حلب", "SY"),
    Town("Hama", "حماة", "Hama", "حماة", "SY"),
    Town("Salamiyah", "سلمية", "Hama", "حماة", "SY"),
    Town("Masyaf", "مصياف", "Hama", "حماة", "SY"),
    Town("Homs", "حمص", "Homs", "حمص", "SY"),
    Town("Rastan", "الرستن", "Homs", "حمص", "SY"),
    Town("Talbiseh", "تلبيسة", "Homs", "حمص", "SY"),
    Town("Al-Qusayr", "القصير", "Homs", "حمص", "SY"),
    Town("Palmyra", "تدمر", "Homs", "حمص", "SY"),
    Town("Douma", "دوما", "Rif Dimashq", "ريف دمشق", "SY"),
    Town("Harasta", "حرستا", "Rif Dimashq", "ريف دمشق", "SY"),
    Town("Darayya", "داريا", "Rif Dimashq", "ريف دمشق", "SY"),
    Town("Yabroud", "يبرود", "Rif Dimashq", "ريف دمشق", "SY"),
    Town("Jaramana", "جرمانا", "Rif Dimashq", "ريف دمشق", "SY"),
    Town("Damascus", "دمشق", "Damascus", "دمشق", "SY"),
    Town("Daraa", "درعا", "Daraa", "درعا", "SY"),
    Town("Tafas", "طفس", "Daraa", "درعا", "SY"),
    Town("Jasim", "جاسم", "Daraa", "درعا", "SY"),
    Town("Nawa", "نوى", "Daraa", "درعا", "SY"),
    Town("As-Suwayda", "السويداء", "As-Suwayda", "السويداء", "SY"),
    Town("Quneitra", "القنيطرة", "Quneitra", "القنيطرة", "SY"),
    Town("Latakia", "اللاذقية", "Lattakia", "اللاذقية", "SY"),
    Town("Jableh", "جبلة", "Lattakia", "اللاذقية", "SY"),
    Town("Tartus", "طرطوس", "Tartus", "طرطوس", "SY"),
    Town("Baniyas", "بانياس", "Tartus", "طرطوس", "SY"),
    Town("Raqqa", "الرقة", "Ar-Raqqa", "الرقة", "SY"),
    Town("Tabqa", "الطبقة", "Ar-Raqqa", "الرقة", "SY"),
    Town("Deir ez-Zor", "دير الزور", "Deir-ez-Zor", "دير الزور", "SY"),
    Town("Al-Mayadin", "الميادين", "Deir-ez-Zor", "دير الزور", "SY"),
    Town("Abu Kamal", "البوكمال", "Deir-ez-Zor", "دير الزور", "SY"),
    Town("Qamishli", "القامشلي", "Al-Hasakeh", "الحسكة", "SY"),
    Town("Hasakah", "الحسكة", "Al-Hasakeh", "الحسكة", "SY"),
    Town("Mosul", "الموصل", "Nineveh", "نينوى", "IQ"),
    Town("Tal Afar", "تلعفر", "Nineveh", "نينوى", "IQ"),
    Town("Kirkuk", "كركوك", "Kirkuk", "كركوك", "IQ"),
    Town("Tikrit", "تكريت", "Salah al-Din", "صلاح الدين", "IQ"),
    Town("Samarra", "سامراء", "Salah al-Din", "صلاح الدين", "IQ"),
    Town("Fallujah", "الفلوجة", "Anbar", "الأنبار", "IQ"),
    Town("Ramadi", "الرمادي", "Anbar", "الأنبار", "IQ"),
    Town("Baqubah", "بعقوبة", "Diyala", "ديالى", "IQ"),
    Town("Baalbek", "بعلبك", "Baalbek-Hermel", "بعلبك الهرمل", "LB"),
    Town("Nabatieh", "النبطية", "Nabatieh", "النبطية", "LB"),
    Town("Tyre", "صور", "South", "الجنوب", "LB"),
    Town("Bint Jbeil", "بنت جبيل", "Nabatieh", "النبطية", "LB"),
    Town("Hodeidah", "الحديدة", "Al Hudaydah", "الحديدة", "YE"),
    Town("Marib", "مأرب", "Marib", "مأرب", "YE"),
    Town("Taiz", "تعز", "Taizz", "تعز", "YE"),
    Town("Saada", "صعدة", "Sadah", "صعدة", "YE"),
)


@dataclass(frozen=True, slots=True)
class ActorName:
    english: str
    arabic: str
    countries: tuple[str, ...]


ACTORS: Final = (
    ActorName("Syrian government forces", "قوات النظام", ("SY",)),
    ActorName("regime forces", "قوات الأسد", ("SY",)),
    ActorName("Hayat Tahrir al-Sham", "هيئة تحرير الشام", ("SY",)),
    ActorName("the Syrian National Army", "الجيش الوطني السوري", ("SY",)),
    ActorName("the Syrian Democratic Forces", "قوات سوريا الديمقراطية", ("SY",)),
    ActorName("Russian forces", "القوات الروسية", ("SY",)),
    ActorName("Turkish forces", "القوات التركية", ("SY", "IQ")),
    ActorName("Islamic State militants", "عناصر تنظيم الدولة", ("SY", "IQ")),
    ActorName("Iraqi security forces", "القوات الأمنية العراقية", ("IQ",)),
    ActorName("the Popular Mobilization Forces", "الحشد الشعبي", ("IQ",)),
    ActorName("Israeli forces", "القوات الإسرائيلية", ("LB", "SY")),
    ActorName("Hezbollah", "حزب الله", ("LB", "SY")),
    ActorName("Houthi forces", "قوات الحوثي", ("YE",)),
    ActorName("Yemeni government forces", "القوات الحكومية اليمنية", ("YE",)),
    ActorName("unidentified gunmen", "مسلحون مجهولون", ("SY", "IQ", "LB", "YE")),
)

AIR_FORCES: Final = {
    "SY": ("Russian warplanes", "الطيران الروسي"),
    "IQ": ("Turkish drones", "طائرات مسيرة تركية"),
    "LB": ("Israeli warplanes", "الطيران الإسرائيلي"),
    "YE": ("coalition warplanes", "طيران التحالف"),
}


@dataclass(frozen=True, slots=True)
class Outlet:
    source_id: str
    kind: SourceKind
    name: str
    language: str  # "en", "ar" or "both"
    role: SourceRole
    side: str | None = None
    region: str | None = None  # ISO country code the outlet mostly reports on
    username: str | None = None  # Telegram channel username
    dateline: str | None = None  # wire stories


# fmt: off
OUTLETS: Final = (
    Outlet("1500000001", "telegram", "Military Operations", "ar", "party", "opposition", "SY", "militaryops"),
    Outlet("1500000002", "telegram", "Idlib News Network", "ar", "local_media", None, "SY", "idlibnews"),
    Outlet("1500000003", "telegram", "Syrian Observatory", "both", "monitor", None, "SY", "syriahr"),
    Outlet("1500000004", "telegram", "Deir Ezzor 24", "ar", "local_media", None, "SY", "deirezzor24"),
    Outlet("1500000005", "telegram", "Step News Agency", "ar", "local_media", "opposition", "SY", "stepagency"),
    Outlet("1500000006", "telegram", "SANA English", "en", "state_media", "government", "SY", "sana_en"),
    Outlet("1500000007", "telegram", "Rudaw", "both", "local_media", "kurdish", "IQ", "rudawnews"),
    Outlet("1500000008", "telegram", "Al-Masdar News", "en", "other", "government", "SY", "almasdarnews"),
    Outlet("1500000009", "telegram", "Iraq Security Media Cell", "ar", "state_media", "government", "IQ", "securitymediacell"),
    Outlet("1500000010", "telegram", "Yemen Press", "ar", "local_media", None, "YE", "yemenpress"),
    Outlet("1500000011", "telegram", "South Lebanon Live", "ar", "local_media", None, "LB", "southlebanon"),
    Outlet("1500000012", "telegram", "Conflict Monitor", "en", "monitor", None, None, "conflictmonitor"),
    Outlet("1500000013", "telegram", "Suwayda 24", "ar", "local_media", None, "SY", "suwayda24"),
    Outlet("1500000014", "telegram", "Horan Free League", "ar", "party", "opposition", "SY", "horanfree"),
    Outlet("reuters-mideast", "wire", "Reuters", "en", "wire", dateline="BEIRUT"),
    Outlet("afp-en", "wire", "AFP", "en", "wire", dateline="DAMASCUS"),
    Outlet("ap-world", "wire", "AP", "en", "wire", dateline="BAGHDAD"),
    Outlet("sana-ar", "wire", "SANA", "ar", "state_media", "government", "SY", dateline="دمشق"),
    Outlet("anadolu-ar", "wire", "Anadolu", "ar", "state_media", "turkey", None, dateline="أنقرة"),
    Outlet("nna-en", "wire", "National News Agency", "en", "state_media", "government", "LB", dateline="BEIRUT"),
    Outlet("saba-ar", "wire", "Saba", "ar", "state_media", "houthi", "YE", dateline="صنعاء"),
)
# fmt: on


def sources_document() -> dict[str, Any]:
    """The sources file (``SITREP_SOURCES_FILE``) that describes :data:`OUTLETS`, as a dict."""
    telegram: list[dict[str, Any]] = []
    feeds: list[dict[str, Any]] = []
    for outlet in OUTLETS:
        entry: dict[str, Any] = {"id": outlet.source_id, "role": outlet.role, "outlet": outlet.name}
        if outlet.side:
            entry["side"] = outlet.side
        if outlet.region:
            entry["region"] = outlet.region
        if outlet.language != "both":
            entry["language"] = outlet.language
        if outlet.kind == "telegram":
            telegram.append({**entry, "channel": f"@{outlet.username}"})
        else:
            feeds.append({**entry, "url": f"https://feeds.example.org/{outlet.source_id}.xml"})
    return {"telegram": telegram, "feeds": feeds}


_WIRE_ATTRIBUTION: Final = (
    "a war monitor said",
    "state media reported",
    "residents said",
    "a military source told reporters",
    "rebels said",
    "local officials said",
)
_AR_ATTRIBUTION: Final = ("بحسب مصادر محلية", "وفق ما أفاد مراسلنا", "حسب المرصد", "بحسب ناشطين")

# One kind of event: English and Arabic sentence templates. Placeholders: {town}, {province},
# {actor}, {other}, {air}, {n} (a count), {killed} (a casualty clause, may be empty).
_KINDS: Final[tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]] = (
    (
        "airstrike",
        (
            "{air} carried out {n} airstrikes on {town} in the {province} countryside{killed}.",
            "Airstrikes hit residential neighbourhoods of {town} overnight{killed}.",
            "A drone strike targeted a vehicle on the outskirts of {town}{killed}.",
        ),
        (
            "غارات {air} تستهدف مدينة {town} في ريف {province}{killed}",
            "غارة بطائرة مسيرة على سيارة في أطراف {town}{killed}",
        ),
    ),
    (
        "shelling",
        (
            "{actor} shelled {town} with artillery and rockets{killed}.",
            "Heavy shelling by {actor} targeted the southern neighbourhoods of {town}{killed}.",
        ),
        (
            "قصف مدفعي وصاروخي من {actor} على أطراف {town} في ريف {province}{killed}",
            "قصف عنيف يستهدف أحياء {town}{killed}",
        ),
    ),
    (
        "clash",
        (
            "Clashes erupted between {actor} and {other} near {town}{killed}.",
            "Fierce clashes between {actor} and {other} on the {town} front{killed}.",
        ),
        (
            "اشتباكات عنيفة بين {actor} و{other} على محور {town}{killed}",
            "اشتباكات بين {actor} و{other} قرب {town} في ريف {province}{killed}",
        ),
    ),
    (
        "territory",
        (
            "{actor} captured the town of {town} after fierce clashes with {other}.",
            "{actor} said they had taken full control of {town} in {province} province.",
        ),
        (
            "{actor} سيطرت على مدينة {town} بعد معارك عنيفة مع {other}",
            "سيطرة {actor} على بلدة {town} في ريف {province}",
        ),
    ),
    (
        "explosive",
        (
            "An IED exploded targeting a military vehicle of {actor} near {town}{killed}.",
            "A car bomb went off in the centre of {town}{killed}.",
        ),
        (
            "انفجار عبوة ناسفة بسيارة عسكرية تتبع {actor} قرب {town}{killed}",
            "انفجار سيارة مفخخة وسط مدينة {town}{killed}",
        ),
    ),
    (
        "attack",
        (
            "Gunmen opened fire on civilians in {town}{killed}.",
            "{actor} killed {n} civilians in a raid on a village near {town}.",
        ),
        (
            "مسلحون يطلقون النار على مدنيين في {town}{killed}",
            "مقتل {n} مدنيين برصاص {actor} في {town}",
        ),
    ),
    (
        "abduction",
        (
            "{actor} abducted {n} civilians from {town} and took them to an unknown location.",
            "Residents of {town} said {actor} kidnapped a local council member.",
        ),
        ("{actor} تختطف {n} مدنيين من {town} وتقتادهم إلى جهة مجهولة",),
    ),
    (
        "protest",
        (
            "Hundreds of residents protested in {town} against rising prices and power cuts.",
            "A protest in the main square of {town} demanded the release of detainees.",
        ),
        ("مظاهرة في {town} تطالب بالإفراج عن المعتقلين", "وقفة احتجاجية في ساحة {town} ضد الغلاء"),
    ),
    (
        "arrests",
        (
            "{actor} arrested {n} young men in a raid on {town}.",
            "A wave of arrests by {actor} in {town} targeted former fighters.",
        ),
        ("حملة اعتقالات تشنها {actor} في {town} طالت {n} شبان",),
    ),
    (
        "agreement",
        (
            "A ceasefire was agreed in {town} between {actor} and {other}.",
            "Local notables brokered a truce between {actor} and {other} in {town}.",
        ),
        ("اتفاق تهدئة في {town} بين {actor} و{other}",),
    ),
)
_VIOLENT: Final = frozenset({"airstrike", "shelling", "clash", "explosive", "attack"})

NON_EVENTS_EN: Final = (
    "Good morning to all our followers. Subscribe to our channel for the latest updates!",
    "Our live coverage continues tonight at 8 pm. Stay tuned.",
    "Analysis: what the coming year may hold for the region's economy.",
    "Weather: rain and strong winds expected across the north this weekend.",
    "Join our new backup channel, the link is in the description.",
    "Thank you for 100,000 subscribers! We will keep reporting from the ground.",
    "Opinion: the international community must rethink its approach to reconstruction.",
    "Exchange rates today: the dollar is trading at a new high against the pound.",
    "Football: the national team qualified for the next round of the Asian Cup.",
    "Programme note: tomorrow's broadcast will start one hour later than usual.",
)
NON_EVENTS_AR: Final = (
    "صباح الخير لجميع متابعينا الكرام، تابعونا على قناتنا لمعرفة آخر الأخبار",
    "رمضان كريم وكل عام وأنتم بخير",
    "انضموا إلى قناتنا الاحتياطية، الرابط في الوصف",
    "تحليل: ماذا ينتظر اقتصاد المنطقة في العام القادم",
    "حالة الطقس: أمطار ورياح قوية متوقعة في الشمال نهاية الأسبوع",
    "أسعار صرف العملات اليوم مقابل الدولار",
    "شكرا لكم على مئة ألف مشترك، مستمرون في التغطية من الميدان",
    "موعد البث المباشر الليلة الساعة الثامنة مساء",
)


@dataclass(frozen=True, slots=True)
class _Happening:
    """One real-world event that several sources report."""

    kind: str
    town: Town
    actor: ActorName
    other: ActorName
    count: int
    killed: int
    at: datetime


@dataclass(slots=True)
class _Channel:
    outlet: Outlet
    next_id: int = 1


def _english_killed(killed: int) -> str:
    if killed == 0:
        return ""
    if killed == 1:
        return ", killing one person"
    return f", killing {killed} people"


def _arabic_killed(killed: int) -> str:
    return "" if killed == 0 else f" وأنباء عن سقوط {killed} قتلى"


class Corpus:
    """The generator behind :func:`raw_items`; one instance is one deterministic stream."""

    def __init__(self, seed: int, start: datetime, span: timedelta, count: int) -> None:
        self._rng = random.Random(seed)
        self._start = start
        self._step = span / max(count, 1)
        self._count = count
        self._channels = [_Channel(o) for o in OUTLETS]
        self._pending: list[tuple[datetime, int, _Happening]] = []
        self._sequence = 0
        self._recent_posts: list[RawItem] = []

    def __iter__(self) -> Iterator[RawItem]:
        rng = self._rng
        cursor = self._start
        for _ in range(self._count):
            cursor += self._step * (0.5 + rng.random())
            roll = rng.random()
            if roll < NON_EVENT_SHARE:
                yield self._non_event(cursor)
            elif self._pending and self._pending[0][0] <= cursor:
                at, _seq, happening = heapq.heappop(self._pending)
                yield self._report(happening, at)
            elif roll < NON_EVENT_SHARE + FORWARD_SHARE and self._recent_posts:
                yield self._forward(rng.choice(self._recent_posts), cursor)
            else:
                happening = self._happening(cursor)
                yield self._report(happening, cursor)
                for _follow_up in range(self._follow_ups()):
                    later = cursor + timedelta(minutes=rng.uniform(5, 360))
                    self._sequence += 1
                    heapq.heappush(self._pending, (later, self._sequence, happening))

    def _follow_ups(self) -> int:
        roll = self._rng.random()
        return 0 if roll < 0.45 else 1 if roll < 0.75 else 2 if roll < 0.92 else 3

    def _happening(self, at: datetime) -> _Happening:
        rng = self._rng
        town = rng.choice(TOWNS)
        local = [a for a in ACTORS if town.country in a.countries]
        actor, other = rng.sample(local, 2) if len(local) >= 2 else (local[0], ACTORS[-1])
        kind = rng.choice(_KINDS)[0]
        killed = rng.choice((0, 0, 0, 1, 2, 3, 5, 8, 12)) if kind in _VIOLENT else 0
        return _Happening(kind, town, actor, other, rng.randint(2, 9), killed, at)

    def _channel(self, language: str | None = None) -> _Channel:
        options = [
            c for c in self._channels if language is None or c.outlet.language in (language, "both")
        ]
        return self._rng.choice(options)

    def _item(
        self,
        channel: _Channel,
        text: str,
        published: datetime,
        lang: str | None,
        forward: Forward | None = None,
    ) -> RawItem:
        outlet = channel.outlet
        number = channel.next_id
        channel.next_id += 1
        collected = published + timedelta(seconds=self._rng.uniform(2, 300))
        if outlet.kind == "telegram":
            native_id = str(number)
            provenance = Provenance(
                channel_username=outlet.username,
                channel_title=outlet.name,
                forward=forward,
                views=self._rng.randint(200, 90_000),
            )
            url = f"https://t.me/{outlet.username}/{number}"
        else:
            native_id = f"urn:{outlet.source_id}:{number}"
            provenance = Provenance(
                feed_url=f"https://feeds.example.org/{outlet.source_id}.xml",
                feed_format="rss",
                outlet=outlet.name,
                dateline=outlet.dateline,
                guid=native_id,
            )
            url = f"https://news.example.org/{outlet.source_id}/{number}"
        return RawItem(
            item_id=f"{outlet.kind}:{outlet.source_id}:{native_id}",
            source_kind=outlet.kind,
            source_id=outlet.source_id,
            native_id=native_id,
            text=text,
            collected_at=to_iso(collected),
            published_at=to_iso(published),
            url=url,
            lang=lang,
            provenance=provenance,
        )

    def _report(self, happening: _Happening, published: datetime) -> RawItem:
        rng = self._rng
        arabic = rng.random() < 0.5
        channel = self._channel("ar" if arabic else "en")
        templates = next(k for k in _KINDS if k[0] == happening.kind)
        town = happening.town
        air_en, air_ar = AIR_FORCES[town.country]
        if arabic:
            text = rng.choice(templates[2]).format(
                town=town.arabic,
                province=town.province_ar,
                actor=happening.actor.arabic,
                other=happening.other.arabic,
                air=air_ar,
                n=happening.count,
                killed=_arabic_killed(happening.killed),
            )
            if channel.outlet.kind == "wire" or rng.random() < 0.3:
                text = f"{text} {rng.choice(_AR_ATTRIBUTION)}"
        else:
            text = rng.choice(templates[1]).format(
                town=town.name,
                province=town.province,
                actor=happening.actor.english,
                other=happening.other.english,
                air=air_en,
                n=happening.count,
                killed=_english_killed(happening.killed),
            )
            text = text[0].upper() + text[1:]
            if channel.outlet.kind == "wire":
                name = channel.outlet.name
                text = f"{channel.outlet.dateline} ({name}) - {text[:-1]}, {rng.choice(_WIRE_ATTRIBUTION)}."
        item = self._item(channel, text, published, "ar" if arabic else "en")
        if channel.outlet.kind == "telegram":
            self._remember(item)
        return item

    def _non_event(self, published: datetime) -> RawItem:
        rng = self._rng
        channel = self._channel()
        arabic = channel.outlet.language == "ar" or (
            channel.outlet.language == "both" and rng.random() < 0.5
        )
        text = rng.choice(NON_EVENTS_AR if arabic else NON_EVENTS_EN)
        return self._item(channel, text, published, "ar" if arabic else "en")

    def _forward(self, origin: RawItem, published: datetime) -> RawItem:
        channel = self._rng.choice([c for c in self._channels if c.outlet.kind == "telegram"])
        forward = Forward(
            channel_id=origin.source_id,
            message_id=int(origin.native_id),
            date=origin.published_at,
            from_name=origin.provenance.channel_title,
        )
        return self._item(channel, origin.text, published, origin.lang, forward)

    def _remember(self, item: RawItem) -> None:
        self._recent_posts.append(item)
        if len(self._recent_posts) > 200:
            del self._recent_posts[:100]


def raw_items(
    count: int,
    *,
    seed: int = 9,
    start: datetime = DEFAULT_START,
    span: timedelta = DEFAULT_SPAN,
) -> Iterator[RawItem]:
    """``count`` raw items published from ``start`` over about ``span``, in publication order."""
    return iter(Corpus(seed, start, span, count))


def live(item: RawItem, collected: datetime) -> RawItem:
    """``item`` as if collected at ``collected``: its publication time moves along with it
    (keeping the original gap), so live benchmarks look like live collection."""
    if item.published_at is None:
        return replace(item, collected_at=to_iso(collected))
    gap = parse_iso(item.collected_at) - parse_iso(item.published_at)
    return replace(item, collected_at=to_iso(collected), published_at=to_iso(collected - gap))
