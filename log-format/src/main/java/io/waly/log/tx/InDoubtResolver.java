package io.waly.log.tx;

/**
 * Decides a transaction whose COMMIT is in the log but whose outcome is not (the writer died in between). The rule
 * (FORMAT.md, "In-doubt transactions"): a later COMMITTED/ROLLBACK record with reason "recovered" decides it; failing
 * that, the source database's {@code txid_status(dbTxid)}; failing that, the operator. Never a guess.
 */
@FunctionalInterface
public interface InDoubtResolver {

    enum Decision { COMMITTED, ROLLED_BACK, UNKNOWN }

    Decision resolve(long txId, long dbTxid, int connection);

    /** The resolver with nothing to ask: everything in doubt stays unknown. */
    InDoubtResolver NONE = (txId, dbTxid, connection) -> Decision.UNKNOWN;
}
