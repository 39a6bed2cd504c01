import DumpFormat
import Masking
import Ownership

/// The SQL emitter's live sink: executes what pg_restore would execute with `-d`, as the owner
/// role R (`SET ROLE R`) so every object is born owned by R, except the entries `runsAsLogin`
/// names, which run as the login itself. COPY data streams through `PQputCopyData` unparsed;
/// large objects are written with `lo_open`/`lo_write` as pg_restore does against a database.
///
/// The first SQL error stops the load (a `ServerError` naming the TOC entry and statement),
/// unless its SQLSTATE is in `ignoredStates`: then it is recorded in `ignored` and the load goes on.
public final class ConnectionSink: SQLSink {
    public struct Ignored: Sendable, Codable {
        public var entry: String
        public var sqlState: String
        public var message: String
    }

    public let connection: Connection
    /// `SET ROLE R;`
    private let setOwnerRole: [UInt8]
    private let runsAsLogin: (TOCEntry) -> Bool
    public let ignoredStates: Set<String>
    public private(set) var ignored: [Ignored] = []
    /// Rows the server reports per table data entry, by dumpId: a COPY's, or the sum of the
    /// INSERTs' of `--inserts` data.
    public private(set) var copiedRows: [Int: Int64] = [:]
    /// Entries run as the login, by label (for the log).
    public private(set) var ranAsLogin: [String] = []
    public private(set) var largeObjects = 0
    public private(set) var entriesRun = 0
    /// Predefined roles the entries run name as their owner (they keep it: the map never sends
    /// a predefined role elsewhere), for the owners check.
    public private(set) var predefinedOwners: Set<String> = []
    /// The entry being run (nil: the prelude or the trailer).
    public private(set) var current: TOCEntry?
    /// Called before each entry (progress).
    public var onEntry: ((TOCEntry) -> Void)?

    private enum RoleState { case owner, login, unknown }
    /// The role the login's session is in (the load role's session never switches).
    private var role = RoleState.login
    private let owner: [UInt8]

    // MARK: The load role (least privilege)

    /// Where the load runs as a role made for the run (`LoadRole`): until the hand-over, every
    /// entry the owner role would run runs in `connection`, a session of that role, which stands
    /// in for R: it owns what it creates, `ALTER … OWNER TO R` names it instead (in the login's
    /// session too), and an owner change to another role is deferred to the hand-over, whose
    /// `REASSIGN OWNED` gives R what the load role owns; the entries the entry policy gives to
    /// the login run in a session of the login's (`openLoginSession`); grants are kept
    /// (`deferredGrants`). After `handOver()` everything runs in the login's session, as without a
    /// load role, the kept grants first (`runDeferredGrants`).
    public struct StandIn {
        public var loadRole: [UInt8]
        public var openLoginSession: () throws -> Connection
        public init(loadRole: String, openLoginSession: @escaping () throws -> Connection) {
            self.loadRole = Array(loadRole.utf8)
            self.openLoginSession = openLoginSession
        }
    }
    public var standIn: StandIn?
    /// Owner changes to roles other than R met in the load role's session, in order, with the
    /// entry they belong to: run by the hand-over (as R), once R owns what the load role made.
    public private(set) var deferredOwnerChanges: [(entry: String, sql: [UInt8])] = []
    /// The session commands runs execute (the executing connection: the load role's or the login's).
    private var active: Connection
    private var loginSession: Connection?
    /// Session settings sent to the load role's session, for the login's session to catch up on.
    private var sessionSettings: [[UInt8]] = []
    private var loginSettingsSent = 0

    /// The login's session, opened on first use, with the settings the load's session has.
    private func loginConnection() throws -> Connection {
        let c: Connection
        if let loginSession { c = loginSession } else {
            guard let standIn else { return connection }
            c = try standIn.openLoginSession()
            loginSession = c
        }
        while loginSettingsSent < sessionSettings.count {
            try c.execute(sessionSettings[loginSettingsSent])
            loginSettingsSent += 1
        }
        return c
    }

    /// From now on every entry runs in the login's session (the load role's work is R's now),
    /// opened when the next entry begins.
    public func handOver() {
        guard standIn != nil else { return }
        handedOver = true
        role = .unknown
    }
    public private(set) var handedOver = false
    /// Whether the load role stands in for R now.
    var standingIn: Bool { standIn != nil && !handedOver }

