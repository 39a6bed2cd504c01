import Foundation
import Testing
@_exported import TestSupport

enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")
    /// The pgreown binary built beside this test bundle.
    static let binary: String = {
        if let p = ProcessInfo.processInfo.environment["PGREOWN_BIN"] { return p }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("pgreown").path
    }()
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
}

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Run a program to completion with a timeout; stdin from /dev/null unless a shell pipeline is used.
func run(_ executable: String, _ args: [String], env: [String: String] = [:], timeout: Double = 60) throws -> RunResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    var environment = ProcessInfo.processInfo.environment
    for (k, v) in env { environment[k] = v }
    p.environment = environment
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    // Drain both pipes while the process runs so it never blocks on a full pipe.
    nonisolated(unsafe) var outData = Data(), errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { usleep(10_000) }
    if p.isRunning { p.terminate(); p.waitUntilExit(); throw TimeoutError(command: ([executable] + args).joined(separator: " ")) }
    p.waitUntilExit()
    group.wait()
    return RunResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
}

struct TimeoutError: Error { var command: String }

func pgreown(_ args: String..., timeout: Double = 60) throws -> RunResult {
    try run(Paths.binary, args, timeout: timeout)
}

func shell(_ script: String, timeout: Double = 120) throws -> RunResult {
    try run("/bin/sh", ["-c", script], env: ["PGREOWN": Paths.binary], timeout: timeout)
}

/// Every archive fixture (those with a pg_restore -l listing).
var archiveFixtures: [String] {
    let fm = FileManager.default
    let versions = ((try? fm.contentsOfDirectory(atPath: Paths.fixtures.path)) ?? []).filter { $0.hasPrefix("pg") }
    return versions.flatMap { v in
        ((try? fm.contentsOfDirectory(atPath: Paths.fixtures.appendingPathComponent(v).path)) ?? [])
            .filter { $0.hasSuffix(".list") }.map { "\(v)/\($0.dropLast(5))" }
    }.sorted()
}

/// The last non-empty stderr line: the one-sentence outcome.
func lastLine(_ s: String) -> String { s.split(separator: "\n").last.map(String.init) ?? "" }

/// The fixture roles (scripts/fixtures-sql/roles.sql) on the with-pg test server, created once
/// per test process under a lock (suites run in parallel; two racing CREATE ROLEs collide), plus
/// `GRANT grantor_role TO restorer`: grants of a third-party grantor are replayed with SET ROLE.
enum FixtureRoles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var done = false

    static func ensureOnTestServer() throws {
        lock.lock()
        defer { lock.unlock() }
        if done { return }
        let sql = try String(contentsOf: Paths.root.appendingPathComponent("scripts/fixtures-sql/roles.sql"), encoding: .utf8)
        var stmts: [String] = []
        for line in sql.split(separator: "\n") where line.hasPrefix("CREATE ROLE ") {
            stmts.append("DO $$ BEGIN \(line) EXCEPTION WHEN duplicate_object THEN NULL; END $$;")
        }
        stmts += ["GRANT dest_owner TO restorer;", "GRANT grantor_role TO restorer;"]
        let r = try run("\(pgBin)/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", stmts.joined(separator: "\n")])
        guard r.status == 0 else { throw TimeoutError(command: "creating the fixture roles: \(r.stderr)") }
        done = true
    }
}
