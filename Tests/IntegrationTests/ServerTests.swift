import Foundation
import Restore
import Testing

/// Tests against the throwaway PostgreSQL that scripts/with-pg starts (PGREOWN_TEST_PG=1).
let serverAvailable = ProcessInfo.processInfo.environment["PGREOWN_TEST_PG"] == "1"
let pgBin = ProcessInfo.processInfo.environment["PGREOWN_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"

@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"), .serialized)
struct ServerTests {
    /// A fresh database with awkward names and data; returns its name.
    func makeDatabase(_ admin: Connection, rows: Int) throws -> String {
        let db = "it_\(UInt32.random(in: 0...UInt32.max))"
        try admin.query("CREATE DATABASE \(try admin.quoteIdentifier(db))")
        let c = try Connection(conninfo: "dbname=\(db)", pinSearchPath: false)
        try c.query(#"""
            CREATE SCHEMA "Data Team";
            CREATE TABLE "Data Team"."Weird ""Name""" (id int, t text, b bytea);
            INSERT INTO "Data Team"."Weird ""Name""" SELECT g, E'tab\there\nnewline \\. back' || g, '\x00ff'
              FROM generate_series(1, \#(rows)) g;
            CREATE TABLE public.empty (x int);
            CREATE TABLE public.nulls (x int, y text);
            INSERT INTO public.nulls SELECT NULL, NULL FROM generate_series(1, 17);
            CREATE TABLE public.dotline (t text);
            INSERT INTO public.dotline VALUES ('\.'), (E'\\.'), ('.');
            SELECT lo_from_bytea(0, decode(repeat('00', 70000), 'hex'));
            """#)
        return db
    }

    func counts(_ db: String) throws -> [String: Int] {
        let c = try Connection(conninfo: "dbname=\(db)", pinSearchPath: false)
        var out: [String: Int] = [:]
        let tables = try c.query("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog','information_schema')")
        for t in tables {
            let (s, n) = (t[0] ?? "", t[1] ?? "")
            let q = "SELECT count(*) FROM \(try c.quoteIdentifier(s)).\(try c.quoteIdentifier(n))"
            out["\(s).\(n)"] = Int(try c.query(q)[0][0] ?? "") ?? -1
        }
        return out
    }

    @Test func everyFormatCountsTheServersRows() throws {
        let admin = try Connection(conninfo: "dbname=postgres", pinSearchPath: false)
        let db = try makeDatabase(admin, rows: 3000)
        defer { _ = try? admin.query("DROP DATABASE \(try admin.quoteIdentifier(db))") }
        let expected = try counts(db)
        #expect(expected.count == 4)
        let tmp = try TempDir()
        let forms: [(String, [String])] = [
            ("c.dump", ["-Fc"]), ("z0.dump", ["-Fc", "-Z0"]), ("d.dir", ["-Fd"]), ("t.tar", ["-Ft"]),
        ]
        for (file, args) in forms {
            let out = tmp.file(file)
            let d = try run("\(pgBin)/pg_dump", args + ["-d", db, "-f", out], timeout: 120)
            #expect(d.status == 0, "\(d.stderr)")
            try check(out, expected, largeObjects: 1)
        }
        // Through a pipe: pg_dump writes no offsets, pgreown reads stdin.
        let piped = try shell("'\(pgBin)/pg_dump' -Fc -Z1 -d \(db) | \"$PGREOWN\" verify --json -")
        #expect(piped.status == 0, "\(piped.stderr)")
        try checkJSON(piped.stdout, expected, largeObjects: 1)
    }

    func check(_ path: String, _ expected: [String: Int], largeObjects: Int) throws {
        let r = try pgreown("verify", "--json", path)
        #expect(r.status == 0, "\(path): \(r.stderr)")
        try checkJSON(r.stdout, expected, largeObjects: largeObjects)
    }

    func checkJSON(_ out: String, _ expected: [String: Int], largeObjects: Int) throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        var rows: [String: Int] = [:]
        for t in (json["tables"] as? [[String: Any]]) ?? [] {
            rows["\(t["schema"] as? String ?? "").\(t["table"] as? String ?? "")"] = t["rows"] as? Int
        }
        #expect(rows == expected)
        #expect(json["largeObjects"] as? Int == largeObjects)
        #expect(json["largeObjectBytes"] as? Int == 70000)
    }

    @Test func connectionErrorsNeverShowThePassword() throws {
        do {
            _ = try Connection(conninfo: "host=127.0.0.1 port=1 user=x password=s3cret-pw dbname=y connect_timeout=2", pinSearchPath: false)
            Issue.record("connected to port 1?")
        } catch let e as ServerError {
            #expect(!e.description.contains("s3cret-pw"))
            #expect(e.description.contains("password=****"))
        }
    }

    @Test func quotingFollowsTheServer() throws {
        let c = try Connection(conninfo: "dbname=postgres", pinSearchPath: false)
        #expect(try c.quoteIdentifier("Data Team") == "\"Data Team\"")
        #expect(try c.quoteIdentifier("a\"b") == "\"a\"\"b\"")
        #expect(try c.quoteLiteral("it's") == "'it''s'")
        let v = try c.query("SELECT $1::text || $2::text", ["x'); DROP TABLE y; --", "!"])
        #expect(v[0][0] == "x'); DROP TABLE y; --!")
    }
}

@Test func conninfoPasswordsAreMasked() {
    #expect(maskConninfo("host=db user=app password=hunter2 dbname=x").contains("password=****"))
    #expect(!maskConninfo("host=db user=app password=hunter2 dbname=x").contains("hunter2"))
    let uri = maskConninfo("postgresql://app:hunter2@db.example:5433/prod?sslmode=require")
    #expect(!uri.contains("hunter2"))
    #expect(uri.contains("password=****") && uri.contains("port=5433") && uri.contains("dbname=prod"))
    #expect(maskConninfo("") == "")
}

/// The connection as printed: each parameter once, the effective database, the password masked.
@Test func theDisplayedConnectionNamesEachParameterOnce() {
    #expect(maskConninfo("user=restorer dbname=postgres", database: "postgres") == "user=restorer dbname=postgres")
    #expect(maskConninfo("user=restorer dbname=live", database: "postgres") == "user=restorer dbname=postgres")
    #expect(maskConninfo("user=restorer", database: "my db") == "user=restorer dbname='my db'")
    #expect(maskConninfo("", database: "postgres") == "dbname=postgres")
    let uri = maskConninfo("postgresql://app:hunter2@db.example:5433/prod?sslmode=require", database: "postgres")
    #expect(uri == "user=app password=**** dbname=postgres host=db.example port=5433 sslmode=require")
    #expect(maskConninfo("host=db password=hunter2 dbname=a dbname=b") == "password=**** dbname=b host=db")
    for shown in [maskConninfo("user=restorer dbname=postgres", database: "postgres"), uri] {
        #expect(shown.components(separatedBy: " ").map { $0.prefix { $0 != "=" } }.count
                == Set(shown.components(separatedBy: " ").map { $0.prefix { $0 != "=" } }).count, "\(shown)")
    }
}
