package io.waly.jdbc.replay;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The catalog of a database's user schemas (all but {@code pg_catalog}, {@code information_schema}, {@code pg_toast*},
 * {@code pg_temp*}, and the schemas of WAL-y's versioned views, {@code waly_v_*}, which no replay makes) and of its
 * database-wide objects, as text free of OIDs: two databases built by the same statements have equal snapshots,
 * whatever their OIDs. Where {@link TableChecksums} proves the rows, this proves the
 * schema, the grants, the comments and the sequences' state, so that a restore can be checked as a whole.
 *
 * <p>A snapshot is a map: object ("table public.t") → property ("column x type") → value ("integer"). Every catalog
 * query below returns rows of that shape ({@code kind, name, property, value}); a null value is an absent property.
 * Roles are named, never numbered: ownership and grants name roles, which are the cluster's, not the database's.
 * Every value is cast to text: a VALUES list takes its column's type from its first row, and a {@code name} there
 * would cut every later value to 63 bytes.
 */
public final class CatalogSnapshot {

    /** The namespaces a snapshot covers; {@code %1$s} in the queries is the namespace's OID column. */
    private static final String USER_NAMESPACE = """
            %1$s IN (SELECT oid FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema')
                     AND nspname NOT LIKE 'pg\\_toast%%' AND nspname NOT LIKE 'pg\\_temp%%'
                     AND nspname NOT LIKE 'waly\\_v\\_%%')""";

    private static final String SCHEMAS = """
            SELECT 'schema', quote_ident(n.nspname), p.prop, p.value
            FROM pg_namespace n,
                 LATERAL (VALUES ('owner', pg_get_userbyid(n.nspowner)::text), ('acl', n.nspacl::text),
                                 ('comment', obj_description(n.oid, 'pg_namespace'))) p(prop, value)
            WHERE %s""".formatted(USER_NAMESPACE.formatted("n.oid"));

    /** Tables of every kind, views, matviews, foreign tables, composite types, sequences; indexes come below. */
    private static final String RELATIONS = """
            SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
                     WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'composite type'
                     WHEN 'S' THEN 'sequence' END,
                   quote_ident(n.nspname) || '.' || quote_ident(c.relname), p.prop, p.value
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_am am ON am.oid = c.relam
            LEFT JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
            LEFT JOIN pg_foreign_server fs ON fs.oid = ft.ftserver,
            LATERAL (VALUES
                ('owner', pg_get_userbyid(c.relowner)::text),
                ('acl', c.relacl::text),
                ('comment', obj_description(c.oid, 'pg_class')),
                ('persistence', c.relpersistence::text),
                ('access method', am.amname::text),
                ('options', array_to_string(c.reloptions, ', ')),
                ('row security', CASE WHEN c.relrowsecurity THEN 'enabled' || CASE WHEN c.relforcerowsecurity THEN ', forced' ELSE '' END END),
                ('replica identity', c.relreplident::text),
                ('partition key', CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END),
                ('partition of', (SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid AND c.relispartition)),
                ('partition bound', pg_get_expr(c.relpartbound, c.oid)),
                ('inherits', (SELECT string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno) FROM pg_inherits i
                              WHERE i.inhrelid = c.oid AND NOT c.relispartition)),
                ('definition', CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END),
                ('populated', CASE WHEN c.relkind = 'm' THEN c.relispopulated::text END),
                ('server', fs.srvname::text),
                ('foreign options', array_to_string(ft.ftoptions, ', '))) p(prop, value)
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c', 'S') AND %s""".formatted(USER_NAMESPACE.formatted("c.relnamespace"));

