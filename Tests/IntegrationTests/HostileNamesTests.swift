import DumpFormat
import Foundation
import Restore
import Testing

/// Issue 9, hostile names: real pg_dump output of a database whose roles, schemas, tables,
/// columns, policies and comments carry quotes, semicolons, backslashes, newlines, non-ASCII and
/// 63-byte names, rewritten and restored with `--owner`/`--map` values of the same kind. Nothing
/// but the intended statements may run: the dump's own `sentinel` table survives every path, and
/// no output line a shell or log reader sees starts a statement.
@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct HostileNamesTests {
    static let injection = "; DROP TABLE sentinel; --"
    /// Source roles: owners, grantees, a default-privilege role, policy roles.
    static let sourceRoles = [
        "x\"\(injection)",                       // a double quote ends a quoted identifier
        "n\nDROP TABLE sentinel; --",            // a newline starts a line in comments and logs
        "b\\'\(injection)",                      // backslash and single quote: string-literal escapes
        "ünïcødé ροληs",                         // non-ASCII
        String(repeating: "é", count: 31) + "z", // 63 bytes: NAMEDATALEN - 1
    ]
    /// The owner and a mapping target given on the command line.
    static let owner = "o\"\(injection)"
    static let mappedTo = "m\r\n\"\(injection)"

    static func prepare(_ c: Cluster) throws -> (source: String, dumps: [String: String], tmp: TempDir) {
        let conn = try c.connect()
        var sql: [String] = []
        for r in sourceRoles + [owner, mappedTo] {
            let q = try conn.quoteIdentifier(r)
            sql.append("DO $$ BEGIN CREATE ROLE \(q.replacingOccurrences(of: "$", with: "")) NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;")
        }
        sql.append("GRANT \(try conn.quoteIdentifier(owner)), \(try conn.quoteIdentifier(mappedTo)) TO restorer")
        // The load runs as the owner role: it must be able to give objects to the map's targets.
        sql.append("GRANT \(try conn.quoteIdentifier(mappedTo)) TO \(try conn.quoteIdentifier(owner))")
        let q = try sourceRoles.map { try conn.quoteIdentifier($0) }
        let schema = try conn.quoteIdentifier("s\(sourceRoles[0])")
        let table = "\(schema).\(try conn.quoteIdentifier("t\(sourceRoles[1])"))"
        let column = try conn.quoteIdentifier("c;\(sourceRoles[2])")
        let literal = "'x''\(injection)\\'"
        let source = try c.createDatabase(prefix: "hostile")
        let setup = sql + [
            "\\c \(source)",
            "CREATE TABLE sentinel(x int); INSERT INTO sentinel VALUES (7)",
            "CREATE SCHEMA \(schema) AUTHORIZATION \(q[0])",
            "CREATE TABLE \(table)(id int, \(column) text)",
            "ALTER TABLE \(table) OWNER TO \(q[1])",
            "INSERT INTO \(table) VALUES (1, \(literal)), (2, E'tab\\there\\nDROP TABLE sentinel;')",
            "GRANT SELECT ON TABLE \(table) TO \(q[2]), \(q[3])",
            "GRANT UPDATE (\(column)) ON TABLE \(table) TO \(q[4]) WITH GRANT OPTION",
            "GRANT USAGE ON SCHEMA \(schema) TO \(q[1]), \(q[2])",
            "ALTER DEFAULT PRIVILEGES FOR ROLE \(q[3]) IN SCHEMA \(schema) GRANT SELECT ON TABLES TO \(q[0])",
            "ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY",
            "CREATE POLICY \(try conn.quoteIdentifier("p\(sourceRoles[0])")) ON \(table) TO \(q[2]), \(q[4]) USING (true)",
            "COMMENT ON TABLE \(table) IS \(literal)",
            "CREATE FUNCTION \(schema).\(try conn.quoteIdentifier("f\(sourceRoles[3])"))() RETURNS text LANGUAGE sql AS $f$ SELECT \(literal)::text $f$",
            "ALTER FUNCTION \(schema).\(try conn.quoteIdentifier("f\(sourceRoles[3])"))() OWNER TO \(q[1])",
        ]
        let tmp = try TempDir()
        let script = tmp.file("setup.sql")
        try setup.map { $0.hasPrefix("\\") ? $0 : $0 + ";" }.joined(separator: "\n").write(toFile: script, atomically: true, encoding: .utf8)
        let made = try c.psql(["-f", script])
        guard made.status == 0 else { throw ClusterError("hostile database: \(made.stderr)") }
        var dumps: [String: String] = [:]
        for (format, name) in [("c", "hostile.dump"), ("p", "hostile.sql"), ("t", "hostile.tar"), ("d", "hostile.dir")] {
            let path = tmp.file(name)
            let r = try run(c.tool("pg_dump"), ["-F", format, "-f", path] + c.clientArgs(user: "postgres", db: source), env: Cluster.clientEnv)
            guard r.status == 0 else { throw ClusterError("pg_dump -F\(format): \(r.stderr)") }
            dumps[format] = path
        }
        return (source, dumps, tmp)
    }

    /// No line of what pgreown printed starts a statement (a name with a newline in a log line).
    func expectNoLiveLine(_ text: String, _ what: String) {
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" })
        let live = lines.filter { $0.trimmingCharacters(in: .whitespaces).uppercased().hasPrefix("DROP TABLE") }
        #expect(live.isEmpty, "\(what): a name started a line of its own: \(live.prefix(3)) in \(text.prefix(3000))")
    }

    func expectIntact(_ c: Cluster, _ db: String, _ what: String) throws {
        #expect(RestoreSetup.sentinel(c, db) == "7", "\(what): the sentinel is gone or was never restored")
        let conn = try c.connect(db: db)
        let owner = try conn.query("SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE relname = $1", ["t\(Self.sourceRoles[1])"])
        #expect(owner.first?[0] == Self.owner, "\(what): table owner \(String(describing: owner))")
        let fn = try conn.query("SELECT pg_get_userbyid(proowner)::text FROM pg_proc WHERE proname = $1", ["f\(Self.sourceRoles[3])"])
        #expect(fn.first?[0] == Self.owner, "\(what): function owner \(String(describing: fn))")
        let acl = try conn.query("SELECT relacl::text FROM pg_class WHERE relname = $1", ["t\(Self.sourceRoles[1])"]).first?[0] ?? nil
        let columnACL = try conn.query("SELECT attacl::text FROM pg_attribute WHERE attname = $1", ["c;\(Self.sourceRoles[2])"]).first?[0] ?? nil
        #expect(columnACL?.contains(Self.sourceRoles[4]) == true, "\(what): column grant to the 63-byte role lost: \(String(describing: columnACL))")
        #expect(acl?.contains("m\r\n") == true || acl?.contains("m\\r\\n") == true, "\(what): grant to the mapped role lost: \(String(describing: acl))")
        let policy = try conn.query("SELECT array_to_string(polroles::regrole[], ',') FROM pg_policy").first?[0] ?? nil
        #expect(policy?.contains("m\\r\\n") == true || policy?.contains("m\r\n") == true,
                "\(what): the policy's mapped role is missing: \(String(describing: policy))")
        let rows = try conn.query("SELECT count(*)::text FROM \"s\(Self.sourceRoles[0].replacingOccurrences(of: "\"", with: "\"\""))\".\"t\(Self.sourceRoles[1])\"")
        #expect(rows.first?[0] == "2", "\(what): rows \(String(describing: rows))")
    }

    @Test func hostileNamesRunNothingButTheDump() async throws {
        let c = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(c)
        let (source, dumps, tmp) = try Self.prepare(c)
        defer { c.dropDatabase(source) }
        // The map's target is a grantee (an owner mapped elsewhere needs CREATE on the owner
        // role's schemas, which PostgreSQL checks at ALTER … OWNER TO).
        // The default privileges' FOR ROLE (a role that owns nothing) goes to the owner too.
        let roleArgs = ["--owner", Self.owner, "--map", "\(Self.sourceRoles[2])=\(Self.mappedTo)",
                        "--map", "\(Self.sourceRoles[3])=\(Self.owner)"]
        // A map target the owner role cannot become is refused by the preflight, before anything
        // is created (ALTER … OWNER TO would fail half-way through the load).
        let unreachable = try RestoreSetup.liveDatabase(c)
        defer { c.dropDatabase(unreachable) }
        let refused = try run(Paths.binary, ["restore", try #require(dumps["c"]), "-d", unreachable, "--owner", Self.owner,
                                             "--map", "\(Self.sourceRoles[1])=\(Self.sourceRoles[4])",
                                             "--target", c.conninfo(db: "postgres", user: "restorer")], timeout: 120)
        #expect(refused.status == 69 && lastLine(refused.stderr).contains("cannot SET ROLE \(Self.sourceRoles[4])"), "\(refused.stderr)")
        #expect(try RestoreSetup.databases(c, like: unreachable + "-").isEmpty, "a scratch database was left")
        for (format, dump) in dumps.sorted(by: { $0.key < $1.key }) {
            // verify and inspect print the names: one line each.
            for cmd in ["verify", "inspect"] {
                let r = try run(Paths.binary, [cmd, dump] + (cmd == "verify" ? roleArgs : []))
                #expect(r.status == 0, "\(cmd) -F\(format): \(r.stderr)")
                expectNoLiveLine(r.stdout + r.stderr, "\(cmd) -F\(format)")
            }
            // rewrite → plain → psql.
            let plain = tmp.file("out-\(format).sql")
            let rp = try run(Paths.binary, ["rewrite", dump, "--format", "plain", "-o", plain] + roleArgs)
            try #require(rp.status == 0, "rewrite -F\(format) to plain: \(rp.stderr)")
            expectNoLiveLine(rp.stderr, "rewrite -F\(format) to plain")
            let viaPsql = try c.createDatabase(prefix: "hostile_psql")
            defer { c.dropDatabase(viaPsql) }
            let p = try c.psql(["-f", plain], db: viaPsql)
            #expect(p.status == 0 && !p.stderr.contains("ERROR"), "psql of the plain rewrite of -F\(format): \(p.stderr)")
            try expectIntact(c, viaPsql, "plain rewrite of -F\(format) through psql")
            // rewrite → custom → pg_restore (archives only).
            if format != "p" {
                let custom = tmp.file("out-\(format).dump")
                let rc = try run(Paths.binary, ["rewrite", dump, "-o", custom] + roleArgs)
                try #require(rc.status == 0, "rewrite -F\(format) to custom: \(rc.stderr)")
                let viaPgRestore = try c.createDatabase(prefix: "hostile_pgr")
                defer { c.dropDatabase(viaPgRestore) }
                let pr = try run(c.tool("pg_restore"), ["--exit-on-error"] + c.clientArgs(user: "postgres", db: viaPgRestore) + [custom],
                                 env: Cluster.clientEnv, timeout: 120)
                #expect(pr.status == 0, "pg_restore of the custom rewrite of -F\(format): \(pr.stderr)")
                try expectIntact(c, viaPgRestore, "custom rewrite of -F\(format) through pg_restore")
            }
            // restore, serial and parallel.
            for jobs in ["1", "2"] {
                let live = try RestoreSetup.liveDatabase(c)
                defer { c.dropDatabase(live) }
                let r = try run(Paths.binary, ["restore", dump, "-d", live, "--jobs", jobs, "--target", c.conninfo(db: "postgres", user: "restorer")] + roleArgs,
                                timeout: 120)
                #expect(r.status == 0, "restore -F\(format) --jobs \(jobs): \(r.stderr)")
                expectNoLiveLine(r.stdout + r.stderr, "restore -F\(format)")
                try expectIntact(c, live, "restore of -F\(format) --jobs \(jobs)")
            }
        }
    }

    /// Owner fields that are not UTF-8 (a crafted archive: the 13 bytes of the non-ASCII role's
    /// name in every TOC owner field replaced by invalid sequences of the same length).
    @Test func invalidUTF8OwnerFieldsAreReadAndShownSafely() async throws {
        let c = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(c)
        let (source, dumps, tmp) = try Self.prepare(c)
        defer { c.dropDatabase(source) }
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try #require(dumps["c"]))))
        let name = Array(Self.sourceRoles[3].utf8)
        var replaced = 0
        var i = 0
        while i + name.count <= bytes.count {
            // Only length-prefixed fields (the TOC's strings): 4-byte length, sign byte before it.
            if Array(bytes[i..<(i + name.count)]) == name, i >= 4, bytes[i - 4] == UInt8(name.count), bytes[i - 5] == 0 {
                for k in 0..<name.count { bytes[i + k] = k % 2 == 0 ? 0xFF : 0x0A }
                replaced += 1
                i += name.count
            } else { i += 1 }
        }
        #expect(replaced >= 1, "no owner field held the name")
        let crafted = tmp.file("crafted.dump")
        try Data(bytes).write(to: URL(fileURLWithPath: crafted))
        for args in [["inspect", crafted], ["verify", crafted, "--owner", Self.owner],
                     ["rewrite", crafted, "--format", "plain", "--owner", Self.owner, "-o", tmp.file("crafted.sql")]] {
            let r = try run(Paths.binary, args)
            #expect(r.status == 0 || r.status == 65, "\(args[0]): \(r.stderr)")
            expectNoLiveLine(r.stdout + r.stderr, "\(args[0]) of invalid UTF-8 owners")
        }
        // psql runs the plain output (past any error the crafted bytes cause): the dump's sentinel
        // is created and loaded, and nothing drops it. (A splitter that ignores COPY mode cannot
        // judge this: the data holds quotes; psql is the judge.)
        let db = try c.createDatabase(prefix: "hostile_utf8")
        defer { c.dropDatabase(db) }
        _ = try run(c.tool("psql"), ["-X", "-q", "-f", tmp.file("crafted.sql")] + c.clientArgs(user: "postgres", db: db), env: Cluster.clientEnv)
        #expect(RestoreSetup.sentinel(c, db) == "7")
    }
}
