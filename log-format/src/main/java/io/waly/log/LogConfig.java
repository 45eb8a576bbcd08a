package io.waly.log;

import io.waly.log.storage.FileLogStorage;
import io.waly.log.storage.LogStorage;
import java.nio.file.Path;
import java.util.Objects;

/** How a log is opened for writing. Build with {@link #at(Path)} and the {@code with*} methods. */
public record LogConfig(Path dir, Durability durability, long flushMillis, long segmentBytes, LogStorage storage) {

    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    public static final long DEFAULT_FLUSH_MILLIS = 200;

    public LogConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(storage, "storage");
        if (flushMillis < 1) throw new IllegalArgumentException("flush interval must be at least 1 ms but was: " + flushMillis);
        if (segmentBytes < 4096) throw new IllegalArgumentException("segment size must be at least 4096 bytes but was: " + segmentBytes);
    }

    public static LogConfig at(Path dir) {
        return new LogConfig(dir, Durability.FSYNC, DEFAULT_FLUSH_MILLIS, DEFAULT_SEGMENT_BYTES, FileLogStorage.INSTANCE);
    }

    public LogConfig withDurability(Durability d) {
        return new LogConfig(dir, d, flushMillis, segmentBytes, storage);
    }

    public LogConfig withFlushMillis(long ms) {
        return new LogConfig(dir, durability, ms, segmentBytes, storage);
    }

    public LogConfig withSegmentBytes(long bytes) {
        return new LogConfig(dir, durability, flushMillis, bytes, storage);
    }

    public LogConfig withStorage(LogStorage s) {
        return new LogConfig(dir, durability, flushMillis, segmentBytes, s);
    }
}
