package io.waly.log.read;

import static io.waly.log.format.LogFormat.*;
import static io.waly.log.testing.Logs.*;
import static org.assertj.core.api.Assertions.*;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogCorruptException;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.write.LogWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage anywhere before the tail is corruption, reported with segment, offset and sequence by the reader and by
 * verify alike (FORMAT.md, "Torn tail and corruption").
 */
class CorruptionTest {
    @TempDir Path root;
    Path dir;
    List<LogRecord> recs;
    List<Path> segs;

    /** 60 records of 333 bytes in 4 KB segments: 12 per segment, 5 segments. */
    static void writeLog(Path dir) {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(Durability.NONE).withSegmentBytes(4096))) {
            for (int i = 1; i <= 60; i++) w.append(RecordKind.STATEMENT, 1, payload(267, i));
        }
    }

    @BeforeEach
    void log() {
        dir = root.resolve("log");
        writeLog(dir);
        recs = readAll(dir);
        segs = segments(dir);
        assertThat(segs).hasSize(5);
        assertThat(LogVerifier.verify(dir).ok()).isTrue();
    }

    LogRecord rec(long seq) {
        return recs.get((int) seq - 1);
    }

    /** The reader and verify both report the same problem at the same place. */
    void assertCorrupt(Path segment, long offset, long seq, String what) {
        Consumer<LogCorruptException> where = e -> {
            assertThat(e.segment()).isEqualTo(segment);
            assertThat(e.offset()).isEqualTo(offset);
            assertThat(e.seq()).isEqualTo(seq);
            assertThat(e.getMessage()).contains(what).contains(segment.getFileName().toString()).contains("offset " + offset);
        };
        assertThatThrownBy(() -> readAll(dir)).isInstanceOfSatisfying(LogCorruptException.class, where);
        LogVerifier.Result v = LogVerifier.verify(dir);
        assertThat(v.ok()).isFalse();
        assertThat(v.problem()).contains(what);
        assertThat(v.problemSegment()).isEqualTo(segment);
        assertThat(v.problemOffset()).isEqualTo(offset);
        assertThat(v.problemSeq()).isEqualTo(seq);
    }

    @Test
    void bitFlipInTheLastSegmentBeforeItsEnd() {
        LogRecord r = rec(53);
        xorByte(r.segment(), r.offset() + PAYLOAD_OFFSET + 100, 0x10);
        assertCorrupt(r.segment(), r.offset(), 53, "record checksum mismatch");
        assertThatThrownBy(() -> LogWriter.open(LogConfig.at(dir))).isInstanceOf(LogCorruptException.class)
                .hasMessageContaining("sequence 53");
    }

    @Test
    void bitFlipInAnEarlierSegmentEvenInItsLastRecord() {
        LogRecord r = rec(24);  // the last record of segment 2
        assertThat(r.segment()).isEqualTo(segs.get(1));
        xorByte(r.segment(), r.offset() + r.size() - 1, 0x80);
        assertCorrupt(segs.get(1), r.offset(), 24, "record checksum mismatch");
    }

    @Test
    void bitFlipInALengthField() {
        LogRecord r = rec(30);
        xorByte(r.segment(), r.offset() + LENGTH_OFFSET + 2, 0x01);
        assertCorrupt(r.segment(), r.offset(), 30, "");
    }

    @Test
    void bitFlipInASegmentHeader() {
        xorByte(segs.get(2), CREATED_OFFSET + 3, 0x04);
        assertCorrupt(segs.get(2), 0, 0, "segment header checksum mismatch");
    }

    @Test
    void payloadRewrittenWithAFixedChecksumBreaksTheHashChain() throws Exception {
        LogRecord r = rec(40);
        byte[] bytes = read(r.segment(), r.offset(), r.size());
        bytes[PAYLOAD_OFFSET] ^= 1;
        CRC32C crc = new CRC32C();
        crc.update(bytes, SEQ_OFFSET, bytes.length - SEQ_OFFSET);
        ByteBuffer.wrap(bytes).putInt(CRC_OFFSET, (int) crc.getValue());
        write(r.segment(), r.offset(), bytes);
        assertCorrupt(r.segment(), r.offset(), 40, "hash chain broken");
    }

    @Test
    void rewriteWithAFixedChecksumAndHashBreaksTheChainAtTheNextSegment() throws Exception {
        // someone who recomputes a record's hash must recompute every later one, and the next segment header's too
        LogRecord r = rec(36);  // last record of segment 3
        byte[] bytes = read(r.segment(), r.offset(), r.size());
        bytes[PAYLOAD_OFFSET] ^= 1;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(rec(35).hash());
        sha.update(bytes, SEQ_OFFSET, bytes.length - HASH_LENGTH - SEQ_OFFSET);
        System.arraycopy(sha.digest(), 0, bytes, bytes.length - HASH_LENGTH, HASH_LENGTH);
        CRC32C crc = new CRC32C();
        crc.update(bytes, SEQ_OFFSET, bytes.length - SEQ_OFFSET);
        ByteBuffer.wrap(bytes).putInt(CRC_OFFSET, (int) crc.getValue());
        write(r.segment(), r.offset(), bytes);
        assertCorrupt(segs.get(3), 0, 37, "hash chain broken");
    }

    @Test
    void swappedRecords() {
        LogRecord a = rec(15), b = rec(16);
        byte[] ab = read(a.segment(), a.offset(), a.size());
        byte[] bb = read(b.segment(), b.offset(), b.size());
        write(a.segment(), a.offset(), bb);
        write(b.segment(), b.offset(), ab);
        assertCorrupt(a.segment(), a.offset(), 15, "sequence 16 where 15 was expected");
    }

    @Test
    void removedMiddleSegment() throws Exception {
        Files.delete(segs.get(2));
        assertCorrupt(segs.get(3), 0, 25, "segment starts at sequence 37 but the previous segment "
                + segs.get(1).getFileName() + " ends before 25 (a segment is missing or truncated)");
    }

    @Test
    void removedFirstSegmentIsReportedByVerify() throws Exception {
        Files.delete(segs.get(0));
        LogVerifier.Result v = LogVerifier.verify(dir);
        assertThat(v.ok()).isFalse();
        assertThat(v.problem()).contains("log starts at sequence 13");
    }

    @Test
    void segmentFromAnotherLog() throws Exception {
        Path other = root.resolve("other");
        writeLog(other);  // same sizes, so its segments have the same names; a different log id
        Files.copy(segments(other).get(2), segs.get(2), StandardCopyOption.REPLACE_EXISTING);
        assertCorrupt(segs.get(2), 0, 25, "segment belongs to another log");
    }

    @Test
    void lastSegmentFromAnotherLogStopsTheWriter() throws Exception {
        Path other = root.resolve("other");
        writeLog(other);
        Files.copy(segments(other).get(4), segs.get(4), StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> LogWriter.open(LogConfig.at(dir))).isInstanceOf(LogCorruptException.class)
                .hasMessageContaining("segment belongs to another log");
        assertCorrupt(segs.get(4), 0, 49, "segment belongs to another log");
    }

    @Test
    void nonLastSegmentTruncatedMidRecord() {
        LogRecord r = rec(20);
        truncate(r.segment(), r.offset() + 10);
        assertCorrupt(r.segment(), r.offset(), 20, "incomplete record header");
    }

    @Test
    void nonLastSegmentTruncatedAtARecordBoundary() {
        LogRecord r = rec(22);
        truncate(r.segment(), r.offset());
        assertCorrupt(segs.get(2), 0, 22, "a segment is missing or truncated");
    }

    @Test
    void nonLastSegmentTruncatedInsideItsHeader() {
        truncate(segs.get(1), 50);
        assertCorrupt(segs.get(1), 0, 0, "segment header is truncated");
    }

    @Test
    void zeroFilledNonLastSegment() throws Exception {
        long size = Files.size(segs.get(1));
        write(segs.get(1), 0, new byte[(int) size]);
        assertCorrupt(segs.get(1), 0, 0, "bad magic");
    }

    @Test
    void zeroFilledBlockInsideASegment() {
        LogRecord r = rec(26);
        write(r.segment(), r.offset(), new byte[600]);
        assertCorrupt(r.segment(), r.offset(), 26, "record checksum mismatch");
    }

    @Test
    void segmentRenamed() throws Exception {
        Files.move(segs.get(1), dir.resolve(segmentName(14)));
        assertCorrupt(dir.resolve(segmentName(14)), 0, 0, "segment header says first sequence 13 but the file is named for 14");
    }
}
