import DumpFormat
import Foundation

/// What the policy needs to know of a dump's tables: their columns with types and NOT NULL
/// (the TABLE entry's `CREATE TABLE`), primary-key and unique columns (CONSTRAINT entries) and
/// foreign keys (FK CONSTRAINT entries), read with the SQL lexer.
public struct DumpTables: Sendable {
    public struct Column: Sendable {
        public var name: String
        public var type: String
        public var notNull: Bool
        /// `GENERATED ALWAYS AS (…) STORED`: computed by the server, not in the COPY data.
        public var generated = false
    }
    public struct Table: Sendable {
        public var schema: String
        public var name: String
        public var columns: [Column] = []
        public var primaryKey: [String] = []
        public var unique: Set<String> = []
        public var hasData = false
        public var dataIsInserts = false
        public func column(_ n: String) -> Column? { columns.first { $0.name == n } }
    }
    public struct ForeignKey: Sendable {
        public var table: String, columns: [String], parent: String, parentColumns: [String]
    }
    /// By `schema.table`.
    public var tables: [String: Table] = [:]
    public var order: [String] = []
    public var foreignKeys: [ForeignKey] = []
    /// A partition's parent (`ATTACH PARTITION` in a TABLE ATTACH or, before pg_dump 14, a
    /// TABLE entry; `PARTITION OF`): a policy on a partitioned table covers its partitions.
    public var parent: [String: String] = [:]

    /// `key` and then its ancestors, nearest first.
    public func lineage(_ key: String) -> [String] {
        var out = [key]
        var k = key
        while let p = parent[k], !out.contains(p) { out.append(p); k = p }
        return out
    }

    public init(entries: [TOCEntry]) {
        for e in entries where e.desc == "TABLE" {
            guard let ns = e.namespace, let tag = e.tag else { continue }
            var t = Table(schema: text(ns), name: text(tag))
            if let d = e.defn { t.columns = Self.columns(d, e.lexState ?? SQLLexState()) }
            let key = "\(t.schema).\(t.name)"
            if tables[key] == nil { order.append(key) }
            tables[key] = t
        }
        for e in entries where e.desc == "TABLE DATA" {
            guard let ns = e.namespace, let tag = e.tag else { continue }
            let key = "\(text(ns)).\(text(tag))"
            tables[key]?.hasData = true
            tables[key]?.dataIsInserts = e.isInsertData
        }
        for e in entries where e.desc == "TABLE" || e.desc == "TABLE ATTACH" {
            guard let d = e.defn else { continue }
            let w = Self.words(d, e.lexState ?? SQLLexState())
            for i in w.indices.dropLast(4) {
                // (Before pg_dump 14 the TABLE entry holds `CREATE TABLE …; ALTER TABLE ONLY … ATTACH PARTITION …`.)
                if w[i].word == "ATTACH", w[i + 1].word == "PARTITION", w[i + 3].text == ".",
                   let alter = w[..<i].lastIndex(where: { $0.word == "ALTER" }), let p = Self.alterTarget(Array(w[alter..<i])) {
                    parent["\(w[i + 2].name).\(w[i + 4].name)"] = p
                }
                if w[i].word == "PARTITION", w[i + 1].word == "OF", w[i + 3].text == ".", let ns = e.namespace, let tag = e.tag {
                    parent["\(text(ns)).\(text(tag))"] = "\(w[i + 2].name).\(w[i + 4].name)"
                }
            }
        }
        for e in entries where e.desc == "CONSTRAINT" || e.desc == "FK CONSTRAINT" {
            guard let d = e.defn else { continue }
            let words = Self.words(d, e.lexState ?? SQLLexState())
            guard let tableKey = Self.alterTarget(words) else { continue }
            if let k = Self.after(words, ["PRIMARY", "KEY"]) { tables[tableKey]?.primaryKey = k; tables[tableKey]?.unique.formUnion(k) }
            if let k = Self.after(words, ["UNIQUE"]), k.count == 1 { tables[tableKey]?.unique.formUnion(k) }
            if let k = Self.after(words, ["FOREIGN", "KEY"]), let r = words.firstIndex(where: { $0.word == "REFERENCES" }) {
                var j = r + 1
                var parent = words.indices.contains(j) ? words[j].name : ""
                if words.indices.contains(j + 2), words[j + 1].text == "." { parent += "." + words[j + 2].name; j += 2 }
                if let pc = Self.list(words, from: j + 1) { foreignKeys.append(.init(table: tableKey, columns: k, parent: parent, parentColumns: pc)) }
            }
        }
    }

    struct Word { var text: String; var name: String; var word: String; var kind: SQLTokenKind }

    static func words(_ d: [UInt8], _ state: SQLLexState) -> [Word] {
        SQLLexer(state).tokenize(d).filter { !$0.kind.isTrivia }.map { t in
            let raw = String(decoding: d[t.range], as: UTF8.self)
            let name = (t.kind == .identifier || t.kind == .quotedIdentifier) ? SQLLexer.identifierName(d, t).map { String(decoding: $0, as: UTF8.self) } ?? raw : raw
            return Word(text: raw, name: name, word: t.kind == .identifier ? raw.uppercased() : "", kind: t.kind)
        }
    }

