import Foundation
import Testing

/// `pgreown rewrite --format plain`, through the CLI: plain → plain (file, gzip file, stdin),
/// archive → plain, `--target-version`, and (with scripts/with-pg) psql loading the result.
@Suite struct RewritePlainTests {
    /// Every plain fixture, relative to Tests/Fixtures ("pg17/app.plain.sql").
    static let plainFixtures: [String] = {
        let fm = FileManager.default
        let versions = ((try? fm.contentsOfDirectory(atPath: Paths.fixtures.path)) ?? []).filter { $0.hasPrefix("pg") }
        return versions.flatMap { v in
            ((try? fm.contentsOfDirectory(atPath: Paths.fixtures.appendingPathComponent(v).path)) ?? [])
                .filter { $0.hasSuffix(".plain.sql") }.map { "\(v)/\($0)" }
        }.sorted()
    }()

    /// Options under which every role maps to itself.
    static let identity = ["--owner", "app_owner", "--keep-owner", "account-api", "--keep-owner", "Data Team",
                           "--keep-owner", "postgres"]

    /// What an identity rewrite makes of a script, compared after `normalized`: the same bytes,
    /// except that ACL entries run as their owner (`SET ROLE owner;` … `RESET ROLE;`) and grant
    /// blocks of a third-party grantor switch with SET ROLE (docs/commands.md, "Who grants, who owns").
    static func identityExpected(_ input: [UInt8]) -> [UInt8] { normalized(input) }

    /// Drop the role-switching lines, the only lines an identity rewrite adds or changes.
    static func normalized(_ script: [UInt8]) -> [UInt8] {
        let lines = String(decoding: script, as: UTF8.self).components(separatedBy: "\n").filter {
            !($0.hasPrefix("SET ROLE ") || $0 == "RESET ROLE;" || $0.hasPrefix("SET SESSION AUTHORIZATION ")
              || $0 == "RESET SESSION AUTHORIZATION;")
        }
        return Array(lines.joined(separator: "\n").utf8)
    }

    /// Every ACL entry that grants or revokes runs as its owner.
    static func expectACLsRunAsOwner(_ script: String, owner: String? = nil) {
        let blocks = script.components(separatedBy: "\n--\n-- Name: ").dropFirst()
        var checked = 0
        for b in blocks {
            let header = b.prefix { $0 != "\n" }
            // Not the 17+ large-object groups (pg_restore splits their text) nor objects only a
            // superuser may own (their owner is not the mapped role).
            guard header.contains("; Type: ACL;"), !header.hasPrefix("LARGE OBJECTS "),
                  !header.hasPrefix("FOREIGN DATA WRAPPER ") else { continue }
            let body = b.components(separatedBy: "\n--\n\n").dropFirst().joined()
            guard body.contains("GRANT ") || body.contains("REVOKE ") else { continue }
            let entryOwner = owner ?? String(header.components(separatedBy: "; Owner: ").last ?? "")
            #expect(body.hasPrefix("SET ROLE \(entryOwner.contains(" ") || entryOwner.contains("-") ? "\"\(entryOwner)\"" : entryOwner);\n"), "\(header)")
            #expect(body.contains("\nRESET ROLE;\n"), "\(header)")
            checked += 1
        }
        #expect(checked > 0)
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func gunzip(_ path: String) throws -> [UInt8] {
        let r = try run("/bin/sh", ["-c", "gzip -dc '\(path)'"])
        #expect(r.status == 0)
        return Array(r.stdout.utf8)
    }

    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let n = zip(a, b).prefix { $0 == $1 }.count
        let start = a[..<n].lastIndex(of: 0x0a).map { $0 + 1 } ?? 0
        func around(_ x: [UInt8]) -> String { String(decoding: x[min(start, x.count)..<min(x.count, start + 200)], as: UTF8.self) }
        return "differ at byte \(n) (sizes \(a.count), \(b.count)):\n\(around(a))\n---\n\(around(b))"
    }

    // MARK: - Plain → plain

