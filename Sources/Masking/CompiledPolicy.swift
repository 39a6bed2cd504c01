import DumpFormat
import Foundation

/// A policy checked against a dump (`verify --policy`, and `restore` before it contacts the
/// server): every table and column exists, each transformer fits its column's type, unique and
/// primary-key columns keep unique values, a foreign key's columns are masked as the key they
/// reference. Refusals name the policy file and line.
public final class CompiledPolicy: @unchecked Sendable {
    public struct Plan: @unchecked Sendable {
        public var table: String
        public var rule: DataPolicy.TableRule
        public var info: DumpTables.Table?
        public var filter: RowFilter?
        public var kinds: [String: RowFilter.Kind] = [:]
    }
    public let policy: DataPolicy
    public let key: [UInt8]
    public let tables: DumpTables
    /// What will happen, one line per table the policy touches.
    public private(set) var summary: [String] = []
    /// Warnings (patterns that match no table…).
    public private(set) var warnings: [String] = []
    private var plans: [String: Plan] = [:]

    public init(_ policy: DataPolicy, entries: [TOCEntry], key: [UInt8]) throws {
        self.policy = policy
        self.key = key
        tables = DumpTables(entries: entries)
        func refuse(_ line: Int, _ m: String) -> PolicyError { PolicyError(file: policy.file, line: line, m, kind: .data) }
        for rule in policy.tables where !rule.isPattern {
            guard tables.tables[rule.pattern] != nil else { throw refuse(rule.line, "table \(rule.pattern) is not in the dump") }
        }
        for rule in policy.tables where rule.isPattern {
            if !tables.order.contains(where: { DataPolicy.glob(rule.pattern, $0) }) { warnings.append("\(policy.file):\(rule.line): \(rule.pattern) matches no table of the dump") }
        }
        var masked: [String: [String: String]] = [:]  // table → column → transformer summary
        for name in tables.order {
            // A partition follows its own rule, else its nearest ancestor's; it has the columns,
            // keys and types of the partitioned table it belongs to.
            let lineage = tables.lineage(name).compactMap { tables.tables[$0] }
            guard var t = lineage.first,
                  let (rule, ruleOf) = lineage.lazy.compactMap({ a in policy.rule(schema: a.schema, table: a.name).map { ($0, a) } }).first
            else { continue }
            for a in lineage.dropFirst() {
                if t.columns.isEmpty { t.columns = a.columns }
                if t.primaryKey.isEmpty { t.primaryKey = a.primaryKey }
                t.unique.formUnion(a.unique)
            }
            let shown = ruleOf.name == t.name && ruleOf.schema == t.schema ? name : "\(name) (partition of \(ruleOf.schema).\(ruleOf.name))"
            var plan = Plan(table: name, rule: rule, info: t)
            if !rule.data {
                summary.append("\(shown): data left out")
                plans[name] = plan
                continue
            }
            if t.dataIsInserts && (rule.whereText != nil || rule.samplePercent != nil || !rule.columns.isEmpty) {
                throw refuse(rule.line, "\(name): the dump holds its data as INSERT statements (pg_dump --inserts); a policy masks or filters COPY data only")
            }
            if let w = rule.whereText {
                do { plan.filter = try RowFilter.parse(w) } catch { throw refuse(rule.whereLine, "\(name): \(error)") }
                for c in plan.filter?.columns ?? [] {
                    guard let col = t.column(c) else { throw refuse(rule.whereLine, "\(name): where names column \(c), which the table does not have") }
                    if col.generated { throw refuse(rule.whereLine, "\(name): where names the generated column \(c), which is not in the data") }
                    plan.kinds[c] = RowFilter.kind(ofType: col.baseType)
                }
            }
            for c in rule.columns {
                guard let col = t.column(c.column) else { throw refuse(c.line, "\(name): no column \(c.column) (columns: \(t.columns.map(\.name).joined(separator: ", ")))") }
                try Self.fits(c.transformer, col, unique: t.unique.contains(c.column), table: name, line: c.line, file: policy.file)
                var identity = Self.identity(c.transformer, "\(name).\(c.column)")
                if case .hash(.integer) = c.transformer, let max = col.integerMax {
                    // The range is the type's: an integer key and a bigint reference hash apart.
                    identity += " in 1…\(max)"
                    if max <= UInt64(Int16.max), t.unique.contains(c.column) {
                        warnings.append("\(policy.file):\(c.line): \(name).\(c.column) is a unique smallint: hashed into 1…32767, values may collide")
                    }
                }
                masked[name, default: [:]][c.column] = identity
            }
            var parts: [String] = []
            if let w = rule.whereText { parts.append("rows where \(w)") }
            if let p = rule.samplePercent { parts.append("a \(p)% sample by \(t.primaryKey.isEmpty ? "the whole row" : "primary key (\(t.primaryKey.joined(separator: ", ")))")") }
            if !rule.columns.isEmpty { parts.append(rule.columns.map { "\($0.column): \($0.transformer.summary)" }.joined(separator: "; ")) }
            summary.append("\(shown): " + (parts.isEmpty ? "unchanged" : parts.joined(separator: "; ")))
            plans[name] = plan
        }
        // Rows whose parent a filter drops would break the foreign key when it is added.
        for fk in tables.foreignKeys where fk.table != fk.parent {
            guard let parent = plans[fk.parent], parent.filter != nil || parent.rule.samplePercent != nil || !parent.rule.data else { continue }
            warnings.append("\(policy.file):\(parent.rule.line): \(fk.parent) is filtered, and \(fk.table) references it (\(fk.columns.joined(separator: ", "))): a row whose parent is dropped fails that foreign key; filter \(fk.table) to match")
        }
        // A foreign key still joins only if its columns are masked exactly as the key it references.
        for fk in tables.foreignKeys {
            for (c, pc) in zip(fk.columns, fk.parentColumns) {
                let mine = masked[fk.table]?[c], theirs = masked[fk.parent]?[pc]
                guard mine != theirs else { continue }
                let rule = policy.rule(schema: tables.tables[fk.table]?.schema ?? "", table: tables.tables[fk.table]?.name ?? "")
                    ?? policy.rule(schema: tables.tables[fk.parent]?.schema ?? "", table: tables.tables[fk.parent]?.name ?? "")
                let line = rule?.columns.first(where: { $0.column == c })?.line ?? rule?.line ?? 0
                throw refuse(line, "\(fk.table).\(c) references \(fk.parent).\(pc): both must be masked alike (\(mine ?? "unmasked") vs \(theirs ?? "unmasked")), or the key no longer joins")
            }
        }
    }

