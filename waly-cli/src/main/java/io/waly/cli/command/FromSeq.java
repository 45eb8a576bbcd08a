package io.waly.cli.command;

import io.waly.cli.CliException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * {@code replay --from-seq N}: "the target already holds every transaction committed before sequence N" — it was
 * restored from a snapshot (pg_dump, a base backup, an earlier replay) taken at N-1. A replay that starts in the middle
 * of a history into anything else cannot reproduce a database, so this is the only meaning it gets:
 *
 * <ul>
 *   <li>the target has no cursor for this log: the cursor is set to N-1, as if a replay had applied everything
 *       committed before N; the target must hold tables (the snapshot), unless {@code --force};</li>
 *   <li>the target has a cursor at or past N-1 (a replay from N was interrupted, or ran further): it resumes from the
 *       cursor, as any replay does;</li>
 *   <li>the target's cursor is before N-1: refused, because the transactions committed in between would be skipped.</li>
 * </ul>
 *
 * <p>The cursor table is {@code JdbcReplayer}'s ({@code waly.replay_cursor}); its builder has no {@code fromSeq} yet, so
 * the cursor is set here with the same definition. When the builder gets one, this class shrinks to the checks.
 */
final class FromSeq {
    private FromSeq() {}

    private static final String TABLE = "waly.replay_cursor";

    static void prepare(Path log, String url, Properties props, long fromSeq, boolean force, PrintWriter err) throws SQLException {
        String logId = LogEnd.logId(log);
        if (logId == null) throw CliException.usage("the log at " + log.toAbsolutePath() + " has no records");
        try (Connection c = DriverManager.getConnection(url, props)) {
            c.setAutoCommit(false);
            Long cursor = null;
            boolean tableExists;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
                rs.next();
                tableExists = rs.getBoolean(1);
            }
            if (tableExists) {
                try (PreparedStatement ps = c.prepareStatement("SELECT commit_seq FROM " + TABLE + " WHERE log_id = ?")) {
                    ps.setString(1, logId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) cursor = rs.getLong(1);
                    }
                }
            }
            if (cursor != null) {
                c.rollback();
                if (cursor >= fromSeq - 1) {
                    err.println("waly replay: the target's cursor is at sequence " + cursor + " (at or past --from-seq " + fromSeq
                            + " - 1): resuming from the cursor");
                    return;
                }
                throw CliException.usage("the target's cursor for this log is at sequence " + cursor + ": starting at " + fromSeq
                        + " would skip the transactions committed at " + (cursor + 1) + "…" + (fromSeq - 1)
                        + "; run without --from-seq to resume from the cursor");
            }
            if (!hasUserTables(c) && !force) {
                c.rollback();
                throw CliException.usage("--from-seq " + fromSeq + " means the target already holds every transaction committed "
                        + "before sequence " + fromSeq + " (a snapshot restored up to " + (fromSeq - 1) + "), but it has no "
                        + "tables: restore the snapshot first, or use --force");
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS waly");
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (log_id text PRIMARY KEY, commit_seq bigint NOT NULL, "
                        + "restart_seq bigint NOT NULL, transactions bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now())");
            }
            // restart_seq 1: the reader starts at the beginning and skips every transaction committed at or before N-1,
            // so a transaction that began before N and committed after it is applied whole
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                    + " (log_id, commit_seq, restart_seq, transactions, updated_at) VALUES (?, ?, 1, 0, now())")) {
                ps.setString(1, logId);
                ps.setLong(2, fromSeq - 1);
                ps.executeUpdate();
            }
            c.commit();
            err.println("waly replay: cursor set to sequence " + (fromSeq - 1) + ": transactions committed before " + fromSeq
                    + " are taken as already in the target");
        }
    }

    static boolean hasUserTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     + "WHERE c.relkind IN ('r','p','v','m','S','f') AND n.nspname NOT IN ('pg_catalog','information_schema','waly') "
                     + "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }
}
