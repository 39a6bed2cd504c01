import DumpFormat

/// PostgreSQL identifier quoting, as pg_dump's fmtId does it, with the newest keyword list
/// (quoting one keyword more than an older server needs is always valid SQL).
public enum Identifier {
    public static func quote(_ name: [UInt8]) -> [UInt8] {
        Keywords.fmtId(name, keywords: Keywords.latest)
    }

    public static func quote(_ name: String) -> String {
        String(decoding: quote(Array(name.utf8)), as: UTF8.self)
    }
}
