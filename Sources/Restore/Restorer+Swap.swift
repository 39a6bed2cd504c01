import DumpFormat
import Foundation
import Ownership

#if canImport(Glibc)
import Glibc
#endif

/// The swap (docs/restore.md, step 5), compatible with the nightly job it replaces.
extension Restorer {
    // MARK: - Swap

    func swap(_ admin: Connection) throws {
        if let signal = Interrupt.signal {
            let dropped = dropScratch(admin)
            throw Failure(underlying: Interrupted(signal: signal), state: "stopped before the swap: \(dropped); \(options.database) is untouched")
        }
        let live = try admin.quoteIdentifier(options.database)
        let scratch = try admin.quoteIdentifier(options.scratchName)
        let old = try admin.quoteIdentifier(options.oldName)
        let owner = try admin.quoteIdentifier(options.owner)
        let exists = try admin.query("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", [options.database]).first
        guard let previousOwner = exists?[0] else {
            do {
                try admin.query("ALTER DATABASE \(scratch) RENAME TO \(live)")
            } catch {
                let dropped = dropScratch(admin)
                throw Failure(underlying: error, state: "\(dropped); \(options.database) did not exist and still does not")
            }
            report.swapped = true
            log("renamed \(options.scratchName) to \(options.database) (there was no live database)")
            return
        }
        if try admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.oldName]).count > 0 {
            do { try admin.query("DROP DATABASE \(old)") } catch {
                let dropped = dropScratch(admin)
                throw Failure(underlying: error, state: "a leftover \(options.oldName) could not be dropped; \(dropped); \(options.database) is untouched")
            }
        }
        do {
            try admin.query("ALTER DATABASE \(live) OWNER TO CURRENT_USER")
            try admin.query("ALTER DATABASE \(live) WITH ALLOW_CONNECTIONS false")
        } catch {
            let dropped = dropScratch(admin)
            throw Failure(underlying: error, state: "could not take over \(options.database) for the swap; \(dropped); \(options.database) is untouched")
        }
        var lastError: Error?
        for attempt in 1...max(1, options.swapTries) {
            do {
                try admin.query("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname IN ($1, $3) AND pid <> pg_backend_pid() AND usename <> ALL($2::text[])
                    """, [options.database, "{" + options.spareSessionsOf.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}", options.scratchName])
                try admin.query("BEGIN; ALTER DATABASE \(live) RENAME TO \(old); ALTER DATABASE \(scratch) RENAME TO \(live); COMMIT;")
                lastError = nil
                break
            } catch {
                _ = try? admin.query("ROLLBACK")
                lastError = error
                log("swap attempt \(attempt) of \(options.swapTries) failed: \(error)")
                if attempt < options.swapTries { usleep(UInt32(max(0, options.swapRetrySeconds) * 1_000_000)) }
            }
        }
        if let lastError {
            var state = "the swap failed; "
            // A cut connection (the server restarted) must not leave the live database closed.
            let admin = workingAdmin(admin) ?? admin
            do {
                try admin.query("ALTER DATABASE \(live) WITH ALLOW_CONNECTIONS true")
                state += "\(options.database) was reopened and is intact"
            } catch {
                state += "\(options.database) is intact but still refuses connections: run ALTER DATABASE \(live) WITH ALLOW_CONNECTIONS true"
            }
            if (try? admin.query("ALTER DATABASE \(live) OWNER TO \(try admin.quoteIdentifier(previousOwner))")) == nil {
                state += "; it is now owned by the restoring login (it was owned by \(previousOwner))"
            }
            let dropped = dropScratch(admin)
            throw Failure(underlying: lastError, state: state + "; " + dropped)
        }
        report.swapped = true
        log("swapped: \(options.database) → \(options.oldName), \(options.scratchName) → \(options.database)")
        do {
            try admin.query("ALTER DATABASE \(live) OWNER TO \(owner)")
        } catch {
            throw Failure(underlying: error, state: "the restored database is live as \(options.database), but setting its owner failed: run ALTER DATABASE \(live) OWNER TO \(owner); the previous database is \(options.oldName)")
        }
        if options.keepOld {
            _ = try? admin.query("ALTER DATABASE \(old) WITH ALLOW_CONNECTIONS true")
            report.oldDatabaseKept = options.oldName
            log("kept the previous database as \(options.oldName)")
        } else {
            do { try admin.query("DROP DATABASE \(old)") } catch {
                throw Failure(underlying: error, state: "the restored database is live as \(options.database); dropping the previous one failed: run DROP DATABASE \(old)")
            }
            log("dropped \(options.oldName)")
        }
    }
}