    /// Close the login's session (the load role's is the caller's `connection`).
    public func closeLoginSession() {
        loginSession?.close()
        loginSession = nil
    }

    /// A statement that sets a session setting (`SET x …`, `SELECT pg_catalog.set_config(…)`),
    /// which the login's session must share; role and authorization switches are not settings.
    static func isSessionSetting(_ s: SQLStatement) -> Bool {
        let t = s.significantTokens
        guard t.count >= 2 else { return false }
        if s.isKeyword(t[0], "set") {
            return !(s.isKeyword(t[1], "role") || s.isKeyword(t[1], "session") || s.isKeyword(t[1], "constraints")
                     || s.isKeyword(t[1], "transaction") || s.isKeyword(t[1], "local"))
        }
        return s.isKeyword(t[0], "select") && t.count >= 4 && s.isKeyword(t[1], "pg_catalog") && s.isKeyword(t[3], "set_config")
    }

    /// Grant entries met while the load role stands in, with their statements: run, as without a
    /// load role, by `runDeferredGrants` after the hand-over.
    public private(set) var deferredGrants: [(entry: TOCEntry, statements: [[UInt8]])] = []

    /// The grants kept for after the hand-over, in the order the dump gave them, in the login's
    /// session (as the owner role, or as the grantor they name).
    public func runDeferredGrants() throws {
        let grants = deferredGrants
        deferredGrants = []
        for g in grants {
            current = g.entry
            try switchRole(for: g.entry)
            for sql in g.statements { try run(sql) }
            if g.statements.contains(where: { $0.firstRange(of: Array("ROLE".utf8)) != nil || $0.firstRange(of: Array("AUTHORIZATION".utf8)) != nil }) {
                role = .unknown
            }
        }
    }

    /// `ALTER … OWNER TO role[;]`: the token naming the role, and the name it gives.
    static func ownerChange(_ s: SQLStatement) -> (token: SQLToken, role: [UInt8])? {
        var t = s.significantTokens
        if t.last?.kind == .semicolon { t.removeLast() }
        guard t.count >= 4, s.isKeyword(t[0], "alter"), s.isKeyword(t[t.count - 3], "owner"), s.isKeyword(t[t.count - 2], "to"),
              let name = s.bytes.withUnsafeBytes({ SQLLexer.identifierName($0, t[t.count - 1]) }) else { return nil }
        return (t[t.count - 1], name)
    }

    /// One statement on its way to the server while a load role stands in for R: what to run
    /// in the active session, nil when nothing is left to run there. A session setting goes to
    /// the load role's session and, when it is open, the login's (both keep the dump's settings).
    private func standInStatement(_ s: SQLStatement) throws -> [UInt8]? {
        guard let standIn, !handedOver else { return s.bytes }
        if Self.isSessionSetting(s) {
            sessionSettings.append(s.bytes)
            if active !== connection {
                do { try connection.execute(s.bytes) } catch let e as ServerError { try handle(e, s.bytes) }
                _ = try loginConnection()
                return nil
            }
            return s.bytes
        }
        if let entry = current, RestorePlan.grantTypes.contains(entry.desc), !runsAsLogin(entry), !deferredGrants.isEmpty {
            deferredGrants[deferredGrants.count - 1].statements.append(s.bytes)
            return nil
        }
        guard let change = Self.ownerChange(s), change.role != standIn.loadRole else { return s.bytes }
        if change.role != owner {
            // In the login's session as it is (a predefined owner, what only the login may own).
            guard active === connection else { return s.bytes }
            deferredOwnerChanges.append((current?.label ?? "the session prelude", s.bytes))
            return nil
        }
        // To the load role, which hands everything it owns to R: a no-op for what it created, and
        // what it did not (the public schema, owned by pg_database_owner) becomes its first.
        return Array(s.bytes[..<change.token.start]) + Identifier.quote(standIn.loadRole) + Array(s.bytes[change.token.end...])
    }
    private var inCopy = false
    private var loFD: Int32 = -1

