import CLibPQ
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failure talking to the server; `description` never contains a password.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var sqlState: String?
    public init(_ message: String, sqlState: String? = nil) { self.message = message; self.sqlState = sqlState }
    public var description: String {
        // libpq messages span lines ("…failed: …\n\tIs the server running…"): keep one line.
        let oneLine = message.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        return sqlState.map { "\(oneLine) (SQLSTATE \($0))" } ?? oneLine
    }
}

/// One libpq connection. Not shared between threads.
public final class Connection {
    private let conn: OpaquePointer
    /// The conninfo with its password masked, for logs and errors.
    public let displayName: String

    /// Connect with a conninfo string or URI ("" uses the PG* environment, as libpq defines).
    public init(conninfo: String) throws {
        displayName = maskConninfo(conninfo)
        guard let c = PQconnectdb(conninfo) else { throw ServerError("out of memory connecting to \(displayName)") }
        if PQstatus(c) != CONNECTION_OK {
            let msg = String(cString: PQerrorMessage(c)).trimmingTrailingNewlines()
            PQfinish(c)
            throw ServerError("cannot connect to \(displayName.isEmpty ? "the default server" : displayName): \(msg)")
        }
        conn = c
    }

    deinit { PQfinish(conn) }

    /// server_version_num, e.g. 150018.
    public var serverVersion: Int { Int(PQserverVersion(conn)) }

    /// Run SQL (one or more statements); return the rows of the last result as text (NULL → nil).
    @discardableResult
    public func query(_ sql: String) throws -> [[String?]] {
        guard let res = PQexec(conn, sql) else { throw ServerError(String(cString: PQerrorMessage(conn))) }
        defer { PQclear(res) }
        return try rows(res)
    }

    /// Run one statement with text parameters ($1, $2 …), never interpolated into the SQL.
    @discardableResult
    public func query(_ sql: String, _ params: [String?]) throws -> [[String?]] {
        var cStrings: [UnsafeMutablePointer<CChar>?] = params.map { $0.map { strdup($0) } ?? nil }
        defer { cStrings.forEach { free($0) } }
        let res: OpaquePointer? = cStrings.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buf.count) { p in
                PQexecParams(conn, sql, Int32(params.count), nil, p, nil, nil, 0)
            }
        }
        guard let res else { throw ServerError(String(cString: PQerrorMessage(conn))) }
        defer { PQclear(res) }
        return try rows(res)
    }

    private func rows(_ res: OpaquePointer) throws -> [[String?]] {
        let status = PQresultStatus(res)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let msg = String(cString: PQresultErrorMessage(res)).trimmingTrailingNewlines()
            let state = PQresultErrorField(res, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw ServerError(msg, sqlState: state)
        }
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

/// A conninfo string or URI with any password replaced by `****` (parsed by libpq itself).
public func maskConninfo(_ conninfo: String) -> String {
    if conninfo.isEmpty { return "" }
    var err: UnsafeMutablePointer<CChar>?
    guard let opts = PQconninfoParse(conninfo, &err) else {
        if let err { PQfreemem(err) }
        return "<unparsable conninfo>"
    }
    defer { PQconninfoFree(opts) }
    var parts: [String] = []
    var p = opts
    while let kw = p.pointee.keyword {
        if let v = p.pointee.val {
            let key = String(cString: kw)
            let value = key == "password" ? "****" : String(cString: v)
            let quoted = value.isEmpty || value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" })
                ? "'" + value.replacingAll("\\", "\\\\").replacingAll("'", "\\'") + "'" : value
            parts.append("\(key)=\(quoted)")
        }
        p += 1
    }
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
