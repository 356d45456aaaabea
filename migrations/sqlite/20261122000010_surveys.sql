-- Surveys: questions (JSON text, checked by the server), an audience of tiers (JSON text; empty: every member),
-- an active window and points on completion. One response per member, enforced by the unique constraint.
CREATE TABLE surveys (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    intro TEXT,
    questions TEXT NOT NULL,
    points INTEGER NOT NULL DEFAULT 0 CHECK (points >= 0),
    tiers TEXT NOT NULL DEFAULT '[]',
    starts_at INTEGER,
    ends_at INTEGER,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX surveys_brand_idx ON surveys (brand_id, active);

CREATE TABLE survey_responses (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    profile_id TEXT NOT NULL REFERENCES profiles (id),
    answers TEXT NOT NULL,
    points INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    CONSTRAINT survey_responses_member UNIQUE (survey_id, profile_id)
);
CREATE INDEX survey_responses_survey_idx ON survey_responses (survey_id, created_at);

-- One row per answered question (per chosen option for a multiple choice), for the results' counts.
CREATE TABLE survey_answers (
    response_id TEXT NOT NULL REFERENCES survey_responses (id),
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    question_id TEXT NOT NULL,
    value TEXT NOT NULL,
    number INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX survey_answers_question_idx ON survey_answers (survey_id, question_id, value);

-- Who handed over a game's gift, and where.
ALTER TABLE game_plays ADD COLUMN gift_claimed_by TEXT;
