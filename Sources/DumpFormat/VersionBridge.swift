/// The version bridge (issue 11): pgreown's one list of the differences between PostgreSQL
/// versions that matter when what a newer pg_dump wrote is to be read by an older `pg_restore`,
/// or loaded into an older server. Every command that writes for an older version asks this
/// type; nothing else keeps its own list.
///
/// Two levels:
/// - **SQL** (`convertSQL`): what an older *server* rejects, whatever reads the archive —
///   `STATISTICS DATA` entries (18) left out, privileges the server lacks (`MAINTAIN`, 17) taken
///   out of GRANT/REVOKE and default privileges, a partitioned table's access method (17) left
///   out, session settings the server does not know (`SET transaction_timeout`, 17). Used by
///   `rewrite --format custom|plain --target-version N` and by `restore` (the server's major).
///   Entries pgreown knows the server rejects and cannot convert are listed as rejections.
/// - **Archive** (`convertArchive`): what an older *pg_restore* cannot read — the archive
///   version pg_dump N writes (`K_VERS_SELF`, pg_backup_archiver.h), its header (compression as
///   an Int level before 1.15, an algorithm byte from 1.15), TOC fields it lacks (relkind before
///   1.16, table access method before 1.14), large objects in the ≤ 16 layout (`BLOB` entries and
///   one `BLOBS` data entry instead of 17's `BLOB METADATA` groups and several `BLOBS` entries),
///   and data that must be recompressed (lz4, zstd before 1.15 → gzip).
///
/// The SQL inside entries is otherwise the source server's: a dump of a newer *server* may hold
/// syntax an older server rejects that no list here knows.
public struct VersionBridge: Sendable {
    /// The PostgreSQL major the output is for (its pg_restore, its server).
    public let targetMajor: Int

    /// The majors `--target-version` accepts: pg_dump 11 (archive 1.13) and later.
    public static let supportedTargets = 11...99

    public init(targetMajor: Int) { self.targetMajor = targetMajor }

    // MARK: - Archive versions

    /// The archive version pg_dump `major` writes (`K_VERS_SELF`): 1.13 for 11 (10.3+), 1.14 for
    /// 12–15 (tableam, 3b925e905d), 1.15 for 16 (compression algorithm byte, e9960732a9), 1.16 for
    /// 17 and later (BLOB METADATA, relkind; a45c78e328, f46bee346c).
    public static func archiveVersion(writtenBy major: Int) -> ArchiveVersion {
        switch major {
        case ..<12: return .v1_13
        case 12...15: return .v1_14
        case 16: return .v1_15
        default: return .v1_16
        }
    }

    /// The oldest pg_restore major that reads archive version `v` (ReadHead refuses anything
    /// above its own `K_VERS_MAX`).
    public static func oldestReader(of v: ArchiveVersion) -> Int {
        if v >= .v1_16 { return 17 }
        if v >= .v1_15 { return 16 }
        if v >= .v1_14 { return 12 }
        return 11
    }

    /// Which pg_restore majors read an archive of version `v` as it is (from `asIs` on), and
    /// which need `rewrite --target-version N` first (`needsBridge`, from the oldest target on).
    public static func readers(of v: ArchiveVersion) -> (asIs: Int, needsBridge: ClosedRange<Int>?) {
        let first = Swift.max(oldestReader(of: v), supportedTargets.lowerBound)
        return (first, first > supportedTargets.lowerBound ? supportedTargets.lowerBound...(first - 1) : nil)
    }

    /// The archive version written for the target: the input's when the target's pg_restore
    /// reads it, else the one pg_dump of the target writes (never a newer one than the input's).
    public func outputVersion(for input: ArchiveVersion) -> ArchiveVersion {
        Swift.min(input, Self.archiveVersion(writtenBy: targetMajor))
    }

    // MARK: - Report

    /// One change made for the target: which entry (or "header", "data"), what, and why.
    public struct Change: Sendable, CustomStringConvertible, Encodable {
        public var entry: String
        public var change: String
        public var reason: String
        public var description: String { "\(entry): \(change) (\(reason))" }
    }

