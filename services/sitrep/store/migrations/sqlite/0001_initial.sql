-- sitrep storage schema, version 1 (SQLite 3.37+: STRICT tables, JSON functions).
--
-- The same tables, keys, checks and indexes as migrations/postgres/0001_initial.sql, so that
-- both databases accept and reject the same rows. SQLite has no date, timestamp, boolean or
-- JSON types: dates are 'YYYY-MM-DD' text checked by date(), timestamps are ISO-8601 text
-- checked by julianday(), booleans are 0/1 and JSON is text checked by json_valid().

CREATE TABLE sources (
    source_kind     TEXT NOT NULL CHECK (source_kind IN ('telegram', 'wire')),
    source_id       TEXT NOT NULL,
    role            TEXT NOT NULL
                    CHECK (role IN ('party', 'state_media', 'wire', 'monitor', 'local_media', 'other')),
    side            TEXT,
    outlet          TEXT,
    language        TEXT,
    channel         TEXT,
    url             TEXT,
    first_report_at TEXT CHECK (first_report_at IS NULL OR julianday(first_report_at) IS NOT NULL),
    last_report_at  TEXT CHECK (last_report_at IS NULL OR julianday(last_report_at) IS NOT NULL),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (source_kind, source_id)
) STRICT;

CREATE TABLE reports (
    report_id       TEXT PRIMARY KEY,
    version         INTEGER NOT NULL CHECK (version >= 0),
    item_id         TEXT NOT NULL,
    source_kind     TEXT NOT NULL CHECK (source_kind IN ('telegram', 'wire')),
    source_id       TEXT NOT NULL,
    native_id       TEXT NOT NULL,
    source_role     TEXT NOT NULL
                    CHECK (source_role IN ('party', 'state_media', 'wire', 'monitor', 'local_media', 'other')),
    source_side     TEXT,
    outlet          TEXT,
    language        TEXT NOT NULL,
    title           TEXT,
    url             TEXT,
    text            TEXT NOT NULL,
    published_at    TEXT CHECK (published_at IS NULL OR julianday(published_at) IS NOT NULL),
    collected_at    TEXT NOT NULL CHECK (julianday(collected_at) IS NOT NULL),
    processed_at    TEXT NOT NULL CHECK (julianday(processed_at) IS NOT NULL),
    origin_id       TEXT,
    copy_reason     TEXT,
    candidate_count INTEGER NOT NULL CHECK (candidate_count >= 0),
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    record          TEXT NOT NULL CHECK (json_valid(record)),
    written_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX reports_source ON reports (source_kind, source_id, published_at);
CREATE INDEX reports_published ON reports (published_at);
CREATE INDEX reports_origin ON reports (origin_id) WHERE origin_id IS NOT NULL;

CREATE TABLE events (
    event_id            TEXT PRIMARY KEY,
    version             INTEGER NOT NULL CHECK (version >= 0),
    event_type          TEXT NOT NULL,
    sub_event_type      TEXT NOT NULL,
    occurred_on         TEXT NOT NULL CHECK (date(occurred_on, '+0 days') = occurred_on),
    time_precision      INTEGER NOT NULL CHECK (time_precision BETWEEN 1 AND 3),
    location_name       TEXT,
    geonames_id         INTEGER,
    admin1              TEXT,
    admin1_key          TEXT,
    admin2              TEXT,
    country             TEXT,
    country_key         TEXT,
    country_code        TEXT,
    latitude            REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude           REAL CHECK (longitude BETWEEN -180 AND 180),
    geo_precision       INTEGER CHECK (geo_precision BETWEEN 1 AND 3),
    actors              TEXT NOT NULL CHECK (json_valid(actors)),
    fatalities          INTEGER NOT NULL CHECK (fatalities >= 0),
    claim_status        TEXT NOT NULL
                        CHECK (claim_status IN ('claimed', 'reported', 'corroborated', 'disputed', 'retracted')),
    claimed_by          TEXT NOT NULL CHECK (json_valid(claimed_by)),
    independent_sources INTEGER NOT NULL CHECK (independent_sources >= 0),
    outlets             TEXT NOT NULL CHECK (json_valid(outlets)),
    sides               TEXT NOT NULL CHECK (json_valid(sides)),
    report_count        INTEGER NOT NULL CHECK (report_count >= 0),
    copy_count          INTEGER NOT NULL CHECK (copy_count >= 0),
    denial_count        INTEGER NOT NULL CHECK (denial_count >= 0),
    first_seen          TEXT NOT NULL CHECK (julianday(first_seen) IS NOT NULL),
    last_seen           TEXT NOT NULL CHECK (julianday(last_seen) IS NOT NULL),
    updated_at          TEXT NOT NULL CHECK (julianday(updated_at) IS NOT NULL),
    record              TEXT NOT NULL CHECK (json_valid(record)),
    written_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((latitude IS NULL) = (longitude IS NULL)),
    CHECK ((location_name IS NULL) = (latitude IS NULL))
) STRICT;
CREATE INDEX events_occurred_on ON events (occurred_on, event_id);
CREATE INDEX events_type ON events (event_type, sub_event_type, occurred_on);
CREATE INDEX events_country ON events (country_key, occurred_on);
CREATE INDEX events_country_code ON events (country_code, occurred_on);
CREATE INDEX events_admin1 ON events (admin1_key, occurred_on);
CREATE INDEX events_lat_lon ON events (latitude, longitude);
CREATE INDEX events_sources ON events (independent_sources, occurred_on);
CREATE INDEX events_claim_status ON events (claim_status, occurred_on);

CREATE TABLE event_actors (
    event_id   TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 0),
    actor_name TEXT NOT NULL,
    actor_key  TEXT NOT NULL,
    inter      INTEGER NOT NULL CHECK (inter BETWEEN 0 AND 8),
    role       TEXT NOT NULL CHECK (role IN ('actor1', 'actor2', 'assoc')),
    PRIMARY KEY (event_id, position)
) STRICT;
CREATE INDEX event_actors_key ON event_actors (actor_key, event_id);

