import DumpFormat
import Foundation
import Ownership

#if canImport(Glibc)
import Glibc
#endif

/// The checks after the load (docs/restore.md, step 4), in the scratch database, before the swap.
extension Restorer {
    // MARK: - Checks

    func check() throws {
        var problems: [String] = []
        // Rows: what the server loaded equals what the dump holds.
        var bad: [String] = []
        var policed = 0
        for t in dumpTables where restoredData.contains(t.dumpId) {
            var loaded = loadedRows[t.dumpId]
            var row = Report.Table(table: "\(t.schema).\(t.table)", rowsInDump: t.rows, rowsLoaded: loaded)
            var expected = t.rows
            var what = "dump"
            // With a policy the server must hold the rows it kept (none where it left the data out).
            if let c = policyCounters.count(t.dumpId) {
                policed += 1
                what = "kept by the policy"
                if c.dataLeftOut {
                    loaded = loaded ?? 0
                    row.rowsLoaded = loaded
                    row.dataLeftOut = true
                    expected = 0
                } else {
                    row.rowsKept = c.rowsKept
                    row.rowsDropped = c.rowsDropped
                    row.columnsMasked = c.columnsMasked
                    expected = c.rowsKept
                }
                log("policy: \(c.table): " + (c.dataLeftOut ? "data left out" : "\(c.rowsRead) rows read, \(c.rowsKept) kept, \(c.rowsDropped) dropped" + (c.columnsMasked.isEmpty ? "" : "; masked: \(c.columnsMasked.joined(separator: ", "))")))
            }
            report.tables.append(row)
            if let rows = expected, loaded != rows { bad.append("\(t.schema).\(t.table): \(what) \(rows), loaded \(loaded.map(String.init) ?? "none")") }
        }
        report.checks.append(.init(name: "rows", ok: bad.isEmpty,
                                   detail: bad.isEmpty ? "\(report.tables.count) tables, rows equal the dump's" + (policed > 0 ? " (\(policed) as the policy kept them)" : "") : bad.joined(separator: "; ")))
        problems += bad
        let loExpected = dumpLargeObjects
        let loOK = report.largeObjects == loExpected
        report.checks.append(.init(name: "large objects", ok: loOK, detail: "\(report.largeObjects) loaded, \(loExpected) in the dump"))
        if !loOK { problems.append("large objects: \(report.largeObjects) loaded, \(loExpected) in the dump") }

        // Owners: everything owned by R, a kept owner, or (what only it may own) the login.
        let conn = try Connection(conninfo: options.conninfo, database: options.scratchName, defaults: options.connectionDefaults)
        defer { conn.close() }
        var wrong: [String] = []
        var byLogin: [String] = []
        for row in try conn.query(Self.ownersQuery) {
            let kind = row[0] ?? "?", name = row[1] ?? "?", owner = row[2] ?? "?"
            if owner == options.owner || options.keepOwners.contains(owner) || predefinedOwners.contains(owner) { continue }
            if owner == login && Self.loginMayOwn.contains(kind) { byLogin.append("\(kind) \(name)"); continue }
            wrong.append("\(kind) \(name) owned by \(owner)")
        }
        report.checks.append(.init(name: "owners", ok: wrong.isEmpty,
                                   detail: wrong.isEmpty ? "every object owned by \(options.owner)" + (byLogin.isEmpty ? "" : "; owned by the login \(login) as only it may: \(byLogin.joined(separator: ", "))")
                                                         : wrong.joined(separator: "; ")))
        problems += wrong

        // Privileges, default privileges, policies, user mappings: the map applied everywhere.
        // (The login itself may still grant what only it may own, e.g. a foreign-data wrapper.)
        let away = (mappedAwayRoles?() ?? options.mappedAwayRoles).subtracting([login])
        var unmapped: [String] = []
        var named = 0
        for row in try conn.query(Self.rolesNamedQuery) {
            named += 1
            guard let role = row[2], away.contains(role) else { continue }
            unmapped.append("\(row[0] ?? "?") \(row[1] ?? "?") names \(role)")
        }
        report.checks.append(.init(name: "privileges", ok: unmapped.isEmpty,
                                   detail: unmapped.isEmpty ? "\(named) role references in privileges, default privileges, policies and user mappings; none names a mapped role"
                                                            : unmapped.prefix(20).joined(separator: "; ")))
        problems += unmapped
        for c in report.checks { log("check \(c.name): \(c.ok ? "ok" : "FAILED"): \(c.detail)") }
        if !problems.isEmpty {
            throw CheckFailure(problems: problems)
        }
    }


