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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The database's migration version as the writers of one log see it, recorded in every BEGIN ({@code dbVersion},
 * FORMAT.md): the {@code version} of the latest successful row written to Flyway's {@code flyway_schema_history}, or
 * the {@code id} of the latest row written to Liquibase's {@code databasechangelog}, or the version WAL-y's own marker
 * set ({@link SchemaMarker}). Two sources:
 *
 * <ul>
 *   <li><b>seen</b> in this process, when a transaction that wrote a history row or called the marker commits
 *       through a connection of the log ({@link #committed});</li>
 *   <li><b>read</b> from the database, on a connection outside a transaction block: once per log for a log whose
 *       model declares no versions ({@link #readOnce}, so that a log started on a database already migrated knows
 *       where it stands), and at most once per {@link #REREAD_NANOS} for one whose model does ({@link #readAgain}), so
 *       that a migration run by another process (another instance, another log) reaches the live versions' mapping
 *       and views.</li>
 * </ul>
 *
 * The latest knowledge wins: a version read replaces what was seen, unless something was seen while the read was under
 * way (its snapshot may predate that commit). A read that finds no version (no history row, no marker setting) leaves
 * what was seen: the marker of a user that may not alter the database is kept in this process only. An equal version
 * read again keeps the instance already held: {@code LiveVersion} compares it by identity.
 *
 * <p>Shared by the connections of one log (they write to one database); thread-safe.
 */
public final class MigrationVersion {
    /** Flyway's history table and the column holding a migration's version. */
    static final String FLYWAY = "flyway_schema_history";
    /** Liquibase's history table and the column holding a change set's id. */
    static final String LIQUIBASE = "databasechangelog";
    /**
     * How often, at most, a log whose model declares versions reads the database's version again. A constant, not a
     * setting: a second bounds how long another process's migration goes unseen by the live connections (their
     * writes unmapped, their views not switched), and costs one or two catalog queries per second per log, on one
     * idle connection — no workload needs it tuned either way.
     */
    public static final long REREAD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private volatile String current;
    private volatile boolean asked;
    /** When the next {@link #readAgain} is due (System.nanoTime); the connection that moves it on reads. */
    private final AtomicLong nextRead = new AtomicLong(System.nanoTime());
    /** Counts what was seen in this process: a read that began before the count moved is older than it. */
    private long seenCount;

    /** The version last seen or read, or null when none is known. */
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

    /**
     * Notes the version a transaction that committed set: the marker's ({@link SchemaMarker}), else the last history
     * row it wrote. Only at its commit: a migration rolled back leaves the version as it was.
     */
    synchronized void committed(String version) {
        seenCount++;
        asked = true;
        if (!version.equals(current)) current = version;
    }

    /**
     * Reads the version from the database once per log, on a connection outside a transaction block (a failing
     * question would otherwise abort the application's transaction). True when it asked (the caller ends what the
     * question opened).
     */
    boolean readOnce(Connection c) throws SQLException {
        if (asked) return false;
        asked = true;
        read(c);
        return true;
    }

    /**
     * Reads the version from the database when the last read is {@link #REREAD_NANOS} old, on a connection outside a
     * transaction block; of the log's connections that find it due at once, one reads. True when it asked.
     */
    boolean readAgain(Connection c) throws SQLException {
        long due = nextRead.get();
        long now = System.nanoTime();
        if (now - due < 0 || !nextRead.compareAndSet(due, now + REREAD_NANOS)) return false;
        asked = true;
        read(c);
        return true;
    }

    /**
     * Flyway's or Liquibase's latest row, else the marker's database setting. {@code to_regclass} tells first whether a
     * history table is on the search path at all. The setting is read from the catalog, where {@code ALTER DATABASE …
     * SET} writes it: a session's {@code current_setting} keeps what it was when the session started. A user the
     * catalog is closed to reads {@code current_setting}, right for the sessions that start after the marker.
     */
    private void read(Connection c) throws SQLException {
        long before;
        synchronized (this) {
            before = seenCount;
        }
        String found;
        try (Statement s = c.createStatement()) {
            String table = null;
            boolean catalog;
            try (ResultSet rs = s.executeQuery("SELECT pg_catalog.to_regclass('" + FLYWAY + "') IS NOT NULL, "
                    + "pg_catalog.to_regclass('" + LIQUIBASE + "') IS NOT NULL, "
                    + "pg_catalog.has_table_privilege('pg_catalog.pg_db_role_setting', 'SELECT')")) {
                rs.next();
                if (rs.getBoolean(1)) table = FLYWAY;
                else if (rs.getBoolean(2)) table = LIQUIBASE;
                catalog = rs.getBoolean(3);
            }
            String q;
            if (table != null) {
                q = table.equals(FLYWAY)
                        ? "SELECT version FROM " + FLYWAY + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1"
                        : "SELECT id FROM " + LIQUIBASE + " ORDER BY orderexecuted DESC LIMIT 1";
            } else if (catalog) {
                // the database's own setting (role 0), not one of a role in it
                String prefix = SchemaMarker.SETTING + "=";
                q = "SELECT pg_catalog.substr(x.s, " + (prefix.length() + 1) + ") FROM pg_catalog.pg_db_role_setting d, "
                        + "pg_catalog.unnest(d.setconfig) AS x(s) WHERE d.setrole = 0 AND d.setdatabase = (SELECT oid FROM "
                        + "pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) "
                        + "AND pg_catalog.strpos(x.s, '" + prefix + "') = 1";
            } else {
                q = "SELECT pg_catalog.current_setting('" + SchemaMarker.SETTING + "', true)";
            }
            try (ResultSet rs = s.executeQuery(q)) {
                found = rs.next() ? rs.getString(1) : null;
            }
        }
        if (found == null || found.isEmpty()) return;
        synchronized (this) {
            if (seenCount == before && !found.equals(current)) current = found;
        }
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
