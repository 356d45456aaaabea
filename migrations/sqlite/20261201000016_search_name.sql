-- The profile's name folded for search (lower case, no diacritics, đ → d): see server/src/profiles/search.rs.
-- Names written before this migration are folded when the server starts.
ALTER TABLE profiles ADD COLUMN search_name TEXT;
