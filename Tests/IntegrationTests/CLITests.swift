import Foundation
import Testing

/// The pgreown binary, end to end: output formats, exit codes, stdin, memory bounds.
@Suite struct CLITests {
    /// restore reads the dump before it contacts any server: a missing file is 66, a file that is
    /// no dump is 65, each named on the last line, even with a server that cannot be reached.
    @Test func restoreOpensTheDumpBeforeConnecting() throws {
        let tmp = try TempDir()
        let notADump = tmp.file("passwd")
        try "root:x:0:0:root:/root:/bin/bash\n".write(toFile: notADump, atomically: true, encoding: .utf8)
        let unreachable = "host=\(tmp.file("no-server")) connect_timeout=2"
        let missing = try pgreown("restore", tmp.file("no-such.dump"), "--dbname", "x", "--owner", "o", "--target", unreachable)
        #expect(missing.status == 66 && lastLine(missing.stderr).contains("no-such.dump"), "\(missing.stderr)")
        let bad = try pgreown("restore", notADump, "--dbname", "x", "--owner", "o", "--target", unreachable)
        #expect(bad.status == 65 && lastLine(bad.stderr).contains("not a pg_dump archive or script"), "\(bad.stderr)")
        // A real dump gets as far as the server, which is unavailable.
        let real = try pgreown("restore", Paths.fixture("pg15/app.custom.dump"), "--dbname", "x", "--owner", "o", "--target", unreachable)
        #expect(real.status == 69, "\(real.stderr)")
    }

