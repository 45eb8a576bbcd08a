package io.waly.log.format;

import java.nio.charset.StandardCharsets;

/**
 * The on-disk layout of a WAL-y log, shared by the writer, the reader and the verifier.
 * The specification is {@code log-format/FORMAT.md}; every constant here is named there, and a change to any of them
 * is a change of {@link #FORMAT_VERSION}. All integers are big-endian.
 */
public final class LogFormat {
    private LogFormat() {}

    /** Version of the segment and record layout. Readers refuse segments with a higher version. */
    public static final short FORMAT_VERSION = 1;

    /** Segment file names: the first sequence number, zero-padded to 20 digits, then this suffix. */
    public static final String SEGMENT_SUFFIX = ".wal";
    public static final int SEGMENT_NAME_DIGITS = 20;
    /** The file a writer holds an exclusive lock on while it owns the directory. */
    public static final String LOCK_FILE = "waly.lock";

    // ---- segment header (96 bytes) ----
    public static final byte[] MAGIC = "WALYLOG\0".getBytes(StandardCharsets.US_ASCII);
    public static final int MAGIC_OFFSET = 0;
    public static final int MAGIC_LENGTH = 8;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;          // u16
    public static final int HEADER_LENGTH_OFFSET = VERSION_OFFSET + 2;             // u16
    public static final int FLAGS_OFFSET = HEADER_LENGTH_OFFSET + 2;               // u32, 0 in version 1
    public static final int LOG_ID_OFFSET = FLAGS_OFFSET + 4;                      // 16 bytes
    public static final int LOG_ID_LENGTH = 16;
    public static final int FIRST_SEQ_OFFSET = LOG_ID_OFFSET + LOG_ID_LENGTH;      // u64
    public static final int CREATED_OFFSET = FIRST_SEQ_OFFSET + 8;                 // i64 micros since epoch
    public static final int PREV_HASH_OFFSET = CREATED_OFFSET + 8;                 // 32 bytes
    public static final int HASH_LENGTH = 32;
    public static final int HEADER_RESERVED_OFFSET = PREV_HASH_OFFSET + HASH_LENGTH; // zeros
    public static final int HEADER_CRC_OFFSET = 92;                                // u32 CRC32C of bytes [0, 92)
    public static final int SEGMENT_HEADER_LENGTH = HEADER_CRC_OFFSET + 4;

    // ---- record ----
    public static final int LENGTH_OFFSET = 0;                                     // u32 payload length
    public static final int CRC_OFFSET = LENGTH_OFFSET + 4;                        // u32 CRC32C of bytes [8, end)
    public static final int SEQ_OFFSET = CRC_OFFSET + 4;                           // u64
    public static final int TIMESTAMP_OFFSET = SEQ_OFFSET + 8;                     // i64 micros since epoch
    public static final int TX_OFFSET = TIMESTAMP_OFFSET + 8;                      // u64
    public static final int KIND_OFFSET = TX_OFFSET + 8;                           // u8
    public static final int RECORD_FLAGS_OFFSET = KIND_OFFSET + 1;                 // u8, 0 in version 1
    public static final int PAYLOAD_OFFSET = RECORD_FLAGS_OFFSET + 1;
    /** Bytes of a record besides its payload: the fixed header and the trailing hash. */
    public static final int RECORD_OVERHEAD = PAYLOAD_OFFSET + HASH_LENGTH;
    /** Largest payload a record may carry. Bigger statements are refused by the writer with a clear error. */
    public static final int MAX_PAYLOAD = Integer.MAX_VALUE - RECORD_OVERHEAD - 1;

    /** The hash algorithm of the chain: hash(n) = SHA-256(hash(n-1) || record bytes [8, 8 + 26 + length)). */
    public static final String HASH_ALGORITHM = "SHA-256";

    static {
        assert SEGMENT_HEADER_LENGTH == 96 : "segment header is 96 bytes";
        assert HEADER_RESERVED_OFFSET <= HEADER_CRC_OFFSET;
        assert PAYLOAD_OFFSET == 34 : "record header is 34 bytes";
    }

    public static String segmentName(long firstSeq) {
        String digits = Long.toString(firstSeq);
        return "0".repeat(SEGMENT_NAME_DIGITS - digits.length()) + digits + SEGMENT_SUFFIX;
    }

    /** The first sequence number named by a segment file name, or -1 when the name is not a segment's. */
    public static long parseSegmentName(String name) {
        if (name.length() != SEGMENT_NAME_DIGITS + SEGMENT_SUFFIX.length() || !name.endsWith(SEGMENT_SUFFIX)) return -1;
        for (int i = 0; i < SEGMENT_NAME_DIGITS; i++) if (!Character.isDigit(name.charAt(i))) return -1;
        return Long.parseLong(name.substring(0, SEGMENT_NAME_DIGITS));
    }
}