    /// Transformers that give equal outputs for equal inputs compare equal here.
    /// (A template with `{row}` numbers the rows of its own table: it matches nothing elsewhere.)
    static func identity(_ t: Transformer, _ column: String) -> String {
        if case .template(let s) = t, s.contains("{row}") { return "template with {row} in \(column)" }
        return t.summary
    }

    static func fits(_ t: Transformer, _ col: DumpTables.Column, unique: Bool, table: String, line: Int, file: String) throws {
        func refuse(_ m: String) -> PolicyError {
            PolicyError(file: file, line: line, "\(table).\(col.name) (\(col.type)): \(m)", kind: .data)
        }
        if col.isArray { throw refuse("array columns cannot be masked") }
        if col.generated { throw refuse("a generated column is computed by the server, not held in the data: mask the columns it is computed from") }
        // Outputs of a known length must fit a character varying(n) / character(n).
        if let n = col.maxLength {
            let length: Int? = switch t {
            case .hash(.text): 24
            case .hash(.email): 34
            case .hash(.uuid): 36
            case .email(let d): d.map { 14 + $0.count }
            default: nil
            }
            if let length, length > n { throw refuse("\(t.summary) writes \(length) characters; the column holds \(n)") }
        }
        switch t {
        case .set(let v):
            if v == nil && col.notNull { throw refuse("set: null on a NOT NULL column") }
            if v != nil && unique { throw refuse("a unique or primary-key column cannot be set to one constant (use hash or template)") }
            if let v, col.integerMax != nil, Int64(v) == nil { throw refuse("set: '\(v)' is not an integer") }
        case .hash(let kind):
            switch kind {
            case .integer: if col.integerMax == nil { throw refuse("hash: integer needs an integer column") }
            case .uuid: if !(col.baseType == "uuid" || col.isTextual) { throw refuse("hash: uuid needs a uuid or text column") }
            case .text, .email: if !col.isTextual { throw refuse("hash: \(kind.rawValue) needs a text column") }
            }
        case .email, .regexReplace, .template, .fake, .truncate:
            if !col.isTextual { throw refuse("\(t.name) needs a text column") }
            if unique, case .fake = t { throw refuse("fake values repeat: a unique column needs hash or template") }
            if unique, case .truncate = t { throw refuse("truncate makes values collide: a unique column needs hash or template") }
        case .json(_, let then):
            if !col.isJSON { throw refuse("json needs a json or jsonb column") }
            if case .hash(.integer) = then { throw refuse("json: hash integer is not supported inside JSON") }
        }
    }

    func plan(schema: String, table: String) -> Plan? { plans["\(schema).\(table)"] }
}
