#if canImport(Glibc)
import Glibc
#endif

// Plain → plain rewriting: the first pass's entry collector, the input read twice, and the
// writer that copies a script back with only its rewritten pseudo-entries changed.

// MARK: - First pass

/// Keeps the pseudo-entries of a plain script for the role map and the report. TABLE DATA
/// entries keep no SQL (with `--inserts` it is the table's rows; rows name no roles), so the
/// first pass holds the schema, not the data.
public final class PlainEntryCollector: DumpVisitor {
    public private(set) var entries: [TOCEntry] = []
    public private(set) var standardConformingStrings = true

    public init() {}

    public func entry(_ entry: TOCEntry) throws {
        var e = entry
        if e.desc == "TABLE DATA" { e.defn = [] }
        if let l = e.lexState, !l.standardConformingStrings { standardConformingStrings = false }
        entries.append(e)
    }
}

// MARK: - Reading the input twice

/// A plain script opened for the writing pass: file → [decompressor] → recorder → reader.
public struct PlainInput {
    public let recorder: RecordingSource
    public let reader: ByteReader
    public let plain: PlainReader

    public static func open(path: String) throws -> PlainInput {
        let (inner, algorithm) = try Decompressors.openFile(path: path)
        let recorder = RecordingSource(inner: inner)
        let reader = ByteReader(source: recorder, name: path)
        return PlainInput(recorder: recorder, reader: reader, plain: PlainReader(reader: reader, name: path, compression: algorithm))
    }
}


/// Keeps the bytes read through it from a movable start offset on, so the writer can copy the
/// input between and around pseudo-entries verbatim (header comments as written, large-object
/// blocks, the blank lines after data). The writer discards what it has written.
public final class RecordingSource: ByteSource {
    private let inner: ByteSource
    private var store: UnsafeMutableRawBufferPointer
    private var head = 0, tail = 0
    /// Input offset of `store[head]`.
    private(set) var base: Int64 = 0

    init(inner: ByteSource) {
        self.inner = inner
        store = .allocate(byteCount: 4 << 20, alignment: 16)
    }

    deinit { store.deallocate() }

    /// Offset just past the last byte read.
    var end: Int64 { base + Int64(tail - head) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try inner.read(into: buffer)
        if n > 0 { append(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
        return n
    }

    private func append(_ bytes: UnsafeRawBufferPointer) {
        if tail + bytes.count > store.count {
            let live = tail - head
            if live + bytes.count > store.count {
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(store.count * 2, live + bytes.count), alignment: 16)
                if live > 0 { bigger.baseAddress!.copyMemory(from: store.baseAddress! + head, byteCount: live) }
                store.deallocate()
                store = bigger
            } else if live > 0 {
                memmove(store.baseAddress!, store.baseAddress! + head, live)
            }
            head = 0
            tail = live
        }
        (store.baseAddress! + tail).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        tail += bytes.count
    }

    /// Forget everything before `offset`.
    func discard(upTo offset: Int64) {
        let n = Int(min(max(0, offset - base), Int64(tail - head)))
        head += n
        base += Int64(n)
        if head == tail { head = 0; tail = 0 }
    }

    /// The recorded bytes from `offset` to the end (valid until the next read or discard).
    func bytes(from offset: Int64) -> UnsafeRawBufferPointer? {
        guard offset >= base, offset <= end else { return nil }
        let start = head + Int(offset - base)
        return UnsafeRawBufferPointer(rebasing: store[start..<tail])
    }
}

// MARK: - The writer

/// Writes a plain script back from PlainReader's events, rewriting each pseudo-entry's SQL and
/// its header's `Owner:` field.
///
/// With the raw input (`raw`, the writing pass over a file) every byte outside the pseudo-entries
/// — COPY data, large-object blocks, the blank lines after data — is copied from the input,
/// and so is each header comment (verbose `-- TOC entry` lines, line ends) but for its Owner
/// field. Without it (one pass from a pipe), those parts are regenerated as pg_dump writes them:
/// COPY data passes through, large objects are written again as `lowrite` calls with the same
/// bytes and chunks, header comments are rebuilt from their fields (pg_dump -v's `-- TOC entry`
/// lines are lost).
public final class PlainScriptWriter: DumpVisitor {
    private let output: Output
    private let raw: RecordingSource?
    private let reader: ByteReader?
    /// The server the script is for: settings it does not know are left out (VersionBridge).
    private let serverMajor: Int?
    /// What the version bridge changed (`--target-version`), and what it knows the server rejects.
    public private(set) var bridgeChanges: [String] = []
    public private(set) var bridgeRejections: [String] = []
    private var stdStrings: Bool
    private let rewrite: (TOCEntry) throws -> TOCEntry
    /// Input offset up to which output has been produced (raw mode).
    private var written: Int64 = 0
    private var inCopy = false
    private var inBlobs = false
    public private(set) var entryCount = 0
    public private(set) var rewrittenCount = 0

