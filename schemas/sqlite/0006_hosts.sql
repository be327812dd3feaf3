-- Many hosts: the hosts that carry zones, where each zone is, a VXLAN network identifier (VNI) per L2 domain of an
-- etherstub, what each host's agent last reported, and a log of desired-state generations (the change feed's doorbell
-- reads it; PostgreSQL also notifies listeners). 0005 belongs to container attachments (another branch).

CREATE TABLE hosts (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    position    INTEGER NOT NULL,
    address     TEXT    NOT NULL,                 -- underlay address (the host's VTEP)
    labels      TEXT    NOT NULL DEFAULT '[]',    -- JSON: [["key", "value"], ...] in document order
    description TEXT
);

-- Where a zone is: host_explicit = 1 when the document named the host, 0 when NetVirt placed it (then kept).
ALTER TABLE zones ADD COLUMN host_id INTEGER REFERENCES hosts (id);
ALTER TABLE zones ADD COLUMN host_explicit INTEGER NOT NULL DEFAULT 0 CHECK (host_explicit IN (0, 1));
CREATE INDEX zones_by_host ON zones (host_id);

-- One VNI per L2 domain (etherstub, VLAN id), unique across the deployment, kept while the domain exists.
CREATE TABLE l2_domains (
    id                INTEGER PRIMARY KEY,
    over_etherstub_id INTEGER NOT NULL REFERENCES etherstubs (id) ON DELETE CASCADE,
    vlan              INTEGER NOT NULL CHECK (vlan BETWEEN 0 AND 4094),
    vni               INTEGER NOT NULL UNIQUE CHECK (vni BETWEEN 1 AND 16777215),
    UNIQUE (over_etherstub_id, vlan)
);

-- The last report of each host's agent: which agent (agent_id, kept in its state directory) and which run of it
-- (boot_id, new at every start: a restart is said, never guessed), its heartbeat, the generation it converged to,
-- and the report itself (JSON: state, drift, observed objects, last run, error).
CREATE TABLE host_reports (
    host         TEXT    NOT NULL PRIMARY KEY,
    agent_id     TEXT    NOT NULL,
    boot_id      TEXT    NOT NULL,
    booted_at    TEXT    NOT NULL,
    restarts     INTEGER NOT NULL DEFAULT 0,
    heartbeat_at TEXT    NOT NULL,
    generation   INTEGER,
    state        TEXT    NOT NULL,
    report       TEXT    NOT NULL
);

-- Every desired-state generation, as it commits (the last thousand): the change feed's log.
CREATE TABLE changes (
    generation INTEGER NOT NULL PRIMARY KEY,
    changed_at TEXT    NOT NULL
);

CREATE TRIGGER meta_generation_changed AFTER UPDATE OF generation ON meta
WHEN NEW.generation <> OLD.generation
BEGIN
    INSERT INTO changes (generation, changed_at) VALUES (NEW.generation, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (generation) DO NOTHING;
    DELETE FROM changes WHERE generation < NEW.generation - 1000;
END;
