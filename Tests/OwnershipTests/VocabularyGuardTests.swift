import DumpFormat
import Foundation
import Ownership
import Testing

/// Every fixture of every version and format passes the guard; hostile statements do not.
@Suite struct VocabularyGuardTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")

    /// Every dump under Tests/Fixtures (custom, directory, tar, plain, gzip'd plain).
    static var dumps: [String] {
        var out: [String] = []
        let fm = FileManager.default
        for dir in (try? fm.contentsOfDirectory(atPath: fixtures.path)) ?? [] where dir.hasPrefix("pg") || dir.hasPrefix("from-") {
            for f in (try? fm.contentsOfDirectory(atPath: fixtures.appendingPathComponent(dir).path)) ?? [] {
                if f.hasSuffix(".dump") || f.hasSuffix(".tar") || f.hasSuffix(".plain.sql") || f.hasSuffix(".plain.sql.gz")
                    || (f.hasSuffix(".dir") || f.contains(".dir-")) && !f.hasSuffix(".list") {
                    out.append(fixtures.appendingPathComponent(dir).appendingPathComponent(f).path)
                }
            }
        }
        return out.sorted()
    }

    /// Reads the whole dump through the guard in collect mode.
    static func violations(_ path: String) throws -> [GuardViolation] {
        let source = try DumpSource.open(path)
        let g = GuardingVisitor(nil, file: path, mode: .collect)
        try source.read(g, data: true)
        return g.violations
    }

    @Test func everyFixturePasses() throws {
        let dumps = Self.dumps
        #expect(dumps.count > 40)
        for d in dumps {
            let v = try Self.violations(d)
            #expect(v.isEmpty, "\(d): \(v.prefix(5).map(\.description).joined(separator: "\n"))")
        }
    }

    // MARK: - Unit cases

    func entry(_ desc: String, tag: String?, ns: String? = nil, _ sql: String, copy: String? = nil, dumpId: Int = 7) -> TOCEntry {
        TOCEntry(dumpId: dumpId, tag: tag.map { Array($0.utf8) }, desc: desc, section: .preData, defn: Array(sql.utf8),
                 copyStmt: copy.map { Array($0.utf8) }, namespace: ns.map { Array($0.utf8) })
    }

    func check(_ e: TOCEntry, plain: Bool = false, header: Bool = false, db: String? = "app") -> [GuardViolation] {
        VocabularyGuard(dumpVersion: 17, databaseName: db.map { Array($0.utf8) }, plain: plain)
            .check(e, standardConformingStrings: true, plainHeader: header)
    }

    @Test func pgDumpShapesPass() {
        #expect(check(entry("TABLE", tag: "t", ns: "app", "CREATE TABLE app.t (\n    id integer\n);\nALTER TABLE ONLY app.t ALTER COLUMN id SET STATISTICS 100;\n")).isEmpty)
        #expect(check(entry("ACL", tag: "TABLE t", ns: "app", "SET SESSION AUTHORIZATION grantor_role;\nGRANT SELECT ON TABLE app.t TO reporting;\nRESET SESSION AUTHORIZATION;\nGRANT ALL ON TABLE app.t TO app_owner;\n")).isEmpty)
        #expect(check(entry("ACL", tag: "COLUMN t.id", ns: "app", "GRANT SELECT(id) ON TABLE app.t TO reporting;\n")).isEmpty)
        #expect(check(entry("ACL", tag: "FUNCTION f(integer)", ns: "app", "REVOKE ALL ON FUNCTION app.f(integer) FROM PUBLIC;\n")).isEmpty)
        #expect(check(entry("EXTENSION", tag: "pgcrypto", "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;\n")).isEmpty)
        #expect(check(entry("DATABASE PROPERTIES", tag: "app", "ALTER DATABASE app SET work_mem TO '64MB';\nALTER ROLE reporting IN DATABASE app SET search_path TO 'app';\n")).isEmpty)
        #expect(check(entry("TABLE DATA", tag: "t", ns: "app", "", copy: "COPY app.t (id, \"Name\") FROM stdin;\n")).isEmpty)
        #expect(check(entry("SET", tag: nil, "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\nSELECT pg_catalog.set_config('search_path', '', false);\n\\restrict abc\n", dumpId: 0), plain: true, header: true).isEmpty)
        #expect(check(entry("SEQUENCE SET", tag: "s", ns: "app", "SELECT pg_catalog.setval('app.s', 42, true);\n")).isEmpty)
        // pgreown rewrite's own output: an ACL's grants wrapped in SET ROLE … RESET ROLE.
        #expect(check(entry("ACL", tag: "TABLE t", ns: "app", "SET ROLE dest_owner;\nGRANT SELECT ON TABLE app.t TO reporting;\nSET ROLE grantor_role;\nGRANT SELECT ON TABLE app.t TO x;\nRESET ROLE;\n")).isEmpty)
    }

    /// (desc, tag, schema, defn, copyStmt, the words the rule must hold)
    static let hostile: [(String, String?, String?, String, String?, String)] = [
        ("TABLE", "t", "app", "CREATE TABLE app.t (id integer);\nRESET ROLE;\n", nil, "RESET ROLE"),
        ("TABLE", "t", "app", "SET ROLE login;\nCREATE TABLE app.t (id integer);\n", nil, "SET ROLE"),
        ("TABLE", "t", "app", "SET LOCAL ROLE login;\n", nil, "SET ROLE"),
        ("TABLE", "t", "app", "SET SESSION AUTHORIZATION postgres;\n", nil, "grantor block"),
        ("TABLE", "t", "app", "SET SESSION AUTHORIZATION 'app_owner';\n", nil, "re-dump without"),
        ("TABLE", "t", "app", "SELECT set_config('role', 'postgres', false);\n", nil, "set_config('role'"),
        ("TABLE", "t", "app", "BEGIN;\nSET LOCAL ROLE postgres;\nCOMMIT;\n", nil, "not a statement pg_dump writes"),
        ("TABLE", "t", "app", "ALTER SYSTEM SET shared_buffers = '1GB';\n", nil, "not a statement pg_dump writes"),
        ("TABLE", "t", "app", "CREATE ROLE evil SUPERUSER LOGIN;\n", nil, "not a statement pg_dump writes"),
        ("DATABASE PROPERTIES", "app", nil, "ALTER DATABASE postgres SET work_mem = '1MB';\n", nil, "another database"),
        ("DATABASE PROPERTIES", "app", nil, "ALTER ROLE evil PASSWORD 'x';\n", nil, "not a statement"),
        ("DATABASE PROPERTIES", "app", nil, "ALTER DATABASE app SET role = 'postgres';\n", nil, "SET role"),
        ("DATABASE", "app", nil, "CREATE DATABASE other;\n", nil, "another database"),
        ("EXTENSION", "pgcrypto", nil, "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;\nALTER ROLE app_owner SUPERUSER;\n", nil, "EXTENSION entry"),
        ("EXTENSION", "pgcrypto", nil, "CREATE EXTENSION IF NOT EXISTS adminpack WITH SCHEMA public;\n", nil, "EXTENSION entry"),
        ("ACL", "TABLE t", "app", "GRANT ALL ON TABLE app.other TO evil;\n", nil, "another object"),
        ("ACL", "TABLE pg_authid", "pg_catalog", "GRANT SELECT ON TABLE pg_catalog.pg_authid TO evil;\nCOPY (SELECT 1) TO PROGRAM 'id';\n", nil, "not a statement"),
        ("TABLE DATA", "t", "app", "", "COPY app.other (id) FROM stdin;\n", "another table"),
        ("TABLE DATA", "t", "app", "", "COPY app.t (id) TO PROGRAM 'sh';\n", "FROM stdin"),
        ("TABLE DATA", "t", "app", "", "COPY app.t (id) FROM '/etc/passwd';\n", "FROM stdin"),
        ("TABLE", "t", "app", "CREATE TABLE U&\"app\".U&\"\\0074\" (id integer);\n", nil, "U&"),
        ("FUNCTION", "f()", "app", "CREATE FUNCTION app.f() RETURNS void LANGUAGE sql SECURITY DEFINER SET role TO 'postgres' AS $$ SELECT 1 $$;\n", nil, "SET role"),
        ("ACL", "SCHEMA app", nil, "SET SESSION AUTHORIZATION grantor_role;\nGRANT USAGE ON SCHEMA app TO x;\n", nil, "without its RESET"),
        ("TABLE DATA", "t", "app", "\\! rm -rf /\n", nil, "meta-command"),
        ("FUNCTION", "h()", "app", "CREATE FUNCTION app.other() RETURNS void LANGUAGE c AS '$libdir/x', 'f';\n", nil, "another function"),
        ("ACL", "TABLE t", "app", "SET ROLE dest_owner;\nGRANT SELECT ON TABLE app.t TO x;\nRESET ROLE;\nALTER ROLE x SUPERUSER;\n", nil, "after the RESET ROLE"),
        ("ACL", "TABLE t", "app", "RESET ROLE;\nGRANT ALL ON TABLE app.t TO x;\n", nil, "RESET ROLE"),
        ("ACL", "TABLE t", "app", "SET ROLE postgres;\nGRANT ALL ON TABLE app.t TO x;\n", nil, "without the RESET ROLE"),
        ("TABLE", "t", "app", "DO $$ BEGIN PERFORM pg_catalog.set_config('role', 'none', false); END $$;\n", nil, "not a statement pg_dump writes"),
        ("SEQUENCE SET", "s", "app", "SELECT pg_catalog.setval('app.s', 1, true);\nRESET ROLE;\n", nil, "RESET ROLE"),
        ("SEQUENCE SET", "s", "app", "SELECT app.evil();\n", nil, "setval"),
        ("TABLE", "t", "app", "CREATE TRIGGER tr BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.evil();\n", nil, "not a statement pg_dump writes"),
        ("TABLE", "t", "app", "ALTER ROLE dest_owner PASSWORD 'x';\n", nil, "not a statement pg_dump writes"),
    ]

    @Test(arguments: Self.hostile.indices) func hostileStatementsAreRefused(_ i: Int) {
        let (desc, tag, ns, sql, copy, rule) = Self.hostile[i]
        let v = check(entry(desc, tag: tag, ns: ns, sql, copy: copy))
        #expect(!v.isEmpty, "\(sql)")
        #expect(v.first.map { $0.description.contains(rule) } == true, "\(v.first?.description ?? "none") lacks \(rule)")
        #expect(v.allSatisfy { !$0.description.contains("\n") })
    }

    @Test func plainScriptTextOutsideEntries() {
        // After a COPY's \. (a script entry that is not the header): nothing runs.
        let after = entry("SET", tag: nil, "\n\nDROP TABLE app.t;\n", dumpId: 0)
        #expect(check(after, plain: true, header: false).first?.rule.contains("outside any entry") == true)
        // The header: only pg_dump's SETs.
        let header = entry("SET", tag: nil, "SET statement_timeout = 0;\nSET ROLE postgres;\n", dumpId: 0)
        #expect(check(header, plain: true, header: true).first?.rule.contains("SET ROLE") == true)
        // A plain entry's OWNER TO names its own object only.
        let owner = entry("TABLE", tag: "t", ns: "app", "CREATE TABLE app.t (id integer);\nALTER TABLE app.t OWNER TO x;\nALTER SCHEMA public OWNER TO evil;\n")
        #expect(check(owner, plain: true).count == 1)
    }

    @Test func copyDataEndsAtItsMarker() throws {
        var c = CopyEndMarkerCheck()
        try Array("1\tx\n2\t\\\\.\n\\.\n\n".utf8).withUnsafeBytes { try c.feed($0) }
        var d = CopyEndMarkerCheck()
        #expect(throws: CopyEndMarkerCheck.AfterEnd.self) {
            try Array("1\tx\n\\".utf8).withUnsafeBytes { try d.feed($0) }
            try Array(".\nDROP TABLE t;\n".utf8).withUnsafeBytes { try d.feed($0) }
        }
    }
}