    /** Columns as properties of their relation ("column x type"); dropped columns are gone, the order stays. */
    private static final String COLUMNS = """
            SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
                     WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'composite type' END,
                   quote_ident(n.nspname) || '.' || quote_ident(c.relname), 'column ' || quote_ident(a.attname) || ' ' || p.prop, p.value
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_collation co ON co.oid = a.attcollation
            LEFT JOIN pg_type t ON t.oid = a.atttypid,
            LATERAL (VALUES
                ('position', (SELECT count(*) FROM pg_attribute b WHERE b.attrelid = a.attrelid AND b.attnum > 0
                              AND NOT b.attisdropped AND b.attnum <= a.attnum)::text),
                ('type', format_type(a.atttypid, a.atttypmod)),
                ('not null', CASE WHEN a.attnotnull THEN 'true' END),
                ('default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END),
                ('generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END),
                ('identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END),
                ('collation', CASE WHEN a.attcollation <> t.typcollation THEN quote_ident(co.collname) END),
                ('storage', CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END),
                ('compression', nullif(a.attcompression::text, '')),
                ('options', array_to_string(a.attoptions, ', ')),
                ('acl', a.attacl::text),
                ('comment', col_description(c.oid, a.attnum))) p(prop, value)
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
              AND %s""".formatted(USER_NAMESPACE.formatted("c.relnamespace"));

    /** Constraints of tables and of domains, named with their owner: their names are only unique per owner. */
    private static final String CONSTRAINTS = """
            SELECT 'constraint', quote_ident(co.conname) || ' on ' || CASE WHEN co.conrelid <> 0 THEN co.conrelid::regclass::text
                                                                ELSE 'domain ' || co.contypid::regtype::text END, p.prop, p.value
            FROM pg_constraint co,
                 LATERAL (VALUES ('definition', pg_get_constraintdef(co.oid)),
                                 ('deferrable', CASE WHEN co.condeferrable THEN CASE WHEN co.condeferred THEN 'initially deferred' ELSE 'initially immediate' END END),
                                 ('validated', co.convalidated::text),
                                 ('comment', obj_description(co.oid, 'pg_constraint'))) p(prop, value)
            WHERE (co.conrelid <> 0 OR co.contypid <> 0) AND %s""".formatted(USER_NAMESPACE.formatted("co.connamespace"));

    private static final String INDEXES = """
            SELECT 'index', quote_ident(n.nspname) || '.' || quote_ident(c.relname), p.prop, p.value
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace,
                 LATERAL (VALUES ('definition', pg_get_indexdef(i.indexrelid)),
                                 ('clustered', CASE WHEN i.indisclustered THEN 'true' END),
                                 ('replica identity', CASE WHEN i.indisreplident THEN 'true' END),
                                 ('valid', i.indisvalid::text),
                                 ('options', array_to_string(c.reloptions, ', ')),
                                 ('comment', obj_description(c.oid, 'pg_class'))) p(prop, value)
            WHERE %s""".formatted(USER_NAMESPACE.formatted("c.relnamespace"));

    /** A sequence's parameters; its state (last_value, is_called) is read from the sequence itself, see {@link #of}. */
    private static final String SEQUENCES = """
            SELECT 'sequence', quote_ident(n.nspname) || '.' || quote_ident(c.relname), p.prop, p.value
            FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace,
                 LATERAL (VALUES ('type', format_type(s.seqtypid, NULL)), ('start', s.seqstart::text),
                                 ('increment', s.seqincrement::text), ('min', s.seqmin::text), ('max', s.seqmax::text),
                                 ('cache', s.seqcache::text), ('cycle', s.seqcycle::text),
                                 ('owned by', (SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname)
                                               FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                                               WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))) p(prop, value)
            WHERE %s""".formatted(USER_NAMESPACE.formatted("c.relnamespace"));

    private static final String SEQUENCE_NAMES = """
            SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND %s
            ORDER BY 1""".formatted(USER_NAMESPACE.formatted("c.relnamespace"));

