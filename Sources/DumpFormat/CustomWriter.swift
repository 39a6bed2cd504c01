import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Writing custom-format archives that stock pg_restore accepts (pg_backup_custom.c
/// `_CloseArchive`): the header bytes as read, the TOC re-serialised (pg_backup_archiver.c
/// WriteToc) at the input's archive version, the data blocks either copied byte for byte from a
/// custom input or built from the decoded data of a directory or tar input, and the data offsets
/// fixed.
public final class CustomArchiveWriter {
    let out: Output
    let header: ArchiveHeader
    /// Header bytes to write (the input's, patched for directory/tar input).
    let headerBytes: [UInt8]
    let intSize: Int
    let offSize: Int
    private var entries: [TOCEntry] = []
    private var tocStart: Int64 = 0
    /// Output position of each data entry's block, by dumpId.
    private var positions: [Int: Int64] = [:]

    /// `uncompressedData`: the data will be written raw (directory/tar input), so the header's
    /// compression is set to none and the format byte to custom.
    public init(output: Output, header: ArchiveHeader, uncompressedData: Bool) {
        self.out = output
        self.header = header
        self.intSize = header.intSize
        self.offSize = header.offSize
        var h = header.rawBytes.isEmpty ? Self.encodeHeader(header) : header.rawBytes
        if h.count > 11 {
            h[10] = 1 // archCustom
            if uncompressedData {
                if header.version >= .v1_15 {
                    h[11] = 0
                } else {
                    for i in 0..<(1 + header.intSize) where 11 + i < h.count { h[11 + i] = 0 }
                }
            }
        }
        headerBytes = h
    }

    /// WriteHead (pg_backup_archiver.c): the header from its fields, at `header.version` — for a
    /// header the version bridge changed (version, compression).
    static func encodeHeader(_ header: ArchiveHeader) -> [UInt8] {
        var b = Array("PGDMP".utf8) + [header.version.major, header.version.minor, header.version.rev]
        b += [UInt8(truncatingIfNeeded: header.intSize), UInt8(truncatingIfNeeded: header.offSize), 1]
        let w = HeaderInts(intSize: header.intSize)
        if header.version >= .v1_15 {
            let alg: [CompressionAlgorithm: UInt8] = [.none: 0, .gzip: 1, .lz4: 2, .zstd: 3]
            b.append(alg[header.compression] ?? 0)
        } else {
            w.int(Int64(header.compressionLevel ?? (header.compression == .none ? 0 : -1)), into: &b)
        }
        var created = header.createdAt
        while created.count < 7 { created.append(0) }
        for v in created.prefix(7) { w.int(Int64(v), into: &b) }
        for s in [header.databaseName, header.serverVersion, header.pgDumpVersion] {
            if let s { w.int(Int64(s.count), into: &b); b += s } else { w.int(-1, into: &b) }
        }
        return b
    }

    /// WriteInt for the header (before a writer exists).
    private struct HeaderInts {
        let intSize: Int
        func int(_ v: Int64, into buf: inout [UInt8]) {
            buf.append(v < 0 ? 1 : 0)
            var m = v.magnitude
            for _ in 0..<intSize { buf.append(UInt8(truncatingIfNeeded: m)); m >>= 8 }
        }
    }

    // MARK: primitives (WriteInt/WriteStr/WriteOffset)

    func int(_ v: Int64, into buf: inout [UInt8]) {
        buf.append(v < 0 ? 1 : 0)
        var m = v.magnitude
        for _ in 0..<intSize {
            buf.append(UInt8(truncatingIfNeeded: m))
            m >>= 8
        }
    }

    func string(_ s: [UInt8]?, into buf: inout [UInt8]) {
        guard let s else { int(-1, into: &buf); return }
        int(Int64(s.count), into: &buf)
        buf += s
    }

    func offset(_ loc: DataLocation, into buf: inout [UInt8]) {
        var flag: UInt8 = 3
        var pos: UInt64 = 0
        switch loc {
        case .none: flag = 3
        case .positionNotSet: flag = 1
        case .offset(let p): flag = 2; pos = UInt64(p)
        case .file(let n): flag = n.isEmpty ? 3 : 1
        }
        buf.append(flag)
        for _ in 0..<offSize {
            buf.append(UInt8(truncatingIfNeeded: pos))
            pos >>= 8
        }
    }

    /// The TOC bytes for `entries`, each data entry at `location(entry)`.
    func serializeTOC(_ entries: [TOCEntry], location: (TOCEntry) -> DataLocation) -> [UInt8] {
        var b: [UInt8] = []
        b.reserveCapacity(entries.count * 256)
        int(Int64(entries.count), into: &b)
        for e in entries {
            int(Int64(e.dumpId), into: &b)
            int(e.hadDumper ? 1 : 0, into: &b)
            string(e.tableoid, into: &b)
            string(e.oid, into: &b)
            string(e.tag, into: &b)
            string(Array(e.desc.utf8), into: &b)
            int(Int64(e.section.rawValue), into: &b)
            string(e.defn, into: &b)
            string(e.dropStmt, into: &b)
            string(e.copyStmt, into: &b)
            string(e.namespace, into: &b)
            string(e.tablespace, into: &b)
            if header.version >= .v1_14 { string(e.tableam, into: &b) }
            if header.version >= .v1_16 { int(Int64(e.relkind), into: &b) }
            string(e.owner, into: &b)
            string(e.withOids ?? Array("false".utf8), into: &b)
            for d in e.dependencies { string(Array(String(d).utf8), into: &b) }
            string(nil, into: &b)
            offset(location(e), into: &b)
        }
        return b
    }

    /// Write header and TOC. `knownOffsets` gives final data positions when they can be computed
    /// up front (custom input with every offset set); otherwise data entries are written as
    /// "position not set" and, on a seekable output, fixed by `finish()`.
    public func begin(_ entries: [TOCEntry], knownOffsets: [Int: Int64]? = nil) throws {
        self.entries = entries
        try out.write(headerBytes)
        tocStart = out.position
        let toc = serializeTOC(entries) { e in
            guard e.hasData else { return .none }
            if let p = knownOffsets?[e.dumpId] { return .offset(p) }
            return .positionNotSet
        }
        try out.write(toc)
    }

    /// The length the header and TOC will have (offsets are fixed-width, so it does not depend
    /// on the offsets' values).
    public func headerAndTOCLength(_ entries: [TOCEntry]) -> Int64 {
        Int64(headerBytes.count + serializeTOC(entries) { $0.hasData ? .positionNotSet : .none }.count)
    }

    /// Record that the next byte written starts the data block of `dumpId`.
    public func markBlock(_ dumpId: Int) { positions[dumpId] = out.position }

    /// Record that the data block of `dumpId` starts at output byte `position`.
    func markBlock(_ dumpId: Int, at position: Int64) { positions[dumpId] = position }

    /// After all data: rewrite the TOC with real offsets when the output is seekable.
    public func finish() throws {
        if out.isSeekable && !positions.isEmpty {
            let toc = serializeTOC(entries) { e in
                guard e.hasData else { return .none }
                if let p = self.positions[e.dumpId] { return .offset(p) }
                return .positionNotSet
            }
            try out.overwrite(at: tocStart, toc)
        }
        try out.flush()
    }

    // MARK: building blocks from decoded data (directory/tar input)

    private var chunk: [UInt8] = []

    public func beginDataBlock(_ e: TOCEntry) throws {
        markBlock(e.dumpId)
        var b: [UInt8] = [e.isBlobs ? 3 : 1]
        int(Int64(e.dumpId), into: &b)
        try out.write(b)
    }

    /// Raw data of the current item, written as chunks of at most 1 MB.
    public func data(_ bytes: UnsafeRawBufferPointer) throws {
        var i = 0
        while i < bytes.count {
            let n = min(bytes.count - i, 1 << 20)
            var h: [UInt8] = []
            int(Int64(n), into: &h)
            try out.write(h)
            try out.write(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + n)]))
            i += n
        }
    }

    public func beginLargeObject(_ oid: UInt32) throws {
        var b: [UInt8] = []
        int(Int64(Int32(bitPattern: oid)), into: &b)
        try out.write(b)
    }

    /// Ends a chunk list (a data item or one large object), and a BLK_BLOBS block (OID 0):
    /// both are an Int 0.
    public func endItem() throws {
        var b: [UInt8] = []
        int(0, into: &b)
        try out.write(b)
    }
}

