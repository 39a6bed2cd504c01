#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something bytes can be pulled from: a file descriptor, or a decompressor over another source.
public protocol ByteSource: AnyObject {
    /// Fill up to `buffer.count` bytes; return 0 only at end of input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// A file descriptor (regular file, pipe or stdin), read in large blocks.
public final class FileSource: ByteSource {
    public let fd: Int32
    public let name: String
    private let ownsDescriptor: Bool
    /// Size for regular files, nil for pipes and character devices.
    public let size: Int64?
    public let isSeekable: Bool

    public convenience init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw DumpError(.io, file: path, "cannot open: \(String(cString: strerror(errno)))") }
        try self.init(fd: fd, name: path, owns: true)
    }

    public init(fd: Int32, name: String, owns: Bool) throws {
        self.fd = fd
        self.name = name
        self.ownsDescriptor = owns
        var st = stat()
        if fstat(fd, &st) != 0 { throw DumpError(.io, file: name, "cannot stat: \(String(cString: strerror(errno)))") }
        let isRegular = (st.st_mode & S_IFMT) == S_IFREG
        if (st.st_mode & S_IFMT) == S_IFDIR { throw DumpError(.io, file: name, "is a directory without toc.dat") }
        self.size = isRegular ? Int64(st.st_size) : nil
        self.isSeekable = isRegular && lseek(fd, 0, SEEK_CUR) >= 0
    }

    deinit { if ownsDescriptor { close(fd) } }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw DumpError(.io, file: name, "read failed: \(String(cString: strerror(errno)))")
        }
    }

    public func seek(to offset: Int64) throws {
        if lseek(fd, off_t(offset), SEEK_SET) < 0 {
            throw DumpError(.io, file: name, offset: offset, "seek failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// Bytes already in memory, read like a pipe (no size known in advance): for tests and fuzzing.
public final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - position)
        guard n > 0, let base = buffer.baseAddress else { return 0 }
        bytes.withUnsafeBytes { src in
            if let from = src.baseAddress { base.copyMemory(from: from + position, byteCount: n) }
        }
        position += n
        return n
    }
}

/// Buffered, bounds-checked reading of a byte source, tracking the absolute offset.
///
/// Every length read from the input goes through `readBytes(count:)`/`skip(count:)`, which never
/// allocate more than the input really holds: a 2 GB length in a 10 KB file fails at end of input
/// after at most one buffer of allocation.
public final class ByteReader {
    public let source: ByteSource
    public let name: String
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0   // next unread byte in buffer
    private var end = 0     // end of valid bytes in buffer
    /// Absolute offset of buffer[0] in the input.
    private var bufferBase: Int64 = 0
    public private(set) var atEOF = false
    /// When non-nil, every byte consumed through readByte/readBytes is appended (header capture).
    public var recording: [UInt8]?
    /// Total size when known (regular files): lets length checks fail before reading.
    public let knownSize: Int64?

    public init(source: ByteSource, name: String, bufferSize: Int = 1 << 20, startOffset: Int64 = 0) {
        self.source = source
        self.name = name
        self.buffer = .allocate(byteCount: max(bufferSize, 4096), alignment: 16)
        self.bufferBase = startOffset
        self.knownSize = (source as? FileSource)?.size
    }

    deinit { buffer.deallocate() }

    /// Absolute offset of the next byte to be read.
    public var offset: Int64 { bufferBase + Int64(start) }

    public func fail(_ kind: DumpError.Kind, at offset: Int64? = nil, _ message: String) -> DumpError {
        DumpError(kind, file: name, offset: offset ?? self.offset, message)
    }

    /// Ensure at least one unread byte is buffered; false at end of input.
    @discardableResult
    private func fill() throws -> Bool {
        if start < end { return true }
        if atEOF { return false }
        bufferBase += Int64(end)
        start = 0
        end = 0
        let n = try source.read(into: buffer)
        if n == 0 { atEOF = true; return false }
        end = n
        return true
    }

    /// Hand exactly `count` bytes to `body` when they are already buffered (the hot path for
    /// small fields); nil, consuming nothing, when they are not or when `body` returns nil.
    @inline(__always)
    public func withBuffered<T>(_ count: Int, _ body: (UnsafeRawBufferPointer) -> T?) -> T? {
        guard end - start >= count, recording == nil else { return nil }
        guard let r = body(UnsafeRawBufferPointer(rebasing: buffer[start..<(start + count)])) else { return nil }
        start += count
        return r
    }

