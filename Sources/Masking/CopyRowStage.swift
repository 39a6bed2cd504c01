import DumpFormat
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Per table, what the policy did to its rows (the report and the rows check).
public struct PolicyTableCount: Sendable, Codable {
    public var table: String
    public var rowsRead: Int64 = 0
    public var rowsKept: Int64 = 0
    public var rowsDropped: Int64 = 0
    public var columnsMasked: [String] = []
    public var dataLeftOut = false
}

/// The counts of every stage of a run (workers share one), by dump id.
public final class PolicyCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int: PolicyTableCount] = [:]
    public init() {}
    func record(_ id: Int, _ c: PolicyTableCount) { lock.lock(); counts[id] = c; lock.unlock() }
    public func count(_ dumpId: Int) -> PolicyTableCount? { lock.lock(); defer { lock.unlock() }; return counts[dumpId] }
    public var all: [PolicyTableCount] { lock.lock(); defer { lock.unlock() }; return counts.keys.sorted().compactMap { counts[$0] } }
}

/// The data stage: applies the policy to one table's COPY text at a time (pg_dump's text
/// format: tab-separated fields, `\N` for NULL, backslash escapes, a row per line, `\.` at the
/// end). Lines are reassembled across chunk boundaries; each field the policy touches is
/// decoded, transformed and encoded again; rows `where`/`sample` reject are dropped and counted.
/// Every restore path hands its COPY data through one of these (`ConnectionSink.dataStage`).
public final class CopyRowStage {
    public enum Decision { case passThrough, leaveOut, transform }
    let policy: CompiledPolicy
    let counters: PolicyCounters
    let context: MaskContext
    let now: Double
    // The current table.
    private var plan: CompiledPolicy.Plan?
    private var transforms: [(index: Int, t: Transformer, integerMax: UInt64?)] = []
    private var filterIndex: [String: Int] = [:]
    private var sampleIndexes: [Int] = []
    private var count = PolicyTableCount(table: "")
    private var entryId = 0
    private var pending: [UInt8] = []
    private var out: [UInt8] = []
    private var ended = false
    private var bounds: [Range<Int>] = []
    private var replaced: [Int: String?] = [:]

    public init(policy: CompiledPolicy, counters: PolicyCounters, now: Date = Date()) {
        self.policy = policy
        self.counters = counters
        context = MaskContext(key: policy.key)
        self.now = now.timeIntervalSince1970
    }

    /// A COPY of `entry` starts: what to do with its data.
    public func begin(_ entry: TOCEntry, statement: [UInt8]) throws -> Decision {
        plan = nil
        guard let ns = entry.namespace, let tag = entry.tag,
              let p = policy.plan(schema: text(ns), table: text(tag)) else { return .passThrough }
        entryId = entry.dumpId
        count = PolicyTableCount(table: p.table)
        if !p.rule.data {
            count.dataLeftOut = true
            counters.record(entryId, count)
            return .leaveOut
        }
        guard p.filter != nil || p.rule.samplePercent != nil || !p.rule.columns.isEmpty else { return .passThrough }
        let names = DumpTables.list(DumpTables.words(statement, entry.lexState ?? SQLLexState()), from: 2)
            ?? p.info?.columns.map(\.name) ?? []
        func index(_ c: String) throws -> Int {
            guard let i = names.firstIndex(of: c) else {
                throw DumpError(.malformed, file: policy.policy.file, entry: entry.label, "the COPY statement has no column \(c) named by the policy (\(policy.policy.file))")
            }
            return i
        }
        transforms = try p.rule.columns.map { ($0.column, try index($0.column), $0.transformer) }.map { c in
            (c.1, c.2, p.info?.column(c.0)?.integerMax)
        }
        count.columnsMasked = p.rule.columns.map(\.column)
        filterIndex = [:]
        for c in p.filter?.columns ?? [] { filterIndex[c] = try index(c) }
        sampleIndexes = try (p.info?.primaryKey ?? []).map(index)
        plan = p
        pending.removeAll(keepingCapacity: true)
        out.removeAll(keepingCapacity: true)
        ended = false
        return .transform
    }

    /// `--inserts` data of `entry` starts: left out, or passed through (a policy that filters or
    /// masks such a table is refused by `CompiledPolicy`).
    public func beginInserts(_ entry: TOCEntry) throws -> Decision {
        guard let ns = entry.namespace, let tag = entry.tag,
              let p = policy.plan(schema: text(ns), table: text(tag)) else { return .passThrough }
        if !p.rule.data {
            var c = PolicyTableCount(table: p.table)
            c.dataLeftOut = true
            counters.record(entry.dumpId, c)
            return .leaveOut
        }
        guard p.filter == nil && p.rule.samplePercent == nil && p.rule.columns.isEmpty else {
            throw DumpError(.unsupported, file: policy.policy.file, entry: entry.label,
                            "the dump holds this table's data as INSERT statements (pg_dump --inserts); a policy masks or filters COPY data only")
        }
        return .passThrough
    }

