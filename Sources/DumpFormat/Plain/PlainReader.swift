#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a pg_dump / pg_dumpall plain-text script and reports it as dump events.
///
/// ## Pseudo-entries
/// The script is cut into pseudo-entries at pg_dump's header comments. **Every byte of the
/// script belongs to exactly one pseudo-entry** (only COPY payloads and large-object data go
/// to `data` instead), so a writer can reproduce the script from the events:
///
/// - **Header entries** (`dumpId` 1, 2, 3… in file order), one per header comment
///   `--\n-- [Data for |Statistics for ]Name: <tag>; Type: <desc>; Schema: <nsp|->; Owner: <owner|->[; Tablespace: <ts>]\n--\n`
///   (with `pg_dump -v`, the `-- TOC entry N (class X OID Y)` / `-- Dependencies:` lines inside
///   the block are part of the header; `(class X OID Y)` fills `tableoid`/`oid`).
///   The header comment itself is *not* in `defn` (a writer regenerates it from the fields).
///   `defn` is every byte after the header block up to the next header block, the
///   `-- PostgreSQL database dump complete` trailer, or the entry's data — blank lines,
///   comments, context SETs pg_dump put before the *next* entry (`SET default_tablespace`…),
///   and psql meta-commands (`--create`'s `\connect`) included, exactly as in the file. So
///   `defn` normally starts with the blank line that follows the header.
/// - **Script entries** (`dumpId` 0, `desc` "SET", `tag` nil, section `.none`) hold what lies
///   outside any header entry: the prelude (banner, `\restrict`, version comments, the fixed
///   SET block — and for pg_dumpall the roles, tablespaces and per-database preludes), the
///   trailer (`-- PostgreSQL database dump complete`, `\unrestrict`, and whatever follows it up
///   to the next header), and anything but pg_dump's usual two blank lines after a data stream.
///   Their `defn` is their bytes verbatim, header comments included. `inspect --list` skips
///   them (dumpId 0); rewriters must still see them (pg_dumpall's GRANTs live there).
///
/// ## Data
/// An entry whose statements include `COPY … FROM stdin;` is reported when that statement
/// is reached: `entry(e)` with `defn` = the bytes before the COPY and `copyStmt` = the COPY
/// statement with the rest of its line (`COPY … FROM stdin;\n`, as in custom archives), then
/// `beginData(e)`, the COPY rows **and** the terminating `\.` line exactly as in the file in
/// large `data` pieces, `endData(e)`. The two blank lines pg_dump writes after `\.` are
/// implied (not reported); any other bytes between the data and the next header go to a
/// script entry. A `BLOBS` entry's `lo_open` / `lowrite` / `lo_close` statements become
/// `beginData`, per large object `beginLargeObject(oid)`, `data` (the decoded bytes of each
/// `lowrite` literal), `endLargeObject(oid)`, and `endData` at `COMMIT` (or at the next
/// header in `--single-transaction` output); its `BEGIN;`/`COMMIT;` and the blank lines
/// between are implied too.
///
/// ## Header field rule
/// The fields are not quoted, and tag, schema and owner may contain `; `. The desc is always
/// upper-case words, so the first `; Type: ` followed by `[A-Z ]+; Schema: ` ends the tag;
/// the schema runs to the first `; Owner: ` after it; the owner to the first `; Tablespace: `
/// (or the end of the line). `-` means NULL for schema and owner; an empty owner is `[]`.
/// (A tag holding `; Type: X; Schema: ` with X upper case is therefore cut short: pg_dump's
/// format is ambiguous there.)
///
/// ## Sections (a guess: plain scripts do not record them)
/// `.data`: TABLE DATA, SEQUENCE SET, BLOBS, BLOB METADATA, STATISTICS DATA.
/// `.postData`: INDEX, INDEX ATTACH, CONSTRAINT, CHECK CONSTRAINT, FK CONSTRAINT, TRIGGER,
/// EVENT TRIGGER, RULE, POLICY, ROW SECURITY, MATERIALIZED VIEW DATA, DEFAULT ACL,
/// PUBLICATION, PUBLICATION TABLE, PUBLICATION TABLES IN SCHEMA, SUBSCRIPTION,
/// SUBSCRIPTION TABLE, STATISTICS. `.none`: COMMENT, ACL, SECURITY LABEL. `.preData`: the rest.
///
/// ## Completeness (DumpError `.truncated`)
/// Every `COPY … FROM stdin;` is closed by a `\.` line; every `\restrict KEY` is lifted by a
/// later `\unrestrict KEY` (pairs, also across pg_dumpall's per-database sections); every
/// `-- PostgreSQL database dump` banner has its `…dump complete` trailer; the last non-blank
/// content is that trailer (`…cluster dump complete` for pg_dumpall), optionally followed by
/// `\unrestrict KEY`; the input does not end inside a quote, dollar quote, block comment or
/// statement.
///
/// Memory: a header entry's `defn` is held whole, so `--inserts` dumps hold each table's
/// INSERTs in memory at once; COPY data is streamed.
public final class PlainReader {
    public let name: String
    /// Whole-file compression the bytes came through (`.none` when read as is).
    public let compression: CompressionAlgorithm
    private let reader: ByteReader

