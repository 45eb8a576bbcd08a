package io.waly.log.write;

import static io.waly.log.testing.Logs.*;
import static org.assertj.core.api.Assertions.*;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogException;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.read.LogVerifier;
import io.waly.log.testing.FaultyStorage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk full and I/O errors, injected through the storage seam: a clear error, no further writes until reopened, and
 * a log that reopens valid with at least every record that was durable.
 */
class FaultInjectionTest {
    @TempDir Path dir;
    final FaultyStorage storage = new FaultyStorage();

    private long durablePrefix(LogWriter w, int n) {
        long s = 0;
        for (int i = 0; i < n; i++) s = w.append(RecordKind.STATEMENT, 1, payload(300, i));
        w.sync(s);
        long t0 = System.nanoTime();  // in async mode the flusher makes it durable
        while (w.durableSeq() < s && System.nanoTime() - t0 < 5_000_000_000L) Thread.onSpinWait();
        assertThat(w.durableSeq()).isEqualTo(s);
        return s;
    }

    private void assertRefusesUntilReopened(LogWriter w) {
        assertThat(w.failed()).isTrue();
        assertThatThrownBy(() -> w.append(RecordKind.STATEMENT, 1, new byte[1])).isInstanceOf(LogException.class)
                .hasMessageContaining("refuses writes after an earlier I/O failure").hasMessageContaining("reopen");
        assertThatThrownBy(() -> w.sync(w.lastSeq() + 1)).isInstanceOf(LogException.class)
                .hasMessageContaining("refuses writes");
    }

    private void assertReopensValid(long durable) {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir))) {
            assertThat(w.lastSeq()).isGreaterThanOrEqualTo(durable);
            long next = w.append(RecordKind.STATEMENT, 1, new byte[1]);
            assertThat(next).isEqualTo(w.recovery().lastSeq() + 1);
        }
        LogVerifier.Result v = LogVerifier.verify(dir);
        assertThat(v.ok()).as(v.problem()).isTrue();
        List<LogRecord> recs = readAll(dir);
        for (int i = 0; i < durable; i++) assertThat(recs.get(i).payload()).isEqualTo(payload(300, i));
    }

    @Test
    void diskFullOnWrite() {
        long durable;
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withStorage(storage))) {
            durable = durablePrefix(w, 10);
            storage.diskFullAfter(500);  // the next write lands one and a half records, then fails
            for (int i = 0; i < 5; i++) w.append(RecordKind.STATEMENT, 1, payload(300, 100 + i));
            assertThatThrownBy(() -> w.sync(w.lastSeq())).isInstanceOf(LogException.class)
                    .hasMessageContaining("No space left on device").hasMessageContaining(dir.toString());
            assertThat(w.durableSeq()).isEqualTo(durable);
            assertRefusesUntilReopened(w);
        }
        assertThat(LogVerifier.verify(dir).ok()).isFalse();  // the half record is there until a writer cuts it
        assertReopensValid(durable);
    }

    @Test
    void diskFullWhenTheBufferFillsDuringAppend() {
        long durable;
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withStorage(storage).withDurability(Durability.ASYNC))) {
            durable = durablePrefix(w, 3);
            storage.diskFullAfter(1000);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 2000; i++) w.append(RecordKind.STATEMENT, 1, payload(300, i));
            }).isInstanceOf(LogException.class).hasMessageContaining("No space left on device");
            assertRefusesUntilReopened(w);
        }
        assertThat(flusherRunning()).isFalse();
        assertReopensValid(durable);
    }

    @Test
    void diskFullWhileCreatingTheNextSegment() {
        long durable;
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withStorage(storage).withSegmentBytes(4096))) {
            durable = durablePrefix(w, 10);  // 96 + 10 records of 366 bytes: the next one does not fit
            storage.diskFullAfter(40);       // the new segment's header lands 40 of 96 bytes
            assertThatThrownBy(() -> w.append(RecordKind.STATEMENT, 1, payload(300, 10)))
                    .isInstanceOf(LogException.class).hasMessageContaining("No space left on device");
            assertRefusesUntilReopened(w);
        }
        assertThat(segments(dir)).hasSize(2);
        try (LogWriter w = LogWriter.open(LogConfig.at(dir))) {
            assertThat(w.recovery().removedEmptySegment()).isTrue();
        }
        assertReopensValid(durable);
    }

    @Test
    void fsyncFailure() {
        long durable;
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withStorage(storage))) {
            durable = durablePrefix(w, 10);
            storage.failForce = true;
            long s = w.append(RecordKind.COMMIT, 1, payload(300, 10));
            assertThatThrownBy(() -> w.sync(s)).isInstanceOf(LogException.class)
                    .hasMessageContaining("fsync failed").hasMessageContaining("Input/output error");
            assertThat(w.durableSeq()).isEqualTo(durable);
            // even with the disk healthy again: after a failed fsync the kernel may have dropped the pages
            storage.failForce = false;
            assertRefusesUntilReopened(w);
        }
        assertReopensValid(durable);
    }

    @Test
    void fsyncFailureInTheAsyncFlusher() throws Exception {
        long durable;
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withStorage(storage).withDurability(Durability.ASYNC)
                .withFlushMillis(10))) {
            durable = w.append(RecordKind.STATEMENT, 1, payload(300, 0));
            w.sync(durable);
            while (w.durableSeq() < durable) Thread.sleep(1);
            storage.failForce = true;
            w.sync(w.append(RecordKind.STATEMENT, 1, payload(300, 1)));
            long t0 = System.nanoTime();
            while (!w.failed() && System.nanoTime() - t0 < 5_000_000_000L) Thread.sleep(1);
            assertRefusesUntilReopened(w);
            storage.failForce = false;
        }
        assertThat(flusherRunning()).isFalse();
        assertReopensValid(durable);
    }

    @Test
    void failingWriterStillReleasesTheDirectory() {
        LogWriter w = LogWriter.open(LogConfig.at(dir).withStorage(storage));
        storage.failForce = true;
        assertThatThrownBy(() -> w.sync(w.append(RecordKind.COMMIT, 1, new byte[1]))).isInstanceOf(LogException.class);
        w.close();
        storage.failForce = false;
        LogWriter.open(LogConfig.at(dir)).close();
    }
}
