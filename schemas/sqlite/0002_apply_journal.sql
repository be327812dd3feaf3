-- Journal of apply runs: the generation applied, the plan, every step with its commands, exit code, stderr and
-- duration, and how the run ended. A run left 'running' by a process that died is marked 'interrupted'.

CREATE TABLE apply_runs (
    id            INTEGER PRIMARY KEY,
    generation    INTEGER NOT NULL,
    target        TEXT    NOT NULL,
    trigger       TEXT    NOT NULL,
    pid           INTEGER NOT NULL,
    started_at    TEXT    NOT NULL,
    finished_at   TEXT,
    outcome       TEXT    NOT NULL CHECK (outcome IN ('running', 'succeeded', 'rolled-back', 'failed', 'cancelled', 'partially-applied', 'interrupted')),
    error         TEXT,
    plan_summary  TEXT    NOT NULL,
    plan_json     TEXT    NOT NULL
);

CREATE TABLE apply_steps (
    id           INTEGER PRIMARY KEY,
    run_id       INTEGER NOT NULL REFERENCES apply_runs (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    step_index   INTEGER NOT NULL,
    phase        TEXT    NOT NULL CHECK (phase IN ('apply', 'rollback')),
    action       TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    kind         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    commands     TEXT    NOT NULL,
    exit_code    INTEGER,
    stderr       TEXT,
    duration_ms  REAL    NOT NULL,
    outcome      TEXT    NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'skipped', 'cancelled', 'rolled-back')),
    error        TEXT,
    UNIQUE (run_id, seq)
);
