package io.waly.jdbc;

/**
 * Every SQLSTATE WAL-y's own code raises or looks for, in one place (pgjdbc's {@code PSQLState} is the model). An error
 * that comes from the database reaches the application exactly as pgjdbc reports it; these are the errors WAL-y makes
 * itself — mostly with the code pgjdbc or PostgreSQL uses for the same kind of failure — and the codes it reads.
 */
public enum WalyState {
    /** The log could not be written (disk full, I/O error, a failed fsync, Kafka unreachable): the write was refused before the database. */
    LOG_FAILURE("58030"),
    /**
     * An I/O error outside the log: the {@code ByteStreamWriter} an application hands to COPY or a large object failed,
     * or replay could not send a COPY's data. PostgreSQL's {@code io_error}, the same code as {@link #LOG_FAILURE}.
     */
    IO_ERROR("58030"),
    /** A {@code waly*} setting has a bad value (the driver's {@code connect}). */
    INVALID_PARAMETER_VALUE("22023"),
    /**
     * A rule of the model's policies refused the statement before it reached the database (class WY: WAL-y's own,
     * outside the SQL standard's and PostgreSQL's classes).
     */
    POLICY_REFUSED("WY001"),
    /** The statement changed more rows than a rule's limit allows: it was rolled back to before it, and refused. */
    ROW_LIMIT_EXCEEDED("WY002"),
    /**
     * A call of an application command ({@code CALL waly.…}) names no command the model declares, or its arguments do
     * not match the declaration in number or names: PostgreSQL's {@code undefined_function}, as for a procedure call
     * that matches no procedure.
     */
    UNDEFINED_FUNCTION("42883"),
    /** An argument of an application command's call does not fit its declared type: PostgreSQL's {@code datatype_mismatch}. */
    DATATYPE_MISMATCH("42804"),
    /** A call of WAL-y's schema that is not a call WAL-y reads ({@code CALL waly.x(…) extra}): a syntax error. */
    SYNTAX_ERROR("42601"),
    /** WAL-y cannot connect: the connection to wrap is not pgjdbc's, or a {@code WalyDataSource} has no URL. */
    CONNECTION_UNABLE_TO_CONNECT("08001"),
    /** The stream a COPY's data was read from failed while it was sent (pgjdbc's code for a COPY that lost its stream). */
    CONNECTION_FAILURE("08006"),
    /** A stream or reader bound as a parameter could not be read for the log. */
    DATA_ERROR("22000"),
    /** A {@code Clob} bound as a parameter cannot be encoded in the connection's encoding. */
    CHARACTER_NOT_IN_REPERTOIRE("22021"),
    /** An updatable result set's row cannot be written: its table has no primary key (pgjdbc's message and code). */
    INVALID_CURSOR_STATE("24000"),
    /**
     * Recorded in the log (never thrown) as the reason a COMMIT of an aborted transaction rolled back, which is what
     * PostgreSQL does with it.
     */
    IN_FAILED_SQL_TRANSACTION("25P02"),
    /** Read, not raised: the target has no replication origin left (max_replication_slots), so replay keeps its cursor elsewhere. */
    CONFIGURATION_LIMIT_EXCEEDED("53400");

    /** The class of connection exceptions: an error of this class during COMMIT leaves the outcome unknown (in doubt). */
    private static final String CONNECTION_EXCEPTION_CLASS = "08";

    private final String state;

    WalyState(String state) {
        this.state = state;
    }

    public String getState() {
        return state;
    }

    /** True when {@code sqlState} is this state. */
    public boolean is(String sqlState) {
        return state.equals(sqlState);
    }

    /** True for a connection exception (class 08): the connection broke, and what the server did is unknown. */
    public static boolean isConnectionError(String sqlState) {
        return sqlState != null && sqlState.startsWith(CONNECTION_EXCEPTION_CLASS);
    }
}