    public init(connection: Connection, owner: String, ignoredStates: Set<String> = [],
                runsAsLogin: @escaping (TOCEntry) -> Bool) {
        self.connection = connection
        self.active = connection
        self.owner = Array(owner.utf8)
        self.setOwnerRole = Array("SET ROLE ".utf8) + Identifier.quote(Array(owner.utf8)) + [0x3b]
        self.ignoredStates = ignoredStates
        self.runsAsLogin = runsAsLogin
    }

    public func beginEntry(_ entry: TOCEntry?) throws {
        try Interrupt.check()
        current = entry
        guard let entry else { return }
        entriesRun += 1
        onEntry?(entry)
        if let o = entry.owner, EntryPolicy.isPredefinedRole(o) { predefinedOwners.insert(text(o)) }
        try switchRole(for: entry)
    }

    /// The session and role entry `entry` runs in.
    private func switchRole(for entry: TOCEntry) throws {
        if handedOver { active = try loginConnection() }
        if standingIn {
            if runsAsLogin(entry) {
                ranAsLogin.append(entry.label)
                active = try loginConnection()
                if role != .login { try run(Array("RESET ROLE;".utf8)); role = .login }
            } else if RestorePlan.grantTypes.contains(entry.desc) {
                // Grants run no code, and must meet their objects with their final owners (a
                // dump revokes an owner's own privileges): kept for after the hand-over.
                deferredGrants.append((entry, []))
            } else {
                active = connection
            }
            return
        }
        if runsAsLogin(entry) {
            ranAsLogin.append(entry.label)
            if role != .login { try run(Array("RESET ROLE;".utf8)); role = .login }
        } else if role != .owner {
            try run(setOwnerRole)
            role = .owner
        }
    }

    public func scriptText(_ bytes: [UInt8]) throws {}

    /// How the next command is lexed: `SET standard_conforming_strings` and `SET client_encoding`
    /// switch it, as they switch the session.
    public private(set) var lexState = SQLLexState()
    public var standardConformingStrings: Bool { lexState.standardConformingStrings }

    /// Each statement runs on its own, as psql runs a script: an error names the very statement,
    /// and an ignored error skips only that statement (one multi-statement query would roll back
    /// the whole text).
    public func command(_ bytes: [UInt8]) throws {
        let items = try SQLStatement.split(bytes, name: current?.label ?? "the session prelude", following: &lexState)
        for item in items where item.kind == .statement {
            if let sql = try standInStatement(item) { try run(sql) }
        }
        // ACL entries switch roles themselves (SET ROLE owner … RESET ROLE, grantor blocks).
        if active !== connection || !standingIn,
           bytes.firstRange(of: Array("ROLE".utf8)) != nil || bytes.firstRange(of: Array("AUTHORIZATION".utf8)) != nil {
            role = .unknown
        }
        if bytes.firstRange(of: Array("client_encoding".utf8)) != nil { sameEncoding = nil }
    }

    /// Load each table's data in one transaction that first truncates it (pg_restore's parallel
    /// mode does the same): the table is new, so nothing is lost, and under `wal_level = minimal`
    /// the COPY then writes no WAL.
    public var truncateBeforeCopy = false
    private var inCopyTransaction = false

    /// The data policy's stage (`--policy`, Masking/CopyRowStage.swift): every COPY's rows pass
    /// through it before they are sent (and transcoded); a table whose data it leaves out gets no COPY.
    public var dataStage: CopyRowStage?
    private var staging = false
    private var leavingOut = false

    public func beginCopy(_ statement: [UInt8], entry: TOCEntry) throws {
        staging = false
        leavingOut = false
        if let dataStage {
            switch try dataStage.begin(entry, statement: statement) {
            case .passThrough: break
            case .transform: staging = true
            case .leaveOut: leavingOut = true; return
            }
        }
        var statement = statement
        do {
            if truncateBeforeCopy && entry.desc == "TABLE DATA" && !entry.loadsViaPartitionRoot,
               let target = Self.copyTarget(statement) {
                // Asked before BEGIN: a describe that fails must not abort the load's transaction.
                let columns = binaryCopy ? binaryColumns(statement, target: target) : nil
                try active.execute(Array("BEGIN".utf8))
                inCopyTransaction = true
                try active.execute(Array("TRUNCATE TABLE ONLY ".utf8) + target)
                let binary = Self.withOptions(statement, "FORMAT binary, FREEZE")
                statement = Self.withOptions(statement, "FREEZE")
                if let columns, binary != statement {
                    try active.beginCopy(binary)
                    transcoder = transcoder(columns, textStatement: statement, entry: entry)
                    rowsBeforeHandOver = 0
                    inCopy = true
                    return
                }
            }
            try active.beginCopy(statement)
            inCopy = true
        } catch let e as ServerError {
            try endCopyTransaction(commit: false)
            try handle(e, statement)
        }
    }

