import Foundation
import Testing
@testable import DumpFormat

// MARK: - Helpers

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
private func str(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

private func kinds(_ s: String, scs: Bool = true) -> [SQLTokenKind] {
    SQLLexer.tokenize(bytes(s), standardConformingStrings: scs).map(\.kind)
}

/// (kind, text) of the significant tokens.
private func sig(_ s: String, scs: Bool = true) -> [(SQLTokenKind, String)] {
    let b = bytes(s)
    return SQLLexer.tokenize(b, standardConformingStrings: scs).filter { !$0.kind.isTrivia }
        .map { ($0.kind, str(Array(b[$0.range]))) }
}

/// Split `input` fed in the given pieces; returns (kind, text) per item.
private func splitPieces(_ input: [UInt8], cuts: [Int], scs: Bool = true) throws -> [String] {
    let s = SQLStatementSplitter(standardConformingStrings: scs)
    var out: [String] = []
    let record: (SQLStatementView) throws -> SQLStatementSplitter.Action = { v in
        out.append("\(v.kind):\(v.offset):\(v.isComplete):\(str(Array(v.bytes))):\(v.tokens.map { "\($0.kind.rawValue)@\($0.start)-\($0.end)" }.joined(separator: ","))")
        // tokens must cover the item without gaps
        var at = 0
        for t in v.tokens { #expect(t.start == at); at = t.end }
        #expect(at == v.bytes.count)
        return .continue
    }
    var last = 0
    try input.withUnsafeBytes { raw in
        for c in cuts + [input.count] where c >= last {
            let consumed = try s.feed(UnsafeRawBufferPointer(rebasing: raw[last..<c]), record)
            #expect(consumed == c - last)
            last = c
        }
    }
    try s.finish(record)
    return out
}

private func statements(_ s: String, scs: Bool = true) throws -> [String] {
    try SQLStatement.split(bytes(s), standardConformingStrings: scs).filter { $0.kind == .statement }.map { str($0.bytes) }
}

/// Records every event of a read.
private final class PlainRecorder: DumpVisitor {
    var header: ArchiveHeader?
    var format: DumpFormatKind?
    var entries: [TOCEntry] = []
    /// dumpId/fileOffset of the entry → its COPY bytes
    var copyData: [Int64: [UInt8]] = [:]
    var largeObjects: [(oid: UInt32, chunks: [[UInt8]], entry: Int)] = []
    var events: [String] = []
    var finished: Int64?
    private var current: TOCEntry?
    private var inLO = false

    func header(_ header: ArchiveHeader, format: DumpFormatKind) throws {
        #expect(self.header == nil, "header reported twice")
        #expect(entries.isEmpty, "header after an entry")
        self.header = header
        self.format = format
        events.append("header")
    }
    func entry(_ entry: TOCEntry) throws {
        #expect(header != nil, "entry before header")
        #expect(current == nil, "entry inside data")
        entries.append(entry)
        events.append("entry \(entry.dumpId) \(entry.desc) \(entry.namespaceText).\(entry.tagText)")
    }
    func beginData(_ entry: TOCEntry) throws {
        #expect(entries.last?.fileOffset == entry.fileOffset)
        current = entry
        copyData[entry.fileOffset] = []
        events.append("begin \(entry.dumpId)")
    }
    func data(_ bytes: UnsafeRawBufferPointer) throws {
        guard let current else { Issue.record("data outside beginData/endData"); return }
        if inLO {
            largeObjects[largeObjects.count - 1].chunks.append(Array(bytes))
        } else {
            copyData[current.fileOffset, default: []].append(contentsOf: bytes)
        }
    }
    func beginLargeObject(oid: UInt32) throws {
        #expect(current?.desc == "BLOBS")
        #expect(!inLO)
        inLO = true
        largeObjects.append((oid, [], current?.dumpId ?? -1))
    }
    func endLargeObject(oid: UInt32) throws {
        #expect(inLO && largeObjects.last?.oid == oid)
        inLO = false
    }
    func endData(_ entry: TOCEntry) throws {
        #expect(current?.fileOffset == entry.fileOffset)
        #expect(!inLO)
        current = nil
        events.append("end \(entry.dumpId)")
    }
    func finish(totalBytes: Int64) throws {
        #expect(current == nil)
        finished = totalBytes
        events.append("finish \(totalBytes)")
    }

    /// Rows per "schema<TAB>table" counted from the COPY data (lines minus the `\.` line).
    var rows: [String: Int] {
        var out: [String: Int] = [:]
        for e in entries where e.copyStmt != nil {
            let d = copyData[e.fileOffset] ?? []
            out["\(e.namespaceText)\t\(e.tagText)"] = d.reduce(0) { $0 + ($1 == 0x0a ? 1 : 0) } - 1
        }
        return out
    }

    /// A digest of everything seen, to compare two reads.
    var digest: String {
        var s = events.joined(separator: "\n")
        for e in entries {
            s += "\n\(e.dumpId)|\(e.desc)|\(e.tagText)|\(e.namespace.map(str) ?? "NULL")|\(e.owner.map(str) ?? "NULL")|\(e.section)|\(e.fileOffset)|\(e.defn.map(str) ?? "")|\(e.copyStmt.map(str) ?? "")"
            if let d = copyData[e.fileOffset] { s += "|\(d.count)|\(d.hashValue)" }
        }
        for lo in largeObjects { s += "\nLO \(lo.oid) \(lo.chunks.map(\.count))" }
        if let h = header {
            s += "\n\(h.serverVersion.map(str) ?? "-") \(h.pgDumpVersion.map(str) ?? "-") \(h.databaseName.map(str) ?? "-")"
        }
        return s
    }

    /// The script rebuilt from the events, following the contract in PlainReader's doc comment.
    func reconstruct() -> [UInt8] {
        var out: [UInt8] = []
        for e in entries {
            if e.dumpId == 0 {
                out += e.defn ?? []
            } else {
                let prefix = e.hadDumper ? "Data for " : (e.desc == "STATISTICS DATA" ? "Statistics for " : "")
                var line = "--\n-- \(prefix)Name: \(e.tagText); Type: \(e.desc); Schema: \(e.namespace.map(str) ?? "-"); Owner: \(e.owner.map(str) ?? "-")"
                if let ts = e.tablespace { line += "; Tablespace: \(str(ts))" }
                out += bytes(line + "\n--\n")
                out += e.defn ?? []
            }
            if let c = e.copyStmt {
                out += c
                out += copyData[e.fileOffset] ?? []
                out += bytes("\n\n")
            } else if e.isBlobs, copyData[e.fileOffset] != nil {
                out += bytes("BEGIN;\n\n")
                for lo in largeObjects where lo.entry == e.dumpId {
                    out += bytes("SELECT pg_catalog.lo_open('\(lo.oid)', 131072);\n")
                    for chunk in lo.chunks {
                        out += bytes("SELECT pg_catalog.lowrite(0, '\\x" + chunk.map { String(format: "%02x", $0) }.joined() + "');\n")
                    }
                    out += bytes("SELECT pg_catalog.lo_close(0);\n\n")
                }
                out += bytes("COMMIT;\n\n")
            }
        }
        return out
    }
}

private func readPlain(_ data: [UInt8], name: String = "test.sql", bufferSize: Int = 1 << 20) throws -> PlainRecorder {
    let source = PlainMemorySource(data)
    let reader = ByteReader(source: source, name: name, bufferSize: bufferSize)
    let rec = PlainRecorder()
    try PlainReader(reader: reader, name: name).read(rec)
    return rec
}

private func readPlainFile(_ path: String) throws -> (PlainRecorder, PlainReader) {
    let plain = try PlainReader.open(path: path)
    let rec = PlainRecorder()
    try plain.read(rec)
    return (rec, plain)
}

/// Serves bytes from memory in pieces of at most `chunk` bytes.
private final class PlainMemorySource: ByteSource {
    let data: [UInt8]
    var pos = 0
    let chunk: Int
    init(_ data: [UInt8], chunk: Int = Int.max) { self.data = data; self.chunk = chunk }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, data.count - pos, chunk)
        if n <= 0 { return 0 }
        data.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + pos, byteCount: n) }
        pos += n
        return n
    }
}

