import DumpFormat
import Ownership

/// Loads a plain SQL script through a connection sink: each pseudo-entry (PlainReader) is
/// rewritten by `rewrite`, filtered by the selection, converted for the server as an archive's
/// entries are (`Restorer.forServer`: the version bridge, fk-not-valid), stripped of what only
/// psql understands (`\restrict`/`\unrestrict`, a `\connect` to the dump's own database; any
/// other meta-command stops the load) and of settings the server does not know, then executed;
/// COPY data and large objects stream as from an archive. Each pseudo-entry is lexed with the
/// `standard_conforming_strings` and `client_encoding` the script has set where it starts.
///
/// A script made with `pg_dump --create`: of its DATABASE entry only what follows the `\connect`
/// runs (the SET block pg_dump repeats for the new session); its `CREATE DATABASE` and `ALTER
/// DATABASE … OWNER TO` are not run — the scratch database exists, owned by the owner role, and
/// the session is already in it. The database-level entries
/// (`RestorePlan.isDatabaseLevel`: `ALTER DATABASE … SET`, its comment, grants, security labels)
/// run against the scratch database under its own name, as the archive path applies them.
public final class PlainLoader: DumpVisitor {
    private let sink: SQLSink
    private let serverMajor: Int
    private let selection: RestorePlan.Selection
    private let rewrite: (TOCEntry) throws -> TOCEntry
    private let fkNotValid: Bool
    private let scratchDatabase: [UInt8]
    private let log: (String) -> Void
    /// The dump's database (the tag of a `--create` script's DATABASE entry).
    private var dumpDatabase: [UInt8]?
    private var copying: TOCEntry?
    private var skipping = false
    /// dumpIds whose COPY was run.
    public private(set) var restoredData: Set<Int> = []
    /// `pg_dump --clean` statements skipped (VocabularyGuard.isCleanStatement).
    public private(set) var cleanStatements = 0
    /// Called before (true) and after (false) a database-level entry runs (the restorer's check
    /// of the scratch database's own properties, Restorer+OutsideWorld.swift).
    public var aroundDatabaseLevel: ((_ before: Bool) throws -> Void)?

    public init(sink: SQLSink, serverMajor: Int, selection: RestorePlan.Selection, fkNotValid: Bool = false,
                scratchDatabase: String = "", log: @escaping (String) -> Void = { _ in },
                rewrite: @escaping (TOCEntry) throws -> TOCEntry) {
        self.sink = sink
        self.serverMajor = serverMajor
        self.selection = selection
        self.fkNotValid = fkNotValid
        self.scratchDatabase = Array(scratchDatabase.utf8)
        self.log = log
        self.rewrite = rewrite
    }

    func selected(_ e: TOCEntry) -> Bool {
        e.dumpId == 0 || selection.keeps(e, section: e.section)
    }

    public func entry(_ original: TOCEntry) throws {
        if original.desc == "DATABASE" { dumpDatabase = original.tag }
        skipping = !selected(original)
        guard !skipping else { return }
        // The same conversions as an archive's entries; an entry the bridge leaves out runs
        // nothing (its data, if any, is skipped with it).
        guard let e = try Restorer.forServer([try rewrite(original)], serverMajor: serverMajor,
                                              fkNotValid: fkNotValid, log: log).first else {
            skipping = true
            return
        }
        let databaseLevel = RestorePlan.isDatabaseLevel(e)
        if databaseLevel { try aroundDatabaseLevel?(true) }
        try sink.beginEntry(e.dumpId == 0 ? nil : e)
        let lex = e.lexState(standardConformingStrings: true)
        var sql: [UInt8] = []
        var hasStatement = false
        // INSERT data (`--inserts`): its INSERTs go as table data (rows counted from the server's
        // command tags), the context SETs after them as commands, in script order.
        let insertData = e.isInsertData
        var inData = false
        var began = false
        func flush() throws {
            if inData {
                try sql.withUnsafeBytes { try sink.sqlData($0) }
                try sink.endSQLData(e)
                inData = false
            } else if hasStatement {
                if databaseLevel, let old = dumpDatabase ?? Self.databaseOfTag(e) {
                    sql = try Restorer.renameDatabase(in: sql, from: old, to: scratchDatabase, state: lex)
                }
                try sink.command(sql)
            }
            sql = []
            hasStatement = false
        }
        if insertData { restoredData.insert(e.dumpId) }
        // A DATABASE entry's statements before its \connect are for the maintenance database.
        var beforeConnect = e.desc == "DATABASE"
        let items = try SQLStatement.split(e.defn ?? [], name: e.label, offset: e.fileOffset, state: lex)
        for item in items {
            if insertData && item.kind == .statement {
                let isInsert = item.significantTokens.first.map { item.isKeyword($0, "insert") } ?? false
                if isInsert != inData {
                    try flush()
                    if isInsert {
                        try sink.beginSQLData(e)
                        inData = true
                        began = true
                    }
                }
            }
            switch item.kind {
            case .meta:
                if try checkMeta(item, e) { beforeConnect = false }
            case .statement:
                if beforeConnect { continue }
                if VersionBridge.setsUnknownSetting(item, serverMajor: serverMajor) { continue }
                // pg_dump --clean's DROPs: the scratch database is new, there is nothing to drop.
                if e.dumpId == 0, VocabularyGuard.isCleanStatement(item) {
                    if cleanStatements == 0 { log("skipping the DROP statements of pg_dump --clean: the scratch database is new") }
                    cleanStatements += 1
                    continue
                }
                sql += item.bytes
                hasStatement = true
            case .whitespace, .comment:
                if hasStatement { sql += item.bytes }
            }
        }
        try flush()
        if databaseLevel { try aroundDatabaseLevel?(false) }
        if insertData && !began {
            // An empty table's data: no INSERT, zero rows loaded.
            try sink.beginSQLData(e)
            try sink.endSQLData(e)
        }
        if let copy = e.copyStmt {
            try sink.beginCopy(copy, entry: e)
            copying = e
            restoredData.insert(e.dumpId)
        }
    }

