import DumpFormat
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
    /// Rows the server reports per COPY, by dumpId.
    public private(set) var copiedRows: [Int: Int64] = [:]
    /// Entries run as the login, by label (for the log).
    public private(set) var ranAsLogin: [String] = []
    public private(set) var largeObjects = 0
    public private(set) var entriesRun = 0
    /// The entry being run (nil: the prelude or the trailer).
    public private(set) var current: TOCEntry?
    /// Called before each entry (progress).
    public var onEntry: ((TOCEntry) -> Void)?

    private enum RoleState { case owner, login, unknown }
    private var role = RoleState.login
    private var inCopy = false
    private var loFD: Int32 = -1

    public init(connection: Connection, owner: String, ignoredStates: Set<String> = [],
                runsAsLogin: @escaping (TOCEntry) -> Bool) {
        self.connection = connection
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
        if runsAsLogin(entry) {
            ranAsLogin.append(entry.label)
            if role != .login { try run(Array("RESET ROLE;".utf8)); role = .login }
        } else if role != .owner {
            try run(setOwnerRole)
            role = .owner
        }
    }

    public func scriptText(_ bytes: [UInt8]) throws {}

    /// The string rules the next command is lexed with (`SET standard_conforming_strings` switches them).
    public private(set) var standardConformingStrings = true

    /// Each statement runs on its own, as psql runs a script: an error names the very statement,
    /// and an ignored error skips only that statement (one multi-statement query would roll back
    /// the whole text).
    public func command(_ bytes: [UInt8]) throws {
        let items = try SQLStatement.split(bytes, name: current?.label ?? "the session prelude",
                                           standardConformingStrings: standardConformingStrings)
        for item in items where item.kind == .statement {
            try run(item.bytes)
            if let on = Self.setsStandardStrings(item) { standardConformingStrings = on }
        }
        // ACL entries switch roles themselves (SET ROLE owner … RESET ROLE, grantor blocks).
        if bytes.firstRange(of: Array("ROLE".utf8)) != nil || bytes.firstRange(of: Array("AUTHORIZATION".utf8)) != nil {
            role = .unknown
        }
    }

    /// Load each table's data in one transaction that first truncates it (pg_restore's parallel
    /// mode does the same): the table is new, so nothing is lost, and under `wal_level = minimal`
    /// the COPY then writes no WAL.
    public var truncateBeforeCopy = false
    private var inCopyTransaction = false

    public func beginCopy(_ statement: [UInt8], entry: TOCEntry) throws {
        var statement = statement
        do {
            if truncateBeforeCopy && entry.desc == "TABLE DATA" && !entry.loadsViaPartitionRoot,
               let target = Self.copyTarget(statement) {
                try connection.execute(Array("BEGIN".utf8))
                inCopyTransaction = true
                try connection.execute(Array("TRUNCATE TABLE ONLY ".utf8) + target)
                statement = Self.freezing(statement)
            }
            try connection.beginCopy(statement)
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
            try connection.execute(Array("COMMIT".utf8))
        } else {
            _ = try? connection.execute(Array("ROLLBACK".utf8))
        }
    }

    public func copyData(_ bytes: UnsafeRawBufferPointer) throws {
        try Interrupt.check()
        guard inCopy else { return }
        do { try connection.putCopyData(bytes) } catch let e as ServerError { throw attributed(e, nil) }
    }

    public func endCopy(_ entry: TOCEntry) throws {
        guard inCopy else { return }
        inCopy = false
        do {
            copiedRows[entry.dumpId] = try connection.endCopy()
            try endCopyTransaction(commit: true)
        } catch let e as ServerError {
            try endCopyTransaction(commit: false)
            try handle(e, entry.copyStmt ?? [])
        }
    }

    public func beginLargeObjects() throws { try run(Array("BEGIN;".utf8)) }
    public func endLargeObjects() throws { try run(Array("COMMIT;".utf8)) }

    public func beginLargeObject(oid: UInt32) throws {
        do { loFD = try connection.openLargeObjectForWriting(oid) } catch let e as ServerError { throw attributed(e, nil) }
    }

    public func largeObjectData(_ bytes: UnsafeRawBufferPointer) throws {
        do { try connection.writeLargeObject(loFD, bytes) } catch let e as ServerError { throw attributed(e, nil) }
    }

    public func endLargeObject(oid: UInt32) throws {
        do { try connection.closeLargeObject(loFD) } catch let e as ServerError { throw attributed(e, nil) }
        loFD = -1
        largeObjects += 1
    }

    /// Execute, stopping on an error that is not ignored.
    private func run(_ sql: [UInt8]) throws {
        do { try connection.execute(sql) } catch let e as ServerError { try handle(e, sql) }
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

    /// `SET standard_conforming_strings = on|off` → its value.
    static func setsStandardStrings(_ s: SQLStatement) -> Bool? {
        let t = s.significantTokens
        guard t.count >= 4, s.isKeyword(t[0], "set"), s.isKeyword(t[1], "standard_conforming_strings") else { return nil }
        if s.isKeyword(t[3], "off") || s.text(t[3]) == Array("'off'".utf8) { return false }
        return true
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

    /// `COPY … FROM stdin;` → `COPY … FROM stdin WITH (FREEZE);` (legal right after the TRUNCATE in
    /// the same transaction): rows go in frozen and all-visible, so the index builds and foreign
    /// key checks that read the table next do not write every page again to set hint bits.
    /// A statement of another shape is returned unchanged.
    static func freezing(_ statement: [UInt8]) -> [UInt8] {
        guard let items = try? SQLStatement.split(statement),
              let s = items.first(where: { $0.kind == .statement }), items.filter({ $0.kind == .statement }).count == 1 else { return statement }
        let t = s.significantTokens
        guard t.count >= 4, s.isKeyword(t[0], "copy"), let semi = t.last, semi.kind == .semicolon,
              s.isKeyword(t[t.count - 2], "stdin"), s.isKeyword(t[t.count - 3], "from") else { return statement }
        let at = Int(s.offset) + semi.start
        guard at >= 0, at <= statement.count else { return statement }
        return Array(statement[..<at]) + Array(" WITH (FREEZE)".utf8) + Array(statement[at...])
    }
}
