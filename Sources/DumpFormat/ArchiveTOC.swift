/// Reading of the header and TOC shared by the custom format and the `toc.dat` of directory and
/// tar archives (pg_backup_archiver.c ReadHead/ReadToc). Every length is bounds-checked.
public struct ArchivePrimitives {
    public let reader: ByteReader
    public let intSize: Int
    public let offSize: Int

    public init(reader: ByteReader, intSize: Int, offSize: Int) {
        self.reader = reader
        self.intSize = intSize
        self.offSize = offSize
    }

    /// pg_dump Int: a sign byte, then `intSize` magnitude bytes, least significant first.
    public func readInt(_ what: @autoclosure () -> String) throws -> Int64 {
        // Fast path: the usual 4-byte Int already in the buffer.
        if intSize == 4, let v = reader.withBuffered(5, { p -> Int64? in
            let sign = p[0]
            guard sign <= 1 else { return nil }
            let m = Int64(p[1]) | Int64(p[2]) << 8 | Int64(p[3]) << 16 | Int64(p[4]) << 24
            return sign == 1 ? -m : m
        }) { return v }
        let at = reader.offset
        let sign = try reader.readByte()
        var value: UInt64 = 0
        for i in 0..<intSize {
            let b = try reader.readByte()
            if i < 8 {
                value |= UInt64(b) << (8 * UInt64(i))
            } else if b != 0 {
                throw reader.fail(.malformed, at: at, "\(what()): integer does not fit in 64 bits")
            }
        }
        if sign > 1 { throw reader.fail(.malformed, at: at, "\(what()): invalid integer sign byte \(sign) (expected 0 or 1)") }
        // pg_dump writes C ints: the magnitude wraps through 32 bits for intSize 4.
        if value > UInt64(Int64.max) { throw reader.fail(.malformed, at: at, "\(what()): integer magnitude \(value) out of range") }
        return sign == 1 ? -Int64(value) : Int64(value)
    }

    /// An Int that must lie within `range`.
    public func readInt(_ what: @autoclosure () -> String, in range: ClosedRange<Int64>) throws -> Int {
        let at = reader.offset
        let v = try readInt(what())
        guard range.contains(v) else {
            throw reader.fail(.malformed, at: at, "\(what()) is \(v), expected \(range.lowerBound)…\(range.upperBound)")
        }
        return Int(v)
    }

    /// pg_dump String: Int length (−1 = NULL), then that many raw bytes.
    public func readString(_ what: @autoclosure () -> String) throws -> [UInt8]? {
        let at = reader.offset
        let len = try readInt(what())
        if len == -1 { return nil }
        if len < 0 { throw reader.fail(.malformed, at: at, "\(what()): invalid string length \(len)") }
        if len > Int64(Int32.max) { throw reader.fail(.malformed, at: at, "\(what()): string length \(len) exceeds 2 GB") }
        return try reader.readBytes(count: Int(len), what: what())
    }

    /// pg_dump Offset: a flag byte, then `offSize` position bytes, least significant first.
    public func readOffset(_ what: @autoclosure () -> String) throws -> DataLocation {
        let at = reader.offset
        let flag = try reader.readByte()
        var pos: UInt64 = 0
        for i in 0..<offSize {
            let b = try reader.readByte()
            if i < 8 { pos |= UInt64(b) << (8 * UInt64(i)) } else if b != 0 {
                throw reader.fail(.malformed, at: at, "\(what()): file offset is too large")
            }
        }
        switch flag {
        case 1: return .positionNotSet
        case 2:
            guard pos <= UInt64(Int64.max) else { throw reader.fail(.malformed, at: at, "\(what()): file offset \(pos) out of range") }
            return .offset(Int64(pos))
        case 3: return .none
        default:
            throw reader.fail(.malformed, at: at, "\(what()): unexpected data offset flag \(flag) (expected 1, 2 or 3)")
        }
    }
}

/// The archive's header and TOC, as read.
public struct ArchiveTOC: Sendable {
    public var header: ArchiveHeader
    public var entries: [TOCEntry]
    /// Offset of the first byte after the TOC (custom: the first data block).
    public var endOffset: Int64
    /// Offset of the tocCount Int.
    public var startOffset: Int64
    /// The archive encoding (ENCODING entry), e.g. "UTF8".
    public var encoding: String?
    public var standardConformingStrings: Bool

