import Foundation
import Restore
import Testing

/// The whole nightly job with the environment variables only (issue 8's acceptance): a live
/// database with a sentinel, a piped custom dump on stdin, a transform that changes rows and
/// creates a table, the swap, and a real Pushgateway holding the job's state; then the same with
/// a truncated dump (state 0, exit 65) and with SIGTERM mid-COPY (state 0, exit 143).
@Suite(.enabled(if: serverAvailable && FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus-pushgateway"),
                "needs scripts/with-pg and prometheus-pushgateway"), .serialized)
struct NightlyJobTests {
    @Test func theNightlyJobEndToEnd() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let gateway = try MetricsTests.Gateway()
        defer { gateway.stop() }
        let (owner, db) = try RestoreSetup.jobDatabase(cluster, stem: "job")
        defer { cluster.dropDatabase("\"\(db)\"") }
        let tmp = try TempDir()
        let transform = tmp.file("anonymise.sql")
        try "UPDATE app.customers SET name = 'anonymised';\nCREATE TABLE app.anonymised_at AS SELECT now() AS at;\n"
            .write(toFile: transform, atomically: true, encoding: .utf8)
        let env = ["DB_HOST": cluster.host, "DB_USER": "restorer", "DB_PASSWORD": "unused", "DB_DATABASE": db,
                   "PGPORT": cluster.port, "PROMETHEUS_PUSHGATEWAY_URL": gateway.url]
        let envArgs = env.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let labels = "database_db_name=\"\(db)\",database_engine=\"postgres\",database_instance=\"\(cluster.host)\",instance=\"\",job=\"db-backup\",operation=\"restore\""

        // The job: the archive on stdin, the environment only.
        let ok = try shell("env \(envArgs) \"$PGREOWN\" restore - --transform '\(transform)' < '\(Paths.fixture("pg15/app.custom-pipe.dump"))'", timeout: 180)
        #expect(ok.status == 0, "\(ok.stderr)")
        let c = try cluster.connect(db: db)
        #expect(try c.query("SELECT DISTINCT name FROM app.customers").map { $0[0] ?? "" } == ["anonymised"])
        let notOwned = try c.query("""
            SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND pg_get_userbyid(c.relowner) <> $1
            """, [owner]).compactMap { $0[0] }
        #expect(notOwned.isEmpty, "not owned by the derived owner \(owner): \(notOwned)")
        #expect(try c.query("SELECT count(*)::text FROM pg_class WHERE relname = 'anonymised_at'").first?[0] == "1")
        #expect(RestoreSetup.sentinel(cluster, db) == nil)
        #expect(try RestoreSetup.databases(cluster, like: db + "-").isEmpty, "\(db)-old or -restore left")
        #expect(try gateway.metrics().contains("db_backup_job_state{\(labels)} 2"))

        // A truncated archive: state 0, exit 65, the live database unchanged.
        try RestoreSetup.plantSentinel(cluster, db)
        let cut = tmp.file("cut.dump")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("pg15/app.custom-pipe.dump")))
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        let bad = try shell("env \(envArgs) \"$PGREOWN\" restore - < '\(cut)'", timeout: 120)
        #expect(bad.status == 65, "\(bad.stderr)")
        #expect(try gateway.metrics().contains("db_backup_job_state{\(labels)} 0"))
        #expect(RestoreSetup.sentinel(cluster, db) == "42")

        // SIGTERM mid-COPY: state 0, exit 143, nothing left behind.
        _ = try gateway.metrics()
        let big = try RestoreSetup.bigDump(cluster, rows: 2_000_000, in: tmp)
        let stop = try RestoreSetup.restoreInterruptedMidCopy(cluster, dump: big, live: db, arguments: ["restore", big],
                                                              environment: env) { p, _ in kill(p.processIdentifier, SIGTERM) }
        try #require(stop.seen, "the COPY was never seen running: \(stop.stderr)")
        #expect(stop.status == 143, "\(stop.stderr)")
        #expect(try gateway.metrics().contains("db_backup_job_state{\(labels)} 0"))
        #expect(RestoreSetup.sentinel(cluster, db) == "42")
        #expect(try RestoreSetup.databases(cluster, like: db + "-").isEmpty)
    }
}
