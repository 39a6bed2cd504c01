/// Data blocks of a custom-format archive (pg_backup_custom.c), read in file order as a stream.
///
/// Blocks follow the TOC in TOC order (pg_dump writes them so; the custom format cannot be
/// dumped in parallel). Each is checked against the next TOC entry that has data: same dumpId,
/// same position when the TOC records one, the right block type; every chunk list must end,
/// every compressed item must reach its end mark.
public final class CustomDataReader {
    let reader: ByteReader
    let toc: ArchiveTOC
    let primitives: ArchivePrimitives
    /// Problems that leave the data readable (trailing bytes after the last block).
    public private(set) var warnings: [DumpError] = []

    static let blockData: UInt8 = 1
    static let blockBlobs: UInt8 = 3

    public init(reader: ByteReader, toc: ArchiveTOC) {
        self.reader = reader
        self.toc = toc
        self.primitives = ArchivePrimitives(reader: reader, intSize: toc.header.intSize, offSize: toc.header.offSize)
    }

    /// Stream every data block to the visitor, in file order.
    public func read(_ visitor: DumpVisitor) throws {
        let expected = toc.entries.filter { $0.hasData }
        let decompressor: Decompressor
        do { decompressor = try Decompressors.make(toc.header.compression) } catch let e as DecompressionError {
            throw reader.fail(.io, e.message)
        }
        // Offsets recorded in the TOC must increase in TOC order and lie inside the file.
        var last: Int64 = toc.endOffset - 1
        for e in expected {
            if case .offset(let pos) = e.location {
                if pos <= last {
                    throw DumpError(.malformed, file: reader.name, offset: e.fileOffset, entry: e.label,
                                    "data offset \(pos) does not increase in TOC order (previous \(last))")
                }
                if let size = reader.knownSize, pos >= size {
                    throw DumpError(.truncated, file: reader.name, offset: e.fileOffset, entry: e.label,
                                    "data offset \(pos) lies past the end of the file (\(size) bytes): the archive is truncated")
                }
                last = pos
            }
        }
        for entry in expected {
            try readBlock(entry, decompressor, visitor)
        }
        let end = reader.offset
        if !(try reader.isAtEnd()) {
            var extra: Int64 = 0
            if let size = reader.knownSize { extra = size - end } else {
                while try reader.withAvailable({ extra += Int64($0.count); return $0.count }) {}
            }
            warnings.append(DumpError(.malformed, file: reader.name, offset: end,
                                      "\(extra) trailing bytes after the last data block"))
        }
        try visitor.finish(totalBytes: reader.offset)
    }

    /// One entry's data block at the reader's position: checked (type, dumpId, recorded offset)
    /// and streamed to the visitor between beginData and endData.
    func readBlock(_ entry: TOCEntry, _ decompressor: Decompressor, _ visitor: DumpVisitor) throws {
        let blockAt = reader.offset
        if try reader.isAtEnd() {
            throw DumpError(.truncated, file: reader.name, offset: blockAt, entry: entry.label,
                            "input ends before the data block of this entry (expected block type \(entry.isBlobs ? 3 : 1) with dumpId \(entry.dumpId))")
        }
        let type = try reader.readByte()
        guard type == Self.blockData || type == Self.blockBlobs else {
            throw DumpError(.malformed, file: reader.name, offset: blockAt, entry: entry.label,
                            "unknown data block type \(type) (expected 1 data or 3 large objects)")
        }
        let id = try primitives.readInt("block dumpId")
        guard id == Int64(entry.dumpId) else {
            let other = toc.entries.first { Int64($0.dumpId) == id }
            let what = other.map { "belongs to \($0.label)" } ?? "names no TOC entry"
            throw DumpError(.malformed, file: reader.name, offset: blockAt, entry: entry.label,
                            "found data block for dumpId \(id) (which \(what)) where this entry's block was expected: blocks out of TOC order or missing")
        }
        if case .offset(let pos) = entry.location, pos != blockAt {
            throw DumpError(.malformed, file: reader.name, offset: blockAt, entry: entry.label,
                            "TOC records the data block at byte \(pos) but it starts at byte \(blockAt)")
        }
        let wantType = entry.isBlobs ? Self.blockBlobs : Self.blockData
        guard type == wantType else {
            throw DumpError(.malformed, file: reader.name, offset: blockAt, entry: entry.label,
                            "data block type \(type) does not fit a \(entry.desc) entry (expected \(wantType))")
        }
        try visitor.beginData(entry)
        do {
            if type == Self.blockData {
                try readItem(decompressor, visitor, what: "data")
            } else {
                try readBlobs(decompressor, visitor)
            }
        } catch let e as DumpError {
            throw e.inEntry(entry.label)
        }
        try visitor.endData(entry)
    }

