/// Table data held as SQL: what `pg_dump --inserts`, `--column-inserts` and `--rows-per-insert`
/// write instead of COPY text. The TABLE DATA entry has no COPY statement; its data is INSERT
/// statements, which pg_restore executes as commands (`pg_backup_archiver.c` restore_toc_entry,
/// `pg_backup_db.c` ExecuteSqlCommandBuf). A statement may be cut by any data chunk boundary.
///
/// The one place that splits such data into statements and counts their rows, for every
/// consumer: the completeness auditor (rows in the dump), the connection sink (each statement
/// run on its own), plain input (the INSERTs of a `Data for` pseudo-entry).
public final class InsertDataSplitter {
    private let splitter: SQLStatementSplitter
    private let fileName: String
    private let entryLabel: String
    /// Plain scripts: a data pseudo-entry also holds the context SETs pg_dump put before the
    /// next entry; those are passed on with no rows. Archive data holds INSERTs only.
    private let allowsOtherStatements: Bool
    /// Rows of the statements reported so far.
    public private(set) var rows: Int64 = 0

    public init(entry: TOCEntry, fileName: String, standardConformingStrings: Bool, allowsOtherStatements: Bool = false) {
        // The entry's own lexing state (its string rules and client encoding) where it has one.
        let lex = entry.lexState(standardConformingStrings: standardConformingStrings)
        splitter = SQLStatementSplitter(name: fileName, startOffset: 0, standardConformingStrings: lex.standardConformingStrings,
                                        encoding: lex.encoding)
        self.fileName = fileName
        self.entryLabel = entry.label
        self.allowsOtherStatements = allowsOtherStatements
    }

    /// Feed the next piece of the data; `body` gets each complete statement with its rows (0 for
    /// a statement that is not an INSERT, where those are allowed). Comments and whitespace
    /// between statements are skipped.
    public func feed(_ piece: UnsafeRawBufferPointer, _ body: (SQLStatementView, Int64) throws -> Void) throws {
        do {
            try splitter.feed(piece) { try handle($0, body); return .continue }
        } catch let e as DumpError {
            throw located(e)
        }
    }

    /// The data has ended: a statement without its `;` (or a quote left open) is an error.
    public func finish(_ body: (SQLStatementView, Int64) throws -> Void) throws {
        do {
            try splitter.finish { view in
                if view.kind == .statement && !view.isComplete {
                    throw DumpError(.truncated, file: fileName, entry: entryLabel,
                                    "the table data ends inside a statement (no ';') that starts at byte \(view.offset) of the entry's data: \(shown(view.bytes, limit: 80))")
                }
                try handle(view, body)
                return .continue
            }
        } catch let e as DumpError {
            throw located(e)
        }
    }