    /// An entry pgreown knows the target server rejects and cannot convert.
    public struct Rejection: Sendable, CustomStringConvertible, Encodable {
        public var entry: String
        public var reason: String
        public var description: String { "\(entry): \(reason)" }
    }

    /// What the target server rejects, with the version that brought it, for `--help` and the docs.
    public static let knownRejections: [(what: String, since: Int)] = [
        ("PUBLICATION TABLES IN SCHEMA entries (CREATE PUBLICATION … FOR TABLES IN SCHEMA)", 15),
        ("SUBSCRIPTION TABLE entries (binary upgrade)", 17),
        ("PROPERTY GRAPH entries", 19),
        ("DEFAULT ACL entries ON LARGE OBJECTS", 19),
        ("GRANT/REVOKE/policies naming a predefined role the server lacks (pg_read_all_data, pg_write_all_data, pg_database_owner: 14; pg_checkpoint: 15; pg_create_subscription, pg_use_reserved_connections: 16; pg_maintain: 17; pg_signal_autovacuum_worker: 18)", 14),
    ]

    /// Predefined roles and the major that brought them.
    static let predefinedRoles: [String: Int] = [
        "pg_read_all_data": 14, "pg_write_all_data": 14, "pg_database_owner": 14, "pg_checkpoint": 15,
        "pg_create_subscription": 16, "pg_use_reserved_connections": 16, "pg_maintain": 17,
        "pg_signal_autovacuum_worker": 18,
    ]

    /// Privileges and the major that brought them (GRANT/REVOKE and ALTER DEFAULT PRIVILEGES).
    static let privileges: [(name: StaticString, since: Int)] = [("maintain", 17)]

    /// Entry types that carry no SQL an older server runs: statistics (18, 19).
    static let leftOutDescs: [String: Int] = ["STATISTICS DATA": 18, "EXTENDED STATISTICS DATA": 19]

    // MARK: - Session settings

    /// Settings of pg_restore's fixed SET block (`_doSetFixedOutputState`) and the major that
    /// brought them; an older server rejects `SET` of a name it does not know.
    public static let sessionSettings: [(name: String, since: Int)] = [
        ("lock_timeout", 9), ("row_security", 10), ("idle_in_transaction_session_timeout", 10),
        ("transaction_timeout", 17),
    ]

    /// True when a server of `major` knows the setting (unknown names: assumed known).
    public static func serverKnows(setting: String, major: Int) -> Bool {
        guard let s = sessionSettings.first(where: { $0.name == setting }) else { return true }
        return major >= s.since
    }

    /// `SET [SESSION|LOCAL] <name> …` of a setting a server of `major` does not know.
    public static func setsUnknownSetting(_ s: SQLStatement, serverMajor major: Int) -> Bool {
        let t = s.significantTokens
        guard t.count >= 2, s.isKeyword(t[0], "set") else { return false }
        var k = 1
        if s.isKeyword(t[k], "session") || s.isKeyword(t[k], "local") { k += 1 }
        guard k < t.count, let name = SQLLexer.identifierName(s.bytes, t[k]) else { return false }
        return !serverKnows(setting: String(decoding: name, as: UTF8.self), major: major)
    }

    /// Leave out the `SET` statements of settings a server of `major` does not know (and the
    /// rest of their line).
    public static func dropUnknownSettings(_ sql: [UInt8], serverMajor major: Int, standardConformingStrings: Bool,
                                           encoding: SQLEncoding = .asciiSafe) throws -> [UInt8] {
        let candidates = sessionSettings.filter { major < $0.since }
        guard candidates.contains(where: { sql.firstRange(of: Array($0.name.utf8)) != nil }) else { return sql }
        let items = try SQLStatement.split(sql, standardConformingStrings: standardConformingStrings, encoding: encoding)
        var out: [UInt8] = []
        out.reserveCapacity(sql.count)
        var dropped = false
        for item in items {
            if dropped {
                dropped = false
                if item.kind == .whitespace {
                    if let nl = item.bytes.firstIndex(of: 0x0a) { out += item.bytes[(nl + 1)...] }
                    continue
                }
            }
            if item.kind == .statement && setsUnknownSetting(item, serverMajor: major) {
                dropped = true
                continue
            }
            out += item.bytes
        }
        return out
    }

