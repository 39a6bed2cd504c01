import DumpFormat

/// One statement of a dump that is not what pg_dump writes for its entry.
public struct GuardViolation: Sendable, CustomStringConvertible, Equatable {
    public var dumpId: Int
    public var desc: String
    /// "TOC entry 12 (ACL app.orders)", or "script text at byte N" for a plain script's text outside
    /// any `-- Name:` header.
    public var entryLabel: String
    /// Byte offset of the statement in the entry's text (defn, or copyStmt).
    public var offset: Int
    /// Byte offset in the file, where known (a plain script's header and trailer text).
    public var fileOffset: Int64?
    /// Which text of the entry: "definition" or "COPY statement".
    public var field: String
    /// The statement, one line, escaped, at most 80 bytes.
    public var excerpt: String
    /// The rule broken.
    public var rule: String

    public var description: String {
        let place = fileOffset.map { " (file byte \($0))" } ?? ""
        return "\(entryLabel): \(field) statement at byte \(offset)\(place) '\(excerpt)': \(rule)"
    }
}

/// The vocabulary guard: a dump is untrusted, so every statement of every entry must be one of
/// the shapes pg_dump writes for that entry type (`pg_dump.c`'s `dump*` functions, and what
/// `pg_backup_archiver.c` prints around them). It allows shapes per entry type; it does not hunt
/// for forbidden words. What it refuses anywhere: `SET ROLE`/`RESET ROLE`, `SET SESSION
/// AUTHORIZATION` (but the grantor blocks of ACL entries), `set_config('role'|'session_authorization')`,
/// a `SET role` clause of a function or database, `ALTER SYSTEM`, role and database commands (but
/// the dump's own database), `COPY` other than `COPY <the entry's table> (…) FROM stdin;`,
/// transaction control, `U&` identifiers and strings (pg_dump's `fmtId` and literals never write
/// them), psql meta-commands other than `\connect` to the dump's database, `\restrict`, `\unrestrict`.
///
/// Entries are checked as read from the dump, before pgreown's own rewrites. Pure: no I/O.
public struct VocabularyGuard: Sendable {
    /// pg_dump's major version (nil: unknown, every version's vocabulary is allowed).
    public var dumpVersion: Int?
    /// The dump's database (archive header; a plain script's `--create` DATABASE entry), if known.
    public var databaseName: [UInt8]?
    /// A plain script's pseudo-entries (they also hold the `ALTER … OWNER TO` and context `SET`s
    /// pg_restore prints around each entry).
    public var plain: Bool

    public init(dumpVersion: Int?, databaseName: [UInt8]?, plain: Bool = false) {
        self.dumpVersion = dumpVersion
        self.databaseName = databaseName
        self.plain = plain
    }

    /// For an archive's header (version and database name).
    public init(header: ArchiveHeader?, format: DumpFormatKind) {
        self.init(dumpVersion: header?.pgDumpVersion.flatMap { SQLEmitter.Version.parse($0)?.major },
                  databaseName: header?.databaseName, plain: format == .plain)
    }

    // MARK: - Checking

    /// Every violation of `entries`, in order. For a plain script, the script entries (dumpId 0)
    /// before the first `-- Name:` header are its header.
    public func checkAll(_ entries: [TOCEntry], standardConformingStrings: Bool) -> [GuardViolation] {
        let session = Session(self)
        var out: [GuardViolation] = []
        for e in entries { out += session.check(e, standardConformingStrings: standardConformingStrings) }
        return out
    }

    /// Follows a stream of entries (a plain script read once): knows where the header ends and
    /// which database a `--create` script names.
    public final class Session {
        public private(set) var guard_: VocabularyGuard
        private var headerDone = false

        public init(_ g: VocabularyGuard) { guard_ = g }

        public func check(_ e: TOCEntry, standardConformingStrings: Bool) -> [GuardViolation] {
            if e.dumpId != 0 { headerDone = true }
            if e.desc == "DATABASE", guard_.databaseName == nil { guard_.databaseName = e.tag }
            return guard_.check(e, standardConformingStrings: standardConformingStrings,
                                plainHeader: guard_.plain && e.dumpId == 0 && !headerDone)
        }

        /// Throws the refusal (`DumpError.forbidden`) naming the first violation.
        public func enforce(_ e: TOCEntry, standardConformingStrings: Bool, file: String) throws {
            let v = check(e, standardConformingStrings: standardConformingStrings)
            if !v.isEmpty { throw VocabularyGuard.refusal(v, file: file) }
        }
    }

    /// The error a refused dump ends in: the first violation, and how many more.
    public static func refusal(_ violations: [GuardViolation], file: String) -> DumpError {
        guard let first = violations.first else {
            return DumpError(.internalError, file: file, "no violation to report")
        }
        let more = violations.count > 1 ? " (and \(violations.count - 1) more violation\(violations.count == 2 ? "" : "s"))" : ""
        return DumpError(.forbidden, file: file, offset: first.fileOffset, entry: nil,
                         "refusing the dump: \(first)\(more)")
    }

