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
