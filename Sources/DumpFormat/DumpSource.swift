#if canImport(Glibc)
import Glibc
#endif

/// An opened dump of any format: the one entry point for every command.
///
/// `DUMP` is a file, a directory (directory format) or `-` (stdin). The format is detected from
/// the bytes: `PGDMP` → custom; a directory with toc.dat → directory; a ustar header with a valid
/// checksum → tar; a pg_dump script header, possibly inside gzip/lz4/zstd → plain.
public final class DumpSource {
    public let name: String
    public let format: DumpFormatKind
    /// Whole-file compression of a plain script (archives: see the header).
    public let fileCompression: CompressionAlgorithm
    /// True for regular files (custom offsets can be used; parallel restore possible).
    public let isSeekable: Bool
    private let reader: ByteReader?
    private var toc: ArchiveTOC?
    private var directory: DirectoryArchiveReader?
    private var tar: TarArchiveReader?
    /// Findings that do not stop reading (trailing bytes…), collected as the input is read.
    public internal(set) var warnings: [DumpError] = []

    public static func open(_ path: String) throws -> DumpSource {
        if path != "-" && DirectoryArchiveReader.isDirectory(path) {
            return DumpSource(name: path, format: .directory, compression: .none, seekable: true, reader: nil)
        }
        let file = path == "-" ? try FileSource(fd: 0, name: "stdin", owns: false) : try FileSource(path: path)
        return try open(source: file, name: file.name, seekable: file.isSeekable)
    }

    /// Open a stream of bytes (a file, a pipe, bytes in memory): the format is detected from its
    /// first bytes. `seekable` allows reading entries' data by offset later.
    public static func open(source: ByteSource, name: String, seekable: Bool = false) throws -> DumpSource {
        let reader = ByteReader(source: source, name: name)
        let head = try reader.peek(512)
        if head.isEmpty { throw DumpError(.truncated, file: name, offset: 0, "input is empty (expected a pg_dump archive or script)") }
        if head.starts(with: Array("PGDMP".utf8)) {
            return DumpSource(name: name, format: .custom, compression: .none, seekable: seekable, reader: reader)
        }
        if TarArchiveReader.looksLikeTarHeader(head) {
            return DumpSource(name: name, format: .tar, compression: .none, seekable: seekable, reader: reader)
        }
        let compression = Decompressors.sniff(head)
        if compression != .none {
            let inner = try DecompressingSource(inner: ReaderSource(reader), algorithm: compression, name: name)
            let plainReader = ByteReader(source: inner, name: name)
            let plainHead = try plainReader.peek(64)
            guard plainHead.starts(with: Array("--".utf8)) else {
                throw DumpError(.malformed, file: name, offset: 0,
                                "\(compression.rawValue)-compressed file does not hold a pg_dump script (expected '--' after decompression)")
            }
            return DumpSource(name: name, format: .plain, compression: compression, seekable: false, reader: plainReader)
        }
        if head.starts(with: Array("--".utf8)) {
            return DumpSource(name: name, format: .plain, compression: .none, seekable: seekable, reader: reader)
        }
        let shown = head.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")
        throw DumpError(.malformed, file: name, offset: 0,
                        "not a pg_dump archive or script (first bytes \(shown); expected 'PGDMP', a tar header, '--' or gzip/lz4/zstd)")
    }

    private init(name: String, format: DumpFormatKind, compression: CompressionAlgorithm, seekable: Bool, reader: ByteReader?) {
        self.name = name
        self.format = format
        self.fileCompression = compression
        self.isSeekable = seekable
        self.reader = reader
    }

    /// True when `path` is a regular file: a plain script there can be read twice (once for the
    /// role map, once to write or load); false for `-`, pipes and devices.
    public static func isRegularFile(_ path: String) -> Bool {
        guard path != "-" else { return false }
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// Bytes of the input read so far, and its size when known (a regular file read directly;
    /// nil for a directory archive), for progress.
    public var progress: (read: Int64, size: Int64?)? { reader.map { ($0.offset, $0.knownSize) } }

    /// Header and TOC of an archive (custom, directory, tar); nil for plain scripts, whose
    /// entries are only known by reading the whole script.
    public func readTOC() throws -> ArchiveTOC? {
        if let toc { return toc }
        switch format {
        case .custom:
            guard let reader else { return nil }
            toc = try ArchiveTOC.read(reader, expectedFormat: 1)
        case .directory:
            let d = DirectoryArchiveReader(path: name)
            toc = try d.readTOC()
            directory = d
        case .tar:
            guard let reader else { return nil }
            let t = TarArchiveReader(reader: reader)
            toc = try t.readTOC()
            tar = t
        case .plain:
            return nil
        }
        return toc
    }

    /// Stream the whole dump to the visitor: header, entries, and (when `data`) every data item.
    /// Without `data`, archives stop after the TOC; plain scripts are still read to the end.
    public func read(_ visitor: DumpVisitor, data: Bool = true) throws {
        if format == .plain {
            guard let reader else { return }
            let plain = PlainReader(reader: reader, name: name, compression: fileCompression)
            try plain.read(visitor)
            return
        }
        guard let toc = try readTOC() else { return }
        try visitor.header(toc.header, format: format)
        for e in toc.entries { try visitor.entry(e) }
        guard data else { return }
        switch format {
        case .custom:
            guard let reader else { return }
            let r = CustomDataReader(reader: reader, toc: toc)
            try r.read(visitor)
            warnings += r.warnings
        case .directory:
            guard let directory else { return }
            try directory.readData(toc, visitor)
            warnings += directory.warnings
        case .tar:
            guard let tar else { return }
            try tar.readData(toc, visitor)
            warnings += tar.warnings
        case .plain:
            break
        }
    }
}

/// An entry's data on demand (ARCHITECTURE.md, "The flow of a command"): each call reads through descriptors of its own, so
/// parallel workers never move a shared file offset. Made by `DumpSource.dataOnDemand()`.
public final class EntryDataReader: @unchecked Sendable {
    // Immutable after init; each read opens its own files.
    private let toc: ArchiveTOC
    private let format: DumpFormatKind
    private let path: String

