import Foundation
import Restore
import Testing

// Acceptance of `pgreown restore` (issue 6), on a PostgreSQL 15 cluster (Clusters.swift):
// every fixture of every pg_dump version and format (piped custom archives through stdin, plain
// scripts included) replaces a live database holding a sentinel table, restored as `restorer`
// (CREATEDB, CREATEROLE, pg_signal_backend, member of dest_owner; not a superuser; dest_owner is
// NOLOGIN); superuser_objects as postgres. The result is compared with the pg15 fixture restored
// by stock pg_restore as the superuser (the source): the same objects, all owned by dest_owner;
// ACLs, default ACLs and policies equal the source's with the map applied; an md5 per table over
// the ordered rows equals the source's; large objects as the fixture records them.

struct RestoreCase: Sendable, CustomTestStringConvertible {
    var fixture: String
    var viaStdin = false
    var jobs = 1
    var database: String { String(fixture.split(separator: "/")[1].prefix { $0 != "." }) }
    var versionDir: String { String(fixture.prefix { $0 != "/" }) }
    var login: String { database == "superuser_objects" ? "postgres" : "restorer" }
    var testDescription: String { fixture + (viaStdin ? " (stdin)" : "") + (jobs > 1 ? " --jobs \(jobs)" : "") }
}

/// At most two restores at a time (a 2-core machine).
private let restoreGate = AsyncGate(2)

