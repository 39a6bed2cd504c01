/// What the catalogs of one live database say, as plain values: the input of the pure rules
/// (`AuditRules`) and the plan builder (`PlanBuilder`). `Catalog.snapshot` fills it from a server;
/// tests build it by hand.
///
/// Every name that generated SQL needs comes with the server's quoting: roles carry
/// `quote_ident`/`quote_literal` forms, objects carry `pg_identify_object`'s identity (quoted by
/// the server's `quote_identifier`). The rules never quote a name themselves.
public struct DatabaseSnapshot: Codable, Sendable {
    /// server_version_num, e.g. 150018.
    public var serverVersion: Int
    public var database: String
    public var databaseQuoted: String
    public var databaseOwner: String
    /// The database's ACL (`datacl`, or its default when NULL).
    public var databaseACL: [ACLItem]
    /// The connected role (`current_user`).
    public var currentUser: String
    /// The owner role R the model is judged against (it may not exist).
    public var owner: String
    /// Every role of the cluster, plus R and any role named on the command line (with
    /// `exists == false` when the server has no such role).
    public var roles: [RoleInfo]
    /// Every row of `pg_auth_members`.
    public var memberships: [Membership]
    /// Every object of the database that has an owner, extension members and implicit parts
    /// (array types, a table's row type, identity sequences) excepted. Schemas included.
    public var objects: [DBObject]
    /// Column-level grants (`attacl`).
    public var columnGrants: [ColumnGrant]
    /// `pg_default_acl` of this database.
    public var defaultACLs: [DefaultACL]
    /// The privileges an owner holds on a new object of each class (`acldefault(c, owner)`).
    public var fullPrivileges: [ObjectClass: [String]]
    /// Every schema of the database (system schemas too), name → `quote_ident(name)`.
    public var schemaNames: [String: String]

    public init(serverVersion: Int, database: String, databaseQuoted: String, databaseOwner: String,
                databaseACL: [ACLItem] = [], currentUser: String, owner: String, roles: [RoleInfo],
                memberships: [Membership] = [], objects: [DBObject] = [], columnGrants: [ColumnGrant] = [],
                defaultACLs: [DefaultACL] = [], fullPrivileges: [ObjectClass: [String]] = ObjectClass.postgres15Privileges,
                schemaNames: [String: String] = [:]) {
        self.serverVersion = serverVersion
        self.database = database
        self.databaseQuoted = databaseQuoted
        self.databaseOwner = databaseOwner
        self.databaseACL = databaseACL
        self.currentUser = currentUser
        self.owner = owner
        self.roles = roles
        self.memberships = memberships
        self.objects = objects
        self.columnGrants = columnGrants
        self.defaultACLs = defaultACLs
        self.fullPrivileges = fullPrivileges
        self.schemaNames = schemaNames
    }

