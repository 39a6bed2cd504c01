import DumpFormat
import Foundation
@testable import Restore
import Testing

private func be16(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).bigEndian, Array.init) }
private func be32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).bigEndian, Array.init) }
private func be64(_ v: Int64) -> [UInt8] { withUnsafeBytes(of: UInt64(bitPattern: v).bigEndian, Array.init) }

/// One text row through the row encoder: the tuple's bytes, or nil when it goes as text.
private func encode(_ columns: [BinaryCopy.Column], _ row: String) -> [UInt8]? {
    let encoder = BinaryRowEncoder(columns: columns)
    var out = BinaryWriter(capacity: 16)
    let bytes = Array(row.utf8)
    let ok = bytes.withUnsafeBufferPointer { b in
        encoder.encode(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count, into: &out)
    }
    if !ok {
        #expect(out.count == 0, "a refused row leaves nothing behind")
        return nil
    }
    return Array(out.bytes)
}

/// A single field's value bytes (after the tuple's field count and the field's length).
private func field(_ column: BinaryCopy.Column, _ text: String) -> [UInt8]? {
    guard let t = encode([column], text) else { return nil }
    return Array(t.dropFirst(6))
}

/// microseconds of a day count, hours, minutes, seconds.
private func micros(days: Int64, _ h: Int64 = 0, _ m: Int64 = 0, _ s: Int64 = 0, us: Int64 = 0) -> Int64 {
    ((days * 86_400 + h * 3_600 + m * 60 + s) * 1_000_000) + us
}

