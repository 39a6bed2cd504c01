-- Cluster-wide roles for the fixture databases (run once per server, in database postgres).
-- Works on PostgreSQL 11 through 18.
\set ON_ERROR_STOP 1
CREATE ROLE app_owner NOLOGIN;
CREATE ROLE "account-api" NOLOGIN;
CREATE ROLE "Data Team" NOLOGIN;
CREATE ROLE reporting LOGIN;
CREATE ROLE auditor NOLOGIN;
CREATE ROLE grantor_role NOLOGIN;
-- For restore tests: the role everything should end up owned by, and the login that can
-- SET ROLE to it (and to nothing else).
CREATE ROLE dest_owner NOLOGIN;
CREATE ROLE restorer LOGIN;
GRANT dest_owner TO restorer;