    /// `reader` delivers the script's bytes (already decompressed when the file is compressed;
    /// say which compression in `compression`, it goes into the header event).
    public init(reader: ByteReader, name: String, compression: CompressionAlgorithm = .none) {
        self.reader = reader
        self.name = name
        self.compression = compression
    }

    /// Open a plain script file, decompressing it on the fly when its first bytes are a gzip,
    /// lz4 or zstd frame (`compression` says which).
    public static func open(path: String) throws -> PlainReader {
        let (source, algorithm) = try Decompressors.openFile(path: path)
        return PlainReader(reader: ByteReader(source: source, name: path), name: path, compression: algorithm)
    }

    // MARK: - State of one read

    private enum LastContent { case other, trailer(cluster: Bool), trailerThenUnrestrict(cluster: Bool) }
    private enum BlobPhase { case none, before, inData, done }

    private struct Pending {
        var entry: TOCEntry
        var defn: [UInt8] = []
        var isScript: Bool
        /// A script entry right after a data stream: its first "\n\n" is implied.
        var afterData = false
        var emitted = false
        var blobPhase: BlobPhase = .none
        var openLargeObject: UInt32?
        var openLargeObjectOffset: Int64 = 0

        static func script(at offset: Int64, afterData: Bool = false) -> Pending {
            var p = Pending(entry: TOCEntry(dumpId: 0, tag: nil, desc: "SET", section: .none, fileOffset: offset), isScript: true)
            p.afterData = afterData
            return p
        }
    }

    private var visitor: DumpVisitor?
    private var cur = Pending.script(at: 0)
    private var nextDumpId = 1
    private var headerSent = false
    private var databaseName: [UInt8]?
    private var serverVersion: [UInt8]?
    private var pgDumpVersion: [UInt8]?
    private var isCluster = false
    private var lastContent = LastContent.other
    private var restrictKeys: [(key: [UInt8], offset: Int64)] = []
    private var openBanner: Int64?
    // A run of consecutive `--` comment lines, held back until we know whether it is a header.
    private var runBytes: [UInt8] = []
    private var runLines: [Range<Int>] = []
    private var runOffset: Int64 = 0
    // A COPY statement waiting for its data.
    private var pendingCopy: (statement: [UInt8], offset: Int64, table: String)?
    /// How the script is lexed at the item being handled (the splitter follows every
    /// `SET standard_conforming_strings` and `SET client_encoding`); each pseudo-entry gets the
    /// state where its `defn` starts.
    private var itemState = SQLLexState()

    // MARK: - Reading

    public func read(_ visitor: DumpVisitor) throws {
        self.visitor = visitor
        defer { self.visitor = nil }
        let startOffset = reader.offset
        cur = Pending.script(at: startOffset)

        let head = try reader.peek(64)
        let dump = Array("-- PostgreSQL database dump".utf8)
        let cluster = Array("-- PostgreSQL database cluster dump".utf8)
        func matches(_ banner: [UInt8]) -> Bool {
            for nl in [[UInt8(0x0a)], [0x0d, 0x0a]] {
                let expect = [0x2d, 0x2d] + nl + banner + nl + [0x2d, 0x2d]
                if head.starts(with: expect) { return true }
            }
            return false
        }
        if matches(cluster) {
            isCluster = true
        } else if !matches(dump) {
            throw DumpError(.malformed, file: name, offset: startOffset,
                            "not a pg_dump plain-text script (expected '-- PostgreSQL database dump')")
        }

        let splitter = SQLStatementSplitter(name: name, startOffset: startOffset)
        while true {
            if let copy = pendingCopy {
                pendingCopy = nil
                let before = reader.offset
                try readCopy(copy)
                splitter.skip(Int(reader.offset - before))
            }
            let more = try reader.withAvailable { piece in
                try splitter.feed(piece) { try self.handle($0) }
            }
            if !more { break }
        }
        try splitter.finish { try self.handle($0) }
        if let copy = pendingCopy {
            pendingCopy = nil
            try readCopy(copy)
        }
        try flushCommentRun()
        let total = reader.offset

        // Completeness of the script as a whole.
        switch lastContent {
        case .trailer(let c) where c == isCluster, .trailerThenUnrestrict(let c) where c == isCluster:
            break
        default:
            let trailer = isCluster ? "-- PostgreSQL database cluster dump complete" : "-- PostgreSQL database dump complete"
            throw DumpError(.truncated, file: name, offset: total,
                            "the script does not end with the '\(trailer)' trailer (truncated?)")
        }
        if let open = openBanner {
            throw DumpError(.truncated, file: name, offset: total,
                            "the database dump that starts at byte \(open) has no '-- PostgreSQL database dump complete' trailer (the input ends first)")
        }
        if let open = restrictKeys.last {
            throw DumpError(.truncated, file: name, offset: total,
                            "\\restrict \(text(open.key)) at byte \(open.offset) is never lifted by a matching \\unrestrict")
        }
        try closeCurrent()
        try ensureHeader()
        try visitor.finish(totalBytes: total - startOffset)
    }

