-- The profile's name folded for search (lower case, no diacritics, đ → d): see server/src/profiles/search.rs.
-- Names written before this migration are folded when the server starts.
ALTER TABLE profiles ADD COLUMN search_name TEXT;

-- A trigram index over the folded names, so a search for any part of a name ("duc" in "tran van duc") does not
-- read every profile. It holds no copy of the names (external content) and follows the column by triggers.
CREATE VIRTUAL TABLE profile_names USING fts5(
    search_name, content = 'profiles', content_rowid = 'rowid', tokenize = 'trigram'
);

CREATE TRIGGER profile_names_insert AFTER INSERT ON profiles WHEN new.search_name IS NOT NULL BEGIN
    INSERT INTO profile_names (rowid, search_name) VALUES (new.rowid, new.search_name);
END;

CREATE TRIGGER profile_names_delete AFTER DELETE ON profiles WHEN old.search_name IS NOT NULL BEGIN
    INSERT INTO profile_names (profile_names, rowid, search_name) VALUES ('delete', old.rowid, old.search_name);
END;

CREATE TRIGGER profile_names_update AFTER UPDATE OF search_name ON profiles BEGIN
    INSERT INTO profile_names (profile_names, rowid, search_name)
        SELECT 'delete', old.rowid, old.search_name WHERE old.search_name IS NOT NULL;
    INSERT INTO profile_names (rowid, search_name)
        SELECT new.rowid, new.search_name WHERE new.search_name IS NOT NULL;
END;

-- The console lists a brand's profiles by last activity, a page after a (last_seen_at, id) cursor: with the id in
-- the index, a page is a seek even when an import gave a million profiles the same time.
CREATE INDEX profiles_brand_seen_idx ON profiles (brand_id, last_seen_at, id);
DROP INDEX profiles_brand_idx;
