import DumpFormat

/// What `--missing-roles` decides for grantees that are neither mapped nor present on the target.
public enum MissingRolesPolicy: String, Sendable, CaseIterable, Codable {
    /// Refuse before anything is written, listing every missing role.
    case fail
    /// Leave out the GRANT/REVOKE statements naming them, reporting each.
    case drop
    /// Keep them (the restore will fail on them).
    case keep
}

/// Something the rewriter did or could not do, reported by verify and rewrite.
public struct RewriteFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// A GRANT/REVOKE left out because it names a missing role (`--missing-roles drop`).
        case droppedGrant = "dropped grant"
        /// A statement that names a mapped role in a way the rewriter does not classify.
        case unclassified = "unclassified statement"
        /// SET SESSION AUTHORIZATION grantor blocks turned into SET ROLE / removed.
        case grantorBlock = "grantor block"
    }
    public var kind: Kind
    public var entry: String
    public var detail: String
    public var description: String { "\(entry): \(kind.rawValue): \(detail)" }
}

/// The rewriting context: the map, the owner, and the roles the target lacks.
public struct RewriteContext: Sendable {
    public var map: RoleMap
    /// Roles missing on the target (known only with a preflight), and what to do about them.
    public var missingRoles: Set<[UInt8]>
    public var missingPolicy: MissingRolesPolicy
    /// The dumpIds of the entries the dump holds (nil: unknown, as for a plain script). An ACL
    /// entry whose object is not among them is on a built-in object (see `isBuiltInObjectACL`).
    public var createdIds: Set<Int>?

    public init(map: RoleMap, missingRoles: Set<[UInt8]> = [], missingPolicy: MissingRolesPolicy = .fail,
                createdIds: Set<Int>? = nil) {
        self.map = map
        self.missingRoles = missingRoles
        self.missingPolicy = missingPolicy
        self.createdIds = createdIds
    }

    /// Who runs each entry, as far as the rewrite needs it (the `SET ROLE owner` around grants).
    public var entryPolicy: EntryPolicy { EntryPolicy(createdIds: createdIds) }
}

/// Rewriting of TOC entries and SQL statements: pure functions of (input, context).
///
/// Only the tokens that name roles change; everything else — function bodies, literals,
/// comments, whitespace — is copied byte for byte. Names are re-quoted by PostgreSQL's rules.
public enum Rewriter {
    /// The result of rewriting one statement: its new bytes, or nil when it is left out.
    public struct StatementResult: Sendable {
        public var bytes: [UInt8]?
        public var findings: [RewriteFinding]
        public var statementClass: StatementClass
        /// The grantor of a grantor block the target lacks (`--missing-roles drop`): every
        /// statement up to its RESET is left out too.
        public var droppedGrantor: [UInt8]? = nil

        public init(bytes: [UInt8]?, findings: [RewriteFinding], statementClass: StatementClass, droppedGrantor: [UInt8]? = nil) {
            self.bytes = bytes
            self.findings = findings
            self.statementClass = statementClass
            self.droppedGrantor = droppedGrantor
        }
    }

