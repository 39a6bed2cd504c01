import ArgumentParser
import DumpFormat
import Foundation
import Masking
import Ownership
import Restore

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a dump through libpq into a scratch database, owned by --owner, check it, and swap it in.",
        discussion: """
        The sequence (a failure at any step before the swap swaps nothing in; the last line says \
        whether the live database is untouched or what changed in it):
          1. preflight on the server: the owner role exists and the login can SET ROLE to it; every \
        role the rewritten dump names exists (--missing-roles); the login can create databases; \
        every entry the login cannot run is listed at once (event triggers, foreign-data wrappers, \
        C functions, untrusted languages, extensions the server lacks) with the option that skips it
        2. the scratch database DB-restore is created from template0 with the dump's encoding and \
        locale, owned by the load role (below) or the owner role (a leftover one is dropped first)
        3. the dump is loaded as a role made for the run (where the login has CREATEROLE: its \
        code cannot reach the login's rights, even by RESET ROLE; the role hands everything to the \
        owner role when the load ends and is dropped; --load-login names one you manage), else as \
        the owner role (SET ROLE), said in one line; every object ends up owned by the owner role; extensions the server does not trust (a trusted one is the owner role's), superuser-only \
        entries, entries owned by a predefined role, ACLs of built-in objects and the database's own \
        settings run as the login and are listed (verify --owner R lists them with the reason); \
        COPY and INSERT data stream as they are decompressed, and \
        completeness is re-checked on the way (a truncated or corrupt dump stops the run)
        4. checks: rows loaded per table equal the dump's, large objects, every object owned by \
        the owner role (or a --keep-owner role, or the login for what only it may own), and no \
        privilege, default privilege, policy or user mapping names a role the map sends elsewhere; \
        then the outside-world check: the login connects again with its own credentials, and the \
        roles, memberships, role and database settings, other databases, tablespaces and ALTER \
        SYSTEM settings are as before the load (code in a dump runs as the owner role, which owns \
        the live database), the scratch database's own properties as the dump declares them; \
        each change is listed and fails the run (see docs/restore.md for what a non-superuser \
        login cannot see: password hashes, ALTER SYSTEM settings)
        5. the swap: take ownership of DB, refuse new connections, terminate its sessions (except \
        those of --spare-sessions-of), rename DB → DB-old and DB-restore → DB in one transaction \
        (retried), ALTER DATABASE DB OWNER TO the owner role, drop DB-old (unless --keep-old)

        Progress: a live line on a terminal (input read and percent, entries, rows, rate, the \
        current entry), a log line every 10 s otherwise; a summary at the end, and with --json the \
        report (entries, rows per table, checks, seconds per phase) on stdout.

        The first SQL error stops the run and names the TOC entry and the statement; \
        --ignore-error SQLSTATE lets listed codes pass (each is reported).

        Connection: --target is a libpq conninfo or URI (default: the PG* environment); its \
        database is replaced by --maintenance-db for the administrative connection and by the \
        scratch database for the load. The password is never printed. Every connection pins \
        search_path to pg_catalog, pg_temp (a dump's ALTER DATABASE … SET search_path never \
        chooses the operators of pgreown's own queries).

        The nightly job's environment works as it did: DB_HOST, DB_USER and DB_PASSWORD are \
        libpq's host, user and password (a --target conninfo overrides them; they override PG*), \
        DB_DATABASE is the default --dbname, DB_OWNER the default --owner; with DB_OWNER unset, \
        the owner is derived from DB_DATABASE as the job does (a trailing _production and a \
        leading draft_ or draft- stripped, - turned into _), and the log says so.

        --policy FILE masks and subsets the data on the way in (docs/restore.md, "Masking and \
        subsetting"): per table, data: false leaves its data out (schema.table patterns with *), \
        where: "SQL subset" and sample: N% keep some rows (evaluated on the client, never sent to \
        the server), and columns: name: {transformer} masks values — set, hash (text, integer, \
        uuid, email), email, regex_replace, template ({row}, {hash}), fake, truncate, json. Keyed \
        transformers use HMAC-SHA256 with $PGREOWN_MASK_KEY or --mask-key-file: the same value masks \
        alike in every table, so masked keys still join. The policy is checked against the dump \
        before the server is contacted (exit 64 for a wrong policy, 65 for one that does not fit \
        the dump, naming the policy's line); the rows check compares the rows the policy kept.

        --transform FILE runs in the restored database after the checks and before the swap, so \
        the live database never holds untransformed data. SIGTERM or SIGINT stops the restore \
        cleanly (the scratch database is dropped, the live one untouched; exit 143 or 130).

        A server older than the pg_dump that wrote the dump gets the version bridge's conversions \
        for its major (see rewrite --help): STATISTICS DATA left out below 18, MAINTAIN taken out \
        of grants below 17, session settings it does not know left out; each is logged. The SQL \
        is otherwise the source server's.

        A dump is untrusted: every entry must hold only the statements pg_dump writes for its \
        type (no SET ROLE, RESET ROLE, SET SESSION AUTHORIZATION outside pg_dump's grantor blocks, \
        set_config('role'), ALTER SYSTEM, role commands, other databases, COPY … PROGRAM, statements \
        after a COPY's \\.); anything else is refused before it runs (exit 65, naming the entry, \
        the statement and the rule). See docs/restore.md, "The vocabulary guard".

        Exit codes: 0 restored and swapped; 1 an SQL error or a failed check (nothing swapped); \
        65 the dump is malformed, incomplete or holds a statement pg_dump never writes (nothing swapped); 66 the dump cannot be opened; \
        69 the server is unavailable or the preflight refused (nothing created).

        Examples:
          pgreown restore nightly.dump --dbname staging --owner app_owner --target "host=db user=admin"
          aws s3 cp s3://backups/latest.dump - | pgreown restore - --dbname staging --owner app_owner
          pgreown restore app.dump -d integration --owner app_owner --exclude-type "EVENT TRIGGER" --json
        """
    )

    @Argument(help: ArgumentHelp("The dump: a file, a directory-format dump, or - for stdin (any format, plain included).", valueName: "DUMP"))
    var dump: String

    @Option(name: [.short, .customLong("dbname")], help: ArgumentHelp("The live database to replace (or create) (default: $DB_DATABASE).", valueName: "DB"))
    var dbname: String?

    @Option(name: .customLong("transform"), parsing: .singleValue,
            help: ArgumentHelp("An SQL file run inside the restored database after the checks and before the swap, as the owner role, in one transaction (repeatable, in order; the first error stops the restore).", valueName: "FILE"))
    var transform: [String] = []

    @Option(name: .long, help: ArgumentHelp("The server: a conninfo or URI (default: the PG* environment).", valueName: "CONNINFO"))
    var target: String = ""

    @Option(name: .customLong("policy"),
            help: ArgumentHelp("A data policy (YAML, docs/restore.md \"Masking and subsetting\"): tables whose data is left out, rows kept (where, sample), columns masked — applied to every COPY row on the way in, checked against the dump before the server is contacted.", valueName: "FILE"))
    var policy: String?

    @Option(name: .customLong("mask-key-file"),
            help: ArgumentHelp("The key of the policy's keyed transformers (hash, email, template {hash}, fake; default: $PGREOWN_MASK_KEY).", valueName: "FILE"))
    var maskKeyFile: String?

    @Option(name: [.short, .customLong("jobs")],
            help: ArgumentHelp("Load with N connections: from a file or directory, table data (each table's as soon as the table and what in pre-data depends on it exist) and post-data entries in parallel; from a pipe, the data in stream order on one connection while indexes and constraints of the tables already loaded are built on the others.", valueName: "N"))
    var jobs = 1

    @Option(name: .customLong("maintenance-db"), help: ArgumentHelp("The database the administrative connection uses.", valueName: "DB"))
    var maintenanceDB = "postgres"

    @OptionGroup var roles: RoleOptions

    @Option(name: .customLong("exclude-type"), parsing: .singleValue,
            help: ArgumentHelp("Skip entries of this type, e.g. \"EVENT TRIGGER\" (repeatable).", valueName: "TYPE"))
    var excludeType: [String] = []

    @Option(name: [.customShort("L"), .customLong("use-list")],
            help: ArgumentHelp("Restore only the entries of a pg_restore -l / pgreown inspect --list file (lines starting with ';' are left out).", valueName: "FILE"))
    var useList: String?

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Restore only this section: pre-data, data or post-data (repeatable).", valueName: "SECTION"))
    var section: [String] = []

    @Option(name: .customLong("bulk-load"),
            help: ArgumentHelp("Which bulk-load levers to use: all (the default), none, or a comma-separated list of sync-commit (synchronous_commit = off per load session), maintenance-mem (maintenance_work_mem raised to 256MB per load session, never lowered), copy-freeze (each table's COPY in one transaction after a TRUNCATE, WITH (FREEZE): no WAL under wal_level = minimal, no hint-bit writes later), fk-not-valid (foreign keys added NOT VALID, then validated: validations run side by side) and binary-copy (with copy-freeze: table data converted to COPY's binary format on the client where it converts exactly — integers, numeric, float8, dates and timestamps, bool, uuid, text, enums, json, bytea — so the server does not parse it; the first row it does not convert, and every table with another column type, goes as text). None needs a superuser; the end state is the same.",
                               valueName: "LEVERS"))
    var bulkLoad = "all"

    @Flag(name: .customLong("no-bulk-load-settings"), help: "The same as --bulk-load none.")
    var noBulkLoadSettings = false

    @Flag(name: .customLong("no-comments"), help: "Do not restore COMMENT entries.")
    var noComments = false

    @Flag(name: .customLong("disable-triggers"), help: "Load with session_replication_role = replica (triggers and foreign-key checks off).")
    var disableTriggers = false

    @Option(name: .customLong("ignore-error"), parsing: .singleValue,
            help: ArgumentHelp("An SQLSTATE that does not stop the load, e.g. 42710 (repeatable; each occurrence is reported).", valueName: "SQLSTATE"))
    var ignoreError: [String] = []

    @Flag(name: .customLong("in-place"), help: "Load into the existing, empty database DB instead of a scratch database (no swap).")
    var inPlace = false

    @Option(name: .customLong("load-login"),
            help: ArgumentHelp("Load as this login, one the operator manages (a conninfo or URI naming its user and password), instead of a role made for the run: it owns the scratch database and what the load creates until the hand-over to the owner role. The restoring login must be a member of it; it is not dropped.", valueName: "CONNINFO"))
    var loadLogin: String?

    @Flag(name: .customLong("keep-old"), help: "Keep the previous database as DB-old after the swap.")
    var keepOld = false

    @Option(name: .customLong("spare-sessions-of"), parsing: .singleValue,
            help: ArgumentHelp("Never terminate sessions of this role during the swap (repeatable; default rdsadmin).", valueName: "ROLE"))
    var spareSessionsOf: [String] = []

    @Option(name: .customLong("swap-tries"), help: ArgumentHelp("How many times the swap is tried.", valueName: "N"))
    var swapTries = 10

    @Option(name: .customLong("swap-retry-delay"), help: ArgumentHelp("Seconds between swap tries.", valueName: "SECONDS"))
    var swapRetryDelay = 5.0

    @Option(name: .long, help: ArgumentHelp("Push the job's metrics to this Prometheus Pushgateway (default: $PROMETHEUS_PUSHGATEWAY_URL); one that is down is logged, never fatal.", valueName: "URL"))
    var pushgateway: String?

    @Flag(name: .long, help: "Print the report as JSON on stdout.")
    var json = false

    func validate() throws {
        for s in section where Section(argument: s) == nil {
            throw ValidationError("--section takes pre-data, data or post-data, got '\(s)'")
        }
        for s in ignoreError where s.count != 5 || !s.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) {
            throw ValidationError("--ignore-error takes a five-character SQLSTATE such as 42710, got '\(s)'")
        }
        if swapTries < 1 { throw ValidationError("--swap-tries must be at least 1") }
        if !(1...64).contains(jobs) { throw ValidationError("--jobs takes 1 to 64, got \(jobs)") }
        if dbname?.isEmpty == true { throw ValidationError("--dbname must not be empty") }
    }

    func run() throws {
        try runReporting {
            // The nightly job's environment: flags win over it; it wins over libpq's PG* variables.
            let env = JobEnvironment(ProcessInfo.processInfo.environment)
            guard let dbname = dbname ?? env.database else { throw ValidationError("no database: give --dbname DB or set DB_DATABASE") }
            var roles = self.roles
            if roles.effectiveOwner == nil, let db = env.database {
                roles.owner = JobEnvironment.derivedOwner(database: db)
                printMessage("pgreown: DB_OWNER is not set: owner \(roles.owner ?? "") derived from DB_DATABASE=\(db) as the nightly job does")
            }
            guard let owner = roles.effectiveOwner else { throw ValidationError("no owner role: give --owner ROLE or set DB_OWNER") }
            Interrupt.install()
            let metricsURL = pushgateway ?? ProcessInfo.processInfo.environment["PROMETHEUS_PUSHGATEWAY_URL"].flatMap { $0.isEmpty ? nil : $0 }
            let metrics = metricsURL.map { JobMetrics(url: $0, instance: env.host ?? "", database: dbname, log: { printMessage("pgreown: \($0)") }) }
            let fileSize: Int64? = dump == "-" ? nil : (try? FileManager.default.attributesOfItem(atPath: dump)[.size] as? Int64) ?? nil
            metrics?.push(.started, fileSize: fileSize)
            var report: Restorer.Report?
            let code: Int32
            do {
                code = try restore(dbname: dbname, owner: owner, roles: roles, env: env, finalReport: &report)
            } catch {
                metrics?.push(.failed, fileSize: fileSize, report: report)
                throw error
            }
            metrics?.push(code == Exit.ok ? .succeeded : .failed, fileSize: fileSize, report: report)
            return code
        }
    }

    /// The restore itself; the report it ends with (partial on failure) goes to `finalReport`.
    func restore(dbname: String, owner: String, roles: RoleOptions, env: JobEnvironment, finalReport: inout Restorer.Report?) throws -> Int32 {
        var selection = RestorePlan.Selection(sections: Set(section.compactMap(Section.init(argument:))), noComments: noComments,
                                              excludeTypes: Set(excludeType))
        if let useList { selection.wantedIds = try Self.readList(useList) }
        var options = Restorer.Options(conninfo: target, database: dbname, owner: owner)
        options.maintenanceDatabase = maintenanceDB
        options.connectionDefaults = env.connectionDefaults
        options.transforms = transform
        options.keepOwners = Set(roles.keepOwner)
        options.ignoredStates = Set(ignoreError)
        options.selection = selection
        options.disableTriggers = disableTriggers
        options.inPlace = inPlace
        options.loadLogin = loadLogin
        options.keepOld = keepOld
        if !spareSessionsOf.isEmpty { options.spareSessionsOf = spareSessionsOf }
        options.swapTries = swapTries
        options.jobs = jobs
        do {
            options.bulkLoad = noBulkLoadSettings ? [] : try BulkLoad.Lever.parse(bulkLoad)
        } catch {
            throw ValidationError("--bulk-load: \(error)")
        }
        options.swapRetrySeconds = swapRetryDelay

        var request = RestoreJob.Request(dump: dump, options: options, roles: try roles.settings())
        if let policy {
            request.policy = try DataPolicy.load(path: policy)
            request.maskKey = try MaskContext.key(environment: ProcessInfo.processInfo.environment, file: maskKeyFile)
        } else if maskKeyFile != nil {
            throw ValidationError("--mask-key-file is the key of a --policy")
        }
        let job = RestoreJob(request)
        // Progress: a live line on a terminal, a log line every 10 s otherwise.
        let terminal = isatty(2) == 1
        var lastLine = 0.0
        var live = false
        job.onProgress = { p in
            if terminal {
                writeAll(2, Array("\r\u{1b}[K\(p.line)".utf8))
                live = true
            } else if p.seconds - lastLine >= 10 {
                lastLine = p.seconds
                printMessage("pgreown: progress: \(p.line)")
            }
        }
        job.log = { m in
            if terminal { writeAll(2, Array("\r\u{1b}[K".utf8)) }
            printMessage("pgreown: \(m)")
        }
        defer { if live { writeAll(2, Array("\r\u{1b}[K".utf8)) } }
        defer { finalReport = job.restorer?.report }
        let started = monotonicSeconds()
        switch try job.run() {
        case .unavailable(let e):
            printMessage("pgreown: \(e.description)")
            return Exit.unavailable
        case .refused(let problems):
            for p in problems { printMessage("  problem: \(p)") }
            printMessage("pgreown: preflight refused: \(problems.count) problem(s), nothing was created; first: \(problems[0])")
            return Exit.unavailable
        case .failed(let f):
            if json, let r = job.restorer?.report { writeOut(try encodeJSON(RestoreJSON(report: r, ok: false, error: f.description))) }
            printMessage("pgreown: restore failed: \(f.description)")
            switch f.underlying {
            case let e as Interrupted:
                return 128 + e.signal
            case let e as DumpError:
                return e.kind == .io ? Exit.noInput : Exit.badInput
            case let e as ServerError:
                return e.connectionLost ? Exit.unavailable : Exit.problems
            default:
                return Exit.problems
            }
        case .restored:
            guard let r = job.restorer?.report else { return Exit.internalError }
            if json { writeOut(try encodeJSON(RestoreJSON(report: r, ok: true, error: nil))) }
            let rows = r.tables.compactMap(\.rowsLoaded).reduce(0, +)
            printMessage(String(format: "pgreown: restored %@ into %@ in %.1f s: %d entries, %d tables (%lld rows, %d in binary COPY), %d large objects, %d checks passed%@.",
                                job.source?.name ?? dump, dbname, monotonicSeconds() - started, r.entriesRun, r.tables.count, rows, r.binaryCopyTables,
                                r.largeObjects, r.checks.count, r.swapped ? ", swapped in" : ""))
            return Exit.ok
        }
    }

    /// dumpIds of a `pg_restore -l` list: each line not starting with ';' begins "ID;".
    static func readList(_ path: String) throws -> Set<Int> {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DumpError(.io, file: path, "cannot read the list file")
        }
        var ids = Set<Int>()
        for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let l = line.drop { $0 == " " || $0 == "\t" }
            if l.isEmpty || l.first == ";" { continue }
            guard let semi = l.firstIndex(of: ";"), let id = Int(l[..<semi].trimmingCharacters(in: .whitespaces)) else {
                throw DumpError(.malformed, file: path, "line \(n + 1): expected 'ID; …' as pg_restore -l writes it")
            }
            ids.insert(id)
        }
        return ids
    }
}

struct RestoreJSON: Encodable {
    var report: Restorer.Report
    var ok: Bool
    var error: String?
}
