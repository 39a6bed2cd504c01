/// The owner-role model, as rules over a `DatabaseSnapshot`: one NOLOGIN role R owns the
/// database, its schemas and every object; the logins are members of R; what they create is owned
/// by R (they switch to R) or at least usable by R (their default privileges); nothing is owned
/// by a login and no login holds privileges of its own, so a login can be dropped at any time.
///
/// Pure: a snapshot in, a report out. Every name in the fixing SQL is the server's quoting
/// (the snapshot's `quoted`, `identity`, `quotedSchema`).
public enum AuditRules {
    /// Objects need at least this many siblings (same schema and class, owned by R) before their
    /// common grants become an expectation for the default privileges.
    public static let inferenceMinimum = 2

    public static func evaluate(_ s: DatabaseSnapshot) -> AuditReport {
        var findings: [Finding] = []
        findings += ownerRole(s)
        findings += databaseOwner(s)
        findings += objectOwners(s)
        findings += securityDefinersOwnedByLogins(s)
        findings += directPrivileges(s)
        findings += loginsCreatingAsThemselves(s)
        findings += defaultPrivileges(s)
        findings += publicPrivileges(s)
        let r = s.ownerRole
        return AuditReport(database: s.database, databaseOwner: s.databaseOwner, serverVersion: s.serverVersion,
                           owner: .init(name: s.owner, exists: r != nil, canLogin: r?.canLogin ?? false,
                                        isSuperuser: r?.isSuperuser ?? false),
                           members: members(s), defaultPrivileges: creatorDefaults(s),
                           objectsChecked: s.objects.count, findings: findings)
    }

    // MARK: the owner role and the database

    static func ownerRole(_ s: DatabaseSnapshot) -> [Finding] {
        let q = s.quoted(s.owner)
        guard let r = s.ownerRole else {
            return [Finding(kind: .ownerRoleMissing, role: s.owner,
                            summary: "owner role \(s.owner) does not exist",
                            objects: [FindingObject(type: "role", identity: q)],
                            fix: ["CREATE ROLE \(q) NOLOGIN;"])]
        }
        var out: [Finding] = []
        if r.canLogin {
            out.append(Finding(kind: .ownerRoleCanLogin, role: s.owner,
                               summary: "owner role \(s.owner) can log in; the model wants it NOLOGIN (logins are its members)",
                               objects: [FindingObject(type: "role", identity: q)],
                               fix: ["ALTER ROLE \(q) NOLOGIN;"]))
        }
        if r.isSuperuser {
            out.append(Finding(kind: .ownerRoleIsSuperuser, role: s.owner,
                               summary: "owner role \(s.owner) is a superuser; every member would be one",
                               objects: [FindingObject(type: "role", identity: q)],
                               fix: ["ALTER ROLE \(q) NOSUPERUSER;"]))
        }
        return out
    }

    static func databaseOwner(_ s: DatabaseSnapshot) -> [Finding] {
        guard s.databaseOwner != s.owner else { return [] }
        return [Finding(kind: .databaseOwner, role: s.databaseOwner,
                        summary: "database \(s.database) is owned by \(s.databaseOwner), not \(s.owner)",
                        objects: [FindingObject(type: "database", identity: s.databaseQuoted, owner: s.databaseOwner)],
                        fix: ["ALTER DATABASE \(s.databaseQuoted) OWNER TO \(s.quoted(s.owner));"])]
    }

    /// Owned as the model wants: by R; by `pg_database_owner` when R owns the database (PostgreSQL
    /// 15 gives `public` to it); or, for kinds only a superuser may own, by a superuser when R is none
    /// (the audit cannot ask for what PostgreSQL refuses).
    static func ownedByModel(_ o: DBObject, _ s: DatabaseSnapshot) -> Bool {
        if o.owner == s.owner { return true }
        if o.owner == "pg_database_owner" && s.databaseOwner == s.owner { return true }
        if o.kind.superuserOnly(serverVersion: s.serverVersion), s.role(o.owner)?.isSuperuser == true, s.ownerRole?.isSuperuser != true { return true }
        return false
    }