CREATE TABLE event_reports (
    event_id       TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    candidate_id   TEXT NOT NULL,
    report_id      TEXT NOT NULL,
    source_kind    TEXT NOT NULL CHECK (source_kind IN ('telegram', 'wire')),
    source_id      TEXT NOT NULL,
    source_role    TEXT NOT NULL
                   CHECK (source_role IN ('party', 'state_media', 'wire', 'monitor', 'local_media', 'other')),
    outlet         TEXT,
    source_side    TEXT,
    stance         TEXT NOT NULL CHECK (stance IN ('affirm', 'deny')),
    copy_of        TEXT,
    published_at   TEXT CHECK (published_at IS NULL OR julianday(published_at) IS NOT NULL),
    url            TEXT,
    merge_rule     TEXT NOT NULL,
    merge_score    REAL NOT NULL,
    distance_km    REAL CHECK (distance_km >= 0),
    time_gap_hours REAL,
    shared_actors  TEXT NOT NULL CHECK (json_valid(shared_actors)),
    PRIMARY KEY (event_id, candidate_id)
) STRICT;
CREATE INDEX event_reports_report ON event_reports (report_id);

CREATE TABLE event_revisions (
    event_id            TEXT NOT NULL,
    version             INTEGER NOT NULL CHECK (version >= 0),
    claim_status        TEXT NOT NULL,
    independent_sources INTEGER NOT NULL,
    updated_at          TEXT NOT NULL CHECK (julianday(updated_at) IS NOT NULL),
    record              TEXT NOT NULL CHECK (json_valid(record)),
    written_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (event_id, version)
) STRICT;

CREATE TRIGGER event_revisions_no_update BEFORE UPDATE ON event_revisions
BEGIN
    SELECT RAISE(ABORT, 'table event_revisions is append-only: rows are never updated or deleted');
END;

CREATE TRIGGER event_revisions_no_delete BEFORE DELETE ON event_revisions
BEGIN
    SELECT RAISE(ABORT, 'table event_revisions is append-only: rows are never updated or deleted');
END;
