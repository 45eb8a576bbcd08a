package io.waly.log.write;

import io.waly.log.LogConfig;
import io.waly.log.LogException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one writer per log directory within a JVM, shared by reference count ({@link KeptOpen}). A directory has one
 * writer at a time (FORMAT.md, "One writer per directory"); every connection of a JVM that logs to it goes through
 * here. The first {@link #acquire} opens the writer with its config, which stands until the writer closes; later
 * acquires get the same writer whatever config they pass.
 *
 * <p>When the last handle closes, the writer hands what it buffered to the OS and stays open for the config's
 * {@link LogConfig#idleCloseMillis() idle time}. It is closed when the idle time passes with no new handle, when this
 * JVM opens the directory with a plain {@link LogWriter#open}, or when the JVM shuts down.
 */
public final class SharedLogs {
    private SharedLogs() {}

    private static final KeptOpen<Path, LogWriter> OPEN = new KeptOpen<>("waly-log", new KeptOpen.Lifecycle<>() {
        @Override
        public boolean idle(LogWriter w) {
            if (w.failed()) return false;   // a failed writer is of no use to the next connection
            try {
                w.publish(w.lastSeq());   // readers see everything while it waits
                return true;
            } catch (LogException e) {
                return false;
            }
        }

        @Override
        public boolean isClosed(LogWriter w) {
            return w.isClosed();
        }

        @Override
        public void close(LogWriter w) {
            w.close();
        }

        @Override
        public Map<String, String> openingFacts(LogWriter w) {
            return Map.of("recovery", w.recovery().toString());
        }
    });

    /**
     * Returns a handle to the open writer of {@code config.dir()}, opening it on first use.
     *
     * @throws LogException when the directory cannot be opened, or another process holds it
     */
    public static KeptOpen.Handle<LogWriter> acquire(LogConfig config) {
        return OPEN.acquire(canonical(config.dir()), () -> LogWriter.open(config), config.idleCloseMillis());
    }

    /** Number of open handles on the writer of {@code dir} in this JVM; 0 when none is open (or it is idle). */
    public static int references(Path dir) {
        return OPEN.references(canonical(dir));
    }

    /** True when this JVM keeps the writer of {@code dir} open without a handle, waiting for its idle time to pass. */
    public static boolean isIdle(Path dir) {
        return OPEN.isIdle(canonical(dir));
    }

    /**
     * Closes the writer of the directory {@code key} (a real path) if this JVM keeps it open only for its idle time;
     * {@link LogWriter#open} calls this so that a plain open after the last connection closed is not refused.
     */
    static void closeIfIdle(Path key) {
        OPEN.closeIfIdle(key);
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
