import ArgumentParser
import DumpFormat
import Ownership

#if canImport(Glibc)
import Glibc
#endif

/// The role options every command shares (DESIGN.md §1).
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

    /// The options as the libraries take them (a malformed --map is a usage error).
    func settings() throws -> RoleSettings {
        let pairs = try map.map { m in
            guard let pair = RoleSettings.mapPair(m) else { throw ValidationError("--map takes OLD=NEW, got '\(m)'") }
            return pair
        }
        return RoleSettings(owner: effectiveOwner, explicit: pairs, keepOwners: Set(keepOwner), missingRoles: missingRoles)
    }

    func growingRoleMap() throws -> GrowingRoleMap { try settings().growingRoleMap() }

    func roleMap(for entries: [TOCEntry], plain: Bool) throws -> RoleMap { try settings().roleMap(for: entries, plain: plain) }
}

extension MissingRolesPolicy: ExpressibleByArgument {}

/// "role map:" block for reports.
func roleMapText(_ map: RoleMap) -> String { map.reportText + "\n" }
