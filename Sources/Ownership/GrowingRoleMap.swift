import DumpFormat

// MARK: - One pass: the growing map

/// The role map of a one-pass rewrite: rule 2 (owners map to --owner) applied from the entry
/// holding a role's first `ALTER … OWNER TO` on; references to a role made while it still
/// mapped to itself are counted, and reported if it maps to something else later.
public final class GrowingRoleMap {
    let owner: [UInt8]?
    let explicit: [([UInt8], [UInt8])]
    let keep: Set<[UInt8]>
    private(set) var owners: [[UInt8]: Int] = [:]
    public private(set) var map: RoleMap
    private let missingPolicy: MissingRolesPolicy
    public var findings: [RewriteFinding] = []
    /// Roles named while unmapped, with counts.
    private var namedUnmapped: [[UInt8]: Int] = [:]
    /// Roles that became mapped after being named unmapped.
    public private(set) var late: [[UInt8]: Int] = [:]

    public init(owner: [UInt8]?, explicit: [([UInt8], [UInt8])], keepOwners: Set<[UInt8]>, missingPolicy: MissingRolesPolicy) {
        self.owner = owner
        self.explicit = explicit
        keep = keepOwners
        self.missingPolicy = missingPolicy
        map = RoleMap(owner: owner, explicit: explicit, keepOwners: keep, owners: [:])
    }

    /// Learn the entry's owners; the context to rewrite it with.
    public func observe(_ e: TOCEntry, standardConformingStrings: Bool) -> RewriteContext {
        var added = false
        for r in references(e, standardConformingStrings: standardConformingStrings) where r.owner {
            if owners[r.name] == nil { added = true }
            owners[r.name, default: 0] += 1
        }
        if added {
            map = RoleMap(owner: owner, explicit: explicit, keepOwners: keep, owners: owners)
            for (role, n) in namedUnmapped where map.isMapped(role) {
                late[role, default: 0] += n
                namedUnmapped[role] = nil
            }
        }
        return RewriteContext(map: map, missingPolicy: missingPolicy)
    }

    /// One entry of a one-pass rewrite, in the order the rule needs: learn its owners, rewrite it
    /// with the map as it stands (findings kept), then count the roles it named that the map
    /// still leaves alone (so `late` can name those that become mapped later). Used for a plain
    /// script from a pipe by `rewrite` and `restore` alike. `standardConformingStrings`: the
    /// dump's, for an entry without its own `lexState`.
    public func rewrite(_ e: TOCEntry, standardConformingStrings: Bool = true) throws -> TOCEntry {
        let scs = e.lexState(standardConformingStrings: standardConformingStrings).standardConformingStrings
        let ctx = observe(e, standardConformingStrings: scs)
        let r = try Rewriter.rewriteEntry(e, ctx, standardConformingStrings: scs, plain: true)
        findings += r.findings
        recordUnmapped(e, standardConformingStrings: scs)
        return r.entry
    }

    /// Count the roles the (original) entry names that the current map leaves alone.
    public func recordUnmapped(_ e: TOCEntry, standardConformingStrings: Bool) {
        if let o = e.owner, !o.isEmpty, !map.isMapped(o), !RoleMap.isNeverMapped(o) { namedUnmapped[o, default: 0] += 1 }
        for r in references(e, standardConformingStrings: standardConformingStrings) where !map.isMapped(r.name) {
            namedUnmapped[r.name, default: 0] += 1
        }
    }

    /// The roles the entry's statements name (PUBLIC, CURRENT_USER, pg_* left out); `owner`
    /// for the target of an `ALTER … OWNER TO` (as RoleMap.owningRoles(ofPlain:) counts them).
    private func references(_ e: TOCEntry, standardConformingStrings: Bool) -> [(name: [UInt8], owner: Bool)] {
        guard let defn = e.defn, !defn.isEmpty,
              let items = try? SQLStatement.split(defn, name: e.label, state: e.lexState(standardConformingStrings: standardConformingStrings)) else { return [] }
        var out: [(name: [UInt8], owner: Bool)] = []
        for s in items where s.kind == .statement {
            let a = RoleReferences.analyze(s.bytes, s.tokens, standardConformingStrings: s.standardConformingStrings)
            for (k, r) in a.references.enumerated() where !r.isSpecial {
                out.append((r.name, a.statementClass == .alterOwner && k == 0))
            }
        }
        return out
    }
}