    /// The statements of `entry` (its defn and copyStmt) that are not what pg_dump writes for it.
    /// `plainHeader`: the entry is a plain script's text before its first `-- Name:` header.
    public func check(_ entry: TOCEntry, standardConformingStrings: Bool, plainHeader: Bool) -> [GuardViolation] {
        var out: [GuardViolation] = []
        let label = entry.dumpId == 0 && plain ? "script text at byte \(entry.fileOffset)" : entry.label
        func violation(_ offset: Int, _ bytes: [UInt8], _ field: String, _ rule: String) {
            out.append(GuardViolation(dumpId: entry.dumpId, desc: entry.desc, entryLabel: label, offset: offset,
                                      fileOffset: entry.dumpId == 0 && plain ? entry.fileOffset + Int64(offset) : nil,
                                      field: field, excerpt: shown(oneLineBytes(bytes), limit: 80), rule: rule))
        }
        let lex = entry.lexState(standardConformingStrings: standardConformingStrings)
        if entry.desc == "BLOB METADATA" && !plain, let defn = entry.defn {
            // pg_dump 17+: the large objects' OIDs, one a line (pg_restore writes the lo_create calls).
            if !defn.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x0a }) {
                violation(0, defn, "definition", "a BLOB METADATA entry holds large-object OIDs, one a line, only")
            }
        } else if let defn = entry.defn, !defn.isEmpty {
            do {
                let items = try SQLStatement.split(defn, name: "definition", state: lex)
                var ctx = EntryContext(entry: entry, guard_: self, plainHeader: plainHeader)
                for item in items {
                    if let rule = ctx.check(item) { violation(Int(item.offset), item.bytes, "definition", rule) }
                }
                if let rule = ctx.finish() { violation(defn.count, [], "definition", rule) }
            } catch {
                violation(0, defn, "definition", "the definition does not lex as SQL (\(error))")
            }
        }
        if let copy = entry.copyStmt, !copy.isEmpty {
            do {
                let items = try SQLStatement.split(copy, name: "COPY statement", state: lex)
                let statements = items.filter { $0.kind == .statement || $0.kind == .meta }
                if entry.desc != "TABLE DATA" {
                    violation(0, copy, "COPY statement", "only a TABLE DATA entry has a COPY statement")
                } else if statements.count != 1 || statements[0].kind != .statement {
                    violation(Int(statements.dropFirst().first?.offset ?? 0), statements.dropFirst().first?.bytes ?? copy,
                              "COPY statement", "a COPY statement is one statement, 'COPY table (columns) FROM stdin;'")
                } else if let rule = copyRule(statements[0], entry) {
                    violation(Int(statements[0].offset), statements[0].bytes, "COPY statement", rule)
                }
            } catch {
                violation(0, copy, "COPY statement", "the COPY statement does not lex as SQL (\(error))")
            }
        }
        return out
    }

    // MARK: - COPY

    /// `COPY <the entry's table> [(columns)] [WITH OIDS] FROM stdin;` (`dumpTableData`, `fmtCopyColumnList`);
    /// with `--load-via-partition-root`, the root its definition names.
    func copyRule(_ s: SQLStatement, _ e: TOCEntry) -> String? {
        let p = Parsed(s, sanitize: plain)
        guard p.word(0) == "copy" else { return "a COPY statement must start with COPY" }
        guard let (names, after) = p.qualifiedName(1) else { return "COPY must name a table" }
        var i = after
        if p.isPunct(i, 0x28) {
            guard let close = p.closingParen(i) else { return "unbalanced column list" }
            for k in (i + 1)..<close where !(p.isName(k) || p.isPunct(k, 0x2c)) {
                return "a COPY column list holds column names only"
            }
            i = close + 1
        }
        if p.word(i) == "with" && p.word(i + 1) == "oids" { i += 2 }
        guard p.word(i) == "from", p.word(i + 1) == "stdin", i + 3 == p.sig.count, p.sig[i + 2].kind == .semicolon else {
            return "COPY must read FROM stdin and nothing else (no PROGRAM, file, TO or options)"
        }
        if e.loadsViaPartitionRoot { return nil }  // names the root: checked below
        let table = e.tag ?? []
        let schema = e.namespace ?? []
        let matches = names.count == 2 ? (names[0] == schema && names[1] == table) : (names.count == 1 && names[0] == table && schema.isEmpty)
        return matches ? nil : "COPY names another table than the entry's \(shown(schema + (schema.isEmpty ? [] : [0x2e]) + table))"
    }
}

// MARK: - One entry's statements

/// The statement shapes of one entry, checked statement by statement.
struct EntryContext {
    let entry: TOCEntry
    let guard_: VocabularyGuard
    let plainHeader: Bool
    /// Inside an ACL entry's `SET SESSION AUTHORIZATION grantor; … RESET SESSION AUTHORIZATION;`.
    var inGrantorBlock = false
    var grantorBlockEmpty = false
    /// pgreown's own `rewrite` output: an ACL entry's grants wrapped in `SET ROLE r; … RESET ROLE;`.
    var inRoleBlock = false
    /// After an ACL entry's closing `RESET ROLE`: nothing may follow in the entry.
    var ended = false

    init(entry: TOCEntry, guard_: VocabularyGuard, plainHeader: Bool) {
        self.entry = entry; self.guard_ = guard_; self.plainHeader = plainHeader
    }

    var desc: String { entry.desc }
    var plain: Bool { guard_.plain }
    var version: Int? { guard_.dumpVersion }
    /// The plain script's header, or (`--create`) its DATABASE entry after `\connect`.
    var takesSessionSetup: Bool { plainHeader || (plain && isDatabaseEntry) }
    /// The entries `--create`'s `\connect` (and the SET block after it) follows: the DATABASE
    /// entry, or its DATABASE PROPERTIES when the database has settings.
    var isDatabaseEntry: Bool { desc == "DATABASE" || desc == "DATABASE PROPERTIES" }

    mutating func finish() -> String? {
        if inGrantorBlock { return "SET SESSION AUTHORIZATION without its RESET SESSION AUTHORIZATION at the end of the entry" }
        if inRoleBlock { return "SET ROLE without the RESET ROLE that ends the entry" }
        return nil
    }

    mutating func check(_ item: SQLStatement) -> String? {
        switch item.kind {
        case .whitespace, .comment: return nil
        case .meta: return metaRule(item)
        case .statement: break
        }
        if !item.isComplete { return "a statement without its ';' at the end of the entry" }
        if ended { return "a statement after the RESET ROLE that ends an ACL entry's SET ROLE block" }
        let p = Parsed(item, sanitize: plain)
        if let rule = p.anywhereRule() { return rule }
        let w0 = p.word(0)
        // Session state: only the SETs pg_dump writes, where it writes them.
        if w0 == "set" { return setRule(p) }
        if w0 == "reset" {
            if p.word(1) == "session" && p.word(2) == "authorization" {
                guard desc == "ACL", inGrantorBlock, p.sig.count == 4 else {
                    return "RESET SESSION AUTHORIZATION is written by pg_dump only to end an ACL entry's grantor block"
                }
                if grantorBlockEmpty { return "an empty grantor block" }
                inGrantorBlock = false
                return nil
            }
            if p.word(1) == "role" {
                // pgreown rewrite's output (Rewriter): the last statement of an ACL entry whose
                // grants it wrapped in SET ROLE; the restore sets its role again for the next entry.
                if desc == "ACL" && inRoleBlock && p.sig.count == 3 {
                    inRoleBlock = false
                    ended = true
                    return nil
                }
                return "RESET ROLE changes who runs what follows: pg_dump never writes it"
            }
            return "RESET is not written by pg_dump"
        }
        if inGrantorBlock || inRoleBlock {
            grantorBlockEmpty = false
            guard w0 == "grant" || w0 == "revoke" else { return "a grantor block holds GRANT and REVOKE only" }
        }
        if plain, let rule = plainExtraRule(p) { return rule == "" ? nil : rule }
        return shapeRule(p)
    }

    // MARK: psql meta-commands