    private func endCopyTransaction(commit: Bool) throws {
        guard inCopyTransaction else { return }
        inCopyTransaction = false
        if commit {
            try active.execute(Array("COMMIT".utf8))
        } else {
            _ = try? active.execute(Array("ROLLBACK".utf8))
        }
    }

    public func copyData(_ bytes: UnsafeRawBufferPointer) throws {
        try Interrupt.check()
        guard inCopy else { return }
        if staging, let dataStage {
            try dataStage.feed(bytes) { try sendCopyData($0) }
            return
        }
        try sendCopyData(bytes)
    }

    private func sendCopyData(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            if let transcoder { try transcoder.feed(bytes) } else { try active.putCopyData(bytes) }
        } catch is CopyAbandoned {
            return
        } catch let e as ServerError {
            throw attributed(e, nil)
        }
    }

    public func endCopy(_ entry: TOCEntry) throws {
        if leavingOut { leavingOut = false; return }
        guard inCopy else { return }
        if staging, let dataStage {
            staging = false
            try dataStage.end { try sendCopyData($0) }
        }
        do {
            try transcoder?.finish()
            inCopy = false
            transcoder = nil
            copiedRows[entry.dumpId] = rowsBeforeHandOver + (try active.endCopy())
            try endCopyTransaction(commit: true)
        } catch is CopyAbandoned {
            return
        } catch let e as ServerError {
            inCopy = false
            transcoder = nil
            try endCopyTransaction(commit: false)
            try handle(e, entry.copyStmt ?? [])
        }
    }

    // MARK: INSERT data

    /// The input's name, for errors in INSERT data.
    public var inputName = "the dump"
    private var insertData: InsertDataSplitter?
    private var insertedRows: Int64 = 0

    /// `--inserts` data: each INSERT runs on its own as it is complete (a statement cut by a chunk
    /// boundary waits for the rest), as the role the entry runs as; the rows come from the
    /// server's command tags. Anything but an INSERT … VALUES is refused (the entry's label and
    /// the statement in the error).
    public func beginSQLData(_ entry: TOCEntry) throws {
        if let dataStage, try dataStage.beginInserts(entry) == .leaveOut { insertData = nil; return }
        insertData = InsertDataSplitter(entry: entry, fileName: inputName, standardConformingStrings: standardConformingStrings)
        insertedRows = 0
    }

    public func sqlData(_ bytes: UnsafeRawBufferPointer) throws {
        try Interrupt.check()
        guard let insertData else { return }
        try insertData.feed(bytes) { statement, _ in try runInsert(statement) }
    }

    public func endSQLData(_ entry: TOCEntry) throws {
        guard let insertData else { return }
        self.insertData = nil
        try insertData.finish { statement, _ in try runInsert(statement) }
        copiedRows[entry.dumpId, default: 0] += insertedRows
    }

    private func runInsert(_ statement: SQLStatementView) throws {
        let sql = Array(statement.bytes)
        do {
            insertedRows += try active.execute(sql) ?? 0
        } catch let e as ServerError {
            try handle(e, sql)
        }
    }

    // MARK: Binary COPY

    /// Send table data in COPY's binary format where the client converts it exactly
    /// (`BinaryCopy`). Only with `truncateBeforeCopy`: its transaction lets the text COPY that
    /// takes over at a row the client does not convert load the rest, still with FREEZE.
    public var binaryCopy = false
    /// Told when a table's data went partly as text (for the log).
    public var onNote: ((String) -> Void)?
    /// Tables whose data started binary.
    public private(set) var binaryTables = 0
    private var transcoder: BinaryCopyTranscoder?
    /// Rows the binary COPY loaded before the text COPY took over.
    private var rowsBeforeHandOver: Int64 = 0
    /// Whether the client and server encodings agree (nil: not asked since the last
    /// `SET client_encoding`). Text COPY converts whole lines; a binary field is converted on its
    /// own, so binary is used only where no conversion happens.
    private var sameEncoding: Bool?

    /// A COPY whose error was ignored (`ignoredStates`): its data is dropped.
    private struct CopyAbandoned: Error {}

    /// The column codecs of the COPY's column list, or nil when the table's data goes as text
    /// (a type without a codec, no column list, other encodings, or the describe failed: the
    /// text COPY then reports what is wrong).
    func binaryColumns(_ statement: [UInt8], target: [UInt8]) -> [BinaryCopy.Column]? {
        guard let list = Self.copyColumnList(statement) else { return nil }
        if sameEncoding == nil {
            sameEncoding = (try? active.query("SELECT pg_catalog.current_setting('client_encoding') OPERATOR(pg_catalog.=) pg_catalog.current_setting('server_encoding')"))?
                .first?.first == "t"
        }
        guard sameEncoding == true,
              let types = try? active.resultTypes(Array("SELECT ".utf8) + list + Array(" FROM ".utf8) + target + Array(" LIMIT 0".utf8))
        else { return nil }
        // An enum's receive function reads the label's text, as its input function does.
        let others = Set(types.filter { BinaryCopy.Column(typeOID: $0) == nil })
        var enums: Set<UInt32> = []
        if !others.isEmpty {
            let list = "{" + others.map(String.init).joined(separator: ",") + "}"
            guard let rows = try? active.query("SELECT oid::pg_catalog.text FROM pg_catalog.pg_type WHERE typtype OPERATOR(pg_catalog.=) 'e' AND oid OPERATOR(pg_catalog.=) ANY($1::pg_catalog.oid[])", [list])
            else { return nil }
            enums = Set(rows.compactMap { $0.first.flatMap { $0 }.flatMap { UInt32($0) } })
        }
        let columns = types.compactMap { BinaryCopy.Column(typeOID: $0) ?? (enums.contains($0) ? .text : nil) }
        guard !columns.isEmpty, columns.count == types.count else { return nil }
        return columns
    }

    private func transcoder(_ columns: [BinaryCopy.Column], textStatement: [UInt8], entry: TOCEntry) -> BinaryCopyTranscoder {
        binaryTables += 1
        let connection = active
        return BinaryCopyTranscoder(
            columns: columns,
            sendBinary: { try connection.putCopyData($0) },
            switchToText: { [unowned self] in
                do {
                    rowsBeforeHandOver = try connection.endCopy()
                    try connection.beginCopy(textStatement)
                } catch let e as ServerError {
                    inCopy = false
                    transcoder = nil
                    try endCopyTransaction(commit: false)
                    try handle(e, textStatement)
                    throw CopyAbandoned()
                }
                if let at = transcoder?.handedOverAt {
                    onNote?("\(entry.label): row \(at) is not in the text form pg_dump writes; from there on the table's data goes as text COPY")
                }
            },
            sendText: { try connection.putCopyData($0) })
    }

    public func beginLargeObjects() throws { try run(Array("BEGIN;".utf8)) }
    public func endLargeObjects() throws { try run(Array("COMMIT;".utf8)) }

    public func beginLargeObject(oid: UInt32) throws {
        do { loFD = try active.openLargeObjectForWriting(oid) } catch let e as ServerError { throw attributed(e, nil) }
    }

    public func largeObjectData(_ bytes: UnsafeRawBufferPointer) throws {
        do { try active.writeLargeObject(loFD, bytes) } catch let e as ServerError { throw attributed(e, nil) }
    }

    public func endLargeObject(oid: UInt32) throws {
        do { try active.closeLargeObject(loFD) } catch let e as ServerError { throw attributed(e, nil) }
        loFD = -1
        largeObjects += 1
    }

    /// Execute, stopping on an error that is not ignored.
    private func run(_ sql: [UInt8]) throws {
        do { try active.execute(sql) } catch let e as ServerError { try handle(e, sql) }
    }

    private func handle(_ e: ServerError, _ sql: [UInt8]) throws {
        if !e.connectionLost, let state = e.sqlState, ignoredStates.contains(state) {
            ignored.append(Ignored(entry: current?.label ?? "prelude", sqlState: state, message: e.message))
            return
        }
        throw attributed(e, sql)
    }

    private func attributed(_ e: ServerError, _ sql: [UInt8]?) -> ServerError {
        var e = e
        e.entry = current?.label ?? "the session prelude"
        if let sql { e.statement = shown(sql.drop { $0 == 0x0a || $0 == 0x20 }, limit: 200) }
        return e
    }

    /// The table of `COPY [schema.]table [(columns)] FROM stdin`, exactly as the statement names
    /// it (a plain script's headers hold names sanitized, with line breaks as spaces: never
    /// build the name from them). Nil when the statement is not of that shape.
    static func copyTarget(_ statement: [UInt8]) -> [UInt8]? {
        let tokens = SQLLexer.tokenize(statement).filter { !$0.kind.isTrivia }
        guard let first = tokens.first, SQLLexer.isKeyword(statement, first, "COPY") else { return nil }
        var target: [UInt8] = []
        var expectName = true
        for t in tokens.dropFirst() {
            if expectName {
                guard t.kind == .identifier || t.kind == .quotedIdentifier else { return nil }
                target += statement[t.start..<t.end]
            } else if t.kind == .punctuation && statement[t.start] == 0x2e {
                target.append(0x2e)
            } else if (t.kind == .punctuation && statement[t.start] == 0x28) || SQLLexer.isKeyword(statement, t, "FROM") {
                return target
            } else {
                return nil
            }
            expectName.toggle()
        }
        return nil
    }

    /// The column list of `COPY table (columns) FROM stdin`, inside its parentheses: names and
    /// commas only, exactly as the statement has them; nil when there is none or it holds
    /// anything else.
    static func copyColumnList(_ statement: [UInt8]) -> [UInt8]? {
        let tokens = SQLLexer.tokenize(statement).filter { !$0.kind.isTrivia }
        // The first parenthesis, right after the table's name (an option list comes after FROM).
        guard let open = tokens.firstIndex(where: { $0.kind == .punctuation && statement[$0.start] == 0x28 }), open >= 2,
              !tokens[..<open].contains(where: { SQLLexer.isKeyword(statement, $0, "FROM") }) else { return nil }
        var expectName = true
        for (k, t) in tokens.enumerated().dropFirst(open + 1) {
            if expectName {
                guard t.kind == .identifier || t.kind == .quotedIdentifier else { return nil }
            } else if t.kind == .punctuation && statement[t.start] == 0x29 {
                guard k + 1 < tokens.count, SQLLexer.isKeyword(statement, tokens[k + 1], "FROM") else { return nil }
                return Array(statement[tokens[open].end..<t.start])
            } else if !(t.kind == .punctuation && statement[t.start] == 0x2c) {
                return nil
            }
            expectName.toggle()
        }
        return nil
    }

    /// `COPY … FROM stdin;` → `COPY … FROM stdin WITH (options);`. With FREEZE, legal right after
    /// the TRUNCATE in the same transaction: rows go in frozen and all-visible, so the index
    /// builds and foreign key checks that read the table next do not write every page again to
    /// set hint bits. A statement of another shape, or one that has options, is returned unchanged.
    static func withOptions(_ statement: [UInt8], _ options: String) -> [UInt8] {
        guard let items = try? SQLStatement.split(statement),
              let s = items.first(where: { $0.kind == .statement }), items.filter({ $0.kind == .statement }).count == 1 else { return statement }
        let t = s.significantTokens
        guard t.count >= 4, s.isKeyword(t[0], "copy"), let semi = t.last, semi.kind == .semicolon,
              s.isKeyword(t[t.count - 2], "stdin"), s.isKeyword(t[t.count - 3], "from") else { return statement }
        let at = Int(s.offset) + semi.start
        guard at >= 0, at <= statement.count else { return statement }
        return Array(statement[..<at]) + Array(" WITH (\(options))".utf8) + Array(statement[at...])
    }
}