/// Copies the data area of a custom archive verbatim, walking its block framing to learn each
/// block's place and to check it (same checks as the reader, without decompressing).
public final class CustomDataCopier {
    let reader: ByteReader
    let toc: ArchiveTOC
    let p: ArchivePrimitives
    public private(set) var warnings: [DumpError] = []

    public init(reader: ByteReader, toc: ArchiveTOC) {
        self.reader = reader
        self.toc = toc
        self.p = ArchivePrimitives(reader: reader, intSize: toc.header.intSize, offSize: toc.header.offSize)
    }

    /// Copy every data block. With a version-bridge `layout`, the chunk lists of items whose
    /// compression the target cannot read are recompressed (every other chunk is still copied
    /// byte for byte), and the blocks of `layout.mergedBlobs` become one BLK_BLOBS block.
    public func copy(to writer: CustomArchiveWriter, output: Output, layout: VersionBridge.DataLayout = .copy,
                     rangeCopy: Bool = true) throws {
        if rangeCopy, layout.isCopy, try copyRange(to: writer, output: output) { return }
        var recompress: (Decompressor, ZlibItemCompressor)?
        if let from = layout.recompressFrom {
            do { recompress = (try Decompressors.make(from), try ZlibItemCompressor()) } catch let e as DecompressionError {
                throw reader.fail(.io, e.message)
            }
        }
        var blobsOpen = false
        for entry in toc.entries where entry.hasData {
            let blockAt = reader.offset
            if try reader.isAtEnd() {
                throw DumpError(.truncated, file: reader.name, offset: blockAt, entry: entry.label,
                                "input ends before the data block of this entry")
            }
            let type = try reader.readByte()
            let id = try p.readInt("block dumpId")
            guard (type == 1 || type == 3), id == Int64(entry.dumpId), (type == 3) == entry.isBlobs else {
                throw DumpError(.malformed, file: reader.name, offset: blockAt, entry: entry.label,
                                "expected the data block of this entry (type \(entry.isBlobs ? 3 : 1), dumpId \(entry.dumpId)), found type \(type) dumpId \(id)")
            }
            if case .offset(let pos) = entry.location, pos != blockAt {
                throw DumpError(.malformed, file: reader.name, offset: blockAt, entry: entry.label,
                                "TOC records the data block at byte \(pos) but it starts at byte \(blockAt)")
            }
            let merged = type == 3 && layout.mergedBlobs.contains(entry.dumpId)
            if blobsOpen && !merged {
                try endBlobsBlock(output, writer)
                blobsOpen = false
            }
            // Re-emit what was parsed, then copy chunk lists raw.
            if merged {
                if !blobsOpen {
                    let into = layout.mergedBlobsId ?? entry.dumpId
                    writer.markBlock(into)
                    var head: [UInt8] = [3]
                    writer.int(Int64(into), into: &head)
                    try output.write(head)
                    blobsOpen = true
                }
            } else {
                writer.markBlock(entry.dumpId)
                var head: [UInt8] = [type]
                writer.int(id, into: &head)
                try output.write(head)
            }
            do {
                if type == 1 {
                    try copyItem(output, writer, recompress)
                } else {
                    while true {
                        let oid = try p.readInt("large object OID")
                        if oid == 0 { break }
                        var b: [UInt8] = []
                        writer.int(oid, into: &b)
                        try output.write(b)
                        try copyItem(output, writer, recompress)
                    }
                    if !merged { try endBlobsBlock(output, writer) }
                }
            } catch let e as DumpError {
                throw e.inEntry(entry.label)
            }
        }
        if blobsOpen { try endBlobsBlock(output, writer) }
        let end = reader.offset
        if !(try reader.isAtEnd()) {
            warnings.append(DumpError(.malformed, file: reader.name, offset: end, "trailing bytes after the last data block (not copied)"))
        }
    }

