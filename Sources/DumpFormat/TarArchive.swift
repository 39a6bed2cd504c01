/// Tar archives (pg_backup_tar.c): ustar members `toc.dat`, then one `<dumpId>.dat` per data
/// entry in TOC order (large objects as `blob_<oid>.dat` members closed by `blobs[_<id>].toc`),
/// then `restore.sql`, then two zero blocks. Read strictly in order, as pg_restore does.
public final class TarArchiveReader {
    let reader: ByteReader
    public private(set) var warnings: [DumpError] = []

    public struct Member {
        public var name: [UInt8]
        public var size: Int64
        public var headerOffset: Int64
        public var dataOffset: Int64
    }

    public init(reader: ByteReader) { self.reader = reader }

    /// True when the 512 bytes are a ustar header with a valid checksum.
    public static func looksLikeTarHeader(_ block: [UInt8]) -> Bool {
        guard block.count >= 512, Array(block[257..<262]) == Array("ustar".utf8) else { return false }
        guard let stored = parseOctal(block[148..<156]) else { return false }
        return stored == checksum(block)
    }

    static func checksum(_ h: [UInt8]) -> Int64 {
        var sum: Int64 = 8 * 0x20
        for i in 0..<512 where i < 148 || i >= 156 { sum += Int64(h[i]) }
        return sum
    }

    /// Octal digits, optionally padded with spaces/NULs; nil if anything else.
    static func parseOctal(_ field: ArraySlice<UInt8>) -> Int64? {
        var v: Int64 = 0
        var digits = 0
        for b in field {
            if b == 0 || b == 0x20 { if digits > 0 { break } else { continue } }
            guard b >= 0x30 && b <= 0x37, digits < 21 else { return nil }
            v = v * 8 + Int64(b - 0x30)
            digits += 1
        }
        return v
    }

    /// Read the next member header; nil at the end blocks.
    public func nextMember() throws -> Member? {
        let at = reader.offset
        if try reader.isAtEnd() {
            throw reader.fail(.truncated, at: at, "tar archive ends without its two zero end blocks")
        }
        let h = try reader.readBytes(count: 512, what: "tar header")
        if h.allSatisfy({ $0 == 0 }) {
            let second = try reader.readUpTo(512)
            if second.count < 512 || !second.allSatisfy({ $0 == 0 }) {
                throw reader.fail(.truncated, at: at + 512, "tar archive ends after one zero block (expected two)")
            }
            return nil
        }
        guard Array(h[257..<262]) == Array("ustar".utf8) else {
            throw reader.fail(.malformed, at: at, "tar member header lacks the 'ustar' magic")
        }
        guard let stored = Self.parseOctal(h[148..<156]) else {
            throw reader.fail(.malformed, at: at + 148, "tar header checksum field is not octal")
        }
        let sum = Self.checksum(h)
        guard stored == sum else {
            throw reader.fail(.malformed, at: at, "tar header checksum mismatch (stored \(stored), computed \(sum))")
        }
        let size: Int64
        if h[124] & 0x80 != 0 {
            // base-256 for members over 8 GB
            var v: Int64 = 0
            for (i, b) in h[125..<136].enumerated() {
                if i < 3 && b != 0 { throw reader.fail(.malformed, at: at + 124, "tar member size too large") }
                v = (v << 8) | Int64(b)
            }
            size = v
        } else {
            guard let s = Self.parseOctal(h[124..<136]) else {
                throw reader.fail(.malformed, at: at + 124, "tar member size is not octal")
            }
            size = s
        }
        let nameField = h[0..<100]
        let name = Array(nameField.prefix { $0 != 0 })
        guard !name.isEmpty else { throw reader.fail(.malformed, at: at, "tar member has an empty name") }
        return Member(name: name, size: size, headerOffset: at, dataOffset: reader.offset)
    }

    /// Skip the padding after a member's data.
    func skipPadding(_ m: Member) throws {
        let pad = (512 - Int(m.size % 512)) % 512
        if pad > 0 { try reader.skip(count: pad, what: "tar padding of \(shown(m.name))") }
    }

    func expectMember(_ name: [UInt8], for what: String) throws -> Member {
        let at = reader.offset
        guard let m = try nextMember() else {
            throw reader.fail(.truncated, at: at, "tar archive ends where member '\(shown(name))' (\(what)) was expected")
        }
        guard m.name == name else {
            throw reader.fail(.malformed, at: at, "found tar member '\(shown(m.name))' where '\(shown(name))' (\(what)) was expected")
        }
        return m
    }

    public func readTOC() throws -> ArchiveTOC {
        let m = try expectMember(Array("toc.dat".utf8), for: "the archive's TOC")
        let inner = ByteReader(source: MemberSource(reader, size: m.size), name: reader.name,
                               bufferSize: 256 * 1024, startOffset: m.dataOffset)
        let toc = try ArchiveTOC.read(inner, expectedFormat: 3)
        let used = inner.offset - m.dataOffset
        if used < m.size {
            try reader.skip(count: Int(m.size - used), what: "rest of toc.dat")
            warnings.append(DumpError(.malformed, file: reader.name, offset: inner.offset, "\(m.size - used) trailing bytes in toc.dat"))
        }
        try skipPadding(m)
        return toc
    }

