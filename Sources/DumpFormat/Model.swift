/// The kinds of input pgreown reads. Detected from the bytes, never from the file name.
public enum DumpFormatKind: String, Sendable, Codable {
    case custom, directory, tar, plain
}

/// How data items (or a whole plain file) are compressed.
public enum CompressionAlgorithm: String, Sendable, Codable {
    case none, gzip, lz4, zstd
}

/// An archive version `major.minor.rev`, as written in the header.
public struct ArchiveVersion: Comparable, Sendable, CustomStringConvertible {
    public var major: UInt8, minor: UInt8, rev: UInt8
    public init(_ major: UInt8, _ minor: UInt8, _ rev: UInt8 = 0) { self.major = major; self.minor = minor; self.rev = rev }
    public var value: Int { (Int(major) << 16) | (Int(minor) << 8) | Int(rev) }
    public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
    public var description: String { "\(major).\(minor)" }
    /// pg_restore -l spelling: `1.14-0`.
    public var listSpelling: String { "\(major).\(minor)-\(rev)" }

    public static let v1_12 = ArchiveVersion(1, 12)
    public static let v1_13 = ArchiveVersion(1, 13)
    public static let v1_14 = ArchiveVersion(1, 14)
    public static let v1_15 = ArchiveVersion(1, 15)
    public static let v1_16 = ArchiveVersion(1, 16)
    /// Oldest and newest versions this tool reads.
    public static let oldestSupported = v1_12
    public static let newestSupported = ArchiveVersion(1, 16, 255)
}

/// The archive header (custom file, or toc.dat of directory and tar archives).
public struct ArchiveHeader: Sendable {
    public var version: ArchiveVersion
    public var intSize: Int
    public var offSize: Int
    /// The format byte: 1 custom, 3 tar/directory toc.dat.
    public var formatByte: UInt8
    public var compression: CompressionAlgorithm
    /// The stored level for archives before 1.15 (−1 = zlib default); nil from 1.15 on.
    public var compressionLevel: Int?
    /// tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_isdst as written (local time of pg_dump).
    public var createdAt: [Int]
    public var databaseName: [UInt8]?
    public var serverVersion: [UInt8]?
    public var pgDumpVersion: [UInt8]?
    /// Raw header bytes exactly as read (a writer copies them verbatim).
    public var rawBytes: [UInt8]

    public init(version: ArchiveVersion, intSize: Int, offSize: Int, formatByte: UInt8,
                compression: CompressionAlgorithm, compressionLevel: Int?, createdAt: [Int],
                databaseName: [UInt8]?, serverVersion: [UInt8]?, pgDumpVersion: [UInt8]?, rawBytes: [UInt8]) {
        self.version = version; self.intSize = intSize; self.offSize = offSize; self.formatByte = formatByte
        self.compression = compression; self.compressionLevel = compressionLevel; self.createdAt = createdAt
        self.databaseName = databaseName; self.serverVersion = serverVersion; self.pgDumpVersion = pgDumpVersion
        self.rawBytes = rawBytes
    }
}

/// pg_dump's section numbers.
public enum Section: Int, Sendable, Codable {
    case none = 1, preData = 2, data = 3, postData = 4
}

/// Where an entry's data lives (custom: offset flag; directory/tar: file name).
public enum DataLocation: Sendable, Equatable {
    /// K_OFFSET_NO_DATA (custom flag 3) or an empty file name.
    case none
    /// K_OFFSET_POS_NOT_SET: data exists, position unknown (archive written to a pipe).
    case positionNotSet
    /// K_OFFSET_POS_SET: absolute offset of the block's type byte.
    case offset(Int64)
    /// Directory/tar: the data file's name as stored in toc.dat.
    case file([UInt8])
}

