#if canImport(Glibc)
import Glibc
#endif

/// COPY text, as pg_dump writes it, turned into COPY's binary format on the client, so the
/// server skips parsing lines and running each type's text input function (`int8in`,
/// `numeric_in`, `timestamptz_in`…): about a quarter of a COPY's time on the server (measured
/// under `wal_level = minimal`; where every row is WAL-logged, less).
///
/// Only what is known exactly is converted. A table goes binary when every column's type is one
/// of `Column`'s (after domains: the server reports a domain column by its base type, and
/// `domain_recv` checks the domain's constraints as `domain_in` does). A row goes binary when it
/// is in the form pg_dump's server prints: the escapes `CopyAttributeOutText` writes (`\\ \b \f
/// \n \r \t \v`, `\N` for NULL), ISO dates (`DateStyle = ISO`, which pg_dump sets), `numeric_out`'s
/// digits, `t`/`f`, 8-4-4-4-12 uuids. The first row that is not (an octal escape, a raw carriage
/// return, a field too many, a date in another style…) ends the binary COPY there and the rest
/// of the table's data goes to a text COPY in the same transaction, exactly as the archive holds
/// it, so the server judges it as it would have: nothing is guessed.
public enum BinaryCopy {
    /// A column type whose text form the client converts to the type's binary (`…recv`) form.
    public enum Column: Sendable, Equatable {
        /// The text itself: text, varchar, bpchar, json, and enums (their receive functions read
        /// the text, converted from the client encoding, and apply the same typmod checks and
        /// label lookup as their input functions).
        case text
        /// jsonb: version byte 1, then the text.
        case jsonb
        case bool, int2, int4, int8, oid, float8, numeric, date, timestamp, timestamptz, uuid
        /// bytea in hex form (`\x…`).
        case bytea

        /// The codec of a built-in type OID (pg_type.dat), nil for any other type.
        public init?(typeOID: UInt32) {
            switch typeOID {
            case 25, 1043, 1042, 114: self = .text
            case 3802: self = .jsonb
            case 16: self = .bool
            case 21: self = .int2
            case 23: self = .int4
            case 20: self = .int8
            case 26: self = .oid
            case 701: self = .float8
            case 1700: self = .numeric
            case 1082: self = .date
            case 1114: self = .timestamp
            case 1184: self = .timestamptz
            case 2950: self = .uuid
            case 17: self = .bytea
            default: return nil
            }
        }
    }

    /// `PGCOPY\n\377\r\n\0`, flags 0, header extension length 0.
    public static let header: [UInt8] = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]
    /// The file trailer: a field count of -1.
    public static let trailer: [UInt8] = [0xff, 0xff]
}

/// A growable byte buffer written with unaligned big-endian stores.
struct BinaryWriter: ~Copyable {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let newCapacity = max(capacity * 2, count + extra)
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        grown.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always) mutating func put16(_ v: UInt16) {
        base.storeBytes(of: v.bigEndian, toByteOffset: count, as: UInt16.self)
        count += 2
    }

    @inline(__always) mutating func put32(_ v: UInt32) {
        base.storeBytes(of: v.bigEndian, toByteOffset: count, as: UInt32.self)
        count += 4
    }

    @inline(__always) mutating func put64(_ v: UInt64) {
        base.storeBytes(of: v.bigEndian, toByteOffset: count, as: UInt64.self)
        count += 8
    }

    @inline(__always) mutating func put8(_ v: UInt8) {
        base.storeBytes(of: v, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always) mutating func put(_ p: UnsafePointer<UInt8>, _ n: Int) {
        (base + count).copyMemory(from: p, byteCount: n)
        count += n
    }

    /// Overwrite a 32-bit value written earlier (a field's length).
    @inline(__always) mutating func patch32(at offset: Int, _ v: UInt32) {
        base.storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt32.self)
    }
}

