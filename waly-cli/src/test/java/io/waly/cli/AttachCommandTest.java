package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code waly attach} loads the agent into a running JVM, and says clearly when it cannot. */
class AttachCommandTest {

    @TempDir
    Path logDir;

    /** A JVM that just waits to be attached to. */
    public static final class Waiting {
        public static void main(String[] args) throws Exception {
            Thread.sleep(60_000);
        }
    }

    @Test
    void attachesToARunningJvm() throws Exception {
        Path agent = Path.of("..", "waly-agent", "target", "waly-agent.jar").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(agent), "the agent jar is built before the CLI in the reactor");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Waiting.class.getName()).start();
        try {
            Thread.sleep(1000);   // let the JVM come up far enough to accept an attach
            Cli.Run r = Cli.run("attach", "--pid", String.valueOf(p.pid()), "--agent-jar", agent.toString(), "walyLogDir=" + logDir);
            assertThat(r.exitCode()).as(r.err()).isZero();
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMissingJvmIsAClearFailure() {
        Cli.Run r = Cli.run("attach", "--pid", "999999", "walyLogDir=" + logDir);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("999999");
    }

    @Test
    void thePidIsRequired() {
        assertThat(Cli.run("attach").exitCode()).isEqualTo(2);
    }
}
