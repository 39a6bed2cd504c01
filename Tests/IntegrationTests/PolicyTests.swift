import Foundation
import Restore
import Testing

// `restore --policy` (docs/restore.md, "Masking and subsetting"): a database with personal data
// made at test time, dumped by pg_dump 15 (-Fc to a file and through a pipe, -Fd, -Ft, -Fp), restored with
// the README's policy (and two tables whose hashed key and foreign key must still join, and a
// partitioned table) from a custom file, stdin, a directory, a tar archive and a plain file, with
// --jobs 1, 2 and 4. No original value of a masked column is left anywhere in the restored
// database, `where` keeps exactly the rows it says, the rows check counts the kept rows, masked
// values are the same with the same key and differ with another, `data: false` leaves the table
// empty, and a policy naming a missing column is refused before anything is created.

private enum PolicySource {
    static let schema = #"""
        CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL UNIQUE, name text, password_digest text);
        INSERT INTO users SELECT g, 'person' || g || '@corp-secret.example', 'Secretname' || g, 'digest' || g FROM generate_series(1, 200) g;
        CREATE TABLE emails (id bigint PRIMARY KEY, user_id int REFERENCES users(id), address text, body text, created_at timestamptz, state text);
        INSERT INTO emails SELECT g, g % 200 + 1, 'person' || (g % 200 + 1) || '@corp-secret.example',
          E'Hello\tperson' || g || E'@corp-secret.example,\nsee you', now() - g * interval '10 minutes' + interval '5 minutes',
          CASE WHEN g % 5 = 0 THEN 'failed' ELSE 'sent' END FROM generate_series(1, 300) g;
        CREATE TABLE content_items (id int PRIMARY KEY, payload_version int NOT NULL);
        INSERT INTO content_items SELECT g, g * 7 FROM generate_series(1, 50) g;
        CREATE TABLE audit_events (id int, what text);
        INSERT INTO audit_events SELECT g, 'person' || g || '@corp-secret.example logged in' FROM generate_series(1, 40) g;
        CREATE TABLE accounts (email text PRIMARY KEY, plan text);
        INSERT INTO accounts SELECT 'acct' || g || '@corp-secret.example', 'basic' FROM generate_series(1, 60) g;
        CREATE TABLE logins (id int PRIMARY KEY, account_email text REFERENCES accounts(email));
        INSERT INTO logins SELECT g, 'acct' || (g % 60 + 1) || '@corp-secret.example' FROM generate_series(1, 150) g;
        CREATE TABLE events (id int, email text, at date) PARTITION BY RANGE (at);
        CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM ('2000-01-01') TO ('2020-01-01');
        CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2100-01-01');
        INSERT INTO events SELECT g, 'ev' || g || '@corp-secret.example', date '2010-01-01' + g * 30 FROM generate_series(1, 300) g;
        """#
    /// Emails kept: created in the last day (g ≤ 144) and not failed (g % 5 ≠ 0).
    static let keptEmailIds = (1...144).filter { $0 % 5 != 0 }

    static let policy = """
        tables:
          public.users:
            columns:
              email: {email: {domain: example.invalid}}
              name: {fake: name}
              password_digest: {set: null}
          public.emails:
            where: "created_at >= now() - interval '1 day' and state <> 'failed'"
            columns:
              address: {hash: email}
              body: {regex_replace: {pattern: '[^@\\s]+@[^@\\s]+', with: 'redacted@example.invalid'}}
          public.content_items:
            columns:
              payload_version: {set: 0}
          public.audit_*:
            data: false
          public.accounts:
            columns:
              email: {hash: email}
          public.logins:
            sample: 50%
            columns:
              account_email: {hash: email}
          public.events:
            where: "at < '2030-01-01'"
            columns:
              email: {hash: email}
        """
    static let tables = ["users", "emails", "content_items", "audit_events", "accounts", "logins", "events"]
    /// Events kept: a policy on the partitioned table covers its partitions' data.
    static let keptEvents = (1...300).filter { g in
        // date '2010-01-01' + g * 30 < '2030-01-01' (7305 days later)
        g * 30 < 7305
    }.count
}

@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct PolicyTests {
    private static func restore(_ c: Cluster, _ args: [String], key: String, stdin: String? = nil) throws -> (RunResult, String) {
        let live = "poldst_\(UUID().uuidString.prefix(8).lowercased())"
        let conninfo = c.conninfo(db: "postgres", user: "restorer")
        let common = ["-d", live, "--owner", "dest_owner", "--target", conninfo]
        if let stdin {
            let q = (common + args).map { "'\($0)'" }.joined(separator: " ")
            return (try shell("PGREOWN_MASK_KEY='\(key)' \"$PGREOWN\" restore - \(q) < '\(stdin)'", timeout: 120), live)
        }
        return (try run(Paths.binary, ["restore"] + args + common, env: ["PGREOWN_MASK_KEY": key], timeout: 120), live)
    }

    private static func one(_ conn: Connection, _ sql: String) throws -> String {
        try conn.query(sql).first?.first.flatMap { $0 } ?? ""
    }

    @Test func maskedAndSubsetOnTheWayIn() async throws {
        let c = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(c)
        let db = try c.createDatabase(prefix: "polsrc")
        defer { c.dropDatabase(db) }
        let made = try c.psql(["-c", PolicySource.schema], db: db)
        try #require(made.status == 0, "\(made.stderr)")
        let tmp = try TempDir()
        let custom = tmp.file("src.dump"), directory = tmp.file("src.dir"), tar = tmp.file("src.tar"), piped = tmp.file("piped.dump"), plain = tmp.file("src.sql"), policy = tmp.file("policy.yml")
        for args in [["-Fc", "-f", custom], ["-Fd", "-f", directory], ["-Ft", "-f", tar], ["-Fp", "-f", plain]] {
            let r = try run(c.tool("pg_dump"), args + c.clientArgs(user: "postgres", db: db), env: Cluster.clientEnv)
            try #require(r.status == 0, "\(r.stderr)")
        }
        let p = try shell((["PGTZ=UTC", c.tool("pg_dump"), "-Fc"] + c.clientArgs(user: "postgres", db: db)).map { $0.hasPrefix("PGTZ") ? $0 : "'\($0)'" }.joined(separator: " ") + " | cat > '\(piped)'")
        try #require(p.status == 0, "\(p.stderr)")
        try PolicySource.policy.write(toFile: policy, atomically: true, encoding: .utf8)

        // The same key from a file and from stdin; another key with --jobs 4 from the plain script.
        let runs: [(String, [String], String, String?)] = [
            ("custom file", ["--policy", policy, custom], "key-one", nil),
            ("custom via stdin", ["--policy", policy], "key-one", piped),
            ("plain file --jobs 4", ["--policy", policy, "--jobs", "4", "--json", plain], "key-two", nil),
            ("custom file --jobs 4", ["--policy", policy, "--jobs", "4", custom], "key-one", nil),
            ("directory --jobs 2", ["--policy", policy, "--jobs", "2", directory], "key-one", nil),
            ("tar", ["--policy", policy, tar], "key-one", nil),
        ]
        var fingerprints: [String] = []
        for (what, args, key, stdin) in runs {
            let (r, live) = try Self.restore(c, args, key: key, stdin: stdin)
            defer { c.dropDatabase(live) }
            #expect(r.status == 0, "\(what): \(r.stderr)")
            guard r.status == 0 else { fingerprints.append("failed"); continue }
            #expect(r.stderr.contains("check rows: ok"), "\(what): \(r.stderr)")
            #expect(r.stderr.contains("policy: public.emails: 300 rows read, \(PolicySource.keptEmailIds.count) kept, \(300 - PolicySource.keptEmailIds.count) dropped"), "\(what): \(r.stderr)")
            let conn = try c.connect(db: live)
            defer { conn.close() }
            // No original value anywhere, searched row by row as text in every table.
            for t in PolicySource.tables {
                #expect(try Self.one(conn, "SELECT count(*) FROM \(t) x WHERE x::text LIKE '%corp-secret%' OR x::text LIKE '%Secretname%' OR x::text LIKE '%digest%'") == "0", "\(what): \(t)")
            }
            #expect(try Self.one(conn, "SELECT count(*) FROM users WHERE email LIKE '%@example.invalid' AND password_digest IS NULL AND name ~ '^[A-Z][a-z]+ [A-Z][a-z]+$'") == "200", "\(what)")
            #expect(try Self.one(conn, "SELECT count(DISTINCT email) FROM users") == "200", "\(what)")
            #expect(try Self.one(conn, "SELECT string_agg(id::text, ',' ORDER BY id) FROM emails") == PolicySource.keptEmailIds.map(String.init).joined(separator: ","), "\(what)")
            #expect(try Self.one(conn, "SELECT count(*) FROM emails WHERE body = E'Hello\\tredacted@example.invalid\\nsee you'") == String(PolicySource.keptEmailIds.count), "\(what)")
            #expect(try Self.one(conn, "SELECT count(*) FROM content_items WHERE payload_version = 0") == "50", "\(what)")
            #expect(try Self.one(conn, "SELECT count(*) FROM audit_events") == "0", "\(what)")
            #expect(try Self.one(conn, "SELECT count(*) FROM events WHERE email LIKE 'u%@example.invalid'") == String(PolicySource.keptEvents), "\(what)")
            // The hashed key and its hashed foreign key still join (and the constraint was added).
            let logins = try Int(Self.one(conn, "SELECT count(*) FROM logins")) ?? -1
            #expect(logins > 40 && logins < 110, "\(what): a 50% sample of 150 kept \(logins)")
            #expect(try Self.one(conn, "SELECT count(*) FROM logins l JOIN accounts a ON a.email = l.account_email") == String(logins), "\(what)")
            #expect(try Self.one(conn, "SELECT count(*) FROM pg_constraint WHERE conname = 'logins_account_email_fkey' AND convalidated") == "1", "\(what)")
            // emails.address hashes to what the same address hashes to everywhere.
            fingerprints.append(try Self.one(conn, "SELECT md5(string_agg(email || name, ',' ORDER BY id)) || md5((SELECT string_agg(address, ',' ORDER BY id) FROM emails)) FROM users")
                                + "/" + Self.one(conn, "SELECT md5(string_agg(id::text, ',' ORDER BY id)) FROM logins"))
            if what.hasPrefix("plain") {
                #expect(r.stdout.contains("\"rowsKept\" : \(PolicySource.keptEmailIds.count)") || r.stdout.contains("\"rowsKept\":\(PolicySource.keptEmailIds.count)"), "\(what): \(r.stdout)")
            }
        }
        #expect(fingerprints[0] == fingerprints[1], "same key, same masked values")
        #expect(fingerprints[0] == fingerprints[3], "same key with --jobs 4")
        #expect(fingerprints[0] == fingerprints[4], "same key from a directory archive")
        #expect(fingerprints[0] == fingerprints[5], "same key from a tar archive")
        #expect(fingerprints[0] != fingerprints[2], "another key, other masked values")

        // A policy naming a column the dump does not have: refused, naming its line; nothing created.
        let bad = tmp.file("bad.yml")
        try "tables:\n  public.users:\n    columns:\n      email: {hash: email}\n      nickname: {fake: name}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let (r, live) = try Self.restore(c, ["--policy", bad, custom], key: "k")
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("bad.yml:5:") && r.stderr.contains("nickname"), "\(r.stderr)")
        #expect(try Self.one(c.connect(), "SELECT count(*) FROM pg_database WHERE datname LIKE '\(live)%'") == "0")
        // No key: refused as a usage error before the server is contacted.
        let (nk, nkLive) = try Self.restore(c, ["--policy", policy, custom], key: "")
        #expect(nk.status == 64 && nk.stderr.contains("PGREOWN_MASK_KEY"), "\(nk.stderr)")
        #expect(try Self.one(c.connect(), "SELECT count(*) FROM pg_database WHERE datname LIKE '\(nkLive)%'") == "0")
        // A plain script from a pipe cannot be checked before it runs: refused.
        let (pp, _) = try Self.restore(c, ["--policy", policy], key: "k", stdin: plain)
        #expect(pp.status == 64 && pp.stderr.contains("from a pipe"), "\(pp.stderr)")
        // verify --policy says what happens per table, and refuses the same file.
        let v = try pgreown("verify", "--policy", policy, custom)
        #expect(v.status == 0 && v.stdout.contains("public.audit_events: data left out"), "\(v.stdout)\(v.stderr)")
        #expect(v.stdout.contains("public.events_2 (partition of public.events): rows where at < '2030-01-01'"), "\(v.stdout)")
        let vb = try pgreown("verify", "--policy", bad, custom)
        #expect(vb.status == 65 && vb.stderr.contains("bad.yml:5:"), "\(vb.stderr)")
    }
}
