-- Keyed hashes of a person's verified phone and super-app ids, kept after an erasure so that what is meant once
-- per person (a welcome bonus) is not paid again when they sign in afresh (see server/src/profiles/marks.rs).
CREATE TABLE person_marks (
    brand_id TEXT NOT NULL REFERENCES brands (id),
    purpose TEXT NOT NULL,
    mark TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (brand_id, purpose, mark)
);
