import DumpFormat
import Foundation
import Restore
import Testing

// Acceptance of the version bridge (issue 11): what pg_dump 16, 17 and 18 wrote, rewritten with
// `pgreown rewrite --target-version N` (roles left as they are), is read by stock pg_restore N:
//   1. `pg_restore -l` (of N) lists the entries of the original's listing (its own pg_restore's),
//      minus the entries pgreown's report says it left out, with 17's large-object entries in
//      16's form (BLOB instead of BLOB METADATA, one BLOBS entry);
//   2. `pg_restore --exit-on-error` (of N) restores it into a PostgreSQL N server: exit 0,
//      nothing on stderr;
//   3. the result equals the ORIGINAL restored by its own pg_restore into a server of its own
//      major (the only server its pg_restore restores into without errors: pg_restore 17 sends
//      SET transaction_timeout): owners, ACLs, default ACLs, policies, user mappings (Snapshot,
//      RestoreAcceptanceTests), an md5 per table over the ordered rows, large objects.
//      Two differences between the servers are not the dump's: the MAINTAIN privilege (17+,
//      part of a table owner's default privileges there) is left out on both sides, and the
//      public schema (owned by pg_database_owner from 15 on, by the bootstrap superuser in 14)
//      is compared only where the dump has an entry for it and both servers are 15+; and a
//      procedure's identity arguments are spelled "(IN x)" from 14 on.
//
// N = 15: every archive fixture of pg_dump 16, 17, 18 of the PostgreSQL 15 server
// (Tests/Fixtures/pg16|pg17|pg18: each compression, file and pipe, custom/directory/tar input,
// `app` with large objects and `superuser_objects` without), and a few of them for N = 11. N = 14: the PostgreSQL 14 server's
// app database dumped by pg_dump 16, 17, 18 (Tests/Fixtures/from-pg14, make-fixtures --from-pg14).

struct BridgeCase: Sendable, CustomTestStringConvertible {
    /// Relative to Tests/Fixtures.
    var fixture: String
    var target: Int
    var viaStdin = false
    /// The pg_dump major that wrote the fixture.
    var dumpMajor: Int {
        let name = fixture.split(separator: "/").last.map(String.init) ?? ""
        let dir = String(fixture.prefix { $0 != "/" })
        let v = dir.hasPrefix("pg") ? dir : String(name.prefix { $0 != "." })
        return Int(v.dropFirst(2)) ?? 0
    }
    var database: String {
        let parts = (fixture.split(separator: "/").last ?? "").split(separator: ".")
        return String(fixture.hasPrefix("from-pg14/") ? parts[1] : parts[0])
    }
    var countsDir: String { fixture.hasPrefix("from-pg14/") ? "from-pg14" : "pg15" }
    var testDescription: String { "\(fixture) → pg_restore \(target)\(viaStdin ? " (stdin → stdout)" : "")" }
}

private let bridgeGate = AsyncGate(2)

