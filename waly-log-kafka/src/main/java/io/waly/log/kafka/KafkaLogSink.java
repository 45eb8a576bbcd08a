package io.waly.log.kafka;

import io.waly.log.Durability;
import io.waly.log.LogException;
import io.waly.log.LogSink;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Appends to a log on a Kafka topic: one <em>stream</em> of records (FORMAT.md §11) per writer, through one idempotent
 * producer with {@code acks=all}, so that a retried send is never doubled or reordered and an acknowledged record is
 * on the in-sync replicas. Records are sent in the order {@link #append} is called, under one lock; the producer's
 * sender thread, one request in flight at a time, batches whatever accumulated while the previous request was in
 * flight, which is group commit: any number of committers waiting in {@link #sync} share one round trip to the
 * brokers.
 *
 * <p>Durability: in {@code fsync} and {@code async}, {@link #sync} returns when the brokers acknowledged the record and
 * all before it: only then is its place in the one history fixed, which is what keeps conflicting transactions of
 * several instances in the database's commit order (a process crash loses nothing acknowledged). In {@code none} it
 * returns at once: a crash may lose what the producer still holds, and the order of conflicting transactions across
 * instances is not guaranteed.
 *
 * <p>A send that fails (Kafka unreachable past the delivery timeout, the in-sync quorum lost) fails the stream: every
 * append is refused from then on, at once, and a background thread starts a new stream once Kafka answers again. The
 * new stream's numbers go on after the last one this sink handed out (FORMAT.md §11.3), so a transaction begun in an
 * earlier stream is recognised by its number: only its outcome may still be appended (marked with its BEGIN's
 * position); anything else of it is refused, since the earlier stream may have lost its tail.
 */
final class KafkaLogSink implements LogSink, AutoCloseable {

    static final long RETRY_MILLIS = 1_000;

    private final KafkaLocation location;
    private final Durability durability;
    private final byte[] logId;

    /**
     * Appends take this lock (sending in order needs it); acknowledgements and failures take the sink's monitor, which
     * is never held while sending, so the producer's thread is never kept waiting behind appenders.
     */
    private final Object appendLock = new Object();
    // guarded by appendLock
    private Stream stream;
    private long lastSeq;          // handed out, across streams
    private byte[] openedPayload;  // the first stream's first record (the driver's OPENED), to start later streams with
    private final java.util.ArrayList<Held> held = new java.util.ArrayList<>();   // appended, not yet handed to the producer
    private long heldBytes;
    static final long HOLD_BYTES = 256 * 1024;
    /** BEGINs of this sink's transactions by handed-out number → position, for outcomes after a stream restarted. */
    private final Map<Long, Long> beginPositions = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> e) {
            return size() > 100_000;
        }
    });

    // guarded by this
    private volatile long acked;              // handed-out number of the last record acknowledged
    private volatile Throwable failure;       // of the current stream
    private volatile long currentBase = 1;    // the current stream's first sequence number
    private volatile Stream current;
    private volatile boolean closed;
    private Thread reconnect;

    KafkaLogSink(KafkaLocation location, Durability durability) {
        this.location = location;
        this.durability = durability;
        this.logId = Topics.logId(location, true);
        this.stream = new Stream(newProducer(), 1);
        this.current = stream;
    }

    /** One stream: a producer and its chain. Its id is its first record's position, known once that was acknowledged. */
    private final class Stream {
        final Producer<byte[], byte[]> producer;
        final TopicFormat.Chain chain;
        final long first;   // the stream's first sequence number
        long id;   // 0 until the first record was acknowledged

        Stream(Producer<byte[], byte[]> producer, long first) {
            this.producer = producer;
            this.first = first;
            this.chain = new TopicFormat.Chain(first);
        }
    }

    private Producer<byte[], byte[]> newProducer() {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("client.id", "waly-log-" + ProcessHandle.current().pid());
        defaults.put("linger.ms", 0);                         // a committer never waits for a batch to fill
        // one request at a time: committers that arrive while it is in flight go together in the next (group commit,
        // as the directory log's one fsync at a time); with 5, each transaction went in a request of its own (BENCHMARKS.md)
        defaults.put("max.in.flight.requests.per.connection", 1);
        defaults.put("request.timeout.ms", 5_000);
        defaults.put("delivery.timeout.ms", 15_000);          // how long Kafka may be away before writes are refused
        defaults.put("max.block.ms", 10_000);
        defaults.put("reconnect.backoff.max.ms", 1_000);
        var props = location.clientProperties(defaults);
        // not negotiable: the history's order and exactly-once appends rest on them
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        try {
            return Topics.withOwnLoader(() -> new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()));
        } catch (RuntimeException e) {
            throw new LogException("cannot create a Kafka producer for " + location + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long append(RecordKind kind, long txId, byte[] payload) {
        synchronized (appendLock) {
            if (closed) throw new LogException("log " + location + " is closed");
            checkUsable();
            Stream s = stream;
            byte flags = 0;
            long tx;
            if (txId == OWN_SEQ) {
                tx = s.chain.seq() + 1;
            } else if (txId == 0) {
                tx = 0;
            } else if (txId >= s.first) {
                tx = txId;
            } else {
                // a transaction this sink began in an earlier stream: only its outcome may follow, pointing at its BEGIN
                Long at = beginPositions.get(txId);
                if (!kind.endsTransaction() || at == null) {
                    throw new LogException("the log's Kafka stream was restarted after a failure since transaction " + txId
                            + " began; it cannot go on (roll it back and run it again)");
                }
                flags = TopicFormat.FLAG_FOREIGN_TX;
                tx = at;
            }
            long h = s.chain.seq() + 1;
            byte[] value = s.chain.next(kind, tx, flags, payload, nowMicros());
            if (h == s.first) {
                startStream(s, h, value, payload);
            } else {
                held.add(new Held(h, kind == RecordKind.BEGIN, value));
                heldBytes += value.length;
                if (heldBytes >= HOLD_BYTES) handOver(s);
            }
            if (kind.endsTransaction() && txId > 0) beginPositions.remove(txId);
            lastSeq = h;
            return h;
        }
    }

    /** A stream's first record goes alone, waited for: its position is the stream's id, every later record's key. */
    private void startStream(Stream s, long h, byte[] value, byte[] payload) {
        if (openedPayload == null) openedPayload = payload;
        try {
            RecordMetadata m = s.producer.send(new ProducerRecord<>(location.topic(), TopicFormat.PARTITION, null, null, value))
                    .get(Topics.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            s.id = TopicFormat.position(m.offset());
            acknowledged(s, h);
        } catch (ExecutionException e) {
            throw fail(s, e.getCause());
        } catch (TimeoutException e) {
            throw fail(s, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(s, e);
        }
    }

    /**
     * Hands the records appended so far to the producer, in order. Records are held until a sync, a publish or
     * {@link #HOLD_BYTES} ask for them, as a file writer buffers until it writes: a transaction's records then reach the
     * producer together and travel in one batch with every other committer's, instead of one request each (measured:
     * several times the broker's CPU per transaction when each record was sent as it was appended). Caller holds
     * appendLock.
     */
    private void handOver(Stream s) {
        for (Held r : held) send(s, r.seq, r.begin, r.value);
        held.clear();
        heldBytes = 0;
    }

    private record Held(long seq, boolean begin, byte[] value) {}

    private void send(Stream s, long h, boolean begin, byte[] value) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(location.topic(), TopicFormat.PARTITION,
                nowMicros() / 1000, TopicFormat.key(s.id), value);
        try {
            s.producer.send(r, (m, e) -> {
                if (e != null) {
                    fail(s, e);
                    return;
                }
                if (begin) beginPositions.put(h, TopicFormat.position(m.offset()));
                acknowledged(s, h);
            });
        } catch (RuntimeException e) {
            throw fail(s, e);
        }
    }

    // the producer acknowledges one partition's records in order
    private void acknowledged(Stream s, long h) {
        synchronized (this) {
            if (s != current || h <= acked) return;
            acked = h;
            notifyAll();
        }
    }

    @Override
    public void sync(long seq) {
        publish(seq);
        if (durability == Durability.NONE) return;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Topics.TIMEOUT_MILLIS * 4);
        synchronized (this) {
            while (acked < seq) {
                checkUsable();
                if (seq < currentBase) throw new LogException("record " + seq + " was in a Kafka stream that failed before it was acknowledged");
                long left = deadline - System.nanoTime();
                if (left <= 0) throw fail(current, new TimeoutException("no acknowledgement from Kafka within " + Topics.TIMEOUT_MILLIS * 4 + " ms"));
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LogException("interrupted while waiting for Kafka to acknowledge the log", e);
                }
            }
        }
    }

    /** Hands what was appended up to {@code seq} to the producer, which sends it at once; readers see it once acknowledged. */
    @Override
    public void publish(long seq) {
        if (acked >= seq) return;
        synchronized (appendLock) {
            checkUsable();
            if (!held.isEmpty() && held.get(0).seq <= seq) handOver(stream);
        }
    }

    @Override
    public long lastSeq() {
        synchronized (appendLock) {
            return lastSeq;
        }
    }

    @Override
    public byte[] logId() {
        return logId.clone();
    }

    @Override
    public boolean failed() {
        return failure != null;
    }

    /** The current stream's id (its first record's position); 0 before its first record was acknowledged. */
    long streamId() {
        return current.id;
    }

    private void checkUsable() {
        Throwable f = failure;
        if (f != null) {
            throw new LogException("the log on Kafka at " + location + " refuses writes since a send failed (" + f
                    + "); writes resume by themselves once Kafka answers again", f);
        }
    }

    /** Fails the stream {@code s} (once) and starts trying to open the next one. */
    private LogException fail(Stream s, Throwable cause) {
        synchronized (this) {
            if (s == current && failure == null && !closed) {
                failure = cause;
                notifyAll();
                startReconnecting();
            }
        }
        return new LogException("the log on Kafka at " + location + " could not be written: " + cause, cause);
    }

    // caller holds this
    private void startReconnecting() {
        if (reconnect != null) return;
        Thread t = new Thread(this::reconnectLoop, "waly-kafka-reconnect");
        t.setDaemon(true);
        reconnect = t;
        t.start();
    }

    /** Until closed or a new stream started: a new producer, the first stream's OPENED again, acknowledged. */
    private void reconnectLoop() {
        Stream old = current;
        closeQuietly(old);
        while (true) {
            if (closed) {
                synchronized (this) {
                    reconnect = null;
                }
                return;
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                synchronized (this) {
                    reconnect = null;
                }
                return;
            }
            Stream next = null;
            try {
                long from;
                synchronized (appendLock) {
                    from = lastSeq;   // steady: every append is refused while the stream is failed
                }
                // built and sent outside appendLock: appends keep being refused at once meanwhile
                next = new Stream(newProducer(), from + 1);
                byte[] value = next.chain.next(RecordKind.OPENED, 0, (byte) 0, reopened(old.id), nowMicros());
                RecordMetadata m = next.producer.send(new ProducerRecord<>(location.topic(), TopicFormat.PARTITION, null, null, value))
                        .get(Topics.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                next.id = TopicFormat.position(m.offset());
                synchronized (appendLock) {
                    if (closed) throw new InterruptedException("closed");
                    stream = next;
                    held.clear();   // the failed stream's unsent tail: its transactions cannot go on (§11.3)
                    heldBytes = 0;
                    lastSeq = next.first;
                    synchronized (this) {
                        current = next;
                        currentBase = next.first;
                        acked = lastSeq;
                        failure = null;
                        reconnect = null;
                        notifyAll();
                    }
                }
                return;
            } catch (Exception e) {
                if (next != null) closeQuietly(next);
                if (e instanceof InterruptedException || e instanceof org.apache.kafka.common.errors.InterruptException) {
                    synchronized (this) {
                        reconnect = null;
                    }
                    return;   // closed
                }
                // Kafka still away: try again
            }
        }
    }

    /** Closes a stream's producer at once; nothing it throws (an interrupt while closing) reaches anyone. */
    private static void closeQuietly(Stream s) {
        try {
            s.producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            // the stream is abandoned anyway
        }
    }

    /** The OPENED that starts a stream after a failure: the first one's facts, and which stream it follows. */
    private byte[] reopened(long previous) {
        Map<String, String> facts = new LinkedHashMap<>();
        byte[] openedPayload;
        synchronized (appendLock) {
            openedPayload = this.openedPayload;
        }
        if (openedPayload != null) {
            try {
                facts.putAll(Payloads.Info.decode(openedPayload).facts());
            } catch (RuntimeException e) {
                // not an OPENED of ours: start afresh
            }
        }
        facts.put("follows", Long.toString(previous));
        facts.put("reason", "the previous stream failed: " + failure);
        return new Payloads.Info(facts).encode();
    }

    /** Waits for what was appended to be acknowledged (bounded), then closes the producer; no thread is left. */
    @Override
    public void close() {
        Thread r;
        synchronized (this) {
            if (closed) return;
            closed = true;
            r = reconnect;
            notifyAll();
        }
        if (r != null) {
            r.interrupt();
            try {
                r.join(TimeUnit.SECONDS.toMillis(Topics.TIMEOUT_MILLIS / 1000 + 5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (appendLock) {
            if (failure == null && !held.isEmpty()) handOver(stream);
            stream.producer.close(Duration.ofMillis(failure == null ? Topics.TIMEOUT_MILLIS : 0));
        }
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