    static func objectOwners(_ s: DatabaseSnapshot) -> [Finding] {
        var byOwner: [String: [DBObject]] = [:]
        for o in s.objects where !ownedByModel(o, s) { byOwner[o.owner, default: []].append(o) }
        let q = s.quoted(s.owner)
        return byOwner.keys.sorted().compactMap { owner in
            guard let objs = byOwner[owner] else { return nil }
            let superuser = s.role(owner)?.isSuperuser ?? false
            let login = s.isLogin(owner) && !superuser
            let what = objs.count == 1 ? "1 object" : "\(objs.count) objects"
            var notes: [String] = []
            if let r = s.role(owner), login {
                for d in r.ownedDatabases where d != s.database { notes.append("\(owner) also owns database \(d)") }
                for f in r.elsewhere where f.database != s.database {
                    notes.append("\(owner) also owns \(f.owned) object(s) and holds \(f.privileges) privilege(s) in database \(f.database)")
                }
                notes.append("or, for everything it owns here: REASSIGN OWNED BY \(r.quoted) TO \(q);")
            }
            return Finding(kind: login ? .objectsOwnedByLogin : .objectsOwnedByOtherRole, role: owner,
                           summary: login
                               ? "login \(owner) owns \(what) (DROP ROLE would fail; what it owns, only it can alter)"
                               : "\(superuser ? "superuser" : "role") \(owner) owns \(what) that \(s.owner) should own",
                           objects: objs.map { FindingObject(type: $0.kind.rawValue, identity: $0.identity, owner: owner) },
                           fix: objs.map { alterOwner($0, to: q) }, notes: notes)
        }
    }

    static func securityDefinersOwnedByLogins(_ s: DatabaseSnapshot) -> [Finding] {
        let objs = s.objects.filter { $0.securityDefiner && s.isLogin($0.owner) }
        guard !objs.isEmpty else { return [] }
        let q = s.quoted(s.owner)
        return [Finding(kind: .securityDefinerOwnedByLogin,
                        summary: "\(objs.count) SECURITY DEFINER routine(s) run with the privileges of a login",
                        objects: objs.map { FindingObject(type: $0.kind.rawValue, identity: $0.identity, owner: $0.owner) },
                        fix: objs.map { alterOwner($0, to: q) })]
    }

    // MARK: privileges of logins

