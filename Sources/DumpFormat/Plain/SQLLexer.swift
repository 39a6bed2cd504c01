#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A PostgreSQL/psql lexer over bytes, and an incremental statement splitter built on it.
//
// The token rules follow psql's own scanner (`src/fe_utils/psqlscan.l`, which mirrors the
// backend's `scan.l`): `\n` and `\r` are newlines; `--` comments run to the end of the line;
// `/* */` comments nest; `'…'` strings double `''` (and take backslash escapes when
// standard_conforming_strings is off); `E'…'` always takes backslash escapes; `$tag$…$tag$`
// bodies are opaque; identifiers may contain bytes ≥ 0x80 and (after the first byte) `$`, so
// `a$$` is one identifier and `$1` is a parameter, not a dollar quote.
//
// Statements end the way psql ends them: at a `;` outside quotes and comments, at parenthesis
// depth 0, and outside a `BEGIN … END` block of a `CREATE [OR REPLACE] FUNCTION|PROCEDURE`
// (psql's heuristic for SQL-standard function bodies). Parentheses do matter: pg_dump writes
// multi-action rules as `CREATE RULE … DO INSTEAD (INSERT …; UPDATE …);`, which psql sends as
// one statement.

/// What a token is.
public enum SQLTokenKind: UInt8, Sendable, CustomStringConvertible {
    /// Spaces, tabs, newlines (`\n`, `\r`), form feeds.
    case whitespace
    /// `-- …` including the newline that ends it (`\n`, `\r\n` or `\r`; none at end of input).
    case lineComment
    /// `/* … */`, nested.
    case blockComment
    /// An unquoted word: letters (including bytes ≥ 0x80), digits, `_`, and `$` after the first byte.
    case identifier
    /// `"…"` with `""` for a quote, or `U&"…"`.
    case quotedIdentifier
    /// `'…'` with `''` (backslash escapes too when standard_conforming_strings is off),
    /// `N'…'`, and `U&'…'`.
    case string
    /// `E'…'` / `e'…'`: backslash escapes and `''`.
    case escapeString
    /// `$$…$$` or `$tag$…$tag$`.
    case dollarString
    /// `B'…'` and `X'…'`.
    case bitString
    /// `42`, `3.14`, `1e10`, `0x1F`, `1_000`.
    case number
    /// `$1`.
    case parameter
    /// A run of operator characters (`<>`, `=`, `||`, `->>` …), `::`, `:=`, `:` and `..`.
    case `operator`
    /// One of `( ) , . [ ]`, one token per byte.
    case punctuation
    /// `;`.
    case semicolon
    /// A psql backslash command (`\connect db`, `\restrict KEY`, `\.`) up to and including the
    /// end of its line.
    case psqlMeta
    /// Any other single byte (`{`, `}`, a lone `$`, control characters).
    case other

    public var description: String {
        switch self {
        case .whitespace: return "whitespace"
        case .lineComment: return "line comment"
        case .blockComment: return "block comment"
        case .identifier: return "identifier"
        case .quotedIdentifier: return "quoted identifier"
        case .string: return "quoted string"
        case .escapeString: return "E'' string"
        case .dollarString: return "dollar-quoted string"
        case .bitString: return "bit string"
        case .number: return "number"
        case .parameter: return "parameter"
        case .operator: return "operator"
        case .punctuation: return "punctuation"
        case .semicolon: return "semicolon"
        case .psqlMeta: return "psql meta-command"
        case .other: return "character"
        }
    }

    /// Whitespace and comments: tokens that separate but mean nothing.
    public var isTrivia: Bool { self == .whitespace || self == .lineComment || self == .blockComment }
}

/// One token: its kind and its byte range in the buffer it was lexed from (for statements
/// from the splitter: relative to the statement's first byte).
public struct SQLToken: Sendable, Equatable {
    public var kind: SQLTokenKind
    public var start: Int
    public var end: Int
    /// False when the input ended inside the token (a quote, dollar quote or block comment
    /// that never closes); only the last token of an input can be unterminated.
    public var terminated: Bool

    public init(kind: SQLTokenKind, start: Int, end: Int, terminated: Bool = true) {
        self.kind = kind; self.start = start; self.end = end; self.terminated = terminated
    }

    public var range: Range<Int> { start..<end }
    public var count: Int { end - start }
}

// MARK: - Byte classes

@inline(__always) func sqlIsSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0d && c != 0x0b) }
@inline(__always) func sqlIsDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
@inline(__always) func sqlIsIdentStart(_ c: UInt8) -> Bool {
    c >= 0x80 || c == 0x5f || ((c | 0x20) &- 0x61) < 26
}
@inline(__always) func sqlIsIdentCont(_ c: UInt8) -> Bool { sqlIsIdentStart(c) || sqlIsDigit(c) || c == 0x24 }
@inline(__always) func sqlIsOpChar(_ c: UInt8) -> Bool {
    switch c {
    case 0x7e, 0x21, 0x40, 0x23, 0x5e, 0x26, 0x7c, 0x60, 0x3f, 0x2b, 0x2d, 0x2a, 0x2f, 0x25, 0x3c, 0x3e, 0x3d: return true
    default: return false
    }
}

private let Q: UInt8 = 0x27      // '
private let DQ: UInt8 = 0x22     // "
private let BS: UInt8 = 0x5c     // \
private let DOLLAR: UInt8 = 0x24
private let NL: UInt8 = 0x0a
private let CR: UInt8 = 0x0d

// MARK: - Client encodings

/// The client encoding a script is lexed in, as far as lexing cares: PostgreSQL's client-only
/// encodings (SJIS, BIG5, GBK, UHC, GB18030, JOHAB) have multi-byte characters whose later bytes
/// can be ASCII — `\` (0x5c) among them, e.g. SJIS '表' is 0x95 0x5c. psql (`prepare_buffer`) and
/// the server step over a whole character (`pg_encoding_mblen`), so such a byte never escapes a
/// quote nor ends a word. Every other encoding (UTF8, EUC_*, LATIN*, SQL_ASCII…) never puts an
/// ASCII byte inside a character: `.asciiSafe`. (No trail byte of these encodings is `'`, `"`,
/// `$`, `*`, `/`, `-` or a newline, so quotes, dollar quotes and comments end alike either way.)
public enum SQLEncoding: UInt8, Sendable, Equatable {
    case asciiSafe, sjis, big5, gbk, uhc, gb18030, johab