/// A counting semaphore for async tests.
actor AsyncGate {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []
    init(_ n: Int) { free = n }
    func acquire() async {
        if free > 0 { free -= 1; return }
        await withCheckedContinuation { waiting.append($0) }
    }
    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

enum RestoreSetup {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var sources: [String: String] = [:]

    /// The restore login as a managed service's admin: CREATEDB, CREATEROLE, may signal backends.
    nonisolated(unsafe) private static var prepared: Set<String> = []

    static func prepare(_ c: Cluster) throws {
        lock.lock()
        defer { lock.unlock() }
        if prepared.contains(c.data) { return }
        try prepareRestorer(c)
        prepared.insert(c.data)
    }

    /// Make `restorer` the restore login on `c` (a private cluster's too), then run `also`.
    static func prepareRestorer(_ c: Cluster, also: [String] = []) throws {
        let statements = ["ALTER ROLE restorer CREATEDB CREATEROLE", "GRANT pg_signal_backend TO restorer", "GRANT dest_owner TO restorer"] + also
        let r = try c.psql(statements.flatMap { ["-c", $0] })
        guard r.status == 0 else { throw ClusterError("preparing restorer: \(r.stderr)") }
    }

    /// The source database of `db`: the pg15 custom fixture restored by stock pg_restore as the superuser.
    static func source(_ db: String, on c: Cluster) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let s = sources[db] { return s }
        let name = try c.createDatabase(prefix: "rsrc")
        let r = try run(c.tool("pg_restore"), ["--exit-on-error"] + c.clientArgs(user: "postgres", db: name)
                        + [Paths.fixture("pg15/\(db).custom.dump")], env: Cluster.clientEnv, timeout: 120)
        guard r.status == 0 else { throw ClusterError("source \(db): \(r.stderr)") }
        sources[db] = name
        return name
    }

    /// A live database owned by dest_owner, holding a sentinel row.
    static func liveDatabase(_ c: Cluster) throws -> String {
        let live = try c.createDatabase(owner: "dest_owner", prefix: "live")
        try plantSentinel(c, live)
        return live
    }

    static func databases(_ c: Cluster, like prefix: String) throws -> [String] {
        try c.connect().query("SELECT datname::text FROM pg_database WHERE datname LIKE $1 ORDER BY 1", [prefix + "%"]).compactMap { $0[0] }
    }

    static func sentinel(_ c: Cluster, _ db: String) -> String? {
        (try? c.connect(db: db).query("SELECT x::text FROM sentinel"))?.first?[0] ?? nil
    }

    /// A `-Fc -Z1` dump of one table of `rows` rows: its COPY runs long enough to be interrupted.
    static func bigDump(_ c: Cluster, rows: Int, in tmp: TempDir) throws -> String {
        let src = try c.createDatabase(owner: "dest_owner", prefix: "bigsrc")
        defer { c.dropDatabase(src) }
        let made = try c.psql(["-c", "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, \(rows)) g"], db: src, timeout: 300)
        guard made.status == 0 else { throw ClusterError("big table: \(made.stderr)") }
        let dump = tmp.file("big.dump")
        let dumped = try run(c.tool("pg_dump"), ["-Fc", "-Z1", "-f", dump] + c.clientArgs(user: "postgres", db: src), timeout: 300)
        guard dumped.status == 0 else { throw ClusterError("pg_dump: \(dumped.stderr)") }
        return dump
    }

    /// `pgreown restore DUMP -d LIVE` in the background; once its COPY into the scratch database
    /// is seen running, `interrupt` is called (true when it was seen). Returns the exit status and stderr.
    static func restoreInterruptedMidCopy(_ c: Cluster, dump: String, live: String, arguments: [String]? = nil, environment: [String: String] = [:],
                                          interrupt: (Process, Connection) throws -> Void) throws -> (seen: Bool, status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Paths.binary)
        p.arguments = arguments ?? ["restore", dump, "-d", live, "--owner", "dest_owner", "--target", c.conninfo(db: "postgres", user: "restorer")]
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let admin = try c.connect()
        var seen = false
        let deadline = Date().addingTimeInterval(60)
        while !seen && p.isRunning && Date() < deadline {
            seen = try admin.query("SELECT count(*)::text FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'COPY %' AND state = 'active'",
                                   [live + "-restore"]).first?[0] != "0"
            if !seen { usleep(20_000) }
        }
        if seen { try interrupt(p, admin) }
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (seen, p.terminationStatus, stderr)
    }

    /// A job-shaped pair: an owner role `<stem><suffix>` (NOLOGIN, granted to restorer) and its
    /// live database `draft-<stem><suffix>_production` (so the job derives that owner from it),
    /// holding a sentinel row.
    static func jobDatabase(_ c: Cluster, stem: String) throws -> (owner: String, database: String) {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let owner = "\(stem)\(suffix)", db = "draft-\(stem)\(suffix)_production"
        let setup = try c.psql(["-c", "CREATE ROLE \(owner) NOLOGIN", "-c", "GRANT \(owner) TO restorer",
                                "-c", "CREATE DATABASE \"\(db)\" OWNER \(owner)"])
        guard setup.status == 0 else { throw ClusterError("job database: \(setup.stderr)") }
        try plantSentinel(c, db)
        return (owner, db)
    }

    static func plantSentinel(_ c: Cluster, _ db: String) throws {
        let r = try c.psql(["-c", "CREATE TABLE sentinel(x int); INSERT INTO sentinel VALUES (42)"], db: db)
        guard r.status == 0 else { throw ClusterError("sentinel: \(r.stderr)") }
    }

    /// md5 over the ordered rows of a table.
    static func checksum(_ conn: Connection, _ schema: String, _ table: String) throws -> String? {
        let t = "\(try conn.quoteIdentifier(schema)).\(try conn.quoteIdentifier(table))"
        return try conn.query("SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \(t) t").first?[0] ?? nil
    }
}

