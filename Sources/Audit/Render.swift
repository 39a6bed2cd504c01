extension AuditReport {
    /// The report for a terminal: the model as it is, then each finding with its objects and fix.
    public var text: String {
        var s = "database: \(database) (owner \(databaseOwner)), PostgreSQL \(serverVersion / 10000)\n"
        s += "owner role: \(owner.name): "
        if !owner.exists { s += "MISSING\n" } else {
            s += (owner.canLogin ? "LOGIN (should be NOLOGIN)" : "NOLOGIN") + (owner.isSuperuser ? ", SUPERUSER" : "") + "\n"
        }
        s += "roles that can become \(owner.name):" + (members.isEmpty ? " none\n" : "\n")
        for m in members {
            var flags = [m.login ? "login" : "nologin", m.direct ? "member" : "member through another role",
                         m.inherit ? "INHERIT" : "NOINHERIT", m.set ? "SET" : "no SET"]
            if m.admin { flags.append("ADMIN") }
            if m.switchesToOwner { flags.append("switches to \(owner.name) at login") }
            else if let d = m.defaultRole { flags.append("switches to \(d) at login") }
            s += "  \(m.role): \(flags.joined(separator: ", "))\n"
        }
        if !defaultPrivileges.isEmpty { s += "default privileges (what new objects will grant, besides their owner):\n" }
        for c in defaultPrivileges {
            s += "  created by \(c.role)\(c.isOwnerRole ? " (owner role)" : ""):\n"
            for l in c.lines {
                let place = l.schema.map { "\(l.objectClass.rawValue) in schema \($0) also" } ?? l.objectClass.rawValue
                s += "    \(place): \(l.grants.isEmpty ? "nothing" : l.grants.joined(separator: "; "))\n"
            }
        }
        s += "objects checked: \(objectsChecked)\n"
        let noteCount = notes.count
        let noted = noteCount == 0 ? "" : " (\(noteCount) note\(noteCount == 1 ? "" : "s"))"
        if findings.isEmpty {
            s += "result: the database follows the owner-role model\n"
            return s
        }
        s += "findings: \(failures.count) failure(s), \(noteCount) note(s)\n"
        for f in findings {
            s += "\n[\(f.kind.rawValue)]\(f.severity == .note ? " note:" : "") \(f.summary)\n"
            for o in f.objects {
                s += "    \(o.type) \(o.identity)"
                if let owner = o.owner, o.type != "default privileges" { s += " (owner \(owner))" }
                if let d = o.detail { s += ": \(d)" }
                s += "\n"
            }
            for n in f.notes { s += "  note: \(n)\n" }
            if !f.fix.isEmpty {
                s += "  fix:\n"
                for line in f.fix { s += "    \(line)\n" }
            }
        }
        s += clean ? "\nresult: the database follows the owner-role model\(noted)\n" : "\nresult: \(failures.count) finding(s)\(noted)\n"
        return s
    }
}
