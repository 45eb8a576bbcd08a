package io.waly.log.read;

import static io.waly.log.testing.Logs.*;
import static org.assertj.core.api.Assertions.*;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogException;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.write.LogWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogReaderTest {
    @TempDir Path dir;

    private List<LogRecord> fiveSegments() throws InterruptedException {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(Durability.NONE).withSegmentBytes(4096))) {
            for (int i = 1; i <= 60; i++) {
                w.append(RecordKind.STATEMENT, 1, payload(267, i));
                if (i % 3 == 0) Thread.sleep(2);  // distinct timestamps every few records, equal ones in between
            }
        }
        assertThat(segments(dir)).hasSize(5);
        return readAll(dir);
    }

    @Test
    void fromSeqSeeksAcrossSegments() throws Exception {
        fiveSegments();
        for (long from : new long[] {0, 1, 12, 13, 14, 30, 49, 60}) {
            try (LogReader r = LogReader.open(dir).fromSeq(from)) {
                LogRecord first = r.next();
                assertThat(first.seq()).isEqualTo(Math.max(1, from));
                long n = 1;
                while (r.next() != null) n++;
                assertThat(n).isEqualTo(60 - Math.max(1, from) + 1);
            }
        }
        try (LogReader r = LogReader.open(dir).fromSeq(61)) {
            assertThat(r.next()).isNull();
            assertThat(r.nextSeq()).isEqualTo(61);
        }
    }

    @Test
    void fromTimeFindsTheFirstRecordAtOrAfterTheTime() throws Exception {
        List<LogRecord> recs = fiveSegments();
        for (LogRecord target : recs) {
            LogRecord expected = recs.stream().filter(x -> x.timestampMicros() >= target.timestampMicros()).findFirst().orElseThrow();
            try (LogReader r = LogReader.open(dir).fromTime(target.timestamp())) {
                assertThat(r.next().seq()).as("fromTime(%s)", target.timestamp()).isEqualTo(expected.seq());
            }
            // one microsecond later: the first record after that time
            Instant later = target.timestamp().plusNanos(1000);
            LogRecord after = recs.stream().filter(x -> x.timestampMicros() > target.timestampMicros()).findFirst().orElse(null);
            try (LogReader r = LogReader.open(dir).fromTime(later)) {
                LogRecord got = r.next();
                assertThat(got == null ? null : got.seq()).isEqualTo(after == null ? null : after.seq());
            }
        }
        try (LogReader r = LogReader.open(dir).fromTime(Instant.EPOCH)) {
            assertThat(r.next().seq()).isEqualTo(1);
        }
    }

    @Test
    void aConsumerResumesFromItsCursor() throws Exception {
        fiveSegments();
        long cursor;
        try (LogReader r = LogReader.open(dir)) {
            for (int i = 0; i < 25; i++) r.next();
            cursor = r.nextSeq();
        }
        assertThat(cursor).isEqualTo(26);
        try (LogReader r = LogReader.open(dir).fromSeq(cursor)) {
            assertThat(r.next().seq()).isEqualTo(26);
        }
    }

    @Test
    void followModeSeesANewRecordWithinMilliseconds() throws Exception {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(Durability.NONE));
             LogReader r = LogReader.open(dir)) {
            assertThat(r.next()).isNull();
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                AtomicLong appendedAt = new AtomicLong();
                Thread t = new Thread(() -> {
                    try {
                        Thread.sleep(100);  // long enough for the follower to back off fully
                    } catch (InterruptedException e) {
                        return;
                    }
                    long s = w.append(RecordKind.STATEMENT, 1, new byte[10]);
                    appendedAt.set(System.nanoTime());
                    w.sync(s);
                });
                t.start();
                LogRecord rec = r.next(5_000);
                long seen = System.nanoTime();
                t.join();
                assertThat(rec).isNotNull();
                assertThat(rec.seq()).isEqualTo(i + 1);
                latencies.add((seen - appendedAt.get()) / 1_000_000);
            }
            latencies.sort(null);
            assertThat(latencies.get(latencies.size() / 2)).as("median ms, all: %s", latencies).isLessThan(50);
        }
    }

    @Test
    void followModeParksInsteadOfSpinning() throws Exception {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir))) {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            AtomicLong cpu = new AtomicLong();
            Thread t = new Thread(() -> {
                try (LogReader r = LogReader.open(dir)) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    assertThat(r.next(1_000)).isNull();
                    cpu.set(mx.getCurrentThreadCpuTime() - c0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            t.join();
            // a busy spin would burn the whole second
            assertThat(cpu.get() / 1_000_000).as("CPU ms while waiting 1 s").isLessThan(150);
        }
    }

    @Test
    void followingAWriterThroughManyRollovers() throws Exception {
        int n = 3000;
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(Durability.NONE).withSegmentBytes(4096))) {
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 1; i <= n; i++) {
                        w.sync(w.append(RecordKind.STATEMENT, 1, payload(i % 700, i)));
                        if (i % 100 == 0) Thread.yield();
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            writer.start();
            try (LogReader r = LogReader.open(dir)) {
                for (int i = 1; i <= n; i++) {
                    LogRecord rec = r.next(10_000);
                    assertThat(rec).as("record %d", i).isNotNull();
                    assertThat(rec.seq()).isEqualTo(i);
                    assertThat(rec.payload()).isEqualTo(payload(i % 700, i));
                }
            }
            writer.join();
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void missingDirectoryIsAClearError() {
        assertThatThrownBy(() -> LogReader.open(dir.resolve("nope"))).isInstanceOf(LogException.class)
                .hasMessageContaining("no log at");
    }
}
