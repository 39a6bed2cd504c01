import ArgumentParser
import DumpFormat
import Foundation
import Ownership

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a dump holds: format, versions, entries by type, owners and named roles.",
        discussion: """
        For a seekable custom archive only the header and TOC are read, whatever the archive's size. \
        Directory and tar archives read toc.dat; plain scripts are read to the end.

        --list prints the entries exactly as `pg_restore -l` of the archive's version prints them, \
        so the output can be edited and used as a `pg_restore -L` list file.

        The "pg_restore:" line says which pg_restore majors read the archive as it is (a \
        pg_restore refuses archives newer than its own: 1.16 needs 17+, 1.15 16+, 1.14 12+) and \
        which need `pgreown rewrite --target-version N` first (JSON: pgRestore).

        Examples:
          pgreown inspect nightly.dump
          pgreown inspect --list nightly.dump > nightly.list
          pg_dump -Fc app | pgreown inspect --json -
        """
    )

    @OptionGroup var input: DumpArgument

    @Flag(name: .long, help: "Print the TOC in pg_restore -l format.")
    var list = false

    @OptionGroup var roles: RoleOptions

    func run() throws {
        try runReporting {
            let source = try DumpSource.open(input.dump)
            var report = try InventoryReport.build(source)
            if list {
                if let toc = report.toc {
                    writeOut(RestoreListing.render(toc, format: source.format))
                } else {
                    writeOut(RestoreListing.plainLines(report.entries))
                }
            } else if input.json {
                writeOut(try report.json())
            } else {
                var text = report.textReport()
                if roles.effectiveOwner != nil || !roles.map.isEmpty {
                    text += roleMapText(try roles.roleMap(for: report.entries, plain: source.format == .plain))
                }
                writeOut(text)
            }
            return Exit.ok
        }
    }
}

/// What inspect reports: header facts, entry counts, owners.
struct InventoryReport {
    var source: DumpSource
    var toc: ArchiveTOC?
    var header: ArchiveHeader?
    var entries: [TOCEntry]
    var standardConformingStrings = true

    lazy var inventory: RoleInventory = {
        let inv = RoleInventory()
        for e in entries { inv.add(e, standardConformingStrings: standardConformingStrings) }
        return inv
    }()

    static func build(_ source: DumpSource) throws -> InventoryReport {
        if let toc = try source.readTOC() {
            return InventoryReport(source: source, toc: toc, header: toc.header, entries: toc.entries,
                                   standardConformingStrings: toc.standardConformingStrings)
        }
        let auditor = CompletenessAuditor(fileName: source.name)
        try source.read(auditor, data: false)
        return InventoryReport(source: source, toc: nil, header: auditor.header, entries: auditor.entries)
    }

    var countsByType: [(String, Int)] {
        var d: [String: Int] = [:]
        for e in entries { d[e.desc, default: 0] += 1 }
        return d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    }


    var compressionText: String {
        switch source.format {
        case .plain: return source.fileCompression == .none ? "none" : "\(source.fileCompression.rawValue) (whole file)"
        default:
            guard let h = header else { return "unknown" }
            if let level = h.compressionLevel, h.compression == .gzip { return "gzip (level \(level == -1 ? "default" : String(level)))" }
            return h.compression.rawValue
        }
    }

    mutating func textReport() -> String {
        var s = "dump: \(oneLine(source.name))\n"
        s += "format: \(source.format.rawValue)"
        if let h = header, source.format != .plain { s += ", archive version \(h.version)" }
        s += ", compression \(compressionText)\(source.isSeekable ? "" : ", not seekable")\n"
        if let h = header {
            if let v = h.pgDumpVersion { s += "pg_dump version: \(oneLine(DumpFormat.text(v)))\n" }
            if let v = h.serverVersion { s += "server version: \(oneLine(DumpFormat.text(v)))\n" }
            if let v = h.databaseName { s += "database: \(oneLine(DumpFormat.text(v)))\n" }
            if source.format != .plain {
                s += "created: \(RestoreListing.createdAt(h))\n"
                s += "pg_restore: \(readersText(h))\n"
            }
        }
        s += "entries: \(entries.count)\n"
        for (desc, n) in countsByType { s += "  \(pad(oneLine(desc), 32)) \(n)\n" }
        s += "owners (entries per TOC owner):\n"
        if inventory.owners.isEmpty { s += "  (none)\n" }
        for (o, n) in inventory.ownersSorted { s += "  \(pad(oneLine(o), 32)) \(n)\n" }
        s += "roles named in ACL, DEFAULT ACL, POLICY, USER MAPPING and DATABASE PROPERTIES SQL:\n"
        if inventory.named.isEmpty { s += "  (none)\n" }
        for r in inventory.namedSorted {
            let kinds = RoleRefKind.allCases.compactMap { k in r.byKind[k].map { "\(k.rawValue) \($0)" } }.joined(separator: ", ")
            s += "  \(pad(oneLine(r.name), 32)) \(r.total) (\(kinds))\n"
        }
        for u in inventory.unreadable { s += "  warning: \(oneLine(u.entry)): \(oneLine(u.reason))\n" }
        return s
    }

