import DumpFormat

/// Who a dump names, and where: the auditor behind `inspect` and the ownership half of `verify`.
/// Pure: fed TOC entries (archive or plain pseudo-entries), no I/O.
public final class RoleInventory {
    /// Entries per TOC owner.
    public private(set) var owners: [[UInt8]: Int] = [:]
    /// For each role named inside SQL: how often, by kind of reference.
    public private(set) var named: [[UInt8]: [RoleRefKind: Int]] = [:]
    /// Entries whose SQL could not be split (unterminated quote…), with the reason.
    public private(set) var unreadable: [(entry: String, reason: String)] = []

    /// The entry types whose SQL names roles (pg_dump.c `dumpACL`, `dumpDefaultACL`, `dumpPolicy`,
    /// `dumpUserMappings`, `dumpDatabaseConfig`).
    public static let roleBearingDescs: Set<String> = ["ACL", "DEFAULT ACL", "POLICY", "USER MAPPING", "DATABASE PROPERTIES"]

    public init() {}

    /// `allStatements`: look at every statement of the entry (plain pseudo-entries, whose defn
    /// also holds `ALTER … OWNER TO`), not only the role-bearing entry types.
    public func add(_ entry: TOCEntry, standardConformingStrings: Bool = true, allStatements: Bool = false) {
        if let o = entry.owner, !o.isEmpty { owners[o, default: 0] += 1 }
        guard Self.roleBearingDescs.contains(entry.desc) || allStatements, let defn = entry.defn else { return }
        do {
            for s in try SQLStatement.split(defn, name: entry.label, state: entry.lexState(standardConformingStrings: standardConformingStrings))
            where s.kind == .statement {
                for r in RoleReferences.analyze(s.bytes, s.tokens, standardConformingStrings: s.standardConformingStrings).references
                where !r.isSpecial || r.name.starts(with: Array("pg_".utf8)) {   // PUBLIC, CURRENT_USER… are no roles
                    named[r.name, default: [:]][r.kind, default: 0] += 1
                }
            }
        } catch {
            unreadable.append((entry.label, "\(error)"))
        }
    }

    /// Owners sorted by count, then name.
    public var ownersSorted: [(name: String, count: Int)] {
        owners.map { (text($0.key), $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
    }

    /// Named roles sorted by total count, then name.
    public var namedSorted: [(name: String, total: Int, byKind: [RoleRefKind: Int])] {
        named.map { (text($0.key), $0.value.values.reduce(0, +), $0.value) }
            .sorted { $0.total != $1.total ? $0.total > $1.total : $0.name < $1.name }
    }
}
