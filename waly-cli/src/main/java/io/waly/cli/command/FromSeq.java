package io.waly.cli.command;

import io.waly.cli.CliException;
import io.waly.jdbc.replay.ReplayCursor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
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
 * <p>The cursor is {@code JdbcReplayer}'s own ({@link ReplayCursor}, table {@code waly.replay_cursor}); this class only
 * decides what {@code --from-seq} means for it.
 */
final class FromSeq {
    private FromSeq() {}

    static void prepare(Path log, String url, Properties props, long fromSeq, boolean force, PrintWriter err) throws SQLException {
        String logId = LogEnd.logId(log);
        if (logId == null) throw CliException.usage("the log at " + log.toAbsolutePath() + " has no records");
        try (Connection c = DriverManager.getConnection(url, props)) {
            c.setAutoCommit(false);
            ReplayCursor replayCursor = new ReplayCursor(c, logId);
            ReplayCursor.Position at = replayCursor.readIfPresent();
            Long cursor = at == null ? null : at.commitSeq();
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
            if (!ReplayCursor.targetHasUserTables(c) && !force) {
                c.rollback();
                throw CliException.usage("--from-seq " + fromSeq + " means the target already holds every transaction committed "
                        + "before sequence " + fromSeq + " (a snapshot restored up to " + (fromSeq - 1) + "), but it has no "
                        + "tables: restore the snapshot first, or use --force");
            }
            replayCursor.ensureTable();
            // restart_seq 1: the reader starts at the beginning and skips every transaction committed at or before N-1,
            // so a transaction that began before N and committed after it is applied whole
            replayCursor.advance(fromSeq - 1, 1, 0);
            c.commit();
            err.println("waly replay: cursor set to sequence " + (fromSeq - 1) + ": transactions committed before " + fromSeq
                    + " are taken as already in the target");
        }
    }

}
