import Foundation
import Restore
import Testing
import TestSupport

// Issue 20: code a dump carries runs during the load as the owner role R, which owns the live
// database. What it changes outside the restored database fails the run (nothing swapped, each
// change listed, the last line true about the live database), and pgreown's own queries never
// run a dump's operator through a search_path the dump set. The attacks are the pg15 plain
// fixture with entries added (a CHECK constraint calling a plpgsql function, one row of data so
// COPY runs it), on a cluster only this suite uses: what an attack changes is undone here.

/// `diff` on values.
@Suite struct OutsideWorldDiffTests {
    typealias Key = OutsideWorld.Key

    @Test func eachChangeIsOneLineWithBeforeAndAfter() {
        let live = Key(kind: "database", name: "app", databases: ["app"])
        let owner = Key(kind: "role", name: "dest_owner", roles: ["dest_owner"])
        let setting = Key(kind: "settings", name: "of role dest_owner", roles: ["dest_owner"])
        let before = OutsideWorld(objects: [live: ["connection limit": "-1", "owner": "dest_owner"],
                                            owner: ["login": "false", "password": "aaa"]])
        let after = OutsideWorld(objects: [live: ["connection limit": "0", "owner": "dest_owner"],
                                           owner: ["login": "false", "password": "bbb"],
                                           setting: ["work_mem": "77MB"]])
        let changes = OutsideWorld.diff(before, after).map(\.description)
        #expect(changes == ["database app: connection limit -1 → 0",
                            "role dest_owner: password changed",
                            "settings of role dest_owner: created (work_mem 77MB)"])
        #expect(!changes.joined().contains("aaa") && !changes.joined().contains("bbb"), "a password hash was shown")
        #expect(OutsideWorld.diff(after, before).map(\.description).contains("settings of role dest_owner: removed (was work_mem 77MB)"))
        #expect(OutsideWorld.diff(before, before).isEmpty)
    }

    @Test func exclusionsLeaveOutWhatPgreownChanges() {
        let scratch = Key(kind: "database", name: "app-restore", databases: ["app-restore"])
        let runRole = Key(kind: "role", name: "pgreown_load", roles: ["pgreown_load"])
        let member = Key(kind: "membership", name: "of pgreown_load in dest_owner granted by postgres",
                         roles: ["dest_owner", "pgreown_load", "postgres"])
        let other = Key(kind: "role", name: "alice", roles: ["alice"])
        let after = OutsideWorld(objects: [scratch: ["owner": "dest_owner"], runRole: ["login": "true"],
                                           member: ["admin option": "false"], other: ["login": "true"]])
        let changes = OutsideWorld.diff(OutsideWorld(), after,
                                        excluding: .init(databases: ["app-restore"], roles: ["pgreown_load"]))
        #expect(changes.map(\.key) == [other])
        #expect(after.database("app-restore").objects.keys.map(\.self) == [scratch])
    }
}

