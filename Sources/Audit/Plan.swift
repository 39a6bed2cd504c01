/// A reviewed SQL script: the conversion of a database to the owner-role model, or the
/// retirement of a login. One transaction, idempotent, every name quoted by the server.
public struct Plan: Codable, Sendable {
    public struct Section: Codable, Sendable {
        public var title: String
        /// Statements and `--` comment lines.
        public var sql: [String]
    }

    public enum Kind: String, Codable, Sendable { case conversion, retire }

    public var kind: Kind
    public var database: String
    public var owner: String
    public var sections: [Section]
    /// Why the plan must not run (preflight): a missing login, an admin without the privileges
    /// REASSIGN OWNED needs, a session of the login to retire.
    public var blocking: [String]
    /// Things the reviewer should know (what else REASSIGN OWNED moves, grants DROP OWNED revokes).
    public var warnings: [String]
    /// Findings the audit will still report after the plan (the plan does not guess those fixes).
    public var remaining: [Finding]
    /// For a retirement: false when the role still has objects or privileges in other databases,
    /// so the script leaves DROP ROLE out.
    public var complete: Bool

    /// The whole script.
    public var script: String {
        var s = "-- pgreown plan: " + (kind == .conversion
            ? "convert database \(database) to the owner-role model (owner role \(owner))"
            : "retire a login of database \(database) (its objects go to \(owner))") + "\n"
        s += "-- One transaction: review it, then run it with psql, or with pgreown plan --apply.\n"
        for w in warnings { s += "-- note: \(w)\n" }
        s += "BEGIN;\n"
        for sec in sections {
            s += "\n-- \(sec.title)\n"
            for line in sec.sql { s += line + "\n" }
        }
        s += "\nCOMMIT;\n"
        if !remaining.isEmpty {
            s += "\n-- After this plan the audit will still report (fix these by hand; see pgreown audit):\n"
            for f in remaining { s += "--   [\(f.kind.rawValue)]\(f.severity == .note ? " note (does not fail the audit):" : "") \(f.summary)\n" }
        }
        return s
    }

    /// The statements only (what --apply sends), for tests and JSON.
    public var statements: [String] { sections.flatMap(\.sql).filter { !$0.hasPrefix("--") } }

    enum CodingKeys: String, CodingKey {
        case kind, database, owner, sections, blocking, warnings, remaining, complete, script
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(database, forKey: .database)
        try c.encode(owner, forKey: .owner)
        try c.encode(sections, forKey: .sections)
        try c.encode(blocking, forKey: .blocking)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(remaining, forKey: .remaining)
        try c.encode(complete, forKey: .complete)
        try c.encode(script, forKey: .script)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        database = try c.decode(String.self, forKey: .database)
        owner = try c.decode(String.self, forKey: .owner)
        sections = try c.decode([Section].self, forKey: .sections)
        blocking = try c.decode([String].self, forKey: .blocking)
        warnings = try c.decode([String].self, forKey: .warnings)
        remaining = try c.decode([Finding].self, forKey: .remaining)
        complete = try c.decode(Bool.self, forKey: .complete)
    }

    init(kind: Kind, database: String, owner: String, sections: [Section], blocking: [String], warnings: [String],
         remaining: [Finding], complete: Bool) {
        self.kind = kind
        self.database = database
        self.owner = owner
        self.sections = sections
        self.blocking = blocking
        self.warnings = warnings
        self.remaining = remaining
        self.complete = complete
    }
}

