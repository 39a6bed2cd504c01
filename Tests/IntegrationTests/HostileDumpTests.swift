import DumpFormat
import Foundation
import Testing

// Tampered dumps (issue 20): real pg_dump output (Tests/Fixtures/pg15/app.*) with statements
// inserted into a plain script, or TOC strings patched in a custom archive, each a way to make a
// restore run something as a role it should not, or outside the database. The vocabulary guard
// (Ownership/VocabularyGuard.swift) refuses each: `restore` exits 65 naming the entry and the
// rule, before any server is contacted (a plain script from a pipe: before the entry runs, and
// the scratch database is dropped); `verify` exits 1; `rewrite` exits 65 and writes nothing.

struct HostileCase: Sendable, CustomTestStringConvertible {
    enum Kind: Sendable { case plain, custom, directory }
    var name: String
    var kind: Kind
    /// What the error must name: the entry (or "script text") and the rule.
    var entry: String
    var rule: String
    var testDescription: String { name }
}

@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct HostileDumpTests {
    static let script = (try? String(contentsOfFile: Paths.fixture("pg15/app.plain.sql"), encoding: .utf8)) ?? ""
    static let inOrders = "ALTER TABLE app.orders OWNER TO app_owner;\n"
    static let trailer = "--\n-- PostgreSQL database dump complete\n"

    /// A pseudo-entry as pg_dump writes its header, before the trailer.
    static func entry(_ name: String, _ type: String, _ schema: String, _ sql: String) -> String {
        "--\n-- Name: \(name); Type: \(type); Schema: \(schema); Owner: app_owner\n--\n\n\(sql)\n\n\n"
    }

    /// Plain cases: (name, marker, text inserted after it (before it for the trailer), entry, rule).
    static let plainCases: [(String, String, String, String, String)] = [
        ("RESET ROLE in a table", inOrders, "RESET ROLE;\n", "(TABLE app.orders)", "RESET ROLE"),
        ("SET ROLE in the header", "SELECT pg_catalog.set_config('search_path', '', false);\n", "SET ROLE postgres;\n", "script text", "SET ROLE"),
        ("SET SESSION AUTHORIZATION", inOrders, "SET SESSION AUTHORIZATION postgres;\n", "(TABLE app.orders)", "grantor block"),
        ("set_config role", inOrders, "SELECT pg_catalog.set_config('role', 'postgres', false);\n", "(TABLE app.orders)", "set_config('role'"),
        ("SET LOCAL ROLE in a transaction", inOrders, "BEGIN;\nSET LOCAL ROLE postgres;\nALTER ROLE restorer SUPERUSER;\nCOMMIT;\n", "(TABLE app.orders)", "not a statement pg_dump writes in a TABLE entry"),
        ("ALTER SYSTEM", inOrders, "ALTER SYSTEM SET log_statement = 'none';\n", "(TABLE app.orders)", "not a statement pg_dump writes"),
        ("CREATE ROLE", inOrders, "CREATE ROLE evil_hostile SUPERUSER LOGIN;\n", "(TABLE app.orders)", "not a statement pg_dump writes"),
        ("ALTER ROLE PASSWORD", inOrders, "ALTER ROLE restorer PASSWORD 'x';\n", "(TABLE app.orders)", "not a statement pg_dump writes"),
        ("CREATE DATABASE", inOrders, "CREATE DATABASE evil_hostile;\n", "(TABLE app.orders)", "not a statement pg_dump writes"),
        ("COPY TO PROGRAM", inOrders, "COPY (SELECT 1) TO PROGRAM 'touch /tmp/pgreown-hostile';\n", "(TABLE app.orders)", "not a statement pg_dump writes"),
        ("after a COPY's end marker", "\\.\n", "DROP TABLE app.orders;\n", "script text", "outside any entry"),
        ("U& names", inOrders, "ALTER TABLE ONLY U&\"app\".orders ALTER COLUMN id SET STATISTICS 100;\n", "(TABLE app.orders)", "U&"),
        ("ACL on another object", "GRANT SELECT ON TABLE app.orders TO reporting;\n", "GRANT ALL ON TABLE app.customers TO reporting;\n", "(ACL app.TABLE orders)", "another object"),
        ("ALTER DATABASE of another", trailer, entry("app", "DATABASE PROPERTIES", "-", "ALTER DATABASE postgres SET log_statement = 'none';"), "DATABASE PROPERTIES", "another database"),
        ("extra statement in an EXTENSION", trailer, entry("pgcrypto", "EXTENSION", "-", "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;\nALTER ROLE restorer SUPERUSER;"), "(EXTENSION pgcrypto)", "EXTENSION entry"),
        ("extra statement in a built-in ACL", trailer, entry("TABLE pg_class", "ACL", "pg_catalog", "GRANT SELECT ON TABLE pg_catalog.pg_class TO reporting;\nALTER ROLE restorer SUPERUSER;"), "(ACL pg_catalog.TABLE pg_class)", "not a statement pg_dump writes"),
        ("a function with SET role", trailer, entry("f()", "FUNCTION", "app", "CREATE FUNCTION app.f() RETURNS integer LANGUAGE sql SECURITY DEFINER SET role TO 'postgres' AS $$ SELECT 1 $$;"), "(FUNCTION app.f())", "SET role"),
    ]

    static let cases: [HostileCase] =
        plainCases.map { HostileCase(name: "plain: " + $0.0, kind: .plain, entry: $0.3, rule: $0.4) } + [
            HostileCase(name: "custom: RESET ROLE in a table (from a pipe)", kind: .custom, entry: "(TABLE app.orders)", rule: "RESET ROLE"),
            HostileCase(name: "custom: copyStmt for another table", kind: .custom, entry: "(TABLE DATA app.orders)", rule: "another table"),
            HostileCase(name: "custom: ACL on another object", kind: .custom, entry: "(ACL app.TABLE orders)", rule: "another object"),
            HostileCase(name: "custom: extra statement in an EXTENSION", kind: .custom, entry: "(EXTENSION pgcrypto)", rule: "EXTENSION entry"),
            HostileCase(name: "directory: data after a COPY's end marker", kind: .directory, entry: "(TABLE DATA app.orders)", rule: "end marker"),
        ]

    /// The tampered dump of case `c`, in `tmp`.
    static func make(_ c: HostileCase, in tmp: TempDir) throws -> String {
        switch c.kind {
        case .plain:
            guard let (_, marker, text, _, _) = plainCases.first(where: { "plain: " + $0.0 == c.name }),
                  let r = script.range(of: marker) else { throw ClusterError("no marker for \(c.name)") }
            let patched = marker == trailer ? script.replacingCharacters(in: r, with: text + marker)
                                            : script.replacingCharacters(in: r, with: marker + text)
            let path = tmp.file("hostile.sql")
            try patched.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        case .custom:
            let source = try DumpSource.open(Paths.fixture("pg15/app.custom.dump"))
            guard let toc = try source.readTOC() else { throw ClusterError("no TOC") }
            var entries = toc.entries
            func patch(_ desc: String, _ tag: String, _ body: (inout TOCEntry) -> Void) throws {
                guard let i = entries.firstIndex(where: { $0.desc == desc && $0.tagText == tag }) else { throw ClusterError("no \(desc) \(tag)") }
                body(&entries[i])
            }
            switch c.rule {
            case "RESET ROLE": try patch("TABLE", "orders") { $0.defn = ($0.defn ?? []) + Array("RESET ROLE;\n".utf8) }
            case "another table": try patch("TABLE DATA", "orders") { $0.copyStmt = Array("COPY app.customers (id) FROM stdin;\n".utf8) }
            case "another object": try patch("ACL", "TABLE orders") { $0.defn = ($0.defn ?? []) + Array("GRANT ALL ON TABLE app.customers TO reporting;\n".utf8) }
            default:
                // A new EXTENSION entry (no data), its statements the login would run.
                let ext = TOCEntry(dumpId: (entries.map(\.dumpId).max() ?? 0) + 1, tag: Array("pgcrypto".utf8), desc: "EXTENSION", section: .preData,
                                   defn: Array("CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;\nALTER ROLE restorer SUPERUSER;\n".utf8),
                                   dropStmt: Array("DROP EXTENSION pgcrypto;\n".utf8), owner: [])
                entries.insert(ext, at: 1)
            }
            let path = tmp.file("hostile.dump")
            let out = try Output(path: path, sync: false)
            try CustomArchiveWriter.write(from: source, toc: toc, entries: entries, header: toc.header, layout: .copy, to: out)
            try out.commit()
            return path
        case .directory:
            // The orders data file decompressed, with SQL after its "\." line.
            let dir = tmp.file("hostile.dir")
            let list = try String(contentsOfFile: Paths.fixture("pg15/app.dir.list"), encoding: .utf8)
            guard let line = list.split(separator: "\n").first(where: { $0.contains("TABLE DATA app orders ") }),
                  let id = line.split(separator: ";").first else { throw ClusterError("no orders data in the listing") }
            let r = try shell("""
                set -e
                cp -r '\(Paths.fixture("pg15/app.dir"))' '\(dir)'
                gzip -dc '\(dir)/\(id).dat.gz' > '\(dir)/\(id).dat'
                rm '\(dir)/\(id).dat.gz'
                printf 'DROP TABLE app.customers;\\n\\\\.\\n\\n' >> '\(dir)/\(id).dat'
                """)
            guard r.status == 0 else { throw ClusterError("directory: \(r.stderr)") }
            return dir
        }
    }

    /// What the payloads would change outside the scratch database (other suites create and drop
    /// databases meanwhile, so only these): the restore login and the payloads' role, database,
    /// the postgres database's settings, ALTER SYSTEM's file.
    static func catalog(_ c: Cluster) throws -> [String] {
        try c.connect().query("""
            SELECT 'role ' || rolname || ' ' || rolsuper::text || ' ' || coalesce(rolpassword, '-') FROM pg_authid
              WHERE rolname IN ('restorer', 'evil_hostile', 'dest_owner')
            UNION ALL SELECT 'db ' || datname FROM pg_database WHERE datname = 'evil_hostile'
            UNION ALL SELECT 'setting ' || coalesce(array_to_string(s.setconfig, ','), '')
              FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = 'postgres'
            UNION ALL SELECT 'auto.conf ' || name || '=' || setting FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'
            ORDER BY 1
            """).compactMap { $0[0] }
    }

    @Test(arguments: Self.cases)
    func aTamperedDumpIsRefusedOnEveryPath(_ c: HostileCase) async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let dump = try Self.make(c, in: tmp)
        let before = try Self.catalog(cluster)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let conninfo = cluster.conninfo(db: "postgres", user: "restorer")

        if let keep = ProcessInfo.processInfo.environment["PGREOWN_HOSTILE_OUT"] {
            // For scripts/hostile-stock (what stock pg_restore and psql do with each case).
            let name = c.name.map { $0.isLetter || $0.isNumber ? $0 : "_" }
            _ = try shell("mkdir -p '\(keep)' && cp -r '\(dump)' '\(keep)/\(String(name))\(c.kind == .plain ? ".sql" : c.kind == .custom ? ".dump" : ".dir")'")
        }

        // restore: from the file and through stdin (a directory has no stream), serial and
        // --jobs 4 (an archive): the same refusal on every path.
        var paths: [(String, [String])] = [("file", [])]
        if c.kind != .directory { paths.append(("stdin", [])) }
        if c.kind != .plain { paths += [("file", ["--jobs", "4"])] + (c.kind == .custom ? [("stdin", ["--jobs", "4"])] : []) }
        for (input, extra) in paths {
            let what = "\(c.name) (\(input) \(extra.joined(separator: " ")))"
            let restore = input == "stdin"
                ? try shell("cat '\(dump)' | \"$PGREOWN\" restore - -d \(live) --owner dest_owner --target \"\(conninfo)\" \(extra.joined(separator: " "))", timeout: 60)
                : try run(Paths.binary, ["restore", dump, "-d", live, "--owner", "dest_owner", "--target", conninfo] + extra, timeout: 60)
            #expect(restore.status == 65, "\(what): exit \(restore.status): \(restore.stderr)")
            let last = lastLine(restore.stderr)
            #expect(last.contains(c.entry) && last.contains(c.rule), "\(what): \(last)")
            #expect(RestoreSetup.sentinel(cluster, live) == "42", "\(what)")
            #expect(try RestoreSetup.databases(cluster, like: live + "-").isEmpty, "\(what): scratch database left behind")
        }

        // verify: a problem, exit 1 (a COPY's data continuing after "\." is reported as found).
        let verify = try pgreown("verify", dump)
        #expect(verify.status == 1, "\(c.name): verify exit \(verify.status): \(verify.stderr)")
        #expect(verify.stdout.contains(c.rule) || verify.stderr.contains(c.rule), "\(c.name): \(verify.stdout)")

        // rewrite: refused before writing, to either format.
        let out = tmp.file("out")
        for format in c.kind == .plain ? ["plain"] : ["custom", "plain"] {
            let rewrite = try pgreown("rewrite", dump, "--format", format, "--owner", "dest_owner", "-o", out)
            #expect(rewrite.status == 65 && lastLine(rewrite.stderr).contains(c.rule), "\(c.name) → \(format): exit \(rewrite.status): \(rewrite.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(c.name) → \(format): output written")
        }
        #expect(try Self.catalog(cluster) == before, "\(c.name): roles, databases or settings changed")
    }

    /// A plain script from a pipe is guarded entry by entry: the entries before the tampered one
    /// ran (--in-place keeps them to look at), the tampered entry did not, not even its
    /// statements before the attack (app.orders' CREATE TABLE); exit 65 with the same message.
    @Test func aPipedScriptStopsBeforeTheTamperedEntryRuns() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let c = Self.cases[0]
        let dump = try Self.make(c, in: tmp)
        let conninfo = cluster.conninfo(db: "postgres", user: "restorer")
        let empty = try cluster.createDatabase(owner: "dest_owner", prefix: "inplace")
        defer { cluster.dropDatabase(empty) }
        let r = try shell("cat '\(dump)' | \"$PGREOWN\" restore - -d \(empty) --owner dest_owner --target \"\(conninfo)\" --in-place", timeout: 60)
        #expect(r.status == 65, "exit \(r.status): \(r.stderr)")
        #expect(lastLine(r.stderr).contains(c.entry) && lastLine(r.stderr).contains(c.rule), "\(lastLine(r.stderr))")
        let conn = try cluster.connect(db: empty)
        #expect(try conn.query("SELECT to_regtype('app.order_status') IS NOT NULL").first?[0] == "t", "the entries before ran")
        #expect(try conn.query("SELECT to_regclass('app.orders') IS NULL").first?[0] == "t", "the tampered entry's CREATE TABLE ran")
        conn.close()

        // The same from a pipe without --in-place: the scratch database is dropped, the live one untouched.
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let s = try shell("cat '\(dump)' | \"$PGREOWN\" restore - -d \(live) --owner dest_owner --target \"\(conninfo)\"", timeout: 60)
        #expect(s.status == 65 && lastLine(s.stderr).contains(c.rule) && lastLine(s.stderr).contains("untouched"), "\(s.stderr)")
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
        #expect(try RestoreSetup.databases(cluster, like: live + "-").isEmpty)
    }
}
