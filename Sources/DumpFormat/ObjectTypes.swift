/// Which TOC entry types create an object with an owner, and how pg_restore names it in
/// `ALTER … OWNER TO` (`_getObjectDescription` in pg_backup_archiver.c): the one list, read by the
/// SQL emitter, the role map and the rewriter.
public enum ObjectTypes {
    /// Named by their (schema-qualified) tag: `ALTER <TYPE> [schema.]tag OWNER TO …`.
    public static let ownedByName: Set<String> = [
        "COLLATION", "CONVERSION", "DOMAIN", "FOREIGN TABLE", "MATERIALIZED VIEW", "PROPERTY GRAPH", "SEQUENCE",
        "STATISTICS", "TABLE", "TEXT SEARCH DICTIONARY", "TEXT SEARCH CONFIGURATION", "TYPE", "VIEW", "DATABASE",
        "PROCEDURAL LANGUAGE", "SCHEMA", "EVENT TRIGGER", "FOREIGN DATA WRAPPER", "SERVER", "PUBLICATION",
        "SUBSCRIPTION",
    ]
    /// Named by their signature, taken from the drop statement.
    public static let ownedBySignature: Set<String> = ["AGGREGATE", "FUNCTION", "OPERATOR", "OPERATOR CLASS", "OPERATOR FAMILY", "PROCEDURE"]
    /// Large objects: `ALTER LARGE OBJECT <oid> OWNER TO …` (per OID for 17's BLOB METADATA groups).
    public static let largeObjects: Set<String> = ["BLOB", "BLOB METADATA"]
    /// Every type pg_restore gives an `ALTER … OWNER TO`.
    public static let owned: Set<String> = ownedByName.union(ownedBySignature).union(largeObjects)
    /// Objects PostgreSQL lets only a superuser own.
    public static let superuserOwned: Set<String> = ["FOREIGN DATA WRAPPER", "EVENT TRIGGER"]
}