private let fixturesDir: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

private func plainFixtures() -> [URL] {
    let fm = FileManager.default
    guard let versions = try? fm.contentsOfDirectory(atPath: fixturesDir.path) else { return [] }
    var out: [URL] = []
    for v in versions.sorted() where v.hasPrefix("pg") {
        let dir = fixturesDir.appendingPathComponent(v)
        for f in (try? fm.contentsOfDirectory(atPath: dir.path))?.sorted() ?? [] where f.hasSuffix(".plain.sql") {
            out.append(dir.appendingPathComponent(f))
        }
    }
    return out
}

// MARK: - Lexer

@Test func plainLexerTokenKinds() {
    let input = "SELECT a1$x, \"Q\"\"d\", 'it''s', E'x\\'y', $$b;$$, B'01', X'1F', N'n', 42, 3.5e-2, $1 -- c\n/* b */ ;\\connect db\n"
    let toks = sig(input)
    #expect(toks.map(\.0) == [.identifier, .identifier, .punctuation, .quotedIdentifier, .punctuation, .string, .punctuation,
                              .escapeString, .punctuation, .dollarString, .punctuation, .bitString, .punctuation, .bitString,
                              .punctuation, .string, .punctuation, .number, .punctuation, .number, .punctuation, .parameter,
                              .semicolon, .psqlMeta])
    #expect(toks[1].1 == "a1$x")
    #expect(toks.last?.1 == "\\connect db\n")
    let all = kinds(input)
    #expect(all.contains(.lineComment) && all.contains(.blockComment) && all.contains(.whitespace))
    // tokens cover the input exactly
    let b = bytes(input)
    let t = SQLLexer.tokenize(b)
    #expect(t.first?.start == 0 && t.last?.end == b.count)
    for (x, y) in zip(t, t.dropFirst()) { #expect(x.end == y.start) }
}

@Test func plainLexerLineCommentIncludesNewline() {
    let b = bytes("-- hello\r\nx -- tail")
    let t = SQLLexer.tokenize(b)
    #expect(t.map(\.kind) == [.lineComment, .identifier, .whitespace, .lineComment])
    #expect(t[0].end == 10)
    #expect(t[3].end == b.count && t[3].terminated)
}

@Test func plainLexerNestedBlockComments() {
    let toks = SQLLexer.tokenize(bytes("/* a /* b */ c; */ x /* **/ y"))
    #expect(toks.map(\.kind) == [.blockComment, .whitespace, .identifier, .whitespace, .blockComment, .whitespace, .identifier])
    #expect(toks[0].end == 18)
    let open = SQLLexer.tokenize(bytes("/* a /* b */"))
    #expect(open.count == 1 && !open[0].terminated)
}

@Test func plainLexerDollarQuotes() {
    let s = "$tag$ a $notag$ b $ta $tag $tag$;"
    let toks = sig(s)
    #expect(toks.map(\.0) == [.dollarString, .semicolon])
    #expect(toks[0].1 == "$tag$ a $notag$ b $ta $tag $tag$")
    #expect(sig("$1 + $23").map(\.0) == [.parameter, .operator, .parameter])
    #expect(sig("a$$b$$").map(\.0) == [.identifier])          // $ continues an identifier
    #expect(sig("$$x$$").map(\.1) == ["$$x$$"])
    #expect(sig("$_x1$ y $_x1$").map(\.0) == [.dollarString])
    #expect(sig("$1x$ y").map(\.0) == [.parameter, .identifier, .identifier])   // x$ is an identifier
    let v = bytes("$f$ it's $f$")
    #expect(SQLLexer.stringValue(v, SQLLexer.tokenize(v)[0]) == bytes(" it's "))
}

@Test func plainLexerStrings() {
    let e = bytes("E'it\\'s'")
    let et = SQLLexer.tokenize(e)
    #expect(et.count == 1 && et[0].kind == .escapeString)
    #expect(SQLLexer.stringValue(e, et[0]) == bytes("it's"))
    let q = bytes("'it''s; ok'")
    let qt = SQLLexer.tokenize(q)
    #expect(qt.count == 1 && qt[0].kind == .string)
    #expect(SQLLexer.stringValue(q, qt[0]) == bytes("it's; ok"))
    // E'' escapes
    let esc = bytes("e'a\\tb\\n\\x41\\101\\u00e9\\\\'")
    #expect(SQLLexer.stringValue(esc, SQLLexer.tokenize(esc)[0]) == bytes("a\tb\nAA\u{e9}\\"))
    // standard_conforming_strings off: backslash escapes in '' strings
    #expect(kinds("'a\\'b'", scs: false) == [.string])
    #expect(kinds("'a\\'z'", scs: true) == [.string, .identifier, .string])
    #expect(SQLLexer.tokenize(bytes("'a\\'z'")).last?.terminated == false)
    let off = bytes("'a\\'b'")
    #expect(SQLLexer.stringValue(off, SQLLexer.tokenize(off, standardConformingStrings: false)[0], standardConformingStrings: false) == bytes("a'b"))
    // a continued E'' literal keeps its escapes
    let cont = bytes("E'a'\n  '\\'b';")
    let ct = SQLLexer.tokenize(cont)
    #expect(ct.map(\.kind) == [.escapeString, .semicolon])
    #expect(SQLLexer.stringValue(cont, ct[0]) == bytes("a'b"))
    // U&'…'
    let u = bytes("U&'d\\0061t\\+000061'")
    #expect(SQLLexer.stringValue(u, SQLLexer.tokenize(u)[0]) == bytes("data"))
    #expect(sig("b'01' x'ff' n'x'").map(\.0) == [.bitString, .bitString, .string])
    #expect(sig("bx ex nx ux").map(\.0) == [.identifier, .identifier, .identifier, .identifier])
}

