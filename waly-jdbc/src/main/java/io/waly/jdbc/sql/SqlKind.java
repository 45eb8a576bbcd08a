package io.waly.jdbc.sql;

/** What a statement is to the write-ahead log. */
public enum SqlKind {
    /** Provably read-only: passes straight through, nothing logged. */
    READ,
    /** May change state: logged before it is sent. */
    WRITE,
    /**
     * A write that must run as sent in autocommit, outside a transaction block: refused inside one (VACUUM, CREATE
     * DATABASE, … CONCURRENTLY, COMMIT PREPARED), different inside one (LOCK, SET LOCAL), or a session change the
     * driver must see at once (SET, RESET, DISCARD).
     */
    NON_TRANSACTIONAL,
    BEGIN,
    COMMIT,
    ROLLBACK,
    SAVEPOINT,
    RELEASE,
    ROLLBACK_TO,
    /** PREPARE TRANSACTION: ends the session's transaction, leaving it for COMMIT/ROLLBACK PREPARED to decide. */
    PREPARE_TRANSACTION,
    /** COMMIT PREPARED: a write that runs outside a transaction block, deciding a prepared transaction. */
    COMMIT_PREPARED,
    /** ROLLBACK PREPARED: likewise. */
    ROLLBACK_PREPARED,
    /** Only comments or whitespace. */
    EMPTY;

    public boolean isTransactionControl() {
        return this == BEGIN || this == COMMIT || this == ROLLBACK || this == SAVEPOINT || this == RELEASE || this == ROLLBACK_TO
                || this == PREPARE_TRANSACTION;
    }

    /** A write PostgreSQL refuses inside a transaction block (or that means something else there): never wrapped. */
    public boolean runsOutsideTransaction() {
        return this == NON_TRANSACTIONAL || this == COMMIT_PREPARED || this == ROLLBACK_PREPARED;
    }
}
