-- Journeys: versioned definitions, one run per person per entry walking their steps, each step taken once
-- (keyed by run and seq), and the event types live journeys listen to (so other events cost one indexed read).
CREATE TABLE journeys (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused')),
    version INTEGER NOT NULL,
    trigger_type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX journeys_trigger_idx ON journeys (brand_id, status, trigger_type);

CREATE TABLE journey_versions (
    journey_id TEXT NOT NULL REFERENCES journeys (id),
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (journey_id, version)
);

CREATE TABLE journey_runs (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    journey_id TEXT NOT NULL REFERENCES journeys (id),
    version INTEGER NOT NULL,
    profile_id TEXT NOT NULL REFERENCES profiles (id),
    status TEXT NOT NULL CHECK (status IN ('active', 'done', 'exited')),
    step_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    waiting_for TEXT,
    entry_key TEXT NOT NULL,
    entered_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    ended_at INTEGER,
    CONSTRAINT journey_runs_entry_key UNIQUE (journey_id, entry_key)
);
CREATE INDEX journey_runs_person_idx ON journey_runs (profile_id, status);
CREATE INDEX journey_runs_journey_idx ON journey_runs (journey_id, status, step_id);
-- One run inside a journey per person at a time.
CREATE UNIQUE INDEX journey_runs_inside_idx ON journey_runs (journey_id, profile_id) WHERE status = 'active';

CREATE TABLE journey_steps_taken (
    run_id TEXT NOT NULL REFERENCES journey_runs (id),
    seq INTEGER NOT NULL,
    journey_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    step_id TEXT NOT NULL,
    way TEXT NOT NULL,
    taken_at INTEGER NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX journey_steps_taken_journey_idx ON journey_steps_taken (journey_id, version, step_id, way);

CREATE TABLE journey_listens (
    brand_id TEXT NOT NULL REFERENCES brands (id),
    event_type TEXT NOT NULL,
    journey_id TEXT NOT NULL REFERENCES journeys (id),
    PRIMARY KEY (brand_id, event_type, journey_id)
);
CREATE INDEX journey_listens_journey_idx ON journey_listens (journey_id);
