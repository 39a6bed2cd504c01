import Foundation
import Restore
import Testing

// Acceptance: what `pgreown rewrite` writes, stock tools of the same major restore with zero
// errors, as a login that is not a superuser, and the restored database is owned by the target
// role with the source's privileges (role map applied).
//
// For every archive fixture of every pg_dump version (Tests/Fixtures/pg<V>/, files with a .list
// sibling), databases `app` and `superuser_objects`:
//   1. pgreown rewrite F --owner dest_owner -o T
//   2. CREATE DATABASE … OWNER dest_owner on a cluster of the SAME major as the fixture
//      (Clusters.swift); never across versions: a newer pg_restore emits SETs an older server
//      rejects.
//   3. restore T with that major's pg_restore --exit-on-error, as `restorer` (a member of
//      dest_owner only, and of grantor_role, see Clusters.swift) for `app`, as the superuser
//      for `superuser_objects` (event trigger, FDW, C function, untrusted language). Exit 0 and
//      nothing at all on stderr.
//   4. Restore the ORIGINAL fixture, as the superuser, into another fresh database: the source.
//   5. Catalogs: every object pg_dump gives an owner is owned by dest_owner (except what
//      PostgreSQL lets only a superuser own: see expectedOwner); the object sets of source and
//      target are equal; ACLs (objects, columns; compared per privilege with aclexplode, a NULL
//      ACL read as acldefault), default ACLs, policies and user mappings equal the source's with
//      the map {app_owner, account-api, Data Team} → dest_owner (those of them that own objects
//      in the dump) applied to the source side only; row counts and large objects equal the
//      fixture's.
//
// Plain SQL: when `rewrite --format plain` lands, add `.plain` to `RestoreAcceptanceTests.outputs`
// (and plain inputs to `inputs`): the loader becomes psql -v ON_ERROR_STOP=1 -f.

/// How a dump is loaded into a database.
enum Loader: Sendable {
    case pgRestore   // archive formats: pg_restore --exit-on-error -d DB FILE
    case psql        // SQL scripts: psql -v ON_ERROR_STOP=1 -f FILE

    /// Archives have a `pg_restore -l` listing beside them; anything else is an uncompressed
    /// SQL script (a `.plain.sql` fixture).
    static func forInput(_ path: String) -> Loader {
        FileManager.default.fileExists(atPath: path + ".list") ? .pgRestore : .psql
    }

    func load(_ path: String, on c: Cluster, db: String, user: String) throws -> RunResult {
        switch self {
        case .pgRestore:
            return try run(c.tool("pg_restore"), ["--exit-on-error"] + c.clientArgs(user: user, db: db) + [path],
                           env: Cluster.clientEnv, timeout: 180)
        case .psql:
            return try run(c.tool("psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1"] + c.clientArgs(user: user, db: db)
                           + ["-f", path], env: Cluster.clientEnv, timeout: 180)
        }
    }
}

/// The output format asked of `pgreown rewrite`.
enum RewriteOutput: String, Sendable {
    case custom, plain
    var args: [String] { self == .custom ? [] : ["--format", "plain"] }
    var fileName: String { self == .custom ? "rewritten.dump" : "rewritten.sql" }
    var loader: Loader { self == .custom ? .pgRestore : .psql }
}

struct AcceptanceCase: Sendable, CustomTestStringConvertible {
    /// Relative to Tests/Fixtures, e.g. "pg17/app.custom-lz4.dump".
    var fixture: String
    var output: RewriteOutput
    /// More `pgreown rewrite` options for this case.
    var extraArgs: [String] = []
    /// Why this case is expected to fail today (a pgreown bug); nil when it must pass.
    var knownIssue: String?

    var major: Int { Int(fixture.dropFirst(2).prefix { $0 != "/" }) ?? 0 }
    var database: String { String(fixture.split(separator: "/")[1].prefix { $0 != "." }) }
    var versionDir: String { String(fixture.prefix { $0 != "/" }) }
    /// superuser_objects holds what only a superuser can create: restored as postgres.
    var restoreUser: String { database == "superuser_objects" ? "postgres" : "restorer" }
    var testDescription: String {
        "\(fixture) → \(output.rawValue)\(extraArgs.isEmpty ? "" : " " + extraArgs.joined(separator: " "))"
    }
}

