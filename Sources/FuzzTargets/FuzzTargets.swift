import DumpFormat
import Foundation
import Masking
import Ownership
import Restore

/// The fuzzing entry points (issue 9): one function per reader, decompressor, lexer and the
/// rewriter, each taking arbitrary bytes. A `DumpError` is the expected answer to bad input; a
/// crash, a trap, a hang or an oversized allocation is a bug. Some targets also check invariants
/// (`FuzzTargets.check`) that must hold for any input.
///
/// Built into `pgreown-fuzz` (libFuzzer, `scripts/fuzz`) and replayed over the committed
/// regression inputs by `FuzzRegressionTests`.
public enum FuzzTargets {
    public struct Target: Sendable {
        public let name: String
        public let summary: String
        /// Fixture paths (relative to Tests/Fixtures) that seed its corpus: every file whose path starts with one (`.list` files aside).
        public let seeds: [String]
        public let run: @Sendable ([UInt8]) -> Void
    }

    public static let all: [Target] = [
        Target(name: "custom", summary: "custom-format archive (-Fc) read as a pipe: header, TOC, every data block, rewritten and emitted as SQL",
               seeds: ["pg11/superuser_objects.custom", "pg14/superuser_objects.custom", "pg16/superuser_objects.custom",
                       "pg17/superuser_objects.custom", "pg18/superuser_objects.custom", "pg17/app.custom-zstd.dump",
                       "pg17/app.custom-lz4.dump", "pg16/app.custom-pipe.dump"],
               run: { readDump($0, expect: .custom) }),
        Target(name: "directory-toc", summary: "toc.dat of a directory archive (-Fd): header and TOC, rewritten",
               seeds: ["pg11/superuser_objects.dir/toc.dat", "pg15/superuser_objects.dir/toc.dat",
                       "pg17/superuser_objects.dir/toc.dat", "pg18/app.dir/toc.dat"],
               run: directoryTOC),
        Target(name: "tar", summary: "tar archive (-Ft) read as a pipe: members, toc.dat, data files",
               seeds: ["pg11/superuser_objects.tar", "pg15/superuser_objects.tar", "pg18/superuser_objects.tar"],
               run: { readDump($0, expect: .tar) }),
        Target(name: "plain", summary: "plain SQL script (-Fp), possibly gzip-compressed: statements, COPY blocks, meta-commands, trailer",
               seeds: ["pg11/superuser_objects.plain.sql", "pg15/superuser_objects.plain.sql",
                       "pg18/superuser_objects.plain.sql", "pg17/superuser_objects.plain.sql.gz"],
               run: { readDump($0, expect: .plain) }),
        Target(name: "decompress", summary: "gzip files, zlib blocks, lz4 and zstd streams, fed in pieces, twice with a reset",
               seeds: ["pg17/app.dir/3457.dat.gz", "pg17/app.dir-lz4/3457.dat.lz4", "pg17/app.dir-zstd/3457.dat.zst",
                       "pg17/superuser_objects.plain.sql.gz"],
               run: decompress),
        Target(name: "lexer", summary: "SQL lexer and statement splitter, both standard_conforming_strings settings",
               seeds: ["pg15/superuser_objects.plain.sql", "pg17/app.plain.sql"],
               run: lexer),
        Target(name: "rewrite", summary: "ownership rewriter on arbitrary SQL statements with a role map",
               seeds: ["pg15/superuser_objects.plain.sql", "pg17/app.plain.sql"],
               run: rewrite),
        Target(name: "binary-copy", summary: "COPY text to binary COPY for 1-4 column types the first bytes pick, fed in two piece sizes",
               seeds: ["pg17/app.plain.sql", "pg15/app.plain.sql"],
               run: binaryCopy),
        Target(name: "copy-stage", summary: "the data policy's COPY row stage (where, hash, regex_replace, json, template) on arbitrary COPY text, fed in two piece sizes",
               seeds: ["pg17/app.plain.sql", "pg15/app.plain.sql"],
               run: copyStage),
    ]

    public static func target(named name: String) -> Target? { all.first { $0.name == name } }

    /// A broken invariant: stop as a crash so the fuzzer keeps the input.
    public static func check(_ condition: @autoclosure () -> Bool, _ what: @autoclosure () -> String) {
        if !condition() { fatalError("fuzz invariant broken: \(what())") }
    }