    // MARK: - Items

    private func handle(_ item: SQLStatementView) throws -> SQLStatementSplitter.Action {
        itemState = item.lexState
        if item.kind == .comment, item.bytes.count >= 2, item.bytes[0] == 0x2d {
            if runLines.isEmpty { runOffset = item.offset }
            let start = runBytes.count
            runBytes.append(contentsOf: item.bytes)
            runLines.append(start..<runBytes.count)
            return .continue
        }
        try flushCommentRun()

        switch item.kind {
        case .whitespace:
            if cur.blobPhase != .inData { appendContent(item.bytes, at: item.offset) }
            return .continue
        case .comment:
            lastContent = .other
            if cur.blobPhase != .inData { appendContent(item.bytes, at: item.offset) }
            return .continue
        case .meta:
            try handleMeta(item)
            appendContent(item.bytes, at: item.offset)
            return .continue
        case .statement:
            lastContent = .other
            if let meta = item.tokens.first(where: { $0.kind == .psqlMeta }) {
                let bytes = UnsafeRawBufferPointer(rebasing: item.bytes[meta.start..<meta.end])
                throw Self.refusedMeta(bytes, file: name, offset: item.offset + Int64(meta.start))
            }
            if !item.isComplete {
                throw DumpError(.truncated, file: name, offset: item.offset + Int64(item.bytes.count),
                                "the input ends inside a statement that starts at byte \(item.offset) (expected ';')")
            }
            if cur.blobPhase == .before || cur.blobPhase == .inData {
                try handleBlobStatement(item)
                return .continue
            }
            if let table = copyFromStdinTable(item) {
                pendingCopy = (Array(item.bytes), item.offset, table)
                return .stop
            }
            appendContent(item.bytes, at: item.offset)
            return .continue
        }
    }

    /// Add bytes to the current pseudo-entry (a new script entry after a data stream).
    private func appendContent(_ bytes: UnsafeRawBufferPointer, at offset: Int64) {
        if cur.defn.isEmpty { cur.entry.lexState = itemState }
        if cur.defn.isEmpty && cur.isScript && !cur.afterData { cur.entry.fileOffset = offset }
        cur.defn.append(contentsOf: bytes)
    }

    private func appendContent(_ bytes: ArraySlice<UInt8>, at offset: Int64) {
        if cur.defn.isEmpty { cur.entry.lexState = itemState }
        if cur.defn.isEmpty && cur.isScript && !cur.afterData { cur.entry.fileOffset = offset }
        cur.defn.append(contentsOf: bytes)
    }

    // MARK: - Comment runs: header blocks, banners, trailers

    private enum Banner { case dumpStart, dumpComplete, clusterStart, clusterComplete }

    private func line(_ i: Int) -> ArraySlice<UInt8> {
        var r = runLines[i]
        while r.count > 0 && (runBytes[r.upperBound - 1] == 0x0a || runBytes[r.upperBound - 1] == 0x0d) {
            r = r.lowerBound..<(r.upperBound - 1)
        }
        return runBytes[r]
    }

    private func lineIs(_ i: Int, _ s: String) -> Bool { line(i).elementsEqual(s.utf8) }

