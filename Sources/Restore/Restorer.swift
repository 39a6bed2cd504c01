import DumpFormat
import Foundation
import Masking
import Ownership

#if canImport(Glibc)
import Glibc
#endif

/// `pgreown restore` after the preflight (docs/restore.md; ARCHITECTURE.md, "Restore"): a scratch database `<db>-restore`, the
/// load as the owner role through the SQL emitter and a connection sink, the checks, the swap.
/// Any failure before the swap drops the scratch database and leaves the live one untouched.
public final class Restorer {
    public struct Options: Sendable {
        /// Base conninfo or URI ("" = the PG* environment); its database is replaced.
        public var conninfo: String
        /// Connection parameters the conninfo overrides (the nightly job's DB_HOST, DB_USER, DB_PASSWORD).
        public var connectionDefaults: [(String, String)] = []
        /// The live database.
        public var database: String
        /// Where the admin connection goes (CREATE/DROP/RENAME DATABASE).
        public var maintenanceDatabase = "postgres"
        /// The role R that owns everything.
        public var owner: String
        /// Roles whose objects stay theirs (`--keep-owner`).
        public var keepOwners: Set<String> = []
        /// Roles the map sends elsewhere: none of them may be named in the restored database's
        /// privileges, default privileges, policies or user mappings (the check after the load).
        public var mappedAwayRoles: Set<String> = []
        /// SQLSTATEs that do not stop the load (`--ignore-error`).
        public var ignoredStates: Set<String> = []
        public var selection = RestorePlan.Selection()
        /// `SET session_replication_role = replica` for the load (`--disable-triggers`).
        public var disableTriggers = false
        /// Load into the existing, empty database instead of a scratch one (`--in-place`).
        public var inPlace = false
        /// `--load-login`: the load runs as this login (a conninfo), not a role made for the run.
        public var loadLogin: String?
        /// Keep `<db>-old` after the swap.
        public var keepOld = false
        /// Sessions of these roles are never terminated (`--spare-sessions-of`).
        public var spareSessionsOf: [String] = ["rdsadmin"]
        public var swapTries = 10
        public var swapRetrySeconds = 5.0
        /// SQL files run in the scratch database after the checks, before the swap (`--transform`).
        public var transforms: [String] = []
        /// Connections loading at once (`--jobs`).
        public var jobs = 1
        /// The bulk-load levers (`--bulk-load`): session settings, TRUNCATE + COPY FREEZE, and
        /// foreign keys added NOT VALID and then validated (`BulkLoad`).
        public var bulkLoad: Set<BulkLoad.Lever> = []
        /// Roles pgreown makes for the run: the outside-world check leaves them out.
        public var excludingRoles: Set<String> = []
        /// The data policy (`--policy`), checked against the dump: every session's COPY data
        /// passes through its stage (`ConnectionSink.dataStage`).
        public var policy: CompiledPolicy?

        public init(conninfo: String, database: String, owner: String) {
            self.conninfo = conninfo; self.database = database; self.owner = owner
        }

        public var scratchName: String { inPlace ? database : "\(database)-restore" }
        public var oldName: String { "\(database)-old" }
    }

    /// What a restore did, for the summary and `--json`.
    public struct Report: Sendable, Codable {
        public struct Table: Sendable, Codable {
            public var table: String
            public var rowsInDump: Int64?
            public var rowsLoaded: Int64?
            /// With a policy: the rows it kept and dropped, the columns it masked, or its data left out.
            public var rowsKept: Int64?
            public var rowsDropped: Int64?
            public var columnsMasked: [String]?
            public var dataLeftOut: Bool?
        }
        public struct Check: Sendable, Codable {
            public var name: String
            public var ok: Bool
            public var detail: String
        }
        public var database: String
        public var scratchDatabase: String
        public var owner: String
        public var serverVersion: Int = 0
        public var entriesRun = 0
        public var tables: [Table] = []
        public var largeObjects = 0
        /// Tables whose data went in COPY's binary format (`binary-copy`), wholly or up to a row
        /// the client does not convert.
        public var binaryCopyTables = 0
        public var dataBytes: Int64 = 0
        public var ranAsLogin: [String] = []
        public var ignoredErrors: [ConnectionSink.Ignored] = []
        public var checks: [Check] = []
        public var seconds: [String: Double] = [:]
        public var swapped = false
        public var oldDatabaseKept: String?
        /// `--policy`: what it does per table (the per-table counts are in `tables`).
        public var policy: [String]?
    }

