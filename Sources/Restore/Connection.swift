import CLibPQ
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failure talking to the server, with the server's fields and, during a restore, the TOC entry
/// and statement that failed. `description` is one line and never contains a password.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var sqlState: String?
    public var detail: String?
    public var hint: String?
    /// "TOC entry 3391 (TABLE DATA public t)" when a restore was running an entry.
    public var entry: String?
    /// The statement (or its start) that failed.
    public var statement: String?
    /// True when the connection itself was lost (server unavailable, not an SQL error).
    public var connectionLost = false

    public init(_ message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil) {
        self.message = message; self.sqlState = sqlState; self.detail = detail; self.hint = hint
    }

    public var description: String {
        var s = ""
        if let entry { s += "\(entry): " }
        s += Self.oneLine(message)
        if let sqlState { s += " (SQLSTATE \(sqlState))" }
        if let detail, !detail.isEmpty { s += "; detail: \(Self.oneLine(detail))" }
        if let hint, !hint.isEmpty { s += "; hint: \(Self.oneLine(hint))" }
        if let statement { s += "; statement: \(Self.oneLine(statement))" }
        return s
    }

    /// libpq messages span lines ("…failed: …\n\tIs the server running…"): keep one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// One libpq connection. Not shared between threads (during a COPY its own sender thread may
/// send the data; see `CopySender`).
public final class Connection {
    private let conn: OpaquePointer
    /// The conninfo with its password masked, for logs and errors.
    public let displayName: String

    /// Receives the server's notices and warnings (one line each); default: dropped.
    private final class NoticeBox { var handler: (@Sendable (String) -> Void)? }
    private let notices = NoticeBox()

    /// Connect with a conninfo string or URI ("" uses the PG* environment, as libpq defines).
    /// `database`, when given, overrides the conninfo's database (and `application_name` is
    /// pgreown's unless the conninfo sets one).
    /// `defaults`: connection parameters the conninfo overrides (e.g. the nightly job's DB_HOST,
    /// DB_USER, DB_PASSWORD); they in turn override the PG* environment.
    /// `overrides`: parameters that override the conninfo (the load role's user and password).
    /// `pinSearchPath`: pgreown's own connections always (the default); false only for a test's
    /// look at a database as an application sees it.
    public init(conninfo: String, database: String? = nil, defaults: [(String, String)] = [],
                overrides: [(String, String)] = [], pinSearchPath: Bool = true) throws {
        var keys = defaults.map(\.0) + ["dbname", "fallback_application_name"]
        var values = defaults.map(\.1) + [conninfo, "pgreown"]
        if let database { keys.append("dbname"); values.append(database) }
        keys += overrides.map(\.0)
        values += overrides.map(\.1)
        let shown = maskConninfo(conninfo, database: database)
        displayName = shown
        let c: OpaquePointer? = withCStrings(keys) { k in withCStrings(values) { v in PQconnectdbParams(k, v, 1) } }
        guard let c else { throw ServerError("out of memory connecting to \(shown)") }
        if PQstatus(c) != CONNECTION_OK {
            let msg = String(cString: PQerrorMessage(c)).trimmingTrailingNewlines()
            PQfinish(c)
            var e = ServerError("cannot connect to \(shown.isEmpty ? "the default server" : shown): \(msg)")
            e.connectionLost = true
            throw e
        }
        conn = c
        // A database or role setting (a dump's `ALTER DATABASE … SET search_path = evil, …`)
        // must not choose the functions and operators of pgreown's own queries: pg_catalog first,
        // pg_temp last (SECURITY.md). Load sessions set the dump's own as pg_restore does.
        if pinSearchPath, let res = PQexec(c, Self.pinSearchPath) {
            let ok = PQresultStatus(res) == PGRES_TUPLES_OK
            PQclear(res)
            if !ok {
                let msg = String(cString: PQerrorMessage(c)).trimmingTrailingNewlines()
                PQfinish(c)
                throw ServerError("cannot set search_path on \(shown.isEmpty ? "the default server" : shown): \(msg)")
            }
        }
        copyQueueBytes = Self.widenSendBuffer(PQsocket(c))
        let box = Unmanaged.passUnretained(notices).toOpaque()
        PQsetNoticeReceiver(c, { arg, res in
            guard let arg, let res else { return }
            let box = Unmanaged<NoticeBox>.fromOpaque(arg).takeUnretainedValue()
            guard let handler = box.handler else { return }
            handler(ServerError.oneLine(String(cString: PQresultErrorMessage(res))))
        }, box)
    }

