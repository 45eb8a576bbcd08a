package io.waly.log;

import static org.assertj.core.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.waly.log.testing.ChildJvm;
import io.waly.log.testing.SilentMain;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** No JVM flags needed and nothing printed (stdout, stderr, java.util.logging's console) on Java 17 and 25. */
class SilenceTest {
    static final String JAVA_25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";

    private static void assertSilent(String java) throws Exception {
        ChildJvm.Result r = ChildJvm.run(java, SilentMain.class);
        assertThat(r.exit()).as("exit code; stderr: %s", r.stderr()).isZero();
        assertThat(r.stdout()).as("stdout of %s", java).isEmpty();
        assertThat(r.stderr()).as("stderr of %s", java).isEmpty();
    }

    @Test
    void silentOnThisJdk() throws Exception {
        assertSilent(ChildJvm.currentJava());
    }

    @Test
    void silentOnJava25() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(JAVA_25)), "no Java 25 at " + JAVA_25);
        assertSilent(JAVA_25);
    }
}
