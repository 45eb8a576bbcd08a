package io.waly.jdbc.proxy;

import io.waly.jdbc.capture.UpdatableRows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A result set whose {@link #getStatement()} is WAL-y's statement. Updatable result sets write through
 * {@link UpdatableRows}: {@code updateRow}, {@code insertRow} and {@code deleteRow} are logged as the UPDATE, INSERT
 * and DELETE they amount to before pgjdbc performs them.
 */
public final class WalyResultSet extends DelegatingResultSet {
    private final WalyStatement statement;
    private UpdatableRows updatable;

    WalyResultSet(WalyStatement statement, ResultSet delegate) {
        super(delegate);
        this.statement = statement;
    }

    private UpdatableRows updatable() throws SQLException {
        if (updatable == null) updatable = new UpdatableRows(statement.capture(), statement.connection.delegate(), delegate);
        return updatable;
    }

    @Override
    protected void onUpdate(Object column, Object value) throws SQLException {
        if (delegate.getConcurrency() == ResultSet.CONCUR_UPDATABLE) updatable().pending(column, value);
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        delegate.moveToInsertRow();
        if (updatable != null) updatable.clear();
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        delegate.moveToCurrentRow();
        if (updatable != null) updatable.clear();
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        delegate.cancelRowUpdates();
        if (updatable != null) updatable.clear();
    }

    @Override
    public void updateRow() throws SQLException {
        if (delegate.getConcurrency() != ResultSet.CONCUR_UPDATABLE) {
            delegate.updateRow();   // pgjdbc's own error
            return;
        }
        updatable().updateRow();
    }

    @Override
    public void insertRow() throws SQLException {
        if (delegate.getConcurrency() != ResultSet.CONCUR_UPDATABLE) {
            delegate.insertRow();
            return;
        }
        updatable().insertRow();
    }

    @Override
    public void deleteRow() throws SQLException {
        if (delegate.getConcurrency() != ResultSet.CONCUR_UPDATABLE) {
            delegate.deleteRow();
            return;
        }
        updatable().deleteRow();
    }

    @Override
    public Statement getStatement() throws SQLException {
        Statement s = delegate.getStatement();
        return s == null ? null : statement;
    }



    @Override
    public String toString() {
        return delegate.toString();
    }
}
