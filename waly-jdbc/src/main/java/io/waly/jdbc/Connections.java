package io.waly.jdbc;

import io.waly.jdbc.capture.ConnectionCapture;
import io.waly.jdbc.capture.SharedLog;
import io.waly.jdbc.config.WalyConfig;
import io.waly.jdbc.proxy.WalyConnection;
import io.waly.log.LogException;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.core.BaseConnection;

/**
 * Opens WAL-y connections: the shared log first (a log that cannot be opened stops the connection before the
 * database is contacted), then the database connection, then the wrapper. The one place the driver, the DataSource
 * and the agent make a connection WAL-y's.
 */
public final class Connections {
    private Connections() {}

    @FunctionalInterface
    public interface Opener {
        Connection open() throws SQLException;
    }

    public static Connection open(WalyConfig config, Opener opener) throws SQLException {
        SharedLog log;
        try {
            log = SharedLog.acquire(config);
        } catch (LogException e) {
            if (!config.failOnLogFailure()) return opener.open();
            throw new WalySQLException("WAL-y cannot open its log at " + config.describeLog() + ": " + e.getMessage(),
                    WalyState.LOG_FAILURE, e);
        }
        Connection physical;
        try {
            physical = opener.open();
        } catch (SQLException | RuntimeException e) {
            log.release();
            throw e;
        }
        if (physical == null) {
            log.release();
            return null;
        }
        return wrap(physical, config, log);
    }

    /** Wraps a connection that is already open (the agent, {@link WalyDataSource}); it must reach PostgreSQL through pgjdbc. */
    public static Connection wrap(Connection physical, WalyConfig config) throws SQLException {
        if (isWaly(physical)) return physical;   // never twice
        SharedLog log;
        try {
            log = SharedLog.acquire(config);
        } catch (LogException e) {
            if (!config.failOnLogFailure()) return physical;
            physical.close();
            throw new WalySQLException("WAL-y cannot open its log at " + config.describeLog() + ": " + e.getMessage(),
                    WalyState.LOG_FAILURE, e);
        }
        return wrap(physical, config, log);
    }

    /**
     * True when the connection is WAL-y's already — made by this copy of the driver, or by another one in another
     * class loader (the agent's): a WAL-y connection answers {@code unwrap(PGConnection.class)} with itself.
     */
    static boolean isWaly(Connection c) throws SQLException {
        if (c.isWrapperFor(WalyConnection.class)) return true;
        if (!c.isWrapperFor(org.postgresql.PGConnection.class)) return false;
        return c.unwrap(org.postgresql.PGConnection.class).getClass().getName().equals(WalyConnection.class.getName());
    }

    private static Connection wrap(Connection physical, WalyConfig config, SharedLog log) throws SQLException {
        if (isWaly(physical)) {
            log.release();
            return physical;
        }
        try {
            if (!physical.isWrapperFor(BaseConnection.class)) {
                throw new WalySQLException("WAL-y wraps PostgreSQL connections made by pgjdbc; this one is "
                        + physical.getClass().getName(), WalyState.CONNECTION_UNABLE_TO_CONNECT);
            }
            ConnectionCapture capture = new ConnectionCapture(log, config, physical);
            return new WalyConnection(physical, capture, log::release);
        } catch (SQLException | RuntimeException e) {
            log.release();
            throw e;
        }
    }
}
