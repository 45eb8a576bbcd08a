package io.waly.log.write;

import io.waly.log.LogConfig;
import io.waly.log.LogException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one writer per log directory within a JVM, shared by reference count. A directory has one writer at a time
 * (FORMAT.md, "One writer per directory"); every connection of a JVM that logs to it goes through here. The first
 * {@link #acquire} opens the writer with its config, which stands until the writer closes; later acquires get the same
 * writer whatever config they pass.
 *
 * <p>When the last handle closes, the writer hands what it buffered to the OS and stays open for the config's
 * {@link LogConfig#idleCloseMillis() idle time}: an application that opens a connection per request keeps one writer
 * instead of reopening and recovering the log each time. It is closed when the idle time passes with no new handle,
 * when this JVM opens the directory with a plain {@link LogWriter#open}, or when the JVM shuts down. Opening, closing
 * and acquiring all happen under one lock, so an acquire never races a close.
 */
public final class SharedLogs {
    private SharedLogs() {}

    private static final class Entry {
        final Path key;
        final LogWriter writer;
        final List<Runnable> beforeClose = new ArrayList<>();
        int refs;
        ScheduledFuture<?> idleClose;

        Entry(Path key, LogWriter writer) {
            this.key = key;
            this.writer = writer;
        }
    }

    // guarded by the class lock; opening and closing a writer are rare and short compared to what they guard
    private static final Map<Path, Entry> OPEN = new HashMap<>();
    private static Thread shutdownHook;

    /**
     * Runs idle closes. Its one daemon thread exists only while a close is pending (and a second after), so no thread
     * outlives the logs it serves.
     */
    private static final ScheduledThreadPoolExecutor IDLE = idleExecutor();

    private static ScheduledThreadPoolExecutor idleExecutor() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "waly-log-idle-close");
            t.setDaemon(true);
            return t;
        });
        e.setKeepAliveTime(1, TimeUnit.SECONDS);
        e.allowCoreThreadTimeOut(true);
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    /** A reference to a shared writer. Close it once; closing it again does nothing. */
    public static final class LogHandle implements io.waly.log.LogProvider.SinkHandle {
        private final Entry entry;
        private boolean closed;

        private LogHandle(Entry entry) {
            this.entry = entry;
        }

        public LogWriter writer() {
            return entry.writer;
        }

        @Override
        public io.waly.log.LogSink sink() {
            return entry.writer;
        }

        /** What opening the directory found and repaired (a torn tail cut off, preallocated zeros). */
        @Override
        public Map<String, String> openingFacts() {
            return Map.of("recovery", entry.writer.recovery().toString());
        }

        /**
         * Runs {@code hook} right before the writer closes (idle, evicted or at shutdown), under the writer's lifetime
         * lock: the place to append a last record such as {@code CLOSED}. It must not block on other handles.
         */
        @Override
        public void beforeClose(Runnable hook) {
            synchronized (SharedLogs.class) {
                entry.beforeClose.add(hook);
            }
        }

        @Override
        public void close() {
            synchronized (SharedLogs.class) {
                if (closed) return;
                closed = true;
                if (--entry.refs > 0) return;
                long idle = entry.writer.config().idleCloseMillis();
                if (idle == 0 || entry.writer.failed()) {
                    closeEntry(entry);
                    return;
                }
                try {
                    entry.writer.publish(entry.writer.lastSeq());   // readers see everything while it waits
                } catch (LogException e) {
                    closeEntry(entry);   // a failed writer is of no use to the next connection
                    return;
                }
                entry.idleClose = IDLE.schedule(() -> closeIfIdle(entry), idle, TimeUnit.MILLISECONDS);
                registerShutdownHook();
            }
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
        if (e != null && e.writer.isClosed()) {
            OPEN.remove(key);   // closed under us (a plain close of a shared writer): start afresh
            e = null;
        }
        if (e == null) {
            e = new Entry(key, LogWriter.open(config));
            OPEN.put(key, e);
        }
        if (e.idleClose != null) {
            e.idleClose.cancel(false);
            e.idleClose = null;
        }
        e.refs++;
        return new LogHandle(e);
    }

    /** Number of open handles on the writer of {@code dir} in this JVM; 0 when none is open (or it is idle). */
    public static synchronized int references(Path dir) {
        Entry e = OPEN.get(canonical(dir));
        return e == null ? 0 : e.refs;
    }

    /** True when this JVM keeps the writer of {@code dir} open without a handle, waiting for its idle time to pass. */
    public static synchronized boolean isIdle(Path dir) {
        Entry e = OPEN.get(canonical(dir));
        return e != null && e.refs == 0;
    }

    /**
     * Closes the writer of the directory {@code key} (a real path) if this JVM keeps it open only for its idle time;
     * {@link LogWriter#open} calls this so that a plain open after the last connection closed is not refused.
     */
    static synchronized void closeIfIdle(Path key) {
        Entry e = OPEN.get(key);
        if (e != null) closeIfIdle(e);
    }

    private static synchronized void closeIfIdle(Entry e) {
        if (e.refs == 0 && OPEN.get(e.key) == e && !e.writer.isClosed()) closeEntry(e);
    }

    // caller holds the class lock
    private static void closeEntry(Entry e) {
        OPEN.remove(e.key, e);
        if (e.idleClose != null) e.idleClose.cancel(false);
        e.idleClose = null;
        for (Runnable hook : e.beforeClose) {
            try {
                hook.run();
            } catch (RuntimeException ignored) {
                // a failed last record must not keep the directory locked
            }
        }
        e.writer.close();
        if (OPEN.values().stream().noneMatch(x -> x.refs == 0)) unregisterShutdownHook();
    }

    /** At JVM exit, idle writers are closed cleanly (their last records written and forced). */
    private static void registerShutdownHook() {
        if (shutdownHook != null) return;
        Thread hook = new Thread(SharedLogs::closeAllIdle, "waly-log-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            shutdownHook = hook;
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting: nothing to register with
        }
    }

    private static void unregisterShutdownHook() {
        if (shutdownHook == null) return;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it finds nothing left to close
        }
        shutdownHook = null;
    }

    private static synchronized void closeAllIdle() {
        for (Entry e : new ArrayList<>(OPEN.values())) {
            if (e.refs == 0) closeEntry(e);
        }
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