public enum PlanBuilder {
    /// The conversion (pure): create R NOLOGIN if missing; grant R to each login (and to the
    /// connected admin when it is no superuser, so it can SET ROLE R); what R needs where it will
    /// not own; REASSIGN OWNED BY each login TO R; the database, `public` and every other object to
    /// R; default privileges FOR ROLE each login so what it creates is usable by R; optionally
    /// `ALTER ROLE login SET role R`. Then the fixes the audit of the projected result still asks
    /// for and the plan can make safely: R's default privileges, direct grants of logins that have
    /// R's privileges anyway, PUBLIC's CREATE on schemas and EXECUTE on SECURITY DEFINER routines.
    public static func conversion(_ s: DatabaseSnapshot, logins: [String], setRoleDefault: Bool) -> Plan {
        let R = s.owner
        let q = s.quoted(R)
        var blocking: [String] = []
        var warnings: [String] = []
        let admin = s.role(s.currentUser)
        let adminIsSuperuser = admin?.isSuperuser ?? false
        var seen: Set<String> = []
        let logins = logins.filter { seen.insert($0).inserted }

        for l in logins {
            if l == R { blocking.append("--login \(l) is the owner role itself"); continue }
            guard let r = s.role(l) else { blocking.append("login \(l) does not exist"); continue }
            if r.isSuperuser { blocking.append("\(l) is a superuser: the model's logins are not (its objects cannot all be reassigned)") }
            if !r.canLogin { warnings.append("\(l) is NOLOGIN; it is treated as a login all the same") }
            if !adminIsSuperuser && !r.adminHasPrivileges {
                blocking.append("connected as \(s.currentUser), which lacks the privileges of \(l) that REASSIGN OWNED and ALTER DEFAULT PRIVILEGES FOR ROLE need: connect as a superuser, or GRANT \(r.quoted) TO \(s.quoted(s.currentUser))")
            }
        }
        if let r = s.ownerRole, !adminIsSuperuser, !r.adminHasPrivileges, !(admin?.createRole ?? false) {
            blocking.append("connected as \(s.currentUser), which can neither use \(R)'s privileges nor grant it (CREATEROLE)")
        }
        if s.ownerRole == nil, !adminIsSuperuser, !(admin?.createRole ?? false) {
            blocking.append("owner role \(R) does not exist and \(s.currentUser) may not create roles (CREATEROLE)")
        }
        let valid = logins.filter { $0 != R && s.role($0) != nil }

        // 1. The owner role.
        var roleSQL: [String] = []
        if let r = s.ownerRole {
            if r.canLogin { roleSQL.append("ALTER ROLE \(q) NOLOGIN;") }
            if r.isSuperuser { roleSQL.append("ALTER ROLE \(q) NOSUPERUSER;") }
            if roleSQL.isEmpty { roleSQL.append("-- \(R) exists and is NOLOGIN: nothing to do") }
        } else {
            roleSQL.append(doBlock([
                "BEGIN",
                "  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = \(s.literal(R))) THEN",
                "    EXECUTE format('CREATE ROLE %I NOLOGIN', \(s.literal(R)));",
                "  END IF;",
                "END",
            ]))
        }

        // 2. Memberships.
        var memberSQL = valid.map { "GRANT \(q) TO \(s.quoted($0));" }
        let adminJoins = !adminIsSuperuser && s.currentUser != R && !valid.contains(s.currentUser)
            && !(admin?.canSetRoleToOwner ?? false)
        var adminInherits = false
        if adminJoins {
            if s.serverVersion >= 160000 {
                memberSQL.append("GRANT \(q) TO \(s.quoted(s.currentUser)) WITH INHERIT FALSE, SET TRUE;  -- the admin, to SET ROLE \(R)")
            } else {
                memberSQL.append("GRANT \(q) TO \(s.quoted(s.currentUser));  -- the admin, to SET ROLE \(R)")
                adminInherits = admin?.inherit ?? true
            }
        } else if adminIsSuperuser {
            memberSQL.append("-- \(s.currentUser) is a superuser: it may SET ROLE \(R) without a membership")
        }

        // 3. What R needs where it will not own: schemas outside the audit (extension members).
        var needSQL: [String] = []
        let audited = Set(s.objects.filter { $0.kind == .schema }.compactMap(\.name))
        for name in s.schemaNames.keys.sorted() where !audited.contains(name) && !isSystemSchema(name) {
            needSQL.append("GRANT USAGE ON SCHEMA \(s.quotedSchema(name)) TO \(q);")
        }
        // Logins that will not inherit R's privileges keep CONNECT when PUBLIC does not give it.
        let publicConnect = s.databaseACL.contains { $0.grantee == nil && $0.privilege == "CONNECT" }
        if !publicConnect {
            for l in valid {
                guard !willInherit(l, s) else { continue }
                if !s.databaseACL.contains(where: { $0.grantee == l && $0.privilege == "CONNECT" }) {
                    needSQL.append("GRANT CONNECT ON DATABASE \(s.databaseQuoted) TO \(s.quoted(l));  -- NOINHERIT: it will not connect through \(R)")
                }
            }
        }
        if needSQL.isEmpty { needSQL.append("-- \(R) will own the database and every schema below: nothing to grant") }

        // 4. Ownership.
        var ownSQL: [String] = []
        for l in valid {
            if let r = s.role(l) {
                let others = r.ownedDatabases.filter { $0 != s.database }
                if !others.isEmpty {
                    warnings.append("REASSIGN OWNED BY \(l) also gives \(R) the database(s) \(l) owns: \(others.joined(separator: ", "))")
                }
            }
            ownSQL.append("REASSIGN OWNED BY \(s.quoted(l)) TO \(q);")
        }
        ownSQL.append("ALTER DATABASE \(s.databaseQuoted) OWNER TO \(q);")
        if let pub = s.objects.first(where: { $0.kind == .schema && $0.name == "public" }) {
            ownSQL.append("ALTER SCHEMA \(pub.identity) OWNER TO \(q);")
        }
        let others = s.objects.filter {
            !AuditRules.ownedByModel($0, s) && !valid.contains($0.owner) && !($0.kind == .schema && $0.name == "public")
        }
        if !others.isEmpty {
            ownSQL.append("-- objects of roles not named by --login:")
            ownSQL += others.map { alterOwner($0, to: q) }
        }

        // 5. Default privileges of the logins.
        let creators = valid + (adminInherits ? [s.currentUser] : [])
        var defaultSQL: [String] = []
        for l in creators {
            for c in ObjectClass.allCases {
                defaultSQL.append("ALTER DEFAULT PRIVILEGES FOR ROLE \(s.quoted(l)) GRANT ALL ON \(c.keyword) TO \(q);")
            }
        }

        // 6. Switch at login.
        var switchSQL: [String] = []
        if setRoleDefault { switchSQL = valid.map { "ALTER ROLE \(s.quoted($0)) SET role \(q);" } }

        var sections = [
            Plan.Section(title: "1. the owner role: NOLOGIN, it will own everything", sql: roleSQL),
            Plan.Section(title: "2. the logins become members of \(R)", sql: memberSQL),
            Plan.Section(title: "3. privileges \(R) and its logins need where \(R) will not own", sql: needSQL),
            Plan.Section(title: "4. ownership: everything to \(R)", sql: ownSQL),
            Plan.Section(title: "5. what the logins create as themselves is usable by \(R)", sql: defaultSQL),
        ]
        if setRoleDefault {
            sections.append(Plan.Section(title: "6. the logins switch to \(R) at login (what they create is owned by \(R))", sql: switchSQL))
        }

        // What the audit of the result would still say; fix what can be fixed safely.
        let projected = project(s, logins: valid, admin: adminJoins ? s.currentUser : nil, adminInherits: adminInherits,
                                setRoleDefault: setRoleDefault)
        let after = AuditRules.evaluate(projected)
        var fixed: [Finding] = []
        var remaining: [Finding] = []
        for f in after.findings {
            switch f.kind {
            case .defaultPrivilegesMissing, .defaultPrivilegesNotCarried, .publicCreateOnSchema, .publicExecuteSecurityDefiner:
                fixed.append(f)
            case .loginHoldsDirectPrivileges where f.role.flatMap { projected.role($0)?.hasPrivilegesOfOwner } == true:
                fixed.append(f)
            case .loginCreatesAsItself where f.role.flatMap { s.role($0) }.map { adminIsSuperuser || $0.adminHasPrivileges } == true:
                // A login not named by --login that may create as itself: its default privileges
                // give R what it creates (the switch at login is left to the reviewer).
                fixed.append(f)
            default:
                remaining.append(f)
            }
        }
        let defaultsFix = fixed.filter { $0.kind == .defaultPrivilegesMissing || $0.kind == .defaultPrivilegesNotCarried }
        if !defaultsFix.isEmpty {
            sections.append(Plan.Section(title: "\(sections.count + 1). what \(R) creates grants what its objects grant today",
                                         sql: dedupe(defaultsFix.flatMap(\.fix))))
        }
        let creating = fixed.filter { $0.kind == .loginCreatesAsItself }
        if !creating.isEmpty {
            sections.append(Plan.Section(title: "\(sections.count + 1). what other logins create as themselves is usable by \(R)",
                                         sql: dedupe(creating.flatMap { $0.fix.filter { $0.hasPrefix("ALTER DEFAULT PRIVILEGES") } })))
        }
        let direct = fixed.filter { $0.kind == .loginHoldsDirectPrivileges }
        if !direct.isEmpty {
            sections.append(Plan.Section(title: "\(sections.count + 1). direct grants of logins that inherit from \(R) go to \(R)",
                                         sql: direct.flatMap(\.fix)))
        }
        let publicFix = fixed.filter { $0.kind == .publicCreateOnSchema || $0.kind == .publicExecuteSecurityDefiner }
        if !publicFix.isEmpty {
            sections.append(Plan.Section(title: "\(sections.count + 1). privileges PUBLIC should not hold",
                                         sql: publicFix.flatMap(\.fix)))
        }
        return Plan(kind: .conversion, database: s.database, owner: R, sections: sections, blocking: blocking,
                    warnings: warnings, remaining: remaining, complete: true)
    }