    /// The map every rewriting target uses: an owner, and explicit mappings of names pg_dump
    /// fixtures and fuzzers both produce.
    static let context: RewriteContext = {
        let map = RoleMap(owner: Array("fuzz_owner".utf8),
                          explicit: [(Array("app_user".utf8), Array("x\"; DROP TABLE sentinel; --".utf8)),
                                     (Array("postgres".utf8), Array("fuzz_admin".utf8))],
                          keepOwners: [], owners: [Array("app_owner".utf8): 1, Array("postgres".utf8): 1])
        return RewriteContext(map: map, missingRoles: [Array("gone".utf8)], missingPolicy: .drop)
    }()

    static func readDump(_ bytes: [UInt8], expect format: DumpFormatKind) {
        guard let source = try? DumpSource.open(source: MemorySource(bytes), name: "fuzz"), source.format == format else { return }
        do {
            let auditor = CompletenessAuditor(fileName: "fuzz")
            var visitors: [DumpVisitor] = [auditor]
            let toc = try source.readTOC()
            if let toc {
                let audit = try OwnershipAudit.run(entries: toc.entries, context: context,
                                                   standardConformingStrings: toc.standardConformingStrings, plain: false)
                visitors.append(SQLEmitter(sink: DiscardSink(), entries: audit.rewritten))
            }
            try source.read(TeeVisitor(visitors))
        } catch is DumpError {
        } catch {
            // Other errors are fine as long as they are errors (not traps).
        }
    }

    static func directoryTOC(_ bytes: [UInt8]) {
        let reader = ByteReader(source: MemorySource(bytes), name: "toc.dat", bufferSize: 4096)
        guard let toc = try? ArchiveTOC.read(reader, expectedFormat: 3) else { return }
        _ = try? OwnershipAudit.run(entries: toc.entries, context: context,
                                    standardConformingStrings: toc.standardConformingStrings, plain: false)
    }

    /// A gzip, lz4 or zstd file by its magic; otherwise the first byte picks zlib (as in -Fc
    /// blocks), lz4 or zstd for the rest. The input's length picks the size of the pieces fed.
    /// The stream is fed twice, with a `reset` between, as one decompressor serves many data items.
    static func decompress(_ bytes: [UInt8]) {
        guard bytes.count >= 2 else { return }
        let sniffed = Decompressors.sniff(Array(bytes.prefix(4)))
        let algorithms: [CompressionAlgorithm] = [.gzip, .lz4, .zstd]
        let algorithm = sniffed != .none ? sniffed : algorithms[Int(bytes[0]) % algorithms.count]
        let framing = sniffed != .none
        let input = framing ? bytes : Array(bytes.dropFirst())
        let piece = 1 + bytes.count % 7919
        guard let d = try? Decompressors.make(algorithm, gzipFile: framing) else { return }
        for _ in 0..<2 {
            var total = 0
            var at = 0
            do {
                while at < input.count {
                    let n = min(piece, input.count - at)
                    try input.withUnsafeBytes { raw in
                        try d.feed(UnsafeRawBufferPointer(rebasing: raw[at..<(at + n)])) { out in
                            total += out.count
                            // A bomb expands without end: stop at 64 MiB, as a reader's consumer would.
                            if total > 64 << 20 { throw DecompressionError("bomb") }
                        }
                    }
                    at += n
                }
                try d.finish()
            } catch {}
            guard (try? d.reset()) != nil else { return }
        }
    }

    static let binaryColumns: [BinaryCopy.Column] = [.text, .jsonb, .bool, .int2, .int4, .int8, .oid, .float8, .numeric,
                                                     .date, .timestamp, .timestamptz, .uuid, .bytea]

