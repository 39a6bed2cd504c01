import DumpFormat
import Ownership
import Restore
import Testing

/// Pure pieces of the restore: the database renaming of database-level entries, the scratch
/// database's encoding and locale, who runs what.
@Suite struct RestoreUnitTests {
    @Test func databaseLevelStatementsNameTheScratchDatabase() throws {
        let sql = Array("ALTER DATABASE app SET search_path TO 'app';\nALTER ROLE reporting IN DATABASE app SET x TO 'app';\nGRANT CONNECT ON DATABASE app TO \"app\";\n".utf8)
        let out = try Restorer.renameDatabase(in: sql, from: Array("app".utf8), to: Array("staging-restore".utf8))
        #expect(String(decoding: out, as: UTF8.self) == "ALTER DATABASE \"staging-restore\" SET search_path TO 'app';\nALTER ROLE reporting IN DATABASE \"staging-restore\" SET x TO 'app';\nGRANT CONNECT ON DATABASE \"staging-restore\" TO \"app\";\n")
    }

    @Test func scratchDatabaseSettingsComeFromTheDump() {
        let entries = [
            TOCEntry(dumpId: 1, tag: Array("ENCODING".utf8), desc: "ENCODING", section: .preData, defn: Array("SET client_encoding = 'LATIN1';\n".utf8)),
            TOCEntry(dumpId: 2, tag: Array("app".utf8), desc: "DATABASE", section: .preData,
                     defn: Array("CREATE DATABASE app WITH TEMPLATE = template0 ENCODING = 'LATIN1' LOCALE_PROVIDER = libc LOCALE = 'C';\n".utf8)),
        ]
        let s = Restorer.databaseSettings(entries)
        #expect(s == ["ENCODING": "LATIN1", "LOCALE_PROVIDER": "libc", "LOCALE": "C"])
    }

    /// `pg_dump -E SJIS` of a UTF8 database: the ENCODING entry holds the dump's client encoding,
    /// which no database can have; the database's is the DATABASE entry's.
    @Test func aClientOnlyDumpEncodingIsNotTheScratchDatabasesEncoding() {
        let sjis = TOCEntry(dumpId: 1, tag: Array("ENCODING".utf8), desc: "ENCODING", section: .preData, defn: Array("SET client_encoding = 'SJIS';\n".utf8))
        let database = TOCEntry(dumpId: 2, tag: Array("app".utf8), desc: "DATABASE", section: .preData,
                                defn: Array("CREATE DATABASE app WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc LOCALE = 'C';\n".utf8))
        #expect(Restorer.databaseSettings([sjis, database])["ENCODING"] == "UTF8")
        #expect(Restorer.databaseSettings([sjis])["ENCODING"] == nil)
    }

