package io.waly.log.kafka;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogException;
import io.waly.log.LogRecord;
import io.waly.log.LogSink;
import io.waly.log.RecordReader;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.DirectoryLog;
import io.waly.log.write.LogWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongUnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Moves a log between a directory and a topic (FORMAT.md §11.7), checking every record it reads.
 *
 * <ul>
 *   <li><b>Into a topic</b>: the directory becomes the topic's first stream, byte for byte — the same sequence numbers,
 *       transaction ids, timestamps and hash chain (so the directory's head is the stream's), and positions equal to
 *       the directory's sequence numbers. The topic must be empty, or hold exactly that stream's beginning and nothing
 *       else (a copy run again continues where the last one stopped: copy, stop the application, copy the rest, start it
 *       on the topic).</li>
 *   <li><b>Into a directory</b>: the topic's records in their order become one directory log with a chain of its own:
 *       transaction ids are the BEGINs' new sequence numbers, an OUTCOME's statement and every connection number are
 *       renumbered for the one stream a directory is, the streams' OPENED and CLOSED records (which in a directory would
 *       end every writer's transactions) give way to one OPENED naming the topic, and the records keep their times.</li>
 * </ul>
 */
public final class TopicCopy {
    private TopicCopy() {}

    /** What a copy did. */
    public record Result(long records, long skipped, long lastSeq, String head) {}

    // ------------------------------------------------------------------ directory → topic