    public func feed(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        var start = 0
        guard let base = bytes.baseAddress else { return }
        while start < bytes.count, let hit = memchr(base + start, 0x0a, bytes.count - start) {
            let k = base.distance(to: UnsafeRawPointer(hit))
            if pending.isEmpty {
                row(UnsafeRawBufferPointer(rebasing: bytes[start...k]))
            } else {
                pending.append(contentsOf: bytes[start...k])
                let line = pending
                pending.removeAll(keepingCapacity: true)
                line.withUnsafeBytes { row($0) }
            }
            start = k + 1
        }
        if start < bytes.count { pending.append(contentsOf: bytes[start...]) }
        if out.count >= 1 << 16 { try flush(emit) }
    }

    public func end(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        if !pending.isEmpty { out += pending; pending.removeAll() }
        try flush(emit)
        counters.record(entryId, count)
        plan = nil
    }

    private func flush(_ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !out.isEmpty else { return }
        try out.withUnsafeBytes { try emit($0) }
        out.removeAll(keepingCapacity: true)
    }

    /// One line, with its newline.
    private func row(_ line: UnsafeRawBufferPointer) {
        guard let plan, !ended else { out += line; return }
        if line.count == 3 && line[0] == 0x5c && line[1] == 0x2e {  // "\.\n"
            ended = true
            out += line
            return
        }
        count.rowsRead += 1
        // Field boundaries (a tab is always escaped inside a field).
        bounds.removeAll(keepingCapacity: true)
        var s = 0
        let n = line.count - 1
        for k in 0..<n where line[k] == 0x09 { bounds.append(s..<k); s = k + 1 }
        bounds.append(s..<n)
        func field(_ i: Int) -> String? {
            guard i < bounds.count else { return nil }
            return Self.decode(UnsafeRawBufferPointer(rebasing: line[bounds[i]]))
        }
        if let f = plan.filter {
            let keep = f.evaluate({ c in self.filterIndex[c].flatMap(field) }, kinds: plan.kinds, now: now)
            if keep != true { count.rowsDropped += 1; return }
        }
        if let p = plan.rule.samplePercent {
            let key = sampleIndexes.isEmpty ? String(decoding: line, as: UTF8.self)
                : sampleIndexes.map { i in i < bounds.count ? String(decoding: line[bounds[i]], as: UTF8.self) : "" }.joined(separator: "\t")
            let m = context.mac("sample\u{0}" + key)
            var x: UInt64 = 0
            for b in m.prefix(8) { x = (x << 8) | UInt64(b) }
            if Double(x) / 18446744073709551616.0 * 100 >= p { count.rowsDropped += 1; return }
        }
        count.rowsKept += 1
        if transforms.isEmpty { out += line; return }
        replaced.removeAll(keepingCapacity: true)
        for t in transforms {
            context.integerMax = t.integerMax ?? UInt64(Int32.max)
            replaced[t.index] = t.t.apply(field(t.index), row: count.rowsRead, context: context)
        }
        for (i, b) in bounds.enumerated() {
            if i > 0 { out.append(0x09) }
            if let r = replaced[i] {
                if let r { Self.encode(r, into: &out) } else { out += [0x5c, 0x4e] }
            } else {
                out += UnsafeRawBufferPointer(rebasing: line[b])
            }
        }
        out.append(0x0a)
    }

    /// A COPY text field's value (nil for `\N`): CopyReadAttributesText's escapes.
    static func decode(_ f: UnsafeRawBufferPointer) -> String? {
        if f.count == 2 && f[0] == 0x5c && f[1] == 0x4e { return nil }
        var b: [UInt8] = []
        b.reserveCapacity(f.count)
        var k = 0
        while k < f.count {
            let c = f[k]
            guard c == 0x5c, k + 1 < f.count else { b.append(c); k += 1; continue }
            let e = f[k + 1]
            k += 2
            switch e {
            case UInt8(ascii: "b"): b.append(8)
            case UInt8(ascii: "f"): b.append(12)
            case UInt8(ascii: "n"): b.append(10)
            case UInt8(ascii: "r"): b.append(13)
            case UInt8(ascii: "t"): b.append(9)
            case UInt8(ascii: "v"): b.append(11)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var v = Int(e - 48)
                var d = 1
                while d < 3, k < f.count, f[k] >= 48, f[k] <= 55 { v = v * 8 + Int(f[k] - 48); k += 1; d += 1 }
                b.append(UInt8(v & 0xff))
            case UInt8(ascii: "x"):
                var v = 0, d = 0
                while d < 2, k < f.count, let h = hexValue(f[k]) { v = v * 16 + h; k += 1; d += 1 }
                if d == 0 { b.append(UInt8(ascii: "x")) } else { b.append(UInt8(v)) }
            default: b.append(e)
            }
        }
        return String(decoding: b, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 48...57: Int(c - 48)
        case 65...70: Int(c - 55)
        case 97...102: Int(c - 87)
        default: nil
        }
    }

    /// CopyAttributeOutText: backslash, and the control characters COPY escapes.
    static func encode(_ s: String, into out: inout [UInt8]) {
        for c in s.utf8 {
            switch c {
            case 0x5c: out += [0x5c, 0x5c]
            case 8: out += [0x5c, UInt8(ascii: "b")]
            case 12: out += [0x5c, UInt8(ascii: "f")]
            case 10: out += [0x5c, UInt8(ascii: "n")]
            case 13: out += [0x5c, UInt8(ascii: "r")]
            case 9: out += [0x5c, UInt8(ascii: "t")]
            case 11: out += [0x5c, UInt8(ascii: "v")]
            default: out.append(c)
            }
        }
    }
}
