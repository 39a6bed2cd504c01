-- Feature classes every application gets, run as the production owner (app_prod) after the
-- application's schema.sql and extras.sql: grants on SCHEMA public, table/sequence/column
-- grants, default privileges, large objects with a comment and a grant.
\set ON_ERROR_STOP 1
GRANT USAGE ON SCHEMA public TO app_web, app_readonly;
GRANT CREATE ON SCHEMA public TO app_web;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_readonly;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app_web;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO app_web;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO app_readonly;
ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT ON SEQUENCES TO app_web;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE app_prod IN SCHEMA public GRANT UPDATE ON TABLES TO app_web;
SELECT count(lo_from_bytea(0, convert_to(repeat('large object ' || g || ' ', 200 * g), 'UTF8')))
    FROM generate_series(1, 3) g;
DO $$
DECLARE l oid;
BEGIN
    FOR l IN SELECT oid FROM pg_largeobject_metadata ORDER BY oid LIMIT 2 LOOP
        EXECUTE format('COMMENT ON LARGE OBJECT %s IS %L', l, 'attachment ' || l);
        EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO app_readonly', l);
    END LOOP;
END $$;
