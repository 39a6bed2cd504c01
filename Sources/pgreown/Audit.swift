import ArgumentParser
import Audit
import Foundation
import Restore

#if canImport(Glibc)
import Glibc
#endif

/// The owner-role model, as `--help` teaches it (audit and plan).
let ownerRoleModelHelp = """
    The owner-role model: one NOLOGIN role (the owner role, --owner) owns the database, its \
    schemas and every object in it. The logins the application and migrations use are members \
    of it. What they create ends up owned by it: they SET ROLE to it (by hand, or by default with \
    ALTER ROLE login SET role owner), or at least their default privileges give the owner role \
    everything they create. No login owns anything, so credentials rotate by adding a login and \
    dropping the old one; privileges are best held by groups (a login holding grants of its own, \
    as an application login with DML grants on an Aurora-style setup, is correct but a note: the \
    next login needs the same grants). Variants: two \
    logins foo_a and foo_b that are members of foo and switch to it at login; a migrator that \
    SETs ROLE to the owner for DDL, an application login with DML only through a group role, \
    read-only and read-write incident logins, and an admin login with CREATEDB/CREATEROLE.
    """

/// Where the live database is: --target, --dbname, --owner.
struct LiveDatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The server and database: a libpq conninfo string or URI (default: the PG* environment). The password is never printed.", valueName: "CONNINFO"))
    var target: String?

    @Option(name: .long, help: ArgumentHelp("The database to use instead of the one the conninfo names.", valueName: "DB"))
    var dbname: String?

    @Option(name: .long, help: ArgumentHelp("The owner role the model is judged against (default: $DB_OWNER).", valueName: "ROLE"))
    var owner: String?

    /// --owner, else $DB_OWNER, else nil.
    var effectiveOwner: String? {
        if let owner, !owner.isEmpty { return owner }
        if let v = getenv("DB_OWNER") { let s = String(cString: v); return s.isEmpty ? nil : s }
        return nil
    }

    func requireOwner() throws -> String {
        guard let o = effectiveOwner else { throw ValidationError("give the owner role: --owner ROLE (or set DB_OWNER)") }
        return o
    }

    /// Connect, or print the one-line reason and exit 69.
    func connect() throws -> Connection {
        var info = target ?? ""
        if let dbname {
            guard let replaced = Restore.conninfo(info, database: dbname) else {
                throw ValidationError("--target is not a conninfo string or URI libpq can parse")
            }
            info = replaced
        }
        do {
            return try Connection(conninfo: info)
        } catch let e as ServerError {
            printMessage("pgreown: \(e.description)")
            throw ExitCode(Exit.unavailable)
        }
    }
}

/// Run a command that talks to a server: a server error after connecting is one line on stderr
/// and exit 69.
func runAgainstServer(_ body: () throws -> Int32) throws {
    let code: Int32
    do {
        code = try body()
    } catch let e as ServerError {
        printMessage("pgreown: \(e.description)")
        throw ExitCode(Exit.unavailable)
    }
    if code != 0 { throw ExitCode(code) }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check a live database against the owner-role model; each finding with the SQL that fixes it.",
        discussion: """
        \(ownerRoleModelHelp)

        The audit reads the catalogs of one database (the one --target names, or --dbname) and \
        changes nothing. It reports:
          - the database's owner, and every object whose owner is not the owner role, by owner: \
        schemas, tables, partitions, views, materialized views, sequences, functions, procedures, \
        aggregates, types, domains, collations, conversions, operators and their classes and \
        families, text-search dictionaries and configurations, statistics objects, foreign tables, \
        servers and wrappers, publications, subscriptions, event triggers, large objects \
        (objects of extensions excepted; event triggers and wrappers may stay with a superuser);
          - whether the owner role exists and is NOLOGIN, which roles are members of it, with \
        INHERIT/SET, and whether each switches to it at login (ALTER ROLE … SET role);
          - logins that own anything (DROP ROLE would fail), and logins that hold privileges \
        directly (a failure when the login owns something here, else a note);
          - default privileges: what new tables, sequences, functions, types and schemas created \
        by the owner role and by each login that can SET ROLE to it will grant; logins that create \
        objects as themselves without default privileges giving the owner role everything; new \
        objects that will not grant what every existing one of their kind in their schema grants \
        (at least two) or what a member login's default privileges grant;
          - privileges PUBLIC holds that the model does not expect (CREATE on a schema, EXECUTE on \
        SECURITY DEFINER routines), and SECURITY DEFINER routines owned by a login.
        Privileges on the database itself (CONNECT, TEMPORARY) are not judged.

        Exit 0 when the database follows the model (notes are printed and do not fail it; in --json \
        each finding has a severity, failure or note), 1 with failures, 69 when the server cannot be \
        reached or refuses a catalog query, 64 on a usage error.

        Examples:
          pgreown audit --target "host=db.internal dbname=accounts user=admin" --owner accounts_owner
          pgreown audit --target postgresql://admin@db/accounts --owner accounts_owner --json | jq '.findings[].kind'
          DB_OWNER=foo pgreown audit --dbname foo
        """
    )

    @OptionGroup var database: LiveDatabaseOptions

    @Flag(name: .long, help: "Print the report as JSON on stdout: every finding with its objects (identity, owner) and fixing SQL.")
    var json = false

    func run() throws {
        let owner = try database.requireOwner()
        let conn = try database.connect()
        try runAgainstServer {
            let (_, report) = try AuditRunner.audit(conn, owner: owner)
            writeOut(json ? try encodeJSON(report) : report.text)
            if report.clean {
                printMessage("pgreown: database \(report.database) follows the owner-role model (owner role \(owner))"
                             + (report.notes.isEmpty ? "." : "; \(report.notes.count) note(s); first: \(report.notes[0].summary)"))
                return Exit.ok
            }
            printMessage("pgreown: database \(report.database): \(report.failures.count) finding(s); first: \(report.failures[0].summary)")
            return Exit.problems
        }
    }
}
