package io.waly.jdbc;

/** The SQLSTATEs of WAL-y's own errors; everything else the application sees is exactly pgjdbc's. */
public enum WalyState {
    /** The log could not be written (disk full, I/O error, a failed fsync): the write was refused before the database. */
    LOG_FAILURE("58030"),
    /** A {@code waly*} setting has a bad value. */
    INVALID_PARAMETER_VALUE("22023"),
    /**
     * A rule of the model's policies refused the statement before it reached the database (class WY: WAL-y's own,
     * outside the SQL standard's and PostgreSQL's classes).
     */
    POLICY_REFUSED("WY001"),
    /** The statement changed more rows than a rule's limit allows: it was rolled back to before it, and refused. */
    ROW_LIMIT_EXCEEDED("WY002"),
    /** The connection was closed. */
    CONNECTION_DOES_NOT_EXIST("08003");

    private final String state;

    WalyState(String state) {
        this.state = state;
    }

    public String getState() {
        return state;
    }
}
