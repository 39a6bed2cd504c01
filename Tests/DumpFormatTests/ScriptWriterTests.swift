import DumpFormat
import Foundation
import Testing

/// ScriptWriter against real pg_restore output (`<db>.restore.sql`, written by
/// `scripts/make-fixtures --restore-sql-only` with the pg_restore of each fixture's version),
/// and its pieces on synthetic archives.
@Suite struct ScriptWriterTests {
    /// The `\restrict` key of a script (nil when it has none).
    static func restrictKey(_ script: [UInt8]) -> String? {
        let text = String(decoding: script.prefix(4096), as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("\\restrict ") }) else { return nil }
        return String(line.dropFirst("\\restrict ".count))
    }

    /// Run the writer over a dump; returns the script.
    static func script(_ path: String, entries: [TOCEntry]? = nil, options: ScriptWriter.Options) throws -> [UInt8] {
        let tmp = try TempDir()
        let source = try DumpSource.open(path)
        let out = try Output(path: tmp.file("out.sql"), sync: false)
        do {
            let writer = ScriptWriter(output: out, entries: entries, options: options, inputName: source.name)
            try source.read(writer, data: true)
            try out.commit()
        } catch {
            out.abort()
            throw error
        }
        return try readBytes(tmp.file("out.sql"))
    }

    /// Where two byte strings first differ, with the lines around it, for a failure message.
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let n = zip(a, b).prefix { $0 == $1 }.count
        let lineStart = a[..<n].lastIndex(of: 0x0a).map { $0 + 1 } ?? 0
        func around(_ x: [UInt8]) -> String {
            String(decoding: x[lineStart..<min(x.count, lineStart + 300)], as: UTF8.self)
        }
        return "first difference at byte \(n) (sizes \(a.count) vs \(b.count)):\n--- got\n\(around(a))\n--- expected\n\(around(b))"
    }

    static func expectedScript(for path: String) throws -> [UInt8] {
        let db = Fixtures.database(of: path)
        return try readBytes(Fixtures.folder(of: path).appendingPathComponent("\(db).restore.sql").path)
    }

    @Test func everyFixtureFolderHasRestoreScripts() throws {
        for v in Fixtures.versions {
            for db in ["app", "superuser_objects"] {
                let p = v.appendingPathComponent("\(db).restore.sql").path
                #expect(FileManager.default.fileExists(atPath: p), "\(p) missing: run scripts/make-fixtures --restore-sql-only")
            }
        }
    }

    /// The script equals pg_restore's byte for byte (with pg_restore's restrict key injected).
    @Test(arguments: Fixtures.archives)
    func scriptMatchesPgRestore(_ path: String) throws {
        let expected = try Self.expectedScript(for: path)
        let key = Self.restrictKey(expected)
        let got = try Self.script(path, options: .init(restrictKey: key))
        #expect(got == expected, "\(Self.firstDifference(got, expected))")
        // Where pg_restore restricts, so does the writer; where it does not, neither does it.
        let version = Fixtures.folder(of: path).lastPathComponent
        #expect((key != nil) == ["pg15", "pg17", "pg18"].contains(version), "\(version)")
    }

    /// Without an injected key, a fresh random one is used, in both places, and only the key differs.
    @Test(arguments: Fixtures.archives.filter { $0.contains("/pg17/") || $0.contains("/pg15/") })
    func randomRestrictKeyIsTheOnlyDifference(_ path: String) throws {
        let expected = try Self.expectedScript(for: path)
        let got = try Self.script(path, options: .init())
        let key = try #require(Self.restrictKey(got))
        #expect(key.utf8.count == 63)
        #expect(key.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7a) })
        #expect(key != Self.restrictKey(expected))
        let text = String(decoding: got, as: UTF8.self)
        #expect(text.components(separatedBy: "\\restrict \(key)\n").count == 2)
        #expect(text.hasSuffix("\\unrestrict \(key)\n\n"))
        let normalized = text.replacingOccurrences(of: key, with: try #require(Self.restrictKey(expected)))
        #expect(Array(normalized.utf8) == expected)
    }

    /// `--target-version 15` on a 17 dump: the script is pg_restore 17's without transaction_timeout.
    @Test func targetServerBelow17LeavesOutTransactionTimeout() throws {
        let path = Fixtures.dir.appendingPathComponent("pg17/app.custom.dump").path
        let expected = try Self.expectedScript(for: path)
        let key = Self.restrictKey(expected)
        for (target, present) in [(15, false), (16, false), (17, true), (18, true)] {
            let got = try Self.script(path, options: .init(restrictKey: key, targetServerMajor: target))
            let line = Array("SET transaction_timeout = 0;\n".utf8)
            #expect((got.firstRange(of: line) != nil) == present, "target \(target)")
            var want = expected
            if !present, let r = want.firstRange(of: line) { want.removeSubrange(r) }
            #expect(got == want, "target \(target): \(Self.firstDifference(got, want))")
        }
        // A 15 dump has no such line to leave out.
        let p15 = Fixtures.dir.appendingPathComponent("pg15/app.custom.dump").path
        let e15 = try Self.expectedScript(for: p15)
        #expect(try Self.script(p15, options: .init(restrictKey: Self.restrictKey(e15), targetServerMajor: 11)) == e15)
    }

    /// The entries given replace the archive's: what the rewriter decides is what is printed.
    @Test func givenEntriesArePrinted() throws {
        let path = Fixtures.dir.appendingPathComponent("pg16/app.custom.dump").path
        let toc = try #require(try DumpSource.open(path).readTOC())
        let entries = toc.entries.map { e -> TOCEntry in
            var e = e
            if e.owner == Array("account-api".utf8) { e.owner = Array("new owner".utf8) }
            return e
        }
        let text = String(decoding: try Self.script(path, entries: entries, options: .init()), as: UTF8.self)
        #expect(!text.contains("ALTER SCHEMA \"account-api\" OWNER TO \"account-api\";"))
        #expect(!text.contains("Owner: account-api\n"))
        #expect(text.contains("ALTER SCHEMA \"account-api\" OWNER TO \"new owner\";"))
        #expect(text.contains("Owner: new owner\n"))
        // The data is the archive's: the notes table still holds its rows.
        #expect(text.contains("2\t\"account-api\"\tRun: ALTER TABLE x OWNER TO \"account-api\""))
    }

    // MARK: - Versions

    @Test func versionStringsParse() throws {
        typealias V = ScriptWriter.Version
        #expect(V.parse(Array("17.10".utf8)) == V(major: 17, minor: 10))
        #expect(V.parse(Array("15.18 (Debian 15.18-0+deb12u1)".utf8)) == V(major: 15, minor: 18))
        #expect(V.parse(Array("18beta1".utf8)) == V(major: 18, stage: .beta(1)))
        #expect(V.parse(Array("19devel".utf8)) == V(major: 19, stage: .devel))
        #expect(V.parse(Array("18rc1".utf8)) == V(major: 18, stage: .rc(1)))
        #expect(V.parse(Array("9.6.24".utf8)) == V(major: 9, minor: 6))
        #expect(V.parse(Array("x".utf8)) == nil)
        // \restrict arrived in the August 2025 minor releases.
        for (v, r) in [("11.22", false), ("12.22", false), ("13.22", true), ("13.21", false), ("14.1", false), ("14.19", true),
                       ("15.13", false), ("15.14", true), ("16.2", false), ("16.10", true), ("17.5", false), ("17.6", true),
                       ("18beta1", false), ("18rc1", true), ("18.0", true), ("19devel", true)] {
            #expect(try #require(V.parse(Array(v.utf8))).restrictsMetaCommands == r, "\(v)")
        }
        #expect(V(major: 16, minor: 9).setsTransactionTimeout == false)
        #expect(V(major: 17, minor: 0).setsTransactionTimeout)
    }

    // MARK: - Synthetic archives

    /// A minimal archive of a given pg_dump version with extra entries and data.
    struct Synthetic {
        var version: String
        var entries: [TOCEntry]
        var std = true

        static func fixed(std: Bool = true) -> [TOCEntry] {
            [TOCEntry(dumpId: 1, tag: Array("ENCODING".utf8), desc: "ENCODING", section: .preData,
                      defn: Array("SET client_encoding = 'UTF8';\n".utf8), dropStmt: [], owner: []),
             TOCEntry(dumpId: 2, tag: Array("STDSTRINGS".utf8), desc: "STDSTRINGS", section: .preData,
                      defn: Array("SET standard_conforming_strings = '\(std ? "on" : "off")';\n".utf8), dropStmt: [], owner: []),
             TOCEntry(dumpId: 3, tag: Array("SEARCHPATH".utf8), desc: "SEARCHPATH", section: .preData,
                      defn: Array("SELECT pg_catalog.set_config('search_path', '', false);\n".utf8), dropStmt: [], owner: [])]
        }

        var header: ArchiveHeader {
            ArchiveHeader(version: .v1_16, intSize: 4, offSize: 8, formatByte: 1, compression: .none, compressionLevel: nil,
                          createdAt: [], databaseName: Array("db".utf8), serverVersion: Array("15.18".utf8),
                          pgDumpVersion: Array(version.utf8), rawBytes: [])
        }

        /// Feed header, entries and `data` (dumpId → COPY text, or large objects) to a writer.
        func render(copy: [Int: [UInt8]] = [:], blobs: [Int: [(UInt32, [UInt8])]] = [:], chunk: Int = 7000,
                    options: ScriptWriter.Options = .init(restrictKey: "K")) throws -> String {
            let tmp = try TempDir()
            let out = try Output(path: tmp.file("s.sql"), sync: false)
            let w = ScriptWriter(output: out, options: options)
            try w.header(header, format: .custom)
            for e in entries { try w.entry(e) }
            for e in entries where e.hasData {
                try w.beginData(e)
                if let text = copy[e.dumpId] { try text.withUnsafeBytes { try w.data($0) } }
                for (oid, bytes) in blobs[e.dumpId] ?? [] {
                    try w.beginLargeObject(oid: oid)
                    var i = 0
                    while i < bytes.count {
                        let j = min(bytes.count, i + chunk)
                        try bytes[i..<j].withUnsafeBytes { try w.data($0) }
                        i = j
                    }
                    try w.endLargeObject(oid: oid)
                }
                try w.endData(e)
            }
            try w.finish(totalBytes: 0)
            try out.commit()
            return String(decoding: try readBytes(tmp.file("s.sql")), as: UTF8.self)
        }
    }

    static func blobsEntry(_ id: Int, tag: String, owner: String?, deps: [Int]) -> TOCEntry {
        TOCEntry(dumpId: id, hadDumper: true, tag: Array(tag.utf8), desc: "BLOBS", section: .data, defn: [], dropStmt: [],
                 owner: owner.map { Array($0.utf8) }, dependencies: deps, location: .positionNotSet)
    }

    /// Large objects: pg_restore's 16 KiB buffer (a full buffer waits for more bytes or the
    /// end), hex bytea literals, empty objects without lowrite, BEGIN/COMMIT around each group.
    @Test func largeObjectBlocksAreByteExact() throws {
        let big = (0..<40000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let exact = [UInt8](repeating: 0xab, count: 16384)
        var s = Synthetic(version: "16.10", entries: Synthetic.fixed())
        s.entries.append(Self.blobsEntry(10, tag: "BLOBS", owner: nil, deps: []))
        let text = try s.render(blobs: [10: [(7, big), (8, []), (9, exact)]])
        func hex(_ b: ArraySlice<UInt8>) -> String { b.map { String(format: "%02x", $0) }.joined() }
        let expected = """
            --
            -- Data for Name: BLOBS; Type: BLOBS; Schema: -; Owner: -
            --

            BEGIN;

            SELECT pg_catalog.lo_open('7', 131072);
            SELECT pg_catalog.lowrite(0, '\\x\(hex(big[0..<16384]))');
            SELECT pg_catalog.lowrite(0, '\\x\(hex(big[16384..<32768]))');
            SELECT pg_catalog.lowrite(0, '\\x\(hex(big[32768...]))');
            SELECT pg_catalog.lo_close(0);

            SELECT pg_catalog.lo_open('8', 131072);
            SELECT pg_catalog.lo_close(0);

            SELECT pg_catalog.lo_open('9', 131072);
            SELECT pg_catalog.lowrite(0, '\\x\(hex(exact[...]))');
            SELECT pg_catalog.lo_close(0);

            COMMIT;

            --
            -- PostgreSQL database dump complete
            --

            \\unrestrict K


            """
        #expect(text.hasSuffix(expected), "\(text.suffix(600))")
        // Chunking of the input does not matter.
        #expect(try s.render(blobs: [10: [(7, big), (8, []), (9, exact)]], chunk: 1) == text)
        #expect(try s.render(blobs: [10: [(7, big), (8, []), (9, exact)]], chunk: 100_000) == text)
        // Non-standard strings: '\\x…', and SET escape_string_warning in the prelude.
        var off = Synthetic(version: "16.4", entries: Synthetic.fixed(std: false))
        off.entries.append(Self.blobsEntry(10, tag: "BLOBS", owner: nil, deps: []))
        let t2 = try off.render(blobs: [10: [(7, [1, 2])]])
        #expect(t2.contains("SELECT pg_catalog.lowrite(0, '\\\\x0102');\n"))
        #expect(t2.contains("SET standard_conforming_strings = off;\n"))
        #expect(t2.contains("SET client_min_messages = warning;\nSET escape_string_warning = off;\nSET row_security = off;\n"))
    }

    /// 17+: BLOB METADATA becomes lo_create and ALTER LARGE OBJECT per OID; a `LARGE OBJECTS a..b`
    /// ACL is replayed per OID of the BLOB METADATA entry it depends on (quoted names kept whole).
    @Test func blobMetadataAndGroupACLsExpandPerOID() throws {
        var s = Synthetic(version: "17.6", entries: Synthetic.fixed())
        s.entries += [
            TOCEntry(dumpId: 20, tag: Array("100..102".utf8), desc: "BLOB METADATA", section: .data,
                     defn: Array("100\n101\n102\n".utf8), dropStmt: Array("-- dummy".utf8), owner: Array("Lo Owner".utf8)),
            TOCEntry(dumpId: 21, tag: Array("LARGE OBJECTS 100..102".utf8), desc: "ACL", section: .none,
                     defn: Array("GRANT SELECT ON LARGE OBJECT 100 TO \"x;LARGE OBJECT 5\";\nREVOKE ALL ON LARGE OBJECT 100 FROM PUBLIC;\n".utf8),
                     dropStmt: [], owner: Array("Lo Owner".utf8), dependencies: [20]),
            Self.blobsEntry(22, tag: "100..102", owner: "Lo Owner", deps: [20]),
        ]
        let text = try s.render(blobs: [22: [(100, [0x41]), (101, []), (102, [])]])
        #expect(text.contains("""
            --
            -- Name: 100..102; Type: BLOB METADATA; Schema: -; Owner: Lo Owner
            --

            SELECT pg_catalog.lo_create('100');
            SELECT pg_catalog.lo_create('101');
            SELECT pg_catalog.lo_create('102');

            ALTER LARGE OBJECT 100 OWNER TO "Lo Owner";
            ALTER LARGE OBJECT 101 OWNER TO "Lo Owner";
            ALTER LARGE OBJECT 102 OWNER TO "Lo Owner";

            --
            -- Data for Name: 100..102; Type: BLOBS; Schema: -; Owner: Lo Owner
            --

            BEGIN;

            SELECT pg_catalog.lo_open('100', 131072);
            SELECT pg_catalog.lowrite(0, '\\x41');
            SELECT pg_catalog.lo_close(0);

            SELECT pg_catalog.lo_open('101', 131072);
            SELECT pg_catalog.lo_close(0);

            SELECT pg_catalog.lo_open('102', 131072);
            SELECT pg_catalog.lo_close(0);

            COMMIT;

            """), "\(text)")
        // The ACL comes in the ACL pass, after the data.
        #expect(text.contains("""
            COMMIT;

            --
            -- Name: LARGE OBJECTS 100..102; Type: ACL; Schema: -; Owner: Lo Owner
            --

            GRANT SELECT ON LARGE OBJECT 100 TO "x;LARGE OBJECT 5";
            GRANT SELECT ON LARGE OBJECT 101 TO "x;LARGE OBJECT 5";
            GRANT SELECT ON LARGE OBJECT 102 TO "x;LARGE OBJECT 5";

            REVOKE ALL ON LARGE OBJECT 100 FROM PUBLIC;
            REVOKE ALL ON LARGE OBJECT 101 FROM PUBLIC;
            REVOKE ALL ON LARGE OBJECT 102 FROM PUBLIC;

            --
            -- PostgreSQL database dump complete
            """), "\(text)")
    }

    /// Per-version ALTER forms, context SETs and passes.
    @Test func perVersionForms() throws {
        func entries() -> [TOCEntry] {
            Synthetic.fixed() + [
                TOCEntry(dumpId: 30, tag: Array("v".utf8), desc: "VIEW", section: .preData, defn: Array("CREATE VIEW s.v AS SELECT 1;".utf8),
                         dropStmt: Array("DROP VIEW s.v;\n".utf8), namespace: Array("s".utf8), tablespace: nil, owner: Array("o".utf8)),
                TOCEntry(dumpId: 31, tag: Array("seq".utf8), desc: "SEQUENCE", section: .preData, defn: Array("CREATE SEQUENCE s.seq;".utf8),
                         dropStmt: Array("DROP SEQUENCE s.seq;\n".utf8), namespace: Array("s".utf8), owner: Array("o".utf8)),
                TOCEntry(dumpId: 32, tag: Array("p".utf8), desc: "TABLE", section: .preData, defn: Array("CREATE TABLE s.p (a int) PARTITION BY LIST (a);".utf8),
                         dropStmt: Array("DROP TABLE s.p;\n".utf8), namespace: Array("s".utf8), tablespace: [], tableam: Array("heap2".utf8),
                         relkind: 0x70, owner: Array("o".utf8)),
                TOCEntry(dumpId: 33, tag: Array("t".utf8), desc: "TABLE", section: .preData, defn: Array("CREATE TABLE s.t (a int);".utf8),
                         dropStmt: Array("DROP TABLE s.t;\n".utf8), namespace: Array("s".utf8), tablespace: Array("fast".utf8),
                         tableam: Array("heap".utf8), relkind: 0x72, owner: Array("json_table".utf8), withOids: Array("false".utf8)),
                TOCEntry(dumpId: 34, tag: Array("f(integer)".utf8), desc: "FUNCTION", section: .preData, defn: Array("CREATE FUNCTION s.f(integer) …;".utf8),
                         dropStmt: Array("DROP FUNCTION s.f(integer);\n".utf8), namespace: Array("s".utf8), owner: Array("o".utf8)),
                TOCEntry(dumpId: 35, tag: Array("t".utf8), desc: "STATISTICS DATA", section: .data,
                         defn: Array("SELECT * FROM pg_catalog.pg_restore_relation_stats();".utf8), namespace: Array("s".utf8)),
                TOCEntry(dumpId: 36, tag: Array("i".utf8), desc: "STATISTICS DATA", section: .postData,
                         defn: Array("SELECT 'index stats';".utf8), namespace: Array("s".utf8)),
                TOCEntry(dumpId: 37, tag: Array("e".utf8), desc: "EVENT TRIGGER", section: .postData, defn: Array("CREATE EVENT TRIGGER e …;".utf8),
                         dropStmt: Array("DROP EVENT TRIGGER e;\n".utf8), owner: Array("o".utf8)),
                TOCEntry(dumpId: 38, tag: Array("EVENT TRIGGER e".utf8), desc: "SECURITY LABEL", section: .none,
                         defn: Array("SECURITY LABEL ON EVENT TRIGGER e IS 'x';".utf8), owner: Array("o".utf8)),
                TOCEntry(dumpId: 39, tag: Array("DATABASE db".utf8), desc: "COMMENT", section: .none,
                         defn: Array("COMMENT ON DATABASE db IS 'x';".utf8), owner: Array("o".utf8)),
                TOCEntry(dumpId: 40, tag: Array("TABLE t".utf8), desc: "ACL", section: .none,
                         defn: Array("GRANT SELECT ON TABLE s.t TO r;".utf8), owner: Array("o".utf8)),
            ]
        }
        func render(_ v: String) throws -> String { try Synthetic(version: v, entries: entries()).render() }
        func order(_ text: String, _ needles: [String]) -> Bool {
            let idx = needles.map { text.range(of: $0)?.lowerBound }
            guard idx.allSatisfy({ $0 != nil }) else { return false }
            return zip(idx, idx.dropFirst()).allSatisfy { $0! < $1! }
        }

        let v15 = try render("15.14")
        #expect(v15.contains("ALTER TABLE s.v OWNER TO o;"))
        #expect(v15.contains("ALTER TABLE s.seq OWNER TO o;"))
        #expect(v15.contains("ALTER FUNCTION s.f(integer) OWNER TO o;"))
        #expect(v15.contains("SET default_table_access_method = heap2;\n\n--\n-- Name: p;"))
        #expect(!v15.contains("SET ACCESS METHOD"))
        #expect(v15.contains("OWNER TO json_table;"))          // not a keyword before 17
        #expect(!v15.contains("transaction_timeout"))
        #expect(v15.hasPrefix("--\n-- PostgreSQL database dump\n--\n\n\\restrict K\n\n-- Dumped from database version 15.18\n-- Dumped by pg_dump version 15.14\n\n"))
        #expect(!v15.contains("COMMENT ON DATABASE"))           // only with --create
        #expect(!v15.contains("Statistics for"))                // 15 knows no statistics entries
        // Event triggers after the ACLs; their security labels only from the Nov 2025 minors.
        #expect(order(v15, ["GRANT SELECT ON TABLE s.t TO r;", "CREATE EVENT TRIGGER e"]))
        #expect(!order(v15, ["CREATE EVENT TRIGGER e", "SECURITY LABEL ON EVENT TRIGGER"]))
        #expect(order(try render("15.15"), ["CREATE EVENT TRIGGER e", "SECURITY LABEL ON EVENT TRIGGER"]))

        let v16 = try render("16.2")
        #expect(v16.contains("ALTER VIEW s.v OWNER TO o;"))
        #expect(v16.contains("ALTER SEQUENCE s.seq OWNER TO o;"))
        #expect(!v16.contains("\\restrict"))
        #expect(v16.hasPrefix("--\n-- PostgreSQL database dump\n--\n\n-- Dumped from"))

        let v17 = try render("17.6")
        #expect(v17.contains("SET idle_in_transaction_session_timeout = 0;\nSET transaction_timeout = 0;\nSET client_encoding = 'UTF8';\n"))
        #expect(v17.contains("OWNER TO \"json_table\";"))      // a keyword from 17 on
        // Partitioned table: no SET default_table_access_method, an ALTER after the definition.
        #expect(v17.contains("""
            -- Name: p; Type: TABLE; Schema: s; Owner: o
            --

            CREATE TABLE s.p (a int) PARTITION BY LIST (a);

            ALTER TABLE s.p OWNER TO o;

            ALTER TABLE s.p SET ACCESS METHOD heap2;

            SET default_tablespace = fast;

            SET default_table_access_method = heap;

            --
            -- Name: t; Type: TABLE; Schema: s; Owner: "json_table"; Tablespace: fast
            """.replacingOccurrences(of: "Owner: \"json_table\"", with: "Owner: json_table")), "\(v17)")
        #expect(!v17.contains("Statistics for"))

        let v18 = try render("18.1")
        #expect(v18.contains("--\n-- Statistics for Name: t; Type: STATISTICS DATA; Schema: s; Owner: -\n--\n\nSELECT * FROM pg_catalog.pg_restore_relation_stats();\n\n"))
        // Post-data statistics after the ACLs, with event triggers; data-section ones in the main pass.
        #expect(order(v18, ["CREATE FUNCTION", "Statistics for Name: t;", "GRANT SELECT ON TABLE s.t TO r;", "Statistics for Name: i;",
                            "CREATE EVENT TRIGGER e", "SECURITY LABEL ON EVENT TRIGGER"]))
        #expect(v18.contains("SET transaction_timeout = 0;\n"))
        #expect(!(try Synthetic(version: "18.1", entries: entries()).render(options: .init(restrictKey: "K", targetServerMajor: 15)))
            .contains("transaction_timeout"))

        let v11 = try render("11.13")
        #expect(v11.contains("SET default_tablespace = '';\n\nSET default_with_oids = false;\n\n--\n-- Name: p; Type: TABLE"))
        #expect(v11.contains("ALTER TABLE s.p OWNER TO o;\n\nSET default_tablespace = fast;\n\n--\n-- Name: t; Type: TABLE"))
        #expect(!v11.contains("default_table_access_method"))
        #expect(!v11.contains("\\restrict"))
    }

    /// Archives without a SEARCHPATH entry get per-entry search_path SETs (pg_catalog for LOs).
    @Test func oldArchivesSetSearchPathPerEntry() throws {
        var s = Synthetic(version: "11.13", entries: Array(Synthetic.fixed().prefix(2)))
        s.entries += [
            TOCEntry(dumpId: 50, tag: Array("t".utf8), desc: "TABLE", section: .preData, defn: Array("CREATE TABLE t (a int);".utf8),
                     dropStmt: Array("DROP TABLE s.t;\n".utf8), namespace: Array("My Schema".utf8), owner: Array("o".utf8)),
            TOCEntry(dumpId: 51, hadDumper: true, tag: Array("t".utf8), desc: "TABLE DATA", section: .data, defn: [], dropStmt: [],
                     copyStmt: Array("COPY t (a) FROM stdin;\n".utf8), namespace: Array("My Schema".utf8), owner: Array("o".utf8),
                     location: .positionNotSet),
            Self.blobsEntry(52, tag: "BLOBS", owner: nil, deps: []),
        ]
        let text = try s.render(copy: [51: Array("1\n\\.\n\n\n".utf8)], blobs: [52: []])
        #expect(text.contains("""
            SET search_path = "My Schema", pg_catalog;

            SET default_with_oids = false;

            --
            -- Name: t; Type: TABLE; Schema: My Schema; Owner: o
            --

            CREATE TABLE t (a int);

            ALTER TABLE "My Schema".t OWNER TO o;

            --
            -- Data for Name: t; Type: TABLE DATA; Schema: My Schema; Owner: o
            --

            COPY t (a) FROM stdin;
            1
            \\.


            --
            -- Data for Name: BLOBS; Type: BLOBS; Schema: -; Owner: -
            --

            SET search_path = pg_catalog;

            BEGIN;

            COMMIT;

            """), "\(text)")
        #expect(text.contains("SET standard_conforming_strings = on;\nSET check_function_bodies = false;"))
    }
}