    /// A schema name as the server quotes it.
    public func quotedSchema(_ name: String) -> String {
        if let q = schemaNames[name] { return q }
        if let o = objects.first(where: { $0.kind == .schema && $0.name == name }) { return o.identity }
        return "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// The role of that name, when the server has it.
    public func role(_ name: String) -> RoleInfo? {
        roles.first { $0.name == name && $0.exists }
    }

    /// A role name as the server quotes it. Every role the rules write comes from the catalog
    /// (`quote_ident`); the fallback mirrors PQescapeIdentifier (always quoted, `"` doubled) and is
    /// only reached by a snapshot built without that name.
    public func quoted(_ name: String) -> String {
        if let r = roles.first(where: { $0.name == name }) { return r.quoted }
        return "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// A role name as a string literal (`quote_literal`), for DO blocks.
    public func literal(_ name: String) -> String {
        if let r = roles.first(where: { $0.name == name }) { return r.literal }
        let escaped = name.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''")
        return name.contains("\\")
            ? "E'" + escaped.split(separator: "\\", omittingEmptySubsequences: false).joined(separator: "\\\\") + "'"
            : "'" + escaped + "'"
    }

    public var ownerRole: RoleInfo? { role(owner) }

    /// Logins (LOGIN roles that exist), by name.
    public func isLogin(_ name: String) -> Bool { role(name)?.canLogin ?? false }

    /// Predefined roles (`pg_*`) and `PUBLIC` are never judged as grantees.
    static func isPredefined(_ name: String) -> Bool { name.hasPrefix("pg_") }

    /// The NOLOGIN roles `member` is a direct member of, sorted.
    public func groups(of member: String) -> [String] {
        memberships.filter { $0.member == member }.map(\.role)
            .filter { role($0).map { !$0.canLogin } ?? false }.sorted()
    }
}

/// One role, with what the model asks about it.
public struct RoleInfo: Codable, Sendable, Equatable {
    public var name: String
    /// `quote_ident(name)` by the server.
    public var quoted: String
    /// `quote_literal(name)` by the server.
    public var literal: String
    public var exists: Bool
    public var canLogin: Bool
    public var isSuperuser: Bool
    /// `rolinherit`: on PostgreSQL 15 and before, whether every membership of this role inherits.
    public var inherit: Bool
    public var createRole: Bool
    public var createDB: Bool
    /// `ALTER ROLE … SET role` in effect in this database (the per-database setting wins).
    public var defaultRole: String?
    /// `pg_has_role(role, R, 'USAGE')`: it uses R's privileges without SET ROLE.
    public var hasPrivilegesOfOwner: Bool
    /// `pg_has_role(role, R, 'SET')` on 16+, `'MEMBER'` before: it may SET ROLE to R.
    public var canSetRoleToOwner: Bool
    /// Schemas of this database it may create objects in as itself (`has_schema_privilege … CREATE`),
    /// filled for non-superuser logins.
    public var creatableSchemas: [String]
    /// CREATE on this database (new schemas), filled for non-superuser logins.
    public var canCreateSchemas: Bool
    /// `pg_has_role(current_user, role, 'USAGE')`: the connected role acts with its privileges
    /// (REASSIGN OWNED and ALTER DEFAULT PRIVILEGES FOR ROLE need that).
    public var adminHasPrivileges: Bool
    /// Sessions of this role connected anywhere (`pg_stat_activity`).
    public var sessions: Int
    /// Other databases this role owns.
    public var ownedDatabases: [String]
    /// What `DROP ROLE` would trip over in other databases (from `pg_shdepend`).
    public var elsewhere: [Footprint]

    public init(name: String, quoted: String, literal: String, exists: Bool = true, canLogin: Bool = false,
                isSuperuser: Bool = false, inherit: Bool = true, createRole: Bool = false, createDB: Bool = false,
                defaultRole: String? = nil, hasPrivilegesOfOwner: Bool = false, canSetRoleToOwner: Bool = false,
                creatableSchemas: [String] = [], canCreateSchemas: Bool = false, adminHasPrivileges: Bool = true,
                sessions: Int = 0, ownedDatabases: [String] = [], elsewhere: [Footprint] = []) {
        self.name = name
        self.quoted = quoted
        self.literal = literal
        self.exists = exists
        self.canLogin = canLogin
        self.isSuperuser = isSuperuser
        self.inherit = inherit
        self.createRole = createRole
        self.createDB = createDB
        self.defaultRole = defaultRole
        self.hasPrivilegesOfOwner = hasPrivilegesOfOwner
        self.canSetRoleToOwner = canSetRoleToOwner
        self.creatableSchemas = creatableSchemas
        self.canCreateSchemas = canCreateSchemas
        self.adminHasPrivileges = adminHasPrivileges
        self.sessions = sessions
        self.ownedDatabases = ownedDatabases
        self.elsewhere = elsewhere
    }
}

/// Objects a role owns and privileges it holds in another database.
public struct Footprint: Codable, Sendable, Equatable {
    public var database: String
    public var owned: Int
    public var privileges: Int
    public init(database: String, owned: Int, privileges: Int) {
        self.database = database
        self.owned = owned
        self.privileges = privileges
    }
}

/// One `pg_auth_members` row: `member` is a member of `role`.
public struct Membership: Codable, Sendable, Equatable {
    public var role: String
    public var member: String
    public var admin: Bool
    /// 16+: `inherit_option`; before: the member's `rolinherit`.
    public var inherit: Bool
    /// 16+: `set_option`; before: always true.
    public var set: Bool
    public init(role: String, member: String, admin: Bool = false, inherit: Bool = true, set: Bool = true) {
        self.role = role
        self.member = member
        self.admin = admin
        self.inherit = inherit
        self.set = set
    }
}

/// One privilege of one grantee (`aclexplode`).
public struct ACLItem: Codable, Sendable, Hashable {
    /// nil is PUBLIC.
    public var grantee: String?
    public var privilege: String
    public var grantable: Bool
    public var grantor: String
    public init(grantee: String?, privilege: String, grantable: Bool = false, grantor: String) {
        self.grantee = grantee
        self.privilege = privilege
        self.grantable = grantable
        self.grantor = grantor
    }
}

/// The classes `ALTER DEFAULT PRIVILEGES` knows.
public enum ObjectClass: String, Codable, Sendable, CaseIterable, Comparable, CodingKeyRepresentable {
    case tables, sequences, functions, types, schemas

    /// `pg_default_acl.defaclobjtype`.
    public var defaclCode: String {
        switch self {
        case .tables: return "r"
        case .sequences: return "S"
        case .functions: return "f"
        case .types: return "T"
        case .schemas: return "n"
        }
    }

    /// The first argument of `acldefault()`.
    public var acldefaultCode: String {
        switch self {
        case .tables: return "r"
        case .sequences: return "s"
        case .functions: return "f"
        case .types: return "T"
        case .schemas: return "n"
        }
    }

    /// The keyword of `ALTER DEFAULT PRIVILEGES … ON TABLES`.
    public var keyword: String { rawValue.uppercased() }

    public init?(defaclCode: String) {
        guard let c = ObjectClass.allCases.first(where: { $0.defaclCode == defaclCode }) else { return nil }
        self = c
    }

    public static func < (a: ObjectClass, b: ObjectClass) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }

    /// What `acldefault(c, owner)` gives the owner on PostgreSQL 15 (tests; the catalog asks the server).
    public static let postgres15Privileges: [ObjectClass: [String]] = [
        .tables: ["INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"],
        .sequences: ["SELECT", "UPDATE", "USAGE"],
        .functions: ["EXECUTE"],
        .types: ["USAGE"],
        .schemas: ["USAGE", "CREATE"],
    ]

    /// What PUBLIC gets on a new object when no default privileges say otherwise (`acldefault`).
    public var publicByDefault: [String] {
        switch self {
        case .functions: return ["EXECUTE"]
        case .types: return ["USAGE"]
        default: return []
        }
    }
}

/// The kinds of objects the audit covers, with the words `ALTER … OWNER TO` and `GRANT … ON` use.
public enum ObjectKind: String, Codable, Sendable, CaseIterable {
    case schema, table
    case partitionedTable = "partitioned table"
    case partition, view
    case materializedView = "materialized view"
    case sequence
    case foreignTable = "foreign table"
    case function, procedure, aggregate, type, domain, collation, conversion, `operator`
    case operatorClass = "operator class"
    case operatorFamily = "operator family"
    case textSearchDictionary = "text search dictionary"
    case textSearchConfiguration = "text search configuration"
    case foreignDataWrapper = "foreign-data wrapper"
    case server, publication, subscription
    case eventTrigger = "event trigger"
    case largeObject = "large object"
    case statisticsObject = "statistics object"