@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct VersionBridgeTests {
    static let to15: [BridgeCase] = archiveFixtures.filter { f in
        ["pg16/", "pg17/", "pg18/"].contains { f.hasPrefix($0) }
            && ["app.", "superuser_objects."].contains { f.split(separator: "/")[1].hasPrefix($0) }
    }.map { BridgeCase(fixture: $0, target: 15) } + [BridgeCase(fixture: "pg17/app.custom-pipe.dump", target: 15, viaStdin: true)]

    static let to14: [BridgeCase] = {
        let dir = Paths.fixture("from-pg14")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".dump") }.sorted()
        return files.map { BridgeCase(fixture: "from-pg14/\($0)", target: 14) }
    }()

    /// 11 reads archive 1.13, without tableam and with no NULL tag, owner, definition or drop
    /// statement: a few of the 15 server's dumps restore into PostgreSQL 11 too.
    static let to11: [BridgeCase] = ["pg17/app.custom-lz4.dump", "pg18/app.custom.dump", "pg16/superuser_objects.custom.dump"]
        .map { BridgeCase(fixture: $0, target: 11) }

    @Test(arguments: to15 + to14 + to11)
    func stockPgRestoreOfTheTargetReadsAndRestoresIt(_ c: BridgeCase) async throws {
        await bridgeGate.acquire()
        defer { Task { await bridgeGate.release() } }
        let target = try await Clusters.shared.cluster(c.target)
        let own = try await Clusters.shared.cluster(c.dumpMajor)
        try check(c, target: target, own: own)
    }

    func check(_ c: BridgeCase, target: Cluster, own: Cluster) throws {
        let fixture = Paths.fixture(c.fixture)
        let tmp = try TempDir()
        let out = tmp.file("bridged.dump")
        let rw: RunResult
        if c.viaStdin {
            rw = try shell("\"$PGREOWN\" rewrite - --target-version \(c.target) -o - < '\(fixture)' > '\(out)'")
        } else {
            rw = try run(Paths.binary, ["rewrite", fixture, "--target-version", "\(c.target)", "-o", out], timeout: 120)
        }
        try #require(rw.status == 0, "pgreown rewrite failed (\(rw.status)): \(rw.stderr)")
        #expect(rw.stderr.contains("roles: unchanged"))

        // 1. The listing of the target's pg_restore.
        let listed = try run(target.tool("pg_restore"), ["-l", out], env: Cluster.clientEnv, timeout: 60)
        try #require(listed.status == 0 && listed.stderr.isEmpty, "pg_restore \(c.target) -l: \(listed.stderr)")
        let version = VersionBridge.archiveVersion(writtenBy: c.target)
        #expect(listed.stdout.contains(";     Dump Version: \(version.listSpelling)"), "\(listed.stdout.prefix(600))")
        #expect(listed.stdout.contains(";     Format: CUSTOM"))
        let originalList: String
        if FileManager.default.fileExists(atPath: fixture + ".list") {
            originalList = try String(contentsOfFile: fixture + ".list", encoding: .utf8)
        } else {
            let l = try run(own.tool("pg_restore"), ["-l", fixture], env: Cluster.clientEnv, timeout: 60)
            try #require(l.status == 0, "pg_restore \(c.dumpMajor) -l: \(l.stderr)")
            originalList = l.stdout
        }
        let original = Self.entryLines(originalList)
        let leftOut = original.filter { $0.line.contains(" STATISTICS DATA ") }
        for e in leftOut {
            #expect(rw.stderr.contains("TOC entry \(e.id) (STATISTICS DATA") && rw.stderr.contains("left out"), "report does not name \(e.id)")
        }
        #expect(Self.entryLines(listed.stdout).map(\.line).sorted() == Self.expectedLines(original).sorted(),
                "listing differs:\n\(listed.stdout)")

        // 2. Restored by the target's pg_restore into the target server.
        let targetDB = try target.createDatabase(prefix: "bridge_t")
        defer { target.dropDatabase(targetDB) }
        let restored = try run(target.tool("pg_restore"), ["--exit-on-error"] + target.clientArgs(user: "postgres", db: targetDB) + [out],
                               env: Cluster.clientEnv, timeout: 180)
        #expect(restored.status == 0, "pg_restore \(c.target) of the bridged archive failed: \(restored.stderr)")
        #expect(restored.stderr.isEmpty, "pg_restore \(c.target) printed: \(restored.stderr)")
        guard restored.status == 0 else { return }

        // 3. The original, by its own pg_restore into a server of its own major.
        let sourceDB = try own.createDatabase(prefix: "bridge_s")
        defer { own.dropDatabase(sourceDB) }
        let source = try run(own.tool("pg_restore"), ["--exit-on-error"] + own.clientArgs(user: "postgres", db: sourceDB) + [fixture],
                             env: Cluster.clientEnv, timeout: 180)
        try #require(source.status == 0, "pg_restore \(c.dumpMajor) of the original: \(source.stderr)")

        try Self.compare(source: own.connect(db: sourceDB), target: target.connect(db: targetDB),
                         comparePublic: c.target >= 15 && originalList.contains(" SCHEMA - public "), what: c.testDescription)

        // Rows and large objects as the server that was dumped recorded them.
        let conn = try target.connect(db: targetDB)
        let rows = try String(contentsOfFile: Paths.fixture("\(c.countsDir)/\(c.database).rows.tsv"), encoding: .utf8)
        var tables = 0
        for line in rows.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 3 else { continue }
            let q = "SELECT count(*) FROM \(try conn.quoteIdentifier(f[0])).\(try conn.quoteIdentifier(f[1]))"
            #expect(try conn.query(q)[0][0] == f[2], "rows of \(f[0]).\(f[1])")
            tables += 1
        }
        #expect(tables >= (c.database == "app" ? 8 : 1))
        let los = try conn.query("SELECT oid::text || E'\\t' || length(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid").map { $0[0] ?? "" }
        let expectedLOs = try String(contentsOfFile: Paths.fixture("\(c.countsDir)/\(c.database).largeobjects.tsv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(los == expectedLOs, "large objects")
        if c.database == "app" { #expect(los.count == 3) }
    }

    /// Owners, ACLs, default ACLs, policies, user mappings and per-table checksums of two
    /// databases (see the file comment for MAINTAIN and the public schema).
    static func compare(source: Connection, target: Connection, comparePublic: Bool, what: String) throws {
        // Procedures' identity arguments read "(IN x int)" from 14 on, "(x int)" before.
        func normalised(_ snap: Snapshot) -> Snapshot {
            func key(_ k: ObjectKey) -> ObjectKey {
                k.kind == "function" ? ObjectKey(k.kind, k.name.replacingOccurrences(of: "(IN ", with: "(")
                    .replacingOccurrences(of: ", IN ", with: ", ")) : k
            }
            var s = snap
            s.owners = Dictionary(uniqueKeysWithValues: snap.owners.map { (key($0.key), $0.value) })
            s.acls = Dictionary(uniqueKeysWithValues: snap.acls.map { (key($0.key), $0.value) })
            return s
        }
        let src = normalised(try Snapshot(source))
        let tgt = normalised(try Snapshot(target))
        let skip: (ObjectKey) -> Bool = { $0 == ObjectKey("schema", "public") && !comparePublic }
        let srcObjects = Set(src.owners.keys.filter { !skip($0) })
        let tgtObjects = Set(tgt.owners.keys.filter { !skip($0) })
        #expect(tgtObjects == srcObjects, "\(what): missing \(srcObjects.subtracting(tgtObjects).sorted()), extra \(tgtObjects.subtracting(srcObjects).sorted())")
        #expect(srcObjects.count >= 8)
        for key in srcObjects.sorted() { #expect(tgt.owners[key] == src.owners[key], "\(what): owner of \(key)") }

        func noMaintain(_ items: [AclItem]) -> [AclItem] { AclItem.normalised(items.filter { $0.privilege != "MAINTAIN" }) }
        let keys = Set(src.acls.keys).union(tgt.acls.keys).filter { !skip($0) }
        for key in keys.sorted() {
            #expect(noMaintain(tgt.acls[key] ?? []) == noMaintain(src.acls[key] ?? []), "\(what): ACL of \(key)")
        }
        #expect(!src.acls.isEmpty)
        #expect(tgt.defaultACLs.mapValues(noMaintain).filter { !$0.value.isEmpty }
                == src.defaultACLs.mapValues(noMaintain).filter { !$0.value.isEmpty }, "\(what): default ACLs")
        #expect(tgt.policies == src.policies, "\(what): policies")
        #expect(Set(tgt.userMappings) == Set(src.userMappings), "\(what): user mappings")

        let tablesQuery = """
            SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2
            """
        let tables = try source.query(tablesQuery).map { ($0[0] ?? "", $0[1] ?? "") }
        #expect(try target.query(tablesQuery).map { ($0[0] ?? "", $0[1] ?? "") }.elementsEqual(tables, by: ==))
        for (schema, table) in tables {
            #expect(try RestoreSetup.checksum(target, schema, table) == RestoreSetup.checksum(source, schema, table),
                    "\(what): rows of \(schema).\(table)")
        }
        let loQuery = "SELECT oid::text, md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid"
        #expect(try target.query(loQuery).map { [$0[0], $0[1]] } == source.query(loQuery).map { [$0[0], $0[1]] }, "\(what): large objects")
    }

    /// The entry lines of a `pg_restore -l` listing: the dumpId, and the rest without it.
    static func entryLines(_ listing: String) -> [(id: Int, line: String)] {
        listing.split(separator: "\n").compactMap { l -> (Int, String)? in
            guard let semi = l.firstIndex(of: ";"), let id = Int(l[..<semi]) else { return nil }
            return (id, String(l[l.index(after: semi)...]))
        }
    }

    /// The original's entries as 16's layout lists them: STATISTICS DATA left out, BLOB METADATA
    /// → BLOB, the BLOBS entries → one `BLOBS - BLOBS` entry without owner.
    static func expectedLines(_ original: [(id: Int, line: String)]) -> [String] {
        var out: [String] = []
        var blobs = false
        for (_, line) in original {
            if line.contains(" STATISTICS DATA ") { continue }
            if line.hasPrefix(" 0 0 BLOBS - ") {
                if !blobs { out.append(" 0 0 BLOBS - BLOBS ") }
                blobs = true
                continue
            }
            out.append(line.replacingOccurrences(of: " BLOB METADATA - ", with: " BLOB - "))
        }
        return out
    }

    // MARK: - Data blocks

    /// gzip and uncompressed items are copied byte for byte: every chunk of every data item of
    /// the bridged archive equals the original's (items keyed by dumpId, large objects by OID,
    /// the BLOBS blocks merged); lz4 and zstd items are recompressed (zlib streams) and decode
    /// to the same bytes.
    @Test(arguments: ["pg17/app.custom.dump", "pg17/app.custom-z0.dump", "pg17/app.custom-pipe.dump", "pg18/app.custom.dump",
                      "pg16/app.custom.dump", "pg17/superuser_objects.custom.dump", "from-pg14/pg18.app.custom-stats.dump",
                      "pg17/app.custom-lz4.dump", "pg17/app.custom-zstd.dump"])
    func dataBlocksAreCopiedByteForByte(_ name: String) throws {
        let fixture = Paths.fixture(name)
        let tmp = try TempDir()
        let out = tmp.file("bridged.dump")
        let rw = try run(Paths.binary, ["rewrite", fixture, "--target-version", "15", "-o", out])
        try #require(rw.status == 0, "\(rw.stderr)")
        let before = try ArchiveItems.read(fixture)
        let after = try ArchiveItems.read(out)
        #expect(after.version == .v1_14)
        #expect(Set(after.items.keys) == Set(before.items.keys))
        #expect(before.items.count >= (name.contains("app.") ? 11 : 1))   // app: 8 tables, 3 large objects
        #expect(after.blobBlocks <= 1, "large objects in \(after.blobBlocks) blocks")
        let recompressed = before.compression == .lz4 || before.compression == .zstd
        #expect(after.compression == (recompressed ? .gzip : before.compression))
        for (key, chunks) in before.items {
            let got = after.items[key] ?? []
            if recompressed {
                #expect(got.first?.first == 0x78, "\(key): not a zlib stream")
                #expect(try ArchiveItems.decode(got, .gzip) == ArchiveItems.decode(chunks, before.compression), "\(key): content differs")
            } else {
                #expect(got == chunks, "\(key): chunks differ")
            }
        }
        #expect(rw.stderr.contains("recompressed") == recompressed)
    }

    /// `inspect` says which pg_restore majors read an archive as it is and which need
    /// --target-version; a bridged archive is read by the target's.
    @Test(arguments: [("pg17/app.custom.dump", 17, "11–16"), ("pg16/app.dir", 16, "11–15"), ("pg15/app.tar", 12, "11"),
                      ("pg11/app.custom.dump", 11, "")])
    func inspectSaysWhichPgRestoreReadsIt(_ name: String, _ from: Int, _ need: String) throws {
        let r = try pgreown("inspect", Paths.fixture(name))
        #expect(r.status == 0, "\(r.stderr)")
        let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("pg_restore: ") }.map(String.init) ?? ""
        #expect(line.hasPrefix("pg_restore: \(from) and later read it as it is"), "\(line)")
        #expect(line.contains("; \(need) need") == !need.isEmpty, "\(line)")
        let json = try pgreown("inspect", "--json", Paths.fixture(name))
        #expect(json.stdout.contains("\"readsAsIsFrom\" : \(from)"))

        let tmp = try TempDir()
        let out = tmp.file("for14.dump")
        let rw = try pgreown("rewrite", Paths.fixture(name), "--target-version", "14", "-o", out)
        try #require(rw.status == 0, "\(rw.stderr)")
        let after = try pgreown("inspect", out)
        #expect(after.stdout.contains("pg_restore: \(from == 11 ? 11 : 12) and later read it as it is"), "\(after.stdout)")
    }

    // MARK: - A PostgreSQL 17 server: MAINTAIN, large-object groups, a partitioned table's AM

    /// What pg_dump 17 writes of a 17 server that 15 lacks: MAINTAIN in grants and default
    /// privileges, several large objects with one owner and ACL in one `BLOB METADATA` group with
    /// a `LARGE OBJECTS a..b` ACL, a partitioned table with an access method. The bridged archive
    /// restores into PostgreSQL 15 with zero errors: MAINTAIN gone (a grant of nothing else left
    /// out), every large object with its owner, ACL and comment. A publication FOR TABLES IN
    /// SCHEMA is refused for 14 (exit 1, nothing written) unless --force.
    @Test func aDumpOfA17ServerRestoresInto15() async throws {
        let c17 = try await Clusters.shared.cluster(17)
        let c15 = try await Clusters.shared.cluster(15)
        let db = try c17.createDatabase(prefix: "bridge17")
        defer { c17.dropDatabase(db) }
        let setup = try c17.psql(["-c", """
            CREATE TABLE t (id int);
            GRANT SELECT, MAINTAIN ON t TO reporting;
            GRANT MAINTAIN ON t TO auditor;
            ALTER DEFAULT PRIVILEGES GRANT MAINTAIN, SELECT ON TABLES TO reporting;
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT MAINTAIN ON TABLES TO auditor;
            CREATE TABLE p (id int) PARTITION BY RANGE (id);
            ALTER TABLE p SET ACCESS METHOD heap;
            CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
            INSERT INTO p VALUES (1), (2);
            SELECT lo_from_bytea(7001, 'one'), lo_from_bytea(7002, 'two'), lo_from_bytea(7003, 'three');
            GRANT SELECT ON LARGE OBJECT 7001, 7002, 7003 TO reporting;
            COMMENT ON LARGE OBJECT 7002 IS 'the second';
            """], db: db)
        try #require(setup.status == 0, "\(setup.stderr)")
        let tmp = try TempDir()
        let dump = tmp.file("pg17.dump")
        let dumped = try run(c17.tool("pg_dump"), ["-Fc", "-f", dump] + c17.clientArgs(user: "postgres", db: db), env: Cluster.clientEnv)
        try #require(dumped.status == 0, "\(dumped.stderr)")
        let original = try run(c17.tool("pg_restore"), ["-l", dump], env: Cluster.clientEnv)
        #expect(original.stdout.contains("ACL - LARGE OBJECTS 7001..7003 postgres"), "\(original.stdout)")

        let out = tmp.file("pg15.dump")
        let rw = try run(Paths.binary, ["rewrite", dump, "--target-version", "15", "-o", out])
        try #require(rw.status == 0, "\(rw.stderr)")
        #expect(rw.stderr.contains("privilege MAINTAIN taken out of GRANT/REVOKE"))
        #expect(rw.stderr.contains("became 3 BLOB entries (7001, 7002, 7003)"))
        #expect(rw.stderr.contains("became 3 ACL entries"))
        #expect(rw.stderr.contains("access method heap of the partitioned table left out"))
        #expect(rw.stderr.contains("note: the dump was made from a PostgreSQL 17 server"))

        let listed = try run(c15.tool("pg_restore"), ["-l", out], env: Cluster.clientEnv)
        try #require(listed.status == 0, "\(listed.stderr)")
        for oid in 7001...7003 {
            #expect(listed.stdout.contains("BLOB - \(oid) postgres"))
            #expect(listed.stdout.contains("ACL - LARGE OBJECT \(oid) postgres"))
        }
        let target = try c15.createDatabase(prefix: "bridge17_t")
        defer { c15.dropDatabase(target) }
        let restored = try run(c15.tool("pg_restore"), ["--exit-on-error"] + c15.clientArgs(user: "postgres", db: target) + [out],
                               env: Cluster.clientEnv, timeout: 120)
        try #require(restored.status == 0 && restored.stderr.isEmpty, "pg_restore 15: \(restored.stderr)")
        let conn = try c15.connect(db: target)
        #expect(try conn.query("SELECT relacl::text FROM pg_class WHERE relname = 't'").first?[0] == "{postgres=arwdDxt/postgres,reporting=r/postgres}")
        #expect(try conn.query("SELECT count(*) FROM pg_default_acl").first?[0] == "1")
        let defaults = try conn.query("SELECT defaclacl::text FROM pg_default_acl").first?[0] ?? nil
        // 15 stores a global default ACL with the owner's own privileges spelled out.
        #expect(defaults == "{postgres=arwdDxt/postgres,reporting=r/postgres}")
        #expect(try conn.query("SELECT count(*) FROM p").first?[0] == "2")
        let los = try conn.query("SELECT oid::text, lomowner::regrole::text, lomacl::text, convert_from(lo_get(oid), 'UTF8') FROM pg_largeobject_metadata ORDER BY oid")
        #expect(los.map { $0.compactMap { $0 } } == [
            ["7001", "postgres", "{postgres=rw/postgres,reporting=r/postgres}", "one"],
            ["7002", "postgres", "{postgres=rw/postgres,reporting=r/postgres}", "two"],
            ["7003", "postgres", "{postgres=rw/postgres,reporting=r/postgres}", "three"],
        ])
        #expect(try conn.query("SELECT obj_description(7002, 'pg_largeobject')").first?[0] == "the second")

        // What 14 is known to reject: refused, then written with --force.
        let pub = try c17.psql(["-c", "CREATE SCHEMA s; CREATE PUBLICATION pub FOR TABLES IN SCHEMA s"], db: db)
        try #require(pub.status == 0, "\(pub.stderr)")
        let dump2 = tmp.file("pub.dump")
        _ = try run(c17.tool("pg_dump"), ["-Fc", "-f", dump2] + c17.clientArgs(user: "postgres", db: db), env: Cluster.clientEnv)
        let out14 = tmp.file("pg14.dump")
        let refused = try run(Paths.binary, ["rewrite", dump2, "--target-version", "14", "-o", out14])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("rejected by PostgreSQL 14: TOC entry"))
        #expect(refused.stderr.contains("PUBLICATION TABLES IN SCHEMA needs PostgreSQL 15+"))
        #expect(lastLine(refused.stderr).hasPrefix("pgreown: nothing written: 1 entry PostgreSQL 14 rejects"))
        #expect(!FileManager.default.fileExists(atPath: out14))
        let forced = try run(Paths.binary, ["rewrite", dump2, "--target-version", "14", "--force", "-o", out14])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(FileManager.default.fileExists(atPath: out14))
    }

    // MARK: - Plain output and restore into an older server

    /// The same conversions serve a plain script for PostgreSQL 14 (psql, stopping at the first
    /// error) and `pgreown restore` into PostgreSQL 15: STATISTICS DATA left out.
    /// A plain script of pg_dump 17 with a `GRANT MAINTAIN` (17+) rewritten plain → plain with
    /// `--target-version 15`, from a file and from a pipe: the bridge takes MAINTAIN out (said on
    /// stderr) as for an archive, and psql 15 loads the result with ON_ERROR_STOP.
    @Test func plainToPlainGetsTheWholeBridge() async throws {
        let c15 = try await Clusters.shared.cluster(15)
        let tmp = try TempDir()
        let original = try String(contentsOfFile: Paths.fixture("pg17/app.plain.sql"), encoding: .utf8)
        let marker = "GRANT SELECT ON TABLE app.orders TO reporting;\n"
        try #require(original.contains(marker))
        let script = tmp.file("maintain.sql")
        try original.replacingOccurrences(of: marker, with: marker + "GRANT MAINTAIN ON TABLE app.orders TO reporting;\n")
            .write(toFile: script, atomically: true, encoding: .utf8)
        for piped in [false, true] {
            let out = tmp.file("for15-\(piped).sql")
            let rw = piped
                ? try shell("\"$PGREOWN\" rewrite - --format plain --owner app_owner --target-version 15 -o '\(out)' < '\(script)'")
                : try run(Paths.binary, ["rewrite", script, "--format", "plain", "--owner", "app_owner", "--target-version", "15", "-o", out])
            try #require(rw.status == 0, "\(rw.stderr)")
            #expect(rw.stderr.contains("version bridge to PostgreSQL 15: TOC entry") && rw.stderr.contains("MAINTAIN"), "\(rw.stderr)")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(!text.contains("MAINTAIN") && !text.contains("transaction_timeout"))
            let db = try c15.createDatabase(prefix: "bridge_p2p")
            defer { c15.dropDatabase(db) }
            let loaded = try run("\(pgBin)/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1"] + c15.clientArgs(user: "postgres", db: db) + ["-f", out],
                                 env: Cluster.clientEnv, timeout: 120)
            #expect(loaded.status == 0, "psql 15 (\(piped ? "piped" : "file")): \(loaded.stderr)")
        }
    }

    @Test func plainInto14AndRestoreInto15() async throws {
        let c14 = try await Clusters.shared.cluster(14)
        let fixture = Paths.fixture("from-pg14/pg18.app.custom-stats.dump")
        let tmp = try TempDir()
        let sql = tmp.file("for14.sql")
        let rw = try run(Paths.binary, ["rewrite", fixture, "--format", "plain", "--target-version", "14", "-o", sql])
        try #require(rw.status == 0, "\(rw.stderr)")
        #expect(rw.stderr.contains("(STATISTICS DATA"))
        let script = try String(contentsOfFile: sql, encoding: .utf8)
        #expect(!script.contains("pg_restore_relation_stats"))
        #expect(!script.contains("transaction_timeout"))
        #expect(script.contains("lo_create('4242')"))
        let db = try c14.createDatabase(prefix: "bridge_plain")
        defer { c14.dropDatabase(db) }
        // psql of the with-pg server (15.14+ knows \restrict, which pg_restore 18 prints; the
        // 14.1 wheel's psql predates it).
        let loaded = try run("\(pgBin)/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1"] + c14.clientArgs(user: "postgres", db: db) + ["-f", sql],
                             env: Cluster.clientEnv, timeout: 120)
        #expect(loaded.status == 0, "psql 14: \(loaded.stderr)")

        // pgreown restore of the same dump into PostgreSQL 15 (as the restore login): the bridge
        // for the server's major leaves the statistics out. (Into 14 it stops earlier, at
        // ALTER SCHEMA public OWNER TO: 14 gives a new database's public schema to the bootstrap
        // superuser and pg_dump 15+ writes an entry for it; not a version-bridge matter.)
        let c15 = try await Clusters.shared.cluster(15)
        let prep = try c15.psql(["-c", "ALTER ROLE restorer CREATEDB CREATEROLE", "-c", "GRANT pg_signal_backend TO restorer",
                                 "-c", "GRANT dest_owner TO restorer"])
        try #require(prep.status == 0, "\(prep.stderr)")
        let live = try c15.createDatabase(owner: "dest_owner", prefix: "bridge_live")
        defer { c15.dropDatabase(live) }
        let r = try run(Paths.binary, ["restore", fixture, "-d", live, "--owner", "dest_owner",
                                       "--target", c15.conninfo(db: "postgres", user: "restorer"), "--swap-retry-delay", "0.5"], timeout: 180)
        #expect(r.status == 0, "pgreown restore into 15: \(r.stderr)")
        #expect(r.stderr.contains("version bridge to PostgreSQL 15: TOC entry"))
        #expect(r.stderr.contains("(STATISTICS DATA app.customers): left out"))
        let conn = try c15.connect(db: live)
        #expect(try conn.query("SELECT count(*) FROM pg_largeobject_metadata").first?[0] == "3")
    }
}

