import Restore

/// The catalog queries: one `DatabaseSnapshot` of the connected database, judged against owner
/// role `owner`. Read-only. Every name the rules will write into SQL is quoted here, by the server
/// (`quote_ident`, `quote_literal`, `pg_identify_object`).
public enum Catalog {
    /// Schemas that are not PostgreSQL's own.
    static func userSchema(_ alias: String) -> String {
        "(\(alias).nspname NOT IN ('pg_catalog', 'information_schema') AND \(alias).nspname NOT LIKE 'pg\\_toast%' "
            + "AND \(alias).nspname NOT LIKE 'pg\\_temp\\_%')"
    }

    /// Every object with an owner: (classid, objid, kind, owner, acl or its default, SECURITY DEFINER,
    /// namespace), extension members and implicit parts (deptype 'i': array and row types,
    /// multiranges, identity sequences) excepted, PostgreSQL's own schemas excepted.
    static let objectsCTE = """
        WITH o(classid, objid, kind, owner, acl, secdef, nsp) AS (
          SELECT 'pg_namespace'::regclass::oid, n.oid, 'schema', n.nspowner, coalesce(n.nspacl, acldefault('n', n.nspowner)), false, n.oid
            FROM pg_catalog.pg_namespace n
          UNION ALL
          SELECT 'pg_class'::regclass::oid, c.oid,
                 CASE c.relkind WHEN 'r' THEN CASE WHEN c.relispartition THEN 'partition' ELSE 'table' END
                                WHEN 'p' THEN CASE WHEN c.relispartition THEN 'partition' ELSE 'partitioned table' END
                                WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                                ELSE 'foreign table' END,
                 c.relowner, coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)),
                 false, c.relnamespace
            FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          UNION ALL
          SELECT 'pg_proc'::regclass::oid, p.oid,
                 CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
                 p.proowner, coalesce(p.proacl, acldefault('f', p.proowner)), p.prosecdef, p.pronamespace
            FROM pg_catalog.pg_proc p
          UNION ALL
          SELECT 'pg_type'::regclass::oid, t.oid, CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END,
                 t.typowner, coalesce(t.typacl, acldefault('T', t.typowner)), false, t.typnamespace
            FROM pg_catalog.pg_type t WHERE t.typtype IN ('b', 'c', 'd', 'e', 'r')
          UNION ALL
          SELECT 'pg_collation'::regclass::oid, oid, 'collation', collowner, NULL::aclitem[], false, collnamespace FROM pg_catalog.pg_collation
          UNION ALL
          SELECT 'pg_conversion'::regclass::oid, oid, 'conversion', conowner, NULL, false, connamespace FROM pg_catalog.pg_conversion
          UNION ALL
          SELECT 'pg_operator'::regclass::oid, oid, 'operator', oprowner, NULL, false, oprnamespace FROM pg_catalog.pg_operator
          UNION ALL
          SELECT 'pg_opclass'::regclass::oid, oid, 'operator class', opcowner, NULL, false, opcnamespace FROM pg_catalog.pg_opclass
          UNION ALL
          SELECT 'pg_opfamily'::regclass::oid, oid, 'operator family', opfowner, NULL, false, opfnamespace FROM pg_catalog.pg_opfamily
          UNION ALL
          SELECT 'pg_ts_dict'::regclass::oid, oid, 'text search dictionary', dictowner, NULL, false, dictnamespace FROM pg_catalog.pg_ts_dict
          UNION ALL
          SELECT 'pg_ts_config'::regclass::oid, oid, 'text search configuration', cfgowner, NULL, false, cfgnamespace FROM pg_catalog.pg_ts_config
          UNION ALL
          SELECT 'pg_statistic_ext'::regclass::oid, oid, 'statistics object', stxowner, NULL, false, stxnamespace FROM pg_catalog.pg_statistic_ext
          UNION ALL
          SELECT 'pg_foreign_data_wrapper'::regclass::oid, oid, 'foreign-data wrapper', fdwowner,
                 coalesce(fdwacl, acldefault('F', fdwowner)), false, NULL::oid FROM pg_catalog.pg_foreign_data_wrapper
          UNION ALL
          SELECT 'pg_foreign_server'::regclass::oid, oid, 'server', srvowner, coalesce(srvacl, acldefault('S', srvowner)), false, NULL
            FROM pg_catalog.pg_foreign_server
          UNION ALL
          SELECT 'pg_publication'::regclass::oid, oid, 'publication', pubowner, NULL, false, NULL FROM pg_catalog.pg_publication
          UNION ALL
          SELECT 'pg_subscription'::regclass::oid, oid, 'subscription', subowner, NULL, false, NULL FROM pg_catalog.pg_subscription
            WHERE subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
          UNION ALL
          SELECT 'pg_event_trigger'::regclass::oid, oid, 'event trigger', evtowner, NULL, false, NULL FROM pg_catalog.pg_event_trigger
          UNION ALL
          SELECT 'pg_largeobject'::regclass::oid, oid, 'large object', lomowner, coalesce(lomacl, acldefault('L', lomowner)), false, NULL
            FROM pg_catalog.pg_largeobject_metadata
        ), f AS (
          SELECT o.* FROM o LEFT JOIN pg_catalog.pg_namespace nn ON nn.oid = o.nsp
          WHERE (o.nsp IS NULL OR \(userSchema("nn")))
            AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                            WHERE d.classid = o.classid AND d.objid = o.objid AND d.objsubid = 0 AND d.deptype IN ('e', 'i'))
        )
        """