    // MARK: - SQL level

    public struct SQLConversion: Sendable {
        public var entries: [TOCEntry]
        public var changes: [Change] = []
        public var rejections: [Rejection] = []
    }

    /// The entries with what a server of `targetMajor` rejects converted or left out (see the
    /// type's comment); `rejections` lists what pgreown knows it rejects and cannot convert.
    public func convertSQL(_ entries: [TOCEntry], standardConformingStrings: Bool = true) throws -> SQLConversion {
        var out = SQLConversion(entries: [])
        out.entries.reserveCapacity(entries.count)
        for var e in entries {
            let lex = e.lexState(standardConformingStrings: standardConformingStrings)
            if let since = Self.leftOutDescs[e.desc], targetMajor < since {
                out.changes.append(Change(entry: e.label, change: "left out",
                                          reason: "\(e.desc) entries are written by pg_dump \(since)+ and need functions of PostgreSQL \(since)+"))
                continue
            }
            if e.relkind == 0x70, targetMajor < 17, let am = e.tableam {   // 'p'
                e.tableam = nil
                out.changes.append(Change(entry: e.label, change: "table access method \(text(am)) of the partitioned table left out",
                                          reason: "a partitioned table has an access method from PostgreSQL 17 on"))
            }
            if e.desc == "ACL" || e.desc == "DEFAULT ACL", let defn = e.defn {
                let (newDefn, removed) = try removePrivileges(defn, entry: e.label, state: lex)
                if !removed.isEmpty {
                    out.changes.append(Change(entry: e.label, change: "privilege \(removed.joined(separator: ", ")) taken out of GRANT/REVOKE",
                                              reason: "PostgreSQL \(targetMajor) has no such privilege"))
                    if newDefn.allSatisfy({ sqlIsSpace($0) }) {
                        out.changes.append(Change(entry: e.label, change: "left out", reason: "it granted or revoked nothing else"))
                        continue
                    }
                    e.defn = newDefn
                }
            }
            if let r = rejection(e, state: lex) {
                out.rejections.append(Rejection(entry: e.label, reason: r))
            }
            out.entries.append(e)
        }
        return out
    }

    /// Why the target server rejects `e`, when pgreown knows it does.
    func rejection(_ e: TOCEntry, state: SQLLexState) -> String? {
        let byDesc: [String: Int] = ["PUBLICATION TABLES IN SCHEMA": 15, "SUBSCRIPTION TABLE": 17, "PROPERTY GRAPH": 19]
        if let since = byDesc[e.desc], targetMajor < since {
            return "\(e.desc) needs PostgreSQL \(since)+"
        }
        if e.desc == "DEFAULT ACL", targetMajor < 19, (e.tag ?? []).firstRange(of: Array("LARGE OBJECTS".utf8)) != nil {
            return "default privileges ON LARGE OBJECTS need PostgreSQL 19+"
        }
        if ["ACL", "DEFAULT ACL", "POLICY"].contains(e.desc), let defn = e.defn, defn.firstRange(of: Array("pg_".utf8)) != nil {
            let tokens = SQLLexer(state).tokenize(defn)
            for t in tokens where t.kind == .identifier || t.kind == .quotedIdentifier {
                guard let name = SQLLexer.identifierName(defn, t) else { continue }
                let s = String(decoding: name, as: UTF8.self)
                if let since = Self.predefinedRoles[s], targetMajor < since {
                    return "names the predefined role \(s), which PostgreSQL \(since)+ has"
                }
            }
        }
        return nil
    }

