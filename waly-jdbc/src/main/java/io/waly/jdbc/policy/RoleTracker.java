package io.waly.jdbc.policy;

import io.waly.jdbc.capture.ReadRights;
import io.waly.jdbc.capture.StatementLog;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The role a connection's statements run as, for rules that name {@code roles:}: the database's {@code current_user},
 * asked when the connection opens, after every statement that may have changed it, and after the end of a transaction
 * (or a rollback to a savepoint) in which such a statement ran. Asking instead of reading the SQL follows every way
 * PostgreSQL has of changing the role exactly: SET ROLE, SET SESSION AUTHORIZATION, RESET ROLE / ALL, DISCARD ALL, a
 * SET undone by ROLLBACK or ROLLBACK TO, a SET LOCAL ending with its transaction, and a role set where WAL-y cannot see
 * it (a DO block, a procedure, a function calling {@code set_config('role', …)}). Made only when a rule names roles:
 * without one, nothing is asked.
 *
 * <p>{@link #role} is null when the question could not be asked (the transaction is aborted, the connection broke): the
 * rules then read it as their safest reading ({@code Policies.decide}), until the next question succeeds — at the
 * latest after the transaction ends.
 */
final class RoleTracker {
    private final Connection physical;
    private String role;
    /** A statement of the open transaction may have changed the role: its end (or a rollback in it) may undo that. */
    private boolean changedInTransaction;

    RoleTracker(Connection physical) throws SQLException {
        this.physical = physical;
        this.role = ask();
        if (role == null) role = physical.getMetaData().getUserName();
    }

    /** The role statements run as now; null when unknown. */
    String role() {
        return role;
    }

    /** After a write ran or failed; true when the role was asked again and differs. */
    boolean afterWrite(List<StatementLog> statements) {
        for (StatementLog st : statements) {
            if (ReadRights.mayChangeRole(st.info().command())) {
                changedInTransaction = true;   // cleared by the end of the transaction; harmless in autocommit
                return update();
            }
        }
        return false;
    }

    /** After COMMIT, ROLLBACK or PREPARE TRANSACTION; true when the role differs after it. */
    boolean transactionEnded() {
        if (!changedInTransaction) return false;
        changedInTransaction = false;
        return update();
    }

    /** After ROLLBACK TO SAVEPOINT, which undoes a SET ROLE made after the savepoint. */
    boolean rolledBackToSavepoint() {
        return changedInTransaction && update();
    }

    private boolean update() {
        String now = ask();
        if (java.util.Objects.equals(now, role)) return false;
        role = now;
        return true;
    }

    /**
     * current_user, or null when it cannot be asked (an aborted transaction). On an idle connection outside autocommit
     * the question opens a transaction of its own, ended at once, so the application's next transaction still starts
     * with its own statement.
     */
    private String ask() {
        try {
            TransactionState state = physical.unwrap(BaseConnection.class).getTransactionState();
            if (state == TransactionState.FAILED) return null;
            String user;
            try (Statement s = physical.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
                rs.next();
                user = rs.getString(1);
            }
            if (state == TransactionState.IDLE && !physical.getAutoCommit()) physical.commit();
            return user;
        } catch (SQLException e) {
            return null;   // unknown: the rules' safest reading, until the next question
        }
    }
}