    @Test(arguments: archiveFixtures)
    func inspectJSONCarriesTheListedEntriesInOrder(_ name: String) throws {
        let path = Paths.fixture(name)
        let r = try pgreown("inspect", "--json", path)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let entries = try #require(json?["entries"] as? [[String: Any]])
        let listing = try String(contentsOfFile: path + ".list", encoding: .utf8)
        let listed = listing.split(separator: "\n").filter { !$0.hasPrefix(";") }
        // "<dumpId>; <tableoid> <oid> <desc> <schema> <tag> <owner>"
        let listedIds = listed.compactMap { Int($0.prefix { $0 != ";" }) }
        let byId = Dictionary(uniqueKeysWithValues: entries.map { (($0["dumpId"] as? Int) ?? -1, $0) })
        #expect(entries.count >= listed.count)
        // Same order.
        let jsonOrder = entries.compactMap { $0["dumpId"] as? Int }.filter { Set(listedIds).contains($0) }
        #expect(jsonOrder == listedIds)
        for line in listed {
            let id = Int(line.prefix { $0 != ";" }) ?? -1
            let e = try #require(byId[id], "entry \(id) missing from JSON")
            let desc = e["desc"] as? String ?? "?"
            let schema = e["schema"] as? String ?? "-"
            let tag = e["tag"] as? String ?? ""
            let owner = e["owner"] as? String ?? ""
            let rest = line.drop { $0 != ";" }.dropFirst(2)          // "<tableoid> <oid> …"
            let afterOids = rest.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).last ?? ""
            #expect(String(afterOids) == "\(desc) \(schema.isEmpty ? "" : schema) \(tag) \(owner)", "entry \(id)")
        }
        // Entries not listed are exactly the kinds pg_restore -l hides.
        let hidden = entries.filter { !Set(listedIds).contains(($0["dumpId"] as? Int) ?? -1) }
        for e in hidden {
            let desc = e["desc"] as? String ?? ""
            let tag = e["tag"] as? String ?? ""
            #expect(["ENCODING", "STDSTRINGS", "SEARCHPATH", "DATABASE", "DATABASE PROPERTIES"].contains(desc)
                    || tag.hasPrefix("DATABASE "), "\(desc) \(tag) hidden")
        }
    }

    @Test func inspectListOutputIsAUsablePgRestoreListFile() throws {
        let tmp = try TempDir()
        let dump = Paths.fixture("pg15/app.custom.dump")
        let list = try pgreown("inspect", "--list", dump)
        #expect(list.status == 0)
        let listFile = tmp.file("app.list")
        try list.stdout.write(toFile: listFile, atomically: true, encoding: .utf8)
        // pg_restore 15 accepts it as -L and produces the same script as without it.
        let a = try run("/usr/lib/postgresql/15/bin/pg_restore", ["-L", listFile, "-f", tmp.file("a.sql"), dump], timeout: 60)
        let b = try run("/usr/lib/postgresql/15/bin/pg_restore", ["-f", tmp.file("b.sql"), dump], timeout: 60)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        func body(_ p: String) throws -> [Substring] {
            try String(contentsOfFile: p, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }
        }
        #expect(try body(tmp.file("a.sql")) == body(tmp.file("b.sql")))
    }

    @Test(arguments: archiveFixtures.filter { $0.hasPrefix("pg17/") || $0.hasPrefix("pg11/") })
    func verifyJSONCountsTheSourceRows(_ name: String) throws {
        let path = Paths.fixture(name)
        let r = try pgreown("verify", "--json", path)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["complete"] as? Bool == true)
        var rows: [String: Int] = [:]
        for t in (json["tables"] as? [[String: Any]]) ?? [] {
            rows["\(t["schema"] as? String ?? "").\(t["table"] as? String ?? "")"] = t["rows"] as? Int
        }
        let db = URL(fileURLWithPath: path).lastPathComponent.prefix { $0 != "." }
        let tsv = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("\(db).rows.tsv")
        var expected: [String: Int] = [:]
        for line in try String(contentsOf: tsv, encoding: .utf8).split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            if f.count == 3 { expected["\(f[0]).\(f[1])"] = Int(f[2]) }
        }
        #expect(rows == expected)
    }

    @Test func verifyReadsAPipe() throws {
        let r = try shell("cat '\(Paths.fixture("pg16/app.custom-pipe.dump"))' | \"$PGREOWN\" verify -")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("result: ok"))
        #expect(r.stdout.contains("app.orders") && r.stdout.contains("400 rows"))
    }

    @Test func truncatedInputExits65WithOneLineNamingTheByte() throws {
        let tmp = try TempDir()
        let src = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("pg15/app.custom.dump")))
        for cut in [20, 700, src.count / 2, src.count - 3] {
            let p = tmp.file("cut\(cut).dump")
            try src.prefix(cut).write(to: URL(fileURLWithPath: p))
            let r = try pgreown("verify", p, timeout: 5)
            #expect(r.status == 65, "cut \(cut): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "cut \(cut): \(r.stderr)")
            #expect(r.stderr.contains("at byte"), "cut \(cut): \(r.stderr)")
        }
    }

    @Test func exitCodesFollowSysexits() throws {
        let tmp = try TempDir()
        // not a dump
        let junk = tmp.file("junk")
        try Data("hello world, no dump here\n".utf8).write(to: URL(fileURLWithPath: junk))
        #expect(try pgreown("verify", junk).status == 65)
        // missing file
        let missing = try pgreown("inspect", tmp.file("nope.dump"))
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("cannot open"))
        // usage
        #expect(try pgreown("verify").status == 64)
        // sound structure, failed check: trailing bytes
        let trailing = tmp.file("trailing.dump")
        var d = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("pg15/app.custom.dump")))
        d.append(contentsOf: Array(repeating: 0x41, count: 10))
        try d.write(to: URL(fileURLWithPath: trailing))
        let r = try pgreown("verify", trailing)
        #expect(r.status == 1)
        #expect(r.stdout.contains("10 trailing bytes"))
        #expect(lastLine(r.stderr).contains("problem"))
    }

    @Test func hugeLengthFieldDoesNotAllocate() throws {
        // A 2 GB string length inside a ~50 KB archive, read from a pipe (no file size to check against).
        let tmp = try TempDir()
        let src = Paths.fixture("pg15/app.custom.dump")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: src)))
        // The first TOC entry's tableoid length: header, then tocCount Int, dumpId Int, hadDumper Int.
        let headerEnd = 129 // observed header length of pg_dump 15 archives; checked below
        #expect(bytes[headerEnd] == 0)
        let at = headerEnd + 5 + 5 + 5
        bytes[at + 4] = 0x7F
        let bad = tmp.file("huge.dump")
        try Data(bytes).write(to: URL(fileURLWithPath: bad))
        let r = try shell("cat '\(bad)' | /usr/bin/time -f 'maxrss=%M' \"$PGREOWN\" verify - ", timeout: 10)
        #expect(r.status == 65, "\(r.stderr)")
        let rss = r.stderr.split(separator: "\n").first { $0.hasPrefix("maxrss=") }.flatMap { Int($0.dropFirst(7)) }
        let kb = try #require(rss)
        #expect(kb < 64 * 1024, "peak RSS \(kb) KB")
    }

    /// --version and -V (as PostgreSQL's tools spell it) name pgreown's version and the libraries it runs with.
    @Test func versionNamesTheLibraries() throws {
        for flag in ["--version", "-V"] {
            let r = try pgreown(flag)
            #expect(r.status == 0)
            for lib in ["pgreown ", "libpq ", "zlib ", "ISA-L ", "liblz4 ", "libzstd "] { #expect(r.stdout.contains(lib), "\(flag): \(r.stdout)") }
        }
    }
}
