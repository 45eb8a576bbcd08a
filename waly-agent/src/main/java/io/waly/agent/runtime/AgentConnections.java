package io.waly.agent.runtime;

import io.waly.agent.bridge.Bridge;
import io.waly.agent.bridge.Report;
import io.waly.jdbc.Connections;
import io.waly.jdbc.config.WalyConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * WAL-y's driver as the agent uses it, loaded once per pgjdbc class loader (beside that pgjdbc): hands every new
 * connection to {@link Connections#wrap}, the one place where waly-jdbc makes a connection WAL-y's.
 */
public final class AgentConnections implements Bridge.Wrapper {

    private final WalyConfig config;

    public AgentConnections(Properties config) {
        this.config = WalyConfig.from(config);
    }

    @Override
    public Object wrap(Object connection) {
        Connection physical = (Connection) connection;
        try {
            return Connections.wrap(physical, config);
        } catch (SQLException e) {
            // WAL-y closes the connection when it refuses it (walyOnLogFailure=fail): the application gets the reason
            if (isClosed(physical)) return e;
            Report.once("wrap", "a connection could not be wrapped and runs without WAL-y: " + e);
            return physical;
        } catch (RuntimeException | LinkageError e) {
            Report.once("wrap", "a connection could not be wrapped and runs without WAL-y: " + e);
            return physical;
        }
    }

    private static boolean isClosed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}
