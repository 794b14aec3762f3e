"""The store's writes on real PostgreSQL and SQLite: the same tests run on both.

Every test gets a fresh database (``database_url``: a SQLite file, or a new PostgreSQL database
on the shared server) with the schema migrated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import psycopg
import pytest
from tests.unit.store.samples import (
    ANALYST_EVENTS,
    EVENTS_TOPIC,
    REPORTS_TOPIC,
    consumed,
    event,
    link,
    located,
    report,
)

from sitrep.ops.settings import Secret, Settings
from sitrep.records.codec import decode_report, encode
from sitrep.records.model import Actor, Corroboration, MergeReason
from sitrep.sources import Source
from sitrep.store.connection import DatabaseUnavailable, connect, database_target
from sitrep.store.database import Store
from sitrep.store.rows import link_rows
from sitrep.store.sink import ConsumedRecord, EventVersion, Sink, Write

pytestmark = pytest.mark.integration

SINK = Sink(EVENTS_TOPIC, REPORTS_TOPIC)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_target(Settings.from_env({}).with_(database_url=Secret(database_url))))
    store.migrate()
    yield store
    store.close()


def rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    conn = connect(store.target)
    try:
        return conn.execute(sql)
    finally:
        conn.close()


def writes(*records: ConsumedRecord) -> tuple[Write, ...]:
    plan = SINK.plan(list(records))
    assert plan.dead_letters == ()
    return plan.writes


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's content without the columns that record when a row was written."""
    return {
        "events": rows(
            store, "SELECT event_id, version, fatalities, claim_status FROM events ORDER BY 1"
        ),
        "revisions": rows(store, "SELECT event_id, version FROM event_revisions ORDER BY 1, 2"),
        "actors": rows(
            store, "SELECT event_id, position, actor_name FROM event_actors ORDER BY 1, 2"
        ),
        "links": rows(
            store, "SELECT event_id, candidate_id, merge_rule FROM event_reports ORDER BY 1, 2"
        ),
        "reports": rows(store, "SELECT report_id, version, deleted, text FROM reports ORDER BY 1"),
        "sources": rows(store, "SELECT source_kind, source_id, role FROM sources ORDER BY 1, 2"),
    }


def test_same_batch_written_twice_leaves_the_same_rows(store: Store) -> None:
    batch = writes(*(consumed(e, n) for n, e in enumerate(ANALYST_EVENTS)), consumed(report(), 9))
    store.write(batch)
    once = snapshot(store)
    outcome = store.write(batch)
    assert outcome.rejected == ()
    assert snapshot(store) == once
    assert len(once["events"]) == len(ANALYST_EVENTS)


def test_versions_arriving_out_of_order_end_with_the_newest(store: Store) -> None:
    v1, v2, v3 = (event(version=v, fatalities=v * 10) for v in (1, 2, 3))
    store.write(writes(consumed(v1, 0)))
    store.write(writes(consumed(v3, 1)))
    store.write(writes(consumed(v2, 2)))
    assert rows(store, "SELECT version, fatalities FROM events") == [(3, 30)]


def test_versions_out_of_order_within_one_batch_end_with_the_newest(store: Store) -> None:
    store.write(
        writes(*(consumed(event(version=v, fatalities=v), n) for n, v in enumerate([2, 5, 1])))
    )
    assert rows(store, "SELECT version, fatalities FROM events") == [(5, 5)]


def test_every_version_is_kept_in_the_revision_log(store: Store) -> None:
    for n, v in enumerate([3, 1, 2, 3]):
        store.write(writes(consumed(event(version=v), n)))
    assert rows(store, "SELECT version FROM event_revisions ORDER BY version") == [(1,), (2,), (3,)]


def test_revision_log_refuses_updates_and_deletes(store: Store) -> None:
    store.write(writes(consumed(event())))
    conn = connect(store.target)
    try:
        for statement in ("UPDATE event_revisions SET version = 9", "DELETE FROM event_revisions"):
            with pytest.raises(Exception, match="append-only"):
                conn.execute(statement)
    finally:
        conn.close()


def test_actors_and_links_follow_the_current_version(store: Store) -> None:
    newer = event(
        version=2,
        actors=(Actor("Hayat Tahrir al-Sham", 2, "actor1"),),
        reports=(
            link("telegram:a:1", source_id="a"),
            link(
                "wire:b:1", source_id="b", source_kind="wire", source_role="wire", rule="same_event"
            ),
        ),
    )
    store.write(writes(consumed(newer, 0), consumed(event(version=1), 1)))
    assert rows(store, "SELECT actor_name FROM event_actors") == [("Hayat Tahrir al-Sham",)]
    assert rows(store, "SELECT report_id, merge_rule FROM event_reports ORDER BY 1") == [
        ("telegram:a:1", "seed"),
        ("wire:b:1", "same_event"),
    ]


