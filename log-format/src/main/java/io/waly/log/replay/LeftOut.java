package io.waly.log.replay;

/** A statement a target could not take (no exact translation into it) and left out, by the operator's choice. */
public record LeftOut(long seq, long txId, String sql, String reason) {
    @Override
    public String toString() {
        return "statement " + seq + " (transaction " + txId + "): " + reason;
    }
}
