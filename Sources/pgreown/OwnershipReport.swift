import ArgumentParser
import DumpFormat
import Ownership
import Restore

/// The CLI side of the ownership policy: the map from the role options, a connection from
/// --target, and the report's text and JSON.
extension OwnershipReport {
    static func build(entries: [TOCEntry], plain: Bool, standardConformingStrings: Bool, roles: RoleOptions,
                      target: String?, connection: Connection? = nil,
                      selectedEntries: [TOCEntry]? = nil) throws -> OwnershipReport {
        guard let owner = roles.effectiveOwner else {
            throw ValidationError("--target needs an owner role: give --owner ROLE or set DB_OWNER")
        }
        var conn = connection
        if conn == nil, let target { conn = try Connection(conninfo: target) }
        return try OwnershipReport.build(entries: entries, plain: plain, standardConformingStrings: standardConformingStrings,
                                         roles: try roles.settings(), owner: owner, connection: conn, selectedEntries: selectedEntries)
    }

    var text: String {
        func one(_ name: String) -> String { oneLine(name) }
        var s = "ownership:\n"
        s += roleMapText(audit.map).split(separator: "\n").map { "  \($0)\n" }.joined()
        s += "  objects not owned by \(audit.map.owner.map { shown($0) } ?? "-") after the rewrite: \(audit.notOwned.count)\n"
        for n in audit.notOwned { s += "    \(one(n.entry)): \(one(n.owner)) (\(one(n.reason)))\n" }
        s += "  entries a restore runs as the login (the rest as the owner role): \(audit.runAsLogin.count)\n"
        for n in audit.runAsLogin { s += "    \(one(n.entry)): \(one(n.reason))\n" }
        s += "  roles the rewritten dump names:\n"
        for (r, n) in audit.namedRoles.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            let missing = preflight?.missingRoles.contains(r) == true ? "  MISSING on target" : ""
            s += "    \(pad(one(r), 32)) \(n)\(missing)\n"
        }
        let unclassified = audit.findings.filter { $0.kind == .unclassified }
        s += "  statements naming a mapped role that pgreown does not rewrite: \(unclassified.count)\n"
        for f in unclassified { s += "    \(one(f.entry)): \(one(f.detail))\n" }
        for f in audit.findings where f.kind == .droppedGrant { s += "  dropped: \(one(f.entry)): \(one(f.detail))\n" }
        if let p = preflight {
            s += "preflight on \(p.server):\n"
            s += "  login \(one(p.login))\(p.loginIsSuperuser ? " (superuser)" : "")\n"
            s += "  owner role \(one(p.owner)): \(p.ownerExists ? "exists" : "MISSING")\(p.ownerExists ? (p.loginCanSetRoleOwner ? ", login can SET ROLE to it" : ", login CANNOT SET ROLE to it") : "")\n"
            s += "  missing roles: \(p.missingRoles.isEmpty ? "none" : p.missingRoles.map(one).joined(separator: ", ")) (--missing-roles \(policy.rawValue))\n"
            if !p.unreachableGrantors.isEmpty { s += "  grantors the login cannot SET ROLE to: \(p.unreachableGrantors.map(one).joined(separator: ", "))\n" }
            if !p.superuserOnly.isEmpty { s += "  entries needing a superuser: \(p.superuserOnly.map(one).joined(separator: "; "))\n" }
        }
        return s
    }

    struct JSON: Encodable {
        struct NotOwnedJ: Encodable { var entry: String; var owner: String; var reason: String }
        struct PreflightJ: Encodable {
            var server: String, login: String, loginIsSuperuser: Bool, owner: String, ownerExists: Bool
            var loginCanSetRoleOwner: Bool, missingRoles: [String], unreachableGrantors: [String], superuserOnly: [String]
        }
        var owner: String?
        var roleMap: [String]
        var notOwned: [NotOwnedJ]
        struct LoginEntryJ: Encodable { var entry: String; var reason: String }
        var runAsLogin: [LoginEntryJ]
        var namedRoles: [String: Int]
        var unclassified: [String]
        var droppedGrants: [String]
        var missingRolesPolicy: String
        var preflight: PreflightJ?
        var policyProblems: [String]
    }

    var json: JSON {
        JSON(owner: audit.map.owner.map { DumpFormat.text($0) }, roleMap: audit.map.lines,
             notOwned: audit.notOwned.map { .init(entry: $0.entry, owner: $0.owner, reason: $0.reason) },
             runAsLogin: audit.runAsLogin.map { .init(entry: $0.entry, reason: $0.reason) },
             namedRoles: audit.namedRoles,
             unclassified: audit.findings.filter { $0.kind == .unclassified }.map(\.description),
             droppedGrants: audit.findings.filter { $0.kind == .droppedGrant }.map(\.description),
             missingRolesPolicy: policy.rawValue,
             preflight: preflight.map { p in
                 .init(server: p.server, login: p.login, loginIsSuperuser: p.loginIsSuperuser, owner: p.owner,
                       ownerExists: p.ownerExists, loginCanSetRoleOwner: p.loginCanSetRoleOwner, missingRoles: p.missingRoles,
                       unreachableGrantors: p.unreachableGrantors, superuserOnly: p.superuserOnly)
             },
             policyProblems: policyProblems)
    }
}
