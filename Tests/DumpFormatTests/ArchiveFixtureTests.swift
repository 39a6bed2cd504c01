import DumpFormat
import Foundation
import Testing

/// Conformance against real pg_dump output of every version and format (Tests/Fixtures).
@Suite struct ArchiveFixtureTests {
    @Test func fixturesArePresent() {
        // Every supported writer: 11 (1.13), 14/15 (1.14), 16 (1.15), 17/18 (1.16).
        let names = Set(Fixtures.versions.map(\.lastPathComponent))
        #expect(names.isSuperset(of: ["pg11", "pg14", "pg15", "pg16", "pg17", "pg18"]))
        #expect(Fixtures.archives.count >= 6 * 2 * 5)
    }

    @Test(arguments: Fixtures.archives)
    func listingMatchesPgRestore(_ path: String) throws {
        let expected = try String(contentsOfFile: path + ".list", encoding: .utf8)
        let source = try DumpSource.open(path)
        let toc = try #require(try source.readTOC())
        let rendered = String(decoding: RestoreListing.render(toc, format: source.format), as: UTF8.self)
        func entryLines(_ s: String) -> [Substring] { s.split(separator: "\n").filter { !$0.hasPrefix(";") } }
        #expect(entryLines(rendered) == entryLines(expected))
        #expect(!entryLines(expected).isEmpty)
        // The header facts pg_restore prints that do not depend on the local clock.
        for key in [";     dbname:", ";     TOC Entries:", ";     Dump Version:", ";     Format:", ";     Compression:",
                    ";     Dumped from database version:", ";     Dumped by pg_dump version:"] {
            let want = expected.split(separator: "\n").first { $0.hasPrefix(key) }
            let got = rendered.split(separator: "\n").first { $0.hasPrefix(key) }
            #expect(want == got, "\(key)")
        }
    }

    @Test(arguments: Fixtures.archives)
    func verifyCountsSourceRows(_ path: String) throws {
        let (auditor, source) = try audit(path)
        #expect(source.warnings.isEmpty, "\(source.warnings)")
        var rows: [String: Int64] = [:]
        for t in auditor.tables { rows["\(t.schema).\(t.table)"] = t.rows }
        let expected = try Fixtures.expectedRows(for: path)
        #expect(!expected.isEmpty)
        #expect(rows == expected)
        var los: [UInt32: Int64] = [:]
        for lo in auditor.largeObjectSizes { los[lo.oid] = lo.bytes }
        #expect(los == (try Fixtures.expectedLargeObjects(for: path)))
    }

    @Test(arguments: Fixtures.archives.filter { $0.hasSuffix(".dump") })
    func customArchiveFromAPipeReadsTheSame(_ path: String) throws {
        // Feed the archive through a pipe: no seeking, offsets unusable.
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let bytes = try readBytes(path)
        let writeEnd = fds[1], readEnd = fds[0]
        let writer = Thread {
            bytes.withUnsafeBytes { p in
                var done = 0
                while done < p.count {
                    let n = write(writeEnd, p.baseAddress! + done, p.count - done)
                    if n <= 0 { break }
                    done += n
                }
            }
            close(writeEnd)
        }
        writer.start()
        defer { close(readEnd) }
        let source = try DumpSource.open("/dev/fd/\(readEnd)")
        #expect(!source.isSeekable)
        let auditor = CompletenessAuditor(fileName: source.name)
        try source.read(auditor)
        let (seekable, _) = try audit(path)
        #expect(auditor.tables.map(\.rows) == seekable.tables.map(\.rows))
        #expect(auditor.totalBytes == Int64(bytes.count))
    }

    @Test func pipedArchivesHaveNoOffsetsAndSeekableOnesDo() throws {
        let piped = Fixtures.archives.filter { $0.hasSuffix("custom-pipe.dump") }
        #expect(!piped.isEmpty)
        for path in piped {
            let toc = try #require(try DumpSource.open(path).readTOC())
            #expect(toc.entries.contains { $0.location == .positionNotSet })
            #expect(!toc.entries.contains { if case .offset = $0.location { return true } else { return false } })
        }
        for path in Fixtures.archives where path.hasSuffix("app.custom.dump") {
            let toc = try #require(try DumpSource.open(path).readTOC())
            #expect(toc.entries.contains { if case .offset = $0.location { return true } else { return false } })
        }
    }

    @Test func archiveVersionsAndCompressionAsWritten() throws {
        let expected: [String: (String, [CompressionAlgorithm])] = [
            "pg11": ("1.13", [.gzip]), "pg14": ("1.14", [.gzip]), "pg15": ("1.14", [.gzip]),
            "pg16": ("1.15", [.gzip]), "pg17": ("1.16", [.gzip, .lz4, .zstd]), "pg18": ("1.16", [.gzip]),
        ]
        for (folder, (version, algs)) in expected {
            var seen = Set<CompressionAlgorithm>()
            for path in Fixtures.archives where path.contains("/\(folder)/") && path.contains(".custom") {
                let toc = try #require(try DumpSource.open(path).readTOC())
                #expect(toc.header.version.description == version, "\(path)")
                seen.insert(toc.header.compression)
            }
            #expect(seen == Set(algs + [.none]), "\(folder)")
        }
    }
}