    public init(output: Output, raw: RecordingSource?, reader: ByteReader?, serverMajor: Int?,
         standardConformingStrings: Bool, rewrite: @escaping (TOCEntry) throws -> TOCEntry) {
        self.output = output
        self.raw = raw
        self.reader = reader
        self.serverMajor = serverMajor
        self.stdStrings = standardConformingStrings
        self.rewrite = rewrite
    }

    private func internalError(_ message: String, at offset: Int64? = nil) -> DumpError {
        DumpError(.internalError, file: reader?.name ?? "plain script", offset: offset, "internal: \(message)")
    }

    /// Raw mode: copy the input up to `offset` verbatim.
    private func copyRaw(upTo offset: Int64) throws {
        guard let raw, offset > written else { return }
        guard let bytes = raw.bytes(from: written), Int64(bytes.count) >= offset - written else {
            throw internalError("input bytes \(written)…\(offset) are no longer held", at: written)
        }
        try output.write(UnsafeRawBufferPointer(rebasing: bytes[0..<Int(offset - written)]))
        written = offset
        raw.discard(upTo: written)
    }

    public func entry(_ e: TOCEntry) throws {
        entryCount += 1
        // The script's standard_conforming_strings where the entry starts (PlainReader follows every SET).
        if let l = e.lexState { stdStrings = l.standardConformingStrings }
        var new = try rewrite(e)
        if let major = serverMajor {
            // The version bridge, as for an archive's entries (`--target-version`): what the older
            // server rejects converted, an entry it cannot take left with its header only.
            let bridge = VersionBridge(targetMajor: major)
            var withLex = new
            withLex.lexState = e.lexState(standardConformingStrings: stdStrings)
            let converted = try bridge.convertSQL([withLex], standardConformingStrings: stdStrings)
            bridgeChanges += converted.changes.map { "\($0)" }
            bridgeRejections += converted.rejections.map { "\($0)" }
            if let c = converted.entries.first { new.defn = c.defn } else { new.defn = [] }
            if let d = new.defn {
                let lex = e.lexState(standardConformingStrings: stdStrings)
                new.defn = try VersionBridge.dropUnknownSettings(d, serverMajor: major, standardConformingStrings: lex.standardConformingStrings,
                                                                 encoding: lex.encoding)
            }
        }
        if new.defn != e.defn || new.owner != e.owner || new.tag != e.tag { rewrittenCount += 1 }

        if raw != nil {
            try copyRaw(upTo: e.fileOffset)
            if e.fileOffset != written { throw internalError("pseudo-entry at byte \(e.fileOffset) before byte \(written)") }
        }
        var length = 0   // input bytes this entry covers (raw mode)
        if e.dumpId != 0 {
            if let raw {
                guard let bytes = raw.bytes(from: e.fileOffset), let block = Self.headerBlock(bytes) else {
                    throw internalError("no header comment where the pseudo-entry \(e.label) starts", at: e.fileOffset)
                }
                let line = Array(bytes[block.nameLine])
                try output.write(Array(bytes[0..<block.nameLine.lowerBound]))
                try output.write(Self.rewriteNameLine(line, old: e, new: new) ?? Self.nameLine(new, prefix: Self.prefix(of: line)))
                try output.write(Array(bytes[block.nameLine.upperBound..<block.length]))
                length = block.length
            } else {
                try output.write(Array("--\n".utf8) + Self.nameLine(new, prefix: Self.regeneratedPrefix(e)) + Array("\n--\n".utf8))
            }
        }
        let defn = e.defn ?? []
        if let raw {
            // The pseudo-entry's SQL must be the input's bytes after the header.
            let start = e.fileOffset + Int64(length)
            guard let bytes = raw.bytes(from: start), bytes.count >= defn.count,
                  defn.withUnsafeBytes({ memcmp($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, bytes.baseAddress!, defn.count) == 0 }) else {
                throw internalError("the SQL of \(e.label) is not where the input holds it", at: start)
            }
        }
        try output.write(new.defn ?? [])
        length += defn.count
        if let copy = e.copyStmt {
            try output.write(copy)
            length += copy.count
        }
        if raw != nil {
            written = e.fileOffset + Int64(length)
            raw?.discard(upTo: written)
        }
    }

    public func beginData(_ entry: TOCEntry) throws {
        if entry.isBlobs {
            inBlobs = true
            if raw == nil { try output.write(Array("BEGIN;\n\n".utf8)) }
        } else {
            inCopy = true
        }
    }

    public func data(_ bytes: UnsafeRawBufferPointer) throws {
        if inCopy {
            try output.write(bytes)
            if let raw {
                written += Int64(bytes.count)
                raw.discard(upTo: written)
            }
        } else if inBlobs {
            if raw != nil {
                try copyBlobInput()
            } else {
                // dump_lo_buf's form: one lowrite per chunk, as read.
                var s: [UInt8] = Array("SELECT pg_catalog.lowrite(0, '".utf8)
                if !stdStrings { s.append(0x5c) }
                s += [0x5c, 0x78]
                s.reserveCapacity(s.count + 2 * bytes.count + 4)
                let hex = Array("0123456789abcdef".utf8)
                for b in bytes { s.append(hex[Int(b >> 4)]); s.append(hex[Int(b & 15)]) }
                s += Array("');\n".utf8)
                try output.write(s)
            }
        }
    }

