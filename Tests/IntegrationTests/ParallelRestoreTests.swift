import Foundation
import Restore
import Testing

/// `--jobs`: post-data entries that depend on several tables restore correctly whatever order
/// the connections finish in, from a file and from a pipe; an error on one connection stops them all.
@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct ParallelRestoreTests {
    static let schema = """
        CREATE TABLE a (id int PRIMARY KEY, v text);
        CREATE TABLE b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES a (id), w text);
        CREATE TABLE c (id int PRIMARY KEY, b_id int REFERENCES b (id), a_id int REFERENCES a (id));
        CREATE TABLE p (k int NOT NULL, v text) PARTITION BY RANGE (k);
        CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (5000);
        CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (5000) TO (10000);
        CREATE INDEX p_k ON p (k);
        CREATE UNIQUE INDEX p_kv ON p (k, v);
        INSERT INTO a SELECT g, md5(g::text) FROM generate_series(1, 20000) g;
        INSERT INTO b SELECT g, 1 + g % 20000, md5(g::text) FROM generate_series(1, 30000) g;
        INSERT INTO c SELECT g, 1 + g % 30000, 1 + g % 20000 FROM generate_series(1, 30000) g;
        INSERT INTO p SELECT g, md5(g::text) FROM generate_series(0, 9999) g;
        CREATE INDEX b_w ON b (w);
        CREATE INDEX c_b ON c (b_id);
        CREATE MATERIALIZED VIEW m AS SELECT a.id, count(b.id) AS n FROM a JOIN b ON b.a_id = a.id GROUP BY a.id;
        CREATE UNIQUE INDEX m_id ON m (id);
        ALTER TABLE a OWNER TO app_owner; ALTER TABLE b OWNER TO app_owner; ALTER TABLE c OWNER TO app_owner;
        ALTER TABLE p OWNER TO app_owner; ALTER TABLE p1 OWNER TO app_owner; ALTER TABLE p2 OWNER TO app_owner;
        ALTER MATERIALIZED VIEW m OWNER TO app_owner;
        """

    /// What must come out the same: constraints (validated), indexes (with partition children
    /// attached), the matview's rows, table checksums.
    static func state(_ c: Connection) throws -> [String] {
        var out = try c.query("""
            SELECT conrelid::regclass || ' ' || conname || ' ' || contype::text || ' ' || convalidated FROM pg_constraint
            WHERE connamespace = 'public'::regnamespace ORDER BY 1
            """).map { $0[0] ?? "" }
        out += try c.query("""
            SELECT indexrelid::regclass || ' on ' || indrelid::regclass || ' valid ' || indisvalid
                   || coalesce(' parent ' || (SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = indexrelid), '')
            FROM pg_index WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace) ORDER BY 1
            """).map { $0[0] ?? "" }
        out += try c.query("SELECT 'matview populated ' || relispopulated FROM pg_class WHERE relname = 'm'").map { $0[0] ?? "" }
        for t in ["a", "b", "c", "p", "m"] {
            out += try c.query("SELECT '\(t) ' || count(*) || ' ' || md5(string_agg(x::text, ',' ORDER BY x::text)) FROM \(t) x").map { $0[0] ?? "" }
        }
        out += try c.query("SELECT relname || ' ' || pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY 1")
            .map { $0[0] ?? "" }
        return out
    }

    @Test func dependenciesHoldWithFourJobs() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let src = try cluster.createDatabase(prefix: "parsrc")
        defer { cluster.dropDatabase(src) }
        let made = try cluster.psql(["-c", Self.schema], db: src, timeout: 120)
        try #require(made.status == 0, "\(made.stderr)")
        let tmp = try TempDir()
        let dump = tmp.file("par.dump"), dir = tmp.file("par.dir")
        for args in [["-Fc", "-f", dump], ["-Fd", "-f", dir]] {
            let r = try run(cluster.tool("pg_dump"), args + cluster.clientArgs(user: "postgres", db: src), timeout: 120)
            try #require(r.status == 0, "\(r.stderr)")
        }
        let expected = try Self.state(cluster.connect(db: src)).map { $0.replacingOccurrences(of: " app_owner", with: " dest_owner") }
        #expect(expected.count > 20)
        let conninfo = cluster.conninfo(db: "postgres", user: "restorer")
        for (label, input, viaStdin) in [("file", dump, false), ("directory", dir, false), ("pipe", dump, true)] {
            let live = try RestoreSetup.liveDatabase(cluster)
            defer { cluster.dropDatabase(live) }
            let r = viaStdin
                ? try shell("\"$PGREOWN\" restore - -d \(live) --owner dest_owner --target \"\(conninfo)\" --jobs 4 < '\(input)'", timeout: 180)
                : try run(Paths.binary, ["restore", input, "-d", live, "--owner", "dest_owner", "--target", conninfo, "--jobs", "4"], timeout: 180)
            #expect(r.status == 0, "\(label): \(r.stderr)")
            #expect(r.stderr.contains("parallel load: 4 connections"), "\(label)")
            let got = try Self.state(cluster.connect(db: live))
            #expect(got == expected, "\(label): missing \(Set(expected).subtracting(got).sorted()), extra \(Set(got).subtracting(expected).sorted())")
        }
    }

    /// An index whose function fails on one row: its connection fails, the others are stopped,
    /// the scratch database is dropped and the live one is untouched.
    @Test func anErrorOnOneConnectionStopsThemAll() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let src = try cluster.createDatabase(prefix: "parfail")
        defer { cluster.dropDatabase(src) }
        let made = try cluster.psql(["-c", """
            CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 400000) g;
            CREATE INDEX big_v ON big (v);
            CREATE TABLE small AS SELECT g AS x FROM generate_series(1, 10000) g;
            CREATE FUNCTION f(x int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$BEGIN RETURN x; END$$;
            CREATE INDEX small_f ON small (f(x));
            CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS
              $$BEGIN IF x = 5000 THEN RAISE EXCEPTION 'row 5000 refused'; END IF; RETURN x; END$$;
            """], db: src, timeout: 120)
        try #require(made.status == 0, "\(made.stderr)")
        let tmp = try TempDir()
        let dump = tmp.file("fail.dump")
        let r0 = try run(cluster.tool("pg_dump"), ["-Fc", "-f", dump] + cluster.clientArgs(user: "postgres", db: src), timeout: 120)
        try #require(r0.status == 0, "\(r0.stderr)")
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let r = try run(Paths.binary, ["restore", dump, "-d", live, "--owner", "dest_owner",
                                       "--target", cluster.conninfo(db: "postgres", user: "restorer"), "--jobs", "3"], timeout: 180)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(lastLine(r.stderr).contains("row 5000 refused") && lastLine(r.stderr).contains("INDEX public.small_f"), "\(lastLine(r.stderr))")
        #expect(lastLine(r.stderr).contains("untouched"))
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
        #expect(try RestoreSetup.databases(cluster, like: live + "-").isEmpty)
        // A closed session's backend exits a moment after the client does.
        var left: String?
        for _ in 0..<50 {
            left = try cluster.connect().query("SELECT count(*)::text FROM pg_stat_activity WHERE datname LIKE $1", [live + "-%"]).first?[0]
            if left == "0" { break }
            usleep(100_000)
        }
        #expect(left == "0", "sessions left behind")
    }
}