    static func directPrivileges(_ s: DatabaseSnapshot) -> [Finding] {
        /// `covered`: R owns the object or holds these privileges itself, so a member that inherits
        /// from R loses nothing when the direct grant goes.
        struct Held { var object: String; var type: String; var owner: String; var on: String; var column: String?; var items: [ACLItem]; var covered: Bool }
        var byLogin: [String: [Held]] = [:]
        for o in s.objects {
            guard let acl = o.acl, let kw = o.kind.grantKeyword else { continue }
            var per: [String: [ACLItem]] = [:]
            for i in acl { if let g = i.grantee, g != o.owner, s.isLogin(g) { per[g, default: []].append(i) } }
            let ownerHolds = Set(acl.filter { $0.grantee == s.owner }.map(\.privilege))
            for (g, items) in per {
                let covered = o.owner == s.owner || (o.owner == "pg_database_owner" && s.databaseOwner == s.owner) || Set(items.map(\.privilege)).isSubset(of: ownerHolds)
                byLogin[g, default: []].append(Held(object: o.identity, type: o.kind.rawValue, owner: o.owner,
                                                   on: "\(kw) \(o.identity)", column: nil, items: items, covered: covered))
            }
        }
        var perColumn: [String: [String: ColumnGrant]] = [:]
        var columnItems: [String: [ACLItem]] = [:]
        for c in s.columnGrants {
            guard let g = c.item.grantee, g != c.tableOwner, s.isLogin(g) else { continue }
            let key = "\(g)\u{0}\(c.table)\u{0}\(c.column)"
            perColumn[g, default: [:]][key] = c
            columnItems[key, default: []].append(c.item)
        }
        for (g, cols) in perColumn {
            for key in cols.keys.sorted() {
                guard let c = cols[key] else { continue }
                byLogin[g, default: []].append(Held(object: "\(c.table).\(c.column)", type: "column", owner: c.tableOwner,
                                                   on: "TABLE \(c.table)", column: c.column, items: columnItems[key] ?? [],
                                                   covered: c.tableOwner == s.owner))
            }
        }
        return byLogin.keys.sorted().compactMap { login in
            guard let held = byLogin[login]?.sorted(by: { $0.object < $1.object }) else { return nil }
            let q = s.quoted(login)
            // A login that inherits from R keeps what R holds: such grants go to R (or just go, when
            // R has them already); any other login's go to a NOLOGIN group it is a member of.
            let viaOwner = s.role(login)?.hasPrivilegesOfOwner == true
            let target = viaOwner ? s.owner : s.groups(of: login).first { $0 != s.owner }
            var fix: [String] = []
            if target == nil {
                fix.append("-- \(login) is a member of no NOLOGIN role: grant these to one it is a member of first")
            }
            for h in held {
                let col = h.column.map { " (\($0))" } ?? ""
                let plain = h.items.filter { !$0.grantable }.map(\.privilege)
                let withOption = h.items.filter(\.grantable).map(\.privilege)
                if let target, !(viaOwner && h.covered) {
                    let gq = s.quoted(target)
                    if !plain.isEmpty { fix.append("GRANT \(privileges(plain))\(col) ON \(h.on) TO \(gq);") }
                    if !withOption.isEmpty { fix.append("GRANT \(privileges(withOption))\(col) ON \(h.on) TO \(gq) WITH GRANT OPTION;") }
                }
                fix.append("REVOKE \(privileges(h.items.map(\.privilege)))\(col) ON \(h.on) FROM \(q);")
            }
            let how = viaOwner ? "they belong to \(s.owner), which it inherits from" : target.map { "grant them to \($0) instead" }
                ?? "grant them to a NOLOGIN role it is a member of"
            // A login that owns nothing here can be dropped all the same: its own grants only make a
            // second login (for rotation) need the same grants, so they are a note.
            let ownsSomething = s.databaseOwner == login || s.objects.contains { $0.owner == login }
            return Finding(kind: .loginHoldsDirectPrivileges, severity: ownsSomething ? .failure : .note, role: login,
                           summary: "login \(login) holds privileges on \(held.count) object(s) directly (\(how))"
                               + (ownsSomething ? "" : "; it owns nothing, so this is a note: a second login for rotation needs the same grants"),
                           objects: held.map {
                               FindingObject(type: $0.type, identity: $0.object, owner: $0.owner,
                                             detail: privileges($0.items.map(\.privilege)) + ($0.items.contains(where: \.grantable) ? " (some WITH GRANT OPTION)" : ""))
                           },
                           fix: fix)
        }
    }

