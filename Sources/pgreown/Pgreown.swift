import ArgumentParser
import DumpFormat
import Foundation
import Masking
import Logging
import Restore

#if canImport(Glibc)
import Glibc
#endif

/// pgreown's own version.
let pgreownVersion = "0.4.0"

/// "pgreown 0.4.0 (libpq 15.18, zlib 1.2.13, liblz4 1.9.4, libzstd 1.5.4)": what --version and -V print.
var versionLine: String {
    let libs = [("libpq", libpqVersion)] + Decompressors.libraryVersions.map { ($0.name, $0.version) }
    return "pgreown \(pgreownVersion) (" + libs.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")"
}

@main
struct Pgreown: ParsableCommand {
    /// `-V`, as PostgreSQL's own tools spell --version.
    static func main() {
        if CommandLine.arguments.dropFirst() == ["-V"] {
            print(versionLine)
            return
        }
        main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "pgreown",
        abstract: "Read, verify, re-own and restore pg_dump output.",
        discussion: """
        DUMP is a pg_dump file of any format (custom -Fc, tar -Ft, plain SQL, also gzip/lz4/zstd \
        compressed plain), a directory-format dump (-Fd), or '-' for standard input. The format is \
        detected from the bytes, never from the file name.

        Exit codes: 0 ok; 1 verification found problems; 64 usage; 65 malformed or incomplete \
        input; 66 input cannot be opened; 69 server unavailable or preflight refused; 70 internal error; \
        73 an output cannot be created; 74 writing an output failed.

        Environment: DB_OWNER is the default --owner; the PG* variables and conninfo strings work \
        as libpq defines them; PGREOWN_LOG_LEVEL=info (or debug) logs timings and throughput on stderr.
        """,
        version: versionLine,
        subcommands: [Inspect.self, Verify.self, Rewrite.self, RestoreCommand.self, AuditCommand.self, PlanCommand.self]
    )
}

/// sysexits-style exit codes (README.md, "Exit codes").
enum Exit {
    static let ok: Int32 = 0
    static let problems: Int32 = 1
    static let usage: Int32 = 64
    static let badInput: Int32 = 65
    static let noInput: Int32 = 66
    static let unavailable: Int32 = 69
    static let internalError: Int32 = 70
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74
}

struct DumpArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The dump: a file, a directory-format dump, or - for stdin.", valueName: "DUMP"))
    var dump: String

    @Flag(name: .long, help: "Print the report as JSON on stdout.")
    var json = false
}

/// Writes to stderr, unbuffered.
func printError(_ s: String) {
    var line = s
    if !line.hasSuffix("\n") { line += "\n" }
    writeAll(2, Array(line.utf8))
}

/// One message on one stderr line: names from a dump, the command line or a server error are
/// escaped (control bytes as \xNN), so no name can start a line of its own in a log.
func printMessage(_ s: String) {
    printError(oneLine(s, limit: 16_000))
}

/// Writes raw bytes to stdout.
func writeOut(_ bytes: [UInt8]) {
    writeAll(1, bytes)
}

func writeOut(_ s: String) { writeOut(Array(s.utf8)) }

/// write(2) until done (stdout may be a pipe that takes partial writes).
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { p in
        var done = 0
        while done < p.count {
            let n = write(fd, p.baseAddress! + done, p.count - done)
            if n < 0 { if errno == EINTR { continue }; return }
            done += n
        }
    }
}

/// Run a command body, mapping errors to the one-line stderr message and the exit code.
func runReporting(_ body: () throws -> Int32) throws {
    let code: Int32
    do {
        code = try body()
    } catch let e as DumpError {
        printMessage("pgreown: \(e.description)")
        switch e.kind {
        case .io: throw ExitCode(Exit.noInput)
        case .cannotCreate: throw ExitCode(Exit.cannotCreate)
        case .writeFailed: throw ExitCode(Exit.ioError)
        case .internalError: throw ExitCode(Exit.internalError)
        case .malformed, .truncated, .unsupported, .forbidden: throw ExitCode(Exit.badInput)
        }
    } catch let e as ServerError {
        printMessage("pgreown: \(e.description)")
        throw ExitCode(Exit.unavailable)
    } catch let e as PolicyError {
        printMessage("pgreown: policy: \(e.description)")
        throw ExitCode(e.kind == .usage ? Exit.usage : Exit.badInput)
    }
    if code != 0 { throw ExitCode(code) }
}

/// swift-log's stream handler, with every message kept on its line (see `printMessage`).
struct OneLineLogHandler: LogHandler {
    var inner: StreamLogHandler
    init(_ inner: StreamLogHandler) { self.inner = inner }
    var logLevel: Logger.Level { get { inner.logLevel } set { inner.logLevel = newValue } }
    var metadata: Logger.Metadata { get { inner.metadata } set { inner.metadata = newValue } }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }
    func log(event: LogEvent) {
        var event = event
        event.message = "\(oneLine(event.message.description, limit: 16_000))"
        inner.log(event: event)
    }
}

let logger: Logger = {
    LoggingSystem.bootstrap { label in
        var h = OneLineLogHandler(StreamLogHandler.standardError(label: label))
        h.logLevel = ProcessInfoShim.logLevel
        return h
    }
    return Logger(label: "pgreown")
}()

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// "123.4 MB in 1.234 s (100.0 MB/s)" for logs.
func throughput(_ bytes: Int64, since start: Double) -> String {
    let secs = max(monotonicSeconds() - start, 1e-9)
    let mb = Double(bytes) / 1_000_000
    return String(format: "%.1f MB in %.3f s (%.1f MB/s)", mb, secs, mb / secs)
}

enum ProcessInfoShim {
    static var logLevel: Logger.Level {
        if let v = getenv("PGREOWN_LOG_LEVEL"), let l = Logger.Level(rawValue: String(cString: v)) { return l }
        return .notice
    }
}
