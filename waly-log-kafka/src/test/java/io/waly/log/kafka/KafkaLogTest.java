package io.waly.log.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.log.Durability;
import io.waly.log.LogException;
import io.waly.log.LogRecord;
import io.waly.log.LogSink;
import io.waly.log.LogSource;
import io.waly.log.RecordReader;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.testing.kafka.KafkaCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The log on a real three-node Kafka cluster in this JVM: streams, order, verification, failures. */
class KafkaLogTest {

    static KafkaCluster kafka;
    static final AtomicInteger TOPICS = new AtomicInteger();

    @BeforeAll
    static void start() {
        kafka = KafkaCluster.start(3);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    static String location() {
        return "kafka://" + kafka.bootstrapServers() + "/waly-test-" + TOPICS.incrementAndGet();
    }

    static byte[] info(String k, String v) {
        return new Payloads.Info(Map.of(k, v)).encode();
    }

    @Test
    void twoWritersInterleaveIntoOneCheckedHistory() throws Exception {
        String loc = location();
        KafkaLocation l = KafkaLocation.parse(loc);
        int perWriter = 300;
        List<Thread> threads = new ArrayList<>();
        Map<String, Long> commits = new ConcurrentHashMap<>();
        try (KafkaLogSink a = new KafkaLogSink(l, Durability.FSYNC); KafkaLogSink b = new KafkaLogSink(l, Durability.FSYNC)) {
            for (KafkaLogSink s : List.of(a, b)) s.append(RecordKind.OPENED, 0, info("writer", "test"));
            for (int w = 0; w < 2; w++) {
                KafkaLogSink s = w == 0 ? a : b;
                String name = "w" + w;
                for (int t = 0; t < 2; t++) {
                    int thread = t;
                    threads.add(new Thread(() -> {
                        for (int i = 0; i < perWriter / 2; i++) {
                            long tx = s.append(RecordKind.BEGIN, LogSink.OWN_SEQ, new Payloads.Begin(thread + 1, -1, false, null, false).encode());
                            s.append(RecordKind.STATEMENT, tx, new Payloads.Statement("UPDATE t SET v = " + i, List.of(), new int[0], null, false, -1, null, thread + 1).encode());
                            long c = s.append(RecordKind.COMMIT, tx, new Payloads.Commit(-1).encode());
                            s.sync(c);
                            commits.put(name + "/" + thread + "/" + i, c);
                            s.append(RecordKind.COMMITTED, tx, Payloads.End.COMMIT.encode());
                        }
                    }));
                }
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) t.join();
            for (KafkaLogSink s : List.of(a, b)) s.sync(s.append(RecordKind.CLOSED, 0, info("writer", "test")));
        }
        LogSource source = new KafkaLogProvider().source(loc);
        // 2 OPENED + 2 CLOSED + 4 records per transaction
        long expected = 4 + 4L * perWriter * 2;
        LogSource.Verification v = source.verify(null);
        assertThat(v.ok()).as(v.problem()).isTrue();
        assertThat(v.records()).isEqualTo(expected);
        assertThat(v.details()).containsEntry("streams", 2).containsEntry("closedStreams", 2L);

        // every transaction reads back whole: its records share the BEGIN's position as txId, in order
        Map<Long, List<RecordKind>> byTx = new HashMap<>();
        Set<Long> streams = new java.util.HashSet<>();
        long previous = 0;
        try (RecordReader r = source.open()) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                assertThat(rec.seq()).isEqualTo(previous + 1);
                previous = rec.seq();
                streams.add(rec.stream());
                if (rec.txId() != 0) byTx.computeIfAbsent(rec.txId(), k -> new ArrayList<>()).add(rec.kind());
                if (rec.kind() == RecordKind.BEGIN) assertThat(rec.txId()).isEqualTo(rec.seq());
            }
        }
        assertThat(streams).hasSize(2);
        assertThat(byTx).hasSize(perWriter * 2);
        assertThat(byTx.values()).allSatisfy(kinds ->
                assertThat(kinds).containsExactly(RecordKind.BEGIN, RecordKind.STATEMENT, RecordKind.COMMIT, RecordKind.COMMITTED));

