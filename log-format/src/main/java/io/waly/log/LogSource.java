package io.waly.log;

import java.util.HexFormat;

/**
 * Where a log is read from: every reader of a log — replay, verify, inspect, stats, a follower — opens its readers
 * here, so that a log on files and a log on a distributed log are read the same way.
 */
public interface LogSource {

    /** A new reader at the log's first record. */
    RecordReader open();

    /** What the log is, for messages: a directory, a topic. Never holds a secret. */
    String describe();

    /**
     * The sequence number of the log's last record now (0 when empty). Reads the whole log unless the source knows a
     * cheaper way.
     */
    default long lastSeq() {
        long last = 0;
        try (RecordReader r = open()) {
            LogRecord rec;
            while ((rec = r.next()) != null) last = rec.seq();
        }
        return last;
    }

    /**
     * Checks the whole log as its specification says: every record's framing, checksum, sequence and hash chain.
     *
     * @param expectHead a head printed by an earlier check ({@code SEQ:HASH}) the log must still pass through, or null
     */
    default Verification verify(String expectHead) {
        throw new UnsupportedOperationException("no check is known for " + describe());
    }

    /**
     * What {@link #verify} found: {@code ok}, the records and the last sequence number, the head ({@code SEQ:HASH},
     * null for an empty log); otherwise the first problem and the sequence number it concerns. {@code details} are
     * what else the log's kind reports (in order, for people and for JSON).
     */
    record Verification(boolean ok, long records, long lastSeq, String head, String problem, long problemSeq,
                        java.util.Map<String, Object> details) {}

    /** The log's id in hex, or null when the log holds no record yet. */
    default String logIdHex() {
        try (RecordReader r = open()) {
            r.next();
            byte[] id = r.logId();
            return id == null ? null : HexFormat.of().formatHex(id);
        }
    }
}
