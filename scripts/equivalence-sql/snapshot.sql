-- A normalized text snapshot of one database, for diffing a restore against its source
-- (run as a superuser with psql -XAtq; one line per fact, sorted by the caller). Role names are
-- printed as they are; the caller maps the production owner to the target owner in the source's
-- snapshot. Extension member objects are left out (they belong to the extension). Lines of
-- section "database" (settings, comment, grants of the database itself) only come along with
-- an archive restored by pgreown (a plain dump without --create does not carry them).
\set ON_ERROR_STOP 1
CREATE TEMP VIEW objs AS
    SELECT classid, objid, 0 AS objsubid FROM (
        SELECT 'pg_class'::regclass AS classid, c.oid AS objid FROM pg_class c
            WHERE c.relnamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
              AND c.relnamespace::regnamespace::text NOT LIKE 'pg_temp%' AND c.relkind <> 't'
        UNION ALL SELECT 'pg_proc'::regclass, p.oid FROM pg_proc p
            WHERE p.pronamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema')
        UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t
            WHERE t.typnamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
              AND t.typnamespace::regnamespace::text NOT LIKE 'pg_temp%'
              AND t.typrelid = 0 AND t.typcategory <> 'A'
        UNION ALL SELECT 'pg_namespace'::regclass, n.oid FROM pg_namespace n
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%'
              AND n.nspname NOT LIKE 'pg_toast_temp%'
        UNION ALL SELECT 'pg_extension'::regclass, e.oid FROM pg_extension e WHERE e.extname <> 'plpgsql'
        UNION ALL SELECT 'pg_publication'::regclass, p.oid FROM pg_publication p
        UNION ALL SELECT 'pg_ts_config'::regclass, c.oid FROM pg_ts_config c
            WHERE c.cfgnamespace::regnamespace::text <> 'pg_catalog'
        UNION ALL SELECT 'pg_collation'::regclass, c.oid FROM pg_collation c
            WHERE c.collnamespace::regnamespace::text <> 'pg_catalog'
        UNION ALL SELECT 'pg_operator'::regclass, o.oid FROM pg_operator o
            WHERE o.oprnamespace::regnamespace::text <> 'pg_catalog'
        UNION ALL SELECT 'pg_largeobject'::regclass, l.oid FROM pg_largeobject_metadata l
    ) o
    WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.classid AND d.objid = o.objid AND d.deptype = 'e');

-- owners
SELECT 'owner|' || pg_describe_object(classid, objid, 0) || '|' || CASE classid
    WHEN 'pg_class'::regclass THEN (SELECT relowner::regrole::text FROM pg_class WHERE oid = objid)
    WHEN 'pg_proc'::regclass THEN (SELECT proowner::regrole::text FROM pg_proc WHERE oid = objid)
    WHEN 'pg_type'::regclass THEN (SELECT typowner::regrole::text FROM pg_type WHERE oid = objid)
    WHEN 'pg_namespace'::regclass THEN (SELECT nspowner::regrole::text FROM pg_namespace WHERE oid = objid)
    WHEN 'pg_extension'::regclass THEN (SELECT extowner::regrole::text || '|' || extversion || '|' || extnamespace::regnamespace::text FROM pg_extension WHERE oid = objid)
    WHEN 'pg_publication'::regclass THEN (SELECT pubowner::regrole::text || '|' || puballtables || pubinsert || pubupdate || pubdelete || pubtruncate FROM pg_publication WHERE oid = objid)
    WHEN 'pg_ts_config'::regclass THEN (SELECT cfgowner::regrole::text FROM pg_ts_config WHERE oid = objid)
    WHEN 'pg_collation'::regclass THEN (SELECT collowner::regrole::text FROM pg_collation WHERE oid = objid)
    WHEN 'pg_operator'::regclass THEN (SELECT oprowner::regrole::text FROM pg_operator WHERE oid = objid)
    WHEN 'pg_largeobject'::regclass THEN (SELECT lomowner::regrole::text FROM pg_largeobject_metadata WHERE oid = objid)
    END FROM objs;

