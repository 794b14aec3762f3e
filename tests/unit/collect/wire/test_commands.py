"""``sitrep import feed`` and ``sitrep collect wire --once`` through the real command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.cli import main
from sitrep.records.codec import decode_raw_item
from sitrep.records.model import RawItem

from .feedserver import IPTC, WIRE, FeedServer

ITEM_FIXTURES = sorted(
    [
        *(IPTC / "ninjs").glob("*.json"),
        IPTC / "newsml-g2" / "LISTING_1_A_NewsML-G2_News_Item.xml",
        IPTC / "newsml-g2" / "LISTING_2_NewsML-G2_Text_Document.xml",
        IPTC / "newsml-g2" / "LISTING_16_A_Set_of_Events_carried_in_a_News_Item.xml",
        IPTC / "newsml-g2" / "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml",
    ]
)
# metadata-only examples: no headline and no body, so no raw item
EMPTY_FIXTURES = [
    IPTC / "newsml-g2" / "LISTING_24_News_Message_conveying_a_complete_News_Package.xml",
    IPTC / "newsml-g2" / "LISTING_28_Illustrating_Located_Subject_and_Dateline.xml",
    IPTC / "newsml-g2" / "LISTING_29_Hop_History.xml",
    IPTC / "newsml-g2" / "ap_metadata_example.xml",
]


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SITREP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SITREP_LOG_FORMAT", "text")
    monkeypatch.delenv("SITREP_SOURCES_FILE", raising=False)


def _run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, list[RawItem], str]:
    code = main(list(argv))
    captured = capsysbinary.readouterr()
    items = [decode_raw_item(line) for line in captured.out.splitlines() if line.strip()]
    return code, items, captured.err.decode()


@pytest.mark.parametrize("fixture", ITEM_FIXTURES, ids=lambda p: p.name)
def test_import_feed_prints_raw_items_for_each_iptc_example(
    fixture: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, items, _ = _run(capsysbinary, "import", "feed", str(fixture), "--jsonl", "-")
    assert code == 0
    assert items
    for item in items:
        assert item.source_kind == "wire"
        assert item.text
        assert item.collected_at.endswith("Z")
        assert item.published_at is not None and item.published_at.endswith("Z")
        assert item.provenance.feed_url == fixture.resolve().as_uri()
        assert item.provenance.feed_format in ("ninjs", "newsml")


@pytest.mark.parametrize("fixture", EMPTY_FIXTURES, ids=lambda p: p.name)
def test_import_feed_skips_metadata_only_examples_and_says_so(
    fixture: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, items, err = _run(capsysbinary, "import", "feed", str(fixture), "--jsonl", "-")
    assert code == 0
    assert items == []
    assert "skipped without title or text" in err


def test_import_feed_fills_title_text_times_and_provenance_from_newsml(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    fixture = IPTC / "newsml-g2" / "LISTING_2_NewsML-G2_Text_Document.xml"
    _, (item,), _ = _run(capsysbinary, "import", "feed", str(fixture), "--jsonl", "-")
    assert item.source_id == "listing-2-newsml-g2-text-document"
    assert item.native_id == "urn:newsml:acmenews.com:20161121:US-FINANCE-FED"
    assert item.title == 'Fed to halt QE to avert "bubble"'
    assert item.published_at == "2016-11-21T20:21:06Z"
    assert item.lang == "en-US"
    p = item.provenance
    assert (p.outlet, p.byline, p.dateline, p.attribution) == (
        "Acme News and Media LLC",
        "Meredith Jameson",
        "New York, NY - October 21",
        "Associated Press",
    )


def test_import_feed_uses_the_sources_entry_named_by_source(
    capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "feeds:\n  - id: sham-ar\n    url: https://sham-news.example.org/rss\n"
        "    outlet: Sham News\n    role: local_media\n    language: ar\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SITREP_SOURCES_FILE", str(sources))
    code, items, _ = _run(
        capsysbinary,
        "import", "feed", str(WIRE / "sham-news.rss.xml"), "--source", "sham-ar", "--jsonl", "-",
    )  # fmt: skip
    assert code == 0
    assert {(i.source_id, i.provenance.outlet) for i in items} == {("sham-ar", "Sham News")}


def test_import_feed_remembers_only_when_asked(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    feed = str(WIRE / "regional.rdf.xml")
    assert len(_run(capsysbinary, "import", "feed", feed, "--jsonl", "-")[1]) == 2
    assert len(_run(capsysbinary, "import", "feed", feed, "--jsonl", "-")[1]) == 2
    assert len(_run(capsysbinary, "import", "feed", feed, "--remember", "--jsonl", "-")[1]) == 2
    assert _run(capsysbinary, "import", "feed", feed, "--remember", "--jsonl", "-")[1] == []


def test_import_feed_of_a_broken_file_fails_with_the_reason(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    code, items, err = _run(
        capsysbinary, "import", "feed", str(WIRE / "malformed.rss.xml"), "--jsonl", "-"
    )
    assert code == 1
    assert items == []
    assert "malformed: not well-formed XML: mismatched tag" in err


def test_import_feed_of_a_missing_file_is_a_usage_error(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    code, _, err = _run(capsysbinary, "import", "feed", str(tmp_path / "nope.xml"), "--jsonl", "-")
    assert code == 2
    assert "neither an http(s) URL nor a file" in err


async def test_import_feed_from_a_url_uses_a_slug_of_the_url(
    feed_server: FeedServer, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    import asyncio

    url = feed_server.serve_file("/feeds/levant", WIRE / "levant-wire.rss.xml")
    code, items, _ = await asyncio.to_thread(
        _run, capsysbinary, "import", "feed", url, "--jsonl", "-"
    )
    assert code == 0
    assert len(items) == 4
    assert items[0].source_id == f"127-0-0-1-{feed_server.port}-feeds-levant"


async def test_collect_wire_once_polls_every_feed_of_the_sources_file(
    feed_server: FeedServer,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    import asyncio

    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "feeds:\n"
        f"  - id: levant\n    url: {feed_server.serve_file('/l', WIRE / 'levant-wire.rss.xml')}\n"
        f"  - id: front\n    url: {feed_server.serve_file('/f', WIRE / 'front-monitor.atom.xml')}\n"
        "    format: atom\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SITREP_SOURCES_FILE", str(sources))
    code, items, err = await asyncio.to_thread(
        _run, capsysbinary, "collect", "wire", "--once", "--jsonl", "-"
    )
    assert code == 0
    assert sorted({i.source_id for i in items}) == ["front", "levant"]
    assert len(items) == 7
    assert "collect wire: levant: rss document, 4 item(s) delivered" in err


def test_collect_wire_without_a_sources_file_is_a_usage_error(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    code, _, err = _run(capsysbinary, "collect", "wire", "--once")
    assert code == 2
    assert "SITREP_SOURCES_FILE" in err