    /// The whole data area as one byte range, when the input is a regular file and every block
    /// is copied as it is. The block framing is walked by reading each header with pread (the
    /// same checks as below: block order, dumpIds, the TOC's offsets, chunk lengths within the
    /// file) while the bytes from the first block on move in the kernel (`Output.copy`,
    /// copy_file_range); into a pipe, the walk comes first. false, with the output as it was,
    /// when the input is not a regular file or anything in the framing is off (or not written
    /// as `writer.int` would write it): the block-by-block copy below then reports it as always.
    private func copyRange(to writer: CustomArchiveWriter, output: Output) throws -> Bool {
        guard let file = reader.source as? FileSource, file.isSeekable, let size = file.size, reader.recording == nil,
              writer.intSize == p.intSize else { return false }
        let fd = file.fd, intSize = p.intSize, start = reader.offset, entries = toc.entries
        let outStart = output.position
        let walk: DataArea
        if output.isSeekable {
            final class Box: @unchecked Sendable { var walk: DataArea? }
            let box = Box(), done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                box.walk = Self.walk(fd: fd, size: size, intSize: intSize, start: start, entries: entries)
                done.signal()
            }
            let copied = Result { try output.copy(from: fd, name: reader.name, offset: start, count: size - start) }
            done.wait()
            guard let w = box.walk else {
                try output.truncate(to: outStart)
                return false
            }
            try copied.get()
            if w.end < size { try output.truncate(to: outStart + (w.end - start)) }
            walk = w
        } else {
            guard let w = Self.walk(fd: fd, size: size, intSize: intSize, start: start, entries: entries) else { return false }
            try output.copy(from: fd, name: reader.name, offset: start, count: w.end - start)
            walk = w
        }
        for b in walk.blocks { writer.markBlock(b.dumpId, at: b.at - start + outStart) }
        try reader.seek(to: walk.end)
        if !(try reader.isAtEnd()) {
            warnings.append(DumpError(.malformed, file: reader.name, offset: walk.end, "trailing bytes after the last data block (not copied)"))
        }
        return true
    }

    /// Where each data block starts and where the last one ends.
    struct DataArea: Sendable {
        var blocks: [(dumpId: Int, at: Int64)]
        var end: Int64
    }

    /// The data blocks of `entries` from byte `start` of the regular file `fd` of `size` bytes,
    /// each header read with pread; nil at the first thing the block-by-block copy would reject
    /// or re-encode differently.
    static func walk(fd: Int32, size: Int64, intSize: Int, start: Int64, entries: [TOCEntry]) -> DataArea? {
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 + intSize)
        defer { buf.deallocate() }
        /// The Int at `pos` (advanced past it), nil when it cannot be read or is not canonical.
        func int(_ pos: inout Int64) -> Int64? {
            let want = 1 + intSize
            guard pos + Int64(want) <= size else { return nil }
            let n = pread(fd, buf, want, off_t(pos))
            guard n == want, buf[0] <= 1 else { return nil }
            var value: UInt64 = 0
            for i in 0..<intSize {
                let b = buf[1 + i]
                if i < 8 { value |= UInt64(b) << (8 * UInt64(i)) } else if b != 0 { return nil }
            }
            guard value <= UInt64(Int64.max), !(buf[0] == 1 && value == 0) else { return nil }
            pos += Int64(want)
            return buf[0] == 1 ? -Int64(value) : Int64(value)
        }
        func chunks(_ pos: inout Int64) -> Bool {
            while true {
                guard let len = int(&pos) else { return false }
                if len == 0 { return true }
                guard len > 0, len <= Int64(Int32.max), pos + len <= size else { return false }
                pos += len
            }
        }
        var pos = start
        var blocks: [(dumpId: Int, at: Int64)] = []
        for entry in entries where entry.hasData {
            let blockAt = pos
            guard pos < size else { return nil }
            guard pread(fd, buf, 1, off_t(pos)) == 1 else { return nil }
            let type = buf[0]
            pos += 1
            guard let id = int(&pos), type == 1 || type == 3, id == Int64(entry.dumpId), (type == 3) == entry.isBlobs else { return nil }
            if case .offset(let at) = entry.location, at != blockAt { return nil }
            blocks.append((entry.dumpId, blockAt))
            if type == 1 {
                guard chunks(&pos) else { return nil }
            } else {
                while true {
                    guard let oid = int(&pos) else { return nil }
                    if oid == 0 { break }
                    guard chunks(&pos) else { return nil }
                }
            }
        }
        return DataArea(blocks: blocks, end: pos)
    }

    /// The fake OID 0 that closes a BLK_BLOBS block.
    private func endBlobsBlock(_ output: Output, _ writer: CustomArchiveWriter) throws {
        var b: [UInt8] = []
        writer.int(0, into: &b)
        try output.write(b)
    }

    private func copyItem(_ output: Output, _ writer: CustomArchiveWriter, _ recompress: (Decompressor, ZlibItemCompressor)?) throws {
        guard let (decompressor, compressor) = recompress else { return try copyChunks(output, writer) }
        try decompressor.reset()
        compressor.reset()
        let itemAt = reader.offset
        let emit: (UnsafeRawBufferPointer) throws -> Void = { piece in
            var h: [UInt8] = []
            writer.int(Int64(piece.count), into: &h)
            try output.write(h)
            try output.write(piece)
        }
        while true {
            let at = reader.offset
            let len = try p.readInt("chunk length")
            if len == 0 { break }
            guard len > 0 && len <= Int64(Int32.max) else { throw reader.fail(.malformed, at: at, "invalid chunk length \(len)") }
            try reader.withBytes(count: Int(len), what: "data chunk") { piece in
                do {
                    try decompressor.feed(piece) { try compressor.feed($0, emit) }
                } catch let e as DecompressionError {
                    throw reader.fail(.malformed, at: at, e.message)
                }
            }
        }
        do {
            try decompressor.finish()
            try compressor.finish(emit)
        } catch let e as DecompressionError {
            throw reader.fail(.truncated, at: itemAt, e.message)
        }
        var end: [UInt8] = []
        writer.int(0, into: &end)   // the chunk list's end
        try output.write(end)
    }

    private func copyChunks(_ output: Output, _ writer: CustomArchiveWriter) throws {
        while true {
            let at = reader.offset
            let len = try p.readInt("chunk length")
            var b: [UInt8] = []
            writer.int(len, into: &b)
            try output.write(b)
            if len == 0 { return }
            guard len > 0 && len <= Int64(Int32.max) else { throw reader.fail(.malformed, at: at, "invalid chunk length \(len)") }
            try reader.withBytes(count: Int(len), what: "data chunk") { try output.write($0) }
        }
    }
}

