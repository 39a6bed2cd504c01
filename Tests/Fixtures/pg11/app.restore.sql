--
-- PostgreSQL database dump
--

-- Dumped from database version 11.13
-- Dumped by pg_dump version 11.13

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
-- Name: Data Team; Type: SCHEMA; Schema: -; Owner: Data Team
--

CREATE SCHEMA "Data Team";


ALTER SCHEMA "Data Team" OWNER TO "Data Team";

--
-- Name: SCHEMA "Data Team"; Type: COMMENT; Schema: -; Owner: Data Team
--

COMMENT ON SCHEMA "Data Team" IS 'analysts'' schema: "Data Team" owns it';


--
-- Name: account-api; Type: SCHEMA; Schema: -; Owner: account-api
--

CREATE SCHEMA "account-api";


ALTER SCHEMA "account-api" OWNER TO "account-api";

--
-- Name: SCHEMA "account-api"; Type: COMMENT; Schema: -; Owner: account-api
--

COMMENT ON SCHEMA "account-api" IS 'schema of the account service';


--
-- Name: app; Type: SCHEMA; Schema: -; Owner: app_owner
--

CREATE SCHEMA app;


ALTER SCHEMA app OWNER TO app_owner;

--
-- Name: SCHEMA app; Type: COMMENT; Schema: -; Owner: app_owner
--

COMMENT ON SCHEMA app IS 'application schema, owned by app_owner';


--
-- Name: c_coll; Type: COLLATION; Schema: app; Owner: app_owner
--

CREATE COLLATION app.c_coll (provider = libc, locale = 'C');


ALTER COLLATION app.c_coll OWNER TO app_owner;

--
-- Name: positive_int; Type: DOMAIN; Schema: account-api; Owner: account-api
--

CREATE DOMAIN "account-api".positive_int AS integer
	CONSTRAINT positive_int_check CHECK ((VALUE > 0));


ALTER DOMAIN "account-api".positive_int OWNER TO "account-api";

--
-- Name: address; Type: TYPE; Schema: app; Owner: Data Team
--

CREATE TYPE app.address AS (
	street text,
	city text,
	zip text
);


ALTER TYPE app.address OWNER TO "Data Team";

--
-- Name: email; Type: DOMAIN; Schema: app; Owner: app_owner
--

CREATE DOMAIN app.email AS text
	CONSTRAINT email_has_at CHECK ((VALUE ~~ '%@%'::text));


ALTER DOMAIN app.email OWNER TO app_owner;

--
-- Name: order_status; Type: TYPE; Schema: app; Owner: app_owner
--

CREATE TYPE app.order_status AS ENUM (
    'new',
    'paid',
    'shipped',
    'cancelled'
);


ALTER TYPE app.order_status OWNER TO app_owner;

--
-- Name: TYPE order_status; Type: COMMENT; Schema: app; Owner: app_owner
--

COMMENT ON TYPE app.order_status IS 'life cycle of an order';


--
-- Name: migration_helper(boolean); Type: FUNCTION; Schema: Data Team; Owner: Data Team
--

CREATE FUNCTION "Data Team".migration_helper(p_apply boolean) RETURNS text
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF p_apply THEN
        ALTER TABLE x OWNER TO "account-api";
        GRANT ALL ON t TO "Data Team";
        SET ROLE app_owner;
    END IF;
    RETURN 'ALTER TABLE x OWNER TO "account-api"; GRANT ALL ON t TO "Data Team"';
END
$$;


ALTER FUNCTION "Data Team".migration_helper(p_apply boolean) OWNER TO "Data Team";

--
-- Name: admin_reset(integer); Type: FUNCTION; Schema: app; Owner: account-api
--

