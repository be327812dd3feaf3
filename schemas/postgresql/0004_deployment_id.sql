-- Each database is one deployment (PostgreSQL twin of schemas/sqlite/0004_deployment_id.sql): a random id of 16
-- lowercase hex characters, given once by the migrator and never changed. Host objects NetVirt creates carry it, and it
-- seeds where `mac: auto` starts counting.

ALTER TABLE meta ADD COLUMN deployment_id text
    CHECK (deployment_id IS NULL OR deployment_id ~ '^[0-9a-f]{16}$');

CREATE FUNCTION meta_deployment_id_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.deployment_id IS NOT NULL AND NEW.deployment_id IS DISTINCT FROM OLD.deployment_id THEN
        RAISE EXCEPTION 'the deployment id of a NetVirt database never changes';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER meta_deployment_id_fixed BEFORE UPDATE OF deployment_id ON meta
FOR EACH ROW EXECUTE FUNCTION meta_deployment_id_fixed();