/// The client's conversion of COPY text into binary COPY, value by value, without a server.
@Suite struct BinaryCopyEncodingTests {
    @Test func integersBoolsAndUUIDs() {
        #expect(field(.int2, "-32768") == be16(-32768))
        #expect(field(.int2, "32768") == nil)
        #expect(field(.int4, "-5") == be32(-5))
        #expect(field(.int4, "2147483648") == nil)
        #expect(field(.int8, "-9223372036854775808") == be64(Int64.min))
        #expect(field(.int8, "9223372036854775807") == be64(Int64.max))
        #expect(field(.int8, "9223372036854775808") == nil)
        #expect(field(.int8, "+1") == nil)
        #expect(field(.int8, "1 ") == nil)
        #expect(field(.int8, "") == nil)
        #expect(field(.oid, "4294967295") == be32(-1))
        #expect(field(.oid, "-1") == nil)
        #expect(field(.bool, "t") == [1])
        #expect(field(.bool, "f") == [0])
        #expect(field(.bool, "true") == nil)
        #expect(field(.uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
                == [0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11])
        #expect(field(.uuid, "a0eebc999c0b4ef8bb6d6bb9bd380a11") == nil)
        #expect(field(.uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g") == nil)
    }

    @Test func float8IsReadAsFloat8inReadsIt() {
        func bits(_ d: Double) -> [UInt8] { be64(Int64(bitPattern: d.bitPattern)) }
        #expect(field(.float8, "0.1") == bits(0.1))
        #expect(field(.float8, "-0") == bits(-0.0))
        #expect(field(.float8, "1.7976931348623157e+308") == bits(Double.greatestFiniteMagnitude))
        #expect(field(.float8, "5e-324") == bits(Double.leastNonzeroMagnitude), "a denormal is float8in's too")
        #expect(field(.float8, "NaN") == bits(Double.nan))
        #expect(field(.float8, "-Infinity") == bits(-Double.infinity))
        for refused in ["1e400", "1e-400", "0x10", "inf", "nan", " 1", "1 ", "", "e", "-", "1,5"] {
            #expect(field(.float8, refused) == nil, "\(refused)")
        }
    }

    @Test func numericsAreBase10000Groups() {
        // ndigits, weight, sign, dscale, digits
        #expect(field(.numeric, "123456.789") == be16(3) + be16(1) + be16(0) + be16(3) + be16(12) + be16(3456) + be16(7890))
        #expect(field(.numeric, "-0.00001") == be16(2) + be16(-1) + be16(0x4000) + be16(5) + be16(0) + be16(1000))
        #expect(field(.numeric, "10000") == be16(2) + be16(1) + be16(0) + be16(0) + be16(1) + be16(0))
        #expect(field(.numeric, "0") == be16(0) + be16(-1) + be16(0) + be16(0))
        #expect(field(.numeric, "007.50") == be16(2) + be16(0) + be16(0) + be16(2) + be16(7) + be16(5000))
        #expect(field(.numeric, "NaN") == be16(0) + be16(0) + be16(0xc000) + be16(0))
        #expect(field(.numeric, "Infinity") == be16(0) + be16(0) + be16(0xd000) + be16(0))
        #expect(field(.numeric, "-Infinity") == be16(0) + be16(0) + be16(0xf000) + be16(0))
        for refused in ["1e5", ".5", "5.", "1,5", "nan", " 1", "--1", "-", ""] {
            #expect(field(.numeric, refused) == nil, "\(refused)")
        }
    }

    @Test func datesAndTimesAreDaysAndMicrosecondsFrom2000() {
        #expect(field(.date, "2000-01-01") == be32(0))
        #expect(field(.date, "1999-12-31") == be32(-1))
        #expect(field(.date, "0001-01-01") == be32(-730_119))
        #expect(field(.date, "0001-12-31 BC") == be32(-730_120))
        #expect(field(.date, "4714-11-24 BC") == be32(-2_451_545)) // Julian day 0
        #expect(field(.date, "2024-02-29") == be32(8825))
        #expect(field(.date, "infinity") == be32(Int(Int32.max)))
        #expect(field(.date, "-infinity") == be32(Int(Int32.min)))
        for refused in ["2023-02-29", "2000-13-01", "2000-01-32", "0000-01-01", "01/02/2000", "2000-1-01", "2000-01-01 AD", "20000101"] {
            #expect(field(.date, refused) == nil, "\(refused)")
        }
        #expect(field(.timestamp, "2000-01-02 00:00:01.5") == be64(micros(days: 1, 0, 0, 1, us: 500_000)))
        #expect(field(.timestamp, "1999-12-31 23:59:59.999999") == be64(-1))
        #expect(field(.timestamp, "294276-12-31 23:59:59.999999") != nil)
        #expect(field(.timestamp, "infinity") == be64(Int64.max))
        #expect(field(.timestamptz, "1970-01-01 00:00:00+00") == be64(-946_684_800_000_000))
        #expect(field(.timestamptz, "2000-01-01 05:30:00+05:30") == be64(0))
        #expect(field(.timestamptz, "1999-12-31 19:00:00-05") == be64(0))
        #expect(field(.timestamptz, "1900-01-01 00:19:32+00:19:32") == be64(micros(days: -36524)))
        #expect(field(.timestamptz, "0001-01-01 00:00:00+00 BC") == be64(micros(days: -730_485)))
        for refused in ["2000-01-01 24:00:00", "2000-01-01T00:00:00", "2000-01-01 00:00:60", "2000-01-01 00:00:00.1234567",
                        "2000-01-01 00:00", "2000-01-01 00:00:00."] {
            #expect(field(.timestamp, refused) == nil, "\(refused)")
        }
        #expect(field(.timestamp, "2000-01-01 00:00:00+00") == nil, "a zone on a timestamp without one")
        #expect(field(.timestamptz, "2000-01-01 00:00:00") == nil, "no zone on a timestamptz")
        #expect(field(.timestamptz, "2000-01-01 00:00:00 PST") == nil)
    }

    @Test func textIsUnescapedAsTheServerWould() {
        #expect(field(.text, #"a\tb\nc\\d\re\bf\fg\vh"#) == Array("a\tb\nc\\d\re\u{8}f\u{c}g\u{b}h".utf8))
        #expect(field(.text, "") == [])
        #expect(field(.text, "é\u{1}") == Array("é\u{1}".utf8), "raw control bytes other than CR pass")
        #expect(encode([.text], #"\N"#) == be16(1) + be32(-1))
        #expect(field(.text, #"\\N"#) == Array(#"\N"#.utf8))
        #expect(field(.jsonb, #"{"a": "\\u00e9"}"#) == [1] + Array(#"{"a": "\u00e9"}"#.utf8))
        #expect(field(.bytea, #"\\x00ff"#) == [0, 0xff])
        #expect(field(.bytea, #"\\x"#) == [])
        // Left to the server's text COPY: octal and hex escapes, other escapes, a trailing backslash,
        // a raw carriage return, bytea's escape form.
        for refused in [#"\101"#, #"\x41"#, #"\."#, #"a\"#, #"\q"#, "a\rb"] {
            #expect(field(.text, refused) == nil, "\(refused)")
        }
        #expect(field(.bytea, #"\\001"#) == nil)
        #expect(field(.bytea, #"\\x0"#) == nil)
    }

    @Test func theColumnListIsTakenFromCopysOwnShape() {
        func list(_ sql: String) -> String? {
            ConnectionSink.copyColumnList(Array(sql.utf8)).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(list("COPY public.t (a, \"B (c)\", \"d\"\"\") FROM stdin;\n") == "a, \"B (c)\", \"d\"\"\"")
        #expect(list("COPY \"s\".\"t\" (x) FROM stdin;") == "x")
        #expect(list("COPY t  FROM stdin;") == nil)
        #expect(list("COPY t FROM stdin WITH (freeze);") == nil)
        #expect(list("COPY t (a, 1) FROM stdin;") == nil)
        #expect(list("COPY t (a) TO stdout;") == nil)
        #expect(list("COPY t (a, (b)) FROM stdin;") == nil)
    }

    @Test func rowsNeedExactlyTheirFields() {
        let columns: [BinaryCopy.Column] = [.int4, .text, .date]
        #expect(encode(columns, "1\tx\t2000-01-01") == be16(3) + be32(4) + be32(1) + be32(1) + [0x78] + be32(4) + be32(0))
        #expect(encode(columns, "1\tx") == nil)
        #expect(encode(columns, "1\tx\t2000-01-01\t") == nil)
        #expect(encode(columns, "1\tx\t2000-01-01\textra") == nil)
        #expect(encode(columns, "\\N\t\\N\t\\N") == be16(3) + be32(-1) + be32(-1) + be32(-1))
        #expect(encode([.text], "") == be16(1) + be32(0))
    }

    /// The transcoder's output for `data` fed in pieces of `piece` bytes.
    static func transcode(_ columns: [BinaryCopy.Column], _ data: [UInt8], piece: Int) throws -> (binary: [UInt8], text: [UInt8], t: BinaryCopyTranscoder) {
        var binary: [UInt8] = [], text: [UInt8] = []
        var switched = 0
        let t = BinaryCopyTranscoder(columns: columns, sendBinary: { binary += $0 }, switchToText: { switched += 1 }, sendText: { text += $0 })
        var i = 0
        while i < data.count {
            let n = min(piece, data.count - i)
            try data[i..<(i + n)].withUnsafeBytes { try t.feed($0) }
            i += n
        }
        try t.finish()
        #expect(switched == (t.isBinary ? 0 : 1))
        return (binary, text, t)
    }

    @Test func streamsAcrossPiecesAndHandsOverAtTheFirstForeignRow() throws {
        var rows: [String] = []
        for i in 0..<3000 { rows.append("\(i)\tname \(i)\\twith a tab\t2001-02-\(String(format: "%02d", i % 28 + 1))") }
        let clean = Array((rows.joined(separator: "\n") + "\n\\.\n\n").utf8)
        let columns: [BinaryCopy.Column] = [.int8, .text, .date]
        let whole = try Self.transcode(columns, clean, piece: clean.count)
        #expect(whole.t.isBinary && whole.t.binaryRows == 3000 && whole.text.isEmpty)
        #expect(whole.binary.prefix(19) == BinaryCopy.header[...] && whole.binary.suffix(2) == [0xff, 0xff])
        for piece in [1, 7, 4096] {
            let r = try Self.transcode(columns, clean, piece: piece)
            #expect(r.binary == whole.binary, "pieces of \(piece)")
        }
        // Without the \. line and the last newline, the last row still counts.
        let bare = Array(rows.joined(separator: "\n").utf8)
        #expect(try Self.transcode(columns, bare, piece: 5000).binary == whole.binary)

        // Row 1201 has an octal escape: 1200 rows go binary, the rest as the archive has it.
        var mixed = rows
        mixed[1200] = "1200\t\\101\t2001-01-01"
        let data = Array((mixed.joined(separator: "\n") + "\n\\.\n\n").utf8)
        let restText = Array((mixed[1200...].joined(separator: "\n") + "\n\\.\n\n").utf8)
        for piece in [1, 13, 65536, data.count] {
            let r = try Self.transcode(columns, data, piece: piece)
            #expect(r.t.handedOverAt == 1201 && r.t.binaryRows == 1200, "pieces of \(piece)")
            #expect(r.text == restText, "pieces of \(piece)")
            #expect(r.binary.suffix(2) == [0xff, 0xff])
        }
    }

    @Test func aRowTooLongToHoldGoesAsText() throws {
        let long = "2\t" + String(repeating: "x", count: BinaryCopyTranscoder.longestRow + (2 << 20))
        let data = Array("1\tshort\n\(long)\n3\tafter\n\\.\n".utf8)
        for piece in [65536, 1 << 20] {
            let r = try Self.transcode([.int4, .text], data, piece: piece)
            #expect(r.t.handedOverAt == 2 && r.t.binaryRows == 1, "pieces of \(piece)")
            let expected = Array("\(long)\n3\tafter\n\\.\n".utf8)
            // (Compared in a form whose failure message stays short.)
            #expect(r.text.count == expected.count && r.text.prefix(40) == expected.prefix(40))
            #expect(r.text == expected ? true : false)
        }
    }
}

