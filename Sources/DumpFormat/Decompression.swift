import CIsal
import CLZ4
import CZlib
import CZstd

/// Why a compressed stream could not be decoded; the caller adds the file and offset.
public struct DecompressionError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// A streaming decompressor: feed compressed bytes in any pieces, receive decompressed pieces.
/// `finish()` proves the stream reached its end mark (zlib Z_STREAM_END, the lz4 end mark, the
/// end of a zstd frame); a stream cut short fails there.
public protocol Decompressor: AnyObject {
    func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws
    func finish() throws
    /// Forget the current stream and start a new one (one decompressor serves many data items).
    func reset() throws
}

/// The ISA-L version this binary was built against (ISA-L has no runtime version call before 2.31).
let isalVersion = "\(ISAL_MAJOR_VERSION).\(ISAL_MINOR_VERSION).\(ISAL_PATCH_VERSION)"

public enum Decompressors {
    /// The versions of the compression libraries this process runs with.
    public static var libraryVersions: [(name: String, version: String)] {
        [("zlib", String(cString: zlibVersion())), ("ISA-L", isalVersion), ("liblz4", String(cString: LZ4_versionString())),
         ("libzstd", String(cString: ZSTD_versionString()))]
    }

    /// A decompressor for the algorithm. `gzipFile` selects whole-file framing (directory data
    /// files, compressed plain dumps): RFC 1952 for gzip, where the custom format's "gzip" items are
    /// zlib (RFC 1950) streams; and for lz4/zstd an empty file counts as empty content (pg_dump 17
    /// writes a 0-byte .zst/.lz4 file for an empty large object).
    public static func make(_ algorithm: CompressionAlgorithm, gzipFile: Bool = false) throws -> Decompressor {
        switch algorithm {
        case .none: return PassThrough()
        case .gzip: return DeflateDecompressor(gzipFile: gzipFile)
        case .lz4: return try LZ4Decompressor(emptyIsValid: gzipFile)
        case .zstd: return try ZstdDecompressor(emptyIsValid: gzipFile)
        }
    }

    /// Detect whole-stream compression from the first bytes: gzip `1f 8b`, lz4 frame `04 22 4d 18`,
    /// zstd frame `28 b5 2f fd`.
    public static func sniff(_ prefix: [UInt8]) -> CompressionAlgorithm {
        if prefix.starts(with: [0x1f, 0x8b]) { return .gzip }
        if prefix.starts(with: [0x04, 0x22, 0x4d, 0x18]) { return .lz4 }
        if prefix.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        return .none
    }
}

extension Decompressors {
    /// Open a file whose content may be a whole-file gzip, lz4 or zstd stream: the returned
    /// source yields the decompressed bytes, and `algorithm` says which compression was found.
    public static func openFile(path: String) throws -> (source: ByteSource, algorithm: CompressionAlgorithm) {
        let file = try FileSource(path: path)
        var head = [UInt8](repeating: 0, count: 4)
        var got = 0
        while got < 4 {
            let n = try head.withUnsafeMutableBytes { try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }
            if n == 0 { break }
            got += n
        }
        head.removeLast(4 - got)
        let replay = PrefixReplaySource(prefix: head, inner: file)
        let algorithm = sniff(head)
        if algorithm == .none { return (replay, .none) }
        return (try DecompressingSource(inner: replay, algorithm: algorithm, name: path), algorithm)
    }
}

let outputBufferSize = 32 * 1024

final class PassThrough: Decompressor {
    func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        if input.count > 0 { try sink(input) }
    }
    func finish() throws {}
    func reset() throws {}
}