/// `pg_dump --clean` plain scripts: the DROPs it writes at the script's head pass the guard (the
/// restore skips them); anything else there, or a DROP of what no dump creates, does not.
@Suite struct CleanStatementTests {
    static func statement(_ sql: String) -> SQLStatement? {
        (try? SQLStatement.split(Array(sql.utf8)))?.first { $0.kind == .statement }
    }

    @Test(arguments: [
        "DROP TABLE IF EXISTS app.orders;", "DROP TABLE app.orders;", "DROP FUNCTION IF EXISTS app.f(integer, text);",
        "DROP POLICY IF EXISTS documents_read ON app.documents;", "DROP TRIGGER orders_touch ON app.orders;",
        "DROP MATERIALIZED VIEW IF EXISTS app.totals;", "DROP TEXT SEARCH CONFIGURATION public.english_nostop;",
        "DROP SCHEMA IF EXISTS \"Data Team\";", "DROP EXTENSION IF EXISTS pg_trgm;",
        "ALTER TABLE IF EXISTS ONLY app.orders DROP CONSTRAINT IF EXISTS orders_pkey;",
        "ALTER TABLE ONLY app.orders DROP CONSTRAINT orders_customer_id_fkey;",
        "ALTER TABLE app.orders ALTER COLUMN id DROP DEFAULT;",
        "SELECT pg_catalog.lo_unlink('4244');",
        "SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata WHERE oid = '4244';",
    ])
    func pgDumpCleanStatementsPass(_ sql: String) throws {
        let s = try #require(Self.statement(sql))
        #expect(VocabularyGuard.isCleanStatement(s), "\(sql)")
    }

    @Test(arguments: [
        "DROP ROLE restorer;", "DROP DATABASE postgres;", "DROP TABLESPACE t;", "DROP OWNED BY restorer;", "DROP USER x;",
        "DROP TABLE app.orders CASCADE;", "ALTER TABLE app.orders OWNER TO postgres;",
        "ALTER TABLE app.orders DROP CONSTRAINT c, ADD CONSTRAINT d CHECK (app.evil());",
        "SELECT pg_catalog.lo_unlink(app.evil());", "SELECT app.evil();",
    ])
    func otherStatementsDoNot(_ sql: String) throws {
        let s = try #require(Self.statement(sql))
        #expect(!VocabularyGuard.isCleanStatement(s), "\(sql)")
    }
}
