package io.waly.log.kafka;

import io.waly.log.LogException;
import io.waly.log.LogProvider;
import io.waly.log.write.KeptOpen;

/**
 * This JVM's writers of logs on Kafka, one per location, shared as a directory's are ({@link KeptOpen}): the first
 * acquire opens it (its options stand), and it closes when its last handle closed and its idle time passed with no new
 * one, or at JVM exit. One writer per JVM keeps one stream per application instance, and one producer for all its
 * connections, whose batches are group commit.
 */
final class KafkaSinks {
    private KafkaSinks() {}

    private static final KeptOpen<String, KafkaLogSink> OPEN = new KeptOpen<>("waly-kafka", new KeptOpen.Lifecycle<>() {
        @Override
        public boolean idle(KafkaLogSink sink) {
            return true;   // the producer sends what it holds by itself
        }

        @Override
        public boolean isClosed(KafkaLogSink sink) {
            return false;   // only this pool closes it
        }

        @Override
        public void close(KafkaLogSink sink) {
            sink.close();
        }
    });

    /** @throws LogException when the topic cannot be reached or is unsuitable */
    static LogProvider.SinkHandle acquire(KafkaLocation location, LogProvider.SinkOptions options) {
        return OPEN.acquire(location.text(), () -> new KafkaLogSink(location, options.durability()), options.idleCloseMillis());
    }
}