/// Turns one text COPY row (without its newline) into a binary COPY tuple.
struct BinaryRowEncoder: Sendable {
    let columns: [BinaryCopy.Column]

    /// The most bytes a field of `length` text bytes takes: its length word and value. Text
    /// grows by jsonb's version byte at most; a number or time is at most 12 bytes
    /// (numeric: 8 + 2 per 4 digits, one group more than its digits fill).
    @inline(__always) static func worstCase(_ length: Int) -> Int { length + 24 }

    /// Appends the row's tuple to `out` and returns true, or returns false with `out` as it was
    /// when the row is not in the form pg_dump writes for these columns.
    func encode(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout BinaryWriter) -> Bool {
        // A raw carriage return is an error or a line end to the server's text COPY: its call.
        if n > 0, memchr(p, 0x0d, n) != nil { return false }
        let rollback = out.count
        out.reserve(2)
        out.put16(UInt16(columns.count))
        var i = 0
        let last = columns.count - 1
        for (c, column) in columns.enumerated() {
            let start = i
            let end: Int
            if c == last {
                end = n
            } else if let tab = memchr(p + i, 0x09, n - i) {
                end = p.distance(to: tab.assumingMemoryBound(to: UInt8.self))
            } else {
                out.count = rollback
                return false // too few fields
            }
            i = end + 1
            let f = p + start, len = end - start
            // The last field runs to the end of the row: a tab in it starts a field too many.
            if c == last, len > 0, memchr(f, 0x09, len) != nil {
                out.count = rollback
                return false
            }
            out.reserve(Self.worstCase(len))
            let escaped = len > 0 && memchr(f, 0x5c, len) != nil
            if escaped && len == 2 && f[1] == 0x4e { // \N
                out.put32(UInt32(bitPattern: -1))
                continue
            }
            let ok: Bool
            switch column {
            case .text:
                ok = escaped ? Self.putUnescaped(f, len, prefix: nil, &out) : Self.putVerbatim(f, len, prefix: nil, &out)
            case .jsonb:
                ok = escaped ? Self.putUnescaped(f, len, prefix: 1, &out) : Self.putVerbatim(f, len, prefix: 1, &out)
            case .bytea:
                ok = Self.putBytea(f, len, &out)
            default:
                // No other type's output holds a backslash, or a tab (a field too many).
                ok = !escaped && Self.putScalar(column, f, len, &out)
            }
            if !ok {
                out.count = rollback
                return false
            }
        }
        return true
    }

    // MARK: Text

    @inline(__always)
    static func putVerbatim(_ f: UnsafePointer<UInt8>, _ len: Int, prefix: UInt8?, _ out: inout BinaryWriter) -> Bool {
        out.put32(UInt32(len + (prefix == nil ? 0 : 1)))
        if let prefix { out.put8(prefix) }
        if len > 0 { out.put(f, len) }
        return true
    }

    /// De-escapes the escapes `CopyAttributeOutText` writes; any other backslash sequence (octal,
    /// hex, `\.`, a backslash at the end) is the text COPY's to interpret.
    static func putUnescaped(_ f: UnsafePointer<UInt8>, _ len: Int, prefix: UInt8?, _ out: inout BinaryWriter) -> Bool {
        let lengthAt = out.count
        out.put32(0)
        if let prefix { out.put8(prefix) }
        var j = 0
        while j < len {
            // The run up to the next backslash, whole.
            let run = memchr(f + j, 0x5c, len - j).map { f.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? len
            if run > j { out.put(f + j, run - j) }
            j = run
            guard j < len else { break }
            guard j + 1 < len else { return false }
            switch f[j + 1] {
            case 0x5c: out.put8(0x5c)
            case 0x62: out.put8(0x08) // b
            case 0x66: out.put8(0x0c) // f
            case 0x6e: out.put8(0x0a) // n
            case 0x72: out.put8(0x0d) // r
            case 0x74: out.put8(0x09) // t
            case 0x76: out.put8(0x0b) // v
            default: return false
            }
            j += 2
        }
        out.patch32(at: lengthAt, UInt32(out.count - lengthAt - 4))
        return true
    }

    /// bytea's hex output, `\x` and pairs of hex digits (in COPY text the backslash is doubled).
    static func putBytea(_ f: UnsafePointer<UInt8>, _ len: Int, _ out: inout BinaryWriter) -> Bool {
        guard len >= 3, f[0] == 0x5c, f[1] == 0x5c, f[2] == 0x78, (len - 3) % 2 == 0 else { return false }
        out.put32(UInt32((len - 3) / 2))
        var j = 3
        while j < len {
            guard let hi = hexValue(f[j]), let lo = hexValue(f[j + 1]) else { return false }
            out.put8(hi << 4 | lo)
            j += 2
        }
        return true
    }

    @inline(__always) static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }

    // MARK: Scalars

    static func putScalar(_ column: BinaryCopy.Column, _ f: UnsafePointer<UInt8>, _ len: Int, _ out: inout BinaryWriter) -> Bool {
        switch column {
        case .bool:
            guard len == 1, f[0] == 0x74 || f[0] == 0x66 else { return false }
            out.put32(1)
            out.put8(f[0] == 0x74 ? 1 : 0)
        case .int2:
            guard let v = parseInteger(f, len), v >= Int(Int16.min), v <= Int(Int16.max) else { return false }
            out.put32(2)
            out.put16(UInt16(bitPattern: Int16(v)))
        case .int4:
            guard let v = parseInteger(f, len), v >= Int(Int32.min), v <= Int(Int32.max) else { return false }
            out.put32(4)
            out.put32(UInt32(bitPattern: Int32(v)))
        case .int8:
            guard let v = parseInteger(f, len) else { return false }
            out.put32(8)
            out.put64(UInt64(bitPattern: Int64(v)))
        case .oid:
            guard len > 0, f[0] != 0x2d, let v = parseInteger(f, len), v <= Int(UInt32.max) else { return false }
            out.put32(4)
            out.put32(UInt32(v))
        case .float8:
            guard let v = parseFloat8(f, len) else { return false }
            out.put32(8)
            out.put64(v.bitPattern)
        case .uuid:
            return putUUID(f, len, &out)
        case .numeric:
            return putNumeric(f, len, &out)
        case .date:
            guard let d = parseDate(f, len) else { return false }
            out.put32(4)
            out.put32(UInt32(bitPattern: d))
        case .timestamp, .timestamptz:
            guard let t = parseTimestamp(f, len, withZone: column == .timestamptz) else { return false }
            out.put32(8)
            out.put64(UInt64(bitPattern: t))
        case .text, .jsonb, .bytea:
            return false
        }
        return true
    }

    /// `-?[0-9]+` within Int64 (int8out's form; a leading zero is harmless).
    static func parseInteger(_ f: UnsafePointer<UInt8>, _ len: Int) -> Int? {
        guard len > 0, len <= 20 else { return nil }
        var i = 0
        let negative = f[0] == 0x2d
        if negative { i = 1 }
        guard i < len else { return nil }
        // Accumulate negatively: Int64.min has no positive twin.
        var v = 0
        while i < len {
            let d = Int(f[i]) &- 0x30
            guard d >= 0, d <= 9 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(d)
            guard !o1, !o2 else { return nil }
            v = s
            i += 1
        }
        if negative { return v }
        guard v != Int.min else { return nil }
        return -v
    }

