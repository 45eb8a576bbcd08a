package io.waly.log;

import io.waly.log.format.RecordKind;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One record as read back: its framing fields, its payload (CBOR, see {@code io.waly.log.payload}) and where it
 * lives. The hash is the chain value after this record.
 *
 * <p>{@code seq} is the record's place in the log and {@code txId} its transaction's BEGIN's place. In a directory
 * they are the record's own framing fields. A log that several writers append to (a Kafka topic, FORMAT.md §11) holds
 * one <em>stream</em> per writer: {@code stream} names the record's stream (0 in a directory, which is one stream)
 * and {@code streamSeq} is its sequence number within it, which is what the payloads of that stream refer to (an
 * OUTCOME's {@code stmt}).
 */
public record LogRecord(long seq, long timestampMicros, long txId, RecordKind kind, byte[] payload, byte[] hash,
                        Path segment, long offset, long stream, long streamSeq) {

    /** A record of a directory log: one stream, numbered by the log's own sequence. */
    public LogRecord(long seq, long timestampMicros, long txId, RecordKind kind, byte[] payload, byte[] hash,
                     Path segment, long offset) {
        this(seq, timestampMicros, txId, kind, payload, hash, segment, offset, 0, seq);
    }

    public Instant timestamp() {
        return Instant.ofEpochSecond(Math.floorDiv(timestampMicros, 1_000_000L),
                Math.floorMod(timestampMicros, 1_000_000L) * 1000L);
    }

    public int size() {
        return payload.length + io.waly.log.format.LogFormat.RECORD_OVERHEAD;
    }
}