-- privileges: the effective ACL (NULL = the default), exploded
WITH acls AS (
    SELECT pg_describe_object('pg_class'::regclass, c.oid, 0) AS obj,
           coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)) AS acl
        FROM pg_class c JOIN objs o ON o.classid = 'pg_class'::regclass AND o.objid = c.oid
    UNION ALL SELECT pg_describe_object('pg_class'::regclass, a.attrelid, a.attnum), a.attacl
        FROM pg_attribute a JOIN objs o ON o.classid = 'pg_class'::regclass AND o.objid = a.attrelid
        WHERE a.attacl IS NOT NULL AND a.attnum > 0
    UNION ALL SELECT pg_describe_object('pg_proc'::regclass, p.oid, 0), coalesce(p.proacl, acldefault('f', p.proowner))
        FROM pg_proc p JOIN objs o ON o.classid = 'pg_proc'::regclass AND o.objid = p.oid
    UNION ALL SELECT pg_describe_object('pg_type'::regclass, t.oid, 0), coalesce(t.typacl, acldefault('T', t.typowner))
        FROM pg_type t JOIN objs o ON o.classid = 'pg_type'::regclass AND o.objid = t.oid
    UNION ALL SELECT pg_describe_object('pg_namespace'::regclass, n.oid, 0), coalesce(n.nspacl, acldefault('n', n.nspowner))
        FROM pg_namespace n JOIN objs o ON o.classid = 'pg_namespace'::regclass AND o.objid = n.oid
    UNION ALL SELECT pg_describe_object('pg_largeobject'::regclass, l.oid, 0), coalesce(l.lomacl, acldefault('L', l.lomowner))
        FROM pg_largeobject_metadata l
    -- grants changed on extension members are dumped too (pg_init_privs): compare those that differ
    UNION ALL SELECT pg_describe_object('pg_proc'::regclass, p.oid, 0), p.proacl
        FROM pg_proc p JOIN pg_init_privs i ON i.classoid = 'pg_proc'::regclass AND i.objoid = p.oid AND i.objsubid = 0
        WHERE p.proacl IS DISTINCT FROM i.initprivs
)
SELECT 'acl|' || obj || '|' || CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END
       || '|' || x.grantor::regrole::text || '|' || x.privilege_type || '|' || x.is_grantable
FROM acls, aclexplode(acl) x;

-- default privileges
SELECT 'defacl|' || d.defaclrole::regrole::text || '|' || coalesce(d.defaclnamespace::regnamespace::text, '-') || '|'
       || d.defaclobjtype::text || '|' || CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END
       || '|' || x.grantor::regrole::text || '|' || x.privilege_type || '|' || x.is_grantable
FROM pg_default_acl d, aclexplode(d.defaclacl) x;

-- policies and row security
SELECT 'policy|' || schemaname || '.' || tablename || '|' || policyname || '|' || permissive || '|' || roles::text
       || '|' || cmd || '|' || coalesce(qual, '-') || '|' || coalesce(with_check, '-') FROM pg_policies;
SELECT 'rls|' || c.oid::regclass::text || '|' || c.relrowsecurity || '|' || c.relforcerowsecurity || '|' || c.relreplident::text
FROM pg_class c JOIN objs o ON o.classid = 'pg_class'::regclass AND o.objid = c.oid WHERE c.relkind IN ('r', 'p');

-- comments (on extensions too), except on extension members
SELECT 'comment|' || pg_describe_object(d.classoid, d.objoid, d.objsubid) || '|' || d.description
FROM pg_description d
WHERE NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e')
  AND (d.classoid <> 'pg_namespace'::regclass OR d.objoid::regnamespace::text NOT IN ('pg_catalog', 'information_schema', 'pg_toast'))
  AND d.objoid >= 16384;

