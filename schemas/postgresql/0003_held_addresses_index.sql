-- The held addresses of a network in key order, from the index alone (PostgreSQL twin of
-- schemas/sqlite/0003_held_addresses_index.sql).

CREATE INDEX ip_addresses_held ON ip_addresses (network_id, family, address_key) WHERE addrobj_id IS NOT NULL;
