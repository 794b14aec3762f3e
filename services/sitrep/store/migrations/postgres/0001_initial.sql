-- sitrep storage schema, version 1 (PostgreSQL 13+).
--
-- events           the current version of every event (one row per event_id)
-- event_revisions  every version of every event ever written; append-only
-- event_actors     the actors of the current version, one row each (actor filter)
-- event_reports    the reports supporting the current version, with their merge reasons
-- reports          the latest version of every report (tombstoned reports keep their row)
-- sources          Telegram channels and feeds, from the sources file and from reports
--
-- The *_key columns hold Python's casefold() of a name, so case-insensitive filters behave the
-- same on PostgreSQL and SQLite; COLLATE "C" makes prefix ranges on them index-friendly.

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
    first_report_at TIMESTAMPTZ,
    last_report_at  TIMESTAMPTZ,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (source_kind, source_id)
);

CREATE TABLE reports (
    report_id       TEXT PRIMARY KEY,
    version         BIGINT NOT NULL CHECK (version >= 0),
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
    published_at    TIMESTAMPTZ,
    collected_at    TIMESTAMPTZ NOT NULL,
    processed_at    TIMESTAMPTZ NOT NULL,
    origin_id       TEXT,
    copy_reason     TEXT,
    candidate_count INTEGER NOT NULL CHECK (candidate_count >= 0),
    deleted         BOOLEAN NOT NULL DEFAULT FALSE,
    record          JSONB NOT NULL,
    written_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX reports_source ON reports (source_kind, source_id, published_at);
CREATE INDEX reports_published ON reports (published_at);
CREATE INDEX reports_origin ON reports (origin_id) WHERE origin_id IS NOT NULL;

CREATE TABLE events (
    event_id            TEXT PRIMARY KEY,
    version             BIGINT NOT NULL CHECK (version >= 0),
    event_type          TEXT NOT NULL,
    sub_event_type      TEXT NOT NULL,
    occurred_on         DATE NOT NULL,
    time_precision      SMALLINT NOT NULL CHECK (time_precision BETWEEN 1 AND 3),
    location_name       TEXT,
    geonames_id         BIGINT,
    admin1              TEXT,
    admin1_key          TEXT COLLATE "C",
    admin2              TEXT,
    country             TEXT,
    country_key         TEXT COLLATE "C",
    country_code        TEXT,
    latitude            DOUBLE PRECISION CHECK (latitude BETWEEN -90 AND 90),
    longitude           DOUBLE PRECISION CHECK (longitude BETWEEN -180 AND 180),
    geo_precision       SMALLINT CHECK (geo_precision BETWEEN 1 AND 3),
    actors              JSONB NOT NULL,
    fatalities          INTEGER NOT NULL CHECK (fatalities >= 0),
    claim_status        TEXT NOT NULL
                        CHECK (claim_status IN ('claimed', 'reported', 'corroborated', 'disputed', 'retracted')),
    claimed_by          JSONB NOT NULL,
    independent_sources INTEGER NOT NULL CHECK (independent_sources >= 0),
    outlets             JSONB NOT NULL,
    sides               JSONB NOT NULL,
    report_count        INTEGER NOT NULL CHECK (report_count >= 0),
    copy_count          INTEGER NOT NULL CHECK (copy_count >= 0),
    denial_count        INTEGER NOT NULL CHECK (denial_count >= 0),
    first_seen          TIMESTAMPTZ NOT NULL,
    last_seen           TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    record              JSONB NOT NULL,
    written_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((latitude IS NULL) = (longitude IS NULL)),
    CHECK ((location_name IS NULL) = (latitude IS NULL))
);
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
    position   SMALLINT NOT NULL CHECK (position >= 0),
    actor_name TEXT NOT NULL,
    actor_key  TEXT COLLATE "C" NOT NULL,
    inter      SMALLINT NOT NULL CHECK (inter BETWEEN 0 AND 8),
    role       TEXT NOT NULL CHECK (role IN ('actor1', 'actor2', 'assoc')),
    PRIMARY KEY (event_id, position)
);
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
    published_at   TIMESTAMPTZ,
    url            TEXT,
    merge_rule     TEXT NOT NULL,
    merge_score    DOUBLE PRECISION NOT NULL,
    distance_km    DOUBLE PRECISION CHECK (distance_km >= 0),
    time_gap_hours DOUBLE PRECISION,
    shared_actors  JSONB NOT NULL,
    PRIMARY KEY (event_id, candidate_id)
);
CREATE INDEX event_reports_report ON event_reports (report_id);

CREATE TABLE event_revisions (
    event_id            TEXT NOT NULL,
    version             BIGINT NOT NULL CHECK (version >= 0),
    claim_status        TEXT NOT NULL,
    independent_sources INTEGER NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    record              JSONB NOT NULL,
    written_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, version)
);

CREATE FUNCTION sitrep_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: rows are never updated or deleted', TG_TABLE_NAME;
END
$$;

CREATE TRIGGER event_revisions_append_only
    BEFORE UPDATE OR DELETE ON event_revisions
    FOR EACH ROW EXECUTE FUNCTION sitrep_append_only();
