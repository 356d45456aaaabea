-- The profile's name folded for search (lower case, no diacritics, đ → d): see server/src/profiles/search.rs.
-- Names written before this migration are folded when the server starts.
ALTER TABLE profiles ADD COLUMN search_name TEXT;

-- A trigram index over the folded names, so a search for any part of a name ("duc" in "tran van duc") does not
-- read every profile. pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner may add it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX profiles_search_name_trgm ON profiles USING gin (search_name gin_trgm_ops);

-- The console lists a brand's profiles by last activity, a page after a (last_seen_at, id) cursor: with the id in
-- the index, a page is a seek even when an import gave a million profiles the same time.
CREATE INDEX profiles_brand_seen_idx ON profiles (brand_id, last_seen_at, id);
DROP INDEX profiles_brand_idx;
