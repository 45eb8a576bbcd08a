package io.waly.mongo;

/** A statement that was not translated: where it is in the log, its SQL, and why. */
public record Untranslatable(long seq, long txId, String sql, String reason) {
    @Override
    public String toString() {
        return "sequence " + seq + ": " + reason + " — " + sql;
    }
}
