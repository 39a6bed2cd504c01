-- Generic row generator, run as a superuser in the source database after the schema is loaded:
-- for each table in foreign-key order, INSERT :rows rows of type-appropriate values (foreign
-- keys pick existing rows, unique columns get distinct values). A table whose constraints reject
-- the rows is retried with NULL in every nullable column, then with one row; a table that still
-- fails stays empty and is reported (NOTICE "empty: ..."). Deterministic apart from defaults
-- such as now(). Materialized views are refreshed at the end.
\set ON_ERROR_STOP 1
CREATE SCHEMA equiv_gen;
-- The SQL expression of one value of type typ (domains resolved) for row number g.
CREATE FUNCTION equiv_gen.expr(typ oid, typmod int, col text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE t pg_type; base oid := typ; m int := typmod; n text;
BEGIN
    LOOP
        SELECT * INTO t FROM pg_type WHERE oid = base;
        EXIT WHEN t.typtype <> 'd';
        m := t.typtypmod; base := t.typbasetype;
    END LOOP;
    n := format_type(typ, typmod);
    IF t.typtype = 'e' THEN
        RETURN format('(enum_range(NULL::%1$s))[1 + g %% array_length(enum_range(NULL::%1$s), 1)]::%2$s', format_type(base, NULL), n);
    END IF;
    IF t.typcategory = 'A' THEN RETURN format('%L::%s', '{}', n); END IF;
    CASE format_type(base, NULL)
    WHEN 'smallint' THEN RETURN format('(g %% 30000)::%s', n);
    WHEN 'integer', 'bigint', 'oid' THEN RETURN format('g::%s', n);
    WHEN 'numeric', 'real', 'double precision', 'money' THEN RETURN format('(g %% 10)::%s', n);
    WHEN 'boolean' THEN RETURN format('(g %% 2 = 0)::%s', n);
    WHEN 'text', 'character varying', 'character', 'name', 'citext' THEN
        IF m > 4 AND format_type(base, NULL) <> 'citext' THEN
            RETURN format('right(%L || g, %s)::%s', col || '_', m - 4, n);
        END IF;
        RETURN format('(%L || g)::%s', col || '_', n);
    WHEN 'date' THEN RETURN format('(date %L + g)::%s', '2022-01-01', n);
    WHEN 'timestamp without time zone', 'timestamp with time zone' THEN
        RETURN format('(timestamp %L + g * interval %L)::%s', '2022-01-01', '37 minutes', n);
    WHEN 'time without time zone' THEN RETURN format('(time %L + g * interval %L)::%s', '00:00', '1 minute', n);
    WHEN 'interval' THEN RETURN format('(g * interval %L)::%s', '1 minute', n);
    WHEN 'uuid' THEN RETURN format('md5(%L || g)::uuid::%s', col, n);
    WHEN 'json', 'jsonb' THEN RETURN format('json_build_object(%L, g)::%s', col, n);
    WHEN 'bytea' THEN RETURN format('convert_to(%L || g, %L)::%s', col, 'UTF8', n);
    WHEN 'inet', 'cidr' THEN RETURN format('(%L || (g / 256) %% 256 || %L || g %% 256)::%s', '10.0.', '.', n);
    WHEN 'tsvector' THEN RETURN format('to_tsvector(%L, %L || g)', 'simple', col || ' ');
    WHEN 'xml' THEN RETURN format('xmlelement(name v, g)::%s', n);
    ELSE RETURN 'NULL';
    END CASE;
END $f$;

CREATE FUNCTION equiv_gen.fill(nrows int) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
    done oid[] := '{}'; todo oid[]; rel oid; progress bool; attempt int; n int;
    cols text[]; vals text[]; a record; fk record; e text; sql text; refcount bigint;
BEGIN
    SELECT array_agg(c.oid ORDER BY c.oid) INTO todo FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND s.nspname NOT IN ('pg_catalog', 'information_schema', 'equiv_gen') AND s.nspname NOT LIKE 'pg_toast%'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');
    WHILE coalesce(array_length(todo, 1), 0) > 0 LOOP
        -- the first table whose referenced tables are done (else the first: a cycle)
        rel := NULL;
        FOREACH rel IN ARRAY todo LOOP
            EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid IN (SELECT rel UNION SELECT relid FROM pg_partition_tree(rel))
                                  AND k.contype = 'f' AND k.confrelid <> rel AND k.confrelid = ANY (todo));
        END LOOP;
        IF rel IS NULL OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid IN (SELECT rel UNION SELECT relid FROM pg_partition_tree(rel))
                                  AND k.contype = 'f' AND k.confrelid <> rel AND k.confrelid = ANY (todo)) THEN
            rel := todo[1];
        END IF;
        todo := array_remove(todo, rel);
        FOR attempt IN 1..3 LOOP
            cols := '{}'; vals := '{}';
            n := CASE WHEN attempt = 3 THEN 1 ELSE nrows END;
            FOR a IN SELECT att.attname, att.atttypid, att.atttypmod, att.attnotnull, att.attnum,
                            att.atthasdef, att.attidentity, att.attgenerated,
                            EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = rel AND k.contype IN ('p', 'u')
                                    AND att.attnum = ANY (k.conkey)) AS is_unique
                     FROM pg_attribute att WHERE att.attrelid = rel AND att.attnum > 0 AND NOT att.attisdropped
                     ORDER BY att.attnum LOOP
                CONTINUE WHEN a.attgenerated <> '' OR a.attidentity = 'a';
                -- (a partitioned table's foreign keys may be declared on its partitions only)
                SELECT k.confrelid, k.confkey[array_position(c.cols, a.attname)] AS refnum INTO fk
                FROM pg_constraint k, LATERAL (SELECT array_agg(att2.attname::text ORDER BY u.ord) AS cols
                    FROM unnest(k.conkey) WITH ORDINALITY u(num, ord)
                    JOIN pg_attribute att2 ON att2.attrelid = k.conrelid AND att2.attnum = u.num) c
                WHERE k.conrelid IN (SELECT rel UNION SELECT relid FROM pg_partition_tree(rel)) AND k.contype = 'f'
                  AND a.attname::text = ANY (c.cols) ORDER BY k.oid LIMIT 1;
                IF FOUND THEN
                    IF fk.confrelid = rel THEN
                        CONTINUE WHEN NOT a.attnotnull;  -- self reference: NULL
                    END IF;
                    EXECUTE format('SELECT count(*) FROM %s', fk.confrelid::regclass) INTO refcount;
                    IF refcount = 0 THEN CONTINUE; END IF;
                    cols := cols || quote_ident(a.attname);
                    vals := vals || format('(SELECT r.%I FROM %s r ORDER BY r.ctid OFFSET (g %% %s) LIMIT 1)',
                        (SELECT attname FROM pg_attribute WHERE attrelid = fk.confrelid AND attnum = fk.refnum),
                        fk.confrelid::regclass, refcount);
                    CONTINUE;
                END IF;
                CONTINUE WHEN (a.atthasdef OR a.attidentity = 'd') AND NOT a.is_unique;
                CONTINUE WHEN a.atthasdef AND a.is_unique
                    AND pg_get_expr((SELECT adbin FROM pg_attrdef WHERE adrelid = rel AND adnum = a.attnum), rel) LIKE 'nextval(%';
                CONTINUE WHEN a.attidentity = 'd';
                CONTINUE WHEN attempt >= 2 AND NOT a.attnotnull;
                cols := cols || quote_ident(a.attname);
                vals := vals || equiv_gen.expr(a.atttypid, a.atttypmod, a.attname);
            END LOOP;
            IF array_length(cols, 1) IS NULL THEN
                sql := format('INSERT INTO %s SELECT FROM generate_series(1, %s) g', rel::regclass, n);
            ELSE
                sql := format('INSERT INTO %s (%s) SELECT %s FROM generate_series(1, %s) g',
                              rel::regclass, array_to_string(cols, ', '), array_to_string(vals, ', '), n);
            END IF;
            BEGIN
                EXECUTE sql;
                EXIT;
            EXCEPTION WHEN OTHERS THEN
                e := SQLERRM;
                IF attempt = 3 THEN
                    RAISE NOTICE 'empty: % (%)', rel::regclass, e;
                END IF;
            END;
        END LOOP;
    END LOOP;
END $f$;
SELECT equiv_gen.fill(:rows);
DROP SCHEMA equiv_gen CASCADE;
DO $$
DECLARE m regclass;
BEGIN
    FOR m IN SELECT c.oid FROM pg_class c WHERE c.relkind = 'm' ORDER BY c.oid LOOP
        EXECUTE format('REFRESH MATERIALIZED VIEW %s', m);
    END LOOP;
END $$;
