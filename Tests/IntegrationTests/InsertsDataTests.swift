import DumpFormat
import Foundation
import Restore
import Testing

// Table data written as INSERT statements (`pg_dump --inserts`, `--column-inserts`,
// `--rows-per-insert=7`): a TABLE DATA entry with data but no COPY statement. A database made at
// test time (a 1000-row table, a table whose name and text hold quotes, semicolons, parentheses,
// backslashes, newlines and NULLs, a partitioned table, an identity column, a table without
// columns, an empty table) is dumped by every installed pg_dump (11, 13–18; 11, 13 and 14 from a
// server of their own major) in custom format (to a file, and to a pipe: no data offsets),
// directory, tar and plain, and each dump is restored into PostgreSQL 15 through every input path
// as the non-superuser `restorer`: the per-table checksums equal the source's and the rows check
// counts every row.

/// The source databases, made once per test process per server major, and the bin directories.
private enum InsertsSource {
    static let schema = #"""
        CREATE TABLE big (id int PRIMARY KEY, v text, n numeric);
        INSERT INTO big SELECT g, md5(g::text), g * 1.5 FROM generate_series(1, 1000) g;
        CREATE TABLE "Odd ""Name"" ;x" (id int, t text, b bytea, j jsonb, a int[], d date);
        INSERT INTO "Odd ""Name"" ;x" VALUES
          (1, E'line1\nline2\r\nline3', '\x00ff'::bytea, '{"k": "v;)"}', '{1,2,NULL}', '2020-01-01'),
          (2, NULL, NULL, NULL, NULL, NULL),
          (3, 'it''s; a (paren) ''quote''', '', '[]', '{}', 'infinity'),
          (4, E'back\\slash \\. and tab\t', '\x5c2e'::bytea, 'null', NULL, NULL),
          (5, '$$dollar$$ -- not a comment /* nor this */', NULL, '{"a": [1, {"b": "("}]}', NULL, NULL),
          (6, E'\\.\n\\.\n', NULL, NULL, NULL, NULL),
          (7, E'\u00fcn\u00efc\u00f8d\u00e9 \u2713', NULL, NULL, NULL, NULL);
        CREATE TABLE parted (k int NOT NULL, v text) PARTITION BY RANGE (k);
        CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (100);
        CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (100) TO (1000);
        INSERT INTO parted SELECT g, 'v' || g FROM generate_series(0, 299) g;
        CREATE TABLE ident (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);
        INSERT INTO ident (v) SELECT 'x' || g FROM generate_series(1, 12) g;
        CREATE TABLE nocols ();
        INSERT INTO nocols DEFAULT VALUES;
        INSERT INTO nocols DEFAULT VALUES;
        CREATE TABLE empty_t (x int);
        ALTER TABLE big OWNER TO app_owner; ALTER TABLE "Odd ""Name"" ;x" OWNER TO app_owner;
        ALTER TABLE parted OWNER TO app_owner; ALTER TABLE parted_1 OWNER TO app_owner; ALTER TABLE parted_2 OWNER TO app_owner;
        ALTER TABLE ident OWNER TO app_owner; ALTER TABLE nocols OWNER TO app_owner; ALTER TABLE empty_t OWNER TO app_owner;
        """#
    static let tables = ["big", #""Odd ""Name"" ;x""#, "parted", "parted_1", "parted_2", "ident", "nocols", "empty_t"]
    /// Rows in the tables with data (the partitions', not the parent's), and those tables.
    static let totalRows = 1000 + 7 + 300 + 12 + 2
    static let tablesWithData = 7

    static func checksums(_ c: Connection) throws -> [String] {
        try tables.map { t in
            try c.query("SELECT count(*) || ' ' || coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '-') FROM \(t) x")
                .first?[0].flatMap { $0 }.map { "\(t) \($0)" } ?? "\(t) ?"
        }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var sources: [Int: (String, [String])] = [:]

    /// The source database on `cluster` (made on first use) and its checksums.
    static func database(on cluster: Cluster) throws -> (db: String, expected: [String]) {
        lock.lock()
        defer { lock.unlock() }
        if let s = sources[cluster.major] { return s }
        let db = try cluster.createDatabase(prefix: "inssrc")
        let made = try cluster.psql(["-c", schema], db: db, timeout: 120)
        guard made.status == 0 else { throw ClusterError("source on PostgreSQL \(cluster.major): \(made.stderr)") }
        let expected = try checksums(cluster.connect(db: db))
        sources[cluster.major] = (db, expected)
        return (db, expected)
    }

    /// The bin directory of an installed PostgreSQL major (scripts/lib.sh pg_bin_dir), nil when absent.
    static func binDir(_ major: Int) -> String? {
        guard let r = try? run("/bin/bash", ["-c", ". '\(Paths.root.path)/scripts/lib.sh' && pg_bin_dir \(major)"]), r.status == 0
        else { return nil }
        let dir = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return dir.isEmpty ? nil : dir
    }

    /// The cluster pg_dump `major` dumps from: its own major below 15 (pg_dump refuses a newer
    /// server), the PostgreSQL 15 test cluster otherwise.
    static func cluster(for major: Int) async throws -> Cluster {
        try await Clusters.shared.cluster(major < 15 ? major : 15)
    }
}

/// The dumps of one pg_dump major in one mode, in every format.
private struct InsertDumps {
    var mode: String
    var custom: String
    /// `-Fc` written to a pipe (no data offsets), kept in a file to feed stdin.
    var piped: String
    var directory: String
    var tar: String
    var plain: String

    static func make(pgDump: String, mode: String, source: Cluster, db: String, in tmp: TempDir) throws -> InsertDumps {
        let tag = mode.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "=", with: "")
        let d = InsertDumps(mode: mode, custom: tmp.file("\(tag).dump"), piped: tmp.file("\(tag).piped.dump"),
                            directory: tmp.file("\(tag).dir"), tar: tmp.file("\(tag).tar"), plain: tmp.file("\(tag).sql"))
        let conn = source.clientArgs(user: "postgres", db: db)
        for args in [["-Fc", "-f", d.custom], ["-Fd", "-f", d.directory], ["-Ft", "-f", d.tar], ["-Fp", "-f", d.plain]] {
            let r = try run(pgDump, [mode] + args + conn, env: Cluster.clientEnv, timeout: 120)
            guard r.status == 0 else { throw ClusterError("\(pgDump) \(mode) \(args[0]): \(r.stderr)") }
        }
        let quoted = ([pgDump, mode, "-Fc"] + conn).map { "'\($0)'" }.joined(separator: " ")
        let r = try shell("PGTZ=UTC \(quoted) | cat > '\(d.piped)'")
        guard r.status == 0 else { throw ClusterError("\(pgDump) \(mode) -Fc | cat: \(r.stderr)") }
        return d
    }
}

/// One way into `pgreown restore`.
private struct InputPath: Sendable, CustomStringConvertible {
    enum File: Sendable { case custom, piped, directory, tar, plain }
    var name: String
    var file: File
    var viaStdin = false
    var jobs = 1
    var description: String { name }

    func input(_ d: InsertDumps) -> String {
        switch file {
        case .custom: return d.custom
        case .piped: return d.piped
        case .directory: return d.directory
        case .tar: return d.tar
        case .plain: return d.plain
        }
    }

    static let all: [InputPath] = [
        InputPath(name: "custom file --jobs 1", file: .custom),
        InputPath(name: "custom file --jobs 4", file: .custom, jobs: 4),
        InputPath(name: "custom via stdin --jobs 1", file: .piped, viaStdin: true),
        InputPath(name: "custom via stdin --jobs 2", file: .piped, viaStdin: true, jobs: 2),
        InputPath(name: "directory --jobs 2", file: .directory, jobs: 2),
        InputPath(name: "tar", file: .tar),
        InputPath(name: "plain file", file: .plain),
        InputPath(name: "plain via stdin", file: .plain, viaStdin: true),
    ]
}

@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct InsertsDataTests {
    static let majors = [11, 13, 14, 15, 16, 17, 18]

    /// Restore `input` into a new database as `restorer`; the result and the database.
    private static func restore(_ target: Cluster, _ input: String, viaStdin: Bool, jobs: Int) throws -> (RunResult, String) {
        let live = "insdst_\(UUID().uuidString.prefix(8).lowercased())"
        let conninfo = target.conninfo(db: "postgres", user: "restorer")
        let r = viaStdin
            ? try shell("\"$PGREOWN\" restore - -d \(live) --owner dest_owner --target \"\(conninfo)\" --jobs \(jobs) < '\(input)'", timeout: 180)
            : try run(Paths.binary, ["restore", input, "-d", live, "--owner", "dest_owner", "--target", conninfo, "--jobs", String(jobs)], timeout: 180)
        return (r, live)
    }

    @Test(arguments: majors)
    func everyDumpLoadsThroughEveryInputPath(major: Int) async throws {
        guard let bin = InsertsSource.binDir(major) else {
            // 15 is the system's and must be there; the others are optional installs.
            #expect(major != 15, "no PostgreSQL 15 bin directory")
            return
        }
        let source = try await InsertsSource.cluster(for: major)
        let target = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(target)
        let (db, expected) = try InsertsSource.database(on: source)
        let tmp = try TempDir()
        // --rows-per-insert came with pg_dump 12.
        let modes = ["--inserts", "--column-inserts"] + (major >= 12 ? ["--rows-per-insert=7"] : [])
        for mode in modes {
            let dumps = try InsertDumps.make(pgDump: "\(bin)/pg_dump", mode: mode, source: source, db: db, in: tmp)
            // Every input path for the first mode; the others (the same statements, written
            // differently) through a stream and a plain file, unless PGREOWN_FULL_MATRIX=1.
            let full = mode == modes[0] || ProcessInfo.processInfo.environment["PGREOWN_FULL_MATRIX"] == "1"
            let paths = full ? InputPath.all : InputPath.all.filter { ["custom via stdin --jobs 2", "plain file"].contains($0.name) }
            for path in paths {
                let what = "pg_dump \(major) \(mode), \(path)"
                let (r, live) = try Self.restore(target, path.input(dumps), viaStdin: path.viaStdin, jobs: path.jobs)
                defer { target.dropDatabase(live) }
                #expect(r.status == 0, "\(what): \(r.stderr)")
                guard r.status == 0 else { continue }
                #expect(r.stderr.contains("check rows: ok: \(InsertsSource.tablesWithData) tables"), "\(what): \(r.stderr)")
                #expect(r.stderr.contains("\(InsertsSource.tablesWithData) tables (\(InsertsSource.totalRows) rows"), "\(what): \(lastLine(r.stderr))")
                let got = try InsertsSource.checksums(target.connect(db: live))
                #expect(got == expected, "\(what)")
            }
        }
    }

    /// `verify` reports the rows of INSERT data, per table, in every format.
    @Test func verifyCountsInsertRows() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        let (db, _) = try InsertsSource.database(on: cluster)
        let tmp = try TempDir()
        let dumps = try InsertDumps.make(pgDump: cluster.tool("pg_dump"), mode: "--rows-per-insert=7", source: cluster, db: db, in: tmp)
        for input in [dumps.custom, dumps.piped, dumps.directory, dumps.tar, dumps.plain] {
            let r = try pgreown("verify", input, "--json")
            #expect(r.status == 0, "\(input): \(r.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            let tables = (json?["tables"] as? [[String: Any]]) ?? []
            let rows = Dictionary(tables.compactMap { t in (t["table"] as? String).map { ($0, t["rows"] as? Int) } }) { a, _ in a }
            #expect(rows["big"] == 1000 && rows["Odd \"Name\" ;x"] == 7 && rows["parted_1"] == 100 && rows["parted_2"] == 200
                    && rows["ident"] == 12 && rows["nocols"] == 2 && rows["empty_t"] == 0, "\(input): \(rows)")
        }
    }

    /// A corrupted INSERT data stream fails the restore (and verify): a statement cut short, a
    /// statement pg_dump never writes there.
    @Test func corruptedInsertDataFails() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let (db, _) = try InsertsSource.database(on: cluster)
        let tmp = try TempDir()
        let dir = tmp.file("x.dir")
        let r0 = try run(cluster.tool("pg_dump"), ["--inserts", "-Fd", "-Z0", "-f", dir] + cluster.clientArgs(user: "postgres", db: db),
                         env: Cluster.clientEnv, timeout: 120)
        try #require(r0.status == 0, "\(r0.stderr)")
        // The biggest data file is big's.
        let fm = FileManager.default
        let files = try fm.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".dat") }
        let sizes = try files.map { ($0, (try fm.attributesOfItem(atPath: "\(dir)/\($0)")[.size] as? Int) ?? 0) }
        let big = try #require(sizes.max { $0.1 < $1.1 }?.0)
        let original = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(big)"))
        let corruptions: [(String, Data)] = [
            ("cut short", original.prefix(original.count - 30)),
            ("cut inside a string", original.prefix(original.count - 40)),
            ("not an INSERT", Data("DELETE FROM public.ident;\n".utf8) + original),
        ]
        for (what, bytes) in corruptions {
            try bytes.write(to: URL(fileURLWithPath: "\(dir)/\(big)"))
            let v = try pgreown("verify", dir)
            #expect(v.status != 0, "verify, \(what): \(v.stdout)")
            #expect(lastLine(v.stderr).contains("TABLE DATA public.big"), "verify, \(what): \(lastLine(v.stderr))")
            for jobs in [1, 2] {
                let (r, live) = try Self.restore(cluster, dir, viaStdin: false, jobs: jobs)
                defer { cluster.dropDatabase(live) }
                #expect(r.status != 0, "restore --jobs \(jobs), \(what): \(r.stderr)")
                #expect(lastLine(r.stderr).contains("TABLE DATA public.big"), "restore --jobs \(jobs), \(what): \(lastLine(r.stderr))")
            }
        }
    }

    /// The script of an --inserts archive (the data text as it is) equals `pg_restore -f -`'s
    /// byte for byte, from every archive format.
    @Test func scriptMatchesPgRestore() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        let (db, _) = try InsertsSource.database(on: cluster)
        let tmp = try TempDir()
        for mode in ["--inserts", "--column-inserts", "--rows-per-insert=7"] {
            let dumps = try InsertDumps.make(pgDump: cluster.tool("pg_dump"), mode: mode, source: cluster, db: db, in: tmp)
            for input in [dumps.custom, dumps.piped, dumps.directory, dumps.tar] {
                let r = try run(cluster.tool("pg_restore"), ["-f", tmp.file("expected.sql"), input])
                try #require(r.status == 0, "\(r.stderr)")
                let expected = try Data(contentsOf: URL(fileURLWithPath: tmp.file("expected.sql")))
                let key = String(decoding: expected.prefix(4096), as: UTF8.self).split(separator: "\n")
                    .first { $0.hasPrefix("\\restrict ") }.map { String($0.dropFirst("\\restrict ".count)) }
                let source = try DumpSource.open(input)
                let out = try Output(path: tmp.file("got.sql"), sync: false)
                try source.read(ScriptWriter(output: out, options: .init(restrictKey: key), inputName: source.name), data: true)
                try out.commit()
                let got = try Data(contentsOf: URL(fileURLWithPath: tmp.file("got.sql")))
                #expect(got == expected, "\(mode) \(input): sizes \(got.count) vs \(expected.count)")
                #expect(got.range(of: Data("INSERT INTO public.big".utf8)) != nil)
            }
        }
    }

    /// `rewrite` of an --inserts archive, to custom and to plain: stock pg_restore and psql load
    /// every row.
    @Test func rewrittenArchiveLoadsWithStockTools() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        let (db, expected) = try InsertsSource.database(on: cluster)
        let tmp = try TempDir()
        let dumps = try InsertDumps.make(pgDump: cluster.tool("pg_dump"), mode: "--rows-per-insert=7", source: cluster, db: db, in: tmp)
        for input in [dumps.custom, dumps.piped] {
            let custom = tmp.file("re.dump"), plain = tmp.file("re.sql")
            let rc = try pgreown("rewrite", input, "--owner", "dest_owner", "-o", custom)
            try #require(rc.status == 0, "\(rc.stderr)")
            let rp = try pgreown("rewrite", input, "--owner", "dest_owner", "--format", "plain", "-o", plain)
            try #require(rp.status == 0, "\(rp.stderr)")
            for (tool, args) in [("pg_restore", ["--exit-on-error", custom]), ("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", plain])] {
                let fresh = try cluster.createDatabase(prefix: "insre")
                defer { cluster.dropDatabase(fresh) }
                let r = try run(cluster.tool(tool), cluster.clientArgs(user: "postgres", db: fresh) + args, env: Cluster.clientEnv, timeout: 120)
                #expect(r.status == 0, "\(tool) \(input): \(r.stderr)")
                #expect(try InsertsSource.checksums(cluster.connect(db: fresh)) == expected, "\(tool) \(input)")
            }
        }
    }
}

/// INSERT data cut at every byte: the same statements and rows however the chunks fall.
struct InsertDataSplitterTests {
    static let text = Array(#"""
        INSERT INTO public.t VALUES (1, 'a;b', E'x\'y', $$z);$$);
        INSERT INTO public."t ""2""" (a, "b c") OVERRIDING SYSTEM VALUE VALUES
        	(1, '(', '{1,2}'),
        	(2, ')', NULL);
        -- a comment; with a semicolon
        INSERT INTO public.n DEFAULT VALUES;
        INSERT INTO public.t VALUES (3, 'x') ON CONFLICT DO NOTHING;


        """#.utf8)

    @Test func everyCutGivesTheSameStatementsAndRows() throws {
        let entry = TOCEntry(dumpId: 7, hadDumper: true, tag: Array("t".utf8), desc: "TABLE DATA", section: .data)
        for cut in 0...Self.text.count {
            let s = InsertDataSplitter(entry: entry, fileName: "test", standardConformingStrings: true)
            var rows: [Int64] = []
            try Self.text.withUnsafeBytes { raw in
                try s.feed(UnsafeRawBufferPointer(rebasing: raw[..<cut])) { _, n in rows.append(n) }
                try s.feed(UnsafeRawBufferPointer(rebasing: raw[cut...])) { _, n in rows.append(n) }
            }
            try s.finish { _, n in rows.append(n) }
            #expect(rows == [1, 2, 1, 1], "cut at \(cut)")
            #expect(s.rows == 5)
        }
    }

    @Test func whatCannotBeCountedIsAnError() throws {
        let entry = TOCEntry(dumpId: 7, hadDumper: true, tag: Array("t".utf8), desc: "TABLE DATA", section: .data)
        for bad in ["INSERT INTO t SELECT 1;", "UPDATE t SET a = 1;", "INSERT INTO t VALUES (1, 'x'", "INSERT INTO t VALUES (1, 'x);\n",
                    "\\! ls\n",
                    // pg_dump writes literals only: an expression would run as the restoring role.
                    "INSERT INTO t VALUES (pg_catalog.set_config('role', 'postgres', false));", "INSERT INTO t VALUES ((SELECT 1));",
                    "INSERT INTO t VALUES (1::int);"] {
            let s = InsertDataSplitter(entry: entry, fileName: "test", standardConformingStrings: true)
            #expect(throws: DumpError.self, "\(bad)") {
                try s.all(Array(bad.utf8)) { _, _ in }
            }
        }
    }
}
