package io.waly.jdbc.proxy;

import io.waly.jdbc.capture.PreparedCapture;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A prepared statement. It is classified once, when prepared ({@link PreparedCapture#prepare}); every execution and
 * every batch is one call to its {@link PreparedCapture}, which logs a write with the parameters bound
 * ({@link ParameterRecordingStatement}) before pgjdbc sends it, and sends a read straight through.
 */
public class WalyPreparedStatement extends ParameterRecordingStatement {

    private final PreparedCapture hook;

    WalyPreparedStatement(WalyConnection connection, PreparedCapture hook) {
        super(connection, hook);
        this.hook = hook;
    }

    // ---------------------------------------------------------------- execution

    @Override
    public ResultSet executeQuery() throws SQLException {
        return wrap(hook.execute(PreparedStatement::executeQuery));
    }

    @Override
    public int executeUpdate() throws SQLException {
        return hook.execute(PreparedCapture.EXECUTE_UPDATE);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return hook.execute(PreparedCapture.EXECUTE_LARGE_UPDATE);
    }

    @Override
    public boolean execute() throws SQLException {
        return hook.execute(PreparedCapture.EXECUTE);
    }

    @Override
    public void close() throws SQLException {
        hook.closed();
        super.close();
    }

    /** The write may be running on its twin (the transaction's first, carrying the txid): both are told. */
    @Override
    public void cancel() throws SQLException {
        PreparedStatement twin = hook.twin();
        if (twin != null) twin.cancel();
        super.cancel();
    }

    // ---------------------------------------------------------------- batch

    @Override
    public void addBatch() throws SQLException {
        ((PreparedStatement) delegate).addBatch();
        hook.addBatch();
    }

    @Override
    public void clearBatch() throws SQLException {
        delegate.clearBatch();
        hook.clearBatch();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return hook.executeBatch(PreparedStatement::executeBatch);
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        return hook.executeBatch(PreparedStatement::executeLargeBatch);
    }

    // A prepared statement refuses query strings, as pgjdbc does: let pgjdbc say so, and log nothing.
    @Override
    public ResultSet executeQuery(String text) throws SQLException {
        return delegate.executeQuery(text);
    }

    @Override
    public int executeUpdate(String text) throws SQLException {
        return delegate.executeUpdate(text);
    }

    @Override
    public boolean execute(String text) throws SQLException {
        return delegate.execute(text);
    }

    @Override
    public void addBatch(String text) throws SQLException {
        delegate.addBatch(text);
    }
}
