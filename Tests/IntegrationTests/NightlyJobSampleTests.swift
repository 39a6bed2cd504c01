import Foundation
import Restore
import Testing

/// samples/db-backup/restore-postgres.sh against a backup location that is a local directory laid
/// out as the job's bucket: the object it picks (FILENAME, the latest pointer, the newest listed),
/// the production guard, and pgreown restoring from the pipe.
@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"), .serialized)
struct NightlyJobSampleTests {
    static let script = Paths.root.appendingPathComponent("samples/db-backup/restore-postgres.sh").path

    @Test func picksTheObjectAsTheJobDidAndRestoresIt() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let db = "nightly_\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
        let src = try cluster.createDatabase(prefix: "nightlysrc")
        defer { cluster.dropDatabase(src) }
        let hostDir = tmp.file("bucket") + "/" + cluster.host
        try FileManager.default.createDirectory(atPath: hostDir, withIntermediateDirectories: true)
        for (stamp, marker) in [("2026-11-24T010000Z", "older"), ("2026-11-25T010000Z", "newer")] {
            let made = try cluster.psql(["-c", "DROP TABLE IF EXISTS marker; CREATE TABLE marker AS SELECT '\(marker)'::text AS v"], db: src)
            try #require(made.status == 0, "\(made.stderr)")
            let d = try run(cluster.tool("pg_dump"), ["-Fc", "-Z1", "-f", "\(hostDir)/\(stamp)-\(db).gz"] + cluster.clientArgs(user: "postgres", db: src))
            try #require(d.status == 0, "\(d.stderr)")
        }
        defer { cluster.dropDatabase(db) }
        let env = ["BACKUP_LOCATION": tmp.file("bucket"), "DB_HOST": cluster.host, "DB_USER": "restorer", "DB_DATABASE": db,
                   "DB_OWNER": "dest_owner", "PGPORT": cluster.port, "PGREOWN": Paths.binary]
        func marker() throws -> String? { try cluster.connect(db: db).query("SELECT v FROM marker").first?[0] ?? nil }

        var r = try run("/bin/bash", [Self.script], env: env, timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try marker() == "newer", "the newest listed object")

        try "2026-11-24T010000Z-\(db).gz\n".write(toFile: "\(hostDir)/latest-\(db).txt", atomically: true, encoding: .utf8)
        r = try run("/bin/bash", [Self.script], env: env, timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try marker() == "older", "the latest pointer")

        r = try run("/bin/bash", [Self.script], env: env.merging(["FILENAME": "2026-11-25T010000Z-\(db).gz"]) { $1 }, timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try marker() == "newer", "FILENAME")

        r = try run("/bin/bash", [Self.script], env: env.merging(["GOVUK_ENVIRONMENT": "production", "FILENAME": "2026-11-24T010000Z-\(db).gz"]) { $1 },
                    timeout: 120)
        #expect(r.status == 1 && r.stderr.contains("refusing to restore onto production"), "\(r.stderr)")
        #expect(try marker() == "newer", "the guard let a restore through")
    }
}