    /// Retire a login (pure): REASSIGN OWNED BY it TO R, DROP OWNED BY it, DROP ROLE, in one DO
    /// block that first refuses if a session of it is connected (checked again when it runs).
    public static func retire(_ s: DatabaseSnapshot, old: String) -> Plan {
        let R = s.owner
        var blocking: [String] = []
        var warnings: [String] = []
        var complete = true
        guard let r = s.role(old) else {
            return Plan(kind: .retire, database: s.database, owner: R,
                        sections: [Plan.Section(title: "\(old) does not exist: nothing to do", sql: [])],
                        blocking: [], warnings: [], remaining: [], complete: true)
        }
        if old == R { blocking.append("\(old) is the owner role itself") }
        if old == s.currentUser { blocking.append("\(old) is the role this session is connected as") }
        if r.isSuperuser { blocking.append("\(old) is a superuser: pgreown does not retire superusers") }
        if s.ownerRole == nil { blocking.append("owner role \(R) does not exist") }
        if r.sessions > 0 {
            blocking.append("\(old) has \(r.sessions) session(s) connected; retire it once they are gone (pg_stat_activity, pg_terminate_backend)")
        }
        let adminIsSuperuser = s.role(s.currentUser)?.isSuperuser ?? false
        if !adminIsSuperuser && (!r.adminHasPrivileges || !(s.ownerRole?.adminHasPrivileges ?? false)) {
            blocking.append("connected as \(s.currentUser), which lacks the privileges of \(old) or \(R) that REASSIGN OWNED needs")
        }
        let elsewhere = r.elsewhere.filter { $0.database != s.database && ($0.owned > 0 || $0.privileges > 0) }
        if !elsewhere.isEmpty {
            complete = false
            warnings.append("\(old) still owns objects or holds privileges in "
                            + elsewhere.map { "\($0.database) (\($0.owned) owned, \($0.privileges) privileges)" }.joined(separator: ", ")
                            + ": DROP ROLE is left out; run pgreown plan --retire in each of those databases too")
        }
        let others = r.ownedDatabases.filter { $0 != s.database }
        if !others.isEmpty { warnings.append("REASSIGN OWNED also gives \(R) the database(s) \(old) owns: \(others.joined(separator: ", "))") }
        var revoked: [String] = []
        for o in s.objects where o.owner != old {
            let mine = (o.acl ?? []).filter { $0.grantee == old }
            if !mine.isEmpty { revoked.append("\(o.label): \(privileges(mine.map(\.privilege)))") }
        }
        for c in s.columnGrants where c.item.grantee == old { revoked.append("column \(c.table).\(c.column): \(c.item.privilege)") }
        if !revoked.isEmpty { warnings.append("DROP OWNED revokes what \(old) holds directly: " + revoked.joined(separator: "; ")) }
        if s.defaultACLs.contains(where: { $0.role == old }) { warnings.append("DROP OWNED drops \(old)'s default privileges") }
        let stillCan = s.roles.filter { $0.exists && $0.canLogin && $0.canSetRoleToOwner && $0.name != old && !$0.isSuperuser }
        if s.ownerRole != nil && stillCan.isEmpty { warnings.append("no other login can SET ROLE \(R) after this") }

        let o = s.literal(old), lr = s.literal(R)
        var body = [
            "BEGIN",
            "  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = \(o)) THEN",
            "    IF EXISTS (SELECT FROM pg_catalog.pg_stat_activity WHERE usename = \(o)) THEN",
            "      RAISE EXCEPTION 'role % has sessions connected: not retiring it', \(o);",
            "    END IF;",
            "    EXECUTE format('REASSIGN OWNED BY %I TO %I', \(o), \(lr));",
            "    EXECUTE format('DROP OWNED BY %I', \(o));",
        ]
        if complete { body.append("    EXECUTE format('DROP ROLE %I', \(o));") }
        body += ["  END IF;", "END"]
        let runs = "-- runs: REASSIGN OWNED BY \(r.quoted) TO \(s.quoted(R)); DROP OWNED BY \(r.quoted);"
            + (complete ? " DROP ROLE \(r.quoted);" : "")
        return Plan(kind: .retire, database: s.database, owner: R,
                    sections: [Plan.Section(title: "retire \(old): its objects to \(R), then drop it, unless a session of it is connected",
                                            sql: [runs, doBlock(body)])],
                    blocking: blocking, warnings: warnings, remaining: [], complete: complete)
    }

