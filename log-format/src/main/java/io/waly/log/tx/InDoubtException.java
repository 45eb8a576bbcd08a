package io.waly.log.tx;

import io.waly.log.LogException;

/** A transaction is in doubt and nothing could decide it; replay stops rather than guess. */
public final class InDoubtException extends LogException {
    private final long txId;
    private final long commitSeq;
    private final long dbTxid;

    public InDoubtException(long txId, long commitSeq, long dbTxid) {
        super("transaction " + txId + " is in doubt: its COMMIT (sequence " + commitSeq + ") is in the log but not its outcome"
                + (dbTxid >= 0 ? "; database transaction id " + dbTxid + " (ask the source: SELECT txid_status(" + dbTxid
                + "), or replay with --source URL)" : " and it has no database transaction id")
                + "; decide with --in-doubt=commit|rollback");
        this.txId = txId;
        this.commitSeq = commitSeq;
        this.dbTxid = dbTxid;
    }

    public long txId() {
        return txId;
    }

    public long commitSeq() {
        return commitSeq;
    }

    public long dbTxid() {
        return dbTxid;
    }
}