    func metaRule(_ item: SQLStatement) -> String? {
        let line = item.bytes.prefix { $0 != 0x0a && $0 != 0x0d }
        let words = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
        let cmd = words.first.map { Array($0) } ?? []
        switch cmd {
        case Array("\\restrict".utf8), Array("\\unrestrict".utf8):
            // pg_dump 17.6+/18.0+: around the script, and around a --create script's \connect.
            guard plain, plainHeader || entry.dumpId == 0 || isDatabaseEntry, words.count == 2 else {
                return "\\restrict/\\unrestrict only open and close a plain script (and its --create \\connect)"
            }
            return nil
        case Array("\\connect".utf8), Array("\\c".utf8):
            guard plain, isDatabaseEntry else { return "\\connect is written by pg_dump --create only, after its CREATE DATABASE" }
            let target = PlainReader.connectDatabase(Array(words.dropFirst()))
            guard let target, target == (entry.tag ?? []) else { return "\\connect to a database that is not the dump's own" }
            return nil
        default:
            return "psql meta-command pg_dump never writes"
        }
    }

    // MARK: SET

    /// The settings pg_dump's fixed SET block writes (`_doSetFixedOutputState`, `setup_connection`)
    /// and the per-entry context settings pg_restore prints (`_selectTablespace`,
    /// `_selectTableAccessMethod`, `_setWithOids` before 12).
    static let sessionSettings: Set<String> = [
        "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "transaction_timeout",
        "client_encoding", "standard_conforming_strings", "check_function_bodies", "xmloption",
        "client_min_messages", "row_security", "default_tablespace", "default_table_access_method",
        "default_with_oids", "escape_string_warning", "extra_float_digits", "synchronize_seqscans",
    ]
    static let contextSettings: Set<String> = ["default_tablespace", "default_table_access_method", "default_with_oids"]

    mutating func setRule(_ p: Parsed) -> String? {
        var i = 1
        if p.word(1) == "session" || p.word(1) == "local" { i = 2 }
        if p.word(i) == "role" || p.name(i) == Array("role".utf8) {
            // pgreown rewrite's output (Rewriter): an ACL entry's grants made as the object's owner
            // or the grantor, `SET ROLE r; GRANT …; [SET ROLE g; GRANT …;] RESET ROLE;`.
            if desc == "ACL", i == 1, !inGrantorBlock, p.sig.count == 4, p.isName(2), p.word(2) != "none" {
                inRoleBlock = true
                grantorBlockEmpty = true
                return nil
            }
            return "SET ROLE changes who runs what follows: pg_dump never writes it"
        }
        if p.word(1) == "session" && p.word(2) == "authorization" {
            if p.sig.count > 3, p.sig[3].kind == .string || p.sig[3].kind == .escapeString {
                return "SET SESSION AUTHORIZATION 'role' (a dump made with --use-set-session-authorization): re-dump without that option"
            }
            guard desc == "ACL", !inGrantorBlock, p.sig.count == 5, p.isName(3) else {
                return "SET SESSION AUTHORIZATION is written by pg_dump only to open an ACL entry's grantor block"
            }
            inGrantorBlock = true
            grantorBlockEmpty = true
            return nil
        }
        guard let nameBytes = p.name(i) else { return "a SET pg_dump never writes" }
        let name = String(decoding: nameBytes, as: UTF8.self)
        if name == "session_authorization" { return "SET session_authorization changes who runs what follows: pg_dump never writes it" }
        let allowed: Bool
        if takesSessionSetup {
            allowed = Self.sessionSettings.contains(name)
        } else if desc == "ENCODING" {
            allowed = name == "client_encoding"
        } else if desc == "STDSTRINGS" {
            allowed = name == "standard_conforming_strings"
        } else {
            // A plain entry also ends with the context SETs for the next entry; the two lexing
            // settings (every reader follows them) are harmless wherever they stand.
            allowed = plain && (Self.contextSettings.contains(name) || name == "standard_conforming_strings" || name == "client_encoding")
        }
        guard allowed, i == 1 else { return "SET \(oneLine(name, limit: 60)) is not a setting pg_dump writes here" }
        // SET name = value | SET name TO value: one constant.
        guard p.sig.count >= 5, p.isOperator(2, "=") || p.word(2) == "to" else { return "a SET pg_dump never writes" }
        let value = p.sig[3..<(p.sig.count - 1)]
        guard value.count == 1, [.identifier, .string, .number].contains(value.first!.kind) else {
            return "SET takes one constant in pg_dump's output"
        }
        return nil
    }

    // MARK: What a plain script adds to every entry

    /// A plain pseudo-entry also holds `ALTER … OWNER TO` (pg_restore's `_printTocEntry`) and the
    /// context SETs for the next entry. "" = allowed, nil = not such a statement.
    func plainExtraRule(_ p: Parsed) -> String? {
        if p.word(0) == "alter", let o = p.lastTopLevel(["owner", "to"]), o + 4 == p.sig.count, p.isName(o + 2) {
            if desc == "DATABASE" || desc == "DATABASE PROPERTIES" { return nil }  // databaseRule: the dump's own only
            if desc == "ACL" || desc == "COMMENT" || desc == "SECURITY LABEL" || entry.dumpId == 0 {
                return "ALTER … OWNER TO is not written in this entry"
            }
            // The object the entry creates: its tag's name (up to a function's argument list or
            // an operator class's USING) among the names before OWNER.
            if desc.hasPrefix("OPERATOR") || desc.hasPrefix("BLOB") { return "" }
            var tagName = entry.tag ?? []
            if let paren = tagName.firstIndex(of: 0x28) { tagName = Array(tagName[..<paren]) }
            if let using = tagName.firstRange(of: Array(" USING ".utf8)) { tagName = Array(tagName[..<using.lowerBound]) }
            let named = (1..<o).contains { p.name($0) == tagName }
            return named ? "" : "ALTER … OWNER TO of another object than the entry's (\(shown(entry.tag ?? [], limit: 60)))"
        }
        if entry.dumpId == 0 && !plainHeader {
            // After a COPY's data, and the trailer: comments and \unrestrict only (and the
            // ENABLE TRIGGER ALL of --disable-triggers).
            if p.word(0) == "alter" && p.word(1) == "table" && p.hasWords(["enable", "trigger", "all"]) && p.sig.count <= 9 { return "" }
            return "a statement outside any entry (after a COPY's \\. or the dump's end): pg_dump writes none there"
        }
        return nil
    }

    // MARK: The shapes of each entry type