    @Test(arguments: plainFixtures)
    func identityRewriteReproducesTheScript(_ name: String) throws {
        let input = Paths.fixture(name)
        let tmp = try TempDir()
        let out = tmp.file("out.sql")
        let r = try run(Paths.binary, ["rewrite", input, "--format", "plain"] + Self.identity + ["-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let expected = Self.identityExpected(try Self.bytes(input))
        let got = Self.normalized(try Self.bytes(out))
        #expect(got == expected, "\(Self.firstDifference(got, expected))")
        #expect(lastLine(r.stderr).contains("0 roles mapped"), "\(r.stderr)")
        Self.expectACLsRunAsOwner(String(decoding: try Self.bytes(out), as: UTF8.self))

        // From a pipe (one pass, header comments and large objects regenerated): the same bytes.
        let piped = try shell("cat '\(input)' | \"$PGREOWN\" rewrite - --format plain \(Self.identity.map { "'\($0)'" }.joined(separator: " ")) -o '\(tmp.file("piped.sql"))'")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stderr.contains("reading a plain script from a pipe, in one pass"))
        let gotPiped = Self.normalized(try Self.bytes(tmp.file("piped.sql")))
        #expect(gotPiped == expected, "\(Self.firstDifference(gotPiped, expected))")
    }

    @Test(arguments: plainFixtures.map { $0 + ".gz" })
    func identityRewriteOfAGzipScriptIsTheScriptDecompressed(_ name: String) throws {
        let input = Paths.fixture(name)
        let tmp = try TempDir()
        let out = tmp.file("out.sql")
        let r = try run(Paths.binary, ["rewrite", input, "--format", "plain"] + Self.identity + ["-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let expected = Self.identityExpected(try Self.gunzip(input))
        let got = Self.normalized(try Self.bytes(out))
        #expect(got == expected, "\(Self.firstDifference(got, expected))")
    }

    @Test(arguments: plainFixtures.filter { $0.contains("/app.") })
    func ownerRewriteTouchesOnlyRoleNames(_ name: String) throws {
        let input = Paths.fixture(name)
        let tmp = try TempDir()
        let out = tmp.file("out.sql")
        let r = try run(Paths.binary, ["rewrite", input, "--format", "plain", "--owner", "dest_owner", "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let before = String(decoding: try Self.bytes(input), as: UTF8.self)
        let after = String(decoding: try Self.bytes(out), as: UTF8.self)
        let lines = after.components(separatedBy: "\n")
        // Every ALTER … OWNER TO statement names dest_owner; so does every header's Owner field.
        let alters = lines.filter { $0.hasPrefix("ALTER ") && $0.contains(" OWNER TO ") }
        #expect(alters.count > 20)
        for l in alters { #expect(l.hasSuffix(" OWNER TO dest_owner;"), "\(l)") }
        for l in lines where l.hasPrefix("-- Name: ") || l.hasPrefix("-- Data for Name: ") {
            let owner = l.components(separatedBy: "; Owner: ").last ?? ""
            #expect(["dest_owner", "-", ""].contains(owner), "\(l)")
        }
        // Function bodies, comments' literals and data are not SQL to rewrite.
        #expect(after.contains("        ALTER TABLE x OWNER TO \"account-api\";\n"))
        #expect(after.contains("RETURN 'ALTER TABLE x OWNER TO \"account-api\"; GRANT ALL ON t TO \"Data Team\"';"))
        func copyBlock(_ s: String, _ table: String) -> String? {
            guard let start = s.range(of: "COPY \(table) "), let end = s.range(of: "\n\\.\n", range: start.upperBound..<s.endIndex) else { return nil }
            return String(s[start.lowerBound..<end.upperBound])
        }
        let notes = try #require(copyBlock(before, "\"Data Team\".notes"))
        #expect(notes.contains("Run: ALTER TABLE x OWNER TO \"account-api\""))
        #expect(notes.contains("SET SESSION AUTHORIZATION app_owner;"))
        #expect(copyBlock(after, "\"Data Team\".notes") == notes)
        // Lines that changed are role-bearing ones only (role-switching lines set aside).
        Self.expectACLsRunAsOwner(after, owner: "dest_owner")
        let old = String(decoding: Self.normalized(Array(before.utf8)), as: UTF8.self).components(separatedBy: "\n")
        let new = String(decoding: Self.normalized(Array(after.utf8)), as: UTF8.self).components(separatedBy: "\n")
        #expect(old.count == new.count)
        for (a, b) in zip(old, new) where a != b {
            let roleLine = ["-- Name: ", "-- Data for Name: ", "ALTER ", "GRANT ", "REVOKE ", "CREATE POLICY ", "SET ", "RESET "]
                .contains { b.hasPrefix($0) }
            #expect(roleLine, "changed: \(a) → \(b)")
        }
        #expect(!after.contains("SET SESSION AUTHORIZATION grantor_role;"))
        #expect(after.contains("SET ROLE grantor_role;\nGRANT SELECT ON TABLE app.customers TO auditor;\nSET ROLE dest_owner;\n"))
    }

    @Test(arguments: ["pg17/app.plain.sql", "pg18/app.plain.sql", "pg17/superuser_objects.plain.sql", "pg18/app.plain.sql.gz"])
    func targetVersion15LeavesOutTransactionTimeout(_ name: String) throws {
        let input = Paths.fixture(name)
        let tmp = try TempDir()
        let out = tmp.file("out.sql")
        let r = try run(Paths.binary, ["rewrite", input, "--format", "plain", "--target-version", "15"] + Self.identity + ["-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let source = name.hasSuffix(".gz") ? try Self.gunzip(input) : try Self.bytes(input)
        let line = Array("SET transaction_timeout = 0;\n".utf8)
        var expected = Self.identityExpected(source)
        let range = try #require(expected.firstRange(of: line))
        expected.removeSubrange(range)
        let got = Self.normalized(try Self.bytes(out))
        #expect(got == expected, "\(Self.firstDifference(got, expected))")
        // 17 and above keep it.
        let keep = try run(Paths.binary, ["rewrite", input, "--format", "plain", "--target-version", "17"] + Self.identity + ["-o", out])
        #expect(keep.status == 0)
        #expect(Self.normalized(try Self.bytes(out)) == Self.identityExpected(source))
    }

    // MARK: - One pass from a pipe

    static let lateOwnerScript = """
        --
        -- PostgreSQL database dump
        --

        SET statement_timeout = 0;
        SET standard_conforming_strings = on;

        --
        -- Name: s; Type: SCHEMA; Schema: -; Owner: alice
        --

        CREATE SCHEMA s;


        ALTER SCHEMA s OWNER TO alice;

        --
        -- Name: SCHEMA s; Type: ACL; Schema: -; Owner: alice
        --

        GRANT USAGE ON SCHEMA s TO bob;


        --
        -- Name: t; Type: TABLE; Schema: s; Owner: bob
        --

        CREATE TABLE s.t (a integer);


        ALTER TABLE s.t OWNER TO bob;

        --
        -- PostgreSQL database dump complete
        --


        """

    @Test func onePassRefusesARoleNamedBeforeItOwnsAnything() throws {
        let tmp = try TempDir()
        let script = tmp.file("late.sql")
        try Self.lateOwnerScript.write(toFile: script, atomically: true, encoding: .utf8)
        // From a file: two passes, bob is mapped everywhere.
        let file = try run(Paths.binary, ["rewrite", script, "--format", "plain", "--owner", "dest", "-o", tmp.file("f.sql")])
        #expect(file.status == 0, "\(file.stderr)")
        let f = try String(contentsOfFile: tmp.file("f.sql"), encoding: .utf8)
        #expect(f.contains("GRANT USAGE ON SCHEMA s TO dest;"))
        #expect(f.contains("ALTER TABLE s.t OWNER TO dest;"))
        #expect(f.contains("-- Name: t; Type: TABLE; Schema: s; Owner: dest\n"))
        // From a pipe: bob was granted USAGE before pgreown knew he owns a table: nothing written.
        let out = tmp.file("p.sql")
        let piped = try shell("cat '\(script)' | \"$PGREOWN\" rewrite - --format plain --owner dest -o '\(out)'")
        #expect(piped.status == 1, "\(piped.stderr)")
        #expect(lastLine(piped.stderr).contains("nothing written"), "\(piped.stderr)")
        #expect(lastLine(piped.stderr).contains("bob (1 earlier reference)"), "\(piped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        // To stdout the bytes are gone already: flagged incomplete, exit 1.
        let toStdout = try shell("cat '\(script)' | \"$PGREOWN\" rewrite - --format plain --owner dest -o -")
        #expect(toStdout.status == 1)
        #expect(lastLine(toStdout.stderr).contains("INCOMPLETE"))
        // --map names bob up front: the pipe works.
        let mapped = try shell("cat '\(script)' | \"$PGREOWN\" rewrite - --format plain --owner dest --map bob=dest -o '\(out)'")
        #expect(mapped.status == 0, "\(mapped.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == f)
    }

    @Test func onePassRefusesTarget() throws {
        let r = try shell("cat '\(Paths.fixture("pg15/app.plain.sql"))' | \"$PGREOWN\" rewrite - --format plain --owner x --target 'host=/nonexistent' -o /dev/null")
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("--target"))
    }

    @Test func truncatedScriptLeavesNoOutput() throws {
        let tmp = try TempDir()
        let src = try Self.bytes(Paths.fixture("pg16/app.plain.sql"))
        let cut = tmp.file("cut.sql")
        try Data(src.prefix(src.count / 2)).write(to: URL(fileURLWithPath: cut))
        let out = tmp.file("out.sql")
        let r = try run(Paths.binary, ["rewrite", cut, "--format", "plain", "--owner", "x", "-o", out])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let piped = try shell("cat '\(cut)' | \"$PGREOWN\" rewrite - --format plain --owner x -o '\(out)'")
        #expect(piped.status == 65, "\(piped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    // MARK: - Archive → plain

    /// With every role mapping to itself, the script is pg_restore's (`<db>.restore.sql`), but
    /// for the restrict key and the grantor blocks.
    @Test(arguments: archiveFixtures)
    func archiveToPlainIsPgRestoresScript(_ name: String) throws {
        let input = Paths.fixture(name)
        let tmp = try TempDir()
        let out = tmp.file("out.sql")
        let r = try run(Paths.binary, ["rewrite", input, "--format", "plain"] + Self.identity + ["-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let db = String(name.split(separator: "/")[1].prefix { $0 != "." })
        let dir = String(name.prefix { $0 != "/" })
        var expected = String(decoding: try Self.bytes(Paths.fixture("\(dir)/\(db).restore.sql")), as: UTF8.self)
        let got = String(decoding: try Self.bytes(out), as: UTF8.self)
        func key(_ s: String) -> String? {
            s.split(separator: "\n").first { $0.hasPrefix("\\restrict ") }.map { String($0.dropFirst(10)) }
        }
        if let k = key(expected) {
            let g = try #require(key(got))
            expected = expected.replacingOccurrences(of: k, with: g)
        } else {
            #expect(key(got) == nil)
        }
        let want = Self.identityExpected(Array(expected.utf8))
        let normalizedGot = Self.normalized(Array(got.utf8))
        #expect(normalizedGot == want, "\(Self.firstDifference(normalizedGot, want))")
        Self.expectACLsRunAsOwner(got)
    }

    @Test func archiveToPlainFromAPipe() throws {
        let input = Paths.fixture("pg17/app.custom-pipe.dump")
        let tmp = try TempDir()
        let r = try shell("cat '\(input)' | \"$PGREOWN\" rewrite - --format plain --owner dest_owner --target-version 15 -o '\(tmp.file("o.sql"))'")
        #expect(r.status == 0, "\(r.stderr)")
        let s = try String(contentsOfFile: tmp.file("o.sql"), encoding: .utf8)
        #expect(!s.contains("transaction_timeout"))
        #expect(s.contains("ALTER LARGE OBJECT 4242 OWNER TO dest_owner;"))
        #expect(s.contains("-- Dumped by pg_dump version 17.10\n"))
    }

    @Test func failedArchiveToPlainLeavesNoOutput() throws {
        let tmp = try TempDir()
        let src = try Self.bytes(Paths.fixture("pg15/app.custom.dump"))
        let cut = tmp.file("cut.dump")
        try Data(src.prefix(src.count - 100)).write(to: URL(fileURLWithPath: cut))
        let out = tmp.file("out.sql")
        let r = try run(Paths.binary, ["rewrite", cut, "--format", "plain", "--owner", "x", "-o", out])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}

/// psql loads what `rewrite --format plain` writes, into the PostgreSQL 15 of scripts/with-pg.
@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"), .serialized)
struct RewritePlainServerTests {
    static func psql(_ args: [String], user: String = "postgres", db: String = "postgres") throws -> RunResult {
        try run("\(pgBin)/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", user, "-d", db] + args, timeout: 180)
    }

    /// Rewrite, load with psql as `user` into a fresh database owned by dest_owner, check owners.
    func load(_ fixture: String, extra: [String] = [], user: String) throws {
        try FixtureRoles.ensureOnTestServer()
        let tmp = try TempDir()
        let out = tmp.file("rewritten.sql")
        let r = try run(Paths.binary, ["rewrite", Paths.fixture(fixture), "--format", "plain", "--owner", "dest_owner"] + extra + ["-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let db = "plain_\(UInt32.random(in: 0...UInt32.max))"
        let c = try Self.psql(["-c", "CREATE DATABASE \(db) OWNER dest_owner"])
        #expect(c.status == 0, "\(c.stderr)")
        defer { _ = try? Self.psql(["-c", "DROP DATABASE IF EXISTS \(db)"]) }
        let l = try Self.psql(["-f", out], user: user, db: db)
        #expect(l.status == 0, "\(fixture) \(extra): \(l.stderr)")
        #expect(!l.stderr.contains("ERROR"), "\(l.stderr)")
        // Everything pg_dump gives an owner now belongs to dest_owner.
        let q = """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
               AND c.relkind IN ('r', 'v', 'm', 'S', 'f', 'p') AND c.relowner <> 'dest_owner'::regrole
            UNION ALL
            SELECT count(*) FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public')
               AND nspname NOT LIKE 'pg_toast%' AND nspname NOT LIKE 'pg_temp%' AND nspowner <> 'dest_owner'::regrole
            UNION ALL
            SELECT count(*) FROM pg_largeobject_metadata WHERE lomowner <> 'dest_owner'::regrole
            """
        let owners = try Self.psql(["-A", "-t", "-c", q], db: db)
        #expect(owners.status == 0, "\(owners.stderr)")
        if fixture.contains("/app.") {
            #expect(owners.stdout.split(separator: "\n") == ["0", "0", "0"], "\(fixture): \(owners.stdout)")
        }
    }

    @Test(arguments: ["pg15/app.custom.dump", "pg15/app.dir", "pg15/app.tar", "pg15/app.plain.sql", "pg15/app.plain.sql.gz"])
    func pg15AppLoadsAsRestorer(_ fixture: String) throws {
        try load(fixture, user: "restorer")
    }

    @Test(arguments: ["pg17/app.custom.dump", "pg17/app.plain.sql", "pg18/app.custom-z0.dump"])
    func newerDumpsLoadIntoPG15WithTargetVersion(_ fixture: String) throws {
        try load(fixture, extra: ["--target-version", "15"], user: "restorer")
    }

    /// Event trigger, FDW, C function, untrusted language: a superuser's load. The superuser keeps
    /// its objects (PostgreSQL wants a superuser to own an FDW or event trigger; mapping postgres
    /// to dest_owner is the role policy's open issue, see RestoreAcceptanceTests).
    @Test(arguments: ["pg15/superuser_objects.custom.dump", "pg15/superuser_objects.plain.sql",
                      "pg17/superuser_objects.custom.dump", "pg17/superuser_objects.plain.sql"])
    func superuserObjectsLoadAsSuperuser(_ fixture: String) throws {
        let target = fixture.hasPrefix("pg17/") ? ["--target-version", "15"] : []
        try load(fixture, extra: target + ["--keep-owner", "postgres"], user: "postgres")
    }
}