/// At most two cases restore at a time (a 2-core machine; each case is client + server work).
private let gate = AsyncGate(2)

@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"))
struct RestoreAcceptanceTests {
    static let databases = ["app", "superuser_objects"]
    /// Inputs: every archive fixture of those databases. (Plain inputs: add the .plain.sql files.)
    static let inputs: [String] = archiveFixtures.filter { f in
        databases.contains { f.split(separator: "/").last?.hasPrefix($0 + ".") == true }
    }
    /// Outputs of `pgreown rewrite` to restore: a custom archive (stock pg_restore) and a plain
    /// script (psql -v ON_ERROR_STOP=1).
    static let outputs: [RewriteOutput] = [.custom, .plain]

    /// The application roles that own objects in the fixtures. pgreown maps a role to --owner
    /// when it owns something in the dump at hand (`RoleMap`), so the map of a case is this
    /// set cut down to the owners found in its source database (superuser_objects: no
    /// "account-api", which is only a user-mapping user there and maps to itself).
    static let applicationOwners: Set<String> = ["app_owner", "account-api", "Data Team"]
    static let target = "dest_owner"

    static let cases: [AcceptanceCase] = inputs.flatMap { f -> [AcceptanceCase] in
        outputs.flatMap { out -> [AcceptanceCase] in
            if f.contains("/superuser_objects.") {
                return [
                    AcceptanceCase(fixture: f, output: out),
                    // The superuser's objects explicitly left to it: the same result.
                    AcceptanceCase(fixture: f, output: out, extraArgs: ["--keep-owner", "postgres"]),
                ]
            }
            return [AcceptanceCase(fixture: f, output: out)]
        }
    }

    @Test(arguments: cases)
    func restoresWithZeroErrorsOwnedByTheTarget(_ c: AcceptanceCase) async throws {
        await gate.acquire()
        defer { Task { await gate.release() } }
        let cluster = try await Clusters.shared.cluster(c.major)
        if let issue = c.knownIssue {
            withKnownIssue(Comment(rawValue: issue)) { try check(c, cluster) }
        } else {
            try check(c, cluster)
        }
    }

    /// Objects PostgreSQL insists a superuser owns: `ALTER FOREIGN DATA WRAPPER w OWNER TO
    /// dest_owner` fails with "permission denied to change owner of foreign-data wrapper "w" /
    /// HINT: The owner of a foreign-data wrapper must be a superuser", and the same for an event
    /// trigger. pgreown leaves those entries without an owner, so restored as postgres they
    /// belong to postgres (kinds as in `Snapshot.catalogs`).
    static func expectedOwner(_ key: ObjectKey) -> String {
        key.kind == "foreign-data wrapper" || key.kind == "event trigger" ? "postgres" : target
    }

