import DumpFormat

/// Who runs an entry during a restore: the one place that decides it (ARCHITECTURE.md, "The entry
/// policy"). Every restore path (archive serial and parallel, plain file and pipe), the preflight,
/// `rewrite`'s `SET ROLE` wrapping of ACL entries and `verify`'s report ask it, so a dump gets the
/// same answer whichever way it comes in.
///
/// The load runs as the owner role R (`SET ROLE R`), so objects are born owned by R. An entry runs
/// as the login instead when R cannot run it, or when what it touches is not R's:
/// - entries only a superuser may restore (event triggers, foreign-data wrappers, C and internal
///   functions, untrusted languages);
/// - an `EXTENSION` the server does not trust (a superuser must create it, and owns it), with the
///   extension's own `COMMENT` and `SECURITY LABEL` (PostgreSQL: "must be owner of extension"); a
///   trusted extension is created by R, which owns the scratch database, so R owns it as it owns
///   everything else, and its comment is R's;
/// - `SERVER`: creating one needs USAGE on its wrapper, which R lacks until the ACL pass;
/// - the database's own properties (`ALTER DATABASE … SET`, `ALTER ROLE … IN DATABASE`);
/// - comments, labels and grants on what only a superuser may own, and grants on built-in objects
///   (their owner is the bootstrap superuser);
/// - entries owned by a predefined role (`pg_signal_backend`, `pg_read_all_settings`, …): R cannot
///   give an object to it or act for it; the login can when it is a superuser or a member.
///   `pg_database_owner` is the exception: R owns the scratch database, which makes R a member of
///   it there, so R runs those entries itself.
public struct EntryPolicy: Sendable {
    public enum Runner: String, Sendable, Codable {
        case ownerRole = "owner role"
        case login
    }

    /// The dumpIds of the entries the dump holds (nil: unknown, as for a plain script, where the
    /// schema tells a built-in object).
    public var createdIds: Set<Int>?
    /// The extensions the target server trusts (`pg_available_extension_versions.trusted`), which
    /// the owner role may create; nil: not known (no server), every extension counts as untrusted.
    public var trustedExtensions: Set<[UInt8]>?

    public init(createdIds: Set<Int>?, trustedExtensions: Set<[UInt8]>? = nil) {
        self.createdIds = createdIds
        self.trustedExtensions = trustedExtensions
    }

    /// For an archive's entries: every dumpId it holds.
    public init(entries: [TOCEntry]) { self.createdIds = Set(entries.map(\.dumpId)) }

    /// Who creates extension `name`: the owner role where the server trusts it.
    func extensionRunner(_ name: [UInt8]) -> (runner: Runner, reason: String?) {
        if trustedExtensions?.contains(name) == true { return (.ownerRole, nil) }
        return (.login, trustedExtensions == nil ? "an extension: the login creates it unless the server trusts it (then the owner role does)"
                                                 : "an extension the server does not trust: only a superuser may create it")
    }

    /// Who runs `e`, and why when it is the login.
    public func decide(_ e: TOCEntry) -> (runner: Runner, reason: String?) {
        if Self.needsSuperuser(e) { return (.login, "only a superuser may restore it") }
        switch e.desc {
        case "EXTENSION": return extensionRunner(e.tag ?? [])
        case "SERVER": return (.login, "creating a foreign server needs USAGE on its wrapper")
        default: break
        }
        if RestorePlan.isDatabaseLevel(e) && e.desc != "ACL" { return (.login, "a property of the database itself") }
        let tag = e.tag ?? []
        if ["COMMENT", "SECURITY LABEL"].contains(e.desc) && tag.starts(with: Array("EXTENSION ".utf8)) {
            // Whoever created the extension owns it, and only its owner may comment on it.
            return extensionRunner(Array(tag.dropFirst("EXTENSION ".utf8.count)))
        }
        if ["COMMENT", "SECURITY LABEL", "ACL"].contains(e.desc), Self.namesSuperuserOwnedObject(tag) {
            return (.login, "only a superuser may own the object")
        }
        if isBuiltInObjectACL(e) { return (.login, "grants on a built-in object, owned by the bootstrap superuser") }
        if let o = e.owner, Self.isPredefinedOwnerTheLoginActsFor(o) {
            return (.login, "owned by the predefined role \(shown(o)), which only a superuser or a member can act for")
        }
        return (.ownerRole, nil)
    }

