#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one SQL emitter: what pg_restore sends for an archive (custom, directory or tar), entry by
/// entry, to an `SQLSink`. Into a `ScriptSink` it is the script `pg_restore -f -` prints, byte for
/// byte, as the pg_restore of the archive's pg_dump major version prints it with default options
/// (no `--create`, `--no-owner`, `-v`, …); into a connection sink it is what that pg_restore
/// executes with `-d`. It emits what it is given: the role policy lives in Ownership, whose
/// rewritten entries are passed in; which entries run and in which pass is the `RestorePlan`.
///
/// Use: `DumpSource.read(writer, data: true)`. The header and the entries come first (archives
/// announce every entry before the first data item); data is streamed as it arrives, in TOC
/// order, while the main pass is printed. After the input ends, the ACL and post-ACL passes
/// and the trailer follow (`pg_backup_archiver.c` RestoreArchive / restore_toc_entry /
/// _printTocEntry, `pg_backup_db.c` IssueCommandPerBlob / IssueACLPerBlob).
///
/// What is emulated per pg_restore version (see `Version`, in VersionBridge.swift with every version rule):
/// - `\restrict KEY` / `\unrestrict KEY` (15.14+, 16.10+, 17.6+, 18.0+; 13.22+, 14.19+);
/// - `SET transaction_timeout = 0;` (17+; left out when `targetServerMajor` < 17);
/// - `SET escape_string_warning = off;` when the archive's strings are not standard (≤ 18);
/// - `SET default_with_oids` before tables (≤ 11), `SET default_table_access_method` (12+),
///   partitioned tables' `ALTER TABLE … SET ACCESS METHOD` after their definition (17+);
/// - `ALTER TABLE` for views, sequences and materialized views (≤ 15) or their own `ALTER VIEW`,
///   `ALTER SEQUENCE`, `ALTER MATERIALIZED VIEW` (16+);
/// - BLOB METADATA expanded per OID, `LARGE OBJECTS a..b` ACLs replayed per OID (17+);
/// - statistics entries (`-- Statistics for Name:`, post-data ones in the post-ACL pass, 18+);
/// - identifier quoting with that version's keyword list;
/// - the restore passes: event triggers (and their comments; security labels from the
///   November 2025 minor releases on) and materialized-view data after the ACLs.
public final class SQLEmitter: DumpVisitor {
    public struct Options: Sendable {
        /// The `\restrict` key (63 characters of [A-Za-z0-9]); nil: a random one per run.
        public var restrictKey: String?
        /// Major version of the server the script is for: below 17, `SET transaction_timeout`
        /// (which older servers reject) is left out.
        public var targetServerMajor: Int?
        /// The pg_restore to emulate; nil: the archive's pg_dump version (header).
        public var pgRestoreVersion: Version?
        /// Which entries are restored (pg_restore's selection options).
        public var selection: RestorePlan.Selection

        public init(restrictKey: String? = nil, targetServerMajor: Int? = nil, pgRestoreVersion: Version? = nil,
                    selection: RestorePlan.Selection = RestorePlan.Selection()) {
            self.restrictKey = restrictKey
            self.targetServerMajor = targetServerMajor
            self.pgRestoreVersion = pgRestoreVersion
            self.selection = selection
        }
    }

    private let sink: SQLSink
    private var options: Options
    /// The input's name, for error messages.
    public var inputName: String
    private let given: [TOCEntry]?
    private var collected: [TOCEntry] = []
    private var archiveHeader: ArchiveHeader?

    // Fixed once the first data item or the end arrives.
    private var entries: [TOCEntry] = []
    /// The restore plan, fixed when the output starts.
    public private(set) var plan = RestorePlan(entries: [], version: Version(major: 17))
    private var version = Version(major: 17, minor: 0)
    private var keywords: Set<[UInt8]> = Keywords.v17
    private var started = false
    private var mainNext = 0
    private var searchPath: [UInt8]?
    private var stdStrings = false
    private var encoding: [UInt8] = Array("SQL_ASCII".utf8)

    // Context SETs already issued (pg_restore's currSchema, currTablespace, currTableAm, currWithOids).
    private var currSchema: [UInt8]?
    private var currTablespace: [UInt8]?
    private var currTableAm: [UInt8]?
    private var currWithOids: Bool?

    // The data item being printed.
    /// `sql`: table data held as INSERT statements (no COPY statement).
    private enum DataMode { case none, copy, sql, blobs, swallow }
    private var dataMode = DataMode.none
    private var dataIndex = -1

