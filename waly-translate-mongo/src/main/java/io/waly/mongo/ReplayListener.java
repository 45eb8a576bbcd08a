package io.waly.mongo;

/** Progress of a replay; every method has a do-nothing default. Called on the replaying thread. */
public interface ReplayListener {

    /** A transaction of the log is applied and the cursor is past it. */
    default void applied(long txId, long commitSeq, int statements) {}

    /** A statement was left out (SKIP or LOG). */
    default void untranslatable(Untranslatable u) {}

    /** The run ended (normally, stopped, or before a ReplayException is thrown: then with what was applied). */
    default void finished(ReplaySummary summary) {}

    ReplayListener NONE = new ReplayListener() {};
}
