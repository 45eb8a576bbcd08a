package io.waly.log.read;

import io.waly.log.LogCorruptException;
import io.waly.log.LogException;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.format.Segments;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks a whole log: every segment header, every record's framing and checksum, sequence continuity from 1, and the
 * hash chain end to end. The result names the first problem precisely, and the head hash, which an operator can
 * keep elsewhere to make a rewrite of the whole log detectable too.
 */
public final class LogVerifier {
    private LogVerifier() {}

    /**
     * {@code ok} when every check passed. Otherwise {@code problem} says what, {@code problemSegment} and
     * {@code problemOffset} where, and {@code problemSeq} the sequence number the bad record has or should have had.
     */
    public record Result(boolean ok, long records, int segments, long lastSeq, String headHash, boolean cleanlyClosed,
                         String problem, Path problemSegment, long problemOffset, long problemSeq) {}

    public static Result verify(Path dir) {
        List<Path> segs;
        try {
            segs = Segments.list(dir);
        } catch (IOException e) {
            throw new LogException("cannot list " + dir + ": " + e, e);
        }
        if (segs.isEmpty()) {
            return new Result(false, 0, 0, 0, null, false, "no segments in " + dir, null, 0, 0);
        }
        long first = Segments.firstSeq(segs.get(0));
        if (first != 1) {
            return new Result(false, 0, segs.size(), 0, null, false, "log starts at sequence " + first
                    + ": the segments before it are missing", segs.get(0), 0, 1);
        }
        long records = 0;
        long lastSeq = 0;
        RecordKind lastKind = null;
        try (LogReader r = LogReader.open(dir)) {
            try {
                LogRecord rec;
                while ((rec = r.next()) != null) {
                    records++;
                    lastSeq = rec.seq();
                    lastKind = rec.kind();
                }
            } catch (LogCorruptException e) {
                return new Result(false, records, segs.size(), lastSeq, null, false, e.getMessage(), e.segment(), e.offset(), e.seq());
            }
            String head = HexFormat.of().formatHex(r.chainHash());
            if (r.tornTail() != null) {
                return new Result(false, records, segs.size(), lastSeq, head, false, "log ends inside a record: " + r.tornTail()
                        + " (a crash mid-write, or a truncated or damaged last record; the next writer cuts it off)",
                        r.tornTailSegment(), r.tornTailOffset(), lastSeq + 1);
            }
            return new Result(true, records, segs.size(), lastSeq, head, lastKind == RecordKind.CLOSED, null, null, 0, 0);
        }
    }
}