    /// What every connection runs first: its search_path pinned (pg_temp listed last, so a
    /// temporary object never shadows a built-in one).
    public static let pinSearchPath = "SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', false)"

    /// Run `body` with the search_path pinned again (a load session's has been set by the dump),
    /// then put the session's back.
    public func withPinnedSearchPath<T>(_ body: () throws -> T) throws -> T {
        let saved = try query("SELECT pg_catalog.current_setting('search_path')").first?.first ?? nil
        try query(Self.pinSearchPath)
        defer { _ = try? query("SELECT pg_catalog.set_config('search_path', $1, false)", [saved ?? ""]) }
        return try body()
    }

    /// Guards `closed` and the PGconn's lifetime against `cancel()` from another thread (a
    /// signal handler, a failing parallel worker): PQgetCancel must never meet PQfinish.
    private let lifetime = NSLock()
    private var closed = false

    deinit { close() }

    /// End the session now (the server process goes away; a database can then be dropped or
    /// renamed). The connection must not be used afterwards.
    public func close() {
        lifetime.lock()
        defer { lifetime.unlock() }
        guard !closed else { return }
        closed = true
        sender?.abandon()
        sender = nil
        PQfinish(conn)
    }

    /// Route the server's notices and warnings (e.g. to the log).
    public func onNotice(_ handler: @escaping @Sendable (String) -> Void) { notices.handler = handler }

    /// Ask the server to cancel what this connection is running (safe from another thread:
    /// PQcancel), e.g. a long COPY when another connection of a parallel restore failed.
    public func cancel() {
        lifetime.lock()
        defer { lifetime.unlock() }
        guard !closed, let c = PQgetCancel(conn) else { return }
        defer { PQfreeCancel(c) }
        var buf = [CChar](repeating: 0, count: 256)
        _ = PQcancel(c, &buf, Int32(buf.count))
    }

    /// The server process serving this connection.
    public var backendPID: Int32 { PQbackendPID(conn) }

    /// True while the connection is usable.
    public var isOK: Bool { PQstatus(conn) == CONNECTION_OK }

    // MARK: - Raw SQL, COPY and large objects (the restore's sink)

    /// Run SQL bytes (one or more statements, any encoding the session accepts); returns the
    /// last result's command tag row count (PQcmdTuples) when it has one. COPY must go through
    /// `beginCopy`.
    @discardableResult
    public func execute(_ sql: [UInt8]) throws -> Int64? {
        let res = exec(sql)
        guard let res else { throw lost("query failed") }
        defer { PQclear(res) }
        let status = PQresultStatus(res)
        if status == PGRES_COPY_IN {
            throw ServerError("a COPY FROM STDIN outside a table's data is not supported here")
        }
        try check(res)
        let n = String(cString: PQcmdTuples(res))
        return Int64(n)
    }

    /// The type OIDs of a query's result columns (PQftype: the server reports a domain by its
    /// base type).
    public func resultTypes(_ sql: [UInt8]) throws -> [UInt32] {
        guard let res = exec(sql) else { throw lost("query failed") }
        defer { PQclear(res) }
        try check(res)
        return (0..<PQnfields(res)).map { UInt32(PQftype(res, $0)) }
    }

    /// PQexec of SQL bytes (NUL-terminated copy; SQL holds no NUL byte).
    private func exec(_ sql: [UInt8]) -> OpaquePointer? {
        settle()
        var z = [CChar](repeating: 0, count: sql.count + 1)
        z.withUnsafeMutableBytes { dst in sql.withUnsafeBytes { dst.copyMemory(from: $0) } }
        return PQexec(conn, z)
    }

    /// Start `COPY … FROM stdin`.
    public func beginCopy(_ statement: [UInt8]) throws {
        let res = exec(statement)
        guard let res else { throw lost("COPY failed") }
        defer { PQclear(res) }
        if PQresultStatus(res) == PGRES_COPY_IN { return }
        try check(res)
        throw ServerError("the statement did not start COPY FROM STDIN")
    }

    /// Send COPY data: from this thread, or, where the socket could not be widened, through the
    /// connection's sender thread (see `CopySender`), which returns once the bytes are queued and
    /// blocks only while the queue is full.
    public func putCopyData(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        if sender == nil, copyQueueBytes > 0 { sender = CopySender(conn: conn, limit: copyQueueBytes) }
        guard let sender else {
            guard Connection.send(conn, bytes) else { throw lost("sending COPY data failed") }
            return
        }
        if !sender.put(bytes) {
            settle()
            throw lost("sending COPY data failed")
        }
    }

