package io.waly.jdbc.capture;

import io.waly.command.Command;
import io.waly.jdbc.DriverLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Whether the role a connection's statements run as may read back the rows it writes. WAL-y's row images come from
 * {@code RETURNING *} and from reading the written rows, which need {@code SELECT} on every column and no row-level
 * security policy in the way; a role that may change a table but not read it (an INSERT-only audit role, say) must get
 * from WAL-y exactly what pgjdbc alone gives it, so its writes of that table are then logged without rows — replay runs
 * them again, as it runs every write whose rows were not needed — and WAL-y warns once per role and table.
 *
 * <p>Asked once per role and table for the JVM's log ({@link EffectsCatalog#readable}), forgotten on DDL and on
 * statements with no structured form (GRANT, REVOKE, CREATE POLICY). The role is the login user's until a statement
 * that may change it ({@link #mayChangeRole}); then it is asked again with the next question, and again after the end
 * of a transaction (or a rollback to a savepoint) in which such a statement ran — a SET LOCAL, or a SET undone.
 */
public final class ReadRights {
    /** The settings whose SET or RESET changes current_user ({@code RESET ALL} is {@code all}). */
    private static final Set<String> ROLE_SETTINGS = Set.of("role", "session_authorization", "all");

    private static final String QUERY = """
            SELECT current_user,
                   NOT pg_catalog.row_security_active(c.oid)
                   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                                      AND NOT pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT'))
              FROM pg_catalog.pg_class c
             WHERE c.oid = pg_catalog.to_regclass(?)""";

    private final Connection physical;
    private final EffectsCatalog catalog;
    /** The role statements run as; null once a statement may have changed it (asked with the next question). */
    private String role;
    private boolean changedInTransaction;

    ReadRights(Connection physical, EffectsCatalog catalog) throws SQLException {
        this.physical = physical;
        this.catalog = catalog;
        this.role = physical.getMetaData().getUserName();
    }

    /**
     * True when the connection's role may read back {@code t}'s rows. A question that cannot be asked (an aborted
     * transaction, where the write fails anyway) answers true: the write then goes as it would have gone.
     */
    boolean mayRead(EffectsCatalog.TableInfo t) {
        if (role != null) {
            Boolean known = catalog.readable(role, t.qualifiedName());
            if (known != null) return known;
        }
        try {
            if (physical.unwrap(BaseConnection.class).getTransactionState() == TransactionState.FAILED) return true;
            try (PreparedStatement ps = physical.prepareStatement(QUERY)) {
                ps.setString(1, t.quotedName());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return true;
                    role = rs.getString(1);
                    boolean readable = rs.getBoolean(2);
                    if (catalog.learnReadable(role, t.qualifiedName(), readable) && !readable) {
                        DriverLog.warn(ReadRights.class, "WAL-y cannot read back the rows role {} writes to {} (SELECT on "
                                + "every column is not granted, or row-level security applies): those writes are logged "
                                + "without their rows, and replay runs them again", role, t.qualifiedName());
                    }
                    return readable;
                }
            }
        } catch (SQLException e) {
            return true;
        }
    }

    /** After a write ran or failed. */
    void afterWrite(List<StatementLog> statements) {
        for (StatementLog st : statements) {
            if (mayChangeRole(st.info().command())) {
                role = null;
                changedInTransaction = true;   // cleared by the end of the transaction; harmless in autocommit
                return;
            }
        }
    }

    /** After COMMIT, ROLLBACK or PREPARE TRANSACTION, which end a SET LOCAL ROLE or undo a SET ROLE. */
    void transactionEnded() {
        if (changedInTransaction) role = null;
        changedInTransaction = false;
    }

    /** After ROLLBACK TO SAVEPOINT, which undoes a SET ROLE made after the savepoint. */
    void rolledBackToSavepoint() {
        if (changedInTransaction) role = null;
    }

    /**
     * True for a statement that may change current_user: a SET or RESET of the role or the session authorization, and
     * anything WAL-y cannot see into (DO, CALL, DISCARD, a function call, several statements in one string).
     */
    public static boolean mayChangeRole(Command c) {
        if (c instanceof Command.Setting s) return ROLE_SETTINGS.contains(s.name());
        return c == null || c instanceof Command.Sql || c instanceof Command.Call;
    }
}
