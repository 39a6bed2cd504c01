import DumpFormat
import Foundation
import Testing

/// Truncated and corrupted archives must end in a DumpError naming the place — never a crash,
/// a hang or an allocation the input does not justify.
@Suite struct BadInputTests {
    /// One representative of each archive shape, from several writers.
    static let truncationSubjects: [String] = [
        "pg15/app.custom.dump", "pg17/app.custom-pipe.dump", "pg11/app.custom-pipe.dump", "pg17/app.custom-lz4.dump",
        "pg17/app.custom-zstd.dump", "pg16/app.custom-z0.dump", "pg15/app.tar", "pg18/app.tar",
    ].map { Fixtures.dir.appendingPathComponent($0).path }

    /// Read `bytes` as a dump file; return the error it must raise.
    func expectFailure(_ bytes: ArraySlice<UInt8>, in tmp: TempDir, _ what: String) throws -> DumpError? {
        let path = tmp.file("bad")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let start = now()
        var caught: DumpError?
        do {
            _ = try audit(path)
        } catch let e as DumpError {
            caught = e
        }
        let elapsed = now() - start
        #expect(elapsed < 1.0, "\(what) took \(elapsed) s")
        #expect(caught != nil, "\(what) was accepted")
        if let caught {
            #expect(!caught.description.contains("\n"), "\(what): multi-line message")
            #expect(caught.offset != nil || caught.entry != nil, "\(what): message names no place: \(caught)")
        }
        return caught
    }

