package io.waly.log.write;

import static io.waly.log.format.LogFormat.*;
import static io.waly.log.testing.Logs.*;
import static org.assertj.core.api.Assertions.*;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.read.LogVerifier;
import io.waly.log.storage.FileLogStorage;
import io.waly.log.storage.ForwardingSegmentFile;
import io.waly.log.storage.LogStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many appenders publishing and syncing at once, with segments small enough to roll all the time: the buffers reach
 * the OS whole and in the log's order (each write's first record follows the last one written), {@code publish(seq)}
 * and {@code sync(seq)} return only once {@code seq} was handed to the OS (and, in fsync, forced), and the log reads
 * back complete and verifies.
 */
class ConcurrentWritesTest {
    @TempDir Path dir;

    /** Parses what each write hands to the OS: the seq of the records in it, checked to follow on without a gap. */
    private static final class OrderCheckingStorage implements LogStorage {
        final AtomicLong handedToOs = new AtomicLong();
        final AtomicLong forcedUpTo = new AtomicLong();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

        @Override
        public SegmentFile open(Path file) throws IOException {
            return new ForwardingSegmentFile(FileLogStorage.INSTANCE.open(file)) {
                long writtenHere;   // the last seq written to this segment, read by force()

                @Override
                public void write(ByteBuffer bytes) throws IOException {
                    ByteBuffer b = bytes.duplicate();
                    if (b.remaining() == SEGMENT_HEADER_LENGTH && b.getLong(b.position()) == 0x57414c594c4f4700L) {
                        super.write(bytes);   // a new segment's header
                        return;
                    }
                    long last;
                    synchronized (handedToOs) {   // writes must not overlap, so this lock is never contended
                        long expected = handedToOs.get() + 1;
                        int p = b.position();
                        last = handedToOs.get();
                        while (p < b.limit()) {
                            long seq = b.getLong(p + SEQ_OFFSET);
                            if (seq != expected) problems.add("record " + seq + " written where " + expected + " was next");
                            expected = seq + 1;
                            last = seq;
                            p += RECORD_OVERHEAD + b.getInt(p + LENGTH_OFFSET);
                        }
                        super.write(bytes);
                        handedToOs.set(last);
                    }
                    writtenHere = last;
                }

                @Override
                public void force() throws IOException {
                    long upTo = writtenHere;
                    super.force();
                    forcedUpTo.accumulateAndGet(upTo, Math::max);
                }
            };
        }

        @Override
        public void syncDirectory(Path d) throws IOException {
            FileLogStorage.INSTANCE.syncDirectory(d);
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void buffersReachTheOsInOrderAndEveryPublishIsThereWhenItReturns(Durability durability) throws Exception {
        OrderCheckingStorage storage = new OrderCheckingStorage();
        int threads = 8, transactions = 300;
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(durability).withStorage(storage)
                .withSegmentBytes(32 * 1024).withFlushMillis(2))) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        for (int i = 0; i < transactions; i++) {
                            long begin = w.append(RecordKind.BEGIN, LogWriter.OWN_SEQ, payload(20, i));
                            for (int s = random.nextInt(4); s >= 0; s--) w.append(RecordKind.STATEMENT, begin, payload(random.nextInt(1, 3000), s));
                            long commit = w.append(RecordKind.COMMIT, begin, new byte[0]);
                            if (random.nextBoolean()) {
                                w.publish(commit);
                            } else {
                                w.sync(commit);
                                if (durability == Durability.FSYNC && storage.forcedUpTo.get() < commit) {
                                    throw new AssertionError("sync(" + commit + ") returned with " + storage.forcedUpTo.get() + " forced");
                                }
                            }
                            if (storage.handedToOs.get() < commit) {
                                throw new AssertionError("record " + commit + " not handed to the OS when publish/sync returned ("
                                        + storage.handedToOs.get() + ")");
                            }
                            w.publish(w.append(RecordKind.COMMITTED, begin, new byte[0]));
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                th.start();
                ts.add(th);
            }
            start.countDown();
            for (Thread th : ts) th.join(120_000);
        }
        assertThat(errors).isEmpty();
        assertThat(storage.problems).isEmpty();
        List<LogRecord> recs = readAll(dir);
        assertThat(recs).extracting(LogRecord::seq).containsExactlyElementsOf(LogWriterTest.seqs(1, recs.size()));
        assertThat(recs.stream().filter(r -> r.kind() == RecordKind.COMMITTED)).hasSize(threads * transactions);
        assertThat(segments(dir).size()).as("segments rolled").isGreaterThan(10);
        assertThat(LogVerifier.verify(dir).ok()).isTrue();
    }
}