CREATE FUNCTION app.admin_reset(p_customer integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'app', 'pg_temp'
    AS $$
DECLARE
    n integer;
BEGIN
    UPDATE app.orders SET status = 'cancelled' WHERE customer_id = p_customer AND status = 'new';
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;


ALTER FUNCTION app.admin_reset(p_customer integer) OWNER TO "account-api";

--
-- Name: archive_orders(date); Type: PROCEDURE; Schema: app; Owner: app_owner
--

CREATE PROCEDURE app.archive_orders(p_before date)
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM app.orders WHERE placed_at < p_before AND status = 'cancelled';
END
$$;


ALTER PROCEDURE app.archive_orders(p_before date) OWNER TO app_owner;

--
-- Name: order_total(bigint); Type: FUNCTION; Schema: app; Owner: app_owner
--

CREATE FUNCTION app.order_total(p_order bigint) RETURNS numeric
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(sum(qty * price), 0) FROM app.order_items WHERE order_id = p_order $$;


ALTER FUNCTION app.order_total(p_order bigint) OWNER TO app_owner;

--
-- Name: FUNCTION order_total(p_order bigint); Type: COMMENT; Schema: app; Owner: app_owner
--

COMMENT ON FUNCTION app.order_total(p_order bigint) IS 'sum of the lines of an order';


--
-- Name: touch_updated_at(); Type: FUNCTION; Schema: app; Owner: app_owner
--

CREATE FUNCTION app.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;


ALTER FUNCTION app.touch_updated_at() OWNER TO app_owner;

--
-- Name: text_concat(text); Type: AGGREGATE; Schema: app; Owner: Data Team
--

CREATE AGGREGATE app.text_concat(text) (
    SFUNC = textcat,
    STYPE = text,
    INITCOND = ''
);


ALTER AGGREGATE app.text_concat(text) OWNER TO "Data Team";

--
-- Name: simple_dict; Type: TEXT SEARCH DICTIONARY; Schema: app; Owner: Data Team
--

CREATE TEXT SEARCH DICTIONARY app.simple_dict (
    TEMPLATE = pg_catalog.simple );


ALTER TEXT SEARCH DICTIONARY app.simple_dict OWNER TO "Data Team";

--
-- Name: tsc; Type: TEXT SEARCH CONFIGURATION; Schema: app; Owner: app_owner
--

CREATE TEXT SEARCH CONFIGURATION app.tsc (
    PARSER = pg_catalog."default" );

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR asciiword WITH app.simple_dict;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR word WITH english_stem;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR numword WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR email WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR url WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR host WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR sfloat WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR version WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR hword_numpart WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR hword_part WITH english_stem;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR hword_asciipart WITH english_stem;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR numhword WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR asciihword WITH english_stem;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR hword WITH english_stem;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR url_path WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR file WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR "float" WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR "int" WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.tsc
    ADD MAPPING FOR uint WITH simple;


ALTER TEXT SEARCH CONFIGURATION app.tsc OWNER TO app_owner;

SET default_tablespace = '';

SET default_with_oids = false;

--
-- Name: orders; Type: TABLE; Schema: app; Owner: app_owner
--

CREATE TABLE app.orders (
    id bigint NOT NULL,
    customer_id integer NOT NULL,
    status app.order_status DEFAULT 'new'::app.order_status NOT NULL,
    total numeric(12,2) NOT NULL,
    placed_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT orders_total_check CHECK ((total >= (0)::numeric))
);


ALTER TABLE app.orders OWNER TO app_owner;

--
-- Name: Order Summary; Type: VIEW; Schema: Data Team; Owner: Data Team
--

CREATE VIEW "Data Team"."Order Summary" AS
 SELECT orders.status,
    count(*) AS n
   FROM app.orders
  GROUP BY orders.status;


ALTER TABLE "Data Team"."Order Summary" OWNER TO "Data Team";

--
-- Name: Team Metrics; Type: TABLE; Schema: Data Team; Owner: Data Team
--

CREATE TABLE "Data Team"."Team Metrics" (
    "Metric Id" integer NOT NULL,
    label text,
    amount numeric,
    raw bytea,
    location app.address
);


ALTER TABLE "Data Team"."Team Metrics" OWNER TO "Data Team";

--
-- Name: notes; Type: TABLE; Schema: Data Team; Owner: Data Team
--

CREATE TABLE "Data Team".notes (
    id integer NOT NULL,
    author text,
    body text
);


ALTER TABLE "Data Team".notes OWNER TO "Data Team";

--
-- Name: TABLE notes; Type: COMMENT; Schema: Data Team; Owner: Data Team
--

COMMENT ON TABLE "Data Team".notes IS 'owned by "Data Team"; was app_owner''s; ALTER TABLE x OWNER TO "account-api"';


--
-- Name: accounts; Type: TABLE; Schema: account-api; Owner: account-api
--

CREATE TABLE "account-api".accounts (
    id integer NOT NULL,
    login text NOT NULL,
    customer_id integer,
    active boolean NOT NULL,
    settings jsonb
);


ALTER TABLE "account-api".accounts OWNER TO "account-api";

--
-- Name: accounts_id_seq; Type: SEQUENCE; Schema: account-api; Owner: account-api
--

CREATE SEQUENCE "account-api".accounts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE "account-api".accounts_id_seq OWNER TO "account-api";

--
-- Name: accounts_id_seq; Type: SEQUENCE OWNED BY; Schema: account-api; Owner: account-api
--

ALTER SEQUENCE "account-api".accounts_id_seq OWNED BY "account-api".accounts.id;


--
-- Name: sessions; Type: TABLE; Schema: account-api; Owner: account-api
--

CREATE TABLE "account-api".sessions (
    id uuid NOT NULL,
    account_id integer NOT NULL,
    started_at timestamp with time zone NOT NULL
);


ALTER TABLE "account-api".sessions OWNER TO "account-api";

--
-- Name: customers; Type: TABLE; Schema: app; Owner: app_owner
--

CREATE TABLE app.customers (
    id integer NOT NULL,
    name text NOT NULL,
    email app.email NOT NULL,
    country text COLLATE app.c_coll,
    note text,
    created_on date NOT NULL
);


ALTER TABLE app.customers OWNER TO app_owner;

--
-- Name: TABLE customers; Type: COMMENT; Schema: app; Owner: app_owner
--

COMMENT ON TABLE app.customers IS 'Customers (Zoë, 日本, tab	inside)';


--
-- Name: COLUMN customers.note; Type: COMMENT; Schema: app; Owner: app_owner
--

COMMENT ON COLUMN app.customers.note IS 'free text: tabs, backslashes, newlines, unicode';


--
-- Name: customer_orders; Type: VIEW; Schema: app; Owner: app_owner
--

CREATE VIEW app.customer_orders AS
 SELECT c.id AS customer_id,
    c.name,
    count(o.id) AS orders,
    COALESCE(sum(o.total), (0)::numeric) AS total
   FROM (app.customers c
     LEFT JOIN app.orders o ON ((o.customer_id = c.id)))
  GROUP BY c.id, c.name;


ALTER TABLE app.customer_orders OWNER TO app_owner;

--
-- Name: customers_id_seq; Type: SEQUENCE; Schema: app; Owner: app_owner
--

ALTER TABLE app.customers ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME app.customers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: documents; Type: TABLE; Schema: app; Owner: app_owner
--

CREATE TABLE app.documents (
    id integer NOT NULL,
    title text NOT NULL,
    body tsvector,
    visible boolean DEFAULT true NOT NULL
);


ALTER TABLE app.documents OWNER TO app_owner;

--
-- Name: invoice_seq; Type: SEQUENCE; Schema: app; Owner: app_owner
--

CREATE SEQUENCE app.invoice_seq
    START WITH 1000
    INCREMENT BY 5
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE app.invoice_seq OWNER TO app_owner;

--
-- Name: order_items; Type: TABLE; Schema: app; Owner: account-api
--

CREATE TABLE app.order_items (
    order_id bigint NOT NULL,
    line_no integer NOT NULL,
    sku text NOT NULL,
    qty "account-api".positive_int NOT NULL,
    price numeric(10,2) NOT NULL
);


ALTER TABLE app.order_items OWNER TO "account-api";

--
-- Name: orders_id_seq; Type: SEQUENCE; Schema: app; Owner: app_owner
--

CREATE SEQUENCE app.orders_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE app.orders_id_seq OWNER TO app_owner;

--
-- Name: orders_id_seq; Type: SEQUENCE OWNED BY; Schema: app; Owner: app_owner
--

ALTER SEQUENCE app.orders_id_seq OWNED BY app.orders.id;


--
-- Name: sales_by_country; Type: MATERIALIZED VIEW; Schema: app; Owner: Data Team
--

CREATE MATERIALIZED VIEW app.sales_by_country AS
 SELECT c.country,
    count(*) AS orders,
    sum(o.total) AS total
   FROM (app.orders o
     JOIN app.customers c ON ((c.id = o.customer_id)))
  GROUP BY c.country
  WITH NO DATA;


ALTER TABLE app.sales_by_country OWNER TO "Data Team";

--
-- Name: accounts id; Type: DEFAULT; Schema: account-api; Owner: account-api
--

ALTER TABLE ONLY "account-api".accounts ALTER COLUMN id SET DEFAULT nextval('"account-api".accounts_id_seq'::regclass);


--
-- Name: orders id; Type: DEFAULT; Schema: app; Owner: app_owner
--

ALTER TABLE ONLY app.orders ALTER COLUMN id SET DEFAULT nextval('app.orders_id_seq'::regclass);


--
-- Name: 4242; Type: BLOB; Schema: -; Owner: account-api
--

SELECT pg_catalog.lo_create('4242');


ALTER LARGE OBJECT 4242 OWNER TO "account-api";

--
-- Name: LARGE OBJECT 4242; Type: COMMENT; Schema: -; Owner: account-api
--

COMMENT ON LARGE OBJECT 4242 IS 'a small text large object';


--
-- Name: 4243; Type: BLOB; Schema: -; Owner: app_owner
--

SELECT pg_catalog.lo_create('4243');


ALTER LARGE OBJECT 4243 OWNER TO app_owner;

--
-- Name: 4244; Type: BLOB; Schema: -; Owner: Data Team
--

SELECT pg_catalog.lo_create('4244');


ALTER LARGE OBJECT 4244 OWNER TO "Data Team";

--
-- Data for Name: Team Metrics; Type: TABLE DATA; Schema: Data Team; Owner: Data Team
--

COPY "Data Team"."Team Metrics" ("Metric Id", label, amount, raw, location) FROM stdin;
1	metric 1	1.50	\\xc4ca4238a0b923820dcc509a6f75849b	("Street 1","City 1",00001)
2	metric 2	3.00	\\xc81e728d9d4c2f636f067f89cc14862c	("Street 2","City 2",00002)
3	metric 3	4.50	\\xeccbc87e4b5ce2fe28308fd9f2a7baf3	\N
4	metric 4	6.00	\N	("Street 4","City 4",00004)
5	metric 5	7.50	\\xe4da3b7fbbce2345d7772b0674a318d5	("Street 5","City 0",00005)
6	metric 6	9.00	\\x1679091c5a880faf6fb5e6087eb1b2dc	\N
7	metric 7	10.50	\\x8f14e45fceea167a5a36dedd4bea2543	("Street 7","City 2",00007)
8	metric 8	12.00	\N	("Street 8","City 3",00008)
9	metric 9	13.50	\\x45c48cce2e2d7fbdea1afc51c7c6ad26	\N
10	metric 10	15.00	\\xd3d9446802a44259755d38e6d163e820	("Street 10","City 0",00010)
11	metric 11	16.50	\\x6512bd43d9caa6e02c990b0a82652dca	("Street 11","City 1",00011)
12	metric 12	18.00	\N	\N
13	metric 13	19.50	\\xc51ce410c124a10e0db5e4b97fc2af39	("Street 13","City 3",00013)
14	metric 14	21.00	\\xaab3238922bcc25a6f606eb525ffdc56	("Street 14","City 4",00014)
15	metric 15	22.50	\\x9bf31c7ff062936a96d3c8bd1f8f2ff3	\N
16	metric 16	24.00	\N	("Street 16","City 1",00016)
17	metric 17	25.50	\\x70efdf2ec9b086079795c442636b55fb	("Street 17","City 2",00017)
18	metric 18	27.00	\\x6f4922f45568161a8cdf4ad2299f6d23	\N
19	metric 19	28.50	\\x1f0e3dad99908345f7439f8ffabdffc4	("Street 19","City 4",00019)
20	metric 20	30.00	\N	("Street 20","City 0",00020)
21	metric 21	31.50	\\x3c59dc048e8850243be8079a5c74d079	\N
22	metric 22	33.00	\\xb6d767d2f8ed5d21a44b0e5886680cb9	("Street 22","City 2",00022)
23	metric 23	34.50	\\x37693cfc748049e45d87b8c7d8b9aacd	("Street 23","City 3",00023)
24	metric 24	36.00	\N	\N
25	metric 25	37.50	\\x8e296a067a37563370ded05f5a3bf3ec	("Street 25","City 0",00025)
26	metric 26	39.00	\\x4e732ced3463d06de0ca9a15b6153677	("Street 26","City 1",00026)
27	metric 27	40.50	\\x02e74f10e0327ad868d138f2b4fdd6f0	\N
28	metric 28	42.00	\N	("Street 28","City 3",00028)
29	metric 29	43.50	\\x6ea9ab1baa0efb9e19094440c317e21b	("Street 29","City 4",00029)
30	metric 30	45.00	\\x34173cb38f07f89ddbebc2ac9128303f	\N
\.


--
-- Data for Name: notes; Type: TABLE DATA; Schema: Data Team; Owner: Data Team
--

COPY "Data Team".notes (id, author, body) FROM stdin;
1	app_owner	Objects used to belong to app_owner.
2	"account-api"	Run: ALTER TABLE x OWNER TO "account-api"
3	Data Team	GRANT ALL ON t TO "Data Team";
4	reporting	SET SESSION AUTHORIZATION app_owner;\nRESET SESSION AUTHORIZATION;
5	\N	COPY app.customers (id) FROM stdin;\n1\n\\.\n
6	auditor	ALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT SELECT ON TABLES TO reporting;
7	Data Team	-- Name: notes; Type: TABLE; Schema: Data Team; Owner: Data Team
8	app_owner	CREATE POLICY p ON t TO "Data Team", app_owner USING (true);
9	dest_owner	Données: ünïcødé, 中文, emoji 🐘, tab\there
10	grantor_role	back\\slash\\\\double
11	app_owner	
12	\N	\N
\.


--
-- Data for Name: accounts; Type: TABLE DATA; Schema: account-api; Owner: account-api
--

COPY "account-api".accounts (id, login, customer_id, active, settings) FROM stdin;
1	login1	3	t	\N
2	login2	6	t	{"n": 2, "theme": "dark"}
3	login3	9	t	\N
4	login4	12	f	{"n": 4, "theme": "dark"}
5	login5	15	t	\N
6	login6	18	t	{"n": 6, "theme": "dark"}
7	login7	21	t	\N
8	login8	24	f	{"n": 8, "theme": "dark"}
9	login9	27	t	\N
10	login10	\N	t	{"n": 10, "theme": "dark"}
11	login11	33	t	\N
12	login12	36	f	{"n": 12, "theme": "dark"}
13	login13	39	t	\N
14	login14	42	t	{"n": 14, "theme": "dark"}
15	login15	45	t	\N
16	login16	48	f	{"n": 16, "theme": "dark"}
17	login17	51	t	\N
18	login18	54	t	{"n": 18, "theme": "dark"}
19	login19	57	t	\N
20	login20	\N	f	{"n": 20, "theme": "dark"}
21	login21	63	t	\N
22	login22	66	t	{"n": 22, "theme": "dark"}
23	login23	69	t	\N
24	login24	72	f	{"n": 24, "theme": "dark"}
25	login25	75	t	\N
26	login26	78	t	{"n": 26, "theme": "dark"}
27	login27	81	t	\N
28	login28	84	f	{"n": 28, "theme": "dark"}
29	login29	87	t	\N
30	login30	\N	t	{"n": 30, "theme": "dark"}
31	login31	93	t	\N
32	login32	96	f	{"n": 32, "theme": "dark"}
33	login33	99	t	\N
34	login34	102	t	{"n": 34, "theme": "dark"}
35	login35	105	t	\N
36	login36	108	f	{"n": 36, "theme": "dark"}
37	login37	111	t	\N
38	login38	114	t	{"n": 38, "theme": "dark"}
39	login39	117	t	\N
40	login40	\N	f	{"n": 40, "theme": "dark"}
41	login41	123	t	\N
42	login42	126	t	{"n": 42, "theme": "dark"}
43	login43	129	t	\N
44	login44	132	f	{"n": 44, "theme": "dark"}
45	login45	135	t	\N
46	login46	138	t	{"n": 46, "theme": "dark"}
47	login47	141	t	\N
48	login48	144	f	{"n": 48, "theme": "dark"}
49	login49	147	t	\N
50	login50	\N	t	{"n": 50, "theme": "dark"}
\.


--
-- Data for Name: sessions; Type: TABLE DATA; Schema: account-api; Owner: account-api
--

COPY "account-api".sessions (id, account_id, started_at) FROM stdin;
\.


--
-- Data for Name: customers; Type: TABLE DATA; Schema: app; Owner: app_owner
--

COPY app.customers (id, name, email, country, note, created_on) FROM stdin;
1	Customer 1	user1@example.com	FR	tab\tseparated\tnote	2020-01-02
2	Customer 2	user2@example.com	US	back\\slash and \\N is not null	2020-01-03
3	Customer 3	user3@example.com	JP	multi\nline\r\nnote	2020-01-04
4	Customer 4	user4@example.com	BR	Zoë Ünïcødé — 日本語 🐘	2020-01-05
5	Customer 5	user5@example.com	NZ		2020-01-06
6	Customer 6	user6@example.com	DE	\\.	2020-01-07
7	Customer 7	user7@example.com	FR	note 8f14e45fceea	2020-01-08
8	Customer 8	user8@example.com	US	\N	2020-01-09
9	Customer 9	user9@example.com	JP	tab\tseparated\tnote	2020-01-10
10	Customer 10	user10@example.com	BR	back\\slash and \\N is not null	2020-01-11
11	Customer 11	user11@example.com	NZ	multi\nline\r\nnote	2020-01-12
12	Customer 12	user12@example.com	DE	Zoë Ünïcødé — 日本語 🐘	2020-01-13
13	Customer 13	user13@example.com	FR		2020-01-14
14	Customer 14	user14@example.com	US	\\.	2020-01-15
15	Customer 15	user15@example.com	JP	note 9bf31c7ff062	2020-01-16
16	Customer 16	user16@example.com	BR	\N	2020-01-17
17	Customer 17	user17@example.com	NZ	tab\tseparated\tnote	2020-01-18
18	Customer 18	user18@example.com	DE	back\\slash and \\N is not null	2020-01-19
19	Customer 19	user19@example.com	FR	multi\nline\r\nnote	2020-01-20
20	Customer 20	user20@example.com	US	Zoë Ünïcødé — 日本語 🐘	2020-01-21
21	Customer 21	user21@example.com	JP		2020-01-22
22	Customer 22	user22@example.com	BR	\\.	2020-01-23
23	Customer 23	user23@example.com	NZ	note 37693cfc7480	2020-01-24
24	Customer 24	user24@example.com	DE	\N	2020-01-25
25	Customer 25	user25@example.com	FR	tab\tseparated\tnote	2020-01-26
26	Customer 26	user26@example.com	US	back\\slash and \\N is not null	2020-01-27
27	Customer 27	user27@example.com	JP	multi\nline\r\nnote	2020-01-28
28	Customer 28	user28@example.com	BR	Zoë Ünïcødé — 日本語 🐘	2020-01-29
29	Customer 29	user29@example.com	NZ		2020-01-30
30	Customer 30	user30@example.com	DE	\\.	2020-01-31
31	Customer 31	user31@example.com	FR	note c16a5320fa47	2020-02-01
32	Customer 32	user32@example.com	US	\N	2020-02-02
33	Customer 33	user33@example.com	JP	tab\tseparated\tnote	2020-02-03
34	Customer 34	user34@example.com	BR	back\\slash and \\N is not null	2020-02-04
35	Customer 35	user35@example.com	NZ	multi\nline\r\nnote	2020-02-05
36	Customer 36	user36@example.com	DE	Zoë Ünïcødé — 日本語 🐘	2020-02-06
37	Customer 37	user37@example.com	FR		2020-02-07
38	Customer 38	user38@example.com	US	\\.	2020-02-08
39	Customer 39	user39@example.com	JP	note d67d8ab4f4c1	2020-02-09
40	Customer 40	user40@example.com	BR	\N	2020-02-10
41	Customer 41	user41@example.com	NZ	tab\tseparated\tnote	2020-02-11
42	Customer 42	user42@example.com	DE	back\\slash and \\N is not null	2020-02-12
43	Customer 43	user43@example.com	FR	multi\nline\r\nnote	2020-02-13
44	Customer 44	user44@example.com	US	Zoë Ünïcødé — 日本語 🐘	2020-02-14
45	Customer 45	user45@example.com	JP		2020-02-15
46	Customer 46	user46@example.com	BR	\\.	2020-02-16
47	Customer 47	user47@example.com	NZ	note 67c6a1e7ce56	2020-02-17
48	Customer 48	user48@example.com	DE	\N	2020-02-18
49	Customer 49	user49@example.com	FR	tab\tseparated\tnote	2020-02-19
50	Customer 50	user50@example.com	US	back\\slash and \\N is not null	2020-02-20
51	Customer 51	user51@example.com	JP	multi\nline\r\nnote	2020-02-21
52	Customer 52	user52@example.com	BR	Zoë Ünïcødé — 日本語 🐘	2020-02-22
53	Customer 53	user53@example.com	NZ		2020-02-23
54	Customer 54	user54@example.com	DE	\\.	2020-02-24
55	Customer 55	user55@example.com	FR	note b53b3a3d6ab9	2020-02-25
56	Customer 56	user56@example.com	US	\N	2020-02-26
57	Customer 57	user57@example.com	JP	tab\tseparated\tnote	2020-02-27
58	Customer 58	user58@example.com	BR	back\\slash and \\N is not null	2020-02-28
59	Customer 59	user59@example.com	NZ	multi\nline\r\nnote	2020-02-29
60	Customer 60	user60@example.com	DE	Zoë Ünïcødé — 日本語 🐘	2020-03-01
61	Customer 61	user61@example.com	FR		2020-03-02
62	Customer 62	user62@example.com	US	\\.	2020-03-03
63	Customer 63	user63@example.com	JP	note 03afdbd66e79	2020-03-04
64	Customer 64	user64@example.com	BR	\N	2020-03-05
65	Customer 65	user65@example.com	NZ	tab\tseparated\tnote	2020-03-06
66	Customer 66	user66@example.com	DE	back\\slash and \\N is not null	2020-03-07
67	Customer 67	user67@example.com	FR	multi\nline\r\nnote	2020-03-08
68	Customer 68	user68@example.com	US	Zoë Ünïcødé — 日本語 🐘	2020-03-09
69	Customer 69	user69@example.com	JP		2020-03-10
70	Customer 70	user70@example.com	BR	\\.	2020-03-11
71	Customer 71	user71@example.com	NZ	note e2c420d928d4	2020-03-12
72	Customer 72	user72@example.com	DE	\N	2020-03-13
73	Customer 73	user73@example.com	FR	tab\tseparated\tnote	2020-03-14
74	Customer 74	user74@example.com	US	back\\slash and \\N is not null	2020-03-15
75	Customer 75	user75@example.com	JP	multi\nline\r\nnote	2020-03-16
76	Customer 76	user76@example.com	BR	Zoë Ünïcødé — 日本語 🐘	2020-03-17
77	Customer 77	user77@example.com	NZ		2020-03-18
78	Customer 78	user78@example.com	DE	\\.	2020-03-19
79	Customer 79	user79@example.com	FR	note d1fe173d08e9	2020-03-20
80	Customer 80	user80@example.com	US	\N	2020-03-21
81	Customer 81	user81@example.com	JP	tab\tseparated\tnote	2020-03-22
82	Customer 82	user82@example.com	BR	back\\slash and \\N is not null	2020-03-23
83	Customer 83	user83@example.com	NZ	multi\nline\r\nnote	2020-03-24
84	Customer 84	user84@example.com	DE	Zoë Ünïcødé — 日本語 🐘	2020-03-25
85	Customer 85	user85@example.com	FR		2020-03-26
86	Customer 86	user86@example.com	US	\\.	2020-03-27
87	Customer 87	user87@example.com	JP	note c7e1249ffc03	2020-03-28
88	Customer 88	user88@example.com	BR	\N	2020-03-29
89	Customer 89	user89@example.com	NZ	tab\tseparated\tnote	2020-03-30
90	Customer 90	user90@example.com	DE	back\\slash and \\N is not null	2020-03-31
91	Customer 91	user91@example.com	FR	multi\nline\r\nnote	2020-04-01
92	Customer 92	user92@example.com	US	Zoë Ünïcødé — 日本語 🐘	2020-04-02
93	Customer 93	user93@example.com	JP		2020-04-03
94	Customer 94	user94@example.com	BR	\\.	2020-04-04
95	Customer 95	user95@example.com	NZ	note 812b4ba287f5	2020-04-05
96	Customer 96	user96@example.com	DE	\N	2020-04-06
97	Customer 97	user97@example.com	FR	tab\tseparated\tnote	2020-04-07
98	Customer 98	user98@example.com	US	back\\slash and \\N is not null	2020-04-08
99	Customer 99	user99@example.com	JP	multi\nline\r\nnote	2020-04-09
100	Customer 100	user100@example.com	BR	Zoë Ünïcødé — 日本語 🐘	2020-04-10
101	Customer 101	user101@example.com	NZ		2020-04-11
102	Customer 102	user102@example.com	DE	\\.	2020-04-12
103	Customer 103	user103@example.com	FR	note 6974ce5ac660	2020-04-13
104	Customer 104	user104@example.com	US	\N	2020-04-14
105	Customer 105	user105@example.com	JP	tab\tseparated\tnote	2020-04-15
106	Customer 106	user106@example.com	BR	back\\slash and \\N is not null	2020-04-16
107	Customer 107	user107@example.com	NZ	multi\nline\r\nnote	2020-04-17
108	Customer 108	user108@example.com	DE	Zoë Ünïcødé — 日本語 🐘	2020-04-18
109	Customer 109	user109@example.com	FR		2020-04-19
110	Customer 110	user110@example.com	US	\\.	2020-04-20
111	Customer 111	user111@example.com	JP	note 698d51a19d8a	2020-04-21
112	Customer 112	user112@example.com	BR	\N	2020-04-22
113	Customer 113	user113@example.com	NZ	tab\tseparated\tnote	2020-04-23
114	Customer 114	user114@example.com	DE	back\\slash and \\N is not null	2020-04-24
115	Customer 115	user115@example.com	FR	multi\nline\r\nnote	2020-04-25
116	Customer 116	user116@example.com	US	Zoë Ünïcødé — 日本語 🐘	2020-04-26
117	Customer 117	user117@example.com	JP		2020-04-27
118	Customer 118	user118@example.com	BR	\\.	2020-04-28
119	Customer 119	user119@example.com	NZ	note 07e1cd7dca89	2020-04-29
120	Customer 120	user120@example.com	DE	\N	2020-04-30
121	Customer 121	user121@example.com	FR	tab\tseparated\tnote	2020-05-01
122	Customer 122	user122@example.com	US	back\\slash and \\N is not null	2020-05-02
123	Customer 123	user123@example.com	JP	multi\nline\r\nnote	2020-05-03
124	Customer 124	user124@example.com	BR	Zoë Ünïcødé — 日本語 🐘	2020-05-04
125	Customer 125	user125@example.com	NZ		2020-05-05
126	Customer 126	user126@example.com	DE	\\.	2020-05-06
127	Customer 127	user127@example.com	FR	note ec5decca5ed3	2020-05-07
128	Customer 128	user128@example.com	US	\N	2020-05-08
129	Customer 129	user129@example.com	JP	tab\tseparated\tnote	2020-05-09
130	Customer 130	user130@example.com	BR	back\\slash and \\N is not null	2020-05-10
131	Customer 131	user131@example.com	NZ	multi\nline\r\nnote	2020-05-11
132	Customer 132	user132@example.com	DE	Zoë Ünïcødé — 日本語 🐘	2020-05-12
133	Customer 133	user133@example.com	FR		2020-05-13
134	Customer 134	user134@example.com	US	\\.	2020-05-14
135	Customer 135	user135@example.com	JP	note 7f1de29e6da1	2020-05-15
136	Customer 136	user136@example.com	BR	\N	2020-05-16
137	Customer 137	user137@example.com	NZ	tab\tseparated\tnote	2020-05-17
138	Customer 138	user138@example.com	DE	back\\slash and \\N is not null	2020-05-18
139	Customer 139	user139@example.com	FR	multi\nline\r\nnote	2020-05-19
140	Customer 140	user140@example.com	US	Zoë Ünïcødé — 日本語 🐘	2020-05-20
141	Customer 141	user141@example.com	JP		2020-05-21
142	Customer 142	user142@example.com	BR	\\.	2020-05-22
143	Customer 143	user143@example.com	NZ	note 903ce9225fca	2020-05-23
144	Customer 144	user144@example.com	DE	\N	2020-05-24
145	Customer 145	user145@example.com	FR	tab\tseparated\tnote	2020-05-25
146	Customer 146	user146@example.com	US	back\\slash and \\N is not null	2020-05-26
147	Customer 147	user147@example.com	JP	multi\nline\r\nnote	2020-05-27
148	Customer 148	user148@example.com	BR	Zoë Ünïcødé — 日本語 🐘	2020-05-28
149	Customer 149	user149@example.com	NZ		2020-05-29
150	Customer 150	user150@example.com	DE	\\.	2020-05-30
151	Customer 151	user151@example.com	FR	note a8f15eda80c5	2020-05-31
152	Customer 152	user152@example.com	US	\N	2020-06-01
153	Customer 153	user153@example.com	JP	tab\tseparated\tnote	2020-06-02
154	Customer 154	user154@example.com	BR	back\\slash and \\N is not null	2020-06-03
155	Customer 155	user155@example.com	NZ	multi\nline\r\nnote	2020-06-04
156	Customer 156	user156@example.com	DE	Zoë Ünïcødé — 日本語 🐘	2020-06-05
157	Customer 157	user157@example.com	FR		2020-06-06
158	Customer 158	user158@example.com	US	\\.	2020-06-07
159	Customer 159	user159@example.com	JP	note 140f6969d521	2020-06-08
160	Customer 160	user160@example.com	BR	\N	2020-06-09
161	Customer 161	user161@example.com	NZ	tab\tseparated\tnote	2020-06-10
162	Customer 162	user162@example.com	DE	back\\slash and \\N is not null	2020-06-11
163	Customer 163	user163@example.com	FR	multi\nline\r\nnote	2020-06-12
164	Customer 164	user164@example.com	US	Zoë Ünïcødé — 日本語 🐘	2020-06-13
165	Customer 165	user165@example.com	JP		2020-06-14
166	Customer 166	user166@example.com	BR	\\.	2020-06-15
167	Customer 167	user167@example.com	NZ	note 5878a7ab84fb	2020-06-16
168	Customer 168	user168@example.com	DE	\N	2020-06-17
169	Customer 169	user169@example.com	FR	tab\tseparated\tnote	2020-06-18
170	Customer 170	user170@example.com	US	back\\slash and \\N is not null	2020-06-19
171	Customer 171	user171@example.com	JP	multi\nline\r\nnote	2020-06-20
172	Customer 172	user172@example.com	BR	Zoë Ünïcødé — 日本語 🐘	2020-06-21
173	Customer 173	user173@example.com	NZ		2020-06-22
174	Customer 174	user174@example.com	DE	\\.	2020-06-23
175	Customer 175	user175@example.com	FR	note 82161242827b	2020-06-24
176	Customer 176	user176@example.com	US	\N	2020-06-25
177	Customer 177	user177@example.com	JP	tab\tseparated\tnote	2020-06-26
178	Customer 178	user178@example.com	BR	back\\slash and \\N is not null	2020-06-27
179	Customer 179	user179@example.com	NZ	multi\nline\r\nnote	2020-06-28
180	Customer 180	user180@example.com	DE	Zoë Ünïcødé — 日本語 🐘	2020-06-29
181	Customer 181	user181@example.com	FR		2020-06-30
182	Customer 182	user182@example.com	US	\\.	2020-07-01
183	Customer 183	user183@example.com	JP	note cedebb6e872f	2020-07-02
184	Customer 184	user184@example.com	BR	\N	2020-07-03
185	Customer 185	user185@example.com	NZ	tab\tseparated\tnote	2020-07-04
186	Customer 186	user186@example.com	DE	back\\slash and \\N is not null	2020-07-05
187	Customer 187	user187@example.com	FR	multi\nline\r\nnote	2020-07-06
188	Customer 188	user188@example.com	US	Zoë Ünïcødé — 日本語 🐘	2020-07-07
189	Customer 189	user189@example.com	JP		2020-07-08
190	Customer 190	user190@example.com	BR	\\.	2020-07-09
191	Customer 191	user191@example.com	NZ	note 0aa1883c6411	2020-07-10
192	Customer 192	user192@example.com	DE	\N	2020-07-11
193	Customer 193	user193@example.com	FR	tab\tseparated\tnote	2020-07-12
194	Customer 194	user194@example.com	US	back\\slash and \\N is not null	2020-07-13
195	Customer 195	user195@example.com	JP	multi\nline\r\nnote	2020-07-14
196	Customer 196	user196@example.com	BR	Zoë Ünïcødé — 日本語 🐘	2020-07-15
197	Customer 197	user197@example.com	NZ		2020-07-16
198	Customer 198	user198@example.com	DE	\\.	2020-07-17
199	Customer 199	user199@example.com	FR	note 84d9ee44e457	2020-07-18
200	Customer 200	user200@example.com	US	\N	2020-07-19
\.


--
-- Data for Name: documents; Type: TABLE DATA; Schema: app; Owner: app_owner
--

COPY app.documents (id, title, body, visible) FROM stdin;
1	Document 1	'1':3 'document':1 'number':2 'order':5	t
2	Document 2	'2':3 'document':1 'number':2 'order':5	t
3	Document 3	'3':3 'document':1 'number':2 'order':5	f
4	Document 4	'4':3 'document':1 'number':2 'order':5	t
5	Document 5	'5':3 'document':1 'number':2 'order':5	t
6	Document 6	'6':3 'document':1 'number':2 'order':5	f
7	Document 7	'7':3 'document':1 'number':2 'order':5	t
8	Document 8	'8':3 'document':1 'number':2 'order':5	t
9	Document 9	'9':3 'document':1 'number':2 'order':5	f
10	Document 10	'10':3 'document':1 'number':2 'order':5	t
\.


--
-- Data for Name: order_items; Type: TABLE DATA; Schema: app; Owner: account-api
--

COPY app.order_items (order_id, line_no, sku, qty, price) FROM stdin;
1	1	SKU-0000	1	0.00
2	1	SKU-0013	2	0.53
3	1	SKU-0026	3	1.06
4	1	SKU-0039	4	1.59
5	1	SKU-0052	5	2.12
6	1	SKU-0065	1	2.65
7	1	SKU-0078	2	3.18
8	1	SKU-0091	3	3.71
9	1	SKU-0104	4	4.24
10	1	SKU-0117	5	4.77
11	1	SKU-0130	1	5.30
12	1	SKU-0143	2	5.83
13	1	SKU-0156	3	6.36
14	1	SKU-0169	4	6.89
15	1	SKU-0182	5	7.42
16	1	SKU-0195	1	7.95
17	1	SKU-0208	2	8.48
18	1	SKU-0221	3	9.01
19	1	SKU-0234	4	9.54
20	1	SKU-0247	5	10.07
21	1	SKU-0260	1	10.60
22	1	SKU-0273	2	11.13
23	1	SKU-0286	3	11.66
24	1	SKU-0299	4	12.19
25	1	SKU-0312	5	12.72
26	1	SKU-0325	1	13.25
27	1	SKU-0338	2	13.78
28	1	SKU-0351	3	14.31
29	1	SKU-0364	4	14.84
30	1	SKU-0377	5	15.37
31	1	SKU-0390	1	15.90
32	1	SKU-0403	2	16.43
33	1	SKU-0416	3	16.96
34	1	SKU-0429	4	17.49
35	1	SKU-0442	5	18.02
36	1	SKU-0455	1	18.55
37	1	SKU-0468	2	19.08
38	1	SKU-0481	3	19.61
39	1	SKU-0494	4	20.14
40	1	SKU-0507	5	20.67
41	1	SKU-0520	1	21.20
42	1	SKU-0533	2	21.73
43	1	SKU-0546	3	22.26
44	1	SKU-0559	4	22.79
45	1	SKU-0572	5	23.32
46	1	SKU-0585	1	23.85
47	1	SKU-0598	2	24.38
48	1	SKU-0611	3	24.91
49	1	SKU-0624	4	25.44
50	1	SKU-0637	5	25.97
51	1	SKU-0650	1	26.50
52	1	SKU-0663	2	27.03
53	1	SKU-0676	3	27.56
54	1	SKU-0689	4	28.09
55	1	SKU-0702	5	28.62
56	1	SKU-0715	1	29.15
57	1	SKU-0728	2	29.68
58	1	SKU-0741	3	30.21
59	1	SKU-0754	4	30.74
60	1	SKU-0767	5	31.27
61	1	SKU-0780	1	31.80
62	1	SKU-0793	2	32.33
63	1	SKU-0806	3	32.86
64	1	SKU-0819	4	33.39
65	1	SKU-0832	5	33.92
66	1	SKU-0845	1	34.45
67	1	SKU-0858	2	34.98
68	1	SKU-0871	3	35.51
69	1	SKU-0884	4	36.04
70	1	SKU-0897	5	36.57
71	1	SKU-0910	1	37.10
72	1	SKU-0923	2	37.63
73	1	SKU-0936	3	38.16
74	1	SKU-0949	4	38.69
75	1	SKU-0962	5	39.22
76	1	SKU-0975	1	39.75
77	1	SKU-0988	2	40.28
78	1	SKU-0004	3	40.81
79	1	SKU-0017	4	41.34
80	1	SKU-0030	5	41.87
81	1	SKU-0043	1	42.40
82	1	SKU-0056	2	42.93
83	1	SKU-0069	3	43.46
84	1	SKU-0082	4	43.99
85	1	SKU-0095	5	44.52
86	1	SKU-0108	1	45.05
87	1	SKU-0121	2	45.58
88	1	SKU-0134	3	46.11
89	1	SKU-0147	4	46.64
90	1	SKU-0160	5	47.17
91	1	SKU-0173	1	47.70
92	1	SKU-0186	2	48.23
93	1	SKU-0199	3	48.76
94	1	SKU-0212	4	49.29
95	1	SKU-0225	5	49.82
96	1	SKU-0238	1	0.35
97	1	SKU-0251	2	0.88
98	1	SKU-0264	3	1.41
99	1	SKU-0277	4	1.94
100	1	SKU-0290	5	2.47
101	1	SKU-0303	1	3.00
102	1	SKU-0316	2	3.53
103	1	SKU-0329	3	4.06
104	1	SKU-0342	4	4.59
105	1	SKU-0355	5	5.12
106	1	SKU-0368	1	5.65
107	1	SKU-0381	2	6.18
108	1	SKU-0394	3	6.71
109	1	SKU-0407	4	7.24
110	1	SKU-0420	5	7.77
111	1	SKU-0433	1	8.30
112	1	SKU-0446	2	8.83
113	1	SKU-0459	3	9.36
114	1	SKU-0472	4	9.89
115	1	SKU-0485	5	10.42
116	1	SKU-0498	1	10.95
117	1	SKU-0511	2	11.48
118	1	SKU-0524	3	12.01
119	1	SKU-0537	4	12.54
120	1	SKU-0550	5	13.07
121	1	SKU-0563	1	13.60
122	1	SKU-0576	2	14.13
123	1	SKU-0589	3	14.66
124	1	SKU-0602	4	15.19
125	1	SKU-0615	5	15.72
126	1	SKU-0628	1	16.25
127	1	SKU-0641	2	16.78
128	1	SKU-0654	3	17.31
129	1	SKU-0667	4	17.84
130	1	SKU-0680	5	18.37
131	1	SKU-0693	1	18.90
132	1	SKU-0706	2	19.43
133	1	SKU-0719	3	19.96
134	1	SKU-0732	4	20.49
135	1	SKU-0745	5	21.02
136	1	SKU-0758	1	21.55
137	1	SKU-0771	2	22.08
138	1	SKU-0784	3	22.61
139	1	SKU-0797	4	23.14
140	1	SKU-0810	5	23.67
141	1	SKU-0823	1	24.20
142	1	SKU-0836	2	24.73
143	1	SKU-0849	3	25.26
144	1	SKU-0862	4	25.79
145	1	SKU-0875	5	26.32
146	1	SKU-0888	1	26.85
147	1	SKU-0901	2	27.38
148	1	SKU-0914	3	27.91
149	1	SKU-0927	4	28.44
150	1	SKU-0940	5	28.97
151	1	SKU-0953	1	29.50
152	1	SKU-0966	2	30.03
153	1	SKU-0979	3	30.56
154	1	SKU-0992	4	31.09
155	1	SKU-0008	5	31.62
156	1	SKU-0021	1	32.15
157	1	SKU-0034	2	32.68
158	1	SKU-0047	3	33.21
159	1	SKU-0060	4	33.74
160	1	SKU-0073	5	34.27
161	1	SKU-0086	1	34.80
162	1	SKU-0099	2	35.33
163	1	SKU-0112	3	35.86
164	1	SKU-0125	4	36.39
165	1	SKU-0138	5	36.92
166	1	SKU-0151	1	37.45
167	1	SKU-0164	2	37.98
168	1	SKU-0177	3	38.51
169	1	SKU-0190	4	39.04
170	1	SKU-0203	5	39.57
171	1	SKU-0216	1	40.10
172	1	SKU-0229	2	40.63
173	1	SKU-0242	3	41.16
174	1	SKU-0255	4	41.69
175	1	SKU-0268	5	42.22
176	1	SKU-0281	1	42.75
177	1	SKU-0294	2	43.28
178	1	SKU-0307	3	43.81
179	1	SKU-0320	4	44.34
180	1	SKU-0333	5	44.87
181	1	SKU-0346	1	45.40
182	1	SKU-0359	2	45.93
183	1	SKU-0372	3	46.46
184	1	SKU-0385	4	46.99
185	1	SKU-0398	5	47.52
186	1	SKU-0411	1	48.05
187	1	SKU-0424	2	48.58
188	1	SKU-0437	3	49.11
189	1	SKU-0450	4	49.64
190	1	SKU-0463	5	0.17
191	1	SKU-0476	1	0.70
192	1	SKU-0489	2	1.23
193	1	SKU-0502	3	1.76
194	1	SKU-0515	4	2.29
195	1	SKU-0528	5	2.82
196	1	SKU-0541	1	3.35
197	1	SKU-0554	2	3.88
198	1	SKU-0567	3	4.41
199	1	SKU-0580	4	4.94
200	1	SKU-0593	5	5.47
201	1	SKU-0606	1	6.00
202	1	SKU-0619	2	6.53
203	1	SKU-0632	3	7.06
204	1	SKU-0645	4	7.59
205	1	SKU-0658	5	8.12
206	1	SKU-0671	1	8.65
207	1	SKU-0684	2	9.18
208	1	SKU-0697	3	9.71
209	1	SKU-0710	4	10.24
210	1	SKU-0723	5	10.77
211	1	SKU-0736	1	11.30
212	1	SKU-0749	2	11.83
213	1	SKU-0762	3	12.36
214	1	SKU-0775	4	12.89
215	1	SKU-0788	5	13.42
216	1	SKU-0801	1	13.95
217	1	SKU-0814	2	14.48
218	1	SKU-0827	3	15.01
219	1	SKU-0840	4	15.54
220	1	SKU-0853	5	16.07
221	1	SKU-0866	1	16.60
222	1	SKU-0879	2	17.13
223	1	SKU-0892	3	17.66
224	1	SKU-0905	4	18.19
225	1	SKU-0918	5	18.72
226	1	SKU-0931	1	19.25
227	1	SKU-0944	2	19.78
228	1	SKU-0957	3	20.31
229	1	SKU-0970	4	20.84
230	1	SKU-0983	5	21.37
231	1	SKU-0996	1	21.90
232	1	SKU-0012	2	22.43
233	1	SKU-0025	3	22.96
234	1	SKU-0038	4	23.49
235	1	SKU-0051	5	24.02
236	1	SKU-0064	1	24.55
237	1	SKU-0077	2	25.08
238	1	SKU-0090	3	25.61
239	1	SKU-0103	4	26.14
240	1	SKU-0116	5	26.67
241	1	SKU-0129	1	27.20
242	1	SKU-0142	2	27.73
243	1	SKU-0155	3	28.26
244	1	SKU-0168	4	28.79
245	1	SKU-0181	5	29.32
246	1	SKU-0194	1	29.85
247	1	SKU-0207	2	30.38
248	1	SKU-0220	3	30.91
249	1	SKU-0233	4	31.44
250	1	SKU-0246	5	31.97
251	1	SKU-0259	1	32.50
252	1	SKU-0272	2	33.03
253	1	SKU-0285	3	33.56
254	1	SKU-0298	4	34.09
255	1	SKU-0311	5	34.62
256	1	SKU-0324	1	35.15
257	1	SKU-0337	2	35.68
258	1	SKU-0350	3	36.21
259	1	SKU-0363	4	36.74
260	1	SKU-0376	5	37.27
261	1	SKU-0389	1	37.80
262	1	SKU-0402	2	38.33
263	1	SKU-0415	3	38.86
264	1	SKU-0428	4	39.39
265	1	SKU-0441	5	39.92
266	1	SKU-0454	1	40.45
267	1	SKU-0467	2	40.98
268	1	SKU-0480	3	41.51
269	1	SKU-0493	4	42.04
270	1	SKU-0506	5	42.57
271	1	SKU-0519	1	43.10
272	1	SKU-0532	2	43.63
273	1	SKU-0545	3	44.16
274	1	SKU-0558	4	44.69
275	1	SKU-0571	5	45.22
276	1	SKU-0584	1	45.75
277	1	SKU-0597	2	46.28
278	1	SKU-0610	3	46.81
279	1	SKU-0623	4	47.34
280	1	SKU-0636	5	47.87
281	1	SKU-0649	1	48.40
282	1	SKU-0662	2	48.93
283	1	SKU-0675	3	49.46
284	1	SKU-0688	4	49.99
285	1	SKU-0701	5	0.52
286	1	SKU-0714	1	1.05
287	1	SKU-0727	2	1.58
288	1	SKU-0740	3	2.11
289	1	SKU-0753	4	2.64
290	1	SKU-0766	5	3.17
291	1	SKU-0779	1	3.70
292	1	SKU-0792	2	4.23
293	1	SKU-0805	3	4.76
294	1	SKU-0818	4	5.29
295	1	SKU-0831	5	5.82
296	1	SKU-0844	1	6.35
297	1	SKU-0857	2	6.88
298	1	SKU-0870	3	7.41
299	1	SKU-0883	4	7.94
300	1	SKU-0896	5	8.47
301	1	SKU-0909	1	9.00
302	1	SKU-0922	2	9.53
303	1	SKU-0935	3	10.06
304	1	SKU-0948	4	10.59
305	1	SKU-0961	5	11.12
306	1	SKU-0974	1	11.65
307	1	SKU-0987	2	12.18
308	1	SKU-0003	3	12.71
309	1	SKU-0016	4	13.24
310	1	SKU-0029	5	13.77
311	1	SKU-0042	1	14.30
312	1	SKU-0055	2	14.83
313	1	SKU-0068	3	15.36
314	1	SKU-0081	4	15.89
315	1	SKU-0094	5	16.42
316	1	SKU-0107	1	16.95
317	1	SKU-0120	2	17.48
318	1	SKU-0133	3	18.01
319	1	SKU-0146	4	18.54
320	1	SKU-0159	5	19.07
321	1	SKU-0172	1	19.60
322	1	SKU-0185	2	20.13
323	1	SKU-0198	3	20.66
324	1	SKU-0211	4	21.19
325	1	SKU-0224	5	21.72
326	1	SKU-0237	1	22.25
327	1	SKU-0250	2	22.78
328	1	SKU-0263	3	23.31
329	1	SKU-0276	4	23.84
330	1	SKU-0289	5	24.37
331	1	SKU-0302	1	24.90
332	1	SKU-0315	2	25.43
333	1	SKU-0328	3	25.96
334	1	SKU-0341	4	26.49
335	1	SKU-0354	5	27.02
336	1	SKU-0367	1	27.55
337	1	SKU-0380	2	28.08
338	1	SKU-0393	3	28.61
339	1	SKU-0406	4	29.14
340	1	SKU-0419	5	29.67
341	1	SKU-0432	1	30.20
342	1	SKU-0445	2	30.73
343	1	SKU-0458	3	31.26
344	1	SKU-0471	4	31.79
345	1	SKU-0484	5	32.32
346	1	SKU-0497	1	32.85
347	1	SKU-0510	2	33.38
348	1	SKU-0523	3	33.91
349	1	SKU-0536	4	34.44
350	1	SKU-0549	5	34.97
351	1	SKU-0562	1	35.50
352	1	SKU-0575	2	36.03
353	1	SKU-0588	3	36.56
354	1	SKU-0601	4	37.09
355	1	SKU-0614	5	37.62
356	1	SKU-0627	1	38.15
357	1	SKU-0640	2	38.68
358	1	SKU-0653	3	39.21
359	1	SKU-0666	4	39.74
360	1	SKU-0679	5	40.27
361	1	SKU-0692	1	40.80
362	1	SKU-0705	2	41.33
363	1	SKU-0718	3	41.86
364	1	SKU-0731	4	42.39
365	1	SKU-0744	5	42.92
366	1	SKU-0757	1	43.45
367	1	SKU-0770	2	43.98
368	1	SKU-0783	3	44.51
369	1	SKU-0796	4	45.04
370	1	SKU-0809	5	45.57
371	1	SKU-0822	1	46.10
372	1	SKU-0835	2	46.63
373	1	SKU-0848	3	47.16
374	1	SKU-0861	4	47.69
375	1	SKU-0874	5	48.22
376	1	SKU-0887	1	48.75
377	1	SKU-0900	2	49.28
378	1	SKU-0913	3	49.81
379	1	SKU-0926	4	0.34
380	1	SKU-0939	5	0.87
381	1	SKU-0952	1	1.40
382	1	SKU-0965	2	1.93
383	1	SKU-0978	3	2.46
384	1	SKU-0991	4	2.99
385	1	SKU-0007	5	3.52
386	1	SKU-0020	1	4.05
387	1	SKU-0033	2	4.58
388	1	SKU-0046	3	5.11
389	1	SKU-0059	4	5.64
390	1	SKU-0072	5	6.17
391	1	SKU-0085	1	6.70
392	1	SKU-0098	2	7.23
393	1	SKU-0111	3	7.76
394	1	SKU-0124	4	8.29
395	1	SKU-0137	5	8.82
396	1	SKU-0150	1	9.35
397	1	SKU-0163	2	9.88
398	1	SKU-0176	3	10.41
399	1	SKU-0189	4	10.94
400	1	SKU-0202	5	11.47
1	2	SKU-0215	1	12.00
2	2	SKU-0228	2	12.53
3	2	SKU-0241	3	13.06
4	2	SKU-0254	4	13.59
5	2	SKU-0267	5	14.12
6	2	SKU-0280	1	14.65
7	2	SKU-0293	2	15.18
8	2	SKU-0306	3	15.71
9	2	SKU-0319	4	16.24
10	2	SKU-0332	5	16.77
11	2	SKU-0345	1	17.30
12	2	SKU-0358	2	17.83
13	2	SKU-0371	3	18.36
14	2	SKU-0384	4	18.89
15	2	SKU-0397	5	19.42
16	2	SKU-0410	1	19.95
17	2	SKU-0423	2	20.48
18	2	SKU-0436	3	21.01
19	2	SKU-0449	4	21.54
20	2	SKU-0462	5	22.07
21	2	SKU-0475	1	22.60
22	2	SKU-0488	2	23.13
23	2	SKU-0501	3	23.66
24	2	SKU-0514	4	24.19
25	2	SKU-0527	5	24.72
26	2	SKU-0540	1	25.25
27	2	SKU-0553	2	25.78
28	2	SKU-0566	3	26.31
29	2	SKU-0579	4	26.84
30	2	SKU-0592	5	27.37
31	2	SKU-0605	1	27.90
32	2	SKU-0618	2	28.43
33	2	SKU-0631	3	28.96
34	2	SKU-0644	4	29.49
35	2	SKU-0657	5	30.02
36	2	SKU-0670	1	30.55
37	2	SKU-0683	2	31.08
38	2	SKU-0696	3	31.61
39	2	SKU-0709	4	32.14
40	2	SKU-0722	5	32.67
41	2	SKU-0735	1	33.20
42	2	SKU-0748	2	33.73
43	2	SKU-0761	3	34.26
44	2	SKU-0774	4	34.79
45	2	SKU-0787	5	35.32
46	2	SKU-0800	1	35.85
47	2	SKU-0813	2	36.38
48	2	SKU-0826	3	36.91
49	2	SKU-0839	4	37.44
50	2	SKU-0852	5	37.97
51	2	SKU-0865	1	38.50
52	2	SKU-0878	2	39.03
53	2	SKU-0891	3	39.56
54	2	SKU-0904	4	40.09
55	2	SKU-0917	5	40.62
56	2	SKU-0930	1	41.15
57	2	SKU-0943	2	41.68
58	2	SKU-0956	3	42.21
59	2	SKU-0969	4	42.74
60	2	SKU-0982	5	43.27
61	2	SKU-0995	1	43.80
62	2	SKU-0011	2	44.33
63	2	SKU-0024	3	44.86
64	2	SKU-0037	4	45.39
65	2	SKU-0050	5	45.92
66	2	SKU-0063	1	46.45
67	2	SKU-0076	2	46.98
68	2	SKU-0089	3	47.51
69	2	SKU-0102	4	48.04
70	2	SKU-0115	5	48.57
71	2	SKU-0128	1	49.10
72	2	SKU-0141	2	49.63
73	2	SKU-0154	3	0.16
74	2	SKU-0167	4	0.69
75	2	SKU-0180	5	1.22
76	2	SKU-0193	1	1.75
77	2	SKU-0206	2	2.28
78	2	SKU-0219	3	2.81
79	2	SKU-0232	4	3.34
80	2	SKU-0245	5	3.87
81	2	SKU-0258	1	4.40
82	2	SKU-0271	2	4.93
83	2	SKU-0284	3	5.46
84	2	SKU-0297	4	5.99
85	2	SKU-0310	5	6.52
86	2	SKU-0323	1	7.05
87	2	SKU-0336	2	7.58
88	2	SKU-0349	3	8.11
89	2	SKU-0362	4	8.64
90	2	SKU-0375	5	9.17
91	2	SKU-0388	1	9.70
92	2	SKU-0401	2	10.23
93	2	SKU-0414	3	10.76
94	2	SKU-0427	4	11.29
95	2	SKU-0440	5	11.82
96	2	SKU-0453	1	12.35
97	2	SKU-0466	2	12.88
98	2	SKU-0479	3	13.41
99	2	SKU-0492	4	13.94
100	2	SKU-0505	5	14.47
101	2	SKU-0518	1	15.00
102	2	SKU-0531	2	15.53
103	2	SKU-0544	3	16.06
104	2	SKU-0557	4	16.59
105	2	SKU-0570	5	17.12
106	2	SKU-0583	1	17.65
107	2	SKU-0596	2	18.18
108	2	SKU-0609	3	18.71
109	2	SKU-0622	4	19.24
110	2	SKU-0635	5	19.77
111	2	SKU-0648	1	20.30
112	2	SKU-0661	2	20.83
113	2	SKU-0674	3	21.36
114	2	SKU-0687	4	21.89
115	2	SKU-0700	5	22.42
116	2	SKU-0713	1	22.95
117	2	SKU-0726	2	23.48
118	2	SKU-0739	3	24.01
119	2	SKU-0752	4	24.54
120	2	SKU-0765	5	25.07
121	2	SKU-0778	1	25.60
122	2	SKU-0791	2	26.13
123	2	SKU-0804	3	26.66
124	2	SKU-0817	4	27.19
125	2	SKU-0830	5	27.72
126	2	SKU-0843	1	28.25
127	2	SKU-0856	2	28.78
128	2	SKU-0869	3	29.31
129	2	SKU-0882	4	29.84
130	2	SKU-0895	5	30.37
131	2	SKU-0908	1	30.90
132	2	SKU-0921	2	31.43
133	2	SKU-0934	3	31.96
134	2	SKU-0947	4	32.49
135	2	SKU-0960	5	33.02
136	2	SKU-0973	1	33.55
137	2	SKU-0986	2	34.08
138	2	SKU-0002	3	34.61
139	2	SKU-0015	4	35.14
140	2	SKU-0028	5	35.67
141	2	SKU-0041	1	36.20
142	2	SKU-0054	2	36.73
143	2	SKU-0067	3	37.26
144	2	SKU-0080	4	37.79
145	2	SKU-0093	5	38.32
146	2	SKU-0106	1	38.85
147	2	SKU-0119	2	39.38
148	2	SKU-0132	3	39.91
149	2	SKU-0145	4	40.44
150	2	SKU-0158	5	40.97
151	2	SKU-0171	1	41.50
152	2	SKU-0184	2	42.03
153	2	SKU-0197	3	42.56
154	2	SKU-0210	4	43.09
155	2	SKU-0223	5	43.62
156	2	SKU-0236	1	44.15
157	2	SKU-0249	2	44.68
158	2	SKU-0262	3	45.21
159	2	SKU-0275	4	45.74
160	2	SKU-0288	5	46.27
161	2	SKU-0301	1	46.80
162	2	SKU-0314	2	47.33
163	2	SKU-0327	3	47.86
164	2	SKU-0340	4	48.39
165	2	SKU-0353	5	48.92
166	2	SKU-0366	1	49.45
167	2	SKU-0379	2	49.98
168	2	SKU-0392	3	0.51
169	2	SKU-0405	4	1.04
170	2	SKU-0418	5	1.57
171	2	SKU-0431	1	2.10
172	2	SKU-0444	2	2.63
173	2	SKU-0457	3	3.16
174	2	SKU-0470	4	3.69
175	2	SKU-0483	5	4.22
176	2	SKU-0496	1	4.75
177	2	SKU-0509	2	5.28
178	2	SKU-0522	3	5.81
179	2	SKU-0535	4	6.34
180	2	SKU-0548	5	6.87
181	2	SKU-0561	1	7.40
182	2	SKU-0574	2	7.93
183	2	SKU-0587	3	8.46
184	2	SKU-0600	4	8.99
185	2	SKU-0613	5	9.52
186	2	SKU-0626	1	10.05
187	2	SKU-0639	2	10.58
188	2	SKU-0652	3	11.11
189	2	SKU-0665	4	11.64
190	2	SKU-0678	5	12.17
191	2	SKU-0691	1	12.70
192	2	SKU-0704	2	13.23
193	2	SKU-0717	3	13.76
194	2	SKU-0730	4	14.29
195	2	SKU-0743	5	14.82
196	2	SKU-0756	1	15.35
197	2	SKU-0769	2	15.88
198	2	SKU-0782	3	16.41
199	2	SKU-0795	4	16.94
200	2	SKU-0808	5	17.47
201	2	SKU-0821	1	18.00
202	2	SKU-0834	2	18.53
203	2	SKU-0847	3	19.06
204	2	SKU-0860	4	19.59
205	2	SKU-0873	5	20.12
206	2	SKU-0886	1	20.65
207	2	SKU-0899	2	21.18
208	2	SKU-0912	3	21.71
209	2	SKU-0925	4	22.24
210	2	SKU-0938	5	22.77
211	2	SKU-0951	1	23.30
212	2	SKU-0964	2	23.83
213	2	SKU-0977	3	24.36
214	2	SKU-0990	4	24.89
215	2	SKU-0006	5	25.42
216	2	SKU-0019	1	25.95
217	2	SKU-0032	2	26.48
218	2	SKU-0045	3	27.01
219	2	SKU-0058	4	27.54
220	2	SKU-0071	5	28.07
221	2	SKU-0084	1	28.60
222	2	SKU-0097	2	29.13
223	2	SKU-0110	3	29.66
224	2	SKU-0123	4	30.19
225	2	SKU-0136	5	30.72
226	2	SKU-0149	1	31.25
227	2	SKU-0162	2	31.78
228	2	SKU-0175	3	32.31
229	2	SKU-0188	4	32.84
230	2	SKU-0201	5	33.37
231	2	SKU-0214	1	33.90
232	2	SKU-0227	2	34.43
233	2	SKU-0240	3	34.96
234	2	SKU-0253	4	35.49
235	2	SKU-0266	5	36.02
236	2	SKU-0279	1	36.55
237	2	SKU-0292	2	37.08
238	2	SKU-0305	3	37.61
239	2	SKU-0318	4	38.14
240	2	SKU-0331	5	38.67
241	2	SKU-0344	1	39.20
242	2	SKU-0357	2	39.73
243	2	SKU-0370	3	40.26
244	2	SKU-0383	4	40.79
245	2	SKU-0396	5	41.32
246	2	SKU-0409	1	41.85
247	2	SKU-0422	2	42.38
248	2	SKU-0435	3	42.91
249	2	SKU-0448	4	43.44
250	2	SKU-0461	5	43.97
251	2	SKU-0474	1	44.50
252	2	SKU-0487	2	45.03
253	2	SKU-0500	3	45.56
254	2	SKU-0513	4	46.09
255	2	SKU-0526	5	46.62
256	2	SKU-0539	1	47.15
257	2	SKU-0552	2	47.68
258	2	SKU-0565	3	48.21
259	2	SKU-0578	4	48.74
260	2	SKU-0591	5	49.27
261	2	SKU-0604	1	49.80
262	2	SKU-0617	2	0.33
263	2	SKU-0630	3	0.86
264	2	SKU-0643	4	1.39
265	2	SKU-0656	5	1.92
266	2	SKU-0669	1	2.45
267	2	SKU-0682	2	2.98
268	2	SKU-0695	3	3.51
269	2	SKU-0708	4	4.04
270	2	SKU-0721	5	4.57
271	2	SKU-0734	1	5.10
272	2	SKU-0747	2	5.63
273	2	SKU-0760	3	6.16
274	2	SKU-0773	4	6.69
275	2	SKU-0786	5	7.22
276	2	SKU-0799	1	7.75
277	2	SKU-0812	2	8.28
278	2	SKU-0825	3	8.81
279	2	SKU-0838	4	9.34
280	2	SKU-0851	5	9.87
281	2	SKU-0864	1	10.40
282	2	SKU-0877	2	10.93
283	2	SKU-0890	3	11.46
284	2	SKU-0903	4	11.99
285	2	SKU-0916	5	12.52
286	2	SKU-0929	1	13.05
287	2	SKU-0942	2	13.58
288	2	SKU-0955	3	14.11
289	2	SKU-0968	4	14.64
290	2	SKU-0981	5	15.17
291	2	SKU-0994	1	15.70
292	2	SKU-0010	2	16.23
293	2	SKU-0023	3	16.76
294	2	SKU-0036	4	17.29
295	2	SKU-0049	5	17.82
296	2	SKU-0062	1	18.35
297	2	SKU-0075	2	18.88
298	2	SKU-0088	3	19.41
299	2	SKU-0101	4	19.94
300	2	SKU-0114	5	20.47
301	2	SKU-0127	1	21.00
302	2	SKU-0140	2	21.53
303	2	SKU-0153	3	22.06
304	2	SKU-0166	4	22.59
305	2	SKU-0179	5	23.12
306	2	SKU-0192	1	23.65
307	2	SKU-0205	2	24.18
308	2	SKU-0218	3	24.71
309	2	SKU-0231	4	25.24
310	2	SKU-0244	5	25.77
311	2	SKU-0257	1	26.30
312	2	SKU-0270	2	26.83
313	2	SKU-0283	3	27.36
314	2	SKU-0296	4	27.89
315	2	SKU-0309	5	28.42
316	2	SKU-0322	1	28.95
317	2	SKU-0335	2	29.48
318	2	SKU-0348	3	30.01
319	2	SKU-0361	4	30.54
320	2	SKU-0374	5	31.07
321	2	SKU-0387	1	31.60
322	2	SKU-0400	2	32.13
323	2	SKU-0413	3	32.66
324	2	SKU-0426	4	33.19
325	2	SKU-0439	5	33.72
326	2	SKU-0452	1	34.25
327	2	SKU-0465	2	34.78
328	2	SKU-0478	3	35.31
329	2	SKU-0491	4	35.84
330	2	SKU-0504	5	36.37
331	2	SKU-0517	1	36.90
332	2	SKU-0530	2	37.43
333	2	SKU-0543	3	37.96
334	2	SKU-0556	4	38.49
335	2	SKU-0569	5	39.02
336	2	SKU-0582	1	39.55
337	2	SKU-0595	2	40.08
338	2	SKU-0608	3	40.61
339	2	SKU-0621	4	41.14
340	2	SKU-0634	5	41.67
341	2	SKU-0647	1	42.20
342	2	SKU-0660	2	42.73
343	2	SKU-0673	3	43.26
344	2	SKU-0686	4	43.79
345	2	SKU-0699	5	44.32
346	2	SKU-0712	1	44.85
347	2	SKU-0725	2	45.38
348	2	SKU-0738	3	45.91
349	2	SKU-0751	4	46.44
350	2	SKU-0764	5	46.97
351	2	SKU-0777	1	47.50
352	2	SKU-0790	2	48.03
353	2	SKU-0803	3	48.56
354	2	SKU-0816	4	49.09
355	2	SKU-0829	5	49.62
356	2	SKU-0842	1	0.15
357	2	SKU-0855	2	0.68
358	2	SKU-0868	3	1.21
359	2	SKU-0881	4	1.74
360	2	SKU-0894	5	2.27
361	2	SKU-0907	1	2.80
362	2	SKU-0920	2	3.33
363	2	SKU-0933	3	3.86
364	2	SKU-0946	4	4.39
365	2	SKU-0959	5	4.92
366	2	SKU-0972	1	5.45
367	2	SKU-0985	2	5.98
368	2	SKU-0001	3	6.51
369	2	SKU-0014	4	7.04
370	2	SKU-0027	5	7.57
371	2	SKU-0040	1	8.10
372	2	SKU-0053	2	8.63
373	2	SKU-0066	3	9.16
374	2	SKU-0079	4	9.69
375	2	SKU-0092	5	10.22
376	2	SKU-0105	1	10.75
377	2	SKU-0118	2	11.28
378	2	SKU-0131	3	11.81
379	2	SKU-0144	4	12.34
380	2	SKU-0157	5	12.87
381	2	SKU-0170	1	13.40
382	2	SKU-0183	2	13.93
383	2	SKU-0196	3	14.46
384	2	SKU-0209	4	14.99
385	2	SKU-0222	5	15.52
386	2	SKU-0235	1	16.05
387	2	SKU-0248	2	16.58
388	2	SKU-0261	3	17.11
389	2	SKU-0274	4	17.64
390	2	SKU-0287	5	18.17
391	2	SKU-0300	1	18.70
392	2	SKU-0313	2	19.23
393	2	SKU-0326	3	19.76
394	2	SKU-0339	4	20.29
395	2	SKU-0352	5	20.82
396	2	SKU-0365	1	21.35
397	2	SKU-0378	2	21.88
398	2	SKU-0391	3	22.41
399	2	SKU-0404	4	22.94
400	2	SKU-0417	5	23.47
\.


--
-- Data for Name: orders; Type: TABLE DATA; Schema: app; Owner: app_owner
--

COPY app.orders (id, customer_id, status, total, placed_at, updated_at) FROM stdin;
1	8	paid	0.37	2024-01-01 00:37:00+00	2024-02-01 13:00:00+00
2	15	shipped	0.74	2024-01-01 01:14:00+00	2024-02-01 14:00:00+00
3	22	cancelled	1.11	2024-01-01 01:51:00+00	2024-02-01 15:00:00+00
4	29	new	1.48	2024-01-01 02:28:00+00	2024-02-01 16:00:00+00
5	36	paid	1.85	2024-01-01 03:05:00+00	\N
6	43	shipped	2.22	2024-01-01 03:42:00+00	2024-02-01 18:00:00+00
7	50	cancelled	2.59	2024-01-01 04:19:00+00	2024-02-01 19:00:00+00
8	57	new	2.96	2024-01-01 04:56:00+00	2024-02-01 20:00:00+00
9	64	paid	3.33	2024-01-01 05:33:00+00	2024-02-01 21:00:00+00
10	71	shipped	3.70	2024-01-01 06:10:00+00	\N
11	78	cancelled	4.07	2024-01-01 06:47:00+00	2024-02-01 23:00:00+00
12	85	new	4.44	2024-01-01 07:24:00+00	2024-02-02 00:00:00+00
13	92	paid	4.81	2024-01-01 08:01:00+00	2024-02-02 01:00:00+00
14	99	shipped	5.18	2024-01-01 08:38:00+00	2024-02-02 02:00:00+00
15	106	cancelled	5.55	2024-01-01 09:15:00+00	\N
16	113	new	5.92	2024-01-01 09:52:00+00	2024-02-02 04:00:00+00
17	120	paid	6.29	2024-01-01 10:29:00+00	2024-02-02 05:00:00+00
18	127	shipped	6.66	2024-01-01 11:06:00+00	2024-02-02 06:00:00+00
19	134	cancelled	7.03	2024-01-01 11:43:00+00	2024-02-02 07:00:00+00
20	141	new	7.40	2024-01-01 12:20:00+00	\N
21	148	paid	7.77	2024-01-01 12:57:00+00	2024-02-02 09:00:00+00
22	155	shipped	8.14	2024-01-01 13:34:00+00	2024-02-02 10:00:00+00
23	162	cancelled	8.51	2024-01-01 14:11:00+00	2024-02-02 11:00:00+00
24	169	new	8.88	2024-01-01 14:48:00+00	2024-02-02 12:00:00+00
25	176	paid	9.25	2024-01-01 15:25:00+00	\N
26	183	shipped	9.62	2024-01-01 16:02:00+00	2024-02-02 14:00:00+00
27	190	cancelled	9.99	2024-01-01 16:39:00+00	2024-02-02 15:00:00+00
28	197	new	10.36	2024-01-01 17:16:00+00	2024-02-02 16:00:00+00
29	4	paid	10.73	2024-01-01 17:53:00+00	2024-02-02 17:00:00+00
30	11	shipped	11.10	2024-01-01 18:30:00+00	\N
31	18	cancelled	11.47	2024-01-01 19:07:00+00	2024-02-02 19:00:00+00
32	25	new	11.84	2024-01-01 19:44:00+00	2024-02-02 20:00:00+00
33	32	paid	12.21	2024-01-01 20:21:00+00	2024-02-02 21:00:00+00
34	39	shipped	12.58	2024-01-01 20:58:00+00	2024-02-02 22:00:00+00
35	46	cancelled	12.95	2024-01-01 21:35:00+00	\N
36	53	new	13.32	2024-01-01 22:12:00+00	2024-02-03 00:00:00+00
37	60	paid	13.69	2024-01-01 22:49:00+00	2024-02-03 01:00:00+00
38	67	shipped	14.06	2024-01-01 23:26:00+00	2024-02-03 02:00:00+00
39	74	cancelled	14.43	2024-01-02 00:03:00+00	2024-02-03 03:00:00+00
40	81	new	14.80	2024-01-02 00:40:00+00	\N
41	88	paid	15.17	2024-01-02 01:17:00+00	2024-02-03 05:00:00+00
42	95	shipped	15.54	2024-01-02 01:54:00+00	2024-02-03 06:00:00+00
43	102	cancelled	15.91	2024-01-02 02:31:00+00	2024-02-03 07:00:00+00
44	109	new	16.28	2024-01-02 03:08:00+00	2024-02-03 08:00:00+00
45	116	paid	16.65	2024-01-02 03:45:00+00	\N
46	123	shipped	17.02	2024-01-02 04:22:00+00	2024-02-03 10:00:00+00
47	130	cancelled	17.39	2024-01-02 04:59:00+00	2024-02-03 11:00:00+00
48	137	new	17.76	2024-01-02 05:36:00+00	2024-02-03 12:00:00+00
49	144	paid	18.13	2024-01-02 06:13:00+00	2024-02-03 13:00:00+00
50	151	shipped	18.50	2024-01-02 06:50:00+00	\N
51	158	cancelled	18.87	2024-01-02 07:27:00+00	2024-02-03 15:00:00+00
52	165	new	19.24	2024-01-02 08:04:00+00	2024-02-03 16:00:00+00
53	172	paid	19.61	2024-01-02 08:41:00+00	2024-02-03 17:00:00+00
54	179	shipped	19.98	2024-01-02 09:18:00+00	2024-02-03 18:00:00+00
55	186	cancelled	20.35	2024-01-02 09:55:00+00	\N
56	193	new	20.72	2024-01-02 10:32:00+00	2024-02-03 20:00:00+00
57	200	paid	21.09	2024-01-02 11:09:00+00	2024-02-03 21:00:00+00
58	7	shipped	21.46	2024-01-02 11:46:00+00	2024-02-03 22:00:00+00
59	14	cancelled	21.83	2024-01-02 12:23:00+00	2024-02-03 23:00:00+00
60	21	new	22.20	2024-01-02 13:00:00+00	\N
61	28	paid	22.57	2024-01-02 13:37:00+00	2024-02-04 01:00:00+00
62	35	shipped	22.94	2024-01-02 14:14:00+00	2024-02-04 02:00:00+00
63	42	cancelled	23.31	2024-01-02 14:51:00+00	2024-02-04 03:00:00+00
64	49	new	23.68	2024-01-02 15:28:00+00	2024-02-04 04:00:00+00
65	56	paid	24.05	2024-01-02 16:05:00+00	\N
66	63	shipped	24.42	2024-01-02 16:42:00+00	2024-02-04 06:00:00+00
67	70	cancelled	24.79	2024-01-02 17:19:00+00	2024-02-04 07:00:00+00
68	77	new	25.16	2024-01-02 17:56:00+00	2024-02-04 08:00:00+00
69	84	paid	25.53	2024-01-02 18:33:00+00	2024-02-04 09:00:00+00
70	91	shipped	25.90	2024-01-02 19:10:00+00	\N
71	98	cancelled	26.27	2024-01-02 19:47:00+00	2024-02-04 11:00:00+00
72	105	new	26.64	2024-01-02 20:24:00+00	2024-02-04 12:00:00+00
73	112	paid	27.01	2024-01-02 21:01:00+00	2024-02-04 13:00:00+00
74	119	shipped	27.38	2024-01-02 21:38:00+00	2024-02-04 14:00:00+00
75	126	cancelled	27.75	2024-01-02 22:15:00+00	\N
76	133	new	28.12	2024-01-02 22:52:00+00	2024-02-04 16:00:00+00
77	140	paid	28.49	2024-01-02 23:29:00+00	2024-02-04 17:00:00+00
78	147	shipped	28.86	2024-01-03 00:06:00+00	2024-02-04 18:00:00+00
79	154	cancelled	29.23	2024-01-03 00:43:00+00	2024-02-04 19:00:00+00
80	161	new	29.60	2024-01-03 01:20:00+00	\N
81	168	paid	29.97	2024-01-03 01:57:00+00	2024-02-04 21:00:00+00
82	175	shipped	30.34	2024-01-03 02:34:00+00	2024-02-04 22:00:00+00
83	182	cancelled	30.71	2024-01-03 03:11:00+00	2024-02-04 23:00:00+00
84	189	new	31.08	2024-01-03 03:48:00+00	2024-02-05 00:00:00+00
85	196	paid	31.45	2024-01-03 04:25:00+00	\N
86	3	shipped	31.82	2024-01-03 05:02:00+00	2024-02-05 02:00:00+00
87	10	cancelled	32.19	2024-01-03 05:39:00+00	2024-02-05 03:00:00+00
88	17	new	32.56	2024-01-03 06:16:00+00	2024-02-05 04:00:00+00
89	24	paid	32.93	2024-01-03 06:53:00+00	2024-02-05 05:00:00+00
90	31	shipped	33.30	2024-01-03 07:30:00+00	\N
91	38	cancelled	33.67	2024-01-03 08:07:00+00	2024-02-05 07:00:00+00
92	45	new	34.04	2024-01-03 08:44:00+00	2024-02-05 08:00:00+00
93	52	paid	34.41	2024-01-03 09:21:00+00	2024-02-05 09:00:00+00
94	59	shipped	34.78	2024-01-03 09:58:00+00	2024-02-05 10:00:00+00
95	66	cancelled	35.15	2024-01-03 10:35:00+00	\N
96	73	new	35.52	2024-01-03 11:12:00+00	2024-02-05 12:00:00+00
97	80	paid	35.89	2024-01-03 11:49:00+00	2024-02-05 13:00:00+00
98	87	shipped	36.26	2024-01-03 12:26:00+00	2024-02-05 14:00:00+00
99	94	cancelled	36.63	2024-01-03 13:03:00+00	2024-02-05 15:00:00+00
100	101	new	37.00	2024-01-03 13:40:00+00	\N
101	108	paid	37.37	2024-01-03 14:17:00+00	2024-02-05 17:00:00+00
102	115	shipped	37.74	2024-01-03 14:54:00+00	2024-02-05 18:00:00+00
103	122	cancelled	38.11	2024-01-03 15:31:00+00	2024-02-05 19:00:00+00
104	129	new	38.48	2024-01-03 16:08:00+00	2024-02-05 20:00:00+00
105	136	paid	38.85	2024-01-03 16:45:00+00	\N
106	143	shipped	39.22	2024-01-03 17:22:00+00	2024-02-05 22:00:00+00
107	150	cancelled	39.59	2024-01-03 17:59:00+00	2024-02-05 23:00:00+00
108	157	new	39.96	2024-01-03 18:36:00+00	2024-02-06 00:00:00+00
109	164	paid	40.33	2024-01-03 19:13:00+00	2024-02-06 01:00:00+00
110	171	shipped	40.70	2024-01-03 19:50:00+00	\N
111	178	cancelled	41.07	2024-01-03 20:27:00+00	2024-02-06 03:00:00+00
112	185	new	41.44	2024-01-03 21:04:00+00	2024-02-06 04:00:00+00
113	192	paid	41.81	2024-01-03 21:41:00+00	2024-02-06 05:00:00+00
114	199	shipped	42.18	2024-01-03 22:18:00+00	2024-02-06 06:00:00+00
115	6	cancelled	42.55	2024-01-03 22:55:00+00	\N
116	13	new	42.92	2024-01-03 23:32:00+00	2024-02-06 08:00:00+00
117	20	paid	43.29	2024-01-04 00:09:00+00	2024-02-06 09:00:00+00
118	27	shipped	43.66	2024-01-04 00:46:00+00	2024-02-06 10:00:00+00
119	34	cancelled	44.03	2024-01-04 01:23:00+00	2024-02-06 11:00:00+00
120	41	new	44.40	2024-01-04 02:00:00+00	\N
121	48	paid	44.77	2024-01-04 02:37:00+00	2024-02-06 13:00:00+00
122	55	shipped	45.14	2024-01-04 03:14:00+00	2024-02-06 14:00:00+00
123	62	cancelled	45.51	2024-01-04 03:51:00+00	2024-02-06 15:00:00+00
124	69	new	45.88	2024-01-04 04:28:00+00	2024-02-06 16:00:00+00
125	76	paid	46.25	2024-01-04 05:05:00+00	\N
126	83	shipped	46.62	2024-01-04 05:42:00+00	2024-02-06 18:00:00+00
127	90	cancelled	46.99	2024-01-04 06:19:00+00	2024-02-06 19:00:00+00
128	97	new	47.36	2024-01-04 06:56:00+00	2024-02-06 20:00:00+00
129	104	paid	47.73	2024-01-04 07:33:00+00	2024-02-06 21:00:00+00
130	111	shipped	48.10	2024-01-04 08:10:00+00	\N
131	118	cancelled	48.47	2024-01-04 08:47:00+00	2024-02-06 23:00:00+00
132	125	new	48.84	2024-01-04 09:24:00+00	2024-02-07 00:00:00+00
133	132	paid	49.21	2024-01-04 10:01:00+00	2024-02-07 01:00:00+00
134	139	shipped	49.58	2024-01-04 10:38:00+00	2024-02-07 02:00:00+00
135	146	cancelled	49.95	2024-01-04 11:15:00+00	\N
136	153	new	50.32	2024-01-04 11:52:00+00	2024-02-07 04:00:00+00
137	160	paid	50.69	2024-01-04 12:29:00+00	2024-02-07 05:00:00+00
138	167	shipped	51.06	2024-01-04 13:06:00+00	2024-02-07 06:00:00+00
139	174	cancelled	51.43	2024-01-04 13:43:00+00	2024-02-07 07:00:00+00
140	181	new	51.80	2024-01-04 14:20:00+00	\N
141	188	paid	52.17	2024-01-04 14:57:00+00	2024-02-07 09:00:00+00
142	195	shipped	52.54	2024-01-04 15:34:00+00	2024-02-07 10:00:00+00
143	2	cancelled	52.91	2024-01-04 16:11:00+00	2024-02-07 11:00:00+00
144	9	new	53.28	2024-01-04 16:48:00+00	2024-02-07 12:00:00+00
145	16	paid	53.65	2024-01-04 17:25:00+00	\N
146	23	shipped	54.02	2024-01-04 18:02:00+00	2024-02-07 14:00:00+00
147	30	cancelled	54.39	2024-01-04 18:39:00+00	2024-02-07 15:00:00+00
148	37	new	54.76	2024-01-04 19:16:00+00	2024-02-07 16:00:00+00
149	44	paid	55.13	2024-01-04 19:53:00+00	2024-02-07 17:00:00+00
150	51	shipped	55.50	2024-01-04 20:30:00+00	\N
151	58	cancelled	55.87	2024-01-04 21:07:00+00	2024-02-07 19:00:00+00
152	65	new	56.24	2024-01-04 21:44:00+00	2024-02-07 20:00:00+00
153	72	paid	56.61	2024-01-04 22:21:00+00	2024-02-07 21:00:00+00
154	79	shipped	56.98	2024-01-04 22:58:00+00	2024-02-07 22:00:00+00
155	86	cancelled	57.35	2024-01-04 23:35:00+00	\N
156	93	new	57.72	2024-01-05 00:12:00+00	2024-02-08 00:00:00+00
157	100	paid	58.09	2024-01-05 00:49:00+00	2024-02-08 01:00:00+00
158	107	shipped	58.46	2024-01-05 01:26:00+00	2024-02-08 02:00:00+00
159	114	cancelled	58.83	2024-01-05 02:03:00+00	2024-02-08 03:00:00+00
160	121	new	59.20	2024-01-05 02:40:00+00	\N
161	128	paid	59.57	2024-01-05 03:17:00+00	2024-02-08 05:00:00+00
162	135	shipped	59.94	2024-01-05 03:54:00+00	2024-02-08 06:00:00+00
163	142	cancelled	60.31	2024-01-05 04:31:00+00	2024-02-08 07:00:00+00
164	149	new	60.68	2024-01-05 05:08:00+00	2024-02-08 08:00:00+00
165	156	paid	61.05	2024-01-05 05:45:00+00	\N
166	163	shipped	61.42	2024-01-05 06:22:00+00	2024-02-08 10:00:00+00
167	170	cancelled	61.79	2024-01-05 06:59:00+00	2024-02-08 11:00:00+00
168	177	new	62.16	2024-01-05 07:36:00+00	2024-02-08 12:00:00+00
169	184	paid	62.53	2024-01-05 08:13:00+00	2024-02-08 13:00:00+00
170	191	shipped	62.90	2024-01-05 08:50:00+00	\N
171	198	cancelled	63.27	2024-01-05 09:27:00+00	2024-02-08 15:00:00+00
172	5	new	63.64	2024-01-05 10:04:00+00	2024-02-08 16:00:00+00
173	12	paid	64.01	2024-01-05 10:41:00+00	2024-02-08 17:00:00+00
174	19	shipped	64.38	2024-01-05 11:18:00+00	2024-02-08 18:00:00+00
175	26	cancelled	64.75	2024-01-05 11:55:00+00	\N
176	33	new	65.12	2024-01-05 12:32:00+00	2024-02-08 20:00:00+00
177	40	paid	65.49	2024-01-05 13:09:00+00	2024-02-08 21:00:00+00
178	47	shipped	65.86	2024-01-05 13:46:00+00	2024-02-08 22:00:00+00
179	54	cancelled	66.23	2024-01-05 14:23:00+00	2024-02-08 23:00:00+00
180	61	new	66.60	2024-01-05 15:00:00+00	\N
181	68	paid	66.97	2024-01-05 15:37:00+00	2024-02-09 01:00:00+00
182	75	shipped	67.34	2024-01-05 16:14:00+00	2024-02-09 02:00:00+00
183	82	cancelled	67.71	2024-01-05 16:51:00+00	2024-02-09 03:00:00+00
184	89	new	68.08	2024-01-05 17:28:00+00	2024-02-09 04:00:00+00
185	96	paid	68.45	2024-01-05 18:05:00+00	\N
186	103	shipped	68.82	2024-01-05 18:42:00+00	2024-02-09 06:00:00+00
187	110	cancelled	69.19	2024-01-05 19:19:00+00	2024-02-09 07:00:00+00
188	117	new	69.56	2024-01-05 19:56:00+00	2024-02-09 08:00:00+00
189	124	paid	69.93	2024-01-05 20:33:00+00	2024-02-09 09:00:00+00
190	131	shipped	70.30	2024-01-05 21:10:00+00	\N
191	138	cancelled	70.67	2024-01-05 21:47:00+00	2024-02-09 11:00:00+00
192	145	new	71.04	2024-01-05 22:24:00+00	2024-02-09 12:00:00+00
193	152	paid	71.41	2024-01-05 23:01:00+00	2024-02-09 13:00:00+00
194	159	shipped	71.78	2024-01-05 23:38:00+00	2024-02-09 14:00:00+00
195	166	cancelled	72.15	2024-01-06 00:15:00+00	\N
196	173	new	72.52	2024-01-06 00:52:00+00	2024-02-09 16:00:00+00
197	180	paid	72.89	2024-01-06 01:29:00+00	2024-02-09 17:00:00+00
198	187	shipped	73.26	2024-01-06 02:06:00+00	2024-02-09 18:00:00+00
199	194	cancelled	73.63	2024-01-06 02:43:00+00	2024-02-09 19:00:00+00
200	1	new	74.00	2024-01-06 03:20:00+00	\N
201	8	paid	74.37	2024-01-06 03:57:00+00	2024-02-09 21:00:00+00
202	15	shipped	74.74	2024-01-06 04:34:00+00	2024-02-09 22:00:00+00
203	22	cancelled	75.11	2024-01-06 05:11:00+00	2024-02-09 23:00:00+00
204	29	new	75.48	2024-01-06 05:48:00+00	2024-02-10 00:00:00+00
205	36	paid	75.85	2024-01-06 06:25:00+00	\N
206	43	shipped	76.22	2024-01-06 07:02:00+00	2024-02-10 02:00:00+00
207	50	cancelled	76.59	2024-01-06 07:39:00+00	2024-02-10 03:00:00+00
208	57	new	76.96	2024-01-06 08:16:00+00	2024-02-10 04:00:00+00
209	64	paid	77.33	2024-01-06 08:53:00+00	2024-02-10 05:00:00+00
210	71	shipped	77.70	2024-01-06 09:30:00+00	\N
211	78	cancelled	78.07	2024-01-06 10:07:00+00	2024-02-10 07:00:00+00
212	85	new	78.44	2024-01-06 10:44:00+00	2024-02-10 08:00:00+00
213	92	paid	78.81	2024-01-06 11:21:00+00	2024-02-10 09:00:00+00
214	99	shipped	79.18	2024-01-06 11:58:00+00	2024-02-10 10:00:00+00
215	106	cancelled	79.55	2024-01-06 12:35:00+00	\N
216	113	new	79.92	2024-01-06 13:12:00+00	2024-02-10 12:00:00+00
217	120	paid	80.29	2024-01-06 13:49:00+00	2024-02-10 13:00:00+00
218	127	shipped	80.66	2024-01-06 14:26:00+00	2024-02-10 14:00:00+00
219	134	cancelled	81.03	2024-01-06 15:03:00+00	2024-02-10 15:00:00+00
220	141	new	81.40	2024-01-06 15:40:00+00	\N
221	148	paid	81.77	2024-01-06 16:17:00+00	2024-02-10 17:00:00+00
222	155	shipped	82.14	2024-01-06 16:54:00+00	2024-02-10 18:00:00+00
223	162	cancelled	82.51	2024-01-06 17:31:00+00	2024-02-10 19:00:00+00
224	169	new	82.88	2024-01-06 18:08:00+00	2024-02-10 20:00:00+00
225	176	paid	83.25	2024-01-06 18:45:00+00	\N
226	183	shipped	83.62	2024-01-06 19:22:00+00	2024-02-10 22:00:00+00
227	190	cancelled	83.99	2024-01-06 19:59:00+00	2024-02-10 23:00:00+00
228	197	new	84.36	2024-01-06 20:36:00+00	2024-02-11 00:00:00+00
229	4	paid	84.73	2024-01-06 21:13:00+00	2024-02-11 01:00:00+00
230	11	shipped	85.10	2024-01-06 21:50:00+00	\N
231	18	cancelled	85.47	2024-01-06 22:27:00+00	2024-02-11 03:00:00+00
232	25	new	85.84	2024-01-06 23:04:00+00	2024-02-11 04:00:00+00
233	32	paid	86.21	2024-01-06 23:41:00+00	2024-02-11 05:00:00+00
234	39	shipped	86.58	2024-01-07 00:18:00+00	2024-02-11 06:00:00+00
235	46	cancelled	86.95	2024-01-07 00:55:00+00	\N
236	53	new	87.32	2024-01-07 01:32:00+00	2024-02-11 08:00:00+00
237	60	paid	87.69	2024-01-07 02:09:00+00	2024-02-11 09:00:00+00
238	67	shipped	88.06	2024-01-07 02:46:00+00	2024-02-11 10:00:00+00
239	74	cancelled	88.43	2024-01-07 03:23:00+00	2024-02-11 11:00:00+00
240	81	new	88.80	2024-01-07 04:00:00+00	\N
241	88	paid	89.17	2024-01-07 04:37:00+00	2024-02-11 13:00:00+00
242	95	shipped	89.54	2024-01-07 05:14:00+00	2024-02-11 14:00:00+00
243	102	cancelled	89.91	2024-01-07 05:51:00+00	2024-02-11 15:00:00+00
244	109	new	90.28	2024-01-07 06:28:00+00	2024-02-11 16:00:00+00
245	116	paid	90.65	2024-01-07 07:05:00+00	\N
246	123	shipped	91.02	2024-01-07 07:42:00+00	2024-02-11 18:00:00+00
247	130	cancelled	91.39	2024-01-07 08:19:00+00	2024-02-11 19:00:00+00
248	137	new	91.76	2024-01-07 08:56:00+00	2024-02-11 20:00:00+00
249	144	paid	92.13	2024-01-07 09:33:00+00	2024-02-11 21:00:00+00
250	151	shipped	92.50	2024-01-07 10:10:00+00	\N
251	158	cancelled	92.87	2024-01-07 10:47:00+00	2024-02-11 23:00:00+00
252	165	new	93.24	2024-01-07 11:24:00+00	2024-02-12 00:00:00+00
253	172	paid	93.61	2024-01-07 12:01:00+00	2024-02-12 01:00:00+00
254	179	shipped	93.98	2024-01-07 12:38:00+00	2024-02-12 02:00:00+00
255	186	cancelled	94.35	2024-01-07 13:15:00+00	\N
256	193	new	94.72	2024-01-07 13:52:00+00	2024-02-12 04:00:00+00
257	200	paid	95.09	2024-01-07 14:29:00+00	2024-02-12 05:00:00+00
258	7	shipped	95.46	2024-01-07 15:06:00+00	2024-02-12 06:00:00+00
259	14	cancelled	95.83	2024-01-07 15:43:00+00	2024-02-12 07:00:00+00
260	21	new	96.20	2024-01-07 16:20:00+00	\N
261	28	paid	96.57	2024-01-07 16:57:00+00	2024-02-12 09:00:00+00
262	35	shipped	96.94	2024-01-07 17:34:00+00	2024-02-12 10:00:00+00
263	42	cancelled	97.31	2024-01-07 18:11:00+00	2024-02-12 11:00:00+00
264	49	new	97.68	2024-01-07 18:48:00+00	2024-02-12 12:00:00+00
265	56	paid	98.05	2024-01-07 19:25:00+00	\N
266	63	shipped	98.42	2024-01-07 20:02:00+00	2024-02-12 14:00:00+00
267	70	cancelled	98.79	2024-01-07 20:39:00+00	2024-02-12 15:00:00+00
268	77	new	99.16	2024-01-07 21:16:00+00	2024-02-12 16:00:00+00
269	84	paid	99.53	2024-01-07 21:53:00+00	2024-02-12 17:00:00+00
270	91	shipped	99.90	2024-01-07 22:30:00+00	\N
271	98	cancelled	0.27	2024-01-07 23:07:00+00	2024-02-12 19:00:00+00
272	105	new	0.64	2024-01-07 23:44:00+00	2024-02-12 20:00:00+00
273	112	paid	1.01	2024-01-08 00:21:00+00	2024-02-12 21:00:00+00
274	119	shipped	1.38	2024-01-08 00:58:00+00	2024-02-12 22:00:00+00
275	126	cancelled	1.75	2024-01-08 01:35:00+00	\N
276	133	new	2.12	2024-01-08 02:12:00+00	2024-02-13 00:00:00+00
277	140	paid	2.49	2024-01-08 02:49:00+00	2024-02-13 01:00:00+00
278	147	shipped	2.86	2024-01-08 03:26:00+00	2024-02-13 02:00:00+00
279	154	cancelled	3.23	2024-01-08 04:03:00+00	2024-02-13 03:00:00+00
280	161	new	3.60	2024-01-08 04:40:00+00	\N
281	168	paid	3.97	2024-01-08 05:17:00+00	2024-02-13 05:00:00+00
282	175	shipped	4.34	2024-01-08 05:54:00+00	2024-02-13 06:00:00+00
283	182	cancelled	4.71	2024-01-08 06:31:00+00	2024-02-13 07:00:00+00
284	189	new	5.08	2024-01-08 07:08:00+00	2024-02-13 08:00:00+00
285	196	paid	5.45	2024-01-08 07:45:00+00	\N
286	3	shipped	5.82	2024-01-08 08:22:00+00	2024-02-13 10:00:00+00
287	10	cancelled	6.19	2024-01-08 08:59:00+00	2024-02-13 11:00:00+00
288	17	new	6.56	2024-01-08 09:36:00+00	2024-02-13 12:00:00+00
289	24	paid	6.93	2024-01-08 10:13:00+00	2024-02-13 13:00:00+00
290	31	shipped	7.30	2024-01-08 10:50:00+00	\N
291	38	cancelled	7.67	2024-01-08 11:27:00+00	2024-02-13 15:00:00+00
292	45	new	8.04	2024-01-08 12:04:00+00	2024-02-13 16:00:00+00
293	52	paid	8.41	2024-01-08 12:41:00+00	2024-02-13 17:00:00+00
294	59	shipped	8.78	2024-01-08 13:18:00+00	2024-02-13 18:00:00+00
295	66	cancelled	9.15	2024-01-08 13:55:00+00	\N
296	73	new	9.52	2024-01-08 14:32:00+00	2024-02-13 20:00:00+00
297	80	paid	9.89	2024-01-08 15:09:00+00	2024-02-13 21:00:00+00
298	87	shipped	10.26	2024-01-08 15:46:00+00	2024-02-13 22:00:00+00
299	94	cancelled	10.63	2024-01-08 16:23:00+00	2024-02-13 23:00:00+00
300	101	new	11.00	2024-01-08 17:00:00+00	\N
301	108	paid	11.37	2024-01-08 17:37:00+00	2024-02-14 01:00:00+00
302	115	shipped	11.74	2024-01-08 18:14:00+00	2024-02-14 02:00:00+00
303	122	cancelled	12.11	2024-01-08 18:51:00+00	2024-02-14 03:00:00+00
304	129	new	12.48	2024-01-08 19:28:00+00	2024-02-14 04:00:00+00
305	136	paid	12.85	2024-01-08 20:05:00+00	\N
306	143	shipped	13.22	2024-01-08 20:42:00+00	2024-02-14 06:00:00+00
307	150	cancelled	13.59	2024-01-08 21:19:00+00	2024-02-14 07:00:00+00
308	157	new	13.96	2024-01-08 21:56:00+00	2024-02-14 08:00:00+00
309	164	paid	14.33	2024-01-08 22:33:00+00	2024-02-14 09:00:00+00
310	171	shipped	14.70	2024-01-08 23:10:00+00	\N
311	178	cancelled	15.07	2024-01-08 23:47:00+00	2024-02-14 11:00:00+00
312	185	new	15.44	2024-01-09 00:24:00+00	2024-02-14 12:00:00+00
313	192	paid	15.81	2024-01-09 01:01:00+00	2024-02-14 13:00:00+00
314	199	shipped	16.18	2024-01-09 01:38:00+00	2024-02-14 14:00:00+00
315	6	cancelled	16.55	2024-01-09 02:15:00+00	\N
316	13	new	16.92	2024-01-09 02:52:00+00	2024-02-14 16:00:00+00
317	20	paid	17.29	2024-01-09 03:29:00+00	2024-02-14 17:00:00+00
318	27	shipped	17.66	2024-01-09 04:06:00+00	2024-02-14 18:00:00+00
319	34	cancelled	18.03	2024-01-09 04:43:00+00	2024-02-14 19:00:00+00
320	41	new	18.40	2024-01-09 05:20:00+00	\N
321	48	paid	18.77	2024-01-09 05:57:00+00	2024-02-14 21:00:00+00
322	55	shipped	19.14	2024-01-09 06:34:00+00	2024-02-14 22:00:00+00
323	62	cancelled	19.51	2024-01-09 07:11:00+00	2024-02-14 23:00:00+00
324	69	new	19.88	2024-01-09 07:48:00+00	2024-02-15 00:00:00+00
325	76	paid	20.25	2024-01-09 08:25:00+00	\N
326	83	shipped	20.62	2024-01-09 09:02:00+00	2024-02-15 02:00:00+00
327	90	cancelled	20.99	2024-01-09 09:39:00+00	2024-02-15 03:00:00+00
328	97	new	21.36	2024-01-09 10:16:00+00	2024-02-15 04:00:00+00
329	104	paid	21.73	2024-01-09 10:53:00+00	2024-02-15 05:00:00+00
330	111	shipped	22.10	2024-01-09 11:30:00+00	\N
331	118	cancelled	22.47	2024-01-09 12:07:00+00	2024-02-15 07:00:00+00
332	125	new	22.84	2024-01-09 12:44:00+00	2024-02-15 08:00:00+00
333	132	paid	23.21	2024-01-09 13:21:00+00	2024-02-15 09:00:00+00
334	139	shipped	23.58	2024-01-09 13:58:00+00	2024-02-15 10:00:00+00
335	146	cancelled	23.95	2024-01-09 14:35:00+00	\N
336	153	new	24.32	2024-01-09 15:12:00+00	2024-02-15 12:00:00+00
337	160	paid	24.69	2024-01-09 15:49:00+00	2024-02-15 13:00:00+00
338	167	shipped	25.06	2024-01-09 16:26:00+00	2024-02-15 14:00:00+00
339	174	cancelled	25.43	2024-01-09 17:03:00+00	2024-02-15 15:00:00+00
340	181	new	25.80	2024-01-09 17:40:00+00	\N
341	188	paid	26.17	2024-01-09 18:17:00+00	2024-02-15 17:00:00+00
342	195	shipped	26.54	2024-01-09 18:54:00+00	2024-02-15 18:00:00+00
343	2	cancelled	26.91	2024-01-09 19:31:00+00	2024-02-15 19:00:00+00
344	9	new	27.28	2024-01-09 20:08:00+00	2024-02-15 20:00:00+00
345	16	paid	27.65	2024-01-09 20:45:00+00	\N
346	23	shipped	28.02	2024-01-09 21:22:00+00	2024-02-15 22:00:00+00
347	30	cancelled	28.39	2024-01-09 21:59:00+00	2024-02-15 23:00:00+00
348	37	new	28.76	2024-01-09 22:36:00+00	2024-02-16 00:00:00+00
349	44	paid	29.13	2024-01-09 23:13:00+00	2024-02-16 01:00:00+00
350	51	shipped	29.50	2024-01-09 23:50:00+00	\N
351	58	cancelled	29.87	2024-01-10 00:27:00+00	2024-02-16 03:00:00+00
352	65	new	30.24	2024-01-10 01:04:00+00	2024-02-16 04:00:00+00
353	72	paid	30.61	2024-01-10 01:41:00+00	2024-02-16 05:00:00+00
354	79	shipped	30.98	2024-01-10 02:18:00+00	2024-02-16 06:00:00+00
355	86	cancelled	31.35	2024-01-10 02:55:00+00	\N
356	93	new	31.72	2024-01-10 03:32:00+00	2024-02-16 08:00:00+00
357	100	paid	32.09	2024-01-10 04:09:00+00	2024-02-16 09:00:00+00
358	107	shipped	32.46	2024-01-10 04:46:00+00	2024-02-16 10:00:00+00
359	114	cancelled	32.83	2024-01-10 05:23:00+00	2024-02-16 11:00:00+00
360	121	new	33.20	2024-01-10 06:00:00+00	\N
361	128	paid	33.57	2024-01-10 06:37:00+00	2024-02-16 13:00:00+00
362	135	shipped	33.94	2024-01-10 07:14:00+00	2024-02-16 14:00:00+00
363	142	cancelled	34.31	2024-01-10 07:51:00+00	2024-02-16 15:00:00+00
364	149	new	34.68	2024-01-10 08:28:00+00	2024-02-16 16:00:00+00
365	156	paid	35.05	2024-01-10 09:05:00+00	\N
366	163	shipped	35.42	2024-01-10 09:42:00+00	2024-02-16 18:00:00+00
367	170	cancelled	35.79	2024-01-10 10:19:00+00	2024-02-16 19:00:00+00
368	177	new	36.16	2024-01-10 10:56:00+00	2024-02-16 20:00:00+00
369	184	paid	36.53	2024-01-10 11:33:00+00	2024-02-16 21:00:00+00
370	191	shipped	36.90	2024-01-10 12:10:00+00	\N
371	198	cancelled	37.27	2024-01-10 12:47:00+00	2024-02-16 23:00:00+00
372	5	new	37.64	2024-01-10 13:24:00+00	2024-02-17 00:00:00+00
373	12	paid	38.01	2024-01-10 14:01:00+00	2024-02-17 01:00:00+00
374	19	shipped	38.38	2024-01-10 14:38:00+00	2024-02-17 02:00:00+00
375	26	cancelled	38.75	2024-01-10 15:15:00+00	\N
376	33	new	39.12	2024-01-10 15:52:00+00	2024-02-17 04:00:00+00
377	40	paid	39.49	2024-01-10 16:29:00+00	2024-02-17 05:00:00+00
378	47	shipped	39.86	2024-01-10 17:06:00+00	2024-02-17 06:00:00+00
379	54	cancelled	40.23	2024-01-10 17:43:00+00	2024-02-17 07:00:00+00
380	61	new	40.60	2024-01-10 18:20:00+00	\N
381	68	paid	40.97	2024-01-10 18:57:00+00	2024-02-17 09:00:00+00
382	75	shipped	41.34	2024-01-10 19:34:00+00	2024-02-17 10:00:00+00
383	82	cancelled	41.71	2024-01-10 20:11:00+00	2024-02-17 11:00:00+00
384	89	new	42.08	2024-01-10 20:48:00+00	2024-02-17 12:00:00+00
385	96	paid	42.45	2024-01-10 21:25:00+00	\N
386	103	shipped	42.82	2024-01-10 22:02:00+00	2024-02-17 14:00:00+00
387	110	cancelled	43.19	2024-01-10 22:39:00+00	2024-02-17 15:00:00+00
388	117	new	43.56	2024-01-10 23:16:00+00	2024-02-17 16:00:00+00
389	124	paid	43.93	2024-01-10 23:53:00+00	2024-02-17 17:00:00+00
390	131	shipped	44.30	2024-01-11 00:30:00+00	\N
391	138	cancelled	44.67	2024-01-11 01:07:00+00	2024-02-17 19:00:00+00
392	145	new	45.04	2024-01-11 01:44:00+00	2024-02-17 20:00:00+00
393	152	paid	45.41	2024-01-11 02:21:00+00	2024-02-17 21:00:00+00
394	159	shipped	45.78	2024-01-11 02:58:00+00	2024-02-17 22:00:00+00
395	166	cancelled	46.15	2024-01-11 03:35:00+00	\N
396	173	new	46.52	2024-01-11 04:12:00+00	2024-02-18 00:00:00+00
397	180	paid	46.89	2024-01-11 04:49:00+00	2024-02-18 01:00:00+00
398	187	shipped	47.26	2024-01-11 05:26:00+00	2024-02-18 02:00:00+00
399	194	cancelled	47.63	2024-01-11 06:03:00+00	2024-02-18 03:00:00+00
400	1	new	48.00	2024-01-11 06:40:00+00	\N
\.


--
-- Name: accounts_id_seq; Type: SEQUENCE SET; Schema: account-api; Owner: account-api
--

SELECT pg_catalog.setval('"account-api".accounts_id_seq', 50, true);


--
-- Name: customers_id_seq; Type: SEQUENCE SET; Schema: app; Owner: app_owner
--

SELECT pg_catalog.setval('app.customers_id_seq', 200, true);


--
-- Name: invoice_seq; Type: SEQUENCE SET; Schema: app; Owner: app_owner
--

SELECT pg_catalog.setval('app.invoice_seq', 1010, true);


--
-- Name: orders_id_seq; Type: SEQUENCE SET; Schema: app; Owner: app_owner
--

SELECT pg_catalog.setval('app.orders_id_seq', 400, true);


--
-- Data for Name: BLOBS; Type: BLOBS; Schema: -; Owner: 
--

BEGIN;

SELECT pg_catalog.lo_open('4244', 131072);
SELECT pg_catalog.lo_close(0);

SELECT pg_catalog.lo_open('4242', 131072);
SELECT pg_catalog.lowrite(0, '\x6c61726765206f626a65637420343234322c206f776e656420627920226163636f756e742d61706922');
SELECT pg_catalog.lo_close(0);

SELECT pg_catalog.lo_open('4243', 131072);
SELECT pg_catalog.lowrite(0, '\x00ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff10');
SELECT pg_catalog.lo_close(0);

COMMIT;

--
-- Name: Team Metrics Team Metrics_pkey; Type: CONSTRAINT; Schema: Data Team; Owner: Data Team
--

ALTER TABLE ONLY "Data Team"."Team Metrics"
    ADD CONSTRAINT "Team Metrics_pkey" PRIMARY KEY ("Metric Id");


--
-- Name: notes notes_pkey; Type: CONSTRAINT; Schema: Data Team; Owner: Data Team
--

ALTER TABLE ONLY "Data Team".notes
    ADD CONSTRAINT notes_pkey PRIMARY KEY (id);


--
-- Name: accounts accounts_login_key; Type: CONSTRAINT; Schema: account-api; Owner: account-api
--

ALTER TABLE ONLY "account-api".accounts
    ADD CONSTRAINT accounts_login_key UNIQUE (login);


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: account-api; Owner: account-api
--

ALTER TABLE ONLY "account-api".accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: account-api; Owner: account-api
--

ALTER TABLE ONLY "account-api".sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);


