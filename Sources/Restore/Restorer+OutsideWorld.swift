import DumpFormat
import Foundation
import Ownership

/// The outside-world check (SECURITY.md; docs/restore.md, "What a dump must never touch"): a
/// snapshot (`OutsideWorld`) after the scratch database is created, another before the swap (or,
/// `--in-place`, before the end); any difference pgreown did not make fails the run. The scratch
/// database's own row and settings are checked apart: they must be what the dump's
/// database-level entries, as pgreown runs them, make of them — nothing else may change them.
extension Restorer {
    /// What pgreown itself changes: the scratch database (its own row is `scratchChanges`') and
    /// the roles it makes for the run.
    var outsideExclusions: OutsideWorld.Exclusions {
        .init(databases: [options.scratchName], roles: options.excludingRoles, rolePrefixes: [LoadRole.prefix])
    }

    /// The first snapshot, after the scratch database exists and before the load.
    func snapshotOutsideWorld(_ admin: Connection) throws {
        let world = try OutsideWorld.snapshot(admin)
        outsideBefore = world
        othersBusy = try othersBusyDatabases(admin)
        declaredScratch = world.database(options.scratchName)
        for u in world.unreadable { log("note: the outside-world check cannot see \(u) as this login") }
    }

    /// Runs the dump's database-level entries (`applyDatabaseEntries`): before them the scratch
    /// database must be as declared so far (nothing in the load changed it); what they make of it
    /// is what is declared from then on.
    func applyingDatabaseEntries(_ conn: Connection, _ body: () throws -> Void) throws {
        try databaseLevelEntry(conn, before: true)
        try body()
        try databaseLevelEntry(conn, before: false)
    }

    /// Before (`before`) or after one or more database-level entries, through the session
    /// that runs them.
    func databaseLevelEntry(_ conn: Connection, before: Bool) throws {
        guard declaredScratch != nil else { return }
        let now = try OutsideWorld.snapshot(conn, onlyDatabase: options.scratchName)
        if before {
            let changes = scratchChanges(now, final: false)
            if !changes.isEmpty {
                for c in changes { log("changed during the load: \(c)") }
                throw OutsideWorldChanged(changes: changes)
            }
        } else {
            declaredScratch = now
        }
    }

    /// How the scratch database differs from what is declared; `final`: also its fixed
    /// properties (owned by the owner role, not a template, open to connections).
    func scratchChanges(_ now: OutsideWorld, final: Bool) -> [OutsideWorld.Change] {
        guard let declared = declaredScratch else { return [] }
        var changes = OutsideWorld.diff(declared, now)
        guard final else { return changes }
        guard let (key, row) = now.objects.first(where: { $0.key.kind == "database" && $0.key.databases == [options.scratchName] }) else {
            changes.append(.init(key: .init(kind: "database", name: options.scratchName), what: "missing"))
            return changes
        }
        // Its owner: the load role until the hand-over (a failure before it), then the owner role.
        let owner = handedOver ? options.owner : (loadRole?.name ?? options.owner)
        let fixed = (options.inPlace ? [] : [("owner", owner)]) + [("is template", "false"), ("allows connections", "true")]
        for (property, wanted) in fixed where row[property] != wanted {
            let what = "\(property) \(row[property] ?? "(none)"), must be \(wanted)"
            if !changes.contains(where: { $0.key == key && $0.what.hasPrefix(property + " ") }) { changes.append(.init(key: key, what: what)) }
        }
        return changes
    }

    /// The check before the swap: the login connects again with its own credentials (a changed
    /// password, connection limit or ALLOW_CONNECTIONS shows here, not halfway through the
    /// swap), then the second snapshot is compared with the first. Returns the fresh connection
    /// the swap uses.
    func checkOutsideWorld(_ admin: Connection) throws -> Connection? {
        guard let before = outsideBefore else { return nil }
        var changes: [OutsideWorld.Change] = []
        var fresh: Connection?
        do {
            fresh = try Connection(conninfo: options.conninfo, database: options.inPlace ? options.database : options.maintenanceDatabase,
                                   defaults: options.connectionDefaults)
            if !options.inPlace {
                try Connection(conninfo: options.conninfo, database: options.scratchName, defaults: options.connectionDefaults).close()
            }
        } catch {
            changes.append(.init(key: .init(kind: "login", name: login.isEmpty ? "of this run" : login, roles: []),
                                 what: "cannot connect again before the swap: \(error)"))
        }
        let after = try OutsideWorld.snapshot(fresh ?? admin)
        othersBusy.formUnion(try othersBusyDatabases(fresh ?? admin))
        changes += try outsideChanges(before, after, fresh ?? admin)
        changes += scratchChanges(after.database(options.scratchName), final: true)
        report.checks.append(.init(name: "outside world", ok: changes.isEmpty,
                                   detail: changes.isEmpty ? "roles, memberships, settings, other databases, tablespaces and ALTER SYSTEM as before the load; \(options.scratchName) as the dump declares it"
                                                           : changes.prefix(20).map(\.description).joined(separator: "; ")))
        guard changes.isEmpty else {
            fresh?.close()
            for c in changes { log("changed during the restore, not by pgreown: \(c)") }
            throw OutsideWorldChanged(changes: changes)
        }
        log("check outside world: ok")
        return fresh
    }

