import Audit
import Foundation
import Testing

/// PostgreSQL's quote_ident for the names these tests use (lower-case words stay bare).
func tq(_ name: String) -> String {
    let bare = name.first.map { $0 == "_" || ("a"..."z").contains($0) } == true
        && name.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    return bare ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

func tl(_ name: String) -> String { "'" + name.replacingOccurrences(of: "'", with: "''") + "'" }

func role(_ name: String, login: Bool = false, superuser: Bool = false, inherit: Bool = true,
          defaultRole: String? = nil, ownerPrivileges: Bool = false, canSet: Bool = false,
          creates: [String] = [], createsSchemas: Bool = false, sessions: Int = 0) -> RoleInfo {
    RoleInfo(name: name, quoted: tq(name), literal: tl(name), canLogin: login, isSuperuser: superuser, inherit: inherit,
             defaultRole: defaultRole, hasPrivilegesOfOwner: ownerPrivileges, canSetRoleToOwner: canSet,
             creatableSchemas: creates, canCreateSchemas: createsSchemas, sessions: sessions)
}

func acl(_ owner: String, _ grants: [(String?, String)] = [], all: [String] = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]) -> [ACLItem] {
    all.map { ACLItem(grantee: owner, privilege: $0, grantor: owner) } + grants.map { ACLItem(grantee: $0.0, privilege: $0.1, grantor: owner) }
}

func table(_ schema: String, _ name: String, owner: String, grants: [(String?, String)] = []) -> DBObject {
    DBObject(kind: .table, identity: "\(tq(schema)).\(tq(name))", schema: schema, owner: owner, acl: acl(owner, grants))
}

func schema(_ name: String, owner: String, grants: [(String?, String)] = []) -> DBObject {
    DBObject(kind: .schema, identity: tq(name), schema: nil, name: name, owner: owner,
             acl: acl(owner, grants, all: ["USAGE", "CREATE"]))
}

/// A database that follows the model: R owns everything, app switches to R at login.
func modelSnapshot() -> DatabaseSnapshot {
    DatabaseSnapshot(
        serverVersion: 150_000, database: "app", databaseQuoted: "app", databaseOwner: "r",
        currentUser: "postgres", owner: "r",
        roles: [role("postgres", login: true, superuser: true), role("r", ownerPrivileges: true, canSet: true),
                role("app", login: true, defaultRole: "r", ownerPrivileges: true, canSet: true, creates: ["public"], createsSchemas: true),
                role("ro")],
        memberships: [Membership(role: "r", member: "app")],
        objects: [schema("public", owner: "pg_database_owner", grants: [(nil, "USAGE")]),
                  table("public", "t", owner: "r", grants: [("ro", "SELECT")])],
        schemaNames: ["public": "public"])
}

@Suite struct RulesTests {
    @Test func aDatabaseFollowingTheModelHasNoFindings() {
        let report = AuditRules.evaluate(modelSnapshot())
        #expect(report.findings == [])
        #expect(report.clean)
        #expect(report.members.map(\.role) == ["app"])
        #expect(report.members.first?.switchesToOwner == true)
        #expect(report.text.contains("follows the owner-role model"))
    }

