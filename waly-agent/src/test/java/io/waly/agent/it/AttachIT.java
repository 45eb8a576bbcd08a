package io.waly.agent.it;

import static io.waly.agent.it.TestClassPath.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code waly attach --pid PID} (here {@code java -jar waly-agent.jar --pid PID}, the same {@code io.waly.agent.Attach})
 * into a running JVM that has already loaded pgjdbc's driver: the driver is retransformed, and the connections made
 * after the attach are WAL-y's. Also on Java 25, where both ways of starting the agent must print nothing.
 */
class AttachIT {

    static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    @TempDir
    Path work;

    @Test
    void attachToARunningApplication() throws Exception {
        attach(ChildJvm.java(), List.of());
    }

    /** Java 21+ warns of a dynamically loaded agent unless the JVM allows it; with that flag, silence is required. */
    @Test
    void attachOnJava25IsSilent() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_25), "no Java 25 at " + JAVA_25);
        attach(JAVA_25.toString(), List.of("-XX:+EnableDynamicAgentLoading"));
    }

    @Test
    void javaagentOnJava25IsSilentAndWorks() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_25), "no Java 25 at " + JAVA_25);
        String url = EmbeddedPostgresServer.shared().newDatabase("agent_j25");
        Path pgjdbc = TestClassPath.pgjdbc();
        Path app = TestApps.build("drivermanager", work, pgjdbc.toString());
        Path log = work.resolve("log");

        ChildJvm.Result r = ChildJvm.run(JAVA_25.toString(), work, AgentApplicationsIT.agent(log), join(app, pgjdbc),
                "app.DriverManagerApp", url);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("done\n");
        assertThat(r.err()).as(r.toString()).isEmpty();
        AgentApplicationsIT.assertLoggedOnce(Logs.statements(log), "xa");
        Logs.assertReplayReproduces(log, url);

        Path hello = TestApps.build("hello", work, "");
        ChildJvm.Result h = ChildJvm.run(JAVA_25.toString(), work, AgentApplicationsIT.agent(work.resolve("log2")), hello.toString(), "app.Hello");
        assertThat(h.out()).isEqualTo("hello\n");
        assertThat(h.err()).isEmpty();
    }

    @Test
    void attachWithBadOptionsFailsAndLeavesTheApplicationAlone() throws Exception {
        String url = EmbeddedPostgresServer.shared().newDatabase("agent_attach_bad");
        Path pgjdbc = TestClassPath.pgjdbc();
        Path app = TestApps.build("waiting", work, pgjdbc.toString());
        Path go = work.resolve("go");
        ChildJvm target = ChildJvm.start(ChildJvm.java(), work, List.of(), join(app, pgjdbc), "app.WaitingApp", url, go.toString());
        target.awaitOutput("ready", 60);

        ChildJvm.Result bad = ChildJvm.start(work, List.of(ChildJvm.java(), "-jar", TestClassPath.agentJar().toString(),
                "--pid", String.valueOf(target.pid()), "walyDurability=sometimes")).await(60);
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.err()).contains("the agent did not start in process " + target.pid());

        Files.writeString(go, "go");
        ChildJvm.Result r = target.await(60);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("[waly-agent] WAL-y was not attached: walyDurability must be one of");
    }

    private void attach(String java, List<String> targetJvmArgs) throws Exception {
        String url = EmbeddedPostgresServer.shared().newDatabase("agent_attach");
        Path pgjdbc = TestClassPath.pgjdbc();
        Path app = TestApps.build("waiting", work, pgjdbc.toString());
        Path log = work.resolve("log");
        Path go = work.resolve("go");
        ChildJvm target = ChildJvm.start(java, work, targetJvmArgs, join(app, pgjdbc), "app.WaitingApp", url, go.toString());
        target.awaitOutput("ready", 60);

        ChildJvm.Result attach = ChildJvm.start(work, List.of(java, "-jar", TestClassPath.agentJar().toString(),
                "--pid", String.valueOf(target.pid()), "walyLogDir=" + log, "walyDurability=fsync")).await(60);
        assertThat(attach.exit()).as(attach.toString()).isZero();
        assertThat(attach.out()).isEqualTo("WAL-y attached to process " + target.pid() + "\n");

        Files.writeString(go, "go");
        ChildJvm.Result r = target.await(60);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("ready\ndone\n");
        assertThat(r.err()).as(r.toString()).isEmpty();
        List<String> statements = Logs.statements(log);
        AgentApplicationsIT.assertLoggedOnce(statements, "attached-drivermanager");
        AgentApplicationsIT.assertLoggedOnce(statements, "attached-datasource");
        Logs.assertReplayReproduces(log, url);
    }
}
