package io.waly.jdbc.config;

/** {@code walyCaptureEffects}: when a write's effects (the rows it changed, the sequences it drew) go into the log. */
public enum CaptureEffects {
    /** When re-running the write at replay could give other rows: volatile functions, serial/identity/volatile defaults, concurrency. */
    AUTO,
    /** For every INSERT, UPDATE, upsert and DELETE whose table can return its rows. */
    ALWAYS,
    /** Never: replay re-runs every write (exact only without concurrency and volatile values). */
    NEVER
}
