import FuzzTargets

#if canImport(Glibc)
import Glibc
#endif

// Built two ways (scripts/fuzz):
// - with `-sanitize=fuzzer -DFUZZING`: libFuzzer's driver runs the target named by the
//   environment variable PGREOWN_FUZZ_TARGET. SwiftPM points `main` at this module's entry
//   point, so the entry point hands over to libFuzzer (LLVMFuzzerRunDriver) itself;
// - without: `pgreown-fuzz --list`, and `pgreown-fuzz TARGET FILE...` replays inputs (a crash
//   found by the fuzzer, reproduced without it).

/// One line to stderr, and exit 2.
func fail(_ message: String) -> Never {
    let line = Array("pgreown-fuzz: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

#if FUZZING
nonisolated(unsafe) private var selected: FuzzTargets.Target?

/// libFuzzer's driver (compiler-rt FuzzerInterface.h), for programs with a main of their own.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@main
struct Fuzz {
    static func main() {
        let name = getenv("PGREOWN_FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let target = FuzzTargets.target(named: name) else {
            fail("set PGREOWN_FUZZ_TARGET to one of: \(FuzzTargets.all.map(\.name).joined(separator: ", ")) (got '\(name)')")
        }
        selected = target
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            guard let target = selected else { return 0 }
            target.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
    }
}
#else
@main
struct Replay {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        if args.first == "--list" || args.isEmpty {
            for t in FuzzTargets.all { print("\(t.name)\t\(t.summary)") }
            return
        }
        guard let target = FuzzTargets.target(named: args[0]) else {
            fail("no target '\(args[0])' (see --list)")
        }
        for path in args.dropFirst() {
            guard let f = fopen(path, "rb") else { fail("cannot open \(path)") }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = fread(&chunk, 1, chunk.count, f)
                if n <= 0 { break }
                bytes += chunk[0..<n]
            }
            fclose(f)
            target.run(bytes)
            print("\(path): ok")
        }
    }
}
#endif