    /// Take the privileges the target lacks out of every GRANT/REVOKE (plain or inside ALTER
    /// DEFAULT PRIVILEGES) of `sql`; a statement left with none is left out with its line.
    /// Returns the new text and the privileges removed (upper case).
    func removePrivileges(_ sql: [UInt8], entry: String, state: SQLLexState) throws -> ([UInt8], [String]) {
        let lacking = Self.privileges.filter { targetMajor < $0.since }
        guard !lacking.isEmpty else { return (sql, []) }
        let lower = sql.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
        guard lacking.contains(where: { p in lower.firstRange(of: UnsafeBufferPointer(start: p.name.utf8Start, count: p.name.utf8CodeUnitCount)) != nil }) else {
            return (sql, [])
        }
        let items = try SQLStatement.split(sql, name: entry, state: state)
        var out: [UInt8] = []
        var removed: [String] = []
        var droppedPrevious = false
        for item in items {
            if droppedPrevious {
                droppedPrevious = false
                if item.kind == .whitespace {
                    if let nl = item.bytes.firstIndex(of: 0x0a) { out += item.bytes[(nl + 1)...] }
                    continue
                }
            }
            guard item.kind == .statement, let (bytes, names) = Self.withoutPrivileges(item, lacking.map(\.name)) else {
                out += item.bytes
                continue
            }
            removed += names
            if let bytes { out += bytes } else { droppedPrevious = true }
        }
        var seen = Set<String>()
        return (out, removed.filter { seen.insert($0).inserted })
    }

    /// One statement without the named privileges: nil when the statement has none of them;
    /// (nil, names) when none of its privileges is left (the statement goes).
    static func withoutPrivileges(_ s: SQLStatement, _ names: [StaticString]) -> ([UInt8]?, [String])? {
        let t = s.significantTokens
        // GRANT|REVOKE at the start, or after ALTER DEFAULT PRIVILEGES [FOR ROLE …] [IN SCHEMA …].
        var k = 0
        if t.count > 3, s.isKeyword(t[0], "alter"), s.isKeyword(t[1], "default"), s.isKeyword(t[2], "privileges") {
            k = 3
            while k < t.count, !s.isKeyword(t[k], "grant"), !s.isKeyword(t[k], "revoke") { k += 1 }
        }
        guard k < t.count, s.isKeyword(t[k], "grant") || s.isKeyword(t[k], "revoke") else { return nil }
        var first = k + 1
        if s.isKeyword(t[k], "revoke"), first + 2 < t.count, s.isKeyword(t[first], "grant"),
           s.isKeyword(t[first + 1], "option"), s.isKeyword(t[first + 2], "for") {
            first += 3
        }
        // The privilege list runs to ON at parenthesis depth 0; items split at commas.
        var depth = 0
        var itemsTok: [[Int]] = [[]]
        var on = -1
        var i = first
        while i < t.count {
            let tok = t[i]
            if tok.kind == .punctuation {
                let c = s.bytes[tok.start]
                if c == 0x28 { depth += 1 } else if c == 0x29 { depth -= 1 } else if c == 0x2c && depth == 0 {
                    itemsTok.append([]); i += 1; continue
                }
            }
            if depth == 0 && s.isKeyword(tok, "on") { on = i; break }
            itemsTok[itemsTok.count - 1].append(i)
            i += 1
        }
        guard on > first else { return nil }
        var keep: [[Int]] = []
        var removed: [String] = []
        for item in itemsTok {
            if item.count == 1, let name = names.first(where: { s.isKeyword(t[item[0]], $0) }) {
                removed.append(String(describing: name).uppercased())
            } else {
                keep.append(item)
            }
        }
        guard !removed.isEmpty else { return nil }
        if keep.isEmpty { return (nil, removed) }
        // Rebuild: everything before the first privilege, the kept items (their own bytes)
        // joined by ",", then a space and everything from ON on.
        var out = Array(s.bytes[0..<t[first].start])
        for (n, item) in keep.enumerated() {
            if n > 0 { out.append(0x2c) }
            out += s.bytes[t[item.first!].start..<t[item.last!].end]
        }
        out.append(0x20)
        out += s.bytes[t[on].start...]
        return (out, removed)
    }

    // MARK: - Archive level

    /// How the data area is written for the target.
    public struct DataLayout: Sendable {
        /// Data items are decompressed from this algorithm and recompressed as zlib streams;
        /// nil: every chunk is copied byte for byte.
        public var recompressFrom: CompressionAlgorithm?
        /// The `BLOBS` entries whose blocks become one BLK_BLOBS block (at the first one's place).
        public var mergedBlobs: Set<Int> = []
        /// The dumpId of that block (the BLOBS entry kept).
        public var mergedBlobsId: Int?
        public static let copy = DataLayout()
        public var isCopy: Bool { recompressFrom == nil && mergedBlobs.isEmpty }
    }

