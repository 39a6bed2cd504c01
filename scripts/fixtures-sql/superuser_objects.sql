-- Database superuser_objects: what only a superuser can create. Works on 11 through 18.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE SCHEMA sup;
ALTER SCHEMA sup OWNER TO app_owner;
COMMENT ON SCHEMA sup IS 'objects that need a superuser to restore';

-- A small table with data.
CREATE TABLE sup.settings (
    key text PRIMARY KEY,
    value text,
    updated_on date NOT NULL
);
ALTER TABLE sup.settings OWNER TO app_owner;
INSERT INTO sup.settings (key, value, updated_on)
SELECT 'setting_' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'value ' || i END, date '2024-03-01' + i
FROM generate_series(1, 5) AS i;
GRANT SELECT ON sup.settings TO reporting;

-- A C-language function (needs superuser). Uses plpgsql's handler: no contrib needed.
CREATE FUNCTION sup.lang_handler() RETURNS language_handler
    AS '$libdir/plpgsql', 'plpgsql_call_handler' LANGUAGE C;
ALTER FUNCTION sup.lang_handler() OWNER TO app_owner;

-- A procedural language using it (untrusted: only a superuser can create it).
CREATE LANGUAGE plsample HANDLER sup.lang_handler;
ALTER LANGUAGE plsample OWNER TO app_owner;
COMMENT ON LANGUAGE plsample IS 'a language whose handler is plpgsql''s';

-- Foreign data: the wrapper must stay owned by a superuser; the server can be an app role's.
CREATE FOREIGN DATA WRAPPER w;
COMMENT ON FOREIGN DATA WRAPPER w IS 'wrapper without handler or validator';
GRANT USAGE ON FOREIGN DATA WRAPPER w TO app_owner;
CREATE SERVER srv FOREIGN DATA WRAPPER w OPTIONS (kind 'fixture', dbname 'remote_app');
ALTER SERVER srv OWNER TO app_owner;
GRANT USAGE ON FOREIGN SERVER srv TO reporting, "Data Team";
CREATE USER MAPPING FOR reporting SERVER srv OPTIONS (user 'reporting_remote');
CREATE USER MAPPING FOR "account-api" SERVER srv OPTIONS (user 'api');
CREATE USER MAPPING FOR PUBLIC SERVER srv;
CREATE FOREIGN TABLE sup.remote_items (
    id integer NOT NULL,
    name text
) SERVER srv OPTIONS (table_name 'items');
ALTER FOREIGN TABLE sup.remote_items OWNER TO "Data Team";
GRANT SELECT ON sup.remote_items TO reporting;

-- Event trigger (its owner must be a superuser). Created last so it does not fire above.
CREATE FUNCTION sup.on_ddl() RETURNS event_trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE NOTICE 'ddl command: %', tg_tag;
END
$$;
ALTER FUNCTION sup.on_ddl() OWNER TO app_owner;
CREATE EVENT TRIGGER log_ddl ON ddl_command_end EXECUTE PROCEDURE sup.on_ddl();
COMMENT ON EVENT TRIGGER log_ddl IS 'logs DDL';
