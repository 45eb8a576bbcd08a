package io.waly.log;

import io.waly.log.format.RecordKind;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One record as read back: its framing fields, its payload (CBOR, see {@code io.waly.log.payload}) and where it
 * lives. The hash is the chain value after this record.
 */
public record LogRecord(long seq, long timestampMicros, long txId, RecordKind kind, byte[] payload, byte[] hash,
                        Path segment, long offset) {

    public Instant timestamp() {
        return Instant.ofEpochSecond(Math.floorDiv(timestampMicros, 1_000_000L),
                Math.floorMod(timestampMicros, 1_000_000L) * 1000L);
    }

    public int size() {
        return payload.length + io.waly.log.format.LogFormat.RECORD_OVERHEAD;
    }
}
