import ArgumentParser
import DumpFormat
import Ownership
import Restore

#if canImport(Glibc)
import Glibc
#endif

/// `rewrite --format plain`: any input to an SQL script for psql.
///
/// - **Archive input** (custom, directory, tar): the script stock `pg_restore -f -` of the
///   archive's pg_dump version prints (ScriptWriter), from the rewritten TOC entries; the data is
///   decompressed and streamed, never held.
/// - **Plain input**: every byte is written back unchanged except the rewritten statements and
///   the `Owner:` field of the `-- Name: …` header comments; COPY data and large objects pass
///   through untouched. From a file the script is read twice: once for the role map (which
///   needs every `ALTER … OWNER TO` first), once to write. From a pipe it is read once and the
///   map grows as the script is read (see `streamingRule`).
///
/// `--target-version N` applies the version bridge to every entry, plain input too (what the
/// older server rejects converted or left out, `SET transaction_timeout` among it). The output is written to a temporary file and renamed into place at the
/// end; an error leaves nothing behind.
enum RewritePlain {
    /// What stderr says when a plain script comes from a pipe (also the rule's documentation).
    static let streamingRule = """
        pgreown: reading a plain script from a pipe, in one pass: the role map grows as the script is read. \
        --map pairs apply throughout; a role maps to --owner from the entry holding its first ALTER … OWNER TO on \
        (pg_dump sets every object's owner before the ACLs, default privileges and policies that could name it). \
        If a role was named earlier than that, nothing is written (a file output) or the output is flagged \
        incomplete (stdout), and exit status is 1: give the script as a file (read twice, the full rule) or \
        add --map ROLE=OWNER. --target is not available from a pipe.
        """

    static func run(_ cmd: Rewrite, source: DumpSource) throws -> Int32 {
        _ = try cmd.versionBridge()
        if source.format == .plain {
            guard cmd.roles.effectiveOwner != nil else {
                throw ValidationError("no owner role: give --owner ROLE or set DB_OWNER (a plain script input is always rewritten)")
            }
            return try plainToPlain(cmd, source: source)
        }
        guard !cmd.rewritesRoles || cmd.roles.effectiveOwner != nil else { throw ValidationError(Rewrite.noOwner) }
        return try archiveToPlain(cmd, source: source)
    }

    // MARK: - Archive → plain

    static func archiveToPlain(_ cmd: Rewrite, source: DumpSource) throws -> Int32 {
        guard let toc = try source.readTOC() else { throw ValidationError("internal: no TOC for an archive") }
        try Rewrite.guardTOC(toc, source: source)
        var entries = toc.entries
        var mapped = 0
        var findings = 0
        if cmd.rewritesRoles {
            let report = try OwnershipReport.build(entries: toc.entries, plain: false,
                                                   standardConformingStrings: toc.standardConformingStrings,
                                                   roles: cmd.roles, target: cmd.target)
            try cmd.reportBeforeWriting(report)
            entries = report.audit.rewritten
            mapped = report.audit.map.mapping.count
            findings = report.audit.findings.count
        } else {
            printError("roles: unchanged (no --owner, --map or $DB_OWNER)")
        }
        if let bridge = try cmd.versionBridge() {
            let conv = try bridge.convertSQL(entries, standardConformingStrings: toc.standardConformingStrings)
            try cmd.reportBridge(bridge, header: toc.header, changes: conv.changes, rejections: conv.rejections)
            entries = conv.entries
        }
        let out = try Output(path: cmd.output, sync: !cmd.noSync)
        let writer = ScriptWriter(output: out, entries: entries,
                                  options: .init(targetServerMajor: cmd.targetVersion), inputName: source.name)
        do {
            // COPY data must end at its \. here above all: the script would run what follows as SQL.
            try source.read(GuardingVisitor(writer, file: source.name), data: true)
            try out.commit()
        } catch {
            out.abort()
            throw error
        }
        for w in source.warnings { printMessage("  warning: \(w)") }
        printMessage("pgreown: wrote \(cmd.output == "-" ? "stdout" : cmd.output): plain script as pg_restore \(writer.emulatedVersion) prints it, \(entries.count) entries, \(mapped) roles mapped, \(findings) findings.")
        return Exit.ok
    }

    // MARK: - Plain → plain