    private func flushCommentRun() throws {
        guard !runLines.isEmpty else { return }
        defer { runBytes.removeAll(keepingCapacity: true); runLines.removeAll(keepingCapacity: true) }
        let n = runLines.count

        if !headerSent {
            for i in 0..<n {
                let l = line(i)
                if serverVersion == nil, let v = after(l, "-- Dumped from database version ") { serverVersion = Array(v) }
                if pgDumpVersion == nil, let v = after(l, "-- Dumped by pg_dump version ") ?? after(l, "-- Dumped by pg_dumpall version ") {
                    pgDumpVersion = Array(v)
                }
            }
        }

        // A header block ends the run: "--", ["-- TOC entry…", "-- Dependencies…"], "-- Name: …", "--".
        if n >= 3, lineIs(n - 1, "--"), let fields = parseHeaderLine(line(n - 2)) {
            var k = n - 3
            while k >= 0 && !lineIs(k, "--") && line(k).starts(with: "-- ".utf8) && (n - 2 - k) <= 8 { k -= 1 }
            if k >= 0 && lineIs(k, "--") {
                if k > 0 { lastContent = .other; appendRun(0..<k) }
                var fields = fields
                for j in (k + 1)..<(n - 2) { parseVerboseLine(line(j), into: &fields) }
                try startHeaderEntry(fields, offset: runOffset + Int64(runLines[k].lowerBound))
                return
            }
        }

        // Banners and trailers: "--", "-- PostgreSQL database [cluster ]dump[ complete]", "--".
        if n >= 3, lineIs(n - 1, "--"), lineIs(n - 3, "--") {
            let banner: Banner?
            switch String(decoding: line(n - 2), as: UTF8.self) {
            case "-- PostgreSQL database dump": banner = .dumpStart
            case "-- PostgreSQL database dump complete": banner = .dumpComplete
            case "-- PostgreSQL database cluster dump": banner = .clusterStart
            case "-- PostgreSQL database cluster dump complete": banner = .clusterComplete
            default: banner = nil
            }
            if let banner {
                let blockOffset = runOffset + Int64(runLines[n - 3].lowerBound)
                if n > 3 { lastContent = .other; appendRun(0..<(n - 3)) }
                switch banner {
                case .dumpStart:
                    if let open = openBanner {
                        throw DumpError(.truncated, file: name, offset: blockOffset,
                                        "a new database dump starts before the one that starts at byte \(open) has its '-- PostgreSQL database dump complete' trailer")
                    }
                    openBanner = blockOffset
                    lastContent = .other
                    appendRun((n - 3)..<n)
                case .clusterStart:
                    lastContent = .other
                    appendRun((n - 3)..<n)
                case .dumpComplete, .clusterComplete:
                    if banner == .clusterComplete, let open = openBanner {
                        throw DumpError(.truncated, file: name, offset: blockOffset,
                                        "the database dump that starts at byte \(open) has no '-- PostgreSQL database dump complete' trailer")
                    }
                    if banner == .dumpComplete { openBanner = nil }
                    if !cur.isScript || cur.afterData {
                        try closeCurrent()
                        cur = Pending.script(at: blockOffset)
                    }
                    appendRun((n - 3)..<n)
                    lastContent = .trailer(cluster: banner == .clusterComplete)
                }
                return
            }
        }

        lastContent = .other
        appendRun(0..<n)
    }

    private func appendRun(_ lines: Range<Int>) {
        guard !lines.isEmpty else { return }
        let from = runLines[lines.lowerBound].lowerBound
        let to = runLines[lines.upperBound - 1].upperBound
        if cur.blobPhase == .inData { return }
        appendContent(runBytes[from..<to], at: runOffset + Int64(from))
    }

    private func after(_ l: ArraySlice<UInt8>, _ prefix: String) -> ArraySlice<UInt8>? {
        let p = Array(prefix.utf8)
        guard l.starts(with: p) else { return nil }
        return l.dropFirst(p.count)
    }

    struct HeaderFields {
        var tag: [UInt8]
        var desc: String
        var namespace: [UInt8]?
        var owner: [UInt8]?
        var tablespace: [UInt8]?
        var isData: Bool
        var tableoid: [UInt8]?
        var oid: [UInt8]?
    }

    /// Parse `-- [Data for |Statistics for ]Name: <tag>; Type: <DESC>; Schema: <s>; Owner: <o>[; Tablespace: <t>]`.
    func parseHeaderLine(_ l: ArraySlice<UInt8>) -> HeaderFields? {
        var isData = false
        guard let rest = after(l, "-- Name: ") ?? after(l, "-- Statistics for Name: ")
                ?? { isData = true; return after(l, "-- Data for Name: ") }() else { return nil }
        let typeLabel = Array("; Type: ".utf8)
        let schemaLabel = Array("; Schema: ".utf8)
        let ownerLabel = Array("; Owner: ".utf8)
        let tsLabel = Array("; Tablespace: ".utf8)
        var search = rest.startIndex
        while let k = find(typeLabel, in: rest, from: search) {
            var j = k + typeLabel.count
            let descStart = j
            while j < rest.endIndex && ((rest[j] >= 0x41 && rest[j] <= 0x5a) || rest[j] == 0x20) { j += 1 }
            if j > descStart, rest[j...].starts(with: schemaLabel) {
                let schemaStart = j + schemaLabel.count
                guard let o = find(ownerLabel, in: rest, from: schemaStart) else { return nil }
                let ownerStart = o + ownerLabel.count
                var ownerEnd = rest.endIndex
                var tablespace: [UInt8]?
                if let t = find(tsLabel, in: rest, from: ownerStart) {
                    ownerEnd = t
                    tablespace = Array(rest[(t + tsLabel.count)...])
                }
                let schema = Array(rest[schemaStart..<o])
                let owner = Array(rest[ownerStart..<ownerEnd])
                return HeaderFields(tag: Array(rest[rest.startIndex..<k]),
                                    desc: String(decoding: rest[descStart..<j], as: UTF8.self),
                                    namespace: schema == [0x2d] ? nil : schema,
                                    owner: owner == [0x2d] ? nil : owner,
                                    tablespace: tablespace, isData: isData)
            }
            search = k + 1
        }
        return nil
    }