extension CustomArchiveWriter {
    /// `rewrite` to a custom archive: `entries` (rewritten, converted) under `header`, with the
    /// data of `source` — a custom input's blocks copied as they are (`layout` says which are
    /// recompressed), a directory or tar input's data built into uncompressed blocks. When every
    /// data offset of a custom input is known and every block is copied as it is, the offsets are
    /// written up front (shifted by the growth of the header and TOC), so an output that cannot
    /// seek (a pipe) still gets them. `out` is committed by the caller.
    public static func write(from source: DumpSource, toc: ArchiveTOC, entries: [TOCEntry], header: ArchiveHeader,
                             layout: VersionBridge.DataLayout, to out: Output) throws {
        let writer = CustomArchiveWriter(output: out, header: header, uncompressedData: source.format != .custom)
        if source.format == .custom {
            var known: [Int: Int64]? = layout.isCopy ? [:] : nil
            let shift = writer.headerAndTOCLength(entries) - toc.endOffset
            for e in toc.entries where e.hasData && known != nil {
                if case .offset(let p) = e.location { known?[e.dumpId] = p + shift } else { known = nil; break }
            }
            try writer.begin(entries, knownOffsets: out.isSeekable ? nil : known)
            try source.copyCustomData(to: writer, output: out, layout: layout)
        } else {
            try writer.begin(entries)
            // The data is decoded here anyway: checked as it passes (a COPY's data must end at
            // its "\." line, INSERT data be INSERTs of literals) before it is written.
            let auditor = CompletenessAuditor(fileName: source.name, keepEntries: false)
            try source.read(TeeVisitor([auditor, BlockBuilder(writer, layout: layout)]), data: true)
        }
        try writer.finish()
    }
}