    public struct CheckFailure: Error, CustomStringConvertible {
        public var problems: [String]
        public var description: String { "the checks after the load failed (\(problems.count)): \(problems.prefix(5).joined(separator: "; "))" }
    }

    /// Object kinds the login itself may own: a superuser's (foreign-data wrappers, event
    /// triggers, which PostgreSQL refuses to give a non-superuser) and extensions.
    static let loginMayOwn: Set<String> = ["foreign-data wrapper", "event trigger", "extension"]

    /// (kind, identity, owner) of every object in user schemas, extension members left out, and
    /// implicit array types (they follow their element type: an extension's are not its members).
    static let ownersQuery = """
        WITH ns AS (SELECT oid, nspname FROM pg_namespace
                    WHERE nspname NOT IN ('pg_catalog', 'information_schema')
                      AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'),
        o(kind, classid, oid, ident, owner) AS (
          SELECT 'schema', 'pg_namespace'::regclass, x.oid, x.nspname::text, x.nspowner FROM pg_namespace x JOIN ns ON ns.oid = x.oid
            WHERE x.nspname <> 'public' OR x.nspowner <> 'pg_database_owner'::regrole
          UNION ALL SELECT 'relation', 'pg_class'::regclass, x.oid, ns.nspname || '.' || x.relname, x.relowner FROM pg_class x JOIN ns ON ns.oid = x.relnamespace
          UNION ALL SELECT 'function', 'pg_proc'::regclass, x.oid, ns.nspname || '.' || x.proname, x.proowner FROM pg_proc x JOIN ns ON ns.oid = x.pronamespace
          UNION ALL SELECT 'type', 'pg_type'::regclass, x.oid, ns.nspname || '.' || x.typname, x.typowner FROM pg_type x JOIN ns ON ns.oid = x.typnamespace
            WHERE NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.oid = x.typelem AND e.typarray = x.oid)
          UNION ALL SELECT 'collation', 'pg_collation'::regclass, x.oid, ns.nspname || '.' || x.collname, x.collowner FROM pg_collation x JOIN ns ON ns.oid = x.collnamespace
          UNION ALL SELECT 'conversion', 'pg_conversion'::regclass, x.oid, ns.nspname || '.' || x.conname, x.conowner FROM pg_conversion x JOIN ns ON ns.oid = x.connamespace
          UNION ALL SELECT 'operator', 'pg_operator'::regclass, x.oid, ns.nspname || '.' || x.oprname, x.oprowner FROM pg_operator x JOIN ns ON ns.oid = x.oprnamespace
          UNION ALL SELECT 'operator class', 'pg_opclass'::regclass, x.oid, ns.nspname || '.' || x.opcname, x.opcowner FROM pg_opclass x JOIN ns ON ns.oid = x.opcnamespace
          UNION ALL SELECT 'operator family', 'pg_opfamily'::regclass, x.oid, ns.nspname || '.' || x.opfname, x.opfowner FROM pg_opfamily x JOIN ns ON ns.oid = x.opfnamespace
          UNION ALL SELECT 'text search configuration', 'pg_ts_config'::regclass, x.oid, ns.nspname || '.' || x.cfgname, x.cfgowner FROM pg_ts_config x JOIN ns ON ns.oid = x.cfgnamespace
          UNION ALL SELECT 'text search dictionary', 'pg_ts_dict'::regclass, x.oid, ns.nspname || '.' || x.dictname, x.dictowner FROM pg_ts_dict x JOIN ns ON ns.oid = x.dictnamespace
          UNION ALL SELECT 'statistics', 'pg_statistic_ext'::regclass, x.oid, ns.nspname || '.' || x.stxname, x.stxowner FROM pg_statistic_ext x JOIN ns ON ns.oid = x.stxnamespace
          UNION ALL SELECT 'large object', 'pg_largeobject_metadata'::regclass, x.oid, x.oid::text, x.lomowner FROM pg_largeobject_metadata x
          UNION ALL SELECT 'foreign-data wrapper', 'pg_foreign_data_wrapper'::regclass, x.oid, x.fdwname::text, x.fdwowner FROM pg_foreign_data_wrapper x
          UNION ALL SELECT 'foreign server', 'pg_foreign_server'::regclass, x.oid, x.srvname::text, x.srvowner FROM pg_foreign_server x
          UNION ALL SELECT 'language', 'pg_language'::regclass, x.oid, x.lanname::text, x.lanowner FROM pg_language x WHERE x.lanispl AND x.lanname <> 'plpgsql'
          UNION ALL SELECT 'event trigger', 'pg_event_trigger'::regclass, x.oid, x.evtname::text, x.evtowner FROM pg_event_trigger x
          UNION ALL SELECT 'publication', 'pg_publication'::regclass, x.oid, x.pubname::text, x.pubowner FROM pg_publication x
          UNION ALL SELECT 'extension', 'pg_extension'::regclass, x.oid, x.extname::text, x.extowner FROM pg_extension x WHERE x.extname <> 'plpgsql')
        SELECT o.kind, o.ident, pg_get_userbyid(o.owner) FROM o
        WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.classid AND d.objid = o.oid AND d.deptype = 'e')
        ORDER BY 1, 2
        """