    /// The most COPY data one CopyData message carries. The server reads a message whole before
    /// it parses any of it, so a message larger than what the socket holds makes it wait for the
    /// client to send the rest; at 64 KiB (the server's own COPY buffer) it parses one message while
    /// the next is on its way.
    static let copyMessageBytes = 64 << 10

    /// What the socket's send buffer should hold: enough that the server never runs dry while the
    /// client prepares the next data (measured: 4 MiB, on the bench's `events` table).
    static let socketBufferBytes = 4 << 20

    /// The sender queue's size for a socket that could not be widened (see `CopySender`); 0 when
    /// COPY data is sent from the calling thread. Set at connect (tests may change it between
    /// COPYs).
    var copyQueueBytes = 0

    /// Widen a Unix-domain socket's send buffer to `socketBufferBytes` (the kernel caps the
    /// request at `net.core.wmem_max`, 208 KiB by default, 4 MiB on many tuned hosts). TCP is left
    /// alone: the kernel's autotuning sizes its buffer, and setting one would turn that off.
    /// Returns the sender queue's size: 0 when the socket now holds enough, else 1 MiB.
    private static func widenSendBuffer(_ fd: Int32) -> Int {
        guard fd >= 0 else { return 0 }
        var addr = sockaddr_storage()
        var addrLen = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &addrLen) }
        }
        guard named == 0, addr.ss_family == sa_family_t(AF_UNIX) else { return 0 }
        var want = Int32(socketBufferBytes)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, socklen_t(MemoryLayout<Int32>.size))
        var got: Int32 = 0
        var gotLen = socklen_t(MemoryLayout<Int32>.size)
        // Linux reports twice what it grants (the other half is its bookkeeping).
        guard getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &got, &gotLen) == 0, Int(got) >= socketBufferBytes else {
            return 1 << 20
        }
        return 0
    }

    /// PQputCopyData in messages of at most `copyMessageBytes`; false if libpq failed (its error
    /// message says why).
    fileprivate static func send(_ conn: OpaquePointer, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var off = 0
        while off < bytes.count {
            let n = min(bytes.count - off, copyMessageBytes)
            if PQputCopyData(conn, base.assumingMemoryBound(to: CChar.self) + off, Int32(n)) != 1 { return false }
            off += n
        }
        return true
    }

    /// The sender thread of the COPY in progress, if any; nothing else touches `conn` while it runs.
    private var sender: CopySender?

    /// Wait until the sender thread has handed every queued byte to libpq, and end it. Every call
    /// that starts talking to the server (exec, query, lo_open, endCopy) calls this first. A failed send shows in libpq's state (the
    /// connection's status and error message), where the caller's next step finds it.
    private func settle() {
        guard let s = sender else { return }
        sender = nil
        s.finish()
    }

    /// End the COPY; the rows the server loaded.
    @discardableResult
    public func endCopy() throws -> Int64 {
        settle()
        if PQputCopyEnd(conn, nil) != 1 { throw lost("ending COPY failed") }
        var firstError: ServerError?
        var rows: Int64 = 0
        var sawResult = false
        while let res = PQgetResult(conn) {
            sawResult = true
            defer { PQclear(res) }
            do {
                try check(res)
                rows = Int64(String(cString: PQcmdTuples(res))) ?? 0
            } catch let e as ServerError {
                if firstError == nil { firstError = e }
            }
        }
        if let firstError { throw firstError }
        if !sawResult || !isOK { throw lost("COPY ended without a result") }
        return rows
    }

    /// lo_open(oid, INV_WRITE) inside the current transaction.
    public func openLargeObjectForWriting(_ oid: UInt32) throws -> Int32 {
        settle()
        let fd = lo_open(conn, Oid(oid), 0x20000)
        if fd < 0 { throw lastError("could not open large object \(oid)") }
        return fd
    }

    public func writeLargeObject(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var off = 0
        while off < bytes.count {
            let n = min(bytes.count - off, 1 << 20)
            let w = lo_write(conn, fd, base.assumingMemoryBound(to: CChar.self) + off, n)
            if w != Int32(n) { throw lastError("could not write to large object") }
            off += n
        }
    }

    public func closeLargeObject(_ fd: Int32) throws {
        if lo_close(conn, fd) != 0 { throw lastError("could not close large object") }
    }

    private func check(_ res: OpaquePointer) throws {
        let status = PQresultStatus(res)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY else {
            throw error(from: res)
        }
    }

    private func field(_ res: OpaquePointer, _ code: Character) -> String? {
        guard let ascii = code.asciiValue, let p = PQresultErrorField(res, Int32(ascii)) else { return nil }
        return String(cString: p)
    }

    private func error(from res: OpaquePointer) -> ServerError {
        let primary = field(res, "M") ?? String(cString: PQresultErrorMessage(res)).trimmingTrailingNewlines()
        var e = ServerError(primary.isEmpty ? String(cString: PQerrorMessage(conn)).trimmingTrailingNewlines() : primary,
                            sqlState: field(res, "C"), detail: field(res, "D"), hint: field(res, "H"))
        e.connectionLost = !isOK
        return e
    }

    private func lastError(_ what: String) -> ServerError {
        var e = ServerError("\(what): \(String(cString: PQerrorMessage(conn)).trimmingTrailingNewlines())")
        e.connectionLost = !isOK
        return e
    }

    private func lost(_ what: String) -> ServerError {
        var e = lastError(what)
        e.connectionLost = !isOK || e.connectionLost
        return e
    }

    /// server_version_num, e.g. 150018.
    public var serverVersion: Int { Int(PQserverVersion(conn)) }

    /// Run SQL (one or more statements); return the rows of the last result as text (NULL → nil).
    @discardableResult
    public func query(_ sql: String) throws -> [[String?]] {
        settle()
        guard let res = PQexec(conn, sql) else { throw lost("query failed") }
        defer { PQclear(res) }
        return try rows(res)
    }

    /// Run one statement with text parameters ($1, $2 …), never interpolated into the SQL.
    @discardableResult
    public func query(_ sql: String, _ params: [String?]) throws -> [[String?]] {
        settle()
        var cStrings: [UnsafeMutablePointer<CChar>?] = params.map { $0.map { strdup($0) } ?? nil }
        defer { cStrings.forEach { free($0) } }
        let res: OpaquePointer? = cStrings.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buf.count) { p in
                PQexecParams(conn, sql, Int32(params.count), nil, p, nil, nil, 0)
            }
        }
        guard let res else { throw lost("query failed") }
        defer { PQclear(res) }
        return try rows(res)
    }

    private func rows(_ res: OpaquePointer) throws -> [[String?]] {
        try check(res)
        let n = Int(PQntuples(res)), m = Int(PQnfields(res))
        var out: [[String?]] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            var row: [String?] = []
            row.reserveCapacity(m)
            for j in 0..<m {
                if PQgetisnull(res, Int32(i), Int32(j)) == 1 { row.append(nil) } else {
                    row.append(String(cString: PQgetvalue(res, Int32(i), Int32(j))))
                }
            }
            out.append(row)
        }
        return out
    }

    /// Quote an identifier with the server's rules (PQescapeIdentifier).
    /// The password verifier the server stores for `password` (`PQencryptPasswordConn`, with the
    /// server's `password_encryption`): a role's password is set without its text ever reaching
    /// the server, or its logs.
    public func encryptPassword(_ password: String, user: String) throws -> String {
        guard let p = PQencryptPasswordConn(conn, password, user, nil) else { throw lastError("encrypting a password") }
        defer { PQfreemem(p) }
        return String(cString: p)
    }

    public func quoteIdentifier(_ name: String) throws -> String {
        guard let p = PQescapeIdentifier(conn, name, name.utf8.count) else {
            throw ServerError(String(cString: PQerrorMessage(conn)))
        }
        defer { PQfreemem(p) }
        return String(cString: p)
    }

    /// Quote a string literal with the server's rules (PQescapeLiteral).
    public func quoteLiteral(_ value: String) throws -> String {
        guard let p = PQescapeLiteral(conn, value, value.utf8.count) else {
            throw ServerError(String(cString: PQerrorMessage(conn)))
        }
        defer { PQfreemem(p) }
        return String(cString: p)
    }
}