    /// `-- TOC entry 215 (class 1259 OID 16390)` (pg_dump -v).
    private func parseVerboseLine(_ l: ArraySlice<UInt8>, into f: inout HeaderFields) {
        guard let rest = after(l, "-- TOC entry "), let open = rest.firstIndex(of: 0x28),
              rest[(open + 1)...].starts(with: "class ".utf8) else { return }
        let words = rest[(open + 1)...].split(separator: 0x20).map { Array($0.filter { $0 != 0x29 }) }
        if words.count >= 4, words[0] == Array("class".utf8), words[2] == Array("OID".utf8) {
            f.tableoid = words[1]
            f.oid = words[3]
        }
    }

    private func find(_ needle: [UInt8], in hay: ArraySlice<UInt8>, from: Int) -> Int? {
        guard needle.count > 0, hay.endIndex - from >= needle.count else { return nil }
        var i = from
        let last = hay.endIndex - needle.count
        while i <= last {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func guessSection(_ desc: String) -> Section {
        switch desc {
        case "TABLE DATA", "SEQUENCE SET", "BLOBS", "BLOB METADATA", "STATISTICS DATA":
            return .data
        case "INDEX", "INDEX ATTACH", "CONSTRAINT", "CHECK CONSTRAINT", "FK CONSTRAINT", "TRIGGER", "EVENT TRIGGER",
             "RULE", "POLICY", "ROW SECURITY", "MATERIALIZED VIEW DATA", "DEFAULT ACL", "PUBLICATION",
             "PUBLICATION TABLE", "PUBLICATION TABLES IN SCHEMA", "SUBSCRIPTION", "SUBSCRIPTION TABLE", "STATISTICS":
            return .postData
        case "COMMENT", "ACL", "SECURITY LABEL":
            return .none
        default:
            return .preData
        }
    }

    private func startHeaderEntry(_ f: HeaderFields, offset: Int64) throws {
        if !headerSent && databaseName == nil && f.desc == "DATABASE" && nextDumpId == 1 { databaseName = f.tag }
        try closeCurrent()
        lastContent = .other
        let e = TOCEntry(dumpId: nextDumpId, hadDumper: f.isData, tableoid: f.tableoid, oid: f.oid, tag: f.tag, desc: f.desc,
                         section: Self.guessSection(f.desc), namespace: f.namespace, tablespace: f.tablespace,
                         owner: f.owner, location: .none, fileOffset: offset)
        nextDumpId += 1
        cur = Pending(entry: e, isScript: false)
        cur.entry.lexState = itemState
        if f.desc == "BLOBS" { cur.blobPhase = .before }
    }

    /// The current pseudo-entry is complete: report it if not done yet.
    private func closeCurrent() throws {
        guard let visitor else { return }
        if cur.isScript {
            if cur.afterData {
                if cur.defn.starts(with: [0x0a, 0x0a]) {
                    cur.defn.removeFirst(2)
                    cur.entry.fileOffset += 2
                }
            }
            if cur.defn.isEmpty || cur.emitted { return }
            cur.entry.defn = cur.defn
            try ensureHeader()
            cur.emitted = true
            try visitor.entry(cur.entry)
            return
        }
        if cur.blobPhase == .inData {
            try endBlobData()
            return
        }
        if !cur.emitted {
            cur.entry.defn = cur.defn
            try ensureHeader()
            cur.emitted = true
            try visitor.entry(cur.entry)
        }
    }

    private func ensureHeader() throws {
        guard !headerSent, let visitor else { return }
        headerSent = true
        let h = ArchiveHeader(version: ArchiveVersion(0, 0, 0), intSize: 0, offSize: 0, formatByte: 0,
                              compression: compression, compressionLevel: nil, createdAt: [],
                              databaseName: databaseName, serverVersion: serverVersion, pgDumpVersion: pgDumpVersion,
                              rawBytes: [])
        try visitor.header(h, format: .plain)
    }

    // MARK: - Meta-commands

    private func handleMeta(_ item: SQLStatementView) throws {
        // "\cmd arg…" up to the end of the line
        var end = item.bytes.count
        while end > 0 && (item.bytes[end - 1] == 0x0a || item.bytes[end - 1] == 0x0d) { end -= 1 }
        let lineBytes = Array(item.bytes[1..<max(1, end)])
        let words = lineBytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
        let cmd = words.first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        var unrestrict = false
        switch cmd {
        case "restrict":
            guard words.count >= 2 else {
                throw DumpError(.malformed, file: name, offset: item.offset, "\\restrict without a key (expected '\\restrict KEY')")
            }
            restrictKeys.append((Array(words[1]), item.offset))
        case "unrestrict":
            guard words.count >= 2 else {
                throw DumpError(.malformed, file: name, offset: item.offset, "\\unrestrict without a key (expected '\\unrestrict KEY')")
            }
            let key = Array(words[1])
            guard let open = restrictKeys.last else {
                throw DumpError(.malformed, file: name, offset: item.offset,
                                "\\unrestrict \(text(key)) without a preceding \\restrict")
            }
            guard open.key == key else {
                throw DumpError(.malformed, file: name, offset: item.offset,
                                "\\unrestrict \(text(key)) does not match the \\restrict \(text(open.key)) at byte \(open.offset)")
            }
            restrictKeys.removeLast()
            unrestrict = true
        case "connect", "c":
            if !headerSent && databaseName == nil, words.count >= 2 { databaseName = Self.connectDatabase(Array(words[1...])) }
        default:
            throw Self.refusedMeta(item.bytes, file: name, offset: item.offset)
        }
        switch lastContent {
        case .trailer(let c) where unrestrict: lastContent = .trailerThenUnrestrict(cluster: c)
        default: lastContent = .other
        }
    }

    /// pg_dump and pg_dumpall write only `\connect`, `\restrict` and `\unrestrict`; any other
    /// psql meta-command (`\!`, `\o`, `\copy … program`, `\i`, `\set`, `\gexec`, …) would run
    /// something on the restoring machine or change what psql does, so the script is refused.
    static func refusedMeta(_ bytes: UnsafeRawBufferPointer, file: String, offset: Int64) -> DumpError {
        let line = bytes.prefix { $0 != 0x0a && $0 != 0x0d }
        return DumpError(.forbidden, file: file, offset: offset,
                         "psql meta-command '\(shown(line, limit: 60))' is not one pg_dump writes (only \\connect, \\restrict, \\unrestrict): refusing the script")
    }

    /// `\connect name` or `\connect -reuse-previous=on "dbname='name'"`.
    public static func connectDatabase(_ args: [ArraySlice<UInt8>]) -> [UInt8]? {
        var rest = args
        if let first = rest.first, first.starts(with: "-reuse-previous".utf8) { rest.removeFirst() }
        guard !rest.isEmpty else { return nil }
        // Re-join (a quoted argument may hold spaces) and unquote psql's "…" ("" → ").
        var arg = Array(rest.joined(separator: [0x20]))
        if arg.first == 0x22 {
            var out: [UInt8] = []
            var i = 1
            while i < arg.count {
                if arg[i] == 0x22 {
                    if i + 1 < arg.count && arg[i + 1] == 0x22 { out.append(0x22); i += 2; continue }
                    break
                }
                out.append(arg[i]); i += 1
            }
            arg = out
        } else if let space = arg.firstIndex(of: 0x20) {
            arg = Array(arg[..<space])
        }
        guard arg.starts(with: "dbname=".utf8) else { return arg }
        var v = Array(arg.dropFirst(7))
        if v.first == 0x27 {
            var out: [UInt8] = []
            var i = 1
            while i < v.count {
                if v[i] == 0x5c && i + 1 < v.count { out.append(v[i + 1]); i += 2; continue }
                if v[i] == 0x27 { break }
                out.append(v[i]); i += 1
            }
            v = out
        } else if let space = v.firstIndex(of: 0x20) {
            v = Array(v[..<space])
        }
        return v
    }

    // MARK: - COPY

    /// The table of a `COPY <table> [(cols)] FROM stdin …;` statement; nil for other statements.
    private func copyFromStdinTable(_ item: SQLStatementView) -> String? {
        let tokens = item.tokens
        guard let firstIndex = tokens.firstIndex(where: { !$0.kind.isTrivia }),
              item.isKeyword(tokens[firstIndex], "copy") else { return nil }
        var depth = 0
        var prevFrom = false
        var tableEnd: Int?
        for t in tokens[(firstIndex + 1)...] where !t.kind.isTrivia {
            if t.kind == .punctuation {
                if item.bytes[t.start] == 0x28 { if tableEnd == nil { tableEnd = t.start }; depth += 1 }
                if item.bytes[t.start] == 0x29 { depth = max(0, depth - 1) }
                prevFrom = false
                continue
            }
            if depth == 0 && item.isKeyword(t, "from") {
                if tableEnd == nil { tableEnd = t.start }
                prevFrom = true
                continue
            }
            if prevFrom && (item.isKeyword(t, "stdin") || item.isKeyword(t, "pstdin")) {
                let start = tokens[firstIndex].end
                // one line for messages: control characters become spaces, runs of spaces one
                var name: [UInt8] = []
                for b in item.bytes[start..<(tableEnd ?? start)] {
                    let c: UInt8 = b < 0x20 || b == 0x7f ? 0x20 : b
                    if c == 0x20 && (name.isEmpty || name.last == 0x20) { continue }
                    name.append(c)
                }
                if name.last == 0x20 { name.removeLast() }
                return String(decoding: name, as: UTF8.self)
            }
            prevFrom = false
        }
        return nil
    }

    private func readCopy(_ copy: (statement: [UInt8], offset: Int64, table: String)) throws {
        guard let visitor else { return }
        // The rest of the COPY line belongs to the statement; the data starts on the next line.
        var stmt = copy.statement
        var sawNewline = false
        while !sawNewline {
            let more = try reader.withAvailable { piece in
                guard let base = piece.baseAddress else { return 0 }
                let n: Int
                if let nl = memchr(base, 0x0a, piece.count) {
                    n = base.distance(to: UnsafeRawPointer(nl)) + 1
                    sawNewline = true
                } else {
                    n = piece.count
                }
                stmt.append(contentsOf: UnsafeRawBufferPointer(rebasing: piece[0..<n]))
                return n
            }
            if !more { break }
            if stmt.count - copy.statement.count > 4096 { break }
        }
        let restOfLine = stmt[copy.statement.count...]
        if restOfLine.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0d && $0 != 0x0a }) {
            throw DumpError(.malformed, file: name, offset: copy.offset + Int64(copy.statement.count),
                            "unexpected text after 'COPY \(copy.table) … FROM stdin;' on the same line (expected the end of the line)")
        }
        let dataStart = reader.offset
        if !sawNewline {
            throw DumpError(.truncated, file: name, offset: dataStart,
                            "COPY data for \(copy.table) starting at byte \(dataStart) is not closed by \\. (the input ends first)")
        }
        lastContent = .other
        cur.entry.copyStmt = stmt
        cur.entry.hadDumper = true
        cur.entry.defn = cur.defn
        try ensureHeader()
        cur.emitted = true
        let entry = cur.entry
        try visitor.entry(entry)
        try visitor.beginData(entry)

        var atLineStart = true
        var done = false
        var final = false
        while !done {
            var stalled = false
            let more = try reader.withAvailable { piece in
                let r = Self.scanCopy(piece, atLineStart: &atLineStart, final: final)
                if r.consumed > 0 { try visitor.data(UnsafeRawBufferPointer(rebasing: piece[0..<r.consumed])) }
                done = r.done
                stalled = r.consumed == 0 && !r.done
                return r.consumed
            }
            if !more {
                throw DumpError(.truncated, file: name, offset: reader.offset,
                                "COPY data for \(copy.table) starting at byte \(dataStart) is not closed by \\. (the input ends first)")
            }
            if stalled {
                // A line start too close to the end of the buffer to tell whether it is `\.`.
                let ahead = try reader.peek(4)
                final = ahead.count < 4
            }
        }
        try visitor.endData(entry)
        cur = Pending.script(at: reader.offset, afterData: true)
    }

