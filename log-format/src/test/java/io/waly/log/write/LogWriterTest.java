package io.waly.log.write;

import static io.waly.log.format.LogFormat.*;
import static io.waly.log.testing.Logs.*;
import static org.assertj.core.api.Assertions.*;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogException;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.format.SegmentHeader;
import io.waly.log.read.LogVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LogWriterTest {
    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void roundTripInEveryMode(Durability d) {
        List<byte[]> payloads = new ArrayList<>();
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(d))) {
            long begin = w.append(RecordKind.BEGIN, LogWriter.OWN_SEQ, payload(10, 0));
            payloads.add(payload(10, 0));
            for (int i = 1; i <= 50; i++) {
                payloads.add(payload(i * 7, i));
                w.append(RecordKind.STATEMENT, begin, payload(i * 7, i));
            }
            long commit = w.append(RecordKind.COMMIT, begin, new byte[0]);
            payloads.add(new byte[0]);
            w.sync(commit);
            assertThat(w.lastSeq()).isEqualTo(52);
            if (d == Durability.FSYNC) assertThat(w.durableSeq()).isEqualTo(52);
        }
        List<LogRecord> recs = readAll(dir);
        assertThat(recs).hasSize(52);
        for (int i = 0; i < recs.size(); i++) {
            LogRecord r = recs.get(i);
            assertThat(r.seq()).isEqualTo(i + 1);
            assertThat(r.txId()).isEqualTo(1);
            assertThat(r.payload()).isEqualTo(payloads.get(i));
            assertThat(r.kind()).isEqualTo(i == 0 ? RecordKind.BEGIN : i == 51 ? RecordKind.COMMIT : RecordKind.STATEMENT);
            if (i > 0) assertThat(r.timestampMicros()).isGreaterThanOrEqualTo(recs.get(i - 1).timestampMicros());
        }
        assertThat(LogVerifier.verify(dir).ok()).isTrue();
    }

    @Test
    void rollsOverAtTheConfiguredSize() throws Exception {
        long limit = 8192;
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(Durability.NONE).withSegmentBytes(limit))) {
            for (int i = 0; i < 100; i++) w.append(RecordKind.STATEMENT, 1, payload(500, i));
        }
        List<Path> segs = segments(dir);
        // 566-byte records, 96-byte header: 14 records fit in 8192 bytes
        assertThat(segs).hasSize(8);
        long expectFirst = 1;
        for (Path s : segs) {
            assertThat(Files.size(s)).isLessThanOrEqualTo(limit);
            SegmentHeader h = SegmentHeader.decode(Files.readAllBytes(s));
            assertThat(h.firstSeq()).isEqualTo(expectFirst);
            assertThat(s.getFileName().toString()).isEqualTo(segmentName(expectFirst));
            expectFirst += (Files.size(s) - SEGMENT_HEADER_LENGTH) / 566;
        }
        assertThat(readAll(dir)).extracting(LogRecord::seq).containsExactlyElementsOf(seqs(1, 100));
        assertThat(LogVerifier.verify(dir).ok()).isTrue();
    }

    @Test
    void recordLargerThanASegmentGetsOneOfItsOwn() throws Exception {
        byte[] big = payload(10 * 1024 * 1024, 42);
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withSegmentBytes(1024 * 1024))) {
            w.append(RecordKind.STATEMENT, 1, payload(100, 1));
            long s = w.append(RecordKind.STATEMENT, 1, big);
            w.append(RecordKind.STATEMENT, 1, payload(100, 3));
            w.sync(s + 1);
        }
        List<Path> segs = segments(dir);
        assertThat(segs).hasSize(3);
        assertThat(Files.size(segs.get(1))).isEqualTo(SEGMENT_HEADER_LENGTH + RECORD_OVERHEAD + big.length);
        List<LogRecord> recs = readAll(dir);
        assertThat(recs).hasSize(3);
        assertThat(recs.get(1).payload()).isEqualTo(big);
        assertThat(LogVerifier.verify(dir).ok()).isTrue();
    }

    @Test
    void sequenceIsGapFreeAcrossReopens() {
        for (int round = 0; round < 3; round++) {
            try (LogWriter w = LogWriter.open(LogConfig.at(dir).withSegmentBytes(4096))) {
                assertThat(w.recovery().lastSeq()).isEqualTo(round * 20L);
                assertThat(w.lastSeq()).isEqualTo(round * 20L);
                for (int i = 0; i < 20; i++) w.append(RecordKind.STATEMENT, 1, payload(300, round * 100 + i));
                w.sync(w.lastSeq());
            }
        }
        assertThat(readAll(dir)).extracting(LogRecord::seq).containsExactlyElementsOf(seqs(1, 60));
        LogVerifier.Result v = LogVerifier.verify(dir);
        assertThat(v.ok()).as(v.problem()).isTrue();
        assertThat(v.records()).isEqualTo(60);
    }

    @Test
    void ownSeqMakesTheTransactionIdTheRecordsSequence() {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir))) {
            w.append(RecordKind.OPENED, 0, new byte[0]);
            long begin = w.append(RecordKind.BEGIN, LogWriter.OWN_SEQ, new byte[0]);
            w.append(RecordKind.COMMIT, begin, new byte[0]);
        }
        assertThat(readAll(dir)).extracting(LogRecord::txId).containsExactly(0L, 2L, 2L);
    }

    @Test
    void closedWriterRefusesAppendsAndLeavesNoThread() {
        LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(Durability.ASYNC).withFlushMillis(5));
        assertThat(flusherRunning()).isTrue();
        w.append(RecordKind.STATEMENT, 1, new byte[3]);
        w.close();
        w.close();  // idempotent
        assertThat(flusherRunning()).isFalse();
        assertThatThrownBy(() -> w.append(RecordKind.STATEMENT, 1, new byte[3]))
                .isInstanceOf(LogException.class).hasMessageContaining("closed");
        assertThat(readAll(dir)).hasSize(1);
    }

    @Test
    void unknownKindCodesSurviveAsUnknown() {
        assertThat(RecordKind.of((byte) 200)).isEqualTo(RecordKind.UNKNOWN);
        for (RecordKind k : RecordKind.values()) if (k != RecordKind.UNKNOWN) assertThat(RecordKind.of(k.code)).isEqualTo(k);
    }

    static List<Long> seqs(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i <= to; i++) l.add(i);
        return l;
    }
}