    /// float8out's forms: `NaN`, `Infinity`, `-Infinity`, or a decimal number, read with strtod
    /// as float8in reads it (correctly rounded; float8in refuses a result that overflows or
    /// underflows to zero, so those are the text COPY's to refuse). Only digits, a sign, a
    /// point and an exponent: strtod's other forms (hex, `inf`, spaces) go as text.
    static func parseFloat8(_ f: UnsafePointer<UInt8>, _ len: Int) -> Double? {
        if equals(f, len, "NaN") { return Double.nan }
        if equals(f, len, "Infinity") { return Double.infinity }
        if equals(f, len, "-Infinity") { return -Double.infinity }
        guard len > 0, len < 64 else { return nil }
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &buffer) { raw -> Double? in
            guard let z = raw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
            var digits = 0
            for k in 0..<len {
                let c = f[k]
                switch c {
                case 0x30...0x39: digits += 1
                case 0x2b, 0x2d, 0x2e, 0x65, 0x45: break
                default: return nil
                }
                z[k] = CChar(bitPattern: c)
            }
            z[len] = 0
            guard digits > 0 else { return nil }
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let v = strtod(z, &end)
            guard let end, z.distance(to: end) == len else { return nil }
            if errno == ERANGE && (v == 0 || v.isInfinite) { return nil }
            return v
        }
    }

    /// uuid_out's form, 8-4-4-4-12 hex digits.
    static func putUUID(_ f: UnsafePointer<UInt8>, _ len: Int, _ out: inout BinaryWriter) -> Bool {
        guard len == 36, f[8] == 0x2d, f[13] == 0x2d, f[18] == 0x2d, f[23] == 0x2d else { return false }
        out.put32(16)
        var j = 0
        while j < 36 {
            if j == 8 || j == 13 || j == 18 || j == 23 { j += 1; continue }
            guard let hi = hexValue(f[j]), let lo = hexValue(f[j + 1]) else { return false }
            out.put8(hi << 4 | lo)
            j += 2
        }
        return true
    }

    /// numeric_out's form: `NaN`, `Infinity`, `-Infinity`, or `-?digits[.digits]`, as
    /// numeric_recv reads it: digit count, weight, sign, display scale, then base-10000 digits.
    /// (numeric_recv trims and normalizes as numeric_in does, and applies the typmod alike.)
    static func putNumeric(_ f: UnsafePointer<UInt8>, _ len: Int, _ out: inout BinaryWriter) -> Bool {
        func special(_ sign: UInt16) -> Bool {
            out.put32(8)
            out.put16(0); out.put16(0); out.put16(sign); out.put16(0)
            return true
        }
        if equals(f, len, "NaN") { return special(0xc000) }
        if equals(f, len, "Infinity") { return special(0xd000) }
        if equals(f, len, "-Infinity") { return special(0xf000) }
        guard len > 0 else { return false }
        var i = 0
        let negative = f[0] == 0x2d
        if negative { i = 1 }
        let intStart = i
        while i < len, f[i] &- 0x30 <= 9 { i += 1 }
        let intEnd = i
        guard intEnd > intStart else { return false }
        var fracStart = i, fracEnd = i
        if i < len {
            guard f[i] == 0x2e else { return false }
            i += 1
            fracStart = i
            while i < len, f[i] &- 0x30 <= 9 { i += 1 }
            fracEnd = i
            guard fracEnd > fracStart, i == len else { return false }
        }
        var s = intStart
        while s < intEnd, f[s] == 0x30 { s += 1 }
        let intDigits = intEnd - s, fracDigits = fracEnd - fracStart
        guard fracDigits <= 0x3fff else { return false }
        let intGroups = (intDigits + 3) / 4, fracGroups = (fracDigits + 3) / 4
        let groups = intGroups + fracGroups
        guard intGroups <= 32768, groups <= 0xffff else { return false }
        out.put32(UInt32(8 + 2 * groups))
        out.put16(UInt16(groups))
        out.put16(UInt16(bitPattern: Int16(intGroups - 1)))
        out.put16(negative ? 0x4000 : 0)
        out.put16(UInt16(fracDigits))
        var d = s
        var width = intDigits - 4 * (intGroups - 1)
        for _ in 0..<intGroups {
            var v: UInt16 = 0
            for _ in 0..<width {
                v = v * 10 + UInt16(f[d] - 0x30)
                d += 1
            }
            out.put16(v)
            width = 4
        }
        d = fracStart
        for _ in 0..<fracGroups {
            var v: UInt16 = 0
            for _ in 0..<4 {
                v = v * 10 + (d < fracEnd ? UInt16(f[d] - 0x30) : 0)
                d += 1
            }
            out.put16(v)
        }
        return true
    }

    @inline(__always) static func equals(_ f: UnsafePointer<UInt8>, _ len: Int, _ s: StaticString) -> Bool {
        len == s.utf8CodeUnitCount && memcmp(f, s.utf8Start, len) == 0
    }

    // MARK: Dates and times (DateStyle ISO)

    /// date2j (PostgreSQL's datetime.c): the Julian day of a proleptic Gregorian date.
    static func date2j(_ year: Int, _ month: Int, _ day: Int) -> Int {
        var y = year, m = month
        if m > 2 { m += 1; y += 4800 } else { m += 13; y += 4799 }
        let century = y / 100
        var julian = y * 365 - 32167
        julian += y / 4 - century + century / 4
        julian += 7834 * m / 256 + day
        return julian
    }

    /// date2j(2000, 1, 1): day 0 of dates and timestamps.
    static let epochJulian = 2_451_545

    static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Exactly `count` digits at `i`.
    @inline(__always)
    static func digits(_ f: UnsafePointer<UInt8>, _ len: Int, _ i: inout Int, _ count: Int) -> Int? {
        guard i + count <= len else { return nil }
        var v = 0
        for k in 0..<count {
            let d = Int(f[i + k]) &- 0x30
            guard d >= 0, d <= 9 else { return nil }
            v = v * 10 + d
        }
        i += count
        return v
    }

    @inline(__always)
    static func expect(_ f: UnsafePointer<UInt8>, _ len: Int, _ i: inout Int, _ c: UInt8) -> Bool {
        guard i < len, f[i] == c else { return false }
        i += 1
        return true
    }

    /// `YYYY-MM-DD` (four or more year digits) at `i`: the astronomical year, month, day, before
    /// any ` BC`.
    static func parseYMD(_ f: UnsafePointer<UInt8>, _ len: Int, _ i: inout Int) -> (Int, Int, Int)? {
        var year = 0, n = 0
        while i < len, f[i] &- 0x30 <= 9, n < 8 {
            year = year * 10 + Int(f[i] - 0x30)
            i += 1
            n += 1
        }
        guard n >= 4, expect(f, len, &i, 0x2d), let month = digits(f, len, &i, 2),
              expect(f, len, &i, 0x2d), let day = digits(f, len, &i, 2) else { return nil }
        guard year >= 1, month >= 1, month <= 12, day >= 1 else { return nil }
        return (year, month, day)
    }

    /// A trailing ` BC` moves the year to the astronomical count (1 BC is year 0).
    static func era(_ f: UnsafePointer<UInt8>, _ len: Int, _ i: inout Int, _ year: Int) -> Int? {
        if i == len { return year }
        guard i + 3 == len, f[i] == 0x20, f[i + 1] == 0x42, f[i + 2] == 0x43 else { return nil }
        i = len
        return 1 - year
    }

    /// date_out in ISO: days from 2000-01-01 (date_recv's value), ±infinity as its ends.
    static func parseDate(_ f: UnsafePointer<UInt8>, _ len: Int) -> Int32? {
        if equals(f, len, "infinity") { return Int32.max }
        if equals(f, len, "-infinity") { return Int32.min }
        var i = 0
        guard let (y, m, d) = parseYMD(f, len, &i), let year = era(f, len, &i, y),
              d <= daysIn(m, year) else { return nil }
        let days = date2j(year, m, d) - epochJulian
        // date_recv's range (IS_VALID_DATE); anything outside is the text COPY's to reject.
        guard days > Int(Int32.min), days < Int(Int32.max) else { return nil }
        return Int32(days)
    }

    /// timestamp_out / timestamptz_out in ISO: `YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]][ BC]`,
    /// as microseconds from 2000-01-01 00:00 (UTC for timestamptz), ±infinity as Int64's ends.
    static func parseTimestamp(_ f: UnsafePointer<UInt8>, _ len: Int, withZone: Bool) -> Int64? {
        if equals(f, len, "infinity") { return Int64.max }
        if equals(f, len, "-infinity") { return Int64.min }
        var i = 0
        guard let (y, mo, d) = parseYMD(f, len, &i), expect(f, len, &i, 0x20),
              let h = digits(f, len, &i, 2), expect(f, len, &i, 0x3a),
              let mi = digits(f, len, &i, 2), expect(f, len, &i, 0x3a),
              let s = digits(f, len, &i, 2), h < 24, mi < 60, s < 60 else { return nil }
        var micros = 0
        if i < len, f[i] == 0x2e {
            i += 1
            var n = 0
            while i < len, f[i] &- 0x30 <= 9 {
                guard n < 6 else { return nil }
                micros = micros * 10 + Int(f[i] - 0x30)
                i += 1
                n += 1
            }
            guard n > 0 else { return nil }
            for _ in n..<6 { micros *= 10 }
        }
        var offset = 0
        if withZone {
            guard i < len, f[i] == 0x2b || f[i] == 0x2d else { return nil }
            let sign = f[i] == 0x2d ? -1 : 1
            i += 1
            guard let oh = digits(f, len, &i, 2) else { return nil }
            var om = 0, os = 0
            if i < len, f[i] == 0x3a {
                i += 1
                guard let m = digits(f, len, &i, 2), m < 60 else { return nil }
                om = m
                if i < len, f[i] == 0x3a {
                    i += 1
                    guard let sec = digits(f, len, &i, 2), sec < 60 else { return nil }
                    os = sec
                }
            }
            offset = sign * ((oh * 60 + om) * 60 + os)
        }
        guard let year = era(f, len, &i, y), d <= daysIn(mo, year) else { return nil }
        let days = date2j(year, mo, d) - epochJulian
        let seconds = days * 86_400 + (h * 60 + mi) * 60 + s - offset
        let (us, o1) = seconds.multipliedReportingOverflow(by: 1_000_000)
        let (t, o2) = us.addingReportingOverflow(micros)
        // Int64's ends mean ±infinity: a finite time there is the text COPY's to judge.
        guard !o1, !o2, t != Int.max, t != Int.min else { return nil }
        return Int64(t)
    }
}