    init(toc: ArchiveTOC, format: DumpFormatKind, path: String) {
        self.toc = toc; self.format = format; self.path = path
    }

    /// The stored size of each entry's data (compressed bytes: a custom block runs to the next
    /// block's offset; a directory entry is its file), by dumpId: what a parallel restore starts
    /// first (pg_restore's `dataLength`).
    public func dataSizes() -> [Int: Int64] {
        var out: [Int: Int64] = [:]
        switch format {
        case .custom:
            let located = toc.entries.compactMap { e -> (Int, Int64)? in
                if case .offset(let p) = e.location { return (e.dumpId, p) }
                return nil
            }.sorted { $0.1 < $1.1 }
            var st = stat()
            let end = stat(path, &st) == 0 ? Int64(st.st_size) : (located.last?.1 ?? 0)
            for (k, item) in located.enumerated() {
                out[item.0] = (k + 1 < located.count ? located[k + 1].1 : end) - item.1
            }
        case .directory:
            let dir = DirectoryArchiveReader(path: path)
            for e in toc.entries {
                guard case .file(let name) = e.location, !name.isEmpty, let (file, _) = dir.locate(name) else { continue }
                var st = stat()
                if stat(file, &st) == 0 { out[e.dumpId] = Int64(st.st_size) }
            }
        case .tar, .plain:
            break
        }
        return out
    }

    /// Stream `entry`'s data to the visitor: beginData, data (and large objects), endData.
    public func read(_ entry: TOCEntry, into visitor: DumpVisitor) throws {
        guard entry.hasData else { return }
        switch format {
        case .custom:
            try CustomDataReader.readEntry(path: path, toc: toc, entry: entry, visitor)
        case .directory:
            try DirectoryArchiveReader(path: path).readEntry(entry, toc: toc, visitor)
        case .tar, .plain:
            throw DumpError(.internalError, file: path, entry: entry.label, "internal: \(format.rawValue) input has no data on demand")
        }
    }
}

extension DumpSource {
    /// Data on demand, when the input allows it: a directory archive, or a custom archive in a
    /// regular file whose TOC records every data offset (not one written to a pipe). nil for
    /// pipes, tar and plain input, which are read in stream order.
    public func dataOnDemand() throws -> EntryDataReader? {
        guard let toc = try readTOC() else { return nil }
        switch format {
        case .directory:
            return EntryDataReader(toc: toc, format: .directory, path: name)
        case .custom:
            guard isSeekable, name != "stdin" else { return nil }
            for e in toc.entries where e.hasData {
                guard case .offset = e.location else { return nil }
            }
            return EntryDataReader(toc: toc, format: .custom, path: name)
        case .tar, .plain:
            return nil
        }
    }

    /// Custom input only: copy its data area verbatim into `writer`'s output (after `readTOC`).
    /// `rangeCopy` false: block by block through the reader even when the data area could be
    /// copied as one range (for tests comparing the two).
    public func copyCustomData(to writer: CustomArchiveWriter, output: Output,
                               layout: VersionBridge.DataLayout = .copy, rangeCopy: Bool = true) throws {
        guard format == .custom, let reader, let toc else {
            throw DumpError(.internalError, file: name, "internal: copyCustomData needs a custom archive whose TOC was read")
        }
        let copier = CustomDataCopier(reader: reader, toc: toc)
        try copier.copy(to: writer, output: output, layout: layout, rangeCopy: rangeCopy)
        warnings += copier.warnings
    }
}

/// Lets a decompressor pull from a ByteReader that has already peeked at the input.
final class ReaderSource: ByteSource {
    let reader: ByteReader
    init(_ reader: ByteReader) { self.reader = reader }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var n = 0
        _ = try reader.withAvailable { piece in
            n = min(piece.count, buffer.count)
            buffer.baseAddress!.copyMemory(from: piece.baseAddress!, byteCount: n)
            return n
        }
        return n
    }
}
