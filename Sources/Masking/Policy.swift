import Foundation
import Yams

/// A data policy (`--policy FILE`): per table, whether its data goes in at all, which rows are
/// kept (`where`, `sample`), and how columns are masked. Parsed from YAML (Yams) with the line of
/// every rule kept, so each refusal names the policy file and line. Pure: nothing here reads a
/// dump or a server; `PolicyCompiler` checks a policy against a dump.
public struct DataPolicy: Sendable {
    public struct TableRule: Sendable {
        /// `schema.table` as written; `*` matches any run of characters.
        public var pattern: String
        public var line: Int
        public var data = true
        public var whereText: String?
        public var whereLine: Int = 0
        /// Percent of rows kept (0…100), chosen by a hash of the primary key.
        public var samplePercent: Double?
        public var sampleLine: Int = 0
        public var columns: [ColumnRule] = []
        public var isPattern: Bool { pattern.contains("*") }
    }
    public struct ColumnRule: Sendable {
        public var column: String
        public var transformer: Transformer
        public var line: Int
    }

    public var file: String
    public var tables: [TableRule]

    /// The policy for a table: an exact name first, else the first pattern that matches.
    public func rule(schema: String, table: String) -> TableRule? {
        let name = "\(schema).\(table)"
        if let exact = tables.first(where: { !$0.isPattern && $0.pattern == name }) { return exact }
        return tables.first(where: { $0.isPattern && Self.glob($0.pattern, name) })
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8), t = Array(text.utf8)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && p[pi] == t[ti] { pi += 1; ti += 1 }
            else if pi < p.count && p[pi] == UInt8(ascii: "*") { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// Reads a policy file (`-` is not allowed: stdin may carry the dump).
    public static func load(path: String) throws -> DataPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(file: path, line: nil, "cannot read the policy file", kind: .usage)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(file: path, line: nil, "the policy file is not UTF-8", kind: .usage)
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> DataPolicy {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            throw PolicyError(file: file, line: Self.line(of: e), "not valid YAML: \(oneLine("\(e)"))", kind: .usage)
        } catch {
            throw PolicyError(file: file, line: nil, "not valid YAML: \(error)", kind: .usage)
        }
        guard let root, let top = root.mapping else {
            throw PolicyError(file: file, line: root.map(line) ?? 1, "a policy is a mapping with a `tables:` key", kind: .usage)
        }
        var policy = DataPolicy(file: file, tables: [])
        for (k, v) in top {
            guard k.string == "tables" else {
                throw PolicyError(file: file, line: line(k), "unknown key `\(k.string ?? "?")` (expected `tables`)", kind: .usage)
            }
            guard let tables = v.mapping else {
                throw PolicyError(file: file, line: line(v), "`tables:` is a mapping of `schema.table` to its rules", kind: .usage)
            }
            for (tk, tv) in tables {
                guard let name = tk.string, name.split(separator: ".", omittingEmptySubsequences: false).count == 2 else {
                    throw PolicyError(file: file, line: line(tk), "a table is named `schema.table` (got `\(tk.string ?? "?")`)", kind: .usage)
                }
                if policy.tables.contains(where: { $0.pattern == name }) {
                    throw PolicyError(file: file, line: line(tk), "table \(name) appears twice", kind: .usage)
                }
                policy.tables.append(try parseTable(name, tv, line: line(tk), file: file))
            }
        }
        return policy
    }

    private static func parseTable(_ name: String, _ node: Node, line tableLine: Int, file: String) throws -> TableRule {
        var rule = TableRule(pattern: name, line: tableLine)
        guard let m = node.mapping else {
            throw PolicyError(file: file, line: line(node), "the rules of \(name) are a mapping (data, where, sample, columns)", kind: .usage)
        }
        for (k, v) in m {
            switch k.string {
            case "data":
                guard let b = v.bool else { throw PolicyError(file: file, line: line(v), "`data:` is true or false", kind: .usage) }
                rule.data = b
            case "where":
                guard let s = v.string, !s.isEmpty else { throw PolicyError(file: file, line: line(v), "`where:` is an expression in a string", kind: .usage) }
                rule.whereText = s
                rule.whereLine = line(v)
            case "sample":
                let s = (v.string ?? "").trimmingCharacters(in: .whitespaces)
                guard s.hasSuffix("%"), let p = Double(s.dropLast().trimmingCharacters(in: .whitespaces)), p >= 0, p <= 100 else {
                    throw PolicyError(file: file, line: line(v), "`sample:` is a percentage such as `10%`", kind: .usage)
                }
                rule.samplePercent = p
                rule.sampleLine = line(v)
            case "columns":
                guard let cols = v.mapping else { throw PolicyError(file: file, line: line(v), "`columns:` maps column names to transformers", kind: .usage) }
                for (ck, cv) in cols {
                    guard let c = ck.string, !c.isEmpty else { throw PolicyError(file: file, line: line(ck), "a column name is a string", kind: .usage) }
                    if rule.columns.contains(where: { $0.column == c }) {
                        throw PolicyError(file: file, line: line(ck), "column \(c) of \(name) appears twice", kind: .usage)
                    }
                    rule.columns.append(.init(column: c, transformer: try Transformer.parse(cv, file: file), line: line(ck)))
                }
            default:
                throw PolicyError(file: file, line: line(k), "unknown key `\(k.string ?? "?")` for \(name) (expected data, where, sample, columns)", kind: .usage)
            }
        }
        if !rule.data && (rule.whereText != nil || rule.samplePercent != nil || !rule.columns.isEmpty) {
            throw PolicyError(file: file, line: tableLine, "\(name): `data: false` leaves the data out; where, sample and columns make no sense beside it", kind: .usage)
        }
        return rule
    }

    static func line(_ node: Node) -> Int { (node.mark?.line).map { $0 } ?? 0 }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }
}

func oneLine(_ s: String) -> String {
    s.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
}

/// A refusal of the policy: the file, the line (when known) and what was expected. `usage` for
/// a policy that is wrong in itself (exit 64), `data` for one that does not fit the dump (65).
public struct PolicyError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case usage, data }
    public var file: String
    public var line: Int?
    public var message: String
    public var kind: Kind
    public init(file: String, line: Int?, _ message: String, kind: Kind) {
        self.file = file; self.line = line; self.message = message; self.kind = kind
    }
    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
}

extension Node {
    /// A YAML null: `null`, `~`, or nothing, unquoted.
    var isNull: Bool {
        guard case .scalar(let s) = self else { return false }
        return s.style == .plain && ["null", "Null", "NULL", "~", ""].contains(s.string)
    }
}
