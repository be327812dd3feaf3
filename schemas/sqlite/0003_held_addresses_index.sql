-- The held addresses of a network in key order, from the index alone: the free-space view reads every held address
-- of a network (50,000 on a busy /16), and without this index each one cost a lookup of its table row to check the
-- family and that it is held.

CREATE INDEX ip_addresses_held ON ip_addresses (network_id, family, address_key) WHERE addrobj_id IS NOT NULL;