    /// The transcoder on any text: the binary stream is well formed (header, tuples of the
    /// table's field count, lengths inside it, the trailer last), what goes as text is the input
    /// from the start of a row on, the rows before it are the binary tuples, and the pieces the
    /// input comes in change nothing.
    static func binaryCopy(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let count = 1 + Int(first) % 4
        guard bytes.count > count else { return }
        let columns = bytes[1...count].map { binaryColumns[Int($0) % binaryColumns.count] }
        let input = Array(bytes[(count + 1)...])
        var outputs: [([UInt8], [UInt8], Int)] = []
        for piece in [1 + input.count % 4099, max(1, input.count)] {
            var binary: [UInt8] = [], text: [UInt8] = []
            var switches = 0
            let t = BinaryCopyTranscoder(columns: columns, sendBinary: { binary += $0 },
                                         switchToText: { switches += 1 }, sendText: { text += $0 })
            var at = 0
            do {
                while at < input.count {
                    let n = min(piece, input.count - at)
                    try input[at..<(at + n)].withUnsafeBytes { try t.feed($0) }
                    at += n
                }
                try t.finish()
            } catch {
                check(false, "the transcoder threw \(error) with senders that do not")
            }
            check(switches == (t.isBinary ? 0 : 1), "\(switches) hand-overs")
            let tuples = tupleCount(binary, fields: columns.count)
            check(tuples == t.binaryRows, "\(String(describing: tuples)) well-formed tuples, \(t.binaryRows) rows sent binary")
            if t.isBinary {
                check(text.isEmpty, "text sent while binary")
            } else {
                let k = input.count - text.count
                check(k >= 0 && Array(input[k...]) == text && (k == 0 || input[k - 1] == 0x0a),
                      "the text part is not the input from a row on")
                check(input[..<k].filter { $0 == 0x0a }.count == t.binaryRows, "rows before the hand-over are not the tuples")
            }
            outputs.append((binary, text, t.binaryRows))
        }
        check(outputs[0].0 == outputs[1].0 && outputs[0].1 == outputs[1].1 && outputs[0].2 == outputs[1].2,
              "the pieces changed the output")
    }

    /// A policy over a four-column table: a filter on two columns, four transformers.
    static let stagePolicy: CompiledPolicy? = {
        let yaml = """
            tables:
              public.t:
                where: "(n >= 3 or n is null) and s not like '%x%' and d < now() + interval '1 day'"
                columns:
                  n: {hash: integer}
                  s: {regex_replace: {pattern: '[a-z]+@[a-z.]+', with: 'r@x.invalid'}}
                  j: {json: {path: '$.a.b', then: {hash: email}}}
                  d: {template: 'row {row} {hash}'}
            """
        let defn = "CREATE TABLE public.t (\n    n integer,\n    s text,\n    j jsonb,\n    d text\n);\n"
        let table = TOCEntry(dumpId: 1, tag: Array("t".utf8), desc: "TABLE", section: .preData, defn: Array(defn.utf8), namespace: Array("public".utf8))
        return try? CompiledPolicy(DataPolicy.parse(yaml, file: "fuzz.yml"), entries: [table], key: Array("fuzz".utf8))
    }()

    static func copyStage(_ input: [UInt8]) {
        guard let policy = stagePolicy else { return check(false, "the fuzz policy does not compile") }
        // The first 16 KiB: longer inputs exercise nothing more, and the seeds are whole scripts.
        let bytes = Array(input.prefix(16384))
        let entry = TOCEntry(dumpId: 2, tag: Array("t".utf8), desc: "TABLE DATA", section: .data, namespace: Array("public".utf8))
        var outputs: [([UInt8], PolicyTableCount?)] = []
        for piece in [1 + bytes.count % 1031, max(1, bytes.count)] {
            let counters = PolicyCounters()
            let stage = CopyRowStage(policy: policy, counters: counters, now: Date(timeIntervalSince1970: 1_700_000_000))
            var out: [UInt8] = []
            do {
                guard try stage.begin(entry, statement: Array("COPY public.t (n, s, j, d) FROM stdin;\n".utf8)) == .transform else {
                    return check(false, "the stage does not transform the policy's table")
                }
                var at = 0
                while at < bytes.count {
                    let n = min(piece, bytes.count - at)
                    try bytes[at..<(at + n)].withUnsafeBytes { b in try stage.feed(b) { out += $0 } }
                    at += n
                }
                try stage.end { out += $0 }
            } catch {
                check(false, "the stage threw \(error)")
            }
            let c = counters.count(2)
            check(c.map { $0.rowsKept + $0.rowsDropped <= $0.rowsRead } ?? false, "kept + dropped exceed the rows read")
            outputs.append((out, c))
        }
        check(outputs[0].0 == outputs[1].0 && outputs[0].1?.rowsKept == outputs[1].1?.rowsKept,
              "the pieces changed the output")
    }

