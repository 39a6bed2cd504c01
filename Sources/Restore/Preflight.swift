import DumpFormat
import Ownership

/// What a target server says about a planned restore (docs/restore.md, step 1), before anything
/// is written: the owner role exists and the login can become it, every role the rewritten
/// dump names exists, and which entries need a superuser.
public struct PreflightReport: Sendable {
    public var server: String
    public var serverVersion: Int
    public var login: String
    public var loginIsSuperuser: Bool
    public var owner: String
    public var ownerExists: Bool
    /// `pg_has_role(login, owner, 'SET')` on 16+, `'MEMBER'` before (superusers always can).
    public var loginCanSetRoleOwner: Bool
    /// Roles the rewritten dump names that the server lacks, sorted.
    public var missingRoles: [String]
    /// Third-party grantors the login cannot SET ROLE to (their grant blocks would fail).
    public var unreachableGrantors: [String]
    /// Entries only a superuser can restore, when the login is not one.
    public var superuserOnly: [String]

    /// Problems that stop a restore whatever the policy.
    public var blockingProblems: [String] {
        var p: [String] = []
        let login = oneLine(self.login), owner = oneLine(self.owner)
        if !ownerExists { p.append("owner role \(owner) does not exist on \(server)") }
        else if !loginCanSetRoleOwner { p.append("login \(login) cannot SET ROLE \(owner) on \(server) (grant it: GRANT \(oneLine(Identifier.quote(self.owner))) TO \(oneLine(Identifier.quote(self.login))))") }
        for g in unreachableGrantors.map({ oneLine($0) }) {
            p.append("login \(login) cannot SET ROLE \(g), the grantor of some grants (grant membership, or use --map \(g)=\(owner))")
        }
        for e in superuserOnly { p.append("\(oneLine(e)) needs a superuser; \(login) is not one (skip it on purpose with --exclude-type TYPE or -L LIST)") }
        return p
    }
}

public enum Preflight {
    /// Ask the server. `namedRoles`: every role the rewritten dump names (owners and SQL);
    /// `grantors`: third-party grantors whose blocks become SET ROLE.
    public static func run(_ conn: Connection, owner: String, namedRoles: Set<String>, grantors: Set<String>,
                           entries: [TOCEntry]) throws -> PreflightReport {
        let who = try conn.query("SELECT current_user::text, rolsuper::text FROM pg_roles WHERE rolname = current_user")
        let login = who.first?[0] ?? "?"
        let isSuper = who.first?[1] == "true"
        let existing = Set(try conn.query("SELECT rolname::text FROM pg_roles").compactMap { $0[0] })
        let ownerExists = existing.contains(owner)
        let setPrivilege = conn.serverVersion >= 160000 ? "SET" : "MEMBER"
        func canSet(_ role: String) throws -> Bool {
            if isSuper { return true }
            guard existing.contains(role) else { return false }
            return try conn.query("SELECT pg_has_role(current_user, $1, '\(setPrivilege)')::text", [role]).first?[0] == "true"
        }
        let canSetOwner = ownerExists ? try canSet(owner) : false
        let missing = namedRoles.filter { $0 != owner && !existing.contains($0) && !RoleMap.isNeverMapped(Array($0.utf8)) }.sorted()
        var unreachable: [String] = []
        for g in grantors.sorted() where existing.contains(g) {
            // R owns the scratch database, so it (and through it the login) acts for
            // pg_database_owner there, whatever the maintenance database says.
            if Array(g.utf8) == EntryPolicy.databaseOwnerRole && canSetOwner { continue }
            if !(try canSet(g)) { unreachable.append(g) }
        }
        let superOnly = isSuper ? [] : entries.filter(EntryPolicy.needsSuperuser).map(\.label)
        let version = try conn.query("SHOW server_version").first?[0] ?? "?"
        return PreflightReport(server: "\(conn.displayName) (PostgreSQL \(version))", serverVersion: conn.serverVersion,
                               login: login, loginIsSuperuser: isSuper, owner: owner, ownerExists: ownerExists,
                               loginCanSetRoleOwner: canSetOwner, missingRoles: missing, unreachableGrantors: unreachable,
                               superuserOnly: superOnly)
    }
}

