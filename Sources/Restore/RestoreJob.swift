import DumpFormat
import Foundation
import Masking
import Ownership

/// `pgreown restore` as one library call: open the dump (its header and TOC are read before any
/// server is contacted, so a missing file or a non-dump fails as such), build the role map and
/// the ownership report, run the preflight, then the `Restorer` (scratch database, load, checks,
/// swap). The CLI maps its options to a `Request`, calls `run`, and prints the `Outcome`.
public final class RestoreJob {
    public struct Request: Sendable {
        /// A file, a directory-format dump, or `-` for stdin.
        public var dump: String
        public var options: Restorer.Options
        public var roles: RoleSettings
        /// `--policy FILE` and its key: checked against the dump before the server is contacted.
        public var policy: DataPolicy?
        public var maskKey: [UInt8]?

        public init(dump: String, options: Restorer.Options, roles: RoleSettings, policy: DataPolicy? = nil, maskKey: [UInt8]? = nil) {
            self.dump = dump; self.options = options; self.roles = roles; self.policy = policy; self.maskKey = maskKey
        }
    }

    public enum Outcome {
        /// Restored (and swapped in, unless in place).
        case restored
        /// The server could not be reached: nothing was created.
        case unavailable(ServerError)
        /// The preflight refused: nothing was created.
        case refused(problems: [String])
        /// The restore stopped; `Failure.state` says where things are.
        case failed(Restorer.Failure)
    }

    public let request: Request
    /// Every line the job has to say (the CLI prefixes and prints them).
    public var log: @Sendable (String) -> Void = { _ in }
    /// Progress of the load (see `Restorer.onProgress`).
    public var onProgress: ((Restorer.Progress) -> Void)?
    /// The opened dump (after `run` has opened it), for the summary.
    public private(set) var source: DumpSource?
    /// The restorer, once it exists: its report is the run's (partial on failure).
    public private(set) var restorer: Restorer?

    public init(_ request: Request) { self.request = request }