def test_constraint_violation_rejects_only_that_row(store: Store) -> None:
    good = [event(event_id=f"ev-good-{n}") for n in range(3)]
    bad = event(event_id="ev-bad", fatalities=-1)
    batch = writes(
        consumed(good[0], 0),
        consumed(bad, 1),
        consumed(good[1], 2),
        consumed(report(), 3),
        consumed(good[2], 4),
    )
    outcome = store.write(batch)
    (rejection,) = outcome.rejected
    assert rejection.write.origin.offset == 1
    assert "fatalities" in rejection.reason
    assert len(outcome.written) == 4
    assert rows(store, "SELECT event_id FROM events ORDER BY 1") == [(e.event_id,) for e in good]
    assert rows(store, "SELECT count(*) FROM event_revisions WHERE event_id = 'ev-bad'") == [(0,)]
    assert rows(store, "SELECT count(*) FROM reports") == [(1,)]


def test_invalid_date_is_rejected(store: Store) -> None:
    outcome = store.write(writes(consumed(event(occurred_on="2024-02-30"))))
    assert len(outcome.rejected) == 1


def test_latitude_off_the_globe_is_rejected(store: Store) -> None:
    bad = event(location=located(lat=95.0))
    assert len(store.write(writes(consumed(bad))).rejected) == 1


def test_the_unique_key_refuses_one_candidate_linked_twice(store: Store) -> None:
    twice = event(
        reports=(link("telegram:a:1", source_id="a"), link("telegram:a:1", source_id="a"))
    )
    outcome = store.write(writes(consumed(twice)))
    assert len(outcome.rejected) == 1
    assert rows(store, "SELECT count(*) FROM events") == [(0,)]


def test_report_tombstone_marks_the_report_deleted(store: Store) -> None:
    store.write(writes(consumed(report(version=1), 0)))
    store.write(writes(consumed(report(version=1, deleted=True, text=""), 1)))
    (row,) = rows(store, "SELECT version, deleted, text FROM reports")
    assert (row[0], bool(row[1]), row[2]) == (1, True, "")


def test_a_deleted_report_is_not_brought_back_by_an_older_version(store: Store) -> None:
    store.write(writes(consumed(report(version=2, deleted=True, text=""), 0)))
    store.write(writes(consumed(report(version=2), 1), consumed(report(version=1), 2)))
    assert rows(store, "SELECT version, text FROM reports") == [(2, "")]


def test_a_newer_report_version_replaces_an_older_one(store: Store) -> None:
    store.write(writes(consumed(report(version=1, text="first"), 0)))
    store.write(writes(consumed(report(version=2, text="edited"), 1)))
    store.write(writes(consumed(report(version=1, text="first"), 2)))
    assert rows(store, "SELECT version, text FROM reports") == [(2, "edited")]


def test_kafka_tombstone_removes_the_event_and_keeps_its_revisions(store: Store) -> None:
    store.write(writes(consumed(event(version=1), 0), consumed(event(version=2), 1)))
    store.write(writes(ConsumedRecord(EVENTS_TOPIC, 0, 2, b"ev-0000000000000001", None)))
    assert snapshot(store)["events"] == []
    assert snapshot(store)["actors"] == []
    assert snapshot(store)["links"] == []
    assert rows(store, "SELECT count(*) FROM event_revisions") == [(2,)]


def test_kafka_tombstone_on_a_report_empties_it_and_keeps_the_row(store: Store) -> None:
    store.write(writes(consumed(report(version=1), 0)))
    store.write(writes(ConsumedRecord(REPORTS_TOPIC, 0, 1, b"telegram:militaryops:101", None)))
    (row,) = rows(store, "SELECT version, deleted, text FROM reports")
    assert (row[0], bool(row[1]), row[2]) == (1, True, "")


def test_sources_are_recorded_from_reports(store: Store) -> None:
    store.write(
        writes(
            consumed(report(collected_at="2024-12-02T00:00:00Z"), 0),
            consumed(
                report(
                    report_id="telegram:militaryops:7",
                    native_id="7",
                    item_id="telegram:militaryops:7",
                    collected_at="2024-11-30T00:00:00Z",
                ),
                1,
            ),
        )
    )
    (row,) = rows(
        store, "SELECT source_id, role, side, first_report_at, last_report_at FROM sources"
    )
    assert row[:3] == ("militaryops", "party", "opposition")
    assert str(row[3]).startswith("2024-11-30") and str(row[4]).startswith("2024-12-02")


