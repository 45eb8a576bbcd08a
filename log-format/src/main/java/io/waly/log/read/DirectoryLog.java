package io.waly.log.read;

import io.waly.log.LogCorruptException;
import io.waly.log.LogRecord;
import io.waly.log.LogSource;
import io.waly.log.format.LogFormat;
import io.waly.log.format.Segments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The log in a directory of segment files, as its readers see it: what the command line,
 * the driver and the replay ask of a directory goes through here, so nothing outside this module walks segments.
 */
public final class DirectoryLog implements LogSource {

    private final Path dir;

    public DirectoryLog(Path dir) {
        this.dir = dir;
    }

    /** Why {@code dir} holds no log (not a directory, no segment, unreadable), or null when it holds one. */
    public static String missing(Path dir) {
        if (!Files.isDirectory(dir)) return "no log at " + dir.toAbsolutePath() + " (not a directory)";
        try {
            if (Segments.list(dir).isEmpty()) {
                return "no WAL-y segments in " + dir.toAbsolutePath() + " (segment files are named like 00000000000000000001.wal)";
            }
            return null;
        } catch (IOException e) {
            return "cannot list " + dir.toAbsolutePath() + ": " + e.getMessage();
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public LogReader open() {
        return LogReader.open(dir);
    }

    /**
     * A reader at the start of the last two segments: where a crashed writer's undecided transactions are (a writer
     * rolls a segment only when a record does not fit, so a transaction's COMMIT and its outcome are never further
     * apart), without reading the whole log.
     */
    public LogReader openNearEnd() throws IOException {
        List<Path> segs = Segments.list(dir);
        LogReader r = LogReader.open(dir);
        if (!segs.isEmpty()) r.fromSeq(Segments.firstSeq(segs.get(Math.max(0, segs.size() - 2))));
        return r;
    }

    @Override
    public String describe() {
        return dir.toAbsolutePath().toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    /** From the last segment only, so cheap for a long log; a torn tail is not counted. */
    @Override
    public long lastSeq() {
        List<Path> segs;
        try {
            segs = Segments.list(dir);
        } catch (IOException e) {
            return 0;
        }
        if (segs.isEmpty()) return 0;
        long first = Segments.firstSeq(segs.get(segs.size() - 1));
        long last = first - 1;
        try (LogReader r = LogReader.open(dir)) {
            r.fromSeq(first);
            LogRecord rec;
            while ((rec = r.next()) != null) last = rec.seq();
        } catch (RuntimeException e) {
            // a damaged tail: what was read is where the log ends for a reader
        }
        return Math.max(0, last);
    }

    /** The number of segment files (0 when they cannot be listed). */
    public int segmentCount() {
        try {
            return Segments.list(dir).size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The bytes the log holds (a live or crashed log's last segment also holds preallocated zeros, not counted). */
    public long bytes() {
        try {
            return SegmentReader.logBytes(Segments.list(dir));
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * {@link LogVerifier}'s whole check, and {@code expectHead}'s. {@code details}: {@code segments}, {@code bytes},
     * {@code cleanlyClosed}, and on a problem where it is, {@code problemSegment} (a file name) and
     * {@code problemOffset} (for a torn tail, just past the last good record).
     */
    @Override
    public Verification verify(String expectHead) {
        LogVerifier.Result r = LogVerifier.verify(dir);
        String problem = r.problem();
        long problemSeq = r.problemSeq();
        Path problemSegment = r.problemSegment();
        long problemOffset = r.problemOffset();
        if (!r.ok() && problem != null && problem.startsWith("log ends inside a record")) {
            // the verifier names the segment of a torn tail but not where in it: the end of the last good record
            Long end = endOfLastRecord(problemSegment);
            if (end != null) problemOffset = end;
        }
        if (r.ok() && expectHead != null) {
            Anchor a = checkAnchor(expectHead);
            if (a != null) {
                problem = a.problem;
                problemSeq = a.seq;
                problemSegment = a.segment;
                problemOffset = a.offset;
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("segments", r.segments());
        details.put("bytes", bytes());
        details.put("cleanlyClosed", r.cleanlyClosed());
        if (problem != null) {
            details.put("problemSegment", problemSegment == null ? null : problemSegment.getFileName().toString());
            details.put("problemOffset", problemOffset);
        }
        String head = r.headHash() == null ? null : r.lastSeq() + ":" + r.headHash();
        return new Verification(problem == null, r.records(), r.lastSeq(), head, problem, problemSeq, details);
    }

    private record Anchor(String problem, long seq, Path segment, long offset) {}

    /** Checks {@code SEQ:HASH}: null when the chain passes through it, else the problem and where. */
    private Anchor checkAnchor(String expectHead) {
        int colon = expectHead.indexOf(':');
        long seq;
        byte[] hash;
        try {
            seq = Long.parseLong(expectHead.substring(0, colon).trim());
            hash = HexFormat.of().parseHex(expectHead.substring(colon + 1).trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--expect-head must be SEQ:HASH as verify printed it, but was: " + expectHead);
        }
        try (LogReader reader = LogReader.open(dir)) {
            LogRecord last = null;
            LogRecord rec;
            while ((rec = reader.next()) != null) {
                last = rec;
                if (rec.seq() == seq) {
                    if (Arrays.equals(rec.hash(), hash)) return null;
                    return new Anchor("the hash chain at sequence " + seq + " is " + HexFormat.of().formatHex(rec.hash())
                            + ", not the expected head: the log was rewritten at or before this record", seq, rec.segment(), rec.offset());
                }
            }
            String problem = "the log ends at sequence " + (last == null ? 0 : last.seq()) + " but the expected head is at " + seq
                    + ": records were cut off the end";
            // where the next record should have been: after the last one, or at the start of a later, empty segment
            List<Path> segs = Segments.list(dir);
            Path lastSegment = segs.get(segs.size() - 1);
            long next = last == null ? 1 : last.seq() + 1;
            if (last == null || !lastSegment.getFileName().equals(last.segment().getFileName())) {
                return new Anchor(problem, next, lastSegment, LogFormat.SEGMENT_HEADER_LENGTH);
            }
            return new Anchor(problem, next, last.segment(), last.offset() + last.size());
        } catch (LogCorruptException e) {
            return new Anchor(e.getMessage(), seq, null, 0);
        } catch (IOException e) {
            return new Anchor("cannot list " + dir.toAbsolutePath() + ": " + e.getMessage(), seq, null, 0);
        }
    }

    /** The offset just past the last valid record of {@code segment}, or null when it cannot be read. */
    private Long endOfLastRecord(Path segment) {
        try (LogReader reader = LogReader.open(dir)) {
            long end = LogFormat.SEGMENT_HEADER_LENGTH;
            LogRecord rec;
            while ((rec = reader.next()) != null) {
                if (segment == null || rec.segment().equals(segment)) end = rec.offset() + rec.size();
            }
            return end;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
