-- Each database is one deployment: a random id of 16 lowercase hex characters, given once (by the migrator, in the
-- transaction that creates or upgrades the database) and never changed. Host objects NetVirt creates carry it, so two
-- databases that share a prefix can tell their objects apart, and it seeds where `mac: auto` starts counting, so two
-- databases on one host hand out different MACs.

ALTER TABLE meta ADD COLUMN deployment_id TEXT
    CHECK (deployment_id IS NULL OR (length(deployment_id) = 16 AND deployment_id NOT GLOB '*[^0-9a-f]*'));

CREATE TRIGGER meta_deployment_id_fixed BEFORE UPDATE OF deployment_id ON meta
WHEN OLD.deployment_id IS NOT NULL AND NEW.deployment_id IS NOT OLD.deployment_id
BEGIN
    SELECT RAISE(ABORT, 'the deployment id of a NetVirt database never changes');
END;
