package io.waly.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent never breaks the application it cannot serve: bad options or an unwritable log directory are told once
 * on stderr and the application starts without WAL-y, unless walyAgentOnError=fail, when it does not start. A working
 * agent prints nothing.
 */
class FailurePolicyIT {

    @TempDir
    Path work;
    Path hello;

    @BeforeEach
    void build() {
        hello = TestApps.build("hello", work, "");
    }

    ChildJvm.Result run(String agentOptions, String... jvmArgs) {
        List<String> args = new ArrayList<>(List.of(jvmArgs));
        args.add("-javaagent:" + TestClassPath.agentJar() + (agentOptions == null ? "" : "=" + agentOptions));
        return ChildJvm.run(ChildJvm.java(), work, args, hello.toString(), "app.Hello");
    }

    static void assertStartedWithoutWaly(ChildJvm.Result r, String reason) {
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("hello\n");
        assertThat(r.err().lines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).startsWith("[waly-agent] WAL-y is NOT active: ").contains(reason)
                .contains("The application starts without WAL-y");
    }

    static void assertRefusedToStart(ChildJvm.Result r, String reason) {
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.out()).doesNotContain("hello");
        assertThat(r.err()).as(r.toString()).contains("[waly-agent] WAL-y cannot start: ").contains(reason)
                .contains("walyAgentOnError=fail: the application is not started");
        assertThat(r.err().lines().filter(l -> l.startsWith("[waly-agent]"))).hasSize(1);
    }

    @Test
    void aWorkingAgentIsSilent() {
        ChildJvm.Result r = run("walyLogDir=" + work.resolve("log"));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("hello\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void badOptionValue() {
        String reason = "walyDurability must be one of fsync, async, none but was: sometimes";
        assertStartedWithoutWaly(run("walyLogDir=" + work.resolve("log") + ",walyDurability=sometimes"), reason);
        assertRefusedToStart(run("walyLogDir=" + work.resolve("log") + ",walyDurability=sometimes,walyAgentOnError=fail"), reason);
    }

    @Test
    void unknownOptionAndMalformedArguments() {
        assertStartedWithoutWaly(run("walyLogdir=/tmp/x"), "unknown agent option walyLogdir");
        assertStartedWithoutWaly(run("walyLogDir"), "agent option 'walyLogDir' is not key=value");
        assertRefusedToStart(run("walyLogdir=/tmp/x,walyAgentOnError=fail"), "unknown agent option walyLogdir");
    }

    @Test
    void badSystemPropertyAndBadPolicy() {
        assertStartedWithoutWaly(run(null, "-Dwaly.flushMillis=soon", "-Dwaly.logDir=" + work.resolve("log")),
                "walyFlushMillis must be an integer but was: soon");
        assertRefusedToStart(run("walyAgentOnError=fail", "-Dwaly.flushMillis=soon", "-Dwaly.logDir=" + work.resolve("log")),
                "walyFlushMillis must be an integer");
        assertStartedWithoutWaly(run("walyLogDir=" + work.resolve("log") + ",walyAgentOnError=maybe"),
                "walyAgentOnError must be one of start, fail but was: maybe");
    }

    @Test
    void unwritableLogDirectory() throws Exception {
        Path file = Files.writeString(work.resolve("a-file"), "not a directory");
        String options = "walyLogDir=" + file.resolve("log");
        assertStartedWithoutWaly(run(options), "walyLogDir " + file.resolve("log") + " is not a writable directory");
        assertRefusedToStart(run(options + ",walyAgentOnError=fail"), "is not a writable directory");
    }

    @Test
    void configurationFile() throws Exception {
        assertStartedWithoutWaly(run("walyConfig=" + work.resolve("missing.properties")), "missing.properties cannot be read");
        Path bad = Files.writeString(work.resolve("bad.properties"), "walyLogDir=" + work.resolve("log") + "\nlogDir=/x\n");
        assertStartedWithoutWaly(run("walyConfig=" + bad), "unknown setting in " + bad + ": logDir");
        Path fail = Files.writeString(work.resolve("fail.properties"), "walyAgentOnError=fail\nwalyDurability=never\n");
        assertRefusedToStart(run(null, "-Dwaly.config=" + fail, "-Dwaly.logDir=" + work.resolve("log")),
                "walyDurability must be one of");
        Path good = Files.writeString(work.resolve("good.properties"), "walyLogDir=" + work.resolve("log") + "\nwalyDurability=async\n");
        ChildJvm.Result r = run("walyConfig=" + good);
        assertThat(r.err()).as(r.toString()).isEmpty();
        assertThat(r.out()).isEqualTo("hello\n");
    }
}
