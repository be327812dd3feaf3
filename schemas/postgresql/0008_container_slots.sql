-- Which switch of its L2 domain a container's VNIC is a port of (PostgreSQL twin of
-- schemas/sqlite/0008_container_slots.sql): 0 the domain's own, k >= 1 the domain's k-th container leaf. Chosen when the
-- attachment is made and kept while it lasts. Attachments made before this are on the domain's own switch.

ALTER TABLE container_attachments ADD COLUMN slot bigint NOT NULL DEFAULT 0 CHECK (slot >= 0);

-- Counting a domain's VNICs when choosing a slot: those on its networks are found through vnics_by_network, those
-- declared on the etherstub without a network through this.
CREATE INDEX vnics_without_network ON vnics (over_etherstub_id) WHERE network_id IS NULL;
