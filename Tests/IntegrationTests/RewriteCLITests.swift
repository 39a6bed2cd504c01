import DumpFormat
import Foundation
import Restore
import Testing

/// `rewrite` and the ownership half of `verify`, through the CLI.
@Suite struct RewriteCLITests {
    static let customFixtures = archiveFixtures.filter { $0.contains(".custom") }

    /// Every role maps to itself: the archive lists the same and its data area is byte-identical.
    @Test(arguments: customFixtures)
    func identityRewriteRoundTrips(_ name: String) throws {
        let input = Paths.fixture(name)
        let tmp = try TempDir()
        let out = tmp.file("rt.dump")
        let r = try pgreown("rewrite", input, "--owner", "app_owner", "--keep-owner", "account-api",
                            "--keep-owner", "Data Team", "--keep-owner", "postgres", "-o", out)
        #expect(r.status == 0, "\(r.stderr)")
        let a = try #require(try DumpSource.open(input).readTOC())
        let b = try #require(try DumpSource.open(out).readTOC())
        #expect(a.entries.map(RestoreListing.line) == b.entries.map(RestoreListing.line))
        #expect(a.header.rawBytes == b.header.rawBytes)
        let inBytes = try Data(contentsOf: URL(fileURLWithPath: input))
        let outBytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(inBytes[Int(a.endOffset)...] == outBytes[Int(b.endOffset)...])
        // The output's offsets are set and point at the blocks (pg_restore -l and a full read agree).
        for e in b.entries where e.hasData {
            guard case .offset(let p) = e.location else { Issue.record("\(e.label) has no offset"); continue }
            #expect(outBytes[Int(p)] == (e.isBlobs ? 3 : 1))
        }
        let v = try pgreown("verify", out)
        #expect(v.status == 0, "\(v.stderr)")
        // Stock pg_restore -l lists both the same (the system's pg_restore 15 reads up to 1.14).
        if a.header.version <= ArchiveVersion(1, 14, 255) {
            let stockIn = try run("/usr/lib/postgresql/15/bin/pg_restore", ["-l", input], timeout: 60)
            let stockOut = try run("/usr/lib/postgresql/15/bin/pg_restore", ["-l", out], timeout: 60)
            #expect(stockIn.status == 0 && stockOut.status == 0, "\(stockIn.stderr) \(stockOut.stderr)")
            func entries(_ s: String) -> [Substring] { s.split(separator: "\n").filter { !$0.hasPrefix(";") } }
            #expect(entries(stockIn.stdout) == entries(stockOut.stdout))
            #expect(!entries(stockOut.stdout).isEmpty)
        }
    }

    @Test func ownerIsRequired() throws {
        let r = try run(Paths.binary, ["rewrite", Paths.fixture("pg15/app.custom.dump"), "-o", "/tmp/x.dump"],
                        env: ["DB_OWNER": ""])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--owner"))
    }

    @Test func dbOwnerEnvironmentIsTheDefault() throws {
        let tmp = try TempDir()
        let out = tmp.file("o.dump")
        let r = try run(Paths.binary, ["rewrite", Paths.fixture("pg16/app.custom.dump"), "-o", out], env: ["DB_OWNER": "env_owner"])
        #expect(r.status == 0, "\(r.stderr)")
        let toc = try #require(try DumpSource.open(out).readTOC())
        #expect(toc.entries.contains { $0.owner == Array("env_owner".utf8) })
        #expect(!toc.entries.contains { $0.owner == Array("app_owner".utf8) })
    }

    @Test func failedRewriteLeavesNoOutput() throws {
        let tmp = try TempDir()
        let src = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("pg15/app.custom.dump")))
        let cut = tmp.file("cut.dump")
        try src.prefix(src.count - 100).write(to: URL(fileURLWithPath: cut))
        let out = tmp.file("out.dump")
        let r = try pgreown("rewrite", cut, "--owner", "x", "-o", out)
        #expect(r.status == 65)
        #expect(!FileManager.default.fileExists(atPath: out))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: tmp.url.path).filter { $0.contains("pgreown-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}

/// Preflight against the test server.
@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"), .serialized)
struct PreflightCLITests {
    init() throws {
        try FixtureRoles.ensureOnTestServer()
    }

    var conninfo: String {
        let env = ProcessInfo.processInfo.environment
        return "host=\(env["PGHOST"] ?? "") port=\(env["PGPORT"] ?? "5432") dbname=postgres user=restorer password=not-a-secret"
    }

    @Test func missingGranteeFailsAndIsNamed() throws {
        let ghost = "ghost_\(UInt16.random(in: 0...9999))"
        let r = try pgreown("verify", Paths.fixture("pg17/app.custom.dump"), "--owner", "dest_owner",
                            "--map", "reporting=\(ghost)", "--target", conninfo)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.contains("\(ghost)") && r.stdout.contains("MISSING on target"))
        #expect(lastLine(r.stderr).contains(ghost))
        #expect(!r.stdout.contains("not-a-secret") && !r.stderr.contains("not-a-secret"))
        // rewrite refuses before writing anything
        let tmp = try TempDir()
        let out = tmp.file("x.dump")
        let w = try pgreown("rewrite", Paths.fixture("pg17/app.custom.dump"), "--owner", "dest_owner",
                            "--map", "reporting=\(ghost)", "--target", conninfo, "-o", out)
        #expect(w.status == 1)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func dropLeavesOutExactlyThoseGrantsAndReportsThem() throws {
        let ghost = "ghost_\(UInt16.random(in: 0...9999))"
        let src = Paths.fixture("pg15/app.custom.dump")
        let tmp = try TempDir()
        let out = tmp.file("dropped.dump")
        let r = try pgreown("rewrite", src, "--owner", "dest_owner", "--map", "reporting=\(ghost)",
                            "--missing-roles", "drop", "--target", conninfo, "-o", out)
        #expect(r.status == 0, "\(r.stderr)")
        // (ALTER ROLE … IN DATABASE is dropped too, but pg_restore prints it only with --create.)
        let reported = r.stderr.split(separator: "\n").filter { $0.contains("dropped grant") && !$0.contains("ALTER ROLE") }
        #expect(r.stderr.split(separator: "\n").contains { $0.contains("dropped grant") && $0.contains("ALTER ROLE reporting IN DATABASE") })
        // The original script's statements naming reporting as grantee/policy role…
        let orig = try run("\(pgBin)/pg_restore", ["-f", "-", src]).stdout.split(separator: "\n")
        let named = orig.filter { ($0.hasPrefix("GRANT ") || $0.hasPrefix("REVOKE ") || $0.hasPrefix("ALTER DEFAULT PRIVILEGES") || $0.hasPrefix("CREATE POLICY"))
            && ($0.contains(" reporting;") || $0.contains(" reporting ") || $0.contains(" reporting,")) }
        #expect(!named.isEmpty)
        #expect(reported.count == named.count, "\(reported)")
        // …are gone, nothing names the missing role, everything else is still there.
        let script = try run("\(pgBin)/pg_restore", ["-f", "-", out]).stdout
        #expect(!script.contains(ghost))
        let grants = { (lines: [Substring]) in lines.filter { $0.hasPrefix("GRANT ") || $0.hasPrefix("REVOKE ") }.count }
        let lines = script.split(separator: "\n")
        let droppedGrants = named.filter { $0.hasPrefix("GRANT ") || $0.hasPrefix("REVOKE ") }.count
        #expect(grants(lines) == grants(orig) - droppedGrants)
    }
}