    /// From a `client_encoding` value as the server accepts it (case, `-` and `_` ignored, the
    /// aliases of `pg_encname_tbl`); any other name is `.asciiSafe`.
    public init<C: Collection>(name: C) where C.Element == UInt8 {
        let clean = String(decoding: name.filter { ($0 | 0x20) &- 0x61 < 26 || $0 &- 0x30 < 10 }.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 },
                           as: UTF8.self)
        switch clean {
        case "sjis", "shiftjis", "mskanji", "win932", "windows932": self = .sjis
        case "big5", "win950", "windows950": self = .big5
        case "gbk", "win936", "windows936", "cp936": self = .gbk
        case "uhc", "win949", "windows949": self = .uhc
        case "gb18030": self = .gb18030
        case "johab": self = .johab
        default: self = .asciiSafe
        }
    }

    /// `pg_encoding_mblen` of the character starting at `p[i]` (a byte ≥ 0x80); nil when that
    /// needs the byte after the end of the input (GB18030's second byte).
    @inline(__always)
    func charLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int? {
        let c = p[i]
        switch self {
        case .asciiSafe: return 1
        case .sjis: return c >= 0xa1 && c <= 0xdf ? 1 : 2          // pg_sjis_mblen: half-width kana are 1
        case .big5, .gbk, .uhc: return 2
        case .gb18030:
            guard i + 1 < n else { return nil }
            return p[i + 1] >= 0x30 && p[i + 1] <= 0x39 ? 4 : 2    // pg_gb18030_mblen
        case .johab: return c == 0x8e ? 2 : c == 0x8f ? 3 : 2      // pg_johab_mblen (pg_euc_mblen)
        }
    }
}

/// How SQL text is lexed at a point of a script: the `standard_conforming_strings` and
/// `client_encoding` in force there (psql's and the server's scanner follow both).
public struct SQLLexState: Sendable, Equatable {
    public var standardConformingStrings: Bool
    public var encoding: SQLEncoding
    public init(standardConformingStrings: Bool = true, encoding: SQLEncoding = .asciiSafe) {
        self.standardConformingStrings = standardConformingStrings
        self.encoding = encoding
    }
}

// MARK: - The resumable scanner

/// How far the scanner got into a token when the input ran out (offsets relative to the
/// token's first byte), so scanning resumes there instead of from the token start.
struct LexResume {
    /// nil: not classified yet (re-scan from the token start; only for short lookaheads).
    var kind: SQLTokenKind? = nil
    var pos: Int = 0
    /// Block comments: nesting depth. Dollar strings: delimiter length.
    var depth: Int = 0
    /// Strings: 0 standard (`''` only), 1 backslash escapes, 2 bit string (ends at first `'`).
    var mode: UInt8 = 0
}

enum ScanResult {
    case token(SQLTokenKind, end: Int, terminated: Bool)
    case needMore
}

/// Scan the token starting at `s` in `p[0..<n]`. With `final`, the input ends at `n` (never
/// returns `.needMore`); otherwise more bytes may follow and `r` records the progress.
@inline(__always)
func sqlScanToken(_ p: UnsafePointer<UInt8>, _ n: Int, _ s: Int, _ r: inout LexResume,
                  final: Bool, scs: Bool, enc: SQLEncoding = .asciiSafe) -> ScanResult {
    if let kind = r.kind {
        return sqlContinue(p, n, s, &r, kind, final: final, enc: enc)
    }
    let c = p[s]
    // Returns the byte at s+k, nil if past the end (caller decides).
    @inline(__always) func at(_ k: Int) -> UInt8? { s + k < n ? p[s + k] : nil }
    let more = !final

    switch c {
    case 0x20, 0x09, 0x0a, 0x0d, 0x0c:
        r.kind = .whitespace; r.pos = 1
    case 0x2d: // -
        guard let d = at(1) else { return more ? .needMore : .token(.operator, end: s + 1, terminated: true) }
        if d == 0x2d { r.kind = .lineComment; r.pos = 2 } else { return sqlScanOperator(p, n, s, final: final) }
    case 0x2f: // /
        guard let d = at(1) else { return more ? .needMore : .token(.operator, end: s + 1, terminated: true) }
        if d == 0x2a { r.kind = .blockComment; r.pos = 2; r.depth = 0 } else { return sqlScanOperator(p, n, s, final: final) }
    case Q:
        r.kind = .string; r.pos = 1; r.mode = scs ? 0 : 1
    case DQ:
        r.kind = .quotedIdentifier; r.pos = 1
    case 0x45, 0x65, 0x42, 0x62, 0x58, 0x78, 0x4e, 0x6e: // E e B b X x N n
        guard let d = at(1) else { if more { return .needMore }; r.kind = .identifier; r.pos = 1; break }
        if d == Q {
            switch c | 0x20 {
            case 0x65: r.kind = .escapeString; r.mode = 1
            case 0x6e: r.kind = .string; r.mode = scs ? 0 : 1
            default: r.kind = .bitString; r.mode = 2
            }
            r.pos = 2
        } else {
            r.kind = .identifier; r.pos = 1
        }
    case 0x55, 0x75: // U u: U&"…" / U&'…'
        guard let d = at(1) else { if more { return .needMore }; r.kind = .identifier; r.pos = 1; break }
        if d == 0x26 {
            guard let e = at(2) else { if more { return .needMore }; r.kind = .identifier; r.pos = 1; break }
            if e == DQ { r.kind = .quotedIdentifier; r.pos = 3; break }
            if e == Q { r.kind = .string; r.mode = 0; r.pos = 3; break }
        }
        r.kind = .identifier; r.pos = 1
    case DOLLAR:
        guard let d = at(1) else { return more ? .needMore : .token(.other, end: s + 1, terminated: true) }
        if sqlIsDigit(d) {
            var i = s + 2
            while i < n && sqlIsDigit(p[i]) { i += 1 }
            if i == n && more { return .needMore }
            return .token(.parameter, end: i, terminated: true)
        }
        if d == DOLLAR { r.kind = .dollarString; r.depth = 2; r.pos = 2; break }
        if sqlIsIdentStart(d) {
            var i = s + 2
            while i < n && (sqlIsIdentStart(p[i]) || sqlIsDigit(p[i])) { i += 1 }
            if i == n { return more ? .needMore : .token(.other, end: s + 1, terminated: true) }
            if p[i] == DOLLAR {
                r.kind = .dollarString; r.depth = i + 1 - s; r.pos = r.depth
                break
            }
        }
        // {dolqfailed}: only the `$` is a token.
        return .token(.other, end: s + 1, terminated: true)
    case 0x30...0x39:
        return sqlScanNumber(p, n, s, final: final)
    case 0x2e: // .
        guard let d = at(1) else { return more ? .needMore : .token(.punctuation, end: s + 1, terminated: true) }
        if sqlIsDigit(d) { return sqlScanNumber(p, n, s, final: final) }
        if d == 0x2e { return .token(.operator, end: s + 2, terminated: true) }
        return .token(.punctuation, end: s + 1, terminated: true)
    case BS:
        r.kind = .psqlMeta; r.pos = 1
    case 0x3b:
        return .token(.semicolon, end: s + 1, terminated: true)
    case 0x28, 0x29, 0x5b, 0x5d, 0x2c:
        return .token(.punctuation, end: s + 1, terminated: true)
    case 0x3a: // :
        guard let d = at(1) else { return more ? .needMore : .token(.operator, end: s + 1, terminated: true) }
        return .token(.operator, end: (d == 0x3a || d == 0x3d) ? s + 2 : s + 1, terminated: true)
    default:
        // A multi-byte character's lead byte is scanned with its trail bytes (from pos 0).
        if sqlIsIdentStart(c) { r.kind = .identifier; r.pos = c >= 0x80 && enc != .asciiSafe ? 0 : 1; break }
        if sqlIsOpChar(c) { return sqlScanOperator(p, n, s, final: final) }
        return .token(.other, end: s + 1, terminated: true)
    }
    guard let kind = r.kind else { return .token(.other, end: s + 1, terminated: true) }
    return sqlContinue(p, n, s, &r, kind, final: final, enc: enc)
}