    @Test func whoRunsWhat() {
        let created: Set<Int> = [10]
        let builtinACL = TOCEntry(dumpId: 20, tag: Array("COLUMN pg_class.relname".utf8), desc: "ACL", section: .none,
                                  defn: Array("GRANT SELECT(relname) ON TABLE pg_catalog.pg_class TO r;".utf8),
                                  namespace: Array("pg_catalog".utf8), owner: Array("postgres".utf8), dependencies: [99])
        let ownACL = TOCEntry(dumpId: 21, tag: Array("TABLE t".utf8), desc: "ACL", section: .none,
                              defn: Array("GRANT SELECT ON TABLE public.t TO r;".utf8), namespace: Array("public".utf8),
                              owner: Array("app".utf8), dependencies: [10])
        let policy = EntryPolicy(createdIds: created)
        #expect(policy.runner(builtinACL) == .login)
        #expect(policy.runner(ownACL) == .ownerRole)
        #expect(policy.runner(TOCEntry(dumpId: 3, tag: Array("hstore".utf8), desc: "EXTENSION", section: .preData)) == .login)
        #expect(policy.runner(TOCEntry(dumpId: 4, tag: Array("FOREIGN DATA WRAPPER w".utf8), desc: "COMMENT", section: .none)) == .login)
        #expect(policy.runner(TOCEntry(dumpId: 5, tag: Array("t".utf8), desc: "TABLE", section: .preData)) == .ownerRole)
        // The extension's own comment is run by whoever created the extension (and owns it): the
        // login, unless the server trusts the extension, which the owner role then creates.
        #expect(policy.runner(TOCEntry(dumpId: 6, tag: Array("EXTENSION hstore".utf8), desc: "COMMENT", section: .none)) == .login)
        let trusting = EntryPolicy(createdIds: created, trustedExtensions: [Array("hstore".utf8)])
        #expect(trusting.runner(TOCEntry(dumpId: 3, tag: Array("hstore".utf8), desc: "EXTENSION", section: .preData)) == .ownerRole)
        #expect(trusting.runner(TOCEntry(dumpId: 6, tag: Array("EXTENSION hstore".utf8), desc: "COMMENT", section: .none)) == .ownerRole)
        #expect(trusting.runner(TOCEntry(dumpId: 9, tag: Array("plperlu".utf8), desc: "EXTENSION", section: .preData)) == .login)
        // A predefined owner: the login acts for it; pg_database_owner: the owner role does (it owns the database).
        #expect(policy.runner(TOCEntry(dumpId: 7, tag: Array("f()".utf8), desc: "FUNCTION", section: .preData,
                                       owner: Array("pg_signal_backend".utf8))) == .login)
        #expect(policy.runner(TOCEntry(dumpId: 8, tag: Array("SCHEMA public".utf8), desc: "ACL", section: .none,
                                       owner: Array("pg_database_owner".utf8))) == .ownerRole)

        // The rewriter wraps an ACL in SET ROLE <owner> only when the dump creates the object.
        let map = RoleMap(owner: Array("dest".utf8), explicit: [], keepOwners: [], owners: [Array("postgres".utf8): 1, Array("app".utf8): 1])
        let ctx = RewriteContext(map: map, createdIds: created)
        let b = try? Rewriter.rewriteEntry(builtinACL, ctx).entry.defn
        #expect(b.map { String(decoding: $0, as: UTF8.self) } == "GRANT SELECT(relname) ON TABLE pg_catalog.pg_class TO r;")
        let o = try? Rewriter.rewriteEntry(ownACL, ctx).entry.defn
        #expect(o.map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("SET ROLE dest;") == true)
    }

    @Test func bulkLoadLeversAreParsed() throws {
        #expect(try BulkLoad.Lever.parse("all") == Set(BulkLoad.Lever.allCases))
        #expect(try BulkLoad.Lever.parse("none").isEmpty)
        #expect(try BulkLoad.Lever.parse("sync-commit, copy-freeze") == [.syncCommit, .copyFreeze])
        #expect(throws: BulkLoad.Lever.ParseError.self) { try BulkLoad.Lever.parse("sync-commit,fast") }
        #expect(throws: BulkLoad.Lever.ParseError.self) { try BulkLoad.Lever.parse("all,none") }
        #expect(BulkLoad.sessionSettings([]).isEmpty)
        #expect(BulkLoad.sessionSettings([.copyFreeze, .fkNotValid]).isEmpty)
        #expect(BulkLoad.sessionSettings([.syncCommit]) == ["SET synchronous_commit = off"])
    }

    /// maintenance-mem raises maintenance_work_mem to 256MB and never lowers what the server gives.
    @Test func maintenanceMemoryIsRaisedNeverLowered() async throws {
        let cluster = try await Clusters.shared.cluster(15)
        let settings = BulkLoad.sessionSettings([.maintenanceMem])
        #expect(settings.count == 1)
        for (given, expected) in [("64MB", "256MB"), ("1GB", "1GB"), ("256MB", "256MB")] {
            let c = try cluster.connect(db: "postgres")
            defer { c.close() }
            try c.query("SET maintenance_work_mem = '\(given)'")
            for s in settings { try c.query(s) }
            #expect(try c.query("SHOW maintenance_work_mem").first?[0] == expected, "from \(given)")
        }
    }

    @Test func foreignKeysAreValidatedSeparately() {
        func t(_ s: String) -> String { String(decoding: BulkLoad.validateForeignKeySeparately(Array(s.utf8)), as: UTF8.self) }
        #expect(t("ALTER TABLE ONLY app.order_items\n    ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES app.orders(id) ON DELETE CASCADE;\n")
                == "ALTER TABLE ONLY app.order_items\n    ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES app.orders(id) ON DELETE CASCADE NOT VALID;\nALTER TABLE ONLY app.order_items VALIDATE CONSTRAINT order_items_order_id_fkey;\n")
        #expect(t("ALTER TABLE ONLY \"account-api\".accounts\n    ADD CONSTRAINT \"My FK\" FOREIGN KEY (customer_id) REFERENCES app.customers(id);\n")
                == "ALTER TABLE ONLY \"account-api\".accounts\n    ADD CONSTRAINT \"My FK\" FOREIGN KEY (customer_id) REFERENCES app.customers(id) NOT VALID;\nALTER TABLE ONLY \"account-api\".accounts VALIDATE CONSTRAINT \"My FK\";\n")
        // Left alone: already NOT VALID, a partitioned table (no ONLY), not a foreign key.
        for same in ["ALTER TABLE ONLY t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u(id) NOT VALID;\n",
                     "ALTER TABLE public.p\n    ADD CONSTRAINT p_fk FOREIGN KEY (a) REFERENCES u(id);\n",
                     "ALTER TABLE ONLY t ADD CONSTRAINT t_pkey PRIMARY KEY (id);\n"] {
            #expect(t(same) == same)
        }
    }
}

@Suite struct JobEnvironmentTests {
    @Test func theOwnerIsDerivedAsTheJobDerivesIt() {
        #expect(JobEnvironment.derivedOwner(database: "draft-account-api_production") == "account_api")
        #expect(JobEnvironment.derivedOwner(database: "draft_content-store") == "content_store")
        #expect(JobEnvironment.derivedOwner(database: "publishing_production") == "publishing")
        #expect(JobEnvironment.derivedOwner(database: "plain") == "plain")
        #expect(JobEnvironment.derivedOwner(database: "production_x") == "production_x")
    }

    @Test func emptyVariablesCountAsUnset() {
        let e = JobEnvironment(["DB_HOST": "db", "DB_USER": "admin", "DB_PASSWORD": "", "DB_OWNER": ""])
        #expect(e.owner == nil && e.password == nil)
        #expect(e.connectionDefaults.map { "\($0.0)=\($0.1)" } == ["host=db", "user=admin"])
    }
}
