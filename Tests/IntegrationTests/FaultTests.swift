import Foundation
import Restore
import Testing

/// Issue 9, faults: each ends in a one-line error, a non-zero exit and no damage.
@Suite struct FaultTests {
    /// A tmpfs of `kilobytes` (root only: mount(2)); nil where mounting is not allowed.
    static func tmpfs(kilobytes: Int, readOnly: Bool = false) -> String? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pgreown-tmpfs-\(UUID().uuidString)").path
        guard (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)) != nil,
              let r = try? run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k\(readOnly ? ",ro" : "")", "tmpfs", dir]), r.status == 0
        else { return nil }
        return dir
    }

    static func unmount(_ dir: String) {
        _ = try? run("/bin/umount", [dir])
        try? FileManager.default.removeItem(atPath: dir)
    }

    static let canMount: Bool = {
        guard let d = tmpfs(kilobytes: 16) else { return false }
        unmount(d)
        return true
    }()

    /// The output disk fills up during rewrite: exit 74, one line naming the output, and no
    /// partial output (nor its temporary file) left behind.
    @Test(.enabled(if: canMount, "needs mount(2) (root)"),
          arguments: [["--format", "custom"], ["--format", "plain"]])
    func diskFullDuringRewriteLeavesNothing(_ format: [String]) throws {
        let dir = try #require(Self.tmpfs(kilobytes: 24))
        defer { Self.unmount(dir) }
        let out = dir + "/out"
        let r = try run(Paths.binary, ["rewrite", Paths.fixture("pg15/app.custom.dump"), "--owner", "x", "-o", out] + format)
        #expect(r.status == 74, "\(r.stderr)")
        let last = lastLine(r.stderr)
        #expect(last.contains(out) && last.contains("No space left on device"), "\(last)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    /// A directory that cannot be written (a read-only file system: root ignores modes): exit 73
    /// before anything is read past the TOC.
    @Test(.enabled(if: canMount, "needs mount(2) (root)"))
    func unwritableOutputDirectoryIsRefused() throws {
        let dir = try #require(Self.tmpfs(kilobytes: 16, readOnly: true))
        defer { Self.unmount(dir) }
        for format in ["custom", "plain"] {
            let r = try run(Paths.binary, ["rewrite", Paths.fixture("pg15/app.custom.dump"), "--owner", "x", "--format", format, "-o", dir + "/out"])
            #expect(r.status == 73, "\(format): \(r.stderr)")
            #expect(lastLine(r.stderr).contains("Read-only file system"), "\(lastLine(r.stderr))")
        }
    }

    /// The server restarts (every session cut) in the middle of the load: a one-line error, a
    /// non-zero exit, the live database untouched, and no scratch database left once the server
    /// is back.
    @Test(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
    func serverRestartMidRestoreLeavesTheLiveDatabaseUntouched() async throws {
        let c = try await Clusters.shared.privateCluster(15)
        defer { _ = try? run(Clusters.script, ["stop", c.data], timeout: 120) }
        try RestoreSetup.prepareRestorer(c)
        let tmp = try TempDir()
        let dump = try RestoreSetup.bigDump(c, rows: 2_000_000, in: tmp)
        let live = try RestoreSetup.liveDatabase(c)
        let r = try RestoreSetup.restoreInterruptedMidCopy(c, dump: dump, live: live) { _, _ in try c.restart() }
        try #require(r.seen, "the COPY was never seen running: \(r.stderr)")
        #expect(r.status != 0)
        let last = lastLine(r.stderr)
        #expect(last.contains("restore failed") && last.contains(live), "\(r.stderr)")
        #expect(RestoreSetup.sentinel(c, live) == "42")
        #expect(try RestoreSetup.databases(c, like: live + "-").isEmpty, "scratch database left behind: \(r.stderr)")
    }

    /// The admin connection cut in the middle of the swap (while it takes over the live database,
    /// held up by another transaction's lock on its pg_database row): a one-line error, and the
    /// live database as it was (owner, connections allowed, data), the scratch database dropped.
    @Test(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
    func connectionCutMidSwapLeavesTheLiveDatabaseAsItWas() async throws {
        let c = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(c)
        let live = try RestoreSetup.liveDatabase(c)
        defer { c.dropDatabase(live) }
        let blocker = try c.connect()
        try blocker.query("BEGIN")
        try blocker.query("ALTER DATABASE \(try blocker.quoteIdentifier(live)) CONNECTION LIMIT 50")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Paths.binary)
        p.arguments = ["restore", Paths.fixture("pg15/app.custom.dump"), "-d", live, "--owner", "dest_owner",
                       "--target", c.conninfo(db: "postgres", user: "restorer")]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let admin = try c.connect()
        var cut = false
        let deadline = Date().addingTimeInterval(90)
        while !cut && p.isRunning && Date() < deadline {
            let rows = try admin.query("""
                SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity
                WHERE usename = 'restorer' AND query LIKE 'ALTER DATABASE%' AND wait_event_type = 'Lock'
                """)
            cut = rows.contains { $0[0] == "true" }
            if !cut { usleep(20_000) }
        }
        try blocker.query("ROLLBACK")
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        try #require(cut, "the swap was never seen waiting: \(stderr)")
        #expect(p.terminationStatus != 0)
        let last = lastLine(stderr)
        #expect(last.contains("restore failed") && last.contains("\(live) is untouched") && last.contains("was dropped"), "\(stderr)")
        #expect(RestoreSetup.sentinel(c, live) == "42")
        let row = try admin.query("SELECT pg_get_userbyid(datdba)::text, datallowconn::text FROM pg_database WHERE datname = $1", [live]).first
        #expect(row?[0] == "dest_owner" && row?[1] == "true", "live database now: \(String(describing: row))")
        #expect(try RestoreSetup.databases(c, like: live + "-").isEmpty, "scratch database left behind")
    }
}
