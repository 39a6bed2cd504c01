--
-- PostgreSQL database dump
--

\restrict wDUyx2gPaAMbkSMz70yvVpCNaBJvjyZBBGZL7SAtzbzTggmJ9q2uMkAs77N7yZG

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: sup; Type: SCHEMA; Schema: -; Owner: app_owner
--

CREATE SCHEMA sup;


ALTER SCHEMA sup OWNER TO app_owner;

--
-- Name: SCHEMA sup; Type: COMMENT; Schema: -; Owner: app_owner
--

COMMENT ON SCHEMA sup IS 'objects that need a superuser to restore';


--
-- Name: lang_handler(); Type: FUNCTION; Schema: sup; Owner: app_owner
--

CREATE FUNCTION sup.lang_handler() RETURNS language_handler
    LANGUAGE c
    AS '$libdir/plpgsql', 'plpgsql_call_handler';


ALTER FUNCTION sup.lang_handler() OWNER TO app_owner;

--
-- Name: plsample; Type: PROCEDURAL LANGUAGE; Schema: -; Owner: app_owner
--

CREATE PROCEDURAL LANGUAGE plsample HANDLER sup.lang_handler;


ALTER PROCEDURAL LANGUAGE plsample OWNER TO app_owner;

--
-- Name: LANGUAGE plsample; Type: COMMENT; Schema: -; Owner: app_owner
--

COMMENT ON LANGUAGE plsample IS 'a language whose handler is plpgsql''s';


--
-- Name: on_ddl(); Type: FUNCTION; Schema: sup; Owner: app_owner
--

CREATE FUNCTION sup.on_ddl() RETURNS event_trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE NOTICE 'ddl command: %', tg_tag;
END
$$;


ALTER FUNCTION sup.on_ddl() OWNER TO app_owner;

--
-- Name: w; Type: FOREIGN DATA WRAPPER; Schema: -; Owner: postgres
--

CREATE FOREIGN DATA WRAPPER w;


ALTER FOREIGN DATA WRAPPER w OWNER TO postgres;

--
-- Name: FOREIGN DATA WRAPPER w; Type: COMMENT; Schema: -; Owner: postgres
--

COMMENT ON FOREIGN DATA WRAPPER w IS 'wrapper without handler or validator';


--
-- Name: srv; Type: SERVER; Schema: -; Owner: app_owner
--

CREATE SERVER srv FOREIGN DATA WRAPPER w OPTIONS (
    dbname 'remote_app',
    kind 'fixture'
);


ALTER SERVER srv OWNER TO app_owner;

--
-- Name: USER MAPPING account-api SERVER srv; Type: USER MAPPING; Schema: -; Owner: app_owner
--

CREATE USER MAPPING FOR "account-api" SERVER srv OPTIONS (
    "user" 'api'
);


--
-- Name: USER MAPPING public SERVER srv; Type: USER MAPPING; Schema: -; Owner: app_owner
--

CREATE USER MAPPING FOR public SERVER srv;


--
-- Name: USER MAPPING reporting SERVER srv; Type: USER MAPPING; Schema: -; Owner: app_owner
--

CREATE USER MAPPING FOR reporting SERVER srv OPTIONS (
    "user" 'reporting_remote'
);


--
-- Name: remote_items; Type: FOREIGN TABLE; Schema: sup; Owner: Data Team
--

CREATE FOREIGN TABLE sup.remote_items (
    id integer NOT NULL,
    name text
)
SERVER srv
OPTIONS (
    table_name 'items'
);


ALTER FOREIGN TABLE sup.remote_items OWNER TO "Data Team";

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: settings; Type: TABLE; Schema: sup; Owner: app_owner
--

CREATE TABLE sup.settings (
    key text NOT NULL,
    value text,
    updated_on date NOT NULL
);


ALTER TABLE sup.settings OWNER TO app_owner;

--
-- Data for Name: settings; Type: TABLE DATA; Schema: sup; Owner: app_owner
--

COPY sup.settings (key, value, updated_on) FROM stdin;
setting_1	value 1	2024-03-02
setting_2	value 2	2024-03-03
setting_3	\N	2024-03-04
setting_4	value 4	2024-03-05
setting_5	value 5	2024-03-06
\.


--
-- Name: settings settings_pkey; Type: CONSTRAINT; Schema: sup; Owner: app_owner
--

ALTER TABLE ONLY sup.settings
    ADD CONSTRAINT settings_pkey PRIMARY KEY (key);


--
-- Name: FOREIGN DATA WRAPPER w; Type: ACL; Schema: -; Owner: postgres
--

GRANT ALL ON FOREIGN DATA WRAPPER w TO app_owner;


--
-- Name: FOREIGN SERVER srv; Type: ACL; Schema: -; Owner: app_owner
--

GRANT ALL ON FOREIGN SERVER srv TO reporting;
GRANT ALL ON FOREIGN SERVER srv TO "Data Team";


--
-- Name: TABLE remote_items; Type: ACL; Schema: sup; Owner: Data Team
--

GRANT SELECT ON TABLE sup.remote_items TO reporting;


--
-- Name: TABLE settings; Type: ACL; Schema: sup; Owner: app_owner
--

GRANT SELECT ON TABLE sup.settings TO reporting;


--
-- Name: log_ddl; Type: EVENT TRIGGER; Schema: -; Owner: postgres
--

CREATE EVENT TRIGGER log_ddl ON ddl_command_end
   EXECUTE FUNCTION sup.on_ddl();


ALTER EVENT TRIGGER log_ddl OWNER TO postgres;

--
-- Name: EVENT TRIGGER log_ddl; Type: COMMENT; Schema: -; Owner: postgres
--

COMMENT ON EVENT TRIGGER log_ddl IS 'logs DDL';


--
-- PostgreSQL database dump complete
--

\unrestrict wDUyx2gPaAMbkSMz70yvVpCNaBJvjyZBBGZL7SAtzbzTggmJ9q2uMkAs77N7yZG

