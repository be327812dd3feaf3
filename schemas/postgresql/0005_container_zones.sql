-- Zones of kind 'container' (PostgreSQL twin of schemas/sqlite/0005_container_zones.sql): a runtime's container attached
-- through the CNI plugin. They share zones, VNICs, address objects and IPAM with declared zones, but documents never
-- write them: 'apply -f' replaces only zones of kind 'zone'.

ALTER TABLE zones ADD COLUMN kind text NOT NULL DEFAULT 'zone' CHECK (kind IN ('zone', 'container'));

-- The runtime's side of a container zone: its container id (one zone per container), the path of the network namespace
-- the runtime made (NetVirt does not own it), and labels (a JSON object: Kubernetes pod namespace and name).
CREATE TABLE containers (
    zone_id      bigint PRIMARY KEY REFERENCES zones (id) ON DELETE CASCADE,
    container_id text   COLLATE "C" NOT NULL UNIQUE,
    netns        text,
    labels       text   NOT NULL DEFAULT '{}'
);

-- One row per CNI attachment: the container's VNIC (named like CNI_IFNAME) and the CNI network that attached it.
CREATE TABLE container_attachments (
    vnic_id     bigint PRIMARY KEY REFERENCES vnics (id) ON DELETE CASCADE,
    cni_network text   COLLATE "C" NOT NULL
);
CREATE INDEX container_attachments_by_network ON container_attachments (cni_network);
