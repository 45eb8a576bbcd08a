package io.waly.jdbc.replay;

import io.waly.log.replay.ReplayPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The cursor in a PostgreSQL replication origin: progress committed atomically with each applied transaction, in no
 * table of the target (origins are cluster-wide catalog state: {@code pg_dump} and the application never see them).
 * The origin is named for the log and the target database, {@code waly:<log id>:<database oid>} (origins are
 * cluster-wide; two databases of a server each have their own). This session is set up as that origin, and each
 * target transaction records the position with {@code pg_replication_origin_xact_setup}, so the position commits with
 * the transaction, or not at all. A commit with no transaction id records no origin progress, so each move also takes
 * one ({@code pg_current_xact_id()}).
 *
 * <p>An origin holds one 64-bit position (an LSN), and a replay position is two numbers: the commit sequence and the
 * restart sequence at or before it. Both fit: the high 48 bits hold the commit sequence (up to 2^48 − 1, beyond which
 * the table cursor is used), the low 16 bits how far before it reading restarts, as a number rounded <em>up</em>
 * ({@link #encodeDistance}: 12 bits of mantissa, 4 of exponent, within 1/4096 of the distance, up to about 134 million
 * records; all ones means "from the first record"). Rounded up, the stored restart is never after the real one:
 * replay then reads a little more, and skips what committed at or before the cursor.
 *
 * <p>Each origin with progress takes one of the server's replication-origin slots ({@code max_replication_slots},
 * 10 by default). When none is free, the replay keeps its cursor in the table instead and says so.
 */
final class OriginCursor implements ReplayCursor {

    private static final String[] FUNCTIONS = {
            "pg_replication_origin_create(text)", "pg_replication_origin_oid(text)", "pg_replication_origin_progress(text, boolean)",
            "pg_replication_origin_session_setup(text)", "pg_replication_origin_session_reset()",
            "pg_replication_origin_xact_setup(pg_lsn, timestamp with time zone)", "pg_replication_origin_drop(text)"};

    /** The highest commit sequence an origin position can hold. */
    static final long MAX_COMMIT_SEQ = (1L << 48) - 1;
    private static final int FROM_FIRST = 0xFFFF;

    private final Connection target;
    private final String origin;
    private PreparedStatement move;

    private OriginCursor(Connection target, String origin) {
        this.target = target;
        this.origin = origin;
    }