/// Streams one table's COPY text into a binary COPY, row by row, across chunk boundaries, and
/// hands over to a text COPY at the first row it does not convert (see `BinaryCopy`).
public final class BinaryCopyTranscoder {
    /// Sends binary COPY bytes.
    private let sendBinary: (UnsafeRawBufferPointer) throws -> Void
    /// Ends the binary COPY and starts the text COPY that takes the rest.
    private let switchToText: () throws -> Void
    /// Sends text COPY bytes.
    private let sendText: (UnsafeRawBufferPointer) throws -> Void

    private let encoder: BinaryRowEncoder
    private var out = BinaryWriter(capacity: 1 << 18)
    private var carry: [UInt8] = []
    /// Rows sent in binary.
    public private(set) var binaryRows = 0
    /// The text row (1-based) the text COPY took over at; nil while all is binary.
    public private(set) var handedOverAt: Int?
    /// The `\.` line was seen: the server ignores what follows it, and so does this.
    private var ended = false
    private var startedBinary = false
    private var finished = false

    /// Output is sent once this much has built up.
    private static let flushAt = 1 << 18
    /// A row longer than this goes as text, with the rest of the table: the text COPY streams
    /// it, where converting it would hold it whole (a value may be up to 1 GB).
    static let longestRow = 16 << 20