    public func runner(_ e: TOCEntry) -> Runner { decide(e).runner }

    /// An ACL entry on an object the dump does not create: a built-in object whose privileges were
    /// changed (e.g. a column grant on a `pg_catalog` table). pg_dump makes such an ACL depend on
    /// the object's dumpId although it writes no entry for the object; a plain script's entries
    /// have no dependencies, so there the schema tells (`pg_catalog`, `information_schema`).
    public func isBuiltInObjectACL(_ e: TOCEntry) -> Bool {
        guard e.desc == "ACL" else { return false }
        if let ns = e.namespace, ns == Array("pg_catalog".utf8) || ns == Array("information_schema".utf8) { return true }
        guard let createdIds, let object = e.dependencies.first else { return false }
        return !createdIds.contains(object)
    }

    /// An ACL entry whose grants are made as the object's owner (`SET ROLE owner` around them, so
    /// PostgreSQL records the owner as grantor): every ACL on an object of the dump, but not those
    /// on built-in objects or on what only a superuser may own.
    public func aclRunsAsObjectOwner(_ e: TOCEntry) -> Bool {
        guard e.desc == "ACL", !isBuiltInObjectACL(e) else { return false }
        return !Self.namesSuperuserOwnedObject(e.tag ?? [])
    }

    /// A COMMENT, SECURITY LABEL or ACL tag naming an object only a superuser may own
    /// (`FOREIGN DATA WRAPPER w`, `EVENT TRIGGER t`).
    static func namesSuperuserOwnedObject(_ tag: [UInt8]) -> Bool {
        ObjectTypes.superuserOwned.contains { tag.starts(with: Array(($0 + " ").utf8)) }
    }

    // MARK: - Roles

    /// Predefined roles (`pg_*`): the map never sends them elsewhere, objects they own keep them.
    public static func isPredefinedRole(_ role: [UInt8]) -> Bool { role.starts(with: Array("pg_".utf8)) }

    /// `pg_database_owner`: its members are the current database's owner, so the owner role R,
    /// which owns the scratch database, acts for it there (SET ROLE, ALTER … OWNER TO).
    public static let databaseOwnerRole: [UInt8] = Array("pg_database_owner".utf8)

    /// A predefined role that R cannot act for: entries it owns run as the login.
    public static func isPredefinedOwnerTheLoginActsFor(_ role: [UInt8]) -> Bool {
        isPredefinedRole(role) && role != databaseOwnerRole
    }

    // MARK: - Superuser-only entries

    /// Entries that only a superuser can restore.
    public static func needsSuperuser(_ e: TOCEntry) -> Bool {
        switch e.desc {
        case "EVENT TRIGGER", "FOREIGN DATA WRAPPER":
            return true
        case "PROCEDURAL LANGUAGE":
            // CREATE [OR REPLACE] TRUSTED PROCEDURAL LANGUAGE can be created by database owners.
            guard let d = e.defn else { return true }
            return !firstWordsContain(d, "TRUSTED")
        case "FUNCTION", "PROCEDURE":
            guard let d = e.defn, let stmt = try? SQLStatement.split(d).first(where: { $0.kind == .statement }) else { return false }
            let sig = stmt.significantTokens
            for (i, t) in sig.enumerated() where stmt.isKeyword(t, "LANGUAGE") && i + 1 < sig.count {
                if let lang = SQLLexer.identifierName(stmt.bytes, sig[i + 1]), lang == Array("c".utf8) || lang == Array("internal".utf8) {
                    return true
                }
            }
            return false
        default:
            return false
        }
    }

    static func firstWordsContain(_ sql: [UInt8], _ word: StaticString) -> Bool {
        guard let stmt = try? SQLStatement.split(sql).first(where: { $0.kind == .statement }) else { return false }
        return stmt.significantTokens.prefix(6).contains { stmt.isKeyword($0, word) }
    }
}