@inline(__always)
private func sqlScanNumber(_ p: UnsafePointer<UInt8>, _ n: Int, _ s: Int, final: Bool) -> ScanResult {
    // Numbers are short: when the input runs out mid-number, re-scan it whole later.
    var i = s
    @inline(__always) func digitsOrUnderscore() { while i < n && (sqlIsDigit(p[i]) || p[i] == 0x5f) { i += 1 } }
    if p[i] == 0x30, i + 1 < n, p[i + 1] | 0x20 == 0x78 || p[i + 1] | 0x20 == 0x6f || p[i + 1] | 0x20 == 0x62, i + 2 < n,
       sqlIsDigit(p[i + 2]) || ((p[i + 2] | 0x20) &- 0x61) < 6 || p[i + 2] == 0x5f {
        i += 2
        while i < n && (sqlIsDigit(p[i]) || ((p[i] | 0x20) &- 0x61) < 6 || p[i] == 0x5f) { i += 1 }
        if i == n && !final { return .needMore }
        return .token(.number, end: i, terminated: true)
    }
    digitsOrUnderscore()
    if i < n && p[i] == 0x2e {
        if i + 1 < n {
            if p[i + 1] != 0x2e { i += 1; digitsOrUnderscore() }   // "1..2" is 1, .., 2
        } else if !final {
            return .needMore
        } else {
            i += 1
        }
    }
    if i < n && (p[i] | 0x20) == 0x65 {
        var j = i + 1
        if j < n && (p[j] == 0x2b || p[j] == 0x2d) { j += 1 }
        if j < n && sqlIsDigit(p[j]) {
            i = j
            digitsOrUnderscore()
        } else if j >= n && !final {
            return .needMore
        }
    }
    if i == n && !final { return .needMore }
    return .token(.number, end: i, terminated: true)
}

@inline(__always)
private func sqlScanOperator(_ p: UnsafePointer<UInt8>, _ n: Int, _ s: Int, final: Bool) -> ScanResult {
    var j = s
    while j < n && sqlIsOpChar(p[j]) { j += 1 }
    if j == n && !final { return .needMore }
    var count = j - s
    // An operator stops before an embedded comment start.
    if count > 1 {
        var k = s + 1
        while k + 1 < j {
            if (p[k] == 0x2f && p[k + 1] == 0x2a) || (p[k] == 0x2d && p[k + 1] == 0x2d) { count = k - s; break }
            k += 1
        }
    }
    // '+' and '-' cannot end a multi-byte operator unless it holds a non-SQL operator char.
    if count > 1 && (p[s + count - 1] == 0x2b || p[s + count - 1] == 0x2d) {
        var special = false
        for k in s..<(s + count - 1) {
            switch p[k] {
            case 0x7e, 0x21, 0x40, 0x23, 0x5e, 0x26, 0x7c, 0x60, 0x3f, 0x25: special = true
            default: break
            }
            if special { break }
        }
        if !special {
            repeat { count -= 1 } while count > 1 && (p[s + count - 1] == 0x2b || p[s + count - 1] == 0x2d)
        }
    }
    return .token(.operator, end: s + count, terminated: true)
}

/// Continue a classified token from `r.pos`.
@inline(__always)
private func sqlContinue(_ p: UnsafePointer<UInt8>, _ n: Int, _ s: Int, _ r: inout LexResume,
                         _ kind: SQLTokenKind, final: Bool, enc: SQLEncoding) -> ScanResult {
    var i = s + r.pos
    switch kind {
    case .whitespace:
        while i < n && sqlIsSpace(p[i]) { i += 1 }
        if i == n && !final { r.pos = i - s; return .needMore }
        return .token(.whitespace, end: i, terminated: true)

    case .identifier:
        if enc != .asciiSafe {
            while i < n {
                let c = p[i]
                if c >= 0x80 {
                    guard let len = enc.charLength(p, i, n), i + len <= n else {
                        if !final { r.pos = i - s; return .needMore }
                        return .token(.identifier, end: n, terminated: true)
                    }
                    i += len
                    continue
                }
                if !sqlIsIdentCont(c) { break }
                i += 1
            }
        } else {
            while i < n && sqlIsIdentCont(p[i]) { i += 1 }
        }
        if i == n && !final { r.pos = i - s; return .needMore }
        return .token(.identifier, end: i, terminated: true)

    case .lineComment, .psqlMeta:
        while i < n {
            let c = p[i]
            if c == NL { return .token(kind, end: i + 1, terminated: true) }
            if c == CR {
                if i + 1 < n { return .token(kind, end: p[i + 1] == NL ? i + 2 : i + 1, terminated: true) }
                if final { return .token(kind, end: i + 1, terminated: true) }
                r.pos = i - s
                return .needMore
            }
            i += 1
        }
        if !final { r.pos = i - s; return .needMore }
        return .token(kind, end: n, terminated: true)

    case .blockComment:
        var depth = r.depth
        while i < n {
            let c = p[i]
            if c == 0x2a || c == 0x2f {
                guard i + 1 < n else { break }
                let d = p[i + 1]
                if c == 0x2a && d == 0x2f {
                    if depth == 0 { return .token(.blockComment, end: i + 2, terminated: true) }
                    depth -= 1; i += 2; continue
                }
                if c == 0x2f && d == 0x2a { depth += 1; i += 2; continue }
            }
            i += 1
        }
        if !final { r.pos = i - s; r.depth = depth; return .needMore }
        return .token(.blockComment, end: n, terminated: false)

    case .quotedIdentifier:
        return sqlScanQuoted(p, n, s, &r, i, quote: DQ, kind: kind, final: final)

    case .string, .escapeString, .bitString:
        if r.mode == 0 { return sqlScanQuoted(p, n, s, &r, i, quote: Q, kind: kind, final: final) }
        if r.mode == 2 {
            if let q = memchr(p + i, Int32(Q), n - i) {
                return .token(kind, end: p.distance(to: q.assumingMemoryBound(to: UInt8.self)) + 1, terminated: true)
            }
            if !final { r.pos = n - s; return .needMore }
            return .token(kind, end: n, terminated: false)
        }
        // Backslash escapes and '' (E'' strings; '' strings when standard_conforming_strings is off).
        while i < n {
            let c = p[i]
            if c == BS {
                if i + 1 < n { i += 2; continue }
                break
            }
            if c >= 0x80 && enc != .asciiSafe {
                guard let len = enc.charLength(p, i, n), i + len <= n else { break }
                i += len
                continue
            }
            if c == Q {
                if i + 1 >= n {
                    if final { return .token(kind, end: i + 1, terminated: true) }
                    break
                }
                if p[i + 1] == Q { i += 2; continue }
                // The closing quote; a string continues after whitespace holding a newline and
                // another quote (`E'a'\n'b'` is one literal, still with backslash escapes).
                switch sqlQuoteContinuation(p, n, i + 1, final: final) {
                case .some(.some(let next)): i = next; continue
                case .some(.none): return .token(kind, end: i + 1, terminated: true)
                case .none: r.pos = i - s; return .needMore
                }
            }
            i += 1
        }
        if !final { r.pos = i - s; return .needMore }
        return .token(kind, end: n, terminated: false)

    case .dollarString:
        let delim = r.depth
        while i < n {
            guard let q = memchr(p + i, Int32(DOLLAR), n - i) else { i = n; break }
            let qi = p.distance(to: q.assumingMemoryBound(to: UInt8.self))
            if qi + delim > n {
                if !final { r.pos = qi - s; return .needMore }
                i = n; break
            }
            if memcmp(p + qi, p + s, delim) == 0 { return .token(.dollarString, end: qi + delim, terminated: true) }
            i = qi + 1
        }
        if !final { r.pos = max(i, s + delim) - s; return .needMore }
        return .token(.dollarString, end: n, terminated: false)

    default:
        return .token(kind, end: i, terminated: true)
    }
}

