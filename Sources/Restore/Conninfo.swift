import CLibPQ

/// `conninfo` (a keyword/value string or a URI, as libpq parses it) with its database replaced:
/// a keyword/value string naming every parameter the original set, plus `dbname`. nil when libpq
/// cannot parse the original.
public func conninfo(_ conninfo: String, database: String) -> String? {
    var err: UnsafeMutablePointer<CChar>?
    guard let opts = PQconninfoParse(conninfo, &err) else {
        if let err { PQfreemem(err) }
        return nil
    }
    defer { PQconninfoFree(opts) }
    var parts: [String] = []
    var p = opts
    while let kw = p.pointee.keyword {
        let key = String(cString: kw)
        if key != "dbname", let v = p.pointee.val { parts.append("\(key)=\(conninfoValue(String(cString: v)))") }
        p += 1
    }
    parts.append("dbname=\(conninfoValue(database))")
    return parts.joined(separator: " ")
}

/// A conninfo value in single quotes, `\` and `'` escaped (libpq's rules).
func conninfoValue(_ v: String) -> String {
    "'" + v.replacingAll("\\", "\\\\").replacingAll("'", "\\'") + "'"
}
