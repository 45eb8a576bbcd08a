package io.waly.log.read;

import static io.waly.log.format.LogFormat.*;

import io.waly.log.LogCorruptException;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.format.SegmentHeader;
import io.waly.log.format.Zeros;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads and checks the records of one segment in order: framing, CRC32C, sequence continuity and the hash chain.
 * It never decides what a bad record means; {@link #next()} says what it found and the caller (recovery, reader,
 * verifier) decides whether that is a torn tail, a record still being written, or corruption.
 */
public final class SegmentReader implements AutoCloseable {

    /** What {@link #next()} found at the current position. */
    public enum Step {
        /** A valid record; see {@link #record()}. */
        RECORD,
        /** The records end here: the file ends, or nothing but preallocated zeros follows. */
        END,
        /** The file ends inside a record (being written, or torn). */
        PARTIAL,
        /** The bytes at the current position are not the record that should be there; see {@link #problem()}. */
        BAD
    }

    private static final int READ_AHEAD = 256 * 1024;

    private final Path file;
    private final FileChannel ch;
    private final SegmentHeader header;
    private final MessageDigest sha;
    private final CRC32C crc = new CRC32C();
    private final byte[] computedHash = new byte[HASH_LENGTH];

    private long position = SEGMENT_HEADER_LENGTH;
    private long expectedSeq;
    private byte[] prevHash;
    private LogRecord record;
    private String problem;
    private boolean checksumValid;

    private ByteBuffer window = ByteBuffer.allocate(READ_AHEAD);
    private long windowStart = -1;
    // where next() last found preallocated zeros running to the end of the file, and the file's size then
    private long zerosCheckedAt = -1;
    private long zerosCheckedSize;
    private final ByteBuffer probe = ByteBuffer.allocate(SEQ_OFFSET + Long.BYTES);

