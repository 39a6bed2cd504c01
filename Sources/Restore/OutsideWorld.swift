import Foundation

/// What a restore must never touch outside the database it restores (SECURITY.md): the
/// cluster's roles and their attributes, role memberships, per-role and per-database settings,
/// the other databases' rows, tablespaces, `ALTER SYSTEM` settings and parameter privileges.
/// Code a dump carries (a CHECK constraint or trigger calling a function during COPY, an index
/// expression, a default) runs as the owner role R, which owns the live database, during the
/// load; `Restorer` takes a snapshot after creating the scratch database and another before the
/// swap, and any difference pgreown did not make itself fails the run.
///
/// A snapshot is a value: every object as a key (`Key`) and its properties as text. What the
/// login cannot read is listed in `unreadable`: the password hashes (`pg_authid`) without
/// superuser, `ALTER SYSTEM` settings (`pg_file_settings`) without superuser or
/// `pg_read_all_settings`. A password hash is kept only as the server's md5 of it, and a
/// difference is said as "password changed", never with a value.
public struct OutsideWorld: Sendable, Equatable {
    /// An object: equal keys are the same object (`kind` and `id`); the rest says it.
    public struct Key: Hashable, Comparable, Sendable, CustomStringConvertible {
        /// "role", "membership", "settings", "database", "tablespace", "ALTER SYSTEM", "parameter".
        public var kind: String
        /// The object as said in a change ("alice", "of role alice in database app").
        public var name: String
        /// What identifies it: its name, but a database's OID (a rename is a change of its
        /// "name"; a database dropped and another made under its name are two objects).
        public var id: String
        /// The roles and databases it concerns (for `Exclusions`), and those databases' OIDs.
        public var roles: [String] = []
        public var databases: [String] = []
        public var databaseOIDs: [String] = []

        public init(kind: String, name: String, id: String? = nil, roles: [String] = [], databases: [String] = [], databaseOIDs: [String] = []) {
            self.kind = kind; self.name = name; self.id = id ?? name; self.roles = roles; self.databases = databases
            self.databaseOIDs = databaseOIDs
        }
        public var description: String { "\(kind) \(name)" }
        public static func == (a: Key, b: Key) -> Bool { a.kind == b.kind && a.id == b.id }
        public func hash(into h: inout Hasher) { h.combine(kind); h.combine(id) }
        public static func < (a: Key, b: Key) -> Bool { (a.kind, a.name, a.id) < (b.kind, b.name, b.id) }
    }

    /// What pgreown itself changes during a run, left out of `diff`.
    public struct Exclusions: Sendable {
        /// The scratch database (created, renamed, dropped by pgreown; its own row is checked
        /// apart: `Restorer.scratchChanges`).
        public var databases: Set<String> = []
        /// A role pgreown made for the run.
        public var roles: Set<String> = []
        /// Roles pgreown runs make and drop, by their name's prefix (`LoadRole.prefix`: this run's
        /// and concurrent runs' load roles).
        public var rolePrefixes: [String] = []
        public init(databases: Set<String> = [], roles: Set<String> = [], rolePrefixes: [String] = []) {
            self.databases = databases; self.roles = roles; self.rolePrefixes = rolePrefixes
        }
        func excludes(_ k: Key) -> Bool {
            k.databases.contains { databases.contains($0) }
                || k.roles.contains { r in roles.contains(r) || rolePrefixes.contains { r.hasPrefix($0) } }
        }
    }

    public var objects: [Key: [String: String]] = [:]
    /// What this login could not read (said once in the log; its changes go unseen).
    public var unreadable: [String] = []

    public init(objects: [Key: [String: String]] = [:], unreadable: [String] = []) {
        self.objects = objects; self.unreadable = unreadable
    }

    /// Properties whose values are never shown.
    static let secret: Set<String> = ["password"]

    // MARK: - Diff

    /// One difference between two snapshots.
    public struct Change: Sendable, Equatable, CustomStringConvertible {
        public var key: Key
        /// "connection limit -1 → 0", "created (…)", "password changed".
        public var what: String
        public init(key: Key, what: String) { self.key = key; self.what = what }
        public var description: String { "\(key): \(what)" }
    }

    /// Each change from `before` to `after`, one each: the object, what changed,
    /// before → after. Objects `excluding` names are left out.
    public static func diff(_ before: OutsideWorld, _ after: OutsideWorld, excluding: Exclusions = .init()) -> [Change] {
        var out: [Change] = []
        // The same object may be said differently on each side (a renamed database): say it as
        // it is now, concerning the databases of both sides.
        var keys: [Key: Key] = [:]
        for k in before.objects.keys { keys[k] = k }
        for k in after.objects.keys {
            var said = k
            if let old = keys[k] { said.databases = Array(Set(k.databases).union(old.databases)).sorted() }
            keys[k] = said
        }
        for k in keys.values.filter({ !excluding.excludes($0) }).sorted() {
            switch (before.objects[k], after.objects[k]) {
            case (nil, let a?):
                out.append(Change(key: k, what: "created (\(shown(a)))"))
            case (let b?, nil):
                out.append(Change(key: k, what: "removed (was \(shown(b)))"))
            case (let b?, let a?):
                for p in Set(b.keys).union(a.keys).sorted() where b[p] != a[p] {
                    if secret.contains(p) { out.append(Change(key: k, what: "\(p) changed")); continue }
                    out.append(Change(key: k, what: "\(p) \(b[p] ?? "(none)") → \(a[p] ?? "(none)")"))
                }
            case (nil, nil):
                break
            }
        }
        return out
    }

