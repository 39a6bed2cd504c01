import DumpFormat
import Foundation
@testable import Masking
import Testing

// The policy model without a server: YAML with lines, transformers, `where`, the COPY text
// codec, and the checks against a dump's tables (the TOC of a real pg_dump 15 fixture is not
// needed for these: the entries are made as pg_dump writes them).

private let readme = """
    tables:
      public.users:
        columns:
          email: {email: {domain: example.invalid}}
          name: {fake: name}
          password_digest: {set: null}
      public.emails:
        where: "created_at >= now() - interval '1 day' and state <> 'failed'"
        columns:
          address: {hash: email}
          body: {regex_replace: {pattern: '[^@\\s]+@[^@\\s]+', with: 'redacted@example.invalid'}}
      public.content_items:
        columns:
          payload_version: {set: 0}
      public.audit_*:
        data: false
    """

private func table(_ name: String, _ defn: String, id: Int) -> TOCEntry {
    TOCEntry(dumpId: id, tag: Array(name.utf8), desc: "TABLE", section: .preData, defn: Array(defn.utf8), namespace: Array("public".utf8))
}

private let entries: [TOCEntry] = [
    table("users", "CREATE TABLE public.users (\n    id integer NOT NULL,\n    email text NOT NULL,\n    name character varying(100),\n    password_digest text,\n    code character varying(10),\n    lower_email text GENERATED ALWAYS AS (lower(email)) STORED\n);\n", id: 1),
    table("emails", "CREATE TABLE public.emails (\n    id bigint NOT NULL,\n    address text,\n    body text,\n    created_at timestamp with time zone,\n    state text\n);\n", id: 2),
    table("content_items", "CREATE TABLE public.content_items (\n    id integer NOT NULL,\n    payload_version integer NOT NULL,\n    doc jsonb\n);\n", id: 3),
    table("audit_log", "CREATE TABLE public.audit_log (\n    id integer\n);\n", id: 4),
    TOCEntry(dumpId: 5, tag: Array("users users_pkey".utf8), desc: "CONSTRAINT", section: .postData,
             defn: Array("ALTER TABLE ONLY public.users\n    ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n".utf8), namespace: Array("public".utf8)),
    TOCEntry(dumpId: 6, tag: Array("users users_email_key".utf8), desc: "CONSTRAINT", section: .postData,
             defn: Array("ALTER TABLE ONLY public.users\n    ADD CONSTRAINT users_email_key UNIQUE (email);\n".utf8), namespace: Array("public".utf8)),
]

private func refusal(_ yaml: String) -> PolicyError? {
    do {
        _ = try CompiledPolicy(try DataPolicy.parse(yaml, file: "p.yml"), entries: entries, key: Array("k".utf8))
        return nil
    } catch let e as PolicyError {
        return e
    } catch {
        return PolicyError(file: "?", line: nil, "\(error)", kind: .usage)
    }
}

/// Runs COPY text through a stage for `table` (the COPY statement lists `columns`), fed in chunks of `chunk` bytes.
private func stage(_ yaml: String, table: String, columns: String, rows: String, key: String = "k", chunk: Int = 3) throws -> (String, PolicyTableCount?) {
    let compiled = try CompiledPolicy(try DataPolicy.parse(yaml, file: "p.yml"), entries: entries, key: Array(key.utf8))
    let counters = PolicyCounters()
    let s = CopyRowStage(policy: compiled, counters: counters, now: Date(timeIntervalSince1970: 1_700_000_000))
    let e = TOCEntry(dumpId: 99, tag: Array(table.utf8), desc: "TABLE DATA", section: .data, namespace: Array("public".utf8))
    var out: [UInt8] = []
    let d = try s.begin(e, statement: Array("COPY public.\(table) (\(columns)) FROM stdin;\n".utf8))
    if d != .transform { return (d == .leaveOut ? "<left out>" : "<pass>", counters.count(99)) }
    let bytes = Array((rows + "\\.\n").utf8)
    var i = 0
    while i < bytes.count {
        try bytes[i..<min(i + chunk, bytes.count)].withUnsafeBytes { b in try s.feed(b) { out += $0 } }
        i += chunk
    }
    try s.end { out += $0 }
    return (String(decoding: out, as: UTF8.self), counters.count(99))
}