    /// `ALTER <this> identity OWNER TO …`.
    public var alterKeyword: String {
        switch self {
        case .schema: return "SCHEMA"
        case .table, .partitionedTable, .partition: return "TABLE"
        case .view: return "VIEW"
        case .materializedView: return "MATERIALIZED VIEW"
        case .sequence: return "SEQUENCE"
        case .foreignTable: return "FOREIGN TABLE"
        case .function: return "FUNCTION"
        case .procedure: return "PROCEDURE"
        case .aggregate: return "AGGREGATE"
        case .type: return "TYPE"
        case .domain: return "DOMAIN"
        case .collation: return "COLLATION"
        case .conversion: return "CONVERSION"
        case .operator: return "OPERATOR"
        case .operatorClass: return "OPERATOR CLASS"
        case .operatorFamily: return "OPERATOR FAMILY"
        case .textSearchDictionary: return "TEXT SEARCH DICTIONARY"
        case .textSearchConfiguration: return "TEXT SEARCH CONFIGURATION"
        case .foreignDataWrapper: return "FOREIGN DATA WRAPPER"
        case .server: return "SERVER"
        case .publication: return "PUBLICATION"
        case .subscription: return "SUBSCRIPTION"
        case .eventTrigger: return "EVENT TRIGGER"
        case .largeObject: return "LARGE OBJECT"
        case .statisticsObject: return "STATISTICS"
        }
    }

