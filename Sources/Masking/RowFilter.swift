import DumpFormat
import Foundation

/// A `where:` expression: a small subset of SQL evaluated on the client against each COPY row,
/// never sent to a server. A column compared (`=`, `<>`, `!=`, `<`, `<=`, `>`, `>=`) with a
/// literal or `now()` ± `interval '…'`; `IN (…)`, `IS [NOT] NULL`, `[NOT] LIKE`; `AND`, `OR`,
/// `NOT`, parentheses. Comparisons follow the column's type: numbers, dates and timestamps
/// (a timestamp without time zone is read as UTC), booleans, else text (byte order). NULL
/// compares as unknown, and a row is kept only when the whole expression is true.
public indirect enum RowFilter: Sendable {
    public enum Op: String, Sendable { case eq = "=", ne = "<>", lt = "<", le = "<=", gt = ">", ge = ">=" }
    public enum Literal: Sendable, Equatable {
        case text(String)
        case number(Double)
        /// now() ± seconds, fixed when the stage starts.
        case now(offset: Double)
    }
    case compare(column: String, Op, Literal)
    case isNull(column: String, negated: Bool)
    case inList(column: String, [Literal], negated: Bool)
    case like(column: String, pattern: String, negated: Bool)
    case and(RowFilter, RowFilter)
    case or(RowFilter, RowFilter)
    case not(RowFilter)

    public var columns: Set<String> {
        switch self {
        case .compare(let c, _, _), .isNull(let c, _), .inList(let c, _, _), .like(let c, _, _): [c]
        case .and(let a, let b), .or(let a, let b): a.columns.union(b.columns)
        case .not(let a): a.columns
        }
    }

    // MARK: Parsing

    public static func parse(_ text: String) throws -> RowFilter {
        var p = Parser(text)
        let e = try p.expression()
        guard p.atEnd else { throw p.error("unexpected `\(p.peekText)`") }
        return e
    }

    public struct ParseError: Error, CustomStringConvertible { public var description: String }

    struct Parser {
        let bytes: [UInt8]
        let tokens: [SQLToken]
        var i = 0
        init(_ text: String) {
            bytes = Array(text.utf8)
            tokens = SQLLexer.tokenize(bytes).filter { !$0.kind.isTrivia }
        }
        var atEnd: Bool { i >= tokens.count }
        var peekText: String { atEnd ? "end" : String(decoding: bytes[tokens[i].range], as: UTF8.self) }
        func error(_ m: String) -> ParseError { ParseError(description: "where: \(m)") }
        func isWord(_ w: String) -> Bool {
            !atEnd && tokens[i].kind == .identifier && peekText.lowercased() == w
        }
        mutating func word(_ w: String) -> Bool { if isWord(w) { i += 1; return true }; return false }
        mutating func punct(_ s: String) -> Bool {
            if !atEnd && (tokens[i].kind == .punctuation || tokens[i].kind == .operator) && peekText == s { i += 1; return true }
            return false
        }
        mutating func expression() throws -> RowFilter {
            var e = try conjunction()
            while word("or") { e = .or(e, try conjunction()) }
            return e
        }
        mutating func conjunction() throws -> RowFilter {
            var e = try negation()
            while word("and") { e = .and(e, try negation()) }
            return e
        }
        mutating func negation() throws -> RowFilter {
            if word("not") { return .not(try negation()) }
            if punct("(") {
                let e = try expression()
                guard punct(")") else { throw error("expected `)` before `\(peekText)`") }
                return e
            }
            return try predicate()
        }
        mutating func predicate() throws -> RowFilter {
            guard !atEnd, tokens[i].kind == .identifier || tokens[i].kind == .quotedIdentifier,
                  let name = SQLLexer.identifierName(bytes, tokens[i]) else { throw error("expected a column name before `\(peekText)`") }
            let column = String(decoding: name, as: UTF8.self)
            i += 1
            if word("is") {
                let neg = word("not")
                guard word("null") else { throw error("expected NULL after IS") }
                return .isNull(column: column, negated: neg)
            }
            let neg = word("not")
            if word("in") {
                guard punct("(") else { throw error("expected `(` after IN") }
                var list: [Literal] = [try literal()]
                while punct(",") { list.append(try literal()) }
                guard punct(")") else { throw error("expected `)` to end the IN list") }
                return .inList(column: column, list, negated: neg)
            }
            if word("like") {
                guard case .text(let p) = try literal() else { throw error("LIKE takes a string") }
                return .like(column: column, pattern: p, negated: neg)
            }
            if neg { throw error("expected IN or LIKE after NOT") }
            guard !atEnd, tokens[i].kind == .operator else { throw error("expected a comparison after \(column), not `\(peekText)`") }
            let o = peekText == "!=" ? "<>" : peekText
            guard let op = Op(rawValue: o) else { throw error("unknown operator `\(o)`") }
            i += 1
            return .compare(column: column, op, try literal())
        }
        mutating func literal() throws -> Literal {
            guard !atEnd else { throw error("expected a value at the end") }
            let t = tokens[i]
            if t.kind == .string || t.kind == .escapeString, let v = SQLLexer.stringValue(bytes, t) {
                i += 1
                return .text(String(decoding: v, as: UTF8.self))
            }
            var sign = 1.0
            if t.kind == .operator && (peekText == "-" || peekText == "+") {
                sign = peekText == "-" ? -1 : 1
                i += 1
            }
            if !atEnd && tokens[i].kind == .number, let d = Double(peekText.replacingOccurrences(of: "_", with: "")) {
                i += 1
                return .number(sign * d)
            }
            if word("now") || word("current_timestamp") {
                if !atEnd && peekText == "(" { i += 1; guard punct(")") else { throw error("expected `()` after now") } }
                var offset = 0.0
                while !atEnd && tokens[i].kind == .operator && (peekText == "-" || peekText == "+") {
                    let s = peekText == "-" ? -1.0 : 1.0
                    i += 1
                    guard word("interval"), !atEnd, tokens[i].kind == .string, let v = SQLLexer.stringValue(bytes, tokens[i]) else {
                        throw error("expected interval '…' after now() \(s < 0 ? "-" : "+")")
                    }
                    i += 1
                    offset += s * (try Self.interval(String(decoding: v, as: UTF8.self)))
                }
                return .now(offset: offset)
            }
            if word("true") { return .text("t") }
            if word("false") { return .text("f") }
            throw error("expected a literal, not `\(peekText)`")
        }
        static func interval(_ s: String) throws -> Double {
            let units: [String: Double] = ["second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800,
                                           "month": 2_592_000, "year": 31_557_600]
            let words = s.lowercased().split(whereSeparator: { $0 == " " })
            guard !words.isEmpty, words.count % 2 == 0 else { throw ParseError(description: "where: interval '\(s)' is `N unit …`") }
            var total = 0.0
            for k in stride(from: 0, to: words.count, by: 2) {
                var u = String(words[k + 1])
                if u.hasSuffix("s") { u.removeLast() }
                if u == "min" { u = "minute" }
                if u == "sec" { u = "second" }
                guard let n = Double(words[k]), let f = units[u] else { throw ParseError(description: "where: interval '\(s)' is `N unit …` (second … year)") }
                total += n * f
            }
            return total
        }
    }

    // MARK: Evaluation

    /// How a column's values compare.
    public enum Kind: Sendable { case number, time, boolean, text }

    public static func kind(ofType type: String) -> Kind {
        let t = type.lowercased()
        if ["smallint", "integer", "bigint", "int", "int2", "int4", "int8", "real", "double precision", "float4", "float8"].contains(t)
            || t.hasPrefix("numeric") || t.hasPrefix("decimal") { return .number }
        if t.hasPrefix("timestamp") || t == "date" { return .time }
        if t == "boolean" || t == "bool" { return .boolean }
        return .text
    }

    /// true, false, or nil for unknown (SQL's three values).
    func evaluate(_ value: (String) -> String?, kinds: [String: Kind], now: Double) -> Bool? {
        switch self {
        case .and(let a, let b):
            let x = a.evaluate(value, kinds: kinds, now: now), y = b.evaluate(value, kinds: kinds, now: now)
            if x == false || y == false { return false }
            return x == true && y == true ? true : nil
        case .or(let a, let b):
            let x = a.evaluate(value, kinds: kinds, now: now), y = b.evaluate(value, kinds: kinds, now: now)
            if x == true || y == true { return true }
            return x == false && y == false ? false : nil
        case .not(let a): return a.evaluate(value, kinds: kinds, now: now).map { !$0 }
        case .isNull(let c, let neg): return (value(c) == nil) != neg
        case .like(let c, let p, let neg):
            guard let v = value(c) else { return nil }
            return Self.like(Array(v.utf8)[...], Array(p.utf8)[...]) != neg
        case .compare(let c, let op, let lit):
            guard let v = value(c) else { return nil }
            guard let r = Self.compare(v, lit, kinds[c] ?? .text, now: now) else { return nil }
            switch op {
            case .eq: return r == 0
            case .ne: return r != 0
            case .lt: return r < 0
            case .le: return r <= 0
            case .gt: return r > 0
            case .ge: return r >= 0
            }
        case .inList(let c, let list, let neg):
            guard let v = value(c) else { return nil }
            let k = kinds[c] ?? .text
            return list.contains(where: { Self.compare(v, $0, k, now: now) == 0 }) != neg
        }
    }

    static func compare(_ v: String, _ lit: Literal, _ kind: Kind, now: Double) -> Int? {
        func cmp<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        switch kind {
        case .number:
            guard let a = Double(v) else { return nil }
            switch lit {
            case .number(let b): return cmp(a, b)
            case .text(let s): return Double(s).map { cmp(a, $0) }
            case .now: return nil
            }
        case .time:
            guard let a = Timestamps.seconds(v) else { return nil }
            switch lit {
            case .now(let o): return cmp(a, now + o)
            case .text(let s): return Timestamps.seconds(s).map { cmp(a, $0) }
            case .number: return nil
            }
        case .boolean:
            guard case .text(let s) = lit else { return nil }
            let b = ["t", "true", "yes", "on", "1"].contains(s.lowercased()) ? "t" : "f"
            return cmp(v, b)
        case .text:
            switch lit {
            case .text(let s):
                let a = Array(v.utf8), b = Array(s.utf8)
                return a == b ? 0 : (a.lexicographicallyPrecedes(b) ? -1 : 1)
            case .number(let n): return cmp(v, n == n.rounded() ? String(Int64(n)) : String(n))
            case .now: return nil
            }
        }
    }

    /// LIKE with `%` and `_` (and `\` escaping the next byte), over bytes.
    static func like(_ s: ArraySlice<UInt8>, _ p: ArraySlice<UInt8>) -> Bool {
        guard let c = p.first else { return s.isEmpty }
        if c == UInt8(ascii: "%") {
            var rest = s
            while true {
                if like(rest, p.dropFirst()) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        }
        guard let d = s.first else { return false }
        if c == UInt8(ascii: "_") { return like(s.dropFirst(), p.dropFirst()) }
        if c == UInt8(ascii: "\\"), p.count > 1 { return d == p[p.startIndex + 1] && like(s.dropFirst(), p.dropFirst(2)) }
        return c == d && like(s.dropFirst(), p.dropFirst())
    }
}

/// Dates and timestamps as COPY writes them with DateStyle ISO: `YYYY-MM-DD[ HH:MM:SS[.f]][±HH[:MM[:SS]]]`,
/// `infinity`, `-infinity`; seconds since the epoch (no zone: UTC).
enum Timestamps {
    static func seconds(_ s: String) -> Double? {
        if s == "infinity" { return .infinity }
        if s == "-infinity" { return -.infinity }
        let b = Array(s.utf8)
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<(i + n) { guard b[k] >= 48 && b[k] <= 57 else { return nil }; v = v * 10 + Int(b[k] - 48) }
            i += n
            return v
        }
        guard let y = num(4), i < b.count, b[i] == 45 else { return nil }
        i += 1
        guard let mo = num(2), i < b.count, b[i] == 45 else { return nil }
        i += 1
        guard let d = num(2) else { return nil }
        var secs = Double(daysFromCivil(y, mo, d)) * 86400
        if i < b.count && (b[i] == 32 || b[i] == 84) {
            i += 1
            guard let h = num(2), i < b.count, b[i] == 58 else { return nil }
            i += 1
            guard let mi = num(2) else { return nil }
            secs += Double(h * 3600 + mi * 60)
            if i < b.count && b[i] == 58 {
                i += 1
                guard let se = num(2) else { return nil }
                secs += Double(se)
                if i < b.count && b[i] == 46 {
                    i += 1
                    var f = 0.0, scale = 0.1
                    while i < b.count && b[i] >= 48 && b[i] <= 57 { f += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
                    secs += f
                }
            }
            if i < b.count && (b[i] == 43 || b[i] == 45) {
                let sign = b[i] == 43 ? 1.0 : -1.0
                i += 1
                guard let oh = num(2) else { return nil }
                var off = Double(oh * 3600)
                if i < b.count && b[i] == 58 { i += 1; guard let om = num(2) else { return nil }; off += Double(om * 60) }
                if i < b.count && b[i] == 58 { i += 1; guard let os = num(2) else { return nil }; off += Double(os) }
                secs -= sign * off
            }
        }
        return i == b.count ? secs : nil
    }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