/// One TOC entry. String fields are raw bytes in the dump's encoding (NULL is `nil`, distinct from empty).
public struct TOCEntry: Sendable {
    public var dumpId: Int
    public var hadDumper: Bool
    public var tableoid: [UInt8]?
    public var oid: [UInt8]?
    public var tag: [UInt8]?
    /// The object type ("TABLE", "TABLE DATA", "ACL", …): ASCII in every pg_dump.
    public var desc: String
    public var section: Section
    public var defn: [UInt8]?
    public var dropStmt: [UInt8]?
    public var copyStmt: [UInt8]?
    public var namespace: [UInt8]?
    public var tablespace: [UInt8]?
    public var tableam: [UInt8]?
    /// pg_class.relkind code (1.16+), 0 elsewhere.
    public var relkind: Int
    public var owner: [UInt8]?
    public var withOids: [UInt8]?
    public var dependencies: [Int]
    public var location: DataLocation
    /// Byte offset of the entry's first byte in its file (for error messages).
    public var fileOffset: Int64
    /// How `defn` is lexed where it starts — the `standard_conforming_strings` and
    /// `client_encoding` in force there: a plain pseudo-entry's as the script set them by then
    /// (PlainReader), an archive entry's from its STDSTRINGS and ENCODING entries (ArchiveTOC).
    /// nil for entries made otherwise; read it through `lexState(standardConformingStrings:)`.
    public var lexState: SQLLexState?

    public init(dumpId: Int, hadDumper: Bool = false, tableoid: [UInt8]? = nil, oid: [UInt8]? = nil,
                tag: [UInt8]?, desc: String, section: Section, defn: [UInt8]? = nil, dropStmt: [UInt8]? = nil,
                copyStmt: [UInt8]? = nil, namespace: [UInt8]? = nil, tablespace: [UInt8]? = nil,
                tableam: [UInt8]? = nil, relkind: Int = 0, owner: [UInt8]? = nil, withOids: [UInt8]? = nil,
                dependencies: [Int] = [], location: DataLocation = .none, fileOffset: Int64 = 0) {
        self.dumpId = dumpId; self.hadDumper = hadDumper; self.tableoid = tableoid; self.oid = oid
        self.tag = tag; self.desc = desc; self.section = section; self.defn = defn; self.dropStmt = dropStmt
        self.copyStmt = copyStmt; self.namespace = namespace; self.tablespace = tablespace; self.tableam = tableam
        self.relkind = relkind; self.owner = owner; self.withOids = withOids; self.dependencies = dependencies
        self.location = location; self.fileOffset = fileOffset
    }

    /// True when the archive holds a data block/file for this entry.
    public var hasData: Bool {
        switch location {
        case .none: return false
        case .positionNotSet, .offset: return true
        case .file(let name): return !name.isEmpty
        }
    }

    public var tagText: String { text(tag) }
    public var ownerText: String { text(owner) }
    public var namespaceText: String { text(namespace) }

    /// "TOC entry 3391 (TABLE DATA public t)": how errors name an entry.
    public var label: String {
        let schema = namespace.map { text($0) + "." } ?? ""
        return "TOC entry \(dumpId) (\(desc) \(shown(Array(schema.utf8) + (tag ?? []))))"
    }

    /// How to lex this entry's SQL: its own `lexState`, else the dump's `standard_conforming_strings`
    /// (the one rule every reader of an entry's SQL follows).
    public func lexState(standardConformingStrings scs: Bool) -> SQLLexState {
        lexState ?? SQLLexState(standardConformingStrings: scs)
    }

    /// True for the entries whose data block holds large objects.
    public var isBlobs: Bool { desc == "BLOBS" }
    /// Table data held as INSERT statements (`pg_dump --inserts`): a TABLE DATA entry with data
    /// but no COPY statement.
    public var isInsertData: Bool { desc == "TABLE DATA" && hadDumper && (copyStmt ?? []).isEmpty }

    /// Table data dumped with --load-via-partition-root: its COPY names the root, and the defn is
    /// the comment "-- load via partition root <root>".
    public var loadsViaPartitionRoot: Bool {
        desc == "TABLE DATA" && (defn ?? []).starts(with: Array("-- load via partition root ".utf8))
    }
}

/// Bytes to a String for display (invalid UTF-8 is replaced, never trusted).
@inline(__always)
public func text(_ bytes: [UInt8]?) -> String {
    guard let bytes else { return "" }
    return String(decoding: bytes, as: UTF8.self)
}