--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: app; Owner: app_owner
--

ALTER TABLE ONLY app.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);


--
-- Name: documents documents_pkey; Type: CONSTRAINT; Schema: app; Owner: app_owner
--

ALTER TABLE ONLY app.documents
    ADD CONSTRAINT documents_pkey PRIMARY KEY (id);


--
-- Name: order_items order_items_pkey; Type: CONSTRAINT; Schema: app; Owner: account-api
--

ALTER TABLE ONLY app.order_items
    ADD CONSTRAINT order_items_pkey PRIMARY KEY (order_id, line_no);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: app; Owner: app_owner
--

ALTER TABLE ONLY app.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: customers_email_key; Type: INDEX; Schema: app; Owner: app_owner
--

CREATE UNIQUE INDEX customers_email_key ON app.customers USING btree (email);


--
-- Name: orders_customer_idx; Type: INDEX; Schema: app; Owner: app_owner
--

CREATE INDEX orders_customer_idx ON app.orders USING btree (customer_id);


--
-- Name: sales_by_country_key; Type: INDEX; Schema: app; Owner: Data Team
--

CREATE UNIQUE INDEX sales_by_country_key ON app.sales_by_country USING btree (country);


--
-- Name: orders orders_touch; Type: TRIGGER; Schema: app; Owner: app_owner
--

