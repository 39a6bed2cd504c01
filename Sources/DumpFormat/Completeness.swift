#if canImport(Glibc)
import Glibc
#endif

/// The completeness auditor: a visitor that counts what a dump holds and checks each data item's
/// framing as it streams (docs/commands.md, verify). Format-level structure (block order, end marks, tar
/// checksums, plain trailers) is checked by the readers; this adds COPY payload checks and counts.
public final class CompletenessAuditor: DumpVisitor {
    public struct TableData: Sendable {
        public var dumpId: Int
        public var schema: String
        public var table: String
        /// Rows counted from the COPY text, or from the INSERT statements of `--inserts` data
        /// (each row of a multi-row VALUES list counted).
        public var rows: Int64?
        public var bytes: Int64
    }

    public private(set) var header: ArchiveHeader?
    public private(set) var format: DumpFormatKind?
    public private(set) var entryCount = 0
    public private(set) var entriesByType: [String: Int] = [:]
    public private(set) var entries: [TOCEntry] = []
    public private(set) var tables: [TableData] = []
    public private(set) var largeObjects = 0
    public private(set) var largeObjectBytes: Int64 = 0
    /// Size of each large object, in the order met.
    public private(set) var largeObjectSizes: [(oid: UInt32, bytes: Int64)] = []
    public private(set) var dataBytes: Int64 = 0
    public private(set) var totalBytes: Int64 = 0
    public let keepEntries: Bool
    public let fileName: String

    // Current data item.
    private var current: TOCEntry?
    private var newlines: Int64 = 0
    private var itemBytes: Int64 = 0
    private var tail = [UInt8](repeating: 0, count: 16)
    private var tailCount = 0
    private var inLargeObject = false
    /// The INSERT statements of the current data item, when it is SQL (`--inserts`).
    private var inserts: InsertDataSplitter?
    private var copyEnd: CopyEndMarkerCheck?
    /// The string rules INSERT data is lexed with: the archive's STDSTRINGS entry, a plain
    /// script's prelude (set it when the entries are not passed through `entry`).
    public var standardConformingStrings = true

    public init(fileName: String, keepEntries: Bool = true) {
        self.fileName = fileName
        self.keepEntries = keepEntries
    }

    public func header(_ header: ArchiveHeader, format: DumpFormatKind) throws {
        self.header = header
        self.format = format
    }

    public func entry(_ entry: TOCEntry) throws {
        entryCount += 1
        entriesByType[entry.desc, default: 0] += 1
        if keepEntries { entries.append(entry) }
        if entry.desc == "STDSTRINGS" || (entry.dumpId == 0 && format == .plain) {
            let d = entry.defn ?? []
            if entry.desc == "STDSTRINGS" {
                standardConformingStrings = d.firstRange(of: Array("'on'".utf8)) != nil
            } else if d.firstRange(of: Array("SET standard_conforming_strings = off;".utf8)) != nil {
                standardConformingStrings = false
            } else if d.firstRange(of: Array("SET standard_conforming_strings = on;".utf8)) != nil {
                standardConformingStrings = true
            }
        }
        // A plain script's INSERT data is the pseudo-entry's SQL (no data events).
        if format == .plain && entry.isInsertData {
            let defn = entry.defn ?? []
            let counter = InsertDataSplitter(entry: entry, fileName: fileName, standardConformingStrings: standardConformingStrings,
                                             allowsOtherStatements: true)
            try counter.all(defn) { _, _ in }
            dataBytes += Int64(defn.count)
            tables.append(TableData(dumpId: entry.dumpId, schema: text(entry.namespace), table: entry.tagText,
                                    rows: counter.rows, bytes: Int64(defn.count)))
        }
    }

    public func beginData(_ entry: TOCEntry) throws {
        current = entry
        newlines = 0
        itemBytes = 0
        tailCount = 0
        inserts = entry.isInsertData
            ? InsertDataSplitter(entry: entry, fileName: fileName, standardConformingStrings: standardConformingStrings) : nil
        copyEnd = entry.desc == "TABLE DATA" && !(entry.copyStmt ?? []).isEmpty ? CopyEndMarkerCheck() : nil
    }