    /// Raw mode inside a large-object block: everything the reader has handed on is block text.
    private func copyBlobInput() throws {
        guard let reader else { return }
        try copyRaw(upTo: reader.offset)
    }

    public func beginLargeObject(oid: UInt32) throws {
        if raw != nil { try copyBlobInput(); return }
        try output.write(Array("SELECT pg_catalog.lo_open('\(oid)', 131072);\n".utf8))
    }

    public func endLargeObject(oid: UInt32) throws {
        if raw != nil { try copyBlobInput(); return }
        try output.write(Array("SELECT pg_catalog.lo_close(0);\n\n".utf8))
    }

    public func endData(_ entry: TOCEntry) throws {
        if raw == nil {
            // pg_dump's two blank lines after `\.` (COPY) and after COMMIT (large objects).
            try output.write(Array((inBlobs ? "COMMIT;\n\n" : "\n\n").utf8))
        }
        inCopy = false
        inBlobs = false
    }

    public func finish(totalBytes: Int64) throws {
        guard let raw else { return }
        try copyRaw(upTo: raw.end)
    }

    // MARK: Header comments

    static let namePrefixes = ["-- Name: ", "-- Data for Name: ", "-- Statistics for Name: "].map { Array($0.utf8) }

    /// The header block at the start of `bytes`: "--", optional `-- TOC entry`/`-- Dependencies`
    /// lines, the name line, "--". Returns its length and the name line's range (without its
    /// line end).
    static func headerBlock(_ bytes: UnsafeRawBufferPointer) -> (length: Int, nameLine: Range<Int>)? {
        var pos = 0
        var nameLine: Range<Int>?
        for _ in 0..<12 {
            guard pos < bytes.count, let nl = bytes[pos...].firstIndex(of: 0x0a) else { return nil }
            if let nameLine { return (nl + 1, nameLine) }   // the closing "--" line
            var end = nl
            if end > pos && bytes[end - 1] == 0x0d { end -= 1 }
            if namePrefixes.contains(where: { bytes[pos..<end].starts(with: $0) }) { nameLine = pos..<end }
            pos = nl + 1
        }
        return nil
    }

    static func prefix(of line: [UInt8]) -> String {
        if line.starts(with: "-- Data for ".utf8) { return "Data for " }
        if line.starts(with: "-- Statistics for ".utf8) { return "Statistics for " }
        return ""
    }

    /// pg_dump's prefix for a pseudo-entry whose header is rebuilt (no raw input).
    static func regeneratedPrefix(_ e: TOCEntry) -> String {
        if e.desc == "STATISTICS DATA" { return "Statistics for " }
        return e.hadDumper ? "Data for " : ""
    }

    /// `-- [prefix]Name: tag; Type: desc; Schema: nsp; Owner: owner[; Tablespace: ts]`.
    static func nameLine(_ e: TOCEntry, prefix: String) -> [UInt8] {
        var l = Array("-- \(prefix)Name: ".utf8) + sanitizeLine(e.tag ?? [])
        l += Array("; Type: \(e.desc); Schema: ".utf8) + sanitizeLine(e.namespace ?? [0x2d])
        l += Array("; Owner: ".utf8) + sanitizeLine(e.owner ?? [0x2d])
        if let ts = e.tablespace { l += Array("; Tablespace: ".utf8) + sanitizeLine(ts) }
        return l
    }

    /// pg_dump's sanitize_line: a name written into a `--` comment line has its CR and LF turned
    /// into spaces, so nothing after it becomes a live line for psql (CVE-2025-8715's class).
    public static func sanitizeLine(_ name: [UInt8]) -> [UInt8] {
        name.map { $0 == 0x0a || $0 == 0x0d ? 0x20 : $0 }
    }

    /// The input's name line with the new tag and owner (nil when it does not read as `old`).
    static func rewriteNameLine(_ line: [UInt8], old: TOCEntry, new: TOCEntry) -> [UInt8]? {
        guard let p = namePrefixes.first(where: { line.starts(with: $0) }) else { return nil }
        let ownerLabel = Array("; Owner: ".utf8)
        let middle = Array("; Type: \(old.desc); Schema: ".utf8) + (old.namespace ?? [0x2d]) + ownerLabel
        let before = (old.tag ?? []) + middle
        let rest = line[p.count...]
        guard rest.starts(with: before) else { return nil }
        let afterOwnerLabel = rest.dropFirst(before.count)
        let oldOwner = old.owner ?? [0x2d]
        guard afterOwnerLabel.starts(with: oldOwner) else { return nil }
        let tail = afterOwnerLabel.dropFirst(oldOwner.count)
        guard tail.isEmpty || tail.starts(with: "; Tablespace: ".utf8) else { return nil }
        if new.tag == old.tag && new.owner == old.owner { return line }
        let newMiddle = Array("; Type: \(old.desc); Schema: ".utf8) + (old.namespace ?? [0x2d]) + ownerLabel
        return p + sanitizeLine(new.tag ?? []) + newMiddle + sanitizeLine(new.owner ?? [0x2d]) + Array(tail)
    }

}
