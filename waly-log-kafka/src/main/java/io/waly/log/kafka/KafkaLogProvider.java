package io.waly.log.kafka;

import io.waly.log.LogProvider;
import io.waly.log.LogSource;

/** {@code kafka://host:9092,…/topic?…}: the log on a Kafka topic (FORMAT.md §11), found by {@link java.util.ServiceLoader}. */
public final class KafkaLogProvider implements LogProvider {

    @Override
    public String scheme() {
        return KafkaLocation.SCHEME;
    }

    @Override
    public LogSource source(String location) {
        return new KafkaLogSource(KafkaLocation.parse(location));
    }

    @Override
    public SinkHandle acquire(String location, SinkOptions options) {
        return KafkaSinks.acquire(KafkaLocation.parse(location), options);
    }
}
