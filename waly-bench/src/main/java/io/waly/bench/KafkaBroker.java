package io.waly.bench;

import io.waly.log.LogProviders;
import io.waly.log.LogRecord;
import io.waly.log.RecordReader;
import io.waly.testing.kafka.KafkaCluster;

/**
 * The broker of the {@code waly-kafka} variant: one KRaft node in this JVM, on 127.0.0.1, started when the variant first
 * needs it; one topic per run. Its log bytes are the records' own (Kafka's batch framing and indexes left out).
 */
final class KafkaBroker {
    private KafkaBroker() {}

    private static KafkaCluster kafka;
    private static String location;

    static synchronized String location() {
        if (kafka == null) {
            kafka = KafkaCluster.start(1);
            location = "kafka://" + kafka.bootstrapServers() + "/bench-" + System.nanoTime();
        }
        return location;
    }

    /** The bytes of the records in the topic so far. */
    static synchronized long logBytes() {
        if (kafka == null) return 0;
        long bytes = 0;
        try (RecordReader r = LogProviders.source(location).open()) {
            LogRecord rec;
            while ((rec = r.next()) != null) bytes += rec.size();
        }
        return bytes;
    }

    static synchronized void stop() {
        if (kafka != null) kafka.close();
        kafka = null;
    }
}
