import Foundation
import Restore
import Testing

/// One situation a real database can be in: how to build it, the logins `plan --login` names,
/// and whether the audit fails before the plan.
struct Situation: CustomTestStringConvertible, Sendable {
    var name: String
    /// Whether `audit` exits 1 before the plan (else 0).
    var failsBefore: Bool
    /// Builds the situation in the scratch database; returns the logins to convert.
    var build: @Sendable (Scratch, _ owner: String) throws -> [String]
    var testDescription: String { name }
}

/// Roles every situation has: the owner role (NOLOGIN, created by the situation or by the plan),
/// a NOLOGIN reporting group.
let situations: [Situation] = [
    Situation(name: "objects owned by a login, no owner role yet", failsBefore: true) { s, _ in
        let l = try s.createRole("own-login", "LOGIN")
        let rep = try s.createRole("rep")
        let L = try s.q(l)
        try s.admin.query("ALTER DATABASE \(try s.q(s.db)) OWNER TO \(L)")
        try s.sql("""
            ALTER SCHEMA public OWNER TO \(L);
            SET ROLE \(L);
            CREATE TABLE a (id serial PRIMARY KEY, v text);
            CREATE TABLE b (id int REFERENCES a);
            GRANT SELECT ON a, b TO \(try s.q(rep));
            CREATE VIEW av AS SELECT * FROM a;
            """)
        return [l]
    },
    Situation(name: "default privileges for a login that may SET ROLE to the owner", failsBefore: true) { s, owner in
        try s.createOwner(owner)
        let l = try s.createRole("dp-login", "LOGIN")
        let rep = try s.createRole("rep")
        let O = try s.q(owner), L = try s.q(l)
        try s.admin.query("GRANT \(O) TO \(L)")
        try s.sql("""
            SET ROLE \(O);
            CREATE TABLE t (id int);
            RESET ROLE;
            ALTER DEFAULT PRIVILEGES FOR ROLE \(L) GRANT SELECT ON TABLES TO \(try s.q(rep));
            ALTER DEFAULT PRIVILEGES FOR ROLE \(L) GRANT USAGE ON SEQUENCES TO \(try s.q(rep));
            """)
        return [l]
    },
    Situation(name: "a login owns a schema the owner role's tables are in", failsBefore: true) { s, owner in
        try s.createOwner(owner)
        let l = try s.createRole("schema-login", "LOGIN")
        let O = try s.q(owner), L = try s.q(l)
        try s.sql("""
            CREATE SCHEMA app AUTHORIZATION \(L);
            GRANT USAGE, CREATE ON SCHEMA app TO \(O);
            SET ROLE \(O);
            CREATE TABLE app.t (id int);
            """)
        return [l]
    },
    Situation(name: "a login owns a sequence, a function, a type and a materialized view", failsBefore: true) { s, owner in
        try s.createOwner(owner)
        let l = try s.createRole("kinds-login", "LOGIN")
        let O = try s.q(owner), L = try s.q(l)
        try s.sql("""
            GRANT CREATE ON SCHEMA public TO \(L);
            SET ROLE \(O);
            CREATE TABLE t (id int);
            GRANT SELECT ON t TO \(L);
            RESET ROLE;
            SET ROLE \(L);
            CREATE SEQUENCE seq;
            CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
            CREATE TYPE mood AS ENUM ('ok');
            CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;
            """)
        return [l]
    },
    Situation(name: "a login that owns things holds grants directly", failsBefore: true) { s, owner in
        try s.createOwner(owner)
        let l = try s.createRole("holder", "LOGIN")
        let O = try s.q(owner), L = try s.q(l)
        try s.sql("""
            SET ROLE \(O);
            CREATE TABLE shared (id serial);
            GRANT SELECT, INSERT ON shared TO \(L);
            GRANT USAGE ON SEQUENCE shared_id_seq TO \(L);
            RESET ROLE;
            GRANT CREATE ON SCHEMA public TO \(L);
            SET ROLE \(L);
            CREATE TABLE mine (id int);
            """)
        return [l]
    },
    Situation(name: "a NOINHERIT login that owns things holds grants directly", failsBefore: true) { s, owner in
        try s.createOwner(owner)
        let l = try s.createRole("noinherit", "LOGIN NOINHERIT")
        let O = try s.q(owner), L = try s.q(l)
        try s.sql("""
            SET ROLE \(O);
            CREATE TABLE shared (id int);
            GRANT SELECT ON shared TO \(L);
            RESET ROLE;
            GRANT CREATE ON SCHEMA public TO \(L);
            SET ROLE \(L);
            CREATE TABLE mine (id int);
            """)
        return [l]
    },
    Situation(name: "the Aurora model", failsBefore: false) { s, owner in
        try s.aurora(owner)
    },
    Situation(name: "the Aurora model with an application login that may create as itself", failsBefore: true) { s, owner in
        let logins = try s.aurora(owner)
        try s.sql("GRANT CREATE ON SCHEMA app TO \(try s.q(s.name("aurora-app")))")
        return logins
    },
]

extension Scratch {
    /// The owner role (named by `expectRole`), NOLOGIN, owning the database and `public`.
    func createOwner(_ owner: String) throws {
        let O = try q(owner)
        try admin.query("CREATE ROLE \(O) NOLOGIN; ALTER DATABASE \(try q(db)) OWNER TO \(O)")
        try sql("ALTER SCHEMA public OWNER TO \(O)")
    }

