package io.waly.jdbc.replay;

import io.waly.log.replay.ReplayPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The fallback cursor, for a replaying role that may not use replication origins: a row per log in the table
 * {@code waly.replay_cursor}, moved in the same transaction as the transactions applied. It is the one object of
 * WAL-y's a replay then leaves in the target (the summary says so); drop the schema {@code waly} once the target
 * is no longer to be resumed.
 */
final class TableCursor implements ReplayCursor {
    static final String TABLE = "waly.replay_cursor";

    private final Connection target;
    private final String logId;
    private PreparedStatement update;

    TableCursor(Connection target, String logId) {
        this.target = target;
        this.logId = logId;
    }

    static TableCursor open(Connection target, String logId) throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS waly");
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (log_id text PRIMARY KEY, commit_seq bigint NOT NULL, "
                    + "restart_seq bigint NOT NULL, transactions bigint NOT NULL DEFAULT 0, "
                    + "updated_at timestamptz NOT NULL DEFAULT pg_catalog.now())");
        }
        target.commit();
        return new TableCursor(target, logId);
    }

    /** True when the table exists and holds a position for this log (it was replayed here with the table cursor). */
    static boolean holds(Connection target, String logId) throws SQLException {
        try (Statement s = target.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_catalog.to_regclass('" + TABLE + "') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                target.commit();
                return false;
            }
        }
        boolean found = new TableCursor(target, logId).read() != null;
        target.commit();
        return found;
    }

    @Override
    public ReplayPosition read() throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT commit_seq, restart_seq FROM " + TABLE + " WHERE log_id = ?")) {
            ps.setString(1, logId);
            try (ResultSet rs = ps.executeQuery()) {
                ReplayPosition p = rs.next() ? new ReplayPosition(rs.getLong(1), rs.getLong(2)) : null;
                target.commit();
                return p;
            }
        }
    }

    @Override
    public void advance(ReplayPosition to, long transactions) throws SQLException {
        if (update == null) {
            update = target.prepareStatement("INSERT INTO " + TABLE + " (log_id, commit_seq, restart_seq, transactions, updated_at) "
                    + "VALUES (?, ?, ?, ?, pg_catalog.now()) ON CONFLICT (log_id) DO UPDATE SET commit_seq = EXCLUDED.commit_seq, "
                    + "restart_seq = EXCLUDED.restart_seq, transactions = " + TABLE + ".transactions OPERATOR(pg_catalog.+) "
                    + "EXCLUDED.transactions, updated_at = pg_catalog.now()");
        }
        update.setString(1, logId);
        update.setLong(2, to.commitSeq());
        update.setLong(3, to.restartSeq());
        update.setLong(4, transactions);
        update.executeUpdate();
    }

    @Override
    public String describe() {
        return "table " + TABLE + " (the replaying role may not use replication origins, or the server has no origin "
                + "slot left: grant the role EXECUTE on the pg_replication_origin_* functions or replay as a superuser, and "
                + "raise max_replication_slots, to leave nothing of WAL-y's in the target)";
    }

    @Override
    public void close() throws SQLException {
        if (update != null) update.close();
    }
}