struct PolicyParseTests {
    @Test func theReadmePolicyParsesAndFitsTheDump() throws {
        let p = try DataPolicy.parse(readme, file: "readme.yml")
        #expect(p.tables.map(\.pattern) == ["public.users", "public.emails", "public.content_items", "public.audit_*"])
        #expect(p.tables[0].columns.map(\.column) == ["email", "name", "password_digest"])
        #expect(p.tables[0].columns[0].line == 4)
        #expect(p.tables[1].whereLine == 8)
        #expect(p.rule(schema: "public", table: "audit_log")?.data == false)
        #expect(p.rule(schema: "public", table: "auditlog") == nil)
        let c = try CompiledPolicy(p, entries: entries, key: [1])
        #expect(c.summary.contains("public.audit_log: data left out"))
        #expect(c.summary.contains { $0.hasPrefix("public.emails: rows where created_at") })
    }

    @Test(arguments: [
        ("tables:\n  public.users:\n    columns:\n      nickname: {hash: text}\n", 4, "no column nickname"),
        ("tables:\n  public.nope:\n    data: false\n", 2, "not in the dump"),
        ("tables:\n  public.users:\n    columns:\n      name: {scramble: x}\n", 4, "unknown transformer `scramble`"),
        ("tables:\n  public.users:\n    colums:\n      name: {fake: name}\n", 3, "unknown key `colums`"),
        ("tables:\n  public.users:\n    columns:\n      id: {hash: email}\n", 4, "needs a text column"),
        ("tables:\n  public.users:\n    columns:\n      email: {set: x@y}\n", 4, "unique or primary-key"),
        ("tables:\n  public.users:\n    columns:\n      email: {set: null}\n", 4, "NOT NULL"),
        ("tables:\n  public.users:\n    columns:\n      email: {fake: name}\n", 4, "unique column"),
        ("tables:\n  public.emails:\n    where: \"sent_at > now()\"\n", 3, "column sent_at"),
        ("tables:\n  public.emails:\n    where: \"state = \"\n", 3, "expected a value"),
        ("tables:\n  public.users:\n    columns:\n      email: {hash: email\n", nil, "not valid YAML"),
        ("tables:\n  public.users:\n\n    columns:\n      code: {hash: email}\n", 5, "writes 34 characters; the column holds 10"),
        ("tables:\n  public.users:\n    columns:\n      lower_email: {hash: email}\n", 4, "generated column"),
        ("tables:\n  public.content_items:\n    columns:\n      payload_version: {json: {path: '$.a', then: {set: 1}}}\n", 4, "json needs a json"),
    ] as [(String, Int?, String)])
    func refusedWithItsLine(yaml: String, line: Int?, message: String) {
        let e = refusal(yaml)
        #expect(e != nil, "\(yaml)")
        if let line { #expect(e?.line == line, "\(e?.description ?? "")") } else { #expect(e?.line != nil, "\(e?.description ?? "")") }
        #expect(e?.description.contains(message) == true, "\(e?.description ?? "")")
    }

    @Test func whereKeepsTheRowsItSays() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14 22:13:20 UTC
        let rows = """
            1\ta\tb\t2023-11-14 20:00:00+00\tsent
            2\ta\tb\t2023-11-13 20:00:00+00\tsent
            3\ta\tb\t2023-11-14 23:00:00+02\tfailed
            4\ta\tb\t\\N\tsent
            5\ta\tb\t2023-11-14 22:00:00.5+00\tbounced

            """
        let yaml = "tables:\n  public.emails:\n    where: \"created_at >= now() - interval '1 day' and state <> 'failed'\"\n"
        let (out, count) = try stage(yaml, table: "emails", columns: "id, address, body, created_at, state", rows: rows)
        let lines = rows.split(separator: "\n").map(String.init)
        #expect(out.split(separator: "\n").map(String.init) == [lines[0], lines[4], "\\."])
        #expect(count?.rowsRead == 5 && count?.rowsKept == 2 && count?.rowsDropped == 3)
        _ = now
        func keeps(_ w: String) throws -> [String] {
            let (o, _) = try stage("tables:\n  public.emails:\n    where: \"\(w)\"\n", table: "emails", columns: "id, address, body, created_at, state", rows: rows)
            return o.split(separator: "\n").dropLast().map { String($0.prefix(1)) }
        }
        #expect(try keeps("state IN ('failed', 'bounced')") == ["3", "5"])
        #expect(try keeps("state NOT IN ('failed', 'bounced')") == ["1", "2", "4"])
        #expect(try keeps("created_at IS NULL OR id > 4") == ["4", "5"])
        #expect(try keeps("NOT (id < 3) AND created_at IS NOT NULL") == ["3", "5"])
        #expect(try keeps("state LIKE 'b%d' or id = 1") == ["1", "5"])
        #expect(try keeps("id <= 2.5 and id <> 1") == ["2"])
        #expect(try keeps("created_at < '2023-11-14'") == ["2"])
    }

