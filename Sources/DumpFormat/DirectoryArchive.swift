#if canImport(Glibc)
import Glibc
#endif

/// Directory-format archives (pg_backup_directory.c): `toc.dat` (header format byte 3, file
/// names as TOC extras), `<dumpId>.dat[.gz|.lz4|.zst]` data files, `blobs[_<dumpId>].toc` lists
/// and `blob_<oid>.dat[.ext]` files.
public final class DirectoryArchiveReader {
    public let path: String
    public private(set) var warnings: [DumpError] = []
    private var bytesRead: Int64 = 0

    public init(path: String) { self.path = path }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Finds `base`, `base.gz`, `base.lz4` or `base.zst` in the directory (pg_restore's order).
    func locate(_ base: [UInt8]) -> (path: String, algorithm: CompressionAlgorithm)? {
        let name = String(decoding: base, as: UTF8.self)
        for (suffix, alg) in [("", CompressionAlgorithm.none), (".gz", .gzip), (".lz4", .lz4), (".zst", .zstd)] {
            let p = path + "/" + name + suffix
            if access(p, R_OK) == 0 { return (p, alg) }
        }
        return nil
    }

    public func readTOC() throws -> ArchiveTOC {
        guard let (tocPath, alg) = locate(Array("toc.dat".utf8)) else {
            throw DumpError(.malformed, file: path, "directory has no toc.dat: not a pg_dump directory archive")
        }
        let file = try FileSource(path: tocPath)
        let source: ByteSource = alg == .none ? file : try DecompressingSource(inner: file, algorithm: alg, name: tocPath)
        let reader = ByteReader(source: source, name: tocPath, bufferSize: 256 * 1024)
        let toc = try ArchiveTOC.read(reader, expectedFormat: 3)
        if !(try reader.isAtEnd()) {
            warnings.append(DumpError(.malformed, file: tocPath, offset: reader.offset, "trailing bytes after the TOC"))
        }
        bytesRead += reader.offset
        return toc
    }

    public func readData(_ toc: ArchiveTOC, _ visitor: DumpVisitor) throws {
        for entry in toc.entries where entry.hasData {
            try readEntry(entry, toc: toc, visitor)
        }
        try visitor.finish(totalBytes: bytesRead)
    }

    /// One entry's data file (or large-object list and files), opened for this call only: the
    /// same method serves the streaming read and on-demand reads by parallel workers.
    public func readEntry(_ entry: TOCEntry, toc: ArchiveTOC, _ visitor: DumpVisitor) throws {
        guard case .file(let name) = entry.location else { return }
        try visitor.beginData(entry)
        do {
            if entry.isBlobs {
                // pg_restore reads blobs.toc for every archive before 1.16 (older pg_dumps wrote wrong names).
                let listName = toc.header.version < .v1_16 ? Array("blobs.toc".utf8) : name
                try readBlobs(listName: listName, entry: entry, visitor)
            } else {
                guard let (file, alg) = locate(name) else {
                    throw DumpError(.truncated, file: path + "/" + shown(name),
                                    "data file named in toc.dat is missing (also tried .gz, .lz4, .zst)")
                }
                try stream(file, alg, visitor)
            }
        } catch let e as DumpError {
            throw e.inEntry(entry.label)
        }
        try visitor.endData(entry)
    }

    private func readBlobs(listName: [UInt8], entry: TOCEntry, _ visitor: DumpVisitor) throws {
        let listPath = path + "/" + text(listName)
        let list = try readSmallFile(listPath, limit: 64 << 20)
        var lineStart = 0
        var lineNo = 0
        while lineStart < list.count {
            lineNo += 1
            let lineEnd = list[lineStart...].firstIndex(of: 0x0a) ?? list.count
            let line = list[lineStart..<lineEnd]
            defer { lineStart = lineEnd + 1 }
            if line.isEmpty { continue }
            guard let space = line.firstIndex(of: 0x20),
                  let oid = parseDecimal(line[line.startIndex..<space]), oid > 0, oid <= Int(UInt32.max) else {
                throw DumpError(.malformed, file: listPath, offset: Int64(lineStart),
                                "line \(lineNo) is not '<oid> blob_<oid>.dat'")
            }
            let fname = Array(line[(space + 1)...])
            guard isSafeDataFileName(fname), fname.starts(with: Array("blob_".utf8)) else {
                throw DumpError(.malformed, file: listPath, offset: Int64(lineStart),
                                "line \(lineNo): '\(shown(fname))' is not a large-object file name")
            }
            guard let (file, alg) = locate(fname) else {
                throw DumpError(.truncated, file: path + "/" + shown(fname),
                                "large-object file listed in \(text(listName)) is missing")
            }
            try visitor.beginLargeObject(oid: UInt32(oid))
            try stream(file, alg, visitor)
            try visitor.endLargeObject(oid: UInt32(oid))
        }
        bytesRead += Int64(list.count)
    }

    private func readSmallFile(_ file: String, limit: Int) throws -> [UInt8] {
        let src = try FileSource(path: file)
        if let size = src.size, size > Int64(limit) {
            throw DumpError(.malformed, file: file, "file is \(size) bytes, more than the \(limit) a large-object list may hold")
        }
        let reader = ByteReader(source: src, name: file, bufferSize: 64 * 1024)
        return try reader.readUpTo(limit)
    }

    /// Decompress a whole data file to the visitor, proving it reaches its end mark.
    private func stream(_ file: String, _ alg: CompressionAlgorithm, _ visitor: DumpVisitor) throws {
        let src = try FileSource(path: file)
        let decompressor: Decompressor
        do { decompressor = try Decompressors.make(alg, gzipFile: true) } catch let e as DecompressionError {
            throw DumpError(.io, file: file, e.message)
        }
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buf.deallocate() }
        var offset: Int64 = 0
        while true {
            let n = try src.read(into: buf)
            if n == 0 { break }
            do {
                try decompressor.feed(UnsafeRawBufferPointer(rebasing: buf[0..<n])) { try visitor.data($0) }
            } catch let e as DecompressionError {
                throw DumpError(.malformed, file: file, offset: offset, e.message)
            }
            offset += Int64(n)
        }
        do { try decompressor.finish() } catch let e as DecompressionError {
            throw DumpError(.truncated, file: file, offset: offset, e.message)
        }
        bytesRead += offset
    }
}
