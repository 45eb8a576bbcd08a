package io.waly.jdbc.versions;

import io.waly.model.Versions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Versioned views, the read side of a rolling deploy ({@code waly versions create|list|retire}): one schema per live
 * version ({@code waly_v_<version>}) holding, for each versioned table, a view that shows the table's rows in that
 * version's shape — the model's mappings from the database's version to it, composed step by step. An application
 * of that version reads its own shape by putting the schema first on its search path (pgjdbc's
 * {@code currentSchema=waly_v_1,public}). Created directly in the database, not through the driver: they are WAL-y's,
 * not the application's, so they are not in the log and a replay never makes them.
 */
public final class VersionViews {
    private VersionViews() {}

    /**
     * How many transactions of this JVM committed after dropping views ({@link MigrationViews}): a connection that put
     * views on its search path checks them again when this changes, so that it never reads through a schema that is
     * gone (the base table, in another version's shape) but makes its views again, or fails saying so.
     */
    private static final java.util.concurrent.atomic.AtomicInteger DROPS = new java.util.concurrent.atomic.AtomicInteger();

    static int drops() {
        return DROPS.get();
    }

    /** A transaction that dropped views committed. */
    public static void dropped() {
        DROPS.incrementAndGet();
    }

    /** The schema that holds version {@code v}'s views. */
    public static String schema(Versions.Version v) {
        return "waly_v_" + v.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    /**
     * Creates (or replaces) the views of version {@code view} over a database at version {@code current}; returns the
     * views made, qualified.
     */
    public static List<String> create(Connection c, Versions versions, Versions.Version view, Versions.Version current)
            throws SQLException {
        String schema = schema(view);
        List<String> made = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            s.execute("COMMENT ON SCHEMA " + schema + " IS '" + comment(view, current).replace("'", "''") + "'");
            for (String table : versions.tables()) {
                String name = table.substring(table.lastIndexOf('.') + 1);
                String sql = "CREATE OR REPLACE VIEW " + schema + "." + name + " AS " + select(versions, table, current, view);
                s.execute(sql);
                made.add(schema + "." + name);
            }
        }
        return made;
    }

    /** What the schema of {@code view}'s views says it holds: which version over which (its comment). */
    static String comment(Versions.Version view, Versions.Version current) {
        return "WAL-y: the views of schema version " + view.name() + " over a database at version " + current.name();
    }

    /** The query of a view: the table's rows mapped from {@code from} to {@code to}, one nested SELECT per step. */
    static String select(Versions versions, String table, Versions.Version from, Versions.Version to) throws SQLException {
        List<Versions.Mapping> path = versions.path(table, from, to);
        String q = "SELECT " + String.join(", ", versions.columns(table, to).keySet().stream().map(VersionViews::quote).toList())
                + " FROM " + table;
        if (path.isEmpty()) return q;
        String inner = "SELECT * FROM " + table;
        for (Versions.Mapping m : path) {
            if (m.java() != null) {
                // a view is SQL: PostgreSQL cannot call the JVM for each row it reads
                throw new SQLException("the views of version " + to.name() + " cannot be made: " + m.describe()
                        + " is a Java function (" + m.java().className() + "), and a view's columns must be SQL expressions", "0A000");
            }
            List<String> cols = new ArrayList<>();
            m.expressions().forEach((col, e) -> cols.add("(" + e + ")::" + m.toColumns().get(col) + " AS " + quote(col)));
            inner = "SELECT " + String.join(", ", cols) + " FROM (" + inner + ") AS r";
        }
        return inner;
    }

    private static String quote(String name) {
        return name.matches("[a-z_][a-z0-9_]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** The versions that have views here: schema → its views, and the comment that says over which version. */
    public static Map<String, List<String>> list(Connection c) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n.nspname, coalesce(pg_catalog.obj_description(n.oid, 'pg_namespace'), ''), "
                     + "v.relname FROM pg_catalog.pg_namespace n LEFT JOIN pg_catalog.pg_class v ON v.relnamespace = n.oid "
                     + "AND v.relkind = 'v' WHERE n.nspname LIKE 'waly\\_v\\_%' ORDER BY 1, 3")) {
            while (rs.next()) {
                List<String> views = out.computeIfAbsent(rs.getString(1) + " (" + rs.getString(2) + ")", k -> new ArrayList<>());
                if (rs.getString(3) != null) views.add(rs.getString(3));
            }
        }
        return out;
    }

    /** Drops version {@code v}'s views (its schema); false when it had none. */
    public static boolean retire(Connection c, Versions.Version v) throws SQLException {
        String schema = schema(v);
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = '" + schema + "'")) {
                if (!rs.next()) return false;
            }
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
        return true;
    }
}