    /** True when the connected role may create and use replication origins (a superuser, or granted each function). */
    static boolean allowed(Connection c) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT coalesce((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user), false) OR (");
        for (int i = 0; i < FUNCTIONS.length; i++) {
            if (i > 0) sql.append(" AND ");
            sql.append("pg_catalog.has_function_privilege('pg_catalog.").append(FUNCTIONS[i]).append("', 'EXECUTE')");
        }
        sql.append(')');
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * The origin of this log and database, created if needed and claimed by this session; null when the server has no
     * replication-origin slot left for it (the caller falls back to the table).
     */
    static OriginCursor open(Connection target, String logId) throws SQLException {
        long dbOid;
        try (Statement s = target.createStatement();
             ResultSet rs = s.executeQuery("SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()")) {
            rs.next();
            dbOid = rs.getLong(1);
        }
        OriginCursor c = new OriginCursor(target, "waly:" + logId + ":" + dbOid);
        c.dropOrphans();
        try (Statement s = target.createStatement()) {
            s.execute("SELECT pg_catalog.pg_replication_origin_create(" + literal(c.origin) + ") "
                    + "WHERE pg_catalog.pg_replication_origin_oid(" + literal(c.origin) + ") IS NULL");
            // claimed by this session until it ends: a second replay of this log into this database is refused
            s.execute("SELECT pg_catalog.pg_replication_origin_session_setup(" + literal(c.origin) + ")");
        } catch (SQLException e) {
            target.rollback();
            if (!io.waly.jdbc.WalyState.CONFIGURATION_LIMIT_EXCEEDED.is(e.getSQLState())) throw e;
            try (Statement s = target.createStatement()) {   // no slot left: the origin would only be clutter
                s.execute("SELECT pg_catalog.pg_replication_origin_drop(" + literal(c.origin) + ") "
                        + "WHERE pg_catalog.pg_replication_origin_progress(" + literal(c.origin) + ", false) IS NULL");
            }
            target.commit();
            return null;
        }
        target.commit();
        return c;
    }

    /** The position stored for this log and database, read without claiming the origin; null when there is none. */
    static ReplayPosition peek(Connection target, String logId) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT pg_catalog.pg_replication_origin_progress(o.roname, false) "
                + "FROM pg_catalog.pg_replication_origin o WHERE o.roname = 'waly:' || ? || ':' || (SELECT oid FROM "
                + "pg_catalog.pg_database WHERE datname = pg_catalog.current_database())")) {
            ps.setString(1, logId);
            try (ResultSet rs = ps.executeQuery()) {
                String lsn = rs.next() ? rs.getString(1) : null;
                return lsn == null ? null : decode(fromLsn(lsn));
            }
        }
    }

    /** Origins of WAL-y's named for databases that no longer exist (dropped targets) are removed. */
    private void dropOrphans() throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("SELECT pg_catalog.pg_replication_origin_drop(roname) FROM pg_catalog.pg_replication_origin "
                    + "WHERE roname ~ '^waly:[0-9a-f]+:[0-9]+$' "
                    + "AND split_part(roname, ':', 3)::oid NOT IN (SELECT oid FROM pg_catalog.pg_database)");
        }
        target.commit();
    }

    @Override
    public ReplayPosition read() throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT pg_catalog.pg_replication_origin_progress(?, false)")) {
            ps.setString(1, origin);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String lsn = rs.getString(1);
                target.commit();
                return lsn == null ? null : decode(fromLsn(lsn));
            }
        }
    }

    @Override
    public void advance(ReplayPosition to, long transactions) throws SQLException {
        if (move == null) {
            move = target.prepareStatement("SELECT pg_catalog.pg_current_xact_id(), "
                    + "pg_catalog.pg_replication_origin_xact_setup(?::pg_lsn, pg_catalog.now())");
        }
        move.setString(1, toLsn(encode(to)));
        move.executeQuery().close();
    }

    /** A position as one 64-bit value: the commit sequence, and the distance back to the restart point rounded up. */
    static long encode(ReplayPosition p) {
        if (p.commitSeq() > MAX_COMMIT_SEQ) {
            throw new IllegalArgumentException("commit sequence " + p.commitSeq() + " is beyond what an origin can hold");
        }
        return (p.commitSeq() << 16) | encodeDistance(p.commitSeq() - p.restartSeq());
    }

    static ReplayPosition decode(long v) {
        long commit = v >>> 16;
        int code = (int) (v & 0xFFFF);
        if (code == FROM_FIRST) return new ReplayPosition(commit, 1);
        return new ReplayPosition(commit, Math.max(1, commit - decodeDistance(code)));
    }

    /**
     * A non-negative distance in 16 bits, rounded up: {@code mantissa << exponent} with a 12-bit mantissa and a 4-bit
     * exponent; {@link #FROM_FIRST} for what does not fit (and for a negative distance, which a restart after its commit
     * would be: reading from the first record is always safe).
     */
    static int encodeDistance(long d) {
        if (d < 0) return FROM_FIRST;
        for (int e = 0; e < 16; e++) {
            long m = (d + (1L << e) - 1) >> e;   // ceil(d / 2^e)
            if (m < 4096) {
                int code = (e << 12) | (int) m;
                return code == FROM_FIRST ? FROM_FIRST : code;
            }
        }
        return FROM_FIRST;
    }

    static long decodeDistance(int code) {
        return (long) (code & 0xFFF) << (code >>> 12);
    }

    @Override
    public String describe() {
        return "replication origin " + origin;
    }

    @Override
    public void close() throws SQLException {
        if (move != null) move.close();
        if (target.isClosed()) return;
        try (Statement s = target.createStatement()) {
            s.execute("SELECT pg_catalog.pg_replication_origin_session_reset()");
        }
    }

    static String toLsn(long seq) {
        return Long.toHexString(seq >>> 32).toUpperCase() + "/" + Long.toHexString(seq & 0xFFFFFFFFL).toUpperCase();
    }

    static long fromLsn(String lsn) {
        int slash = lsn.indexOf('/');
        return (Long.parseLong(lsn.substring(0, slash), 16) << 32) | Long.parseLong(lsn.substring(slash + 1), 16);
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