    /// `GRANT … ON <this> identity`, for kinds that have privileges.
    public var grantKeyword: String? {
        switch self {
        case .schema: return "SCHEMA"
        case .table, .partitionedTable, .partition, .view, .materializedView, .foreignTable: return "TABLE"
        case .sequence: return "SEQUENCE"
        case .function, .aggregate: return "FUNCTION"
        case .procedure: return "PROCEDURE"
        case .type: return "TYPE"
        case .domain: return "DOMAIN"
        case .foreignDataWrapper: return "FOREIGN DATA WRAPPER"
        case .server: return "FOREIGN SERVER"
        case .largeObject: return "LARGE OBJECT"
        default: return nil
        }
    }

    /// The default-privileges class new objects of this kind take their grants from.
    public var defaultClass: ObjectClass? {
        switch self {
        case .schema: return .schemas
        case .table, .partitionedTable, .partition, .view, .materializedView, .foreignTable: return .tables
        case .sequence: return .sequences
        case .function, .procedure, .aggregate: return .functions
        case .type, .domain: return .types
        default: return nil
        }
    }

    /// PostgreSQL lets only a superuser own these: event triggers, foreign-data wrappers, and
    /// before 16 subscriptions.
    public func superuserOnly(serverVersion: Int) -> Bool {
        self == .eventTrigger || self == .foreignDataWrapper || (self == .subscription && serverVersion < 160000)
    }
}

/// One object and its owner.
public struct DBObject: Codable, Sendable, Equatable {
    public var kind: ObjectKind
    /// `pg_identify_object(…).identity`: schema-qualified and quoted by the server
    /// (`public."Weird Name"`, `public.f(integer)`, `public.ops USING btree`, a large object's OID).
    public var identity: String
    /// The schema it lives in (nil for schemas themselves and global objects).
    public var schema: String?
    /// For a schema, its name (unquoted).
    public var name: String?
    public var owner: String
    public var securityDefiner: Bool
    /// Its privileges (the default ones when the ACL is NULL); nil for kinds without privileges.
    public var acl: [ACLItem]?
    public init(kind: ObjectKind, identity: String, schema: String?, name: String? = nil, owner: String,
                securityDefiner: Bool = false, acl: [ACLItem]? = nil) {
        self.kind = kind
        self.identity = identity
        self.schema = schema
        self.name = name
        self.owner = owner
        self.securityDefiner = securityDefiner
        self.acl = acl
    }

    public var label: String { "\(kind.rawValue) \(identity)" }
}

/// A privilege on one column.
public struct ColumnGrant: Codable, Sendable, Equatable {
    public var table: String
    public var tableOwner: String
    /// The column name as the server quotes it.
    public var column: String
    public var item: ACLItem
    public init(table: String, tableOwner: String, column: String, item: ACLItem) {
        self.table = table
        self.tableOwner = tableOwner
        self.column = column
        self.item = item
    }
}

/// One `pg_default_acl` row: what objects `role` creates (in `schema`, or anywhere) will grant.
public struct DefaultACL: Codable, Sendable, Equatable {
    public var role: String
    /// nil: every schema (a global entry, which replaces the built-in defaults).
    public var schema: String?
    public var objectClass: ObjectClass
    public var items: [ACLItem]
    public init(role: String, schema: String?, objectClass: ObjectClass, items: [ACLItem]) {
        self.role = role
        self.schema = schema
        self.objectClass = objectClass
        self.items = items
    }
}
