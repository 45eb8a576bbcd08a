package io.waly.log.format;

import static io.waly.log.format.LogFormat.*;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** The 96-byte header at the start of every segment (FORMAT.md, "Segment header"). */
public record SegmentHeader(short version, byte[] logId, long firstSeq, long createdMicros, byte[] prevHash) {

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SEGMENT_HEADER_LENGTH);
        b.put(MAGIC_OFFSET, MAGIC);
        b.putShort(VERSION_OFFSET, version);
        b.putShort(HEADER_LENGTH_OFFSET, (short) SEGMENT_HEADER_LENGTH);
        b.putInt(FLAGS_OFFSET, 0);
        b.put(LOG_ID_OFFSET, logId);
        b.putLong(FIRST_SEQ_OFFSET, firstSeq);
        b.putLong(CREATED_OFFSET, createdMicros);
        b.put(PREV_HASH_OFFSET, prevHash);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, HEADER_CRC_OFFSET);
        b.putInt(HEADER_CRC_OFFSET, (int) crc.getValue());
        return b.array();
    }

    /**
     * Decodes a header, or says in one sentence why these bytes are not one (the caller adds where).
     * Throws {@link IllegalArgumentException} with that sentence.
     */
    public static SegmentHeader decode(byte[] bytes) {
        if (bytes.length < SEGMENT_HEADER_LENGTH) {
            throw new IllegalArgumentException("segment header is truncated (" + bytes.length + " of "
                    + SEGMENT_HEADER_LENGTH + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (!Arrays.equals(bytes, 0, MAGIC_LENGTH, MAGIC, 0, MAGIC_LENGTH)) {
            throw new IllegalArgumentException("not a WAL-y segment (bad magic)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, HEADER_CRC_OFFSET);
        int stored = b.getInt(HEADER_CRC_OFFSET);
        if (stored != (int) crc.getValue()) {
            throw new IllegalArgumentException(String.format("segment header checksum mismatch (stored %08x, computed %08x)",
                    stored, (int) crc.getValue()));
        }
        short version = b.getShort(VERSION_OFFSET);
        if (version > FORMAT_VERSION || version < 1) {
            throw new IllegalArgumentException("segment format version " + version + " is not supported (this reader knows up to "
                    + FORMAT_VERSION + ")");
        }
        byte[] logId = Arrays.copyOfRange(bytes, LOG_ID_OFFSET, LOG_ID_OFFSET + LOG_ID_LENGTH);
        byte[] prev = Arrays.copyOfRange(bytes, PREV_HASH_OFFSET, PREV_HASH_OFFSET + HASH_LENGTH);
        return new SegmentHeader(version, logId, b.getLong(FIRST_SEQ_OFFSET), b.getLong(CREATED_OFFSET), prev);
    }
}