    /// Logins that create objects as themselves: they may CREATE in a schema (or the database)
    /// with their own privileges and do not switch to R by default. Their objects are owned by
    /// them; the model accepts that only when their default privileges hand R everything on what
    /// they create (so R and its members can use it until a REASSIGN OWNED).
    static func loginsCreatingAsThemselves(_ s: DatabaseSnapshot) -> [Finding] {
        let q = s.quoted(s.owner)
        var out: [Finding] = []
        let classes: [ObjectClass] = [.tables, .sequences, .functions, .types]
        for r in s.roles.sorted(by: { $0.name < $1.name })
        where r.exists && r.canLogin && !r.isSuperuser && r.name != s.owner && r.defaultRole != s.owner
            && (!r.creatableSchemas.isEmpty || r.canCreateSchemas) {
            var gaps: [(ObjectClass, String?)] = []
            for schema in r.creatableSchemas.sorted() {
                for c in classes where s.ownerRole == nil
                    || !s.allPrivileges(c, to: s.owner).isSubset(of: s.newObjectGrants(creator: r.name, schema: schema, objectClass: c)) {
                    gaps.append((c, schema))
                }
            }
            if r.canCreateSchemas, s.ownerRole == nil
                || !s.allPrivileges(.schemas, to: s.owner).isSubset(of: s.newObjectGrants(creator: r.name, schema: nil, objectClass: .schemas)) {
                gaps.append((.schemas, nil))
            }
            guard !gaps.isEmpty else { continue }
            let missingClasses = ObjectClass.allCases.filter { c in gaps.contains { $0.0 == c } }
            var fix: [String] = []
            if r.canSetRoleToOwner || s.ownerRole == nil {
                fix.append("-- either switch it to \(s.owner) at login (what it creates is then owned by \(s.owner)):")
                fix.append("ALTER ROLE \(r.quoted) SET role \(q);")
                fix.append("-- or let \(s.owner) use what it creates:")
            }
            for c in missingClasses { fix.append("ALTER DEFAULT PRIVILEGES FOR ROLE \(r.quoted) GRANT ALL ON \(c.keyword) TO \(q);") }
            let place = r.creatableSchemas.isEmpty ? "new schemas" : "schema(s) " + r.creatableSchemas.sorted().joined(separator: ", ")
                + (r.canCreateSchemas ? " and new schemas" : "")
            out.append(Finding(kind: .loginCreatesAsItself, role: r.name,
                               summary: "login \(r.name) creates objects as itself in \(place) without switching to \(s.owner); new "
                                   + missingClasses.map(\.rawValue).joined(separator: ", ") + " it creates would be owned by it and not usable by \(s.owner)",
                               objects: gaps.map { g in
                                   FindingObject(type: "default privileges",
                                                 identity: "FOR ROLE \(r.quoted)" + (g.1.map { " IN SCHEMA \(s.quotedSchema($0))" } ?? "") + " ON \(g.0.keyword)",
                                                 owner: r.name, detail: "does not grant ALL to \(s.owner)")
                               },
                               fix: fix))
        }
        return out
    }

    // MARK: default privileges

    /// Grantees whose grants are an expectation for R's default privileges: named NOLOGIN roles
    /// other than R and the object's owner (PUBLIC, predefined roles and logins are judged elsewhere).
    static func expectable(_ grantee: String?, owner: String, _ s: DatabaseSnapshot) -> Bool {
        guard let g = grantee else { return false }
        return g != s.owner && g != owner && !DatabaseSnapshot.isPredefined(g) && !s.isLogin(g)
    }

    struct Gap: Equatable {
        var schema: String?
        var objectClass: ObjectClass
        var grants: Set<Grant>
        var detail: String
    }

