package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waly.log.LogRecord;
import io.waly.log.format.Segments;
import io.waly.log.read.LogReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of tampering is found, with the first bad sequence number, segment and offset named, and exit 1. */
class VerifyCommandTest {

    static Path pristine;
    static List<LogRecord> records;
    static List<Path> segments;

    @TempDir
    Path work;

    @BeforeAll
    static void writeAMultiSegmentLog() throws Exception {
        pristine = ShopLogs.write("verify", 2, 10, 1, 6, 9, "&walySegmentBytes=8192").log();
        segments = Segments.list(pristine);
        assertThat(segments).hasSizeGreaterThanOrEqualTo(5);
        records = new ArrayList<>();
        try (LogReader r = LogReader.open(pristine)) {
            LogRecord rec;
            while ((rec = r.next()) != null) records.add(rec);
        }
    }

    Path copy() throws IOException {
        Path dir = Files.createDirectories(work.resolve("log"));
        try (Stream<Path> s = Files.list(pristine)) {
            for (Path p : s.toList()) Files.copy(p, dir.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    /** A record in the middle of the log, not the first or last of its segment. */
    static LogRecord middleRecord() {
        Path seg = segments.get(segments.size() / 2);
        List<LogRecord> in = records.stream().filter(r -> r.segment().getFileName().equals(seg.getFileName())).toList();
        assertThat(in.size()).isGreaterThanOrEqualTo(3);
        return in.get(in.size() / 2);
    }

    static LogRecord next(LogRecord r) {
        return records.get((int) r.seq());   // seq is 1-based: records.get(seq) is the one after
    }

    JsonNode verifyFails(Path log, long seq, String segment, long offset) throws Exception {
        Cli.Run text = Cli.run("verify", "--log", log.toString());
        assertThat(text.exitCode()).as(text.toString()).isEqualTo(1);
        assertThat(text.out()).contains("FAILED at sequence " + seq + ", segment " + segment + ", offset " + offset);
        Cli.Run json = Cli.run("verify", "--log", log.toString(), "--json");
        assertThat(json.exitCode()).isEqualTo(1);
        JsonNode j = ReplayCommandTest.JSON.readTree(json.out());
        assertThat(j.get("ok").asBoolean()).isFalse();
        assertThat(j.get("problemSeq").asLong()).isEqualTo(seq);
        assertThat(j.get("problemSegment").asText()).isEqualTo(segment);
        assertThat(j.get("problemOffset").asLong()).isEqualTo(offset);
        return j;
    }

    static String name(Path p) {
        return p.getFileName().toString();
    }

    @Test
    void anIntactLogVerifies() throws Exception {
        Cli.Run run = Cli.run("verify", "--log", pristine.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("ok: ").contains("hash chain intact").contains("cleanly closed");
        JsonNode j = ReplayCommandTest.JSON.readTree(Cli.run("verify", "--log", pristine.toString(), "--json").out());
        assertThat(j.get("ok").asBoolean()).isTrue();
        assertThat(j.get("records").asLong()).isEqualTo(records.size());
        assertThat(j.get("segments").asInt()).isEqualTo(segments.size());
        assertThat(j.get("head").asText()).startsWith(records.size() + ":");
    }

    @Test
    void oneByteChanged() throws Exception {
        Path log = copy();
        LogRecord r = middleRecord();
        try (RandomAccessFile f = new RandomAccessFile(log.resolve(r.segment().getFileName()).toFile(), "rw")) {
            long at = r.offset() + 34 + r.payload().length / 2;   // inside the payload
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
        JsonNode j = verifyFails(log, r.seq(), name(r.segment()), r.offset());
        assertThat(j.get("problem").asText()).contains("checksum mismatch");
    }

    @Test
    void aRecordRemoved() throws Exception {
        Path log = copy();
        LogRecord r = middleRecord();
        Path seg = log.resolve(r.segment().getFileName());
        byte[] bytes = Files.readAllBytes(seg);
        int from = (int) r.offset(), to = (int) (r.offset() + r.size());
        byte[] cut = new byte[bytes.length - (to - from)];
        System.arraycopy(bytes, 0, cut, 0, from);
        System.arraycopy(bytes, to, cut, from, bytes.length - to);
        Files.write(seg, cut);
        verifyFails(log, r.seq(), name(r.segment()), r.offset());
    }

    @Test
    void twoRecordsSwapped() throws Exception {
        Path log = copy();
        LogRecord a = middleRecord();
        LogRecord b = next(a);
        assertThat(b.segment()).isEqualTo(a.segment());
        Path seg = log.resolve(a.segment().getFileName());
        byte[] bytes = Files.readAllBytes(seg);
        byte[] ra = Arrays.copyOfRange(bytes, (int) a.offset(), (int) (a.offset() + a.size()));
        byte[] rb = Arrays.copyOfRange(bytes, (int) b.offset(), (int) (b.offset() + b.size()));
        System.arraycopy(rb, 0, bytes, (int) a.offset(), rb.length);
        System.arraycopy(ra, 0, bytes, (int) a.offset() + rb.length, ra.length);
        Files.write(seg, bytes);
        JsonNode j = verifyFails(log, a.seq(), name(a.segment()), a.offset());
        assertThat(j.get("problem").asText()).contains("sequence " + b.seq() + " where " + a.seq() + " was expected");
    }

    @Test
    void aMiddleSegmentTruncatedInsideARecord() throws Exception {
        Path log = copy();
        LogRecord r = middleRecord();
        try (RandomAccessFile f = new RandomAccessFile(log.resolve(r.segment().getFileName()).toFile(), "rw")) {
            f.setLength(r.offset() + 10);
        }
        verifyFails(log, r.seq(), name(r.segment()), r.offset());
    }

    @Test
    void aMiddleSegmentTruncatedAtARecordBoundary() throws Exception {
        Path log = copy();
        LogRecord r = middleRecord();
        try (RandomAccessFile f = new RandomAccessFile(log.resolve(r.segment().getFileName()).toFile(), "rw")) {
            f.setLength(r.offset());
        }
        // the cut is seen where the next segment should continue the sequence
        Path nextSegment = segments.get(segments.indexOf(r.segment()) + 1);
        JsonNode j = verifyFails(log, r.seq(), name(nextSegment), 0);
        assertThat(j.get("problem").asText()).contains("missing or truncated");
    }

    @Test
    void theLastSegmentTruncatedInsideARecord() throws Exception {
        Path log = copy();
        LogRecord last = records.get(records.size() - 1);
        try (RandomAccessFile f = new RandomAccessFile(log.resolve(last.segment().getFileName()).toFile(), "rw")) {
            f.setLength(last.offset() + last.size() - 5);
        }
        JsonNode j = verifyFails(log, last.seq(), name(last.segment()), last.offset());
        assertThat(j.get("problem").asText()).contains("ends inside a record");
    }

    @Test
    void theLastSegmentCutAtARecordBoundaryIsFoundByTheKeptHead() throws Exception {
        Cli.Run before = Cli.run("verify", "--log", pristine.toString(), "--json");
        String head = ReplayCommandTest.JSON.readTree(before.out()).get("head").asText();
        Path log = copy();
        LogRecord last = records.get(records.size() - 1);
        LogRecord cutAt = last;   // the last record (the writer's CLOSED) cut off cleanly: a log that looks unfinished
        try (RandomAccessFile f = new RandomAccessFile(log.resolve(last.segment().getFileName()).toFile(), "rw")) {
            f.setLength(cutAt.offset());
        }
        Cli.Run alone = Cli.run("verify", "--log", log.toString());
        assertThat(alone.exitCode()).as("without a kept head, a clean cut looks like a writer that is still running").isZero();
        assertThat(alone.out()).contains("not closed");
        Cli.Run anchored = Cli.run("verify", "--log", log.toString(), "--expect-head", head);
        assertThat(anchored.exitCode()).as(anchored.toString()).isEqualTo(1);
        assertThat(anchored.out()).contains("FAILED at sequence " + cutAt.seq() + ", segment " + name(last.segment()) + ", offset " + cutAt.offset())
                .contains("cut off the end");
        assertThat(Cli.run("verify", "--log", pristine.toString(), "--expect-head", head).exitCode()).isZero();
        String rewritten = head.substring(0, head.length() - 1) + (head.endsWith("0") ? "1" : "0");
        assertThat(Cli.run("verify", "--log", pristine.toString(), "--expect-head", rewritten).exitCode()).isEqualTo(1);
        assertThat(Cli.run("verify", "--log", pristine.toString(), "--expect-head", "nonsense").exitCode()).isEqualTo(2);
    }

    @Test
    void aMiddleSegmentDropped() throws Exception {
        Path log = copy();
        Path dropped = segments.get(segments.size() / 2);
        Path after = segments.get(segments.size() / 2 + 1);
        Files.delete(log.resolve(dropped.getFileName()));
        long firstMissing = Segments.firstSeq(dropped);
        JsonNode j = verifyFails(log, firstMissing, name(after), 0);
        assertThat(j.get("problem").asText()).contains("missing");
    }

    @Test
    void theFirstSegmentDropped() throws Exception {
        Path log = copy();
        Files.delete(log.resolve(segments.get(0).getFileName()));
        JsonNode j = verifyFails(log, 1, name(segments.get(1)), 0);
        assertThat(j.get("problem").asText()).contains("missing");
    }

    @Test
    void noLogIsAnEnvironmentError() throws Exception {
        assertThat(Cli.run("verify", "--log", work.resolve("nothing").toString()).exitCode()).isEqualTo(2);
        assertThat(Cli.run("verify", "--log", work.toString()).exitCode()).isEqualTo(2);
        assertThat(Cli.run("verify").exitCode()).isEqualTo(2);
    }
}
