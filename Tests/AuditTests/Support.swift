import Foundation
import Restore
import Testing
@_exported import TestSupport

/// Tests against the throwaway PostgreSQL that scripts/with-pg starts (PGREOWN_TEST_PG=1).
let serverAvailable = ProcessInfo.processInfo.environment["PGREOWN_TEST_PG"] == "1"

enum Paths {
    /// The pgreown binary built beside this test bundle (as IntegrationTests finds it).
    static let binary: String = {
        if let p = ProcessInfo.processInfo.environment["PGREOWN_BIN"] { return p }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("pgreown").path
    }()
}

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

struct TimeoutError: Error { var command: String }

/// Run pgreown to completion with a timeout, stdin from /dev/null.
func pgreown(_ args: [String], timeout: Double = 120) throws -> RunResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: Paths.binary)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    nonisolated(unsafe) var outData = Data(), errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { usleep(10_000) }
    if p.isRunning { p.terminate(); p.waitUntilExit(); throw TimeoutError(command: args.joined(separator: " ")) }
    p.waitUntilExit()
    group.wait()
    return RunResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
}

func pgreown(_ args: String..., timeout: Double = 120) throws -> RunResult { try pgreown(args, timeout: timeout) }

/// The last non-empty stderr line: the one-sentence outcome.
func lastLine(_ s: String) -> String { s.split(separator: "\n").last.map(String.init) ?? "" }

/// A conninfo value, quoted as libpq reads it.
func conninfoValue(_ v: String) -> String {
    "'" + v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
}

/// One test's own database and roles on the shared test cluster. Role names are cluster-global,
/// so each gets this scratch's suffix; `drop()` removes the database, then the roles.
final class Scratch: @unchecked Sendable {
    let id = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    let admin: Connection
    let db: String
    private(set) var roles: [String] = []

    init(database: String = "audit") throws {
        admin = try Connection(conninfo: "dbname=postgres")
        try admin.query("SET client_min_messages = warning")
        db = "\(database)_\(id)"
        try admin.query("CREATE DATABASE \(try admin.quoteIdentifier(db))")
    }

    /// "base-<suffix>", remembered for dropping.
    func name(_ base: String) -> String { "\(base)-\(id)" }

    @discardableResult
    func createRole(_ base: String, _ options: String = "NOLOGIN") throws -> String {
        let n = name(base)
        roles.append(n)
        try admin.query("CREATE ROLE \(try admin.quoteIdentifier(n)) \(options)")
        return n
    }

    /// A role the test expects pgreown to create; dropped at the end all the same.
    func expectRole(_ base: String) -> String {
        let n = name(base)
        roles.append(n)
        return n
    }

    var target: String { "dbname=\(conninfoValue(db))" }

    /// `pinned`: as pgreown's own connections are (search_path pg_catalog, pg_temp); otherwise
    /// as an application's (the test's own SQL, unqualified).
    func connect(as user: String? = nil, pinned: Bool = false) throws -> Connection {
        try Connection(conninfo: target + (user.map { " user=\(conninfoValue($0))" } ?? ""), pinSearchPath: pinned)
    }

    func q(_ name: String) throws -> String { try admin.quoteIdentifier(name) }

    /// Run SQL in the scratch database (as the superuser, or as `user`).
    @discardableResult
    func sql(_ text: String, as user: String? = nil) throws -> [[String?]] {
        try connect(as: user).query(text)
    }

    /// Wait until no session of `role` is left (a closed connection's backend exits asynchronously).
    func waitForNoSessions(of role: String) throws {
        for _ in 0..<200 {
            let n = try admin.query("SELECT count(*) FROM pg_stat_activity WHERE usename = $1", [role]).first?[0] ?? "0"
            if n == "0" { return }
            usleep(25_000)
        }
    }

    func drop() {
        _ = try? admin.query("DROP DATABASE IF EXISTS \(try admin.quoteIdentifier(db)) WITH (FORCE)")
        for r in roles.reversed() { _ = try? admin.query("DROP ROLE IF EXISTS \(try admin.quoteIdentifier(r))") }
    }
}

/// The findings of a JSON report.
func findings(_ json: String) throws -> [[String: Any]] {
    let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    return try #require(obj["findings"] as? [[String: Any]])
}

func kind(_ f: [String: Any]) -> String { f["kind"] as? String ?? "" }
func objects(_ f: [String: Any]) -> [[String: Any]] { f["objects"] as? [[String: Any]] ?? [] }
