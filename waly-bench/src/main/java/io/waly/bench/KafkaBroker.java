package io.waly.bench;

import io.waly.log.LogProviders;
import io.waly.log.LogRecord;
import io.waly.log.RecordReader;
import io.waly.testing.kafka.KafkaCluster;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The broker of the {@code waly-kafka} variant: one KRaft node in this JVM, on 127.0.0.1, started when the variant first
 * needs it; one topic per run. Its log bytes are the records' own (Kafka's batch framing and indexes left out).
 * {@code -Dbench.kafkaQuery='?key=value&…'} adds Kafka client settings to the location, to compare producer settings.
 */
final class KafkaBroker {
    private KafkaBroker() {}

    private static KafkaCluster kafka;
    private static String location;

    static synchronized String location() {
        if (kafka == null) {
            kafka = KafkaCluster.start(1);
            location = "kafka://" + kafka.bootstrapServers() + "/bench-" + System.nanoTime() + System.getProperty("bench.kafkaQuery", "");
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

    /**
     * Produce requests the broker has handled so far (its {@code RequestsPerSec} meters for Produce, every version): with
     * the transactions a round committed, how many transactions' records one request carried — group commit.
     */
    static long produceRequests() {
        try {
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            long n = 0;
            ObjectName produce = new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Produce,*");
            for (ObjectName m : jmx.queryNames(produce, null)) {
                n += ((Number) jmx.getAttribute(m, "Count")).longValue();
            }
            return n;
        } catch (JMException e) {
            throw new IllegalStateException("cannot read the broker's request metrics", e);
        }
    }

    static synchronized void stop() {
        if (kafka != null) kafka.close();
        kafka = null;
    }
}
