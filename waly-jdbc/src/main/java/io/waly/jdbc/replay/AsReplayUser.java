package io.waly.jdbc.replay;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Replay's own work on the target — moving its cursor and its sequences — runs as the user that replays, whatever
 * role or session authorization the replayed sessions switched to ({@code SET ROLE}, {@code SET SESSION
 * AUTHORIZATION}): a replayed session's role may not be allowed to do it. The switch is {@code SET LOCAL}, so it ends
 * with the target transaction at the latest; mid-transaction, the replayed session's identity is put back after.
 * The work itself names every object schema-qualified, so the replayed sessions' {@code search_path} cannot reach it.
 */
final class AsReplayUser {
    private AsReplayUser() {}

    @FunctionalInterface
    interface Work {
        void run() throws SQLException;
    }

    /** Runs {@code work} as the replaying user until the end of the current transaction (which must follow). */
    static void untilCommit(Connection target, Work work) throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("SET LOCAL SESSION AUTHORIZATION DEFAULT; SET LOCAL ROLE NONE");
        }
        work.run();
    }

    /** Runs {@code work} as the replaying user, then gives the transaction the replayed session's identity back. */
    static void within(Connection target, Work work) throws SQLException {
        String authorization;
        String role;
        try (Statement s = target.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_catalog.current_setting('session_authorization'), "
                     + "pg_catalog.current_setting('role')")) {
            rs.next();
            authorization = rs.getString(1);
            role = rs.getString(2);
        }
        untilCommit(target, work);
        try (Statement s = target.createStatement()) {
            s.execute("SET LOCAL SESSION AUTHORIZATION " + TargetCatalog.quote(authorization) + "; SET LOCAL ROLE "
                    + ("none".equals(role) ? "NONE" : TargetCatalog.quote(role)));
        }
    }
}
