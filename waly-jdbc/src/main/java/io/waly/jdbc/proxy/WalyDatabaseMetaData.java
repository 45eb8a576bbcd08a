package io.waly.jdbc.proxy;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/** Metadata is read-only; only {@link #getConnection()} must lead back to WAL-y's connection. */
public final class WalyDatabaseMetaData extends DelegatingDatabaseMetaData {
    private final WalyConnection connection;

    WalyDatabaseMetaData(WalyConnection connection, DatabaseMetaData delegate) {
        super(delegate);
        this.connection = connection;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connection;
    }


}
