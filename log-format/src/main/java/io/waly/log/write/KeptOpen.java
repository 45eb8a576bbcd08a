package io.waly.log.write;

import io.waly.log.LogProvider;
import io.waly.log.LogSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * This JVM's log writers, one per log and shared by reference count: a directory's ({@link SharedLogs}) or a topic's
 * producer (waly-log-kafka). The first {@link #acquire} opens the writer, later ones get it whatever options they pass.
 * When the last handle closes, the writer stays open for its idle time — an application that opens a connection per
 * request keeps one writer instead of reopening (and recovering) the log each time — and closes when the time passes
 * with no new handle, or at JVM exit. Opening, closing and acquiring happen under one lock (this object's), so an
 * acquire never races a close.
 */
public final class KeptOpen<K, W extends LogSink> {

    /** What the pool needs of its writers besides {@link LogSink}. */
    public interface Lifecycle<W> {
        /** The last handle closed and {@code w} is to wait idle: hand out what it buffered; false to close it now. */
        boolean idle(W w);

        /** Closed under the pool (a plain close): the next acquire opens a fresh one. */
        boolean isClosed(W w);

        void close(W w);

        /** What opening {@code w} found that its OPENED record should say (a directory's recovery); often nothing. */
        default Map<String, String> openingFacts(W w) {
            return Map.of();
        }
    }

    private final class Entry {
        final K key;
        final W writer;
        final long idleMillis;
        final List<Runnable> beforeClose = new ArrayList<>();
        int refs;
        ScheduledFuture<?> idleClose;

        Entry(K key, W writer, long idleMillis) {
            this.key = key;
            this.writer = writer;
            this.idleMillis = idleMillis;
        }
    }

    /** A reference to a shared writer. Close it once; closing it again does nothing. */
    public static final class Handle<W extends LogSink> implements LogProvider.SinkHandle {
        private final Object lock;
        private final W writer;
        private final List<Runnable> beforeClose;
        private final Map<String, String> openingFacts;
        private final Runnable release;
        private boolean closed;

        private Handle(Object lock, W writer, List<Runnable> beforeClose, Map<String, String> openingFacts, Runnable release) {
            this.lock = lock;
            this.writer = writer;
            this.beforeClose = beforeClose;
            this.openingFacts = openingFacts;
            this.release = release;
        }

        public W writer() {
            return writer;
        }

        @Override
        public LogSink sink() {
            return writer;
        }

        @Override
        public Map<String, String> openingFacts() {
            return openingFacts;
        }

        /**
         * Runs {@code hook} right before the writer closes (idle, evicted or at shutdown), under the pool's lock: the
         * place to append a last record such as {@code CLOSED}. It must not block on other handles.
         */
        @Override
        public void beforeClose(Runnable hook) {
            synchronized (lock) {
                beforeClose.add(hook);
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (closed) return;
                closed = true;
                release.run();
            }
        }
    }

    private final String name;
    private final Lifecycle<W> lifecycle;
    // guarded by this; opening and closing a writer are rare and short compared to what they guard
    private final Map<K, Entry> open = new HashMap<>();
    private Thread shutdownHook;
    /** Runs idle closes; its one daemon thread exists only while a close is pending (and a second after). */
    private final ScheduledThreadPoolExecutor idle;

    /** @param name what its threads are called after ({@code name-idle-close}, {@code name-shutdown}) */
    public KeptOpen(String name, Lifecycle<W> lifecycle) {
        this.name = name;
        this.lifecycle = lifecycle;
        this.idle = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name + "-idle-close");
            t.setDaemon(true);
            return t;
        });
        idle.setKeepAliveTime(1, TimeUnit.SECONDS);
        idle.allowCoreThreadTimeOut(true);
        idle.setRemoveOnCancelPolicy(true);
    }

    /** A handle to the writer of {@code key}, opened by {@code opener} on first use (its exceptions pass through). */
    public synchronized Handle<W> acquire(K key, Supplier<W> opener, long idleMillis) {
        Entry e = open.get(key);
        if (e != null && lifecycle.isClosed(e.writer)) {
            open.remove(key);   // closed under us: start afresh
            e = null;
        }
        if (e == null) {
            e = new Entry(key, opener.get(), idleMillis);
            open.put(key, e);
        }
        if (e.idleClose != null) {
            e.idleClose.cancel(false);
            e.idleClose = null;
        }
        e.refs++;
        Entry entry = e;
        return new Handle<>(this, e.writer, e.beforeClose, lifecycle.openingFacts(e.writer), () -> release(entry));
    }

    /** Number of open handles on the writer of {@code key}; 0 when none is open (or it is idle). */
    public synchronized int references(K key) {
        Entry e = open.get(key);
        return e == null ? 0 : e.refs;
    }

    /** True when the writer of {@code key} is kept open without a handle, waiting for its idle time to pass. */
    public synchronized boolean isIdle(K key) {
        Entry e = open.get(key);
        return e != null && e.refs == 0;
    }

    /** Closes the writer of {@code key} if it is kept open only for its idle time. */
    public synchronized void closeIfIdle(K key) {
        Entry e = open.get(key);
        if (e != null) closeIfIdle(e);
    }

    // caller holds this
    private void release(Entry e) {
        if (--e.refs > 0) return;
        if (e.idleMillis == 0 || !lifecycle.idle(e.writer)) {
            closeEntry(e);
            return;
        }
        e.idleClose = idle.schedule(() -> closeIfIdle(e), e.idleMillis, TimeUnit.MILLISECONDS);
        registerShutdownHook();
    }

    private synchronized void closeIfIdle(Entry e) {
        if (e.refs == 0 && open.get(e.key) == e && !lifecycle.isClosed(e.writer)) closeEntry(e);
    }

    // caller holds this
    private void closeEntry(Entry e) {
        open.remove(e.key, e);
        if (e.idleClose != null) e.idleClose.cancel(false);
        e.idleClose = null;
        for (Runnable hook : e.beforeClose) {
            try {
                hook.run();
            } catch (RuntimeException ignored) {
                // a failed last record must not keep the log open (or a directory locked)
            }
        }
        lifecycle.close(e.writer);
        if (open.values().stream().noneMatch(x -> x.refs == 0)) unregisterShutdownHook();
    }

    /** At JVM exit, idle writers are closed cleanly (their last records written and forced). */
    private void registerShutdownHook() {
        if (shutdownHook != null) return;
        Thread hook = new Thread(this::closeAllIdle, name + "-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            shutdownHook = hook;
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting: nothing to register with
        }
    }

    private void unregisterShutdownHook() {
        if (shutdownHook == null) return;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it finds nothing left to close
        }
        shutdownHook = null;
    }

    private synchronized void closeAllIdle() {
        for (Entry e : new ArrayList<>(open.values())) {
            if (e.refs == 0) closeEntry(e);
        }
    }
}
