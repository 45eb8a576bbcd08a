package io.waly.log;

import java.util.Locale;

/** When an appended record is on disk. */
public enum Durability {
    /** {@code sync} returns only when the record and everything before it is on disk (group commit). */
    FSYNC,
    /** {@code sync} hands the record to the OS; a background flusher forces the disk every flush interval. */
    ASYNC,
    /** {@code sync} hands the record to the OS; nothing is ever forced. A process crash loses nothing, a power cut may. */
    NONE;

    public static Durability parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("durability must be one of fsync, async, none but was: " + s);
        }
    }
}
