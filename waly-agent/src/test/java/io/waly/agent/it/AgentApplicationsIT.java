package io.waly.agent.it;

import static io.waly.agent.it.TestClassPath.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real, unmodified applications, built for the test, run in a child JVM with {@code -javaagent}; each writes through
 * one way of getting a connection, tagged, so the log must hold each of its statements exactly once (a connection
 * wrapped twice would log twice, one not wrapped not at all), and replaying the log must reproduce the database.
 */
class AgentApplicationsIT {

    @TempDir
    Path work;

    static List<String> agent(Path log, String... options) {
        StringBuilder arg = new StringBuilder("-javaagent:" + TestClassPath.agentJar() + "=walyLogDir=" + log);
        for (String o : options) arg.append(',').append(o);
        return new ArrayList<>(List.of(arg.toString()));
    }

    /** The statements {@code Shop.work(c, path)} sends, each with the number of times it is executed. */
    static void assertLoggedOnce(List<String> statements, String path) {
        assertThat(Logs.count(statements, "INSERT INTO item (name, price, path) VALUES ('first', 1.50, '" + path + "')"))
                .as("autocommit insert of %s in %s", path, statements).isEqualTo(1);
        assertThat(Logs.count(statements, "INSERT INTO item (name, price, path) VALUES (?, ?, '" + path + "')"))
                .as("prepared insert of %s (committed, then rolled back)", path).isEqualTo(2);
        assertThat(Logs.count(statements, "UPDATE item SET price = price * 2 WHERE path = '" + path + "'"))
                .as("update of %s", path).isEqualTo(1);
    }

    @Test
    void driverManagerApplicationEveryPgjdbcEntryPoint() throws Exception {
        String url = EmbeddedPostgresServer.shared().newDatabase("agent_dm");
        Path pgjdbc = TestClassPath.pgjdbc();
        Path app = TestApps.build("drivermanager", work, pgjdbc.toString());
        Path log = work.resolve("log");

        ChildJvm.Result r = ChildJvm.run(ChildJvm.java(), work, agent(log), join(app, pgjdbc), "app.DriverManagerApp", url);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("done\n");
        assertThat(r.err()).as(r.toString()).isEmpty();
        List<String> statements = Logs.statements(log);
        for (String path : List.of("drivermanager", "driver", "simple", "pooled", "pooling", "pooling-again", "xa")) {
            assertLoggedOnce(statements, path);
        }
        Logs.assertReplayReproduces(log, url);
    }

    @Test
    void hikariApplication() throws Exception {
        String url = EmbeddedPostgresServer.shared().newDatabase("agent_hikari");
        Path pgjdbc = TestClassPath.pgjdbc();
        Path hikari = TestClassPath.of("HikariCP");
        Path app = TestApps.build("hikari", work, join(pgjdbc, hikari));
        Path log = work.resolve("log");

        ChildJvm.Result r = ChildJvm.run(ChildJvm.java(), work, agent(log),
                join(app, pgjdbc, hikari, TestClassPath.of("slf4j-api"), TestClassPath.of("slf4j-nop")), "app.HikariApp", url);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("done\n");
        assertThat(r.err()).as(r.toString()).isEmpty();
        List<String> statements = Logs.statements(log);
        for (int i = 0; i < 8; i++) assertLoggedOnce(statements, (i % 2 == 0 ? "hikari-url-" : "hikari-ds-") + i);
        Logs.assertReplayReproduces(log, url);
    }

    @Test
    void dbcp2C3p0AndTomcatJdbcApplication() throws Exception {
        String url = EmbeddedPostgresServer.shared().newDatabase("agent_pools");
        Path pgjdbc = TestClassPath.pgjdbc();
        Path[] pools = {TestClassPath.of("commons-dbcp2"), TestClassPath.of("commons-pool2"), TestClassPath.of("commons-logging"),
                TestClassPath.of("c3p0"), TestClassPath.of("mchange-commons-java"), TestClassPath.of("tomcat-jdbc"),
                TestClassPath.of("tomcat-juli")};
        List<Path> compile = new ArrayList<>(List.of(pgjdbc));
        compile.addAll(List.of(pools));
        Path app = TestApps.build("pools", work, join(compile.toArray(new Path[0])));
        Path log = work.resolve("log");
        List<Path> run = new ArrayList<>(List.of(app));
        run.addAll(compile);

        ChildJvm.Result r = ChildJvm.run(ChildJvm.java(), work, agent(log), join(run.toArray(new Path[0])), "app.PoolsApp", url);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).endsWith("done\n");
        assertThat(r.err()).as(r.toString()).doesNotContain("waly-agent");
        List<String> statements = Logs.statements(log);
        for (String path : List.of("dbcp2", "dbcp2-again", "c3p0", "tomcat")) assertLoggedOnce(statements, path);
        Logs.assertReplayReproduces(log, url);
    }

    /**
     * pgjdbc only in a plugin's class loader (parent: the platform loader), and the host's class path poisoned with
     * classes named as Jackson's and JSqlParser's that fail when loaded: the agent's copies are relocated and its
     * own, so neither the missing system-class-path pgjdbc nor the application's look-alikes matter.
     */
    @Test
    void pluginWithItsOwnPgjdbcInItsOwnClassLoader() throws Exception {
        String url = EmbeddedPostgresServer.shared().newDatabase("agent_plugin");
        Path pgjdbc = TestClassPath.pgjdbc();
        Path plugin = TestApps.build("plugin", work, pgjdbc.toString());
        Path host = TestApps.build("plugin-host", work, "");
        Path poison = TestApps.build("poison", work, "");
        Path log = work.resolve("log");

        ChildJvm.Result r = ChildJvm.run(ChildJvm.java(), work, agent(log), join(host, poison), "app.PluginHost",
                url, plugin.toString(), pgjdbc.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("done\n");
        assertThat(r.err()).as(r.toString()).isEmpty();
        List<String> statements = Logs.statements(log);
        assertLoggedOnce(statements, "plugin-drivermanager");
        assertLoggedOnce(statements, "plugin-datasource");
        Logs.assertReplayReproduces(log, url);
    }

    /** An application that already uses WAL-y keeps exactly its own wrapper: the agent stands aside. */
    @Test
    void applicationOnJdbcWalyIsNotWrappedTwice() throws Exception {
        String url = EmbeddedPostgresServer.shared().newDatabase("agent_waly");
        Path pgjdbc = TestClassPath.pgjdbc();
        Path[] waly = {TestClassPath.of("waly-jdbc"), TestClassPath.of("log-format"), TestClassPath.of("waly-model"), TestClassPath.of("jsqlparser"),
                TestClassPath.of("jackson-core"), TestClassPath.of("jackson-dataformat-cbor"), pgjdbc};
        Path app = TestApps.build("walyurl", work, join(waly));
        Path appLog = work.resolve("app-log");
        Path agentLog = work.resolve("agent-log");
        List<Path> run = new ArrayList<>(List.of(app));
        run.addAll(List.of(waly));

        ChildJvm.Result r = ChildJvm.run(ChildJvm.java(), work, agent(agentLog), join(run.toArray(new Path[0])), "app.WalyUrlApp",
                url, appLog.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("done\n");
        assertThat(r.err()).as(r.toString()).isEmpty();
        List<String> statements = Logs.statements(appLog);
        assertLoggedOnce(statements, "waly-url");
        assertLoggedOnce(statements, "waly-datasource");
        assertThat(Logs.statements(agentLog)).as("the agent's log").isEmpty();
        Logs.assertReplayReproduces(appLog, url);
    }
}