/// The libpq this process runs with, as "15.18" (PQlibVersion).
public var libpqVersion: String {
    let v = Int(PQlibVersion())
    return v >= 100000 ? "\(v / 10000).\(v % 10000)" : "\(v / 10000).\(v / 100 % 100).\(v % 100)"
}

/// A conninfo string or URI with any password replaced by `****` (parsed by libpq itself), each
/// parameter once. `database`, when given, is the effective `dbname` (it replaces the conninfo's).
public func maskConninfo(_ conninfo: String, database: String? = nil) -> String {
    func shown(_ key: String, _ value: String) -> String {
        let quoted = value.isEmpty || value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" })
            ? "'" + value.replacingAll("\\", "\\\\").replacingAll("'", "\\'") + "'" : value
        return "\(key)=\(quoted)"
    }
    if conninfo.isEmpty { return database.map { shown("dbname", $0) } ?? "" }
    var err: UnsafeMutablePointer<CChar>?
    guard let opts = PQconninfoParse(conninfo, &err) else {
        if let err { PQfreemem(err) }
        return "<unparsable conninfo>"
    }
    defer { PQconninfoFree(opts) }
    var parts: [String] = []
    var sawDatabase = false
    var p = opts
    while let kw = p.pointee.keyword {
        let key = String(cString: kw)
        if key == "dbname", let database {
            parts.append(shown(key, database))
            sawDatabase = true
        } else if let v = p.pointee.val {
            parts.append(shown(key, key == "password" ? "****" : String(cString: v)))
        }
        p += 1
    }
    if let database, !sawDatabase { parts.append(shown("dbname", database)) }
    return parts.joined(separator: " ")
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    func replacingAll(_ a: Character, _ b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}

/// Run `body` with the strings as a NULL-terminated array of C strings.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let dup: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { dup.forEach { free($0) } }
    var ptrs: [UnsafePointer<CChar>?] = dup.map { $0.map { UnsafePointer($0) } }
    ptrs.append(nil)
    // Never empty (the terminating nil), so the base address exists.
    return ptrs.withUnsafeBufferPointer { body($0.baseAddress.unsafelyUnwrapped) }
}