/// The data items of a custom archive, read block by block (pg_backup_custom.c): each item's
/// chunk payloads, keyed "data <dumpId>" or "lo <oid>".
struct ArchiveItems {
    var version: ArchiveVersion
    var compression: CompressionAlgorithm
    var items: [String: [[UInt8]]] = [:]
    var blobBlocks = 0

    static func read(_ path: String) throws -> ArchiveItems {
        let file = try FileSource(path: path)
        let reader = ByteReader(source: file, name: path)
        let toc = try ArchiveTOC.read(reader, expectedFormat: 1)
        let p = ArchivePrimitives(reader: reader, intSize: toc.header.intSize, offSize: toc.header.offSize)
        var out = ArchiveItems(version: toc.header.version, compression: toc.header.compression)
        func chunks() throws -> [[UInt8]] {
            var list: [[UInt8]] = []
            while true {
                let n = try p.readInt("chunk length")
                if n == 0 { return list }
                list.append(try reader.readBytes(count: Int(n)))
            }
        }
        while !(try reader.isAtEnd()) {
            let type = try reader.readByte()
            let id = try p.readInt("dumpId")
            if type == 1 {
                out.items["data \(id)"] = try chunks()
            } else {
                out.blobBlocks += 1
                while true {
                    let oid = try p.readInt("oid")
                    if oid == 0 { break }
                    out.items["lo \(oid)"] = try chunks()
                }
            }
        }
        return out
    }

    static func decode(_ chunks: [[UInt8]], _ algorithm: CompressionAlgorithm) throws -> [UInt8] {
        let d = try Decompressors.make(algorithm)
        var out: [UInt8] = []
        for c in chunks { try c.withUnsafeBytes { try d.feed($0) { out += $0 } } }
        try d.finish()
        return out
    }
}