    private SegmentReader(Path file, FileChannel ch, SegmentHeader header) {
        this.file = file;
        this.ch = ch;
        this.header = header;
        this.expectedSeq = header.firstSeq();
        this.prevHash = header.prevHash().clone();
        try {
            this.sha = MessageDigest.getInstance(HASH_ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens a segment and checks its header; a bad header is a {@link LogCorruptException} at offset 0. */
    public static SegmentReader open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer hb = ByteBuffer.allocate(SEGMENT_HEADER_LENGTH);
            while (hb.hasRemaining() && ch.read(hb, hb.position()) > 0) { /* keep reading */ }
            byte[] bytes = hb.position() == SEGMENT_HEADER_LENGTH ? hb.array() : Arrays.copyOf(hb.array(), hb.position());
            SegmentHeader header;
            try {
                header = SegmentHeader.decode(bytes);
            } catch (IllegalArgumentException e) {
                throw new LogCorruptException(file, 0, 0, e.getMessage());
            }
            long named = parseSegmentName(file.getFileName().toString());
            if (named != header.firstSeq()) {
                throw new LogCorruptException(file, 0, 0, "segment header says first sequence " + header.firstSeq()
                        + " but the file is named for " + named);
            }
            return new SegmentReader(file, ch, header);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * The bytes the segments hold of the log: every file's size, except that the last counts up to its last readable
     * record, without the zeros a live or crashed writer preallocated after it (for size reports; a last segment whose
     * header cannot be read counts whole).
     */
    public static long logBytes(List<Path> segments) throws IOException {
        long n = 0;
        for (int i = 0; i < segments.size(); i++) {
            Path f = segments.get(i);
            try {
                n += i < segments.size() - 1 ? Files.size(f) : recordsEnd(f);
            } catch (NoSuchFileException e) {
                // removed while we look: counted as empty
            }
        }
        return n;
    }

    private static long recordsEnd(Path file) throws IOException {
        try (SegmentReader r = open(file)) {
            while (r.next() == Step.RECORD) { /* read on */ }
            return r.position();
        } catch (LogCorruptException e) {
            return Files.size(file);
        }
    }

    public SegmentHeader header() {
        return header;
    }

    public Path file() {
        return file;
    }

    /** File offset of the next record to read (or of the bad/partial one last found). */
    public long position() {
        return position;
    }

    public long expectedSeq() {
        return expectedSeq;
    }

    /** The chain value after the last good record (the header's previous hash before any). */
    public byte[] chainHash() {
        return prevHash;
    }

    public LogRecord record() {
        return record;
    }

    public String problem() {
        return problem;
    }

    public long size() throws IOException {
        return ch.size();
    }

    /** Reads the record at the current position; on anything but RECORD the position stays where it was. */
    public Step next() throws IOException {
        forget();
        if (inWindow()) return Step.RECORD;
        forget();   // what a record the window holds but does not pass left behind: judged below, from the file
        long size = ch.size();
        if (position == size) return Step.END;
        // a follower at the tail: nothing was written since the zeros were checked (a record starts with its seq ≥ 1)
        if (position == zerosCheckedAt && size == zerosCheckedSize && stillZero(size)) return Step.END;
        zerosCheckedAt = -1;
        if (size - position < PAYLOAD_OFFSET || zeroHeader()) {
            // zeros after the last record are space the writer preallocated (FORMAT.md §5.1); zeros followed by
            // anything else are not, and neither is a window of this reader's that a writer has since overwritten
            boolean end = Zeros.toEnd(ch, position);
            refresh();
            if (end) {
                zerosCheckedAt = position;
                zerosCheckedSize = size;
                return Step.END;
            }
        }
        if (size - position < PAYLOAD_OFFSET) {
            problem = "incomplete record header (" + (size - position) + " bytes before end of file)";
            return Step.PARTIAL;
        }
        ByteBuffer head = bytes(position, PAYLOAD_OFFSET);
        long length = Integer.toUnsignedLong(head.getInt(head.position() + LENGTH_OFFSET));
        long total = RECORD_OVERHEAD + length;
        if (length > MAX_PAYLOAD || position + total > size) {
            problem = "record of " + total + " bytes runs past the end of the file (" + (size - position) + " bytes left)";
            return Step.PARTIAL;
        }
        bytes(position, (int) total);
        return check((int) (position - windowStart), length);
    }

    /**
     * True when the bytes read ahead hold the whole record at the current position and it checks out: it is read
     * without a system call. Asking the file's size once per record was most of reading a log
     * ({@code BigLogBench.sequentialRead}: 1,938 ns a record before, 326 after). False for anything else — zeros, a
     * record the window does not hold whole, a bad one — which {@link #next} then reads from the file as it is now, and
     * judges.
     */
    private boolean inWindow() {
        long end = windowStart + window.limit();
        if (windowStart < 0 || position < windowStart || position + PAYLOAD_OFFSET > end) return false;
        int off = (int) (position - windowStart);
        long length = Integer.toUnsignedLong(window.getInt(off + LENGTH_OFFSET));
        if (window.getLong(off + SEQ_OFFSET) == 0 || length > MAX_PAYLOAD || position + RECORD_OVERHEAD + length > end) return false;
        return check(off, length) == Step.RECORD;
    }

    private void forget() {
        record = null;
        problem = null;
        checksumValid = false;
    }

    /**
     * Checks the record of {@code length} payload bytes at {@code off} in the window: checksum, sequence, hash chain;
     * a good one becomes {@link #record()} and the position moves past it.
     */
    private Step check(int off, long length) {
        long total = RECORD_OVERHEAD + length;
        byte[] arr = window.array();
        crc.reset();
        crc.update(arr, off + SEQ_OFFSET, (int) total - SEQ_OFFSET);
        int storedCrc = window.getInt(off + CRC_OFFSET);
        if (storedCrc != (int) crc.getValue()) {
            problem = String.format("record checksum mismatch (stored %08x, computed %08x)", storedCrc, (int) crc.getValue());
            return Step.BAD;
        }
        long seq = window.getLong(off + SEQ_OFFSET);
        checksumValid = true;
        if (seq != expectedSeq) {
            problem = "sequence " + seq + " where " + expectedSeq + " was expected (records missing, reordered or duplicated)";
            return Step.BAD;
        }
        int hashAt = off + PAYLOAD_OFFSET + (int) length;
        sha.update(prevHash);
        sha.update(arr, off + SEQ_OFFSET, PAYLOAD_OFFSET - SEQ_OFFSET + (int) length);
        try {
            sha.digest(computedHash, 0, HASH_LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        if (!Arrays.equals(arr, hashAt, hashAt + HASH_LENGTH, computedHash, 0, HASH_LENGTH)) {
            problem = "hash chain broken (the record or one before it was changed, removed or reordered)";
            return Step.BAD;
        }
        byte[] payload = Arrays.copyOfRange(arr, off + PAYLOAD_OFFSET, off + PAYLOAD_OFFSET + (int) length);
        byte[] hash = computedHash.clone();
        record = new LogRecord(seq, window.getLong(off + TIMESTAMP_OFFSET), window.getLong(off + TX_OFFSET),
                RecordKind.of(window.get(off + KIND_OFFSET)), payload, hash, file, position);
        checksumValid = false;
        position += total;
        expectedSeq = seq + 1;
        prevHash = hash;
        return Step.RECORD;
    }

    /** Whether the record header's place at the current position still reads as zeros (one small read, no window). */
    private boolean stillZero(long size) throws IOException {
        probe.clear().limit((int) Math.min(probe.capacity(), size - position));
        while (probe.hasRemaining() && ch.read(probe, position + probe.position()) > 0) { /* fill */ }
        for (int i = 0; i < probe.position(); i++) if (probe.get(i) != 0) return false;
        return true;
    }

    /** Whether the bytes at the current position, as last read, start like zeros rather than a record. */
    private boolean zeroHeader() throws IOException {
        ByteBuffer head = bytes(position, PAYLOAD_OFFSET);
        return head.getLong(head.position() + LENGTH_OFFSET) == 0 && head.getLong(head.position() + SEQ_OFFSET) == 0;   // seq is never 0
    }

    /** A corruption error for the problem found at the current position. */
    public LogCorruptException corruption() {
        return new LogCorruptException(file, position, expectedSeq, problem == null ? "unreadable record" : problem);
    }

    /**
     * True when the last BAD record had a valid checksum but the wrong sequence number or hash: the bytes are what
     * some writer wrote, in the wrong place. A crash cannot produce that, so it is corruption wherever it is.
     */
    public boolean checksumValid() {
        return checksumValid;
    }

    /**
     * True when some record with a valid checksum and a sequence number after the last good one starts after the
     * current position. A crash tears only the end of what was being written, so a bad record followed by a good one
     * is corruption, not a torn tail. Scans in windows, so a damaged large segment does not need a heap its size.
     */
    public boolean validRecordFollows() throws IOException {
        long size = ch.size();
        final int chunk = 4 * 1024 * 1024;
        ByteBuffer w = ByteBuffer.allocate((int) Math.min(chunk + RECORD_OVERHEAD, Math.max(0, size - position)));
        byte[] a = w.array();
        for (long start = position + 1; size - start >= RECORD_OVERHEAD; start += chunk) {
            w.clear();
            while (w.hasRemaining() && ch.read(w, start + w.position()) > 0) { /* fill */ }
            int n = w.position();
            for (int i = 0; i < chunk && i + RECORD_OVERHEAD <= n; i++) {
                long seq = w.getLong(i + SEQ_OFFSET);
                if (seq < expectedSeq || seq > expectedSeq + 10_000_000L) continue;
                long length = Integer.toUnsignedLong(w.getInt(i + LENGTH_OFFSET));
                long total = RECORD_OVERHEAD + length;
                if (start + i + total > size) continue;
                crc.reset();
                if (i + total <= n) {
                    crc.update(a, i + SEQ_OFFSET, (int) (total - SEQ_OFFSET));
                } else {
                    // a candidate longer than the window: read it on its own (bounded by the file size checked above)
                    ByteBuffer r = ByteBuffer.allocate((int) total);
                    while (r.hasRemaining() && ch.read(r, start + i + r.position()) > 0) { /* fill */ }
                    if (r.hasRemaining()) continue;
                    crc.update(r.array(), SEQ_OFFSET, (int) (total - SEQ_OFFSET));
                }
                if ((int) crc.getValue() == w.getInt(i + CRC_OFFSET)) return true;
            }
        }
        return false;
    }

    /** Returns a buffer positioned at {@code pos} with at least {@code n} readable bytes from the file. */
    private ByteBuffer bytes(long pos, int n) throws IOException {
        if (windowStart < 0 || pos < windowStart || pos + n > windowStart + window.limit()) {
            if (window.capacity() < n) window = ByteBuffer.allocate(Math.max(n, READ_AHEAD));
            window.clear();
            int read;
            while (window.hasRemaining() && (read = ch.read(window, pos + window.position())) > 0) {
                if (window.position() >= n && read < READ_AHEAD / 4) break;
            }
            window.flip();
            windowStart = pos;
            if (window.limit() < n) throw new IOException("short read in " + file + " at " + pos);
        }
        return window.duplicate().position((int) (pos - windowStart));
    }

    /** Forgets buffered bytes, so that a follower sees what was appended since. */
    public void refresh() {
        windowStart = -1;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