@Test func plainLexerIdentifiers() {
    let b = bytes("SeLeCt \"Carol \"\"Q\"\"\" U&\"x\" U&\"d\\0061ta\" café u&y")
    let t = SQLLexer.tokenize(b).filter { !$0.kind.isTrivia }
    #expect(t.map(\.kind) == [.identifier, .quotedIdentifier, .quotedIdentifier, .quotedIdentifier, .identifier, .identifier, .operator, .identifier])
    #expect(SQLLexer.isKeyword(b, t[0], "select"))
    #expect(SQLLexer.isKeyword(b, t[0], "SELECT"))
    #expect(!SQLLexer.isKeyword(b, t[0], "selec"))
    #expect(!SQLLexer.isKeyword(b, t[1], "carol"))
    #expect(SQLLexer.identifierName(b, t[0]) == bytes("select"))
    #expect(SQLLexer.identifierName(b, t[1]) == bytes("Carol \"Q\""))
    #expect(SQLLexer.identifierName(b, t[2]) == bytes("x"))
    #expect(SQLLexer.identifierName(b, t[3]) == bytes("data"))
    #expect(SQLLexer.identifierName(b, t[4]) == bytes("café"))
    #expect(SQLLexer.identifierName(b, t[6]) == nil)
}

@Test func plainLexerOperatorsAndNumbers() {
    #expect(sig("a<>b").map(\.1) == ["a", "<>", "b"])
    #expect(sig("x::int").map(\.1) == ["x", "::", "int"])
    #expect(sig("a=-1").map(\.1) == ["a", "=", "-", "1"])
    #expect(sig("a@-1").map(\.1) == ["a", "@-", "1"])
    #expect(kinds("+/*c*/") == [.operator, .blockComment])
    #expect(kinds("*--c") == [.operator, .lineComment])
    #expect(sig("1..2").map(\.1) == ["1", "..", "2"])
    #expect(sig("0x1F 1_000 .5 1.5e+3 7e").map(\.1) == ["0x1F", "1_000", ".5", "1.5e+3", "7", "e"])
    #expect(sig("a.b[1]:=c").map(\.1) == ["a", ".", "b", "[", "1", "]", ":=", "c"])
}

// MARK: - Splitter

@Test func plainSplitterSemicolonsInsideQuoting() throws {
    let forms = ["'a;b'", "E'a\\';b'", "\"a;b\"", "$$a;b$$", "$q$a;$$;b$q$", "/* a; /* ; */ b */ 1", "-- a;b\n 1", "U&\"a;\"", "B'0;1'"]
    for f in forms {
        let st = try statements("SELECT \(f); SELECT 2;")
        #expect(st == ["SELECT \(f);", "SELECT 2;"], "form \(f)")
    }
}

@Test func plainSplitterParenthesesAndBeginAtomic() throws {
    let rule = "CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO a VALUES (1); UPDATE b SET c = 2);"
    #expect(try statements(rule + "\nSELECT 1;") == [rule, "SELECT 1;"])
    let fn = """
    CREATE FUNCTION f(x int) RETURNS int
        LANGUAGE sql
        BEGIN ATOMIC
     SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END;
     SELECT 3;
    END;
    """
    #expect(try statements(fn + "\nSELECT 1;") == [fn, "SELECT 1;"])
    let proc = "create or replace procedure p() begin atomic insert into t values (1); end;"
    #expect(try statements(proc + " SELECT 1;") == [proc, "SELECT 1;"])
    // BEGIN outside a function definition is an ordinary statement
    #expect(try statements("BEGIN; SELECT 1; END;") == ["BEGIN;", "SELECT 1;", "END;"])
}

@Test func plainSplitterItems() throws {
    let text = "-- c1\n\n\\restrict KEY\nSET a = 1; -- tail\n/* b */\nSELECT 'x'\n;\n\\connect db\nSELECT 1"
    let items = try SQLStatement.split(bytes(text))
    #expect(items.map(\.kind) == [.comment, .whitespace, .meta, .statement, .whitespace, .comment, .comment, .whitespace,
                                  .statement, .whitespace, .meta, .statement])
    #expect(items.map { str($0.bytes) }.joined() == text)
    #expect(str(items[2].bytes) == "\\restrict KEY\n")
    #expect(str(items[8].bytes) == "SELECT 'x'\n;")
    #expect(items[8].offset == Int64(text.utf8.count - "SELECT 'x'\n;\n\\connect db\nSELECT 1".utf8.count))
    #expect(items.last?.isComplete == false)
    #expect(items.dropLast().allSatisfy { $0.isComplete })
}

@Test func plainSplitterStandardConformingStringsSwitch() throws {
    let text = "SET standard_conforming_strings = off;\nSELECT 'a\\';b';\nSET standard_conforming_strings TO 'on';\nSELECT 'c\\'; SELECT 2;"
    #expect(try statements(text) == ["SET standard_conforming_strings = off;", "SELECT 'a\\';b';",
                                      "SET standard_conforming_strings TO 'on';", "SELECT 'c\\';", "SELECT 2;"])
}

/// `SET client_encoding` to a client-only encoding: a character's trail byte 0x5c ('表' is 0x95
/// 0x5c in SJIS, '乗' 0x81 0x5c in GBK, '么' 0xa4 0x5c in BIG5) neither escapes a quote (in an
/// E'' string, or any string with standard_conforming_strings off) nor ends a word, as psql and
/// the server read it; back in UTF8 nothing changes. Every piece boundary gives the same items.
@Test(arguments: [("SJIS", [UInt8]([0x95, 0x5c])), ("GBK", [0x81, 0x5c]), ("BIG5", [0xa4, 0x5c]), ("GB18030", [0x81, 0x5c]),
                  ("GB18030", [0x81, 0x30, 0x81, 0x30])])