    func check(_ c: AcceptanceCase, _ cluster: Cluster) throws {
        let fixture = Paths.fixture(c.fixture)
        let tmp = try TempDir()
        let rewritten = tmp.file(c.output.fileName)
        let rw = try run(Paths.binary, ["rewrite", fixture, "--owner", Self.target, "-o", rewritten]
                         + c.output.args + c.extraArgs, timeout: 120)
        try #require(rw.status == 0, "pgreown rewrite failed (\(rw.status)): \(rw.stderr)")

        // The target: rewritten dump, stock tool of the same major, as the restore login.
        let targetDB = try cluster.createDatabase(owner: Self.target, prefix: "acc_target")
        defer { cluster.dropDatabase(targetDB) }
        let restored = try c.output.loader.load(rewritten, on: cluster, db: targetDB, user: c.restoreUser)
        #expect(restored.status == 0, "restore of the rewritten \(c.fixture) as \(c.restoreUser) failed: \(restored.stderr)")
        #expect(restored.stderr.isEmpty, "restore printed: \(restored.stderr)")
        guard restored.status == 0 else { return }

        // The source: the original fixture, restored as the superuser with the same tool.
        let sourceDB = try cluster.createDatabase(prefix: "acc_source")
        defer { cluster.dropDatabase(sourceDB) }
        let source = try Loader.forInput(fixture).load(fixture, on: cluster, db: sourceDB, user: "postgres")
        try #require(source.status == 0 && source.stderr.isEmpty, "restore of the original \(c.fixture): \(source.stderr)")

        let src = try Snapshot(cluster.connect(db: sourceDB))
        let tgt = try Snapshot(cluster.connect(db: targetDB))
        let hasPublicSchemaEntry = try dumpHasPublicSchemaEntry(fixture)
        let skip: (ObjectKey) -> Bool = { $0 == ObjectKey("schema", "public") && !hasPublicSchemaEntry }

        // Ownership: the same objects on both sides, all owned by the target role.
        let srcObjects = Set(src.owners.keys.filter { !skip($0) })
        let tgtObjects = Set(tgt.owners.keys.filter { !skip($0) })
        #expect(tgtObjects == srcObjects, "missing: \(srcObjects.subtracting(tgtObjects).sorted()), extra: \(tgtObjects.subtracting(srcObjects).sorted())")
        // A floor against comparing two empty databases (app has 48 owned objects, superuser_objects 10).
        #expect(tgtObjects.count >= (c.database == "app" ? 40 : 8), "too few objects: \(tgtObjects.count)")
        for key in tgtObjects.sorted() {
            #expect(tgt.owners[key] == Self.expectedOwner(key), "\(key) is owned by \(tgt.owners[key] ?? "?")")
        }

        // Privileges: the source's with the map applied to the source side only.
        let owners = Self.applicationOwners.intersection(src.owners.values)
        let m: (String) -> String = { owners.contains($0) ? Self.target : $0 }
        let srcACL = src.acls.mapValues { AclItem.normalised($0.map { $0.mapped(m) }) }
        let tgtACL = tgt.acls.mapValues { AclItem.normalised($0) }
        for key in Set(srcACL.keys).union(tgtACL.keys).sorted() {
            #expect(tgtACL[key] ?? [] == srcACL[key] ?? [], "ACL of \(key)")
        }
        #expect(!srcACL.isEmpty)

        var srcDefault: [DefaultACLKey: [AclItem]] = [:]
        for (k, v) in src.defaultACLs {
            let key = DefaultACLKey(role: m(k.role), schema: k.schema, objtype: k.objtype)
            srcDefault[key, default: []] += v.map { $0.mapped(m) }
        }
        let tgtDefault = tgt.defaultACLs.mapValues { AclItem.normalised($0) }
        #expect(tgtDefault == srcDefault.mapValues { AclItem.normalised($0) }, "default ACLs")

        let srcPolicies = src.policies.mapValues { p in
            Policy(cmd: p.cmd, permissive: p.permissive, roles: Set(p.roles.map(m)), using: p.using, check: p.check)
        }
        #expect(tgt.policies == srcPolicies, "policies")

        let srcMappings = Set(src.userMappings.map { UserMapping(server: $0.server, user: m($0.user), options: $0.options) })
        #expect(Set(tgt.userMappings) == srcMappings, "user mappings")

        // Data: rows per table and large objects as the fixture records them.
        let conn = try cluster.connect(db: targetDB)
        for line in try lines(Paths.fixture("\(c.versionDir)/\(c.database).rows.tsv")) {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 3 else { continue }
            let q = "SELECT count(*) FROM \(try conn.quoteIdentifier(f[0])).\(try conn.quoteIdentifier(f[1]))"
            #expect(try conn.query(q)[0][0] == f[2], "rows of \(f[0]).\(f[1])")
        }
        let los = try conn.query("SELECT oid::text || E'\\t' || length(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid")
            .map { $0[0] ?? "" }
        #expect(los == (try lines(Paths.fixture("\(c.versionDir)/\(c.database).largeobjects.tsv"))), "large objects")
    }