    /** Functions, procedures, aggregates and window functions, by their identity (name and argument types). */
    private static final String ROUTINES = """
            SELECT CASE f.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                     WHEN 'w' THEN 'window function' END,
                   quote_ident(n.nspname) || '.' || quote_ident(f.proname) || '(' || pg_get_function_identity_arguments(f.oid) || ')',
                   p.prop, p.value
            FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace
            LEFT JOIN pg_aggregate ag ON ag.aggfnoid = f.oid,
            LATERAL (VALUES
                ('owner', pg_get_userbyid(f.proowner)::text),
                ('acl', f.proacl::text),
                ('comment', obj_description(f.oid, 'pg_proc')),
                -- pg_get_functiondef refuses aggregates: those are described by their parts
                ('definition', CASE WHEN f.prokind <> 'a' THEN pg_get_functiondef(f.oid) END),
                ('result', CASE WHEN f.prokind = 'a' THEN pg_get_function_result(f.oid) END),
                ('transition', CASE WHEN f.prokind = 'a' THEN ag.aggtransfn::text || ' ' || format_type(ag.aggtranstype, NULL)
                                     || coalesce(' initially ' || ag.agginitval, '') END),
                ('final', nullif(ag.aggfinalfn::text, '-')),
                ('combine', nullif(ag.aggcombinefn::text, '-')),
                ('moving', nullif(ag.aggmtransfn::text, '-')),
                ('sort operator', CASE WHEN ag.aggsortop <> 0 THEN ag.aggsortop::regoperator::text END),
                ('aggregate kind', ag.aggkind::text)) p(prop, value)
            WHERE %s""".formatted(USER_NAMESPACE.formatted("f.pronamespace"));

    private static final String TRIGGERS = """
            SELECT 'trigger', quote_ident(t.tgname) || ' on ' || t.tgrelid::regclass::text, p.prop, p.value
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid,
                 LATERAL (VALUES ('definition', pg_get_triggerdef(t.oid)), ('enabled', t.tgenabled::text),
                                 ('comment', obj_description(t.oid, 'pg_trigger'))) p(prop, value)
            WHERE NOT t.tgisinternal AND %s""".formatted(USER_NAMESPACE.formatted("c.relnamespace"));

    /** Enums, domains, ranges, base and shell types, and standalone composite types (for their ACL and comment). */
    private static final String TYPES = """
            SELECT 'type', format_type(t.oid, NULL), p.prop, p.value
            FROM pg_type t
            LEFT JOIN pg_range r ON r.rngtypid = t.oid
            LEFT JOIN pg_collation co ON co.oid = t.typcollation,
            LATERAL (VALUES
                ('kind', t.typtype::text),
                ('owner', pg_get_userbyid(t.typowner)::text),
                ('acl', t.typacl::text),
                ('comment', obj_description(t.oid, 'pg_type')),
                ('labels', CASE WHEN t.typtype = 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                                                           FROM pg_enum e WHERE e.enumtypid = t.oid) END),
                ('base type', CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END),
                ('not null', CASE WHEN t.typnotnull THEN 'true' END),
                ('default', t.typdefault),
                ('collation', CASE WHEN t.typtype = 'd' AND t.typcollation <> 0 THEN quote_ident(co.collname) END),
                ('subtype', format_type(r.rngsubtype, NULL)),
                ('range functions', CASE WHEN r.rngtypid IS NOT NULL THEN concat_ws(' ', (SELECT opcname FROM pg_opclass WHERE oid = r.rngsubopc), nullif(r.rngcanonical::text, '-'),
                                                                              nullif(r.rngsubdiff::text, '-')) END),
                ('input/output', CASE WHEN t.typtype = 'b' THEN concat_ws(' ', t.typinput, t.typoutput, t.typreceive, t.typsend) END),
                ('storage', CASE WHEN t.typtype = 'b' THEN concat_ws(' ', t.typlen, t.typalign, t.typstorage, t.typbyval) END)) p(prop, value)
            WHERE (t.typtype IN ('b', 'd', 'e', 'r', 'm', 'p')
                   OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
              AND NOT EXISTS (SELECT FROM pg_type e WHERE e.typarray = t.oid)   -- the implicit array types
              AND %s""".formatted(USER_NAMESPACE.formatted("t.typnamespace"));