    /// The tuples of a binary COPY stream, nil when it is not well formed.
    static func tupleCount(_ b: [UInt8], fields: Int) -> Int? {
        guard b.count >= 21, Array(b[0..<19]) == BinaryCopy.header else { return nil }
        var at = 19, tuples = 0
        func int(_ width: Int) -> Int? {
            guard at + width <= b.count else { return nil }
            var v = 0
            for k in 0..<width { v = v << 8 | Int(b[at + k]) }
            at += width
            return width == 2 ? Int(Int16(truncatingIfNeeded: v)) : Int(Int32(truncatingIfNeeded: v))
        }
        while true {
            guard let n = int(2) else { return nil }
            if n == -1 { return at == b.count ? tuples : nil }
            guard n == fields else { return nil }
            for _ in 0..<n {
                guard let len = int(4), len >= -1, at + max(len, 0) <= b.count else { return nil }
                at += max(len, 0)
            }
            tuples += 1
        }
    }

    static func lexer(_ bytes: [UInt8]) {
        for scs in [true, false] {
            let tokens = SQLLexer.tokenize(bytes, standardConformingStrings: scs)
            var at = 0
            for t in tokens {
                check(t.start == at && t.end > t.start && t.end <= bytes.count, "token \(t) does not follow \(at)")
                at = t.end
            }
            check(at == bytes.count, "tokens end at \(at) of \(bytes.count)")
            guard let items = try? SQLStatement.split(bytes, name: "fuzz", standardConformingStrings: scs) else { continue }
            var joined: [UInt8] = []
            joined.reserveCapacity(bytes.count)
            for item in items {
                check(item.offset == Int64(joined.count), "item at \(item.offset), expected \(joined.count)")
                joined += item.bytes
                for t in item.tokens { check(t.end <= item.bytes.count, "token past its item") }
            }
            check(joined == bytes, "items do not reassemble the input")
        }
    }

    static func rewrite(_ bytes: [UInt8]) {
        guard let items = try? SQLStatement.split(bytes, name: "fuzz") else { return }
        let identity = RewriteContext(map: RoleMap(owner: nil, explicit: [], keepOwners: [], owners: [:]))
        for item in items where item.kind == .statement {
            let r = Rewriter.rewriteStatement(item, context, entry: "fuzz")
            if let out = r.bytes {
                // What the rewriter writes must itself split into whole statements.
                check((try? SQLStatement.split(out, name: "fuzz out")) != nil || !item.isComplete,
                      "rewritten statement does not lex: \(String(decoding: out.prefix(200), as: UTF8.self))")
            }
            let same = Rewriter.rewriteStatement(item, identity, entry: "fuzz")
            // SET/RESET SESSION AUTHORIZATION become role switches whatever the map (rewriteSQL).
            let switches: Set<StatementClass> = [.setSessionAuthorization, .resetSessionAuthorization]
            check(same.bytes == item.bytes || switches.contains(same.statementClass), "the identity map changed a statement: \(String(decoding: item.bytes.prefix(200), as: UTF8.self))")
        }
    }
}

/// A sink that drops everything: the emitter's work without an output.
final class DiscardSink: SQLSink {
    func beginEntry(_ entry: TOCEntry?) throws {}
    func scriptText(_ bytes: [UInt8]) throws {}
    func command(_ bytes: [UInt8]) throws {}
    func beginCopy(_ statement: [UInt8], entry: TOCEntry) throws {}
    func copyData(_ bytes: UnsafeRawBufferPointer) throws {}
    func endCopy(_ entry: TOCEntry) throws {}
    func beginSQLData(_ entry: TOCEntry) throws {}
    func sqlData(_ bytes: UnsafeRawBufferPointer) throws {}
    func endSQLData(_ entry: TOCEntry) throws {}
    func beginLargeObjects() throws {}
    func beginLargeObject(oid: UInt32) throws {}
    func largeObjectData(_ bytes: UnsafeRawBufferPointer) throws {}
    func endLargeObject(oid: UInt32) throws {}
    func endLargeObjects() throws {}
}