/// `"…"` / standard `'…'`: the quote doubled is a literal quote.
@inline(__always)
private func sqlScanQuoted(_ p: UnsafePointer<UInt8>, _ n: Int, _ s: Int, _ r: inout LexResume, _ from: Int,
                           quote: UInt8, kind: SQLTokenKind, final: Bool) -> ScanResult {
    var i = from
    while i < n {
        guard let q = memchr(p + i, Int32(quote), n - i) else { i = n; break }
        let qi = p.distance(to: q.assumingMemoryBound(to: UInt8.self))
        if qi + 1 < n {
            if p[qi + 1] == quote { i = qi + 2; continue }
            return .token(kind, end: qi + 1, terminated: true)
        }
        if final { return .token(kind, end: qi + 1, terminated: true) }
        r.pos = qi - s
        return .needMore
    }
    if !final { r.pos = i - s; return .needMore }
    return .token(kind, end: n, terminated: false)
}

/// After a closing quote at `from - 1`: nil = need more input; .some(nil) = the literal ends;
/// .some(k) = it continues with the quote at k (the scan resumes at k + 1).
@inline(__always)
private func sqlQuoteContinuation(_ p: UnsafePointer<UInt8>, _ n: Int, _ from: Int, final: Bool) -> Int?? {
    var i = from
    var sawNewline = false
    while true {
        guard i < n else { return final ? .some(nil) : nil }
        let c = p[i]
        if c == NL || c == CR { sawNewline = true; i += 1; continue }
        if c == 0x20 || c == 0x09 || c == 0x0c { i += 1; continue }
        if c == 0x2d {
            guard i + 1 < n else { return final ? .some(nil) : nil }
            if p[i + 1] != 0x2d { return .some(nil) }
            i += 2
            while i < n && p[i] != NL && p[i] != CR { i += 1 }
            continue
        }
        if c == Q && sawNewline { return .some(i + 1) }
        return .some(nil)
    }
}

// MARK: - Whole-buffer lexer

/// Lexes a complete buffer into tokens. Helpers decode identifiers and literals.
public struct SQLLexer: Sendable {
    public var standardConformingStrings: Bool
    public var encoding: SQLEncoding

    public init(standardConformingStrings: Bool = true, encoding: SQLEncoding = .asciiSafe) {
        self.standardConformingStrings = standardConformingStrings
        self.encoding = encoding
    }

    public init(_ state: SQLLexState) {
        self.init(standardConformingStrings: state.standardConformingStrings, encoding: state.encoding)
    }

