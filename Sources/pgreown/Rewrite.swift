import ArgumentParser
import DumpFormat
import Ownership
import Restore

struct Rewrite: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a copy of a dump with ownership rewritten, for stock pg_restore or psql.",
        discussion: """
        Every object the dump's roles own goes to --owner (default $DB_OWNER); --map renames any \
        other role; --keep-owner leaves a role's objects alone. Roles are rewritten where the dump \
        names them: TOC owners, GRANT/REVOKE grantees and grantor blocks, ALTER DEFAULT PRIVILEGES \
        FOR ROLE, policy role lists, user mappings, ALTER ROLE … IN DATABASE. Function bodies, \
        string literals, comments and table data never change.

        custom output (the default): the input's archive version and header are kept; from a \
        custom archive the data blocks are copied byte for byte and only the TOC is rewritten; \
        directory and tar input is written as an uncompressed custom archive.

        plain output: from an archive, the script pg_restore -f of the archive's version would \
        print from the rewritten archive; from a plain script, the script itself with only the \
        role-naming tokens and the "Owner:" header fields changed. --target-version N leaves out \
        session settings a server older than N does not know (SET transaction_timeout below 17). \
        A plain script from a file is read twice (the map needs every owner first); from a pipe \
        it is read once and the map grows as owners are met: a role named before its first \
        ALTER … OWNER TO makes the run fail (exit 1) — give a file, or --map ROLE=OWNER.

        The output is written to a temporary file beside OUT, fsynced and renamed into place \
        only when complete; -o - writes to stdout.

        The role map and every finding are printed on stderr.

        Examples:
          pgreown rewrite nightly.dump --owner app_owner -o staging.dump
          DB_OWNER=app_owner pgreown rewrite nightly.dump --map "Data Team=analysts" -o - | pg_restore -d staging
        """
    )

    @Argument(help: ArgumentHelp("The dump: a file, a directory-format dump, or - for stdin.", valueName: "DUMP"))
    var dump: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write the rewritten dump (- for stdout).", valueName: "OUT"))
    var output: String

    @Option(name: .long, help: "Output format: custom (archive input only) or plain (an SQL script for psql).")
    var format: OutputFormat = .custom

    @Option(name: .customLong("target-version"),
            help: ArgumentHelp("Plain output: the major version of the server the script is for; settings it does not know are left out (SET transaction_timeout below 17).", valueName: "N"))
    var targetVersion: Int?

    @Flag(name: .customLong("no-sync"), help: "Do not fsync the output before renaming it into place (as pg_dump --no-sync).")
    var noSync = false

    @OptionGroup var roles: RoleOptions

    @Option(name: .long, help: ArgumentHelp("Check the map against this server first (conninfo or URI); --missing-roles decides what a missing grantee means.", valueName: "CONNINFO"))
    var target: String?

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case custom, plain }

    func run() throws {
        try runReporting {
            let source = try DumpSource.open(dump)
            logger.info("\(source.name): \(source.format.rawValue) format\(source.isSeekable ? "" : ", not seekable")")
            if format == .plain {
                return try RewritePlain.run(self, source: source)
            }
            guard let toc = try source.readTOC() else {
                throw ValidationError("a plain-format script can only be rewritten to plain output: add --format plain")
            }
            guard roles.effectiveOwner != nil else { throw ValidationError("no owner role: give --owner ROLE or set DB_OWNER") }
            let report = try OwnershipReport.build(entries: toc.entries, plain: false,
                                                   standardConformingStrings: toc.standardConformingStrings,
                                                   roles: roles, target: target)
            try reportBeforeWriting(report)
            let entries = report.audit.rewritten
            let findings = report.audit.findings
            let map = report.audit.map
            let out = try Output(path: output, sync: !noSync)
            let started = monotonicSeconds()
            do {
                let writer = CustomArchiveWriter(output: out, header: toc.header, uncompressedData: source.format != .custom)
                if source.format == .custom {
                    // Offsets known up front when the input had them all: shift by the TOC's growth.
                    var known: [Int: Int64]? = [:]
                    let shift = writer.headerAndTOCLength(entries) - toc.endOffset
                    for e in toc.entries where e.hasData {
                        if case .offset(let p) = e.location { known?[e.dumpId] = p + shift } else { known = nil; break }
                    }
                    try writer.begin(entries, knownOffsets: out.isSeekable ? nil : known)
                    try source.copyCustomData(to: writer, output: out)
                } else {
                    try writer.begin(entries)
                    try source.read(BlockBuilder(writer), data: true)
                }
                try writer.finish()
                try out.commit()
                logger.info("wrote \(throughput(out.position, since: started))")
            } catch {
                out.abort()
                throw error
            }
            for w in source.warnings { printMessage("  warning: \(w)") }
            printMessage("pgreown: wrote \(output == "-" ? "stdout" : output): \(entries.count) entries, \(map.mapping.count) roles mapped, \(findings.count) findings.")
            return Exit.ok
        }
    }

    /// Print the map, the findings and the preflight; refuse (exit 1) before writing anything
    /// when the policy is not met.
    func reportBeforeWriting(_ report: OwnershipReport) throws {
        printError(roleMapText(report.audit.map).trimmingCharacters(in: "\n"))
        for f in report.audit.findings { printMessage("  \(f)") }
        if let p = report.preflight {
            printMessage("preflight on \(p.server): login \(p.login), missing roles: \(p.missingRoles.isEmpty ? "none" : p.missingRoles.joined(separator: ", "))")
        }
        if !report.policyProblems.isEmpty {
            for p in report.policyProblems { printMessage("  problem: \(p)") }
            printMessage("pgreown: nothing written: \(report.policyProblems.count) problem(s); first: \(report.policyProblems[0])")
            throw ExitCode(Exit.problems)
        }
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.last == set { s.removeLast() }
        while s.first == set { s.removeFirst() }
        return String(s)
    }
}
