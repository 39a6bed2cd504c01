import Foundation
import Restore
#if canImport(Glibc)
import Glibc
#endif

/// One throwaway PostgreSQL cluster of a given major, started by `scripts/pg-cluster`.
/// Superuser `postgres`, trust authentication, Unix socket in `host`.
struct Cluster: Sendable {
    let major: Int
    let host: String
    let port: String
    let data: String
    /// The bin directory of that major: its initdb/postgres and its pg_restore/psql.
    let bin: String

    func tool(_ name: String) -> String { "\(bin)/\(name)" }

    /// libpq connection options for command-line tools of this cluster.
    func clientArgs(user: String, db: String) -> [String] {
        ["-h", host, "-p", port, "-U", user, "-d", db]
    }

    func conninfo(db: String, user: String = "postgres") -> String {
        "host='\(host)' port=\(port) user='\(user)' dbname='\(db)'"
    }

    func connect(db: String = "postgres", user: String = "postgres") throws -> Connection {
        try Connection(conninfo: conninfo(db: db, user: user), pinSearchPath: false)
    }

    /// psql of this major as the superuser, stopping at the first error.
    /// A fast restart: every session is cut (scripts/pg-cluster restart).
    /// posix_spawn and waitpid, not Foundation's Process: the restart ends the restore's client
    /// process at the same moment, and Foundation was seen to miss one of the two exits.
    func restart() throws {
        let status = spawnAndWait(Clusters.script, ["restart", data])
        guard status == 0 else { throw ClusterError("scripts/pg-cluster restart \(data) exited with status \(status)") }
    }

    func psql(_ args: [String], db: String = "postgres", timeout: Double = 60) throws -> RunResult {
        try run(tool("psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1"] + clientArgs(user: "postgres", db: db) + args,
                env: Cluster.clientEnv, timeout: timeout)
    }

    /// A fresh database; its name is unique within the test process.
    func createDatabase(owner: String? = nil, prefix: String = "acc") throws -> String {
        let name = "\(prefix)_\(Cluster.nextDatabase())"
        let c = try connect()
        try c.query("CREATE DATABASE \(name)" + (owner.map { " OWNER \(try c.quoteIdentifier($0))" } ?? ""))
        return name
    }

    func dropDatabase(_ name: String) {
        guard let c = try? connect() else { return }
        _ = try? c.query("DROP DATABASE IF EXISTS \(name)")
    }

    /// Extra client environment for this cluster's tools. The PG* variables scripts/with-pg
    /// exports (its own PostgreSQL 15) are overridden by the explicit -h/-p/-U/-d arguments.
    static let clientEnv: [String: String] = ["PGTZ": "UTC", "PGCONNECT_TIMEOUT": "10"]

    private static let counter = Counter()
    private static func nextDatabase() -> Int { counter.next() }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}