    /// Two expectations for what R's new objects grant:
    /// - carried: a login that may SET ROLE to R has default privileges granting G something;
    ///   objects it creates as R should grant the same (R's default privileges);
    /// - inferred: every object of a class in a schema owned by R (at least `inferenceMinimum`)
    ///   grants G something; new ones should too.
    static func defaultPrivileges(_ s: DatabaseSnapshot) -> [Finding] {
        guard s.ownerRole != nil else { return [] }
        let q = s.quoted(s.owner)
        var out: [Finding] = []
        // Carried from the logins.
        var carriedGlobal: [ObjectClass: Set<Grant>] = [:]
        for m in s.roles.sorted(by: { $0.name < $1.name })
        where m.exists && m.canLogin && !m.isSuperuser && m.canSetRoleToOwner && m.name != s.owner {
            var gaps: [Gap] = []
            for d in s.defaultACLs where d.role == m.name {
                let wanted = Set(d.items.filter { expectable($0.grantee, owner: m.name, s) }.map(Grant.init))
                let have = s.newObjectGrants(creator: s.owner, schema: d.schema, objectClass: d.objectClass)
                let missing = wanted.subtracting(have)
                guard !missing.isEmpty else { continue }
                gaps.append(Gap(schema: d.schema, objectClass: d.objectClass, grants: missing,
                                detail: "\(m.name)'s new \(d.objectClass.rawValue) grant " + describe(missing).joined(separator: "; ")
                                    + "; \(s.owner)'s will not"))
                if d.schema == nil { carriedGlobal[d.objectClass, default: []].formUnion(missing) }
            }
            guard !gaps.isEmpty else { continue }
            out.append(Finding(kind: .defaultPrivilegesNotCarried, role: m.name,
                               summary: "login \(m.name) may SET ROLE \(s.owner), but objects created as \(s.owner) will not grant what \(m.name)'s default privileges grant",
                               objects: gaps.map { gapObject($0, s) }, fix: gaps.flatMap { alterDefault($0, q, s) }))
        }
        // Inferred from the objects.
        var groups: [String: [DBObject]] = [:]
        var keys: [(String?, ObjectClass)] = []
        for o in s.objects where ownedByModel(o, s) && o.acl != nil {
            guard let c = o.kind.defaultClass else { continue }
            let schema = c == .schemas ? nil : o.schema
            let key = "\(c.rawValue)\u{0}\(schema ?? "")"
            if groups[key] == nil { keys.append((schema, c)) }
            groups[key, default: []].append(o)
        }
        var byClass: [ObjectClass: [Gap]] = [:]
        for (schema, c) in keys {
            guard let objs = groups["\(c.rawValue)\u{0}\(schema ?? "")"], objs.count >= inferenceMinimum else { continue }
            var common: Set<Grant>?
            for o in objs {
                let g = Set((o.acl ?? []).filter { expectable($0.grantee, owner: o.owner, s) }.map(Grant.init))
                common = common.map { $0.intersection(g) } ?? g
            }
            let have = s.newObjectGrants(creator: s.owner, schema: schema, objectClass: c)
            let missing = (common ?? []).subtracting(have).subtracting(carriedGlobal[c] ?? [])
            guard !missing.isEmpty else { continue }
            let place = schema.map { " in schema \($0)" } ?? ""
            byClass[c, default: []].append(Gap(schema: schema, objectClass: c, grants: missing,
                                               detail: "all \(objs.count) existing \(c.rawValue)\(place) grant " + describe(missing).joined(separator: "; ")
                                                   + "; new ones will not"))
        }
        for c in byClass.keys.sorted() {
            guard let gaps = byClass[c]?.sorted(by: { ($0.schema ?? "") < ($1.schema ?? "") }) else { continue }
            out.append(Finding(kind: .defaultPrivilegesMissing, role: s.owner,
                               summary: "new \(c.rawValue) created as \(s.owner) will not grant what every existing one does",
                               objects: gaps.map { gapObject($0, s) }, fix: gaps.flatMap { alterDefault($0, q, s) }))
        }
        return out
    }

    static func gapObject(_ g: Gap, _ s: DatabaseSnapshot) -> FindingObject {
        FindingObject(type: "default privileges",
                      identity: "FOR ROLE \(s.quoted(s.owner))" + (g.schema.map { " IN SCHEMA \(s.quotedSchema($0))" } ?? "") + " ON \(g.objectClass.keyword)",
                      owner: s.owner, detail: g.detail)
    }

    static func alterDefault(_ g: Gap, _ q: String, _ s: DatabaseSnapshot) -> [String] {
        let scope = g.schema.map { " IN SCHEMA \(s.quotedSchema($0))" } ?? ""
        return byGrantee(g.grants).map { e in
            "ALTER DEFAULT PRIVILEGES FOR ROLE \(q)\(scope) GRANT \(privileges(e.privileges)) ON \(g.objectClass.keyword) TO \(e.grantee.map { s.quoted($0) } ?? "PUBLIC");"
        }
    }

    // MARK: PUBLIC

