import DumpFormat
import Ownership
import Testing

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
func str(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

/// A map: app_owner and "account-api" own objects → dest_owner; "Data Team" kept; old_x → new_x.
func sampleMap(keep: [String] = []) -> RoleMap {
    RoleMap(owner: bytes("dest_owner"), explicit: [(bytes("old_x"), bytes("New X"))],
            keepOwners: Set(keep.map(bytes)),
            owners: [bytes("app_owner"): 3, bytes("account-api"): 2, bytes("Data Team"): 1])
}

func rewrite(_ sql: String, _ map: RoleMap = sampleMap(), owner: String? = "dest_owner",
             missing: Set<String> = [], policy: MissingRolesPolicy = .fail) throws -> (String, [RewriteFinding]) {
    let ctx = RewriteContext(map: map, missingRoles: Set(missing.map(bytes)), missingPolicy: policy)
    let r = try Rewriter.rewriteSQL(bytes(sql), ctx, entry: "test", mappedEntryOwner: owner.map(bytes),
                                    standardConformingStrings: true)
    return (str(r.bytes), r.findings)
}

@Suite struct RewriterTests {
    @Test func roleMapFollowsTheRules() {
        let m = sampleMap(keep: ["Data Team"])
        #expect(m.map(bytes("app_owner")) == bytes("dest_owner"))
        #expect(m.map(bytes("account-api")) == bytes("dest_owner"))
        #expect(m.map(bytes("Data Team")) == bytes("Data Team"))     // kept
        #expect(m.map(bytes("old_x")) == bytes("New X"))             // explicit
        #expect(m.map(bytes("reporting")) == bytes("reporting"))     // everyone else
        #expect(m.map(bytes("pg_read_all_data")) == bytes("pg_read_all_data"))
        // --map wins over the owner rule
        let e = RoleMap(owner: bytes("r"), explicit: [(bytes("app_owner"), bytes("other"))], keepOwners: [],
                        owners: [bytes("app_owner"): 1])
        #expect(e.map(bytes("app_owner")) == bytes("other"))
        #expect(m.lines.contains("Data Team → Data Team (--keep-owner)"))
    }

    @Test func identifiersAreQuotedByPostgresRules() {
        #expect(Identifier.quote("dest_owner") == "dest_owner")
        #expect(Identifier.quote("Data Team") == "\"Data Team\"")
        #expect(Identifier.quote("account-api") == "\"account-api\"")
        #expect(Identifier.quote("user") == "\"user\"")          // reserved
        #expect(Identifier.quote("all") == "\"all\"")
        #expect(Identifier.quote("abort") == "abort")            // unreserved
        #expect(Identifier.quote("a\"b") == "\"a\"\"b\"")
        #expect(Identifier.quote("9lives") == "\"9lives\"")
        #expect(Identifier.quote("") == "\"\"")
    }

    @Test func grantsAndRevokes() throws {
        let sql = """
            REVOKE ALL ON TABLE app.t FROM app_owner;
            GRANT SELECT,INSERT ON TABLE app.t TO app_owner;
            GRANT SELECT(name) ON TABLE app.t TO "account-api" WITH GRANT OPTION;
            GRANT ALL ON FUNCTION app.f(owner integer, "to" text) TO reporting;
            GRANT USAGE ON SCHEMA "Data Team" TO PUBLIC;
            GRANT SELECT ON TABLE app.t TO GROUP old_x;

            """
        let (out, findings) = try rewrite(sql)
        #expect(out == """
            REVOKE ALL ON TABLE app.t FROM dest_owner;
            GRANT SELECT,INSERT ON TABLE app.t TO dest_owner;
            GRANT SELECT(name) ON TABLE app.t TO dest_owner WITH GRANT OPTION;
            GRANT ALL ON FUNCTION app.f(owner integer, "to" text) TO reporting;
            GRANT USAGE ON SCHEMA "Data Team" TO PUBLIC;
            GRANT SELECT ON TABLE app.t TO GROUP "New X";

            """)
        #expect(findings.isEmpty)
    }

    @Test func grantorBlocks() throws {
        // grantor that owned objects: the block goes, the GRANT stays (run as the new owner).
        let (a, fa) = try rewrite("""
            GRANT SELECT ON TABLE app.t TO "account-api" WITH GRANT OPTION;
            SET SESSION AUTHORIZATION "account-api";
            GRANT SELECT ON TABLE app.t TO auditor;
            RESET SESSION AUTHORIZATION;

            """)
        #expect(a == """
            GRANT SELECT ON TABLE app.t TO dest_owner WITH GRANT OPTION;
            GRANT SELECT ON TABLE app.t TO auditor;

            """)
        #expect(fa.map(\.kind) == [.grantorBlock])
        // a third-party grantor keeps its authority through SET ROLE.
        let (b, _) = try rewrite("""
            SET SESSION AUTHORIZATION grantor_role;
            GRANT SELECT ON TABLE app.t TO auditor;
            RESET SESSION AUTHORIZATION;

            """)
        #expect(b == """
            SET ROLE grantor_role;
            GRANT SELECT ON TABLE app.t TO auditor;
            RESET ROLE;

            """)
    }

    @Test func defaultPrivilegesBothSpacings() throws {
        let (a, _) = try rewrite("ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA app GRANT SELECT ON TABLES  TO \"account-api\";\n")
        #expect(a == "ALTER DEFAULT PRIVILEGES FOR ROLE dest_owner IN SCHEMA app GRANT SELECT ON TABLES  TO dest_owner;\n")
        let (b, _) = try rewrite("ALTER DEFAULT PRIVILEGES FOR ROLE \"Data Team\" REVOKE ALL ON FUNCTIONS FROM PUBLIC;\n")
        #expect(b == "ALTER DEFAULT PRIVILEGES FOR ROLE dest_owner REVOKE ALL ON FUNCTIONS FROM PUBLIC;\n")
    }

    @Test func policiesUserMappingsAlterRole() throws {
        let (p, _) = try rewrite("CREATE POLICY p ON app.t TO reporting, \"Data Team\", old_x USING ((owner = CURRENT_USER)) WITH CHECK ((note <> 'app_owner'));\n")
        #expect(p == "CREATE POLICY p ON app.t TO reporting, dest_owner, \"New X\" USING ((owner = CURRENT_USER)) WITH CHECK ((note <> 'app_owner'));\n")
        let (u, _) = try rewrite("CREATE USER MAPPING FOR app_owner SERVER srv OPTIONS (\n    user 'app_owner'\n);\n")
        #expect(u == "CREATE USER MAPPING FOR dest_owner SERVER srv OPTIONS (\n    user 'app_owner'\n);\n")
        let (d, _) = try rewrite("DROP USER MAPPING FOR \"account-api\" SERVER srv;\n")
        #expect(d == "DROP USER MAPPING FOR dest_owner SERVER srv;\n")
        let (r, _) = try rewrite("ALTER ROLE old_x IN DATABASE app SET search_path TO 'app_owner';\n")
        #expect(r == "ALTER ROLE \"New X\" IN DATABASE app SET search_path TO 'app_owner';\n")
        let (o, _) = try rewrite("ALTER TABLE app.\"owner\" OWNER TO \"account-api\";\n")
        #expect(o == "ALTER TABLE app.\"owner\" OWNER TO dest_owner;\n")
    }

    @Test func bodiesLiteralsAndCommentsAreUntouched() throws {
        let body = """
            CREATE FUNCTION app.f() RETURNS void LANGUAGE plpgsql AS $_$
            BEGIN
              ALTER TABLE x OWNER TO "account-api";
              GRANT ALL ON t TO "Data Team";
            END $_$;
            -- ALTER TABLE x OWNER TO app_owner;
            SELECT 'GRANT SELECT ON t TO app_owner', E'REVOKE ALL ON t FROM \\'app_owner\\'';

            """
        let (out, _) = try rewrite(body)
        #expect(out == body)
    }

    @Test func missingGranteesAreDroppedWhenAsked() throws {
        let sql = """
            GRANT SELECT ON TABLE app.t TO reporting;
            GRANT SELECT ON TABLE app.t TO ghost;
            REVOKE ALL ON TABLE app.t FROM ghost;

            """
        let (kept, _) = try rewrite(sql, missing: ["ghost"], policy: .keep)
        #expect(kept == sql)
        let (out, findings) = try rewrite(sql, missing: ["ghost"], policy: .drop)
        #expect(out == "GRANT SELECT ON TABLE app.t TO reporting;\n")
        #expect(findings.filter { $0.kind == .droppedGrant }.count == 2)
    }

    @Test func sessionAuthorizationLiteralForm() throws {
        let (out, _) = try rewrite("SET SESSION AUTHORIZATION 'app_owner';\nRESET SESSION AUTHORIZATION;\n", owner: nil)
        // The literal form of --use-set-session-authorization scripts is mapped, not removed.
        #expect(out.hasPrefix("SET SESSION AUTHORIZATION 'dest_owner';\n"))
    }

    @Test func entriesOwnerTagAndLargeObjectShape() throws {
        let ctx = RewriteContext(map: sampleMap())
        let um = TOCEntry(dumpId: 7, tag: bytes("USER MAPPING account-api SERVER srv"), desc: "USER MAPPING", section: .preData,
                          defn: bytes("CREATE USER MAPPING FOR \"account-api\" SERVER srv;\n"),
                          dropStmt: bytes("DROP USER MAPPING FOR \"account-api\" SERVER srv;\n"), owner: bytes("app_owner"))
        let (e, _) = try Rewriter.rewriteEntry(um, ctx)
        #expect(e.owner == bytes("dest_owner"))
        #expect(e.tag == bytes("USER MAPPING dest_owner SERVER srv"))
        #expect(e.defn == bytes("CREATE USER MAPPING FOR dest_owner SERVER srv;\n"))
        #expect(e.dropStmt == bytes("DROP USER MAPPING FOR dest_owner SERVER srv;\n"))
        let lo = TOCEntry(dumpId: 9, tag: bytes("LARGE OBJECTS 4242..4244"), desc: "ACL", section: .none,
                          defn: bytes("GRANT SELECT ON LARGE OBJECT 4242 TO \"account-api\";\n"), owner: bytes("app_owner"),
                          dependencies: [8])
        let (l, _) = try Rewriter.rewriteEntry(lo, ctx)
        #expect(l.defn == bytes("GRANT SELECT ON LARGE OBJECT 4242 TO dest_owner;\n"))
        #expect(l.dependencies == [8])
        #expect(l.tag == lo.tag)
        // Non-role-bearing entries keep their SQL even when it mentions roles.
        let fn = TOCEntry(dumpId: 3, tag: bytes("f()"), desc: "FUNCTION", section: .preData,
                          defn: bytes("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$ SET role TO app_owner;\n"),
                          dropStmt: bytes("DROP FUNCTION f();\n"), owner: bytes("app_owner"))
        let (f, _) = try Rewriter.rewriteEntry(fn, ctx)
        #expect(f.defn == fn.defn)
        #expect(f.owner == bytes("dest_owner"))
    }
}

@Suite struct MissingRoleTests {
    @Test func policyListsLoseOnlyTheMissingRoles() throws {
        let (a, fa) = try rewrite("CREATE POLICY p ON app.t TO reporting, ghost, \"Data Team\" USING (true);\n", missing: ["ghost"], policy: .drop)
        #expect(a == "CREATE POLICY p ON app.t TO reporting, dest_owner USING (true);\n")
        #expect(fa.count == 1)
        let (b, fb) = try rewrite("CREATE POLICY p ON app.t TO ghost USING (true);\n", missing: ["ghost"], policy: .drop)
        #expect(b == "")
        #expect(fb.first?.detail.contains("policy left out") == true)
    }

    @Test func userMappingsAndRoleSettingsOfMissingRolesAreLeftOut() throws {
        let (u, _) = try rewrite("CREATE USER MAPPING FOR ghost SERVER s;\nCREATE USER MAPPING FOR reporting SERVER s;\n", missing: ["ghost"], policy: .drop)
        #expect(u == "CREATE USER MAPPING FOR reporting SERVER s;\n")
        let (r, _) = try rewrite("ALTER ROLE ghost IN DATABASE app SET work_mem TO '1MB';\n", missing: ["ghost"], policy: .drop)
        #expect(r == "")
    }

    @Test func aMissingGrantorsBlockIsLeftOutWhole() throws {
        let sql = """
            GRANT SELECT ON TABLE app.t TO ghost WITH GRANT OPTION;
            SET SESSION AUTHORIZATION ghost;
            GRANT SELECT ON TABLE app.t TO auditor;
            GRANT SELECT(name) ON TABLE app.t TO reporting;
            RESET SESSION AUTHORIZATION;
            GRANT SELECT ON TABLE app.t TO reporting;

            """
        let (out, findings) = try rewrite(sql, missing: ["ghost"], policy: .drop)
        #expect(out == "GRANT SELECT ON TABLE app.t TO reporting;\n")
        #expect(findings.map(\.kind) == [.droppedGrant, .droppedGrant, .droppedGrant])
        #expect(findings.filter { $0.detail.contains("grantor ghost missing") }.count == 2)
        // Under keep (and fail, which the preflight stops first) the block stays a SET ROLE block.
        let (kept, _) = try rewrite(sql, missing: ["ghost"], policy: .keep)
        #expect(kept.contains("SET ROLE ghost;\nGRANT SELECT ON TABLE app.t TO auditor;"))
        // A grantor that exists is untouched by drop.
        let (other, _) = try rewrite(sql, missing: ["someone_else"], policy: .drop)
        #expect(other.contains("SET ROLE ghost;") && other.contains("RESET ROLE;"))
        // An ACL entry run as its owner returns to the owner after the left-out block.
        let e = TOCEntry(dumpId: 5, tag: bytes("TABLE t"), desc: "ACL", section: .none, defn: bytes(sql), owner: bytes("app_owner"))
        let ctx = RewriteContext(map: sampleMap(), missingRoles: [bytes("ghost")], missingPolicy: .drop)
        #expect(str(try Rewriter.rewriteEntry(e, ctx).entry.defn ?? []) == """
            SET ROLE dest_owner;
            GRANT SELECT ON TABLE app.t TO reporting;
            RESET ROLE;

            """)
    }

    @Test func setRoleIsClassifiedSoRewritesAreIdempotent() throws {
        let once = try rewrite("SET SESSION AUTHORIZATION grantor_role;\nGRANT SELECT ON TABLE t TO auditor;\nRESET SESSION AUTHORIZATION;\n").0
        let twice = try rewrite(once).0
        #expect(once == twice)
        let mapped = try rewrite("SET ROLE old_x;\n").0
        #expect(mapped == "SET ROLE \"New X\";\n")
    }
}

@Suite struct SpecialCaseTests {
    @Test func onlyPerDatabaseRoleSettingsAreMapped() throws {
        let (a, _) = try rewrite("ALTER ROLE app_owner WITH NOSUPERUSER NOINHERIT;\nALTER ROLE app_owner SET work_mem TO '8MB';\n")
        #expect(a == "ALTER ROLE app_owner WITH NOSUPERUSER NOINHERIT;\nALTER ROLE app_owner SET work_mem TO '8MB';\n")
        let (b, _) = try rewrite("ALTER ROLE app_owner IN DATABASE app SET work_mem TO '8MB';\n")
        #expect(b == "ALTER ROLE dest_owner IN DATABASE app SET work_mem TO '8MB';\n")
    }

    @Test func superuserOwnedObjectsLoseTheirOwnerInsteadOfGettingANonSuperuserOne() throws {
        let ctx = RewriteContext(map: RoleMap(owner: bytes("dest_owner"), explicit: [], keepOwners: [],
                                              owners: [bytes("postgres"): 2]))
        for desc in ["FOREIGN DATA WRAPPER", "EVENT TRIGGER"] {
            let e = TOCEntry(dumpId: 1, tag: bytes("w"), desc: desc, section: .preData, defn: bytes("CREATE …;\n"),
                             dropStmt: bytes("DROP …;\n"), owner: bytes("postgres"))
            let (r, _) = try Rewriter.rewriteEntry(e, ctx)
            #expect(r.owner == [])                      // no ALTER … OWNER TO: the restoring superuser owns it
            #expect(!RoleMap.restoresWithOwner(r))
        }
        let server = TOCEntry(dumpId: 2, tag: bytes("s"), desc: "SERVER", section: .preData, defn: bytes("CREATE SERVER s …;\n"),
                              dropStmt: bytes("DROP SERVER s;\n"), owner: bytes("postgres"))
        #expect(try Rewriter.rewriteEntry(server, ctx).entry.owner == bytes("dest_owner"))
    }
}

@Suite struct RunAsOwnerTests {
    let ctx = RewriteContext(map: sampleMap())

    func acl(_ tag: String, _ defn: String) -> TOCEntry {
        TOCEntry(dumpId: 5, tag: bytes(tag), desc: "ACL", section: .none, defn: bytes(defn), owner: bytes("app_owner"))
    }

    @Test func aclEntriesRunAsTheirOwnerSoTheOwnerIsRecordedAsGrantor() throws {
        let e = acl("TABLE t", """
            GRANT SELECT ON TABLE app.t TO grantor_role WITH GRANT OPTION;
            SET SESSION AUTHORIZATION grantor_role;
            GRANT SELECT ON TABLE app.t TO auditor;
            RESET SESSION AUTHORIZATION;
            GRANT SELECT ON TABLE app.t TO reporting;

            """)
        let r = try Rewriter.rewriteEntry(e, ctx)
        #expect(str(r.entry.defn ?? []) == """
            SET ROLE dest_owner;
            GRANT SELECT ON TABLE app.t TO grantor_role WITH GRANT OPTION;
            SET ROLE grantor_role;
            GRANT SELECT ON TABLE app.t TO auditor;
            SET ROLE dest_owner;
            GRANT SELECT ON TABLE app.t TO reporting;
            RESET ROLE;

            """)
    }

    @Test func largeObjectGroupsKeepTheShapePgRestoreSplits() throws {
        // pg_restore 17+ replays this text per OID, splitting at ';': no extra commands allowed.
        let e = acl("LARGE OBJECTS 4242..4244", "GRANT SELECT ON LARGE OBJECT 4242 TO reporting;\n")
        #expect(try Rewriter.rewriteEntry(e, ctx).entry.defn == bytes("GRANT SELECT ON LARGE OBJECT 4242 TO reporting;\n"))
    }

    @Test func entriesWithoutGrantsAreNotWrapped() throws {
        let e = acl("TABLE t", "SET default_tablespace = '';\n")
        #expect(try Rewriter.rewriteEntry(e, ctx).entry.defn == e.defn)
    }
}