    /// A restore that stopped; `state` says where things are and what repairs them.
    public struct Failure: Error, CustomStringConvertible {
        public var underlying: Error
        public var state: String
        public var description: String { "\(underlying) — \(state)" }
    }

    /// Where a load stands (for a live line on a terminal or a periodic log line).
    public struct Progress: Sendable {
        public var entries: Int
        public var currentEntry: String
        /// Decompressed data streamed so far.
        public var dataBytes: Int64
        /// Rows the server has confirmed (finished COPYs).
        public var rows: Int64
        /// Input bytes read, and the input's size when known.
        public var inputBytes: Int64?
        public var inputSize: Int64?
        public var seconds: Double

        /// "42% 120.3/286.0 MB · 57 entries · 1200000 rows · 35.1 MB/s · TABLE DATA public t".
        public var line: String {
            var parts: [String] = []
            if let read = inputBytes, let size = inputSize, size > 0 {
                parts.append(String(format: "%3.0f%% %.1f/%.1f MB", 100 * Double(read) / Double(size), Double(read) / 1e6, Double(size) / 1e6))
            } else if let read = inputBytes {
                parts.append(String(format: "%.1f MB read", Double(read) / 1e6))
            }
            parts.append("\(entries) entries")
            parts.append("\(rows) rows")
            parts.append(String(format: "%.1f MB/s of data", Double(dataBytes) / 1e6 / max(seconds, 1e-3)))
            return parts.joined(separator: " · ") + (currentEntry.isEmpty ? "" : " · \(currentEntry)")
        }
    }

    public let options: Options
    /// Called at most four times a second during the load.
    public var onProgress: ((Progress) -> Void)?
    public var log: @Sendable (String) -> Void = { _ in }
    /// The mapped-away roles when they are only known after the load (a plain script read once
    /// from a pipe, whose map grows); nil: `options.mappedAwayRoles`.
    public var mappedAwayRoles: (() -> Set<String>)?
    public internal(set) var report: Report
    /// The outside world after the scratch database was created, and what the scratch
    /// database's own row and settings should be (Restorer+OutsideWorld.swift).
    var outsideBefore: OutsideWorld?
    var declaredScratch: OutsideWorld?
    /// Databases other pgreown runs were seen working in (not this run's changes).
    var othersBusy: Set<String> = []

    public init(options: Options) {
        self.options = options
        report = Report(database: options.database, scratchDatabase: options.scratchName, owner: options.owner)
        report.policy = options.policy?.summary
    }

    // MARK: - The whole sequence

