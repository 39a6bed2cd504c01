import Foundation
import Ownership

/// Least privilege for dump content (SECURITY.md): the role a restore's load runs as.
///
/// Code a dump carries runs during the load — CHECK constraints, triggers and defaults during
/// COPY, index expressions, domain checks — and cannot be proven harmless. Run as the login, it
/// would have the login's rights (often CREATEDB, CREATEROLE, membership in every owner role);
/// run as the owner role R, still R's, and R owns the live database. So where the login may
/// create roles, pgreown makes one for the run: a login with a random name and password, `VALID
/// UNTIL` an hour ahead, no attributes, a member of nothing (but, owning the scratch database, of `pg_database_owner` there). It owns the scratch database and
/// everything the load creates; a `RESET ROLE` or `set_config('role', …)` in the dump's code
/// leaves it where it is. When the load ends the login hands its work to R (`REASSIGN OWNED BY
/// load TO R`: the objects, the scratch database, the grantors in their ACLs) and runs the owner
/// changes to other roles it deferred; the checks follow.
/// The role is dropped at the end; a leftover of a killed run (its `VALID UNTIL` past) is dropped
/// by the next run.
///
/// The password never reaches the server: the verifier is computed by libpq
/// (`PQencryptPasswordConn`) and the password lives in this process only.
public final class LoadRole: @unchecked Sendable {
    public static let prefix = "pgreown_load_"
    public let name: String
    let password: String
    /// `--load-login`: the operator's login (its conninfo); pgreown neither makes nor drops it.
    let managedConninfo: String?

    init(name: String, password: String, managedConninfo: String? = nil) {
        self.name = name
        self.password = password
        self.managedConninfo = managedConninfo
    }

    /// A session of the load role in `database`: the login's conninfo with the role's user and
    /// password, or the operator's conninfo.
    func connect(database: String, conninfo: String, defaults: [(String, String)]) throws -> Connection {
        if let managedConninfo { return try Connection(conninfo: managedConninfo, database: database, defaults: defaults) }
        return try Connection(conninfo: conninfo, database: database, defaults: defaults, overrides: [("user", name), ("password", password)])
    }

    /// The operator's login (`--load-login`): who it is, and that the restoring login is a member
    /// of it (to give it the scratch database and take back what it made).
    static func managed(_ conninfo: String, admin: Connection, maintenanceDatabase: String, defaults: [(String, String)]) throws -> LoadRole {
        let c = try Connection(conninfo: conninfo, database: maintenanceDatabase, defaults: defaults)
        defer { c.close() }
        let row = try c.query("SELECT current_user::text, rolsuper::text, rolcreaterole::text, rolcreatedb::text FROM pg_catalog.pg_roles WHERE rolname = current_user").first
        guard let row, let name = row[0] else { throw ServerError("cannot tell who the load login is") }
        if row[1] == "true" || row[2] == "true" || row[3] == "true" {
            throw ServerError("the load login \(name) has SUPERUSER, CREATEROLE or CREATEDB: it must have no more rights than the dump needs")
        }
        let member = try admin.query("SELECT pg_catalog.pg_has_role(current_user, $1, 'USAGE')::text", [name]).first?[0] ?? nil
        guard member == "true" else {
            throw ServerError("the restoring login is not a member of the load login \(name) (GRANT \(Identifier.quote(name)) TO the restoring login)")
        }
        return LoadRole(name: name, password: "", managedConninfo: conninfo)
    }

    /// Why a load role cannot be made with `admin`'s login, or nil when it can.
    static func unavailableReason(_ admin: Connection) throws -> String? {
        let row = try admin.query("SELECT rolsuper::text, rolcreaterole::text FROM pg_catalog.pg_roles WHERE rolname = current_user").first
        if row?[0] == "true" || row?[1] == "true" { return nil }
        return "the login has neither CREATEROLE nor SUPERUSER"
    }

