package io.waly.jdbc.replay;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A checksum per table of a database (row count and an MD5 over every row's text, in a stable order), for proving
 * that a replay reproduced a source: {@code waly check}, the demo and the tests compare these. WAL-y's own schema is
 * left out. Sequences are compared separately, by {@link #sequences}.
 */
public final class TableChecksums {
    private TableChecksums() {}

    /** Table (schema.name) → "rows=N md5=…". */
    public static Map<String, String> of(Connection c) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
                     + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p') "
                     + "AND n.nspname NOT IN ('pg_catalog','information_schema','waly') AND n.nspname NOT LIKE 'pg_toast%' "
                     + "AND n.nspname NOT LIKE 'pg_temp%' AND NOT c.relispartition ORDER BY 1")) {
            while (rs.next()) tables.add(rs.getString(1));
        }
        for (String t : tables) {
            try (Statement s = c.createStatement();
                 // ROW(r.*), not r: a bare r would name the table's own column r, if it has one, instead of the row
                 ResultSet rs = s.executeQuery("SELECT count(*), coalesce(md5(string_agg(ROW(r.*)::text, E'\\n' ORDER BY ROW(r.*)::text)), '') "
                         + "FROM " + t + " r")) {
                rs.next();
                out.put(t, "rows=" + rs.getLong(1) + " md5=" + rs.getString(2));
            }
        }
        return out;
    }

    /** Sequence (schema.name) → its last value (null when never called). */
    public static Map<String, Long> sequences(Connection c) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value "
                     + "FROM pg_sequences WHERE schemaname NOT IN ('waly') ORDER BY 1")) {
            while (rs.next()) {
                long v = rs.getLong(2);
                boolean neverCalled = rs.wasNull();   // asked before another column is read: wasNull is the last read's
                out.put(rs.getString(1), neverCalled ? null : v);
            }
        }
        return out;
    }

    /** Names of the tables whose checksums differ, or are in one database only. */
    public static List<String> differences(Map<String, String> a, Map<String, String> b) {
        List<String> out = new ArrayList<>();
        TreeMap<String, String> all = new TreeMap<>(a);
        b.forEach(all::putIfAbsent);
        for (String t : all.keySet()) if (!java.util.Objects.equals(a.get(t), b.get(t))) out.add(t);
        return out;
    }
}
