package io.waly.jdbc.replay;

import io.waly.log.replay.ReplayPosition;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where a replay into PostgreSQL stands, kept by the target itself and moved in the same transaction as the
 * transactions it applies: killed anywhere and run again, replay applies nothing twice and skips nothing.
 *
 * <p>The cursor lives where the application's schema cannot see it: in a replication origin
 * ({@link OriginCursor}, PostgreSQL's own mechanism for exactly this; a restored database then holds nothing of
 * WAL-y's). A target role that may not use replication origins keeps it in a table of WAL-y's
 * ({@link TableCursor}) — the documented fallback, reported in the replay's summary.
 */
interface ReplayCursor extends AutoCloseable {

    /** The stored position, or null when this log was never replayed into this database. */
    ReplayPosition read() throws SQLException;

    /**
     * Moves the cursor inside the target's current transaction (so it commits, or not, with what was applied). Runs
     * as the replaying user, whatever the replayed sessions did to their role.
     */
    void advance(ReplayPosition to, long transactions) throws SQLException;

    /** How the cursor is kept, for the summary. */
    String describe();

    @Override
    void close() throws SQLException;

    /**
     * A replication origin when the replaying role may use them and the server has a slot for one, else the table. A
     * log replayed into this database before keeps the kind of cursor it had.
     */
    static ReplayCursor open(Connection target, String logId) throws SQLException {
        if (TableCursor.holds(target, logId)) return TableCursor.open(target, logId);
        OriginCursor origin = OriginCursor.allowed(target) ? OriginCursor.open(target, logId) : null;
        return origin != null ? origin : TableCursor.open(target, logId);
    }
}
