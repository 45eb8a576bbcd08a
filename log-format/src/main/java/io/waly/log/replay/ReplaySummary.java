package io.waly.log.replay;

import java.util.ArrayList;
import java.util.List;

/** What a replay did, for any target: counts, where its cursor stands, and what the target has to say. */
public final class ReplaySummary {
    /** Committed transactions applied in this run. */
    public long transactions;
    /** Statements applied (re-run, or applied from their row images). */
    public long statements;
    /** Statements left out because they failed on the source. */
    public long failedOnSource;
    /** Statements of committed transactions the route left out (the target does not take them). */
    public long routedOut;
    /** Rows written from recorded row images instead of re-running their statement. */
    public long rowsFromImages;
    /** Documents written (document targets). */
    public long documents;
    /** The cursor: the COMMIT sequence of the last transaction applied (or the start). */
    public long lastCommitSeq;
    public long records;
    public long rolledBack;
    public long inDoubtResolved;
    /** The target had a cursor for this log, and the run continued from it. */
    public boolean resumed;
    /** The run ended on request (stop, interrupt, a follow limit) rather than at the end of the log. */
    public boolean stopped;
    public final List<LeftOut> leftOut = new ArrayList<>();
    /** What the target wants the operator to know (how it keeps its cursor, whether it used transactions, …). */
    public final List<String> notes = new ArrayList<>();
    public final long startNanos = System.nanoTime();

    public double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Override
    public String toString() {
        return String.format("%d transactions (%d statements, %d rows from images) applied up to sequence %d in %.1f s",
                transactions, statements, rowsFromImages, lastCommitSeq, seconds());
    }
}
