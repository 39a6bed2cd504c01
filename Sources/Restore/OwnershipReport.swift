import DumpFormat
import Ownership

/// The ownership half of verify, rewrite and restore: the audit of the rewritten entries and,
/// against a server, the preflight and the `--missing-roles` decision (docs/commands.md, "Missing roles").
public struct OwnershipReport: Sendable {
    public var audit: OwnershipAudit
    public var preflight: PreflightReport?
    public var policy: MissingRolesPolicy
    /// Problems that stop the command (verify exits 1, rewrite writes nothing, restore exits 69).
    public var policyProblems: [String] = []
    /// What the rewriting stage uses: the map and, under `--missing-roles drop`, the roles the
    /// target lacks.
    public var rewriteContext: RewriteContext

    /// Audit `entries` with `map`; with a connection, run the preflight (on `selectedEntries`
    /// when given: the entries a restore will run) and apply `policy` to missing roles.
    public static func evaluate(entries: [TOCEntry], plain: Bool, standardConformingStrings: Bool, map: RoleMap,
                                owner: String, policy: MissingRolesPolicy, connection: Connection?,
                                selectedEntries: [TOCEntry]? = nil) throws -> OwnershipReport {
        var ctx = RewriteContext(map: map, missingPolicy: policy)
        let audit = try OwnershipAudit.run(entries: entries, context: ctx, standardConformingStrings: standardConformingStrings, plain: plain)
        var report = OwnershipReport(audit: audit, preflight: nil, policy: policy, rewriteContext: ctx)
        guard let conn = connection else { return report }
        let pre = try Preflight.run(conn, owner: owner, namedRoles: Set(audit.namedRoles.keys).union([owner]),
                                    grantors: audit.grantors, entries: selectedEntries ?? entries)
        report.preflight = pre
        report.policyProblems += pre.blockingProblems
        if !pre.missingRoles.isEmpty {
            switch policy {
            case .fail:
                report.policyProblems.append("roles missing on the target: \(pre.missingRoles.joined(separator: ", ")) (--missing-roles fail; use drop to leave their grants out)")
            case .drop:
                ctx.missingRoles = Set(pre.missingRoles.map { Array($0.utf8) })
                report.audit = try OwnershipAudit.run(entries: entries, context: ctx, standardConformingStrings: standardConformingStrings, plain: plain)
                report.rewriteContext = ctx
            case .keep:
                break
            }
        }
        return report
    }

    /// The report for the role options: the map built from them, then `evaluate`.
    public static func build(entries: [TOCEntry], plain: Bool, standardConformingStrings: Bool, roles: RoleSettings,
                             owner: String, connection: Connection?, selectedEntries: [TOCEntry]? = nil) throws -> OwnershipReport {
        let map = roles.roleMap(for: entries, plain: plain, standardConformingStrings: standardConformingStrings)
        return try evaluate(entries: entries, plain: plain, standardConformingStrings: standardConformingStrings, map: map,
                            owner: owner, policy: roles.missingRoles, connection: connection, selectedEntries: selectedEntries)
    }
}