CREATE TRIGGER orders_touch BEFORE UPDATE ON app.orders FOR EACH ROW EXECUTE PROCEDURE app.touch_updated_at();


--
-- Name: accounts accounts_customer_id_fkey; Type: FK CONSTRAINT; Schema: account-api; Owner: account-api
--

ALTER TABLE ONLY "account-api".accounts
    ADD CONSTRAINT accounts_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES app.customers(id);


--
-- Name: order_items order_items_order_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: account-api
--

ALTER TABLE ONLY app.order_items
    ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES app.orders(id) ON DELETE CASCADE;


--
-- Name: orders orders_customer_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: app_owner
--

ALTER TABLE ONLY app.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES app.customers(id);


--
-- Name: documents; Type: ROW SECURITY; Schema: app; Owner: app_owner
--

ALTER TABLE app.documents ENABLE ROW LEVEL SECURITY;

--
-- Name: documents documents_api; Type: POLICY; Schema: app; Owner: app_owner
--

CREATE POLICY documents_api ON app.documents TO "account-api" USING (true) WITH CHECK ((id > 0));


--
-- Name: documents documents_read; Type: POLICY; Schema: app; Owner: app_owner
--

CREATE POLICY documents_read ON app.documents FOR SELECT TO "Data Team", reporting USING (visible);