/// Deflate streams (the custom format's zlib items, gzip files) through ISA-L's igzip, which
/// inflates about twice as fast as zlib: on a CPU-bound restore the client's decompression is a
/// tenth of the machine's work (zlib stays for compressing: ZlibItemCompressor).
/// The wrapper's checksum (adler32, crc32) is verified at the end of each stream.
final class DeflateDecompressor: Decompressor {
    private let state = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)
    private let out = UnsafeMutablePointer<UInt8>.allocate(capacity: outputBufferSize)
    private var ended = false
    private var sawInput = false
    private let gzipFile: Bool

    init(gzipFile: Bool) {
        self.gzipFile = gzipFile
        start()
    }

    deinit {
        state.deallocate()
        out.deallocate()
    }

    private func start() {
        isal_inflate_init(state)
        // ISAL_ZLIB: RFC 1950 as the custom format writes; ISAL_GZIP: a gzip file (RFC 1952).
        state.pointee.crc_flag = UInt32(gzipFile ? ISAL_GZIP : ISAL_ZLIB)
    }

    func reset() throws {
        start()
        ended = false
        sawInput = false
    }

    private var format: String { gzipFile ? "gzip" : "zlib" }

    func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        sawInput = true
        var consumed = 0
        while consumed < input.count {
            if ended {
                // A gzip file may hold several members (concatenated gzip); a zlib item may not.
                guard gzipFile else {
                    throw DecompressionError("\(input.count - consumed) bytes follow the end of the zlib stream")
                }
                start()
                ended = false
            }
            let chunk = min(input.count - consumed, Int(UInt32.max))
            state.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self) + consumed)
            state.pointee.avail_in = UInt32(chunk)
            repeat {
                state.pointee.next_out = out
                state.pointee.avail_out = UInt32(outputBufferSize)
                let rc = isal_inflate(state)
                let produced = outputBufferSize - Int(state.pointee.avail_out)
                if produced > 0 { try sink(UnsafeRawBufferPointer(start: out, count: produced)) }
                guard rc == ISAL_DECOMP_OK else { throw DecompressionError("invalid \(format) data: \(Self.describe(rc))") }
                if state.pointee.block_state == ISAL_BLOCK_FINISH { ended = true }
            } while !ended && (state.pointee.avail_in > 0 || state.pointee.avail_out == 0)
            consumed += chunk - Int(state.pointee.avail_in)
            if ended, state.pointee.read_in_length >= 8 {
                // igzip reads its input 8 bytes at a time: the bytes after the stream's end (byte
                // aligned, after the checksum) may already sit in its bit buffer, lowest first.
                let held = Int(state.pointee.read_in_length) / 8
                let bits = state.pointee.read_in
                let after = (0..<held).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) }
                guard gzipFile else {
                    throw DecompressionError("\(held + input.count - consumed) bytes follow the end of the zlib stream")
                }
                start()
                ended = false
                try after.withUnsafeBytes { try feed($0, sink) }
            }
        }
    }

    func finish() throws {
        if !ended {
            throw DecompressionError(sawInput ? "\(format) stream ends before its end mark (the deflate stream's final block and checksum were not reached)"
                                              : "compressed stream is empty (no \(format) header)")
        }
    }

    static func describe(_ rc: Int32) -> String {
        switch rc {
        case ISAL_INVALID_BLOCK: return "invalid deflate block"
        case ISAL_INVALID_SYMBOL: return "invalid deflate symbol"
        case ISAL_INVALID_LOOKBACK: return "invalid distance too far back"
        case ISAL_INVALID_WRAPPER: return "invalid header"
        case ISAL_UNSUPPORTED_METHOD: return "unknown compression method"
        case ISAL_INCORRECT_CHECKSUM: return "incorrect data check"
        case ISAL_NEED_DICT: return "needs a preset dictionary"
        default: return "error \(rc)"
        }
    }
}

final class LZ4Decompressor: Decompressor {
    private var ctx: OpaquePointer?
    private let out = UnsafeMutableRawBufferPointer.allocate(byteCount: outputBufferSize, alignment: 16)
    private var frameDone = false
    private var sawInput = false
    private let emptyIsValid: Bool

