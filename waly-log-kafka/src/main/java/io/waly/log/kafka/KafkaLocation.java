package io.waly.log.kafka;

import io.waly.log.LogProviders;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code kafka://host1:9092,host2:9092/topic?key=value&…}: the brokers to bootstrap from, the topic (one log per
 * topic; one topic per database), and Kafka client settings passed through to the producer, the consumer and the admin
 * client as they are ({@code security.protocol=SASL_SSL&sasl.mechanism=PLAIN&sasl.jaas.config=…}, URL-encoded). Keys
 * starting with {@code waly.} are WAL-y's own ({@link #createTopic}). {@link #toString()} masks secrets.
 */
public final class KafkaLocation {

    public static final String SCHEME = "kafka";

    private final String text;
    private final String bootstrapServers;
    private final String topic;
    private final Map<String, String> client;
    private final boolean createTopic;

    private KafkaLocation(String text, String servers, String topic, Map<String, String> client, boolean createTopic) {
        this.text = text;
        this.bootstrapServers = servers;
        this.topic = topic;
        this.client = client;
        this.createTopic = createTopic;
    }

    /** @throws IllegalArgumentException saying what is wrong, the location masked */
    public static KafkaLocation parse(String location) {
        String l = location.trim();
        String prefix = SCHEME + "://";
        if (!l.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new IllegalArgumentException("a Kafka log's location starts with kafka:// but was: " + LogProviders.mask(l));
        }
        String rest = l.substring(prefix.length());
        int q = rest.indexOf('?');
        String query = q < 0 ? "" : rest.substring(q + 1);
        String path = q < 0 ? rest : rest.substring(0, q);
        int slash = path.indexOf('/');
        String servers = slash < 0 ? path : path.substring(0, slash);
        String topic = slash < 0 ? "" : decode(path.substring(slash + 1));
        if (servers.isBlank()) throw new IllegalArgumentException("no Kafka brokers in " + LogProviders.mask(l) + " (kafka://host:9092/topic)");
        if (topic.isBlank() || topic.contains("/")) {
            throw new IllegalArgumentException("no topic in " + LogProviders.mask(l) + " (kafka://host:9092/topic: one topic per log)");
        }
        if (!topic.matches("[A-Za-z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("not a Kafka topic name: " + topic + " (letters, digits, '.', '_', '-')");
        }
        Map<String, String> client = new LinkedHashMap<>();
        boolean create = true;
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (k.equals("waly.createTopic")) {
                if (!v.equals("true") && !v.equals("false")) throw new IllegalArgumentException("waly.createTopic must be true or false but was: " + v);
                create = v.equals("true");
            } else if (k.startsWith("waly.")) {
                throw new IllegalArgumentException("unknown WAL-y setting " + k + " in a Kafka location (known: waly.createTopic)");
            } else if (k.equals("bootstrap.servers")) {
                throw new IllegalArgumentException("give the brokers as kafka://host1:9092,host2:9092/topic, not bootstrap.servers");
            } else {
                client.put(k, v);
            }
        }
        return new KafkaLocation(l, servers, topic, Collections.unmodifiableMap(client), create);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String topic() {
        return topic;
    }

    /** Create the topic (one partition, nothing ever deleted) when it does not exist; {@code waly.createTopic=false} refuses instead. */
    public boolean createTopic() {
        return createTopic;
    }

    /** The settings passed through, over WAL-y's defaults {@code defaults}. */
    Properties clientProperties(Map<String, Object> defaults) {
        Properties p = new Properties();
        p.putAll(defaults);
        p.putAll(client);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    Map<String, String> passedThrough() {
        return client;
    }

    /** The location as given: holds secrets, never printed. Equal locations share one writer per JVM. */
    String text() {
        return text;
    }

    /** Masked: what messages show. */
    @Override
    public String toString() {
        return LogProviders.mask(text);
    }
}
