import Foundation
import Testing

/// The equivalence test over real applications' dumps (scripts/equivalence, fixtures in
/// Tests/Fixtures/apps): the CI slice, each input path once on another application and pg_dump
/// version, restored as a non-superuser login and compared with the source (owners mapped, ACLs,
/// default ACLs, policies, comments, database settings, per-table checksums). The script starts
/// its own PostgreSQL 15 cluster; the whole matrix is `scripts/equivalence` without --slice.
/// The fetched schema files live outside the repository (Tests/Fixtures/apps/README.md says where).
let equivalenceSchemasPresent: Bool = {
    let env = ProcessInfo.processInfo.environment["EQUIV_APPS_DIR"]
    let dirs: [String?] = [env, Paths.root.appendingPathComponent("Tests/Fixtures/apps").path,
                Paths.root.deletingLastPathComponent().appendingPathComponent("shared/apps").path, "/var/cache/pgreown/apps"]
    return dirs.compactMap { $0 }.contains { FileManager.default.fileExists(atPath: "\($0)/pagila/schema.sql") }
}()

@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"),
       .enabled(if: equivalenceSchemasPresent, "the applications' schema files are not on this machine (Tests/Fixtures/apps/README.md)"),
       .serialized)
struct EquivalenceTests {
    @Test func sliceOfEveryInputPathEqualsTheSource() throws {
        let script = Paths.root.appendingPathComponent("scripts/equivalence").path
        let r = try run("/bin/bash", [script, "--slice"], env: ["PGREOWN_BIN": Paths.binary], timeout: 600)
        let failures = r.stdout.split(separator: "\n").filter { $0.contains("FAIL") }
        #expect(r.status == 0, "scripts/equivalence --slice exited \(r.status): \(failures.joined(separator: "; ")) \(lastLine(r.stderr))")
        #expect(r.stdout.contains("equivalence: "), "no summary line: \(lastLine(r.stderr))")
    }
}