    /// Make the role for this run (`connections`: how many sessions the load opens), and make
    /// the login a member of it, so it can give the role the scratch database, take back what
    /// the role made (`REASSIGN OWNED`) and drop it.
    static func create(_ admin: Connection, connections: Int) throws -> LoadRole {
        var rng = SystemRandomNumberGenerator()
        func hex(_ bytes: Int) -> String { (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined() }
        let role = LoadRole(name: prefix + hex(6), password: hex(24))
        let until = try admin.query("SELECT (pg_catalog.now() + interval '1 hour')::text").first?[0] ?? nil
        guard let until else { throw ServerError("cannot read the server's clock") }
        let verifier = try admin.encryptPassword(role.password, user: role.name)
        let q = try admin.quoteIdentifier(role.name)
        try admin.query("""
            CREATE ROLE \(q) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS \
            CONNECTION LIMIT \(connections + 2) VALID UNTIL \(try admin.quoteLiteral(until)) PASSWORD \(try admin.quoteLiteral(verifier))
            """)
        do {
            // 16+: the membership CREATE ROLE gave the login has neither INHERIT nor SET.
            try admin.query("GRANT \(q) TO CURRENT_USER" + (admin.serverVersion >= 160000 ? " WITH INHERIT TRUE, SET TRUE" : ""))
        } catch {
            _ = try? admin.query("DROP ROLE \(q)")
            throw error
        }
        return role
    }

    /// Take back what the role made, in the scratch database (`conn`, the login's session
    /// there): everything it owns goes to `owner` — the scratch database itself included — and
    /// whatever was granted to it is revoked. The database and the schemas go first: a new owner
    /// must have CREATE on the database to own a schema there, and on a schema to own what is in
    /// it, and `REASSIGN OWNED` takes objects in no particular order.
    func handOver(_ conn: Connection, database: String, to owner: String) throws {
        let q = try conn.quoteIdentifier(name)
        let r = try conn.quoteIdentifier(owner)
        try conn.query("ALTER DATABASE \(try conn.quoteIdentifier(database)) OWNER TO \(r)")
        let schemas = try conn.query("SELECT nspname::text FROM pg_catalog.pg_namespace WHERE nspowner = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1) ORDER BY 1",
                                     [name])
        for row in schemas {
            guard let schema = row[0] else { continue }
            try conn.query("ALTER SCHEMA \(try conn.quoteIdentifier(schema)) OWNER TO \(r)")
        }
        try conn.query("REASSIGN OWNED BY \(q) TO \(r)")
        try conn.query("DROP OWNED BY \(q)")
    }

    /// Drop the role (its sessions are closed; what it owned was handed over or dropped with the
    /// scratch database). A failure is said, never thrown: the next run drops the leftover.
    func drop(_ admin: Connection, log: (String) -> Void) {
        guard managedConninfo == nil else { return }
        do {
            try admin.query("DROP ROLE IF EXISTS \(try admin.quoteIdentifier(name))")
        } catch {
            log("warning: could not drop the load role \(name) (the next run drops it once its VALID UNTIL has passed): \(error)")
        }
    }

    /// Drop the load roles of earlier runs whose `VALID UNTIL` has passed (a run that was
    /// killed). One that still owns something elsewhere is left, with a warning.
    static func dropLeftovers(_ admin: Connection, log: (String) -> Void) {
        let rows = (try? admin.query("""
            SELECT rolname::text FROM pg_catalog.pg_roles
            WHERE rolname LIKE 'pgreown\\_load\\_%' AND rolvaliduntil < pg_catalog.now()
            """)) ?? []
        for row in rows {
            guard let name = row[0] else { continue }
            do {
                try admin.query("DROP ROLE \(try admin.quoteIdentifier(name))")
                log("dropped the leftover load role \(name)")
            } catch {
                log("warning: could not drop the leftover load role \(name): \(error)")
            }
        }
    }
}