    /// Which pg_restore versions read the archive as it is, and which need --target-version.
    func readersText(_ h: ArchiveHeader) -> String {
        let r = VersionBridge.readers(of: h.version)
        var s = "\(r.asIs) and later read it as it is"
        if let older = r.needsBridge {
            let range = older.count == 1 ? "\(older.lowerBound)" : "\(older.lowerBound)–\(older.upperBound)"
            s += "; \(range) need\(older.count == 1 ? "s" : "") pgreown rewrite --target-version N (archive \(h.version) is newer than theirs)"
        }
        return s
    }

    struct JSONPgRestore: Encodable {
        /// The oldest pg_restore major that reads the archive as it is.
        var readsAsIsFrom: Int
        /// The majors that need `pgreown rewrite --target-version N` first.
        var needTargetVersion: [Int]
    }

    struct JSONEntry: Encodable {
        var dumpId: Int, desc: String, schema: String?, tag: String?, owner: String?
        var section: String, hasData: Bool
    }
    struct JSONReport: Encodable {
        var dump: String, format: String, archiveVersion: String?, compression: String, seekable: Bool
        var pgDumpVersion: String?, serverVersion: String?, database: String?
        var pgRestore: JSONPgRestore?
        var entryCount: Int, entriesByType: [String: Int], owners: [String: Int]
        var rolesNamed: [String: [String: Int]]
        var entries: [JSONEntry]
    }

    mutating func json() throws -> String {
        let inv = inventory
        let r = JSONReport(
            dump: source.name, format: source.format.rawValue,
            archiveVersion: source.format == .plain ? nil : header.map { $0.version.description },
            compression: source.format == .plain ? source.fileCompression.rawValue : (header?.compression.rawValue ?? "none"),
            seekable: source.isSeekable,
            pgDumpVersion: header?.pgDumpVersion.map { DumpFormat.text($0) },
            serverVersion: header?.serverVersion.map { DumpFormat.text($0) },
            database: header?.databaseName.map { DumpFormat.text($0) },
            pgRestore: source.format == .plain ? nil : header.map { h in
                let r = VersionBridge.readers(of: h.version)
                return JSONPgRestore(readsAsIsFrom: r.asIs, needTargetVersion: r.needsBridge.map(Array.init) ?? [])
            },
            entryCount: entries.count,
            entriesByType: Dictionary(uniqueKeysWithValues: countsByType),
            owners: Dictionary(uniqueKeysWithValues: inv.ownersSorted.map { ($0.name, $0.count) }),
            rolesNamed: Dictionary(uniqueKeysWithValues: inv.namedSorted.map { r in
                (r.name, Dictionary(uniqueKeysWithValues: r.byKind.map { ($0.key.rawValue, $0.value) }))
            }),
            entries: entries.map {
                JSONEntry(dumpId: $0.dumpId, desc: $0.desc, schema: $0.namespace.map { DumpFormat.text($0) },
                          tag: $0.tag.map { DumpFormat.text($0) }, owner: $0.owner.map { DumpFormat.text($0) },
                          section: sectionName($0.section), hasData: $0.hasData)
            })
        return try encodeJSON(r)
    }
}

func sectionName(_ s: Section) -> String {
    switch s {
    case .none: return "none"
    case .preData: return "pre-data"
    case .data: return "data"
    case .postData: return "post-data"
    }
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

func encodeJSON<T: Encodable>(_ value: T) throws -> String {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try enc.encode(value)
    return String(decoding: data, as: UTF8.self) + "\n"
}
