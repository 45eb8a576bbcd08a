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
 * that replay runs at a batch loader's pace; anything else flushes the batch first, so order holds. Also the cache of
 * the target's prepared statements.
 */
final class StatementBatch {

    /** Where a batch element came from, to name it when the batch fails. */
    record Origin(long seq, String sourceSql) {}

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
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

    private static final int MAX_BATCH = 2000;
    private static final int MAX_PREPARED = 256;

    private final Connection target;
    private final Map<String, PreparedStatement> prepared = new LinkedHashMap<>();
    private PreparedStatement batch;
    private String batchSql;
    private final List<Origin> origins = new ArrayList<>();

    StatementBatch(Connection target) {
        this.target = target;
    }

    void add(Origin origin, String sql, Binder binder) throws Failure, SQLException {
        if (!sql.equals(batchSql)) flush();
        if (batch == null) {
            batch = prepared(sql);
            batchSql = sql;
        }
        try {
            binder.bind(batch);
            batch.addBatch();
        } catch (SQLException e) {
            clear();
            throw new Failure(origin, e);
        }
        origins.add(origin);
        if (origins.size() >= MAX_BATCH) flush();
    }

    void flush() throws Failure {
        if (origins.isEmpty()) return;
        try {
            batch.executeBatch();
        } catch (SQLException e) {
            int failed = e instanceof BatchUpdateException b ? Math.min(b.getUpdateCounts().length, origins.size() - 1) : 0;
            Origin at = origins.get(failed);
            throw new Failure(at, e.getNextException() != null ? e.getNextException() : e);
        } finally {
            clear();
        }
    }

    /** Forgets the batch without sending it (the target transaction is being rolled back). */
    void clear() {
        origins.clear();
        batchSql = null;
        batch = null;
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
