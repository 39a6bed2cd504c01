import DumpFormat

/// The role map M (ARCHITECTURE.md, "Where each rule lives"; docs/commands.md), computed once
/// from the whole TOC before any output:
/// 1. `--map OLD=NEW` entries first;
/// 2. every role that owns an object in the dump maps to `--owner R`, unless kept (`--keep-owner`);
/// 3. every other role maps to itself.
/// PUBLIC, CURRENT_USER, SESSION_USER, CURRENT_ROLE and pg_* roles never map.
public struct RoleMap: Sendable {
    public enum Reason: String, Sendable, Codable {
        case explicit = "--map"
        case owner = "owns objects"
        case kept = "--keep-owner"
    }

    public let owner: [UInt8]?
    /// Roles that map to something other than themselves, and why.
    public private(set) var mapping: [[UInt8]: (to: [UInt8], reason: Reason)] = [:]
    /// Roles that own objects in the dump but were kept.
    public private(set) var kept: Set<[UInt8]> = []
    /// Every role that owns an object, with the number of objects.
    public private(set) var owningRoles: [[UInt8]: Int] = [:]

    /// True when restoring the entry emits `ALTER … OWNER TO <owner>` (arch.c _printTocEntry:
    /// an owner, a non-empty drop statement, and a type with a separate owner).
    public static func restoresWithOwner(_ e: TOCEntry) -> Bool {
        guard let o = e.owner, !o.isEmpty, let d = e.dropStmt, !d.isEmpty else { return false }
        return ObjectTypes.owned.contains(e.desc)
    }

    public static func isNeverMapped(_ role: [UInt8]) -> Bool {
        if EntryPolicy.isPredefinedRole(role) { return true }
        switch String(decoding: role, as: UTF8.self).lowercased() {
        case "public", "current_user", "session_user", "current_role": return true
        default: return false
        }
    }

    /// - Parameters:
    ///   - owners: each owning role with its object count (see `owningRoles(of:)`).
    ///   - explicit: `--map OLD=NEW` pairs, in order (a later pair for the same OLD wins).
    public init(owner: [UInt8]?, explicit: [([UInt8], [UInt8])], keepOwners: Set<[UInt8]>, owners: [[UInt8]: Int]) {
        self.owner = owner
        self.owningRoles = owners
        for (old, new) in explicit where !Self.isNeverMapped(old) && old != new {
            mapping[old] = (new, .explicit)
        }
        for role in owners.keys where mapping[role] == nil && !Self.isNeverMapped(role) {
            if keepOwners.contains(role) {
                kept.insert(role)
            } else if let owner, role != owner {
                mapping[role] = (owner, .owner)
            }
        }
    }

    /// Owning roles of archive entries (TOC owners of entries restored with ALTER … OWNER TO).
    public static func owningRoles(of entries: [TOCEntry]) -> [[UInt8]: Int] {
        var out: [[UInt8]: Int] = [:]
        for e in entries where restoresWithOwner(e) { if let o = e.owner { out[o, default: 0] += 1 } }
        return out
    }

    /// Owning roles of a plain script's pseudo-entries: the targets of its `ALTER … OWNER TO`
    /// statements (a plain script has no drop statements to tell which entries get one).
    public static func owningRoles(ofPlain entries: [TOCEntry], standardConformingStrings: Bool = true) -> [[UInt8]: Int] {
        var out: [[UInt8]: Int] = [:]
        for e in entries {
            guard let defn = e.defn, let items = try? SQLStatement.split(defn, state: e.lexState(standardConformingStrings: standardConformingStrings)) else { continue }
            for s in items where s.kind == .statement {
                let a = RoleReferences.analyze(s.bytes, s.tokens)
                if a.statementClass == .alterOwner, let r = a.references.first, !r.isSpecial { out[r.name, default: 0] += 1 }
            }
        }
        return out
    }

    /// What a role becomes.
    ///
    /// A plain script's `-- Name: …; Owner: r` headers hold names as pg_dump's sanitize_line
    /// wrote them (CR and LF turned into spaces): a header owner that is no role of the map but
    /// is the sanitized form of one (a role whose name holds a line break) means that role.
    public func map(_ role: [UInt8]) -> [UInt8] {
        if let m = mapping[role] { return m.to }
        if role.contains(0x20), let m = mapping.first(where: { $0.key != role && PlainScriptWriter.sanitizeLine($0.key) == role }) {
            return m.value.to
        }
        return role
    }

    public func isMapped(_ role: [UInt8]) -> Bool { mapping[role] != nil }

    /// The roles the map sends elsewhere (it holds no role mapped to itself): none of them may be
    /// named in a restored database.
    public var mappedAwayRoles: Set<String> { Set(mapping.keys.map { text($0) }) }

    /// The map as lines for reports and restore logs: `old → new (reason)`, sorted by old.
    public var lines: [String] {
        var out = mapping.sorted { text($0.key) < text($1.key) }.map { "\(shown($0.key)) → \(shown($0.value.to)) (\($0.value.reason.rawValue))" }
        out += kept.sorted { text($0) < text($1) }.map { "\(shown($0)) → \(shown($0)) (\(Reason.kept.rawValue))" }
        return out
    }

    /// "role map (owner R):" and a line per mapping, for reports and logs (no final newline).
    public var reportText: String {
        var s = "role map (owner \(owner.map { shown($0) } ?? "not set")):"
        if lines.isEmpty { s += "\n  (every role maps to itself)" }
        for l in lines { s += "\n  \(l)" }
        return s
    }
}