/// Starts one cluster per PostgreSQL major on demand, once per test process, and shares it
/// between tests. Every cluster is stopped when the process exits (an atexit handler); in case
/// the process dies without running it (crash, SIGKILL, a timeout of the runner), each cluster
/// also has a watchdog (`scripts/pg-cluster start --watch <our pid>`) that stops it within 2 s.
///
/// Each cluster gets the roles of scripts/fixtures-sql/roles.sql (the owners app_owner,
/// "account-api", "Data Team"; the grantees reporting, auditor, grantor_role; the target owner
/// dest_owner; the login restorer, a member of dest_owner), plus `GRANT grantor_role TO
/// restorer`: pgreown replays an ACL item whose grantor is a third party (not an owner) as
/// `SET ROLE <grantor>; GRANT …; RESET ROLE;`, so the restoring login must be able to SET ROLE
/// to that grantor. That membership is part of the contract, not a workaround.
actor Clusters {
    static let shared = Clusters()

    private var clusters: [Int: Task<Cluster, Error>] = [:]
    private var named: [String: Task<Cluster, Error>] = [:]

    func cluster(_ major: Int) async throws -> Cluster {
        if let t = clusters[major] { return try await t.value }
        // The start blocks (initdb, pg_ctl): do it off the actor, and let concurrent callers
        // for the same major wait on the same task.
        let t = Task.detached { try Clusters.start(major) }
        clusters[major] = t
        return try await t.value
    }

    /// A cluster shared only by the tests that name it: for tests whose pg_dump must not see
    /// what other tests leave in the shared cluster's catalogs (pg_dump -E SJIS fails on a role
    /// name with no SJIS equivalent, such as the hostile-names tests' "ünïcødé ροληs").
    func cluster(_ major: Int, named name: String) async throws -> Cluster {
        let key = "\(major)/\(name)"
        if let t = named[key] { return try await t.value }
        let t = Task.detached { try Clusters.start(major) }
        named[key] = t
        return try await t.value
    }

    static let script = Paths.root.appendingPathComponent("scripts/pg-cluster").path

    /// A cluster of its own, for tests that restart or break the server (fault tests).
    /// `settings`: extra server settings (NAME=VALUE), after the defaults (so they win).
    func privateCluster(_ major: Int, settings: [String] = []) async throws -> Cluster {
        try await Task.detached { try Clusters.start(major, settings: settings) }.value
    }

    private static func start(_ major: Int, settings: [String] = []) throws -> Cluster {
        Registry.shared.installExitHandler()
        // wal_level=logical: the fixtures have a publication, and CREATE PUBLICATION warns
        // ("wal_level is insufficient to publish logical changes") otherwise, which pg_restore
        // 14 prints on stderr.
        let r = try run(script, ["start", String(major), "--watch", String(getpid()), "-c", "wal_level=logical"] + settings.flatMap { ["-c", $0] },
                        env: Cluster.clientEnv, timeout: 600)
        guard r.status == 0 else {
            throw ClusterError("scripts/pg-cluster start \(major) failed (\(r.status)): \(r.stderr)")
        }
        var kv: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            kv[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        guard let host = kv["PGHOST"], let port = kv["PGPORT"], let data = kv["PGDATA"], let bin = kv["PGBIN"] else {
            throw ClusterError("scripts/pg-cluster start \(major) printed no cluster: \(r.stdout) \(r.stderr)")
        }
        Registry.shared.add(data)
        let c = Cluster(major: major, host: host, port: port, data: data, bin: bin)
        let roles = Paths.root.appendingPathComponent("scripts/fixtures-sql/roles.sql").path
        let setup = try c.psql(["-f", roles, "-c", "GRANT grantor_role TO restorer"])
        guard setup.status == 0 else {
            throw ClusterError("roles on PostgreSQL \(major): \(setup.stderr)")
        }
        return c
    }
}

struct ClusterError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The data directories of the clusters this process started, for the exit handler.
private final class Registry: @unchecked Sendable {
    static let shared = Registry()
    private let lock = NSLock()
    private var dataDirs: [String] = []
    private var installed = false

    func add(_ data: String) { lock.lock(); dataDirs.append(data); lock.unlock() }

    func installExitHandler() {
        lock.lock(); defer { lock.unlock() }
        if installed { return }
        installed = true
        atexit { Registry.shared.stopAll() }
    }

    /// Runs at exit: no Foundation Process or Dispatch here, only posix_spawn and waitpid.
    func stopAll() {
        lock.lock()
        let dirs = dataDirs
        dataDirs = []
        lock.unlock()
        for d in dirs { spawnAndWait(Clusters.script, ["stop", d]) }
    }

}

/// Run a program and wait for it with posix_spawn and waitpid (no Foundation, no Dispatch: safe
/// at exit); its exit status, or -1 when it could not be started.
@discardableResult
func spawnAndWait(_ path: String, _ args: [String]) -> Int32 {
    let argv = ([path] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, path, nil, nil, argv, environ) == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
}
