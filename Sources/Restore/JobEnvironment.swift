/// The environment of the nightly job pgreown replaces (DB_HOST, DB_USER, DB_PASSWORD,
/// DB_DATABASE, DB_OWNER): flags win over it, and it wins over libpq's PG* variables.
public struct JobEnvironment: Sendable {
    public var host: String?
    public var user: String?
    public var password: String?
    public var database: String?
    public var owner: String?

    public init(_ env: [String: String]) {
        func value(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : $0 } }
        host = value("DB_HOST"); user = value("DB_USER"); password = value("DB_PASSWORD")
        database = value("DB_DATABASE"); owner = value("DB_OWNER")
    }

    /// libpq parameters for the connection (a conninfo given on the command line overrides them).
    public var connectionDefaults: [(String, String)] {
        [("host", host), ("user", user), ("password", password)].compactMap { k, v in v.map { (k, $0) } }
    }

    /// The owner role as the job derives it from the database name when DB_OWNER is not set:
    /// a trailing `_production` is stripped, then a leading `draft_` or `draft-`, and `-` becomes
    /// `_` (`draft-account-api_production` → `account_api`).
    public static func derivedOwner(database: String) -> String {
        var s = Substring(database)
        if s.hasSuffix("_production") { s = s.dropLast("_production".count) }
        if s.hasPrefix("draft_") || s.hasPrefix("draft-") { s = s.dropFirst("draft_".count) }
        return String(s).replacingAll("-", "_")
    }
}
