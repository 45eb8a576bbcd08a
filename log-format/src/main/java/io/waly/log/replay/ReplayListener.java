package io.waly.log.replay;

import io.waly.log.tx.Transaction;

/** Progress of a replay, for a progress line or a test; called on the replaying thread. */
public interface ReplayListener {

    /** {@code tx} was applied (it is durable in the target at the latest with the next flush). */
    default void applied(Transaction tx, ReplaySummary soFar) {}

    /** Follow mode: the log has nothing new; everything applied is durable in the target. */
    default void waiting(ReplaySummary soFar) {}

    /** A statement was left out (the target could not take it and the operator chose to go on). */
    default void leftOut(LeftOut statement) {}

    ReplayListener NONE = new ReplayListener() {};
}