    /// Every token of `bytes`, covering it without gaps. An input that ends inside a quote,
    /// dollar quote or block comment ends with a token whose `terminated` is false.
    public func tokenize(_ bytes: UnsafeRawBufferPointer) -> [SQLToken] {
        var out: [SQLToken] = []
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return out }
        var pos = 0
        while pos < bytes.count {
            var r = LexResume()
            switch sqlScanToken(base, bytes.count, pos, &r, final: true, scs: standardConformingStrings, enc: encoding) {
            case .token(let kind, let end, let terminated):
                out.append(SQLToken(kind: kind, start: pos, end: end, terminated: terminated))
                pos = end
            case .needMore:
                // Cannot happen with final: true; end the input as one unterminated token.
                out.append(SQLToken(kind: .other, start: pos, end: bytes.count, terminated: false))
                pos = bytes.count
            }
        }
        return out
    }

    public func tokenize(_ bytes: [UInt8]) -> [SQLToken] {
        bytes.withUnsafeBytes { tokenize($0) }
    }

    public static func tokenize(_ bytes: [UInt8], standardConformingStrings: Bool = true, encoding: SQLEncoding = .asciiSafe) -> [SQLToken] {
        SQLLexer(standardConformingStrings: standardConformingStrings, encoding: encoding).tokenize(bytes)
    }

    // MARK: helpers

    /// True when `token` is an unquoted identifier equal to the ASCII `keyword`, ignoring case.
    public static func isKeyword(_ bytes: UnsafeRawBufferPointer, _ token: SQLToken, _ keyword: StaticString) -> Bool {
        guard token.kind == .identifier, token.count == keyword.utf8CodeUnitCount,
              token.start >= 0, token.end <= bytes.count else { return false }
        let k = keyword.utf8Start
        for i in 0..<token.count {
            var c = bytes[token.start + i]
            if c &- 0x41 < 26 { c |= 0x20 }
            var d = k[i]
            if d &- 0x41 < 26 { d |= 0x20 }
            if c != d { return false }
        }
        return true
    }

    public static func isKeyword(_ bytes: [UInt8], _ token: SQLToken, _ keyword: StaticString) -> Bool {
        bytes.withUnsafeBytes { isKeyword($0, token, keyword) }
    }

    /// The name an identifier token stands for: unquoted identifiers ASCII-lowercased; `"…"`
    /// with `""` → `"`; `U&"…"` with `\XXXX`, `\+XXXXXX` and `\\` decoded (the default escape
    /// character only; a following `UESCAPE` clause is not applied). nil for other tokens.
    public static func identifierName(_ bytes: UnsafeRawBufferPointer, _ token: SQLToken) -> [UInt8]? {
        guard token.start >= 0, token.end <= bytes.count, token.count > 0 else { return nil }
        let t = UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
        switch token.kind {
        case .identifier:
            return t.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
        case .quotedIdentifier:
            let unicode = t[0] != DQ
            let innerStart = unicode ? 3 : 1
            let innerEnd = token.terminated && t.count > innerStart ? t.count - 1 : t.count
            guard innerStart <= innerEnd else { return [] }
            var out: [UInt8] = []
            out.reserveCapacity(innerEnd - innerStart)
            var i = innerStart
            while i < innerEnd {
                let c = t[i]
                if c == DQ && i + 1 < innerEnd && t[i + 1] == DQ { out.append(DQ); i += 2; continue }
                if unicode && c == BS, let (cp, len) = unicodeEscape(t, i, innerEnd) {
                    appendUTF8(&out, cp); i += len; continue
                }
                out.append(c); i += 1
            }
            return out
        default:
            return nil
        }
    }

    public static func identifierName(_ bytes: [UInt8], _ token: SQLToken) -> [UInt8]? {
        bytes.withUnsafeBytes { identifierName($0, token) }
    }

    /// The value of a string literal token (`'…'`, `N'…'`, `U&'…'`, `E'…'`, `$tag$…$tag$`):
    /// quotes removed, `''` → `'`, backslash escapes decoded for `E''` (and for `''` when
    /// `standardConformingStrings` is false). nil for other tokens.
    public static func stringValue(_ bytes: UnsafeRawBufferPointer, _ token: SQLToken,
                                   standardConformingStrings: Bool = true, encoding: SQLEncoding = .asciiSafe) -> [UInt8]? {
        guard token.start >= 0, token.end <= bytes.count, token.count > 0 else { return nil }
        let t = UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
        switch token.kind {
        case .dollarString:
            var d = 1
            while d < t.count && t[d] != DOLLAR { d += 1 }
            let delim = d + 1
            guard t.count >= 2 * delim else { return Array(t.dropFirst(min(delim, t.count))) }
            return Array(t[delim..<(t.count - (token.terminated ? delim : 0))])
        case .string, .escapeString:
            var i = 0
            var escapes = token.kind == .escapeString
            var unicode = false
            if t[0] == Q {
                escapes = escapes || !standardConformingStrings
            } else if t[0] | 0x20 == 0x75 { // U&'
                i = 2; unicode = true
            } else { // E' or N'
                i = 1
                if t[0] | 0x20 == 0x6e { escapes = !standardConformingStrings }
            }
            i += 1 // opening quote
            var out: [UInt8] = []
            out.reserveCapacity(t.count)
            let end = t.count
            while i < end {
                let c = t[i]
                if c == Q {
                    if i + 1 < end && t[i + 1] == Q { out.append(Q); i += 2; continue }
                    // closing quote, or a continuation: skip to the next opening quote
                    var j = i + 1
                    while j < end && t[j] != Q {
                        if t[j] == 0x2d && j + 1 < end && t[j + 1] == 0x2d {
                            while j < end && t[j] != NL && t[j] != CR { j += 1 }
                            continue
                        }
                        j += 1
                    }
                    i = j + 1
                    continue
                }
                if c >= 0x80 && escapes && encoding != .asciiSafe, let base = t.baseAddress?.assumingMemoryBound(to: UInt8.self) {
                    // a whole character: its trail bytes are no escapes
                    let len = min(encoding.charLength(base, i, end) ?? 1, end - i)
                    out.append(contentsOf: t[i..<(i + len)])
                    i += len
                    continue
                }
                if c == BS && escapes && i + 1 < end {
                    i += 1
                    let e = t[i]
                    switch e {
                    case 0x62: out.append(0x08); i += 1
                    case 0x66: out.append(0x0c); i += 1
                    case 0x6e: out.append(NL); i += 1
                    case 0x72: out.append(CR); i += 1
                    case 0x74: out.append(0x09); i += 1
                    case 0x30...0x37:
                        var v = 0, k = 0
                        while k < 3 && i < end && t[i] >= 0x30 && t[i] <= 0x37 { v = v * 8 + Int(t[i] - 0x30); i += 1; k += 1 }
                        out.append(UInt8(truncatingIfNeeded: v))
                    case 0x78:
                        var v = 0, k = 0
                        i += 1
                        while k < 2 && i < end, let h = hexValue(t[i]) { v = v * 16 + h; i += 1; k += 1 }
                        if k == 0 { out.append(0x78) } else { out.append(UInt8(v)) }
                    case 0x75, 0x55:
                        let len = e == 0x75 ? 4 : 8
                        var v: UInt32 = 0, k = 0
                        var j = i + 1
                        while k < len && j < end, let h = hexValue(t[j]) { v = v * 16 + UInt32(h); j += 1; k += 1 }
                        if k == len { appendUTF8(&out, v); i = j } else { out.append(e); i += 1 }
                    default:
                        out.append(e); i += 1
                    }
                    continue
                }
                if c == BS && unicode, let (cp, len) = unicodeEscape(t, i, end) {
                    appendUTF8(&out, cp); i += len; continue
                }
                out.append(c); i += 1
            }
            return out
        default:
            return nil
        }
    }

    public static func stringValue(_ bytes: [UInt8], _ token: SQLToken, standardConformingStrings: Bool = true,
                                   encoding: SQLEncoding = .asciiSafe) -> [UInt8]? {
        bytes.withUnsafeBytes { stringValue($0, token, standardConformingStrings: standardConformingStrings, encoding: encoding) }
    }

    private static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x41...0x46: return Int(c - 0x41 + 10)
        case 0x61...0x66: return Int(c - 0x61 + 10)
        default: return nil
        }
    }

    /// `\\` → `\`; `\XXXX`; `\+XXXXXX` (U&'' and U&"" with the default escape).
    private static func unicodeEscape(_ t: UnsafeRawBufferPointer, _ i: Int, _ end: Int) -> (UInt32, Int)? {
        guard i + 1 < end else { return nil }
        if t[i + 1] == BS { return (UInt32(BS), 2) }
        let plus = t[i + 1] == 0x2b
        let digits = plus ? 6 : 4
        let first = plus ? i + 2 : i + 1
        guard first + digits <= end else { return nil }
        var v: UInt32 = 0
        for k in 0..<digits {
            guard let h = hexValue(t[first + k]) else { return nil }
            v = v * 16 + UInt32(h)
        }
        return (v, first + digits - i)
    }

    private static func appendUTF8(_ out: inout [UInt8], _ v: UInt32) {
        guard let scalar = Unicode.Scalar(v) else { out.append(contentsOf: [0xef, 0xbf, 0xbd]); return }
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }
}

