package io.waly.jdbc.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Leaves the application's transaction as a failed statement leaves it, for a statement WAL-y refuses itself (a policy's
 * refusal, a call of an application command that matches no declaration): the database answers an error of WAL-y's
 * own making, so the transaction is aborted (or, with pgjdbc's autosave, restored to before the error), exactly as after
 * any failed statement. Not logged: a failed statement changes nothing a replay needs.
 */
public final class FailedStatement {
    private FailedStatement() {}

    /** @param physical pgjdbc's connection; {@code state} a five-character SQLSTATE, {@code message} plain words */
    public static void abort(Connection physical, String state, String message) {
        try (Statement s = physical.createStatement()) {
            s.execute("DO $waly$BEGIN RAISE EXCEPTION USING ERRCODE = '" + state.replace("'", "")
                    + "', MESSAGE = '" + message.replace("'", "''").replace("$waly$", "") + "'; END$waly$");
        } catch (SQLException expected) {
            // the error is the point: the transaction is now as the database leaves it after a failed statement
        }
    }
}
