import DumpFormat

/// Where a statement names a role.
public enum RoleRefKind: String, Sendable, Codable, CaseIterable {
    /// `ALTER … OWNER TO r`, `CREATE SCHEMA … AUTHORIZATION r`.
    case owner
    /// `GRANT … TO r`.
    case grantee
    /// `REVOKE … FROM r`.
    case revokee
    /// `SET SESSION AUTHORIZATION r` (identifier, inside ACL entries) and `GRANTED BY r`.
    case grantor
    /// `SET SESSION AUTHORIZATION 'r'` (string literal, --use-set-session-authorization scripts).
    case sessionAuthorization
    /// `ALTER DEFAULT PRIVILEGES FOR ROLE r`.
    case defaultPrivilegesRole
    /// `CREATE|ALTER POLICY … TO r1, r2`.
    case policyRole
    /// `CREATE|ALTER|DROP USER MAPPING FOR r`.
    case userMapping
    /// `ALTER ROLE r [IN DATABASE d] SET …`.
    case alterRole
    /// `GRANT r TO m` (role membership: r is the granted role).
    case grantedRole
}

/// One place a statement names a role: the token that does, and the role it means.
public struct RoleReference: Sendable, Equatable {
    public var kind: RoleRefKind
    /// Byte range of the naming token in the statement.
    public var range: Range<Int>
    /// The role name (identifiers decoded by PostgreSQL's rules, literals unquoted).
    public var name: [UInt8]
    /// True for a string literal (`SET SESSION AUTHORIZATION 'x'`), false for an identifier.
    public var isLiteral: Bool
    /// PUBLIC, CURRENT_USER, SESSION_USER, CURRENT_ROLE, USER and pg_* roles: never mapped.
    public var isSpecial: Bool
}

/// What kind of statement it is, as far as roles go.
public enum StatementClass: String, Sendable, Codable {
    case grant, revoke, setSessionAuthorization, resetSessionAuthorization, setRole, resetRole, alterOwner,
         alterDefaultPrivileges, policy, userMapping, alterRole, createSchemaAuthorization, other
}

public struct StatementRoles: Sendable {
    public var statementClass: StatementClass
    public var references: [RoleReference]
}

public enum RoleReferences {
    /// Roles that are keywords or built in: they never map to anything else.
    public static func isSpecial(_ name: [UInt8], bareIdentifier: Bool) -> Bool {
        if name.starts(with: Array("pg_".utf8)) { return true }
        guard bareIdentifier else { return false }
        switch String(decoding: name, as: UTF8.self) {
        case "public", "current_user", "session_user", "current_role", "user": return true
        default: return false
        }
    }

