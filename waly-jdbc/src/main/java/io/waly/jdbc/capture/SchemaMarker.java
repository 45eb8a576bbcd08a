package io.waly.jdbc.capture;

import io.waly.command.Value;
import io.waly.jdbc.WalySQLException;
import io.waly.jdbc.WalyState;
import io.waly.jdbc.sql.ExplicitCall;
import java.util.List;

/**
 * WAL-y's own migration marker, for a schema migrated by neither Flyway nor Liquibase: a migration script ends with
 * {@code CALL waly.schema_version('2')}, and from the commit of its transaction the database is at migration version
 * {@code 2} — which the model's {@code migrations:} place, as they place a Flyway version. Like a call of an
 * application command it is recognised in WAL-y's schema and never sent: its transaction's COMMIT record carries the
 * version (FORMAT.md, Commit), the log's next transactions begin under it ({@code dbVersion}), and a replay reads the
 * transaction as the migration to it — and leaves nothing of it in the target. The name is WAL-y's: the model refuses an
 * application command called {@code schema_version}.
 */
final class SchemaMarker {
    static final String NAME = io.waly.model.Commands.MIGRATION_MARKER;

    private SchemaMarker() {}

    /** The database setting that keeps the version for the sessions that start later (other processes, restarts). */
    static final String SETTING = "waly.schema_version";

    /**
     * Keeps {@code version} in the database for the sessions that start after the marker's transaction commits
     * ({@code ALTER DATABASE … SET waly.schema_version}: a setting, not an object, so no catalog comparison sees it and
     * nothing replays it), where {@link MigrationVersion} reads it when no migration tool's history table is there. In
     * the transaction, behind a savepoint: a user that may not alter the database keeps the version in this process's
     * log only, and the transaction goes on.
     */
    static void persist(java.sql.Connection c, String version) {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SAVEPOINT waly_schema_version");
            try {
                s.execute("DO $waly$BEGIN EXECUTE pg_catalog.format('ALTER DATABASE %I SET " + SETTING + " = %L', "
                        + "pg_catalog.current_database(), '" + version.replace("'", "''") + "'); END$waly$");
                s.execute("RELEASE SAVEPOINT waly_schema_version");
            } catch (java.sql.SQLException e) {
                s.execute("ROLLBACK TO SAVEPOINT waly_schema_version");
                s.execute("RELEASE SAVEPOINT waly_schema_version");
            }
        } catch (java.sql.SQLException ignored) {
            // the connection fails the marker's answer just after, and the application learns it there
        }
    }

    /**
     * The migration version a call of the marker names; null when {@code call} is not the marker.
     *
     * @throws WalySQLException when it is the marker but does not name one version as text
     */
    static String version(ExplicitCall call, List<Value> params) throws WalySQLException {
        if (call == null || !NAME.equals(call.name())) return null;
        if (call.malformed() != null || call.args().size() != 1 || call.args().get(0).name() != null) {
            throw new WalySQLException("CALL waly.schema_version takes one argument, the migration version the database is "
                    + "at from this transaction's commit on: CALL waly.schema_version('2')", WalyState.UNDEFINED_FUNCTION);
        }
        ExplicitCall.Arg a = call.args().get(0);
        Value v = a.param() > 0 ? (params != null && a.param() <= params.size() ? params.get(a.param() - 1) : null) : a.literal();
        if (v == null || v.isNull() || String.valueOf(v.value()).isBlank()) {
            throw new WalySQLException("CALL waly.schema_version needs a migration version, not NULL or nothing",
                    WalyState.DATATYPE_MISMATCH);
        }
        return String.valueOf(v.value()).trim();
    }
}