    public init(columns: [BinaryCopy.Column],
                sendBinary: @escaping (UnsafeRawBufferPointer) throws -> Void,
                switchToText: @escaping () throws -> Void,
                sendText: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        encoder = BinaryRowEncoder(columns: columns)
        self.sendBinary = sendBinary
        self.switchToText = switchToText
        self.sendText = sendText
    }

    public var isBinary: Bool { handedOverAt == nil }

    public func feed(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return }
        if !isBinary { return try sendText(bytes) }
        if ended { return }
        startBinary()
        var pos = 0
        let n = bytes.count
        if !carry.isEmpty {
            guard let nl = memchr(base, 0x0a, n) else {
                carry.append(contentsOf: bytes)
                return try handOverIfLong()
            }
            let k = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
            carry.append(contentsOf: UnsafeRawBufferPointer(start: base, count: k))
            pos = k + 1
            if let pending = takeCarriedRow() {
                try handOver(pending + [0x0a])
                return try sendRest(base + pos, n - pos)
            }
        }
        while pos < n, !ended {
            guard let nl = memchr(base + pos, 0x0a, n - pos) else {
                carry.append(contentsOf: UnsafeRawBufferPointer(start: base + pos, count: n - pos))
                return try handOverIfLong()
            }
            let k = (base + pos).distance(to: nl.assumingMemoryBound(to: UInt8.self))
            if !row(encode: base + pos, k) {
                try handOver([])
                return try sendRest(base + pos, n - pos)
            }
            pos += k + 1
            if out.count >= Self.flushAt { try flush() }
        }
    }

    /// The header, before the first row.
    private func startBinary() {
        guard !startedBinary else { return }
        startedBinary = true
        out.put(BinaryCopy.header)
    }

    /// Encodes the carried row (it is never empty) and clears the carry; the row's bytes when
    /// it must go as text.
    private func takeCarriedRow() -> [UInt8]? {
        let pending = carry
        carry.removeAll(keepingCapacity: true)
        let converted = pending.withUnsafeBufferPointer { r in r.baseAddress.map { row(encode: $0, r.count) } ?? true }
        return converted ? nil : pending
    }

    /// Encodes one row (or notes the `\.` line); false when it must go as text.
    private func row(encode p: UnsafePointer<UInt8>, _ k: Int) -> Bool {
        if ended { return true }
        if k == 2, p[0] == 0x5c, p[1] == 0x2e {
            ended = true
            return true
        }
        guard encoder.encode(p, k, into: &out) else { return false }
        binaryRows += 1
        return true
    }

    /// A partial row past `longestRow` goes as text, and the text COPY takes over.
    private func handOverIfLong() throws {
        guard carry.count > Self.longestRow else { return }
        let pending = carry
        carry = []
        try handOver(pending)
    }

    private func sendRest(_ p: UnsafePointer<UInt8>, _ k: Int) throws {
        if k > 0 { try sendText(UnsafeRawBufferPointer(start: p, count: k)) }
    }

    /// Ends the binary part after the rows converted so far, then sends `pending` as text.
    private func handOver(_ pending: [UInt8]) throws {
        handedOverAt = binaryRows + 1
        out.put(BinaryCopy.trailer)
        try flush()
        try switchToText()
        if !pending.isEmpty { try pending.withUnsafeBytes { try sendText($0) } }
    }

    private func flush() throws {
        guard out.count > 0 else { return }
        try sendBinary(out.bytes)
        out.count = 0
    }

    /// The data has ended: a last row without its newline is encoded (the text COPY takes it
    /// too), then the trailer.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        guard isBinary else { return }
        startBinary()
        if !carry.isEmpty, let pending = takeCarriedRow() { return try handOver(pending) }
        out.put(BinaryCopy.trailer)
        try flush()
    }
}

private extension BinaryWriter {
    mutating func put(_ bytes: [UInt8]) {
        reserve(bytes.count)
        bytes.withUnsafeBufferPointer { b in
            if let p = b.baseAddress { put(p, b.count) }
        }
    }
}