    /// `\restrict` / `\unrestrict` are psql's; `\connect` to the dump's own database (a
    /// `--create` script's, right after its CREATE DATABASE) is where the load already is.
    /// Anything else cannot be done through a connection.
    /// Returns true for that `\connect`.
    private func checkMeta(_ item: SQLStatement, _ e: TOCEntry) throws -> Bool {
        var end = item.bytes.count
        while end > 0 && (item.bytes[end - 1] == 0x0a || item.bytes[end - 1] == 0x0d) { end -= 1 }
        let words = item.bytes[1..<max(1, end)].split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
        let word = words.first ?? []
        if word.elementsEqual("restrict".utf8) || word.elementsEqual("unrestrict".utf8) { return false }
        if word.elementsEqual("connect".utf8) || word.elementsEqual("c".utf8) {
            let target = PlainReader.connectDatabase(Array(words.dropFirst()))
            if let target, let own = dumpDatabase, target == own { return true }
            throw DumpError(.malformed, file: "plain script", offset: item.offset, entry: e.label,
                            "psql meta-command \(shown(item.bytes.prefix(end), limit: 60)) switches to database \(shown(target ?? [])), not the dump's own (\(shown(dumpDatabase ?? Array("none: the script has no CREATE DATABASE".utf8)))): a script of several databases (pg_dumpall) cannot be restored into one")
        }
        throw DumpError(.malformed, file: "plain script", offset: item.offset, entry: e.label,
                        "psql meta-command \(shown(item.bytes.prefix(end), limit: 60)) cannot be restored through a connection (pg_dump writes only \\restrict, \\unrestrict and, with --create, \\connect to the dump's database)")
    }

    /// `DATABASE name` in a database-level entry's tag (a script without its DATABASE entry).
    static func databaseOfTag(_ e: TOCEntry) -> [UInt8]? {
        if e.desc == "DATABASE PROPERTIES" { return e.tag }
        guard let tag = e.tag, tag.starts(with: "DATABASE ".utf8) else { return nil }
        let name = Array(tag.dropFirst(9))
        // the tag holds the name as fmtId wrote it
        if let t = SQLLexer.tokenize(name).first, t.end == name.count, let n = SQLLexer.identifierName(name, t) { return n }
        return name
    }

    public func beginData(_ entry: TOCEntry) throws {
        guard !skipping else { return }
        if entry.isBlobs { try sink.beginLargeObjects() }
    }

    public func data(_ bytes: UnsafeRawBufferPointer) throws {
        guard !skipping else { return }
        if copying != nil { try sink.copyData(bytes) } else { try sink.largeObjectData(bytes) }
    }

    public func beginLargeObject(oid: UInt32) throws { if !skipping { try sink.beginLargeObject(oid: oid) } }
    public func endLargeObject(oid: UInt32) throws { if !skipping { try sink.endLargeObject(oid: oid) } }

    public func endData(_ entry: TOCEntry) throws {
        guard !skipping else { return }
        if let c = copying {
            copying = nil
            try sink.endCopy(c)
        } else if entry.isBlobs {
            try sink.endLargeObjects()
        }
    }
}