    /// pg_dump 15+ writes a SCHEMA public entry only when public's owner was changed; without
    /// one, public keeps the owner the new database gives it (not the dump's business).
    func dumpHasPublicSchemaEntry(_ fixture: String) throws -> Bool {
        if FileManager.default.fileExists(atPath: fixture + ".list") {
            return try lines(fixture + ".list").contains { $0.contains(" SCHEMA - public ") }
        }
        return try lines(fixture).contains { $0.hasPrefix("-- Name: public; Type: SCHEMA;") }
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }
}

// MARK: - Catalog snapshots

struct ObjectKey: Hashable, Comparable, CustomStringConvertible, Sendable {
    var kind: String
    var name: String
    init(_ kind: String, _ name: String) { self.kind = kind; self.name = name }
    static func < (a: Self, b: Self) -> Bool { (a.kind, a.name) < (b.kind, b.name) }
    var description: String { "\(kind) \(name)" }
}

/// One privilege of an aclitem (aclexplode): grantee (PUBLIC for 0), grantor, privilege.
struct AclItem: Hashable, Comparable, CustomStringConvertible, Sendable {
    var grantee: String
    var grantor: String
    var privilege: String
    var grantable: Bool

    func mapped(_ m: (String) -> String) -> AclItem {
        AclItem(grantee: grantee == "PUBLIC" ? grantee : m(grantee), grantor: m(grantor), privilege: privilege, grantable: grantable)
    }

    /// Items that became equal after mapping merge as PostgreSQL merges them in one aclitem:
    /// the union of privileges, with grant option if either had it. Sorted.
    static func normalised(_ items: [AclItem]) -> [AclItem] {
        var best: [AclItem: Bool] = [:]
        for i in items {
            var k = i
            k.grantable = false
            best[k] = (best[k] ?? false) || i.grantable
        }
        return best.map { var k = $0.key; k.grantable = $0.value; return k }.sorted()
    }

    static func < (a: Self, b: Self) -> Bool {
        (a.grantee, a.grantor, a.privilege, a.grantable ? 1 : 0) < (b.grantee, b.grantor, b.privilege, b.grantable ? 1 : 0)
    }
    var description: String { "\(grantee)=\(privilege)\(grantable ? "*" : "")/\(grantor)" }
}

struct DefaultACLKey: Hashable, CustomStringConvertible, Sendable {
    var role: String
    var schema: String
    var objtype: String
    var description: String { "FOR ROLE \(role) IN SCHEMA \(schema.isEmpty ? "-" : schema) ON \(objtype)" }
}

struct Policy: Hashable, Sendable {
    var cmd: String
    var permissive: String
    var roles: Set<String>
    var using: String?
    var check: String?
}

struct UserMapping: Hashable, Sendable {
    var server: String
    var user: String
    var options: String?
}

/// Owners, ACLs, default ACLs, policies and user mappings of one database, read as a superuser.
struct Snapshot {
    var owners: [ObjectKey: String] = [:]
    var acls: [ObjectKey: [AclItem]] = [:]
    var defaultACLs: [DefaultACLKey: [AclItem]] = [:]
    var policies: [String: Policy] = [:]
    var userMappings: [UserMapping] = []

