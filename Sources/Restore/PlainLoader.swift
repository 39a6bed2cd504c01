import DumpFormat
import Ownership

/// Loads a plain SQL script through a connection sink: each pseudo-entry (PlainReader) is
/// rewritten by `rewrite`, filtered by the selection, stripped of what only psql understands
/// (`\restrict`/`\unrestrict`; any other meta-command stops the load) and of settings the server
/// does not know, then executed; COPY data and large objects stream as from an archive.
public final class PlainLoader: DumpVisitor {
    private let sink: SQLSink
    private let serverMajor: Int
    private let selection: RestorePlan.Selection
    private let rewrite: (TOCEntry) throws -> TOCEntry
    private var stdStrings = true
    private var copying: TOCEntry?
    private var skipping = false
    /// dumpIds whose COPY was run.
    public private(set) var restoredData: Set<Int> = []

    public init(sink: SQLSink, serverMajor: Int, selection: RestorePlan.Selection, rewrite: @escaping (TOCEntry) throws -> TOCEntry) {
        self.sink = sink
        self.serverMajor = serverMajor
        self.selection = selection
        self.rewrite = rewrite
    }

    func selected(_ e: TOCEntry) -> Bool {
        if e.dumpId == 0 { return true }
        if selection.noComments && e.desc == "COMMENT" { return false }
        if selection.excludeTypes.contains(e.desc) { return false }
        if !selection.sections.isEmpty && !selection.sections.contains(e.section) { return false }
        if let wanted = selection.wantedIds, !wanted.contains(e.dumpId) { return false }
        return true
    }

    public func entry(_ original: TOCEntry) throws {
        skipping = !selected(original)
        guard !skipping else { return }
        let e = try rewrite(original)
        try sink.beginEntry(e.dumpId == 0 ? nil : e)
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
                try sink.command(sql)
            }
            sql = []
            hasStatement = false
        }
        if insertData { restoredData.insert(e.dumpId) }
        let items = try SQLStatement.split(e.defn ?? [], name: e.label, offset: e.fileOffset, standardConformingStrings: stdStrings)
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
                let word = item.bytes.dropFirst().prefix { !(($0 == 0x20) || ($0 == 0x09) || ($0 == 0x0a) || ($0 == 0x0d)) }
                if word.elementsEqual("restrict".utf8) || word.elementsEqual("unrestrict".utf8) { continue }
                throw DumpError(.malformed, file: "plain script", offset: item.offset, entry: e.label,
                                "psql meta-command \(shown(item.bytes, limit: 60)) cannot be restored through a connection (pg_dump writes only \\restrict, \\unrestrict and, with --create, \\connect: dump without --create)")
            case .statement:
                if VersionBridge.setsUnknownSetting(item, serverMajor: serverMajor) { continue }
                if let on = ConnectionSink.setsStandardStrings(item) { stdStrings = on }
                sql += item.bytes
                hasStatement = true
            case .whitespace, .comment:
                if hasStatement { sql += item.bytes }
            }
        }
        try flush()
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