    /// The version bridge's changes and known rejections, one line each.
    static func printBridge(_ writer: PlainScriptWriter, _ cmd: Rewrite) {
        guard let major = cmd.targetVersion else { return }
        for c in writer.bridgeChanges { printError("pgreown: version bridge to PostgreSQL \(major): \(c)") }
        for r in writer.bridgeRejections { printError("pgreown: warning: PostgreSQL \(major) is known to reject \(r)") }
    }

    static func plainToPlain(_ cmd: Rewrite, source: DumpSource) throws -> Int32 {
        if DumpSource.isRegularFile(cmd.dump) { return try plainTwoPasses(cmd, source: source) }
        return try plainOnePass(cmd, source: source)
    }

    /// First pass: the pseudo-entries (COPY data skipped), then the report; second pass: write.
    static func plainTwoPasses(_ cmd: Rewrite, source: DumpSource) throws -> Int32 {
        let collector = PlainEntryCollector()
        try source.read(GuardingVisitor(collector, file: source.name), data: true)
        let scs = collector.standardConformingStrings
        let report = try OwnershipReport.build(entries: collector.entries, plain: true, standardConformingStrings: scs,
                                               roles: cmd.roles, target: cmd.target)
        try cmd.reportBeforeWriting(report)
        let context = report.rewriteContext

        let input = try PlainInput.open(path: cmd.dump)
        let out = try Output(path: cmd.output, sync: !cmd.noSync)
        let writer = PlainScriptWriter(output: out, raw: input.recorder, reader: input.reader,
                                       serverMajor: cmd.targetVersion,
                                       standardConformingStrings: scs) { e in
            try Rewriter.rewriteEntry(e, context, standardConformingStrings: scs, plain: true).entry
        }
        do {
            try input.plain.read(writer)
            try out.commit()
        } catch {
            out.abort()
            throw error
        }
        printBridge(writer, cmd)
        printMessage("pgreown: wrote \(cmd.output == "-" ? "stdout" : cmd.output): plain script, \(writer.entryCount) entries (\(writer.rewrittenCount) changed), \(report.audit.map.mapping.count) roles mapped, \(report.audit.findings.count) findings.")
        return Exit.ok
    }

    /// One pass from a pipe: the map grows with the owners seen (`streamingRule`).
    static func plainOnePass(_ cmd: Rewrite, source: DumpSource) throws -> Int32 {
        if cmd.target != nil {
            throw ValidationError("--target needs the whole script before writing: give the plain script as a file, not a pipe")
        }
        printError(streamingRule)
        let growing = try cmd.roles.growingRoleMap()
        let out = try Output(path: cmd.output, sync: !cmd.noSync)
        let writer = PlainScriptWriter(output: out, raw: nil, reader: nil,
                                       serverMajor: cmd.targetVersion,
                                       standardConformingStrings: true) { e in try growing.rewrite(e) }
        do {
            try source.read(GuardingVisitor(writer, file: source.name), data: true)
        } catch {
            out.abort()
            throw error
        }
        printError(roleMapText(growing.map).trimmingCharacters(in: "\n"))
        for f in growing.findings { printMessage("  \(f)") }
        if !growing.late.isEmpty {
            let roles = growing.late.sorted { text($0.key) < text($1.key) }
                .map { "\(text($0.key)) (\($0.value) earlier reference\($0.value == 1 ? "" : "s"))" }.joined(separator: ", ")
            if cmd.output == "-" {
                try out.commit()
                printMessage("pgreown: the script on stdout is INCOMPLETE: roles named before their first ALTER … OWNER TO were left unmapped there: \(roles); give the script as a file or add --map ROLE=\(cmd.roles.effectiveOwner ?? "OWNER").")
            } else {
                out.abort()
                printMessage("pgreown: nothing written: roles named before their first ALTER … OWNER TO would be left unmapped there: \(roles); give the script as a file or add --map ROLE=\(cmd.roles.effectiveOwner ?? "OWNER").")
            }
            return Exit.problems
        }
        try out.commit()
        printBridge(writer, cmd)
        printMessage("pgreown: wrote \(cmd.output == "-" ? "stdout" : cmd.output): plain script (one pass), \(writer.entryCount) entries (\(writer.rewrittenCount) changed), \(growing.map.mapping.count) roles mapped, \(growing.findings.count) findings.")
        return Exit.ok
    }
}