    /// The snapshot as it will be after the conversion's fixed steps.
    static func project(_ s: DatabaseSnapshot, logins: [String], admin: String?, adminInherits: Bool,
                        setRoleDefault: Bool) -> DatabaseSnapshot {
        var p = s
        let R = s.owner
        if let i = p.roles.firstIndex(where: { $0.name == R }) {
            p.roles[i].exists = true
            p.roles[i].canLogin = false
            p.roles[i].isSuperuser = false
        } else {
            p.roles.append(RoleInfo(name: R, quoted: s.quoted(R), literal: s.literal(R)))
        }
        for (member, inherits) in logins.map({ ($0, willInherit($0, s)) }) + (admin.map { [($0, adminInherits)] } ?? []) {
            if !p.memberships.contains(where: { $0.role == R && $0.member == member }) {
                p.memberships.append(Membership(role: R, member: member, inherit: inherits, set: true))
            }
            if let i = p.roles.firstIndex(where: { $0.name == member }) {
                p.roles[i].canSetRoleToOwner = true
                if inherits { p.roles[i].hasPrivilegesOfOwner = true }
                if setRoleDefault && member != admin { p.roles[i].defaultRole = R }
            }
        }
        // Ownership.
        let movers = Set(logins)
        p.databaseOwner = R
        for i in p.objects.indices {
            let o = p.objects[i]
            let isPublic = o.kind == .schema && o.name == "public"
            guard movers.contains(o.owner) || isPublic || !AuditRules.ownedByModel(o, p) else { continue }
            guard o.owner != R else { continue }
            p.objects[i] = reowned(o, to: R)
        }
        var reownedTables: [String: String] = [:]
        for (o, n) in zip(s.objects, p.objects) where o.owner != n.owner && o.kind.defaultClass == .tables {
            reownedTables[o.identity] = o.owner
        }
        for i in p.columnGrants.indices {
            guard let old = reownedTables[p.columnGrants[i].table] else { continue }
            p.columnGrants[i].tableOwner = R
            if p.columnGrants[i].item.grantor == old { p.columnGrants[i].item.grantor = R }
            if p.columnGrants[i].item.grantee == old { p.columnGrants[i].item.grantee = R }
        }
        // Whoever has R's privileges may now create in every schema (R owns them all) and new schemas.
        let allSchemas = p.objects.filter { $0.kind == .schema }.compactMap(\.name)
        for i in p.roles.indices where p.roles[i].hasPrivilegesOfOwner && p.roles[i].canLogin && !p.roles[i].isSuperuser {
            p.roles[i].creatableSchemas = Array(Set(p.roles[i].creatableSchemas).union(allSchemas)).sorted()
            p.roles[i].canCreateSchemas = true
        }
        // Default privileges of the creators.
        for l in logins + (adminInherits ? admin.map { [$0] } ?? [] : []) {
            for c in ObjectClass.allCases {
                let add = (s.fullPrivileges[c] ?? []).map { ACLItem(grantee: R, privilege: $0, grantor: l) }
                if let i = p.defaultACLs.firstIndex(where: { $0.role == l && $0.schema == nil && $0.objectClass == c }) {
                    p.defaultACLs[i].items += add
                } else {
                    let builtIn = (s.fullPrivileges[c] ?? []).map { ACLItem(grantee: l, privilege: $0, grantor: l) }
                        + c.publicByDefault.map { ACLItem(grantee: nil, privilege: $0, grantor: l) }
                    p.defaultACLs.append(DefaultACL(role: l, schema: nil, objectClass: c, items: builtIn + add))
                }
            }
        }
        return p
    }

