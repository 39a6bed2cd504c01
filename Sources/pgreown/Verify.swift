import ArgumentParser
import DumpFormat
import Foundation
import Masking
import Ownership
import Restore

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove a dump is complete: every data stream decodes to its end, every structure closes.",
        discussion: """
        Reads the whole dump once, decompressing every data item, and checks:
          custom     header and TOC parse to the end; each entry with data has exactly one block, \
        in TOC order, at the offset the TOC records; every chunk list and compressed stream ends; \
        every COPY payload ends with \\.; trailing bytes are reported
          directory  every data file named in toc.dat exists and decodes to its end; large-object \
        lists match their files
          tar        member checksums and sizes, member order, the two end blocks
          plain      every COPY closed by \\.; \\restrict keys paired; the dump-complete trailer present
        Reports entries by type, tables with data, rows per table, large objects and bytes read.

        With --owner (or $DB_OWNER), also the ownership half: the role map, every object that would \
        not end up owned by the owner (kept owners, object types pg_dump gives no owner), every role \
        the rewritten dump names, and every statement naming a mapped role that pgreown does not \
        rewrite. With --target, a preflight against that server: the owner role exists, the \
        login can SET ROLE to it (SET privilege on 16+, membership before), every named role exists \
        (else --missing-roles decides), third-party grantors are reachable, and which entries need \
        a superuser. Nothing is written to the server.

        With --policy FILE, the data policy restore --policy would apply is checked against the \
        dump (tables, columns, each transformer against its column's type, unique and foreign-key \
        columns) and what it does per table is printed; a policy that is wrong exits 64, one that \
        does not fit the dump 65, naming the policy's line.

        Exit 0 when complete (and the ownership policy is met); 65 when the input is malformed or \
        incomplete (the message names the byte offset or TOC entry); 1 when the structure is sound \
        but a check fails (trailing bytes, a missing role under --missing-roles fail, an owner the \
        login cannot become); 69 when --target cannot be reached.

        Examples:
          pgreown verify nightly.dump
          curl -s "$URL" | pgreown verify --json -
          pgreown verify nightly.dump --owner app_owner --target "host=staging dbname=app user=deploy"
        """
    )

    @OptionGroup var input: DumpArgument
    @OptionGroup var roles: RoleOptions
    @Option(name: .long, help: ArgumentHelp("A server to check the ownership policy against (conninfo or URI; the password is never printed).", valueName: "CONNINFO"))
    var target: String?
    @Option(name: .customLong("policy"),
            help: ArgumentHelp("Check a data policy against the dump (every table and column exists, each transformer fits its column, unique and foreign-key columns stay valid) and say what it will do per table.", valueName: "FILE"))
    var policy: String?

    func run() throws {
        try runReporting {
            let dataPolicy = try policy.map { try DataPolicy.load(path: $0) }
            let source = try DumpSource.open(input.dump)
            logger.info("\(source.name): \(source.format.rawValue) format\(source.isSeekable ? "" : ", not seekable")")
            let started = monotonicSeconds()
            let wantOwnership = roles.effectiveOwner != nil || target != nil
            let auditor = CompletenessAuditor(fileName: source.name, keepEntries: wantOwnership || dataPolicy != nil)
            // The vocabulary guard in front: every statement pg_dump would not write is a problem.
            let vocabulary = GuardingVisitor(auditor, file: source.name, mode: .collect)
            do {
                try source.read(vocabulary)
            } catch let e as DumpError {
                if input.json {
                    writeOut(try encodeJSON(VerifyJSON(auditor: auditor, source: source, complete: false,
                                                       problems: [e.description])))
                }
                // Well-formed but refused (a psql meta-command pg_dump never writes): a finding.
                guard e.kind == .forbidden else { throw e }
                if !input.json { writeOut(verifyText(auditor, source, [e.description], ownership: nil)) }
                printMessage("pgreown: \(e.description)")
                return Exit.problems
            }
            logger.info("read \(throughput(auditor.totalBytes, since: started)); decoded \(auditor.dataBytes) bytes of data")
            var problems = source.warnings.map { $0.description }
            problems += vocabulary.violations.map { "\(source.name): refused statement: \($0)" }
            var ownership: OwnershipReport?
            if wantOwnership {
                let report = try OwnershipReport.build(entries: auditor.entries, plain: source.format == .plain,
                                                       standardConformingStrings: auditor.entries.standardConformingStrings,
                                                       roles: roles, target: target)
                problems += report.policyProblems
                ownership = report
            }
            // The policy is checked with any key: what it refuses does not depend on the key.
            let compiled = try dataPolicy.map { try CompiledPolicy($0, entries: auditor.entries, key: [0]) }
            if input.json {
                var j = VerifyJSON(auditor: auditor, source: source, complete: problems.isEmpty, problems: problems)
                j.ownership = ownership?.json
                j.policy = compiled?.summary
                j.policyWarnings = compiled?.warnings
                writeOut(try encodeJSON(j))
            } else {
                var text = verifyText(auditor, source, problems, ownership: ownership?.text)
                if let compiled {
                    text += "policy: \(oneLine(compiled.policy.file))\n" + compiled.summary.map { "  \(oneLine($0, limit: 2000))\n" }.joined()
                        + compiled.warnings.map { "  warning: \(oneLine($0, limit: 2000))\n" }.joined()
                }
                writeOut(text)
            }
            if problems.isEmpty {
                printMessage("pgreown: \(source.name) is complete: \(auditor.entryCount) entries, \(auditor.tables.count) tables with data, \(auditor.largeObjects) large objects, \(auditor.totalBytes) bytes read.")
                return Exit.ok
            }
            printMessage("pgreown: \(source.name): \(problems.count) problem(s); first: \(problems[0])")
            return Exit.problems
        }
    }
}

func verifyText(_ a: CompletenessAuditor, _ source: DumpSource, _ problems: [String], ownership: String?) -> String {
    var s = "dump: \(oneLine(source.name))\nformat: \(source.format.rawValue)\n"
    s += "entries: \(a.entryCount)\n"
    for (desc, n) in a.entriesByType.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
        s += "  \(pad(oneLine(desc), 32)) \(n)\n"
    }
    s += "tables with data: \(a.tables.count)\n"
    for t in a.tables {
        let name = oneLine(t.schema.isEmpty ? t.table : "\(t.schema).\(t.table)")
        s += "  \(pad(name, 40)) \(t.rows.map { "\($0) rows" } ?? "INSERT data") \(t.bytes) bytes\n"
    }
    s += "large objects: \(a.largeObjects) (\(a.largeObjectBytes) bytes)\n"
    s += "data bytes decoded: \(a.dataBytes)\n"
    s += "bytes read: \(a.totalBytes)\n"
    if let ownership { s += ownership }
    s += problems.isEmpty ? "result: ok\n" : "result: \(problems.count) problem(s)\n" + problems.map { "  problem: \(oneLine($0, limit: 2000))\n" }.joined()
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
    var ownership: OwnershipReport.JSON?
    /// `--policy`: what it does per table, and its warnings.
    var policy: [String]?
    var policyWarnings: [String]?

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
