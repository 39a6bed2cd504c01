import ArgumentParser
import DumpFormat
import Ownership

#if canImport(Glibc)
import Glibc
#endif

/// The role options every command shares (docs/commands.md).
struct RoleOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The role that is to own everything (default: $DB_OWNER).", valueName: "ROLE"))
    var owner: String?

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("Map role OLD to NEW wherever the dump names it (repeatable; wins over the owner rule).", valueName: "OLD=NEW"))
    var map: [String] = []

    @Option(name: .customLong("keep-owner"), parsing: .singleValue,
            help: ArgumentHelp("Leave this role's objects owned by it (repeatable).", valueName: "ROLE"))
    var keepOwner: [String] = []

    @Option(name: .customLong("missing-roles"),
            help: ArgumentHelp("What a role missing on --target means (grantee, grantor, policy role, user mapping): fail (refuse, listing them), drop (leave out the grants to it and the grants it made, report each), keep.", valueName: "fail|drop|keep"))
    var missingRoles: MissingRolesPolicy = .fail

    /// --owner, else $DB_OWNER, else nil.
    var effectiveOwner: String? {
        if let owner, !owner.isEmpty { return owner }
        if let v = getenv("DB_OWNER") { let s = String(cString: v); return s.isEmpty ? nil : s }
        return nil
    }

    func explicitPairs() throws -> [([UInt8], [UInt8])] {
        try map.map { m in
            guard let eq = m.firstIndex(of: "="), eq != m.startIndex, m.index(after: eq) != m.endIndex else {
                throw ValidationError("--map takes OLD=NEW, got '\(m)'")
            }
            return (Array(m[..<eq].utf8), Array(m[m.index(after: eq)...].utf8))
        }
    }

    /// The map of a one-pass plain rewrite, which grows as owners are met.
    func growingRoleMap() throws -> GrowingRoleMap {
        GrowingRoleMap(owner: effectiveOwner.map { Array($0.utf8) }, explicit: try explicitPairs(),
                       keepOwners: Set(keepOwner.map { Array($0.utf8) }), missingPolicy: missingRoles)
    }

    /// The role map for these entries (`RoleMap`). Plain pseudo-entries get their owning
    /// roles from their `ALTER … OWNER TO` statements.
    func roleMap(for entries: [TOCEntry], plain: Bool) throws -> RoleMap {
        let owners = plain ? RoleMap.owningRoles(ofPlain: entries) : RoleMap.owningRoles(of: entries)
        return RoleMap(owner: effectiveOwner.map { Array($0.utf8) }, explicit: try explicitPairs(),
                       keepOwners: Set(keepOwner.map { Array($0.utf8) }), owners: owners)
    }
}

extension MissingRolesPolicy: ExpressibleByArgument {}

/// "role map:" block for reports.
func roleMapText(_ map: RoleMap) -> String {
    var s = "role map (owner \(map.owner.map { shown($0) } ?? "not set")):\n"
    if map.lines.isEmpty { s += "  (every role maps to itself)\n" }
    for l in map.lines { s += "  \(l)\n" }
    return s
}
