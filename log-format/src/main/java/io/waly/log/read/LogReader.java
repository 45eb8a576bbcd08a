package io.waly.log.read;

import static io.waly.log.format.LogFormat.SEGMENT_HEADER_LENGTH;

import io.waly.log.LogCorruptException;
import io.waly.log.LogException;
import io.waly.log.LogRecord;
import io.waly.log.format.SegmentHeader;
import io.waly.log.format.Segments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads a log in sequence order, checking every record (CRC, sequence, hash chain) and every segment boundary (same
 * log, no gap, chain carried over). Works on a log that is being written: {@link #next()} returns null at the current
 * end, and {@link #next(long)} waits for more (follow mode). Not thread-safe; one reader per consumer.
 *
 * <p>Follow mode polls the file size with a short back-off (0.1 ms doubling to 5 ms): new records are seen within
 * milliseconds, an idle log costs a few hundred cheap syscalls a second, and it works across processes, which an
 * in-JVM notification would not.
 */
public final class LogReader implements io.waly.log.RecordReader {

    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Path dir;
    private List<Path> segments;
    private int segmentIndex = -1;
    private SegmentReader current;
    private byte[] logId;
    private long fromSeq = 1;
    private String tail;   // why the log ended where it did, when it ended inside a record

    private LogReader(Path dir) throws IOException {
        this.dir = dir;
        this.segments = Segments.list(dir);
    }

    public static LogReader open(Path dir) {
        try {
            LogReader r = new LogReader(dir);
            if (r.segments.isEmpty() && !Files.isDirectory(dir)) {
                throw new LogException("no log at " + dir.toAbsolutePath() + " (directory does not exist)");
            }
            return r;
        } catch (IOException e) {
            throw new LogException("cannot read log directory " + dir + ": " + e, e);
        }
    }

    /** Positions the reader so that the next record returned is {@code seq} (or the first after it). */
    @Override
    public LogReader fromSeq(long seq) {
        fromSeq = Math.max(1, seq);
        int idx = 0;
        for (int i = 0; i < segments.size(); i++) {
            if (Segments.firstSeq(segments.get(i)) <= fromSeq) idx = i;
        }
        startIndex = idx;
        openSegmentAt(idx);
        return this;
    }

    /** Positions the reader at the first record whose timestamp is at or after {@code time}. */
    @Override
    public LogReader fromTime(Instant time) {
        long micros = time.getEpochSecond() * 1_000_000L + time.getNano() / 1000;
        // Timestamps never decrease along the log and a segment's creation time lies between its predecessor's last
        // record and its own first one, so the target is in the last segment created strictly before the time (at
        // equal times an earlier segment may still hold records with exactly that timestamp).
        int idx = 0;
        for (int i = 0; i < segments.size(); i++) {
            if (incomplete(i)) break;
            try (SegmentReader r = SegmentReader.open(segments.get(i))) {
                if (r.header().createdMicros() < micros) idx = i;
                else break;
            } catch (IOException e) {
                throw new LogException("cannot read " + segments.get(i) + ": " + e, e);
            }
        }
        startIndex = idx;
        openSegmentAt(idx);
        timeFloor = micros;
        return this;
    }

    private long timeFloor = Long.MIN_VALUE;
    private int startIndex;
    private Path tailSegment;
    private long tailOffset;

    /** The next record, or null at the current end of the log. */
    @Override
    public LogRecord next() {
        try {
            if (current == null && !openSegmentAt(startIndex)) return null;
            boolean reread = false;
            while (true) {
                SegmentReader.Step step = current.next();
                switch (step) {
                    case RECORD -> {
                        reread = false;
                        LogRecord r = current.record();
                        if (r.seq() < fromSeq || r.timestampMicros() < timeFloor) continue;
                        timeFloor = Long.MIN_VALUE;
                        clearTail();
                        return r;
                    }
                    case END -> {
                        clearTail();
                        if (!laterSegmentExists()) return null;
                        // A live writer fills a segment before it creates the next, but it may have done both since
                        // we saw this end: once the next segment is visible, this one is final, so look once more.
                        if (!reread) {
                            reread = true;
                            continue;
                        }
                        if (!advanceSegment()) return null;
                        reread = false;
                    }
                    case PARTIAL, BAD -> {
                        if (current.checksumValid()) throw current.corruption();
                        if (laterSegmentExists() || current.validRecordFollows()) {
                            // A live writer may have finished this record and rolled between our two looks: look again.
                            if (!reread) {
                                reread = true;
                                current.refresh();
                                continue;
                            }
                            throw current.corruption();
                        }
                        tail = current.problem() + " at offset " + current.position() + " of " + current.file().getFileName();
                        tailSegment = current.file();
                        tailOffset = current.position();
                        current.refresh();
                        return null;
                    }
                }
            }
        } catch (IOException e) {
            throw new LogException("cannot read log " + dir + ": " + e, e);
        }
    }

    private void clearTail() {
        tail = null;
        tailSegment = null;
        tailOffset = 0;
    }

    /** Follow mode: the next record, waiting up to {@code timeoutMillis} for one to be appended; null on time-out. */
    @Override
    public LogRecord next(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long backoff = 100_000;
        while (true) {
            LogRecord r = next();
            if (r != null) return r;
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            LockSupport.parkNanos(Math.min(backoff, left));
            if (Thread.interrupted()) throw new InterruptedException();
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
    }

    /**
     * Non-null when the last {@link #next()} stopped inside a record at the very end of the log: a torn tail if the
     * writer crashed, or a record being written right now.
     */
    @Override
    public String tornTail() {
        return tail;
    }

    /** The segment of the {@link #tornTail()}, or null. */
    public Path tornTailSegment() {
        return tailSegment;
    }

    /** The file offset where the {@link #tornTail()} starts. */
    public long tornTailOffset() {
        return tailOffset;
    }

    /** The sequence number the next record will have. */
    @Override
    public long nextSeq() {
        return current == null ? fromSeq : Math.max(fromSeq, current.expectedSeq());
    }

    public byte[] chainHash() {
        return current == null ? new byte[io.waly.log.format.LogFormat.HASH_LENGTH] : current.chainHash().clone();
    }

    @Override
    public byte[] logId() {
        return logId == null ? null : logId.clone();
    }

    public int segmentCount() {
        return segments.size();
    }

    private boolean openSegmentAt(int idx) {
        closeCurrent();
        if (idx >= segments.size()) {
            refreshSegments();
            if (idx >= segments.size()) return false;
        }
        if (incomplete(idx)) {
            tail = "segment header incomplete (the writer is creating it, or crashed doing so) in "
                    + segments.get(idx).getFileName();
            tailSegment = segments.get(idx);
            tailOffset = 0;
            return false;
        }
        try {
            current = SegmentReader.open(segments.get(idx));
        } catch (IOException e) {
            throw new LogException("cannot read " + segments.get(idx) + ": " + e, e);
        }
        segmentIndex = idx;
        checkLogId(current);
        return true;
    }

    /**
     * True for the last segment while it is shorter than its header: a writer creates the file and then writes the
     * header, so a follower can see it in between. Anywhere but last, a short segment is corruption (reported by
     * {@link SegmentReader#open}).
     */
    private boolean incomplete(int idx) {
        if (idx != segments.size() - 1) return false;
        try {
            return Files.size(segments.get(idx)) < SEGMENT_HEADER_LENGTH;
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            throw new LogException("cannot read " + segments.get(idx) + ": " + e, e);
        }
    }

    private boolean laterSegmentExists() {
        if (segmentIndex + 1 < segments.size()) return true;
        refreshSegments();
        return segmentIndex + 1 < segments.size();
    }

    /** Moves to the next segment after checking that it continues this one; false when there is none yet. */
    private boolean advanceSegment() throws IOException {
        if (!laterSegmentExists()) return false;
        if (incomplete(segmentIndex + 1)) {
            tail = "segment header incomplete (the writer is creating it, or crashed doing so) in "
                    + segments.get(segmentIndex + 1).getFileName();
            tailSegment = segments.get(segmentIndex + 1);
            tailOffset = 0;
            return false;
        }
        Path next = segments.get(segmentIndex + 1);
        SegmentReader n = SegmentReader.open(next);
        SegmentHeader h = n.header();
        try {
            checkLogId(n);
            if (h.firstSeq() != current.expectedSeq()) {
                throw new LogCorruptException(next, 0, current.expectedSeq(), "segment starts at sequence " + h.firstSeq()
                        + " but the previous segment " + current.file().getFileName() + " ends before " + current.expectedSeq()
                        + " (a segment is missing or truncated)");
            }
            if (!Arrays.equals(h.prevHash(), current.chainHash())) {
                throw new LogCorruptException(next, 0, h.firstSeq(),
                        "segment header's previous hash does not match the end of the previous segment (hash chain broken)");
            }
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        closeCurrent();
        current = n;
        segmentIndex++;
        return true;
    }

    private void checkLogId(SegmentReader r) {
        if (logId == null) {
            logId = r.header().logId();
        } else if (!Arrays.equals(logId, r.header().logId())) {
            throw new LogCorruptException(r.file(), 0, r.header().firstSeq(), "segment belongs to another log (log id differs)");
        }
    }

    private void refreshSegments() {
        try {
            segments = Segments.list(dir);
        } catch (IOException e) {
            throw new LogException("cannot list log directory " + dir + ": " + e, e);
        }
    }

    private void closeCurrent() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // read-only channel
            }
            current = null;
        }
    }

    @Override
    public void close() {
        closeCurrent();
    }
}