    /// Every kind of object pg_dump restores with ALTER … OWNER TO (`ObjectTypes.owned`, pg_backup_archiver.c `_getObjectDescription`),
    /// in user schemas, leaving out extension members. Relations of every relkind (indexes and
    /// TOAST follow their table; TOAST lives in pg_toast and is left out with it); types except
    /// array types and the row types of tables/views (those follow the relation).
    /// (kind, FROM … WHERE, identity, owner column, ACL column and acldefault() type)
    static let catalogs: [(kind: String, from: String, ident: String, owner: String, acl: (String, String)?)] = [
        ("schema", "pg_namespace x JOIN ns ON ns.oid = x.oid", "x.nspname", "x.nspowner", ("x.nspacl", "'n'")),
        ("relation", "pg_class x JOIN ns ON ns.oid = x.relnamespace", "ns.nspname || '.' || x.relname", "x.relowner",
         ("x.relacl", "CASE WHEN x.relkind = 'S' THEN 's' ELSE 'r' END")),
        ("function", "pg_proc x JOIN ns ON ns.oid = x.pronamespace",
         "ns.nspname || '.' || x.proname || '(' || pg_get_function_identity_arguments(x.oid) || ')'", "x.proowner",
         ("x.proacl", "'f'")),
        ("type", """
            pg_type x JOIN ns ON ns.oid = x.typnamespace
            WHERE NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = x.oid)
              AND (x.typrelid = 0 OR EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = x.typrelid AND r.relkind = 'c'))
            """, "ns.nspname || '.' || x.typname", "x.typowner", ("x.typacl", "'T'")),
        ("large object", "pg_largeobject_metadata x", "x.oid::text", "x.lomowner", ("x.lomacl", "'L'")),
        ("foreign-data wrapper", "pg_foreign_data_wrapper x", "x.fdwname", "x.fdwowner", ("x.fdwacl", "'F'")),
        ("foreign server", "pg_foreign_server x", "x.srvname", "x.srvowner", ("x.srvacl", "'S'")),
        ("language", "pg_language x WHERE x.lanispl", "x.lanname", "x.lanowner", ("x.lanacl", "'l'")),
        ("event trigger", "pg_event_trigger x", "x.evtname", "x.evtowner", nil),
        ("publication", "pg_publication x", "x.pubname", "x.pubowner", nil),
        ("collation", "pg_collation x JOIN ns ON ns.oid = x.collnamespace", "ns.nspname || '.' || x.collname", "x.collowner", nil),
        ("text search configuration", "pg_ts_config x JOIN ns ON ns.oid = x.cfgnamespace", "ns.nspname || '.' || x.cfgname", "x.cfgowner", nil),
        ("text search dictionary", "pg_ts_dict x JOIN ns ON ns.oid = x.dictnamespace", "ns.nspname || '.' || x.dictname", "x.dictowner", nil),
        ("operator class", "pg_opclass x JOIN ns ON ns.oid = x.opcnamespace",
         "ns.nspname || '.' || x.opcname || ' USING ' || (SELECT amname FROM pg_am WHERE oid = x.opcmethod)", "x.opcowner", nil),
        ("operator family", "pg_opfamily x JOIN ns ON ns.oid = x.opfnamespace",
         "ns.nspname || '.' || x.opfname || ' USING ' || (SELECT amname FROM pg_am WHERE oid = x.opfmethod)", "x.opfowner", nil),
        ("operator", "pg_operator x JOIN ns ON ns.oid = x.oprnamespace",
         "ns.nspname || '.' || x.oprname || '(' || format_type(x.oprleft, NULL) || ',' || format_type(x.oprright, NULL) || ')'",
         "x.oprowner", nil),
        ("conversion", "pg_conversion x JOIN ns ON ns.oid = x.connamespace", "ns.nspname || '.' || x.conname", "x.conowner", nil),
        ("statistics", "pg_statistic_ext x JOIN ns ON ns.oid = x.stxnamespace", "ns.nspname || '.' || x.stxname", "x.stxowner", nil),
    ]

    static let userSchemas = """
        WITH ns AS (SELECT oid, nspname FROM pg_namespace
                    WHERE nspname NOT IN ('pg_catalog', 'information_schema')
                      AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%')
        """

    /// The catalog a FROM clause reads ("pg_proc x …" → pg_proc), for the extension filter.
    static func catalogName(_ from: String) -> String { String(from.prefix { $0 != " " }) }

