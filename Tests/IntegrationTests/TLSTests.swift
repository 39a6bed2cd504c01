import Foundation
import Restore
import Testing

/// Issue 9, TLS: a server with `ssl = on` and a certificate made here with openssl; restore
/// connects with sslmode=require and verify-full through a conninfo and through PGSSLMODE, and
/// verify-full against the wrong root certificate is refused with one line.
@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct TLSTests {
    /// A self-signed certificate for CN localhost (and its key, owned by the server's user).
    static func certificate(in tmp: TempDir, name: String) throws -> (cert: String, key: String) {
        let cert = tmp.file("\(name).crt"), key = tmp.file("\(name).key")
        let r = try run("/usr/bin/openssl", ["req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=localhost",
                                             "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert])
        guard r.status == 0 else { throw ClusterError("openssl: \(r.stderr)") }
        chmod(key, 0o600)
        if getuid() == 0 { _ = try run("/bin/chown", ["postgres:", key]) }
        return (cert, key)
    }

    @Test func restoreOverTLS() async throws {
        let tmp = try TempDir()
        let server = try Self.certificate(in: tmp, name: "server")
        let other = try Self.certificate(in: tmp, name: "other")
        let c = try await Clusters.shared.privateCluster(15, settings: [
            "listen_addresses=127.0.0.1", "ssl=on", "ssl_cert_file=\(server.cert)", "ssl_key_file=\(server.key)",
        ])
        defer { _ = spawnAndWait(Clusters.script, ["stop", c.data]) }
        try RestoreSetup.prepareRestorer(c)
        let tcp = "host=localhost port=\(c.port) user=restorer dbname=postgres"
        // Each way of asking for TLS; the server's log of connections is the witness.
        let runs: [(String, [String], [String: String])] = [
            ("conninfo sslmode=require", ["--target", tcp + " sslmode=require"], [:]),
            ("conninfo verify-full", ["--target", tcp + " sslmode=verify-full sslrootcert=\(server.cert)"], [:]),
            ("PGSSLMODE verify-full", ["--target", tcp], ["PGSSLMODE": "verify-full", "PGSSLROOTCERT": server.cert]),
            ("URI sslmode=require", ["--target", "postgresql://restorer@localhost:\(c.port)/postgres?sslmode=require"], [:]),
        ]
        for (what, args, env) in runs {
            let live = try c.createDatabase(owner: "dest_owner", prefix: "tls")
            try RestoreSetup.plantSentinel(c, live)
            let r = try run(Paths.binary, ["restore", Paths.fixture("pg15/app.custom.dump"), "-d", live, "--owner", "dest_owner"] + args,
                            env: env, timeout: 120)
            #expect(r.status == 0, "\(what): \(r.stderr)")
            #expect(RestoreSetup.sentinel(c, live) == nil, "\(what): the live database was not replaced")
        }
        // Every pgreown session the server saw was encrypted: pg_stat_ssl during a run.
        let watched = try c.createDatabase(owner: "dest_owner", prefix: "tls")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Paths.binary)
        p.arguments = ["restore", Paths.fixture("pg15/app.custom.dump"), "-d", watched, "--owner", "dest_owner", "--jobs", "2",
                       "--target", tcp + " sslmode=require"]
        p.standardError = FileHandle.nullDevice
        try p.run()
        let admin = try c.connect()
        var plain = 0, encrypted = 0
        var unencrypted = Set<String>()
        while p.isRunning {
            for row in try admin.query("SELECT s.ssl::text, a.datname::text, a.client_addr::text, left(a.query, 60) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.application_name = 'pgreown' AND a.pid <> pg_backend_pid()") {
                if row[0] == "true" { encrypted += 1 } else { plain += 1; unencrypted.insert("\(row[1] ?? "-") from \(row[2] ?? "socket"): \(row[3] ?? "")") }
            }
            usleep(5_000)
        }
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(encrypted > 0 && plain == 0, "sessions seen: \(encrypted) with TLS, \(plain) without: \(unencrypted.sorted().prefix(5))")
        // The wrong root certificate: refused before anything is created, on one line.
        let live = try c.createDatabase(owner: "dest_owner", prefix: "tls")
        try RestoreSetup.plantSentinel(c, live)
        let bad = try run(Paths.binary, ["restore", Paths.fixture("pg15/app.custom.dump"), "-d", live, "--owner", "dest_owner",
                                         "--target", tcp + " sslmode=verify-full sslrootcert=\(other.cert)"], timeout: 120)
        #expect(bad.status == 69, "\(bad.stderr)")
        #expect(lastLine(bad.stderr).contains("certificate"), "\(lastLine(bad.stderr))")
        #expect(RestoreSetup.sentinel(c, live) == "42")
    }
}