    /// Scan COPY text for the `\.` line (`\.\n`, `\.\r\n`; `\.` at the very end of the input).
    /// Returns how many bytes are data (including the terminator line when `done`).
    @inline(__always)
    static func scanCopy(_ piece: UnsafeRawBufferPointer, atLineStart: inout Bool, final: Bool) -> (consumed: Int, done: Bool) {
        guard let p = piece.baseAddress?.assumingMemoryBound(to: UInt8.self), piece.count > 0 else { return (0, false) }
        let n = piece.count
        enum Check { case yes(Int), no, unknown }
        @inline(__always) func check(_ c: Int) -> Check {
            // c is a line start holding a backslash
            guard c + 1 < n else { return final ? .no : .unknown }
            guard p[c + 1] == 0x2e else { return .no }
            guard c + 2 < n else { return final ? .yes(n) : .unknown }
            if p[c + 2] == 0x0a { return .yes(c + 3) }
            if p[c + 2] == 0x0d {
                guard c + 3 < n else { return final ? .yes(n) : .unknown }
                if p[c + 3] == 0x0a { return .yes(c + 4) }
            }
            return .no
        }
        if atLineStart && p[0] == 0x5c {
            switch check(0) {
            case .yes(let end): atLineStart = false; return (end, true)
            case .unknown: return (0, false)
            case .no: break
            }
        }
        var i = 1
        while i < n {
            guard let hit = memchr(p + i, 0x5c, n - i) else { break }
            let b = p.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if p[b - 1] == 0x0a {
                switch check(b) {
                case .yes(let end): atLineStart = false; return (end, true)
                case .unknown: atLineStart = true; return (b, false)
                case .no: break
                }
            }
            i = b + 1
        }
        atLineStart = p[n - 1] == 0x0a
        return (n, false)
    }