    /// The leading words of the statements pg_dump writes for each entry type.
    static let shapes: [String: [[String]]] = {
        let alterTable: [[String]] = [["alter", "table"], ["alter", "foreign", "table"]]
        var s: [String: [[String]]] = [
            "ACCESS METHOD": [["create", "access", "method"]],
            "AGGREGATE": [["create", "aggregate"]],
            "CAST": [["create", "cast"]],
            "COLLATION": [["create", "collation"]],
            "CONVERSION": [["create", "conversion"], ["create", "default", "conversion"]],
            "DEFAULT": alterTable + [["alter", "view"]],
            "DEFAULT ACL": [["alter", "default", "privileges"]],
            "DOMAIN": [["create", "domain"], ["alter", "domain"]],
            "FOREIGN TABLE": [["create", "foreign", "table"]] + alterTable,
            "FUNCTION": [["create", "function"], ["alter", "function"]],
            "PROCEDURE": [["create", "procedure"], ["alter", "procedure"]],
            "INDEX": [["create", "index"], ["create", "unique", "index"], ["alter", "index"]] + alterTable,
            "INDEX ATTACH": [["alter", "index"]],
            "MATERIALIZED VIEW": [["create", "materialized", "view"], ["alter", "materialized", "view"]] + alterTable,
            "MATERIALIZED VIEW DATA": [["refresh", "materialized", "view"]],
            "OPERATOR": [["create", "operator"]],
            "OPERATOR CLASS": [["create", "operator", "class"], ["alter", "operator", "family"]],
            "OPERATOR FAMILY": [["create", "operator", "family"], ["alter", "operator", "family"]],
            "POLICY": [["create", "policy"]],
            "ROW SECURITY": alterTable,
            "PUBLICATION": [["create", "publication"]],
            "PUBLICATION TABLE": [["alter", "publication"]],
            "PUBLICATION TABLES IN SCHEMA": [["alter", "publication"]],
            "RULE": [["create", "rule"], ["create", "or", "replace", "rule"], ["create", "or", "replace", "view"],
                     ["alter", "view"], ["alter", "materialized", "view"]] + alterTable,
            "SCHEMA": [["create", "schema"]],
            "SEQUENCE": [["create", "sequence"], ["create", "unlogged", "sequence"], ["alter", "sequence"]] + alterTable,
            "SEQUENCE OWNED BY": [["alter", "sequence"]],
            "STATISTICS": [["create", "statistics"], ["alter", "statistics"]],
            "SUBSCRIPTION": [["create", "subscription"], ["alter", "subscription"]],
            "TABLE": [["create", "table"], ["create", "unlogged", "table"], ["create", "foreign", "table"]] + alterTable,
            "TABLE ATTACH": alterTable,
            "CONSTRAINT": alterTable + [["alter", "domain"]],
            "CHECK CONSTRAINT": alterTable + [["alter", "domain"]],
            "FK CONSTRAINT": alterTable,
            "TEXT SEARCH CONFIGURATION": [["create", "text", "search", "configuration"], ["alter", "text", "search", "configuration"]],
            "TEXT SEARCH DICTIONARY": [["create", "text", "search", "dictionary"]],
            "TEXT SEARCH PARSER": [["create", "text", "search", "parser"]],
            "TEXT SEARCH TEMPLATE": [["create", "text", "search", "template"]],
            "TRANSFORM": [["create", "transform"]],
            "TRIGGER": [["create", "trigger"], ["create", "constraint", "trigger"], ["alter", "trigger"]] + alterTable,
            "TYPE": [["create", "type"], ["alter", "type"]],
            "SHELL TYPE": [["create", "type"]],
            "USER MAPPING": [["create", "user", "mapping"]],
            "VIEW": [["create", "view"], ["alter", "view"]] + alterTable,
            "COMMENT": [["comment", "on"]],
            "SECURITY LABEL": [["security", "label"]],
            "ACL": [["grant"], ["revoke"]],
        ]
        s["EVENT TRIGGER"] = [["create", "event", "trigger"], ["alter", "event", "trigger"]]
        s["FOREIGN DATA WRAPPER"] = [["create", "foreign", "data", "wrapper"]]
        s["SERVER"] = [["create", "server"]]
        s["PROCEDURAL LANGUAGE"] = [["create", "procedural", "language"], ["create", "trusted", "procedural", "language"],
                                    ["create", "or", "replace", "procedural", "language"],
                                    ["create", "or", "replace", "trusted", "procedural", "language"],
                                    ["create", "language"], ["create", "trusted", "language"], ["create", "or", "replace", "language"],
                                    ["create", "or", "replace", "trusted", "language"]]
        return s
    }()

