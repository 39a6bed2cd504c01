#if canImport(Glibc)
import Glibc
#endif

/// A buffered output: a temporary file beside the destination, renamed into place only by
/// `commit()` (so a failed run never leaves a partial file under the real name), or stdout.
public final class Output {
    public let path: String
    private let fd: Int32
    private let tempPath: String?
    private var buffer: [UInt8] = []
    private let bufferSize = 1 << 20
    /// Bytes written so far (the position of the next byte).
    public private(set) var position: Int64 = 0
    public let isSeekable: Bool
    private var closed = false
    /// fsync before the rename (pg_dump does by default; `--no-sync` turns it off).
    public var sync = true

    /// `path` "-" is stdout.
    public init(path: String, sync: Bool = true) throws {
        self.path = path
        self.sync = sync
        if path == "-" {
            fd = 1
            tempPath = nil
        } else if let f = Self.openInPlace(path) {
            // A FIFO, a device or a socket: written in place as pg_dump -f does; renaming a
            // temporary file over it would destroy it.
            if f < 0 { throw DumpError(.cannotCreate, file: path, "cannot open for writing: \(String(cString: strerror(errno)))") }
            fd = f
            tempPath = nil
        } else {
            let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
            let base = path.split(separator: "/").last.map(String.init) ?? "out"
            var template = Array("\(dir)/.\(base).pgreown-XXXXXX".utf8CString)
            let f = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if f < 0 { throw DumpError(.cannotCreate, file: path, "cannot create a temporary file in \(dir): \(String(cString: strerror(errno)))") }
            fd = f
            tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
        var st = stat()
        isSeekable = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && lseek(fd, 0, SEEK_CUR) >= 0
        buffer.reserveCapacity(bufferSize)
    }

    deinit { if !closed { abort() } }

    /// nil when `path` is a regular file or does not exist (written through a temporary file and
    /// a rename); otherwise the result of opening it for writing (negative on failure).
    private static func openInPlace(_ path: String) -> Int32? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG else { return nil }
        return open(path, O_WRONLY | O_CLOEXEC)
    }

    @inline(__always)
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > bufferSize { try flush() }
        if bytes.count >= bufferSize {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        position += Int64(bytes.count)
    }

    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
    public func write(_ s: String) throws { try write(Array(s.utf8)) }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ p: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < p.count {
            let n = Glibc.write(fd, p.baseAddress! + done, p.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw DumpError(.writeFailed, file: path, "write failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// Overwrite bytes at an absolute position already written (seekable outputs only).
    public func overwrite(at offset: Int64, _ bytes: [UInt8]) throws {
        try flush()
        guard isSeekable else { throw DumpError(.internalError, file: path, "internal: cannot seek back in a non-seekable output") }
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
        if n != bytes.count { throw DumpError(.writeFailed, file: path, "write failed: \(String(cString: strerror(errno)))") }
    }

    /// Flush, fsync and rename the temporary file into place.
    public func commit() throws {
        try flush()
        closed = true
        guard let tempPath else {
            if fd > 2 { close(fd) }
            return
        }
        if sync && fsync(fd) != 0 {
            let e = String(cString: strerror(errno)); close(fd); unlink(tempPath)
            throw DumpError(.writeFailed, file: path, "fsync failed: \(e)")
        }
        fchmod(fd, 0o644)
        close(fd)
        if rename(tempPath, path) != 0 {
            let e = String(cString: strerror(errno)); unlink(tempPath)
            throw DumpError(.writeFailed, file: path, "cannot rename the finished output into place: \(e)")
        }
    }

    /// Drop the temporary file (nothing appears under the destination name).
    public func abort() {
        closed = true
        if let tempPath { close(fd); unlink(tempPath) } else if fd > 2 { close(fd) }
    }
}
