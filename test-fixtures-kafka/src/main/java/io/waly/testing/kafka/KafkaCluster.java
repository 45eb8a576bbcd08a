package io.waly.testing.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Apache Kafka cluster in this JVM: {@code n} KRaft nodes, each broker and controller at once (the static
 * controller quorum of all of them), listening on 127.0.0.1 only, with its data in a temporary directory removed at
 * {@link #close()}. Topics default to one partition, replicated to every node, with {@code min.insync.replicas} a
 * majority: a three-node cluster keeps accepting {@code acks=all} writes while one node restarts, and refuses them when
 * two are down (the quorum lost).
 *
 * <pre>{@code
 * try (KafkaCluster kafka = KafkaCluster.start(3)) {
 *     String servers = kafka.bootstrapServers();   // 127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3
 *     kafka.restart(1);                            // stop node 1 and start it again on its own data
 * }
 * }</pre>
 */
public final class KafkaCluster implements AutoCloseable {

    private final Path home;
    private final String clusterId = Uuid.randomUuid().toString();
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final KafkaRaftServer[] nodes;

    private KafkaCluster(int n) throws IOException {
        this.home = Files.createTempDirectory("waly-kafka-");
        this.brokerPorts = new int[n];
        this.controllerPorts = new int[n];
        this.nodes = new KafkaRaftServer[n];
        for (int i = 0; i < n; i++) {
            brokerPorts[i] = freePort();
            controllerPorts[i] = freePort();
        }
    }

    /** Formats and starts an {@code n}-node cluster and waits until every broker is up. */
    public static KafkaCluster start(int n) {
        if (n < 1) throw new IllegalArgumentException("a cluster has at least one node");
        KafkaCluster c;
        try {
            c = new KafkaCluster(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (int i = 0; i < n; i++) c.format(i);
            // the nodes wait for each other's controller quorum, so they start together
            List<Thread> starters = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int node = i;
                Thread t = new Thread(() -> c.startNode(node), "kafka-fixture-start-" + i);
                starters.add(t);
                t.start();
            }
            for (Thread t : starters) t.join();
            for (int i = 0; i < n; i++) {
                if (c.nodes[i] == null) throw new IllegalStateException("Kafka node " + i + " did not start");
            }
            c.awaitBrokers(n);
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close();
            throw new IllegalStateException("interrupted while starting Kafka", e);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** {@code host:port,…} of every node, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        StringJoiner j = new StringJoiner(",");
        for (int p : brokerPorts) j.add("127.0.0.1:" + p);
        return j.toString();
    }

    public int size() {
        return nodes.length;
    }

    /** Stops node {@code i} (a clean shutdown: it hands its partitions' leadership over first). */
    public synchronized void stop(int i) {
        KafkaRaftServer s = nodes[i];
        if (s == null) return;
        nodes[i] = null;
        s.shutdown();
        s.awaitShutdown();
    }

    /** Starts node {@code i} again on its own data, after {@link #stop}. */
    public void startAgain(int i) {
        startNode(i);
        if (nodes[i] == null) throw new IllegalStateException("Kafka node " + i + " did not start again");
    }

    /** Stops node {@code i} and starts it again on its own data. */
    public void restart(int i) {
        stop(i);
        startAgain(i);
    }

    /** An admin client on this cluster; the caller closes it. */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return Admin.create(p);
    }

    /**
     * Stops every node at once: each broker's controlled shutdown needs the controller quorum, which nodes stopped one
     * after the other would take away from the last (it then waits minutes for a controller).
     */
    @Override
    public synchronized void close() {
        List<Thread> stoppers = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            KafkaRaftServer s = nodes[i];
            nodes[i] = null;
            if (s == null) continue;
            Thread t = new Thread(() -> {
                s.shutdown();
                s.awaitShutdown();
            }, "kafka-fixture-stop-" + i);
            stoppers.add(t);
            t.start();
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleteRecursively(home);
    }

    // ------------------------------------------------------------------ nodes

    private Properties config(int i) {
        Properties p = new Properties();
        StringJoiner voters = new StringJoiner(",");
        for (int k = 0; k < nodes.length; k++) voters.add(k + "@127.0.0.1:" + controllerPorts[k]);
        int majority = nodes.length / 2 + 1;
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(i));
        p.put("controller.quorum.voters", voters.toString());
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[i] + ",CONTROLLER://127.0.0.1:" + controllerPorts[i]);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[i]);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", home.resolve("node-" + i).toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", String.valueOf(nodes.length));
        p.put("min.insync.replicas", String.valueOf(majority));
        p.put("offsets.topic.replication.factor", String.valueOf(nodes.length));
        p.put("transaction.state.log.replication.factor", String.valueOf(nodes.length));
        p.put("transaction.state.log.min.isr", String.valueOf(majority));
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // a small machine shared with other builds: few threads, small buffers, quick failure detection
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("num.replica.fetchers", "1");
        p.put("background.threads", "2");
        p.put("log.cleaner.enable", "false");
        p.put("socket.request.max.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("replica.lag.time.max.ms", "10000");
        p.put("broker.session.timeout.ms", "6000");
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("controlled.shutdown.enable", "true");
        p.put("unclean.leader.election.enable", "false");
        return p;
    }

    private void format(int i) {
        Path props = home.resolve("node-" + i + ".properties");
        try (OutputStream out = Files.newOutputStream(props)) {
            config(i).store(out, "WAL-y test fixture, node " + i);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", props.toString()}, ps);
        }
        if (rc != 0) throw new IllegalStateException("formatting Kafka node " + i + " failed: " + said);
    }

    private void startNode(int i) {
        KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(config(i), false), Time.SYSTEM);
        s.startup();
        synchronized (this) {
            nodes[i] = s;
        }
    }

    private void awaitBrokers(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= n) return;
                } catch (Exception e) {
                    // not yet
                }
                if (System.nanoTime() > deadline) throw new IllegalStateException("Kafka's brokers did not all come up within 60 s");
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    /** Creates {@code topic} with one partition on every node; returns once every node knows it. */
    public void createTopic(String topic, Map<String, String> configs) {
        try (Admin admin = admin()) {
            org.apache.kafka.clients.admin.NewTopic t = new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) nodes.length)
                    .configs(configs);
            admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic + ": " + e, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temporary directory: the OS cleans what is left
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }
}
