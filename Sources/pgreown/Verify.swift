import ArgumentParser
import DumpFormat
import Foundation

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove a dump is complete: every data stream decodes to its end, every structure closes.",
        discussion: """
        Reads the whole dump once, decompressing every data item, and checks (DESIGN.md §4):
          custom     header and TOC parse to the end; each entry with data has exactly one block, \
        in TOC order, at the offset the TOC records; every chunk list and compressed stream ends; \
        every COPY payload ends with \\.; trailing bytes are reported
          directory  every data file named in toc.dat exists and decodes to its end; large-object \
        lists match their files
          tar        member checksums and sizes, member order, the two end blocks
          plain      every COPY closed by \\.; \\restrict keys paired; the dump-complete trailer present
        Reports entries by type, tables with data, rows per table, large objects and bytes read.

        Exit 0 when complete; 65 when the input is malformed or incomplete (the message names the \
        byte offset or TOC entry); 1 when the structure is sound but a check fails (e.g. trailing bytes).

        Examples:
          pgreown verify nightly.dump
          curl -s "$URL" | pgreown verify --json -
        """
    )

    @OptionGroup var input: DumpArgument

    func run() throws {
        try runReporting {
            let source = try DumpSource.open(input.dump)
            let auditor = CompletenessAuditor(fileName: source.name, keepEntries: false)
            do {
                try source.read(auditor)
            } catch let e as DumpError {
                if input.json {
                    writeOut(try encodeJSON(VerifyJSON(auditor: auditor, source: source, complete: false,
                                                       problems: [e.description])))
                }
                throw e
            }
            let problems = source.warnings.map { $0.description } + auditor.problems
            if input.json {
                writeOut(try encodeJSON(VerifyJSON(auditor: auditor, source: source, complete: problems.isEmpty,
                                                   problems: problems)))
            } else {
                writeOut(verifyText(auditor, source, problems))
            }
            if problems.isEmpty {
                printError("pgreown: \(source.name) is complete: \(auditor.entryCount) entries, \(auditor.tables.count) tables with data, \(auditor.largeObjects) large objects, \(auditor.totalBytes) bytes read.")
                return Exit.ok
            }
            printError("pgreown: \(source.name): \(problems.count) problem(s); first: \(problems[0])")
            return Exit.problems
        }
    }
}

func verifyText(_ a: CompletenessAuditor, _ source: DumpSource, _ problems: [String]) -> String {
    var s = "dump: \(source.name)\nformat: \(source.format.rawValue)\n"
    s += "entries: \(a.entryCount)\n"
    for (desc, n) in a.entriesByType.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
        s += "  \(pad(desc, 32)) \(n)\n"
    }
    s += "tables with data: \(a.tables.count)\n"
    for t in a.tables {
        let name = t.schema.isEmpty ? t.table : "\(t.schema).\(t.table)"
        s += "  \(pad(name, 40)) \(t.rows.map { "\($0) rows" } ?? "INSERT data") \(t.bytes) bytes\n"
    }
    s += "large objects: \(a.largeObjects) (\(a.largeObjectBytes) bytes)\n"
    s += "data bytes decoded: \(a.dataBytes)\n"
    s += "bytes read: \(a.totalBytes)\n"
    s += problems.isEmpty ? "complete: yes\n" : "complete: no\n" + problems.map { "  problem: \($0)\n" }.joined()
    return s
}

struct VerifyJSON: Encodable {
    struct Table: Encodable { var dumpId: Int; var schema: String; var table: String; var rows: Int64?; var bytes: Int64 }
    var dump: String
    var format: String
    var complete: Bool
    var problems: [String]
    var entryCount: Int
    var entriesByType: [String: Int]
    var tables: [Table]
    var largeObjects: Int
    var largeObjectBytes: Int64
    var dataBytes: Int64
    var bytesRead: Int64

    init(auditor a: CompletenessAuditor, source: DumpSource, complete: Bool, problems: [String]) {
        dump = source.name
        format = source.format.rawValue
        self.complete = complete
        self.problems = problems
        entryCount = a.entryCount
        entriesByType = a.entriesByType
        tables = a.tables.map { Table(dumpId: $0.dumpId, schema: $0.schema, table: $0.table, rows: $0.rows, bytes: $0.bytes) }
        largeObjects = a.largeObjects
        largeObjectBytes = a.largeObjectBytes
        dataBytes = a.dataBytes
        bytesRead = a.totalBytes
    }
}