    static func selects(_ columns: (String, String, String, (String, String)?) -> String?) -> String {
        catalogs.compactMap { c -> String? in
            guard let cols = columns(c.kind, c.ident, c.owner, c.acl) else { return nil }
            let notExtension = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '\(catalogName(c.from))'::regclass AND d.objid = x.oid AND d.deptype = 'e')"
            let from = c.from.contains("WHERE") ? "\(c.from) AND \(notExtension)" : "\(c.from) WHERE \(notExtension)"
            return "SELECT \(cols) FROM \(from)"
        }.joined(separator: "\nUNION ALL\n")
    }

    static let ownerQuery = userSchemas + "\n" + selects { kind, ident, owner, _ in
        let k = kind == "relation" ? "'relation ' || x.relkind::text" : "'\(kind)'"
        return "\(k), \(ident), pg_get_userbyid(\(owner))"
    }

    /// One row per privilege; an object with an empty ACL gives one row of NULLs. A NULL ACL
    /// is the owner's default (acldefault).
    static let aclQuery = userSchemas + ", o(kind, ident, acl) AS (\n" + selects { kind, ident, owner, acl in
        guard let (col, type) = acl else { return nil }
        let k = kind == "relation" ? "'relation ' || x.relkind::text" : "'\(kind)'"
        return "\(k), \(ident), coalesce(\(col), acldefault((\(type))::\"char\", \(owner)))"
    } + """

        UNION ALL
        SELECT 'column', ns.nspname || '.' || c.relname || '.' || a.attname, a.attacl
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace
        WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL)
        SELECT o.kind, o.ident, CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(e.grantee) END,
               pg_get_userbyid(e.grantor), e.privilege_type, e.is_grantable::text
        FROM o LEFT JOIN LATERAL aclexplode(o.acl) e ON true
        """

    static let defaultACLQuery = """
        SELECT pg_get_userbyid(d.defaclrole), coalesce(n.nspname, ''), d.defaclobjtype::text,
               CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(e.grantee) END,
               pg_get_userbyid(e.grantor), e.privilege_type, e.is_grantable::text
        FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
             LEFT JOIN LATERAL aclexplode(d.defaclacl) e ON true
        """

    static let policyQuery = """
        SELECT n.nspname || '.' || c.relname || ' ' || p.polname, p.polcmd::text, p.polpermissive::text,
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
               (SELECT json_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r) END) FROM unnest(p.polroles) r)::text
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        """

    static let userMappingQuery = """
        SELECT srvname, usename, array_to_string(umoptions, ',') FROM pg_user_mappings
        """

    init(_ c: Connection) throws {
        for r in try c.query(Self.ownerQuery) {
            let key = ObjectKey(r[0] ?? "?", r[1] ?? "?")
            #expect(owners[key] == nil, "two objects named \(key)")
            owners[key] = r[2] ?? "?"
        }
        for r in try c.query(Self.aclQuery) {
            let key = ObjectKey(r[0] ?? "?", r[1] ?? "?")
            var items = acls[key] ?? []
            if let grantee = r[2], let grantor = r[3], let priv = r[4] {
                items.append(AclItem(grantee: grantee, grantor: grantor, privilege: priv, grantable: r[5] == "true"))
            }
            acls[key] = items
        }
        for r in try c.query(Self.defaultACLQuery) {
            let key = DefaultACLKey(role: r[0] ?? "?", schema: r[1] ?? "", objtype: r[2] ?? "?")
            var items = defaultACLs[key] ?? []
            if let grantee = r[3], let grantor = r[4], let priv = r[5] {
                items.append(AclItem(grantee: grantee, grantor: grantor, privilege: priv, grantable: r[6] == "true"))
            }
            defaultACLs[key] = items
        }
        for r in try c.query(Self.policyQuery) {
            let roles = (try? JSONSerialization.jsonObject(with: Data((r[5] ?? "[]").utf8))) as? [String] ?? []
            policies[r[0] ?? "?"] = Policy(cmd: r[1] ?? "?", permissive: r[2] ?? "?", roles: Set(roles), using: r[3], check: r[4])
        }
        userMappings = try c.query(Self.userMappingQuery).map { UserMapping(server: $0[0] ?? "?", user: $0[1] ?? "?", options: $0[2]) }
    }
}