    mutating func shapeRule(_ p: Parsed) -> String? {
        if takesSessionSetup && p.isSearchPathReset { return nil }
        switch desc {
        case "SEARCHPATH":
            return p.isSearchPathReset ? nil : "a SEARCHPATH entry holds pg_dump's set_config('search_path', '', false) only"
        case "ENCODING", "STDSTRINGS":
            return "a \(desc) entry holds its SET only"
        case "SEQUENCE SET":
            return p.isCatalogCall(select: true, "setval") ? nil : "a SEQUENCE SET entry holds SELECT pg_catalog.setval('…', n, bool) only"
        case "BLOB", "BLOB METADATA":
            if p.isCatalogCall(select: true, "lo_create") { return nil }
            if plain && p.word(0) == "alter" && p.word(1) == "large" && p.word(2) == "object" { return nil }
            return "a large-object entry holds SELECT pg_catalog.lo_create('oid') only"
        case "STATISTICS DATA":
            return p.isCatalogCall(select: false, "pg_restore_relation_stats") || p.isCatalogCall(select: false, "pg_restore_attribute_stats")
                ? nil : "a STATISTICS DATA entry holds SELECT * FROM pg_catalog.pg_restore_*_stats(literals) only"
        case "TABLE DATA":
            if plain && p.word(0) == "insert" && p.word(1) == "into" {
                return p.insertValuesAreLiterals ? nil : "INSERT data holds literal values only (pg_dump --inserts)"
            }
            // pg_dump --disable-triggers (`_disableTriggersIfNecessary`): ALTER TABLE <the table> DISABLE TRIGGER ALL.
            if plain, p.startsWith(["alter", "table"]), let (n, end) = p.qualifiedName(2), n.last == (entry.tag ?? []),
               p.word(end) == "disable" || p.word(end) == "enable", p.word(end + 1) == "trigger", p.word(end + 2) == "all",
               end + 4 == p.sig.count {
                return nil
            }
            return "a TABLE DATA entry holds its COPY statement (or INSERT data) only"
        case "EXTENSION":
            return extensionRule(p)
        case "DATABASE", "DATABASE PROPERTIES":
            return databaseRule(p)
        case "SET":
            if plainHeader {
                if p.isSearchPathReset || VocabularyGuard.isCleanStatement(p) { return nil }
                return "the script's header holds pg_dump's SETs and set_config('search_path', '', false) only"
            }
            return "a statement outside any entry: pg_dump writes none there"
        default:
            break
        }
        guard let shapes = Self.shapes[desc] else {
            return "an entry of type \(oneLine(desc, limit: 40)) is not one pg_dump writes (or has no statements)"
        }
        guard shapes.contains(where: { p.startsWith($0) }) else {
            return "not a statement pg_dump writes in a \(desc) entry"
        }
        if p.startsWith(["create"]), p.firstTopLevel("as").map({ p.word($0 + 1) == "select" || p.word($0 + 1) == "values" || p.word($0 + 1) == "table" || p.word($0 + 1) == "execute" || p.word($0 + 1) == "with" || p.isPunct($0 + 1, 0x28) }) == true,
           desc == "TABLE" || desc == "FOREIGN TABLE" {
            return "CREATE TABLE … AS runs a query: pg_dump writes a table's columns, never a query"
        }
        switch desc {
        case "ACL": return aclRule(p)
        case "COMMENT", "SECURITY LABEL": return commentRule(p)
        case "FUNCTION", "PROCEDURE":
            // Its SET role clause: anywhereRule. A C or internal function runs as the login
            // (EntryPolicy.needsSuperuser): it must define the function its tag names.
            guard EntryPolicy.needsSuperuser(entry) else { return nil }
            let tag = entry.tag ?? []
            let tagName = Array(tag[..<(tag.firstIndex(of: 0x28) ?? tag.endIndex)])
            let at = p.startsWith(["create", "or", "replace"]) ? 4 : 2
            guard p.word(0) == "alter" || (p.qualifiedName(at).map { $0.0.last == tagName && p.isPunct($0.1, 0x28) } ?? false) else {
                return "the statement defines another function than the entry's tag (\(shown(tag, limit: 60)))"
            }
            return nil
        case "EVENT TRIGGER", "FOREIGN DATA WRAPPER", "SERVER", "PROCEDURAL LANGUAGE":
            // Run by the login: the statement must create the object its tag names.
            let at = shapes.first(where: { p.startsWith($0) })?.count ?? 0
            guard let (names, _) = p.qualifiedName(at), names.count == 1, names[0] == (entry.tag ?? []) else {
                return "the statement names another object than the entry's tag"
            }
            return nil
        default: return nil
        }
    }

    /// `CREATE EXTENSION IF NOT EXISTS <tag> WITH SCHEMA <schema>;` (`dumpExtension`).
    func extensionRule(_ p: Parsed) -> String? {
        guard p.startsWith(["create", "extension", "if", "not", "exists"]), let (n, at) = p.qualifiedName(5), n.count == 1,
              n[0] == (entry.tag ?? []), p.word(at) == "with", p.word(at + 1) == "schema", let (s, end) = p.qualifiedName(at + 2),
              s.count == 1, end + 1 == p.sig.count else {
            return "an EXTENSION entry holds 'CREATE EXTENSION IF NOT EXISTS <its tag> WITH SCHEMA <schema>;' only"
        }
        return nil
    }

    /// The dump's own database only: `CREATE DATABASE` (DATABASE), `ALTER DATABASE`, `ALTER ROLE …
    /// IN DATABASE … SET` (DATABASE PROPERTIES), their comment, label and grants.
    func databaseRule(_ p: Parsed) -> String? {
        let own = entry.tag ?? []
        if let db = guard_.databaseName, db != own { return "the entry's tag names another database than the dump's" }
        func names(_ at: Int) -> Bool {
            guard let (n, _) = p.qualifiedName(at), n.count == 1 else { return false }
            return n[0] == own
        }
        if p.startsWith(["create", "database"]) {
            guard desc == "DATABASE" else { return "CREATE DATABASE belongs in the DATABASE entry only" }
            return names(2) ? nil : "CREATE DATABASE of another database than the dump's"
        }
        if p.startsWith(["alter", "database"]) {
            return names(2) ? nil : "ALTER DATABASE of another database than the dump's"
        }
        if desc == "DATABASE PROPERTIES", p.word(0) == "alter", p.word(1) == "role" || p.word(1) == "user", p.isName(2),
           p.word(3) == "in", p.word(4) == "database", p.word(6) == "set" || p.word(6) == "reset" {
            return names(5) ? nil : "ALTER ROLE … IN DATABASE of another database than the dump's"
        }
        if p.startsWith(["comment", "on", "database"]) || (p.startsWith(["security", "label"]) && p.hasWords(["on", "database"])) {
            return commentRule(p)
        }
        if p.word(0) == "grant" || p.word(0) == "revoke" {
            guard let on = p.firstTopLevel("on"), p.word(on + 1) == "database" else { return "a grant on something else than the database" }
            return names(on + 2) ? nil : "a grant on another database than the dump's"
        }
        return "not a statement pg_dump writes in a \(desc) entry"
    }

