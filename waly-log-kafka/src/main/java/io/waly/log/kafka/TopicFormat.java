package io.waly.log.kafka;

import static io.waly.log.format.LogFormat.*;

import io.waly.log.format.RecordKind;
import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32C;

/**
 * The layout of a log on a Kafka topic (FORMAT.md §11), shared by the writer, the reader and the verifier. A Kafka
 * record's value is one WAL-y record framed exactly as in a segment (§3.1), numbered and chained within its stream;
 * its key names the stream.
 */
final class TopicFormat {
    private TopicFormat() {}

    /** The one partition of a log's topic: its offsets are the log's order. */
    static final int PARTITION = 0;
    /** A record's key: the stream id, u64 big-endian; absent on a stream's first record. */
    static final int KEY_LENGTH = 8;
    /**
     * Record flag: {@code txId} is the position of a BEGIN in another stream, not a sequence number of this one (an
     * outcome a writer records for a transaction it began before its stream was restarted).
     */
    static final byte FLAG_FOREIGN_TX = 0x01;

    /** A record's position: its offset + 1, so that positions start at 1 like a directory's sequence numbers. */
    static long position(long offset) {
        return offset + 1;
    }

    static byte[] key(long stream) {
        return ByteBuffer.allocate(KEY_LENGTH).putLong(stream).array();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance(HASH_ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Frames one record of a stream (§3.1) and advances the stream's chain. Not thread-safe: one per stream. */
    static final class Chain {
        private final byte[] hash = new byte[HASH_LENGTH];
        private final MessageDigest sha = sha256();
        private final CRC32C crc = new CRC32C();
        private long seq;
        private long timestamp;

        /** A stream numbered from 1. */
        Chain() {
            this(1);
        }

        /** A stream whose first record is {@code first}: one that follows its writer's failed stream (§11.3). */
        Chain(long first) {
            this.seq = first - 1;
        }

        long seq() {
            return seq;
        }

        /** The record {@code seq() + 1}, with its hash written and the chain moved past it. */
        byte[] next(RecordKind kind, long txId, byte flags, byte[] payload, long nowMicros) {
            if (payload.length > MAX_PAYLOAD) throw new IllegalArgumentException("record payload of " + payload.length + " bytes is too large");
            long s = seq + 1;
            long ts = Math.max(nowMicros, timestamp);   // never decreases within a stream
            byte[] a = new byte[RECORD_OVERHEAD + payload.length];
            ByteBuffer b = ByteBuffer.wrap(a);
            b.putInt(LENGTH_OFFSET, payload.length);
            b.putLong(SEQ_OFFSET, s);
            b.putLong(TIMESTAMP_OFFSET, ts);
            b.putLong(TX_OFFSET, txId);
            b.put(KIND_OFFSET, kind.code);
            b.put(RECORD_FLAGS_OFFSET, flags);
            System.arraycopy(payload, 0, a, PAYLOAD_OFFSET, payload.length);
            int hashAt = PAYLOAD_OFFSET + payload.length;
            sha.update(hash);
            sha.update(a, SEQ_OFFSET, PAYLOAD_OFFSET - SEQ_OFFSET + payload.length);
            try {
                sha.digest(a, hashAt, HASH_LENGTH);
            } catch (DigestException e) {
                throw new IllegalStateException(e);
            }
            crc.reset();
            crc.update(a, SEQ_OFFSET, a.length - SEQ_OFFSET);
            b.putInt(CRC_OFFSET, (int) crc.getValue());
            System.arraycopy(a, hashAt, hash, 0, HASH_LENGTH);
            seq = s;
            timestamp = ts;
            return a;
        }
    }

    /** A record's framing read back from a Kafka value: checked for length and CRC, not yet for its place. */
    record Framed(long seq, long timestampMicros, long txId, RecordKind kind, byte flags, byte[] payload, byte[] hash,
                  byte[] bytes) {

        /** @return the framed record, or a problem ("record checksum mismatch …") */
        static Object read(byte[] v, CRC32C crc) {
            if (v == null || v.length < RECORD_OVERHEAD) return "record shorter than its " + RECORD_OVERHEAD + "-byte frame";
            ByteBuffer b = ByteBuffer.wrap(v);
            long length = Integer.toUnsignedLong(b.getInt(LENGTH_OFFSET));
            if (length + RECORD_OVERHEAD != v.length) {
                return "record length " + length + " does not match the Kafka record's " + v.length + " bytes";
            }
            crc.reset();
            crc.update(v, SEQ_OFFSET, v.length - SEQ_OFFSET);
            int stored = b.getInt(CRC_OFFSET);
            if (stored != (int) crc.getValue()) {
                return String.format("record checksum mismatch (stored %08x, computed %08x)", stored, (int) crc.getValue());
            }
            int len = (int) length;
            byte[] payload = java.util.Arrays.copyOfRange(v, PAYLOAD_OFFSET, PAYLOAD_OFFSET + len);
            byte[] hash = java.util.Arrays.copyOfRange(v, PAYLOAD_OFFSET + len, PAYLOAD_OFFSET + len + HASH_LENGTH);
            return new Framed(b.getLong(SEQ_OFFSET), b.getLong(TIMESTAMP_OFFSET), b.getLong(TX_OFFSET),
                    RecordKind.of(b.get(KIND_OFFSET)), b.get(RECORD_FLAGS_OFFSET), payload, hash, v);
        }

        /** True when this record's hash is SHA-256(previous hash || bytes [8, 34 + L)). */
        boolean chainsFrom(byte[] previous, MessageDigest sha) {
            sha.update(previous);
            sha.update(bytes, SEQ_OFFSET, PAYLOAD_OFFSET - SEQ_OFFSET + payload.length);
            return java.util.Arrays.equals(sha.digest(), hash);
        }
    }
}