    public func readData(_ toc: ArchiveTOC, _ visitor: DumpVisitor) throws {
        let decompressor: Decompressor
        do { decompressor = try Decompressors.make(toc.header.compression, gzipFile: true) } catch let e as DecompressionError {
            throw reader.fail(.io, e.message)
        }
        for entry in toc.entries where entry.hasData {
            guard case .file(let name) = entry.location else { continue }
            try visitor.beginData(entry)
            do {
                if entry.isBlobs {
                    try readBlobs(entry, decompressor, visitor)
                } else {
                    let m = try expectMember(name, for: "data of \(entry.label)")
                    try streamMember(m, decompressor, visitor)
                }
            } catch let e as DumpError {
                throw e.inEntry(entry.label)
            }
            try visitor.endData(entry)
        }
        // restore.sql and the end blocks.
        while let m = try nextMember() {
            if m.name != Array("restore.sql".utf8) {
                warnings.append(DumpError(.malformed, file: reader.name, offset: m.headerOffset,
                                          "unexpected tar member '\(shown(m.name))' after the data"))
            }
            try reader.skip(count: Int(m.size), what: "tar member \(shown(m.name))")
            try skipPadding(m)
        }
        if !(try reader.isAtEnd()) {
            let at = reader.offset
            var extra: Int64 = 0
            while try reader.withAvailable({ extra += Int64($0.count); return $0.count }) {}
            // GNU tar pads to a 10 KB record; pg_dump does not. Only non-zero bytes are a finding.
            if extra > 0 {
                warnings.append(DumpError(.malformed, file: reader.name, offset: at, "\(extra) bytes after the tar end blocks"))
            }
        }
        try visitor.finish(totalBytes: reader.offset)
    }

    private func streamMember(_ m: Member, _ decompressor: Decompressor, _ visitor: DumpVisitor) throws {
        try decompressor.reset()
        try reader.withBytes(count: Int(m.size), what: "tar member \(shown(m.name))") { piece in
            do { try decompressor.feed(piece) { try visitor.data($0) } } catch let e as DecompressionError {
                throw reader.fail(.malformed, at: m.dataOffset, e.message)
            }
        }
        do { try decompressor.finish() } catch let e as DecompressionError {
            throw reader.fail(.truncated, at: m.dataOffset, e.message)
        }
        try skipPadding(m)
    }

    private func readBlobs(_ entry: TOCEntry, _ decompressor: Decompressor, _ visitor: DumpVisitor) throws {
        var oids: [UInt32] = []
        while true {
            let at = reader.offset
            guard let m = try nextMember() else {
                throw reader.fail(.truncated, at: at, "tar archive ends inside the large objects (no blobs.toc member)")
            }
            if m.name.starts(with: Array("blob_".utf8)) {
                let digits = m.name.dropFirst(5).prefix { $0 != 0x2e }
                guard let oid = parseDecimal(digits), oid > 0, oid <= Int(UInt32.max),
                      m.name == Array("blob_".utf8) + Array(digits) + Array(".dat".utf8) else {
                    throw reader.fail(.malformed, at: at, "tar member '\(shown(m.name))' is not 'blob_<oid>.dat'")
                }
                try visitor.beginLargeObject(oid: UInt32(oid))
                try streamMember(m, decompressor, visitor)
                try visitor.endLargeObject(oid: UInt32(oid))
                oids.append(UInt32(oid))
                continue
            }
            guard m.name.starts(with: Array("blobs".utf8)), m.name.count < 64, shown(m.name).hasSuffix(".toc") else {
                throw reader.fail(.malformed, at: at, "found tar member '\(shown(m.name))' inside the large objects (expected blob_<oid>.dat or blobs.toc)")
            }
            guard m.size <= 64 << 20 else { throw reader.fail(.malformed, at: at, "large-object list of \(m.size) bytes is implausible") }
            let list = try reader.readBytes(count: Int(m.size), what: "large-object list")
            try skipPadding(m)
            var listed: [UInt32] = []
            for line in list.split(separator: 0x0a) where !line.isEmpty {
                guard let sp = line.firstIndex(of: 0x20), let oid = parseDecimal(line[line.startIndex..<sp]),
                      oid <= Int(UInt32.max) else {
                    throw reader.fail(.malformed, at: m.dataOffset, "\(shown(m.name)) line '\(shown(Array(line)))' is not '<oid> blob_<oid>.dat'")
                }
                listed.append(UInt32(oid))
            }
            if listed != oids {
                throw reader.fail(.malformed, at: m.dataOffset,
                                  "\(shown(m.name)) lists \(listed.count) large objects but the archive holds \(oids.count) blob members (or in another order)")
            }
            return
        }
    }
}

/// The bytes of one tar member, as a ByteSource bounded to its size.
final class MemberSource: ByteSource {
    let outer: ByteReader
    var remaining: Int64
    init(_ outer: ByteReader, size: Int64) { self.outer = outer; self.remaining = size }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if remaining == 0 { return 0 }
        var copied = 0
        let more = try outer.withAvailable { piece in
            let n = min(Int(min(remaining, Int64(Int.max))), piece.count, buffer.count)
            buffer.baseAddress!.copyMemory(from: piece.baseAddress!, byteCount: n)
            copied = n
            return n
        }
        if !more { throw outer.fail(.truncated, "tar member ends early: \(remaining) bytes missing") }
        remaining -= Int64(copied)
        return copied
    }
}