    /// `aclexplode` columns: grantee (NULL for PUBLIC), privilege, grantable, grantor.
    static let aclColumns = """
        CASE WHEN a.grantee = 0 THEN NULL ELSE pg_catalog.pg_get_userbyid(a.grantee)::text END,
        a.privilege_type, a.is_grantable::text, pg_catalog.pg_get_userbyid(a.grantor)::text
        """

    /// Read the snapshot. `owner` is R; `extraRoles` are other names the command will write into
    /// SQL (its logins), quoted by the server even when no such role exists.
    public static func snapshot(_ conn: Connection, owner: String, extraRoles: [String] = []) throws -> DatabaseSnapshot {
        let version = conn.serverVersion
        guard let db = try conn.query("""
            SELECT current_database()::text, quote_ident(current_database()), pg_catalog.pg_get_userbyid(d.datdba)::text,
                   current_user::text
            FROM pg_catalog.pg_database d WHERE d.datname = current_database()
            """).first, let dbName = db[0], let dbQuoted = db[1], let dbOwner = db[2], let currentUser = db[3] else {
            throw ServerError("the server did not describe the current database")
        }
        let databaseACL = try conn.query("""
            SELECT \(aclColumns) FROM pg_catalog.pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
            WHERE d.datname = current_database()
            """).compactMap(aclItem)

        var roles = try readRoles(conn, owner: owner, version: version)
        for name in [owner] + extraRoles where !roles.contains(where: { $0.name == name }) {
            guard let q = try conn.query("SELECT quote_ident($1), quote_literal($1)", [name]).first,
                  let quoted = q[0], let literal = q[1] else { throw ServerError("the server did not quote the name \(name)") }
            roles.append(RoleInfo(name: name, quoted: quoted, literal: literal, exists: false, adminHasPrivileges: false))
        }

        let membershipSQL = version >= 160000
            ? """
              SELECT pg_catalog.pg_get_userbyid(m.roleid)::text, pg_catalog.pg_get_userbyid(m.member)::text,
                     m.admin_option::text, m.inherit_option::text, m.set_option::text
              FROM pg_catalog.pg_auth_members m
              """
            : """
              SELECT pg_catalog.pg_get_userbyid(m.roleid)::text, pg_catalog.pg_get_userbyid(m.member)::text,
                     m.admin_option::text, r.rolinherit::text, 'true'
              FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.member
              """
        let memberships = try conn.query(membershipSQL).compactMap { row -> Membership? in
            guard let role = row[0], let member = row[1] else { return nil }
            return Membership(role: role, member: member, admin: bool(row[2]), inherit: bool(row[3]), set: bool(row[4]))
        }

        // Objects, then their privileges by (classid, objid).
        var objects: [DBObject] = []
        var index: [String: Int] = [:]
        for row in try conn.query("""
            \(objectsCTE)
            SELECT f.classid::text, f.objid::text, f.kind, i.identity, i.schema,
                   CASE WHEN f.kind = 'schema' THEN n.nspname::text END,
                   pg_catalog.pg_get_userbyid(f.owner)::text, f.secdef::text, (f.acl IS NOT NULL)::text
            FROM f CROSS JOIN LATERAL pg_catalog.pg_identify_object(f.classid, f.objid, 0) i
                   LEFT JOIN pg_catalog.pg_namespace n ON f.kind = 'schema' AND n.oid = f.objid
            ORDER BY f.kind, i.identity
            """) {
            guard let classid = row[0], let objid = row[1], let kindText = row[2], let identity = row[3], let ownerName = row[6] else {
                continue
            }
            guard let kind = ObjectKind(rawValue: kindText) else { throw ServerError("unexpected object kind \(kindText)") }
            index["\(classid)/\(objid)"] = objects.count
            objects.append(DBObject(kind: kind, identity: identity, schema: row[4], name: row[5], owner: ownerName,
                                    securityDefiner: bool(row[7]), acl: bool(row[8]) ? [] : nil))
        }
        for row in try conn.query("""
            \(objectsCTE)
            SELECT f.classid::text, f.objid::text, \(aclColumns)
            FROM f CROSS JOIN LATERAL aclexplode(f.acl) a
            WHERE f.acl IS NOT NULL
            """) {
            guard let c = row[0], let o = row[1], let i = index["\(c)/\(o)"], let item = aclItem(Array(row[2...])) else { continue }
            objects[i].acl?.append(item)
        }

        let columnGrants = try conn.query("""
            SELECT i.identity, pg_catalog.pg_get_userbyid(c.relowner)::text, quote_ident(att.attname), \(aclColumns)
            FROM pg_catalog.pg_attribute att
                 JOIN pg_catalog.pg_class c ON c.oid = att.attrelid
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_class'::regclass, c.oid, 0) i
                 CROSS JOIN LATERAL aclexplode(att.attacl) a
            WHERE att.attacl IS NOT NULL AND NOT att.attisdropped AND att.attnum > 0
              AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND \(userSchema("n"))
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.objsubid = 0 AND d.deptype = 'e')
            ORDER BY 1, 3
            """).compactMap { row -> ColumnGrant? in
            guard let table = row[0], let owner = row[1], let column = row[2], let item = aclItem(Array(row[3...])) else { return nil }
            return ColumnGrant(table: table, tableOwner: owner, column: column, item: item)
        }

        // Default privileges; an entry with an empty ACL (everything revoked) still replaces the built-in defaults.
        var defaults: [DefaultACL] = []
        var defaultIndex: [String: Int] = [:]
        for row in try conn.query("""
            SELECT d.oid::text, pg_catalog.pg_get_userbyid(d.defaclrole)::text,
                   CASE WHEN d.defaclnamespace = 0 THEN NULL ELSE n.nspname::text END, d.defaclobjtype::text,
                   \(aclColumns)
            FROM pg_catalog.pg_default_acl d
                 LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
                 LEFT JOIN LATERAL aclexplode(d.defaclacl) a ON true
            ORDER BY 1
            """) {
            guard let oid = row[0], let role = row[1], let code = row[3], let cls = ObjectClass(defaclCode: code) else { continue }
            if defaultIndex[oid] == nil {
                defaultIndex[oid] = defaults.count
                defaults.append(DefaultACL(role: role, schema: row[2], objectClass: cls, items: []))
            }
            if let i = defaultIndex[oid], let item = aclItem(Array(row[4...])) { defaults[i].items.append(item) }
        }

        var full: [ObjectClass: [String]] = [:]
        for row in try conn.query("""
            SELECT v.c, a.privilege_type FROM (VALUES ('r'), ('s'), ('f'), ('T'), ('n')) v(c),
                   aclexplode(acldefault(v.c::"char", 10)) a WHERE a.grantee = 10
            """) {
            guard let c = row[0], let p = row[1], let cls = ObjectClass.allCases.first(where: { $0.acldefaultCode == c }) else { continue }
            full[cls, default: []].append(p)
        }

        var schemaNames: [String: String] = [:]
        for row in try conn.query("SELECT nspname::text, quote_ident(nspname) FROM pg_catalog.pg_namespace") {
            if let n = row[0], let q = row[1] { schemaNames[n] = q }
        }

        return DatabaseSnapshot(serverVersion: version, database: dbName, databaseQuoted: dbQuoted, databaseOwner: dbOwner,
                                databaseACL: databaseACL, currentUser: currentUser, owner: owner, roles: roles,
                                memberships: memberships, objects: objects, columnGrants: columnGrants,
                                defaultACLs: defaults, fullPrivileges: full, schemaNames: schemaNames)
    }