    /// `COMMENT ON <what the tag says> IS '…';`, `SECURITY LABEL [FOR p] ON <tag> IS '…';`: the object
    /// is checked against the tag where a name of one word follows the object type (schemas,
    /// extensions, databases, languages, servers, wrappers, event triggers, roles…); for the other
    /// types, the object type only.
    func commentRule(_ p: Parsed) -> String? {
        guard let on = p.firstTopLevel("on"), let isAt = p.lastTopLevel(["is"]) else { return "a \(desc) statement pg_dump never writes" }
        let tag = entry.tag ?? []
        // The object type words of the tag (upper-case words before the name) as the statement
        // spells them after ON.
        var tagWords: [[UInt8]] = []
        var rest = tag[...]
        while let sp = rest.firstIndex(of: 0x20) {
            let w = rest[rest.startIndex..<sp]
            guard !w.isEmpty, w.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5a) }),
                  p.word(on + 1 + tagWords.count).map({ Array($0.utf8) }) == Array(w).map({ $0 | 0x20 }) else { break }
            tagWords.append(Array(w).map { $0 | 0x20 })
            rest = rest[(sp + 1)...]
        }
        guard !tagWords.isEmpty else {
            return "the statement is about another kind of object than the entry's tag (\(shown(tag, limit: 60)))"
        }
        let nameAt = on + 1 + tagWords.count
        let tagNames = Self.tagNames(rest)
        let singleName: Set<String> = ["schema", "extension", "database", "language", "server", "wrapper", "trigger", "role",
                                       "publication", "subscription", "tablespace"]
        if let last = tagWords.last, singleName.contains(String(decoding: last, as: UTF8.self)),
           !(tagWords.first == Array("trigger".utf8)) {
            guard let (n, end) = p.qualifiedName(nameAt), n.count == 1, [n[0]] == tagNames, end == isAt else {
                return "the statement names another object than the entry's tag (\(shown(tag, limit: 60)))"
            }
            if tagWords == [Array("database".utf8)], let db = guard_.databaseName, tagNames != [db] {
                return "the entry names another database than the dump's"
            }
        }
        return nil
    }

    /// The names of an ACL or COMMENT tag after its object type: pg_dump writes them as `fmtId`
    /// does (`"Data Team"`, `orders.id` for a column), up to a function's argument list.
    static func tagNames(_ rest: ArraySlice<UInt8>) -> [[UInt8]] {
        let bytes = Array(rest)
        var out: [[UInt8]] = []
        for t in SQLLexer.tokenize(bytes) {
            switch t.kind {
            case .identifier, .quotedIdentifier:
                // fmtId leaves a lower-case name bare; keep its case (an upper-case bare name is no fmtId output).
                out.append(t.kind == .identifier ? Array(bytes[t.range]) : SQLLexer.identifierName(bytes, t) ?? [])
            case .punctuation where bytes[t.start] == 0x2e: continue
            case .punctuation where bytes[t.start] == 0x28: return out
            case .whitespace: return out
            default: return [bytes]
            }
        }
        return out
    }

    /// `GRANT …/REVOKE … ON <the object the tag names> TO|FROM …` (`buildACLCommands`).
    func aclRule(_ p: Parsed) -> String? {
        guard let on = p.firstTopLevel("on") else { return "an ACL entry grants privileges on its object, not roles" }
        let tag = entry.tag ?? []
        let kinds: [(String, [String])] = [
            ("TABLE ", ["table"]), ("SEQUENCE ", ["sequence"]), ("COLUMN ", ["table"]), ("SCHEMA ", ["schema"]),
            ("FUNCTION ", ["function"]), ("PROCEDURE ", ["procedure"]), ("AGGREGATE ", ["function"]),
            ("DATABASE ", ["database"]), ("FOREIGN DATA WRAPPER ", ["foreign", "data", "wrapper"]),
            ("FOREIGN SERVER ", ["foreign", "server"]), ("LANGUAGE ", ["language"]), ("TYPE ", ["type"]),
            ("DOMAIN ", ["domain"]), ("LARGE OBJECT ", ["large", "object"]), ("TABLESPACE ", ["tablespace"]),
            ("PARAMETER ", ["parameter"]), ("LARGE OBJECTS ", ["large", "object"]),
        ]
        guard let (prefix, words) = kinds.first(where: { tag.starts(with: $0.0.utf8) }) else { return nil }
        var at = on + 1
        for w in words {
            guard p.word(at) == w || (w == "table" && p.word(at) == "sequence") else {
                return "the statement grants on another kind of object than the entry's tag (\(shown(tag, limit: 60)))"
            }
            at += 1
        }
        let names = Self.tagNames(tag.dropFirst(prefix.utf8.count))
        let schema = entry.namespace ?? []
        let target = p.firstTopLevel(p.word(0) == "grant" ? "to" : "from") ?? p.sig.count
        switch prefix {
        case "LARGE OBJECT ", "LARGE OBJECTS ":
            return nil
        case "FUNCTION ", "PROCEDURE ", "AGGREGATE ":
            // name(args): the name decoded, the argument list as written.
            guard let (n, end) = p.qualifiedName(at), p.isPunct(end, 0x28), names.count == 1,
                  n.last == names[0], n.count == 1 || n.first == schema else {
                return "the statement grants on another function than the entry's tag (\(shown(tag, limit: 60)))"
            }
            return nil
        case "COLUMN ":
            guard let (n, end) = p.qualifiedName(at), end == target, names.count == 2, n.last == names[0],
                  n.count == 1 || n.first == schema else {
                return "the statement grants on another table than the entry's tag (\(shown(tag, limit: 60)))"
            }
            return nil
        default:
            guard let (n, end) = p.qualifiedName(at), end == target, names.count == 1, n.last == names[0],
                  n.count == 1 || (n.count == 2 && n.first == schema) else {
                return "the statement grants on another object than the entry's tag (\(shown(tag, limit: 60)))"
            }
            if prefix == "DATABASE ", let db = guard_.databaseName, names != [db] { return "a grant on another database than the dump's" }
            return nil
        }
    }
}

// MARK: - A statement's significant tokens

extension VocabularyGuard {
    /// A statement of `pg_dump --clean` at the head of a plain script (`RestoreArchive` prints
    /// each entry's dropStmt there, in reverse order): `DROP <object> …` of what the dump creates,
    /// `ALTER TABLE [IF EXISTS] [ONLY] t DROP CONSTRAINT …` / `ALTER COLUMN c DROP DEFAULT`, and
    /// `SELECT pg_catalog.lo_unlink('n')` (or, with `--if-exists`, `… (oid) FROM
    /// pg_catalog.pg_largeobject_metadata WHERE oid = n`).
    /// Never a role, database, tablespace or `DROP OWNED`. The restore loads into a new database,
    /// where there is nothing to drop: `PlainLoader` skips them.
    public static func isCleanStatement(_ s: SQLStatement) -> Bool { isCleanStatement(Parsed(s)) }

