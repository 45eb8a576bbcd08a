package io.waly.jdbc.capture;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The transaction's txid asked in the same round trip as its first write (issue 17: no round trip of WAL-y's own).
 * In fsync durability the COMMIT record carries the database's txid ({@link ConnectionCapture}), which WAL-y would
 * otherwise ask with a query of its own after the first write. Instead, {@link #SQL} goes ahead of the write in one
 * message: pgjdbc sends a multi-statement text in one flush, its parameters numbered across it (the prefix has none).
 * The txid's row is read and passed over, and the application's call is answered from the write's own result, which is
 * then the statement's current one, as if the write had been sent alone. A plain statement runs the text itself; a
 * prepared one has a twin for it ({@link PreparedCapture}).
 *
 * <p>Only where nothing the application sees can differ ({@link ConnectionCapture#mayAskTxidAhead}): a write whose one
 * answer is a count (no RETURNING, no generated keys asked by anyone, not a batch), on a primary (on a standby
 * {@code txid_current()} would fail before the write with another error), over the extended protocol (in simple mode an
 * error's position would count the prefix). {@code txid_current()} cannot fail where the write would not, so a failing
 * write answers exactly as with pgjdbc alone, and leaves its transaction as pgjdbc alone does.
 */
enum TxidAhead {
    /** {@code executeUpdate}: the count. */
    COUNT,
    /** {@code executeLargeUpdate}: the count. */
    LARGE_COUNT,
    /** {@code execute}: whether the write's result is rows. */
    EXECUTED;

    /**
     * No space after the semicolon: pgjdbc sends each statement's text from there, so the write's reaches the server
     * as the application wrote it and an error names the same position in it.
     */
    static final String SQL = "SELECT pg_catalog.txid_current();";

    /** What the application's call (a plain or a prepared statement's) answers; null for a call this does not serve. */
    static TxidAhead of(Object call) {
        if (call == StatementCapture.EXECUTE_UPDATE || call == PreparedCapture.EXECUTE_UPDATE) return COUNT;
        if (call == StatementCapture.EXECUTE_LARGE_UPDATE || call == PreparedCapture.EXECUTE_LARGE_UPDATE) return LARGE_COUNT;
        if (call == StatementCapture.EXECUTE || call == PreparedCapture.EXECUTE) return EXECUTED;
        return null;
    }

    /**
     * Reads the txid off {@code s}, which just ran {@link #SQL} and the write, gives it to {@code capture}, and answers
     * the application's call from the write's result.
     */
    Object answer(Statement s, ConnectionCapture capture) throws SQLException {
        long txid;
        try (ResultSet rs = s.getResultSet()) {
            rs.next();
            txid = rs.getLong(1);
        }
        boolean rows = s.getMoreResults();
        capture.txidLearned(txid);
        if (this == EXECUTED) return rows;
        // a rule may make a write answer rows: pgjdbc's executeUpdate refuses that, so this does too
        if (rows) throw new SQLException("A result was returned when none was expected.", "0100E");
        return this == COUNT ? (Object) s.getUpdateCount() : (Object) s.getLargeUpdateCount();
    }
}