    /// Reads header and TOC. `expectedFormat` is 1 for custom files and 3 for toc.dat.
    public static func read(_ reader: ByteReader, expectedFormat: UInt8) throws -> ArchiveTOC {
        let header = try readHeader(reader, expectedFormat: expectedFormat)
        let p = ArchivePrimitives(reader: reader, intSize: header.intSize, offSize: header.offSize)
        let start = reader.offset
        let count = try p.readInt("TOC entry count", in: 0...Int64(Int32.max))
        var entries: [TOCEntry] = []
        entries.reserveCapacity(min(count, 65536))
        var seen = Set<Int>()
        var encoding: String?
        var stdStrings = true
        for i in 0..<count {
            let e = try readEntry(p, header: header, expectedFormat: expectedFormat, index: i)
            if !seen.insert(e.dumpId).inserted {
                throw DumpError(.malformed, file: reader.name, offset: e.fileOffset,
                                "TOC entry \(i + 1) of \(count) repeats dumpId \(e.dumpId)")
            }
            if e.desc == "ENCODING", let d = e.defn { encoding = parseQuotedSetting(d) }
            if e.desc == "STDSTRINGS", let d = e.defn { stdStrings = parseQuotedSetting(d) != "off" }
            entries.append(e)
        }
        let state = SQLLexState(standardConformingStrings: stdStrings, encoding: SQLEncoding(name: Array((encoding ?? "").utf8)))
        for i in entries.indices { entries[i].lexState = state }
        return ArchiveTOC(header: header, entries: entries, endOffset: reader.offset, startOffset: start,
                          encoding: encoding, standardConformingStrings: stdStrings)
    }

    static func readHeader(_ reader: ByteReader, expectedFormat: UInt8) throws -> ArchiveHeader {
        reader.recording = []
        defer { reader.recording = nil }
        let magic = try reader.readBytes(count: 5, what: "archive magic")
        guard magic == Array("PGDMP".utf8) else {
            throw reader.fail(.malformed, at: reader.offset - 5, "not a pg_dump archive: expected magic 'PGDMP'")
        }
        let vmaj = try reader.readByte()
        let vmin = try reader.readByte()
        let vrev = try reader.readByte()
        let version = ArchiveVersion(vmaj, vmin, vrev)
        if version > ArchiveVersion.newestSupported {
            throw reader.fail(.unsupported, at: 5, "unsupported archive version \(vmaj).\(vmin) (this pgreown reads 1.12 to 1.16, written by pg_dump 9.0 to 18)")
        }
        if version < ArchiveVersion.oldestSupported {
            throw reader.fail(.unsupported, at: 5, "unsupported archive version \(vmaj).\(vmin) (older than 1.12, pg_dump before 9.0)")
        }
        let intSize = Int(try reader.readByte())
        guard (1...32).contains(intSize) else { throw reader.fail(.malformed, at: 8, "integer size \(intSize) in header (expected 1…32, normally 4)") }
        let offSize = Int(try reader.readByte())
        guard (1...32).contains(offSize) else { throw reader.fail(.malformed, at: 9, "offset size \(offSize) in header (expected 1…32, normally 8)") }
        let format = try reader.readByte()
        guard format == expectedFormat else {
            let name: [UInt8: String] = [0: "unknown", 1: "custom", 3: "tar/directory", 4: "null", 5: "directory"]
            throw reader.fail(.malformed, at: 10, "archive format byte is \(format) (\(name[format] ?? "invalid")), expected \(expectedFormat) (\(name[expectedFormat] ?? "?"))")
        }
        let p = ArchivePrimitives(reader: reader, intSize: intSize, offSize: offSize)
        var compression: CompressionAlgorithm
        var level: Int?
        if version >= .v1_15 {
            let at = reader.offset
            let alg = try reader.readByte()
            switch alg {
            case 0: compression = .none
            case 1: compression = .gzip
            case 2: compression = .lz4
            case 3: compression = .zstd
            default: throw reader.fail(.malformed, at: at, "unknown compression algorithm \(alg) in header (expected 0 none, 1 gzip, 2 lz4, 3 zstd)")
            }
        } else {
            let l = try p.readInt("compression level", in: -1...9)
            level = l
            compression = l == 0 ? .none : .gzip
        }
        var created: [Int] = []
        for name in ["tm_sec", "tm_min", "tm_hour", "tm_mday", "tm_mon", "tm_year", "tm_isdst"] {
            created.append(try p.readInt("creation time \(name)", in: Int64(Int32.min)...Int64(Int32.max)))
        }
        let db = try p.readString("database name")
        let server = try p.readString("server version")
        let dumpVersion = try p.readString("pg_dump version")
        return ArchiveHeader(version: version, intSize: intSize, offSize: offSize, formatByte: format,
                             compression: compression, compressionLevel: level, createdAt: created,
                             databaseName: db, serverVersion: server, pgDumpVersion: dumpVersion,
                             rawBytes: reader.recording ?? [])
    }

