#if canImport(Glibc)
import Glibc
#endif

/// Where the SQL emitter's output goes: a script (`ScriptSink`, byte-identical to `pg_restore -f`)
/// or a live connection (Restore's `ConnectionSink`). This mirrors pg_restore's `ahwrite`, which
/// either prints to the script or, restoring to a database, executes each piece of SQL as it is
/// produced and sends COPY data with `PQputCopyData` (`pg_backup_db.c` ExecuteSqlCommandBuf).
///
/// The concatenation of everything a script sink is handed is the script. A connection sink
/// ignores `scriptText` (comments, blank lines, psql meta-commands: what pg_restore prints only
/// to a script, `noTocComments` when restoring to a database) and executes each `command`.
public protocol SQLSink: AnyObject {
    /// An entry starts (its context SETs, header comment, SQL and data follow), or, for `nil`,
    /// the prelude and the trailer. Lets a connection name the entry in errors and pick the role
    /// that runs it.
    func beginEntry(_ entry: TOCEntry?) throws
    /// Text only a script holds: comments, blank lines, `\restrict`.
    func scriptText(_ bytes: [UInt8]) throws
    /// One command as pg_restore hands it to the server (it may hold several statements).
    func command(_ bytes: [UInt8]) throws
    /// `COPY … FROM stdin;`: the data that follows goes to this table.
    func beginCopy(_ statement: [UInt8], entry: TOCEntry) throws
    /// COPY text, as the archive holds it (ending with the `\.` line).
    func copyData(_ bytes: UnsafeRawBufferPointer) throws
    func endCopy(_ entry: TOCEntry) throws
    /// Table data held as SQL (`pg_dump --inserts`: the entry has no COPY statement): the data
    /// that follows is INSERT statements, cut anywhere by chunk boundaries, which pg_restore
    /// prints as they are to a script and executes as commands against a database.
    func beginSQLData(_ entry: TOCEntry) throws
    func sqlData(_ bytes: UnsafeRawBufferPointer) throws
    func endSQLData(_ entry: TOCEntry) throws
    /// A BLOBS data item: pg_restore's StartRestoreLOs (`BEGIN`) … EndRestoreLOs (`COMMIT`).
    func beginLargeObjects() throws
    func beginLargeObject(oid: UInt32) throws
    func largeObjectData(_ bytes: UnsafeRawBufferPointer) throws
    func endLargeObject(oid: UInt32) throws
    func endLargeObjects() throws
}

/// The script sink: everything is written to an `Output`, large objects as pg_restore prints
/// them (`lo_open`, one `lowrite` per 16 KB buffer, `lo_close`).
public final class ScriptSink: SQLSink {
    public let output: Output
    /// Archives whose strings are not standard write `'\\x…'` in `lowrite` calls.
    public var standardConformingStrings = true
    private var loBuffer: UnsafeMutableRawBufferPointer
    private var loUsed = 0
    private var scratch: [UInt8] = []
    /// pg_restore's large-object write buffer (LOBBUFSIZE): lowrite calls carry at most this much.
    public static let largeObjectChunk = 16384

    public init(output: Output) {
        self.output = output
        loBuffer = .allocate(byteCount: Self.largeObjectChunk, alignment: 16)
        scratch.reserveCapacity(2 * Self.largeObjectChunk + 64)
    }

    deinit { loBuffer.deallocate() }

    public func beginEntry(_ entry: TOCEntry?) throws {}
    public func scriptText(_ bytes: [UInt8]) throws { try output.write(bytes) }
    public func command(_ bytes: [UInt8]) throws { try output.write(bytes) }
    public func beginCopy(_ statement: [UInt8], entry: TOCEntry) throws { try output.write(statement) }
    public func copyData(_ bytes: UnsafeRawBufferPointer) throws { try output.write(bytes) }
    public func endCopy(_ entry: TOCEntry) throws {}
    public func beginSQLData(_ entry: TOCEntry) throws {}
    public func sqlData(_ bytes: UnsafeRawBufferPointer) throws { try output.write(bytes) }
    public func endSQLData(_ entry: TOCEntry) throws {}
    public func beginLargeObjects() throws { try output.write("BEGIN;\n\n") }
    public func endLargeObjects() throws { try output.write("COMMIT;\n\n") }

    public func beginLargeObject(oid: UInt32) throws {
        loUsed = 0
        try output.write("SELECT pg_catalog.lo_open('\(oid)', 131072);\n")
    }

    public func endLargeObject(oid: UInt32) throws {
        if loUsed > 0 { try flushLargeObject() }
        try output.write("SELECT pg_catalog.lo_close(0);\n\n")
    }

    public func largeObjectData(_ bytes: UnsafeRawBufferPointer) throws {
        guard var src = bytes.baseAddress, let dst = loBuffer.baseAddress else { return }
        var left = bytes.count
        // ahwrite: flush only when the new bytes do not fit (a full buffer waits for more or the end).
        while loUsed + left > Self.largeObjectChunk {
            let room = Self.largeObjectChunk - loUsed
            (dst + loUsed).copyMemory(from: src, byteCount: room)
            loUsed += room
            src += room
            left -= room
            try flushLargeObject()
        }
        if left > 0 {
            (dst + loUsed).copyMemory(from: src, byteCount: left)
            loUsed += left
        }
    }

    /// dump_lo_buf: `SELECT pg_catalog.lowrite(0, '\x…');` (appendByteaLiteral: `'\\x…'` when
    /// strings are not standard).
    private func flushLargeObject() throws {
        scratch.removeAll(keepingCapacity: true)
        scratch += Array("SELECT pg_catalog.lowrite(0, '".utf8)
        if !standardConformingStrings { scratch.append(0x5c) }
        scratch += [0x5c, 0x78]
        let hex: StaticString = "0123456789abcdef"
        let used = loUsed
        let buf = UnsafeRawBufferPointer(loBuffer)
        hex.withUTF8Buffer { h in
            for k in 0..<used {
                let c = buf[k]
                scratch.append(h[Int(c >> 4)])
                scratch.append(h[Int(c & 15)])
            }
        }
        scratch += Array("');\n".utf8)
        try output.write(scratch)
        loUsed = 0
    }
}