    @Test func objectsNotOwnedByTheOwnerAreReportedByOwnerWithTheirFix() {
        var s = modelSnapshot()
        s.databaseOwner = "app"
        s.objects += [
            table("public", "Weird \"T\"", owner: "app"),
            DBObject(kind: .function, identity: "public.f(integer)", schema: "public", owner: "app", securityDefiner: true,
                     acl: [ACLItem(grantee: "app", privilege: "EXECUTE", grantor: "app")]),
            DBObject(kind: .type, identity: "public.mood", schema: "public", owner: "ro"),
            DBObject(kind: .eventTrigger, identity: "audit_ddl", schema: nil, owner: "postgres"),
        ]
        let report = AuditRules.evaluate(s)
        let byLogin = report.findings(.objectsOwnedByLogin)
        #expect(byLogin.count == 1)
        #expect(byLogin.first?.role == "app")
        #expect(byLogin.first?.objects.map(\.identity) == ["public.\"Weird \"\"T\"\"\"", "public.f(integer)"])
        #expect(byLogin.first?.fix == ["ALTER TABLE public.\"Weird \"\"T\"\"\" OWNER TO r;", "ALTER FUNCTION public.f(integer) OWNER TO r;"])
        #expect(report.findings(.objectsOwnedByOtherRole).first { $0.role == "ro" }?.fix == ["ALTER TYPE public.mood OWNER TO r;"])
        // public belongs to pg_database_owner, which is no longer r.
        #expect(report.findings(.objectsOwnedByOtherRole).first { $0.role == "pg_database_owner" }?.fix == ["ALTER SCHEMA public OWNER TO r;"])
        // The database owner, and a SECURITY DEFINER routine owned by a login; the event trigger stays with the superuser.
        #expect(report.findings(.databaseOwner).first?.fix == ["ALTER DATABASE app OWNER TO r;"])
        #expect(report.findings(.securityDefinerOwnedByLogin).first?.objects.map(\.identity) == ["public.f(integer)"])
        #expect(!report.findings.contains { $0.objects.contains { $0.identity == "audit_ddl" } })
    }

    @Test func theOwnerRoleMustExistAndNotLogIn() {
        var s = modelSnapshot()
        s.roles.removeAll { $0.name == "r" }
        s.roles.append(RoleInfo(name: "r", quoted: "r", literal: "'r'", exists: false))
        #expect(AuditRules.evaluate(s).findings(.ownerRoleMissing).first?.fix == ["CREATE ROLE r NOLOGIN;"])
        var t = modelSnapshot()
        t.roles[1].canLogin = true
        t.roles[1].isSuperuser = true
        let kinds = AuditRules.evaluate(t).findings.map(\.kind)
        #expect(kinds == [.ownerRoleCanLogin, .ownerRoleIsSuperuser])
    }

    @Test func publicCreateAndPublicExecuteOnSecurityDefinersAreFindings() {
        var s = modelSnapshot()
        s.objects[0] = schema("public", owner: "r", grants: [(nil, "USAGE"), (nil, "CREATE")])
        s.objects.append(DBObject(kind: .procedure, identity: "public.p()", schema: "public", owner: "r", securityDefiner: true,
                                  acl: [ACLItem(grantee: nil, privilege: "EXECUTE", grantor: "r")]))
        let report = AuditRules.evaluate(s)
        #expect(report.findings(.publicCreateOnSchema).first?.fix == ["REVOKE CREATE ON SCHEMA public FROM PUBLIC;"])
        #expect(report.findings(.publicExecuteSecurityDefiner).first?.fix.last == "REVOKE EXECUTE ON PROCEDURE public.p() FROM PUBLIC;")
        #expect(report.findings.count == 2)
    }