    public func data(_ bytes: UnsafeRawBufferPointer) throws {
        itemBytes += Int64(bytes.count)
        if inLargeObject { return }
        if let inserts {
            try inserts.feed(bytes) { _, _ in }
            return
        }
        if copyEnd != nil {
            do { try copyEnd!.feed(bytes) } catch let e as CopyEndMarkerCheck.AfterEnd {
                throw DumpError(.forbidden, file: fileName, entry: current?.label,
                                "COPY data continues after its end marker '\\.' at byte \(e.offset) of the entry's data (psql would run it as SQL): \(shown(e.excerpt, limit: 60))")
            }
        }
        newlines += countNewlines(bytes)
        // keep the last 16 bytes for the terminator check
        let n = bytes.count
        if n >= 16 {
            tail.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[(n - 16)...])) }
            tailCount = 16
        } else if n > 0 {
            let keep = min(tailCount, 16 - n)
            tail.withUnsafeMutableBytes { t in
                if keep > 0 { t.baseAddress!.copyMemory(from: t.baseAddress! + (tailCount - keep), byteCount: keep) }
                (t.baseAddress! + keep).copyMemory(from: bytes.baseAddress!, byteCount: n)
            }
            tailCount = keep + n
        }
    }

    public func beginLargeObject(oid: UInt32) throws {
        inLargeObject = true
        itemBytes = 0
    }

    public func endLargeObject(oid: UInt32) throws {
        largeObjects += 1
        largeObjectBytes += itemBytes
        largeObjectSizes.append((oid, itemBytes))
        dataBytes += itemBytes
        inLargeObject = false
        itemBytes = 0
    }

    public func endData(_ entry: TOCEntry) throws {
        defer { current = nil; inserts = nil }
        if entry.isBlobs { return }
        dataBytes += itemBytes
        var rows: Int64?
        if let inserts {
            try inserts.finish { _, _ in }
            rows = inserts.rows
        } else if entry.desc == "TABLE DATA" && entry.copyStmt != nil {
            // COPY text must end with a "\." line, optionally followed by blank lines.
            let t = Array(tail[0..<tailCount])
            var k = t.count
            while k > 0 && t[k - 1] == 0x0a { k -= 1 }
            let trailingNewlines = t.count - k
            let lineStartsAtPayloadStart = itemBytes == Int64(k + trailingNewlines) && k == 2
            let endsWithTerminator = k >= 2 && t[k - 2] == 0x5c && t[k - 1] == 0x2e &&
                (k >= 3 ? t[k - 3] == 0x0a : lineStartsAtPayloadStart)
            if trailingNewlines == 0 || !endsWithTerminator {
                throw DumpError(.truncated, file: fileName, entry: entry.label,
                                "COPY data does not end with the '\\.' terminator line (\(itemBytes) bytes decoded)")
            }
            rows = newlines - Int64(trailingNewlines)
        } else if entry.desc == "TABLE DATA" {
            rows = nil
        } else {
            return
        }
        tables.append(TableData(dumpId: entry.dumpId, schema: text(entry.namespace), table: entry.tagText,
                                rows: rows, bytes: itemBytes))
    }

    public func finish(totalBytes: Int64) throws {
        self.totalBytes = totalBytes
    }
}

/// Count 0x0A bytes with memchr (glibc's vectorised scan; COPY rows are tens to hundreds of
/// bytes, so the per-call cost is small next to the scan).
@inline(__always)
public func countNewlines(_ bytes: UnsafeRawBufferPointer) -> Int64 {
    guard var p = bytes.baseAddress else { return 0 }
    let end = p + bytes.count
    var count: Int64 = 0
    while p < end, let hit = memchr(p, 0x0a, end - p) {
        count += 1
        p = UnsafeRawPointer(hit) + 1
    }
    return count
}

/// COPY text ends at a line that is `\.` (psql and the server stop there): after it only blank
/// lines may follow. A later byte would be sent as data to the server (which ignores it) but run
/// as SQL by psql reading a script the data was written into, so it is an error on every path.
/// Fed the data in any pieces; linear, `memchr` between line starts.
public struct CopyEndMarkerCheck {
    public struct AfterEnd: Error { public var offset: Int64; public var excerpt: [UInt8] }
    private enum State { case lineStart, backslash, marker, markerCR, inLine, ended }
    private var state = State.lineStart
    /// Bytes fed so far.
    public private(set) var offset: Int64 = 0

    public init() {}

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let n = bytes.count
        var i = 0
        defer { offset += Int64(n) }
        while i < n {
            let c = base[i]
            switch state {
            case .ended:
                if c != 0x0a {
                    throw AfterEnd(offset: offset + Int64(i), excerpt: Array(UnsafeBufferPointer(start: base + i, count: min(100, n - i))))
                }
                i += 1
            case .lineStart:
                if c == 0x5c { state = .backslash; i += 1 } else if c == 0x0a { i += 1 } else { state = .inLine }
            case .backslash:
                if c == 0x2e { state = .marker; i += 1 } else { state = .inLine }
            case .marker:
                if c == 0x0a { state = .ended; i += 1 } else if c == 0x0d { state = .markerCR; i += 1 } else { state = .inLine }
            case .markerCR:
                if c == 0x0a { state = .ended; i += 1 } else { state = .inLine }
            case .inLine:
                if let hit = memchr(base + i, 0x0a, n - i) {
                    i = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - base + 1
                    state = .lineStart
                } else {
                    i = n
                }
            }
        }
    }
}