// MARK: - Statements

/// What the splitter reports.
public enum SQLItemKind: UInt8, Sendable {
    /// An SQL statement: from its first token through the `;` that ends it.
    case statement
    /// A psql backslash command between statements, through the end of its line.
    case meta
    /// A comment between statements: one `-- …` line including its newline, or one `/* … */`.
    case comment
    /// Whitespace between statements.
    case whitespace
}

/// A complete item as the splitter reports it; `bytes` and `tokens` are valid only during
/// the callback (use `copy()` to keep one).
public struct SQLStatementView {
    public let kind: SQLItemKind
    /// The item's bytes exactly as in the input.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the item's first byte.
    public let offset: Int64
    private let storedTokens: [SQLToken]
    /// False only for a statement cut off by the end of the input (no terminating `;`).
    public let isComplete: Bool
    /// The standard_conforming_strings setting the item was lexed with.
    public let standardConformingStrings: Bool
    /// The client encoding the item was lexed in.
    public let encoding: SQLEncoding
    /// Both: how the item was lexed (for a statement, the state before it; for whitespace and
    /// comments, the state in force there).
    public var lexState: SQLLexState { SQLLexState(standardConformingStrings: standardConformingStrings, encoding: encoding) }

    init(kind: SQLItemKind, bytes: UnsafeRawBufferPointer, offset: Int64, tokens: [SQLToken], isComplete: Bool,
         standardConformingStrings: Bool, encoding: SQLEncoding) {
        self.kind = kind; self.bytes = bytes; self.offset = offset; self.storedTokens = tokens
        self.isComplete = isComplete; self.standardConformingStrings = standardConformingStrings; self.encoding = encoding
    }

    /// The tokens covering `bytes` (ranges relative to `bytes`). Whitespace, comment and meta
    /// items are one token each.
    public var tokens: [SQLToken] {
        if kind == .statement { return storedTokens }
        return [SQLToken(kind: singleTokenKind, start: 0, end: bytes.count)]
    }

    private var singleTokenKind: SQLTokenKind {
        switch kind {
        case .whitespace: return .whitespace
        case .meta: return .psqlMeta
        case .comment: return bytes.count >= 2 && bytes[0] == 0x2f ? .blockComment : .lineComment
        case .statement: return .other
        }
    }

    public func copy() -> SQLStatement {
        SQLStatement(kind: kind, bytes: Array(bytes), offset: offset, tokens: tokens, isComplete: isComplete,
                     standardConformingStrings: standardConformingStrings, encoding: encoding)
    }

    /// The significant (non-whitespace, non-comment) tokens.
    public var significantTokens: [SQLToken] { tokens.filter { !$0.kind.isTrivia } }

    public func isKeyword(_ token: SQLToken, _ keyword: StaticString) -> Bool {
        SQLLexer.isKeyword(bytes, token, keyword)
    }

    public func text(_ token: SQLToken) -> [UInt8] { Array(bytes[token.start..<token.end]) }
}

/// An owned statement (or meta-command, comment, whitespace) with its tokens.
public struct SQLStatement: Sendable {
    public var kind: SQLItemKind
    public var bytes: [UInt8]
    public var offset: Int64
    public var tokens: [SQLToken]
    public var isComplete: Bool
    public var standardConformingStrings: Bool
    public var encoding: SQLEncoding

    public init(kind: SQLItemKind, bytes: [UInt8], offset: Int64, tokens: [SQLToken], isComplete: Bool = true,
                standardConformingStrings: Bool = true, encoding: SQLEncoding = .asciiSafe) {
        self.kind = kind; self.bytes = bytes; self.offset = offset; self.tokens = tokens
        self.isComplete = isComplete; self.standardConformingStrings = standardConformingStrings; self.encoding = encoding
    }

    public var significantTokens: [SQLToken] { tokens.filter { !$0.kind.isTrivia } }

    public func isKeyword(_ token: SQLToken, _ keyword: StaticString) -> Bool {
        SQLLexer.isKeyword(bytes, token, keyword)
    }

    public func text(_ token: SQLToken) -> [UInt8] { Array(bytes[token.start..<token.end]) }

    /// Split a complete text (a TOC entry's defn, a script) into items, every byte in exactly
    /// one item, in order. `SET standard_conforming_strings` and `SET client_encoding` statements
    /// switch the lexer as psql would. Throws a DumpError (`.truncated`) when the text ends
    /// inside a quote, dollar quote or block comment.
    public static func split(_ bytes: [UInt8], name: String = "SQL text", offset: Int64 = 0, state: SQLLexState) throws -> [SQLStatement] {
        var s = state
        return try split(bytes, name: name, offset: offset, following: &s)
    }

    /// `split` from `state`, which becomes the state in force after the text (its
    /// `SET standard_conforming_strings` / `SET client_encoding` followed).
    public static func split(_ bytes: [UInt8], name: String = "SQL text", offset: Int64 = 0,
                             following state: inout SQLLexState) throws -> [SQLStatement] {
        let splitter = SQLStatementSplitter(name: name, startOffset: offset,
                                            standardConformingStrings: state.standardConformingStrings, encoding: state.encoding)
        var out: [SQLStatement] = []
        try bytes.withUnsafeBytes { raw in
            _ = try splitter.feed(raw) { out.append($0.copy()); return .continue }
        }
        try splitter.finish { out.append($0.copy()); return .continue }
        state = SQLLexState(standardConformingStrings: splitter.standardConformingStrings, encoding: splitter.encoding)
        return out
    }

    public static func split(_ bytes: [UInt8], name: String = "SQL text", offset: Int64 = 0,
                             standardConformingStrings: Bool = true, encoding: SQLEncoding = .asciiSafe) throws -> [SQLStatement] {
        let splitter = SQLStatementSplitter(name: name, startOffset: offset,
                                            standardConformingStrings: standardConformingStrings, encoding: encoding)
        var out: [SQLStatement] = []
        try bytes.withUnsafeBytes { raw in
            _ = try splitter.feed(raw) { out.append($0.copy()); return .continue }
        }
        try splitter.finish { out.append($0.copy()); return .continue }
        return out
    }
}