def test_corroboration_columns_hold_the_counts(store: Store) -> None:
    ev = event(
        corroboration=Corroboration(
            independent_sources=3, outlets=("A", "B"), reports=5, copies=2, denials=1
        )
    )
    store.write(writes(consumed(ev)))
    assert rows(
        store, "SELECT independent_sources, report_count, copy_count, denial_count FROM events"
    ) == [(3, 5, 2, 1)]


def test_unreachable_database_is_reported_as_unavailable_without_the_password() -> None:
    settings = Settings.from_env({}).with_(
        database_url=Secret("postgresql://sitrep:pw-never-shown@127.0.0.1:9/sitrep")
    )
    store = Store.from_settings(settings)
    with pytest.raises(DatabaseUnavailable) as err:
        store.write(writes(consumed(event())))
    assert "pw-never-shown" not in str(err.value)
    assert "postgresql://127.0.0.1:9/sitrep" in str(err.value)


def test_migrations_on_postgres_record_their_checksums(postgres_url: str) -> None:
    store = Store.from_settings(Settings.from_env({}).with_(database_url=Secret(postgres_url)))
    assert [m.name for m in store.migrate()] == ["0001_initial.sql"]
    assert store.migrate() == []
    with psycopg.connect(postgres_url) as conn:
        (row,) = conn.execute(
            "SELECT version, name, length(checksum) FROM schema_migrations"
        ).fetchall()
    assert row == (1, "0001_initial.sql", 64)
    store.close()


def test_a_batch_larger_than_one_statement_is_written_whole(store: Store) -> None:
    many = [event(event_id=f"ev-{n:016x}", version=2) for n in range(2100)]
    assert store.write(writes(*(consumed(e, n) for n, e in enumerate(many)))).rejected == ()
    assert rows(store, "SELECT count(*), min(version) FROM events") == [(2100, 2)]
    assert rows(store, "SELECT count(*) FROM event_reports") == [(2100,)]
    assert rows(store, "SELECT count(*) FROM event_revisions") == [(2100,)]


def test_kafka_tombstone_on_a_report_marks_its_record_deleted(store: Store) -> None:
    store.write(writes(consumed(report(version=1), 0)))
    store.write(writes(ConsumedRecord(REPORTS_TOPIC, 0, 1, b"telegram:militaryops:101", None)))
    (record,) = rows(store, "SELECT record FROM reports")
    stored = decode_report(record[0] if isinstance(record[0], str) else encode(record[0]))
    assert (stored.deleted, stored.text, stored.version) == (True, "", 1)


def test_sources_file_entries_are_recorded_and_kept_by_reports(store: Store) -> None:
    store.register_sources(
        [
            Source(
                "militaryops",
                "telegram",
                role="party",
                side="opposition",
                channel="@MilitaryOps",
                outlet="Military Operations Command",
                language="ar",
            )
        ]
    )
    store.write(writes(consumed(report())))
    assert rows(store, "SELECT source_id, channel, language, role FROM sources") == [
        ("militaryops", "@MilitaryOps", "ar", "party")
    ]