    // MARK: - Large objects (BLOBS entries)

    private func handleBlobStatement(_ item: SQLStatementView) throws {
        guard let visitor else { return }
        let sig = item.significantTokens
        guard let first = sig.first else { return }
        if cur.blobPhase == .before {
            cur.entry.defn = cur.defn
            cur.entry.hadDumper = true
            try ensureHeader()
            cur.emitted = true
            try visitor.entry(cur.entry)
            try visitor.beginData(cur.entry)
            cur.blobPhase = .inData
            if item.isKeyword(first, "begin") || item.isKeyword(first, "start") { return }
        }
        if item.isKeyword(first, "commit") || item.isKeyword(first, "end") {
            try endBlobData()
            cur = Pending.script(at: item.offset + Int64(item.bytes.count), afterData: true)
            return
        }
        func fail(_ what: String) -> DumpError {
            DumpError(.malformed, file: name, offset: item.offset, entry: cur.entry.label,
                      "\(what) (expected SELECT pg_catalog.lo_open / lowrite / lo_close, or COMMIT, in large-object data)")
        }
        // SELECT [pg_catalog.]lo_xxx(args);
        guard item.isKeyword(first, "select"), sig.count >= 4 else { throw fail("unexpected statement") }
        var k = 1
        if sig.count > k + 2, item.bytes[sig[k + 1].start] == 0x2e, sig[k + 1].kind == .punctuation { k += 2 }
        let fn = sig[k]
        guard sig.count > k + 1, sig[k + 1].kind == .punctuation, item.bytes[sig[k + 1].start] == 0x28 else {
            throw fail("unexpected statement")
        }
        // arguments: the tokens between "(" and ")" split at ","
        var args: [SQLToken] = []
        var j = k + 2
        while j < sig.count, !(sig[j].kind == .punctuation && item.bytes[sig[j].start] == 0x29) {
            if !(sig[j].kind == .punctuation && item.bytes[sig[j].start] == 0x2c) { args.append(sig[j]) }
            j += 1
        }
        if item.isKeyword(fn, "lo_open") {
            guard cur.openLargeObject == nil else { throw fail("lo_open while large object \(cur.openLargeObject ?? 0) is still open") }
            guard let a = args.first, let oid = oidValue(item, a) else { throw fail("lo_open without a valid OID") }
            cur.openLargeObject = oid
            cur.openLargeObjectOffset = item.offset
            try visitor.beginLargeObject(oid: oid)
        } else if item.isKeyword(fn, "lowrite") {
            guard cur.openLargeObject != nil else { throw fail("lowrite without lo_open") }
            guard args.count >= 2, let value = SQLLexer.stringValue(item.bytes, args[1],
                                                                    standardConformingStrings: item.standardConformingStrings),
                  let bytes = Self.decodeByteaHex(value) else { throw fail("lowrite without a '\\x…' literal") }
            try bytes.withUnsafeBytes { try visitor.data($0) }
        } else if item.isKeyword(fn, "lo_close") {
            guard let oid = cur.openLargeObject else { throw fail("lo_close without lo_open") }
            cur.openLargeObject = nil
            try visitor.endLargeObject(oid: oid)
        } else {
            throw fail("unexpected function call")
        }
    }