    public struct ArchiveConversion: Sendable {
        /// The header to write; `rawBytes` is empty when it must be encoded from its fields.
        public var header: ArchiveHeader
        public var entries: [TOCEntry]
        public var data: DataLayout
        public var changes: [Change]
        public var rejections: [Rejection]
    }

    /// The archive `pg_restore` of `targetMajor` reads: SQL conversions, then header, TOC layout
    /// and data layout. `dataCompression`: how the data will reach the writer (the header's for
    /// a custom input copied block by block; `.none` when it is rebuilt from decoded data).
    public func convertArchive(header: ArchiveHeader, entries: [TOCEntry], dataCompression: CompressionAlgorithm,
                               standardConformingStrings: Bool = true) throws -> ArchiveConversion {
        var sql = try convertSQL(entries, standardConformingStrings: standardConformingStrings)
        let version = outputVersion(for: header.version)
        var h = header
        var data = DataLayout.copy
        var changes: [Change] = []
        var compression = dataCompression
        if version < .v1_15 && (compression == .lz4 || compression == .zstd) {
            data.recompressFrom = compression
            compression = .gzip
            changes.append(Change(entry: "data", change: "every data item recompressed \(dataCompression.rawValue) → gzip",
                                  reason: "archive \(version) records no \(dataCompression.rawValue); pg_restore \(targetMajor) reads only gzip"))
        }
        if version != header.version || compression != header.compression {
            h.version = version
            h.compression = compression
            h.compressionLevel = version < .v1_15 ? (compression == .none ? 0 : (header.compressionLevel ?? -1)) : nil
            h.rawBytes = []
            if version != header.version {
                changes.append(Change(entry: "header", change: "archive version \(header.version) → \(version)",
                                      reason: "pg_dump \(targetMajor) writes \(version); pg_restore \(targetMajor) refuses newer ones (\"unsupported version\")"))
                if version < .v1_15 && header.version >= .v1_15 {
                    changes.append(Change(entry: "header", change: "compression recorded as level \(h.compressionLevel ?? 0)",
                                          reason: "before 1.15 the header holds a zlib level, not an algorithm"))
                }
            }
        }
        if version < .v1_16 && header.version >= .v1_16 {
            changes.append(Change(entry: "every entry", change: "relkind field left out", reason: "archive \(version) has no relkind field"))
            try convertLargeObjects(&sql.entries, &data, &changes)
        }
        if version < .v1_14 && header.version >= .v1_14 {
            let n = sql.entries.filter { $0.tableam != nil }.count
            changes.append(Change(entry: "every entry", change: "table access method field left out (\(n) entries had one)",
                                  reason: "archive \(version) has no tableam field; PostgreSQL \(targetMajor) has only heap"))
            // pg_dump ≤ 11's ArchiveEntry pg_strdup'ed tag, owner, defn and dropStmt, so they were
            // never NULL, and pg_restore 11 relies on it (it crashes on a NULL one); pg_dump 12's
            // ArchiveOpts (f831d4accd) leaves them NULL.
            var filled = 0
            for i in sql.entries.indices {
                let e = sql.entries[i]
                if e.tag == nil || e.owner == nil || e.defn == nil || e.dropStmt == nil { filled += 1 }
                sql.entries[i].tag = e.tag ?? []
                sql.entries[i].owner = e.owner ?? []
                sql.entries[i].defn = e.defn ?? []
                sql.entries[i].dropStmt = e.dropStmt ?? []
            }
            changes.append(Change(entry: "every entry", change: "NULL tag, owner, definition and drop statement written as empty strings (\(filled) entries)",
                                  reason: "pg_dump 11 never writes them NULL and pg_restore 11 fails on a NULL one"))
        }
        return ArchiveConversion(header: h, entries: sql.entries, data: data, changes: sql.changes + changes,
                                 rejections: sql.rejections)
    }

