package io.waly.log;

import java.time.Instant;

/**
 * Reads a log's records in sequence order, each checked (checksum, sequence, hash chain) before it is returned. Works
 * on a log that is being written: {@link #next()} returns null at its current end and {@link #next(long)} waits for
 * more. Not thread-safe: one reader per consumer.
 */
public interface RecordReader extends AutoCloseable {

    /** Positions the reader so that the next record returned is {@code seq} (or the first after it). */
    RecordReader fromSeq(long seq);

    /** Positions the reader at the first record whose timestamp is at or after {@code time}. */
    RecordReader fromTime(Instant time);

    /** The next record, or null at the current end of the log. */
    LogRecord next();

    /** Follow mode: the next record, waiting up to {@code timeoutMillis} for one; null when none came. */
    LogRecord next(long timeoutMillis) throws InterruptedException;

    /** The sequence number the next record will have. */
    long nextSeq();

    /**
     * Non-null when the last {@link #next()} stopped inside a record at the very end of the log: a torn tail if the
     * writer crashed, or a record being written right now. Logs whose records cannot be torn say null.
     */
    default String tornTail() {
        return null;
    }

    /** The log's id once a record (or a segment header) has been read; null before, or for an empty log. */
    byte[] logId();

    @Override
    void close();
}