    private func endBlobData() throws {
        guard let visitor else { return }
        if let oid = cur.openLargeObject {
            throw DumpError(.truncated, file: name, offset: cur.openLargeObjectOffset, entry: cur.entry.label,
                            "large object \(oid) opened at byte \(cur.openLargeObjectOffset) is not closed by lo_close")
        }
        cur.blobPhase = .done
        try visitor.endData(cur.entry)
    }

    private func oidValue(_ item: SQLStatementView, _ t: SQLToken) -> UInt32? {
        let digits: [UInt8]
        switch t.kind {
        case .number: digits = item.text(t)
        case .string, .escapeString: digits = SQLLexer.stringValue(item.bytes, t) ?? []
        default: return nil
        }
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt32(exactly: digits.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 0x30) })
    }

    /// `\x0aff…` → bytes.
    static func decodeByteaHex(_ v: [UInt8]) -> [UInt8]? {
        guard v.count >= 2, v[0] == 0x5c, v[1] | 0x20 == 0x78, v.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity((v.count - 2) / 2)
        var i = 2
        @inline(__always) func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x37
            case 0x61...0x66: return c - 0x57
            default: return nil
            }
        }
        while i + 1 < v.count {
            guard let h = hex(v[i]), let l = hex(v[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }
}

/// Replays bytes already read from a source, then continues with the source.
public final class PrefixReplaySource: ByteSource {
    private var prefix: [UInt8]
    private var pos = 0
    private let inner: ByteSource

    public init(prefix: [UInt8], inner: ByteSource) {
        self.prefix = prefix
        self.inner = inner
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if pos < prefix.count, let base = buffer.baseAddress, buffer.count > 0 {
            let n = min(buffer.count, prefix.count - pos)
            prefix.withUnsafeBytes { src in base.copyMemory(from: src.baseAddress! + pos, byteCount: n) }
            pos += n
            return n
        }
        return try inner.read(into: buffer)
    }
}
