import DumpFormat

/// The role options every command shares (DESIGN.md §1), as values: what the CLI parses and the
/// libraries use to build the role map.
public struct RoleSettings: Sendable {
    /// `--owner` (or `$DB_OWNER`): the role that is to own everything.
    public var owner: String?
    /// `--map OLD=NEW` pairs, in order.
    public var explicit: [([UInt8], [UInt8])]
    /// `--keep-owner`.
    public var keepOwners: Set<String>
    /// `--missing-roles`.
    public var missingRoles: MissingRolesPolicy

    public init(owner: String?, explicit: [([UInt8], [UInt8])] = [], keepOwners: Set<String> = [],
                missingRoles: MissingRolesPolicy = .fail) {
        self.owner = owner; self.explicit = explicit; self.keepOwners = keepOwners; self.missingRoles = missingRoles
    }

    /// `OLD=NEW` → the pair; nil when it is not of that shape.
    public static func mapPair(_ m: String) -> ([UInt8], [UInt8])? {
        guard let eq = m.firstIndex(of: "="), eq != m.startIndex, m.index(after: eq) != m.endIndex else { return nil }
        return (Array(m[..<eq].utf8), Array(m[m.index(after: eq)...].utf8))
    }

    /// The role map for these entries (DESIGN.md §3). Plain pseudo-entries get their owning
    /// roles from their `ALTER … OWNER TO` statements.
    public func roleMap(for entries: [TOCEntry], plain: Bool, standardConformingStrings: Bool = true) -> RoleMap {
        let owners = plain ? RoleMap.owningRoles(ofPlain: entries, standardConformingStrings: standardConformingStrings)
                           : RoleMap.owningRoles(of: entries)
        return RoleMap(owner: owner.map { Array($0.utf8) }, explicit: explicit,
                       keepOwners: Set(keepOwners.map { Array($0.utf8) }), owners: owners)
    }

    /// The map of a one-pass plain rewrite or restore (a script from a pipe), which grows as owners are met.
    public func growingRoleMap() -> GrowingRoleMap {
        GrowingRoleMap(owner: owner.map { Array($0.utf8) }, explicit: explicit,
                       keepOwners: Set(keepOwners.map { Array($0.utf8) }), missingPolicy: missingRoles)
    }
}
