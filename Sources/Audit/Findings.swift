/// One deviation from the owner-role model, with the objects it concerns and the SQL that fixes it.
public struct Finding: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case ownerRoleMissing = "owner-role-missing"
        case ownerRoleCanLogin = "owner-role-can-login"
        case ownerRoleIsSuperuser = "owner-role-is-superuser"
        case databaseOwner = "database-owner"
        case objectsOwnedByLogin = "objects-owned-by-login"
        case objectsOwnedByOtherRole = "objects-owned-by-other-role"
        case securityDefinerOwnedByLogin = "security-definer-owned-by-login"
        case loginHoldsDirectPrivileges = "login-holds-direct-privileges"
        case loginCreatesAsItself = "login-creates-as-itself"
        case defaultPrivilegesNotCarried = "default-privileges-not-carried"
        case defaultPrivilegesMissing = "default-privileges-missing"
        case publicCreateOnSchema = "public-create-on-schema"
        case publicExecuteSecurityDefiner = "public-execute-security-definer"
    }

    /// A failure breaks the model (the audit exits 1); a note is a weaker spot in a correct model
    /// (a login that owns nothing but holds grants of its own: a second login for rotation needs
    /// them too) and is printed without failing the audit.
    public enum Severity: String, Codable, Sendable { case failure, note }

    public var kind: Kind
    public var severity: Severity
    /// The role the finding is about (an owner, a login), when there is one.
    public var role: String?
    /// One sentence.
    public var summary: String
    public var objects: [FindingObject]
    /// The SQL that fixes it (comment lines start with `--`).
    public var fix: [String]
    public var notes: [String]

    public init(kind: Kind, severity: Severity = .failure, role: String? = nil, summary: String, objects: [FindingObject] = [],
                fix: [String] = [], notes: [String] = []) {
        self.kind = kind
        self.severity = severity
        self.role = role
        self.summary = summary
        self.objects = objects
        self.fix = fix
        self.notes = notes
    }
}

/// An object a finding names.
public struct FindingObject: Codable, Sendable, Equatable {
    /// The object's kind ("table", "function", …), or "database", "role", "default privileges".
    public var type: String
    /// Its identity as the server quotes it (`public."Weird Name"`, `public.f(integer)`).
    public var identity: String
    public var owner: String?
    /// What about it, when the kind alone does not say.
    public var detail: String?
    public init(type: String, identity: String, owner: String? = nil, detail: String? = nil) {
        self.type = type
        self.identity = identity
        self.owner = owner
        self.detail = detail
    }
}

/// The audit of one database: what the model looks like there, and the findings.
public struct AuditReport: Codable, Sendable {
    public struct OwnerRole: Codable, Sendable {
        public var name: String
        public var exists: Bool
        public var canLogin: Bool
        public var isSuperuser: Bool
    }

    /// A role that can become R.
    public struct Member: Codable, Sendable {
        public var role: String
        public var login: Bool
        /// A direct member (a `pg_auth_members` row), or through another role.
        public var direct: Bool
        /// Uses R's privileges without SET ROLE.
        public var inherit: Bool
        /// May SET ROLE to R.
        public var set: Bool
        public var admin: Bool
        /// `ALTER ROLE … SET role R` is in effect: what it creates is owned by R.
        public var switchesToOwner: Bool
        /// Its default role when that is another role.
        public var defaultRole: String?
    }

    /// What new objects a creating role makes will grant.
    public struct CreatorDefaults: Codable, Sendable {
        public struct Line: Codable, Sendable {
            public var objectClass: ObjectClass
            /// nil: every schema.
            public var schema: String?
            /// "grantee: PRIV, PRIV" per grantee; PUBLIC for PUBLIC.
            public var grants: [String]
        }
        public var role: String
        public var isOwnerRole: Bool
        public var lines: [Line]
    }

    public var database: String
    public var databaseOwner: String
    public var serverVersion: Int
    public var owner: OwnerRole
    public var members: [Member]
    public var defaultPrivileges: [CreatorDefaults]
    /// Objects judged (schemas included; extension members and implicit objects are not).
    public var objectsChecked: Int
    public var findings: [Finding]
    /// No failure (notes may remain): the database follows the model.
    public var clean: Bool { failures.isEmpty }
    public var failures: [Finding] { findings.filter { $0.severity == .failure } }
    public var notes: [Finding] { findings.filter { $0.severity == .note } }

    enum CodingKeys: String, CodingKey {
        case database, databaseOwner, serverVersion, owner, members, defaultPrivileges, objectsChecked, findings, clean
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(database, forKey: .database)
        try c.encode(databaseOwner, forKey: .databaseOwner)
        try c.encode(serverVersion, forKey: .serverVersion)
        try c.encode(owner, forKey: .owner)
        try c.encode(members, forKey: .members)
        try c.encode(defaultPrivileges, forKey: .defaultPrivileges)
        try c.encode(objectsChecked, forKey: .objectsChecked)
        try c.encode(findings, forKey: .findings)
        try c.encode(clean, forKey: .clean)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        database = try c.decode(String.self, forKey: .database)
        databaseOwner = try c.decode(String.self, forKey: .databaseOwner)
        serverVersion = try c.decode(Int.self, forKey: .serverVersion)
        owner = try c.decode(OwnerRole.self, forKey: .owner)
        members = try c.decode([Member].self, forKey: .members)
        defaultPrivileges = try c.decode([CreatorDefaults].self, forKey: .defaultPrivileges)
        objectsChecked = try c.decode(Int.self, forKey: .objectsChecked)
        findings = try c.decode([Finding].self, forKey: .findings)
    }

    init(database: String, databaseOwner: String, serverVersion: Int, owner: OwnerRole, members: [Member],
         defaultPrivileges: [CreatorDefaults], objectsChecked: Int, findings: [Finding]) {
        self.database = database
        self.databaseOwner = databaseOwner
        self.serverVersion = serverVersion
        self.owner = owner
        self.members = members
        self.defaultPrivileges = defaultPrivileges
        self.objectsChecked = objectsChecked
        self.findings = findings
    }

    /// The findings of one kind.
    public func findings(_ kind: Finding.Kind) -> [Finding] { findings.filter { $0.kind == kind } }
}