    /// Load `source` (whose rewritten entries are `entries`; nil for plain input, where `plainRewrite`
    /// rewrites each pseudo-entry) and swap it in.
    public func run(source: DumpSource, entries: [TOCEntry]?, plainRewrite: ((TOCEntry) throws -> TOCEntry)? = nil) throws {
        let admin = try Connection(conninfo: options.conninfo, database: options.inPlace ? options.database : options.maintenanceDatabase,
                                   defaults: options.connectionDefaults)
        report.serverVersion = admin.serverVersion
        login = try admin.query("SELECT current_user::text").first?[0] ?? "?"
        var t = monotonic()
        if options.inPlace {
            try checkEmpty(admin)
        } else {
            loadRole = makeLoadRole(admin)
            do {
                try createScratch(admin, entries: entries ?? [], owner: loadRole?.name ?? options.owner)
            } catch {
                dropLoadRole(admin)
                throw error
            }
            confirmLoadRole(admin)
        }
        report.seconds["create"] = monotonic() - t
        t = monotonic()
        var fresh: Connection?
        defer { fresh?.close() }
        do {
            try snapshotOutsideWorld(admin)
            try load(source: source, entries: entries, plainRewrite: plainRewrite)
            try handOver()
            let hadLoadRole = loadRole != nil
            dropLoadRole(admin)
            // A killed run's role that owned the leftover scratch database createScratch dropped.
            if hadLoadRole { LoadRole.dropLeftovers(admin, log: log) }
            report.seconds["load"] = monotonic() - t
            t = monotonic()
            try check()
            report.seconds["checks"] = monotonic() - t
            t = monotonic()
            try runTransforms()
            if !options.transforms.isEmpty { report.seconds["transforms"] = monotonic() - t }
            fresh = try checkOutsideWorld(admin)
        } catch {
            // A signal cancels the running statements: say so rather than "canceling statement".
            let error: Error = Interrupt.signal.map { Interrupted(signal: $0) } ?? error
            let found = failureReport(admin, after: error)
            if options.inPlace {
                throw Failure(underlying: found.error, state: "the database \(options.database) holds a partial restore (--in-place): drop and recreate it before trying again" + (found.text.isEmpty ? "" : "; \(found.text)"))
            }
            let dropped = dropScratch(admin)
            dropLoadRole(workingAdmin(admin) ?? admin)
            throw Failure(underlying: found.error, state: "\(dropped); \(found.text)")
        }
        if options.inPlace { return }
        t = monotonic()
        try swap(fresh ?? admin)
        report.seconds["swap"] = monotonic() - t
    }

    // MARK: - Transforms

