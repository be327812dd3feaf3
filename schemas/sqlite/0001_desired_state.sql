-- NetVirt desired state and IPAM. Migrations are append-only: never edit a shipped file, add the next one.
-- Names are case-sensitive everywhere (BINARY collation), as on both target OSes.

CREATE TABLE meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  INTEGER NOT NULL DEFAULT 0 CHECK (generation >= 0),
    infra_generation INTEGER NOT NULL DEFAULT 0,   -- bumped when switches, links, networks or pools change
    mac_prefix  TEXT    NOT NULL DEFAULT '02:08:20',
    mac_cursor  INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT    NOT NULL
);
INSERT INTO meta (id, generation, updated_at) VALUES (1, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE etherstubs (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    position    INTEGER NOT NULL,
    mtu         INTEGER CHECK (mtu BETWEEN 576 AND 9000),
    description TEXT
);

CREATE TABLE links (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    position    INTEGER NOT NULL,
    mtu         INTEGER CHECK (mtu BETWEEN 576 AND 9000),
    description TEXT
);

CREATE TABLE networks (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    position          INTEGER NOT NULL,
    over_etherstub_id INTEGER REFERENCES etherstubs (id),
    over_link_id      INTEGER REFERENCES links (id),
    vlan              INTEGER NOT NULL DEFAULT 0 CHECK (vlan BETWEEN 0 AND 4094),
    mtu               INTEGER CHECK (mtu BETWEEN 576 AND 9000),
    tenant            TEXT,
    description       TEXT,
    v4_subnet         TEXT,
    v4_gateway        TEXT,
    v4_range_start    TEXT,
    v4_range_end      TEXT,
    v4_cursor         BLOB,   -- IPAM: every address of the range below this one has been used at least once
    v6_subnet         TEXT,
    v6_gateway        TEXT,
    v6_range_start    TEXT,
    v6_range_end      TEXT,
    v6_cursor         BLOB,
    CHECK ((over_etherstub_id IS NULL) <> (over_link_id IS NULL))
);

CREATE TABLE reservations (
    id          INTEGER PRIMARY KEY,
    network_id  INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    first_key   BLOB    NOT NULL,
    last_key    BLOB    NOT NULL,
    first_text  TEXT    NOT NULL,
    last_text   TEXT    NOT NULL,
    note        TEXT,
    CHECK (length(first_key) = length(last_key) AND first_key <= last_key)
);
CREATE INDEX reservations_by_network ON reservations (network_id, first_key);

CREATE TABLE pools (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    position    INTEGER NOT NULL,
    description TEXT
);

CREATE TABLE pool_networks (
    pool_id     INTEGER NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    network_id  INTEGER NOT NULL REFERENCES networks (id),
    PRIMARY KEY (pool_id, position),
    UNIQUE (pool_id, network_id)
);

CREATE TABLE zones (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    position        INTEGER NOT NULL,
    description     TEXT,
    routes_explicit INTEGER NOT NULL DEFAULT 0 CHECK (routes_explicit IN (0, 1))
);

CREATE INDEX zones_by_position ON zones (position);

CREATE TABLE zone_routes (
    zone_id     INTEGER NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    destination TEXT    NOT NULL,
    gateway     TEXT    NOT NULL,
    PRIMARY KEY (zone_id, position)
);

CREATE TABLE vnics (
    id                INTEGER PRIMARY KEY,
    zone_id           INTEGER NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    name              TEXT    NOT NULL,
    position          INTEGER NOT NULL,
    network_id        INTEGER REFERENCES networks (id),   -- for a pool VNIC: the network IPAM chose
    pool_id           INTEGER REFERENCES pools (id),
    over_etherstub_id INTEGER REFERENCES etherstubs (id),
    over_link_id      INTEGER REFERENCES links (id),
    vlan              INTEGER CHECK (vlan BETWEEN 0 AND 4094),
    mac_auto          INTEGER NOT NULL CHECK (mac_auto IN (0, 1)),
    mac               INTEGER NOT NULL UNIQUE CHECK (mac BETWEEN 1 AND 281474976710655),
    mtu               INTEGER CHECK (mtu BETWEEN 576 AND 9000),
    is_primary        INTEGER CHECK (is_primary IN (0, 1)),
    maxbw             INTEGER CHECK (maxbw >= 1200000),
    priority          TEXT    CHECK (priority IN ('low', 'medium', 'high')),
    protection        INTEGER CHECK (protection BETWEEN 0 AND 15),   -- NULL: the default (mac-nospoof, ip-nospoof)
    allowed_ips       TEXT,                                          -- NULL: the VNIC's own addresses
    UNIQUE (zone_id, name),
    CHECK (pool_id IS NULL OR over_etherstub_id IS NULL AND over_link_id IS NULL),
    CHECK (over_etherstub_id IS NULL OR over_link_id IS NULL)
);
CREATE INDEX vnics_by_network ON vnics (network_id);

CREATE TABLE addrobjs (
    id          INTEGER PRIMARY KEY,
    vnic_id     INTEGER NOT NULL REFERENCES vnics (id) ON DELETE CASCADE,
    tag         TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    type        TEXT    NOT NULL CHECK (type IN ('static', 'dhcp', 'addrconf')),
    family      INTEGER CHECK (family IN (4, 6)),
    requested   TEXT,            -- 'auto', or the address the document gave
    prefix_len  INTEGER CHECK (prefix_len BETWEEN 0 AND 128),
    UNIQUE (vnic_id, tag)
);

-- Every address ever used in a network, held or released. A row without a holder is a released address and keeps
-- its release time, so allocation can reuse the one released longest ago once the range has been used through.
CREATE TABLE ip_addresses (
    id           INTEGER PRIMARY KEY,
    network_id   INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    family       INTEGER NOT NULL CHECK (family IN (4, 6)),
    address_key  BLOB    NOT NULL,   -- 4 or 16 bytes, big-endian: BLOB order is numeric order
    address      TEXT    NOT NULL,
    addrobj_id   INTEGER UNIQUE REFERENCES addrobjs (id) ON DELETE RESTRICT,
    kind         TEXT    NOT NULL CHECK (kind IN ('auto', 'static', 'slaac')),
    allocated_at TEXT    NOT NULL,
    released_at  TEXT,
    UNIQUE (network_id, address_key),
    CHECK (length(address_key) = CASE family WHEN 4 THEN 4 ELSE 16 END),
    CHECK ((addrobj_id IS NULL) = (released_at IS NOT NULL))
);
CREATE INDEX ip_addresses_released ON ip_addresses (network_id, family, released_at) WHERE addrobj_id IS NULL;
