import DumpFormat
import Foundation
import Testing
@_exported import TestSupport

/// Paths and helpers shared by the DumpFormat tests.
enum Fixtures {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let dir = root.appendingPathComponent("Tests/Fixtures")

    /// Every versioned fixture folder (pg11, pg14, …).
    static var versions: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.lastPathComponent.hasPrefix("pg") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Every archive fixture: the files and directories that have a pg_restore -l listing.
    static var archives: [String] {
        versions.flatMap { v in
            ((try? FileManager.default.contentsOfDirectory(atPath: v.path)) ?? [])
                .filter { $0.hasSuffix(".list") }
                .map { v.appendingPathComponent(String($0.dropLast(5))).path }
        }.sorted()
    }

    /// Every plain fixture (.sql and .sql.gz).
    static var plains: [String] {
        versions.flatMap { v in
            ((try? FileManager.default.contentsOfDirectory(atPath: v.path)) ?? [])
                .filter { $0.hasSuffix(".plain.sql") || $0.hasSuffix(".plain.sql.gz") }
                .map { v.appendingPathComponent($0).path }
        }.sorted()
    }

    /// `app` or `superuser_objects` from a fixture path.
    static func database(of path: String) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        return String(name.prefix { $0 != "." })
    }

    static func folder(of path: String) -> URL { URL(fileURLWithPath: path).deletingLastPathComponent() }

    /// schema.table → rows, as recorded from the source database.
    static func expectedRows(for path: String) throws -> [String: Int64] {
        let tsv = folder(of: path).appendingPathComponent("\(database(of: path)).rows.tsv")
        var out: [String: Int64] = [:]
        for line in try String(contentsOf: tsv, encoding: .utf8).split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 3, let n = Int64(f[2]) else { continue }
            out["\(f[0]).\(f[1])"] = n
        }
        return out
    }

    /// oid → bytes, as recorded from the source database.
    static func expectedLargeObjects(for path: String) throws -> [UInt32: Int64] {
        let tsv = folder(of: path).appendingPathComponent("\(database(of: path)).largeobjects.tsv")
        var out: [UInt32: Int64] = [:]
        for line in try String(contentsOf: tsv, encoding: .utf8).split(separator: "\n") {
            let f = line.split(separator: "\t")
            guard f.count == 2, let oid = UInt32(f[0]), let n = Int64(f[1]) else { continue }
            out[oid] = n
        }
        return out
    }
}

/// Read a whole dump with the completeness auditor.
func audit(_ path: String) throws -> (CompletenessAuditor, DumpSource) {
    let source = try DumpSource.open(path)
    let auditor = CompletenessAuditor(fileName: source.name)
    try source.read(auditor)
    return (auditor, source)
}

func readBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}