    @Test(arguments: truncationSubjects)
    func truncatedEverywhereFails(_ path: String) throws {
        let bytes = try readBytes(path)
        let tmp = try TempDir()
        var cuts = 0
        var cut = 0
        while cut < bytes.count {
            let e = try expectFailure(bytes[0..<cut], in: tmp, "\(path) cut at \(cut)")
            if let e { #expect(e.kind == .truncated || e.kind == .malformed, "\(path) cut at \(cut): \(e)") }
            cuts += 1
            cut += 211
        }
        #expect(cuts > 20)
        // The intact file reads clean.
        _ = try audit(path)
    }

    @Test func headerFieldFlipsAreRejected() throws {
        let path = Fixtures.dir.appendingPathComponent("pg16/app.custom.dump").path
        let bytes = try readBytes(path)
        let tmp = try TempDir()
        // magic, version major/minor, intSize, offSize, format byte, compression algorithm (1.15)
        for i in [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11] {
            var b = bytes
            b[i] ^= 0xFF
            _ = try expectFailure(b[...], in: tmp, "header byte \(i) flipped")
        }
    }

    @Test func unsupportedVersionIsNamed() throws {
        let path = Fixtures.dir.appendingPathComponent("pg17/app.custom.dump").path
        var b = try readBytes(path)
        b[6] = 17 // 1.17
        let tmp = try TempDir()
        let e = try #require(try expectFailure(b[...], in: tmp, "version 1.17"))
        #expect(e.kind == .unsupported)
        #expect(e.message.contains("1.17"))
    }

    @Test(arguments: ["pg14/app.custom.dump", "pg17/app.custom.dump", "pg15/app.tar"])
    func tocFieldFlipsAreRejected(_ name: String) throws {
        let path = Fixtures.dir.appendingPathComponent(name).path
        let bytes = try readBytes(path)
        let toc = try #require(try DumpSource.open(path).readTOC())
        let tmp = try TempDir()
        // Offsets are absolute in the file (for tar: inside the toc.dat member).
        let base = 0
        // tocCount with a huge magnitude.
        var b = bytes
        b[base + Int(toc.startOffset) + 4] = 0x7F
        _ = try expectFailure(b[...], in: tmp, "tocCount flipped")
        for e in toc.entries.prefix(40) {
            let at = base + Int(e.fileOffset)
            // dumpId sign byte must be 0 or 1.
            var s = bytes
            s[at] = 2
            _ = try expectFailure(s[...], in: tmp, "dumpId sign of \(e.label)")
            // tableoid string length set to ~2 GB: must fail without allocating it.
            var l = bytes
            l[at + 14] = 0x7F
            _ = try expectFailure(l[...], in: tmp, "tableoid length of \(e.label)")
        }
    }

    @Test(arguments: ["pg15/app.custom.dump", "pg16/app.custom.dump", "pg17/app.custom-zstd.dump", "pg17/app.custom-lz4.dump"])
    func dataBlockCorruptionIsRejected(_ name: String) throws {
        let path = Fixtures.dir.appendingPathComponent(name).path
        let bytes = try readBytes(path)
        let toc = try #require(try DumpSource.open(path).readTOC())
        let tmp = try TempDir()
        var tried = 0
        for e in toc.entries {
            guard case .offset(let pos) = e.location else { continue }
            let p = Int(pos)
            // block type
            var t = bytes
            t[p] = 2
            _ = try expectFailure(t[...], in: tmp, "block type of \(e.label)")
            // block dumpId
            var d = bytes
            d[p + 2] ^= 0x55
            _ = try expectFailure(d[...], in: tmp, "block dumpId of \(e.label)")
            // first chunk length sign
            var c = bytes
            c[p + 6] = 7
            _ = try expectFailure(c[...], in: tmp, "chunk length of \(e.label)")
            tried += 1
        }
        #expect(tried > 3)
        // Flipping bytes inside zlib streams breaks inflate or the adler32 check.
        if toc.header.compression == .gzip {
            for e in toc.entries where !e.isBlobs {
                guard case .offset(let pos) = e.location else { continue }
                let p = Int(pos) + 11    // type, dumpId Int, first chunk length Int
                var z = bytes
                z[p + 4] ^= 0xFF
                _ = try expectFailure(z[...], in: tmp, "zlib data of \(e.label)")
            }
        }
    }

    @Test func randomFlipsNeverCrashOrHang() throws {
        let tmp = try TempDir()
        var rng = SplitMix(seed: 20261121)
        for name in ["pg15/app.custom.dump", "pg17/app.custom-zstd.dump", "pg18/app.tar", "pg11/app.custom-pipe.dump"] {
            let bytes = try readBytes(Fixtures.dir.appendingPathComponent(name).path)
            for _ in 0..<150 {
                var b = bytes
                let i = Int(rng.next() % UInt64(b.count))
                b[i] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                let path = tmp.file("flip")
                try Data(b).write(to: URL(fileURLWithPath: path))
                let start = now()
                do { _ = try audit(path) } catch is DumpError {}
                #expect(now() - start < 1.0, "\(name) flip at \(i)")
            }
        }
    }

    @Test func trailingBytesAreReportedNotFatal() throws {
        let path = Fixtures.dir.appendingPathComponent("pg15/app.custom.dump").path
        let tmp = try TempDir()
        let out = tmp.file("trailing.dump")
        try Data(try readBytes(path) + Array("garbage".utf8)).write(to: URL(fileURLWithPath: out))
        let (_, source) = try audit(out)
        #expect(source.warnings.count == 1)
        #expect(source.warnings.first?.message.contains("7 trailing bytes") == true)
    }

    @Test func missingDirectoryDataFileIsNamed() throws {
        let src = Fixtures.dir.appendingPathComponent("pg16/app.dir").path
        let tmp = try TempDir()
        let copy = tmp.file("app.dir")
        try FileManager.default.copyItem(atPath: src, toPath: copy)
        let toc = try #require(try DumpSource.open(copy).readTOC())
        let victim = try #require(toc.entries.first { $0.desc == "TABLE DATA" })
        guard case .file(let name) = victim.location else { Issue.record("no file"); return }
        try FileManager.default.removeItem(atPath: copy + "/" + String(decoding: name, as: UTF8.self) + ".gz")
        do {
            _ = try audit(copy)
            Issue.record("missing data file accepted")
        } catch let e as DumpError {
            #expect(e.kind == .truncated)
            #expect(e.description.contains("TOC entry \(victim.dumpId)"))
            #expect(e.description.contains("missing"))
        }
    }
}

/// Deterministic PRNG for reproducible corruption.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
