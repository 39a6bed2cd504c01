import DumpFormat
import Foundation
import Restore
import Testing

/// Issue 9's defects: psql meta-commands pg_dump never writes are refused everywhere, and names
/// written into comment headers cannot start a live line.
@Suite struct HardeningTests {
    static let marker = "CREATE SCHEMA \"Data Team\";\n"

    /// The pg15 app script with `inject` after the first schema's CREATE.
    static func script(_ inject: String, in tmp: TempDir) throws -> String {
        let original = try String(contentsOfFile: Paths.fixture("pg15/app.plain.sql"), encoding: .utf8)
        let path = tmp.file("injected.sql")
        try original.replacingOccurrences(of: marker, with: marker + inject).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: ["\\! echo owned > /tmp/pgreown-pwned\n", "\\o /tmp/pgreown-out\n", "SELECT 'x' \\gexec\n",
                      "\\set ON_ERROR_STOP off\n", "\\copy t from program 'id'\n"])
    func metaCommandsAreRefused(_ inject: String) throws {
        let tmp = try TempDir()
        let path = try Self.script(inject, in: tmp)
        let offset = try Data(contentsOf: URL(fileURLWithPath: path)).range(of: Data(inject.utf8))?.lowerBound ?? -1

        let v = try pgreown("verify", path)
        #expect(v.status == 1, "verify: \(v.stderr)")
        #expect(lastLine(v.stderr).contains("psql meta-command") && lastLine(v.stderr).contains("at byte"), "\(v.stderr)")
        #expect(v.stdout.contains("result: 1 problem"))
        let at = lastLine(v.stderr).split(separator: " ").drop { $0 != "byte" }.dropFirst().first.map { Int($0.trimmingCharacters(in: .punctuationCharacters)) ?? -2 }
        #expect(at != nil && at! >= offset && at! < offset + inject.utf8.count, "offset \(String(describing: at)) vs \(offset)")

        let out = tmp.file("out.sql")
        let r = try pgreown("rewrite", path, "--format", "plain", "--owner", "x", "-o", out)
        #expect(r.status == 65, "rewrite: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "rewrite wrote output")
        let piped = try shell("\"$PGREOWN\" rewrite - --format plain --owner x -o '\(out)' < '\(path)'")
        #expect(piped.status == 65 && !FileManager.default.fileExists(atPath: out), "rewrite from a pipe: \(piped.stderr)")
    }

    @Test(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
    func restoreRefusesAMetaCommandBeforeTouchingAnything() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let path = try Self.script("\\! touch '\(tmp.file("pwned"))'\n", in: tmp)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let r = try run(Paths.binary, ["restore", path, "-d", live, "--owner", "dest_owner",
                                       "--target", cluster.conninfo(db: "postgres", user: "restorer")], timeout: 60)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.file("pwned")))
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
        #expect(try RestoreSetup.databases(cluster, like: live + "-").isEmpty, "a database was created")
    }

    /// A role name with a newline, given with --owner or --map, never starts a line of its own
    /// in the `-- Name: …; Owner: …` headers of plain output (pg_dump's sanitize_line).
    @Test(arguments: [["--owner", "x\nDROP TABLE sentinel; --"], ["--owner", "x", "--map", "app_owner=y\rDROP TABLE sentinel; --"]])
    func namesInCommentHeadersStayOnTheirLine(_ args: [String]) throws {
        let tmp = try TempDir()
        for input in [Paths.fixture("pg15/app.plain.sql"), Paths.fixture("pg15/app.custom.dump")] {
            let out = tmp.file("out.sql")
            let r = try run(Paths.binary, ["rewrite", input, "--format", "plain", "-o", out] + args)
            try #require(r.status == 0, "\(r.stderr)")
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
            // As psql reads it: no statement starts with DROP (inside a quoted identifier the
            // name is harmless), and the headers still carry the name, on one line.
            let items = try SQLStatement.split(bytes)
            let drops = items.filter { st in
                st.kind == .statement && st.significantTokens.first.map { String(decoding: st.text($0), as: UTF8.self).uppercased() == "DROP" } == true
            }
            #expect(drops.isEmpty, "\(input): a name started a statement of its own: \(drops.map { String(decoding: $0.bytes, as: UTF8.self) })")
            let lines = String(decoding: bytes, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" })
            #expect(lines.contains { $0.hasPrefix("-- Name: ") && $0.contains("DROP TABLE sentinel") }, "\(input): the header lost the name")
            #expect(!r.stderr.split(separator: "\n").contains { $0.hasPrefix("DROP TABLE") }, "the log printed a live line")
        }
    }
}

/// A password given in a URI, a conninfo, PGPASSWORD or DB_PASSWORD never appears in any log line,
/// error, --json report or pushed metric.
@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct SecretsTests {
    @Test func passwordsNeverAppearInOutput() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let secrets = ["uri-s3cret-1", "conninfo-s3cret-2", "pgpassword-s3cret-3", "dbpassword-s3cret-4"]
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let hostEnc = cluster.host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cluster.host
        let runs: [([String], [String: String], Int32)] = [
            (["--target", "postgresql://restorer:\(secrets[0])@/postgres?host=\(hostEnc)&port=\(cluster.port)"], [:], 0),
            (["--target", cluster.conninfo(db: "postgres", user: "restorer") + " password=\(secrets[1])"], [:], 0),
            (["--target", cluster.conninfo(db: "postgres", user: "restorer")], ["PGPASSWORD": secrets[2]], 0),
            ([], ["DB_HOST": cluster.host, "DB_USER": "restorer", "DB_PASSWORD": secrets[3], "PGPORT": cluster.port], 0),
            // Unreachable: the error names the server, never the password.
            (["--target", "host=\(cluster.host) port=1 user=restorer password=\(secrets[1])"], [:], 69),
        ]
        for (args, env, expected) in runs {
            let r = try run(Paths.binary, ["restore", Paths.fixture("pg15/app.custom.dump"), "-d", live, "--owner", "dest_owner", "--json",
                                           "--pushgateway", "http://127.0.0.1:9"] + args, env: env, timeout: 120)
            for s in secrets {
                #expect(!r.stderr.contains(s) && !r.stdout.contains(s), "\(args) \(env.keys.sorted()): the password was printed")
            }
            #expect(r.status == expected, "\(r.stderr)")
        }
    }
}
