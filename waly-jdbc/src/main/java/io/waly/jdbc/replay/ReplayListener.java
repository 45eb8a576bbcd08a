package io.waly.jdbc.replay;

import io.waly.log.tx.Transaction;

/** Progress of a replay, for a progress line or a test; called on the replaying thread. */
public interface ReplayListener {
    default void applied(Transaction tx, ReplaySummary soFar) {}

    default void waiting(ReplaySummary soFar) {}

    ReplayListener NONE = new ReplayListener() {};
}