    /// `--transform FILE`: each file in one transaction inside the scratch database, as R (what it
    /// creates is R's), in order, stopping at the first error; psql meta-commands are refused.
    func runTransforms() throws {
        guard !options.transforms.isEmpty else { return }
        let (conn, _) = try openSession(nil)
        defer { conn.close() }
        try conn.execute(Array("SET ROLE ".utf8) + Identifier.quote(Array(options.owner.utf8)))
        // A transform is the user's SQL, written against the restored database as its
        // applications see it: the search_path its settings give (the connection pins pgreown's).
        try conn.execute(Array("RESET search_path".utf8))
        for path in options.transforms {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw DumpError(.io, file: path, "cannot read the transform")
            }
            let items = try SQLStatement.split([UInt8](data), name: path)
            if let meta = items.first(where: { $0.kind == .meta || ($0.kind == .statement && $0.tokens.contains { $0.kind == .psqlMeta }) }) {
                throw DumpError(.forbidden, file: path, offset: meta.offset, "a transform is SQL only: psql meta-command '\(shown(meta.bytes.prefix { $0 != 0x0a }, limit: 60))' refused")
            }
            let started = monotonic()
            try conn.execute(Array("BEGIN".utf8))
            var n = 0
            for item in items where item.kind == .statement {
                do {
                    try conn.execute(item.bytes)
                } catch var e as ServerError {
                    _ = try? conn.execute(Array("ROLLBACK".utf8))
                    e.entry = "transform \(path) at byte \(item.offset)"
                    e.statement = shown(item.bytes, limit: 200)
                    throw e
                }
                n += 1
            }
            try conn.execute(Array("COMMIT".utf8))
            log(String(format: "transform %@: %d statements in %.1f s", path, n, monotonic() - started))
        }
    }

    // MARK: - Scratch database

    func checkEmpty(_ c: Connection) throws {
        let n = try c.query("""
            SELECT count(*) FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
            """).first?[0] ?? "0"
        if n != "0" {
            throw ServerError("--in-place needs an empty database: \(options.database) holds \(n) relations")
        }
    }

    func createScratch(_ admin: Connection, entries: [TOCEntry], owner: String) throws {
        let scratch = try admin.quoteIdentifier(options.scratchName)
        let ownerName = owner
        let owner = try admin.quoteIdentifier(owner)
        if try admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.scratchName]).count > 0 {
            log("dropping the leftover \(options.scratchName)")
            try admin.query("DROP DATABASE \(scratch)")
        }
        var with = "TEMPLATE template0 OWNER \(owner)"
        let settings = Self.databaseSettings(entries)
        if let enc = settings["ENCODING"] { with += " ENCODING \(try admin.quoteLiteral(enc))" }
        var locale = ""
        let collate = settings["LC_COLLATE"] ?? settings["LOCALE"]
        let ctype = settings["LC_CTYPE"] ?? settings["LOCALE"]
        if let collate { locale += " LC_COLLATE \(try admin.quoteLiteral(collate))" }
        if let ctype { locale += " LC_CTYPE \(try admin.quoteLiteral(ctype))" }
        if admin.serverVersion >= 150000, settings["LOCALE_PROVIDER"]?.lowercased() == "icu" {
            locale += " LOCALE_PROVIDER icu"
            if let icu = settings["ICU_LOCALE"] { locale += " ICU_LOCALE \(try admin.quoteLiteral(icu))" }
        }
        do {
            try admin.query("CREATE DATABASE \(scratch) WITH \(with)\(locale)")
        } catch let e as ServerError where !locale.isEmpty && e.sqlState == "22023" {
            log("warning: the dump's locale is not available on the server (\(e.message)); \(options.scratchName) gets the server's default locale")
            try admin.query("CREATE DATABASE \(scratch) WITH \(with)")
        }
        log("created \(options.scratchName) (owner \(ownerName)\(settings["ENCODING"].map { ", encoding \($0)" } ?? ""))")
    }

    /// The admin connection when it still works; otherwise a new one, tried for up to 30 s while
    /// the server comes back (a restart cuts every session); nil when none can be made.
    func workingAdmin(_ admin: Connection) -> Connection? {
        if admin.isOK { return admin }
        log("the admin connection was lost; connecting again")
        let deadline = monotonic() + 30
        while true {
            if let again = try? Connection(conninfo: options.conninfo, database: options.maintenanceDatabase,
                                           defaults: options.connectionDefaults) {
                return again
            }
            if monotonic() >= deadline { return nil }
            usleep(500_000)
        }
    }

    /// Drop the scratch database after a failure; the phrase for the final message says what
    /// happened. A lost admin connection is replaced first (see `workingAdmin`).
    func dropScratch(_ admin: Connection) -> String {
        func drop(_ c: Connection) throws {
            let scratch = try c.quoteIdentifier(options.scratchName)
            try c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                        [options.scratchName])
            // Code in the dump may have marked it a template, which DROP DATABASE refuses.
            _ = try? c.query("ALTER DATABASE \(scratch) IS_TEMPLATE false")
            try c.query("DROP DATABASE IF EXISTS \(scratch)")
        }
        var failure: Error?
        do {
            try drop(admin)
        } catch {
            failure = error
            // The statement that failed may be what revealed the lost connection.
            if !admin.isOK, let again = workingAdmin(admin) {
                do { try drop(again); failure = nil } catch { failure = error }
                again.close()
            }
        }
        if let failure {
            let byHand = "DROP DATABASE \(Identifier.quote(options.scratchName))"
            log("warning: could not drop \(options.scratchName): \(failure); drop it by hand: \(byHand)")
            return "the scratch database \(options.scratchName) could not be dropped (\(byHand) by hand)"
        }
        log("dropped \(options.scratchName)")
        return "the scratch database \(options.scratchName) was dropped"
    }

    /// The encoding and the locale options of the DATABASE entry's `CREATE DATABASE … WITH …`
    /// (ENCODING, LOCALE, LC_COLLATE, LC_CTYPE, LOCALE_PROVIDER, ICU_LOCALE). Without one, the
    /// ENCODING entry's — the dump's *client* encoding (`pg_dump -E`), which is the database's
    /// unless it is one no database can have (SJIS, BIG5, GBK, UHC, GB18030, JOHAB).
    public static func databaseSettings(_ entries: [TOCEntry]) -> [String: String] {
        var out: [String: String] = [:]
        for e in entries {
            if e.desc == "ENCODING", out["ENCODING"] == nil, let d = e.defn, let v = quotedValue(d),
               SQLEncoding(name: Array(v.utf8)) == .asciiSafe {
                out["ENCODING"] = v
            }
            guard e.desc == "DATABASE", let d = e.defn,
                  let stmt = try? SQLStatement.split(d).first(where: { $0.kind == .statement }) else { continue }
            let toks = stmt.significantTokens
            for (i, t) in toks.enumerated() where i + 2 < toks.count && stmt.text(toks[i + 1]) == [0x3d] {
                let key = String(decoding: stmt.text(t), as: UTF8.self).uppercased()
                guard ["ENCODING", "LOCALE", "LC_COLLATE", "LC_CTYPE", "LOCALE_PROVIDER", "ICU_LOCALE"].contains(key) else { continue }
                var v = stmt.text(toks[i + 2])
                if v.first == 0x27, v.count >= 2 { v = Array(v.dropFirst().dropLast()) }
                out[key] = String(decoding: v, as: UTF8.self).replacingOccurrences(of: "''", with: "'")
            }
        }
        return out
    }

    static func quotedValue(_ d: [UInt8]) -> String? {
        guard let a = d.firstIndex(of: 0x27), let b = d[(a + 1)...].firstIndex(of: 0x27) else { return nil }
        return String(decoding: d[(a + 1)..<b], as: UTF8.self)
    }

    // MARK: - Load

    /// What the dump holds (counted as it streamed) and what the server took, for the checks.
    var dumpTables: [CompletenessAuditor.TableData] = []
    var dumpLargeObjects = 0
    /// dumpIds whose data was loaded, and the rows the server reported for each.
    var restoredData: Set<Int> = []
    /// What the data policy did, per table (every session's stage counts here).
    let policyCounters = PolicyCounters()
    let policyNow = Date()
    var loadedRows: [Int: Int64] = [:]
    /// The login the load ran as.
    var login = ""
    /// Predefined roles the dump gives objects to (they keep them).
    var predefinedOwners: Set<String> = []
    /// Extensions the server trusts, which the owner role creates (the entry policy).
    var trustedExtensions: Set<[UInt8]>?

    /// One load connection and its sink, set up alike for every job.
    func openSession(_ created: Set<Int>?) throws -> (Connection, ConnectionSink) {
        let role = loadRole
        let conn = try session(as: role)
        if trustedExtensions == nil {
            let sql = conn.serverVersion >= 130000 ? "SELECT DISTINCT name::text FROM pg_catalog.pg_available_extension_versions WHERE trusted" : "SELECT NULL::text WHERE false"
            trustedExtensions = Set(try conn.query(sql).compactMap { $0[0].map { Array($0.utf8) } })
        }
        let policy = EntryPolicy(createdIds: created, trustedExtensions: trustedExtensions)
        let sink = ConnectionSink(connection: conn, owner: options.owner, ignoredStates: options.ignoredStates) { e in
            policy.runner(e) == .login
        }
        // In place, the tables are the dump's own too (the database had no relations), but keep
        // to plain COPY there: nothing is gained where the database is not new.
        sink.truncateBeforeCopy = options.bulkLoad.contains(.copyFreeze) && !options.inPlace
        sink.binaryCopy = sink.truncateBeforeCopy && options.bulkLoad.contains(.binaryCopy)
        sink.onNote = log
        if let policy = options.policy { sink.dataStage = CopyRowStage(policy: policy, counters: policyCounters, now: policyNow) }
        if let role {
            sink.standIn = .init(loadRole: role.name) { [self] in try session(as: nil) }
            sessionsLock.lock()
            standInSinks.append(sink)
            sessionsLock.unlock()
        }
        return (conn, sink)
    }

    /// A session in the scratch database, as the load role (`role`) or the login (nil), with
    /// the load's session settings.
    func session(as role: LoadRole?) throws -> Connection {
        let conn = try role?.connect(database: options.scratchName, conninfo: options.conninfo, defaults: options.connectionDefaults)
            ?? Connection(conninfo: options.conninfo, database: options.scratchName, defaults: options.connectionDefaults)
        Interrupt.register(conn)
        conn.onNotice { [log] m in log("server: \(m)") }
        if options.disableTriggers { try conn.query("SET session_replication_role = replica") }
        for setting in BulkLoad.sessionSettings(options.bulkLoad) { try conn.query(setting) }
        return conn
    }

    // MARK: - The load role (least privilege; LoadRole.swift)

    /// The role the load runs as, while it does (nil: the load runs as the owner role through
    /// the login's sessions).
    var loadRole: LoadRole?
    /// Whether the load role's work was handed over to the owner role (the scratch database is R's).
    var handedOver = false
    /// The sinks whose sessions run as the load role, for the hand-over.
    private var standInSinks: [ConnectionSink] = []
    private let sessionsLock = NSLock()

    /// A role made for this run, or nil (said in one line) where the login cannot make one.
    func makeLoadRole(_ admin: Connection) -> LoadRole? {
        LoadRole.dropLeftovers(admin, log: log)
        if let conninfo = options.loadLogin {
            do {
                let role = try LoadRole.managed(conninfo, admin: admin, maintenanceDatabase: options.maintenanceDatabase,
                                                defaults: options.connectionDefaults)
                log("the load runs as \(role.name) (--load-login)")
                return role
            } catch {
                log("the dump's code runs as the owner role \(options.owner): --load-login cannot be used: \(error)")
                return nil
            }
        }
        if options.disableTriggers {
            log("the dump's code runs as the owner role \(options.owner): --disable-triggers sets session_replication_role, which only the login's sessions may (see SECURITY.md)")
            return nil
        }
        do {
            if let reason = try LoadRole.unavailableReason(admin) {
                log("the dump's code runs as the owner role \(options.owner): \(reason) to make a role for the load (see SECURITY.md)")
                return nil
            }
            let role = try LoadRole.create(admin, connections: options.jobs)
            log("the load runs as \(role.name), a role made for this run")
            return role
        } catch {
            log("the dump's code runs as the owner role \(options.owner): making a role for the load failed: \(error)")
            return nil
        }
    }

    /// The load role must be able to log in (pg_hba.conf may refuse its password): else the
    /// scratch database goes to R and the load runs as R, said in one line.
    func confirmLoadRole(_ admin: Connection) {
        guard let role = loadRole else { return }
        do {
            let c = try role.connect(database: options.scratchName, conninfo: options.conninfo, defaults: options.connectionDefaults)
            c.close()
        } catch {
            log("the dump's code runs as the owner role \(options.owner): the load role \(role.name) cannot log in (\(error))")
            do {
                try admin.query("ALTER DATABASE \(try admin.quoteIdentifier(options.scratchName)) OWNER TO \(try admin.quoteIdentifier(options.owner))")
            } catch {
                log("warning: could not give \(options.scratchName) to \(options.owner): \(error)")
            }
            dropLoadRole(admin)
        }
    }

    /// When the load ends: what the load role made becomes R's, the owner changes it deferred
    /// run (as R, as they would have without a load role), and every session goes on as the login.
    func handOver() throws {
        guard let role = loadRole else { return }
        sessionsLock.lock()
        let sinks = standInSinks
        sessionsLock.unlock()
        guard sinks.contains(where: { $0.standingIn }) else { return }
        let c = try session(as: nil)
        defer { c.close() }
        // The scratch database as declared so far (the load role owned it: its code may have
        // changed it), then its new owner declared.
        try databaseLevelEntry(c, before: true)
        defer { try? databaseLevelEntry(c, before: false) }
        do {
            try role.handOver(c, database: options.scratchName, to: options.owner)
        } catch var e as ServerError {
            e.entry = "the hand-over from the load role \(role.name) to \(options.owner)"
            throw e
        }
        let owner = Array("SET ROLE ".utf8) + Identifier.quote(Array(options.owner.utf8)) + [0x3b]
        for sink in sinks {
            for change in sink.deferredOwnerChanges {
                do {
                    try c.execute(owner)
                    try c.execute(change.sql)
                    try c.execute(Array("RESET ROLE".utf8))
                } catch var e as ServerError {
                    e.entry = change.entry
                    e.statement = shown(change.sql, limit: 200)
                    throw e
                }
            }
        }
        for sink in sinks { sink.handOver() }
        handedOver = true
        for sink in sinks { try sink.runDeferredGrants() }
        log("handed the load role's objects over to \(options.owner)")
    }

    /// Close the load role's sessions' companions and drop the role.
    func dropLoadRole(_ admin: Connection) {
        guard let role = loadRole else { return }
        sessionsLock.lock()
        let sinks = standInSinks
        standInSinks = []
        sessionsLock.unlock()
        for sink in sinks { sink.closeLoginSession(); sink.connection.close() }
        role.drop(admin, log: log)
        loadRole = nil
    }

    func load(source: DumpSource, entries: [TOCEntry]?, plainRewrite: ((TOCEntry) throws -> TOCEntry)?) throws {
        let created = entries.map { Set($0.map(\.dumpId)) }
        let (conn, sink) = try openSession(created)
        defer { conn.close() }
        if login.isEmpty { login = try conn.query("SELECT current_user::text").first?[0] ?? "?" }
        let auditor = CompletenessAuditor(fileName: source.name, keepEntries: false)
        auditor.standardConformingStrings = entries?.standardConformingStrings ?? true
        sink.inputName = source.name
        // The input is read and decompressed on a thread of its own (the on-demand reads of a
        // parallel restore from a file excepted: each connection reads its own).
        let readAhead = ReadAhead()
        let started = monotonic()
        var last = started
        let tick = { [weak self, unowned sink] in
            guard let self, let onProgress = self.onProgress else { return }
            let now = monotonic()
            guard now - last >= 0.25 else { return }
            last = now
            let input = readAhead.inputProgress
            onProgress(Progress(entries: sink.entriesRun, currentEntry: sink.current?.label ?? "", dataBytes: auditor.dataBytes,
                                rows: sink.copiedRows.values.reduce(0, +), inputBytes: input?.read, inputSize: input?.size,
                                seconds: now - started))
        }
        sink.onEntry = { _ in tick() }
        let ticker = ProgressTicker(tick)
        var sinks = [sink]
        var auditors = [auditor]
        if var entries {
            entries = try Self.forServer(entries, serverMajor: conn.serverVersion / 10000,
                                         fkNotValid: options.bulkLoad.contains(.fkNotValid), log: log)
            let emitter = SQLEmitter(sink: sink, entries: entries,
                                     options: .init(targetServerMajor: conn.serverVersion / 10000, selection: options.selection),
                                     inputName: source.name)
            if options.jobs > 1 {
                let parallel = try ParallelLoad(restorer: self, source: source, entries: entries, main: (conn, sink, emitter),
                                                created: created, jobs: options.jobs)
                try parallel.run(auditor: auditor, ticker: ticker, readAhead: readAhead)
                sinks += parallel.workerSinks
                auditors += parallel.workerAuditors
            } else {
                try readAhead.run(source, into: TeeVisitor([auditor, emitter, ticker]), poll: Interrupt.check)
            }
            let plan = emitter.plan
            restoredData = Set(plan.entries.indices.filter { plan.expectsData($0) }.map { plan.entries[$0].dumpId })
            try applyDatabaseEntries(entries, sink: sink)
        } else if let plainRewrite {
            let loader = PlainLoader(sink: sink, serverMajor: conn.serverVersion / 10000, selection: options.selection,
                                     fkNotValid: options.bulkLoad.contains(.fkNotValid), scratchDatabase: options.scratchName,
                                     log: log, rewrite: plainRewrite)
            loader.aroundDatabaseLevel = { [unowned self] before in try self.databaseLevelEntry(conn, before: before) }
            try readAhead.run(source, into: TeeVisitor([auditor, loader, ticker]), poll: Interrupt.check)
            restoredData = loader.restoredData
        }
        report.entriesRun = sinks.map(\.entriesRun).reduce(0, +)
        report.ranAsLogin = sinks.flatMap(\.ranAsLogin)
        report.ignoredErrors = sinks.flatMap(\.ignored)
        report.largeObjects = sinks.map(\.largeObjects).reduce(0, +)
        predefinedOwners = sinks.reduce(into: Set<String>()) { $0.formUnion($1.predefinedOwners) }
        report.binaryCopyTables = sinks.map(\.binaryTables).reduce(0, +)
        report.dataBytes = auditors.map(\.dataBytes).reduce(0, +)
        dumpTables = auditors.flatMap(\.tables)
        dumpLargeObjects = auditors.map(\.largeObjects).reduce(0, +)
        for s in sinks { loadedRows.merge(s.copiedRows) { a, _ in a } }
        for w in source.warnings { log("warning: \(w)") }
        if !report.ranAsLogin.isEmpty { log("ran as the login \(login): \(report.ranAsLogin.joined(separator: "; "))") }
        for i in report.ignoredErrors { log("ignored error \(i.sqlState) in \(i.entry): \(i.message)") }
    }

    /// What every entry goes through on its way to the server, whatever the input: the version
    /// bridge for the server's major (each change logged, each known rejection warned) and, with
    /// the fk-not-valid lever, foreign keys added NOT VALID and validated apart. The archive path
    /// passes its whole TOC, the plain path each pseudo-entry (PlainLoader); an entry the bridge
    /// leaves out is not returned. Each entry is lexed by its own `lexState` (an archive's
    /// entries all carry the archive's).
    static func forServer(_ entries: [TOCEntry], serverMajor: Int, fkNotValid: Bool, log: (String) -> Void) throws -> [TOCEntry] {
        let bridge = VersionBridge(targetMajor: serverMajor)
        let converted = try bridge.convertSQL(entries, standardConformingStrings: entries.standardConformingStrings)
        var entries = converted.entries
        for c in converted.changes { log("version bridge to PostgreSQL \(bridge.targetMajor): \(c)") }
        for r in converted.rejections { log("warning: PostgreSQL \(bridge.targetMajor) is known to reject \(r)") }
        if fkNotValid {
            for i in entries.indices where entries[i].desc == "FK CONSTRAINT" {
                if let d = entries[i].defn { entries[i].defn = BulkLoad.validateForeignKeySeparately(d) }
            }
        }
        return entries
    }

    /// The dump's database-level entries (ALTER DATABASE … SET, database grants and comment),
    /// applied to the scratch database under its own name so they survive the swap.
    func applyDatabaseEntries(_ entries: [TOCEntry], sink: ConnectionSink) throws {
        guard let dbEntry = entries.first(where: { $0.desc == "DATABASE" }), let original = dbEntry.tag else { return }
        try applyingDatabaseEntries(sink.connection) { try applyDatabaseEntries(entries, original: original, sink: sink) }
    }

    private func applyDatabaseEntries(_ entries: [TOCEntry], original: [UInt8], sink: ConnectionSink) throws {
        for e in entries where RestorePlan.isDatabaseLevel(e) {
            guard options.selection.includesDatabaseEntry(e) else { continue }
            guard let defn = e.defn, !defn.isEmpty else { continue }
            let sql = try Self.renameDatabase(in: defn, from: original, to: Array(options.scratchName.utf8),
                                              state: e.lexState(standardConformingStrings: entries.standardConformingStrings))
            try sink.beginEntry(e)
            try sink.command(sql)
        }
    }

    /// Replace the database name after `DATABASE` (ALTER DATABASE x, ON DATABASE x, IN DATABASE x).
    public static func renameDatabase(in sql: [UInt8], from old: [UInt8], to new: [UInt8],
                                      state: SQLLexState = SQLLexState()) throws -> [UInt8] {
        var out: [UInt8] = []
        for s in try SQLStatement.split(sql, state: state) {
            guard s.kind == .statement else { out += s.bytes; continue }
            let sig = s.significantTokens
            var pos = 0
            for (i, t) in sig.enumerated() where i > 0 && s.isKeyword(sig[i - 1], "DATABASE") {
                guard SQLLexer.identifierName(s.bytes, t) == old else { continue }
                out += s.bytes[pos..<t.start]
                out += Identifier.quote(new)
                pos = t.end
            }
            out += s.bytes[pos...]
        }
        return out
    }

}

func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Calls `tick` as data streams (the restorer throttles it).
final class ProgressTicker: DumpVisitor {
    private let tick: () -> Void
    init(_ tick: @escaping () -> Void) { self.tick = tick }
    func beginData(_ entry: TOCEntry) throws { tick() }
    func data(_ bytes: UnsafeRawBufferPointer) throws { tick() }
}