    init(emptyIsValid: Bool) throws {
        self.emptyIsValid = emptyIsValid
        var c: OpaquePointer?
        let rc = LZ4F_createDecompressionContext(&c, UInt32(LZ4F_VERSION))
        if LZ4F_isError(rc) != 0 || c == nil { out.deallocate(); throw DecompressionError("lz4 initialisation failed") }
        ctx = c
    }

    deinit {
        LZ4F_freeDecompressionContext(ctx)
        out.deallocate()
    }

    func reset() throws {
        LZ4F_resetDecompressionContext(ctx)
        frameDone = false
        sawInput = false
    }

    func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        sawInput = true
        var pos = 0
        while pos < input.count {
            var srcSize = input.count - pos
            var dstSize = out.count
            let hint = LZ4F_decompress(ctx, out.baseAddress, &dstSize, base + pos, &srcSize, nil)
            if LZ4F_isError(hint) != 0 {
                throw DecompressionError("invalid lz4 data: \(String(cString: LZ4F_getErrorName(hint)))")
            }
            pos += srcSize
            if dstSize > 0 { try sink(UnsafeRawBufferPointer(rebasing: out[0..<dstSize])) }
            frameDone = (hint == 0)
            if srcSize == 0 && dstSize == 0 { break }
        }
        // Drain output still held in the context.
        while true {
            var srcSize = 0
            var dstSize = out.count
            let hint = LZ4F_decompress(ctx, out.baseAddress, &dstSize, nil, &srcSize, nil)
            if LZ4F_isError(hint) != 0 {
                throw DecompressionError("invalid lz4 data: \(String(cString: LZ4F_getErrorName(hint)))")
            }
            if dstSize > 0 { try sink(UnsafeRawBufferPointer(rebasing: out[0..<dstSize])) }
            // With no input and no output the context only asks for the next frame's header:
            // that says nothing about the frame just decoded.
            if dstSize == 0 { break }
            frameDone = (hint == 0)
        }
    }

    func finish() throws {
        if !frameDone && (sawInput || !emptyIsValid) {
            throw DecompressionError(sawInput ? "lz4 frame ends before its end mark" : "compressed stream is empty (no lz4 frame)")
        }
    }
}

final class ZstdDecompressor: Decompressor {
    private let dstream: OpaquePointer
    private let out = UnsafeMutableRawBufferPointer.allocate(byteCount: outputBufferSize, alignment: 16)
    private var frameDone = false
    private var sawInput = false
    private let emptyIsValid: Bool

    init(emptyIsValid: Bool) throws {
        self.emptyIsValid = emptyIsValid
        guard let ds = ZSTD_createDStream() else { out.deallocate(); throw DecompressionError("zstd initialisation failed") }
        dstream = ds
        ZSTD_initDStream(ds)
        // Bound the window so a hostile frame cannot ask for gigabytes (pg_dump uses the default, ≤ 8 MB).
        ZSTD_DCtx_setParameter(ds, ZSTD_d_windowLogMax, 27)
    }

    deinit {
        ZSTD_freeDStream(dstream)
        out.deallocate()
    }

    func reset() throws {
        ZSTD_DCtx_reset(dstream, ZSTD_reset_session_only)
        frameDone = false
        sawInput = false
    }

    func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        sawInput = true
        var inBuf = ZSTD_inBuffer(src: base, size: input.count, pos: 0)
        while true {
            var outBuf = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
            let rc = ZSTD_decompressStream(dstream, &outBuf, &inBuf)
            if ZSTD_isError(rc) != 0 {
                throw DecompressionError("invalid zstd data: \(String(cString: ZSTD_getErrorName(rc)))")
            }
            if outBuf.pos > 0 { try sink(UnsafeRawBufferPointer(rebasing: out[0..<outBuf.pos])) }
            frameDone = (rc == 0)
            if inBuf.pos == inBuf.size && outBuf.pos < outBuf.size { break }
        }
    }

    func finish() throws {
        if !frameDone && (sawInput || !emptyIsValid) {
            throw DecompressionError(sawInput ? "zstd frame ends before its end" : "compressed stream is empty (no zstd frame)")
        }
    }
}

