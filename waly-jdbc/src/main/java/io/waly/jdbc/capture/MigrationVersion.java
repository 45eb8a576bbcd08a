package io.waly.jdbc.capture;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * The database's migration version as the writers of one log see it, recorded in every BEGIN ({@code dbVersion},
 * FORMAT.md): the {@code version} of the latest successful row written to Flyway's {@code flyway_schema_history}, or
 * the {@code id} of the latest row written to Liquibase's {@code databasechangelog}. Seen being written through the
 * driver (a migration tool writes its history row in the migration's transaction), or the version WAL-y's own marker
 * set ({@link SchemaMarker}); before any is seen, read once — from the history table, else from the marker's database
 * setting — when a connection begins its first transaction outside a transaction block, so that a log started on a
 * database already migrated knows where it stands.
 *
 * <p>Shared by the connections of one log (they write to one database); thread-safe.
 */
public final class MigrationVersion {
    /** Flyway's history table and the column holding a migration's version. */
    static final String FLYWAY = "flyway_schema_history";
    /** Liquibase's history table and the column holding a change set's id. */
    static final String LIQUIBASE = "databasechangelog";

    private volatile String current;
    private volatile boolean asked;

    /** The version last seen, or null when none is known. */
    public String current() {
        return current;
    }

    /** The version a statement that succeeded writes into a history table; null when it writes none. */
    public static String written(Command command, List<Value> params) {
        if (!(command instanceof Command.Insert ins) || ins.table() == null || ins.columns() == null || ins.rows() == null) return null;
        String table = ins.table().name().toLowerCase(Locale.ROOT);
        String column = table.equals(FLYWAY) ? "version" : table.equals(LIQUIBASE) ? "id" : null;
        if (column == null) return null;
        int at = indexOf(ins.columns(), column);
        int success = table.equals(FLYWAY) ? indexOf(ins.columns(), "success") : -1;
        String version = null;
        for (List<Expr> row : ins.rows()) {
            if (at >= row.size()) continue;
            Value v = value(row.get(at), params);
            if (v == null || v.isNull()) continue;   // a repeatable Flyway migration has no version
            if (success >= 0 && success < row.size()) {
                Value ok = value(row.get(success), params);
                if (ok != null && !ok.isNull() && !isTrue(ok)) continue;   // a failed migration's row
            }
            version = String.valueOf(v.value());
        }
        return version;
    }

    /** Notes the version WAL-y's own marker set, once its transaction committed ({@link SchemaMarker}). */
    void marked(String version) {
        current = version;
        asked = true;
    }

    /** Notes what a statement that succeeded wrote into a history table. */
    void seen(Command command, List<Value> params) {
        String v = written(command, params);
        if (v != null) {
            current = v;
            asked = true;
        }
    }

    /**
     * Reads the version from the database once per log, on a connection outside a transaction block (a failing
     * question would otherwise abort the application's transaction): {@code to_regclass} tells first whether a
     * history table is on the search path at all. True when it asked (the caller ends what the question opened).
     */
    boolean readOnce(Connection c) throws SQLException {
        if (asked) return false;
        asked = true;
        try (Statement s = c.createStatement()) {
            String table = null;
            try (ResultSet rs = s.executeQuery("SELECT pg_catalog.to_regclass('" + FLYWAY + "') IS NOT NULL, "
                    + "pg_catalog.to_regclass('" + LIQUIBASE + "') IS NOT NULL")) {
                rs.next();
                if (rs.getBoolean(1)) table = FLYWAY;
                else if (rs.getBoolean(2)) table = LIQUIBASE;
            }
            if (table == null) {
                // no migration tool: WAL-y's own marker, kept as a database setting (SchemaMarker)
                try (ResultSet rs = s.executeQuery("SELECT pg_catalog.current_setting('" + SchemaMarker.SETTING + "', true)")) {
                    if (rs.next() && rs.getString(1) != null && !rs.getString(1).isEmpty() && current == null) current = rs.getString(1);
                }
                return true;
            }
            String q = table.equals(FLYWAY)
                    ? "SELECT version FROM " + FLYWAY + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1"
                    : "SELECT id FROM " + LIQUIBASE + " ORDER BY orderexecuted DESC LIMIT 1";
            try (ResultSet rs = s.executeQuery(q)) {
                if (rs.next() && current == null) current = rs.getString(1);
            }
        }
        return true;
    }

    private static int indexOf(List<String> columns, String name) {
        for (int i = 0; i < columns.size(); i++) if (columns.get(i).equalsIgnoreCase(name)) return i;
        return Integer.MAX_VALUE;
    }

    private static Value value(Expr e, List<Value> params) {
        if (e instanceof Expr.Literal l) return l.value();
        if (e instanceof Expr.Cast c) return value(c.operand(), params);
        if (e instanceof Expr.Param p && params != null && p.index() >= 1 && p.index() <= params.size()) return params.get(p.index() - 1);
        return null;
    }

    private static boolean isTrue(Value v) {
        Object x = v.value();
        if (x instanceof Boolean b) return b;
        String t = String.valueOf(x).trim().toLowerCase(Locale.ROOT);
        return t.equals("t") || t.equals("true") || t.equals("1") || t.equals("yes") || t.equals("on");
    }
}
