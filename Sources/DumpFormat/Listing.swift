#if canImport(Glibc)
import Glibc
#endif

/// `pg_restore -l` output for an archive, as the pg_restore of the archive's version prints it
/// with default options (PrintTOCSummary / _tocEntryRequired in pg_backup_archiver.c).
public enum RestoreListing {
    /// Whether pg_restore -l (default options) prints this entry.
    public static func isListed(_ e: TOCEntry) -> Bool {
        switch e.desc {
        case "SET" where e.dumpId == 0:
            return false   // plain scripts: the prelude/trailer pseudo-entries
        case "ENCODING", "STDSTRINGS", "SEARCHPATH":
            return false   // REQ_SPECIAL
        case "DATABASE", "DATABASE PROPERTIES":
            return false   // only with --create
        case "ACL", "COMMENT", "SECURITY LABEL":
            return !(e.tag ?? []).starts(with: Array("DATABASE ".utf8))   // database-level: only with --create
        default:
            return true
        }
    }

    /// One entry line: `<dumpId>; <tableoid> <oid> <desc> <schema|-> <tag> <owner>`.
    public static func line(_ e: TOCEntry) -> [UInt8] {
        var out: [UInt8] = []
        out += Array("\(e.dumpId); \(cOid(e.tableoid)) \(cOid(e.oid)) \(e.desc) ".utf8)
        out += sanitize(e.namespace, hyphen: true)
        out.append(0x20)
        out += sanitize(e.tag, hyphen: false)
        out.append(0x20)
        out += sanitize(e.owner, hyphen: false)
        out.append(0x0a)
        return out
    }

    /// The whole listing: the header block and the entry lines.
    public static func render(_ toc: ArchiveTOC, format: DumpFormatKind) -> [UInt8] {
        let h = toc.header
        var out = Array(";\n; Archive created at \(createdAt(h))\n".utf8)
        out += Array(";     dbname: ".utf8) + sanitize(h.databaseName, hyphen: false) + [0x0a]
        out += Array(";     TOC Entries: \(toc.entries.count)\n".utf8)
        let compression: String
        if h.version < .v1_15, let level = h.compressionLevel {
            compression = String(level)      // pg_restore 12–15 print the level
        } else {
            compression = h.compression.rawValue
        }
        out += Array(";     Compression: \(compression)\n".utf8)
        out += Array(";     Dump Version: \(h.version.listSpelling)\n".utf8)
        let fmt = format == .custom ? "CUSTOM" : format == .directory ? "DIRECTORY" : "TAR"
        out += Array(";     Format: \(fmt)\n;     Integer: \(h.intSize) bytes\n;     Offset: \(h.offSize) bytes\n".utf8)
        if let s = h.serverVersion { out += Array(";     Dumped from database version: ".utf8) + s + [0x0a] }
        if let s = h.pgDumpVersion { out += Array(";     Dumped by pg_dump version: ".utf8) + s + [0x0a] }
        out += Array(";\n;\n; Selected TOC Entries:\n;\n".utf8)
        for e in toc.entries where isListed(e) { out += line(e) }
        return out
    }

    /// Entry lines for plain-script pseudo-entries (same shape; tableoid/oid unknown → 0).
    public static func plainLines(_ entries: [TOCEntry]) -> [UInt8] {
        var out: [UInt8] = []
        for e in entries where isListed(e) { out += line(e) }
        return out
    }

    /// sscanf("%u") of a decimal string: leading digits, else 0.
    static func cOid(_ s: [UInt8]?) -> UInt32 {
        guard let s else { return 0 }
        var v: UInt64 = 0
        for b in s {
            guard b >= 0x30 && b <= 0x39 else { break }
            v = v * 10 + UInt64(b - 0x30)
            if v > UInt64(UInt32.max) { return UInt32.max }
        }
        return UInt32(v)
    }

    static func sanitize(_ s: [UInt8]?, hyphen: Bool) -> [UInt8] {
        guard let s else { return hyphen ? [0x2d] : [] }
        return s.map { $0 == 0x0a || $0 == 0x0d ? 0x20 : $0 }
    }

    /// The creation time as pg_restore prints it (%Y-%m-%d %H:%M:%S %Z, local time zone).
    public static func createdAt(_ h: ArchiveHeader) -> String {
        guard h.createdAt.count == 7 else { return "[unknown]" }
        var t = tm()
        t.tm_sec = Int32(clamping: h.createdAt[0]); t.tm_min = Int32(clamping: h.createdAt[1])
        t.tm_hour = Int32(clamping: h.createdAt[2]); t.tm_mday = Int32(clamping: h.createdAt[3])
        t.tm_mon = Int32(clamping: h.createdAt[4]); t.tm_year = Int32(clamping: h.createdAt[5])
        t.tm_isdst = Int32(clamping: h.createdAt[6])
        var secs = mktime(&t)
        if secs == -1 { t.tm_isdst = -1; secs = mktime(&t) }
        guard secs != -1 else { return "[unknown]" }
        var local = tm()
        localtime_r(&secs, &local)
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, 64, "%Y-%m-%d %H:%M:%S %Z", &local)
        return n == 0 ? "[unknown]" : String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
