package io.waly.jdbc.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where a replay into a database stands, kept in the target itself ({@code waly.replay_cursor}) and updated in the
 * same transaction as each applied transaction: killed at any point and started again, replay neither applies
 * anything twice nor skips anything.
 */
public final class ReplayCursor {
    static final String TABLE = "waly.replay_cursor";

    /** Where replay stands: every transaction committed at or before {@code commitSeq} is in the target. */
    public record Position(long commitSeq, long restartSeq) {}

    private final Connection target;
    private final String logId;
    private PreparedStatement update;

    /** @param logId the log's id in hex, as {@code LogReader.logId()} gives it */
    public ReplayCursor(Connection target, String logId) {
        this.target = target;
        this.logId = logId;
    }

    /** Creates the cursor table if needed; committed on its own, before any replayed transaction. */
    public void ensureTable() throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS waly");
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (log_id text PRIMARY KEY, commit_seq bigint NOT NULL, "
                    + "restart_seq bigint NOT NULL, transactions bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now())");
        }
        target.commit();
    }

    /** The stored position without creating anything: null when the table or this log's row is not there. */
    public Position readIfPresent() throws SQLException {
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) return null;
        }
        return read();
    }

    /** The stored position, or null when this log was never replayed here. */
    public Position read() throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT commit_seq, restart_seq FROM " + TABLE + " WHERE log_id = ?")) {
            ps.setString(1, logId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Position(rs.getLong(1), rs.getLong(2)) : null;
            }
        }
    }

    /** Moves the cursor inside the current target transaction. */
    public void advance(long commitSeq, long restartSeq, long transactions) throws SQLException {
        if (update == null) {
            update = target.prepareStatement("INSERT INTO " + TABLE + " (log_id, commit_seq, restart_seq, transactions, updated_at) "
                    + "VALUES (?, ?, ?, ?, now()) ON CONFLICT (log_id) DO UPDATE SET commit_seq = EXCLUDED.commit_seq, "
                    + "restart_seq = EXCLUDED.restart_seq, transactions = " + TABLE + ".transactions + EXCLUDED.transactions, "
                    + "updated_at = now()");
        }
        update.setString(1, logId);
        update.setLong(2, commitSeq);
        update.setLong(3, restartSeq);
        update.setLong(4, transactions);
        update.executeUpdate();
    }

    /** True when the target holds tables of its own outside WAL-y's schema (so it is not a fresh restore target). */
    public static boolean targetHasUserTables(Connection target) throws SQLException {
        try (Statement s = target.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     + "WHERE c.relkind IN ('r','p','v','m','S','f') AND n.nspname NOT IN ('pg_catalog','information_schema','waly') "
                     + "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }
}