    static func isCleanStatement(_ p: Parsed) -> Bool {
        var n = p.sig.count
        if p.isPunct(n - 1, 0x3b) || (n > 0 && p.sig[n - 1].kind == .semicolon) { n -= 1 }
        guard n >= 3 else { return false }
        if p.word(0) == "drop" {
            let never: Set<String> = ["role", "user", "group", "database", "tablespace", "owned", "subscription"]
            guard let what = p.word(1), !never.contains(what) else { return false }
            // One statement: no second command hidden after a name (only names, dots, commas,
            // parentheses and the words pg_dump writes there).
            return (2..<n).allSatisfy { i in
                p.isName(i) || p.isPunct(i, 0x2e) || p.isPunct(i, 0x2c) || p.isPunct(i, 0x28) || p.isPunct(i, 0x29)
                    || p.sig[i].kind == .operator || p.sig[i].kind == .punctuation
            } && !p.hasWords(["cascade"])
        }
        if p.startsWith(["alter", "table"]) {
            var i = 2
            if p.word(i) == "if", p.word(i + 1) == "exists" { i += 2 }
            if p.word(i) == "only" { i += 1 }
            guard let (_, end) = p.qualifiedName(i) else { return false }
            if p.word(end) == "drop", p.word(end + 1) == "constraint" {
                var k = end + 2
                if p.word(k) == "if", p.word(k + 1) == "exists" { k += 2 }
                return p.isName(k) && k + 1 == n
            }
            if p.word(end) == "alter", p.word(end + 1) == "column", p.isName(end + 2), p.word(end + 3) == "drop",
               p.word(end + 4) == "default" {
                return end + 5 == n
            }
            return false
        }
        // SELECT pg_catalog.lo_unlink('n'); (with --if-exists:)
        // SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata WHERE oid = 'n';
        if p.startsWith(["select", "pg_catalog"]), p.word(3) == "lo_unlink", n == 7, p.isPunct(4, 0x28), p.isPunct(6, 0x29),
           p.sig[5].kind == .number || p.sig[5].kind == .string {
            return true
        }
        return p.startsWith(["select", "pg_catalog"]) && p.word(3) == "lo_unlink" && p.word(5) == "oid"
            && p.word(7) == "from" && p.word(8) == "pg_catalog" && p.word(10) == "pg_largeobject_metadata"
            && p.word(11) == "where" && p.word(12) == "oid" && p.isOperator(13, "=") && n == 15
            && (p.sig[14].kind == .number || p.sig[14].kind == .string)
    }
}

struct Parsed {
    let bytes: [UInt8]
    let sig: [SQLToken]
    let depth: [Int]
    /// A plain script's header comments name objects with line breaks turned into spaces
    /// (pg_dump's `sanitize_line`): names are compared with its tags that way.
    let sanitize: Bool

    init(_ s: SQLStatement, sanitize: Bool = false) {
        self.sanitize = sanitize
        bytes = s.bytes
        sig = s.significantTokens
        var d = 0
        var depth: [Int] = []
        depth.reserveCapacity(sig.count)
        for t in sig {
            if t.kind == .punctuation && t.count == 1 && s.bytes[t.start] == 0x29 { d = max(0, d - 1) }
            depth.append(d)
            if t.kind == .punctuation && t.count == 1 && s.bytes[t.start] == 0x28 { d += 1 }
        }
        self.depth = depth
    }

    /// The lower-cased word at `i`, for an unquoted identifier.
    func word(_ i: Int) -> String? {
        guard i >= 0, i < sig.count, sig[i].kind == .identifier else { return nil }
        return String(decoding: bytes[sig[i].start..<sig[i].end].map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    func name(_ i: Int) -> [UInt8]? {
        guard i >= 0, i < sig.count, let n = SQLLexer.identifierName(bytes, sig[i]) else { return nil }
        return sanitize ? n.map { $0 == 0x0a || $0 == 0x0d ? 0x20 : $0 } : n
    }

    func isName(_ i: Int) -> Bool { i >= 0 && i < sig.count && (sig[i].kind == .identifier || sig[i].kind == .quotedIdentifier) }

    func isPunct(_ i: Int, _ c: UInt8) -> Bool {
        i >= 0 && i < sig.count && sig[i].kind == .punctuation && sig[i].count == 1 && bytes[sig[i].start] == c
    }

    func isOperator(_ i: Int, _ op: String) -> Bool {
        i >= 0 && i < sig.count && sig[i].kind == .operator && Array(bytes[sig[i].start..<sig[i].end]) == Array(op.utf8)
    }

    func startsWith(_ words: [String]) -> Bool {
        guard words.count <= sig.count else { return false }
        for (i, w) in words.enumerated() where word(i) != w { return false }
        return true
    }

    func hasWords(_ words: [String]) -> Bool {
        guard sig.count >= words.count else { return false }
        for i in 0...(sig.count - words.count) where words.enumerated().allSatisfy({ word(i + $0.offset) == $0.element }) { return true }
        return false
    }

    func firstTopLevel(_ w: String) -> Int? { sig.indices.first { depth[$0] == 0 && word($0) == w } }

    func lastTopLevel(_ words: [String]) -> Int? {
        guard sig.count >= words.count else { return nil }
        for i in stride(from: sig.count - words.count, through: 0, by: -1) where depth[i] == 0 {
            if words.enumerated().allSatisfy({ word(i + $0.offset) == $0.element }) { return i }
        }
        return nil
    }

    /// `name(.name)*` from `i`: the names decoded, and the index after them.
    func qualifiedName(_ i: Int) -> ([[UInt8]], Int)? {
        guard let first = name(i) else { return nil }
        var names = [first]
        var k = i + 1
        while isPunct(k, 0x2e), let n = name(k + 1) { names.append(n); k += 2 }
        return (names, k)
    }

    func closingParen(_ i: Int) -> Int? {
        guard isPunct(i, 0x28) else { return nil }
        let d = depth[i]
        var k = i + 1
        while k < sig.count {
            if isPunct(k, 0x29) && depth[k] == d { return k }
            k += 1
        }
        return nil
    }

    /// `SELECT pg_catalog.set_config('search_path', '', false);` exactly.
    var isSearchPathReset: Bool {
        guard sig.count == 12, word(0) == "select", word(1) == "pg_catalog", isPunct(2, 0x2e), word(3) == "set_config",
              isPunct(4, 0x28), sig[5].kind == .string, isPunct(6, 0x2c), sig[7].kind == .string, isPunct(8, 0x2c),
              word(9) == "false", isPunct(10, 0x29), sig[11].kind == .semicolon else { return false }
        return SQLLexer.stringValue(bytes, sig[5]) == Array("search_path".utf8) && SQLLexer.stringValue(bytes, sig[7]) == []
    }

    /// `SELECT pg_catalog.f(literals);` (select: true) or `SELECT * FROM pg_catalog.f(literals);`:
    /// the arguments constants with casts, no nested call.
    func isCatalogCall(select: Bool, _ f: String) -> Bool {
        var i = 1
        guard word(0) == "select" else { return false }
        if !select {
            guard isOperator(1, "*"), word(2) == "from" else { return false }
            i = 3
        }
        guard word(i) == "pg_catalog", isPunct(i + 1, 0x2e), word(i + 2) == f, isPunct(i + 3, 0x28),
              let close = closingParen(i + 3), close + 2 == sig.count, sig[close + 1].kind == .semicolon else { return false }
        for k in (i + 4)..<close {
            let t = sig[k]
            switch t.kind {
            case .string, .escapeString, .number, .quotedIdentifier, .identifier: continue
            case .operator:
                let op = Array(bytes[t.start..<t.end])
                if op == Array("::".utf8) || op == [0x2d] || op == [0x2b] { continue }
                return false
            case .punctuation:
                if [0x2c, 0x5b, 0x5d].contains(bytes[t.start]) { continue }
                return false
            default: return false
            }
        }
        return true
    }

    /// `INSERT INTO t [(cols)] [OVERRIDING SYSTEM VALUE] VALUES (literal, …)…;` as `InsertDataSplitter` counts it.
    var insertValuesAreLiterals: Bool {
        bytes.withUnsafeBytes { InsertDataSplitter.rows($0, sig) != nil }
    }

    /// Statements whose `SET name …` clause sets a parameter for later sessions or calls.
    var setsSessionDefaults: Bool {
        guard word(0) == "create" || word(0) == "alter" else { return false }
        var i = 1
        if word(1) == "or" && word(2) == "replace" { i = 3 }
        return ["function", "procedure", "routine", "database", "role", "user", "aggregate"].contains(word(i) ?? "")
    }

    /// Rules that hold in every statement, whatever its entry.
    func anywhereRule() -> String? {
        for (i, t) in sig.enumerated() {
            switch t.kind {
            case .quotedIdentifier, .string:
                if t.count >= 2 && bytes[t.start] | 0x20 == 0x75 && bytes[t.start + 1] == 0x26 {
                    return "a U&\"…\" identifier or U&'…' string: pg_dump never writes them (its names are plain or \"quoted\")"
                }
            case .identifier:
                // set_config('role' | 'session_authorization', …) anywhere.
                if word(i) == "set_config", isPunct(i + 1, 0x28), i + 2 < sig.count,
                   let v = SQLLexer.stringValue(bytes, sig[i + 2]).map({ $0.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 } }),
                   v == Array("role".utf8) || v == Array("session_authorization".utf8) {
                    return "set_config('\(String(decoding: v, as: UTF8.self))', …) changes who runs what follows"
                }
                // A SET role clause (CREATE FUNCTION … SET role TO r, ALTER DATABASE … SET role …).
                if i > 0, depth[i] == 0, word(i) == "set", setsSessionDefaults, let n = name(i + 1),
                   n == Array("role".utf8) || n == Array("session_authorization".utf8) {
                    return "a SET \(String(decoding: n, as: UTF8.self)) clause: whoever runs the function or connects would become another role"
                }
            default: break
            }
        }
        return nil
    }
}

/// Control bytes replaced by spaces, runs of spaces folded: a statement on one line.
func oneLineBytes(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(min(bytes.count, 120))
    for b in bytes {
        let c: UInt8 = (b == 0x0a || b == 0x0d || b == 0x09) ? 0x20 : b
        if c == 0x20 && (out.isEmpty || out.last == 0x20) { continue }
        out.append(c)
        if out.count > 100 { break }
    }
    return out
}

// MARK: - The stage every path shares

/// The guard as a stage in front of any visitor: every entry is checked (as read, before any
/// rewrite) before it is handed on, and COPY data must end at its `\.` line. In `.refuse` mode the
/// first violation throws (`DumpError.forbidden`, exit 65) so nothing after it reaches the next
/// visitor; in `.collect` mode (verify) every violation is kept in `violations`.
public final class GuardingVisitor: DumpVisitor {
    public enum Mode { case refuse, collect }
    private let next: DumpVisitor?
    private let mode: Mode
    private let file: String
    private var session: VocabularyGuard.Session?
    private let given: VocabularyGuard?
    private var copyEnd: CopyEndMarkerCheck?
    private var current: TOCEntry?
    /// Every violation found (in `.refuse` mode, the one that stopped the read).
    public private(set) var violations: [GuardViolation] = []
    /// The standard_conforming_strings used where an entry has no lexing state of its own.
    public var standardConformingStrings = true

