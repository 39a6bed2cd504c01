import DumpFormat

/// The ownership half of verify (and the planning step of rewrite): rewrite every entry with the
/// map, and report who would own what, which roles the result names, and what could not be
/// classified. Pure: entries in, report out.
public struct OwnershipAudit: Sendable {
    public struct NotOwned: Sendable {
        public var entry: String
        public var owner: String
        public var reason: String
    }

    public var map: RoleMap
    public var rewritten: [TOCEntry]
    public var findings: [RewriteFinding]
    /// Objects that would not end up owned by the map's owner, and why.
    public var notOwned: [NotOwned]
    /// Every role the rewritten dump names (TOC owners and SQL), with counts.
    public var namedRoles: [String: Int]
    /// Third-party grantors (their grant blocks run as SET ROLE g).
    public var grantors: Set<String>
    /// An entry a restore runs as the login rather than the owner role, and why.
    public struct LoginEntry: Sendable {
        public var entry: String
        public var reason: String
    }

    /// Entries a restore runs as the login rather than the owner role (the entry policy).
    public var runAsLogin: [LoginEntry] = []

    /// Entry types that create an object PostgreSQL gives an owner, but pg_dump records none for.
    static let unownedObjectDescs: Set<String> = ["EXTENSION"]

    public static func run(entries: [TOCEntry], context: RewriteContext, standardConformingStrings: Bool,
                           plain: Bool) throws -> OwnershipAudit {
        let map = context.map
        var context = context
        if !plain && context.createdIds == nil { context.createdIds = Set(entries.map(\.dumpId)) }
        var rewritten: [TOCEntry] = []
        rewritten.reserveCapacity(entries.count)
        var findings: [RewriteFinding] = []
        for e in entries {
            let r = try Rewriter.rewriteEntry(e, context, standardConformingStrings: standardConformingStrings, plain: plain)
            rewritten.append(r.entry)
            findings += r.findings
        }
        var notOwned: [NotOwned] = []
        let owner = map.owner
        let plainOwners = plain ? Set(RoleMap.owningRoles(ofPlain: rewritten, standardConformingStrings: standardConformingStrings).keys) : []
        for (old, new) in zip(entries, rewritten) {
            if !plain && RoleMap.restoresWithOwner(old) && new.owner == [] {
                notOwned.append(NotOwned(entry: old.label, owner: "(restoring superuser)",
                                         reason: "PostgreSQL lets only a superuser own an object of type \(old.desc)"))
            } else if !plain && RoleMap.restoresWithOwner(old), let o = old.owner, let n = new.owner, n != owner {
                let reason = map.kept.contains(o) ? "--keep-owner \(text(o))" : map.isMapped(o) ? "--map \(text(o))=\(text(n))" : "no --owner given"
                notOwned.append(NotOwned(entry: old.label, owner: text(n), reason: reason))
            } else if unownedObjectDescs.contains(old.desc) {
                notOwned.append(NotOwned(entry: old.label, owner: "(restoring role)",
                                         reason: "pg_dump records no owner for \(old.desc.lowercased())s: the role that restores it owns it"))
            }
        }
        if plain, let owner {
            for role in plainOwners where role != owner {
                let reason = map.kept.contains(role) ? "--keep-owner" : map.isMapped(role) ? "--map" : "no --owner given"
                notOwned.append(NotOwned(entry: "ALTER … OWNER TO \(text(role)) statements", owner: text(role), reason: reason))
            }
        }
        var named: [String: Int] = [:]
        var grantors = Set<String>()
        let inventory = RoleInventory()
        for e in rewritten { inventory.add(e, standardConformingStrings: standardConformingStrings, allStatements: plain) }
        // A plain script's owners are its ALTER … OWNER TO statements (counted below); its
        // header comments carry them sanitized (a line break as a space), no role name.
        if !plain { for (role, n) in inventory.owners { named[text(role), default: 0] += n } }
        for (role, kinds) in inventory.named {
            named[text(role), default: 0] += kinds.values.reduce(0, +)
            if kinds[.grantor] != nil { grantors.insert(text(role)) }
        }
        let policy = context.entryPolicy
        let runAsLogin = rewritten.compactMap { e -> LoginEntry? in
            let d = policy.decide(e)
            guard d.runner == .login, e.dumpId != 0 else { return nil }
            return LoginEntry(entry: e.label, reason: d.reason ?? "")
        }
        return OwnershipAudit(map: map, rewritten: rewritten, findings: findings, notOwned: notOwned,
                              namedRoles: named, grantors: grantors, runAsLogin: runAsLogin)
    }
}
