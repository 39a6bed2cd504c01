import Foundation
import DumpFormat

/// Restore-side rewrites that make a load cheaper and leave the same end state.
public enum BulkLoad {
    /// The levers `restore --bulk-load` chooses from; none needs a superuser.
    public enum Lever: String, CaseIterable, Sendable {
        /// `synchronous_commit = off` per load session: no WAL flush per statement (the swap's own
        /// commit makes everything before it durable).
        case syncCommit = "sync-commit"
        /// `maintenance_work_mem` raised to 256MB per load session (never lowered): index builds
        /// sort in memory.
        case maintenanceMem = "maintenance-mem"
        /// Each table's COPY in one transaction after a TRUNCATE, `WITH (FREEZE)`.
        case copyFreeze = "copy-freeze"
        /// Foreign keys added `NOT VALID`, then validated (`validateForeignKeySeparately`).
        case fkNotValid = "fk-not-valid"
        /// Table data sent in COPY's binary format where the client converts pg_dump's text
        /// exactly (`BinaryCopy`): the server skips parsing it. Needs `copy-freeze`'s transaction.
        case binaryCopy = "binary-copy"

        /// `all`, `none`, or a comma-separated list of lever names.
        public static func parse(_ text: String) throws -> Set<Lever> {
            let words = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if words == ["all"] { return Set(allCases) }
            if words == ["none"] { return [] }
            var out = Set<Lever>()
            for w in words {
                guard let lever = Lever(rawValue: w) else {
                    throw ParseError(word: w)
                }
                out.insert(lever)
            }
            return out
        }

        public struct ParseError: Error, CustomStringConvertible {
            public var word: String
            public var description: String {
                "unknown lever '\(word)': say all, none, or a comma-separated list of \(Lever.allCases.map(\.rawValue).joined(separator: ", "))"
            }
        }
    }

    /// What each load session runs first for these levers.
    public static func sessionSettings(_ levers: Set<Lever>) -> [String] {
        var out: [String] = []
        if levers.contains(.syncCommit) { out.append("SET synchronous_commit = off") }
        if levers.contains(.maintenanceMem) {
            // Raise only: a server that gives more keeps it.
            out.append("SELECT set_config('maintenance_work_mem', '256MB', false) "
                       + "WHERE pg_size_bytes(current_setting('maintenance_work_mem')) < pg_size_bytes('256MB')")
        }
        return out
    }

    /// A foreign key added as `NOT VALID`, then validated by `VALIDATE CONSTRAINT`.
    ///
    /// `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY` checks every row under a SHARE ROW EXCLUSIVE
    /// lock on the referenced table, so two foreign keys that reference the same table (every
    /// table's `account_id`, say) validate one after the other, whatever `--jobs` says. Added
    /// `NOT VALID`, the constraint is in place at once; `VALIDATE CONSTRAINT` then takes only
    /// SHARE UPDATE EXCLUSIVE on the table and ROW SHARE on the referenced one, so validations run
    /// side by side. The end state is the same: `convalidated` is true.
    ///
    /// Only pg_dump's own form is changed — `ALTER TABLE ONLY t ADD CONSTRAINT c FOREIGN KEY …;`,
    /// one statement, not already `NOT VALID` (partitioned tables come without ONLY, and their
    /// foreign keys cannot be NOT VALID before PostgreSQL 18); anything else is returned as is.
    public static func validateForeignKeySeparately(_ defn: [UInt8]) -> [UInt8] {
        guard let items = try? SQLStatement.split(defn) else { return defn }
        let statements = items.filter { $0.kind == .statement }
        guard statements.count == 1, let s = statements.first else { return defn }
        let t = s.significantTokens
        // ALTER TABLE ONLY <name> ADD CONSTRAINT <c> FOREIGN KEY … ;
        guard t.count > 8, s.isKeyword(t[0], "alter"), s.isKeyword(t[1], "table"), s.isKeyword(t[2], "only"),
              let semi = t.last, semi.kind == .semicolon else { return defn }
        // The table name: one identifier or schema.identifier.
        var k = 3
        k += 1
        if k + 1 < t.count, s.text(t[k]) == [0x2e] { k += 2 }
        guard k + 4 < t.count, s.isKeyword(t[k], "add"), s.isKeyword(t[k + 1], "constraint"),
              s.isKeyword(t[k + 3], "foreign"), s.isKeyword(t[k + 4], "key") else { return defn }
        let notValid = t.indices.dropLast().contains { i in i > 0 && s.isKeyword(t[i - 1], "not") && s.isKeyword(t[i], "valid") }
        guard !notValid else { return defn }
        let table = s.bytes[t[3].start..<t[k - 1].end]
        let constraint = s.text(t[k + 2])
        var out = Array(s.bytes[..<semi.start]) + Array(" NOT VALID".utf8) + Array(s.bytes[semi.start...])
        out += Array("\nALTER TABLE ONLY ".utf8) + table + Array(" VALIDATE CONSTRAINT ".utf8) + constraint + Array(";\n".utf8)
        // Keep what followed the statement (blank lines) out: the emitter adds its own.
        return out
    }
}