func plainSplitterFollowsClientEncoding(_ encoding: String, _ char: [UInt8]) throws {
    let input = bytes("SET client_encoding = '\(encoding)';\nSET standard_conforming_strings = off;\nCOMMENT ON TABLE t IS '") + char
        + bytes("';\nSELECT E'") + char + bytes("', x") + char + bytes("y;\nSET standard_conforming_strings = on;\nSELECT E'") + char
        + bytes("'; SELECT 2;\n")
    let items = try SQLStatement.split(input).filter { $0.kind == .statement }
    #expect(items.count == 7, "\(items.map { shown($0.bytes) })")
    #expect(items.last.map { str($0.bytes) } == "SELECT 2;")
    #expect(items.dropFirst().allSatisfy { $0.encoding == SQLEncoding(name: Array(encoding.utf8)) && $0.encoding != .asciiSafe })
    let whole = try splitPieces(input, cuts: [])
    for cut in 0...input.count {
        #expect(try splitPieces(input, cuts: [cut]) == whole, "cut at \(cut)")
    }
    // The same bytes lexed as UTF8 run the quote on (the defect this guards against).
    if char.contains(0x5c) {
        let utf8 = try? SQLStatement.split(Array(input.dropFirst(bytes("SET client_encoding = '\(encoding)';").count)))
        #expect(utf8.map { $0.filter { $0.kind == .statement }.count != 6 } ?? true)
    }
    // The trail byte is no escape in a literal's value either.
    let lit = bytes("E'a") + char + bytes("b'")
    let enc = SQLEncoding(name: Array(encoding.utf8))
    let tokens = SQLLexer(standardConformingStrings: true, encoding: enc).tokenize(lit)
    #expect(tokens.count == 1)
    #expect(SQLLexer.stringValue(lit, tokens[0], encoding: enc) == bytes("a") + char + bytes("b"))
}

@Test func plainSplitterEveryBoundaryGivesSameItems() throws {
    let tricky = "--\n-- Name: x; Type: TABLE; Schema: a; Owner: b\n--\n\n\\restrict abc123\n"
        + "CREATE FUNCTION f() RETURNS text AS $body$ SELECT ';' ; $notbody$ $body$ LANGUAGE sql;\n"
        + "/* outer /* inner ; */ still ; */ SELECT E'it\\'s;', 'a''b;', \"q;\"\"\", U&\"u;\", $1, x$$y, a<>b, 1.5e+3 -- c;\n"
        + ";\r\nCREATE RULE r AS ON INSERT TO t DO (INSERT INTO a VALUES (';'); DELETE FROM b);\nSET standard_conforming_strings = off;\n"
        + "SELECT 'x\\';y';\n\\unrestrict abc123\nSELECT 'unterminated statement'"
    let input = bytes(tricky)
    let whole = try splitPieces(input, cuts: [])
    #expect(whole.filter { $0.hasPrefix("statement") }.count == 6)
    for cut in 0...input.count {
        #expect(try splitPieces(input, cuts: [cut]) == whole, "cut at \(cut)")
    }
    // three pieces at assorted places, and one byte at a time
    for a in stride(from: 1, to: input.count, by: 7) {
        let b = min(input.count, a + 1 + (a * 13) % 40)
        #expect(try splitPieces(input, cuts: [a, b]) == whole, "cuts at \(a), \(b)")
    }
    #expect(try splitPieces(input, cuts: Array(0...input.count)) == whole)
}

@Test func plainSplitterLongItemsAreLinear() throws {
    // 16 MB inside one string, one dollar quote and one comment, fed in 4 KB pieces: re-lexing
    // the accumulated item per piece would take minutes.
    let filler = [UInt8](repeating: 0x61, count: 16 << 20)
    for (open, close) in [("SELECT '", "';"), ("SELECT $x$", "$x$;"), ("/* ", " */ SELECT 1;"), ("-- ", "\nSELECT 1;")] {
        let input = bytes(open) + filler + bytes(close)
        let s = SQLStatementSplitter()
        var sizes: [Int] = []
        let start = Date()
        try input.withUnsafeBytes { raw in
            var at = 0
            while at < raw.count {
                let end = min(raw.count, at + 4096)
                try s.feed(UnsafeRawBufferPointer(rebasing: raw[at..<end])) { sizes.append($0.bytes.count); return .continue }
                at = end
            }
        }
        try s.finish { sizes.append($0.bytes.count); return .continue }
        #expect(sizes.reduce(0, +) == input.count)
        #expect(Date().timeIntervalSince(start) < 20, "\(open)… took too long")
    }
}