    /// `ALTER TABLE [ONLY] schema.table`: `schema.table`.
    static func alterTarget(_ w: [Word]) -> String? {
        guard w.count > 4, w[0].word == "ALTER", w[1].word == "TABLE" else { return nil }
        let i = w[2].word == "ONLY" ? 3 : 2
        guard w.count > i + 2, w[i + 1].text == "." else { return nil }
        return "\(w[i].name).\(w[i + 2].name)"
    }

    static func after(_ w: [Word], _ keywords: [String]) -> [String]? {
        guard w.count > keywords.count else { return nil }
        for i in 0...(w.count - keywords.count) where keywords.indices.allSatisfy({ w[i + $0].word == keywords[$0] }) {
            return list(w, from: i + keywords.count)
        }
        return nil
    }

    /// `( a, b )` at `from`: the names.
    static func list(_ w: [Word], from: Int) -> [String]? {
        guard w.indices.contains(from), w[from].text == "(" else { return nil }
        var out: [String] = []
        var j = from + 1
        while j < w.count, w[j].text != ")" {
            if w[j].text != "," { out.append(w[j].name) }
            j += 1
        }
        return out
    }

    /// The column list of a `CREATE TABLE name (…)`: each column's name, type and NOT NULL.
    static func columns(_ d: [UInt8], _ state: SQLLexState) -> [Column] {
        let toks = SQLLexer(state).tokenize(d).filter { !$0.kind.isTrivia }
        guard let open = toks.firstIndex(where: { $0.kind == .punctuation && d[$0.start] == UInt8(ascii: "(") }) else { return [] }
        var elements: [[SQLToken]] = [[]]
        var depth = 0
        for t in toks[(open + 1)...] {
            if t.kind == .punctuation {
                let c = d[t.start]
                if c == UInt8(ascii: "(") { depth += 1 }
                if c == UInt8(ascii: ")") { if depth == 0 { break }; depth -= 1 }
                if c == UInt8(ascii: ","), depth == 0 { elements.append([]); continue }
            }
            elements[elements.count - 1].append(t)
        }
        let stops: Set<String> = ["NOT", "NULL", "DEFAULT", "COLLATE", "CONSTRAINT", "CHECK", "GENERATED", "REFERENCES", "PRIMARY", "UNIQUE", "STORAGE", "COMPRESSION"]
        var out: [Column] = []
        for el in elements {
            guard let first = el.first, first.kind == .identifier || first.kind == .quotedIdentifier,
                  let nameBytes = SQLLexer.identifierName(d, first) else { continue }
            let firstWord = String(decoding: d[first.range], as: UTF8.self).uppercased()
            if first.kind == .identifier && ["CONSTRAINT", "CHECK", "UNIQUE", "PRIMARY", "FOREIGN", "EXCLUDE", "LIKE"].contains(firstWord) { continue }
            var typeEnd = el.count
            var notNull = false
            var generated = false
            for k in 1..<el.count where el[k].kind == .identifier {
                let w = String(decoding: d[el[k].range], as: UTF8.self).uppercased()
                if stops.contains(w) && typeEnd == el.count { typeEnd = k }
                if w == "NOT", k + 1 < el.count, String(decoding: d[el[k + 1].range], as: UTF8.self).uppercased() == "NULL" { notNull = true }
                if w == "GENERATED", k + 3 < el.count, el[k + 3].kind == .punctuation { generated = true }
            }
            guard typeEnd > 1 else { continue }
            let type = String(decoding: d[el[1].start..<el[typeEnd - 1].end], as: UTF8.self)
                .split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
            out.append(Column(name: String(decoding: nameBytes, as: UTF8.self), type: type, notNull: notNull, generated: generated))
        }
        return out
    }
}

func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

extension DumpTables.Column {
    /// The type without `(n)` and schema qualification, lower case (`character varying`, `timestamp with time zone`).
    public var baseType: String {
        var t = type.lowercased()
        if let p = t.firstIndex(of: "(") {
            let close = t[p...].firstIndex(of: ")") ?? t.endIndex
            t = String(t[..<p]) + (close < t.endIndex ? String(t[t.index(after: close)...]) : "")
        }
        if t.hasPrefix("pg_catalog.") { t.removeFirst("pg_catalog.".count) }
        if t.hasPrefix("public.") { t.removeFirst("public.".count) }
        return t.trimmingCharacters(in: .whitespaces)
    }
    var isArray: Bool { type.hasSuffix("]") }
    /// n of `character varying(n)` / `character(n)`.
    var maxLength: Int? {
        guard isTextual, let open = type.firstIndex(of: "("), let close = type.firstIndex(of: ")"), open < close else { return nil }
        return Int(type[type.index(after: open)..<close].trimmingCharacters(in: .whitespaces))
    }
    var integerMax: UInt64? {
        switch baseType {
        case "smallint", "int2": UInt64(Int16.max)
        case "integer", "int", "int4": UInt64(Int32.max)
        case "bigint", "int8": UInt64(Int64.max)
        default: nil
        }
    }
    var isTextual: Bool {
        ["text", "character varying", "varchar", "character", "char", "citext", "name", "bpchar"].contains(baseType)
    }
    var isJSON: Bool { ["json", "jsonb"].contains(baseType) }
}
