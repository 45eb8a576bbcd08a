package org.apache.kafka.clients.producer;

/** The application's own "Kafka client": WAL-y must never load it (its copy is relocated). */
public class KafkaProducer {
    static {
        if (true) throw new IllegalStateException("the application's KafkaProducer was loaded by someone else");
    }
}
