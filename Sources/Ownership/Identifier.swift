import DumpFormat

/// PostgreSQL identifier quoting, as pg_dump's fmtId does it (src/fe_utils/string_utils.c):
/// left bare only when it starts with a–z or _, has only a–z, 0–9 and _, and is not a keyword
/// other than an unreserved one; otherwise wrapped in double quotes with inner quotes doubled.
public enum Identifier {
    /// Every keyword that is not UNRESERVED (src/include/parser/kwlist.h, PostgreSQL 19devel; a
    /// superset of 12–18's, and quoting one more keyword than needed is always valid SQL).
    static let quotedKeywords: Set<[UInt8]> = Set([
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", 
        "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character", 
        "check", "coalesce", "collate", "collation", "column", "concurrently", "constraint", "create", 
        "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time", 
        "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc", "distinct", 
        "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float", "for", "foreign", 
        "freeze", "from", "full", "grant", "graph_table", "greatest", "group", "grouping", "having", 
        "ilike", "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into", 
        "is", "isnull", "join", "json", "json_array", "json_arrayagg", "json_exists", "json_object", 
        "json_objectagg", "json_query", "json_scalar", "json_serialize", "json_table", "json_value", 
        "lateral", "leading", "least", "left", "like", "limit", "localtime", "localtimestamp", 
        "merge_action", "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null", 
        "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", 
        "placing", "position", "precision", "primary", "real", "references", "returning", "right", "row", 
        "select", "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric", 
        "system_user", "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", 
        "trim", "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose", 
        "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", 
        "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable"
    ].map { Array($0.utf8) })

    public static func quote(_ name: [UInt8]) -> [UInt8] {
        var bare = !name.isEmpty
        if let first = name.first, !((first >= 0x61 && first <= 0x7a) || first == 0x5f) { bare = false }
        if bare {
            for b in name where !((b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b == 0x5f) {
                bare = false
                break
            }
        }
        if bare && quotedKeywords.contains(name) { bare = false }
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

    public static func quote(_ name: String) -> String {
        String(decoding: quote(Array(name.utf8)), as: UTF8.self)
    }
}