@Test func plainSplitterUnterminatedIsTruncated() {
    for (text, start) in [("SELECT 1; SELECT 'abc", 17), ("SELECT $x$ abc $x", 7), ("x; /* a /* */", 3), ("SELECT \"a", 7), ("E'a\\'", 0)] {
        do {
            _ = try SQLStatement.split(bytes(text), name: "t.sql", offset: 100)
            Issue.record("no error for \(text)")
        } catch let e as DumpError {
            #expect(e.kind == .truncated)
            #expect(e.offset == Int64(100 + start), "\(text): \(e)")
            #expect(e.description.hasPrefix("t.sql at byte \(100 + start): input ends inside a"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

@Test func plainSplitterStopsAndResumes() throws {
    // `.stop` hands back control right after the item; the rest is fed again later.
    let input = bytes("COPY t FROM stdin;\n1\n\\.\nSELECT 1;")
    let s = SQLStatementSplitter()
    var seen: [String] = []
    let consumed = try input.withUnsafeBytes { raw in
        try s.feed(raw) { v in seen.append(str(Array(v.bytes))); return v.kind == .statement ? .stop : .continue }
    }
    #expect(consumed == 18 && seen == ["COPY t FROM stdin;"])
    s.skip(6) // "\n1\n\\.\n" handled elsewhere
    try input.withUnsafeBytes { raw in
        _ = try s.feed(UnsafeRawBufferPointer(rebasing: raw[24...])) { v in seen.append("\(v.offset):" + str(Array(v.bytes))); return .continue }
    }
    try s.finish { _ in .continue }
    #expect(seen == ["COPY t FROM stdin;", "24:SELECT 1;"])
}

// MARK: - Reader on an inline script

private let restrictKey = "Abc123restrictKEY"

private let miniDump = """
--
-- PostgreSQL database dump
--

\\restrict \(restrictKey)

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 16.4

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);

--
-- Name: app; Type: SCHEMA; Schema: -; Owner: alice
--

CREATE SCHEMA app;


ALTER SCHEMA app OWNER TO alice;

--
-- Name: f(integer); Type: FUNCTION; Schema: app; Owner: Carol Q
--

CREATE FUNCTION app.f(integer) RETURNS integer
    LANGUAGE plpgsql
    AS $_$
-- Name: fake; Type: TABLE; Schema: app; Owner: nobody
BEGIN RETURN $1; END; $_$;


ALTER FUNCTION app.f(integer) OWNER TO "Carol Q";

SET default_tablespace = '';

--
-- Name: weird; Type: X; Type: TABLE; Schema: app; Owner: bob; Tablespace: fast
--

CREATE TABLE app."weird; Type: X" (
    a integer
);


ALTER TABLE app."weird; Type: X" OWNER TO bob;

--
-- Name: EXTENSION plpgsql; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION plpgsql IS 'PL/pgSQL; procedural language';


--
-- Data for Name: weird; Type: X; Type: TABLE DATA; Schema: app; Owner: bob
--

COPY app."weird; Type: X" (a) FROM stdin;
1
2\\.5
\\\\.
3
\\.


--
-- Data for Name: empty; Type: TABLE DATA; Schema: app; Owner: -
--

COPY app.empty (a) FROM stdin;
\\.


SET default_tablespace = fast;

--
-- Data for Name: BLOBS; Type: BLOBS; Schema: -; Owner: -
--

BEGIN;

SELECT pg_catalog.lo_open('4242', 131072);
SELECT pg_catalog.lowrite(0, '\\x00010203ff');
SELECT pg_catalog.lowrite(0, '\\x41');
SELECT pg_catalog.lo_close(0);

SELECT pg_catalog.lo_open('4243', 131072);
SELECT pg_catalog.lo_close(0);

COMMIT;

--
-- Name: TABLE weird; Type: ACL; Schema: app; Owner: bob
--

GRANT SELECT ON TABLE app."weird; Type: X" TO "Carol Q";


--
-- PostgreSQL database dump complete
--

\\unrestrict \(restrictKey)


"""

@Test func plainReaderMiniDumpEntries() throws {
    let rec = try readPlain(bytes(miniDump))
    let h = try #require(rec.header)
    #expect(rec.format == .plain)
    #expect(h.version == ArchiveVersion(0, 0, 0) && h.formatByte == 0 && h.compression == .none && h.rawBytes.isEmpty)
    #expect(h.serverVersion == bytes("15.18 (Debian 15.18-0+deb12u1)"))
    #expect(h.pgDumpVersion == bytes("16.4"))
    #expect(h.databaseName == nil)

    let e = rec.entries
    let header = e.filter { $0.dumpId > 0 }
    #expect(header.map(\.dumpId) == Array(1...8))
    #expect(header.map(\.desc) == ["SCHEMA", "FUNCTION", "TABLE", "COMMENT", "TABLE DATA", "TABLE DATA", "BLOBS", "ACL"])
    #expect(header.map(\.tagText) == ["app", "f(integer)", "weird; Type: X", "EXTENSION plpgsql", "weird; Type: X", "empty", "BLOBS", "TABLE weird"])
    #expect(header.map { $0.namespace.map(str) ?? "NULL" } == ["NULL", "app", "app", "NULL", "app", "app", "NULL", "app"])
    #expect(header.map { $0.owner.map(str) ?? "NULL" } == ["alice", "Carol Q", "bob", "", "bob", "NULL", "NULL", "bob"])
    #expect(header[2].tablespace == bytes("fast"))
    #expect(header.map(\.section) == [.preData, .preData, .preData, .none, .data, .data, .data, .none])
    #expect(header.allSatisfy { $0.location == .none })
    #expect(header[0].defn == bytes("\nCREATE SCHEMA app;\n\n\nALTER SCHEMA app OWNER TO alice;\n\n"))
    #expect(str(header[1].defn ?? []).contains("-- Name: fake"))     // inside a dollar quote: not a header
    #expect(str(header[1].defn ?? []).hasSuffix("OWNER TO \"Carol Q\";\n\nSET default_tablespace = '';\n\n"))
    #expect(header[4].copyStmt == bytes("COPY app.\"weird; Type: X\" (a) FROM stdin;\n"))
    #expect(header[4].defn == bytes("\n"))
    #expect(header[4].hadDumper && header[6].hadDumper && !header[0].hadDumper)
    // the header comment's offset
    let firstHeader = miniDump.range(of: "--\n-- Name: app;")!
    #expect(header[0].fileOffset == Int64(miniDump.utf8.distance(from: miniDump.startIndex, to: firstHeader.lowerBound)))

    // script entries: prelude, the SET between the data entries, the trailer
    let scripts = e.filter { $0.dumpId == 0 }
    #expect(scripts.count == 3)
    #expect(scripts.allSatisfy { $0.desc == "SET" && $0.tag == nil && $0.section == .none })
    #expect(str(scripts[0].defn ?? []).hasPrefix("--\n-- PostgreSQL database dump\n--\n\n\\restrict"))
    #expect(str(scripts[0].defn ?? []).hasSuffix("set_config('search_path', '', false);\n\n"))
    #expect(scripts[1].defn == bytes("SET default_tablespace = fast;\n\n"))
    #expect(str(scripts[2].defn ?? []) == "--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict \(restrictKey)\n\n")
    #expect(e.firstIndex { $0.dumpId == 0 && $0.defn == scripts[1].defn } == 7)

    // data
    #expect(rec.rows == ["app\tweird; Type: X": 4, "app\tempty": 0])
    #expect(rec.copyData[header[4].fileOffset] == bytes("1\n2\\.5\n\\\\.\n3\n\\.\n"))
    #expect(rec.largeObjects.map(\.oid) == [4242, 4243])
    #expect(rec.largeObjects[0].chunks == [[0, 1, 2, 3, 0xff], [0x41]])
    #expect(rec.largeObjects[1].chunks.isEmpty)
    #expect(rec.events.contains("begin 7") && rec.events.contains("end 7"))
    #expect(rec.finished == Int64(miniDump.utf8.count))

    // every byte is accounted for
    #expect(str(rec.reconstruct()) == miniDump)
}

@Test func plainReaderSmallBuffersGiveSameEvents() throws {
    let whole = try readPlain(bytes(miniDump)).digest
    for size in [4096] {
        for chunk in [1, 2, 3, 7, 64, 333] {
            let source = PlainMemorySource(bytes(miniDump), chunk: chunk)
            let rec = PlainRecorder()
            try PlainReader(reader: ByteReader(source: source, name: "test.sql", bufferSize: size), name: "test.sql").read(rec)
            #expect(rec.digest == whole, "chunk \(chunk)")
        }
    }
}

private func expectDumpError(_ data: [UInt8], _ kind: DumpError.Kind? = nil, contains: String? = nil,
                             sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try readPlain(data)
        Issue.record("read without error", sourceLocation: sourceLocation)
    } catch let e as DumpError {
        if let kind { #expect(e.kind == kind, "\(e)", sourceLocation: sourceLocation) }
        if let contains { #expect(e.description.contains(contains), "\(e)", sourceLocation: sourceLocation) }
        #expect(e.offset != nil && !e.description.contains("\n"), "\(e)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("not a DumpError: \(error)", sourceLocation: sourceLocation)
    }
}

@Test func plainReaderRejectsOtherInput() {
    expectDumpError(bytes("PGDMP\u{1}\u{e}"), .malformed, contains: "not a pg_dump plain-text script (expected '-- PostgreSQL database dump')")
    expectDumpError(bytes("SELECT 1;\n"), .malformed, contains: "not a pg_dump plain-text script")
    expectDumpError([], .malformed, contains: "at byte 0")
}

@Test func plainReaderCompletenessErrors() {
    var d = miniDump
    // COPY not closed
    let copyStart = d.range(of: "COPY app.empty")!
    expectDumpError(bytes(String(d[..<copyStart.upperBound]) + " (a) FROM stdin;\n1\n2\n"), .truncated,
                    contains: "COPY data for app.empty starting at byte")
    // missing trailer
    d = miniDump.replacingOccurrences(of: "-- PostgreSQL database dump complete", with: "-- Some comment")
    expectDumpError(bytes(d), .truncated, contains: "does not end with the '-- PostgreSQL database dump complete' trailer")
    // content after the trailer
    expectDumpError(bytes(miniDump + "SELECT 1;\n"), .truncated, contains: "trailer")
    // \unrestrict missing or with another key
    d = miniDump.replacingOccurrences(of: "\\unrestrict \(restrictKey)\n", with: "")
    expectDumpError(bytes(d), .truncated, contains: "\\restrict \(restrictKey) at byte 35 is never lifted")
    d = miniDump.replacingOccurrences(of: "\\unrestrict \(restrictKey)", with: "\\unrestrict other")
    expectDumpError(bytes(d), .malformed, contains: "does not match")
    // unterminated quote names where it starts
    let fnStart = miniDump.range(of: "$_$\n-- Name: fake")!
    let cut = String(miniDump[..<fnStart.upperBound])
    let at = cut.utf8.count - "$_$\n-- Name: fake".utf8.count
    expectDumpError(bytes(cut), .truncated, contains: "dollar-quoted string $_$ that starts at byte \(at)")
    // large object not closed
    d = miniDump.replacingOccurrences(of: "SELECT pg_catalog.lowrite(0, '\\x41');\nSELECT pg_catalog.lo_close(0);", with: "")
    expectDumpError(bytes(d), contains: "lo_open while large object 4242 is still open")
    // garbage in large-object data
    d = miniDump.replacingOccurrences(of: "SELECT pg_catalog.lowrite(0, '\\x41');", with: "SELECT pg_catalog.lowrite(0, '\\x4');")
    expectDumpError(bytes(d), .malformed, contains: "lowrite without a '\\x…' literal")
}

@Test func plainReaderTruncatedEverywhereFailsCleanly() throws {
    try checkTruncations(bytes(miniDump), step: 1)
}

/// Every prefix shorter than the last non-blank byte must fail with a DumpError; the complete
/// input must read clean.
private func checkTruncations(_ data: [UInt8], step: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
    _ = try readPlain(data)
    var lastContent = data.count
    while lastContent > 0 && [0x0a, 0x0d, 0x20, 0x09].contains(data[lastContent - 1]) { lastContent -= 1 }
    var cut = 0
    while cut < lastContent {
        do {
            _ = try readPlain(Array(data[0..<cut]))
            Issue.record("prefix of \(cut) bytes read without error", sourceLocation: sourceLocation)
        } catch is DumpError {
        } catch {
            Issue.record("prefix of \(cut): not a DumpError: \(error)", sourceLocation: sourceLocation)
        }
        cut += step
    }
}

@Test func plainReaderMutatedInputNeverCrashes() {
    // Random damage (quotes, backslashes, dollars, semicolons, deleted and repeated ranges):
    // every read ends in success or a one-line DumpError, never a trap or a hang.
    var rng = SystemRandomNumberGenerator()
    let base = bytes(miniDump)
    let noise: [UInt8] = Array("'\"$\\;-/*\n.\t(".utf8) + [0x00, 0xff]
    var errors = 0
    for round in 0..<1500 {
        var d = base
        for _ in 0..<(1 + round % 4) {
            let at = Int.random(in: 0..<d.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: d[at] = noise.randomElement(using: &rng) ?? 0x27
            case 1: d.insert(noise.randomElement(using: &rng) ?? 0x27, at: at)
            case 2: d.removeSubrange(at..<min(d.count, at + Int.random(in: 1...40, using: &rng)))
            default: d.insert(contentsOf: d[at..<min(d.count, at + 30)], at: at)
            }
        }
        do {
            let source = PlainMemorySource(d, chunk: [5, 100, 4096][round % 3])
            try PlainReader(reader: ByteReader(source: source, name: "m.sql", bufferSize: 4096), name: "m.sql").read(PlainRecorder())
        } catch let e as DumpError {
            errors += 1
            #expect(!e.description.contains("\n") && e.offset != nil)
        } catch {
            Issue.record("not a DumpError: \(error)")
        }
    }
    #expect(errors > 100)
}

@Test func plainReaderClusterDump() throws {
    let inner = miniDump
    let cluster = """
    --
    -- PostgreSQL database cluster dump
    --

    \\restrict outerKey

    SET default_transaction_read_only = off;

    --
    -- Roles
    --

    CREATE ROLE alice;
    GRANT alice TO bob WITH ADMIN OPTION GRANTED BY postgres;

    \\unrestrict outerKey

    --
    -- Databases
    --

    --
    -- Database "app" dump
    --

    \\connect -reuse-previous=on "dbname='app db'"


    """ + inner + """
    --
    -- PostgreSQL database cluster dump complete
    --


    """
    let rec = try readPlain(bytes(cluster))
    #expect(rec.header?.databaseName == bytes("app db"))
    #expect(rec.entries.filter { $0.dumpId > 0 }.count == 8)
    #expect(str(rec.entries[0].defn ?? []).contains("GRANT alice TO bob"))
    #expect(str(rec.reconstruct()) == cluster)
    // a cluster dump must end with the cluster trailer
    expectDumpError(bytes(cluster.replacingOccurrences(of: "-- PostgreSQL database cluster dump complete", with: "-- x")),
                    .truncated, contains: "cluster dump complete")
    // a database section without its trailer
    let noInnerTrailer = cluster.replacingOccurrences(of: "-- PostgreSQL database dump complete", with: "-- x")
    expectDumpError(bytes(noInnerTrailer), .truncated, contains: "has no '-- PostgreSQL database dump complete' trailer")
    try checkTruncations(bytes(cluster), step: 13)
}

@Test func plainReaderCreateDatabaseName() throws {
    let d = miniDump.replacingOccurrences(of: "--\n-- Name: app; Type: SCHEMA", with: """
    --
    -- Name: my db; Type: DATABASE; Schema: -; Owner: alice
    --

    CREATE DATABASE "my db" WITH TEMPLATE = template0 ENCODING = 'UTF8';


    ALTER DATABASE "my db" OWNER TO alice;

    \\unrestrict \(restrictKey)
    \\connect -reuse-previous=on "dbname='my db'"
    \\restrict \(restrictKey)

    SET statement_timeout = 0;

    --
    -- Name: app; Type: SCHEMA
    """)
    let rec = try readPlain(bytes(d))
    #expect(rec.header?.databaseName == bytes("my db"))
    #expect(rec.entries[1].desc == "DATABASE")
    #expect(str(rec.entries[1].defn ?? []).contains("\\connect"))
    #expect(str(rec.reconstruct()) == d)
}

@Test func plainReaderStandardConformingStringsOff() throws {
    let d = miniDump.replacingOccurrences(of: "SET standard_conforming_strings = on;", with: "SET standard_conforming_strings = off;\nSET escape_string_warning = off;")
        .replacingOccurrences(of: "IS 'PL/pgSQL; procedural language'", with: "IS 'PL/pgSQL\\'s; language'")
        .replacingOccurrences(of: "lowrite(0, '\\x41')", with: "lowrite(0, E'\\\\x41')")
        .replacingOccurrences(of: "lowrite(0, '\\x00010203ff')", with: "lowrite(0, E'\\\\x00010203ff')")
    let rec = try readPlain(bytes(d))
    #expect(rec.entries.filter { $0.dumpId > 0 }.count == 8)
    #expect(rec.largeObjects[0].chunks == [[0, 1, 2, 3, 0xff], [0x41]])
    #expect(str(rec.reconstruct()).count > 0)
}

/// Each pseudo-entry carries the lexer state where its defn starts: a later
/// `SET standard_conforming_strings` or `SET client_encoding` in the script changes it for the
/// entries after it, never before.
@Test func plainReaderEntriesCarryTheScriptsLexState() throws {
    let marker = "-- Name: EXTENSION plpgsql; Type: COMMENT; Schema: -; Owner: "
    #expect(miniDump.contains(marker))
    let d = miniDump.replacingOccurrences(of: "--\n" + marker, with: "SET standard_conforming_strings = off;\nSET client_encoding = 'SJIS';\n\n--\n" + marker)
        .replacingOccurrences(of: "lowrite(0, '\\x41')", with: "lowrite(0, E'\\\\x41')")
        .replacingOccurrences(of: "lowrite(0, '\\x00010203ff')", with: "lowrite(0, E'\\\\x00010203ff')")
    let rec = try readPlain(bytes(d))
    guard let at = rec.entries.firstIndex(where: { $0.desc == "COMMENT" && $0.dumpId > 0 }) else {
        Issue.record("no COMMENT entry")
        return
    }
    #expect(rec.entries[..<at].allSatisfy { $0.lexState == SQLLexState() })
    #expect(rec.entries[at...].allSatisfy { $0.lexState == SQLLexState(standardConformingStrings: false, encoding: .sjis) })
}

// MARK: - Reader on committed fixtures

@Test(.enabled(if: !plainFixtures().isEmpty)) func plainReaderFixtures() throws {
    for url in plainFixtures() {
        let (rec, reader) = try readPlainFile(url.path)
        #expect(reader.compression == .none)
        let data = try [UInt8](Data(contentsOf: url))
        #expect(rec.finished == Int64(data.count))
        #expect(str(rec.reconstruct()) == str(data), "\(url.path): events do not rebuild the script")
        let header = rec.entries.filter { $0.dumpId > 0 }
        #expect(header.count > 3, "\(url.path)")
        // one entry per header comment
        let headerLines = str(data).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix("-- Name: ") || $0.hasPrefix("-- Data for Name: ") || $0.hasPrefix("-- Statistics for Name: ") }
        #expect(header.count == headerLines.count, "\(url.path)")

        let base = url.deletingPathExtension().deletingPathExtension()   // …/app
        // rows per table
        if let tsv = try? String(contentsOf: base.appendingPathExtension("rows.tsv"), encoding: .utf8) {
            var expected: [String: Int] = [:]
            for line in tsv.split(separator: "\n") {
                let f = line.split(separator: "\t", omittingEmptySubsequences: false)
                if f.count == 3, let n = Int(f[2]) { expected["\(f[0])\t\(f[1])"] = n }
            }
            #expect(!expected.isEmpty)
            let got = rec.rows
            for (table, n) in expected { #expect(got[table] == n, "\(url.lastPathComponent): rows of \(table)") }
        }
        // large objects
        if let tsv = try? String(contentsOf: base.appendingPathExtension("largeobjects.tsv"), encoding: .utf8) {
            let expected = tsv.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
                .filter { $0.count == 2 }.map { "\($0[0]) \($0[1])" }.sorted()
            let got = rec.largeObjects.map { "\($0.oid) \($0.chunks.reduce(0) { $0 + $1.count })" }.sorted()
            #expect(got == expected, "\(url.lastPathComponent): large objects")
        }
        // every header entry is an entry of the custom archive of the same dump (pg_restore -l)
        if let list = try? String(contentsOf: base.appendingPathExtension("custom.dump.list"), encoding: .utf8) {
            var listed = Set<String>()
            for line in list.split(separator: "\n") where !line.hasPrefix(";") {
                // "3391; 1259 16390 TABLE app t alice" → "TABLE app t alice"
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                if parts.count == 4 { listed.insert(String(parts[3])) }
            }
            for e in header {
                let key = "\(e.desc) \(e.namespace.map(str) ?? "-") \(e.tagText) \(e.ownerText)"
                let alt = key.hasSuffix(" ") ? String(key.dropLast()) : key
                #expect(listed.contains(key) || listed.contains(alt), "\(url.lastPathComponent): \(key) not in pg_restore -l")
            }
        }
    }
}

@Test(.enabled(if: !plainFixtures().isEmpty)) func plainReaderFixturesTruncated() async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for url in plainFixtures() {
            group.addTask {
                let data = try [UInt8](Data(contentsOf: url))
                try checkTruncations(data, step: 50)
            }
        }
        try await group.waitForAll()
    }
}

@Test(.enabled(if: !plainFixtures().isEmpty)) func plainReaderFixturesCompressed() throws {
    let fm = FileManager.default
    let tmp = fm.temporaryDirectory.appendingPathComponent("pgreown-plain-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: tmp) }
    for url in plainFixtures() {
        let (plain, _) = try readPlainFile(url.path)
        let expected = plain.digest
        // the committed pg_dump -Z output
        let gz = URL(fileURLWithPath: url.path + ".gz")
        if fm.fileExists(atPath: gz.path) {
            let (rec, reader) = try readPlainFile(gz.path)
            #expect(reader.compression == .gzip)
            #expect(rec.header?.compression == .gzip)
            #expect(rec.rows == plain.rows && rec.entries.count == plain.entries.count)
            // pg_dump -Z writes the same script (except the \restrict key): compare the shape
            #expect(rec.entries.map(\.desc) == plain.entries.map(\.desc))
        }
        // the same bytes compressed here with gzip and zstd must read exactly the same
        for (tool, algorithm, ext) in [("/usr/bin/gzip", CompressionAlgorithm.gzip, "gz"), ("/usr/bin/zstd", .zstd, "zst"), ("/usr/bin/lz4", .lz4, "lz4")]
            where fm.isExecutableFile(atPath: tool) {
            let out = tmp.appendingPathComponent(url.lastPathComponent + "." + ext)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = ["-c", url.path]
            _ = fm.createFile(atPath: out.path, contents: nil)
            p.standardOutput = try FileHandle(forWritingTo: out)
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            let (rec, reader) = try readPlainFile(out.path)
            #expect(reader.compression == algorithm)
            #expect(rec.header?.compression == algorithm)
            #expect(rec.digest == expected, "\(out.lastPathComponent) reads differently from \(url.lastPathComponent)")
            // a cut compressed file is an error too
            let whole = try [UInt8](Data(contentsOf: out))
            let cutFile = tmp.appendingPathComponent("cut." + ext)
            try Data(whole[0..<(whole.count * 2 / 3)]).write(to: cutFile)
            #expect(throws: DumpError.self) { _ = try readPlainFile(cutFile.path) }
        }
    }
}

// MARK: - Reader on live pg_dump output (PGREOWN_TEST_PG=1, PGHOST/PGPORT/PGUSER set)

private let livePG = ProcessInfo.processInfo.environment["PGREOWN_TEST_PG"] == "1"

private func pgBin(_ tool: String) -> String {
    let versioned = "/usr/lib/postgresql/15/bin/\(tool)"
    return FileManager.default.isExecutableFile(atPath: versioned) ? versioned : "/usr/bin/\(tool)"
}

@discardableResult
private func run(_ tool: String, _ args: [String], stdout: URL? = nil) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: pgBin(tool))
    p.arguments = args
    let errPipe = Pipe()
    p.standardError = errPipe
    let outPipe = Pipe()
    if let stdout {
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: stdout)
    } else {
        p.standardOutput = outPipe
    }
    try p.run()
    let out = stdout == nil ? outPipe.fileHandleForReading.readDataToEndOfFile() : Data()
    let err = errPipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    if p.terminationStatus != 0 {
        throw DumpError(.io, file: tool, "\(tool) \(args.joined(separator: " ")) failed: \(String(decoding: err, as: UTF8.self))")
    }
    return String(decoding: out, as: UTF8.self)
}

