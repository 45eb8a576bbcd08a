package io.waly.jdbc.capture;

import io.waly.command.Command;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What WAL-y knows about the tables writes go to: whether re-executing an INSERT could produce other values than the
 * source did (serial or identity columns, volatile column defaults such as {@code now()} or
 * {@code gen_random_uuid()}), the column types of the table's rows, its primary key, and whether it has inheritance
 * children (whose rows its key does not make unique). Looked up once per table name with a catalog
 * query that cannot fail ({@code to_regclass} answers NULL for an unknown name, so a lookup never aborts the
 * application's transaction), and forgotten on any DDL.
 */
public final class EffectsCatalog {

    /**
     * A table's facts; {@code qualifiedName} is {@code schema.table} as the catalog spells them (unquoted; what a
     * row effect's target names), {@code columnTypes} are PostgreSQL type names (int4, text, timestamptz, …).
     */
    public record TableInfo(String qualifiedName, boolean plainTable, boolean volatileDefaults, List<String> columns,
                            List<String> columnTypes, java.util.Map<String, String> sequences, List<String> primaryKey,
                            boolean hasChildren, java.util.Set<String> generatedColumns) {
        static final TableInfo UNKNOWN = new TableInfo(null, false, false, List.of(), List.of(), java.util.Map.of(), List.of(), false,
                java.util.Set.of());

        /** The columns a COPY without a column list reads, in order: every column but the generated ones. */
        public List<String> copyColumns() {
            return generatedColumns.isEmpty() ? columns : columns.stream().filter(c -> !generatedColumns.contains(c)).toList();
        }

        /** The table as SQL names it: {@code "schema"."name"}. */
        public String quotedName() {
            int dot = qualifiedName.indexOf('.');
            return quote(qualifiedName.substring(0, dot)) + "." + quote(qualifiedName.substring(dot + 1));
        }
    }

    /**
     * The sequence a column draws from (SQL over {@code c} pg_class, {@code n} pg_namespace, {@code a} pg_attribute):
     * the one it owns (serial, identity, OWNED BY), else one its default calls ({@code DEFAULT nextval('s')}), which
     * the default depends on. Shared by the capture's catalog and replay's, so both see the same sequences.
     */
    public static final String COLUMN_SEQUENCE = """
            coalesce(pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname),
                     (SELECT quote_ident(sn.nspname) || '.' || quote_ident(s.relname)
                        FROM pg_attrdef ad
                        JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = ad.oid
                                          AND dep.refclassid = 'pg_class'::regclass
                        JOIN pg_class s ON s.oid = dep.refobjid AND s.relkind = 'S'
                        JOIN pg_namespace sn ON sn.oid = s.relnamespace
                       WHERE ad.adrelid = c.oid AND ad.adnum = a.attnum
                       ORDER BY s.oid LIMIT 1))""";

    private static final String QUERY = """
            SELECT n.nspname, c.relname, c.relkind::text, a.attname, t.typname, a.attidentity::text, a.attgenerated::text,
                   pg_get_expr(d.adbin, d.adrelid),
            """ + COLUMN_SEQUENCE + """
                   ,
                   EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)),
                   c.relkind = 'r' AND c.relhassubclass,
                   c.relhasrules
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              JOIN pg_type t ON t.oid = a.atttypid
              LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
             WHERE c.oid = to_regclass(?)
             ORDER BY a.attnum""";

    private final ConcurrentHashMap<String, TableInfo> tables = new ConcurrentHashMap<>();
    /** Whether a role may read back a table's rows ({@link ReadRights}). */
    private final ConcurrentHashMap<Right, Boolean> readable = new ConcurrentHashMap<>();
    /** A role and a table: a key whose hash is its strings' cached ones (asked at every prepare of a write). */
    private record Right(String role, String table) {}

    public TableInfo lookup(Connection physical, Command.Table table) throws SQLException {
        String key = table.qualified();
        TableInfo info = tables.get(key);
        if (info != null) return info;
        info = query(physical, quoteName(table));
        tables.put(key, info);
        return info;
    }

    /** The table's facts asked of the database now, neither from nor into the cache (a table this transaction made). */
    TableInfo lookupFresh(Connection physical, Command.Table table) throws SQLException {
        return query(physical, quoteName(table));
    }

    /** What is known of the table without asking the database: null when it was not looked up since the last DDL. */
    public TableInfo cached(Command.Table table) {
        return tables.get(table.qualified());
    }

    public void invalidate() {
        tables.clear();
        readable.clear();
    }

    /** After GRANT, REVOKE and the other statements with no structured form: who may read what may have changed. */
    public void forgetRights() {
        readable.clear();
    }

    /** Whether {@code role} may read back the rows of the table, or null when not asked since the last change. */
    Boolean readable(String role, String qualifiedName) {
        return readable.get(new Right(role, qualifiedName));
    }

    /** Records an answer; true when it is news (the first answer for the role and table). */
    boolean learnReadable(String role, String qualifiedName, boolean mayRead) {
        return readable.put(new Right(role, qualifiedName), mayRead) == null;
    }

    private static TableInfo query(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(QUERY)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                String qualified = null;
                boolean plain = false;
                boolean vol = false;
                List<String> cols = new ArrayList<>();
                List<String> types = new ArrayList<>();
                java.util.Map<String, String> seqs = new java.util.LinkedHashMap<>();
                List<String> pk = new ArrayList<>();
                boolean children = false;
                java.util.Set<String> generated = new java.util.HashSet<>();
                while (rs.next()) {
                    qualified = rs.getString(1) + "." + rs.getString(2);
                    String kind = rs.getString(3);
                    // a rule may refuse RETURNING ("cannot perform INSERT RETURNING on relation …")
                    plain = (kind.equals("r") || kind.equals("p")) && !rs.getBoolean(12);
                    cols.add(rs.getString(4));
                    types.add(rs.getString(5));
                    String identity = rs.getString(6);
                    String dflt = rs.getString(8);
                    if (identity != null && !identity.isEmpty()) vol = true;
                    if (dflt != null && isVolatileDefault(dflt)) vol = true;
                    if (rs.getString(9) != null) seqs.put(rs.getString(4), rs.getString(9));
                    if (rs.getBoolean(10)) pk.add(rs.getString(4));
                    children = rs.getBoolean(11);
                    String gen = rs.getString(7);
                    if (gen != null && !gen.isEmpty()) generated.add(rs.getString(4));
                }
                if (qualified == null) return TableInfo.UNKNOWN;
                return new TableInfo(qualified, plain, vol, List.copyOf(cols), List.copyOf(types), java.util.Map.copyOf(seqs),
                        List.copyOf(pk), children, java.util.Set.copyOf(generated));
            }
        }
    }

    /**
     * Defaults whose value a replay could compute differently: any function call (nextval, now(), random(),
     * gen_random_uuid(), … — volatility is not known from the text, so every call counts) and the SQL value keywords
     * that read the clock or the session (CURRENT_TIMESTAMP, LOCALTIME, CURRENT_USER, …). Constants and casts of them
     * are not.
     */
    static boolean isVolatileDefault(String expr) {
        String e = expr.toLowerCase(java.util.Locale.ROOT);
        return e.contains("(") || e.contains("current_") || e.contains("localtime") || e.contains("session_user");
    }

    private static String quoteName(Command.Table t) {
        return t.schema() == null ? quote(t.name()) : quote(t.schema()) + "." + quote(t.name());
    }

    static String quote(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }
}
