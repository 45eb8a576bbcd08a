package io.waly.jdbc.replay;

/** What a replay did: counts, and where the cursor now stands. */
public final class ReplaySummary {
    public long transactions;
    public long statements;
    public long skippedStatements;
    public long rowsFromEffects;
    public long lastCommitSeq;
    public long records;
    public long rolledBack;
    public long inDoubtResolved;
    public boolean resumed;
    public long startNanos = System.nanoTime();

    public double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Override
    public String toString() {
        return String.format("%d transactions (%d statements, %d rows from recorded effects) applied up to sequence %d in %.1f s",
                transactions, statements, rowsFromEffects, lastCommitSeq, seconds());
    }
}
