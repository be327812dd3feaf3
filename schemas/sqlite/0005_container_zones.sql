-- Zones of kind 'container': a runtime's container attached through the CNI plugin. They share zones, VNICs, address
-- objects and IPAM with declared zones (one transaction allocates for both, UNIQUE keys cover both), but documents never
-- write them: 'apply -f' replaces only zones of kind 'zone'.

ALTER TABLE zones ADD COLUMN kind TEXT NOT NULL DEFAULT 'zone' CHECK (kind IN ('zone', 'container'));

-- The runtime's side of a container zone: its container id (unique: one zone per container), the path of the network
-- namespace the runtime made (NetVirt does not own it), and labels (a JSON object: Kubernetes pod namespace and name).
CREATE TABLE containers (
    zone_id      INTEGER PRIMARY KEY REFERENCES zones (id) ON DELETE CASCADE,
    container_id TEXT    NOT NULL UNIQUE,
    netns        TEXT,
    labels       TEXT    NOT NULL DEFAULT '{}'
);

-- One row per CNI attachment: the container's VNIC (named like CNI_IFNAME) and the CNI network (the conflist name) that
-- attached it; DEL and GC find attachments by (cni_network, container id, interface).
CREATE TABLE container_attachments (
    vnic_id     INTEGER PRIMARY KEY REFERENCES vnics (id) ON DELETE CASCADE,
    cni_network TEXT    NOT NULL
);
CREATE INDEX container_attachments_by_network ON container_attachments (cni_network);
