package io.waly.log.kafka;

import io.waly.log.LogCorruptException;
import io.waly.log.LogException;
import io.waly.log.LogRecord;
import io.waly.log.RecordReader;
import io.waly.log.format.LogFormat;
import io.waly.log.format.RecordKind;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a log's topic in the order of its offsets, checking every record as it goes (FORMAT.md §11): its frame and
 * CRC, its place in its stream (sequence + 1) and its stream's hash chain, and its key. Records are handed out as the
 * log's readers know them: {@code seq} is the record's position (offset + 1), {@code txId} the position of its
 * transaction's BEGIN, and {@code stream}/{@code streamSeq} say where it sits in its writer's stream.
 *
 * <p>A reader that starts in the middle of the topic meets streams already under way: it takes the first record of each
 * as it finds it (its CRC checked, its link to the record before it not), and looks back for the BEGIN of a
 * transaction that began before its start. {@code strict} readers (verify) start at the topic's beginning and accept
 * no such thing. Not thread-safe; one reader per consumer.
 */
final class KafkaRecordReader implements RecordReader {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final long READ_TIMEOUT_MILLIS = 30_000;

    private final KafkaLocation location;
    private final byte[] logId;
    private final boolean strict;
    private final TopicPartition tp;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
    private final Map<Long, StreamState> streams = new HashMap<>();
    private final CRC32C crc = new CRC32C();
    private final MessageDigest sha = TopicFormat.sha256();
    private long nextOffset;     // of the next record handed out
    private long end = -1;       // the last end offset seen
    private long timeFloor = Long.MIN_VALUE;
    private KafkaConsumer<byte[], byte[]> lookback;

    /** What is known of one stream: where it stands, and the positions of its transactions still open. */
    static final class StreamState {
        final long id;
        long seq;
        long timestamp;
        byte[] hash;
        boolean closed;
        long records;
        final Map<Long, Long> begins = new HashMap<>();   // BEGIN's seq in the stream → position

        StreamState(long id) {
            this.id = id;
        }
    }

    KafkaRecordReader(KafkaLocation location, byte[] logId, boolean strict) {
        this.location = location;
        this.logId = logId;
        this.strict = strict;
        this.tp = new TopicPartition(location.topic(), TopicFormat.PARTITION);
        this.consumer = newConsumer(location, "waly-reader");
        consumer.assign(List.of(tp));
        seek(0);
    }

