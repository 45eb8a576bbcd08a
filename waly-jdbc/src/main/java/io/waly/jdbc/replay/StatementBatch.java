package io.waly.jdbc.replay;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Consecutive executions of one SQL text (across statements and transactions) go to the server as one JDBC batch, so
 * that replay runs at a batch loader's pace — and single-row INSERTs that {@link MultiRowInserts} allows as multi-row
 * INSERTs, faster than one; anything else flushes the batch first, so order holds. Also the cache of the target's
 * prepared statements.
 */
final class StatementBatch {

    /** Where a batch element came from, to name it when the batch fails. */
    record Origin(long seq, String sourceSql) {}

    @FunctionalInterface
    interface Binder {
        /** Binds one execution's parameters from placeholder {@code first} on (1 unless rows share a statement). */
        void bind(PreparedStatement ps, int first) throws SQLException;
    }

    /** A batch element failed on the target. */
    static final class Failure extends Exception {
        final Origin origin;

        Failure(Origin origin, SQLException cause) {
            super(cause);
            this.origin = origin;
        }

        SQLException sqlException() {
            return (SQLException) getCause();
        }
    }

    private record Pending(Origin origin, Binder binder) {}

    private static final int MAX_BATCH = 2000;
    private static final int MAX_PREPARED = 256;

    private final Connection target;
    private final Map<String, PreparedStatement> prepared = new LinkedHashMap<>();
    private String batchSql;
    private MultiRowInserts.Shape rows;
    private final List<Pending> pending = new ArrayList<>();

    StatementBatch(Connection target) {
        this.target = target;
    }

    /**
     * Adds an execution of {@code sql}, bound by {@code binder} when the batch is sent; {@code rows} (or null) is how
     * executions of it may share a statement.
     */
    void add(Origin origin, String sql, MultiRowInserts.Shape rows, Binder binder) throws Failure, SQLException {
        if (!sql.equals(batchSql)) flush();
        batchSql = sql;
        this.rows = rows;
        pending.add(new Pending(origin, binder));
        if (pending.size() >= MAX_BATCH) flush();
    }

    void flush() throws Failure {
        if (pending.isEmpty()) return;
        try {
            int sent = 0;
            if (rows != null && pending.size() > 1) {
                int per = rows.rowsPerStatement();
                int full = pending.size() / per;
                if (full > 0) send(rows.sql(per), 0, full, per);
                sent = full * per;
                // the rest in statements of 512, 256, … rows: a few texts per INSERT, each prepared once
                for (int size = Integer.highestOneBit(Math.max(1, per - 1)); size > 1; size >>= 1) {
                    if (pending.size() - sent >= size) {
                        send(rows.sql(size), sent, 1, size);
                        sent += size;
                    }
                }
            }
            if (sent < pending.size()) send(batchSql, sent, pending.size() - sent, 1);
        } finally {
            clear();
        }
    }

    /** Sends {@code statements} executions of {@code sql}, each binding {@code per} pending elements from {@code from}. */
    private void send(String sql, int from, int statements, int per) throws Failure {
        PreparedStatement ps;
        try {
            ps = prepared(sql);
        } catch (SQLException e) {
            throw new Failure(pending.get(from).origin, e);
        }
        int params = rows == null ? 0 : rows.params();
        for (int s = 0; s < statements; s++) {
            for (int r = 0; r < per; r++) {
                Pending p = pending.get(from + s * per + r);
                try {
                    p.binder.bind(ps, 1 + r * params);
                } catch (SQLException e) {
                    throw new Failure(p.origin, e);
                }
            }
            try {
                ps.addBatch();
            } catch (SQLException e) {
                throw new Failure(pending.get(from + s * per).origin, e);
            }
        }
        try {
            ps.executeBatch();
        } catch (SQLException e) {
            // the statement that failed (the first of its rows, when rows share one)
            int failed = e instanceof BatchUpdateException b ? Math.min(b.getUpdateCounts().length, statements - 1) : 0;
            throw new Failure(pending.get(from + failed * per).origin, e.getNextException() != null ? e.getNextException() : e);
        }
    }

    /** Forgets the batch without sending it (the target transaction is being rolled back). */
    void clear() {
        pending.clear();
        batchSql = null;
        rows = null;
    }

    /** The target's prepared statement for {@code sql}, kept for the next executions (the least recent goes first). */
    PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement ps = prepared.get(sql);
        if (ps == null) {
            if (prepared.size() > MAX_PREPARED) {
                PreparedStatement eldest = prepared.remove(prepared.keySet().iterator().next());
                eldest.close();
            }
            ps = target.prepareStatement(sql);
            prepared.put(sql, ps);
        }
        return ps;
    }
}