    /// 17's large-object layout into 16's (pg_dump.c@16 dumpBlob / getBlobs, pg_dump_sort.c
    /// PRIO_BLOB): for each OID of each `BLOB METADATA` group a `BLOB` entry (tag the OID,
    /// PRE_DATA, `SELECT pg_catalog.lo_create('<oid>');`, drop `SELECT pg_catalog.lo_unlink('<oid>');`,
    /// the group's owner, no dependencies), followed by its COMMENT, SECURITY LABEL and ACL
    /// entries (a `LARGE OBJECTS a..b` ACL replayed per OID as IssueACLPerBlob does), all placed
    /// at the end of the pre-data section; the `BLOBS` entries become one (tag `BLOBS`, no owner,
    /// no dependencies) whose block holds every large object.
    func convertLargeObjects(_ entries: inout [TOCEntry], _ data: inout DataLayout, _ changes: inout [Change]) throws {
        let metadata = entries.filter { $0.desc == "BLOB METADATA" }
        let blobs = entries.filter { $0.desc == "BLOBS" }
        guard !metadata.isEmpty || blobs.count > 1 else { return }
        var nextId = entries.map(\.dumpId).max() ?? 0
        for e in entries { nextId = Swift.max(nextId, e.dependencies.max() ?? 0) }
        func newId() -> Int { nextId += 1; return nextId }

        // OIDs of each group, in defn order.
        var groupOids: [Int: [[UInt8]]] = [:]
        var blobIdOf: [[UInt8]: Int] = [:]
        var blobEntries: [Int: [TOCEntry]] = [:]   // metadata dumpId → its BLOB entries
        for m in metadata {
            var oids: [[UInt8]] = []
            for line in (m.defn ?? []).split(separator: 0x0a) {
                guard !line.isEmpty, line.count <= 10, line.allSatisfy({ sqlIsDigit($0) }) else {
                    throw DumpError(.malformed, file: "archive", entry: m.label,
                                    "BLOB METADATA definition line \(shown(line, limit: 40)) is not a large-object OID")
                }
                oids.append(Array(line))
            }
            groupOids[m.dumpId] = oids
            var made: [TOCEntry] = []
            for (k, oid) in oids.enumerated() {
                let id = k == 0 ? m.dumpId : newId()
                blobIdOf[oid] = id
                let o = text(oid)
                made.append(TOCEntry(dumpId: id, hadDumper: false, tableoid: m.tableoid, oid: oid, tag: oid, desc: "BLOB",
                                     section: .preData, defn: Array("SELECT pg_catalog.lo_create('\(o)');\n".utf8),
                                     dropStmt: Array("SELECT pg_catalog.lo_unlink('\(o)');\n".utf8),
                                     owner: m.owner, withOids: m.withOids, dependencies: [], location: .none, fileOffset: m.fileOffset))
            }
            blobEntries[m.dumpId] = made
            changes.append(Change(entry: m.label, change: "became \(oids.count) BLOB entr\(oids.count == 1 ? "y" : "ies") (\(oids.map(text).joined(separator: ", "))) at the end of pre-data",
                                  reason: "pg_restore before 17 does not know BLOB METADATA; pg_dump 16 writes one BLOB entry per large object"))
        }

        // COMMENT, SECURITY LABEL and ACL entries of large objects: per OID, after their BLOB.
        var attached: [[UInt8]: [TOCEntry]] = [:]
        var moved = Set<Int>()
        let marker = Array("LARGE OBJECT ".utf8)
        for e in entries where ["COMMENT", "SECURITY LABEL", "ACL"].contains(e.desc) {
            guard let dep = e.dependencies.first, let oids = groupOids[dep], let tag = e.tag else { continue }
            moved.insert(e.dumpId)
            if tag.starts(with: Array("LARGE OBJECTS ".utf8)) {
                // One entry per OID, the first keeping the dumpId; the text replayed per OID.
                for (k, oid) in oids.enumerated() {
                    var c = e
                    c.dumpId = k == 0 ? e.dumpId : newId()
                    c.tag = marker + oid
                    c.defn = Self.replayForLargeObject(e.defn ?? [], oid: oid)
                    c.dependencies = [blobIdOf[oid] ?? dep]
                    attached[oid, default: []].append(c)
                }
                changes.append(Change(entry: e.label, change: "became \(oids.count) \(e.desc) entries tagged LARGE OBJECT <oid>",
                                      reason: "pg_restore before 17 does not replay a LARGE OBJECTS a..b entry per large object"))
            } else if tag.starts(with: marker) {
                let oid = Array(tag[marker.count...])
                var c = e
                c.dependencies = e.dependencies.map { $0 == dep ? (blobIdOf[oid] ?? dep) : $0 }
                attached[oid, default: []].append(c)
            } else {
                moved.remove(e.dumpId)
            }
        }

        // Rebuild the order: BLOB entries (with theirs) at the end of pre-data.
        let metaIds = Set(metadata.map(\.dumpId))
        let rest = entries.filter { !metaIds.contains($0.dumpId) && !moved.contains($0.dumpId) }
        var block: [TOCEntry] = []
        let rank: [String: Int] = ["COMMENT": 0, "SECURITY LABEL": 1, "ACL": 2]
        for m in metadata {
            for b in blobEntries[m.dumpId] ?? [] {
                block.append(b)
                let oid = b.tag ?? []
                block += (attached[oid] ?? []).enumerated().sorted {
                    (rank[$0.element.desc] ?? 3, $0.offset) < (rank[$1.element.desc] ?? 3, $1.offset)
                }.map(\.element)
            }
        }
        let insertAt = rest.firstIndex { $0.section == .data || $0.section == .postData } ?? rest.count
        var out = Array(rest[..<insertAt]) + block + Array(rest[insertAt...])

        // One BLOBS entry.
        if let first = blobs.first {
            let others = Set(blobs.dropFirst().map(\.dumpId))
            out.removeAll { others.contains($0.dumpId) }
            if let i = out.firstIndex(where: { $0.dumpId == first.dumpId }) {
                out[i].tag = Array("BLOBS".utf8)
                out[i].owner = nil
                out[i].dependencies = []
                out[i].relkind = 0
            }
            data.mergedBlobs = Set(blobs.map(\.dumpId))
            data.mergedBlobsId = first.dumpId
            changes.append(Change(entry: first.label, change: "\(blobs.count) BLOBS entr\(blobs.count == 1 ? "y" : "ies") became one, tag BLOBS, holding every large object in one block",
                                  reason: "pg_restore before 17 expects a single BLOBS entry"))
        }
        entries = out
    }