    static func publicPrivileges(_ s: DatabaseSnapshot) -> [Finding] {
        var out: [Finding] = []
        let creatable = s.objects.filter { $0.kind == .schema && ($0.acl ?? []).contains { $0.grantee == nil && $0.privilege == "CREATE" } }
        if !creatable.isEmpty {
            out.append(Finding(kind: .publicCreateOnSchema,
                               summary: "PUBLIC may create objects in \(creatable.count) schema(s): every role can, as itself",
                               objects: creatable.map { FindingObject(type: "schema", identity: $0.identity, owner: $0.owner, detail: "CREATE to PUBLIC") },
                               fix: creatable.map { "REVOKE CREATE ON SCHEMA \($0.identity) FROM PUBLIC;" }))
        }
        let definers = s.objects.filter {
            $0.securityDefiner && ($0.acl ?? []).contains { $0.grantee == nil && $0.privilege == "EXECUTE" }
        }
        if !definers.isEmpty {
            out.append(Finding(kind: .publicExecuteSecurityDefiner,
                               summary: "PUBLIC may execute \(definers.count) SECURITY DEFINER routine(s) (every role runs them with their owner's privileges)",
                               objects: definers.map { FindingObject(type: $0.kind.rawValue, identity: $0.identity, owner: $0.owner, detail: "EXECUTE to PUBLIC") },
                               fix: ["-- grant EXECUTE to the roles that call them first"]
                                   + definers.map { "REVOKE EXECUTE ON \($0.kind.grantKeyword ?? "FUNCTION") \($0.identity) FROM PUBLIC;" }))
        }
        return out
    }

    // MARK: the report's model section

    static func members(_ s: DatabaseSnapshot) -> [AuditReport.Member] {
        var out: [AuditReport.Member] = []
        var seen: Set<String> = []
        for m in s.memberships.filter({ $0.role == s.owner }).sorted(by: { $0.member < $1.member }) {
            let r = s.role(m.member)
            seen.insert(m.member)
            out.append(.init(role: m.member, login: r?.canLogin ?? false, direct: true, inherit: m.inherit, set: m.set,
                             admin: m.admin, switchesToOwner: r?.defaultRole == s.owner,
                             defaultRole: r?.defaultRole == s.owner ? nil : r?.defaultRole))
        }
        for r in s.roles.sorted(by: { $0.name < $1.name })
        where r.exists && !seen.contains(r.name) && r.name != s.owner && !r.isSuperuser && (r.canSetRoleToOwner || r.hasPrivilegesOfOwner) {
            out.append(.init(role: r.name, login: r.canLogin, direct: false, inherit: r.hasPrivilegesOfOwner,
                             set: r.canSetRoleToOwner, admin: false, switchesToOwner: r.defaultRole == s.owner,
                             defaultRole: r.defaultRole == s.owner ? nil : r.defaultRole))
        }
        return out
    }

    static func creatorDefaults(_ s: DatabaseSnapshot) -> [AuditReport.CreatorDefaults] {
        var creators: [(String, Bool)] = []
        if s.ownerRole != nil { creators.append((s.owner, true)) }
        for r in s.roles.sorted(by: { $0.name < $1.name })
        where r.exists && r.canLogin && !r.isSuperuser && r.canSetRoleToOwner && r.name != s.owner {
            creators.append((r.name, false))
        }
        return creators.map { name, isOwner in
            var lines: [AuditReport.CreatorDefaults.Line] = []
            for c in ObjectClass.allCases {
                let g = s.newObjectGrants(creator: name, schema: nil, objectClass: c).filter { $0.grantee != name }
                lines.append(.init(objectClass: c, schema: nil, grants: describe(g)))
            }
            for d in s.defaultACLs.filter({ $0.role == name && $0.schema != nil })
                .sorted(by: { ($0.schema ?? "", $0.objectClass) < ($1.schema ?? "", $1.objectClass) }) {
                lines.append(.init(objectClass: d.objectClass, schema: d.schema,
                                   grants: describe(Set(d.items.map(Grant.init)).filter { $0.grantee != name })))
            }
            return AuditReport.CreatorDefaults(role: name, isOwnerRole: isOwner, lines: lines)
        }
    }
}

/// `ALTER <kind> <identity> OWNER TO <role>;`
func alterOwner(_ o: DBObject, to quotedRole: String) -> String {
    "ALTER \(o.kind.alterKeyword) \(o.identity) OWNER TO \(quotedRole);"
}

/// Privileges in PostgreSQL's order, without repeats.
func privileges(_ p: [String]) -> String {
    var seen: Set<String> = []
    return p.sorted { (Grant.privilegeRank($0), $0) < (Grant.privilegeRank($1), $1) }
        .filter { seen.insert($0).inserted }.joined(separator: ", ")
}
