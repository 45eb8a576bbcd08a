package io.waly.log.kafka;

import io.waly.log.LogException;
import io.waly.log.LogProvider;
import io.waly.log.LogSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * This JVM's writers of logs on Kafka, one per location, shared by reference count, as {@code SharedLogs} shares a
 * directory's: the first acquire opens it (its options stand), and it closes when its last handle closed and its idle
 * time passed with no new one, or at JVM exit. One writer per JVM keeps one stream per application instance, and one
 * producer for all its connections, whose batches are group commit.
 */
final class KafkaSinks {
    private KafkaSinks() {}

    private static final class Entry {
        final String key;
        final KafkaLogSink sink;
        final long idleMillis;
        final List<Runnable> beforeClose = new ArrayList<>();
        int refs;
        ScheduledFuture<?> idleClose;

        Entry(String key, KafkaLogSink sink, long idleMillis) {
            this.key = key;
            this.sink = sink;
            this.idleMillis = idleMillis;
        }
    }

    // guarded by the class lock
    private static final Map<String, Entry> OPEN = new HashMap<>();
    private static Thread shutdownHook;

    /** Runs idle closes; its one daemon thread exists only while a close is pending (and a second after). */
    private static final ScheduledThreadPoolExecutor IDLE = idleExecutor();

    private static ScheduledThreadPoolExecutor idleExecutor() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "waly-kafka-idle-close");
            t.setDaemon(true);
            return t;
        });
        e.setKeepAliveTime(1, TimeUnit.SECONDS);
        e.allowCoreThreadTimeOut(true);
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    private static final class Handle implements LogProvider.SinkHandle {
        private final Entry entry;
        private boolean closed;

        Handle(Entry entry) {
            this.entry = entry;
        }

        @Override
        public LogSink sink() {
            return entry.sink;
        }

        @Override
        public void beforeClose(Runnable hook) {
            synchronized (KafkaSinks.class) {
                entry.beforeClose.add(hook);
            }
        }

        @Override
        public void close() {
            synchronized (KafkaSinks.class) {
                if (closed) return;
                closed = true;
                if (--entry.refs > 0) return;
                if (entry.idleMillis == 0) {
                    closeEntry(entry);
                    return;
                }
                entry.idleClose = IDLE.schedule(() -> closeIfIdle(entry), entry.idleMillis, TimeUnit.MILLISECONDS);
                registerShutdownHook();
            }
        }
    }

    /** @throws LogException when the topic cannot be reached or is unsuitable */
    static synchronized LogProvider.SinkHandle acquire(KafkaLocation location, LogProvider.SinkOptions options) {
        Entry e = OPEN.get(location.text());
        if (e == null) {
            e = new Entry(location.text(), new KafkaLogSink(location, options.durability()), options.idleCloseMillis());
            OPEN.put(e.key, e);
        }
        if (e.idleClose != null) {
            e.idleClose.cancel(false);
            e.idleClose = null;
        }
        e.refs++;
        return new Handle(e);
    }

    private static synchronized void closeIfIdle(Entry e) {
        if (e.refs == 0 && OPEN.get(e.key) == e) closeEntry(e);
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
                // a last record that cannot be written must not keep the producer open
            }
        }
        e.sink.close();
        if (OPEN.values().stream().noneMatch(x -> x.refs == 0)) unregisterShutdownHook();
    }

    private static void registerShutdownHook() {
        if (shutdownHook != null) return;
        Thread hook = new Thread(KafkaSinks::closeAllIdle, "waly-kafka-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            shutdownHook = hook;
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting
        }
    }

    private static void unregisterShutdownHook() {
        if (shutdownHook == null) return;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to
        }
        shutdownHook = null;
    }

    private static synchronized void closeAllIdle() {
        for (Entry e : new ArrayList<>(OPEN.values())) {
            if (e.refs == 0) closeEntry(e);
        }
    }
}