    /// The differences the owner role R could have made (code in the dump runs as R, or as a
    /// role R may SET ROLE to). Left out, as other jobs on the same cluster are none of this
    /// run's business:
    /// - databases R could not alter: owned, before or after, by a role R is not a member of (R
    ///   alters only what it owns, and gives a database only to a role it is a member of; another
    ///   run's swap in progress gives it to that run's login); a database on one side only, and
    ///   its settings (CREATE and DROP DATABASE refuse a transaction block, so no function of a
    ///   dump runs them); another run's `*-restore` and `*-old`; one being dropped (connection
    ///   limit -2). The live database is always looked at.
    /// - roles, memberships and role settings R could not change: unless one of R's roles is a
    ///   superuser or has CREATEROLE, only R's own roles (their attributes, password, settings)
    ///   and memberships in a role R may grant (ADMIN OPTION). (The login's own password,
    ///   connection limit and access show when it connects again.)
    func outsideChanges(_ before: OutsideWorld, _ after: OutsideWorld, _ c: Connection) throws -> [OutsideWorld.Change] {
        var ownerRoles: Set<String> = [], adminRoles: Set<String> = []
        for r in try c.query("""
            SELECT rolname::pg_catalog.text, pg_catalog.pg_has_role($1, oid, 'MEMBER')::pg_catalog.text,
                   pg_catalog.pg_has_role($1, oid, 'MEMBER WITH ADMIN OPTION')::pg_catalog.text
            FROM pg_catalog.pg_roles
            """, [options.owner]) {
            guard let name = r[0] else { continue }
            if r[1] == "true" { ownerRoles.insert(name) }
            if r[2] == "true" { adminRoles.insert(name) }
        }
        let mighty = [before, after].contains { w in
            w.objects.contains { k, p in k.kind == "role" && ownerRoles.contains(k.id) && (p["superuser"] == "true" || p["createrole"] == "true") }
        }
        func databases(_ w: OutsideWorld) -> [String: [String: String]] {
            Dictionary(w.objects.filter { $0.key.kind == "database" }.map { ($0.key.id, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        let (was, now) = (databases(before), databases(after))
        var watched: Set<String> = [], both: Set<String> = []
        for (oid, p) in was {
            guard let q = now[oid] else { continue }
            both.insert(oid)
            let names = [p["name"], q["name"]].compactMap { $0 }
            if names.contains(options.database) { watched.insert(oid); continue }
            if names.contains(where: { $0.hasSuffix("-restore") || $0.hasSuffix("-old") }) { continue }
            if q["connection limit"] == "-2" { continue }
            if names.contains(where: othersBusy.contains) { continue }
            if [p["owner"], q["owner"]].allSatisfy({ $0.map(ownerRoles.contains) ?? false }) { watched.insert(oid) }
        }
        return OutsideWorld.diff(before, after, excluding: outsideExclusions).filter { change in
            let k = change.key
            switch k.kind {
            case "database":
                return watched.contains(k.id)
            case "settings" where k.roles.isEmpty:
                return k.databaseOIDs.allSatisfy(watched.contains)
            case "settings":
                return k.databaseOIDs.allSatisfy(both.contains) && (mighty || k.roles.contains(where: ownerRoles.contains))
            case "role":
                return mighty || ownerRoles.contains(k.id)
            case "membership":
                guard let role = k.roles.first else { return true }
                return mighty || adminRoles.contains(role)
            default:
                return true
            }
        }
    }

    /// Databases another pgreown run is connected to (its load or its checks: an `--in-place`
    /// restore changes a database that stays), seen at each snapshot.
    func othersBusyDatabases(_ c: Connection) throws -> Set<String> {
        Set(try c.query("""
            SELECT DISTINCT datname::pg_catalog.text FROM pg_catalog.pg_stat_activity
            WHERE application_name OPERATOR(pg_catalog.=) 'pgreown' AND datname IS NOT NULL
              AND datname OPERATOR(pg_catalog.<>) ALL ($1::pg_catalog.text[])
            """, ["{" + [options.scratchName, options.database, options.maintenanceDatabase].map {
                "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"])
            .compactMap { $0.first ?? nil })
    }

    /// After a failure: the error to report (the changes found, when any: the run stopped
    /// because of them or beside them) and what the final line says of the live database —
    /// "untouched" only when its row and settings are as before the load.
    func failureReport(_ admin: Connection, after error: Error) -> (error: Error, liveChanged: Bool, text: String) {
        guard let before = outsideBefore else { return (error, false, "\(options.database) is untouched") }
        var changes: [OutsideWorld.Change]
        var reported = error
        if let e = error as? OutsideWorldChanged {
            changes = e.changes
        } else {
            guard let reader = workingAdmin(admin), let after = try? OutsideWorld.snapshot(reader) else {
                return (error, false, "\(options.database) was not looked at again (no connection): compare it with what it was by hand")
            }
            changes = (try? outsideChanges(before, after, reader)) ?? OutsideWorld.diff(before, after, excluding: outsideExclusions)
            changes += scratchChanges(after.database(options.scratchName), final: true)
            for c in changes { log("changed during the restore, not by pgreown: \(c)") }
            if !changes.isEmpty && !(error is Interrupted) { reported = OutsideWorldChanged(changes: changes, stoppedAt: "\(error)") }
        }
        let live = changes.filter { $0.key.databases.contains(options.database) }
        let others = changes.count - live.count
        let rest = others == 0 ? "" : "; \(others) other change\(others == 1 ? "" : "s") outside it (listed above)"
        if live.isEmpty { return (reported, false, options.inPlace ? String(rest.dropFirst(2)) : "\(options.database) is untouched" + rest) }
        return (reported, true, "\(options.database) was CHANGED during the restore, not by pgreown — repair by hand: "
                    + live.map(\.description).joined(separator: "; ") + rest)
    }
}