    /// (what, which, role) for every role a privilege (grantee and grantor), a default privilege
    /// (its role and grantees), a policy or a user mapping names; PUBLIC left out, and so are
    /// built-in objects (their grantor is the bootstrap superuser, whatever the map says).
    static let rolesNamedQuery = """
        WITH ns AS (SELECT oid FROM pg_namespace
                    WHERE nspname NOT IN ('pg_catalog', 'information_schema')
                      AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'),
        acl(kind, ident, a) AS (
          SELECT 'relation', c.oid::regclass::text, c.relacl FROM pg_class c JOIN ns ON ns.oid = c.relnamespace WHERE c.relacl IS NOT NULL
          UNION ALL SELECT 'column', a.attrelid::regclass::text || '.' || a.attname, a.attacl
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace WHERE a.attacl IS NOT NULL
          UNION ALL SELECT 'function', p.oid::regprocedure::text, p.proacl FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace WHERE p.proacl IS NOT NULL
          UNION ALL SELECT 'type', t.oid::regtype::text, t.typacl FROM pg_type t JOIN ns ON ns.oid = t.typnamespace WHERE t.typacl IS NOT NULL
          UNION ALL SELECT 'schema', n.nspname::text, n.nspacl FROM pg_namespace n JOIN ns ON ns.oid = n.oid WHERE n.nspacl IS NOT NULL
          UNION ALL SELECT 'large object', l.oid::text, l.lomacl FROM pg_largeobject_metadata l WHERE l.lomacl IS NOT NULL
          UNION ALL SELECT 'foreign server', s.srvname::text, s.srvacl FROM pg_foreign_server s WHERE s.srvacl IS NOT NULL
          UNION ALL SELECT 'language', g.lanname::text, g.lanacl FROM pg_language g WHERE g.lanispl AND g.lanacl IS NOT NULL
          UNION ALL SELECT 'database', d.datname::text, d.datacl FROM pg_database d WHERE d.datname = current_database() AND d.datacl IS NOT NULL
          UNION ALL SELECT 'default privileges', pg_get_userbyid(d.defaclrole) || ' ' || d.defaclobjtype::text, d.defaclacl FROM pg_default_acl d)
        SELECT kind, ident, pg_get_userbyid(r) FROM acl, LATERAL aclexplode(a) e, LATERAL (VALUES (e.grantee), (e.grantor)) v(r) WHERE r <> 0
        UNION ALL SELECT 'default privileges of', d.defaclobjtype::text, pg_get_userbyid(d.defaclrole) FROM pg_default_acl d
        UNION ALL SELECT 'policy', p.polname::text, pg_get_userbyid(r) FROM pg_policy p, LATERAL unnest(p.polroles) r WHERE r <> 0
        UNION ALL SELECT 'user mapping', m.srvname::text, m.usename::text FROM pg_user_mappings m WHERE m.umuser <> 0
        """
}