    public func run() throws -> Outcome {
        var options = request.options
        // The dump first: a file that cannot be opened or is no dump is reported as such.
        var source = try DumpSource.open(request.dump)
        let toc = try source.readTOC()
        var entries: [TOCEntry]
        var growing: GrowingRoleMap?
        // The vocabulary guard (Ownership/VocabularyGuard.swift) sees every entry as the dump holds
        // it, before any server is contacted: an archive's whole TOC, a plain file's every
        // pseudo-entry (first pass), a plain pipe's each pseudo-entry before it is rewritten and run.
        var pipeGuard: VocabularyGuard.Session?
        if let toc {
            entries = toc.entries
            let violations = VocabularyGuard(header: toc.header, format: source.format)
                .checkAll(entries, standardConformingStrings: toc.standardConformingStrings)
            if !violations.isEmpty { throw VocabularyGuard.refusal(violations, file: source.name) }
        } else if DumpSource.isRegularFile(request.dump) {
            let collector = PlainEntryCollector()
            try source.read(GuardingVisitor(collector, file: source.name), data: true)
            entries = collector.entries
            source = try DumpSource.open(request.dump)
        } else {
            log(Self.streamingRule)
            entries = []
            growing = request.roles.growingRoleMap()
            pipeGuard = VocabularyGuard.Session(VocabularyGuard(dumpVersion: nil, databaseName: nil, plain: true))
        }
        self.source = source
        // The data policy, checked against the dump's tables before anything is created.
        if let policy = request.policy {
            guard toc != nil || DumpSource.isRegularFile(request.dump) else {
                throw PolicyError(file: policy.file, line: nil, "a plain script from a pipe cannot be checked against a policy before it runs: give the file, or an archive", kind: .usage)
            }
            guard let key = request.maskKey else {
                throw PolicyError(file: policy.file, line: nil, "a policy needs a key: set PGREOWN_MASK_KEY or give --mask-key-file", kind: .usage)
            }
            let compiled = try CompiledPolicy(policy, entries: entries, key: key)
            for w in compiled.warnings { log("policy: warning: \(w)") }
            for line in compiled.summary { log("policy: \(line)") }
            options.policy = compiled
        }

        let admin: Connection
        do {
            admin = try Connection(conninfo: options.conninfo, database: options.inPlace ? options.database : options.maintenanceDatabase,
                                   defaults: options.connectionDefaults)
        } catch let e as ServerError {
            return .unavailable(e)
        }
        defer { admin.close() }
        log("restoring \(source.name) (\(source.format.rawValue)) into \(options.database) on \(admin.displayName.isEmpty ? "the default server" : admin.displayName) as owner \(options.owner)")

        let plain = source.format == .plain
        let scs = entries.standardConformingStrings
        // The preflight looks at what is selected.
        let version = ScriptWriter.Version.parse(toc?.header.pgDumpVersion ?? []) ?? .init(major: 17)
        let plan = RestorePlan(entries: entries, version: version, selection: options.selection)
        let selected = plan.entries.indices.filter { i in
            let e = plan.entries[i]
            return plain || !plan.parts[i].isEmpty || (RestorePlan.isDatabaseLevel(e) && options.selection.includesDatabaseEntry(e))
        }.map { plan.entries[$0] }
        let report = try OwnershipReport.build(entries: entries, plain: plain, standardConformingStrings: scs, roles: request.roles,
                                               owner: options.owner, connection: admin, selectedEntries: selected)
        for line in report.audit.map.reportText.split(separator: "\n") { log(String(line)) }
        for f in report.audit.findings { log("  \(f)") }
        var problems = report.policyProblems
        let selectedIds = Set(selected.map(\.dumpId))
        problems += try Preflight.restoreProblems(admin, entries: report.audit.rewritten.filter { selectedIds.contains($0.dumpId) },
                                                  needsCreateDB: !options.inPlace, owner: options.owner, standardConformingStrings: scs)
        if !problems.isEmpty { return .refused(problems: problems) }

        var plainRewrite: ((TOCEntry) throws -> TOCEntry)?
        if plain {
            if let growing, let pipeGuard {
                let file = source.name
                plainRewrite = { e in
                    try pipeGuard.enforce(e, standardConformingStrings: scs, file: file)
                    return try growing.rewrite(e, standardConformingStrings: scs)
                }
            } else {
                let context = report.rewriteContext
                plainRewrite = { e in try Rewriter.rewriteEntry(e, context, standardConformingStrings: scs, plain: true).entry }
            }
        }

        var restoreOptions = options
        restoreOptions.mappedAwayRoles = report.audit.map.mappedAwayRoles
        let restorer = Restorer(options: restoreOptions)
        self.restorer = restorer
        restorer.onProgress = onProgress
        restorer.log = log
        if let growing {
            restorer.mappedAwayRoles = { growing.map.mappedAwayRoles }
        }
        // Said whether the restore succeeds or not (such a role's grants usually fail a check).
        func warnLateRoles() {
            if let growing, !growing.late.isEmpty {
                log("warning: roles named before their first ALTER … OWNER TO were left unmapped there: \(growing.late.keys.map { oneLine(text($0)) }.sorted().joined(separator: ", "))")
            }
        }
        do {
            try restorer.run(source: source, entries: plain ? nil : report.audit.rewritten, plainRewrite: plainRewrite)
        } catch let f as Restorer.Failure {
            warnLateRoles()
            return .failed(f)
        }
        warnLateRoles()
        return .restored
    }

    /// What is said when a plain script comes from a pipe (also the rule's documentation).
    public static let streamingRule = """
        reading a plain script from a pipe, in one pass: the role map grows as the script is read. \
        --map pairs apply throughout; a role maps to --owner from the entry holding its first ALTER … OWNER TO on \
        (pg_dump sets every object's owner before the ACLs, default privileges and policies that could name it).
        """
}