    public static Result intoTopic(Path dir, KafkaLocation to) {
        String missing = DirectoryLog.missing(dir);
        if (missing != null) throw new LogException(missing);
        Topics.logId(to, true);
        long already = copiedPrefix(dir, to);
        Map<String, Object> defaults = Map.of("client.id", "waly-copy", "linger.ms", 20, "delivery.timeout.ms", 120_000);
        var props = to.clientProperties(defaults);
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        long records = 0;
        long last = already;
        byte[] head = null;
        try (KafkaProducer<byte[], byte[]> producer = Topics.withOwnLoader(() -> new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()));
             RecordReader r = new DirectoryLog(dir).open()) {
            TopicFormat.Chain chain = new TopicFormat.Chain();
            List<Future<RecordMetadata>> pending = new ArrayList<>();
            LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.kind() == RecordKind.UNKNOWN) {
                    throw new LogException("record " + rec.seq() + " is of a kind this version does not know: copy it with the WAL-y that wrote it");
                }
                byte[] value = chain.next(rec.kind(), rec.txId(), (byte) 0, rec.payload(), rec.timestampMicros());
                if (chain.seq() != rec.seq() || !Arrays.equals(Arrays.copyOfRange(value, value.length - 32, value.length), rec.hash())) {
                    throw new LogException("record " + rec.seq() + " of " + dir + " does not frame back to its own bytes");
                }
                if (rec.seq() <= already) continue;
                pending.add(producer.send(new ProducerRecord<>(to.topic(), TopicFormat.PARTITION, rec.timestampMicros() / 1000,
                        rec.seq() == 1 ? null : TopicFormat.key(1), value)));
                if (rec.seq() == 1) await(pending, to);   // the stream's first record must be the topic's first
                if (pending.size() >= 10_000) await(pending, to);
                records++;
                last = rec.seq();
                head = rec.hash();
            }
            await(pending, to);
        }
        return new Result(records, already, last, head == null ? null : java.util.HexFormat.of().formatHex(head));
    }

    /** How much of {@code dir} the topic holds already: 0 for an empty topic; refuses a topic that holds anything else. */
    private static long copiedPrefix(Path dir, KafkaLocation to) {
        KafkaLogSource topic = new KafkaLogSource(to);
        long end = topic.lastSeq();
        if (end == 0) return 0;
        long seq = 0;
        byte[] hash = null;
        try (RecordReader r = topic.open()) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.stream() != 1) {
                    throw new LogException("topic " + to.topic() + " holds records of writers of its own (position " + rec.seq()
                            + "): a directory is copied into an empty topic, or one that holds only an earlier copy of it");
                }
                seq = rec.streamSeq();
                hash = rec.hash();
            }
        }
        try (RecordReader r = new DirectoryLog(dir).open().fromSeq(seq)) {
            LogRecord rec = r.next();
            if (rec == null || rec.seq() != seq || !Arrays.equals(rec.hash(), hash)) {
                throw new LogException("topic " + to.topic() + " holds " + seq + " records that are not the beginning of " + dir.toAbsolutePath());
            }
        }
        return seq;
    }

    private static void await(List<Future<RecordMetadata>> pending, KafkaLocation to) {
        try {
            for (Future<RecordMetadata> f : pending) f.get(Topics.TIMEOUT_MILLIS * 8, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw Topics.unreachable(to, e.getCause());
        } catch (TimeoutException e) {
            throw Topics.unreachable(to, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogException("interrupted while copying into " + to, e);
        }
        pending.clear();
    }

    // ------------------------------------------------------------------ topic → directory

    public static Result intoDirectory(KafkaLocation from, Path dir) {
        if (Files.isDirectory(dir) && DirectoryLog.missing(dir) == null) throw new LogException("there is a log in " + dir.toAbsolutePath() + " already: copy into a new directory");
        KafkaLogSource topic = new KafkaLogSource(from);
        Map<Long, Long> seqOf = new HashMap<>();            // position of a BEGIN or a STATEMENT → its new seq
        Map<Long, Map<Long, Long>> statements = new HashMap<>();   // stream → its seq of a STATEMENT → new seq
        Map<List<Long>, Integer> connections = new HashMap<>();   // (stream, connection) → new connection
        long records = 0;
        long skipped = 0;
        long last = 0;
        try (RecordReader r = topic.open()) {
            LogRecord first = r.next();
            if (first == null) throw new LogException("topic " + from.topic() + " holds no log");
            LogConfig config = LogConfig.at(dir).withDurability(Durability.NONE).withStartMicros(first.timestampMicros());
            try (LogWriter w = LogWriter.open(config)) {
                Map<String, String> facts = new LinkedHashMap<>();
                facts.put("writer", "waly copy");
                facts.put("copiedFrom", from.toString());
                w.append(RecordKind.OPENED, 0, new Payloads.Info(facts).encode(), first.timestampMicros());
                LogRecord rec = first;
                do {
                    if (rec.kind() == RecordKind.OPENED || rec.kind() == RecordKind.CLOSED) {
                        skipped++;
                        continue;
                    }
                    long stream = rec.stream();
                    LongUnaryOperator conn = c -> connections.computeIfAbsent(List.of(stream, c), k -> connections.size() + 1);
                    byte[] payload = switch (rec.kind()) {
                        case BEGIN, STATEMENT, SESSION -> rewriteInt(rec.payload(), "conn", conn);
                        case OUTCOME -> rewriteInt(rec.payload(), "stmt", s -> {
                            Long n = statements.getOrDefault(stream, Map.of()).get(s);
                            if (n == null) throw new LogException("an OUTCOME of stream " + stream + " names its statement " + s + ", which is not in the topic");
                            return n;
                        });
                        default -> rec.payload();
                    };
                    long tx = rec.txId() == 0 ? 0 : rec.kind() == RecordKind.BEGIN ? LogSink.OWN_SEQ : seqOf.getOrDefault(rec.txId(), -2L);
                    if (tx == -2L) throw new LogException("record at position " + rec.seq() + " names a BEGIN at " + rec.txId() + " that is not in the topic");
                    long s = w.append(rec.kind(), tx, payload, rec.timestampMicros());
                    if (rec.kind() == RecordKind.BEGIN) seqOf.put(rec.seq(), s);
                    if (rec.kind() == RecordKind.STATEMENT) statements.computeIfAbsent(stream, k -> new HashMap<>()).put(rec.streamSeq(), s);
                    if (rec.kind() == RecordKind.OUTCOME) {
                        // an outcome ends its statement's use of the map
                        statements.getOrDefault(stream, Map.of()).remove(Payloads.Outcome.decode(rec.payload()).statementSeq());
                    }
                    records++;
                    last = s;
                } while ((rec = r.next()) != null);
                w.sync(w.lastSeq());
            }
        }
        return new Result(records, skipped, last, null);
    }

    private static final CBORFactory CBOR = CBORFactory.builder().build();

    /**
     * The payload with the top-level integer field {@code field} mapped through {@code f}, every other token copied as
     * it was (unknown fields included: a copy loses nothing a newer reader would want).
     */
    static byte[] rewriteInt(byte[] payload, String field, LongUnaryOperator f) {
        if (payload.length == 0) return payload;
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 8);
        try (JsonParser p = CBOR.createParser(payload); CBORGenerator g = CBOR.createGenerator(out)) {
            int depth = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (depth == 1 && t == JsonToken.FIELD_NAME && p.currentName().equals(field)) {
                    g.writeFieldName(field);
                    JsonToken v = p.nextToken();
                    if (v == JsonToken.VALUE_NUMBER_INT) {
                        long n = f.applyAsLong(p.getLongValue());
                        if (n == (int) n) g.writeNumber((int) n);
                        else g.writeNumber(n);
                    } else {
                        g.copyCurrentStructure(p);
                    }
                    continue;
                }
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) depth++;
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) depth--;
                g.copyCurrentEvent(p);
            }
        } catch (IOException e) {
            throw new LogException("cannot rewrite a record's payload: " + e, e);
        }
        return out.toByteArray();
    }
}
