package io.waly.log.write;

import static io.waly.log.testing.Logs.*;
import static org.assertj.core.api.Assertions.*;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.read.LogVerifier;
import io.waly.log.testing.CountingStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability modes and group commit, with fsyncs counted through the storage seam. */
class DurabilityTest {
    @TempDir Path dir;

    @Test
    void groupCommitSharesFsyncsAndEveryCommitIsDurableWhenSyncReturns() throws Exception {
        CountingStorage storage = new CountingStorage();
        int threads = 8, commits = 50;
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        long forcesBefore;
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withStorage(storage).withSegmentBytes(64 * 1024))) {
            forcesBefore = storage.forces.get();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < commits; i++) {
                            long begin = w.append(RecordKind.BEGIN, LogWriter.OWN_SEQ, payload(40, id));
                            w.append(RecordKind.STATEMENT, begin, payload(200, i));
                            long commit = w.append(RecordKind.COMMIT, begin, new byte[0]);
                            w.sync(commit);
                            if (w.durableSeq() < commit) throw new AssertionError("sync(" + commit + ") returned at durable " + w.durableSeq());
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                th.start();
                ts.add(th);
            }
            start.countDown();
            for (Thread th : ts) th.join(60_000);
        }
        assertThat(errors).isEmpty();
        long fsyncs = storage.forces.get() - forcesBefore;
        assertThat(fsyncs).as("fsyncs for %d commits", threads * commits).isLessThan(threads * commits);
        List<LogRecord> recs = readAll(dir);
        assertThat(recs).hasSize(threads * commits * 3);
        // every transaction's records are in order and complete
        for (LogRecord r : recs) if (r.kind() == RecordKind.BEGIN) assertThat(r.txId()).isEqualTo(r.seq());
        assertThat(LogVerifier.verify(dir).ok()).isTrue();
    }

    @Test
    void aLoneCommitterIsForcedAtOnce() {
        CountingStorage storage = new CountingStorage();
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withStorage(storage))) {
            long before = storage.forces.get();
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                long s = w.append(RecordKind.COMMIT, 1, new byte[8]);
                w.sync(s);
                assertThat(w.durableSeq()).isEqualTo(s);
                // no batch to fill, no timer: one fsync per commit, well under the async flush interval
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(LogConfig.DEFAULT_FLUSH_MILLIS);
            }
            assertThat(storage.forces.get() - before).isEqualTo(20);
            // a sync of what is already durable costs nothing
            w.sync(w.lastSeq());
            assertThat(storage.forces.get() - before).isEqualTo(20);
        }
    }

    @Test
    void asyncFlusherForcesWithinTheFlushInterval() throws Exception {
        CountingStorage storage = new CountingStorage();
        long flushMillis = 50;
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withStorage(storage).withDurability(Durability.ASYNC)
                .withFlushMillis(flushMillis))) {
            for (int round = 0; round < 3; round++) {
                long before = storage.forces.get();
                long s = w.append(RecordKind.COMMIT, 1, new byte[8]);
                long t0 = System.nanoTime();
                w.sync(s);
                assertThat(storage.writes.get()).isPositive();  // handed to the OS at once
                while (w.durableSeq() < s && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5)) Thread.sleep(1);
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(w.durableSeq()).isEqualTo(s);
                assertThat(storage.forces.get()).isGreaterThan(before);
                assertThat(took).as("ms until forced").isLessThan(flushMillis * 4);
            }
            // an idle log is not forced over and over
            Thread.sleep(flushMillis * 3);
            long idle = storage.forces.get();
            Thread.sleep(flushMillis * 3);
            assertThat(storage.forces.get()).isEqualTo(idle);
        }
        assertThat(flusherRunning()).isFalse();
    }

    @Test
    void noneModeNeverForcesRecords() throws Exception {
        CountingStorage storage = new CountingStorage();
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withStorage(storage).withDurability(Durability.NONE))) {
            long before = storage.forces.get();
            long s = w.append(RecordKind.COMMIT, 1, new byte[8]);
            w.sync(s);
            Thread.sleep(50);
            assertThat(storage.forces.get()).isEqualTo(before);
            assertThat(flusherRunning()).isFalse();
        }
        assertThat(readAll(dir)).hasSize(1);
    }

    @Test
    void noneModeRollsOverWithoutKeepingOldSegmentsOpen() throws Exception {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(Durability.NONE).withSegmentBytes(4096))) {
            long fdsBefore = openFds();
            for (int i = 0; i < 2000; i++) w.append(RecordKind.STATEMENT, 1, payload(400, i));
            assertThat(segments(dir).size()).isGreaterThan(200);
            if (fdsBefore >= 0) assertThat(openFds() - fdsBefore).isLessThan(10);
        }
    }

    private static long openFds() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean u ? u.getOpenFileDescriptorCount() : -1;
    }
}
