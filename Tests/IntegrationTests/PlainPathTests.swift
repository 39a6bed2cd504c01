import Foundation
import Restore
import Testing

// The plain-SQL input path of `restore` (and `rewrite` of plain input) follows the archive
// path's rules and reads a script as psql and the server do:
//   1. the version bridge for the server's major and the fk-not-valid lever apply to each
//      pseudo-entry (Restorer.forServer, the archive path's own call);
//   2. every `SET standard_conforming_strings` of the script switches how the rest is lexed,
//      from a file and from a pipe, for restore and rewrite;
//   3. `SET client_encoding` too: a client-only encoding (SJIS, BIG5, GBK…) has trail bytes 0x5c;
//   4. a piped script naming a role before its first ALTER … OWNER TO gets the warning;
//   5. a `pg_dump --create` script: its database-level statements apply to the scratch
//      database, its `\connect` to its own database is accepted, any other refused.
// Each script is real pg_dump output (the fixtures, or made here from the PostgreSQL 15 test
// cluster); where a test edits one, it says what it inserts.

@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct PlainPathTests {
    /// The bin directory of PostgreSQL `major` (scripts/lib.sh pg_bin_dir).
    static func binDir(_ major: Int) throws -> String {
        let r = try run("/bin/bash", ["-c", ". '\(Paths.root.path)/scripts/lib.sh' && pg_bin_dir \(major)"])
        let dir = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard r.status == 0, !dir.isEmpty else { throw ClusterError("no PostgreSQL \(major) binaries: \(r.stderr)") }
        return dir
    }

    /// A database on `c` made by `sql` (run as the superuser).
    static func sourceDatabase(_ c: Cluster, _ sql: String) throws -> String {
        let db = try c.createDatabase(prefix: "plainsrc")
        let r = try c.psql(["-c", sql], db: db)
        guard r.status == 0 else { throw ClusterError("source database: \(r.stderr)") }
        return db
    }

    /// `pg_dump` of `major` of database `db` on `c` into `file`; `env` for PGOPTIONS.
    static func dump(_ c: Cluster, _ db: String, major: Int, args: [String], to file: String, env: [String: String] = [:]) throws {
        let r = try run("\(try binDir(major))/pg_dump", args + ["-f", file] + c.clientArgs(user: "postgres", db: db),
                        env: Cluster.clientEnv.merging(env) { $1 }, timeout: 120)
        guard r.status == 0 else { throw ClusterError("pg_dump \(major): \(r.stderr)") }
    }

    /// `pgreown restore` of `script` into a new live database, from the file or through stdin.
    static func restore(_ c: Cluster, _ script: String, live: String, piped: Bool, login: String = "restorer", extra: [String] = []) throws -> RunResult {
        let conninfo = c.conninfo(db: "postgres", user: login)
        if piped {
            let args = extra.map { "'\($0)'" }.joined(separator: " ")
            return try shell("\"$PGREOWN\" restore - -d \(live) --owner dest_owner --target \"\(conninfo)\" \(args) < '\(script)'", timeout: 180)
        }
        return try run(Paths.binary, ["restore", script, "-d", live, "--owner", "dest_owner", "--target", conninfo] + extra, timeout: 180)
    }

    static func value(_ c: Cluster, _ db: String, _ sql: String) throws -> String? {
        try c.connect(db: db).query(sql).first?[0] ?? nil
    }

    // MARK: 1. the version bridge and fk-not-valid

    /// pg_dump 17's script with a `GRANT MAINTAIN` (which only 17+ has; inserted into the ACL
    /// entry of app.orders) restores into PostgreSQL 15 with MAINTAIN taken out, from a file and
    /// from a pipe; the log says so.
    @Test(arguments: [false, true])
    func maintainIsTakenOutForAnOlderServer(piped: Bool) async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let original = try String(contentsOfFile: Paths.fixture("pg17/app.plain.sql"), encoding: .utf8)
        let marker = "GRANT SELECT ON TABLE app.orders TO reporting;\n"
        try #require(original.contains(marker))
        let script = tmp.file("maintain.sql")
        try original.replacingOccurrences(of: marker, with: marker + "GRANT MAINTAIN ON TABLE app.orders TO reporting;\nGRANT SELECT, MAINTAIN ON TABLE app.orders TO auditor;\n")
            .write(toFile: script, atomically: true, encoding: .utf8)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let r = try Self.restore(cluster, script, live: live, piped: piped)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("version bridge to PostgreSQL 15") && r.stderr.contains("MAINTAIN"), "\(r.stderr)")
        #expect(try Self.value(cluster, live, "SELECT has_table_privilege('auditor', 'app.orders', 'SELECT')::text") == "true")
    }

    /// pg_dump 18 `--statistics` writes STATISTICS DATA entries (pg_restore_relation_stats,
    /// PostgreSQL 18+): restoring the plain script into 15 leaves them out, as an archive's.
    @Test func statisticsDataIsLeftOutForAnOlderServer() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let src = try Self.sourceDatabase(cluster, """
            CREATE TABLE t (id int PRIMARY KEY, v text); ALTER TABLE t OWNER TO app_owner;
            INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 500) g; ANALYZE t;
            """)
        defer { cluster.dropDatabase(src) }
        let script = tmp.file("stats.sql")
        try Self.dump(cluster, src, major: 18, args: ["-Fp", "--statistics"], to: script)
        let text = try String(contentsOfFile: script, encoding: .utf8)
        try #require(text.contains("Type: STATISTICS DATA"), "pg_dump 18 wrote no statistics")
        for piped in [false, true] {
            let live = try RestoreSetup.liveDatabase(cluster)
            defer { cluster.dropDatabase(live) }
            let r = try Self.restore(cluster, script, live: live, piped: piped)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("STATISTICS DATA") && r.stderr.contains("left out"), "\(r.stderr)")
            #expect(try Self.value(cluster, live, "SELECT count(*)::text FROM t") == "500")
        }
    }

    /// With fk-not-valid (a default lever) a plain script's foreign keys are added NOT VALID and
    /// validated apart, as an archive's: a row without its parent (inserted into app.order_items'
    /// COPY data) fails in the VALIDATE CONSTRAINT statement; with --bulk-load none, in ADD CONSTRAINT.
    @Test func foreignKeysAreValidatedApart() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let original = try String(contentsOfFile: Paths.fixture("pg17/app.plain.sql"), encoding: .utf8)
        let marker = "COPY app.order_items (order_id, line_no, sku, qty, price) FROM stdin;\n"
        try #require(original.contains(marker))
        let script = tmp.file("orphan.sql")
        try original.replacingOccurrences(of: marker, with: marker + "999999\t1\tSKU-X\t1\t0.00\n")
            .write(toFile: script, atomically: true, encoding: .utf8)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        for piped in [false, true] {
            let apart = try Self.restore(cluster, script, live: live, piped: piped)
            #expect(apart.status == 1, "\(apart.stderr)")
            #expect(lastLine(apart.stderr).contains("VALIDATE CONSTRAINT order_items_order_id_fkey"), "\(lastLine(apart.stderr))")
        }
        let together = try Self.restore(cluster, script, live: live, piped: false, extra: ["--bulk-load", "none"])
        #expect(together.status == 1, "\(together.stderr)")
        #expect(lastLine(together.stderr).contains("ADD CONSTRAINT order_items_order_id_fkey")
                && !lastLine(together.stderr).contains("VALIDATE"), "\(lastLine(together.stderr))")
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
    }

    // MARK: 2. standard_conforming_strings follows the script

    /// A script that turns standard_conforming_strings off after its header (a `SET` inserted
    /// after app.orders' table definition) and then holds a comment whose literal has `\'`:
    /// lexed with the setting in force there, it is one statement. From a file and from a pipe,
    /// restore and rewrite.
    @Test func everySetOfStandardConformingStringsSwitchesTheLexer() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        // The SETs end one pseudo-entry, the literals are in the next (two header comments
        // inserted, entries as pg_dump writes them, so the vocabulary guard lets them pass):
        // lexed with the wrong setting there, a literal runs on over the statements after it
        // (the guard, the rewrite and the load would each see another script).
        let script = try RestoreCommandTests.scriptWithExtraSQL("""
            SET standard_conforming_strings = off;

            --
            -- Name: TABLE orders; Type: COMMENT; Schema: app; Owner: app_owner
            --

            COMMENT ON TABLE app.orders IS 'it\\'s; really';
            SET standard_conforming_strings = on;

            --
            -- Name: COLUMN orders.id; Type: COMMENT; Schema: app; Owner: app_owner
            --

            COMMENT ON COLUMN app.orders.id IS 'back\\';
            """, in: tmp)
        for piped in [false, true] {
            let live = try RestoreSetup.liveDatabase(cluster)
            defer { cluster.dropDatabase(live) }
            let r = try Self.restore(cluster, script, live: live, piped: piped)
            #expect(r.status == 0, "\(piped ? "piped" : "file"): \(r.stderr)")
            #expect(try Self.value(cluster, live, "SELECT obj_description('app.orders'::regclass)") == "it's; really")
            #expect(try Self.value(cluster, live, "SELECT col_description('app.orders'::regclass, 1)") == "back\\")
        }
        let out = tmp.file("rewritten.sql")
        let piped = try shell("\"$PGREOWN\" rewrite - --format plain --owner dest_owner -o '\(out)' < '\(script)'")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!(try String(contentsOfFile: out, encoding: .utf8)).contains("OWNER TO app_owner"))
        let file = try pgreown("rewrite", script, "--format", "plain", "--owner", "dest_owner", "-o", out)
        #expect(file.status == 0, "\(file.stderr)")
        #expect(!(try String(contentsOfFile: out, encoding: .utf8)).contains("OWNER TO app_owner"))
    }

    // MARK: 3. client_encoding

    /// A database (UTF8) whose strings hold characters with a trail byte 0x5c in SJIS/BIG5/GBK
    /// ('表' 0x95 0x5c and 'ソ' 0x83 0x5c in SJIS, '么' 0xa4 0x5c in BIG5, '乗' 0x81 0x5c in
    /// GBK), in table data, a comment, a default and a function body, dumped with `-E ENC` and
    /// standard_conforming_strings off (where a backslash escapes a quote): the restore gives the
    /// same data and comments, plain from a file and a pipe, and a custom archive.
    @Test(arguments: ["SJIS", "BIG5", "GBK"])
    func aClientOnlyEncodingIsLexedByCharacter(encoding: String) async throws {
        // Its own cluster: pg_dump -E reads every role name, and other tests' non-ASCII roles
        // have no equivalent in these encodings.
        let cluster = try await Clusters.shared.cluster(15, named: "client-encodings")
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let words = encoding == "SJIS" ? ["表", "ソ", "能"] : encoding == "BIG5" ? ["么", "佢", "俞"] : ["乗", "俓", "僜"]
        let (a, b, c) = (words[0], words[1], words[2])
        let src = try Self.sourceDatabase(cluster, """
            CREATE TABLE t (id int PRIMARY KEY, v text DEFAULT '\(a)\(b)\(c)');
            ALTER TABLE t OWNER TO app_owner;
            INSERT INTO t VALUES (1, '\(a)'), (2, '\(b)\\'), (3, 'x\(c)y'), (4, '\(a)'';');
            COMMENT ON TABLE t IS 'note \(a)';
            COMMENT ON COLUMN t.v IS '\(b)';
            CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT '\(c)\(a)'::text $$;
            ALTER FUNCTION f() OWNER TO app_owner;
            """)
        defer { cluster.dropDatabase(src) }
        // The bytes must hold the trail byte 0x5c, or the test proves nothing.
        let probe = try cluster.connect(db: src).query("SELECT position('\\x5c'::bytea in convert_to('\(a)', $1))::text", [encoding]).first?[0] ?? nil
        try #require(probe != "0", "\(a) has no 0x5c byte in \(encoding)")
        let facts = """
            SELECT concat_ws(' | ', (SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM t),
                   obj_description('t'::regclass), col_description('t'::regclass, 2),
                   (SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 't'::regclass),
                   (SELECT prosrc FROM pg_proc WHERE proname = 'f'), f())
            """
        let expected = try Self.value(cluster, src, facts)
        let scsOff = ["PGOPTIONS": "-c standard_conforming_strings=off"]
        let plain = tmp.file("enc.sql")
        try Self.dump(cluster, src, major: 15, args: ["-Fp", "-E", encoding], to: plain, env: scsOff)
        let custom = tmp.file("enc.dump")
        try Self.dump(cluster, src, major: 15, args: ["-Fc", "-E", encoding], to: custom, env: scsOff)
        for (script, piped) in [(plain, false), (plain, true), (custom, false)] {
            let live = try RestoreSetup.liveDatabase(cluster)
            defer { cluster.dropDatabase(live) }
            let r = try Self.restore(cluster, script, live: live, piped: piped)
            #expect(r.status == 0, "\(script) \(piped ? "piped" : ""): \(r.stderr)")
            #expect(try Self.value(cluster, live, facts) == expected, "\(script) \(piped ? "piped" : "")")
        }
    }

    /// pg_dump --clean (with and without --if-exists) writes DROPs at the script's head: the
    /// scratch database is new, so they are skipped (said once), from a file and from a pipe,
    /// and the restore equals the script without them.
    @Test(arguments: [["--clean"], ["--clean", "--if-exists"]])
    func aCleanScriptRestoresWithoutItsDrops(_ options: [String]) async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let src = try cluster.createDatabase(prefix: "cleansrc")
        defer { cluster.dropDatabase(src) }
        let loaded = try run(cluster.tool("pg_restore"), ["--exit-on-error"] + cluster.clientArgs(user: "postgres", db: src)
                             + [Paths.fixture("pg15/app.custom.dump")], env: Cluster.clientEnv, timeout: 120)
        try #require(loaded.status == 0, "\(loaded.stderr)")
        let script = tmp.file("clean.sql")
        try Self.dump(cluster, src, major: 15, args: ["-Fp"] + options, to: script)
        try #require(try String(contentsOfFile: script, encoding: .utf8).contains("DROP TABLE"))
        for piped in [false, true] {
            let live = try RestoreSetup.liveDatabase(cluster)
            defer { cluster.dropDatabase(live) }
            let r = try Self.restore(cluster, script, live: live, piped: piped)
            #expect(r.status == 0, "\(options) \(piped): \(r.stderr)")
            #expect(r.stderr.contains("skipping the DROP statements of pg_dump --clean"), "\(r.stderr)")
            #expect(try Self.value(cluster, live, "SELECT count(*)::text FROM app.orders") == Self.value(cluster, src, "SELECT count(*)::text FROM app.orders"))
        }
    }

    // MARK: 4. the late-role warning of a piped script

    /// A GRANT to app_owner before app_owner's first ALTER … OWNER TO (inserted after the
    /// CREATE SCHEMA of "Data Team"): read once from a pipe, that GRANT keeps app_owner, and the
    /// restore says which role was named too early (the check then fails, nothing is swapped).
    @Test func aPipedScriptNamingARoleBeforeItsOwnerStatementIsWarnedAbout() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let original = try String(contentsOfFile: Paths.fixture("pg15/app.plain.sql"), encoding: .utf8)
        let marker = "ALTER SCHEMA \"Data Team\" OWNER TO \"Data Team\";\n"
        try #require(original.contains(marker))
        let script = tmp.file("early.sql")
        try original.replacingOccurrences(of: marker, with: marker + RestoreCommandTests.earlySchemaGrant)
            .write(toFile: script, atomically: true, encoding: .utf8)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let r = try Self.restore(cluster, script, live: live, piped: true)
        #expect(r.stderr.contains("warning: roles named before their first ALTER … OWNER TO were left unmapped there: app_owner"), "\(r.stderr)")
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
    }

    // MARK: 5. pg_dump --create

    /// `pg_dump --create` scripts of pg_dump 15 and 17 (a database setting, comment and grant):
    /// the swapped-in database has them; from a file and a pipe. A `\connect` to another
    /// database (the script edited) is refused with a one-line error naming the byte offset.
    @Test(arguments: [15, 17])
    func aCreateScriptAppliesItsDatabaseLevelStatements(major: Int) async throws {
        let cluster = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(cluster)
        let tmp = try TempDir()
        let src = try Self.sourceDatabase(cluster, "CREATE TABLE t (id int); ALTER TABLE t OWNER TO app_owner; INSERT INTO t VALUES (1), (2);")
        defer { cluster.dropDatabase(src) }
        let set = try cluster.psql(["-c", "ALTER DATABASE \(src) SET work_mem = '5MB'", "-c", "COMMENT ON DATABASE \(src) IS 'the db''s comment'",
                                    "-c", "GRANT CONNECT, TEMPORARY ON DATABASE \(src) TO reporting", "-c", "ALTER DATABASE \(src) OWNER TO app_owner"])
        try #require(set.status == 0, "\(set.stderr)")
        let script = tmp.file("create.sql")
        try Self.dump(cluster, src, major: major, args: ["-Fp", "--create"], to: script)
        for piped in [false, true] {
            let live = try RestoreSetup.liveDatabase(cluster)
            defer { cluster.dropDatabase(live) }
            let r = try Self.restore(cluster, script, live: live, piped: piped)
            #expect(r.status == 0, "\(piped ? "piped" : "file"): \(r.stderr)")
            #expect(try Self.value(cluster, live, "SELECT count(*)::text FROM t") == "2")
            #expect(try Self.value(cluster, "postgres", "SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = '\(live)' AND s.setrole = 0") == "work_mem=5MB")
            #expect(try Self.value(cluster, "postgres", "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '\(live)'") == "the db's comment")
            #expect(try Self.value(cluster, "postgres", "SELECT has_database_privilege('reporting', '\(live)', 'TEMPORARY')::text") == "true")
            #expect(try Self.value(cluster, "postgres", "SELECT datdba::regrole::text FROM pg_database WHERE datname = '\(live)'") == "dest_owner")
        }
        // The same script connecting to another database.
        let text = try String(contentsOfFile: script, encoding: .utf8)
        let other = tmp.file("other.sql")
        let connect = "\\connect \(src)"
        try #require(text.contains(connect + "\n"), "no \(connect) in the script")
        try text.replacingOccurrences(of: connect + "\n", with: "\\connect postgres\n").write(toFile: other, atomically: true, encoding: .utf8)
        let live = try RestoreSetup.liveDatabase(cluster)
        defer { cluster.dropDatabase(live) }
        let refused = try Self.restore(cluster, other, live: live, piped: false)
        #expect(refused.status != 0)
        let last = lastLine(refused.stderr)
        #expect(last.contains("\\connect postgres") && last.contains("byte") && last.contains("not the dump's own"), "\(last)")
        #expect(RestoreSetup.sentinel(cluster, live) == "42")
    }
}