extension Preflight {
    /// What a restore needs beyond verify's preflight: the login may create the scratch
    /// database, and every extension the dump creates is available (and, for a login that is
    /// not a superuser, trusted). Each problem names the entry and the option that skips it.
    ///
    /// `owner`: the owner role R, which the load runs as. Entries the map gives another owner X
    /// end in `ALTER … OWNER TO X`, which PostgreSQL allows R only when R can SET ROLE X.
    public static func restoreProblems(_ conn: Connection, entries: [TOCEntry], needsCreateDB: Bool,
                                       owner: String? = nil, standardConformingStrings: Bool = true) throws -> [String] {
        var p: [String] = []
        let who = try conn.query("SELECT rolsuper::text, rolcreatedb::text, rolname::text, rolcreaterole::text FROM pg_roles WHERE rolname = current_user").first
        let isSuper = who?[0] == "true"
        let login = (who?[2] ?? nil) ?? "?"
        let createRole = who?[3] == "true"
        if needsCreateDB && !isSuper && who?[1] != "true" {
            p.append("the login cannot create databases (it needs CREATEDB for the scratch database, or use --in-place)")
        }
        if let owner {
            var owned: [String: Int] = [:]
            for e in entries where RoleMap.restoresWithOwner(e) {
                if let o = e.owner, !o.isEmpty, o != Array(owner.utf8) { owned[text(o), default: 0] += 1 }
            }
            // ALTER DEFAULT PRIVILEGES FOR ROLE X needs the same (a role the map leaves alone).
            let defaults = RoleInventory()
            for e in entries where e.desc == "DEFAULT ACL" { defaults.add(e, standardConformingStrings: standardConformingStrings) }
            for (role, kinds) in defaults.named where role != Array(owner.utf8) {
                if let n = kinds[.defaultPrivilegesRole] { owned[text(role), default: 0] += n }
            }
            let setPrivilege = conn.serverVersion >= 160000 ? "SET" : "MEMBER"
            for (x, n) in owned.sorted(by: { $0.key < $1.key }) where EntryPolicy.isPredefinedRole(Array(x.utf8)) {
                // pg_database_owner: R acts for it in the database it owns. Another predefined
                // role: its entries run as the login (the entry policy), which must be able to act for it.
                guard EntryPolicy.isPredefinedOwnerTheLoginActsFor(Array(x.utf8)), !isSuper else { continue }
                let can = try conn.query("SELECT pg_has_role(current_user, oid, '\(setPrivilege)')::text FROM pg_roles WHERE rolname = $1", [x])
                if let row = can.first, row[0] != "true" {
                    p.append("the predefined role \(oneLine(x)) owns \(n) object\(n == 1 ? "" : "s") or default privilege\(n == 1 ? "" : "s") in the dump; they keep that owner and are created by the login, "
                             + "which must be a superuser or a member of it (grant it: GRANT \(oneLine(Identifier.quote(x))) TO \(oneLine(Identifier.quote(login)))), or restore as a superuser)")
                }
            }
            for (x, n) in owned.sorted(by: { $0.key < $1.key }) where !EntryPolicy.isPredefinedRole(Array(x.utf8)) {
                let can = try conn.query("SELECT pg_has_role($1, oid, '\(setPrivilege)')::text FROM pg_roles WHERE rolname = $2", [owner, x])
                // A role that does not exist is reported as missing by the preflight.
                if let row = can.first, row[0] != "true" {
                    p.append("the owner role \(oneLine(owner)) cannot SET ROLE \(oneLine(x)), the owner of \(n) object\(n == 1 ? "" : "s") or default privilege\(n == 1 ? "" : "s") after the map: "
                             + "the load runs as \(oneLine(owner)), and ALTER … OWNER TO and ALTER DEFAULT PRIVILEGES FOR ROLE need it (grant it: GRANT \(oneLine(Identifier.quote(x))) TO \(oneLine(Identifier.quote(owner))), or map the role to the owner)")
                }
            }
        }
        // ALTER ROLE r IN DATABASE d SET … (DATABASE PROPERTIES of a --create dump): the login runs
        // it (the entry policy), and PostgreSQL wants CREATEROLE for it (16+: and ADMIN OPTION on r).
        if !isSuper {
            for e in entries where e.desc == "DATABASE PROPERTIES" {
                guard let d = e.defn, let items = try? SQLStatement.split(d, standardConformingStrings: standardConformingStrings) else { continue }
                for s in items where s.kind == .statement {
                    let a = RoleReferences.analyze(s.bytes, s.tokens, standardConformingStrings: standardConformingStrings)
                    guard a.statementClass == .alterRole, let r = a.references.first, !r.isSpecial else { continue }
                    let role = text(r.name)
                    var allowed = createRole
                    if allowed && conn.serverVersion >= 160000 {
                        allowed = try conn.query("SELECT pg_has_role(current_user, oid, 'MEMBER WITH ADMIN OPTION')::text FROM pg_roles WHERE rolname = $1",
                                                 [role]).first?[0] != "false"
                    }
                    if !allowed {
                        p.append("\(e.label): ALTER ROLE \(oneLine(role)) IN DATABASE … SET needs CREATEROLE\(conn.serverVersion >= 160000 ? " and ADMIN OPTION on that role" : "") for the login \(oneLine(login)) "
                                 + "(grant it, or leave the database's properties out with --exclude-type \"DATABASE PROPERTIES\")")
                    }
                }
            }
        }
        for e in entries where e.desc == "EXTENSION" {
            let name = e.tagText
            let versions = try conn.query("SELECT \(conn.serverVersion >= 130000 ? "trusted::text" : "'false'") FROM pg_available_extension_versions WHERE name = $1", [name])
            if versions.isEmpty {
                p.append("\(e.label): extension \(name) is not available on the server (install it, or skip the entry with --exclude-type EXTENSION or -L LIST)")
            } else if !isSuper && !versions.contains(where: { $0[0] == "true" }) {
                p.append("\(e.label): extension \(name) is not trusted and needs a superuser (skip the entry with --exclude-type EXTENSION or -L LIST)")
            }
        }
        return p
    }
}
