package io.waly.jdbc.sql;

/** What a statement is to the write-ahead log. */
public enum SqlKind {
    /** Provably read-only: passes straight through, nothing logged. */
    READ,
    /** May change state: logged before it is sent. */
    WRITE,
    /** A write PostgreSQL refuses inside a transaction block (VACUUM, CREATE DATABASE, … CONCURRENTLY). */
    NON_TRANSACTIONAL,
    BEGIN,
    COMMIT,
    ROLLBACK,
    SAVEPOINT,
    RELEASE,
    ROLLBACK_TO,
    /** Only comments or whitespace. */
    EMPTY;

    public boolean isTransactionControl() {
        return this == BEGIN || this == COMMIT || this == ROLLBACK || this == SAVEPOINT || this == RELEASE || this == ROLLBACK_TO;
    }
}
