package io.waly.log.write;

import io.waly.log.LogConfig;
import io.waly.log.LogException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The one writer per log directory within a JVM, shared by reference count. A directory has one writer at a time
 * (FORMAT.md, "One writer per directory"); every connection of a JVM that logs to it goes through here. The first
 * {@link #acquire} opens the writer with its config, which stands until the last handle is closed; later acquires get
 * the same writer whatever config they pass. When the last handle closes, the writer closes and releases the directory.
 */
public final class SharedLogs {
    private SharedLogs() {}

    private static final class Entry {
        final LogWriter writer;
        int refs;

        Entry(LogWriter writer) {
            this.writer = writer;
        }
    }

    // guarded by the class lock; opening and closing a writer are rare and short compared to what they guard
    private static final Map<Path, Entry> OPEN = new HashMap<>();

    /** A reference to a shared writer. Close it once; closing it again does nothing. */
    public static final class LogHandle implements AutoCloseable {
        private final Path key;
        private final Entry entry;
        private boolean closed;

        private LogHandle(Path key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        public LogWriter writer() {
            return entry.writer;
        }

        @Override
        public void close() {
            synchronized (SharedLogs.class) {
                if (closed) return;
                closed = true;
                if (--entry.refs > 0) return;
                OPEN.remove(key, entry);
            }
            entry.writer.close();
        }
    }

    /**
     * Returns a handle to the open writer of {@code config.dir()}, opening it on first use.
     *
     * @throws LogException when the directory cannot be opened, or another process holds it
     */
    public static synchronized LogHandle acquire(LogConfig config) {
        Path key = canonical(config.dir());
        Entry e = OPEN.get(key);
        if (e == null || e.writer.isClosed()) {
            e = new Entry(LogWriter.open(config));
            OPEN.put(key, e);
        }
        e.refs++;
        return new LogHandle(key, e);
    }

    /** Number of open handles on the writer of {@code dir} in this JVM; 0 when none is open. */
    public static synchronized int references(Path dir) {
        Entry e = OPEN.get(canonical(dir));
        return e == null ? 0 : e.refs;
    }

    private static Path canonical(Path dir) {
        try {
            Files.createDirectories(dir);
            return dir.toRealPath();
        } catch (IOException e) {
            throw new LogException("cannot open log directory " + dir.toAbsolutePath() + ": " + e, e);
        }
    }
}