/// Splits SQL arriving in arbitrary pieces into statements, psql meta-command lines, comments
/// and whitespace — every input byte lands in exactly one reported item, in order.
///
/// Lexer state is kept across pieces: a token cut by a piece boundary (inside a dollar quote,
/// a `--` comment, a string…) resumes where scanning stopped, so the cost is linear in the
/// input however it is cut. Only the bytes of the item in progress are carried over.
///
/// `SET [SESSION|LOCAL] standard_conforming_strings = on|off` (and `RESET`, `TO DEFAULT`)
/// statements switch the string rules for what follows, as psql does.
public final class SQLStatementSplitter {
    public enum Action { case `continue`, stop }

    public let name: String
    public var standardConformingStrings: Bool { st.scs }
    public var encoding: SQLEncoding { st.enc }
    /// Absolute offset of the next byte to be fed.
    public private(set) var offset: Int64

    // The item in progress: its bytes so far (empty when the item starts in the next piece).
    private var pending: [UInt8] = []
    /// Lexer and statement state, kept in a struct so the hot loop works on a local copy
    /// (no dynamic exclusivity checks on class properties per token).
    private var st: SplitState

    struct SplitState {
        var scs: Bool
        var enc: SQLEncoding
        /// Absolute offset of the item in progress (of its first byte).
        var itemOffset: Int64
        /// Start of the token in progress, relative to the item start.
        var tokStart = 0
        var resume = LexResume()
        var inStatement = false
        var tokens: [SQLToken] = []
        // psql's depth tracking
        var parenDepth = 0
        var beginDepth = 0
        var identCount = 0
        var idents: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)

        mutating func resetStatement() {
            inStatement = false
            tokens.removeAll(keepingCapacity: true)
            parenDepth = 0
            beginDepth = 0
            identCount = 0
        }

        /// psql's heuristic for `CREATE [OR REPLACE] FUNCTION|PROCEDURE … BEGIN ATOMIC … END`.
        @inline(__always)
        mutating func trackIdentifier(_ t: UnsafePointer<UInt8>, _ len: Int) {
            if identCount == 0 { idents = (0, 0, 0, 0) }
            @inline(__always) func eq(_ k: StaticString) -> Bool {
                guard len == k.utf8CodeUnitCount else { return false }
                let kp = k.utf8Start
                for i in 0..<len where (t[i] &- 0x41 < 26 ? t[i] | 0x20 : t[i]) != kp[i] { return false }
                return true
            }
            if len <= 9 && identCount < 4 && (eq("create") || eq("function") || eq("procedure") || eq("or") || eq("replace")) {
                let first = t[0] | 0x20
                switch identCount {
                case 0: idents.0 = first
                case 1: idents.1 = first
                case 2: idents.2 = first
                default: idents.3 = first
                }
            }
            identCount += 1
            let c = UInt8(ascii: "c"), f = UInt8(ascii: "f"), pr = UInt8(ascii: "p"), o = UInt8(ascii: "o"), r = UInt8(ascii: "r")
            if idents.0 == c && (idents.1 == f || idents.1 == pr || (idents.1 == o && idents.2 == r && (idents.3 == f || idents.3 == pr)))
                && parenDepth == 0 && len <= 5 {
                if eq("begin") { beginDepth += 1 } else if eq("case") { if beginDepth >= 1 { beginDepth += 1 } } else if eq("end") {
                    if beginDepth > 0 { beginDepth -= 1 }
                }
            }
        }

