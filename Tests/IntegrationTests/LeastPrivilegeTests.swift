import Foundation
import Testing

/// Least privilege for dump content (issue 20, SECURITY.md): where the login may create roles,
/// the load runs as a role made for the run, so code the dump carries cannot reach the login's
/// rights even when it resets the role. On a cluster of its own: the suite counts the load roles
/// left behind, which other suites' restores would add to.
@Suite(.serialized, .enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct LeastPrivilegeTests {
    static func cluster() async throws -> Cluster {
        let c = try await Clusters.shared.cluster(15, named: "least-privilege")
        try RestoreSetup.prepare(c)
        return c
    }

    static func loadRoles(_ c: Cluster) throws -> [String] {
        try c.connect().query("SELECT rolname::text FROM pg_roles WHERE rolname LIKE 'pgreown\\_load\\_%'").compactMap { $0[0] }
    }

    static func roleExists(_ c: Cluster, _ name: String) throws -> Bool {
        try !c.connect().query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name]).isEmpty
    }

    /// A database whose table has a CHECK constraint calling a function that, in a database named
    /// `…-restore` (pgreown's scratch database), resets the session's role — back to the session
    /// user — and creates a role: what the login (CREATEROLE) may do, and the load must not.
    /// The COPY of the table's one row runs the check.
    /// `public.evil(argument)`: in a database named `…-restore` (pgreown's scratch database) it
    /// resets the session's role — back to the session user — and creates role `creating`; true.
    static func escapingFunction(creating role: String, argument: String = "", volatility: String = "VOLATILE") -> String {
        """
        CREATE FUNCTION public.evil(\(argument)) RETURNS boolean LANGUAGE plpgsql \(volatility) AS $f$
        BEGIN
          IF pg_catalog.current_database() LIKE '%-restore' THEN
            PERFORM pg_catalog.set_config('role', 'none', false);
            EXECUTE 'CREATE ROLE \(role)';
          END IF;
          RETURN true;
        END $f$;

        """
    }

    @Test func codeThatResetsTheRoleCannotReachTheLoginsRights() async throws {
        let c = try await Self.cluster()
        let tmp = try TempDir()
        let escaped = "lp_escaped"
        let src = try PlainPathTests.sourceDatabase(c, Self.escapingFunction(creating: escaped) + """
            CREATE TABLE public.t (x int CHECK (public.evil()));
            INSERT INTO public.t VALUES (1);
            ALTER TABLE public.t OWNER TO app_owner;
            ALTER FUNCTION public.evil() OWNER TO app_owner;
            """)
        defer { c.dropDatabase(src) }
        let plain = tmp.file("evil.sql"), custom = tmp.file("evil.dump")
        try PlainPathTests.dump(c, src, major: 15, args: ["-Fp"], to: plain)
        try PlainPathTests.dump(c, src, major: 15, args: ["-Fc"], to: custom)
        let loader = try Self.operatorsLoadLogin(c)
        for (dump, piped, extra) in [(custom, false, [String]()), (plain, true, []), (custom, false, ["--jobs", "4"]),
                                     (custom, false, ["--load-login", loader])] {
            let what = "\(dump)\(piped ? " piped" : "") \(extra.joined(separator: " "))"
            let live = try RestoreSetup.liveDatabase(c)
            defer { c.dropDatabase(live) }
            let r = try PlainPathTests.restore(c, dump, live: live, piped: piped, extra: extra)
            #expect(r.status != 0, "\(what): \(r.stderr)")
            #expect(r.stderr.contains(extra.first == "--load-login" ? "the load runs as lp_loader (--load-login)" : "the load runs as pgreown_load_"),
                    "\(what): \(r.stderr)")
            #expect(r.stderr.contains("permission denied to create role"), "\(what): \(r.stderr)")
            #expect(try !Self.roleExists(c, escaped), "\(what): the dump's code created a role with the login's rights")
            #expect(RestoreSetup.sentinel(c, live) == "42", "\(what): the live database changed")
            #expect(try RestoreSetup.databases(c, like: "\(live)-").isEmpty, "\(what): a scratch database was left")
            let left = try Self.loadRoles(c)
            #expect(left.isEmpty, "\(what): the load role was left: \(left)")
        }
        if try Self.roleExists(c, escaped) { _ = try c.psql(["-c", "DROP ROLE \(escaped)"]) }
    }

    /// The places code pg_dump legitimately writes runs during the load (issue 20), each calling
    /// a function that, in the scratch database, resets the role and creates a role: a generated
    /// column and a domain check (during COPY), an index expression (CREATE INDEX), a partition
    /// key (COPY's routing), a materialized view's query (its refresh). Each restore fails; none
    /// reaches the login's CREATEROLE.
    static let loadTimeCode: [(String, String)] = [
        ("generated column", "CREATE TABLE public.t (x int, y boolean GENERATED ALWAYS AS (public.evil(x)) STORED); INSERT INTO public.t VALUES (1);"),
        ("domain check", "CREATE DOMAIN public.d AS int CHECK (public.evil(VALUE)); CREATE TABLE public.t (x public.d); INSERT INTO public.t VALUES (1);"),
        ("index expression", "CREATE TABLE public.t (x int); INSERT INTO public.t VALUES (1); CREATE INDEX t_evil ON public.t ((public.evil(x)));"),
        ("partition key", "CREATE TABLE public.t (x int) PARTITION BY LIST ((public.evil(x))); CREATE TABLE public.t_true PARTITION OF public.t FOR VALUES IN (true); INSERT INTO public.t VALUES (1);"),
        ("materialized view", "CREATE TABLE public.t (x int); INSERT INTO public.t VALUES (1); CREATE MATERIALIZED VIEW public.mv AS SELECT public.evil(x) FROM public.t;"),
    ]

    @Test(arguments: Self.loadTimeCode.map(\.0))
    func codeRunByTheLoadCannotReachTheLoginsRights(_ place: String) async throws {
        let c = try await Self.cluster()
        let tmp = try TempDir()
        let escaped = "lp_escaped_code"
        let sql = try #require(Self.loadTimeCode.first { $0.0 == place }?.1)
        let src = try PlainPathTests.sourceDatabase(c, Self.escapingFunction(creating: escaped, argument: "integer", volatility: "IMMUTABLE") + sql)
        defer { c.dropDatabase(src) }
        let dump = tmp.file("code.dump")
        try PlainPathTests.dump(c, src, major: 15, args: ["-Fc"], to: dump)
        let live = try RestoreSetup.liveDatabase(c)
        defer { c.dropDatabase(live) }
        let r = try PlainPathTests.restore(c, dump, live: live, piped: false)
        #expect(r.status != 0, "\(place): \(r.stderr)")
        #expect(try !Self.roleExists(c, escaped), "\(place): the dump's code created a role with the login's rights")
        #expect(RestoreSetup.sentinel(c, live) == "42", "\(place)")
        let left = try Self.loadRoles(c)
        #expect(left.isEmpty, "\(place): \(left)")
        if try Self.roleExists(c, escaped) { _ = try c.psql(["-c", "DROP ROLE \(escaped)"]) }
    }

    /// A restore through the load role ends with everything owned by the owner role (pgreown's
    /// owners check passes), the scratch database swapped in owned by it, and no load role left;
    /// a leftover load role of a killed run (its VALID UNTIL past) is dropped by the next run.
    @Test func theLoadRolesWorkEndsWithTheOwnerRole() async throws {
        let c = try await Self.cluster()
        let leftover = "pgreown_load_0000deadbeef"
        for (n, (fixture, piped, extra)) in [("pg15/app.custom.dump", false, ["--jobs", "2"]), ("pg15/app.plain.sql", true, [String]())].enumerated() {
            let live = try RestoreSetup.liveDatabase(c)
            defer { c.dropDatabase(live) }
            if n == 0 {
                // A killed run's: its role (VALID UNTIL past) owns the scratch database it left.
                let made = try c.psql(["-c", "CREATE ROLE \(leftover) LOGIN VALID UNTIL '2001-01-01'", "-c", "GRANT \(leftover) TO restorer",
                                       "-c", "CREATE DATABASE \"\(live)-restore\" OWNER \(leftover)"])
                try #require(made.status == 0, "\(made.stderr)")
            }
            let r = try PlainPathTests.restore(c, Paths.fixture(fixture), live: live, piped: piped, extra: extra)
            if n == 0 { #expect(r.stderr.contains("dropped the leftover load role \(leftover)"), "\(r.stderr)") }
            #expect(r.status == 0, "\(fixture): \(r.stderr)")
            #expect(r.stderr.contains("the load runs as pgreown_load_"), "\(fixture): \(r.stderr)")
            #expect(r.stderr.contains("check owners: ok: every object owned by dest_owner"), "\(fixture): \(r.stderr)")
            let owner = try c.connect().query("SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1", [live]).first?[0] ?? nil
            #expect(owner == "dest_owner", "\(fixture)")
            let left = try Self.loadRoles(c)
            #expect(left.isEmpty, "\(fixture): \(left)")
        }
        #expect(try !Self.roleExists(c, leftover))
    }

    /// The operator's own load login (`--load-login`): no attributes, the restoring login a member.
    static func operatorsLoadLogin(_ c: Cluster) throws -> String {
        let r = try c.psql(["-c", "DO $$ BEGIN CREATE ROLE lp_loader LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                            "-c", "GRANT lp_loader TO restorer"])
        guard r.status == 0 else { throw ClusterError("lp_loader: \(r.stderr)") }
        return c.conninfo(db: "postgres", user: "lp_loader")
    }

    /// `--load-login`: the operator's login loads, everything ends up the owner role's, and the
    /// login is left as it was (not dropped, owning nothing).
    @Test func anOperatorsLoadLoginLoadsAndIsLeftAsItWas() async throws {
        let c = try await Self.cluster()
        let loader = try Self.operatorsLoadLogin(c)
        let live = try RestoreSetup.liveDatabase(c)
        defer { c.dropDatabase(live) }
        let r = try PlainPathTests.restore(c, Paths.fixture("pg15/app.custom.dump"), live: live, piped: false, extra: ["--load-login", loader, "--jobs", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("the load runs as lp_loader (--load-login)"), "\(r.stderr)")
        #expect(r.stderr.contains("check owners: ok: every object owned by dest_owner"), "\(r.stderr)")
        #expect(try Self.roleExists(c, "lp_loader"))
        let owned = try c.connect(db: live).query("SELECT count(*)::text FROM pg_class WHERE relowner = 'lp_loader'::regrole").first?[0] ?? nil
        #expect(owned == "0")
    }

    /// A login that may not create roles restores as before (the owner role runs the dump's
    /// code), and says so in one line.
    @Test func withoutCreateRoleTheLoadRunsAsTheOwnerRoleAndSaysSo() async throws {
        let c = try await Self.cluster()
        let setup = try c.psql(["-c", "DO $$ BEGIN CREATE ROLE lp_nocr LOGIN CREATEDB; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                                "-c", "GRANT dest_owner, grantor_role TO lp_nocr"])
        try #require(setup.status == 0, "\(setup.stderr)")
        let live = try RestoreSetup.liveDatabase(c)
        defer { c.dropDatabase(live) }
        let r = try PlainPathTests.restore(c, Paths.fixture("pg15/app.custom.dump"), live: live, piped: false, login: "lp_nocr",
                                           extra: ["--exclude-type", "DATABASE PROPERTIES"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("the dump's code runs as the owner role dest_owner: the login has neither CREATEROLE nor SUPERUSER"), "\(r.stderr)")
    }
}
