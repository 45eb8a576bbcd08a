package io.waly.log;

import io.waly.log.format.RecordKind;

/**
 * Where the driver appends records: the one door every write of an application goes through on its way to the log
 * (FORMAT.md §6–7). Records are ordered in the order {@link #append} is called, numbered without gaps, and chained.
 * The files of a directory ({@link io.waly.log.write.LogWriter}) are the first implementation; a distributed log is
 * another.
 */
public interface LogSink {

    /** Pass as the transaction id to {@link #append} to make it the record's own sequence number (for BEGIN). */
    long OWN_SEQ = -1;

    /**
     * Appends one record and returns its sequence number. It is in the log's order from here on, but neither visible
     * to readers nor durable until {@link #publish} or {@link #sync}.
     *
     * @param txId the transaction id, or {@link #OWN_SEQ} to use the record's own sequence number
     * @throws LogException when the log cannot take it (a failed log refuses everything until reopened)
     */
    long append(RecordKind kind, long txId, byte[] payload);

    /**
     * Makes {@code seq} and every record before it as durable as the log's durability promises (on the device for
     * {@code fsync}, handed over for {@code async} and {@code none}). The write-ahead rule waits here.
     */
    void sync(long seq);

    /** Makes {@code seq} and every record before it visible to readers, without waiting for durability. */
    void publish(long seq);

    /** The sequence number of the last record appended; 0 for an empty log. */
    long lastSeq();

    /** The log's id (FORMAT.md §2): the same for every record of one log. */
    byte[] logId();

    /** True once a write or force failed: the sink then refuses everything until it is reopened. */
    boolean failed();
}