class _Watching(Store):
    """A store that looks, from another connection, at the reports table while it writes the
    events of a batch."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.target)
        self.seen: list[list[tuple[Any, ...]]] = []

    def _apply(self, conn: Any, batch: Any, staged: Any) -> None:
        if any(isinstance(w, EventVersion) for w in batch):
            self.seen.append(rows(self, "SELECT report_id FROM reports"))
        super()._apply(conn, batch, staged)


def test_a_batch_s_reports_are_readable_before_its_events_are_written(store: Store) -> None:
    watching = _Watching(store)
    try:
        the_report = report()
        outcome = watching.write(writes(consumed(event(), 0), consumed(the_report, 1)))
    finally:
        watching.close()
    assert outcome.rejected == () and len(outcome.written) == 2
    assert watching.seen == [[(the_report.report_id,)]]  # committed before the events began
    assert rows(store, "SELECT count(*) FROM events") == [(1,)]


# --- report links: only the links a version changes are rewritten (sitrep.store.links)

LINKS = [link(f"telegram:a:{n}", source_id="a") for n in range(4)]
ALL_LINK_COLUMNS = (
    "SELECT event_id, candidate_id, report_id, source_kind, source_id, source_role, outlet,"
    " source_side, stance, copy_of, url, merge_rule, merge_score, distance_km, time_gap_hours"
    " FROM event_reports ORDER BY 1, 2"
)


def record_link_inserts(store: Store) -> None:
    """From now on, table ``link_inserts`` gets the candidate id of every row inserted into
    ``event_reports`` (a trigger), so a test sees which links a write rewrote."""
    conn = connect(store.target)
    try:
        conn.execute("CREATE TABLE link_inserts (candidate_id TEXT NOT NULL)")
        if store.dialect == "postgres":
            conn.execute(
                "CREATE FUNCTION note_link() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                " INSERT INTO link_inserts VALUES (NEW.candidate_id); RETURN NEW; END $$"
            )
            conn.execute(
                "CREATE TRIGGER note_link AFTER INSERT ON event_reports"
                " FOR EACH ROW EXECUTE FUNCTION note_link()"
            )
        else:
            conn.execute(
                "CREATE TRIGGER note_link AFTER INSERT ON event_reports"
                " BEGIN INSERT INTO link_inserts VALUES (NEW.candidate_id); END"
            )
    finally:
        conn.close()


def link_inserts(store: Store) -> list[str]:
    """The candidate ids inserted since the last call (see :func:`record_link_inserts`)."""
    conn = connect(store.target)
    try:
        inserted = [c for (c,) in conn.execute("SELECT candidate_id FROM link_inserts")]
        conn.execute("DELETE FROM link_inserts")
        return sorted(inserted)
    finally:
        conn.close()


def expected_links(version: Any) -> list[tuple[Any, ...]]:
    """The link rows of ``version`` alone, as ``ALL_LINK_COLUMNS`` selects them."""
    return sorted((*r[:10], *r[11:16]) for r in link_rows(version))


def test_a_new_version_rewrites_only_the_links_that_changed(store: Store) -> None:
    a, b, c, d = LINKS
    record_link_inserts(store)
    store.write(writes(consumed(event(version=1, reports=(a, b, c)), 0)))
    assert link_inserts(store) == sorted(x.candidate_id for x in (a, b, c))
    changed = replace(b, reason=MergeReason(rule="same_event", score=0.7))
    store.write(writes(consumed(event(version=2, reports=(a, changed, d)), 1)))
    assert link_inserts(store) == sorted(x.candidate_id for x in (b, d))  # not a: unchanged
    assert rows(store, "SELECT candidate_id, merge_rule FROM event_reports ORDER BY 1") == [
        (a.candidate_id, "seed"),
        (b.candidate_id, "same_event"),
        (d.candidate_id, "seed"),
    ]


def test_links_written_by_another_writer_meanwhile_are_rewritten_whole(store: Store) -> None:
    a, b, c, _ = LINKS
    store.write(writes(consumed(event(version=1, reports=(a, b)), 0)))
    other = Store(store.target)  # another sink (a rebalance): this store's memory is stale
    try:
        other.write(writes(consumed(event(version=2, reports=(a,)), 1)))
    finally:
        other.close()
    newest = event(version=3, reports=(a, b, c))
    store.write(writes(consumed(newest, 2)))
    assert rows(store, ALL_LINK_COLUMNS) == expected_links(newest)


def test_an_event_removed_and_written_again_in_one_batch_gets_all_its_links(
    store: Store,
) -> None:
    a, b, _, _ = LINKS
    batch = writes(
        consumed(event(version=1, reports=(a, b)), 0),
        ConsumedRecord(EVENTS_TOPIC, 0, 1, b"ev-0000000000000001", None),
        consumed(event(version=2, reports=(a, b)), 2),
    )
    store.write(batch)
    assert rows(store, ALL_LINK_COLUMNS) == expected_links(event(version=2, reports=(a, b)))
    newest = event(version=3, reports=(b,))
    store.write(writes(consumed(newest, 3)))
    assert rows(store, ALL_LINK_COLUMNS) == expected_links(newest)


def test_links_stay_exact_through_a_batch_written_row_by_row(store: Store) -> None:
    a, b, c, d = LINKS
    store.write(writes(consumed(event(version=1, reports=(a, b)), 0)))
    bad = event(event_id="ev-bad", fatalities=-1)
    outcome = store.write(writes(consumed(event(version=2, reports=(a, c)), 1), consumed(bad, 2)))
    assert len(outcome.rejected) == 1
    newest = event(version=3, reports=(a, c, d))
    store.write(writes(consumed(newest, 3)))
    assert rows(store, ALL_LINK_COLUMNS) == expected_links(newest)
