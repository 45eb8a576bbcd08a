package io.waly.jdbc.policy;

import io.waly.jdbc.capture.StatementLog;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * A refusal as the application gets it: for a statement on its own, the refusal itself; for an entry of a batch, what
 * pgjdbc throws when a batch's statement fails (its {@code BatchResultHandler}) — a {@link BatchUpdateException}
 * "Batch entry N … was aborted: …" with the failure's SQLState, every update count {@code EXECUTE_FAILED} (PostgreSQL
 * undoes the whole batch: pgjdbc sends it as one implicit transaction in autocommit, and a failure aborts an open one),
 * and the failure as its cause and next exception.
 */
final class BatchFailure {
    private BatchFailure() {}

    static SQLException of(List<StatementLog> statements, int index, SQLException refusal) {
        if (statements.isEmpty() || statements.get(index).batchIndex() < 0) return refusal;
        long[] counts = new long[statements.size()];
        Arrays.fill(counts, Statement.EXECUTE_FAILED);
        StatementLog st = statements.get(index);
        BatchUpdateException e = new BatchUpdateException("Batch entry " + st.batchIndex() + " " + st.sql() + " was aborted: "
                + refusal.getMessage() + "  Call getNextException to see other errors in the batch.", refusal.getSQLState(),
                0, counts, refusal);
        e.setNextException(refusal);
        return e;
    }
}