    static KafkaConsumer<byte[], byte[]> newConsumer(KafkaLocation location, String clientId) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("client.id", clientId + "-" + ProcessHandle.current().pid());
        defaults.put("max.poll.records", 2_000);
        defaults.put("fetch.max.wait.ms", 50);        // a follower sees a new record within tens of milliseconds
        defaults.put("request.timeout.ms", 10_000);
        defaults.put("default.api.timeout.ms", (int) Topics.TIMEOUT_MILLIS);
        var props = location.clientProperties(defaults);
        props.remove("group.id");                     // no group: the reader keeps its own position, commits nothing
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "none");
        try {
            return Topics.withOwnLoader(() -> new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        } catch (RuntimeException e) {
            throw new LogException("cannot create a Kafka consumer for " + location + ": " + e.getMessage(), e);
        }
    }

    private void seek(long offset) {
        buffer.clear();
        streams.clear();
        nextOffset = offset;
        consumer.seek(tp, offset);
    }

    @Override
    public RecordReader fromSeq(long seq) {
        seek(Math.max(0, seq - 1));
        return this;
    }

    /** The first record whose timestamp is at or after {@code time}; the writers' clocks decide (FORMAT.md §11). */
    @Override
    public RecordReader fromTime(Instant time) {
        long micros = time.getEpochSecond() * 1_000_000L + time.getNano() / 1000;
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(tp, Math.floorDiv(micros, 1000L)));
        OffsetAndTimestamp at = found.get(tp);
        seek(at == null ? endOffset(true) : at.offset());
        timeFloor = micros;
        return this;
    }

    @Override
    public LogRecord next() {
        while (true) {
            ConsumerRecord<byte[], byte[]> r = take(false, 0);
            if (r == null) return null;
            LogRecord rec = check(r);
            if (rec.timestampMicros() < timeFloor) continue;
            timeFloor = Long.MIN_VALUE;
            return rec;
        }
    }

    @Override
    public LogRecord next(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            if (Thread.interrupted()) throw new InterruptedException();
            ConsumerRecord<byte[], byte[]> r = take(true, Math.max(0, deadline - System.nanoTime()));
            if (r == null) return null;
            LogRecord rec = check(r);
            if (rec.timestampMicros() < timeFloor) continue;
            timeFloor = Long.MIN_VALUE;
            return rec;
        }
    }

    /** The next Kafka record; without {@code follow}, null once the topic's current end is reached. */
    private ConsumerRecord<byte[], byte[]> take(boolean follow, long waitNanos) {
        long deadline = System.nanoTime() + (follow ? waitNanos : TimeUnit.MILLISECONDS.toNanos(READ_TIMEOUT_MILLIS));
        while (buffer.isEmpty()) {
            if (!follow && nextOffset >= endOffset(false) && nextOffset >= endOffset(true)) return null;
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (follow) return null;
                throw new LogException("Kafka at " + location + " delivered nothing from offset " + nextOffset + " within "
                        + READ_TIMEOUT_MILLIS + " ms although the topic ends at " + end);
            }
            ConsumerRecords<byte[], byte[]> got;
            try {
                got = consumer.poll(follow ? Duration.ofNanos(Math.min(left, POLL.toNanos())) : POLL);
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (org.apache.kafka.clients.consumer.OffsetOutOfRangeException e) {
                throw new LogException("offset " + nextOffset + " is not in topic " + location.topic() + " (deleted by retention?)", e);
            } catch (RuntimeException e) {
                throw Topics.unreachable(location, e);
            }
            for (ConsumerRecord<byte[], byte[]> r : got.records(tp)) buffer.add(r);
        }
        ConsumerRecord<byte[], byte[]> r = buffer.poll();
        if (r.offset() != nextOffset) {
            throw corrupt(r.offset(), "offset " + r.offset() + " where " + nextOffset + " was expected (records missing from the topic)");
        }
        nextOffset = r.offset() + 1;
        return r;
    }

    /** The topic's end offset: the cached one, or asked again ({@code fresh}). */
    private long endOffset(boolean fresh) {
        if (fresh || end < 0) {
            try {
                end = consumer.endOffsets(List.of(tp)).get(tp);
            } catch (RuntimeException e) {
                throw Topics.unreachable(location, e);
            }
        }
        return end;
    }

    /** The topic's end offset now: the position of its last record. */
    long endOffsetNow() {
        return endOffset(true);
    }

    /** The topic's first offset now (0 unless records were deleted). */
    long beginningOffset() {
        try {
            return consumer.beginningOffsets(List.of(tp)).get(tp);
        } catch (RuntimeException e) {
            throw Topics.unreachable(location, e);
        }
    }

    Map<Long, StreamState> streams() {
        return streams;
    }

    /** Checks a record against its stream and translates it into the log's numbering. */
    private LogRecord check(ConsumerRecord<byte[], byte[]> r) {
        long position = TopicFormat.position(r.offset());
        Object read = TopicFormat.Framed.read(r.value(), crc);
        if (read instanceof String problem) throw corrupt(r.offset(), problem);
        TopicFormat.Framed f = (TopicFormat.Framed) read;
        StreamState st;
        byte[] key = r.key();
        if (key == null) {
            if (f.seq() != 1) checkFollows(f, r.offset());
            st = new StreamState(position);
            streams.put(position, st);
            if (!f.chainsFrom(new byte[LogFormat.HASH_LENGTH], sha)) throw corrupt(r.offset(), "hash chain broken at the first record of stream " + position);
        } else {
            if (key.length != TopicFormat.KEY_LENGTH) throw corrupt(r.offset(), "record key of " + key.length + " bytes; a stream id is 8");
            long id = ByteBuffer.wrap(key).getLong();
            if (id < 1 || id >= position) throw corrupt(r.offset(), "record names stream " + id + ", which cannot start before it");
            st = streams.get(id);
            if (st == null) {
                if (strict) throw corrupt(r.offset(), "record of stream " + id + ", whose first record is not at position " + id);
                st = new StreamState(id);   // under way before this reader's start: taken as found
                streams.put(id, st);
            } else {
                if (st.closed) throw corrupt(r.offset(), "record of stream " + id + " after its CLOSED");
                if (f.seq() != st.seq + 1) {
                    throw corrupt(r.offset(), "sequence " + f.seq() + " in stream " + id + " where " + (st.seq + 1)
                            + " was expected (records missing, reordered or duplicated)");
                }
                if (!f.chainsFrom(st.hash, sha)) {
                    throw corrupt(r.offset(), "hash chain of stream " + id + " broken (the record or one before it was changed, removed or reordered)");
                }
                if (f.timestampMicros() < st.timestamp) throw corrupt(r.offset(), "timestamp earlier than the stream's previous record's");
            }
        }
        st.seq = f.seq();
        st.hash = f.hash();
        st.timestamp = f.timestampMicros();
        st.records++;
        if (f.kind() == RecordKind.CLOSED) st.closed = true;
        long tx = transaction(st, f, r.offset(), position);
        return new LogRecord(position, f.timestampMicros(), tx, f.kind(), f.payload(), f.hash(), null, r.offset(), st.id, f.seq());
    }

    /**
     * A stream that starts past 1 follows a failed stream of the same writer (§11.3): its first record is an OPENED that
     * names that stream, and numbers on after every record the stream holds.
     */
    private void checkFollows(TopicFormat.Framed f, long offset) {
        String follows = null;
        if (f.kind() == RecordKind.OPENED) {
            try {
                follows = io.waly.log.payload.Payloads.Info.decode(f.payload()).facts().get("follows");
            } catch (RuntimeException e) {
                // not an Info payload: refused below
            }
        }
        if (follows == null) throw corrupt(offset, "stream starts at sequence " + f.seq() + " without naming the stream it follows; a stream starts at 1");
        StreamState previous;
        try {
            previous = streams.get(Long.parseLong(follows));
        } catch (NumberFormatException e) {
            throw corrupt(offset, "stream follows \"" + follows + "\", which is not a stream id");
        }
        if (previous == null) {
            if (strict) throw corrupt(offset, "stream follows stream " + follows + ", which is not before it");
            return;
        }
        if (previous.seq >= f.seq()) {
            throw corrupt(offset, "stream starts at sequence " + f.seq() + " but the stream it follows, " + follows + ", reached " + previous.seq);
        }
    }

    /** The position of the record's transaction's BEGIN (0 outside a transaction). */
    private long transaction(StreamState st, TopicFormat.Framed f, long offset, long position) {
        if ((f.flags() & TopicFormat.FLAG_FOREIGN_TX) != 0) {
            if (f.txId() < 1 || f.txId() >= position) throw corrupt(offset, "outcome names a BEGIN at position " + f.txId() + ", not before it");
            return f.txId();
        }
        if (f.txId() == 0) return 0;
        if (f.kind() == RecordKind.BEGIN) {
            if (f.txId() != f.seq()) throw corrupt(offset, "BEGIN's transaction id " + f.txId() + " is not its own sequence " + f.seq());
            st.begins.put(f.seq(), position);
            return position;
        }
        if (f.txId() > f.seq()) throw corrupt(offset, "transaction id " + f.txId() + " after the record's own sequence " + f.seq());
        Long at = st.begins.get(f.txId());
        if (at == null) {
            if (strict) throw corrupt(offset, "transaction id " + f.txId() + " names no BEGIN of stream " + st.id);
            at = lookBack(st.id, f.txId(), offset);
            if (at == null) throw corrupt(offset, "transaction id " + f.txId() + " names no BEGIN of stream " + st.id + " before it");
            st.begins.put(f.txId(), at);
        }
        if (f.kind().endsTransaction()) st.begins.remove(f.txId());
        return at;
    }

    /** Finds the position of BEGIN {@code seq} of stream {@code stream} before {@code offset}, reading back in growing windows. */
    private Long lookBack(long stream, long seq, long offset) {
        if (lookback == null) {
            lookback = newConsumer(location, "waly-reader-lookback");
            lookback.assign(List.of(tp));
        }
        long first = stream - 1;   // the stream's first record's offset
        long hi = offset;
        long window = 4_096;
        while (hi > first) {
            long lo = Math.max(first, hi - window);
            lookback.seek(tp, lo);
            long at = lo;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READ_TIMEOUT_MILLIS);
            while (at < hi) {
                if (System.nanoTime() > deadline) throw new LogException("Kafka at " + location + " did not deliver offsets " + lo + "–" + hi);
                for (ConsumerRecord<byte[], byte[]> r : lookback.poll(POLL).records(tp)) {
                    if (r.offset() >= hi) break;
                    at = r.offset() + 1;
                    boolean ours = r.key() == null ? r.offset() == first : r.key().length == 8 && ByteBuffer.wrap(r.key()).getLong() == stream;
                    if (!ours || r.value() == null || r.value().length < LogFormat.RECORD_OVERHEAD) continue;
                    ByteBuffer v = ByteBuffer.wrap(r.value());
                    if (v.getLong(LogFormat.SEQ_OFFSET) == seq && v.get(LogFormat.KIND_OFFSET) == RecordKind.BEGIN.code) {
                        return TopicFormat.position(r.offset());
                    }
                }
            }
            hi = lo;
            window *= 2;
        }
        return null;
    }

    private LogCorruptException corrupt(long offset, String what) {
        return new LogCorruptException(null, offset, TopicFormat.position(offset), what + " (topic " + location.topic() + ", offset " + offset + ")");
    }

    @Override
    public long nextSeq() {
        return TopicFormat.position(nextOffset);
    }

    @Override
    public byte[] logId() {
        return logId.clone();
    }

    @Override
    public void close() {
        consumer.close(Duration.ZERO);
        if (lookback != null) lookback.close(Duration.ZERO);
    }
}