    /// Find every role a statement names. `tokens` are the statement's tokens (ranges into `bytes`).
    public static func analyze(_ bytes: [UInt8], _ tokens: [SQLToken], standardConformingStrings: Bool = true) -> StatementRoles {
        let sig = tokens.filter { !$0.kind.isTrivia }
        var depth = Array(repeating: 0, count: sig.count)
        var d = 0
        for (i, t) in sig.enumerated() {
            if t.kind == .punctuation, bytes[t.start] == 0x28 { d += 1 }
            depth[i] = d
            if t.kind == .punctuation, bytes[t.start] == 0x29 { d = max(0, d - 1); depth[i] = d }
        }
        func kw(_ i: Int, _ k: StaticString) -> Bool { i < sig.count && SQLLexer.isKeyword(bytes, sig[i], k) }
        func topLevel(_ i: Int) -> Bool { depth[i] == 0 }
        func firstTop(_ k: StaticString, from: Int) -> Int? {
            var i = from
            while i < sig.count { if topLevel(i) && kw(i, k) { return i }; i += 1 }
            return nil
        }
        func ref(_ i: Int, _ kind: RoleRefKind) -> RoleReference? {
            guard i < sig.count else { return nil }
            let t = sig[i]
            switch t.kind {
            case .identifier, .quotedIdentifier:
                guard let name = SQLLexer.identifierName(bytes, t) else { return nil }
                return RoleReference(kind: kind, range: t.range, name: name, isLiteral: false,
                                     isSpecial: isSpecial(name, bareIdentifier: t.kind == .identifier))
            case .string, .escapeString:
                guard let name = SQLLexer.stringValue(bytes, t, standardConformingStrings: standardConformingStrings) else { return nil }
                return RoleReference(kind: kind, range: t.range, name: name, isLiteral: true,
                                     isSpecial: isSpecial(name, bareIdentifier: false))
            default:
                return nil
            }
        }
        /// A comma list of roles from index i (skipping `GROUP`), stopping at anything else.
        func roleList(_ start: Int, _ kind: RoleRefKind, stopAt: [StaticString]) -> [RoleReference] {
            var out: [RoleReference] = []
            var i = start
            while i < sig.count {
                if sig[i].kind == .semicolon || stopAt.contains(where: { kw(i, $0) }) { break }
                if kw(i, "GROUP") && i + 1 < sig.count && sig[i + 1].kind != .punctuation { i += 1 }
                guard let r = ref(i, kind) else { break }
                out.append(r)
                i += 1
                guard i < sig.count, sig[i].kind == .punctuation, bytes[sig[i].start] == 0x2c else { break }
                i += 1
            }
            return out
        }
        var refs: [RoleReference] = []
        guard !sig.isEmpty else { return StatementRoles(statementClass: .other, references: []) }

        if kw(0, "GRANT") || kw(0, "REVOKE") {
            let isGrant = kw(0, "GRANT")
            let target: StaticString = isGrant ? "TO" : "FROM"
            let on = firstTop("ON", from: 1)
            if let t = firstTop(target, from: on ?? 1) {
                if on == nil {
                    // GRANT r TO m / REVOKE r FROM m: role membership.
                    var start = 1
                    if !isGrant && (kw(1, "ADMIN") || kw(1, "INHERIT") || kw(1, "SET")) { start = 4 } // REVOKE ADMIN OPTION FOR
                    refs += roleList(start, .grantedRole, stopAt: [target])
                }
                refs += roleList(t + 1, isGrant ? .grantee : .revokee, stopAt: ["WITH", "GRANTED", "CASCADE", "RESTRICT"])
                if let g = firstTop("GRANTED", from: t), kw(g + 1, "BY"), let r = ref(g + 2, .grantor) { refs.append(r) }
            }
            return StatementRoles(statementClass: isGrant ? .grant : .revoke, references: refs)
        }
        if kw(0, "SET") && kw(1, "SESSION") && kw(2, "AUTHORIZATION") {
            if !kw(3, "DEFAULT"), let r = ref(3, .grantor) {
                var r = r
                if r.isLiteral { r.kind = .sessionAuthorization }
                refs.append(r)
            }
            return StatementRoles(statementClass: .setSessionAuthorization, references: refs)
        }
        if kw(0, "SET") && (kw(1, "ROLE") || ((kw(1, "SESSION") || kw(1, "LOCAL")) && kw(2, "ROLE"))) {
            let at = kw(1, "ROLE") ? 2 : 3
            if !kw(at, "NONE"), let r = ref(at, .grantor) { refs.append(r) }
            return StatementRoles(statementClass: .setRole, references: refs)
        }
        if kw(0, "RESET") && kw(1, "ROLE") {
            return StatementRoles(statementClass: .resetRole, references: [])
        }
        if kw(0, "RESET") && kw(1, "SESSION") && kw(2, "AUTHORIZATION") {
            return StatementRoles(statementClass: .resetSessionAuthorization, references: [])
        }
        if kw(0, "ALTER") && kw(1, "DEFAULT") && kw(2, "PRIVILEGES") {
            if kw(3, "FOR") && (kw(4, "ROLE") || kw(4, "USER")) {
                refs += roleList(5, .defaultPrivilegesRole, stopAt: ["IN", "GRANT", "REVOKE"])
            }
            if let g = firstTop("GRANT", from: 3), let t = firstTop("TO", from: g) {
                refs += roleList(t + 1, .grantee, stopAt: ["WITH"])
            } else if let r = firstTop("REVOKE", from: 3), let f = firstTop("FROM", from: r) {
                refs += roleList(f + 1, .revokee, stopAt: ["CASCADE", "RESTRICT"])
            }
            return StatementRoles(statementClass: .alterDefaultPrivileges, references: refs)
        }
        if (kw(0, "CREATE") || kw(0, "ALTER")) && kw(1, "POLICY") {
            if let on = firstTop("ON", from: 2), let t = firstTop("TO", from: on) {
                refs += roleList(t + 1, .policyRole, stopAt: ["USING", "WITH"])
            }
            return StatementRoles(statementClass: .policy, references: refs)
        }
        if (kw(0, "CREATE") || kw(0, "ALTER") || kw(0, "DROP")) && kw(1, "USER") && kw(2, "MAPPING") {
            var i = 3
            if kw(i, "IF") { i += kw(i + 1, "NOT") ? 3 : 2 }
            if kw(i, "FOR"), let r = ref(i + 1, .userMapping) { refs.append(r) }
            return StatementRoles(statementClass: .userMapping, references: refs)
        }
        if kw(0, "ALTER") && (kw(1, "ROLE") || kw(1, "USER")) && !kw(2, "MAPPING") {
            // Only per-database settings (DATABASE PROPERTIES) follow the map; ALTER ROLE r WITH …
            // and ALTER ROLE r SET … (pg_dumpall) define the role r itself and are left alone.
            if kw(3, "IN") && kw(4, "DATABASE"), let r = ref(2, .alterRole) {
                refs.append(r)
                return StatementRoles(statementClass: .alterRole, references: refs)
            }
            return StatementRoles(statementClass: .other, references: [])
        }
        if kw(0, "CREATE") && kw(1, "SCHEMA") {
            if let a = firstTop("AUTHORIZATION", from: 2), let r = ref(a + 1, .owner) { refs.append(r) }
            return StatementRoles(statementClass: refs.isEmpty ? .other : .createSchemaAuthorization, references: refs)
        }
        if kw(0, "ALTER") {
            // ALTER <object> … OWNER TO r — the last top-level OWNER TO.
            var i = sig.count - 1
            while i > 0 {
                if topLevel(i) && kw(i, "OWNER") && kw(i + 1, "TO"), let r = ref(i + 2, .owner) {
                    return StatementRoles(statementClass: .alterOwner, references: [r])
                }
                i -= 1
            }
        }
        return StatementRoles(statementClass: .other, references: [])
    }
}
