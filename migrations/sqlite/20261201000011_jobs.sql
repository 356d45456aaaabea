-- Durable background work: one row a job, claimed with a lease (see server/src/platform/jobs.rs).
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    job_key TEXT NOT NULL,
    brand_id TEXT REFERENCES brands (id),
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    due_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
    lease_until INTEGER,
    locked_by TEXT,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER,
    CONSTRAINT jobs_kind_key UNIQUE (kind, job_key)
);
CREATE INDEX jobs_due_idx ON jobs (due_at) WHERE status = 'queued';
CREATE INDEX jobs_lease_idx ON jobs (lease_until) WHERE status = 'running';
CREATE INDEX jobs_brand_idx ON jobs (brand_id, created_at);
CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE status IN ('done', 'failed');

-- The runs of operations probes: which worker ran a probe job, and when (the console's "check the workers").
CREATE TABLE job_probes (
    job_id TEXT NOT NULL,
    worker TEXT NOT NULL,
    ran_at INTEGER NOT NULL
);
CREATE INDEX job_probes_job_idx ON job_probes (job_id);