@Test(.enabled(if: livePG)) func plainReaderLivePgDump() throws {
    let db = "pgreown_plain_\(getpid())"
    try run("psql", ["-X", "-q", "-d", "postgres", "-c", "CREATE DATABASE \(db)"])
    defer { _ = try? run("psql", ["-X", "-q", "-d", "postgres", "-c", "DROP DATABASE IF EXISTS \(db)"]) }
    let setup = """
    CREATE SCHEMA "odd; Schema";
    CREATE TABLE "odd; Schema"."t; Type: X" (id int primary key, s text, b bytea);
    INSERT INTO "odd; Schema"."t; Type: X" SELECT g, E'tab\\there\\nnl \\\\ back ' || g, '\\x00ff'::bytea FROM generate_series(1, 5000) g;
    INSERT INTO "odd; Schema"."t; Type: X" VALUES (0, E'\\\\.', NULL);
    CREATE TABLE public.empty (a int);
    CREATE FUNCTION public.f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
    CREATE FUNCTION public.g() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN ';--'; END $$;
    CREATE TABLE public.r (a int);
    CREATE RULE rr AS ON INSERT TO public.r DO INSTEAD (INSERT INTO public.empty VALUES (1); INSERT INTO public.empty VALUES (2));
    SELECT lo_from_bytea(0, decode(repeat('ab', 40000), 'hex'));
    """
    try run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", setup])
    let fm = FileManager.default
    let tmp = fm.temporaryDirectory.appendingPathComponent("pgreown-live-\(getpid())")
    try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: tmp) }
    let file = tmp.appendingPathComponent("live.sql")
    try run("pg_dump", ["-Fp", "-d", db], stdout: file)
    let (rec, _) = try readPlainFile(file.path)
    #expect(rec.rows["odd; Schema\tt; Type: X"] == 5001)
    #expect(rec.rows["public\tempty"] == 0)
    #expect(rec.entries.contains { $0.desc == "FUNCTION" && $0.tagText == "f()" && str($0.defn ?? []).contains("SELECT 2;") })
    #expect(rec.entries.contains { $0.desc == "RULE" && $0.tagText == "r rr" })
    #expect(rec.entries.contains { $0.desc == "SCHEMA" && $0.tagText == "odd; Schema" && $0.namespace == nil })
    #expect(rec.largeObjects.count == 1 && rec.largeObjects[0].chunks.reduce(0) { $0 + $1.count } == 40000)
    #expect(rec.header?.serverVersion != nil && rec.header?.pgDumpVersion != nil)
    let data = try [UInt8](Data(contentsOf: file))
    #expect(str(rec.reconstruct()) == str(data))
    try checkTruncations(data, step: 997)

    // whole-file compressed output of pg_dump itself
    let gz = tmp.appendingPathComponent("live.sql.gz")
    try run("pg_dump", ["-Fp", "-Z", "6", "-d", db], stdout: gz)
    let (grec, greader) = try readPlainFile(gz.path)
    #expect(greader.compression == .gzip && grec.rows == rec.rows)

    // --create -v: verbose header lines, the reconnect inside the DATABASE entry
    let verbose = tmp.appendingPathComponent("verbose.sql")
    try run("pg_dump", ["-Fp", "-v", "--create", "-d", db], stdout: verbose)
    let (vrec, _) = try readPlainFile(verbose.path)
    #expect(vrec.rows == rec.rows)
    #expect(vrec.header?.databaseName == bytes(db))
    #expect(vrec.entries.first { $0.dumpId > 0 }?.desc == "DATABASE")
    #expect(vrec.entries.filter { $0.dumpId > 0 }.allSatisfy { $0.oid != nil })
    #expect(vrec.entries.filter { $0.dumpId > 0 }.count == rec.entries.filter { $0.dumpId > 0 }.count + 1)

    // --inserts: data entries without COPY
    let inserts = tmp.appendingPathComponent("inserts.sql")
    try run("pg_dump", ["-Fp", "--inserts", "-d", db], stdout: inserts)
    let (irec, _) = try readPlainFile(inserts.path)
    #expect(irec.rows.isEmpty)
    let insertData = irec.entries.first { $0.desc == "TABLE DATA" && $0.tagText == "t; Type: X" }
    #expect(insertData?.hadDumper == true)
    #expect(try SQLStatement.split(insertData?.defn ?? []).filter { $0.kind == .statement }.count == 5001)
    #expect(str(irec.reconstruct()) == str(try [UInt8](Data(contentsOf: inserts))))

    // pg_dumpall (globals only: a full pg_dumpall would dump every database of the server)
    let all = tmp.appendingPathComponent("all.sql")
    try run("pg_dumpall", ["-g"], stdout: all)
    let (arec, _) = try readPlainFile(all.path)
    #expect(arec.entries.count >= 1 && arec.entries.allSatisfy { $0.dumpId == 0 })
    #expect(str(arec.entries[0].defn ?? []).contains("CREATE ROLE"))
}