--
-- Name: pub; Type: PUBLICATION; Schema: -; Owner: app_owner
--

CREATE PUBLICATION pub WITH (publish = 'insert, update, delete, truncate');


ALTER PUBLICATION pub OWNER TO app_owner;

--
-- Name: pub customers; Type: PUBLICATION TABLE; Schema: app; Owner: app_owner
--

ALTER PUBLICATION pub ADD TABLE ONLY app.customers;


--
-- Name: pub orders; Type: PUBLICATION TABLE; Schema: app; Owner: app_owner
--

ALTER PUBLICATION pub ADD TABLE ONLY app.orders;


--
-- Name: SCHEMA "Data Team"; Type: ACL; Schema: -; Owner: Data Team
--

GRANT ALL ON SCHEMA "Data Team" TO auditor;


--
-- Name: SCHEMA "account-api"; Type: ACL; Schema: -; Owner: account-api
--

GRANT USAGE ON SCHEMA "account-api" TO reporting;


--
-- Name: SCHEMA app; Type: ACL; Schema: -; Owner: app_owner
--

GRANT USAGE ON SCHEMA app TO reporting;
GRANT USAGE ON SCHEMA app TO "Data Team";
GRANT USAGE ON SCHEMA app TO "account-api";
GRANT USAGE ON SCHEMA app TO grantor_role;


