import Restore

/// The server side of audit and plan: read, judge, apply.
public enum AuditRunner {
    /// Snapshot and judge the connected database.
    public static func audit(_ conn: Connection, owner: String) throws -> (DatabaseSnapshot, AuditReport) {
        let s = try Catalog.snapshot(conn, owner: owner)
        return (s, AuditRules.evaluate(s))
    }

    /// Run a plan's script in one transaction (it carries its own BEGIN/COMMIT); on any error
    /// roll back, so nothing is changed, and rethrow the server's error.
    public static func apply(_ plan: Plan, on conn: Connection) throws {
        // GRANT of an existing membership and the like say NOTICE; they are expected.
        try conn.query("SET client_min_messages = warning")
        do {
            try conn.query(plan.script)
        } catch {
            _ = try? conn.query("ROLLBACK")
            throw error
        }
    }

    /// The owner of the connected database (the owner a retirement defaults to).
    public static func databaseOwner(_ conn: Connection) throws -> String {
        guard let o = try conn.query("""
            SELECT pg_catalog.pg_get_userbyid(datdba)::text FROM pg_catalog.pg_database WHERE datname = current_database()
            """).first?[0] else { throw ServerError("the server did not describe the current database") }
        return o
    }
}