    /// Split and count a whole text (a plain script's data pseudo-entry).
    public func all(_ bytes: [UInt8], _ body: (SQLStatementView, Int64) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, body) }
        try finish(body)
    }

    private func handle(_ view: SQLStatementView, _ body: (SQLStatementView, Int64) throws -> Void) throws {
        switch view.kind {
        case .whitespace, .comment:
            return
        case .meta:
            throw DumpError(.forbidden, file: fileName, entry: entryLabel,
                            "table data holds a psql meta-command at byte \(view.offset) of the entry's data: \(shown(view.bytes, limit: 60))")
        case .statement:
            let tokens = view.significantTokens
            let isInsert = tokens.first.map { view.isKeyword($0, "insert") } ?? false
            if !isInsert && allowsOtherStatements {
                try body(view, 0)
                return
            }
            guard isInsert, let n = Self.rows(view.bytes, tokens) else {
                throw DumpError(.malformed, file: fileName, entry: entryLabel,
                                "table data holds a statement that is not an INSERT … VALUES as pg_dump writes it, at byte \(view.offset) of the entry's data: \(shown(view.bytes, limit: 80))")
            }
            rows += n
            try body(view, n)
        }
    }

    private func located(_ e: DumpError) -> DumpError {
        var e = e
        if e.entry == nil {
            // The splitter's offsets count from the start of the entry's data, not of the file.
            if let at = e.offset { e.message += " (byte \(at) of the entry's data)" }
            e.offset = nil
            e.entry = entryLabel
        }
        return e
    }

    /// The rows of `INSERT INTO t [(cols)] [OVERRIDING SYSTEM VALUE] VALUES (…)[, (…)]… [ON
    /// CONFLICT DO NOTHING];` (each parenthesized group after VALUES at the top level is one row)
    /// or `INSERT INTO t DEFAULT VALUES;` (one row). Nil for anything else. `tokens` are the
    /// statement's significant tokens.
    public static func rows(_ bytes: UnsafeRawBufferPointer, _ tokens: [SQLToken]) -> Int64? {
        guard let first = tokens.first, SQLLexer.isKeyword(bytes, first, "insert") else { return nil }
        func punct(_ t: SQLToken, _ c: UInt8) -> Bool { t.kind == .punctuation && t.count == 1 && bytes[t.start] == c }
        var depth = 0
        var k = 1
        // VALUES at the top level (a column list is inside parentheses).
        while k < tokens.count {
            let t = tokens[k]
            if punct(t, 0x28) { depth += 1 } else if punct(t, 0x29) { depth -= 1 }
            if depth == 0 && SQLLexer.isKeyword(bytes, t, "values") { break }
            k += 1
        }
        guard k < tokens.count else { return nil }
        if SQLLexer.isKeyword(bytes, tokens[k - 1], "default") {
            return k + 1 == tokens.count || (k + 2 == tokens.count && tokens[k + 1].kind == .semicolon) ? 1 : nil
        }
        var n: Int64 = 0
        k += 1
        while k < tokens.count {
            // One row: "(" … ")" with its nested parentheses.
            guard punct(tokens[k], 0x28) else { return nil }
            depth = 0
            repeat {
                if punct(tokens[k], 0x28) { depth += 1 } else if punct(tokens[k], 0x29) { depth -= 1 }
                else if !isLiteralValueToken(bytes, tokens[k]) { return nil }
                // pg_dump writes each value as a literal: a nested parenthesis is an expression.
                if depth > 1 { return nil }
                k += 1
            } while depth > 0 && k < tokens.count
            guard depth == 0 else { return nil }
            n += 1
            guard k < tokens.count else { return n }
            if punct(tokens[k], 0x2c) { k += 1; continue }
            break
        }
        // What may follow the rows: ";" or pg_dump's "ON CONFLICT DO NOTHING;".
        let rest = tokens[k...].filter { $0.kind != .semicolon }
        if rest.isEmpty { return n }
        guard rest.count == 4, SQLLexer.isKeyword(bytes, rest[0], "on"), SQLLexer.isKeyword(bytes, rest[1], "conflict"),
              SQLLexer.isKeyword(bytes, rest[2], "do"), SQLLexer.isKeyword(bytes, rest[3], "nothing") else { return nil }
        return n
    }

    /// What pg_dump writes inside a row of `--inserts` data (`dumpTableData_insert`): a quoted
    /// literal (`'…'`, `E'…'`, `B'…'`), an unquoted number (with its sign), `NULL`, `DEFAULT`
    /// (generated columns), `true`/`false`, and the commas between. Anything else (a function
    /// call, a sub-select, a cast) is an expression pg_dump never writes there, and it would run
    /// as the restoring role.
    public static func isLiteralValueToken(_ bytes: UnsafeRawBufferPointer, _ t: SQLToken) -> Bool {
        switch t.kind {
        case .escapeString, .bitString, .number, .dollarString: return true
        case .string: return !(t.count >= 2 && bytes[t.start] | 0x20 == 0x75 && bytes[t.start + 1] == 0x26) // not U&'…'
        case .operator: return t.count == 1 && (bytes[t.start] == 0x2d || bytes[t.start] == 0x2b)
        case .punctuation: return t.count == 1 && bytes[t.start] == 0x2c
        case .identifier:
            return SQLLexer.isKeyword(bytes, t, "null") || SQLLexer.isKeyword(bytes, t, "default")
                || SQLLexer.isKeyword(bytes, t, "true") || SQLLexer.isKeyword(bytes, t, "false")
        default: return false
        }
    }
}