    /// pg_restore's large-object write buffer (LOBBUFSIZE): lowrite calls carry at most this much.
    public static let largeObjectChunk = ScriptSink.largeObjectChunk

    /// The key actually used (generated when none was given), once the script has started.
    public var restrictKey: String? { options.restrictKey }
    /// The pg_restore version emulated (known after the header).
    public var emulatedVersion: Version { version }

    /// - Parameters:
    ///   - entries: the (rewritten) TOC entries to print, in archive order; the `entry` events of
    ///     the source are then ignored (data events are matched by dumpId). nil: use the events'.
    public init(sink: SQLSink, entries: [TOCEntry]? = nil, options: Options = Options(), inputName: String = "archive") {
        self.sink = sink
        self.inputName = inputName
        self.given = entries
        self.options = options
    }

    /// The script `pg_restore -f` prints, written to `output`.
    public convenience init(output: Output, entries: [TOCEntry]? = nil, options: Options = Options(), inputName: String = "archive") {
        self.init(sink: ScriptSink(output: output), entries: entries, options: options, inputName: inputName)
    }

    /// 63 random characters of [A-Za-z0-9], as pg_dump's generate_restrict_key.
    public static func randomRestrictKey() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var g = SystemRandomNumberGenerator()
        return String(decoding: (0..<63).map { _ in alphabet[Int(g.next(upperBound: UInt64(alphabet.count)))] }, as: UTF8.self)
    }

    // MARK: - Events

    public func header(_ header: ArchiveHeader, format: DumpFormatKind) throws {
        archiveHeader = header
    }

    public func entry(_ entry: TOCEntry) throws {
        if given == nil { collected.append(entry) }
    }

    public func beginData(_ entry: TOCEntry) throws {
        try start()
        guard let i = plan.position[entry.dumpId], plan.expectsData(i), deferEntry?(i) != true else {
            dataMode = .swallow
            return
        }
        if i < mainNext {
            throw DumpError(.malformed, file: inputName, entry: entry.label,
                            "data of this entry comes after that of a later entry; a plain script is written in TOC order and pgreown cannot reorder an archive's data")
        }
        try printMain(upTo: i)
        try printPreamble(i)
        try startData(i)
    }

    /// The data of entry `i` follows (its COPY statement, if any, was sent by printPreamble).
    private func startData(_ i: Int) throws {
        dataIndex = i
        if isBlobs(entries[i]) {
            dataMode = .blobs
            try sink.beginLargeObjects()
        } else if entries[i].isInsertData {
            dataMode = .sql
            try sink.beginSQLData(entries[i])
        } else {
            dataMode = .copy
        }
    }

    /// The end of the current entry's data; false when no data was being printed.
    private func finishData() throws -> Bool {
        defer { dataMode = .none }
        switch dataMode {
        case .copy: try sink.endCopy(entries[dataIndex])
        case .sql: try sink.endSQLData(entries[dataIndex])
        case .blobs: try sink.endLargeObjects()
        case .none, .swallow: return false
        }
        return true
    }

    public func data(_ bytes: UnsafeRawBufferPointer) throws {
        switch dataMode {
        case .copy: try sink.copyData(bytes)
        case .sql: try sink.sqlData(bytes)
        case .blobs: try sink.largeObjectData(bytes)
        case .swallow, .none: break
        }
    }

    public func beginLargeObject(oid: UInt32) throws {
        guard dataMode == .blobs else { return }
        try sink.beginLargeObject(oid: oid)
    }

    public func endLargeObject(oid: UInt32) throws {
        guard dataMode == .blobs else { return }
        try sink.endLargeObject(oid: oid)
    }

    public func endData(_ entry: TOCEntry) throws {
        guard try finishData() else { return }
        try printPostamble(dataIndex)
        mainNext = dataIndex + 1
        try onEntryDone?(dataIndex)
    }

    /// The pg_restore emulated: the one asked for, else the archive's pg_dump version.
    public static func version(for header: ArchiveHeader?, options: Options) -> Version {
        if let v = options.pgRestoreVersion { return v }
        if let raw = header?.pgDumpVersion, let v = Version.parse(raw) { return v }
        return Version(major: 17, minor: 0)
    }

    // MARK: - Running entries elsewhere (parallel restore)

    /// Entries the main walk leaves to someone else (a parallel restore's workers): the walk
    /// skips them, and their data, if streamed, is passed over. nil: none.
    public var deferEntry: ((Int) -> Bool)?
    /// Called when the main walk has run entry `i` (with its data); an error it throws stops the walk.
    public var onEntryDone: ((Int) throws -> Void)?
    /// Called after the main pass, before the ACL and post-ACL passes (a parallel restore waits
    /// there for its workers).
    public var beforeLaterPasses: (() throws -> Void)?

    /// Run entry `i` completely, reading its data on demand: how a worker connection restores
    /// the entries deferred to it. The first call also sends the session prelude.
    public func runEntry(_ i: Int, data: EntryDataReader?, auditor: DumpVisitor? = nil) throws {
        try start()
        let beganCopy = try printPreamble(i)
        if plan.expectsData(i) {
            guard let data else {
                throw DumpError(.internalError, file: inputName, entry: entries[i].label, "internal: no data reader for a deferred data entry")
            }
            try startData(i)
            let forward = DataForwarder(self)
            try data.read(entries[i], into: auditor.map { TeeVisitor([$0, forward]) } ?? forward)
            _ = try finishData()
        } else if beganCopy {
            try sink.endCopy(entries[i])
        }
        try printPostamble(i)
    }

    /// Hands an on-demand read's data events to the emitter (its begin and end are runEntry's).
    private final class DataForwarder: DumpVisitor {
        unowned let emitter: SQLEmitter
        init(_ emitter: SQLEmitter) { self.emitter = emitter }
        func data(_ bytes: UnsafeRawBufferPointer) throws { try emitter.data(bytes) }
        func beginLargeObject(oid: UInt32) throws { try emitter.beginLargeObject(oid: oid) }
        func endLargeObject(oid: UInt32) throws { try emitter.endLargeObject(oid: oid) }
    }

    public func finish(totalBytes: Int64) throws {
        try start()
        try printMain(upTo: entries.count)
        try beforeLaterPasses?()
        for pass in [RestorePlan.Pass.acl, .postACL] {
            for i in entries.indices where plan.passes[i] == pass && !plan.parts[i].isEmpty {
                try printEntry(i)
            }
        }
        try sink.beginEntry(nil)
        try comment("--\n-- PostgreSQL database dump complete\n--\n\n")
        if let key = options.restrictKey, version.restrictsMetaCommands {
            try comment("\\unrestrict \(key)\n\n")
        }
    }

    // MARK: - Setup and prelude

    private func start() throws {
        guard !started else { return }
        started = true
        entries = given ?? collected
        collected = []
        version = Self.version(for: archiveHeader, options: options)
        keywords = version.keywords
        if version.restrictsMetaCommands && options.restrictKey == nil { options.restrictKey = Self.randomRestrictKey() }

        for e in entries {
            switch e.desc {
            case "ENCODING":
                if let d = e.defn, let v = parseQuotedSetting(d) { encoding = Array(v.utf8) }
            case "STDSTRINGS":
                stdStrings = e.defn.map { $0.firstRange(of: Array("'on'".utf8)) != nil } ?? false
            case "SEARCHPATH":
                searchPath = e.defn ?? []
            default:
                break
            }
        }
        (sink as? ScriptSink)?.standardConformingStrings = stdStrings
        plan = RestorePlan(entries: entries, version: version, selection: options.selection)

        try sink.beginEntry(nil)
        var banner = "--\n-- PostgreSQL database dump\n--\n\n"
        if let key = options.restrictKey, version.restrictsMetaCommands { banner += "\\restrict \(key)\n\n" }
        var head = Array(banner.utf8)
        if let v = archiveHeader?.serverVersion { head += Array("-- Dumped from database version ".utf8) + v + [0x0a] }
        if let v = archiveHeader?.pgDumpVersion { head += Array("-- Dumped by pg_dump version ".utf8) + v + [0x0a] }
        head.append(0x0a)
        try sink.scriptText(head)
        // _doSetFixedOutputState.
        var set = "SET statement_timeout = 0;\nSET lock_timeout = 0;\nSET idle_in_transaction_session_timeout = 0;\n"
        if version.setsTransactionTimeout
            && VersionBridge.serverKnows(setting: "transaction_timeout", major: options.targetServerMajor ?? 99) {
            set += "SET transaction_timeout = 0;\n"
        }
        var q = Array(set.utf8) + Array("SET client_encoding = '".utf8) + encoding + Array("';\n".utf8)
        q += Array("SET standard_conforming_strings = \(stdStrings ? "on" : "off");\n".utf8)
        if let sp = searchPath { q += sp }
        q += Array("SET check_function_bodies = false;\nSET xmloption = content;\nSET client_min_messages = warning;\n".utf8)
        if !stdStrings && version.setsEscapeStringWarning { q += Array("SET escape_string_warning = off;\n".utf8) }
        q += Array("SET row_security = off;\n".utf8)
        try sink.command(q)
        try comment("\n")
    }

    private func isBlobs(_ e: TOCEntry) -> Bool { e.desc == "BLOBS" || e.desc == "BLOB COMMENTS" }


    // MARK: - Entries

    /// Print the main pass up to (not including) entry `limit`.
    private func printMain(upTo limit: Int) throws {
        while mainNext < limit {
            let i = mainNext
            if plan.passes[i] == .main && !plan.parts[i].isEmpty && deferEntry?(i) != true {
                if plan.expectsData(i) {
                    throw DumpError(.truncated, file: inputName, entry: entries[i].label, "the archive holds no data for this entry where the TOC says it has some")
                }
                try printEntry(i)
                try onEntryDone?(i)
            }
            mainNext += 1
        }
    }

    /// restore_toc_entry for an entry whose data (if any) is not streamed.
    private func printEntry(_ i: Int) throws {
        if try printPreamble(i) { try sink.endCopy(entries[i]) }
        try printPostamble(i)
    }

    /// The schema part, and the data part up to where the data itself goes. True when it
    /// started a COPY (the data, if any, follows).
    @discardableResult
    private func printPreamble(_ i: Int) throws -> Bool {
        let e = entries[i]
        let r = plan.parts[i]
        try sink.beginEntry(e)
        if r.contains(.schema) { try printTocEntry(e, prefix: "") }
        if r.contains(.data) {
            if e.hadDumper {
                try printTocEntry(e, prefix: "Data for ")
                if isBlobs(e) {
                    try selectOutputSchema(Array("pg_catalog".utf8))
                } else {
                    try selectOutputSchema(e.namespace)
                    if let copy = e.copyStmt, !copy.isEmpty {
                        try sink.beginCopy(copy, entry: e)
                        return true
                    }
                }
            } else if !r.contains(.schema) {
                try printTocEntry(e, prefix: "")
            }
        }
        return false
    }

    private func printPostamble(_ i: Int) throws {
        if plan.parts[i].contains(.stats) { try printTocEntry(entries[i], prefix: "Statistics for ") }
    }

    /// _printTocEntry.
    private func printTocEntry(_ e: TOCEntry, prefix: String) throws {
        let partitioned = version.altersPartitionedTableAccessMethod && e.relkind == 0x70   // 'p'
        try selectOutputSchema(e.namespace)
        try selectTablespace(e.tablespace)
        if version.setsWithOids && e.desc == "TABLE" {
            let withOids = e.withOids == Array("true".utf8)
            if currWithOids != withOids {
                try sink.command(Array("SET default_with_oids = \(withOids ? "true" : "false");\n\n".utf8))
                currWithOids = withOids
            }
        }
        if version.setsTableAccessMethod && !partitioned { try selectTableAccessMethod(e.tableam) }

        var h: [UInt8] = Array("--\n-- \(prefix)Name: ".utf8)
        h += sanitized(e.tag, hyphen: false)
        h += Array("; Type: \(e.desc); Schema: ".utf8)
        h += sanitized(e.namespace, hyphen: true)
        h += Array("; Owner: ".utf8)
        h += sanitized(e.owner, hyphen: true)
        if let ts = e.tablespace, !ts.isEmpty {
            h += Array("; Tablespace: ".utf8)
            h += sanitized(ts, hyphen: false)
        }
        h += Array("\n--\n\n".utf8)
        try sink.scriptText(h)

        let defn = e.defn ?? []
        if version.expandsBlobMetadata && e.desc == "BLOB METADATA" {
            try issueCommandPerBlob(e, Array("SELECT pg_catalog.lo_create('".utf8), Array("')".utf8))
        } else if version.expandsBlobMetadata && e.desc == "ACL" && (e.tag ?? []).starts(with: "LARGE OBJECTS".utf8) {
            try issueACLPerBlob(e)
        } else if !defn.isEmpty {
            try sink.command(defn + [0x0a, 0x0a])
        }

        if let owner = e.owner, !owner.isEmpty, let drop = e.dropStmt, !drop.isEmpty {
            if version.expandsBlobMetadata && e.desc == "BLOB METADATA" {
                try issueCommandPerBlob(e, Array("ALTER LARGE OBJECT ".utf8), Array(" OWNER TO ".utf8) + fmtId(owner))
            } else if let what = objectDescription(e) {
                try sink.command(Array("ALTER ".utf8) + what + Array(" OWNER TO ".utf8) + fmtId(owner) + Array(";\n\n".utf8))
            }
        }
        if partitioned, let am = e.tableam {
            var q = Array("ALTER TABLE ".utf8)
            if let ns = e.namespace, !ns.isEmpty { q += fmtId(ns) + [0x2e] }
            q += fmtId(e.tag ?? []) + Array(" SET ACCESS METHOD ".utf8) + fmtId(am) + Array(";\n\n".utf8)
            try sink.command(q)
        }
    }

    /// _getObjectDescription: what follows ALTER in `ALTER … OWNER TO`; nil for types without an owner.
    private func objectDescription(_ e: TOCEntry) -> [UInt8]? {
        var type = e.desc
        if version.altersViewsAsTables && (type == "VIEW" || type == "SEQUENCE" || type == "MATERIALIZED VIEW") {
            type = "TABLE"
        }
        if ObjectTypes.ownedByName.contains(type) {
            var out = Array("\(type) ".utf8)
            if let ns = e.namespace, !ns.isEmpty { out += fmtId(ns) + [0x2e] }
            return out + fmtId(e.tag ?? [])
        }
        if type == "BLOB" { return Array("LARGE OBJECT ".utf8) + (e.tag ?? []) }
        if ObjectTypes.ownedBySignature.contains(type) {
            // The DROP statement without "DROP " and its trailing ';'/newlines.
            var d = Array((e.dropStmt ?? []).dropFirst(5))
            while let last = d.last, last == 0x0a || last == 0x3b { d.removeLast() }
            return d
        }
        // "Don't have separate owners" types, and types this pg_restore does not know
        // (≤ 15 warns, 16+ stops): no ALTER. (BLOB METADATA is expanded per OID by the caller.)
        return nil
    }

    /// IssueCommandPerBlob: one command per OID line of a BLOB METADATA defn, then a blank line.
    private func issueCommandPerBlob(_ e: TOCEntry, _ begin: [UInt8], _ end: [UInt8]) throws {
        let defn = e.defn ?? []
        var out: [UInt8] = []
        var start = 0
        for (i, b) in defn.enumerated() where b == 0x0a {
            out += begin
            out += defn[start..<i]
            out += end
            out += [0x3b, 0x0a]
            start = i + 1
        }
        out.append(0x0a)
        try sink.command(out)
    }

    /// IssueACLPerBlob: each command of a `LARGE OBJECTS a..b` ACL entry, replayed for every OID of
    /// the BLOB METADATA entry named by its first dependency.
    private func issueACLPerBlob(_ e: TOCEntry) throws {
        guard let dep = e.dependencies.first, let bi = plan.position[dep] else {
            throw DumpError(.malformed, file: inputName, entry: e.label, "could not find entry for ID \(e.dependencies.first ?? 0)")
        }
        let blob = entries[bi]
        let defn = e.defn ?? []
        let marker = Array("LARGE OBJECT ".utf8)
        var inQuotes = false
        var st = 0
        var en = 0
        var st2: Int?
        var firstEnd = 0
        while en < defn.count {
            let c = defn[en]
            if c == 0x22 { inQuotes.toggle() }
            if inQuotes { en += 1; continue }
            if defn[en...].starts(with: marker) {
                en += marker.count
                firstEnd = en
                en += 1
                while en < defn.count, defn[en] >= 0x30 && defn[en] <= 0x39 { en += 1 }
                st2 = en
            } else if c == 0x3b {
                // pg_restore asserts a second half exists; a release build prints "(null)" for it.
                let first = st2 != nil ? Array(defn[st..<firstEnd]) : Array(defn[st..<en])
                let second = st2.map { Array(defn[$0..<en]) } ?? Array("(null)".utf8)
                en += 1
                try issueCommandPerBlob(blob, first, second)
                while en < defn.count, [0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c].contains(defn[en]) { en += 1 }
                st = en
                st2 = nil
            } else {
                en += 1
            }
        }
    }

    // MARK: - Context SETs

    private func selectOutputSchema(_ schema: [UInt8]?) throws {
        if searchPath != nil { return }
        guard let schema, !schema.isEmpty, schema != currSchema else { return }
        var q = Array("SET search_path = ".utf8) + fmtId(schema)
        if schema != Array("pg_catalog".utf8) { q += Array(", pg_catalog".utf8) }
        q += Array(";\n\n".utf8)
        try sink.command(q)
        currSchema = schema
    }

    private func selectTablespace(_ ts: [UInt8]?) throws {
        guard let ts, ts != currTablespace else { return }
        if ts.isEmpty {
            try sink.command(Array("SET default_tablespace = '';\n\n".utf8))
        } else {
            try sink.command(Array("SET default_tablespace = ".utf8) + fmtId(ts) + Array(";\n\n".utf8))
        }
        currTablespace = ts
    }

    private func selectTableAccessMethod(_ am: [UInt8]?) throws {
        guard let am, am != currTableAm else { return }
        try sink.command(Array("SET default_table_access_method = ".utf8) + fmtId(am) + Array(";\n\n".utf8))
        currTableAm = am
    }

    // MARK: - Helpers

    private func comment(_ s: String) throws { try sink.scriptText(Array(s.utf8)) }

    /// sanitize_line: CR and LF become spaces; NULL is "-" (schema, owner) or "".
    private func sanitized(_ s: [UInt8]?, hyphen: Bool) -> [UInt8] {
        guard let s else { return hyphen ? [0x2d] : [] }
        return PlainScriptWriter.sanitizeLine(s)
    }

    /// fmtId with this pg_restore's keyword list.
    func fmtId(_ name: [UInt8]) -> [UInt8] {
        SQLEmitter.quoteIdentifier(name, keywords: keywords)
    }

    static func quoteIdentifier(_ name: [UInt8], keywords: Set<[UInt8]>) -> [UInt8] {
        Keywords.fmtId(name, keywords: keywords)
    }
}