    /// `guard`: nil builds one from the header event (version, database name, plain or not).
    public init(_ next: DumpVisitor?, file: String, mode: Mode = .refuse, guard g: VocabularyGuard? = nil) {
        self.next = next
        self.file = file
        self.mode = mode
        self.given = g
        if let g { session = VocabularyGuard.Session(g) }
    }

    private func report(_ v: [GuardViolation]) throws {
        guard !v.isEmpty else { return }
        violations += v
        if mode == .refuse { throw VocabularyGuard.refusal(v, file: file) }
    }

    public func header(_ header: ArchiveHeader, format: DumpFormatKind) throws {
        if session == nil { session = VocabularyGuard.Session(given ?? VocabularyGuard(header: header, format: format)) }
        try next?.header(header, format: format)
    }
    public func entry(_ entry: TOCEntry) throws {
        if session == nil { session = VocabularyGuard.Session(VocabularyGuard(dumpVersion: nil, databaseName: nil)) }
        if entry.desc == "STDSTRINGS" { standardConformingStrings = entry.defn.map { $0.firstRange(of: Array("'on'".utf8)) != nil } ?? true }
        try report(session!.check(entry, standardConformingStrings: standardConformingStrings))
        try next?.entry(entry)
    }
    public func beginData(_ entry: TOCEntry) throws {
        current = entry
        copyEnd = entry.copyStmt.map { $0.isEmpty } == false ? CopyEndMarkerCheck() : nil
        try next?.beginData(entry)
    }
    public func data(_ bytes: UnsafeRawBufferPointer) throws {
        if copyEnd != nil, let e = current {
            do { try copyEnd!.feed(bytes) } catch let err as CopyEndMarkerCheck.AfterEnd {
                let v = GuardViolation(dumpId: e.dumpId, desc: e.desc, entryLabel: e.label, offset: Int(err.offset), fileOffset: nil,
                                       field: "data", excerpt: shown(oneLineBytes(err.excerpt), limit: 80),
                                       rule: "COPY data continues after its end marker '\\.' (psql would run it as SQL)")
                copyEnd = nil
                try report([v])
            }
        }
        try next?.data(bytes)
    }
    public func beginLargeObject(oid: UInt32) throws { try next?.beginLargeObject(oid: oid) }
    public func endLargeObject(oid: UInt32) throws { try next?.endLargeObject(oid: oid) }
    public func endData(_ entry: TOCEntry) throws { current = nil; copyEnd = nil; try next?.endData(entry) }
    public func finish(totalBytes: Int64) throws { try next?.finish(totalBytes: totalBytes) }
}
