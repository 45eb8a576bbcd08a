package io.waly.log.replay;

/**
 * Replay stopped. {@link #kind()} says why, so that a caller can tell the operator's problem (a target it may not
 * write to) from the log's (a transaction nothing decides) and the target's (a statement that succeeded on the source
 * failed there). Nothing of the transaction it stopped in was applied; the target's cursor stands before it.
 */
public final class ReplayException extends Exception {

    public enum Kind {
        /** The target may not be replayed into as asked (not empty without a cursor, a cursor before --from-seq, …). */
        REFUSED,
        /** A statement that succeeded on the source failed on the target, or the other way round. */
        STATEMENT_FAILED,
        /** A transaction is in doubt and nothing decides it. */
        IN_DOUBT,
        /** A statement has no exact form in the target and the operator asked to stop on such. */
        UNTRANSLATABLE,
        /** The target failed on its own (unreachable, refused a write for reasons of its own). */
        TARGET_FAILED
    }

    private final Kind kind;
    private final long seq;

    public ReplayException(Kind kind, String message, long seq, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.seq = seq;
    }

    public Kind kind() {
        return kind;
    }

    /** The sequence number of the statement (or commit) it stopped at; 0 when the problem is not a statement's. */
    public long seq() {
        return seq;
    }
}