/// The emitter writing a script (`init(output:…)`).
public typealias ScriptWriter = SQLEmitter

/// The keywords fmtId quotes (every category but UNRESERVED), per parser version
/// (src/include/parser/kwlist.h at each release branch), and fmtId itself.
public enum Keywords {
    /// pg_dump's fmtId (src/fe_utils/string_utils.c): an identifier is left bare only when it
    /// starts with a–z or _, has only a–z, 0–9 and _, and is not in `keywords`; otherwise it is
    /// wrapped in double quotes with inner quotes doubled.
    public static func fmtId(_ name: [UInt8], keywords: Set<[UInt8]>) -> [UInt8] {
        var bare = !name.isEmpty
        if let first = name.first, !((first >= 0x61 && first <= 0x7a) || first == 0x5f) { bare = false }
        if bare {
            for b in name where !((b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b == 0x5f) {
                bare = false
                break
            }
        }
        if bare && keywords.contains(name) { bare = false }
        if bare { return name }
        var out: [UInt8] = [0x22]
        out.reserveCapacity(name.count + 2)
        for b in name {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
        return out
    }

    /// The newest list: a superset of every released version's, so quoting with it is valid
    /// SQL for any server.
    public static var latest: Set<[UInt8]> { v19 }

    /// 11 and 12.
    static let base: Set<[UInt8]> = Set("""
        all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both \
        case cast char character check coalesce collate collation column concurrently constraint create cross \
        current_catalog current_date current_role current_schema current_time current_timestamp current_user dec \
        decimal default deferrable desc distinct do else end except exists extract false fetch float for foreign \
        freeze from full grant greatest group grouping having ilike in initially inner inout int integer intersect \
        interval into is isnull join lateral leading least left like limit localtime localtimestamp national natural \
        nchar none not notnull null nullif numeric offset on only or order out outer overlaps overlay placing \
        position precision primary real references returning right row select session_user setof similar smallint \
        some substring symmetric table tablesample then time timestamp to trailing treat trim true union unique \
        user using values varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement \
        xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable
        """.split(separator: " ").map { Array($0.utf8) })
    /// 13–15.
    static let v13 = base.union([Array("normalize".utf8)])
    /// 16.
    static let v16 = v13.union(["json_array", "json_arrayagg", "json_object", "json_objectagg", "system_user"].map { Array($0.utf8) })
    /// 17 and 18.
    static let v17 = v16.union(["json", "json_exists", "json_query", "json_scalar", "json_serialize", "json_table",
                                "json_value", "merge_action"].map { Array($0.utf8) })
    /// 19devel.
    static let v19 = v17.union([Array("graph_table".utf8)])
}