    @Test func directGrantsToLoginsMoveToTheirGroup() {
        var s = modelSnapshot()
        s.roles += [role("ff-ro", login: true)]
        s.memberships.append(Membership(role: "ro", member: "ff-ro"))
        s.objects.append(table("public", "u", owner: "r", grants: [("ff-ro", "SELECT"), ("app", "UPDATE")]))
        s.columnGrants.append(ColumnGrant(table: "public.t", tableOwner: "r", column: "secret",
                                          item: ACLItem(grantee: "ff-ro", privilege: "SELECT", grantor: "r")))
        let report = AuditRules.evaluate(s)
        let direct = report.findings(.loginHoldsDirectPrivileges)
        #expect(direct.map(\.role) == ["app", "ff-ro"])
        // app has R's privileges anyway: revoking is enough.
        #expect(direct[0].fix == ["REVOKE UPDATE ON TABLE public.u FROM app;"])
        #expect(direct[1].fix == ["GRANT SELECT (secret) ON TABLE public.t TO ro;", "REVOKE SELECT (secret) ON TABLE public.t FROM \"ff-ro\";",
                                  "GRANT SELECT ON TABLE public.u TO ro;", "REVOKE SELECT ON TABLE public.u FROM \"ff-ro\";"])
        #expect(direct[1].objects.map(\.identity) == ["public.t.secret", "public.u"])
        // Logins that own nothing: notes, the report still clean.
        #expect(direct.map(\.severity) == [.note, .note])
        #expect(report.clean)
        // On an object r does not own, a member that inherits from r keeps it through r.
        s.objects.append(DBObject(kind: .foreignDataWrapper, identity: "w", schema: nil, owner: "postgres",
                                  acl: [ACLItem(grantee: "app", privilege: "USAGE", grantor: "postgres")]))
        let app = AuditRules.evaluate(s).findings(.loginHoldsDirectPrivileges).first { $0.role == "app" }
        #expect(app?.fix == ["REVOKE UPDATE ON TABLE public.u FROM app;", "GRANT USAGE ON FOREIGN DATA WRAPPER w TO r;",
                             "REVOKE USAGE ON FOREIGN DATA WRAPPER w FROM app;"])
        // A login that owns something: its direct grants fail the audit.
        s.objects.append(table("public", "own", owner: "ff-ro"))
        let owning = AuditRules.evaluate(s)
        #expect(owning.findings(.loginHoldsDirectPrivileges).map { "\($0.role ?? "") \($0.severity)" } == ["app note", "ff-ro failure"])
        #expect(!owning.clean)
    }

    @Test func aLoginCreatingAsItselfNeedsDefaultPrivilegesForTheOwnerOrASwitch() {
        var s = modelSnapshot()
        s.roles[2].defaultRole = nil
        var report = AuditRules.evaluate(s)
        let f = report.findings(.loginCreatesAsItself)
        #expect(f.count == 1)
        #expect(f.first?.fix.contains("ALTER ROLE app SET role r;") == true)
        #expect(f.first?.fix.contains("ALTER DEFAULT PRIVILEGES FOR ROLE app GRANT ALL ON TABLES TO r;") == true)
        #expect(f.first?.fix.contains("ALTER DEFAULT PRIVILEGES FOR ROLE app GRANT ALL ON SCHEMAS TO r;") == true)
        // Default privileges that give R everything make it acceptable.
        for c in ObjectClass.allCases {
            let full = (s.fullPrivileges[c] ?? []).flatMap { [ACLItem(grantee: "app", privilege: $0, grantor: "app"), ACLItem(grantee: "r", privilege: $0, grantor: "app")] }
            s.defaultACLs.append(DefaultACL(role: "app", schema: nil, objectClass: c, items: full))
        }
        report = AuditRules.evaluate(s)
        #expect(report.findings == [])
        // A schema-level entry adds to the global one: removing the global tables entry but
        // granting in the schema is enough for tables in that schema.
        s.defaultACLs.removeAll { $0.objectClass == .tables }
        s.defaultACLs.append(DefaultACL(role: "app", schema: "public", objectClass: .tables,
                                        items: (s.fullPrivileges[.tables] ?? []).map { ACLItem(grantee: "r", privilege: $0, grantor: "app") }))
        #expect(AuditRules.evaluate(s).findings == [])
    }

    @Test func newObjectsShouldGrantWhatEveryExistingSiblingGrants() {
        var s = modelSnapshot()
        s.objects.append(table("public", "u", owner: "r", grants: [("ro", "SELECT"), ("rw", "INSERT")]))
        s.roles.append(role("rw"))
        var report = AuditRules.evaluate(s)
        let f = report.findings(.defaultPrivilegesMissing)
        #expect(f.count == 1)
        #expect(f.first?.fix == ["ALTER DEFAULT PRIVILEGES FOR ROLE r IN SCHEMA public GRANT SELECT ON TABLES TO ro;"])
        #expect(f.first?.objects.first?.identity == "FOR ROLE r IN SCHEMA public ON TABLES")
        // A global default covers it.
        s.defaultACLs.append(DefaultACL(role: "r", schema: nil, objectClass: .tables,
                                        items: acl("r") + [ACLItem(grantee: "ro", privilege: "SELECT", grantor: "r")]))
        report = AuditRules.evaluate(s)
        #expect(report.findings == [])
        // One object is no pattern.
        var one = modelSnapshot()
        one.objects.removeAll { $0.kind == .table }
        one.objects.append(table("public", "only", owner: "r", grants: [("ro", "SELECT")]))
        #expect(AuditRules.evaluate(one).findings == [])
    }

    @Test func aMemberLoginsDefaultPrivilegesAreCarriedToTheOwner() {
        var s = modelSnapshot()
        s.roles.append(role("migrator", login: true, inherit: false, canSet: true))
        s.defaultACLs.append(DefaultACL(role: "migrator", schema: nil, objectClass: .sequences,
                                        items: [ACLItem(grantee: "ro", privilege: "SELECT", grantor: "migrator")]))
        let f = AuditRules.evaluate(s).findings
        #expect(f.map(\.kind) == [.defaultPrivilegesNotCarried])
        #expect(f.first?.fix == ["ALTER DEFAULT PRIVILEGES FOR ROLE r GRANT SELECT ON SEQUENCES TO ro;"])
        #expect(AuditRules.evaluate(s).defaultPrivileges.map(\.role) == ["r", "app", "migrator"])
    }

    @Test func theConversionPlanQuotesEveryNameAndRunsInOrder() throws {
        let owner = "own \"er\" 'x'", login = "app-1 'q'"
        var s = DatabaseSnapshot(
            serverVersion: 150_000, database: "d b", databaseQuoted: "\"d b\"", databaseOwner: login,
            currentUser: "postgres", owner: owner,
            roles: [role("postgres", login: true, superuser: true), role(login, login: true, creates: ["public"], createsSchemas: true),
                    RoleInfo(name: owner, quoted: tq(owner), literal: tl(owner), exists: false)],
            objects: [schema("public", owner: login), table("public", "t", owner: login)],
            schemaNames: ["public": "public"])
        let plan = PlanBuilder.conversion(s, logins: [login], setRoleDefault: true)
        #expect(plan.blocking == [])
        let q = tq(owner), ql = tq(login)
        #expect(plan.statements == [
            "DO $pgreown$\nBEGIN\n  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = \(tl(owner))) THEN\n    EXECUTE format('CREATE ROLE %I NOLOGIN', \(tl(owner)));\n  END IF;\nEND\n$pgreown$;",
            "GRANT \(q) TO \(ql);",
            "REASSIGN OWNED BY \(ql) TO \(q);",
            "ALTER DATABASE \"d b\" OWNER TO \(q);",
            "ALTER SCHEMA public OWNER TO \(q);",
            "ALTER DEFAULT PRIVILEGES FOR ROLE \(ql) GRANT ALL ON TABLES TO \(q);",
            "ALTER DEFAULT PRIVILEGES FOR ROLE \(ql) GRANT ALL ON SEQUENCES TO \(q);",
            "ALTER DEFAULT PRIVILEGES FOR ROLE \(ql) GRANT ALL ON FUNCTIONS TO \(q);",
            "ALTER DEFAULT PRIVILEGES FOR ROLE \(ql) GRANT ALL ON TYPES TO \(q);",
            "ALTER DEFAULT PRIVILEGES FOR ROLE \(ql) GRANT ALL ON SCHEMAS TO \(q);",
            "ALTER ROLE \(ql) SET role \(q);",
        ])
        #expect(plan.script.hasPrefix("-- pgreown plan"))
        #expect(plan.script.contains("\nBEGIN;\n") && plan.script.contains("\nCOMMIT;\n"))
        #expect(plan.remaining == [])
        // A login that does not exist, or the owner itself, blocks the plan.
        s.roles.removeAll { $0.name == login }
        #expect(PlanBuilder.conversion(s, logins: [login, owner], setRoleDefault: false).blocking.count == 2)
    }

    @Test func aNoinheritLoginKeepsConnectWhenPublicHasNone() {
        var s = modelSnapshot()
        s.roles.append(role("migrator", login: true, inherit: false))
        s.databaseACL = [ACLItem(grantee: "r", privilege: "CONNECT", grantor: "r")]
        let plan = PlanBuilder.conversion(s, logins: ["app", "migrator"], setRoleDefault: false)
        #expect(plan.statements.contains("GRANT CONNECT ON DATABASE app TO migrator;  -- NOINHERIT: it will not connect through r"))
        #expect(!plan.statements.contains { $0.hasPrefix("GRANT CONNECT ON DATABASE app TO app;") })
        // With PUBLIC's CONNECT in place nothing is granted.
        s.databaseACL.append(ACLItem(grantee: nil, privilege: "CONNECT", grantor: "r"))
        #expect(!PlanBuilder.conversion(s, logins: ["migrator"], setRoleDefault: false).statements.contains { $0.contains("CONNECT") })
    }

    @Test func aDollarQuoteTagNeverOccursInItsBody() {
        var s = modelSnapshot()
        let owner = "x$pgreown$y"
        s.owner = owner
        s.roles.append(RoleInfo(name: owner, quoted: tq(owner), literal: tl(owner), exists: false))
        let plan = PlanBuilder.conversion(s, logins: ["app"], setRoleDefault: false)
        #expect(plan.statements.first?.hasPrefix("DO $pgreown1$\n") == true)
        #expect(plan.statements.first?.hasSuffix("\n$pgreown1$;") == true)
    }

    @Test func retiringALoginChecksSessionsAndOtherDatabases() {
        var s = modelSnapshot()
        s.roles.append(role("app_old", login: true, canSet: true))
        var plan = PlanBuilder.retire(s, old: "app_old")
        #expect(plan.blocking == [])
        #expect(plan.complete)
        let block = plan.statements.joined()
        #expect(block.contains("EXECUTE format('REASSIGN OWNED BY %I TO %I', 'app_old', 'r');"))
        #expect(block.contains("EXECUTE format('DROP OWNED BY %I', 'app_old');"))
        #expect(block.contains("EXECUTE format('DROP ROLE %I', 'app_old');"))
        #expect(block.contains("pg_stat_activity WHERE usename = 'app_old'"))
        // A connected session refuses; objects in another database leave DROP ROLE out.
        s.roles[s.roles.count - 1].sessions = 2
        s.roles[s.roles.count - 1].elsewhere = [Footprint(database: "other", owned: 3, privileges: 0)]
        plan = PlanBuilder.retire(s, old: "app_old")
        #expect(plan.blocking.count == 1 && plan.blocking[0].contains("2 session(s)"))
        #expect(!plan.complete)
        #expect(!plan.statements.joined().contains("DROP ROLE"))
        // The owner role and an unknown role.
        #expect(!PlanBuilder.retire(s, old: "r").blocking.isEmpty)
        #expect(PlanBuilder.retire(s, old: "nobody").statements == [])
    }

    @Test func theJSONReportCarriesIdentityOwnerAndFix() throws {
        var s = modelSnapshot()
        s.objects.append(table("public", "owned by app", owner: "app"))
        let data = try JSONEncoder().encode(AuditRules.evaluate(s))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["clean"] as? Bool == false)
        let findings = try #require(json["findings"] as? [[String: Any]])
        let f = try #require(findings.first { $0["kind"] as? String == "objects-owned-by-login" })
        let objects = try #require(f["objects"] as? [[String: Any]])
        #expect(objects.first?["identity"] as? String == "public.\"owned by app\"")
        #expect(objects.first?["owner"] as? String == "app")
        #expect(objects.first?["type"] as? String == "table")
        #expect((f["fix"] as? [String])?.first == "ALTER TABLE public.\"owned by app\" OWNER TO r;")
    }
}