-- structure: columns, constraints, indexes, triggers, views, partitions, publication tables
SELECT 'column|' || a.attrelid::regclass::text || '|' || a.attnum || '|' || a.attname || '|'
       || format_type(a.atttypid, a.atttypmod) || '|' || a.attnotnull || '|' || a.attidentity::text || a.attgenerated::text
       || '|' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '-')
FROM pg_attribute a JOIN objs o ON o.classid = 'pg_class'::regclass AND o.objid = a.attrelid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped;
SELECT 'constraint|' || k.conrelid::regclass::text || '|' || k.conname || '|' || pg_get_constraintdef(k.oid)
       || '|' || k.convalidated FROM pg_constraint k JOIN objs o ON o.classid = 'pg_class'::regclass AND o.objid = k.conrelid;
SELECT 'index|' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN objs o ON o.classid = 'pg_class'::regclass AND o.objid = i.indrelid;
SELECT 'trigger|' || pg_get_triggerdef(t.oid) || '|' || t.tgenabled::text FROM pg_trigger t
JOIN objs o ON o.classid = 'pg_class'::regclass AND o.objid = t.tgrelid WHERE NOT t.tgisinternal;
SELECT 'view|' || c.oid::regclass::text || '|' || c.relkind::text || '|' || pg_get_viewdef(c.oid) || '|' || c.relispopulated
FROM pg_class c JOIN objs o ON o.classid = 'pg_class'::regclass AND o.objid = c.oid WHERE c.relkind IN ('v', 'm');
SELECT 'partition|' || c.oid::regclass::text || '|' || pg_get_expr(c.relpartbound, c.oid)
FROM pg_class c JOIN objs o ON o.classid = 'pg_class'::regclass AND o.objid = c.oid WHERE c.relispartition;
SELECT 'function|' || pg_describe_object('pg_proc'::regclass, p.oid, 0) || '|' || md5(pg_get_functiondef(p.oid))
FROM pg_proc p JOIN objs o ON o.classid = 'pg_proc'::regclass AND o.objid = p.oid WHERE p.prokind IN ('f', 'p');
SELECT 'pubtable|' || pubname || '|' || schemaname || '.' || tablename FROM pg_publication_tables;

-- data: sequences, large objects, per-table checksums
SELECT 'sequence|' || schemaname || '.' || sequencename || '|' || coalesce(last_value::text, 'NULL') FROM pg_sequences;
SELECT 'lo|' || l.oid || '|' || md5(lo_get(l.oid)) FROM pg_largeobject_metadata l;
SELECT 'lo-count|' || count(*) FROM pg_largeobject_metadata;
CREATE TEMP TABLE sums (line text);
DO $$
DECLARE r regclass; s text;
BEGIN
    FOR r IN SELECT c.oid FROM pg_class c JOIN objs o ON o.classid = 'pg_class'::regclass AND o.objid = c.oid
             WHERE c.relkind IN ('r', 'm') AND c.relnamespace::regnamespace::text NOT LIKE 'pg_temp%' LOOP
        EXECUTE format('SELECT count(*) || %L || coalesce(md5(string_agg(t::text, %L ORDER BY t::text)), %L) FROM %s t',
                       '|', ',', '-', r) INTO s;
        INSERT INTO sums VALUES ('data|' || r::text || '|' || s);
    END LOOP;
END $$;
SELECT line FROM sums;

-- the database itself
SELECT 'database|setting|' || coalesce(s.setrole::regrole::text, '-') || '|' || x
FROM pg_db_role_setting s, unnest(s.setconfig) x
WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database());
SELECT 'database|comment|' || shobj_description(d.oid, 'pg_database') FROM pg_database d
WHERE d.datname = current_database() AND shobj_description(d.oid, 'pg_database') IS NOT NULL;
SELECT 'database|acl|' || CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END || '|'
       || x.grantor::regrole::text || '|' || x.privilege_type || '|' || x.is_grantable
FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) x WHERE d.datname = current_database();
SELECT 'database|owner|' || datdba::regrole::text || '|' || pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database();