/// A byte source that decompresses another source on the fly (whole-file compressed plain dumps,
/// directory-format data files). `finish` is checked when the inner source ends.
public final class DecompressingSource: ByteSource {
    private let inner: ByteSource
    private let decompressor: Decompressor
    private let inBuf = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    private var pending: [UInt8] = []
    private var pendingPos = 0
    private var innerDone = false
    public private(set) var compressedBytesRead: Int64 = 0
    public let name: String

    public init(inner: ByteSource, algorithm: CompressionAlgorithm, name: String) throws {
        self.inner = inner
        self.name = name
        do {
            self.decompressor = try Decompressors.make(algorithm, gzipFile: true)
        } catch let e as DecompressionError {
            inBuf.deallocate()
            throw DumpError(.io, file: name, e.message)
        }
    }

    deinit { inBuf.deallocate() }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while pendingPos >= pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingPos = 0
            if innerDone { return 0 }
            let n = try inner.read(into: inBuf)
            if n == 0 {
                innerDone = true
                do { try decompressor.finish() } catch let e as DecompressionError {
                    throw DumpError(.truncated, file: name, offset: compressedBytesRead, e.message)
                }
                return 0
            }
            let at = compressedBytesRead
            compressedBytesRead += Int64(n)
            do {
                try decompressor.feed(UnsafeRawBufferPointer(rebasing: inBuf[0..<n])) { piece in
                    pending.append(contentsOf: piece)
                }
            } catch let e as DecompressionError {
                throw DumpError(.malformed, file: name, offset: at, e.message)
            }
        }
        let n = min(buffer.count, pending.count - pendingPos)
        pending.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + pendingPos, byteCount: n)
        }
        pendingPos += n
        return n
    }
}

/// zlib (RFC 1950) compression of one data item, as pg_dump's custom format writes a gzip item
/// (compress_io.c@15 WriteDataToArchiveZlib / EndCompressorZlib: deflateInit at the level, then
/// Z_NO_FLUSH for the data and Z_FINISH at the end). Used where an older pg_restore cannot decode
/// an item's lz4 or zstd (the version bridge). Output comes in pieces of at most 64 KiB, each a
/// chunk of the custom format (pg_restore reads chunks of any size).
public final class ZlibItemCompressor {
    private var stream = z_stream()
    private let out = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    public init(level: Int32 = Z_DEFAULT_COMPRESSION) throws {
        let rc = deflateInit_(&stream, level, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if rc != Z_OK { out.deallocate(); throw DecompressionError("zlib compressor initialisation failed (\(rc))") }
    }

    deinit {
        deflateEnd(&stream)
        out.deallocate()
    }

    /// Start a new item.
    public func reset() { deflateReset(&stream) }

    public func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        var consumed = 0
        while consumed < input.count {
            let chunk = min(input.count - consumed, Int(UInt32.max))
            stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self) + consumed)
            stream.avail_in = uInt(chunk)
            repeat {
                try step(Z_NO_FLUSH, sink)
            } while stream.avail_in > 0
            consumed += chunk
        }
    }

    /// End the item's stream (a complete zlib stream even for an empty item).
    public func finish(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        stream.next_in = nil
        stream.avail_in = 0
        while try step(Z_FINISH, sink) != Z_STREAM_END {}
    }

    @discardableResult
    private func step(_ flush: Int32, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int32 {
        stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(out.count)
        let rc = deflate(&stream, flush)
        guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
            throw DecompressionError("zlib compression failed (\(rc))")
        }
        let produced = out.count - Int(stream.avail_out)
        if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: out[0..<produced])) }
        return rc
    }
}