    private static final String POLICIES_AND_RULES = """
            SELECT 'policy', quote_ident(po.polname) || ' on ' || po.polrelid::regclass::text, p.prop, p.value
            FROM pg_policy po JOIN pg_class c ON c.oid = po.polrelid,
                 LATERAL (VALUES ('command', po.polcmd::text), ('permissive', po.polpermissive::text),
                                 ('roles', (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END, ', ' ORDER BY 1)
                                            FROM unnest(po.polroles) r)),
                                 ('using', pg_get_expr(po.polqual, po.polrelid)),
                                 ('with check', pg_get_expr(po.polwithcheck, po.polrelid)),
                                 ('comment', obj_description(po.oid, 'pg_policy'))) p(prop, value)
            WHERE %1$s
            UNION ALL
            SELECT 'rule', quote_ident(ru.rulename) || ' on ' || ru.ev_class::regclass::text, p.prop, p.value
            FROM pg_rewrite ru JOIN pg_class c ON c.oid = ru.ev_class,
                 LATERAL (VALUES ('definition', pg_get_ruledef(ru.oid)), ('enabled', ru.ev_enabled::text),
                                 ('comment', obj_description(ru.oid, 'pg_rewrite'))) p(prop, value)
            WHERE ru.rulename <> '_RETURN' AND %1$s""".formatted(USER_NAMESPACE.formatted("c.relnamespace"));

    /** Other schema objects a restore must bring back: operators, collations, extended statistics, default grants. */
    private static final String OTHER_SCHEMA_OBJECTS = """
            SELECT 'operator', o.oid::regoperator::text, p.prop, p.value
            FROM pg_operator o,
                 LATERAL (VALUES ('function', o.oprcode::text), ('owner', pg_get_userbyid(o.oprowner)::text),
                                 ('comment', obj_description(o.oid, 'pg_operator'))) p(prop, value)
            WHERE %1$s
            UNION ALL
            SELECT 'collation', quote_ident(n.nspname) || '.' || quote_ident(co.collname), p.prop, p.value
            FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace,
                 LATERAL (VALUES ('provider', co.collprovider::text), -- the ICU locale's column is named per version (colliculocale in 15 and 16, colllocale from 17)
                                 ('locale', concat_ws(' ', co.collcollate, co.collctype, to_jsonb(co) ->> 'colliculocale', to_jsonb(co) ->> 'colllocale')),
                                 ('deterministic', co.collisdeterministic::text), ('owner', pg_get_userbyid(co.collowner)::text)) p(prop, value)
            WHERE %2$s
            UNION ALL
            SELECT 'statistics', quote_ident(n.nspname) || '.' || quote_ident(s.stxname), p.prop, p.value
            FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace,
                 LATERAL (VALUES ('definition', pg_get_statisticsobjdef(s.oid)), ('owner', pg_get_userbyid(s.stxowner)::text)) p(prop, value)
            WHERE %3$s
            UNION ALL
            SELECT 'default privileges', pg_get_userbyid(d.defaclrole)::text || CASE WHEN d.defaclnamespace <> 0 THEN ' in ' || d.defaclnamespace::regnamespace::text ELSE '' END
                     || ' on ' || d.defaclobjtype::text, 'acl', d.defaclacl::text
            FROM pg_default_acl d""".formatted(USER_NAMESPACE.formatted("o.oprnamespace"),
            USER_NAMESPACE.formatted("co.collnamespace"), USER_NAMESPACE.formatted("s.stxnamespace"));

    /** Objects of the database that live in no schema. */
    private static final String DATABASE_OBJECTS = """
            SELECT 'extension', quote_ident(e.extname), 'version', e.extversion || ' in ' || e.extnamespace::regnamespace::text
            FROM pg_extension e
            UNION ALL
            SELECT 'foreign data wrapper', quote_ident(w.fdwname), p.prop, p.value
            FROM pg_foreign_data_wrapper w,
                 LATERAL (VALUES ('owner', pg_get_userbyid(w.fdwowner)::text), ('acl', w.fdwacl::text),
                                 ('options', array_to_string(w.fdwoptions, ', '))) p(prop, value)
            UNION ALL
            SELECT 'foreign server', quote_ident(s.srvname), p.prop, p.value
            FROM pg_foreign_server s,
                 LATERAL (VALUES ('owner', pg_get_userbyid(s.srvowner)::text), ('acl', s.srvacl::text),
                                 ('options', array_to_string(s.srvoptions, ', '))) p(prop, value)
            UNION ALL
            SELECT 'event trigger', quote_ident(t.evtname), p.prop, p.value
            FROM pg_event_trigger t,
                 LATERAL (VALUES ('event', t.evtevent::text), ('function', t.evtfoid::regproc::text),
                                 ('enabled', t.evtenabled::text)) p(prop, value)
            UNION ALL
            SELECT 'publication', quote_ident(pu.pubname), 'owner', pg_get_userbyid(pu.pubowner)::text
            FROM pg_publication pu""";