@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct RestoreCommandTests {
    static let fixtures: [String] = {
        let fm = FileManager.default
        let versions = ((try? fm.contentsOfDirectory(atPath: Paths.fixtures.path)) ?? []).filter { $0.hasPrefix("pg") }
        return versions.flatMap { v -> [String] in
            let files = (try? fm.contentsOfDirectory(atPath: Paths.fixtures.appendingPathComponent(v).path)) ?? []
            return files.filter { f in
                (f.hasPrefix("app.") || f.hasPrefix("superuser_objects.")) && !f.hasSuffix(".list") && !f.hasSuffix(".tsv")
                    && !f.hasSuffix(".restore.sql")
            }.map { "\(v)/\($0)" }
        }.sorted()
    }()

    static let cases: [RestoreCase] = {
        let serial = fixtures.map { RestoreCase(fixture: $0) }
            + fixtures.filter { $0.contains("custom-pipe") || $0.hasSuffix("plain.sql.gz") }.map { RestoreCase(fixture: $0, viaStdin: true) }
        // --jobs 2 and 4 on every archive, from files and through stdin (plain scripts load on one connection).
        let archives = serial.filter { !$0.fixture.contains(".plain.") }
        return serial + [2, 4].flatMap { j in archives.map { var c = $0; c.jobs = j; return c } }
    }()

    @Test(arguments: cases)
    func replacesTheLiveDatabaseOwnedByTheOwnerRole(_ c: RestoreCase) async throws {
        await restoreGate.acquire()
        defer { Task { await restoreGate.release() } }
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let fixture = Paths.fixture(c.fixture)
        let conninfo = cluster.conninfo(db: "postgres", user: c.login)
        let r: RunResult
        if c.viaStdin {
            r = try shell("\"$PGREOWN\" restore - -d \(live) --owner dest_owner --target \"\(conninfo)\" --swap-retry-delay 0.5 --jobs \(c.jobs) < '\(fixture)'",
                          timeout: 180)
        } else {
            r = try run(Paths.binary, ["restore", fixture, "-d", live, "--owner", "dest_owner", "--target", conninfo, "--swap-retry-delay", "0.5",
                                       "--jobs", "\(c.jobs)"], timeout: 180)
        }
        if c.jobs > 1 { #expect(r.stderr.contains("parallel load: \(c.jobs) connections"), "\(r.stderr)") }
        try #require(r.status == 0, "pgreown restore \(c.testDescription) failed (\(r.status)): \(r.stderr)")
        #expect(lastLine(r.stderr).contains("swapped in"))
        #expect(RestoreSetup.sentinel(cluster, live) == nil, "the live database was not replaced")
        #expect(try RestoreSetup.databases(cluster, like: live + "-").isEmpty, "scratch or old database left behind")

        let admin = try cluster.connect()
        #expect(try admin.query("SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1", [live]).first?[0] == "dest_owner")
        // Archives carry the database's settings (DATABASE PROPERTIES); a plain dump made without
        // --create does not.
        if c.database == "app" && !c.fixture.contains(".plain.") {
            let settings = try admin.query("""
                SELECT CASE WHEN s.setrole = 0 THEN '-' ELSE pg_get_userbyid(s.setrole)::text END || ' ' || array_to_string(s.setconfig, ',')
                FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1 ORDER BY 1
                """, [live]).compactMap { $0[0] }
            #expect(settings == ["- search_path=app, public", "reporting statement_timeout=30s"], "database settings: \(settings)")
        }

        let sourceDB = try RestoreSetup.source(c.database, on: cluster)
        let src = try Snapshot(cluster.connect(db: sourceDB))
        let tgt = try Snapshot(cluster.connect(db: live))
        let srcObjects = Set(src.owners.keys).subtracting([ObjectKey("schema", "public")])
        let tgtObjects = Set(tgt.owners.keys).subtracting([ObjectKey("schema", "public")])
        #expect(tgtObjects == srcObjects, "missing: \(srcObjects.subtracting(tgtObjects).sorted()), extra: \(tgtObjects.subtracting(srcObjects).sorted())")
        #expect(tgtObjects.count >= (c.database == "app" ? 40 : 8))
        for key in tgtObjects.sorted() {
            #expect(tgt.owners[key] == RestoreAcceptanceTests.expectedOwner(key), "\(key) is owned by \(tgt.owners[key] ?? "?")")
        }
        let owners = RestoreAcceptanceTests.applicationOwners.union(["postgres"]).intersection(src.owners.values)
        let m: (String) -> String = { owners.contains($0) && $0 != "postgres" ? "dest_owner" : $0 }
        let srcACL = src.acls.mapValues { AclItem.normalised($0.map { $0.mapped(m) }) }
        let tgtACL = tgt.acls.mapValues { AclItem.normalised($0) }
        for key in Set(srcACL.keys).union(tgtACL.keys).sorted() where key != ObjectKey("schema", "public") {
            #expect(tgtACL[key] ?? [] == srcACL[key] ?? [], "ACL of \(key)")
        }
        var srcDefault: [DefaultACLKey: [AclItem]] = [:]
        for (k, v) in src.defaultACLs {
            srcDefault[DefaultACLKey(role: m(k.role), schema: k.schema, objtype: k.objtype), default: []] += v.map { $0.mapped(m) }
        }
        #expect(tgt.defaultACLs.mapValues { AclItem.normalised($0) } == srcDefault.mapValues { AclItem.normalised($0) }, "default ACLs")
        let srcPolicies = src.policies.mapValues { p in
            Policy(cmd: p.cmd, permissive: p.permissive, roles: Set(p.roles.map(m)), using: p.using, check: p.check)
        }
        #expect(tgt.policies == srcPolicies, "policies")

        // Data: a checksum per table equals the source's; large objects as the fixture records them.
        let sconn = try cluster.connect(db: sourceDB), tconn = try cluster.connect(db: live)
        let tables = try String(contentsOfFile: Paths.fixture("\(c.versionDir)/\(c.database).rows.tsv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }.filter { $0.count == 3 }
        #expect(!tables.isEmpty || c.database != "app")
        for t in tables {
            #expect(try RestoreSetup.checksum(tconn, t[0], t[1]) == RestoreSetup.checksum(sconn, t[0], t[1]), "rows of \(t[0]).\(t[1])")
        }
        let los = try tconn.query("SELECT oid::text || E'\\t' || length(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid").map { $0[0] ?? "" }
        let expectedLOs = try String(contentsOfFile: Paths.fixture("\(c.versionDir)/\(c.database).largeobjects.tsv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(los == expectedLOs, "large objects")
    }

    @Test func superuserObjectsAreRefusedInThePreflightForANonSuperuser() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let r = try run(Paths.binary, ["restore", Paths.fixture("pg15/superuser_objects.custom.dump"), "-d", live, "--owner", "dest_owner",
                                       "--target", cluster.conninfo(db: "postgres", user: "restorer")], timeout: 60)
        #expect(r.status == 69, "\(r.stderr)")
        for entry in ["EVENT TRIGGER log_ddl", "FOREIGN DATA WRAPPER w", "PROCEDURAL LANGUAGE plsample"] {
            #expect(r.stderr.contains(entry), "the preflight does not list \(entry)")
        }
        #expect(try RestoreSetup.databases(cluster, like: live + "-").isEmpty, "a database was created")
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
    }

    @Test func aMissingGranteeStopsThePreflight() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let r = try run(Paths.binary, ["restore", Paths.fixture("pg15/app.custom.dump"), "-d", live, "--owner", "dest_owner",
                                       "--map", "reporting=no_such_role_here", "--target", cluster.conninfo(db: "postgres", user: "restorer")],
                        timeout: 60)
        #expect(r.status == 69, "\(r.stderr)")
        #expect(r.stderr.contains("no_such_role_here"))
        #expect(try RestoreSetup.databases(cluster, like: live + "-").isEmpty, "a database was created")
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
    }

    /// `--missing-roles drop` on a server without the third-party grantor grantor_role: the grants
    /// to it and its grantor block (the grants it made) are left out and reported, everything else
    /// is restored; custom and plain. (A private cluster: the shared one has grantor_role.)
    @Test
    func dropLeavesOutAMissingGrantorsBlock() async throws {
        let c = try await Clusters.shared.privateCluster(15)
        defer { _ = try? run(Clusters.script, ["stop", c.data], timeout: 120) }
        try RestoreSetup.prepareRestorer(c, also: ["DROP ROLE grantor_role"])
        for fixture in ["pg15/app.custom.dump", "pg15/app.plain.sql"] {
            let live = try RestoreSetup.liveDatabase(c)
            let r = try run(Paths.binary, ["restore", Paths.fixture(fixture), "-d", live, "--owner", "dest_owner",
                                           "--missing-roles", "drop", "--target", c.conninfo(db: "postgres", user: "restorer")],
                            timeout: 120)
            #expect(r.status == 0, "\(fixture): \(r.stderr)")
            #expect(r.stderr.contains("left out (grantor grantor_role missing): GRANT SELECT ON TABLE app.customers TO auditor"), "\(fixture): \(r.stderr)")
            #expect(r.stderr.contains("left out (missing role grantor_role): GRANT SELECT ON TABLE app.customers TO grantor_role"), "\(fixture): \(r.stderr)")
            let acl = try c.connect(db: live).query("SELECT relacl::text FROM pg_class WHERE oid = 'app.customers'::regclass").first?[0] ?? nil
            // Data Team maps to dest_owner (it owns objects), whose own grant the ACL folds in.
            #expect(acl.map { !$0.contains("auditor") && !$0.contains("grantor_role") && $0.contains("dest_owner=") } == true,
                    "\(fixture): \(acl ?? "nil")")
            let cols = try c.connect(db: live).query("SELECT count(*)::text FROM information_schema.column_privileges WHERE table_schema = 'app' AND table_name = 'customers' AND grantee = 'reporting'").first?[0] ?? nil
            #expect(cols == "3", "\(fixture): column grants to reporting")
            #expect(RestoreSetup.sentinel(c, live) == nil, "\(fixture): the live database was not replaced")
            c.dropDatabase(live)
        }
    }

    /// A dump cut inside a table's data, and one with a corrupt compressed stream, from a file and
    /// through stdin: exit 65, the live database untouched, no scratch database left.
    @Test(arguments: ["truncated", "corrupt"], [false, true])
    func aBrokenDumpLeavesTheLiveDatabaseUntouched(_ damage: String, _ viaStdin: Bool) async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let tmp = try TempDir()
        let broken = tmp.file("broken.dump")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Paths.fixture("pg15/app.custom-pipe.dump"))))
        // The data of the biggest table: the middle of the file's second half.
        let cut = bytes.count * 3 / 4
        if damage == "truncated" {
            bytes = Array(bytes[..<cut])
        } else {
            for i in cut..<(cut + 64) { bytes[i] ^= 0x5a }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: broken))
        let conninfo = cluster.conninfo(db: "postgres", user: "restorer")
        let r = viaStdin
            ? try shell("\"$PGREOWN\" restore - -d \(live) --owner dest_owner --target \"\(conninfo)\" < '\(broken)'", timeout: 120)
            : try run(Paths.binary, ["restore", broken, "-d", live, "--owner", "dest_owner", "--target", conninfo], timeout: 120)
        #expect(r.status == 65, "\(damage) dump: exit \(r.status): \(r.stderr)")
        #expect(lastLine(r.stderr).contains("untouched"), "\(lastLine(r.stderr))")
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
        #expect(try RestoreSetup.databases(cluster, like: live + "-").isEmpty, "scratch database left behind")
    }

    /// Swap: a session on the live database is terminated and the swap succeeds; a session of a
    /// spared role makes every try fail, and the live database is reopened intact.
    @Test func swapTerminatesSessionsButSparesTheListedRoles() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let conninfo = cluster.conninfo(db: "postgres", user: "restorer")

        let spared = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(spared) }
        let holder = try cluster.connect(db: spared, user: "reporting")
        let r1 = try run(Paths.binary, ["restore", Paths.fixture("pg15/app.custom.dump"), "-d", spared, "--owner", "dest_owner",
                                        "--target", conninfo, "--spare-sessions-of", "reporting", "--swap-tries", "2",
                                        "--swap-retry-delay", "0.2"], timeout: 120)
        #expect(r1.status != 0)
        #expect(r1.stderr.contains("swap attempt 2 of 2 failed"), "\(r1.stderr)")
        #expect(lastLine(r1.stderr).contains("reopened"), "\(lastLine(r1.stderr))")
        #expect(try holder.query("SELECT 1").first?[0] == "1", "the spared session was terminated")
        #expect(RestoreSetup.sentinel(cluster, spared) == "42")
        #expect(try cluster.connect().query("SELECT datallowconn::text FROM pg_database WHERE datname = $1", [spared]).first?[0] == "true")
        #expect(try RestoreSetup.databases(cluster, like: spared + "-").isEmpty)
        holder.close()

        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let victim = try cluster.connect(db: live, user: "reporting")
        let r2 = try run(Paths.binary, ["restore", Paths.fixture("pg15/app.custom.dump"), "-d", live, "--owner", "dest_owner",
                                        "--target", conninfo, "--swap-retry-delay", "0.2"], timeout: 120)
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect((try? victim.query("SELECT 1")) == nil, "the session on the live database survived the swap")
        #expect(RestoreSetup.sentinel(cluster, live) == nil)
    }

    /// The load's connection killed mid-COPY: a clear error, the scratch database dropped, the
    /// live database untouched.
    @Test func aConnectionKilledMidCopyLeavesTheLiveDatabaseUntouched() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let dump = try RestoreSetup.bigDump(cluster, rows: 3_000_000, in: tmp)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let r = try RestoreSetup.restoreInterruptedMidCopy(cluster, dump: dump, live: live) { _, admin in
            try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'COPY %'",
                            [live + "-restore"])
        }
        try #require(r.seen, "the COPY was never seen running: \(r.stderr)")
        #expect(r.status != 0)
        #expect(lastLine(r.stderr).contains("untouched"), "\(lastLine(r.stderr))")
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
        #expect(try RestoreSetup.databases(cluster, like: live + "-").isEmpty, "scratch database left behind")
    }

    /// The check after the load: no privilege may name a role the map sends elsewhere. A plain
    /// script read once from a pipe names app_owner (in a GRANT) before its first ALTER … OWNER TO
    /// app_owner, so the growing map leaves that GRANT unmapped: the check fails, nothing is
    /// swapped. The same script from a file (read twice) maps it and restores.
    @Test func privilegesNamingAMappedRoleFailTheCheck() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let script = tmp.file("early.sql")
        let original = try String(contentsOfFile: Paths.fixture("pg15/app.plain.sql"), encoding: .utf8)
        let marker = "ALTER SCHEMA \"Data Team\" OWNER TO \"Data Team\";\n"
        try #require(original.contains(marker))
        try original.replacingOccurrences(of: marker, with: marker + Self.earlySchemaGrant)
            .write(toFile: script, atomically: true, encoding: .utf8)
        let conninfo = cluster.conninfo(db: "postgres", user: "restorer")

        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let piped = try shell("\"$PGREOWN\" restore - -d \(live) --owner dest_owner --target \"\(conninfo)\" < '\(script)'", timeout: 120)
        #expect(piped.status == 1, "\(piped.stderr)")
        #expect(piped.stderr.contains("check privileges: FAILED") && piped.stderr.contains("names app_owner"), "\(piped.stderr)")
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
        #expect(try RestoreSetup.databases(cluster, like: live + "-").isEmpty)

        let fromFile = try run(Paths.binary, ["restore", script, "-d", live, "--owner", "dest_owner", "--target", conninfo], timeout: 120)
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(fromFile.stderr.contains("check privileges: ok"))
        #expect(RestoreSetup.sentinel(cluster, live) == nil)
    }

    /// An ACL entry, right after the "Data Team" schema's, naming app_owner before its first
    /// ALTER … OWNER TO.
    static let earlySchemaGrant = "\n--\n-- Name: SCHEMA \"Data Team\"; Type: ACL; Schema: -; Owner: Data Team\n--\n\nGRANT USAGE ON SCHEMA \"Data Team\" TO app_owner;\n"

    /// The pg15 app script with `extra` SQL after the orders table's definition.
    static func scriptWithExtraSQL(_ extra: String, in tmp: TempDir) throws -> String {
        let original = try String(contentsOfFile: Paths.fixture("pg15/app.plain.sql"), encoding: .utf8)
        let marker = "ALTER TABLE app.orders OWNER TO app_owner;\n"
        guard original.contains(marker) else { throw ClusterError("marker not in app.plain.sql") }
        let path = tmp.file("extra.sql")
        try original.replacingOccurrences(of: marker, with: marker + "\n" + extra + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The first SQL error stops the load and names the entry, the SQLSTATE and the statement;
    /// --ignore-error lets that SQLSTATE pass and reports it.
    @Test func theFirstErrorStopsTheLoadUnlessItsStateIsIgnored() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        // A statement of the shape pg_dump writes in a TABLE entry (the vocabulary guard lets it
        // pass) that the server rejects.
        let bad = "ALTER TABLE ONLY app.orders ALTER COLUMN no_such_column SET STATISTICS 100;"
        let script = try Self.scriptWithExtraSQL(bad, in: tmp)
        let conninfo = cluster.conninfo(db: "postgres", user: "restorer")
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let stopped = try run(Paths.binary, ["restore", script, "-d", live, "--owner", "dest_owner", "--target", conninfo], timeout: 120)
        #expect(stopped.status == 1, "\(stopped.stderr)")
        let last = lastLine(stopped.stderr)
        #expect(last.contains("(TABLE app.orders)") && last.contains("SQLSTATE 42703") && last.contains(bad) && last.contains("untouched"), "\(last)")
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
        #expect(try RestoreSetup.databases(cluster, like: live + "-").isEmpty)

        let passed = try run(Paths.binary, ["restore", script, "-d", live, "--owner", "dest_owner", "--target", conninfo,
                                            "--ignore-error", "42703"], timeout: 120)
        #expect(passed.status == 0, "\(passed.stderr)")
        #expect(passed.stderr.contains("ignored error 42703 in TOC entry"), "\(passed.stderr)")
        #expect(RestoreSetup.sentinel(cluster, live) == nil)
    }

    /// --disable-triggers loads with session_replication_role = replica (a superuser's setting):
    /// a trigger that refuses every row stops the load without it, and is bypassed with it.
    @Test func disableTriggersBypassesTriggersDuringTheLoad() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        // As pg_dump would write them: entries of their own (the vocabulary guard refuses a
        // function or trigger inside the table's entry).
        let script = try Self.scriptWithExtraSQL("""
            --
            -- Name: no_rows(); Type: FUNCTION; Schema: app; Owner: app_owner
            --

            CREATE FUNCTION app.no_rows() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'no rows please'; END$$;

            --
            -- Name: orders no_rows; Type: TRIGGER; Schema: app; Owner: app_owner
            --

            CREATE TRIGGER no_rows BEFORE INSERT ON app.orders FOR EACH ROW EXECUTE FUNCTION app.no_rows();
            """, in: tmp)
        let conninfo = cluster.conninfo(db: "postgres", user: "postgres")
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let refused = try run(Paths.binary, ["restore", script, "-d", live, "--owner", "dest_owner", "--target", conninfo], timeout: 120)
        #expect(refused.status == 1 && lastLine(refused.stderr).contains("no rows please"), "\(refused.stderr)")
        #expect(RestoreSetup.sentinel(cluster, live) == "42")

        let loaded = try run(Paths.binary, ["restore", script, "-d", live, "--owner", "dest_owner", "--target", conninfo,
                                            "--disable-triggers"], timeout: 120)
        #expect(loaded.status == 0, "\(loaded.stderr)")
        #expect(try cluster.connect(db: live).query("SELECT count(*)::text FROM app.orders").first?[0] != "0")
    }

    /// --in-place loads into an existing empty database (no scratch, no swap) and refuses one
    /// that holds relations.
    @Test func inPlaceLoadsAnEmptyDatabaseAndRefusesAFullOne() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let conninfo = cluster.conninfo(db: "postgres", user: "restorer")
        let full = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(full) }
        let refused = try run(Paths.binary, ["restore", Paths.fixture("pg15/app.custom.dump"), "-d", full, "--owner", "dest_owner",
                                             "--target", conninfo, "--in-place"], timeout: 120)
        #expect(refused.status != 0 && refused.stderr.contains("needs an empty database"), "\(refused.stderr)")
        #expect(RestoreSetup.sentinel(cluster, full) == "42")

        let empty = try cluster.createDatabase(owner: "dest_owner", prefix: "inplace")
        defer { cluster.dropDatabase(empty) }
        let loaded = try run(Paths.binary, ["restore", Paths.fixture("pg15/app.custom.dump"), "-d", empty, "--owner", "dest_owner",
                                            "--target", conninfo, "--in-place"], timeout: 120)
        #expect(loaded.status == 0, "\(loaded.stderr)")
        #expect(!loaded.stderr.contains("swapped"))
        #expect(try RestoreSetup.databases(cluster, like: empty + "-").isEmpty)
        #expect(try cluster.connect(db: empty).query("SELECT count(*)::text FROM app.orders").first?[0] != "0")
    }

    /// A dump whose objects the bootstrap superuser owns, restored by a login that is not one:
    /// postgres maps to the owner role, while the catalogs' own privileges (granted by postgres)
    /// do not count against the privileges check.
    @Test func aDumpOwnedByTheBootstrapSuperuser() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let src = try cluster.createDatabase(prefix: "pgowned")
        defer { cluster.dropDatabase(src) }
        let made = try cluster.psql(["-c", "CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g; GRANT SELECT ON t TO reporting"], db: src)
        try #require(made.status == 0, "\(made.stderr)")
        let tmp = try TempDir()
        let dump = tmp.file("pgowned.dump")
        let dumped = try run(cluster.tool("pg_dump"), ["-Fc", "-f", dump] + cluster.clientArgs(user: "postgres", db: src))
        try #require(dumped.status == 0, "\(dumped.stderr)")
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let r = try run(Paths.binary, ["restore", dump, "-d", live, "--owner", "dest_owner",
                                       "--target", cluster.conninfo(db: "postgres", user: "restorer")], timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("postgres → dest_owner"))
        let c = try cluster.connect(db: live)
        #expect(try c.query("SELECT pg_get_userbyid(relowner)::text || ' ' || relacl::text FROM pg_class WHERE relname = 't'").first?[0]
                == "dest_owner {dest_owner=arwdDxt/dest_owner,reporting=r/dest_owner}")
    }

    /// The nightly job's environment only: DB_HOST, DB_USER, DB_DATABASE, no DB_OWNER (derived
    /// from the database name); a transform that changes rows and creates a table runs before the
    /// swap, and what it creates is the owner's.
    @Test func theJobsEnvironmentAndATransform() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let (owner, db) = try RestoreSetup.jobDatabase(cluster, stem: "envapp")
        defer { cluster.dropDatabase("\"\(db)\"") }
        let tmp = try TempDir()
        let transform = tmp.file("t.sql")
        try "UPDATE app.customers SET name = 'anonymised';\nCREATE TABLE app.transformed AS SELECT count(*) AS n FROM app.customers;\n"
            .write(toFile: transform, atomically: true, encoding: .utf8)
        let r = try run(Paths.binary, ["restore", Paths.fixture("pg15/app.custom-pipe.dump"), "--transform", transform],
                        env: ["DB_HOST": cluster.host, "DB_USER": "restorer", "DB_DATABASE": db, "DB_OWNER": "",
                              "PGPORT": cluster.port, "PGHOST": "", "PGUSER": ""], timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("owner \(owner) derived from DB_DATABASE"), "\(r.stderr)")
        let c = try cluster.connect(db: db)
        #expect(try c.query("SELECT DISTINCT name FROM app.customers").map { $0[0] ?? "" } == ["anonymised"])
        #expect(try c.query("SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE relname = 'transformed'").first?[0] == owner)
        #expect(RestoreSetup.sentinel(cluster, db) == nil)

        // A transform that fails: nothing swapped.
        try RestoreSetup.plantSentinel(cluster, db)
        try "UPDATE app.customers SET name = 'x';\nSELECT 1/0;\n".write(toFile: transform, atomically: true, encoding: .utf8)
        let failed = try run(Paths.binary, ["restore", Paths.fixture("pg15/app.custom.dump"), "--transform", transform],
                             env: ["DB_HOST": cluster.host, "DB_USER": "restorer", "DB_DATABASE": db, "PGPORT": cluster.port], timeout: 120)
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(lastLine(failed.stderr).contains("transform") && lastLine(failed.stderr).contains("untouched"), "\(lastLine(failed.stderr))")
        #expect(RestoreSetup.sentinel(cluster, db) == "42")
    }

    /// SIGTERM mid-COPY: exit 143, the scratch database dropped, the live one untouched.
    @Test func sigtermMidCopyStopsCleanly() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let dump = try RestoreSetup.bigDump(cluster, rows: 2_000_000, in: tmp)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let r = try RestoreSetup.restoreInterruptedMidCopy(cluster, dump: dump, live: live) { p, _ in kill(p.processIdentifier, SIGTERM) }
        try #require(r.seen, "the COPY was never seen running: \(r.stderr)")
        #expect(r.status == 143, "\(r.stderr)")
        #expect(lastLine(r.stderr).contains("SIGTERM") && lastLine(r.stderr).contains("untouched"), "\(lastLine(r.stderr))")
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
        #expect(try RestoreSetup.databases(cluster, like: live + "-").isEmpty, "scratch database left behind")
    }
}
