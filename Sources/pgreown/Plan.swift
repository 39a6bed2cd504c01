import ArgumentParser
import Audit
import Restore

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print (or --apply) the SQL that converts a live database to the owner-role model, or retires a login.",
        discussion: """
        \(ownerRoleModelHelp)

        pgreown plan --owner R --login L… prints the conversion as one reviewed SQL script, in one \
        transaction, idempotent (running it twice is harmless), every name quoted by the server:
          1. create R NOLOGIN if it is missing (ALTER ROLE … NOLOGIN if it can log in);
          2. GRANT R to each login, and to the connected admin when it is not a superuser (so it \
        can SET ROLE R);
          3. what R and the logins need where R will not own (schemas of extensions; CONNECT for \
        NOINHERIT logins when PUBLIC has none);
          4. REASSIGN OWNED BY each login TO R (in this database, plus any database the login \
        owns: the script says which); the database and the public schema to R; objects of any \
        other role to R, one ALTER … OWNER TO each;
          5. ALTER DEFAULT PRIVILEGES FOR ROLE each login GRANT ALL … TO R, so what a login creates \
        as itself is usable by R;
          6. with --set-role-default, ALTER ROLE login SET role R, so what it creates is owned by R;
        then what the audit of the result would still ask for and the plan can do safely: R's \
        default privileges (carrying over the logins' and matching what existing objects grant), \
        revoking direct grants of logins that have them through R anyway, and PUBLIC's CREATE on \
        schemas and EXECUTE on SECURITY DEFINER routines. Findings it leaves (a login outside the \
        model holding grants, say) are listed at the end of the script.

        Nothing is executed without --apply. --apply runs the script in one transaction (any error \
        rolls it all back), then audits the database and prints the report; exit 0 only when the \
        audit is clean.

        pgreown plan --retire OLD prints the safe removal of an old login: REASSIGN OWNED BY OLD TO \
        R, DROP OWNED BY OLD (its own grants and default privileges), DROP ROLE OLD, after checking \
        that no session of OLD is connected (the script checks again when it runs). R is --owner, \
        else $DB_OWNER, else the database's owner when OLD is a member of it. When OLD still owns \
        objects or holds privileges in another database, DROP ROLE is left out: retire it there too.

        Exit 0 on success, 1 when the audit after --apply has findings (or a retirement is not \
        finished), 64 on a usage error, 69 when the server cannot be reached, a preflight check \
        refuses (a login missing, a session of OLD connected, an admin without the privileges \
        REASSIGN OWNED needs) or the server rejects the script.

        Examples:
          pgreown plan --target "dbname=accounts" --owner account-api-owner-role --login account-api > convert.sql
          pgreown plan --target "dbname=accounts" --owner account-api-owner-role --login account-api --apply
          pgreown plan --target "dbname=foo" --owner foo --login foo_a foo_b --set-role-default --apply
          pgreown plan --target "dbname=foo" --retire foo_a --apply
        """
    )

    @OptionGroup var database: LiveDatabaseOptions

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("The logins to convert: they become members of the owner role and what they own goes to it (one or more; repeatable).", valueName: "ROLE"))
    var login: [String] = []

    @Flag(name: .customLong("set-role-default"), help: "Also ALTER ROLE login SET role OWNER, so what the logins create is owned by the owner role.")
    var setRoleDefault = false

    @Option(name: .long, help: ArgumentHelp("Retire this login instead: reassign what it owns to the owner role, drop what it holds, drop the role.", valueName: "OLD"))
    var retire: String?

    @Flag(name: .long, help: "Run the script (one transaction), then audit the database.")
    var apply = false

    @Flag(name: .long, help: "Print JSON on stdout: the plan (sections, script, blocking problems, findings it leaves) and, with --apply, the audit.")
    var json = false

    func validate() throws {
        if retire != nil {
            if !login.isEmpty { throw ValidationError("--retire and --login do not go together") }
            if setRoleDefault { throw ValidationError("--set-role-default goes with --login, not --retire") }
        } else {
            if login.isEmpty { throw ValidationError("give the logins to convert (--login ROLE…), or --retire OLD") }
            _ = try database.requireOwner()
        }
        if login.contains(where: \.isEmpty) || retire == "" { throw ValidationError("a role name cannot be empty") }
    }

    struct Output: Encodable {
        var plan: Plan
        var applied: Bool
        var audit: AuditReport?
    }

    func run() throws {
        let conn = try database.connect()
        try runAgainstServer {
            let plan: Plan
            if let old = retire {
                let owner = try database.effectiveOwner ?? AuditRunner.databaseOwner(conn)
                let snapshot = try Catalog.snapshot(conn, owner: owner, extraRoles: [old])
                if database.effectiveOwner == nil, let r = snapshot.role(old), !r.canSetRoleToOwner {
                    printMessage("pgreown: \(old) is not a member of the database's owner \(owner): give the owner role with --owner")
                    return Exit.usage
                }
                plan = PlanBuilder.retire(snapshot, old: old)
            } else {
                let owner = try database.requireOwner()
                let snapshot = try Catalog.snapshot(conn, owner: owner, extraRoles: login)
                plan = PlanBuilder.conversion(snapshot, logins: login, setRoleDefault: setRoleDefault)
            }
            if !plan.blocking.isEmpty {
                writeOut(json ? try encodeJSON(Output(plan: plan, applied: false, audit: nil)) : plan.script)
                for b in plan.blocking.dropLast() { printMessage("pgreown: refused: \(b)") }
                printMessage("pgreown: refused: \(plan.blocking[plan.blocking.count - 1])")
                return Exit.unavailable
            }
            guard apply else {
                writeOut(json ? try encodeJSON(Output(plan: plan, applied: false, audit: nil)) : plan.script)
                printMessage("pgreown: plan for database \(plan.database) printed; nothing was executed (--apply runs it).")
                return Exit.ok
            }
            do {
                try AuditRunner.apply(plan, on: conn)
            } catch let e as ServerError {
                if !json { writeOut(plan.script) }
                printMessage("pgreown: the server rejected the plan, nothing was changed: \(e.description)")
                return Exit.unavailable
            }
            let (_, report) = try AuditRunner.audit(conn, owner: plan.owner)
            if json {
                writeOut(try encodeJSON(Output(plan: plan, applied: true, audit: report)))
            } else {
                writeOut(plan.script + "\n-- applied; the audit now says:\n" + report.text)
            }
            if !plan.complete {
                printMessage("pgreown: applied, but \(retire ?? "the login") is not retired yet: \(plan.warnings.first ?? "see the script")")
                return Exit.problems
            }
            if report.clean {
                printMessage("pgreown: applied; database \(report.database) follows the owner-role model (owner role \(plan.owner))"
                             + (report.notes.isEmpty ? "." : "; \(report.notes.count) note(s); first: \(report.notes[0].summary)"))
                return Exit.ok
            }
            printMessage("pgreown: applied; the audit still has \(report.failures.count) finding(s); first: \(report.failures[0].summary)")
            return Exit.problems
        }
    }
}