/// Receives a dump as a stream of events: the header, every TOC entry in archive order, then the
/// data of each entry that has data, in the order the input holds it.
///
/// For archive formats every `entry` call comes before the first `beginData`. For plain input,
/// entries (pseudo-entries built from pg_dump's header comments) and their data interleave.
public protocol DumpVisitor: AnyObject {
    func header(_ header: ArchiveHeader, format: DumpFormatKind) throws
    func entry(_ entry: TOCEntry) throws
    /// Start of an entry's data (TABLE DATA: COPY text; BLOBS: large objects follow).
    func beginData(_ entry: TOCEntry) throws
    /// Decompressed bytes of the current data item; valid only during the call.
    func data(_ bytes: UnsafeRawBufferPointer) throws
    func beginLargeObject(oid: UInt32) throws
    func endLargeObject(oid: UInt32) throws
    func endData(_ entry: TOCEntry) throws
    /// The input ended where the format says it may; `totalBytes` is what was read.
    func finish(totalBytes: Int64) throws
}

public extension DumpVisitor {
    func header(_ header: ArchiveHeader, format: DumpFormatKind) throws {}
    func entry(_ entry: TOCEntry) throws {}
    func beginData(_ entry: TOCEntry) throws {}
    func data(_ bytes: UnsafeRawBufferPointer) throws {}
    func beginLargeObject(oid: UInt32) throws {}
    func endLargeObject(oid: UInt32) throws {}
    func endData(_ entry: TOCEntry) throws {}
    func finish(totalBytes: Int64) throws {}
}

/// Untrusted bytes for an error message: control bytes escaped as \xNN, cut at `limit` bytes,
/// so a message always stays on one line.
public func shown<C: Collection>(_ bytes: C, limit: Int = 80) -> String where C.Element == UInt8 {
    var out: [UInt8] = []
    for b in bytes.prefix(limit) {
        if b < 0x20 || b == 0x7f {
            let hex = Array("0123456789abcdef".utf8)
            out += [0x5c, 0x78, hex[Int(b >> 4)], hex[Int(b & 15)]]
        } else {
            out.append(b)
        }
    }
    if bytes.count > limit { out += Array("…".utf8) }
    return String(decoding: out, as: UTF8.self)
}

/// A name from a dump or a command line, for a line of text (a report, a log line, an error):
/// control bytes escaped as \xNN, so a name never starts a line of its own. JSON output keeps
/// names whole (JSON escapes them itself).
public func oneLine(_ name: String, limit: Int = 200) -> String { shown(Array(name.utf8), limit: limit) }

/// Hands every event to each visitor in turn (e.g. the completeness auditor and the SQL emitter,
/// so a restore re-checks completeness as it streams).
public final class TeeVisitor: DumpVisitor {
    private let visitors: [DumpVisitor]
    public init(_ visitors: [DumpVisitor]) { self.visitors = visitors }
    public func header(_ header: ArchiveHeader, format: DumpFormatKind) throws { for v in visitors { try v.header(header, format: format) } }
    public func entry(_ entry: TOCEntry) throws { for v in visitors { try v.entry(entry) } }
    public func beginData(_ entry: TOCEntry) throws { for v in visitors { try v.beginData(entry) } }
    public func data(_ bytes: UnsafeRawBufferPointer) throws { for v in visitors { try v.data(bytes) } }
    public func beginLargeObject(oid: UInt32) throws { for v in visitors { try v.beginLargeObject(oid: oid) } }
    public func endLargeObject(oid: UInt32) throws { for v in visitors { try v.endLargeObject(oid: oid) } }
    public func endData(_ entry: TOCEntry) throws { for v in visitors { try v.endData(entry) } }
    public func finish(totalBytes: Int64) throws { for v in visitors { try v.finish(totalBytes: totalBytes) } }
}

extension Array where Element == TOCEntry {
    /// The dump's `standard_conforming_strings`: what an archive's STDSTRINGS entry or a plain
    /// script's fixed SET block says (on when neither says), so every reader lexes alike.
    public var standardConformingStrings: Bool {
        for e in self {
            if e.desc == "STDSTRINGS" { return e.defn.map { $0.firstRange(of: [UInt8]("'on'".utf8)) != nil } ?? false }
            if e.dumpId == 0, let d = e.defn, d.firstRange(of: [UInt8]("SET standard_conforming_strings = off;".utf8)) != nil {
                return false
            }
        }
        return true
    }
}