/// One at a time: each attack changes the cluster the next run looks at.
@Suite(.serialized, .enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct OutsideWorldTests {
    static func cluster() async throws -> Cluster {
        let c = try await Clusters.shared.cluster(15, named: "outside-world")
        try RestoreSetup.prepare(c)
        // A login without CREATEROLE: pgreown cannot make a role for the load, so the dump's code
        // runs as the owner role, which owns the live database — what this check is for.
        let r = try c.psql(["-c", "DO $$ BEGIN CREATE ROLE ow_nocr LOGIN CREATEDB; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                            "-c", "GRANT dest_owner, grantor_role TO ow_nocr"])
        guard r.status == 0 else { throw ClusterError("ow_nocr: \(r.stderr)") }
        return c
    }

    /// The pg15 plain fixture with `properties` (SQL of a DATABASE PROPERTIES entry, run before
    /// the rest) and `added` (entries, pg_dump-style, before the end) put in.
    static func tampered(properties: String? = nil, added: String, in tmp: TempDir) throws -> String {
        var text = try String(contentsOfFile: Paths.fixture("pg15/app.plain.sql"), encoding: .utf8)
        let end = "--\n-- PostgreSQL database dump complete\n"
        guard let at = text.range(of: end) else { throw ClusterError("the fixture has no end marker") }
        // Before the grants, where pg_dump prints objects (after them the guard refuses them).
        let firstACL = text.range(of: "; Type: ACL;").flatMap { acl in text.range(of: "--\n-- Name: ", options: .backwards, range: text.startIndex..<acl.lowerBound) }
        text.insert(contentsOf: added, at: firstACL?.lowerBound ?? at.lowerBound)
        if let properties {
            guard let first = text.range(of: "--\n-- Name: ") else { throw ClusterError("the fixture has no entry") }
            text.insert(contentsOf: "--\n-- Name: app; Type: DATABASE PROPERTIES; Schema: -; Owner: app_owner\n--\n\n\(properties)\n\n", at: first.lowerBound)
        }
        let path = tmp.file("tampered.sql")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A function `body` runs in, called by a CHECK constraint while COPY loads one row.
    static func checkCalls(_ body: String) -> String {
        """
        --
        -- Name: evil(integer); Type: FUNCTION; Schema: public; Owner: app_owner
        --

        CREATE FUNCTION public.evil(x integer) RETURNS boolean
            LANGUAGE plpgsql
            AS $_$BEGIN \(body); RETURN true; END$_$;


        ALTER FUNCTION public.evil(x integer) OWNER TO app_owner;

        --
        -- Name: evil_t; Type: TABLE; Schema: public; Owner: app_owner
        --

        CREATE TABLE public.evil_t (
            x integer,
            CONSTRAINT evil_t_x_check CHECK (public.evil(x))
        );


        ALTER TABLE public.evil_t OWNER TO app_owner;

        --
        -- Data for Name: evil_t; Type: TABLE DATA; Schema: public; Owner: app_owner
        --

        COPY public.evil_t (x) FROM stdin;
        1
        \\.


        """
    }

    static func restore(_ c: Cluster, _ dump: String, into live: String, login: String = "restorer") throws -> RunResult {
        try run(Paths.binary, ["restore", dump, "-d", live, "--owner", "dest_owner",
                               "--target", c.conninfo(db: "postgres", user: login)], timeout: 120)
    }

    /// With a role made for the load (the login has CREATEROLE) the same code cannot act on the
    /// owner role's behalf at all: the load stops at its error, nothing outside changed.
    static func expectTheLoadRoleCannot(_ c: Cluster, _ dump: String, _ live: String) throws {
        let r = try restore(c, dump, into: live)
        #expect(r.status == 1 && r.stderr.contains("the load runs as pgreown_load_"), "\(r.stderr)")
        #expect(r.stderr.contains("must be owner of") || r.stderr.contains("permission denied"), "\(r.stderr)")
        #expect(!r.stderr.contains("changed during the restore"), "\(r.stderr)")
        #expect(lastLine(r.stderr).contains("\(live) is untouched"), "\(r.stderr)")
    }

    /// Nothing swapped: the live database still holds its sentinel, no scratch database is left.
    static func expectNothingSwapped(_ c: Cluster, _ live: String, _ r: RunResult) throws {
        #expect(r.status == 1, "\(r.stderr)")
        #expect(RestoreSetup.sentinel(c, live) == "42", "the live database was replaced")
        #expect(try RestoreSetup.databases(c, like: live + "-").isEmpty, "a scratch or old database was left")
        #expect(!r.stderr.contains("swapped in"))
    }

    @Test func aConnectionLimitOnTheLiveDatabaseFailsTheRunAndTheLastLineSaysSo() async throws {
        let c = try await Self.cluster()
        let tmp = try TempDir()
        let live = try RestoreSetup.liveDatabase(c)
        defer {
            _ = try? c.connect().query("ALTER DATABASE \(live) CONNECTION LIMIT -1")
            c.dropDatabase(live)
        }
        let dump = try Self.tampered(added: Self.checkCalls("EXECUTE 'ALTER DATABASE \(live) CONNECTION LIMIT 0'"), in: tmp)
        try Self.expectTheLoadRoleCannot(c, dump, live)
        let r = try Self.restore(c, dump, into: live, login: "ow_nocr")
        try Self.expectNothingSwapped(c, live, r)
        #expect(r.stderr.contains("changed during the restore, not by pgreown: database \(live): connection limit -1 → 0"), "\(r.stderr)")
        let last = lastLine(r.stderr)
        #expect(last.contains("\(live) was CHANGED during the restore") && !last.contains("untouched"), "\(last)")
    }

    @Test func aSettingOfTheOwnerRoleFailsTheRunAndTheLiveDatabaseIsUntouched() async throws {
        let c = try await Self.cluster()
        let tmp = try TempDir()
        let live = try RestoreSetup.liveDatabase(c)
        defer {
            _ = try? c.connect().query("ALTER ROLE dest_owner RESET work_mem")
            c.dropDatabase(live)
        }
        let dump = try Self.tampered(added: Self.checkCalls("ALTER ROLE dest_owner SET work_mem = '77MB'"), in: tmp)
        try Self.expectTheLoadRoleCannot(c, dump, live)
        let r = try Self.restore(c, dump, into: live, login: "ow_nocr")
        try Self.expectNothingSwapped(c, live, r)
        #expect(r.stderr.contains("settings of role dest_owner: created (work_mem 77MB)"), "\(r.stderr)")
        let last = lastLine(r.stderr)
        #expect(last.contains("\(live) is untouched; 1 other change outside it"), "\(last)")
    }

    /// The scratch database's own row: marked a template (which DROP DATABASE refuses), it is
    /// still dropped; the change is listed.
    @Test func theScratchDatabaseMarkedATemplateFailsTheRunAndIsDropped() async throws {
        let c = try await Self.cluster()
        let tmp = try TempDir()
        let live = try RestoreSetup.liveDatabase(c)
        defer { c.dropDatabase(live) }
        let dump = try Self.tampered(added: Self.checkCalls(
            "EXECUTE 'ALTER DATABASE ' || pg_catalog.quote_ident(pg_catalog.current_database()) || ' IS_TEMPLATE true CONNECTION LIMIT 0'"), in: tmp)
        let r = try Self.restore(c, dump, into: live)
        try Self.expectNothingSwapped(c, live, r)
        #expect(r.stderr.contains("database \(live)-restore: is template false → true"), "\(r.stderr)")
        #expect(r.stderr.contains("database \(live)-restore: connection limit -1 → 0"), "\(r.stderr)")
        // Its connection limit stops the checks' own connection; the changes are listed all the same.
        #expect(r.stderr.contains("too many connections for database \"\(live)-restore\""), "\(r.stderr)")
        #expect(lastLine(r.stderr).contains("\(live) is untouched"), "\(r.stderr)")
    }

    /// `ALTER DATABASE … SET search_path = evil, pg_catalog` (declared, so restored) and an
    /// operator in evil that shadows pg_catalog's `<>` and `=` on names: pgreown's checks after
    /// the load would call it; their connection pins the search_path, so it never runs, and the
    /// restore succeeds with the setting the dump declares.
    @Test func aSearchPathTheDumpSetsNeverChoosesTheChecksOperators() async throws {
        let c = try await Self.cluster()
        let tmp = try TempDir()
        let live = try RestoreSetup.liveDatabase(c)
        defer { c.dropDatabase(live) }
        let evil = """
            --
            -- Name: evil; Type: SCHEMA; Schema: -; Owner: app_owner
            --

            CREATE SCHEMA evil;


            ALTER SCHEMA evil OWNER TO app_owner;

            --
            -- Name: hijack(name, name); Type: FUNCTION; Schema: evil; Owner: app_owner
            --

            CREATE FUNCTION evil.hijack(a name, b name) RETURNS boolean
                LANGUAGE plpgsql
                AS $$BEGIN RAISE EXCEPTION 'HIJACKED: a dump operator ran in pgreown''s query'; END$$;


            ALTER FUNCTION evil.hijack(a name, b name) OWNER TO app_owner;

            --
            -- Name: =; Type: OPERATOR; Schema: evil; Owner: app_owner
            --

            CREATE OPERATOR evil.= (FUNCTION = evil.hijack, LEFTARG = name, RIGHTARG = name);


            ALTER OPERATOR evil.= (name, name) OWNER TO app_owner;

            --
            -- Name: <>; Type: OPERATOR; Schema: evil; Owner: app_owner
            --

            CREATE OPERATOR evil.<> (FUNCTION = evil.hijack, LEFTARG = name, RIGHTARG = name);


            ALTER OPERATOR evil.<> (name, name) OWNER TO app_owner;


            """
        let dump = try Self.tampered(properties: "ALTER DATABASE app SET search_path TO 'evil', 'pg_catalog';", added: evil, in: tmp)
        // The attack is real: through the database's search_path, the operator runs.
        let probe = try c.createDatabase(owner: "dest_owner", prefix: "probe")
        defer { c.dropDatabase(probe) }
        let evilOnly = tmp.file("evil.sql")
        try evil.write(toFile: evilOnly, atomically: true, encoding: .utf8)
        let load = try c.psql(["-f", evilOnly, "-c", "ALTER DATABASE \(probe) SET search_path = evil, pg_catalog"], db: probe)
        #expect(load.status == 0, "\(load.stderr)")
        let direct = try c.psql(["-c", "SELECT count(*) FROM pg_namespace WHERE nspname <> 'public'"], db: probe)
        #expect(direct.status != 0 && direct.stderr.contains("HIJACKED"), "the operator does not hijack: \(direct.stderr)")

        let r = try Self.restore(c, dump, into: live)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("HIJACKED"), "\(r.stderr)")
        #expect(r.stderr.contains("check outside world: ok"), "\(r.stderr)")
        let setting = try c.connect().query("""
            SELECT s.setconfig::text FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
            WHERE d.datname = $1 AND s.setrole = 0
            """, [live]).first?.first ?? nil
        #expect(setting == "{\"search_path=evil, pg_catalog\"}", "\(setting ?? "none")")
    }
}
