import Foundation
import Restore
import Testing

/// Issue 19, the entry policy (who runs an entry), on real pg_dump output through every input
/// path: extension comments (the login creates and owns extensions), grants on `SCHEMA public`
/// (owned by pg_database_owner, which the owner role acts for in the database it owns), and
/// objects and default privileges owned by predefined roles.
@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct EntryPolicyTests {
    /// Every way a dump can come in: (label, the shell command that restores it).
    static func paths(_ dumps: [String: String], db: String, owner: String, conninfo: String) -> [(String, String)] {
        let args = "--dbname '\(db)' --owner \(owner) --target '\(conninfo)'"
        var out: [(String, String)] = []
        if let c = dumps["c"] {
            out.append(("custom file --jobs 1", "\"$PGREOWN\" restore '\(c)' \(args)"))
            out.append(("custom file --jobs 4", "\"$PGREOWN\" restore '\(c)' \(args) --jobs 4"))
            out.append(("custom stdin --jobs 1", "cat '\(c)' | \"$PGREOWN\" restore - \(args)"))
            out.append(("custom stdin --jobs 2", "cat '\(c)' | \"$PGREOWN\" restore - \(args) --jobs 2"))
        }
        if let d = dumps["d"] { out.append(("directory", "\"$PGREOWN\" restore '\(d)' \(args)")) }
        if let t = dumps["t"] { out.append(("tar", "\"$PGREOWN\" restore '\(t)' \(args)")) }
        if let p = dumps["p"] {
            out.append(("plain file", "\"$PGREOWN\" restore '\(p)' \(args)"))
            out.append(("plain stdin", "cat '\(p)' | \"$PGREOWN\" restore - \(args)"))
        }
        return out
    }

    static func dump(_ c: Cluster, _ source: String, in tmp: TempDir, tag: String) throws -> [String: String] {
        var dumps: [String: String] = [:]
        for (format, name) in [("c", "\(tag).dump"), ("p", "\(tag).sql"), ("t", "\(tag).tar"), ("d", "\(tag).dir")] {
            let path = tmp.file(name)
            let r = try run(c.tool("pg_dump"), ["-F", format, "-f", path] + c.clientArgs(user: "postgres", db: source), env: Cluster.clientEnv)
            guard r.status == 0 else { throw ClusterError("pg_dump -F\(format): \(r.stderr)") }
            dumps[format] = path
        }
        return dumps
    }

    /// What must survive: extension comments, the grants on schema public, the table's owner and grants.
    static func snapshot(_ c: Cluster, _ db: String) throws -> [String] {
        let conn = try c.connect(db: db)
        defer { conn.close() }
        return try conn.query("""
            SELECT 'ext ' || extname || ' owner ' || extowner::regrole::text || ': ' || coalesce(obj_description(oid, 'pg_extension'), '(none)')
              FROM pg_extension WHERE extname <> 'plpgsql'
            UNION ALL SELECT 'public acl: ' || coalesce(nspacl::text, '(default)') || ' owner ' || nspowner::regrole::text
              FROM pg_namespace WHERE nspname = 'public'
            UNION ALL SELECT 'table ' || relname || ' owner ' || relowner::regrole::text || ' acl ' ||
                (SELECT string_agg(a.grantee::regrole::text || '=' || a.privilege_type || '/' || a.grantor::regrole::text, ',' ORDER BY 1)
                 FROM aclexplode(relacl) a)
              FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
            UNION ALL SELECT 'rows ' || count(*) FROM public.words
            ORDER BY 1
            """).map { $0[0] ?? "NULL" }
    }

    @Test func extensionCommentsAndPublicSchemaGrantsRestoreThroughEveryPath() async throws {
        let c = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(c)
        let source = try c.createDatabase(prefix: "policy_src")
        defer { c.dropDatabase(source) }
        let setup = try c.psql(["-v", "ON_ERROR_STOP=1", "-c", """
            GRANT CREATE ON DATABASE \(source) TO "account-api";
            SET ROLE "account-api"; CREATE EXTENSION pg_trgm; CREATE EXTENSION btree_gin; RESET ROLE;
            CREATE TABLE public.words (id int PRIMARY KEY, w text);
            INSERT INTO public.words SELECT g, 'w' || g FROM generate_series(1, 500) g;
            CREATE INDEX words_trgm ON public.words USING gin (w gin_trgm_ops);
            ALTER TABLE public.words OWNER TO "account-api";
            GRANT SELECT ON public.words TO reporting;
            GRANT USAGE ON SCHEMA public TO reporting;
            """], db: source)
        try #require(setup.status == 0, "\(setup.stderr)")
        let tmp = try TempDir()
        let dumps = try Self.dump(c, source, in: tmp, tag: "policy")
        let expected = try Self.snapshot(c, source).map { $0.replacingOccurrences(of: "\"account-api\"", with: "dest_owner") }
        // Trusted extensions, created by the production owner: the owner role creates (and owns) them.
        #expect(expected.contains { $0.hasPrefix("ext btree_gin owner dest_owner: support for indexing") }, "\(expected)")
        for (label, command) in Self.paths(dumps, db: "policy_dst", owner: "dest_owner", conninfo: c.conninfo(db: "postgres", user: "restorer")) {
            let db = try c.createDatabase(owner: "dest_owner", prefix: "policy_live")
            defer { c.dropDatabase(db); c.dropDatabase(db + "-restore") }
            let r = try shell(command.replacingOccurrences(of: "'policy_dst'", with: "'\(db)'"), timeout: 180)
            #expect(r.status == 0, "\(label): \(r.stderr)")
            guard r.status == 0 else { continue }
            let got = try Self.snapshot(c, db)
            #expect(got == expected, "\(label): \(got) != \(expected)")
        }
    }

    @Test func predefinedRolesKeepWhatTheyOwn() async throws {
        let c = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(c)
        let source = try c.createDatabase(prefix: "predef_src")
        defer { c.dropDatabase(source) }
        let setup = try c.psql(["-v", "ON_ERROR_STOP=1", "-c", """
            CREATE TABLE public.settings_view_t (id int);
            ALTER TABLE public.settings_view_t OWNER TO pg_read_all_settings;
            CREATE FUNCTION public.kill_all() RETURNS int LANGUAGE sql AS 'SELECT 1';
            ALTER FUNCTION public.kill_all() OWNER TO pg_signal_backend;
            CREATE TYPE public.mood AS ENUM ('ok', 'sad');
            ALTER TYPE public.mood OWNER TO pg_database_owner;
            ALTER DEFAULT PRIVILEGES FOR ROLE pg_read_all_settings GRANT SELECT ON TABLES TO reporting;
            CREATE TABLE public.plain_t (id int); ALTER TABLE public.plain_t OWNER TO "account-api";
            """], db: source)
        try #require(setup.status == 0, "\(setup.stderr)")
        let tmp = try TempDir()
        let dumps = try Self.dump(c, source, in: tmp, tag: "predef")
        func owners(_ db: String) throws -> [String] {
            try c.connect(db: db).query("""
                SELECT 'rel ' || relname || ' ' || relowner::regrole::text FROM pg_class WHERE relnamespace = 'public'::regnamespace
                UNION ALL SELECT 'fn ' || proname || ' ' || proowner::regrole::text FROM pg_proc WHERE pronamespace = 'public'::regnamespace
                UNION ALL SELECT 'type ' || typname || ' ' || typowner::regrole::text FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype = 'e'
                UNION ALL SELECT 'defacl ' || defaclrole::regrole::text || ' ' || defaclacl::text FROM pg_default_acl
                ORDER BY 1
                """).map { $0[0] ?? "NULL" }
        }
        let expected = try owners(source).map { $0.replacingOccurrences(of: "\"account-api\"", with: "dest_owner") }
        #expect(expected.contains("fn kill_all pg_signal_backend"), "\(expected)")
        // A superuser login: the objects keep their predefined owners, on every path.
        for (label, command) in Self.paths(dumps, db: "predef_dst", owner: "dest_owner", conninfo: c.conninfo(db: "postgres", user: "postgres")) {
            let db = try c.createDatabase(owner: "dest_owner", prefix: "predef_live")
            defer { c.dropDatabase(db); c.dropDatabase(db + "-restore") }
            let r = try shell(command.replacingOccurrences(of: "'predef_dst'", with: "'\(db)'"), timeout: 180)
            #expect(r.status == 0, "\(label) as a superuser: \(r.stderr)")
            guard r.status == 0 else { continue }
            #expect(try owners(db) == expected, "\(label) as a superuser")
        }
        // A login that cannot act for pg_read_all_settings is refused before anything is created,
        // with advice it can follow (it is already a member of pg_signal_backend: not named).
        let db = try c.createDatabase(owner: "dest_owner", prefix: "predef_live")
        defer { c.dropDatabase(db) }
        let refused = try run(Paths.binary, ["restore", try #require(dumps["c"]), "--dbname", db, "--owner", "dest_owner",
                                             "--target", c.conninfo(db: "postgres", user: "restorer")], timeout: 120)
        #expect(refused.status == 69, "\(refused.stderr)")
        #expect(lastLine(refused.stderr).contains("the predefined role pg_read_all_settings owns 2 object"), "\(refused.stderr)")
        #expect(refused.stderr.contains("restore as a superuser"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("cannot SET ROLE pg_signal_backend"), "\(refused.stderr)")
        #expect(try RestoreSetup.databases(c, like: db + "-").isEmpty, "a scratch database was created")
    }

    /// `ALTER ROLE r IN DATABASE d SET …` (a dump's DATABASE PROPERTIES) needs CREATEROLE: a login
    /// without it is refused by the preflight, before anything is created, with the option that
    /// skips the entry; with the option the restore runs.
    @Test func roleSettingsInTheDatabaseNeedCreateRole() async throws {
        let c = try await Clusters.shared.cluster(15)
        try RestoreSetup.prepare(c)
        let setup = try c.psql(["-c", "DO $$ BEGIN CREATE ROLE restorer_nocr LOGIN CREATEDB; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                                "-c", "GRANT dest_owner TO restorer_nocr"])
        try #require(setup.status == 0, "\(setup.stderr)")
        let source = try c.createDatabase(prefix: "rolecfg_src")
        defer { c.dropDatabase(source) }
        let made = try c.psql(["-v", "ON_ERROR_STOP=1", "-c", "CREATE TABLE t (id int); INSERT INTO t VALUES (1)",
                               "-c", "ALTER ROLE reporting IN DATABASE \(source) SET statement_timeout = '5s'"], db: source)
        try #require(made.status == 0, "\(made.stderr)")
        let tmp = try TempDir()
        let dump = tmp.file("rolecfg.dump")
        let dumped = try run(c.tool("pg_dump"), ["-Fc", "-f", dump] + c.clientArgs(user: "postgres", db: source), env: Cluster.clientEnv)
        try #require(dumped.status == 0, "\(dumped.stderr)")
        let db = try c.createDatabase(owner: "dest_owner", prefix: "rolecfg_live")
        defer { c.dropDatabase(db) }
        let login = c.conninfo(db: "postgres", user: "restorer_nocr")
        let refused = try pgreown("restore", dump, "--dbname", db, "--owner", "dest_owner", "--target", login, timeout: 120)
        #expect(refused.status == 69, "\(refused.stderr)")
        #expect(lastLine(refused.stderr).contains("needs CREATEROLE") && lastLine(refused.stderr).contains("--exclude-type \"DATABASE PROPERTIES\""),
                "\(refused.stderr)")
        #expect(try RestoreSetup.databases(c, like: db + "-").isEmpty, "a scratch database was created")
        let skipped = try pgreown("restore", dump, "--dbname", db, "--owner", "dest_owner", "--target", login,
                                  "--exclude-type", "DATABASE PROPERTIES", timeout: 120)
        #expect(skipped.status == 0, "\(skipped.stderr)")
    }
}