/// Turns the decoded data of a directory or tar archive into custom-format blocks. With a
/// version-bridge `layout`, the large objects of `layout.mergedBlobs` go into one BLK_BLOBS block.
public final class BlockBuilder: DumpVisitor {
    let writer: CustomArchiveWriter
    let layout: VersionBridge.DataLayout
    private var blobsOpen = false
    public init(_ writer: CustomArchiveWriter, layout: VersionBridge.DataLayout = .copy) {
        self.writer = writer
        self.layout = layout
    }
    public func beginData(_ entry: TOCEntry) throws {
        let merged = entry.isBlobs && layout.mergedBlobs.contains(entry.dumpId)
        if blobsOpen && !merged {
            try writer.endItem()
            blobsOpen = false
        }
        if merged {
            if blobsOpen { return }
            blobsOpen = true
            var e = entry
            e.dumpId = layout.mergedBlobsId ?? entry.dumpId
            try writer.beginDataBlock(e)
        } else {
            try writer.beginDataBlock(entry)
        }
    }
    public func data(_ bytes: UnsafeRawBufferPointer) throws { try writer.data(bytes) }
    public func beginLargeObject(oid: UInt32) throws { try writer.beginLargeObject(oid) }
    public func endLargeObject(oid: UInt32) throws { try writer.endItem() }
    public func endData(_ entry: TOCEntry) throws {
        if entry.isBlobs && layout.mergedBlobs.contains(entry.dumpId) { return }
        try writer.endItem()
    }
    public func finish(totalBytes: Int64) throws {
        if blobsOpen { try writer.endItem(); blobsOpen = false }
    }
}