    @Test func transformersAreDeterministicAndShapedByKind() throws {
        let yaml = """
            tables:
              public.users:
                columns:
                  id: {hash: integer}
                  email: {hash: email}
                  name: {fake: name}
                  password_digest: {template: 'pw-{row}-{hash}'}
            """
        let rows = "7\tann@corp.example\tAnn\\tSmith\tsecret\n8\tbob@corp.example\t\\N\tx\\\\y\n"
        let (a, count) = try stage(yaml, table: "users", columns: "id, email, name, password_digest", rows: rows)
        let (b, _) = try stage(yaml, table: "users", columns: "id, email, name, password_digest", rows: rows, chunk: 1000)
        let (c, _) = try stage(yaml, table: "users", columns: "id, email, name, password_digest", rows: rows, key: "other")
        #expect(a == b, "chunking does not change the output")
        #expect(a != c, "another key, another output")
        #expect(count?.columnsMasked == ["id", "email", "name", "password_digest"])
        let lines = a.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.count == 3 && lines[2] == ["\\."])
        let id = try #require(Int64(lines[0][0]))
        #expect(id >= 1 && id <= Int64(Int32.max))
        #expect(lines[0][1].hasPrefix("u") && lines[0][1].hasSuffix("@example.invalid") && !a.contains("corp"))
        #expect(lines[0][2].split(separator: " ").count == 2)
        #expect(lines[1][2] == "\\N", "NULL stays NULL")
        #expect(lines[0][3].hasPrefix("pw-1-") && lines[1][3].hasPrefix("pw-2-"))
        // The same input masks alike in another table and column (keys still join).
        let ctx = MaskContext(key: Array("k".utf8))
        #expect(lines[0][1] == ctx.hash("ann@corp.example", .email))
        #expect(ctx.hash("x", .uuid).count == 36 && ctx.hash("x", .uuid) != MaskContext(key: [2]).hash("x", .uuid))
    }

    /// RFC 4231 test cases 2 and 6 (a key longer than SHA-256's block).
    @Test func hmacIsHMACSHA256() {
        func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(MaskContext(key: Array("Jefe".utf8)).mac("what do ya want for nothing?"))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(hex(MaskContext(key: [UInt8](repeating: 0xaa, count: 131)).mac("Test Using Larger Than Block-Size Key - Hash Key First"))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func otherTransformers() {
        let ctx = MaskContext(key: [1, 2, 3])
        func apply(_ t: Transformer, _ v: String?) -> String? { t.apply(v, row: 3, context: ctx) }
        #expect(apply(.set(nil), "x") == nil)
        #expect(apply(.set("0"), nil) == "0")
        #expect(apply(.email(domain: nil), "a@keep.example")?.hasSuffix("@keep.example") == true)
        #expect(apply(.email(domain: "x.invalid"), "a@keep.example")?.hasSuffix("@x.invalid") == true)
        #expect(apply(.truncate(3), "héllo") == "hél")
        #expect(apply(.regexReplace(try! NSRegularExpression(pattern: "[^@\\s]+@[^@\\s]+"), with: "r@x.invalid"), "write to a@b.c or d@e.f") == "write to r@x.invalid or r@x.invalid")
        let j = apply(.json(path: ["a", "b"], then: .hash(.text)), #"{"a": {"b": "secret", "c": 1}, "d": "keep"}"#) ?? ""
        #expect(!j.contains("secret") && j.contains("\"d\":\"keep\"") && j.contains("\"c\":1"), "\(j)")
        #expect(apply(.json(path: ["missing"], then: .set(nil)), #"{"a":1}"#) == #"{"a":1}"#)
        for k in Transformer.FakeKind.allCases { #expect(apply(.fake(k), "v")?.isEmpty == false) }
    }

    @Test func copyTextCodecRoundTrips() {
        for s in ["plain", "tab\there", "new\nline", "back\\slash", "cr\rlf", "\u{8}\u{c}\u{b}", "ünï"] {
            var out: [UInt8] = []
            CopyRowStage.encode(s, into: &out)
            #expect(!out.contains(9) && !out.contains(10))
            #expect(out.withUnsafeBytes { CopyRowStage.decode($0) } == s)
        }
        #expect(Array("\\101\\x41\\N".utf8).withUnsafeBytes { CopyRowStage.decode($0) } == "AAN")
        #expect(Array("\\N".utf8).withUnsafeBytes { CopyRowStage.decode($0) } == nil)
    }

    @Test func dataFalseLeavesTheDataOut() throws {
        let (out, count) = try stage(readme, table: "audit_log", columns: "id", rows: "1\n")
        #expect(out == "<left out>" && count?.dataLeftOut == true)
        let (pass, _) = try stage(readme, table: "other", columns: "id", rows: "1\n")
        #expect(pass == "<pass>")
    }

    @Test func timestamps() {
        #expect(Timestamps.seconds("1970-01-01") == 0)
        #expect(Timestamps.seconds("2023-11-14 22:13:20+00") == 1_700_000_000)
        #expect(Timestamps.seconds("2023-11-15 00:13:20+02") == 1_700_000_000)
        #expect(Timestamps.seconds("2023-11-14 22:13:20.25") == 1_700_000_000.25)
        #expect(Timestamps.seconds("infinity") == .infinity)
        #expect(Timestamps.seconds("yesterday") == nil)
    }

    @Test func sampleKeepsADeterministicShareByPrimaryKey() throws {
        let rows = (1...2000).map { "\($0)\tu\($0)@x\tn\tp\n" }.joined()
        let yaml = "tables:\n  public.users:\n    sample: 10%\n"
        let (a, count) = try stage(yaml, table: "users", columns: "id, email, name, password_digest", rows: rows, chunk: 4096)
        let (b, _) = try stage(yaml, table: "users", columns: "id, email, name, password_digest", rows: rows, chunk: 7)
        let (c, _) = try stage(yaml, table: "users", columns: "id, email, name, password_digest", rows: rows, key: "other", chunk: 4096)
        #expect(a == b)
        #expect(a != c)
        let kept = try #require(count?.rowsKept)
        #expect(kept > 140 && kept < 260, "\(kept)")
        #expect(count?.rowsRead == 2000 && count.map { $0.rowsKept + $0.rowsDropped } == 2000)
        // Keyed by the primary key alone: other columns changing keeps the same ids.
        let rows2 = (1...2000).map { "\($0)\tother\($0)@y\tm\tq\n" }.joined()
        let (d, _) = try stage(yaml, table: "users", columns: "id, email, name, password_digest", rows: rows2, chunk: 4096)
        #expect(a.split(separator: "\n").map { $0.prefix(while: { $0 != "\t" }) } == d.split(separator: "\n").map { $0.prefix(while: { $0 != "\t" }) })
        let (none, _) = try stage("tables:\n  public.users:\n    sample: 0%\n", table: "users", columns: "id, email, name, password_digest", rows: rows)
        #expect(none == "\\.\n")
    }

    @Test func aFilteredParentIsWarnedOf() throws {
        var withFK = entries
        withFK.append(TOCEntry(dumpId: 8, tag: Array("emails emails_user_fkey".utf8), desc: "FK CONSTRAINT", section: .postData,
                               defn: Array("ALTER TABLE ONLY public.emails\n    ADD CONSTRAINT emails_user_fkey FOREIGN KEY (state) REFERENCES public.users(email);\n".utf8),
                               namespace: Array("public".utf8)))
        let p = try DataPolicy.parse("tables:\n  public.users:\n    where: \"id < 10\"\n", file: "p.yml")
        let c = try CompiledPolicy(p, entries: withFK, key: [1])
        #expect(c.warnings.count == 1 && c.warnings[0].hasPrefix("p.yml:2: public.users is filtered, and public.emails references it (state)"), "\(c.warnings)")
        // Masking a referenced key without its foreign key is refused.
        let m = try DataPolicy.parse("tables:\n  public.users:\n    columns:\n      email: {hash: email}\n", file: "p.yml")
        #expect(throws: PolicyError.self) { try CompiledPolicy(m, entries: withFK, key: [1]) }
        let both = try DataPolicy.parse("tables:\n  public.users:\n    columns:\n      email: {hash: email}\n  public.emails:\n    columns:\n      state: {hash: email}\n", file: "p.yml")
        #expect(throws: Never.self) { try CompiledPolicy(both, entries: withFK, key: [1]) }
    }

    @Test(arguments: [
        // pg_dump 14 on: a TABLE ATTACH entry.
        [TOCEntry(dumpId: 11, tag: Array("ev_1".utf8), desc: "TABLE", section: .preData,
                  defn: Array("CREATE TABLE public.ev_1 (\n    id integer,\n    email text\n);\n".utf8), namespace: Array("public".utf8)),
         TOCEntry(dumpId: 12, tag: Array("ev_1".utf8), desc: "TABLE ATTACH", section: .preData,
                  defn: Array("ALTER TABLE ONLY public.ev ATTACH PARTITION public.ev_1 FOR VALUES FROM (0) TO (10);\n".utf8), namespace: Array("public".utf8))],
        // pg_dump 11–13: the ATTACH inside the partition's TABLE entry.
        [TOCEntry(dumpId: 11, tag: Array("ev_1".utf8), desc: "TABLE", section: .preData,
                  defn: Array("CREATE TABLE public.ev_1 (\n    id integer,\n    email text\n);\nALTER TABLE ONLY public.ev ATTACH PARTITION public.ev_1 FOR VALUES FROM (0) TO (10);\n".utf8),
                  namespace: Array("public".utf8))],
    ])
    func aPolicyOnAPartitionedTableCoversItsPartitions(partition: [TOCEntry]) throws {
        let parent = TOCEntry(dumpId: 10, tag: Array("ev".utf8), desc: "TABLE", section: .preData,
                              defn: Array("CREATE TABLE public.ev (\n    id integer,\n    email text\n)\nPARTITION BY RANGE (id);\n".utf8), namespace: Array("public".utf8))
        let p = try DataPolicy.parse("tables:\n  public.ev:\n    columns:\n      email: {hash: email}\n", file: "p.yml")
        let c = try CompiledPolicy(p, entries: [parent] + partition, key: [1])
        #expect(c.summary.contains("public.ev_1 (partition of public.ev): email: hash (email)"), "\(c.summary)")
        #expect(c.plan(schema: "public", table: "ev_1")?.rule.columns.first?.column == "email")
    }

    @Test func integerKeysHashInTheirTypesRange() throws {
        var e = entries
        e.append(table("big", "CREATE TABLE public.big (\n    id bigint NOT NULL,\n    user_id integer\n);\n", id: 20))
        e.append(TOCEntry(dumpId: 21, tag: Array("big big_fk".utf8), desc: "FK CONSTRAINT", section: .postData,
                          defn: Array("ALTER TABLE ONLY public.big\n    ADD CONSTRAINT big_fk FOREIGN KEY (id) REFERENCES public.users(id);\n".utf8),
                          namespace: Array("public".utf8)))
        let p = try DataPolicy.parse("tables:\n  public.users:\n    columns:\n      id: {hash: integer}\n  public.big:\n    columns:\n      id: {hash: integer}\n", file: "p.yml")
        #expect(throws: PolicyError.self) { try CompiledPolicy(p, entries: e, key: [1]) }
    }

    @Test func insertsDataIsRefusedUnlessLeftOut() throws {
        var withInserts = entries
        withInserts.append(TOCEntry(dumpId: 7, hadDumper: true, tag: Array("users".utf8), desc: "TABLE DATA", section: .data, namespace: Array("public".utf8)))
        let p = try DataPolicy.parse("tables:\n  public.users:\n    columns:\n      name: {fake: name}\n", file: "p.yml")
        #expect(throws: PolicyError.self) { try CompiledPolicy(p, entries: withInserts, key: [1]) }
    }
}
