package io.waly.jdbc.replay;

/**
 * Replay stopped: a statement that succeeded on the source failed on the target, or the target is not one replay
 * may write to. Names the sequence number and SQL, the source's outcome and the target's error. Nothing of the
 * failing transaction was applied.
 */
public final class ReplayException extends Exception {
    private final long seq;

    public ReplayException(String message, long seq, Throwable cause) {
        super(message, cause);
        this.seq = seq;
    }

    /** The sequence number of the failing statement, or 0 when the problem is not a statement's. */
    public long seq() {
        return seq;
    }
}
