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

        custom output (the default): the input's archive version and header are kept (unless \
        --target-version); from a \
        custom archive the data blocks are copied byte for byte and only the TOC is rewritten; \
        directory and tar input is written as an uncompressed custom archive.

        plain output: from an archive, the script pg_restore -f of the archive's version would \
        print from the rewritten archive; from a plain script, the script itself with only the \
        role-naming tokens and the "Owner:" header fields changed. --target-version N applies the \
        version bridge's conversions for a server N (below; for a plain script input, only the \
        session settings). A plain script from a file is read twice (the map needs every owner first); from a pipe \
        it is read once and the map grows as owners are met: a role named before its first \
        ALTER … OWNER TO makes the run fail (exit 1) — give a file, or --map ROLE=OWNER.

        Version bridge (--target-version N): "pg_restore: error: unsupported version (1.16) in file \
        header" means the archive is newer than that pg_restore (pg_dump 11 writes 1.13, 12–15 \
        1.14, 16 1.15, 17 and 18 1.16). With --target-version N the custom output is the archive \
        version pg_dump N writes, so stock pg_restore N reads it: its header (before 1.15 the \
        compression is a zlib level); data blocks copied byte for byte, or recompressed to gzip \
        where pg_restore N cannot decode them (lz4, zstd before 16); 17's large-object layout \
        (BLOB METADATA groups, several BLOBS entries, LARGE OBJECTS a..b ACLs) turned into one \
        BLOB entry per large object with its comment and ACL entries and one BLOBS entry, as \
        pg_dump 16 writes them; TOC fields it lacks left out (relkind before 1.16, table access \
        method before 1.14; for 11, NULL tag/owner/definition/drop statement written as empty \
        strings, as pg_dump 11 wrote them). For a server N (custom and plain output, and restore into it): \
        STATISTICS DATA entries (18) left out, privileges it lacks (MAINTAIN, 17) taken out of \
        GRANT/REVOKE and default privileges, a partitioned table's access method (17) left out, \
        session settings it does not know (SET transaction_timeout below 17) left out. Every \
        change is listed on stderr. Without --owner, --map or $DB_OWNER the roles stay as they are.

        The SQL inside entries is otherwise the source SERVER's: a dump of a newer server may hold \
        syntax an older server rejects that pgreown does not know. The entries pgreown knows an \
        older server rejects stop the run (exit 1, nothing written; --force writes them): \
        PUBLICATION TABLES IN SCHEMA (below 15), SUBSCRIPTION TABLE (below 17), PROPERTY GRAPH and \
        default privileges ON LARGE OBJECTS (below 19), and grants or policies naming a predefined \
        role the server lacks (pg_read_all_data, pg_write_all_data, pg_database_owner below 14; \
        pg_checkpoint below 15; pg_create_subscription, pg_use_reserved_connections below 16; \
        pg_maintain below 17; pg_signal_autovacuum_worker below 18).

        The output is written to a temporary file beside OUT, fsynced and renamed into place \
        only when complete; -o - writes to stdout.

        The role map and every finding are printed on stderr.

        Examples:
          pgreown rewrite nightly.dump --owner app_owner -o staging.dump
          DB_OWNER=app_owner pgreown rewrite nightly.dump --map "Data Team=analysts" -o - | pg_restore -d staging
          pgreown rewrite pg17.dump --target-version 15 -o for-pg15.dump     # roles unchanged
        """
    )

    @Argument(help: ArgumentHelp("The dump: a file, a directory-format dump, or - for stdin.", valueName: "DUMP"))
    var dump: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write the rewritten dump (- for stdout).", valueName: "OUT"))
    var output: String

    @Option(name: .long, help: "Output format: custom (archive input only) or plain (an SQL script for psql).")
    var format: OutputFormat = .custom

    @Option(name: .customLong("target-version"),
            help: ArgumentHelp("Write for pg_restore and server of major N (11 and later): custom output at the archive version pg_dump N writes; plain output for a server N. See the version bridge below.", valueName: "N"))
    var targetVersion: Int?

    @Flag(name: .long, help: "With --target-version: write entries pgreown knows the target server rejects (listed on stderr) instead of refusing.")
    var force = false

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
            try Self.guardTOC(toc, source: source)
            let bridge = try versionBridge()
            var entries = toc.entries
            var mapped = 0
            var findings = 0
            if rewritesRoles {
                guard roles.effectiveOwner != nil else { throw ValidationError(Self.noOwner) }
                let report = try OwnershipReport.build(entries: toc.entries, plain: false,
                                                       standardConformingStrings: toc.standardConformingStrings,
                                                       roles: roles, target: target)
                try reportBeforeWriting(report)
                entries = report.audit.rewritten
                mapped = report.audit.map.mapping.count
                findings = report.audit.findings.count
            } else {
                printError("roles: unchanged (no --owner, --map or $DB_OWNER)")
            }
            var header = toc.header
            var layout = VersionBridge.DataLayout.copy
            if let bridge {
                let conv = try bridge.convertArchive(header: toc.header, entries: entries,
                                                     dataCompression: source.format == .custom ? toc.header.compression : .none,
                                                     standardConformingStrings: toc.standardConformingStrings)
                try reportBridge(bridge, header: toc.header, changes: conv.changes, rejections: conv.rejections)
                header = conv.header
                entries = conv.entries
                layout = conv.data
            }
            let out = try Output(path: output, sync: !noSync)
            let started = monotonicSeconds()
            do {
                try CustomArchiveWriter.write(from: source, toc: toc, entries: entries, header: header, layout: layout, to: out)
                try out.commit()
                logger.info("wrote \(throughput(out.position, since: started))")
            } catch {
                out.abort()
                throw error
            }
            for w in source.warnings { printMessage("  warning: \(w)") }
            let version = bridge.map { " (archive \(header.version), for pg_restore \($0.targetMajor))" } ?? ""
            printMessage("pgreown: wrote \(output == "-" ? "stdout" : output)\(version): \(entries.count) entries, \(mapped) roles mapped, \(findings) findings.")
            return Exit.ok
        }
    }

    /// The vocabulary guard over an archive's TOC, before anything is written (exit 65).
    static func guardTOC(_ toc: ArchiveTOC, source: DumpSource) throws {
        let violations = VocabularyGuard(header: toc.header, format: source.format)
            .checkAll(toc.entries, standardConformingStrings: toc.standardConformingStrings)
        if !violations.isEmpty { throw VocabularyGuard.refusal(violations, file: source.name) }
    }

    static let noOwner = "no owner role: give --owner ROLE or set DB_OWNER (with --target-version alone, roles stay as they are)"

    /// Roles are rewritten unless --target-version is given without --owner, --map or $DB_OWNER
    /// (a version bridge alone leaves them as they are).
    var rewritesRoles: Bool { targetVersion == nil || roles.effectiveOwner != nil || !roles.map.isEmpty }

    /// The bridge for --target-version, checked.
    func versionBridge() throws -> VersionBridge? {
        guard let n = targetVersion else { return nil }
        guard VersionBridge.supportedTargets.contains(n) else {
            throw ValidationError("--target-version takes a PostgreSQL major version from 11 (pg_dump 11 writes archive 1.13), got \(n)")
        }
        return VersionBridge(targetMajor: n)
    }

    /// Print every change the bridge made; refuse (exit 1, nothing written) when it knows the
    /// target rejects an entry, unless --force.
    func reportBridge(_ bridge: VersionBridge, header: ArchiveHeader?, changes: [VersionBridge.Change],
                      rejections: [VersionBridge.Rejection]) throws {
        let n = bridge.targetMajor
        printMessage("version bridge to PostgreSQL \(n): \(changes.count) change(s)")
        for c in changes { printMessage("  changed: \(c)") }
        if let raw = header?.serverVersion, let server = SQLEmitter.Version.parse(raw), server.major > n {
            printMessage("  note: the dump was made from a PostgreSQL \(server.major) server; the SQL inside its entries is that server's, and PostgreSQL \(n) may reject syntax pgreown does not know")
        }
        guard !rejections.isEmpty else { return }
        for r in rejections { printMessage("  rejected by PostgreSQL \(n): \(r)") }
        if force {
            printMessage("pgreown: --force: writing \(rejections.count) entr\(rejections.count == 1 ? "y" : "ies") PostgreSQL \(n) rejects")
            return
        }
        printMessage("pgreown: nothing written: \(rejections.count) entr\(rejections.count == 1 ? "y" : "ies") PostgreSQL \(n) rejects; first: \(rejections[0]); --force writes them anyway")
        throw ExitCode(Exit.problems)
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
