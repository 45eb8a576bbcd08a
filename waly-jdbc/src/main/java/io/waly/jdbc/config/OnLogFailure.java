package io.waly.jdbc.config;

/** {@code walyOnLogFailure}: what a write does when the log cannot take it. */
public enum OnLogFailure {
    /** Refuse the write with SQLState 58030 ({@code WalyState.LOG_FAILURE}) before it reaches the database. */
    FAIL,
    /** Run it unlogged: the log has a gap from there on. */
    CONTINUE
}
