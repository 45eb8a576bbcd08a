package io.waly.log.replay;

import io.waly.log.tx.Transaction;

/**
 * A database a log is replayed into. {@link Replayer} reads the log, decides where to start and what is committed, and
 * hands each committed transaction here in commit order; the target applies it and keeps its cursor, so that a replay
 * killed anywhere and run again applies nothing twice and skips nothing.
 *
 * <p>Call order: {@link #open}, {@link #start}, then {@link #apply} and {@link #flush} any number of times, then
 * {@link #finish} when the run ended normally, and {@link #close} in every case.
 */
public interface ReplayTarget extends AutoCloseable {

    /** What a target knows of itself before anything is applied. */
    record State(ReplayPosition cursor, boolean holdsData) {}

    /**
     * Connects and reads this log's cursor (null: the log was never replayed here) and whether the target holds data
     * of its own (a target without a cursor that holds data is refused, unless forced or restored up to --from-seq).
     *
     * @param logId the log's id, hex
     */
    State open(String logId) throws ReplayException;

    /** Where this run starts; a target without a cursor records it with its first flush. */
    void start(ReplayPosition from) throws ReplayException;

    /**
     * Applies one committed transaction. It may wait in a batch, and is durable together with the cursor past it at
     * the latest after the next {@link #flush}; if applying it fails, nothing of it is applied and the cursor stays
     * before it.
     */
    void apply(Transaction tx, ReplaySummary summary) throws ReplayException;

    /** True when applied transactions wait for a {@link #flush}. */
    boolean pending();

    /** Makes everything applied durable in the target, with the cursor after the last transaction applied. */
    void flush() throws ReplayException;

    /** The run reached the end of what it was asked to apply: final touches (flushes first). */
    default void finish(ReplaySummary summary) throws ReplayException {
        flush();
    }

    @Override
    void close();
}