    /// The Aurora-style model: everything owned by the NOLOGIN owner role; a migrator login that
    /// is its member; an application login with DML grants of its own (tables, sequences);
    /// incident logins with SELECT, and with DML, of their own; nothing owned by a login. The
    /// migrator is a member of the owner role and switches to it at login.
    /// Returns the migrator (the login `plan --login` names).
    func aurora(_ owner: String) throws -> [String] {
        try createOwner(owner)
        let migrator = try createRole("aurora-migrator", "LOGIN")
        let app = try createRole("aurora-app", "LOGIN")
        let ro = try createRole("aurora-incident-ro", "LOGIN")
        let rw = try createRole("aurora-incident-rw", "LOGIN")
        let O = try q(owner), M = try q(migrator), A = try q(app), RO = try q(ro), RW = try q(rw)
        try admin.query("GRANT \(O) TO \(M); ALTER ROLE \(M) SET role \(O)")
        try sql("""
            SET ROLE \(O);
            CREATE SCHEMA app;
            CREATE TABLE app.customers (id serial PRIMARY KEY, name text);
            CREATE TABLE app.orders (id bigint GENERATED ALWAYS AS IDENTITY, customer int REFERENCES app.customers);
            CREATE TABLE public.settings (k text PRIMARY KEY, v text);
            GRANT USAGE ON SCHEMA app, public TO \(A), \(RO), \(RW);
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA app, public TO \(A), \(RW);
            GRANT USAGE ON ALL SEQUENCES IN SCHEMA app TO \(A), \(RW);
            GRANT SELECT ON ALL TABLES IN SCHEMA app, public TO \(RO);
            ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \(A), \(RW);
            ALTER DEFAULT PRIVILEGES GRANT USAGE ON SEQUENCES TO \(A), \(RW);
            ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO \(RO);
            """)
        return [migrator]
    }
}

@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct AuditPlanAgreementTests {
    /// Whatever `audit` fails on, `plan --apply` fixes: right after it, `audit` exits 0.
    @Test(arguments: situations)
    func theAuditPassesRightAfterThePlan(_ situation: Situation) throws {
        let s = try Scratch(database: "agree")
        defer { s.drop() }
        let owner = s.expectRole("agree-owner")
        let logins = try situation.build(s, owner)
        let before = try pgreown("audit", "--target", s.target, "--owner", owner)
        #expect(before.status == (situation.failsBefore ? 1 : 0), "\(before.stdout)")
        let plan = try pgreown(["plan", "--target", s.target, "--owner", owner, "--login"] + logins + ["--apply"])
        #expect(plan.status == 0, "\(plan.stderr)\n\(plan.stdout)")
        let after = try pgreown("audit", "--target", s.target, "--owner", owner, "--json")
        #expect(after.status == 0, "\(after.stdout)")
        #expect(try findings(after.stdout).allSatisfy { $0["severity"] as? String == "note" })
        // Nothing is owned by a login afterwards.
        let loginOwned = try s.sql("""
            SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
            WHERE r.rolcanlogin AND NOT r.rolsuper AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
            """)
        #expect(loginOwned.first?[0] == "0")
    }

    /// The Aurora model passes the audit; the logins' own grants are notes, printed, with a note
    /// severity in --json, and the plan to it changes nothing they can do.
    @Test func theAuroraModelPassesWithNotes() throws {
        let s = try Scratch(database: "aurora")
        defer { s.drop() }
        let owner = s.expectRole("aurora-owner")
        _ = try s.aurora(owner)
        let app = s.name("aurora-app"), ro = s.name("aurora-incident-ro"), rw = s.name("aurora-incident-rw")
        let json = try pgreown("audit", "--target", s.target, "--owner", owner, "--json")
        #expect(json.status == 0, "\(json.stdout)")
        let f = try findings(json.stdout)
        #expect(f.map { "\(kind($0)) \($0["role"] as? String ?? "") \($0["severity"] as? String ?? "")" }.sorted() == [
            "login-holds-direct-privileges \(app) note", "login-holds-direct-privileges \(ro) note",
            "login-holds-direct-privileges \(rw) note",
        ])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["clean"] as? Bool == true)
        let text = try pgreown("audit", "--target", s.target, "--owner", owner)
        #expect(text.status == 0)
        #expect(text.stdout.contains("[login-holds-direct-privileges] note: login \(app) holds privileges on"))
        #expect(text.stdout.contains("result: the database follows the owner-role model (3 notes)"))
        #expect(lastLine(text.stderr).contains("follows the owner-role model") && lastLine(text.stderr).contains("3 note(s)"))
        // The application login still writes after the plan.
        let plan = try pgreown("plan", "--target", s.target, "--owner", owner, "--login", s.name("aurora-migrator"), "--apply")
        #expect(plan.status == 0, "\(plan.stderr)\n\(plan.stdout)")
        try s.sql("INSERT INTO app.customers (name) VALUES ('x'); INSERT INTO app.orders (customer) SELECT id FROM app.customers", as: app)
        #expect(try s.sql("SELECT count(*) FROM app.orders", as: ro).first?[0] == "1")
        try s.sql("DELETE FROM app.orders", as: rw)
    }
}
