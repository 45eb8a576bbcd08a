package io.waly.mongo;

/** What the replayer does with a statement that has no exact MongoDB translation. */
public enum OnUntranslatable {
    /** Stop before the transaction that holds it, naming its sequence number, SQL and why (the default). */
    FAIL,
    /** Apply the rest of its transaction without it; listed in the summary. */
    SKIP,
    /** As SKIP, and also reported to the log (SLF4J, logger {@code io.waly.mongo}) and the listener as it happens. */
    LOG
}