    /// An ACL text of a `LARGE OBJECTS a..b` group with every `LARGE OBJECT <digits>` (outside
    /// double quotes) naming `oid`: what IssueACLPerBlob runs for that OID.
    static func replayForLargeObject(_ defn: [UInt8], oid: [UInt8]) -> [UInt8] {
        let marker = Array("LARGE OBJECT ".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(defn.count)
        var inQuotes = false
        var i = 0
        while i < defn.count {
            let c = defn[i]
            if c == 0x22 { inQuotes.toggle() }
            if !inQuotes, defn[i...].starts(with: marker) {
                out += marker
                i += marker.count
                while i < defn.count, sqlIsDigit(defn[i]) { i += 1 }
                out += oid
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }
}

// MARK: - What each pg_restore version prints

/// The pg_restore behaviour of each PostgreSQL version, which the SQL emitter follows: kept here
/// beside the bridge so that every version rule has one home.
extension SQLEmitter {
    /// A PostgreSQL version as pg_dump writes it ("17.10", "15.18 (Debian …)", "18beta1",
    /// "19devel", "9.6.24"), and what its pg_restore prints.
    public struct Version: Sendable, Equatable, CustomStringConvertible {
        public enum Stage: Sendable, Equatable { case devel, beta(Int), rc(Int), release }
        public var major: Int
        /// The minor release (0 for pre-releases; 9.6.24 → major 9, minor 6).
        public var minor: Int
        public var stage: Stage

        public init(major: Int, minor: Int = 0, stage: Stage = .release) {
            self.major = major; self.minor = minor; self.stage = stage
        }

        public static func parse<C: Collection>(_ bytes: C) -> Version? where C.Element == UInt8 {
            var it = Array(bytes)[...]
            func number() -> Int? {
                var v = 0, n = 0
                while let c = it.first, c >= 0x30 && c <= 0x39, n < 9 { v = v * 10 + Int(c - 0x30); n += 1; it.removeFirst() }
                return n > 0 ? v : nil
            }
            guard let major = number() else { return nil }
            if it.starts(with: "devel".utf8) { return Version(major: major, stage: .devel) }
            if it.starts(with: "beta".utf8) { it.removeFirst(4); return Version(major: major, stage: .beta(number() ?? 1)) }
            if it.starts(with: "rc".utf8) { it.removeFirst(2); return Version(major: major, stage: .rc(number() ?? 1)) }
            var minor = 0
            if it.first == 0x2e { it.removeFirst(); minor = number() ?? 0 }
            return Version(major: major, minor: minor)
        }

        public var description: String {
            switch stage {
            case .release: return "\(major).\(minor)"
            case .devel: return "\(major)devel"
            case .beta(let n): return "\(major)beta\(n)"
            case .rc(let n): return "\(major)rc\(n)"
            }
        }

        var isRelease: Bool { stage == .release }

        /// True from release `major.minor` of that major on (pre-releases count as before .0),
        /// and for every later major.
        func since(_ minors: [Int: Int], laterMajorsFrom: Int) -> Bool {
            if major >= laterMajorsFrom { return true }
            guard let m = minors[major] else { return false }
            return isRelease && minor >= m
        }

        /// `\restrict` / `\unrestrict` (CVE-2025-8714, 71ea0d6795, August 2025 minor releases).
        public var restrictsMetaCommands: Bool {
            if major == 18 { if case .rc = stage { return true } }
            return since([13: 22, 14: 19, 15: 14, 16: 10, 17: 6, 18: 0], laterMajorsFrom: 19)
        }
        /// `SET transaction_timeout = 0;` in the fixed SET block (51efe38cb9).
        public var setsTransactionTimeout: Bool { major >= 17 }
        /// `SET escape_string_warning = off;` for archives whose strings are not standard (gone in 19).
        var setsEscapeStringWarning: Bool { major <= 18 }
        /// `SET default_with_oids` before tables (WITH OIDS went away in 12).
        var setsWithOids: Bool { major <= 11 }
        /// `SET default_table_access_method` (12+).
        var setsTableAccessMethod: Bool { major >= 12 }
        /// Partitioned tables get `ALTER TABLE … SET ACCESS METHOD` instead (17+, f46bee346c).
        var altersPartitionedTableAccessMethod: Bool { major >= 17 }
        /// ALTER TABLE for views, sequences and matviews (≤ 15; 3655b46aa0 in 16).
        var altersViewsAsTables: Bool { major <= 15 }
        /// BLOB METADATA and LARGE OBJECTS ACL expansion (17+).
        var expandsBlobMetadata: Bool { major >= 17 }
        /// STATISTICS DATA entries (18+).
        var restoresStatistics: Bool { major >= 18 }
        /// Event triggers and their comments after the ACLs (8728b2c703/a9d70c1087, May 2020 minors).
        var eventTriggersAfterACLs: Bool { since([10: 13, 11: 8, 12: 3], laterMajorsFrom: 13) }
        /// Security labels on event triggers after the ACLs (8e5b92928d, November 2025 minors).
        var eventTriggerLabelsAfterACLs: Bool { since([13: 23, 14: 20, 15: 15, 16: 11, 17: 7, 18: 1], laterMajorsFrom: 19) }
        /// TABLE DATA defns "-- load via partition root …" are not schema (bc8cd50fef, May 2023 minors).
        var skipsLoadViaPartitionRootComments: Bool { since([11: 20, 12: 15, 13: 11, 14: 8, 15: 3], laterMajorsFrom: 16) }
        /// Non-unreserved keywords of this version's parser (fmtId quotes them).
        var keywords: Set<[UInt8]> {
            if major >= 19 { return Keywords.v19 }
            if major >= 17 { return Keywords.v17 }
            if major == 16 { return Keywords.v16 }
            if major >= 13 { return Keywords.v13 }
            return Keywords.base
        }
    }
}
