package io.waly.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.waly.testing.EmbeddedPostgresServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The driver goes into other people's JVMs: no flags needed, and nothing printed — not by WAL-y, not by its
 * libraries, not by the JVM (no Unsafe memory access, no illegal reflective access warnings) — on Java 17 and on
 * Java 25, in a fresh JVM. Durability async starts the flusher thread, whose end the JVM's exit would wait for if it
 * were not a daemon and stopped at close.
 */
class SilenceTest {

    @TempDir
    Path logDir;

    @ParameterizedTest
    @ValueSource(strings = {"17", "25"})
    void aWritingApplicationPrintsNothing(String jdk) throws Exception {
        String java = jdk.equals("17") ? Path.of(System.getProperty("java.home"), "bin", "java").toString()
                : "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";
        assumeTrue(Files.isExecutable(Path.of(java)), "JDK " + jdk + " is not installed here");
        String url = EmbeddedPostgresServer.shared().newDatabase("silent" + jdk)
                .replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir + "&walyDurability=async";
        // the application's class path: the driver and its dependencies, no SLF4J binding
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.contains("slf4j-nop") && !e.contains("junit") && !e.contains("jqwik") && !e.contains("assertj")) cp.add(e);
        }
        Process p = new ProcessBuilder(java, "-cp", String.join(File.pathSeparator, cp), SilentApplication.class.getName(), url)
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(done).as("the JVM exits by itself (no thread left behind)").isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(out).isEmpty();
        assertThat(err).isEmpty();
    }
}
