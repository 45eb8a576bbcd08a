package io.waly.log.kafka;

import io.waly.log.LogException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** What the log needs of its topic, asked once when a writer or a reader opens it. */
final class Topics {
    private Topics() {}

    static final long TIMEOUT_MILLIS = 15_000;

    /**
     * The topic's id, which is the log's id (FORMAT.md §11): the topic is made if missing (and allowed), and must have
     * exactly one partition, since a log is one ordered history.
     *
     * @throws LogException when Kafka cannot be reached in time, or the topic is missing or unsuitable
     */
    static byte[] logId(KafkaLocation location, boolean mayCreate) {
        try (Admin admin = withOwnLoader(() -> Admin.create(location.clientProperties(Map.of(
                "request.timeout.ms", (int) TIMEOUT_MILLIS, "default.api.timeout.ms", (int) TIMEOUT_MILLIS,
                "client.id", "waly-admin"))))) {
            TopicDescription d = describe(admin, location);
            if (d == null) {
                if (!mayCreate || !location.createTopic()) {
                    throw new LogException("no topic " + location.topic() + " at " + location + (mayCreate
                            ? " (waly.createTopic=false: create it with one partition and retention.ms=-1)" : ""));
                }
                create(admin, location);
                d = describeOnceKnown(admin, location);
            }
            if (d.partitions().size() != 1) {
                throw new LogException("topic " + location.topic() + " has " + d.partitions().size() + " partitions; a WAL-y log is one "
                        + "ordered history, so its topic must have exactly one");
            }
            return bytes(d.topicId());
        }
    }

    private static TopicDescription describe(Admin admin, KafkaLocation location) {
        try {
            return admin.describeTopics(List.of(location.topic())).allTopicNames().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                    .get(location.topic());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) return null;
            throw unreachable(location, e.getCause());
        } catch (TimeoutException e) {
            throw unreachable(location, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogException("interrupted while asking Kafka at " + location + " about its topic", e);
        }
    }

    /**
     * A topic just created: the broker asked may not know it yet (its metadata follows the controller's a moment later),
     * so it is asked again until it does.
     */
    private static TopicDescription describeOnceKnown(Admin admin, KafkaLocation location) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (true) {
            TopicDescription d = describe(admin, location);
            if (d != null) return d;
            if (System.nanoTime() > deadline) {
                throw new LogException("topic " + location.topic() + " was created but cannot be described at " + location);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LogException("interrupted while waiting for Kafka at " + location + " to know its new topic", e);
            }
        }
    }

    /** One partition, the cluster's replication, and nothing ever deleted: the history is the log. */
    private static void create(Admin admin, KafkaLocation location) {
        NewTopic t = new NewTopic(location.topic(), Optional.of(1), Optional.empty()).configs(Map.of(
                "retention.ms", "-1", "retention.bytes", "-1", "cleanup.policy", "delete"));
        try {
            admin.createTopics(List.of(t)).all().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) throw unreachable(location, e.getCause());
        } catch (TimeoutException e) {
            throw unreachable(location, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogException("interrupted while creating topic " + location.topic(), e);
        }
    }

    /**
     * Makes a Kafka client with this module's class loader as the thread's context loader: Kafka loads the classes its
     * settings name through the context loader, which in an application server or under the agent is not the one that
     * sees Kafka (least of all a relocated Kafka).
     */
    static <T> T withOwnLoader(java.util.function.Supplier<T> make) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(Topics.class.getClassLoader());
        try {
            return make.get();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    static LogException unreachable(KafkaLocation location, Throwable cause) {
        return new LogException("Kafka at " + location + " cannot be reached or refused: " + cause, cause);
    }

    static byte[] bytes(Uuid id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }
}
