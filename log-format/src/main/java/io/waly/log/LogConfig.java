package io.waly.log;

import io.waly.log.storage.FileLogStorage;
import io.waly.log.storage.LogStorage;
import java.nio.file.Path;
import java.util.Objects;

/** How a log is opened for writing. Build with {@link #at(Path)} and the {@code with*} methods. */
public record LogConfig(Path dir, Durability durability, long flushMillis, long segmentBytes, LogStorage storage,
                        long idleCloseMillis, long startMicros) {

    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    public static final long DEFAULT_FLUSH_MILLIS = 200;

    public LogConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(storage, "storage");
        if (flushMillis < 1) throw new IllegalArgumentException("flush interval must be at least 1 ms but was: " + flushMillis);
        if (segmentBytes < 4096) throw new IllegalArgumentException("segment size must be at least 4096 bytes but was: " + segmentBytes);
        if (idleCloseMillis < 0) throw new IllegalArgumentException("idle close time must not be negative but was: " + idleCloseMillis);
    }

    public static LogConfig at(Path dir) {
        return new LogConfig(dir, Durability.FSYNC, DEFAULT_FLUSH_MILLIS, DEFAULT_SEGMENT_BYTES, FileLogStorage.INSTANCE, 0, 0);
    }

    public LogConfig withDurability(Durability d) {
        return new LogConfig(dir, d, flushMillis, segmentBytes, storage, idleCloseMillis, startMicros);
    }

    public LogConfig withFlushMillis(long ms) {
        return new LogConfig(dir, durability, ms, segmentBytes, storage, idleCloseMillis, startMicros);
    }

    public LogConfig withSegmentBytes(long bytes) {
        return new LogConfig(dir, durability, flushMillis, bytes, storage, idleCloseMillis, startMicros);
    }

    public LogConfig withStorage(LogStorage s) {
        return new LogConfig(dir, durability, flushMillis, segmentBytes, s, idleCloseMillis, startMicros);
    }

    /**
     * How long a writer shared through {@link io.waly.log.write.SharedLogs} stays open after its last handle closed:
     * an application that opens a connection per request then keeps one writer instead of reopening (and recovering)
     * the log each time. 0 closes it with the last handle.
     */
    public LogConfig withIdleCloseMillis(long ms) {
        return new LogConfig(dir, durability, flushMillis, segmentBytes, storage, ms, startMicros);
    }

    /**
     * For a log this open creates: its first segment's creation time (microseconds since the epoch), so that a copy of
     * a log written earlier keeps its records' times (they never precede their segment's). 0: now.
     */
    public LogConfig withStartMicros(long micros) {
        return new LogConfig(dir, durability, flushMillis, segmentBytes, storage, idleCloseMillis, micros);
    }
}
