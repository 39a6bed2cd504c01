import Foundation
import Restore
import Testing

/// The nightly job's metrics, pushed to a real Pushgateway (Debian's prometheus-pushgateway,
/// started here on loopback) and read back from its /metrics.
@Suite(.enabled(if: serverAvailable && FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus-pushgateway"),
                "needs scripts/with-pg and prometheus-pushgateway"))
struct MetricsTests {
    /// A Pushgateway on a free loopback port, stopped by `stop()`.
    final class Gateway {
        let process = Process()
        let port: Int
        let dir: TempDir
        init() throws {
            dir = try TempDir()
            port = Int.random(in: 20000...40000)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus-pushgateway")
            process.arguments = ["--web.listen-address=127.0.0.1:\(port)", "--persistence.file=\(dir.file("p"))"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<100 {
                if (try? metrics()) != nil { return }
                usleep(100_000)
            }
            throw ClusterError("the Pushgateway did not start on port \(port)")
        }
        var url: String { "http://127.0.0.1:\(port)" }
        func metrics() throws -> String {
            let r = try run("/usr/bin/curl", ["-sf", "\(url)/metrics"], timeout: 10)
            guard r.status == 0 else { throw ClusterError("curl: \(r.status)") }
            return r.stdout
        }
        func stop() { process.terminate(); process.waitUntilExit() }
    }

    @Test func successAndFailureArePushedUnderTheJobsLabels() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let gateway = try Gateway()
        defer { gateway.stop() }
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let env = ["DB_HOST": cluster.host, "DB_USER": "restorer", "DB_DATABASE": live, "DB_OWNER": "dest_owner",
                   "PGPORT": cluster.port, "PROMETHEUS_PUSHGATEWAY_URL": gateway.url]
        let ok = try run(Paths.binary, ["restore", Paths.fixture("pg15/app.custom-pipe.dump")], env: env, timeout: 120)
        #expect(ok.status == 0, "\(ok.stderr)")
        let labels = "database_db_name=\"\(live)\",database_engine=\"postgres\",database_instance=\"\(cluster.host)\",instance=\"\",job=\"db-backup\",operation=\"restore\""
        var m = try gateway.metrics()
        #expect(m.contains("db_backup_job_state{\(labels)} 2"), "\(m.split(separator: "\n").filter { $0.contains("db_backup_job_state") })")
        #expect(m.contains("db_backup_job_duration_seconds{\(labels),state=\"succeeded\"}"))
        #expect(m.contains("db_backup_job_file_size_bytes{\(labels)}"))
        #expect(m.contains("pgreown_restore_rows{\(labels)} 1502"))

        // A truncated dump: state 0, exit 65.
        let tmp = try TempDir()
        let cut = tmp.file("cut.dump")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("pg15/app.custom-pipe.dump")))
        try bytes.prefix(bytes.count * 3 / 4).write(to: URL(fileURLWithPath: cut))
        let bad = try run(Paths.binary, ["restore", cut], env: env, timeout: 120)
        #expect(bad.status == 65, "\(bad.stderr)")
        m = try gateway.metrics()
        #expect(m.contains("db_backup_job_state{\(labels)} 0"))
        #expect(RestoreSetup.sentinel(cluster, live) == nil)   // the first restore's database is still there
    }

    @Test func aPushgatewayThatIsDownNeverFailsTheRestore() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let r = try run(Paths.binary, ["restore", Paths.fixture("pg15/app.custom.dump"), "-d", live, "--owner", "dest_owner",
                                       "--target", cluster.conninfo(db: "postgres", user: "restorer"),
                                       "--pushgateway", "http://user:secret@127.0.0.1:9/"], timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("could not push metrics"))
        #expect(!r.stderr.contains("secret"), "the URL's password was printed")
    }
}
