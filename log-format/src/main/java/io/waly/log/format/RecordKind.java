package io.waly.log.format;

/**
 * What a record says. The byte code is what is stored (FORMAT.md, "Record kinds"); codes are never reused.
 * A reader that meets an unknown code reports it as {@link #UNKNOWN} and keeps the record's bytes.
 */
public enum RecordKind {
    /** A transaction's first write; its transaction id is its own sequence number. */
    BEGIN(1),
    /** A statement, logged before it is sent to the database. */
    STATEMENT(2),
    /** What the database answered to the statement before it: counts, effects, or the error. */
    OUTCOME(3),
    SAVEPOINT(4),
    RELEASE(5),
    ROLLBACK_TO(6),
    /** The transaction is about to be committed; durable before COMMIT is sent. */
    COMMIT(7),
    /** The database confirmed the commit. */
    COMMITTED(8),
    /** The transaction was rolled back, or its commit failed. Nothing of it is replayed. */
    ROLLBACK(9),
    /** A writer opened the directory; carries who (never secrets) and what recovery found. */
    OPENED(10),
    /** A writer closed the directory cleanly. */
    CLOSED(11),
    /** A connection's session settings (search_path, TimeZone, …) as replay must reproduce them; before its first BEGIN. */
    SESSION(12),
    /**
     * A decision taken from the model's policies: a statement refused or warned about by a rule, or the recording
     * policy a connection writes under. Outside the transaction protocol: replay never applies it.
     */
    POLICY(13),
    /**
     * An application command (the model's {@code commands:}): its name and arguments, written in its transaction just
     * before the statements it stands for. Replay applies those statements; the record names what they mean.
     */
    COMMAND(15),
    /**
     * A statement as an application of another (older or newer) schema version sent it, before the driver mapped it
     * to the database's version: written just before the STATEMENT that was sent. Replay applies that STATEMENT; the
     * record keeps what the application asked for.
     */
    MAPPED(16),
    UNKNOWN(0);

    private static final RecordKind[] BY_CODE = new RecordKind[256];
    static {
        for (RecordKind k : values()) if (k != UNKNOWN) BY_CODE[k.code] = k;
    }

    public final byte code;

    RecordKind(int code) {
        this.code = (byte) code;
    }

    public static RecordKind of(byte code) {
        RecordKind k = BY_CODE[code & 0xff];
        return k == null ? UNKNOWN : k;
    }

    /** True for the kinds that end a transaction in the log. */
    public boolean endsTransaction() {
        return this == COMMITTED || this == ROLLBACK;
    }
}
