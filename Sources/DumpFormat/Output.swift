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

    /// Use copy_file_range(2) in `copy(from:…)` (false: always read and write; for tests).
    public var kernelCopy = true
    /// Bytes `copy(from:…)` moved with copy_file_range, and with pread and write.
    public private(set) var copiedInKernel: Int64 = 0
    public private(set) var copiedThroughBuffer: Int64 = 0

    /// Append `count` bytes of the regular file `fd` from byte `offset` (`name` for errors): in
    /// the kernel with copy_file_range when both ends allow it (regular files; the page cache or
    /// a reflink, no copy through this process), else, or when it fails with EXDEV, ENOSYS,
    /// EINVAL, EOPNOTSUPP or EBADF (a pipe, another file system on old kernels, an O_APPEND
    /// stdout), by pread and write.
    public func copy(from fd: Int32, name: String, offset: Int64, count: Int64) throws {
        try flush()
        var from = off_t(offset)
        var left = count
        if kernelCopy && isSeekable {
            while left > 0 {
                guard let copyFileRange = Self.copyFileRange else { break }
                let n = copyFileRange(fd, &from, self.fd, nil, Int(min(left, 1 << 30)), 0)
                if n > 0 { left -= Int64(n); position += Int64(n); copiedInKernel += Int64(n); continue }
                if n == 0 {
                    throw DumpError(.truncated, file: name, offset: Int64(from), "input ends \(left) bytes before the end of the data it was checked to hold")
                }
                if errno == EINTR { continue }
                if [EXDEV, ENOSYS, EINVAL, EOPNOTSUPP, EBADF].contains(errno) { break }
                throw DumpError(.writeFailed, file: path, "copy_file_range from \(name) failed: \(String(cString: strerror(errno)))")
            }
        }
        guard left > 0 else { return }
        let size = Int(min(left, Int64(bufferSize)))
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { chunk.deallocate() }
        while left > 0 {
            let n = pread(fd, chunk.baseAddress, Int(min(left, Int64(size))), from)
            if n < 0 {
                if errno == EINTR { continue }
                throw DumpError(.io, file: name, offset: Int64(from), "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                throw DumpError(.truncated, file: name, offset: Int64(from), "input ends \(left) bytes before the end of the data it was checked to hold")
            }
            try writeAll(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
            from += off_t(n)
            left -= Int64(n)
            position += Int64(n)
            copiedThroughBuffer += Int64(n)
        }
    }

    typealias CopyFileRange = @convention(c) (Int32, UnsafeMutablePointer<off_t>?, Int32, UnsafeMutablePointer<off_t>?, Int, UInt32) -> Int
    /// glibc's copy_file_range (2.27+; the Glibc module does not export it), nil without one.
    static let copyFileRange: CopyFileRange? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "copy_file_range") else { return nil }
        return unsafeBitCast(sym, to: CopyFileRange.self)
    }()

    /// Drop everything from byte `offset` on (seekable outputs only): the next byte goes there.
    public func truncate(to offset: Int64) throws {
        try flush()
        guard isSeekable else { throw DumpError(.internalError, file: path, "internal: cannot truncate a non-seekable output") }
        if ftruncate(fd, off_t(offset)) != 0 || lseek(fd, off_t(offset), SEEK_SET) < 0 {
            throw DumpError(.writeFailed, file: path, "cannot truncate: \(String(cString: strerror(errno)))")
        }
        position = offset
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