    private static final List<String> QUERIES = List.of(SCHEMAS, RELATIONS, COLUMNS, CONSTRAINTS, INDEXES, SEQUENCES,
            ROUTINES, TRIGGERS, TYPES, POLICIES_AND_RULES, OTHER_SCHEMA_OBJECTS, DATABASE_OBJECTS);

    /** Object → property → value, both sorted. */
    private final SortedMap<String, SortedMap<String, String>> objects;

    private CatalogSnapshot(SortedMap<String, SortedMap<String, String>> objects) {
        this.objects = objects;
    }

    /**
     * Reads the catalog of the database {@code c} is connected to; needs a role that may read every sequence. The
     * connection's search_path is set to {@code pg_catalog} meanwhile, so that every name the server prints
     * (regclass, format_type, view definitions) is schema-qualified the same way on every database; it is restored after.
     */
    public static CatalogSnapshot of(Connection c) throws SQLException {
        SortedMap<String, SortedMap<String, String>> objects = new TreeMap<>();
        try (Statement s = c.createStatement()) {
            String searchPath;
            try (ResultSet rs = s.executeQuery("SELECT current_setting('search_path'), set_config('search_path', 'pg_catalog', false)")) {
                rs.next();
                searchPath = rs.getString(1);
            }
            try {
                read(s, objects);
            } finally {
                try (ResultSet rs = s.executeQuery("SELECT set_config('search_path', " + quoted(searchPath) + ", false)")) {
                    rs.next();
                }
            }
        }
        return new CatalogSnapshot(objects);
    }

    private static void read(Statement s, SortedMap<String, SortedMap<String, String>> objects) throws SQLException {
        for (String query : QUERIES) {
            try (ResultSet rs = s.executeQuery(query)) {
                while (rs.next()) {
                    SortedMap<String, String> properties = objects.computeIfAbsent(rs.getString(1) + " " + rs.getString(2), k -> new TreeMap<>());
                    if (rs.getString(4) != null) properties.put(rs.getString(3), rs.getString(4));
                }
            }
        }
        List<String> sequences = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(SEQUENCE_NAMES)) {
            while (rs.next()) sequences.add(rs.getString(1));
        }
        // the state is in the sequence relation itself: pg_sequences folds is_called into a null last_value
        for (String name : sequences) {
            try (ResultSet rs = s.executeQuery("SELECT last_value, is_called FROM " + name)) {
                rs.next();
                SortedMap<String, String> properties = objects.computeIfAbsent("sequence " + name, k -> new TreeMap<>());
                properties.put("last_value", rs.getString(1));
                properties.put("is_called", rs.getString(2));
            }
        }
    }

    private static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** Every object with its properties, for reading or for a caller's own comparison. */
    public SortedMap<String, SortedMap<String, String>> objects() {
        return java.util.Collections.unmodifiableSortedMap(objects);
    }

    /**
     * The differences between two snapshots, one line each, in object order: {@code table public.t: column x type
     * integer vs bigint}, {@code sequence public.s: last_value 7 vs 9}, {@code view public.v: only in the first}.
     * Empty when the catalogs are equal.
     */
    public static List<String> diff(CatalogSnapshot a, CatalogSnapshot b) {
        List<String> out = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(a.objects.keySet());
        names.addAll(b.objects.keySet());
        for (String name : names) {
            Map<String, String> pa = a.objects.get(name);
            Map<String, String> pb = b.objects.get(name);
            if (pa == null || pb == null) {
                out.add(name + ": only in the " + (pa == null ? "second" : "first"));
                continue;
            }
            TreeSet<String> properties = new TreeSet<>(pa.keySet());
            properties.addAll(pb.keySet());
            for (String p : properties) {
                String va = pa.get(p);
                String vb = pb.get(p);
                if (!Objects.equals(va, vb)) out.add(name + ": " + p + " " + shown(va) + " vs " + shown(vb));
            }
        }
        return out;
    }

    private static String shown(String value) {
        return value == null ? "(none)" : value;
    }
}
