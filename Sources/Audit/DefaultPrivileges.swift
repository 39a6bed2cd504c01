/// One privilege for one grantee, without grantor or grant option: what an ACL gives.
public struct Grant: Hashable, Sendable, Comparable {
    /// nil is PUBLIC.
    public var grantee: String?
    public var privilege: String
    public init(_ grantee: String?, _ privilege: String) {
        self.grantee = grantee
        self.privilege = privilege
    }
    public init(_ item: ACLItem) { self.init(item.grantee, item.privilege) }

    public static func < (a: Grant, b: Grant) -> Bool {
        (a.grantee ?? "", privilegeRank(a.privilege), a.privilege) < (b.grantee ?? "", privilegeRank(b.privilege), b.privilege)
    }

    /// PostgreSQL's order of privileges (`aclitem` letters arwdDxtXUCTc…), for stable output.
    static func privilegeRank(_ p: String) -> Int {
        ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN",
         "USAGE", "EXECUTE", "CREATE", "CONNECT", "TEMPORARY"].firstIndex(of: p) ?? 99
    }
}

extension DatabaseSnapshot {
    /// What a new object of `objectClass` created by `creator` in `schema` grants: the creator's
    /// global default privileges (or, without any, PostgreSQL's built-in ones: everything to the
    /// owner, EXECUTE/USAGE to PUBLIC on functions/types) plus its entry for that schema. Mirrors
    /// `get_user_default_acl`.
    public func newObjectGrants(creator: String, schema: String?, objectClass: ObjectClass) -> Set<Grant> {
        var out: Set<Grant>
        if let global = defaultACLs.first(where: { $0.role == creator && $0.schema == nil && $0.objectClass == objectClass }) {
            out = Set(global.items.map(Grant.init))
        } else {
            out = Set((fullPrivileges[objectClass] ?? []).map { Grant(creator, $0) })
            out.formUnion(objectClass.publicByDefault.map { Grant(nil, $0) })
        }
        if let schema, objectClass != .schemas,
           let local = defaultACLs.first(where: { $0.role == creator && $0.schema == schema && $0.objectClass == objectClass }) {
            out.formUnion(local.items.map(Grant.init))
        }
        return out
    }

    /// Everything R may do on an object of this class, as grants to `grantee`.
    func allPrivileges(_ objectClass: ObjectClass, to grantee: String) -> Set<Grant> {
        Set((fullPrivileges[objectClass] ?? []).map { Grant(grantee, $0) })
    }
}

/// "grantee: PRIV, PRIV" per grantee, sorted; PUBLIC for PUBLIC.
func describe(_ grants: Set<Grant>) -> [String] {
    var byGrantee: [String: [Grant]] = [:]
    for g in grants { byGrantee[g.grantee ?? "PUBLIC", default: []].append(g) }
    return byGrantee.keys.sorted().map { k in
        "\(k): " + (byGrantee[k] ?? []).sorted().map(\.privilege).joined(separator: ", ")
    }
}

/// Grants grouped by grantee, privileges in PostgreSQL's order.
func byGrantee(_ grants: Set<Grant>) -> [(grantee: String?, privileges: [String])] {
    var m: [String: [String]] = [:]
    var keys: [String?] = []
    for g in grants.sorted() {
        let k = g.grantee ?? ""
        if m[k] == nil { keys.append(g.grantee) }
        m[k, default: []].append(g.privilege)
    }
    return keys.map { ($0, m[$0 ?? ""] ?? []) }
}