/// COPY data leaves on a thread of its own, through a queue of at most `limit` bytes.
///
/// Used only where the kernel would not widen a Unix socket's send buffer (see
/// `Connection.widenSendBuffer`). Such a socket holds 208 KiB, so a thread that both prepares COPY
/// data (the decompressed stream's hand-over, binary conversion) and sends it in blocking mode
/// stops preparing whenever the socket is full, and the server then waits for the next data.
/// With the queue between them, preparation runs ahead while the sender waits on the socket.
/// Measured on the bench's 726 MB `events` table (`wal_level = replica`, 2 cores, the socket at
/// 208 KiB; restore plus CHECKPOINT, medians of 3): from the calling thread 4.71 s in 256 KiB
/// messages and 4.24 s in 32 KiB ones; with the sender and 64 KiB messages 3.85 s. With the
/// socket widened to 4 MiB instead: 3.55-3.68 s, where a sender adds nothing.
private final class CopySender: @unchecked Sendable {
    private let conn: OpaquePointer
    private let limit: Int
    private let cond = NSCondition()
    private var chunks: [[UInt8]] = []
    private var queued = 0
    private var closing = false
    private var failed = false
    private var done = false

    init(conn: OpaquePointer, limit: Int) {
        self.conn = conn
        self.limit = limit
        let thread = Thread { [self] in run() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queue a copy of `bytes`; false if a send failed (nothing more is sent).
    func put(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let chunk = [UInt8](bytes)
        cond.lock()
        defer { cond.unlock() }
        while !failed && queued > 0 && queued + chunk.count > limit { cond.wait() }
        if failed { return false }
        chunks.append(chunk)
        queued += chunk.count
        cond.broadcast()
        return true
    }

    /// Send what is queued, then end the thread.
    func finish() {
        cond.lock()
        closing = true
        cond.broadcast()
        while !done { cond.wait() }
        cond.unlock()
    }

    /// Drop what is queued and end the thread; a send blocked on a server that reads no more is
    /// woken by shutting the socket down (the connection is being closed anyway).
    func abandon() {
        cond.lock()
        closing = true
        chunks.removeAll()
        cond.broadcast()
        let patience = Date(timeIntervalSinceNow: 1)
        while !done && cond.wait(until: patience) {}
        if !done { _ = shutdown(PQsocket(conn), Int32(SHUT_RDWR)) }
        while !done { cond.wait() }
        cond.unlock()
    }

    private func run() {
        cond.lock()
        while true {
            while chunks.isEmpty && !closing && !failed { cond.wait() }
            if chunks.isEmpty || failed { break }
            let chunk = chunks.removeFirst()
            cond.unlock()
            let ok = chunk.withUnsafeBytes { Connection.send(conn, $0) }
            cond.lock()
            queued -= chunk.count
            if !ok { failed = true; chunks.removeAll() }
            cond.broadcast()
        }
        done = true
        cond.broadcast()
        cond.unlock()
    }
}