    /// Whether `login` will use R's privileges after `GRANT R TO login`: an existing membership
    /// keeps its INHERIT option (16+; before, it is the login's `rolinherit`), a new one takes
    /// the login's `rolinherit`.
    static func willInherit(_ login: String, _ s: DatabaseSnapshot) -> Bool {
        s.memberships.first { $0.role == s.owner && $0.member == login }?.inherit ?? s.role(login)?.inherit ?? true
    }

    /// The object after `ALTER … OWNER TO`: the old owner's ACL entries and grants become the new
    /// owner's (PostgreSQL's `aclnewowner`).
    static func reowned(_ o: DBObject, to newOwner: String) -> DBObject {
        var n = o
        n.owner = newOwner
        if let acl = o.acl {
            var seen: Set<ACLItem> = []
            n.acl = acl.map { i in
                var j = i
                if j.grantee == o.owner { j.grantee = newOwner }
                if j.grantor == o.owner { j.grantor = newOwner }
                return j
            }.filter { seen.insert($0).inserted }
        }
        return n
    }

    static func isSystemSchema(_ name: String) -> Bool {
        name == "pg_catalog" || name == "information_schema" || name.hasPrefix("pg_toast") || name.hasPrefix("pg_temp_")
    }

    static func dedupe(_ lines: [String]) -> [String] {
        var seen: Set<String> = []
        return lines.filter { $0.hasPrefix("--") || seen.insert($0).inserted }
    }

    /// `DO $tag$ … $tag$;` with a dollar-quote tag the body does not contain.
    static func doBlock(_ body: [String]) -> String {
        let text = body.joined(separator: "\n")
        var tag = "pgreown"
        var n = 0
        while text.contains("$\(tag)$") { n += 1; tag = "pgreown\(n)" }
        return "DO $\(tag)$\n\(text)\n$\(tag)$;"
    }
}