    /// One entry's data, on demand: the archive at `path` is opened with a descriptor of its own,
    /// positioned at the offset the TOC records, and the block is read and checked there. Parallel
    /// workers each call this without sharing a file offset.
    public static func readEntry(path: String, toc: ArchiveTOC, entry: TOCEntry, _ visitor: DumpVisitor) throws {
        guard case .offset(let pos) = entry.location else {
            throw DumpError(.internalError, file: path, entry: entry.label, "internal: no recorded data offset to read this entry on demand")
        }
        let file = try FileSource(path: path)
        if let size = file.size, pos >= size {
            throw DumpError(.truncated, file: path, offset: entry.fileOffset, entry: entry.label,
                            "data offset \(pos) lies past the end of the file (\(size) bytes): the archive is truncated")
        }
        try file.seek(to: pos)
        let reader = ByteReader(source: file, name: path, bufferSize: 256 * 1024, startOffset: pos)
        let r = CustomDataReader(reader: reader, toc: toc)
        let decompressor: Decompressor
        do { decompressor = try Decompressors.make(toc.header.compression) } catch let e as DecompressionError {
            throw reader.fail(.io, e.message)
        }
        try r.readBlock(entry, decompressor, visitor)
    }

    /// Staging for uncompressed items: pg_dump writes one chunk per COPY row, so small chunks
    /// are gathered and handed on in large pieces.
    private lazy var staging = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    private var staged = 0

    deinit { staging.deallocate() }

    private func flushStaging(_ visitor: DumpVisitor) throws {
        if staged > 0 {
            let n = staged
            staged = 0
            try visitor.data(UnsafeRawBufferPointer(rebasing: staging[0..<n]))
        }
    }

    /// A chunk list (Int length > 0, bytes; Int 0 ends it) holding one compressed item.
    private func readItem(_ decompressor: Decompressor, _ visitor: DumpVisitor, what: String) throws {
        let uncompressed = toc.header.compression == .none
        try decompressor.reset()
        let itemAt = reader.offset
        while true {
            let at = reader.offset
            let len = try primitives.readInt("\(what) chunk length")
            if len == 0 { break }
            guard len > 0 && len <= Int64(Int32.max) else {
                throw reader.fail(.malformed, at: at, "invalid \(what) chunk length \(len)")
            }
            if uncompressed {
                try reader.withBytes(count: Int(len), what: "\(what) chunk") { piece in
                    if piece.count > staging.count - staged { try flushStaging(visitor) }
                    if piece.count >= staging.count {
                        try visitor.data(piece)
                    } else {
                        (staging.baseAddress! + staged).copyMemory(from: piece.baseAddress!, byteCount: piece.count)
                        staged += piece.count
                    }
                }
                continue
            }
            try reader.withBytes(count: Int(len), what: "\(what) chunk") { piece in
                do {
                    try decompressor.feed(piece) { try visitor.data($0) }
                } catch let e as DecompressionError {
                    throw reader.fail(.malformed, at: at, e.message)
                }
            }
        }
        if uncompressed {
            try flushStaging(visitor)
            return
        }
        do { try decompressor.finish() } catch let e as DecompressionError {
            throw reader.fail(.truncated, at: itemAt, "\(toc.header.compression.rawValue) \(what): \(e.message)")
        }
    }

    private func readBlobs(_ decompressor: Decompressor, _ visitor: DumpVisitor) throws {
        while true {
            let at = reader.offset
            let raw = try primitives.readInt("large object OID")
            if raw == 0 { break }
            guard raw >= Int64(Int32.min) && raw <= Int64(UInt32.max) else {
                throw reader.fail(.malformed, at: at, "large object OID \(raw) out of range")
            }
            let oid = UInt32(truncatingIfNeeded: raw)
            try visitor.beginLargeObject(oid: oid)
            try readItem(decompressor, visitor, what: "large object \(oid)")
            try visitor.endLargeObject(oid: oid)
        }
    }
}