--
-- Name: TYPE email; Type: ACL; Schema: app; Owner: app_owner
--

GRANT ALL ON TYPE app.email TO "account-api";


--
-- Name: TYPE order_status; Type: ACL; Schema: app; Owner: app_owner
--

GRANT ALL ON TYPE app.order_status TO reporting;


--
-- Name: FUNCTION admin_reset(p_customer integer); Type: ACL; Schema: app; Owner: account-api
--

REVOKE ALL ON FUNCTION app.admin_reset(p_customer integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app.admin_reset(p_customer integer) TO "Data Team";


--
-- Name: PROCEDURE archive_orders(p_before date); Type: ACL; Schema: app; Owner: app_owner
--

GRANT ALL ON PROCEDURE app.archive_orders(p_before date) TO "account-api";


--
-- Name: TABLE orders; Type: ACL; Schema: app; Owner: app_owner
--

GRANT SELECT ON TABLE app.orders TO "Data Team";
GRANT SELECT ON TABLE app.orders TO reporting;


--
-- Name: TABLE notes; Type: ACL; Schema: Data Team; Owner: Data Team
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE "Data Team".notes TO app_owner;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE "Data Team".notes TO auditor;


--
-- Name: TABLE accounts; Type: ACL; Schema: account-api; Owner: account-api
--

GRANT SELECT ON TABLE "account-api".accounts TO reporting;


--
-- Name: TABLE customers; Type: ACL; Schema: app; Owner: app_owner
--

GRANT SELECT ON TABLE app.customers TO "Data Team";
GRANT SELECT ON TABLE app.customers TO grantor_role WITH GRANT OPTION;
SET SESSION AUTHORIZATION grantor_role;
GRANT SELECT ON TABLE app.customers TO auditor;
RESET SESSION AUTHORIZATION;


--
-- Name: COLUMN customers.id; Type: ACL; Schema: app; Owner: app_owner
--

GRANT SELECT(id) ON TABLE app.customers TO reporting;


--
-- Name: COLUMN customers.name; Type: ACL; Schema: app; Owner: app_owner
--

GRANT SELECT(name) ON TABLE app.customers TO reporting;


--
-- Name: COLUMN customers.email; Type: ACL; Schema: app; Owner: app_owner
--

GRANT UPDATE(email) ON TABLE app.customers TO "account-api";


--
-- Name: COLUMN customers.country; Type: ACL; Schema: app; Owner: app_owner
--

GRANT SELECT(country) ON TABLE app.customers TO reporting;


--
-- Name: COLUMN customers.note; Type: ACL; Schema: app; Owner: app_owner
--

GRANT UPDATE(note) ON TABLE app.customers TO "account-api";


--
-- Name: TABLE customer_orders; Type: ACL; Schema: app; Owner: app_owner
--

GRANT SELECT ON TABLE app.customer_orders TO reporting;


--
-- Name: TABLE documents; Type: ACL; Schema: app; Owner: app_owner
--

REVOKE ALL ON TABLE app.documents FROM app_owner;
GRANT SELECT,INSERT,REFERENCES,DELETE,TRIGGER,TRUNCATE ON TABLE app.documents TO app_owner;
GRANT SELECT ON TABLE app.documents TO reporting;
GRANT SELECT ON TABLE app.documents TO "Data Team";


--
-- Name: SEQUENCE invoice_seq; Type: ACL; Schema: app; Owner: app_owner
--

GRANT SELECT,USAGE ON SEQUENCE app.invoice_seq TO "account-api";


--
-- Name: TABLE order_items; Type: ACL; Schema: app; Owner: account-api
--

GRANT SELECT,INSERT ON TABLE app.order_items TO app_owner;


--
-- Name: TABLE sales_by_country; Type: ACL; Schema: app; Owner: Data Team
--

GRANT SELECT ON TABLE app.sales_by_country TO reporting;


--
-- Name: LARGE OBJECT 4242; Type: ACL; Schema: -; Owner: account-api
--

GRANT SELECT ON LARGE OBJECT 4242 TO reporting;


--
-- Name: LARGE OBJECT 4243; Type: ACL; Schema: -; Owner: app_owner
--

GRANT ALL ON LARGE OBJECT 4243 TO "Data Team";


--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: account-api; Owner: account-api
--

ALTER DEFAULT PRIVILEGES FOR ROLE "account-api" IN SCHEMA "account-api" REVOKE ALL ON TABLES  FROM "account-api";
ALTER DEFAULT PRIVILEGES FOR ROLE "account-api" IN SCHEMA "account-api" GRANT SELECT,INSERT ON TABLES  TO "Data Team";


--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: app; Owner: app_owner
--

ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA app REVOKE ALL ON TABLES  FROM app_owner;
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA app GRANT SELECT ON TABLES  TO reporting;


--
-- Name: DEFAULT PRIVILEGES FOR SEQUENCES; Type: DEFAULT ACL; Schema: -; Owner: Data Team
--

ALTER DEFAULT PRIVILEGES FOR ROLE "Data Team" GRANT USAGE ON SEQUENCES  TO "account-api";
ALTER DEFAULT PRIVILEGES FOR ROLE "Data Team" GRANT USAGE ON SEQUENCES  TO reporting;


--
-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: -; Owner: app_owner
--

ALTER DEFAULT PRIVILEGES FOR ROLE app_owner REVOKE ALL ON FUNCTIONS  FROM PUBLIC;


--
-- Name: sales_by_country; Type: MATERIALIZED VIEW DATA; Schema: app; Owner: Data Team
--

REFRESH MATERIALIZED VIEW app.sales_by_country;


--
-- PostgreSQL database dump complete
--