    /// Rewrite one statement. `owner` is the entry's (already mapped) owner, used to recognise
    /// grantor blocks that become redundant.
    public static func rewriteStatement(_ s: SQLStatement, _ ctx: RewriteContext, entry: String,
                                        mappedEntryOwner: [UInt8]? = nil, reportUnclassified: Bool = true) -> StatementResult {
        guard s.kind == .statement else { return StatementResult(bytes: s.bytes, findings: [], statementClass: .other) }
        let analysis = RoleReferences.analyze(s.bytes, s.tokens, standardConformingStrings: s.standardConformingStrings)
        var findings: [RewriteFinding] = []
        let cls = analysis.statementClass
        if cls == .other {
            if reportUnclassified, let name = mentionsMappedRole(s, ctx) {
                findings.append(RewriteFinding(kind: .unclassified, entry: entry,
                                               detail: "names mapped role \(shown(name)) in a statement pgreown does not rewrite: \(shown(s.bytes, limit: 120))"))
            }
            return StatementResult(bytes: s.bytes, findings: findings, statementClass: cls)
        }
        // Policy role lists: leave the missing roles out; a policy left with none is left out
        // (an empty list would mean PUBLIC; no policy is the stricter reading).
        if cls == .policy && ctx.missingPolicy == .drop {
            let listed = analysis.references.filter { $0.kind == .policyRole }
            let missing = listed.filter { !$0.isSpecial && ctx.missingRoles.contains(ctx.map.map($0.name)) }
            if !missing.isEmpty, let first = listed.first, let last = listed.last {
                let names = missing.map { shown($0.name) }.joined(separator: ", ")
                let kept = listed.filter { r in !missing.contains(r) }
                if kept.isEmpty {
                    findings.append(RewriteFinding(kind: .droppedGrant, entry: entry,
                                                   detail: "policy left out (every role missing: \(names)): \(shown(s.bytes, limit: 160))"))
                    return StatementResult(bytes: nil, findings: findings, statementClass: cls)
                }
                findings.append(RewriteFinding(kind: .droppedGrant, entry: entry, detail: "missing role \(names) left out of the policy's TO list"))
                var edited = Array(s.bytes[..<first.range.lowerBound])
                edited += kept.map { Array(s.bytes[$0.range]) }.joined(separator: Array(", ".utf8))
                edited += s.bytes[last.range.upperBound...]
                let again = SQLStatement(kind: .statement, bytes: edited, offset: s.offset,
                                         tokens: SQLLexer.tokenize(edited, standardConformingStrings: s.standardConformingStrings, encoding: s.encoding),
                                         standardConformingStrings: s.standardConformingStrings, encoding: s.encoding)
                var r = rewriteStatement(again, ctx, entry: entry, mappedEntryOwner: mappedEntryOwner, reportUnclassified: reportUnclassified)
                r.findings = findings + r.findings
                return r
            }
        }
        // User mappings and per-role settings of a missing role.
        if (cls == .userMapping || cls == .alterRole) && ctx.missingPolicy == .drop,
           let r = analysis.references.first, !r.isSpecial, ctx.missingRoles.contains(ctx.map.map(r.name)) {
            findings.append(RewriteFinding(kind: .droppedGrant, entry: entry,
                                           detail: "left out (missing role \(shown(r.name))): \(shown(s.bytes, limit: 160))"))
            return StatementResult(bytes: nil, findings: findings, statementClass: cls)
        }
        // Grants naming a role the target lacks.
        if (cls == .grant || cls == .revoke || cls == .alterDefaultPrivileges) && ctx.missingPolicy == .drop {
            let missing = analysis.references.filter {
                ($0.kind == .grantee || $0.kind == .revokee) && !$0.isSpecial && ctx.missingRoles.contains(ctx.map.map($0.name))
            }
            if !missing.isEmpty {
                let names = missing.map { shown($0.name) }.joined(separator: ", ")
                findings.append(RewriteFinding(kind: .droppedGrant, entry: entry,
                                               detail: "left out (missing role \(names)): \(shown(s.bytes, limit: 160))"))
                return StatementResult(bytes: nil, findings: findings, statementClass: cls)
            }
        }
        if cls == .setSessionAuthorization, let r = analysis.references.first, !r.isLiteral {
            // A grantor block inside an ACL entry. If the grantor maps to another role (it owned
            // objects), the GRANTs inside are the owner's own and need no switch; otherwise
            // switch with SET ROLE, which a non-superuser member of the grantor may do.
            let target = ctx.map.map(r.name)
            if ctx.missingPolicy == .drop && ctx.missingRoles.contains(target) && !ctx.map.isMapped(r.name) && target != mappedEntryOwner {
                // A grantor the target lacks: its grants cannot be made as it, and made as
                // anyone else they would name another grantor. The block is left out whole
                // (rewriteSQL drops the statements up to its RESET).
                return StatementResult(bytes: nil, findings: [], statementClass: cls, droppedGrantor: r.name)
            }
            if ctx.map.isMapped(r.name) || target == mappedEntryOwner {
                findings.append(RewriteFinding(kind: .grantorBlock, entry: entry,
                                               detail: "grantor \(shown(r.name)) maps to \(shown(target)): SET SESSION AUTHORIZATION removed"))
                return StatementResult(bytes: nil, findings: findings, statementClass: cls)
            }
            let bytes = Array("SET ROLE ".utf8) + Identifier.quote(target) + [0x3b]
            return StatementResult(bytes: bytes, findings: findings, statementClass: cls)
        }
        if cls == .resetSessionAuthorization {
            return StatementResult(bytes: s.bytes, findings: [], statementClass: cls)
        }
        var out: [UInt8] = []
        out.reserveCapacity(s.bytes.count + 16)
        var pos = 0
        for r in analysis.references.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) where !r.isSpecial {
            let new = ctx.map.map(r.name)
            guard new != r.name else { continue }
            out += s.bytes[pos..<r.range.lowerBound]
            out += r.isLiteral ? quoteLiteral(new, standardConformingStrings: s.standardConformingStrings) : Identifier.quote(new)
            pos = r.range.upperBound
        }
        out += s.bytes[pos...]
        return StatementResult(bytes: out, findings: findings, statementClass: cls)
    }

    /// Rewrite an SQL text (a defn or drop statement) statement by statement. Statements left
    /// out take their following whitespace with them. A `RESET SESSION AUTHORIZATION` that
    /// closes a removed grantor block is removed too; one closing a SET ROLE block becomes
    /// `RESET ROLE`.
    ///
    /// `runAs`: run the statements as this role (`SET ROLE r;` first, `RESET ROLE;` last, and a
    /// grantor block returns to `r` instead of resetting). ACL entries run as the object's owner so
    /// that PostgreSQL records the owner as grantor: a login that is also a member of a role
    /// holding grant options on the object would otherwise be credited to that role
    /// (select_best_grantor picks the first such role unless the grantor is the owner itself).
    public static func rewriteSQL(_ sql: [UInt8], _ ctx: RewriteContext, entry: String, mappedEntryOwner: [UInt8]?,
                                  standardConformingStrings: Bool, encoding: SQLEncoding = .asciiSafe, reportUnclassified: Bool = true,
                                  runAs: [UInt8]? = nil, dropOwnerChanges: Bool = false) throws -> (bytes: [UInt8], findings: [RewriteFinding]) {
        let items = try SQLStatement.split(sql, name: entry, standardConformingStrings: standardConformingStrings, encoding: encoding)
        var out: [UInt8] = []
        out.reserveCapacity(sql.count + 32)
        let setRunAs = runAs.map { Array("SET ROLE ".utf8) + Identifier.quote($0) + [0x3b] }
        var afterLastStatement = out.count
        var switched = false
        var findings: [RewriteFinding] = []
        var skipWhitespace = false
        var openBlock: Bool? = nil   // nil: none; true: SET ROLE block open; false: removed block open
        var droppedGrantor: [UInt8]? = nil   // a left-out block's grantor, until its RESET
        for item in items {
            if item.kind == .whitespace && skipWhitespace { skipWhitespace = false; continue }
            skipWhitespace = false
            if let grantor = droppedGrantor {
                skipWhitespace = true
                guard item.kind == .statement else { continue }
                let cls = RoleReferences.analyze(item.bytes, item.tokens, standardConformingStrings: item.standardConformingStrings).statementClass
                if cls == .resetSessionAuthorization { droppedGrantor = nil; continue }
                findings.append(RewriteFinding(kind: .droppedGrant, entry: entry,
                                               detail: "left out (grantor \(shown(grantor)) missing): \(shown(item.bytes, limit: 160))"))
                continue
            }
            let r = rewriteStatement(item, ctx, entry: entry, mappedEntryOwner: mappedEntryOwner,
                                     reportUnclassified: reportUnclassified)
            findings += r.findings
            if let grantor = r.droppedGrantor {
                droppedGrantor = grantor
                skipWhitespace = true
                continue
            }
            if dropOwnerChanges && r.statementClass == .alterOwner {
                // A superuser must own it: no owner change at all (see rewriteEntry).
                skipWhitespace = true
                continue
            }
            switch r.statementClass {
            case .setSessionAuthorization where item.kind == .statement:
                openBlock = r.bytes != nil
            case .resetSessionAuthorization where openBlock != nil:
                let keep = openBlock == true
                openBlock = nil
                if keep { out += setRunAs ?? Array("RESET ROLE;".utf8); afterLastStatement = out.count } else { skipWhitespace = true }
                continue
            default:
                break
            }
            if let b = r.bytes {
                if item.kind == .statement, !switched, let setRunAs {
                    // Right before the first statement (a plain entry's text starts with blank lines).
                    out += setRunAs + [0x0a]
                    switched = true
                }
                out += b
                if item.kind == .statement { afterLastStatement = out.count }
            } else {
                skipWhitespace = true
            }
        }
        if switched {
            // Right after the last statement, before the blank lines (and, in a plain script,
            // the next entry's context SETs) that follow it.
            out.insert(contentsOf: Array("\nRESET ROLE;".utf8), at: afterLastStatement)
        }
        return (out, findings)
    }

    /// Rewrite a TOC entry: its owner, the SQL of role-bearing entries, a user mapping's tag.
    ///
    /// `plain`: the entry is a plain-script pseudo-entry, whose defn holds every statement of the
    /// object (`ALTER … OWNER TO` included), so all of it is rewritten; statements outside the
    /// role-bearing types are not reported as unclassified (a schema may share a role's name).
    public static func rewriteEntry(_ e: TOCEntry, _ ctx: RewriteContext, standardConformingStrings: Bool = true,
                                    plain: Bool = false) throws -> (entry: TOCEntry, findings: [RewriteFinding]) {
        let lex = e.lexState(standardConformingStrings: standardConformingStrings)
        let standardConformingStrings = lex.standardConformingStrings
        var out = e
        var findings: [RewriteFinding] = []
        if let o = e.owner, !o.isEmpty {
            let mapped = ctx.map.map(o)
            if mapped != o && ObjectTypes.superuserOwned.contains(e.desc) {
                // PostgreSQL requires a superuser to own these: no ALTER … OWNER TO at all, so
                // the (superuser) role that restores it owns it.
                out.owner = []
            } else {
                out.owner = mapped
            }
        }
        let roleBearing = RoleInventory.roleBearingDescs.contains(e.desc)
        guard roleBearing || plain else { return (out, findings) }
        if let defn = e.defn {
            let r = try rewriteSQL(defn, ctx, entry: e.label, mappedEntryOwner: out.owner,
                                   standardConformingStrings: standardConformingStrings, encoding: lex.encoding, reportUnclassified: roleBearing,
                                   runAs: runsAsOwner(e, ctx, owner: out.owner, defn: defn) ? out.owner : nil,
                                   dropOwnerChanges: plain && ObjectTypes.superuserOwned.contains(e.desc)
                                       && e.owner.map { ctx.map.map($0) != $0 } ?? false)
            out.defn = r.bytes
            findings += r.findings
        }
        if e.desc == "USER MAPPING" {
            if let drop = e.dropStmt {
                out.dropStmt = try rewriteSQL(drop, ctx, entry: e.label, mappedEntryOwner: out.owner,
                                              standardConformingStrings: standardConformingStrings, encoding: lex.encoding).bytes
            }
            // Tag "USER MAPPING <user> SERVER <server>", names raw: rebuild it from the defn's role.
            if let defn = e.defn, let tag = e.tag,
               let stmt = try SQLStatement.split(defn, name: e.label).first(where: { $0.kind == .statement }),
               let user = RoleReferences.analyze(stmt.bytes, stmt.tokens).references.first(where: { $0.kind == .userMapping }),
               !user.isSpecial {
                let prefix = Array("USER MAPPING ".utf8) + user.name + Array(" SERVER ".utf8)
                if tag.starts(with: prefix) {
                    out.tag = Array("USER MAPPING ".utf8) + ctx.map.map(user.name) + Array(" SERVER ".utf8) + tag[prefix.count...]
                }
            }
        }
        return (out, findings)
    }

    /// ACL entries with GRANT/REVOKE statements run as the object's owner — except the 17+
    /// `LARGE OBJECTS a..b` group entries, whose text pg_restore splits at every `;` and replays
    /// per large object (IssueACLPerBlob): every command there must name `LARGE OBJECT n`.
    static func runsAsOwner(_ e: TOCEntry, _ ctx: RewriteContext, owner: [UInt8]?, defn: [UInt8]) -> Bool {
        guard let owner, !owner.isEmpty, ctx.entryPolicy.aclRunsAsObjectOwner(e) else { return false }
        if (e.tag ?? []).starts(with: Array("LARGE OBJECTS ".utf8)) { return false }
        // Only when there is something to run (plain pseudo-entries may hold only context SETs).
        guard let items = try? SQLStatement.split(defn) else { return false }
        return items.contains { s in
            guard s.kind == .statement else { return false }
            let c = RoleReferences.analyze(s.bytes, s.tokens).statementClass
            return c == .grant || c == .revoke
        }
    }

    /// A string literal for a role name, as pg_dump's appendStringLiteral writes it.
    public static func quoteLiteral(_ value: [UInt8], standardConformingStrings: Bool) -> [UInt8] {
        let needsE = !standardConformingStrings && value.contains(0x5c)
        var out: [UInt8] = needsE ? [0x45, 0x27] : [0x27]
        for b in value {
            if b == 0x27 { out.append(0x27) }
            if b == 0x5c && needsE { out.append(0x5c) }
            out.append(b)
        }
        out.append(0x27)
        return out
    }

    /// A mapped role named by an identifier token of a statement the rewriter does not classify.
    static func mentionsMappedRole(_ s: SQLStatement, _ ctx: RewriteContext) -> [UInt8]? {
        guard !ctx.map.mapping.isEmpty else { return nil }
        for t in s.tokens where t.kind == .identifier || t.kind == .quotedIdentifier {
            if let name = SQLLexer.identifierName(s.bytes, t), ctx.map.isMapped(name) { return name }
        }
        return nil
    }
}