        // a reader that starts in the middle finds the BEGINs of the transactions under way by looking back
        try (RecordReader r = source.open().fromSeq(expected / 2)) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.txId() != 0) assertThat(byTx).containsKey(rec.txId());
            }
        }
        assertThat(source.lastSeq()).isEqualTo(expected);
    }

    @Test
    void aLeaderChangeAndABrokerRestartLoseNothingAndDoubleNothing() throws Exception {
        String loc = location();
        KafkaLocation l = KafkaLocation.parse(loc);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger acknowledged = new AtomicInteger();
        List<Throwable> errors = new ArrayList<>();
        try (KafkaLogSink s = new KafkaLogSink(l, Durability.FSYNC)) {
            s.append(RecordKind.OPENED, 0, info("writer", "test"));
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            long tx = s.append(RecordKind.BEGIN, LogSink.OWN_SEQ, new Payloads.Begin(1, -1, false, null, false).encode());
                            s.sync(s.append(RecordKind.COMMIT, tx, new Payloads.Commit(-1).encode()));
                            acknowledged.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        synchronized (errors) {
                            errors.add(e);
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            // the partition's leader first: its followers elect another mid-workload; then another node
            int leader = leader(l.topic());
            Thread.sleep(500);
            kafka.restart(leader);
            assertThat(leader(l.topic())).as("a new leader").isNotEqualTo(leader);
            Thread.sleep(500);
            kafka.restart((leader + 1) % kafka.size());
            Thread.sleep(500);
            stop.set(true);
            for (Thread t : threads) t.join();
            assertThat(errors).isEmpty();
            assertThat(s.failed()).isFalse();
        }
        LogSource.Verification v = new KafkaLogSource(l).verify(null);
        assertThat(v.ok()).as(v.problem()).isTrue();
        // OPENED + 2 per transaction; a duplicate or a gap would have failed verify (sequence within the stream)
        assertThat(v.records()).isGreaterThanOrEqualTo(1 + 2L * acknowledged.get()).isLessThanOrEqualTo(1 + 2L * acknowledged.get() + 8);
        assertThat(v.details()).containsEntry("streams", 1);
    }

    static int leader(String topic) throws Exception {
        try (var admin = kafka.admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().get(0).leader().id();
        }
    }

    @Test
    void withTheQuorumLostWritesAreRefusedAndResumeOnTheirOwn() throws Exception {
        String loc = location();
        KafkaLocation l = KafkaLocation.parse(loc + "?delivery.timeout.ms=4000&request.timeout.ms=2000&max.block.ms=3000");
        try (KafkaLogSink s = new KafkaLogSink(l, Durability.FSYNC)) {
            s.append(RecordKind.OPENED, 0, info("writer", "test"));
            long before = s.append(RecordKind.BEGIN, LogSink.OWN_SEQ, new Payloads.Begin(1, -1, false, null, false).encode());
            s.sync(s.append(RecordKind.COMMIT, before, new Payloads.Commit(-1).encode()));
            kafka.stop(1);
            kafka.stop(2);   // one of three in sync: below min.insync.replicas
            try {
                long tx = s.append(RecordKind.BEGIN, LogSink.OWN_SEQ, new Payloads.Begin(1, -1, false, null, false).encode());
                long c = s.append(RecordKind.COMMIT, tx, new Payloads.Commit(-1).encode());
                assertThatThrownBy(() -> s.sync(c)).isInstanceOf(LogException.class);
                assertThat(s.failed()).isTrue();
                // refused at once from now on, before anything could reach a database
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> s.append(RecordKind.BEGIN, LogSink.OWN_SEQ, new byte[0])).isInstanceOf(LogException.class);
                assertThat(System.nanoTime() - t0).isLessThan(500_000_000L);
                // an outcome of a transaction begun before is still refused: its stream failed
            } finally {
                kafka.startAgain(1);
                kafka.startAgain(2);
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (s.failed() && System.currentTimeMillis() < deadline) Thread.sleep(200);
            assertThat(s.failed()).as("writes resumed").isFalse();
            long tx = s.append(RecordKind.BEGIN, LogSink.OWN_SEQ, new Payloads.Begin(1, -1, false, null, false).encode());
            s.sync(s.append(RecordKind.COMMIT, tx, new Payloads.Commit(-1).encode()));
            s.sync(s.append(RecordKind.COMMITTED, before, Payloads.End.COMMIT.encode()));   // an outcome across the restart
        }
        LogSource source = new KafkaLogSource(l);
        LogSource.Verification v = source.verify(null);
        assertThat(v.ok()).as(v.problem()).isTrue();
        assertThat((Integer) v.details().get("streams")).isEqualTo(2);
        // the outcome written in the second stream belongs to the transaction of the first
        long firstBegin = -1;
        try (RecordReader r = source.open()) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.kind() == RecordKind.BEGIN && firstBegin < 0) firstBegin = rec.seq();
                if (rec.kind() == RecordKind.COMMITTED) assertThat(rec.txId()).isEqualTo(firstBegin);
            }
        }
    }

    @Test
    void aChangedRecordIsFoundByVerify() throws Exception {
        String loc = location();
        KafkaLocation l = KafkaLocation.parse(loc);
        try (KafkaLogSink s = new KafkaLogSink(l, Durability.FSYNC)) {
            s.append(RecordKind.OPENED, 0, info("writer", "test"));
            for (int i = 0; i < 5; i++) s.sync(s.append(RecordKind.SESSION, 0, new Payloads.Session(i, Map.of("k", "v" + i)).encode()));
        }
        // someone appends a record of their own making to the stream: a forged sequence number
        try (var p = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName(),
                "value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName()))) {
            TopicFormat.Chain forged = new TopicFormat.Chain();
            byte[] v = null;
            for (int i = 0; i < 3; i++) v = forged.next(RecordKind.SESSION, 0, (byte) 0, new byte[0], 0);
            p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(l.topic(), 0, TopicFormat.key(1), v)).get();
        }
        LogSource.Verification v = new KafkaLogSource(l).verify(null);
        assertThat(v.ok()).isFalse();
        assertThat(v.problem()).contains("sequence 3 in stream 1 where 7 was expected");
        assertThat(v.problemSeq()).isEqualTo(7);
    }

    @Test
    void locationsKeepTheirSecrets() {
        String loc = "kafka://b1:9092,b2:9092/shop?security.protocol=SASL_SSL&sasl.jaas.config=org.apache.kafka.common.security.plain."
                + "PlainLoginModule%20required%20username%3D%22app%22%20password%3D%22hunter2%22%3B&ssl.truststore.password=s3cret";
        KafkaLocation l = KafkaLocation.parse(loc);
        assertThat(l.topic()).isEqualTo("shop");
        assertThat(l.bootstrapServers()).isEqualTo("b1:9092,b2:9092");
        assertThat(l.passedThrough()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(l.toString()).doesNotContain("hunter2").doesNotContain("s3cret").contains("SASL_SSL");
        assertThatThrownBy(() -> KafkaLocation.parse("kafka://b1:9092/")).hasMessageContaining("no topic");
        assertThatThrownBy(() -> KafkaLocation.parse("kafka://b1:9092/t?waly.nope=1")).hasMessageContaining("unknown WAL-y setting");
    }
}