    static func readEntry(_ p: ArchivePrimitives, header: ArchiveHeader, expectedFormat: UInt8, index: Int) throws -> TOCEntry {
        let reader = p.reader
        let at = reader.offset
        let n = index + 1
        let dumpId = try p.readInt("dumpId of TOC entry #\(n)")
        guard dumpId > 0 && dumpId <= Int64(Int32.max) else {
            throw reader.fail(.malformed, at: at, "TOC entry #\(n): dumpId \(dumpId) out of range (perhaps a corrupt TOC)")
        }
        let id = Int(dumpId)
        let ctx = "TOC entry \(id)"
        let hadDumper = try p.readInt("\(ctx) hadDumper", in: 0...1) == 1
        let tableoid = try p.readString("\(ctx) tableoid")
        let oid = try p.readString("\(ctx) oid")
        let tag = try p.readString("\(ctx) tag")
        let descAt = reader.offset
        guard let descBytes = try p.readString("\(ctx) desc") else {
            throw reader.fail(.malformed, at: descAt, "\(ctx): object type (desc) is NULL")
        }
        guard descBytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else {
            throw reader.fail(.malformed, at: descAt, "\(ctx): object type (desc) is not printable ASCII")
        }
        let desc = String(decoding: descBytes, as: UTF8.self)
        let secAt = reader.offset
        let sectionValue = try p.readInt("\(ctx) section")
        guard let section = Section(rawValue: Int(clamping: sectionValue)) else {
            throw reader.fail(.malformed, at: secAt, "\(ctx): section \(sectionValue) (expected 1 none, 2 pre-data, 3 data, 4 post-data)")
        }
        let defn = try p.readString("\(ctx) definition")
        let drop = try p.readString("\(ctx) drop statement")
        let copy = try p.readString("\(ctx) COPY statement")
        let nsp = try p.readString("\(ctx) schema")
        let tablespace = try p.readString("\(ctx) tablespace")
        let tableam = header.version >= .v1_14 ? try p.readString("\(ctx) table access method") : nil
        let relkind = header.version >= .v1_16 ? try p.readInt("\(ctx) relkind", in: 0...255) : 0
        let owner = try p.readString("\(ctx) owner")
        let withOids = try p.readString("\(ctx) with-oids flag")
        var deps: [Int] = []
        while true {
            let depAt = reader.offset
            guard let d = try p.readString("\(ctx) dependency") else { break }
            guard let v = parseDecimal(d), v > 0 else {
                throw reader.fail(.malformed, at: depAt, "\(ctx): dependency '\(shown(d))' is not a dumpId")
            }
            deps.append(v)
        }
        let location: DataLocation
        if expectedFormat == 1 {
            location = try p.readOffset("\(ctx) data offset")
        } else {
            let nameAt = reader.offset
            let fname = try p.readString("\(ctx) data file name") ?? []
            if !fname.isEmpty && !isSafeDataFileName(fname) {
                throw reader.fail(.malformed, at: nameAt, "\(ctx): data file name '\(shown(fname))' is not a plain file name")
            }
            location = fname.isEmpty ? .none : .file(fname)
        }
        return TOCEntry(dumpId: id, hadDumper: hadDumper, tableoid: tableoid, oid: oid, tag: tag, desc: desc,
                        section: section, defn: defn, dropStmt: drop, copyStmt: copy, namespace: nsp,
                        tablespace: tablespace, tableam: tableam, relkind: relkind, owner: owner,
                        withOids: withOids, dependencies: deps, location: location, fileOffset: at)
    }
}

/// A data file name from toc.dat or blobs.toc must be a bare name (no '/', not '.' or '..').
func isSafeDataFileName(_ name: [UInt8]) -> Bool {
    guard !name.isEmpty, name.count < 256, name != [0x2e], name != [0x2e, 0x2e] else { return false }
    return !name.contains(0x2f) && !name.contains(0)
}

/// Decimal digits to Int (no sign, no spaces); nil otherwise.
public func parseDecimal<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
    guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
    var v = 0
    for b in bytes {
        guard b >= 0x30 && b <= 0x39 else { return nil }
        v = v * 10 + Int(b - 0x30)
    }
    return v
}

/// "SET client_encoding = 'UTF8';" → "UTF8".
func parseQuotedSetting(_ defn: [UInt8]) -> String? {
    guard let open = defn.firstIndex(of: 0x27) else { return nil }
    guard let close = defn[(open + 1)...].firstIndex(of: 0x27) else { return nil }
    return String(decoding: defn[(open + 1)..<close], as: UTF8.self)
}
