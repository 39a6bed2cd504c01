/// Which entries a restore runs and in which pass, as pg_restore decides it
/// (`pg_backup_archiver.c` _tocEntryRequired, _tocEntryRestorePass). Pure: entries and options
/// in, decisions out; the SQL emitter and the restorer follow it, tests check it directly.
public struct RestorePlan: Sendable {
    /// Selection options (pg_restore's, plus `excludeTypes`).
    public struct Selection: Sendable {
        /// `--section`: the sections to restore (all when empty).
        public var sections: Set<Section> = []
        /// `--no-comments`.
        public var noComments = false
        /// `--exclude-type TYPE`: entries of these descs are skipped (pgreown's own).
        public var excludeTypes: Set<String> = []
        /// `-L FILE`: only these dumpIds (nil: all).
        public var wantedIds: Set<Int>?

        /// Whether the user's selection keeps entry `e` of `section` (`--no-comments`,
        /// `--section`, `-L`, `--exclude-type`): the one rule for archives (`required`) and plain
        /// scripts (`PlainLoader`) alike.
        public func keeps(_ e: TOCEntry, section: Section) -> Bool {
            if noComments && e.desc == "COMMENT" { return false }
            if !sections.isEmpty && !sections.contains(section) { return false }
            if let wantedIds, !wantedIds.contains(e.dumpId) { return false }
            return !excludeTypes.contains(e.desc)
        }

        /// Whether a database-level entry (`isDatabaseLevel`, applied to the scratch database by
        /// the restore whatever the sections) is selected: `--exclude-type` and `--no-comments` apply.
        public func includesDatabaseEntry(_ e: TOCEntry) -> Bool {
            if noComments && e.desc == "COMMENT" { return false }
            return !excludeTypes.contains(e.desc)
        }

        public init(sections: Set<Section> = [], noComments: Bool = false, excludeTypes: Set<String> = [],
                    wantedIds: Set<Int>? = nil) {
            self.sections = sections; self.noComments = noComments; self.excludeTypes = excludeTypes
            self.wantedIds = wantedIds
        }
    }

    public enum Pass: UInt8, Sendable { case main = 0, acl = 1, postACL = 2 }

    /// What of an entry is restored (REQ_SCHEMA, REQ_DATA, REQ_STATS).
    public struct Parts: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let schema = Parts(rawValue: 1)
        public static let data = Parts(rawValue: 2)
        public static let stats = Parts(rawValue: 4)
    }

    public let entries: [TOCEntry]
    public let parts: [Parts]
    public let passes: [Pass]
    /// dumpId → index in `entries`.
    public let position: [Int: Int]

    public init(entries: [TOCEntry], version: ScriptWriter.Version, selection: Selection = Selection()) {
        self.entries = entries
        var position: [Int: Int] = [:]
        position.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() { position[e.dumpId] = i }
        self.position = position
        var section = Section.preData
        var parts: [Parts] = []
        var passes: [Pass] = []
        parts.reserveCapacity(entries.count)
        passes.reserveCapacity(entries.count)
        for e in entries {
            if e.section != .none { section = e.section }
            parts.append(Self.required(e, section, version, selection))
            passes.append(Self.restorePass(e, version))
        }
        self.parts = parts
        self.passes = passes
    }

    /// True when the main pass streams this entry's data (a COPY or large objects).
    public func expectsData(_ i: Int) -> Bool {
        let e = entries[i]
        return passes[i] == .main && parts[i].contains(.data) && e.hadDumper && e.hasData
    }

    /// Entries that describe the database itself (`DATABASE PROPERTIES`, and the ACL, COMMENT
    /// and SECURITY LABEL entries tagged `DATABASE name`): pg_restore runs them only with
    /// `--create`; a restore into a scratch database applies them to it (see `Restore`).
    public static func isDatabaseLevel(_ e: TOCEntry) -> Bool {
        if e.desc == "DATABASE PROPERTIES" { return true }
        return ["ACL", "COMMENT", "SECURITY LABEL"].contains(e.desc) && (e.tag ?? []).starts(with: "DATABASE ".utf8)
    }

    /// _tocEntryRequired with the selection options: which parts of an entry are restored.
    static func required(_ e: TOCEntry, _ section: Section, _ version: ScriptWriter.Version, _ sel: Selection) -> Parts {
        var res: Parts = [.schema, .data]
        switch e.desc {
        case "ENCODING", "STDSTRINGS", "SEARCHPATH", "DATABASE", "DATABASE PROPERTIES":
            return []
        case "STATISTICS DATA" where version.restoresStatistics:
            res = .stats
        default:
            break
        }
        if ["ACL", "COMMENT", "SECURITY LABEL", "STATISTICS DATA"].contains(e.desc),
           (e.tag ?? []).starts(with: "DATABASE ".utf8) {
            return []   // restored only with --create
        }
        if !sel.keeps(e, section: section) { return [] }
        if !e.hadDumper {
            let lo = (e.tag ?? []).starts(with: (version.expandsBlobMetadata ? "LARGE OBJECT" : "LARGE OBJECT ").utf8)
            let dataLike = e.desc == "SEQUENCE SET" || e.desc == "BLOB" || e.desc == "BLOB METADATA"
                || (lo && (e.desc == "ACL" || e.desc == "COMMENT" || e.desc == "SECURITY LABEL"))
            res = res.intersection(dataLike ? .data : [.schema, .stats])
        }
        let defn = e.defn ?? []
        if defn.isEmpty || (version.skipsLoadViaPartitionRootComments && e.loadsViaPartitionRoot) {
            res.remove(.schema)
        }
        return res
    }

    /// The entry types of the ACL pass (grants and default privileges).
    public static let grantTypes: Set<String> = ["ACL", "ACL LANGUAGE", "DEFAULT ACL"]

    /// _tocEntryRestorePass.
    static func restorePass(_ e: TOCEntry, _ version: ScriptWriter.Version) -> Pass {
        if grantTypes.contains(e.desc) { return .acl }
        switch e.desc {
        case "MATERIALIZED VIEW DATA":
            return .postACL
        case "EVENT TRIGGER":
            return version.eventTriggersAfterACLs ? .postACL : .main
        case "COMMENT" where version.eventTriggersAfterACLs,
             "SECURITY LABEL" where version.eventTriggerLabelsAfterACLs:
            return (e.tag ?? []).starts(with: "EVENT TRIGGER ".utf8) ? .postACL : .main
        case "STATISTICS DATA" where version.restoresStatistics:
            return e.section == .postData ? .postACL : .main
        default:
            return .main
        }
    }
}

extension Section {
    /// `--section` spelling: pre-data, data, post-data.
    public init?(argument: String) {
        switch argument {
        case "pre-data": self = .preData
        case "data": self = .data
        case "post-data": self = .postData
        default: return nil
        }
    }
}