    /// True when no byte is left.
    public func isAtEnd() throws -> Bool { try !fill() }

    public func readByte() throws -> UInt8 {
        guard try fill() else { throw fail(.truncated, "unexpected end of input (expected 1 more byte)") }
        let b = buffer[start]
        start += 1
        recording?.append(b)
        return b
    }

    /// Peek at up to `count` bytes without consuming them (may return fewer at end of input).
    public func peek(_ count: Int) throws -> [UInt8] {
        if end - start < count && !atEOF {
            // compact and top up
            if start > 0 {
                let live = end - start
                if live > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: live) }
                bufferBase += Int64(start)
                start = 0
                end = live
            }
            while end - start < count && end < buffer.count {
                let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
                if n == 0 { atEOF = true; break }
                end += n
            }
        }
        let n = min(count, end - start)
        return Array(UnsafeRawBufferPointer(rebasing: buffer[start..<(start + n)]))
    }

    private func checkAvailable(_ count: Int, what: @autoclosure () -> String) throws {
        if count < 0 { throw fail("negative length \(count) for \(what())") }
        if let size = knownSize, offset + Int64(count) > size {
            throw fail(.truncated, "\(what()) of \(count) bytes runs past the end of the file (\(size - offset) bytes left)")
        }
    }

    /// Read exactly `count` bytes. Allocation grows only with bytes actually read.
    public func readBytes(count: Int, what: @autoclosure () -> String = "data") throws -> [UInt8] {
        try checkAvailable(count, what: what())
        var out: [UInt8] = []
        out.reserveCapacity(min(count, 1 << 20))
        var remaining = count
        let startOffset = offset
        while remaining > 0 {
            guard try fill() else {
                throw fail(.truncated, at: startOffset, "\(what()) of \(count) bytes is cut short: input ends after \(count - remaining)")
            }
            let n = min(remaining, end - start)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + n)]))
            start += n
            remaining -= n
        }
        recording?.append(contentsOf: out)
        return out
    }

    /// Hand `count` bytes to `body` in buffer-sized pieces without copying.
    public func withBytes(count: Int, what: @autoclosure () -> String = "data",
                          _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try checkAvailable(count, what: what())
        var remaining = count
        let startOffset = offset
        while remaining > 0 {
            guard try fill() else {
                throw fail(.truncated, at: startOffset, "\(what()) of \(count) bytes is cut short: input ends after \(count - remaining)")
            }
            let n = min(remaining, end - start)
            let piece = UnsafeRawBufferPointer(rebasing: buffer[start..<(start + n)])
            start += n
            remaining -= n
            try body(piece)
        }
    }

    /// Hand whatever is buffered (refilling once) to `body`; returns false at end of input.
    /// `body` returns how many bytes it consumed.
    public func withAvailable(_ body: (UnsafeRawBufferPointer) throws -> Int) throws -> Bool {
        guard try fill() else { return false }
        let piece = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
        let used = try body(piece)
        precondition(used >= 0 && used <= piece.count)
        start += used
        return true
    }

    public func skip(count: Int, what: @autoclosure () -> String = "data") throws {
        try checkAvailable(count, what: what())
        if let file = source as? FileSource, file.isSeekable, count > end - start {
            let target = offset + Int64(count)
            try file.seek(to: target)
            bufferBase = target
            start = 0
            end = 0
            return
        }
        try withBytes(count: count, what: what()) { _ in }
    }

    /// Move to an absolute offset (seekable file sources only).
    public func seek(to target: Int64) throws {
        if target >= bufferBase && target <= bufferBase + Int64(end) {
            start = Int(target - bufferBase)
            return
        }
        guard let file = source as? FileSource, file.isSeekable else {
            throw fail(.io, "cannot seek to \(target) in a non-seekable input")
        }
        if let size = knownSize, target > size {
            throw fail(.truncated, "offset \(target) lies past the end of the file (\(size) bytes)")
        }
        try file.seek(to: target)
        bufferBase = target
        start = 0
        end = 0
        atEOF = false
    }

    /// Read up to `count` bytes (fewer only at end of input).
    public func readUpTo(_ count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        while out.count < count, try fill() {
            let n = min(count - out.count, end - start)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + n)]))
            start += n
        }
        return out
    }
}

extension ByteReader {
    public func fail(_ message: String) -> DumpError { fail(.malformed, message) }
}
