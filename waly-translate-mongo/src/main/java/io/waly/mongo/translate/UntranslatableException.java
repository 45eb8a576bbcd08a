package io.waly.mongo.translate;

/**
 * A statement (or a part of it) that has no exact MongoDB translation. The message is the reason, phrased so that an
 * operator understands what to do; the replayer adds the sequence number and the SQL.
 */
public final class UntranslatableException extends RuntimeException {
    public UntranslatableException(String reason) {
        super(reason, null, false, false);
    }
}