    static func shown(_ props: [String: String]) -> String {
        props.keys.sorted().map { secret.contains($0) ? "\($0) set" : "\($0) \(props[$0] ?? "")" }.joined(separator: ", ")
    }

    /// The part of the snapshot about one database: its row and the settings made in it.
    public func database(_ name: String) -> OutsideWorld {
        OutsideWorld(objects: objects.filter { $0.key.databases.contains(name) && ($0.key.kind == "database" || $0.key.kind == "settings") })
    }

    // MARK: - Snapshot

    /// Read the snapshot through `c` (any database of the cluster: what it reads is shared),
    /// with the search_path pinned for the time of the queries. `onlyDatabase`: only that
    /// database's row and settings (`database(_:)`), e.g. from a load session.
    public static func snapshot(_ c: Connection, onlyDatabase: String? = nil) throws -> OutsideWorld {
        try c.withPinnedSearchPath { try read(c, onlyDatabase: onlyDatabase) }
    }

    private static func read(_ c: Connection, onlyDatabase: String?) throws -> OutsideWorld {
        var w = OutsideWorld()
        let v = c.serverVersion
        // Databases.
        let dbFilter = onlyDatabase == nil ? "" : "WHERE d.datname OPERATOR(pg_catalog.=) $1"
        for r in try query(c, """
            SELECT d.datname::text, d.oid::text, pg_catalog.pg_get_userbyid(d.datdba)::text, pg_catalog.pg_encoding_to_char(d.encoding)::text,
                   d.datcollate::text, d.datctype::text, d.datistemplate::text, d.datallowconn::text, d.datconnlimit::text,
                   t.spcname::text, d.datacl::text
            FROM pg_catalog.pg_database d LEFT JOIN pg_catalog.pg_tablespace t ON t.oid OPERATOR(pg_catalog.=) d.dattablespace
            \(dbFilter)
            """, onlyDatabase) {
            guard let name = r[0], let oid = r[1] else { continue }
            w.objects[Key(kind: "database", name: name, id: oid, databases: [name], databaseOIDs: [oid])] = props([
                ("name", name), ("owner", r[2]), ("encoding", r[3]), ("collate", r[4]), ("ctype", r[5]), ("is template", r[6]),
                ("allows connections", r[7]), ("connection limit", r[8]), ("tablespace", r[9]), ("privileges", r[10])])
        }
        // Per-role and per-database settings (ALTER ROLE … [IN DATABASE …] SET, ALTER DATABASE … SET).
        let setFilter = onlyDatabase == nil ? "" : "WHERE d.datname OPERATOR(pg_catalog.=) $1"
        for r in try query(c, """
            SELECT d.datname::text, CASE WHEN s.setrole OPERATOR(pg_catalog.=) 0 THEN NULL ELSE pg_catalog.pg_get_userbyid(s.setrole)::text END,
                   s.setdatabase OPERATOR(pg_catalog.=) 0, x.item, s.setdatabase::text
            FROM pg_catalog.pg_db_role_setting s
            LEFT JOIN pg_catalog.pg_database d ON d.oid OPERATOR(pg_catalog.=) s.setdatabase
            CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) AS x(item)
            \(setFilter)
            """, onlyDatabase) {
            let db = r[0], role = r[1], allDatabases = r[2] == "t"
            guard let item = r[3], allDatabases || db != nil else { continue }
            let name: String
            switch (role, db) {
            case (let role?, let db?): name = "of role \(role) in database \(db)"
            case (let role?, nil): name = "of role \(role)"
            case (nil, let db?): name = "of database \(db)"
            case (nil, nil): name = "of every role in every database"
            }
            let dbOID = allDatabases ? "0" : (r[4] ?? "?")
            let key = Key(kind: "settings", name: name, id: "\(role ?? "")@\(dbOID)", roles: role.map { [$0] } ?? [],
                          databases: db.map { [$0] } ?? [], databaseOIDs: allDatabases ? [] : [dbOID])
            let eq = item.firstIndex(of: "=") ?? item.endIndex
            let param = String(item[..<eq])
            let value = eq < item.endIndex ? String(item[item.index(after: eq)...]) : ""
            w.objects[key, default: [:]][param] = value
        }
        if onlyDatabase != nil { return w }

        // Roles; the password hash only where the login may read it.
        let readsPasswords = try c.query("SELECT pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'SELECT')").first?.first == "t"
        if !readsPasswords { w.unreadable.append("passwords (pg_authid is readable by a superuser only)") }
        let password = readsPasswords
            ? "(SELECT pg_catalog.md5(COALESCE(a.rolpassword, '')) FROM pg_catalog.pg_authid a WHERE a.oid OPERATOR(pg_catalog.=) r.oid)"
            : "NULL::text"
        for r in try c.query("""
            SELECT r.rolname::text, r.rolsuper::text, r.rolinherit::text, r.rolcreaterole::text, r.rolcreatedb::text,
                   r.rolcanlogin::text, r.rolreplication::text, r.rolbypassrls::text, r.rolconnlimit::text,
                   r.rolvaliduntil::text, \(password)
            FROM pg_catalog.pg_roles r
            """) {
            guard let name = r[0] else { continue }
            var p = props([("superuser", r[1]), ("inherit", r[2]), ("createrole", r[3]), ("createdb", r[4]), ("login", r[5]),
                           ("replication", r[6]), ("bypassrls", r[7]), ("connection limit", r[8]), ("valid until", r[9])])
            if readsPasswords { p["password"] = r[10] ?? "" }
            w.objects[Key(kind: "role", name: name, roles: [name])] = p
        }
        // Memberships (16+: one per grantor, with INHERIT and SET options).
        let options16 = v >= 160000 ? "m.inherit_option::text, m.set_option::text" : "NULL::text, NULL::text"
        for r in try c.query("""
            SELECT pg_catalog.pg_get_userbyid(m.roleid)::text, pg_catalog.pg_get_userbyid(m.member)::text,
                   pg_catalog.pg_get_userbyid(m.grantor)::text, m.admin_option::text, \(options16)
            FROM pg_catalog.pg_auth_members m
            """) {
            guard let role = r[0], let member = r[1] else { continue }
            let grantor = r[2] ?? "?"
            let key = Key(kind: "membership", name: "of \(member) in \(role) granted by \(grantor)", roles: [role, member, grantor])
            w.objects[key] = props([("admin option", r[3]), ("inherit option", r[4]), ("set option", r[5])])
        }
        // Tablespaces.
        for r in try c.query("""
            SELECT spcname::text, pg_catalog.pg_get_userbyid(spcowner)::text, spcacl::text, spcoptions::text,
                   pg_catalog.pg_tablespace_location(oid)::text
            FROM pg_catalog.pg_tablespace
            """) {
            guard let name = r[0] else { continue }
            w.objects[Key(kind: "tablespace", name: name)] = props([("owner", r[1]), ("privileges", r[2]), ("options", r[3]), ("location", r[4])])
        }
        // ALTER SYSTEM: what postgresql.auto.conf holds, where this login may read it.
        do {
            for r in try c.query("""
                SELECT name::text, setting::text FROM pg_catalog.pg_file_settings
                WHERE sourcefile OPERATOR(pg_catalog.~~) '%postgresql.auto.conf' ORDER BY seqno
                """) {
                guard let name = r[0] else { continue }
                w.objects[Key(kind: "ALTER SYSTEM", name: name)] = ["setting": r[1] ?? "(none)"]
            }
        } catch let e as ServerError where e.sqlState == "42501" {
            w.unreadable.append("ALTER SYSTEM settings (pg_file_settings needs superuser or pg_read_all_settings)")
        }
        // Privileges on parameters (GRANT SET / ALTER SYSTEM ON PARAMETER, 15+).
        if v >= 150000 {
            do {
                for r in try c.query("SELECT parname::text, paracl::text FROM pg_catalog.pg_parameter_acl") {
                    guard let name = r[0] else { continue }
                    w.objects[Key(kind: "parameter", name: name)] = props([("privileges", r[1])])
                }
            } catch let e as ServerError where e.sqlState == "42501" {
                w.unreadable.append("privileges on parameters (pg_parameter_acl)")
            }
        }
        return w
    }

    private static func query(_ c: Connection, _ sql: String, _ param: String?) throws -> [[String?]] {
        if let param { return try c.query(sql, [param]) }
        return try c.query(sql)
    }

    private static func props(_ pairs: [(String, String?)]) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in pairs { out[k] = v ?? "(none)" }
        return out
    }
}

/// Changes to what a restore must never touch (`OutsideWorld`), found before the swap.
public struct OutsideWorldChanged: Error, CustomStringConvertible {
    public var changes: [OutsideWorld.Change]
    /// The error the run stopped at, when the changes were found after it.
    public var stoppedAt: String?
    public init(changes: [OutsideWorld.Change], stoppedAt: String? = nil) { self.changes = changes; self.stoppedAt = stoppedAt }
    public var description: String {
        "changes pgreown did not make (\(changes.count)): "
            + changes.prefix(10).map(\.description).joined(separator: "; ") + (changes.count > 10 ? "; …" : "")
            + (stoppedAt.map { "; the run stopped at: \($0)" } ?? "")
    }
}
