package io.waly.jdbc.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What replay needs to know of a target table to apply recorded row images: which columns can be written (not
 * generated), the primary key, and the sequences its columns own (to move them past the values images put in).
 * Forgotten after DDL.
 */
final class TargetCatalog {

    /**
     * {@code alwaysIdentity}: GENERATED ALWAYS AS IDENTITY columns, which an UPDATE may not set. {@code plain}: a table
     * (or partitioned table) without rules, whose statements' update counts are exactly the rows they changed — a view
     * or a rule may do work and count none.
     */
    /**
     * @param plain        a table (or partitioned table) without rules: its counts are its rows, it takes RETURNING
     * @param rowsTogether a plain table (not partitioned) without triggers of its own: several rows
     *                     inserted by one statement leave exactly what one statement per row leaves
     *                     ({@link MultiRowInserts})
     */
    record TableShape(String quotedName, List<String> writable, List<String> primaryKey, Map<String, String> sequences,
                      List<String> identityColumns, List<String> alwaysIdentity, boolean plain, boolean rowsTogether) {
        boolean identity() {
            return !identityColumns.isEmpty();
        }
    }

    private static final String QUERY = """
            SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname, a.attgenerated::text,
                   a.attidentity::text,
            """ + io.waly.jdbc.capture.EffectsCatalog.COLUMN_SEQUENCE + """
                   ,
                   EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)),
                   c.relkind IN ('r', 'p') AND NOT c.relhasrules,
                   c.relkind = 'r' AND NOT c.relhasrules
                   AND NOT EXISTS (SELECT 1 FROM pg_trigger tg WHERE tg.tgrelid = c.oid AND NOT tg.tgisinternal)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             WHERE c.oid = to_regclass(?)
             ORDER BY a.attnum""";

    private final Connection target;
    private final Map<String, TableShape> tables = new HashMap<>();

    TargetCatalog(Connection target) {
        this.target = target;
    }

    void invalidate() {
        tables.clear();
    }

    /** @param name {@code schema.table} as an effect names it */
    TableShape table(String name) throws SQLException {
        int dot = name.indexOf('.');
        return table(name, dot < 0 ? quote(name) : quote(name.substring(0, dot)) + "." + quote(name.substring(dot + 1)));
    }

    /**
     * The table a command names, resolved as the statement's own name is (an unqualified name through the session's
     * search_path, which differs between source connections: not kept).
     */
    TableShape table(io.waly.command.Command.Table t) throws SQLException {
        return t.schema() == null ? table(null, quote(t.name())) : table(t.qualified(), quote(t.schema()) + "." + quote(t.name()));
    }

    private TableShape table(String name, String regclass) throws SQLException {
        TableShape t = name == null ? null : tables.get(name);
        if (t != null) return t;
        try (PreparedStatement ps = target.prepareStatement(QUERY)) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                String quoted = null;
                List<String> writable = new ArrayList<>();
                List<String> pk = new ArrayList<>();
                Map<String, String> seqs = new HashMap<>();
                List<String> identity = new ArrayList<>();
                List<String> always = new ArrayList<>();
                boolean plain = false;
                boolean together = false;
                while (rs.next()) {
                    quoted = rs.getString(1);
                    String col = rs.getString(2);
                    String generated = rs.getString(3);
                    if (generated == null || generated.isEmpty()) writable.add(col);
                    String ident = rs.getString(4);
                    if (ident != null && !ident.isEmpty()) identity.add(col);
                    if ("a".equals(ident)) always.add(col);
                    if (rs.getString(5) != null) seqs.put(col, rs.getString(5));
                    if (rs.getBoolean(6)) pk.add(col);
                    plain = rs.getBoolean(7);
                    together = rs.getBoolean(8);
                }
                t = quoted == null ? null : new TableShape(quoted, writable, pk, seqs, identity, always, plain, together);
            }
        }
        if (t != null && name != null) tables.put(name, t);
        return t;
    }

    static String quote(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }
}
