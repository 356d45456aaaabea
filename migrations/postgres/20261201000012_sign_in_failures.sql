-- Failed sign-ins per account and per client address within a window, shared by every server process
-- (see server/src/auth/throttle.rs).
CREATE TABLE sign_in_failures (
    scope TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    failures INTEGER NOT NULL
);