        /// Follow `SET standard_conforming_strings` and `SET client_encoding` (`SET NAMES`).
        mutating func noteSettings(_ bytes: UnsafeRawBufferPointer) {
            guard let first = tokens.first(where: { !$0.kind.isTrivia }), first.kind == .identifier,
                  SQLLexer.isKeyword(bytes, first, "set") || SQLLexer.isKeyword(bytes, first, "reset") else { return }
            var sig = tokens.lazy.filter { !$0.kind.isTrivia }.makeIterator()
            guard let verb = sig.next() else { return }
            guard var name = sig.next() else { return }
            if SQLLexer.isKeyword(bytes, name, "session") || SQLLexer.isKeyword(bytes, name, "local") {
                guard let n = sig.next() else { return }
                name = n
            }
            let names = SQLLexer.isKeyword(bytes, name, "names")
            if names || SQLLexer.isKeyword(bytes, name, "client_encoding") {
                // RESET / DEFAULT: the session's own encoding, taken as one without ASCII trail bytes.
                if SQLLexer.isKeyword(bytes, verb, "reset") { enc = .asciiSafe; return }
                var value = sig.next()
                if !names, let op = value, (op.kind == .operator && op.count == 1 && bytes[op.start] == 0x3d) || SQLLexer.isKeyword(bytes, op, "to") {
                    value = sig.next()
                }
                guard let value else { return }
                switch value.kind {
                case .identifier:
                    enc = SQLEncoding(name: SQLLexer.identifierName(bytes, value) ?? [])
                case .string, .escapeString:
                    enc = SQLEncoding(name: SQLLexer.stringValue(bytes, value, standardConformingStrings: scs, encoding: enc) ?? [])
                default: break
                }
                return
            }
            guard SQLLexer.isKeyword(bytes, name, "standard_conforming_strings") else { return }
            if SQLLexer.isKeyword(bytes, verb, "reset") { scs = true; return }
            guard let op = sig.next() else { return }
            guard (op.kind == .operator && op.count == 1 && bytes[op.start] == 0x3d) || SQLLexer.isKeyword(bytes, op, "to") else { return }
            guard let value = sig.next() else { return }
            let v: [UInt8]
            switch value.kind {
            case .identifier: v = SQLLexer.identifierName(bytes, value) ?? []
            case .string, .escapeString:
                v = (SQLLexer.stringValue(bytes, value, standardConformingStrings: scs) ?? []).map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
            case .number: v = Array(bytes[value.start..<value.end])
            default: return
            }
            switch String(decoding: v, as: UTF8.self) {
            case "on", "true", "yes", "1", "default": scs = true
            case "off", "false", "no", "0": scs = false
            default: break
            }
        }
    }

    public init(name: String = "SQL text", startOffset: Int64 = 0, standardConformingStrings: Bool = true,
                encoding: SQLEncoding = .asciiSafe) {
        self.name = name
        self.offset = startOffset
        self.st = SplitState(scs: standardConformingStrings, enc: encoding, itemOffset: startOffset)
        st.tokens.reserveCapacity(256)
    }

    /// True while bytes of an unfinished item are held.
    public var hasPendingInput: Bool { !pending.isEmpty || st.inStatement }

    /// Account for `count` bytes consumed elsewhere (COPY data) between two pieces.
    /// Only valid when no item is in progress.
    public func skip(_ count: Int) {
        precondition(!hasPendingInput, "skip inside an unfinished SQL item")
        offset += Int64(count)
        st.itemOffset = offset
    }

    /// Feed the next piece. Complete items are passed to `body` in order; when `body` returns
    /// `.stop`, feeding stops right after that item and the number of bytes of `piece` consumed
    /// so far is returned (the caller handles the rest, e.g. COPY data, then feeds again).
    /// Otherwise the whole piece is consumed.
    @discardableResult
    public func feed(_ piece: UnsafeRawBufferPointer, _ body: (SQLStatementView) throws -> Action) throws -> Int {
        guard let pieceBase = piece.baseAddress?.assumingMemoryBound(to: UInt8.self), piece.count > 0 else { return 0 }
        if pending.isEmpty {
            // Lex the piece in place; carry over only the unfinished tail.
            st.itemOffset = offset
            let r = try process(pieceBase, piece.count, final: false, body)
            if let stop = r.stop {
                offset += Int64(stop)
                return stop
            }
            if r.itemStart < piece.count {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: piece[r.itemStart...]))
            }
            offset += Int64(piece.count)
            return piece.count
        }
        let before = pending.count
        pending.append(contentsOf: piece)
        var buffer = pending
        pending = []
        defer { pending = buffer }
        let r = try buffer.withUnsafeBufferPointer { buf -> (stop: Int?, itemStart: Int) in
            try process(buf.baseAddress!, buf.count, final: false, body)
        }
        if let stop = r.stop {
            let consumed = max(0, stop - before)
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            offset += Int64(consumed)
            return consumed
        }
        if r.itemStart > 0 { buffer.removeSubrange(0..<r.itemStart) }
        offset += Int64(piece.count)
        return piece.count
    }

    /// The input has ended: report what is left. A statement without its `;` is reported with
    /// `isComplete == false`. Throws `.truncated` when the input ends inside a quote, dollar
    /// quote or block comment, naming where it started.
    public func finish(_ body: (SQLStatementView) throws -> Action) throws {
        let buffer = pending
        pending = []
        defer {
            st.resetStatement()
            st.tokStart = 0
            st.resume = LexResume()
            st.itemOffset = offset
        }
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBufferPointer { buf in
            let r = try process(buf.baseAddress!, buf.count, final: true, body)
            if st.inStatement {
                let view = SQLStatementView(kind: .statement,
                                            bytes: UnsafeRawBufferPointer(start: buf.baseAddress! + r.itemStart, count: buf.count - r.itemStart),
                                            offset: st.itemOffset, tokens: st.tokens, isComplete: false,
                                            standardConformingStrings: st.scs, encoding: st.enc)
                _ = try body(view)
            }
        }
    }

    /// Lex `p[0..<n]`, which starts with the item in progress, from the token in progress.
    /// Returns where `body` asked to stop, or the start of the unfinished item.
    private func process(_ p: UnsafePointer<UInt8>, _ n: Int, final: Bool,
                         _ body: (SQLStatementView) throws -> Action) throws -> (stop: Int?, itemStart: Int) {
        var s = st
        st = SplitState(scs: s.scs, enc: s.enc, itemOffset: s.itemOffset)   // the real state lives in `s` meanwhile
        defer { st = s }
        var itemStart = 0
        var pos = s.tokStart
        let itemBase = s.itemOffset  // offset of p[0]
        @inline(__always) func absolute(_ i: Int) -> Int64 { itemBase + Int64(i) }

        while pos < n {
            let result = sqlScanToken(p, n, pos, &s.resume, final: final, scs: s.scs, enc: s.enc)
            guard case .token(let kind, let end, let terminated) = result else {
                s.tokStart = pos - itemStart
                return (nil, itemStart)
            }
            s.resume = LexResume()
            if !terminated {
                let what: String
                switch kind {
                case .blockComment: what = "block comment"
                case .dollarString: what = "dollar-quoted string"
                case .quotedIdentifier: what = "quoted identifier"
                default: what = "quoted string"
                }
                let tag = kind == .dollarString ? " " + dollarTag(p, pos, end) : ""
                throw DumpError(.truncated, file: name, offset: absolute(pos),
                                "input ends inside a \(what)\(tag) that starts at byte \(absolute(pos)) (expected its closing delimiter)")
            }
            if !s.inStatement {
                let itemKind: SQLItemKind?
                switch kind {
                case .whitespace: itemKind = .whitespace
                case .lineComment, .blockComment: itemKind = .comment
                case .psqlMeta: itemKind = .meta
                default: itemKind = nil
                }
                if let itemKind {
                    let view = SQLStatementView(kind: itemKind, bytes: UnsafeRawBufferPointer(start: p + pos, count: end - pos),
                                                offset: absolute(pos), tokens: [], isComplete: true,
                                                standardConformingStrings: s.scs, encoding: s.enc)
                    itemStart = end
                    s.itemOffset = absolute(end)
                    pos = end
                    s.tokStart = 0
                    if try body(view) == .stop { return (end, itemStart) }
                    continue
                }
                s.inStatement = true
                itemStart = pos
                s.itemOffset = absolute(pos)
            }
            s.tokens.append(SQLToken(kind: kind, start: pos - itemStart, end: end - itemStart))
            switch kind {
            case .punctuation:
                if p[pos] == 0x28 { s.parenDepth += 1 } else if p[pos] == 0x29, s.parenDepth > 0 { s.parenDepth -= 1 }
            case .identifier:
                s.trackIdentifier(p + pos, end - pos)
            case .semicolon where s.parenDepth == 0 && s.beginDepth == 0:
                let bytes = UnsafeRawBufferPointer(start: p + itemStart, count: end - itemStart)
                let statementOffset = s.itemOffset
                let scsBefore = s.scs
                let encBefore = s.enc
                s.noteSettings(bytes)
                itemStart = end
                s.itemOffset = absolute(end)
                pos = end
                s.tokStart = 0
                let action: Action
                do {
                    let view = SQLStatementView(kind: .statement, bytes: bytes, offset: statementOffset, tokens: s.tokens,
                                                isComplete: true, standardConformingStrings: scsBefore, encoding: encBefore)
                    action = try body(view)
                }
                s.resetStatement()
                if action == .stop { return (end, itemStart) }
                continue
            default:
                break
            }
            pos = end
        }
        s.tokStart = pos - itemStart
        return (nil, itemStart)
    }

    private func dollarTag(_ p: UnsafePointer<UInt8>, _ s: Int, _ end: Int) -> String {
        var d = s + 1
        while d < end && p[d] != DOLLAR { d += 1 }
        return String(decoding: UnsafeBufferPointer(start: p + s, count: min(d + 1, end) - s), as: UTF8.self)
    }
}
