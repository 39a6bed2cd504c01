import Audit
import Foundation
import Restore
import Testing

/// Every grant `role` holds in the scratch database, as "kind identity PRIVILEGE".
func grants(of role: String, _ s: Scratch) throws -> [String] {
    let snap = try Catalog.snapshot(try s.connect(pinned: true), owner: role)
    return snap.objects.flatMap { o in (o.acl ?? []).filter { $0.grantee == role }.map { "\(o.label) \($0.privilege)" } }.sorted()
}

/// Every object of the scratch database with its owner and its ACL (grantee, privilege, grantor).
func state(_ s: Scratch) throws -> [String] {
    let snap = try Catalog.snapshot(try s.connect(pinned: true), owner: "postgres")
    return snap.objects.map { o in
        "\(o.label) owner=\(o.owner) " + (o.acl ?? []).map { "\($0.grantee ?? "PUBLIC"):\($0.privilege)/\($0.grantor)" }.sorted().joined(separator: ",")
    }.sorted()
}

@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct ServerAuditTests {
    /// Acceptance: the application login owns the database, `public` and every object, with
    /// grants to a reporting role and a SECURITY DEFINER function.
    @Test func theStartingStateIsConvertedAndTheLoginKeepsWorking() throws {
        let s = try Scratch(database: "start")
        defer { s.drop() }
        let api = try s.createRole("account-api", "LOGIN")
        let rep = try s.createRole("reporting")
        let owner = s.expectRole("account-api-owner-role")
        let A = try s.q(api), REP = try s.q(rep)
        try s.admin.query("ALTER DATABASE \(try s.q(s.db)) OWNER TO \(A)")
        let lo = try s.sql(#"""
            ALTER SCHEMA public OWNER TO \#(A);
            SET ROLE \#(A);
            CREATE TABLE accounts (id serial PRIMARY KEY, name text);
            CREATE TABLE ledger (id bigint GENERATED ALWAYS AS IDENTITY, account int REFERENCES accounts, amount numeric);
            CREATE VIEW balances AS SELECT account, sum(amount) AS total FROM ledger GROUP BY account;
            CREATE MATERIALIZED VIEW account_names AS SELECT id, name FROM accounts;
            CREATE SCHEMA billing;
            CREATE TABLE billing.invoices (id int, total numeric);
            CREATE TABLE billing.items (id int, invoice int);
            CREATE TYPE status AS ENUM ('open', 'closed');
            CREATE FUNCTION touch() RETURNS int LANGUAGE sql AS 'SELECT 1';
            CREATE FUNCTION close_account(int) RETURNS void LANGUAGE sql SECURITY DEFINER
              AS 'UPDATE accounts SET name = name || '' (closed)'' WHERE id = $1';
            REVOKE EXECUTE ON FUNCTION close_account(int) FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION close_account(int) TO \#(REP);
            GRANT USAGE ON SCHEMA public, billing TO \#(REP);
            GRANT SELECT ON ALL TABLES IN SCHEMA public, billing TO \#(REP);
            ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO \#(REP);
            INSERT INTO accounts (name) VALUES ('alice'), ('bob');
            SELECT lo_from_bytea(0, 'statement')::text;
            """#).first?[0] ?? ""
        let reportingBefore = try grants(of: rep, s)
        #expect(reportingBefore.count == 9)

        let audit = try pgreown("audit", "--target", s.target, "--owner", owner, "--json")
        #expect(audit.status == 1, "\(audit.stderr)")
        let f = try findings(audit.stdout)
        #expect(Set(f.map(kind)).isSuperset(of: ["owner-role-missing", "database-owner", "objects-owned-by-login",
                                                 "security-definer-owned-by-login", "login-creates-as-itself"]))
        let owned = try #require(f.first { kind($0) == "objects-owned-by-login" && $0["role"] as? String == api })
        let named = Set(objects(owned).map { "\($0["type"] as? String ?? "") \($0["identity"] as? String ?? "")" })
        #expect(named == ["schema public", "schema billing", "table public.accounts", "sequence public.accounts_id_seq",
                          "table public.ledger", "view public.balances", "materialized view public.account_names",
                          "table billing.invoices", "table billing.items", "type public.status", "function public.touch()",
                          "function public.close_account(integer)", "large object \(lo)"])
        #expect(objects(owned).allSatisfy { $0["owner"] as? String == api })
        #expect((owned["fix"] as? [String])?.contains("ALTER TABLE billing.invoices OWNER TO \(try s.q(owner));") == true)
        let definer = try #require(f.first { kind($0) == "security-definer-owned-by-login" })
        #expect(objects(definer).map { $0["identity"] as? String } == ["public.close_account(integer)"])

        // Printing the plan changes nothing.
        let printed = try pgreown("plan", "--target", s.target, "--owner", owner, "--login", api)
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("REASSIGN OWNED BY \(A) TO \(try s.q(owner));"))
        #expect(try s.admin.query("SELECT count(*) FROM pg_roles WHERE rolname = $1", [owner]).first?[0] == "0")

        let plan = try pgreown("plan", "--target", s.target, "--owner", owner, "--login", api, "--apply")
        #expect(plan.status == 0, "\(plan.stderr)\n\(plan.stdout)")
        let after = try pgreown("audit", "--target", s.target, "--owner", owner)
        #expect(after.status == 0, "\(after.stdout)")
        #expect(try s.admin.query("SELECT rolcanlogin::text FROM pg_roles WHERE rolname = $1", [owner]).first?[0] == "false")

        // The application login still reads, writes and creates; after SET ROLE what it creates is the owner's.
        try withExtendedLifetime(try s.connect(as: api)) { c in
            try c.query("INSERT INTO accounts (name) VALUES ('carol'); UPDATE accounts SET name = 'robert' WHERE name = 'bob'")
            try c.query("DELETE FROM ledger; INSERT INTO billing.invoices VALUES (1, 10)")
            #expect(try c.query("SELECT count(*) FROM accounts").first?[0] == "3")
            try c.query("CREATE TABLE made_by_login (x int)")
            try c.query("SET ROLE \(try s.q(owner)); CREATE TABLE made_as_owner (x int); RESET ROLE")
            let owners = try c.query("SELECT relname::text, pg_get_userbyid(relowner)::text FROM pg_class WHERE relname IN ('made_by_login', 'made_as_owner') ORDER BY 1")
            #expect(owners.map { $0[1] } == [owner, api])
            // The login's own table is usable by the owner role (its default privileges).
            try c.query("SET ROLE \(try s.q(owner)); INSERT INTO made_by_login VALUES (1); RESET ROLE")
        }
        // The reporting role's grants are unchanged; the two new tables grant it SELECT too (the
        // login's default privileges, and the owner role's, which the plan carried over).
        #expect(try grants(of: rep, s) == (reportingBefore + ["table public.made_as_owner SELECT", "table public.made_by_login SELECT"]).sorted())
        try s.sql("SELECT close_account(1); SELECT count(*) FROM billing.items", as: api)
    }

    /// Acceptance: logins foo_a and foo_b, members of foo, switch to foo at login; then foo_a retires.
    @Test func twoLoginsRotate() throws {
        let s = try Scratch(database: "rotate")
        defer { s.drop() }
        let foo = try s.createRole("foo"), a = try s.createRole("foo_a", "LOGIN"), b = try s.createRole("foo_b", "LOGIN")
        let reader = try s.createRole("reader")
        let F = try s.q(foo), QA = try s.q(a), QB = try s.q(b), RD = try s.q(reader)
        try s.admin.query("GRANT \(F) TO \(QA), \(QB); ALTER DATABASE \(try s.q(s.db)) OWNER TO \(F)")
        try s.sql("""
            ALTER SCHEMA public OWNER TO \(F);
            SET ROLE \(F); CREATE TABLE t1 (id int); GRANT SELECT ON t1 TO \(RD); RESET ROLE;
            SET ROLE \(QA); CREATE TABLE t2 (id int); GRANT SELECT ON t2 TO \(RD); RESET ROLE;
            """)
        // Split ownership: foo_a's table.
        let audit = try pgreown("audit", "--target", s.target, "--owner", foo, "--json")
        #expect(audit.status == 1)
        let owned = try findings(audit.stdout).filter { kind($0) == "objects-owned-by-login" }
        #expect(owned.map { $0["role"] as? String } == [a])
        #expect(owned.first.map { objects($0).map { $0["identity"] as? String } } == ["public.t2"])

        let plan = try pgreown("plan", "--target", s.target, "--owner", foo, "--login", a, b, "--set-role-default", "--apply")
        #expect(plan.status == 0, "\(plan.stderr)\n\(plan.stdout)")
        for login in [a, b] {
            try withExtendedLifetime(try s.connect(as: login)) { c in
                try c.query("CREATE TABLE \(try s.q("by " + login)) (x int); INSERT INTO t2 VALUES (1)")
                let o = try c.query("SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE relname = $1", ["by " + login])
                #expect(o.first?[0] == foo)
            }
        }
        #expect(try pgreown("audit", "--target", s.target, "--owner", foo).status == 0)

        // A connected session of foo_b refuses its retirement.
        try withExtendedLifetime(try s.connect(as: b)) { _ in
            let r = try pgreown("plan", "--target", s.target, "--retire", b, "--apply")
            #expect(r.status == 69)
            #expect(lastLine(r.stderr).contains("session"))
        }
        try s.waitForNoSessions(of: a)
        let before = try state(s)
        let retire = try pgreown("plan", "--target", s.target, "--retire", a, "--apply")
        #expect(retire.status == 0, "\(retire.stderr)\n\(retire.stdout)")
        #expect(retire.stdout.contains("DROP ROLE"))
        #expect(try s.admin.query("SELECT count(*) FROM pg_roles WHERE rolname = $1", [a]).first?[0] == "0")
        #expect(try state(s) == before)
        try s.sql("INSERT INTO t1 VALUES (2); SELECT * FROM t2", as: b)
        // Retiring it again is nothing to do.
        #expect(try pgreown("plan", "--target", s.target, "--owner", foo, "--retire", a, "--apply").status == 0)
    }

    /// Acceptance: the fuller production model audits clean; the audit reports exactly the
    /// deviations introduced, nothing more.
    @Test func theProductionModelReportsExactlyTheDeviations() throws {
        let s = try Scratch(database: "model")
        defer { s.drop() }
        let owner = try s.createRole("m-owner")
        let migrator = try s.createRole("m-migrator", "LOGIN NOINHERIT")
        let rw = try s.createRole("m-rw"), ro = try s.createRole("m-ro")
        let app = try s.createRole("m-app", "LOGIN")
        let ffRO = try s.createRole("m-ff-ro", "LOGIN"), ffRW = try s.createRole("m-ff-rw", "LOGIN")
        let admin = try s.createRole("m-admin", "LOGIN CREATEDB CREATEROLE NOINHERIT")
        let O = try s.q(owner), RW = try s.q(rw), RO = try s.q(ro)
        try s.admin.query("""
            GRANT \(O) TO \(try s.q(migrator)), \(try s.q(admin));
            GRANT \(RW) TO \(try s.q(app)), \(try s.q(ffRW));
            GRANT \(RO) TO \(try s.q(ffRO));
            ALTER DATABASE \(try s.q(s.db)) OWNER TO \(O);
            """)
        try s.sql("""
            ALTER SCHEMA public OWNER TO \(O);
            SET ROLE \(O);
            CREATE SCHEMA app;
            CREATE TABLE app.customers (id serial PRIMARY KEY, name text);
            CREATE TABLE app.orders (id serial PRIMARY KEY, customer int REFERENCES app.customers);
            CREATE TABLE public.settings (k text PRIMARY KEY, v text);
            CREATE TABLE public.audit_log (at timestamptz, what text);
            CREATE FUNCTION app.order_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM app.orders';
            GRANT USAGE ON SCHEMA app, public TO \(RW), \(RO);
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA app, public TO \(RW);
            GRANT SELECT ON ALL TABLES IN SCHEMA app, public TO \(RO);
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA app TO \(RW);
            GRANT SELECT ON ALL SEQUENCES IN SCHEMA app TO \(RO);
            ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \(RW);
            ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO \(RO);
            ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT ON SEQUENCES TO \(RW);
            ALTER DEFAULT PRIVILEGES GRANT SELECT ON SEQUENCES TO \(RO);
            ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO \(RW), \(RO);
            RESET ROLE;
            """)
        let clean = try pgreown("audit", "--target", s.target, "--owner", owner, "--json")
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(try findings(clean.stdout).isEmpty)
        let text = try pgreown("audit", "--target", s.target, "--owner", owner)
        #expect(text.stdout.contains("\(migrator): login, member, NOINHERIT, SET"))

        try s.sql("""
            ALTER TABLE public.audit_log OWNER TO \(try s.q(migrator));
            GRANT SELECT ON app.orders TO \(try s.q(ffRO));
            ALTER DEFAULT PRIVILEGES FOR ROLE \(O) REVOKE SELECT ON TABLES FROM \(RO);
            """)
        let audit = try pgreown("audit", "--target", s.target, "--owner", owner, "--json")
        #expect(audit.status == 1)
        let f = try findings(audit.stdout)
        #expect(f.map { "\(kind($0)) \($0["role"] as? String ?? "")" }.sorted() == [
            "default-privileges-missing \(owner)", "login-holds-direct-privileges \(ffRO)", "objects-owned-by-login \(migrator)",
        ])
        let missing = try #require(f.first { kind($0) == "default-privileges-missing" })
        #expect(missing["fix"] as? [String] == ["ALTER DEFAULT PRIVILEGES FOR ROLE \(O) IN SCHEMA app GRANT SELECT ON TABLES TO \(RO);"])
        let direct = try #require(f.first { kind($0) == "login-holds-direct-privileges" })
        #expect(direct["severity"] as? String == "note")
        #expect(f.filter { $0["severity"] as? String == "failure" }.count == 2)
        #expect(direct["fix"] as? [String] == ["GRANT SELECT ON TABLE app.orders TO \(RO);", "REVOKE SELECT ON TABLE app.orders FROM \(try s.q(ffRO));"])
        _ = ffRW
    }

    /// Quotes, spaces and hyphens in role, database, schema and table names; --json; --dbname.
    @Test func hostileNamesAreQuotedByTheServer() throws {
        let s = try Scratch(database: "hostile")
        defer { s.drop() }
        let login = try s.createRole("app \"q\" 'l'", "LOGIN")
        let second = try s.createRole("app2 \"q\" 'l'", "LOGIN")
        let owner = s.expectRole("o'wn \"er\" $pgreown$ x")
        let L = try s.q(login)
        try s.sql("""
            ALTER SCHEMA public OWNER TO \(L);
            GRANT CREATE ON DATABASE \(try s.q(s.db)) TO \(L);
            SET ROLE \(L);
            CREATE SCHEMA "Sch ema";
            CREATE TABLE "Sch ema"."We""ird Table" (id int);
            CREATE FUNCTION "Sch ema"."f'n"(x int) RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT x';
            """)
        let audit = try pgreown("audit", "--dbname", s.db, "--owner", owner, "--json")
        #expect(audit.status == 1, "\(audit.stderr)")
        let f = try findings(audit.stdout)
        let owned = try #require(f.first { kind($0) == "objects-owned-by-login" })
        #expect(owned["role"] as? String == login)
        let table = try #require(objects(owned).first { $0["type"] as? String == "table" })
        #expect(table["identity"] as? String == #""Sch ema"."We""ird Table""#)
        #expect(table["owner"] as? String == login)
        #expect((owned["fix"] as? [String])?.contains(#"ALTER TABLE "Sch ema"."We""ird Table" OWNER TO "o'wn ""er"" $pgreown$ x-\#(s.id)";"#) == true)
        #expect(f.contains { kind($0) == "public-execute-security-definer" })

        let plan = try pgreown("plan", "--target", s.target, "--owner", owner, "--login", login, second, "--set-role-default",
                               "--apply", "--json")
        #expect(plan.status == 0, "\(plan.stderr)")
        let out = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        #expect(out["applied"] as? Bool == true)
        #expect((out["audit"] as? [String: Any])?["clean"] as? Bool == true)
        #expect(((out["plan"] as? [String: Any])?["script"] as? String)?.contains("DO $pgreown1$") == true)
        #expect(try pgreown("audit", "--target", s.target, "--owner", owner).status == 0)
        // ALTER ROLE … SET role with such a name works at login.
        try withExtendedLifetime(try s.connect(as: second)) { c in
            try c.query(#"CREATE TABLE "Sch ema".made (x int)"#)
            #expect(try c.query(#"SELECT current_user::text, pg_get_userbyid(relowner)::text FROM pg_class WHERE relname = 'made'"#).first
                    == [owner, owner])
        }

        try s.waitForNoSessions(of: login)
        let retire = try pgreown("plan", "--target", s.target, "--owner", owner, "--retire", login, "--apply")
        #expect(retire.status == 0, "\(retire.stderr)\n\(retire.stdout)")
        #expect(try s.admin.query("SELECT count(*) FROM pg_roles WHERE rolname = $1", [login]).first?[0] == "0")
    }

    /// Every kind of object the audit covers is seen, extension members are not, and the plan converts them all.
    @Test func everyObjectKindIsAuditedAndConverted() throws {
        let s = try Scratch(database: "kinds")
        defer {
            // A subscription keeps its database from being dropped; without a slot it goes quietly.
            _ = try? s.sql("ALTER SUBSCRIPTION kinds_sub DISABLE")
            _ = try? s.sql("ALTER SUBSCRIPTION kinds_sub SET (slot_name = NONE)")
            _ = try? s.sql("DROP SUBSCRIPTION kinds_sub")
            s.drop()
        }
        let login = try s.createRole("kinds-login", "LOGIN")
        let owner = try s.createRole("kinds-owner")
        let L = try s.q(login)
        let hstore = try s.admin.query("SELECT count(*) FROM pg_available_extensions WHERE name = 'hstore'").first?[0] == "1"
        try s.sql("""
            SET client_min_messages = error;
            ALTER SCHEMA public OWNER TO \(L);
            GRANT CREATE ON DATABASE \(try s.q(s.db)) TO \(L);
            CREATE FOREIGN DATA WRAPPER kinds_fdw;
            GRANT USAGE ON FOREIGN DATA WRAPPER kinds_fdw TO \(L);
            CREATE OPERATOR CLASS int_ops FOR TYPE int USING btree AS OPERATOR 1 <;
            ALTER OPERATOR CLASS int_ops USING btree OWNER TO \(L);
            ALTER OPERATOR FAMILY int_ops USING btree OWNER TO \(L);
            CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;
            CREATE EVENT TRIGGER kinds_ddl ON ddl_command_start EXECUTE FUNCTION on_ddl();
            ALTER FUNCTION on_ddl() OWNER TO \(L);
            CREATE SUBSCRIPTION kinds_sub CONNECTION 'dbname=none' PUBLICATION p WITH (connect = false);
            SET ROLE \(L);
            \(hstore ? "CREATE EXTENSION hstore;" : "")
            CREATE TABLE t (a int, b int) ;
            CREATE TABLE p (a int) PARTITION BY RANGE (a);
            CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10);
            CREATE VIEW v AS SELECT 1 AS one;
            CREATE MATERIALIZED VIEW mv AS SELECT 1 AS one;
            CREATE SEQUENCE s;
            CREATE FUNCTION fn() RETURNS int LANGUAGE sql AS 'SELECT 1';
            CREATE PROCEDURE pr() LANGUAGE sql AS 'SELECT 1';
            CREATE AGGREGATE ag(int) (sfunc = int4pl, stype = int);
            CREATE TYPE en AS ENUM ('x');
            CREATE TYPE co AS (x int);
            CREATE TYPE rg AS RANGE (subtype = float8);
            CREATE DOMAIN dm AS int;
            CREATE COLLATION cl FROM "C";
            CREATE CONVERSION cv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
            CREATE OPERATOR === (leftarg = int, rightarg = int, function = int4eq);
            CREATE TEXT SEARCH DICTIONARY td (template = simple);
            CREATE TEXT SEARCH CONFIGURATION tc (COPY = simple);
            CREATE STATISTICS st ON a, b FROM t;
            CREATE SERVER sv FOREIGN DATA WRAPPER kinds_fdw;
            CREATE FOREIGN TABLE ft (a int) SERVER sv;
            CREATE PUBLICATION pb;
            SELECT lo_create(0);
            """)
        let audit = try pgreown("audit", "--target", s.target, "--owner", owner, "--json")
        #expect(audit.status == 1)
        let f = try findings(audit.stdout)
        let owned = try #require(f.first { kind($0) == "objects-owned-by-login" })
        let types = Set(objects(owned).compactMap { $0["type"] as? String })
        #expect(types == ["schema", "table", "partitioned table", "partition", "view", "materialized view", "sequence",
                          "function", "procedure", "aggregate", "type", "domain", "collation", "conversion", "operator",
                          "operator class", "operator family", "text search dictionary", "text search configuration",
                          "statistics object", "server", "foreign table", "publication", "large object"])
        let identities = Set(objects(owned).compactMap { $0["identity"] as? String })
        #expect(identities.isSuperset(of: ["public.ag(integer)", "public.===(integer,integer)", "public.int_ops USING btree",
                                           "public.rg", "public.co", "public.on_ddl()"]))
        // Implicit parts and extension members are not objects of their own; a superuser keeps the
        // event trigger, the wrapper and (before 16) the subscription.
        #expect(!identities.contains("public.rg_multirange") && !identities.contains("public.t[]"))
        #expect(!identities.contains { $0.contains("hstore") })
        let everywhere = f.filter { kind($0).hasPrefix("objects-owned-by") }.flatMap(objects).compactMap { $0["identity"] as? String }
        #expect(!everywhere.contains("kinds_ddl") && !everywhere.contains("kinds_fdw") && !everywhere.contains("kinds_sub"))

        let plan = try pgreown("plan", "--target", s.target, "--owner", owner, "--login", login, "--apply")
        #expect(plan.status == 0, "\(plan.stderr)\n\(plan.stdout)")
    }
}

/// The CLI contract that needs no server.
@Suite struct AuditCLITests {
    @Test func helpTeachesTheModelTheOptionsAndExamples() throws {
        let audit = try pgreown("audit", "--help")
        #expect(audit.status == 0)
        for word in ["NOLOGIN", "--owner", "--target", "--dbname", "--json", "SECURITY DEFINER", "Examples", "Exit 0"] {
            #expect(audit.stdout.contains(word), "audit --help lacks \(word)")
        }
        let plan = try pgreown("plan", "--help")
        #expect(plan.status == 0)
        for word in ["NOLOGIN", "--login", "--apply", "--retire", "--set-role-default", "REASSIGN OWNED", "Examples"] {
            #expect(plan.stdout.contains(word), "plan --help lacks \(word)")
        }
    }

    @Test func usageErrorsExit64() throws {
        #expect(try pgreown("plan", "--owner", "x").status == 64)
        #expect(try pgreown("plan", "--owner", "x", "--login", "a", "--retire", "b").status == 64)
        #expect(try pgreown("audit", "--target", "dbname=x").status == 64 || ProcessInfo.processInfo.environment["DB_OWNER"] != nil)
    }

    @Test func dbnameReplacesTheDatabaseOfAConninfoOrURI() {
        let uri = conninfo("postgresql://app@db.example:5433/prod?sslmode=require", database: "it's \\ mine")
        #expect(uri?.contains("dbname='it\\'s \\\\ mine'") == true)
        #expect(uri?.contains("port='5433'") == true && uri?.contains("user='app'") == true && uri?.contains("prod") == false)
        #expect(conninfo("", database: "x") == "dbname='x'")
        #expect(conninfo("host=a dbname=b", database: "c") == "host='a' dbname='c'")
        #expect(conninfo("host='unterminated", database: "c") == nil)
    }

    @Test func anUnreachableServerExits69WithoutThePassword() throws {
        let r = try pgreown("audit", "--target", "host=127.0.0.1 port=1 user=x password=s3cret-pw dbname=y connect_timeout=2", "--owner", "r")
        #expect(r.status == 69)
        #expect(!r.stderr.contains("s3cret-pw"))
        #expect(lastLine(r.stderr).contains("password=****"))
    }
}
