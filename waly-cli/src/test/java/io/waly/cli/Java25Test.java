package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.waly.command.Command;
import io.waly.log.LogConfig;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.write.LogWriter;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI runs on Java 25 with no flag and prints nothing of the JVM's: only its own output. */
class Java25Test {

    private static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    @TempDir
    Path log;

    @Test
    void verifyAndInspectOnJava25PrintOnlyTheirOwnOutput() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_25), "no Java 25 here");
        try (LogWriter w = LogWriter.open(LogConfig.at(log))) {
            long tx = w.append(RecordKind.BEGIN, LogWriter.OWN_SEQ, new Payloads.Begin(1, 7, true, null, false).encode());
            long st = w.append(RecordKind.STATEMENT, tx, new Payloads.Statement("CREATE TABLE t (a int)", List.of(), null,
                    new Command.Sql("CREATE"), true, -1, null, 1).encode());
            w.append(RecordKind.OUTCOME, tx, Payloads.Outcome.ok(st, new long[] {0}, List.of()).encode());
            w.append(RecordKind.COMMIT, tx, new Payloads.Commit(7).encode());
            w.sync(w.append(RecordKind.COMMITTED, tx, Payloads.End.COMMIT.encode()));
        }
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.contains("junit") && !e.contains("assertj")) cp.add(e);
        }
        for (String command : List.of("verify", "inspect")) {
            Process p = new ProcessBuilder(JAVA_25.toString(), "-cp", String.join(File.pathSeparator, cp), Main.class.getName(),
                    command, "--log", log.toString()).start();
            p.getOutputStream().close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes());
            String err = new String(p.getErrorStream().readAllBytes());
            assertThat(p.exitValue()).as(err).isZero();
            assertThat(err).as(command).isEmpty();
            assertThat(out).as(command).contains(command.equals("verify") ? "5 records" : "CREATE TABLE t");
        }
    }
}
