import CCrypto
import Foundation
import Yams

/// How a column's values are masked. Every keyed transformer derives its output from
/// HMAC-SHA256(key, value) alone — not the table or column — so the same value masks alike in
/// every table and masked keys still join.
public indirect enum Transformer: @unchecked Sendable {
    public enum HashKind: String, Sendable, CaseIterable { case text, integer, uuid, email }
    public enum FakeKind: String, Sendable, CaseIterable { case name, first_name, last_name, phone, address, city }

    /// A constant, or NULL.
    case set(String?)
    case hash(HashKind)
    /// The local part replaced by a hash; the domain replaced, or kept when nil.
    case email(domain: String?)
    case regexReplace(NSRegularExpression, with: String)
    /// `{row}` the row number in its table, `{hash}` a hash of the value.
    case template(String)
    case fake(FakeKind)
    case truncate(Int)
    /// A JSON path (`$.a.b`) inside json/jsonb: the value there is transformed (as text).
    case json(path: [String], then: Transformer)

    public var name: String {
        switch self {
        case .set: "set"
        case .hash: "hash"
        case .email: "email"
        case .regexReplace: "regex_replace"
        case .template: "template"
        case .fake: "fake"
        case .truncate: "truncate"
        case .json: "json"
        }
    }

    public var summary: String {
        switch self {
        case .set(let v): v.map { "set to '\($0)'" } ?? "set to NULL"
        case .hash(let k): "hash (\(k.rawValue))"
        case .email(let d): d.map { "email at \($0)" } ?? "email, domain kept"
        case .regexReplace(let r, let w): "regex_replace /\(r.pattern)/ → '\(w)'"
        case .template(let t): "template '\(t)'"
        case .fake(let k): "fake \(k.rawValue)"
        case .truncate(let n): "truncate to \(n)"
        case .json(let p, let t): "json $.\(p.joined(separator: ".")): \(t.summary)"
        }
    }

    static func parse(_ node: Node, file: String) throws -> Transformer {
        let line = DataPolicy.line(node)
        func fail(_ m: String) -> PolicyError { PolicyError(file: file, line: line, m, kind: .usage) }
        guard let m = node.mapping, m.count == 1, let (k, v) = m.first.map({ ($0.key, $0.value) }), let name = k.string else {
            throw fail("a transformer is one of {set: …}, {hash: text|integer|uuid|email}, {email: {domain: …}}, {regex_replace: {pattern: …, with: …}}, {template: …}, {fake: …}, {truncate: N}, {json: {path: …, then: …}}")
        }
        let vline = DataPolicy.line(v)
        func failV(_ m: String) -> PolicyError { PolicyError(file: file, line: vline, m, kind: .usage) }
        switch name {
        case "set":
            if v.isNull { return .set(nil) }
            guard let s = v.string else { throw failV("`set:` takes a scalar or null") }
            return .set(s)
        case "hash":
            guard let s = v.string, let kind = HashKind(rawValue: s) else {
                throw failV("`hash:` is one of \(HashKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return .hash(kind)
        case "email":
            if v.isNull || v.string == "keep" { return .email(domain: nil) }
            guard let mm = v.mapping else { throw failV("`email:` is `keep` or {domain: DOMAIN}") }
            var domain: String?
            for (ek, ev) in mm {
                guard ek.string == "domain", let d = ev.string, !d.isEmpty, !d.contains("@") else {
                    throw PolicyError(file: file, line: DataPolicy.line(ek), "`email:` takes {domain: DOMAIN}", kind: .usage)
                }
                domain = d
            }
            return .email(domain: domain)
        case "regex_replace":
            guard let mm = v.mapping, let p = mm["pattern"]?.string, let w = mm["with"]?.string, mm.count == 2 else {
                throw failV("`regex_replace:` takes {pattern: REGEX, with: TEXT}")
            }
            do {
                return .regexReplace(try NSRegularExpression(pattern: p), with: w)
            } catch {
                throw failV("`regex_replace:` pattern `\(p)` is not a valid regular expression")
            }
        case "template":
            guard let s = v.string else { throw failV("`template:` takes text with {row} and {hash}") }
            return .template(s)
        case "fake":
            guard let s = v.string, let kind = FakeKind(rawValue: s) else {
                throw failV("`fake:` is one of \(FakeKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return .fake(kind)
        case "truncate":
            guard let s = v.string, let n = Int(s), n >= 0 else { throw failV("`truncate:` takes a number of characters") }
            return .truncate(n)
        case "json":
            guard let mm = v.mapping, let p = mm["path"]?.string, let then = mm["then"], mm.count == 2 else {
                throw failV("`json:` takes {path: '$.a.b', then: {transformer}}")
            }
            guard p.hasPrefix("$."), case let parts = p.dropFirst(2).split(separator: ".", omittingEmptySubsequences: false).map(String.init),
                  !parts.contains(where: \.isEmpty) else {
                throw failV("`json:` path is `$.key.key…` (got `\(p)`)")
            }
            let inner = try parse(then, file: file)
            if case .json = inner { throw failV("`json:` inside `json:` is not supported") }
            return .json(path: parts, then: inner)
        default:
            throw PolicyError(file: file, line: DataPolicy.line(k), "unknown transformer `\(name)` (known: set, hash, email, regex_replace, template, fake, truncate, json)", kind: .usage)
        }
    }

    /// The masked value of `value` (nil is NULL: it stays NULL except for `set`).
    func apply(_ value: String?, row: Int64, context: MaskContext) -> String? {
        switch self {
        case .set(let v): return v
        case .hash(let kind):
            guard let value else { return nil }
            return context.hash(value, kind)
        case .email(let domain):
            guard let value else { return nil }
            let d: String
            if let domain { d = domain } else if let at = value.lastIndex(of: "@") { d = String(value[value.index(after: at)...]) } else { d = "example.invalid" }
            return "u" + context.hex(value, 12) + "@" + d
        case .regexReplace(let r, let with):
            guard let value else { return nil }
            let ns = value as NSString
            return r.stringByReplacingMatches(in: value, range: NSRange(location: 0, length: ns.length), withTemplate: NSRegularExpression.escapedTemplate(for: with))
        case .template(let t):
            guard let value else { return nil }
            return t.replacingOccurrences(of: "{row}", with: String(row)).replacingOccurrences(of: "{hash}", with: context.hex(value, 16))
        case .fake(let kind):
            guard let value else { return nil }
            return Fakes.pick(kind, context.mac(value))
        case .truncate(let n):
            guard let value else { return nil }
            return String(value.prefix(n))
        case .json(let path, let then):
            guard let value, let data = value.data(using: .utf8),
                  var top = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return value }
            guard Self.transformJSON(&top, path[...], then, row: row, context: context),
                  let out = try? JSONSerialization.data(withJSONObject: top, options: [.fragmentsAllowed, .sortedKeys]),
                  let s = String(data: out, encoding: .utf8) else { return value }
            return s
        }
    }

    private static func transformJSON(_ node: inout Any, _ path: ArraySlice<String>, _ t: Transformer, row: Int64, context: MaskContext) -> Bool {
        guard let key = path.first else {
            let text: String? = node is NSNull ? nil : (node as? String) ?? "\(node)"
            let out = t.apply(text, row: row, context: context)
            node = out.map { $0 as Any } ?? NSNull()
            return true
        }
        guard var dict = node as? [String: Any], var child = dict[key] else { return false }
        guard transformJSON(&child, path.dropFirst(), t, row: row, context: context) else { return false }
        dict[key] = child
        node = dict
        return true
    }
}

/// The key and what is derived from it (HMAC-SHA256 through libcrypto), and the ranges of the
/// integer types a `hash: integer` lands in.
public final class MaskContext: @unchecked Sendable {
    let key: [UInt8]
    /// The largest value of the column's integer type (`hash: integer` lands in 1…max).
    var integerMax: UInt64 = UInt64(Int32.max)

    public init(key: [UInt8]) {
        self.key = key
        innerState = Self.keyed(key, 0x36)
        outerState = Self.keyed(key, 0x5c)
    }

    /// The key from `PGREOWN_MASK_KEY`, else the file's bytes (a trailing newline dropped).
    public static func key(environment: [String: String], file: String?) throws -> [UInt8]? {
        if let file {
            guard var bytes = FileManager.default.contents(atPath: file).map({ [UInt8]($0) }) else {
                throw PolicyError(file: file, line: nil, "cannot read the mask key file", kind: .usage)
            }
            while let last = bytes.last, last == 0x0a || last == 0x0d { bytes.removeLast() }
            guard !bytes.isEmpty else { throw PolicyError(file: file, line: nil, "the mask key file is empty", kind: .usage) }
            return bytes
        }
        if let k = environment["PGREOWN_MASK_KEY"], !k.isEmpty { return Array(k.utf8) }
        return nil
    }

    /// HMAC-SHA256 (RFC 2104): SHA256((K ⊕ opad) ‖ SHA256((K ⊕ ipad) ‖ m)), the two keyed
    /// states computed once.
    func mac(_ value: String) -> [UInt8] {
        var inner = innerState, outer = outerState
        var digest = [UInt8](repeating: 0, count: 32)
        var utf8 = value
        utf8.withUTF8 { b in _ = SHA256_Update(&inner, b.baseAddress, b.count) }
        _ = SHA256_Final(&digest, &inner)
        _ = SHA256_Update(&outer, digest, 32)
        _ = SHA256_Final(&digest, &outer)
        return digest
    }

    private let innerState: SHA256_CTX
    private let outerState: SHA256_CTX

    private static func keyed(_ key: [UInt8], _ pad: UInt8) -> SHA256_CTX {
        var k = key
        if k.count > 64 {
            var d = [UInt8](repeating: 0, count: 32)
            _ = SHA256(k, k.count, &d)
            k = d
        }
        let block = (0..<64).map { i in (i < k.count ? k[i] : 0) ^ pad }
        var ctx = SHA256_CTX()
        _ = SHA256_Init(&ctx)
        _ = SHA256_Update(&ctx, block, 64)
        return ctx
    }

    func hex(_ value: String, _ n: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var s: [UInt8] = []
        for b in mac(value) { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
        return String(decoding: s.prefix(n), as: UTF8.self)
    }

    func hash(_ value: String, _ kind: Transformer.HashKind) -> String {
        switch kind {
        case .text: return hex(value, 24)
        case .email: return "u" + hex(value, 16) + "@example.invalid"
        case .integer:
            let m = mac(value)
            var x: UInt64 = 0
            for b in m.prefix(8) { x = (x << 8) | UInt64(b) }
            return String(x % integerMax + 1)
        case .uuid:
            var m = Array(mac(value).prefix(16))
            m[6] = (m[6] & 0x0f) | 0x40
            m[8] = (m[8] & 0x3f) | 0x80
            let h = m.map { String(format: "%02x", $0) }.joined()
            let c = Array(h)
            return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
        }
    }
}

/// The small built-in dictionary `fake:` chooses from (by the value's hash).
enum Fakes {
    static let first = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Jamie", "Robin", "Avery", "Riley",
                        "Charlie", "Drew", "Emery", "Finley", "Harper", "Kai", "Logan", "Parker", "Quinn", "Rowan"]
    static let last = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright",
                       "Evans", "Walker", "Thomas", "Roberts", "Green", "Hall", "Wood", "Clarke", "Hughes", "Lewis"]
    static let streets = ["High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue", "Victoria Road", "Green Lane", "Manor Way"]
    static let cities = ["Exampleton", "Sampleford", "Testbury", "Mockington", "Placeholm", "Dummyport", "Fictiveham", "Nowhere"]

    static func pick(_ kind: Transformer.FakeKind, _ mac: [UInt8]) -> String {
        func n(_ i: Int) -> Int { Int(mac[i % mac.count]) << 8 | Int(mac[(i + 1) % mac.count]) }
        switch kind {
        case .first_name: return first[n(0) % first.count]
        case .last_name: return last[n(2) % last.count]
        case .name: return first[n(0) % first.count] + " " + last[n(2) % last.count]
        case .phone: return String(format: "+44 7700 9%05d", n(4) % 100000)
        case .address: return "\(n(6) % 200 + 1) \(streets[n(8) % streets.count]), \(cities[n(10) % cities.count])"
        case .city: return cities[n(10) % cities.count]
        }
    }
}