/// Binary COPY against the server: whatever the text holds, the table the client's binary COPY
/// loads equals the one the server's own text COPY loads from the same bytes.
@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"), .serialized)
struct BinaryCopyServerTests {
    static let columns = """
        id int, i2 int2, i4 int4, i8 int8, o oid, b bool, n numeric, n2 numeric(12,2), d date,
        ts timestamp, ts3 timestamp(3), tz timestamptz, u uuid, t text, vc varchar(40), bp char(5),
        j json, jb jsonb, by bytea, pos positive, f float8, e mood
        """

    /// A database with table `src` of awkward values of every converted type (a domain too).
    func makeDatabase(_ admin: Connection) throws -> String {
        let db = "bc_\(UInt32.random(in: 0...UInt32.max))"
        try admin.query("CREATE DATABASE \(db) TEMPLATE template0 ENCODING 'UTF8'")
        let c = try Connection(conninfo: "dbname=\(db)", pinSearchPath: false)
        defer { c.close() }
        try c.query(#"""
            CREATE DOMAIN positive AS int CHECK (VALUE > 0);
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'with space', 'é', 'tab\there');
            CREATE TABLE src (\#(Self.columns));
            INSERT INTO src VALUES
              (1, -32768, -2147483648, -9223372036854775808, 0, true, 'NaN', -9999999999.99, '-infinity', '-infinity', '4713-11-24 00:00:00 BC', '-infinity',
               '00000000-0000-0000-0000-000000000000', '', '', '', 'null', 'null', '\x', 1, 'NaN', 'sad'),
              (2, 32767, 2147483647, 9223372036854775807, 4294967295, false, 'Infinity', 9999999999.99, 'infinity', 'infinity', '294276-12-31 23:59:59.999', 'infinity',
               'ffffffff-ffff-ffff-ffff-ffffffffffff', E'tab\there\nnew\\line\rcr\bbs\ffeed\vvt \\N \\. é ☃ \x01', E'\\N', 'a', E'{"k": "\\"q\\" \\\\ \\n"}', E'{"é": [1, 2.50, "\\t"]}', '\x00ff5c0a0d09', 2147483647, 'Infinity', 'tab\there'),
              (3, 0, 0, 0, 1, NULL, '-Infinity', 0, '0001-01-01 BC', '0001-01-01 00:00:00 BC', '1582-10-15 00:00:00.001', '0044-03-15 12:00:00 BC',
               'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', E'\\\\', 'x', NULL, '[]', '{}', '\x5c78', NULL, '-Infinity', 'é'),
              (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
              (5, -1, -1, -1, 2, true, '-0.000000000000000000000000000001', -0.01, '2000-02-29', '1900-01-01 00:00:00', '1900-01-01 00:19:32', '1900-01-01 00:00:00+00',
               'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', repeat('long ', 20000), 'y', 'ab', '1e400', '1e400', decode(repeat('ab', 50000), 'hex'), 7, '-0', 'with space'),
              (6, 1, 1, 1, 3, false, 1e131071 - 1, 0.5, '5874897-12-31', '2024-02-29 23:59:59.999999', '2024-02-29 23:59:59.9995', '1937-07-01 00:00:00+00',
               gen_random_uuid(), 'x', 'y', 'z', '"string"', '"string"', '\x', 8, '4.9e-324', 'ok'),
              (7, 1, 1, 1, 3, false, 1, 0.5, '2000-01-01', '2000-01-01 00:00:00', '2000-01-01 00:00:00', '2000-01-01 00:00:00+00',
               gen_random_uuid(), 'x', 'y', 'z', '1', '1', '\x', 9, '1.7976931348623157e308', 'ok'),
              (8, 1, 1, 1, 3, false, 1, 0.5, '2000-01-01', '2000-01-01 00:00:00', '2000-01-01 00:00:00', '2000-01-01 00:00:00+00',
               gen_random_uuid(), 'x', 'y', 'z', '1', '1', '\x', 9, '2.2250738585072014e-308', 'ok');
            INSERT INTO src
              SELECT 100 + g, (g % 65536 - 32768)::int2, (hashint4(g))::int4, hashint8extended(g, 0), (g * 7919)::oid, g % 3 = 0,
                     round((hashint8(g)::numeric / 1e6) ^ (g % 3 + 1) / 7, g % 30) * CASE WHEN g % 2 = 0 THEN -1 ELSE 1 END,
                     (hashint4(g) % 100000000)::numeric / 100,
                     '2000-01-01'::date + (hashint4(g) % 2000000),
                     '2000-01-01'::timestamp + hashint8extended(g, 1) % 9000000000000000 * interval '1 microsecond',
                     '1000-01-01'::timestamp + (hashint4(g)::bigint + 2147483648) * interval '7 second',
                     '2000-01-01 00:00:00+00'::timestamptz + hashint8extended(g, 2) % 8000000000000000 * interval '1 microsecond',
                     gen_random_uuid(), md5(g::text) || E'\t\\' || chr(32 + g % 5000), left(md5(g::text), g % 40), left(md5(g::text), g % 6),
                     json_build_object('g', g, 's', E'a\tb\\' || chr(32 + g % 5000))::json,
                     jsonb_build_object('g', g, 'n', g / 7.0, 'a', jsonb_build_array(g, E'x\ny')),
                     decode(md5(g::text), 'hex'), g,
                     hashint8extended(g, 3)::float8 / 7 * 10::float8 ^ (g % 500 - 300) * CASE WHEN g % 3 = 0 THEN -1 ELSE 1 END,
                     (enum_range(NULL::mood))[g % 5 + 1]
              FROM generate_series(1, 4000) g;
            """#)
        return db
    }

    /// COPY src TO STDOUT as pg_dump runs it (DateStyle ISO), in a session time zone.
    func dumpText(_ db: String, timeZone: String) throws -> [UInt8] {
        let tmp = try TempDir()
        let file = tmp.file("src.copy")
        let r = try shell("PGOPTIONS='-c TimeZone=\(timeZone) -c DateStyle=ISO -c extra_float_digits=3' '\(pgBin)/psql' -X -q -d \(db) -c 'COPY src TO STDOUT' > '\(file)'")
        #expect(r.status == 0, "\(r.stderr)")
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
    }

    /// Loads `data` into `table` through the restore's sink, binary or not; returns the sink.
    @discardableResult
    func load(_ db: String, _ table: String, _ data: [UInt8], binary: Bool, timeZone: String = "UTC") throws -> ConnectionSink {
        let c = try Connection(conninfo: "dbname=\(db) options='-c TimeZone=\(timeZone)'", pinSearchPath: false)
        defer { c.close() }
        try c.query("CREATE TABLE \(table) (\(Self.columns))")
        let sink = ConnectionSink(connection: c, owner: "postgres") { _ in false }
        sink.truncateBeforeCopy = true
        sink.binaryCopy = binary
        let entry = TOCEntry(dumpId: 9, hadDumper: true, tag: Array(table.utf8), desc: "TABLE DATA", section: .data,
                             defn: [], dependencies: [], location: .none)
        try sink.beginEntry(entry)
        let columns = "id, i2, i4, i8, o, b, n, n2, d, ts, ts3, tz, u, t, vc, bp, j, jb, by, pos, f, e"
        try sink.beginCopy(Array("COPY public.\(table) (\(columns)) FROM stdin;\n".utf8), entry: entry)
        var i = 0
        while i < data.count {
            let n = min(100_000, data.count - i)
            try data[i..<(i + n)].withUnsafeBytes { try sink.copyData($0) }
            i += n
        }
        try sink.endCopy(entry)
        return sink
    }

    /// Each row as the server prints it, in one session time zone, sorted.
    func rows(_ db: String, _ table: String) throws -> [String] {
        let c = try Connection(conninfo: "dbname=\(db) options='-c TimeZone=UTC'", pinSearchPath: false)
        defer { c.close() }
        return try c.query("SELECT r::text FROM \(table) r ORDER BY id").map { $0[0] ?? "?" }
    }

    @Test func everyValueLoadsAsTheServersTextCopyLoadsIt() throws {
        let admin = try Connection(conninfo: "dbname=postgres", pinSearchPath: false)
        let db = try makeDatabase(admin)
        defer { _ = try? admin.query("DROP DATABASE \(db)") }
        let expected = try rows(db, "src")
        #expect(expected.count == 4008)
        // Each zone prints timestamptz with other offsets, some with seconds (Amsterdam until
        // 1937, Monrovia's -00:44:30), some in quarter hours (Chatham, St John's).
        for (k, zone) in ["UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Amsterdam", "Pacific/Chatham", "Africa/Monrovia"].enumerated() {
            let data = try dumpText(db, timeZone: zone)
            let sink = try load(db, "bin\(k)", data, binary: true, timeZone: k % 2 == 0 ? "UTC" : "America/Los_Angeles")
            #expect(sink.binaryTables == 1, "\(zone): the table went binary")
            #expect(sink.copiedRows[9] == 4008, "\(zone)")
            #expect(try rows(db, "bin\(k)") == expected, "\(zone)")
        }
    }

    @Test func rowsTheClientDoesNotConvertGoToTheServerAsText() throws {
        let admin = try Connection(conninfo: "dbname=postgres", pinSearchPath: false)
        let db = try makeDatabase(admin)
        defer { _ = try? admin.query("DROP DATABASE \(db)") }
        var lines = try dumpText(db, timeZone: "UTC").split(separator: 0x0a, omittingEmptySubsequences: false).map(Array.init)
        // Forms pg_dump does not write but the server's text COPY reads: an octal and a hex escape,
        // a date in another style, numeric with an exponent.
        var row = lines[2000].split(separator: 0x09, omittingEmptySubsequences: false).map(Array.init)
        row[13] = Array(#"\101\x42Z"#.utf8)
        row[8] = Array("January 8, 1999".utf8)
        row[6] = Array("1.5e3".utf8)
        lines[2000] = Array(row.joined(separator: [0x09]))
        let data = Array(lines.joined(separator: [0x0a]))
        let text = try load(db, "viatext", data, binary: false)
        #expect(text.binaryTables == 0)
        let bin = try load(db, "viabinary", data, binary: true)
        #expect(bin.binaryTables == 1)
        #expect(bin.copiedRows[9] == 4008 && text.copiedRows[9] == 4008)
        let viaText = try rows(db, "viatext")
        #expect(viaText.contains { $0.contains("ABZ") && $0.contains("1999-01-08") && $0.contains(",1500,") }, "\(viaText.filter { $0.contains("ABZ") })")
        #expect(try rows(db, "viabinary") == viaText)
    }

    /// The whole way: pg_dump's archive restored by pgreown sends the table binary, and the
    /// restored rows are the source's; `--bulk-load` without binary-copy sends it as text.
    @Test func aRestoredDumpHoldsTheSourcesRows() throws {
        let admin = try Connection(conninfo: "dbname=postgres", pinSearchPath: false)
        let db = try makeDatabase(admin)
        let restored = db + "_r"
        defer { for d in [db, restored] { _ = try? admin.query("DROP DATABASE IF EXISTS \(d)") } }
        let tmp = try TempDir()
        let dump = tmp.file("bc.dump")
        let d = try run("\(pgBin)/pg_dump", ["-Fc", "-Z1", "-d", db, "-f", dump], env: ["PGTZ": "Asia/Kolkata"], timeout: 120)
        #expect(d.status == 0, "\(d.stderr)")
        let expected = try rows(db, "src")
        for (levers, binaryTables) in [("all", 1), ("sync-commit,copy-freeze", 0)] {
            let r = try pgreown("restore", dump, "-d", restored, "--owner", "postgres", "--json", "--bulk-load", levers, timeout: 120)
            #expect(r.status == 0, "\(r.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let report = try #require(json["report"] as? [String: Any], "\(r.stdout)")
            #expect(report["binaryCopyTables"] as? Int == binaryTables, "\(levers)")
            #expect(r.stderr.contains("(4008 rows, \(binaryTables) in binary COPY)"), "\(r.stderr)")
            #expect(try rows(restored, "src") == expected, "\(levers)")
        }
    }

    @Test func theServerRejectsWhatItWouldRejectInText() throws {
        let admin = try Connection(conninfo: "dbname=postgres", pinSearchPath: false)
        let db = try makeDatabase(admin)
        defer { _ = try? admin.query("DROP DATABASE \(db)") }
        let data = try dumpText(db, timeZone: "UTC")
        // The domain's check made stricter: the same SQLSTATE either way.
        let c = try Connection(conninfo: "dbname=\(db)", pinSearchPath: false)
        try c.query("ALTER DOMAIN positive ADD CONSTRAINT small CHECK (VALUE < 100) NOT VALID")
        c.close()
        var states: [String?] = []
        for binary in [false, true] {
            do {
                try load(db, "rej_\(binary)", data, binary: binary)
                states.append(nil)
            } catch let e as ServerError {
                states.append(e.sqlState)
            }
        }
        #expect(states == ["23514", "23514"])
    }
}