    /// Every role, with what the rules ask of it (against R, when R exists).
    static func readRoles(_ conn: Connection, owner: String, version: Int) throws -> [RoleInfo] {
        let canSet = version >= 160000 ? "SET" : "MEMBER"
        var roles: [RoleInfo] = []
        var byName: [String: Int] = [:]
        for row in try conn.query("""
            SELECT r.rolname::text, quote_ident(r.rolname), quote_literal(r.rolname), r.rolcanlogin::text, r.rolsuper::text,
                   r.rolinherit::text, r.rolcreaterole::text, r.rolcreatedb::text,
                   (SELECT substr(c, 6) FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) c
                     WHERE s.setrole = r.oid AND c LIKE 'role=%'
                       AND s.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))
                     ORDER BY s.setdatabase DESC LIMIT 1),
                   CASE WHEN o.oid IS NULL THEN false ELSE pg_catalog.pg_has_role(r.oid, o.oid, 'USAGE') END::text,
                   CASE WHEN o.oid IS NULL THEN false ELSE pg_catalog.pg_has_role(r.oid, o.oid, '\(canSet)') END::text,
                   (r.rolcanlogin AND NOT r.rolsuper AND has_database_privilege(r.oid, current_database(), 'CREATE'))::text,
                   pg_catalog.pg_has_role(current_user, r.oid, 'USAGE')::text,
                   (SELECT count(*) FROM pg_catalog.pg_stat_activity a WHERE a.usesysid = r.oid)::text
            FROM pg_catalog.pg_roles r LEFT JOIN pg_catalog.pg_roles o ON o.rolname = $1
            ORDER BY 1
            """, [owner]) {
            guard let name = row[0], let q = row[1], let lit = row[2] else { continue }
            byName[name] = roles.count
            roles.append(RoleInfo(name: name, quoted: q, literal: lit, exists: true, canLogin: bool(row[3]),
                                  isSuperuser: bool(row[4]), inherit: bool(row[5]), createRole: bool(row[6]),
                                  createDB: bool(row[7]), defaultRole: row[8], hasPrivilegesOfOwner: bool(row[9]),
                                  canSetRoleToOwner: bool(row[10]), canCreateSchemas: bool(row[11]),
                                  adminHasPrivileges: bool(row[12]), sessions: Int(row[13] ?? "") ?? 0))
        }
        for row in try conn.query("""
            SELECT r.rolname::text, n.nspname::text
            FROM pg_catalog.pg_roles r, pg_catalog.pg_namespace n
            WHERE r.rolcanlogin AND NOT r.rolsuper AND \(userSchema("n")) AND has_schema_privilege(r.oid, n.oid, 'CREATE')
            ORDER BY 1, 2
            """) {
            if let r = row[0], let n = row[1], let i = byName[r] { roles[i].creatableSchemas.append(n) }
        }
        for row in try conn.query("""
            SELECT pg_catalog.pg_get_userbyid(datdba)::text, datname::text FROM pg_catalog.pg_database ORDER BY 2
            """) {
            if let r = row[0], let d = row[1], let i = byName[r] { roles[i].ownedDatabases.append(d) }
        }
        for row in try conn.query("""
            SELECT r.rolname::text, d.datname::text,
                   count(*) FILTER (WHERE sd.deptype = 'o')::text, count(*) FILTER (WHERE sd.deptype <> 'o')::text
            FROM pg_catalog.pg_shdepend sd
                 JOIN pg_catalog.pg_roles r ON r.oid = sd.refobjid
                 JOIN pg_catalog.pg_database d ON d.oid = sd.dbid
            WHERE sd.refclassid = 'pg_authid'::regclass AND d.datname <> current_database()
            GROUP BY 1, 2 ORDER BY 1, 2
            """) {
            if let r = row[0], let d = row[1], let i = byName[r] {
                roles[i].elsewhere.append(Footprint(database: d, owned: Int(row[2] ?? "") ?? 0, privileges: Int(row[3] ?? "") ?? 0))
            }
        }
        return roles
    }

    static func bool(_ s: String?) -> Bool { s == "t" || s == "true" }

    /// grantee, privilege, grantable, grantor → an ACL item (nil when there is no privilege: an empty ACL).
    static func aclItem(_ row: [String?]) -> ACLItem? {
        guard row.count >= 4, let p = row[1], let grantor = row[3] else { return nil }
        return ACLItem(grantee: row[0], privilege: p, grantable: bool(row[2]), grantor: grantor)
    }
}
