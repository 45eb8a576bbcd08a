package io.waly.log;

import java.nio.file.Path;

/**
 * The log's bytes are not what the writer wrote: a checksum, the hash chain, the sequence or a segment header
 * disagrees. Names where, so that an operator can look (and {@code waly verify} can say the same).
 */
public final class LogCorruptException extends LogException {
    private final Path segment;
    private final long offset;
    private final long seq;

    public LogCorruptException(Path segment, long offset, long seq, String what) {
        super(what + " in segment " + (segment == null ? "?" : segment.getFileName()) + " at offset " + offset
                + (seq > 0 ? " (sequence " + seq + ")" : ""));
        this.segment = segment;
        this.offset = offset;
        this.seq = seq;
    }

    public Path segment() {
        return segment;
    }

    public long offset() {
        return offset;
    }

    /** The sequence number the bad record has or should have had; 0 when it concerns a segment header. */
    public long seq() {
        return seq;
    }
}
