package io.waly.mongo;

/** Replay into MongoDB stopped. Everything before the failing transaction is applied and the cursor says so. */
public class ReplayException extends RuntimeException {
    private final Untranslatable untranslatable;

    public ReplayException(String message, Throwable cause) {
        super(message, cause);
        this.untranslatable = null;
    }

    public ReplayException(Untranslatable u) {
        super("statement at sequence " + u.seq() + " (transaction " + u.txId() + ") has no exact MongoDB translation: "
                + u.reason() + "\n  SQL: " + u.sql() + "\n  Nothing of its transaction was applied; replay with"
                + " --on-untranslatable=skip (or log) to go on without this statement.");
        this.untranslatable = u;
    }

    /** The statement that stopped the replay, when that was the reason; else null. */
    public Untranslatable untranslatable() {
        return untranslatable;
    }
}
