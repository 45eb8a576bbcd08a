package io.waly.agent.it;

import static io.waly.agent.it.TestClassPath.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.waly.log.LogProviders;
import io.waly.log.LogSource;
import io.waly.testing.EmbeddedPostgresServer;
import io.waly.testing.kafka.KafkaCluster;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent on a log on Kafka ({@code walyLog=kafka://…}): an unmodified application in a child JVM, a real Kafka
 * broker in this one (KRaft, 127.0.0.1). The agent brings its own Kafka client, relocated, and its own silent SLF4J:
 * the application's class path holds a {@code KafkaProducer} and a {@code LoggerFactory} of its own that fail when
 * loaded, its JVM has SLF4J settings of its own, and nothing may be printed.
 */
class KafkaLogIT {

    static KafkaCluster kafka;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        kafka = KafkaCluster.start(1);   // one node: its address has no comma, so it fits in the agent's arguments
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    @Test
    void anApplicationUnderTheAgentWritesToATopicThatReplaysToItsDatabase() throws Exception {
        String url = EmbeddedPostgresServer.shared().newDatabase("agent_kafka");
        String log = "kafka://" + kafka.bootstrapServers() + "/agent-history";
        Path pgjdbc = TestClassPath.pgjdbc();
        Path app = TestApps.build("drivermanager", work, pgjdbc.toString());
        Path poison = TestApps.build("poison-kafka", work, "");

        // the application's own SLF4J settings, which WAL-y's relocated copy must not read (it would look for that
        // provider and report on stderr)
        List<String> jvm = List.of("-javaagent:" + TestClassPath.agentJar() + "=walyLog=" + log,
                "-Dslf4j.provider=app.NoSuchProvider", "-Dslf4j.internal.verbosity=DEBUG");
        ChildJvm.Result r = ChildJvm.run(ChildJvm.java(), work, jvm, join(app, poison, pgjdbc), "app.DriverManagerApp", url);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("done\n");
        assertThat(r.err()).as(r.toString()).isEmpty();
        LogSource topic = LogProviders.source(log);
        List<String> statements = Logs.statements(topic);
        for (String path : List.of("drivermanager", "driver", "simple", "pooled", "pooling", "pooling-again", "xa")) {
            AgentApplicationsIT.assertLoggedOnce(statements, path);
        }
        // one stream, chained and gap-free, closed at exit: the producer was closed in order, and nothing of it kept
        // the JVM from ending
        LogSource.Verification v = topic.verify(null);
        assertThat(v.ok()).as(v.problem()).isTrue();
        assertThat(v.details()).containsEntry("streams", 1).containsEntry("closedStreams", 1L);
        assertThat(work.resolve("waly-log")).as("no directory log besides").doesNotExist();
        Logs.assertReplayReproduces(topic, url);
    }

    /**
     * Kafka goes away while the application runs (its one broker stopped): its writes are refused with 58030 before they
     * reach the database, its reads go on, and its writes resume by themselves once Kafka is back — the application
     * just carries on. The history is two streams, the first cut off by the failure, and replays to the database.
     */
    @Test
    void kafkaAwayMidRunRefusesWritesReadsGoOnAndWritesResume() throws Exception {
        String url = EmbeddedPostgresServer.shared().newDatabase("agent_kafka_away");
        String log = "kafka://" + kafka.bootstrapServers() + "/agent-away?delivery.timeout.ms=3000&request.timeout.ms=1000&max.block.ms=2000";
        Path pgjdbc = TestClassPath.pgjdbc();
        Path app = TestApps.build("away", work, pgjdbc.toString());
        Path stop = work.resolve("stop");
        ChildJvm child = ChildJvm.start(ChildJvm.java(), work, List.of("-javaagent:" + TestClassPath.agentJar() + "=walyLog=" + log),
                join(app, pgjdbc), "app.AwayApp", url, stop.toString());
        child.awaitOutput("ok 3\n", 60);
        kafka.stop(0);
        try {
            child.awaitOutput(out -> out.matches("(?s).*refused 58030 \\d+\nread \\d+\n.*"), "a write refused, then a read", 60);
        } finally {
            kafka.startAgain(0);
        }
        child.awaitOutput(out -> out.matches("(?s).*refused 58030 \\d+\n.*ok \\d+\n.*"), "a write after the refused ones", 90);
        Files.createFile(stop);
        ChildJvm.Result r = child.await(60);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).isEmpty();
        assertThat(r.out()).endsWith("done\n").doesNotContainPattern("refused (?!58030)");
        LogSource topic = LogProviders.source(log);
        LogSource.Verification v = topic.verify(null);
        assertThat(v.ok()).as(v.problem()).isTrue();
        assertThat(v.details()).containsEntry("streams", 2).containsEntry("closedStreams", 1L);
        List<String> statements = Logs.statements(topic);
        r.out().lines().filter(l -> l.startsWith("ok ")).forEach(l -> assertThat(Logs.count(statements,
                "INSERT INTO away VALUES (" + l.substring(3) + ")")).as(l).isEqualTo(1));
        Logs.assertReplayReproduces(topic, url);
    }

    /**
     * Kafka unreachable at the first connection: {@code walyOnLogFailure} decides, as for the driver — the application
     * gets WAL-y's SQLState 58030 and its write never reaches the database ({@code fail}), or its connection unlogged
     * ({@code continue}); either way it goes on and ends as it would, silent.
     */
    @Test
    void kafkaUnreachableRefusesTheConnectionOrRunsItUnlogged() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        String log = "kafka://127.0.0.1:" + closed + "/away?default.api.timeout.ms=2000&request.timeout.ms=1000";
        Path pgjdbc = TestClassPath.pgjdbc();
        Path app = TestApps.build("refused", work, pgjdbc.toString());
        for (String policy : List.of("fail", "continue")) {
            String url = EmbeddedPostgresServer.shared().newDatabase("agent_kafka_" + policy);
            ChildJvm.Result r = ChildJvm.run(ChildJvm.java(), work,
                    List.of("-javaagent:" + TestClassPath.agentJar() + "=walyOnLogFailure=" + policy + ",walyLog=" + log),
                    join(app, pgjdbc), "app.RefusedApp", url);

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.err()).as(r.toString()).isEmpty();
            assertThat(r.out()).as(policy).isEqualTo(policy.equals("fail") ? "refused 58030\n" : "written\n");
            try (Connection c = DriverManager.getConnection(url);
                 ResultSet rs = c.getMetaData().getTables(null, "public", "refused", null)) {
                assertThat(rs.next()).as(policy + ": the table reached the database").isEqualTo(policy.equals("continue"));
            }
        }
    }
}
