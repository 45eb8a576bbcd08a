package io.waly.log.write;

import static io.waly.log.format.LogFormat.*;
import static io.waly.log.testing.Logs.*;
import static org.assertj.core.api.Assertions.*;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogCorruptException;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.read.LogReader;
import io.waly.log.read.LogVerifier;
import io.waly.log.read.SegmentReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The torn-tail rule (FORMAT.md, "Torn tail and corruption"): what a crash leaves is cut and reported, nothing else. */
class RecoveryTest {
    @TempDir Path dir;
    List<LogRecord> written;
    Path last;

    @BeforeEach
    void tenRecords() {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(Durability.NONE))) {
            for (int i = 1; i <= 10; i++) w.append(RecordKind.STATEMENT, 1, payload(100, i));
        }
        written = readAll(dir);
        last = segments(dir).get(0);
    }

    @Test
    void recordCutMidPayloadIsATornTail() throws Exception {
        LogRecord r10 = written.get(9);
        truncate(last, r10.offset() + 50);
        assertTornTailCut(r10.offset(), 50, "runs past the end of the file");
    }

    @Test
    void recordCutMidHeaderIsATornTail() throws Exception {
        LogRecord r10 = written.get(9);
        truncate(last, r10.offset() + 7);
        assertTornTailCut(r10.offset(), 7, "incomplete record header");
    }

    @Test
    void zerosAfterTheLastRecordAreItsEnd() throws Exception {
        // what the writer preallocates, and what a crash leaves of it
        append(last, new byte[100_000]);
        assertZerosAreTheEnd(10);
    }

    @Test
    void zeroFilledLastRecordIsTheEnd() throws Exception {
        // the file system extended the file for the last record but its data never landed: never durable, not there
        LogRecord r10 = written.get(9);
        write(last, r10.offset(), new byte[r10.size()]);
        assertZerosAreTheEnd(9);
    }

    @Test
    void zerosFollowedByAnythingAreCorruptionNotTheEnd() throws Exception {
        LogRecord r5 = written.get(4);
        write(last, r5.offset(), new byte[r5.size()]);
        try (LogReader r = LogReader.open(dir)) {
            assertThatThrownBy(() -> {
                while (r.next() != null) { /* read on */ }
            }).isInstanceOf(LogCorruptException.class);
        }
        assertThat(LogVerifier.verify(dir).ok()).isFalse();
        assertThatThrownBy(() -> LogWriter.open(LogConfig.at(dir))).isInstanceOf(LogCorruptException.class);
    }

    @Test
    void whatALiveWriterLeavesOnDiskReadsAndReopensWithoutATornTail(@TempDir Path crashed) throws Exception {
        Path live = dir.resolve("live");
        try (LogWriter w = LogWriter.open(LogConfig.at(live))) {
            long s = 0;
            for (int i = 1; i <= 10; i++) s = w.append(RecordKind.STATEMENT, 1, payload(100, i));
            w.sync(s);
            // the files as a power cut would find them: forced records, then the preallocated zeros
            for (Path p : segments(live)) Files.copy(p, crashed.resolve(p.getFileName()));
            assertThat(Files.size(segments(crashed).get(0))).isGreaterThan(written.get(9).offset() + written.get(9).size());
        }
        assertThat(readAll(crashed)).hasSize(10);
        assertThat(SegmentReader.logBytes(segments(crashed))).isEqualTo(written.get(9).offset() + written.get(9).size());
        assertThat(LogVerifier.verify(crashed).ok()).isTrue();
        try (LogWriter w = LogWriter.open(LogConfig.at(crashed))) {
            assertThat(w.recovery().cutTornTail()).isFalse();
            assertThat(w.append(RecordKind.STATEMENT, 1, payload(100, 11))).isEqualTo(11);
        }
        assertThat(readAll(crashed)).hasSize(11);
        // a closed segment ends with its last record
        Path segment = segments(crashed).get(0);
        List<LogRecord> all = readAll(crashed);
        assertThat(Files.size(segment)).isEqualTo(all.get(10).offset() + all.get(10).size());
    }

    private void assertZerosAreTheEnd(int records) throws Exception {
        try (LogReader r = LogReader.open(dir)) {
            int n = 0;
            while (r.next() != null) n++;
            assertThat(n).isEqualTo(records);
            assertThat(r.tornTail()).isNull();
        }
        assertThat(LogVerifier.verify(dir).ok()).isTrue();
        try (LogWriter w = LogWriter.open(LogConfig.at(dir))) {
            assertThat(w.recovery().cutTornTail()).isFalse();
            assertThat(w.recovery().lastSeq()).isEqualTo(records);
            assertThat(w.append(RecordKind.STATEMENT, 1, new byte[] {1})).isEqualTo(records + 1);
        }
        try (LogReader r = LogReader.open(dir)) {
            int n = 0;
            while (r.next() != null) n++;
            assertThat(n).isEqualTo(records + 1);
        }
        assertThat(LogVerifier.verify(dir).ok()).isTrue();
    }

    @Test
    void garbageTailIsATornTail() throws Exception {
        long end = Files.size(last);
        byte[] junk = new byte[3000];
        new Random(7).nextBytes(junk);
        append(last, junk);
        assertTornTailCut(end, 3000, null);
    }

    private void assertTornTailCut(long offset, long bytes, String reason) throws Exception {
        long lastGood = offset == Files.size(last) - bytes && offset == written.get(9).offset() ? 9 : 10;
        // before recovery: the reader stops cleanly at the last good record and says why; verify is not ok
        try (LogReader r = LogReader.open(dir)) {
            int n = 0;
            while (r.next() != null) n++;
            assertThat(n).isEqualTo(lastGood);
            assertThat(r.tornTail()).isNotNull();
            assertThat(r.tornTailOffset()).isEqualTo(offset);
        }
        LogVerifier.Result v = LogVerifier.verify(dir);
        assertThat(v.ok()).isFalse();
        assertThat(v.problem()).contains("ends inside a record");
        assertThat(v.problemSegment()).isEqualTo(last);
        assertThat(v.problemOffset()).isEqualTo(offset);
        assertThat(v.problemSeq()).isEqualTo(lastGood + 1);
        // the writer cuts it, says so, and carries on without a gap
        try (LogWriter w = LogWriter.open(LogConfig.at(dir))) {
            Recovery rec = w.recovery();
            assertThat(rec.cutTornTail()).isTrue();
            assertThat(rec.tornSegment()).isEqualTo(last);
            assertThat(rec.tornOffset()).isEqualTo(offset);
            assertThat(rec.tornBytes()).isEqualTo(bytes);
            if (reason != null) assertThat(rec.tornReason()).contains(reason);
            assertThat(rec.lastSeq()).isEqualTo(lastGood);
            assertThat(rec.toString()).contains("cut a torn tail of " + bytes + " bytes at offset " + offset);
            assertThat(w.append(RecordKind.STATEMENT, 1, new byte[5])).isEqualTo(lastGood + 1);
        }
        assertThat(Files.size(last)).isEqualTo(offset + RECORD_OVERHEAD + 5);
        LogVerifier.Result after = LogVerifier.verify(dir);
        assertThat(after.ok()).as(after.problem()).isTrue();
        assertThat(after.records()).isEqualTo(lastGood + 1);
    }

    @Test
    void cleanLogNeedsNoRecovery() {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir))) {
            assertThat(w.recovery().cutTornTail()).isFalse();
            assertThat(w.recovery().lastSeq()).isEqualTo(10);
            assertThat(w.recovery().toString()).isEqualTo("log ends cleanly at sequence 10");
        }
    }

    @Test
    void damagedRecordFollowedByAValidOneIsCorruptionNotATail() {
        LogRecord r9 = written.get(8);
        xorByte(last, r9.offset() + PAYLOAD_OFFSET + 3, 0x01);
        assertThatThrownBy(() -> LogWriter.open(LogConfig.at(dir)))
                .isInstanceOfSatisfying(LogCorruptException.class, e -> {
                    assertThat(e.segment()).isEqualTo(last);
                    assertThat(e.offset()).isEqualTo(r9.offset());
                    assertThat(e.seq()).isEqualTo(9);
                    assertThat(e.getMessage()).contains("checksum mismatch").contains(last.getFileName().toString())
                            .contains("offset " + r9.offset()).contains("sequence 9");
                });
        assertThat(Files.exists(last)).isTrue();
        assertThat(readAllBytesSize()).isEqualTo(written.get(9).offset() + written.get(9).size());  // nothing was cut
    }

    @Test
    void lastRecordsSwappedIsCorruptionNotATail() {
        // both records have valid checksums: a crash cannot produce that, so the writer must not cut it away
        LogRecord r9 = written.get(8), r10 = written.get(9);
        byte[] a = read(last, r9.offset(), r9.size());
        byte[] b = read(last, r10.offset(), r10.size());
        write(last, r9.offset(), b);
        write(last, r10.offset(), a);
        assertThatThrownBy(() -> LogWriter.open(LogConfig.at(dir)))
                .isInstanceOfSatisfying(LogCorruptException.class, e -> {
                    assertThat(e.offset()).isEqualTo(r9.offset());
                    assertThat(e.seq()).isEqualTo(9);
                    assertThat(e.getMessage()).contains("sequence 10 where 9 was expected");
                });
    }

    @Test
    void duplicatedLastRecordIsCorruption() {
        LogRecord r10 = written.get(9);
        append(last, read(last, r10.offset(), r10.size()));
        assertThatThrownBy(() -> LogWriter.open(LogConfig.at(dir))).isInstanceOf(LogCorruptException.class)
                .hasMessageContaining("sequence 10 where 11 was expected");
        assertThat(LogVerifier.verify(dir).problemSeq()).isEqualTo(11);
    }

    @Test
    void segmentLeftShortByACrashDuringRolloverIsRemoved() throws Exception {
        Path next = dir.resolve(segmentName(11));
        Files.write(next, new byte[40]);
        assertThat(LogVerifier.verify(dir).ok()).isFalse();
        try (LogWriter w = LogWriter.open(LogConfig.at(dir))) {
            assertThat(w.recovery().removedEmptySegment()).isTrue();
            assertThat(w.append(RecordKind.STATEMENT, 1, new byte[1])).isEqualTo(11);
        }
        assertThat(segments(dir)).containsExactly(last);
        assertThat(LogVerifier.verify(dir).ok()).isTrue();
    }

    @Test
    void segmentWithAZeroHeaderIsRemoved() throws Exception {
        Files.write(dir.resolve(segmentName(11)), new byte[SEGMENT_HEADER_LENGTH]);
        try (LogWriter w = LogWriter.open(LogConfig.at(dir))) {
            assertThat(w.recovery().removedEmptySegment()).isTrue();
            assertThat(w.lastSeq()).isEqualTo(10);
        }
    }

    @Test
    void firstSegmentLeftShortStartsAFreshLog() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("fresh"));
        Files.write(empty.resolve(segmentName(1)), new byte[10]);
        try (LogWriter w = LogWriter.open(LogConfig.at(empty))) {
            assertThat(w.recovery().removedEmptySegment()).isTrue();
            assertThat(w.append(RecordKind.STATEMENT, 1, new byte[1])).isEqualTo(1);
        }
        assertThat(LogVerifier.verify(empty).ok()).isTrue();
    }

    private long readAllBytesSize() {
        try {
            return Files.size(last);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
