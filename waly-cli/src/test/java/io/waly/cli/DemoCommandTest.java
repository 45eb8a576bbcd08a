package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code waly demo} is the README's first command: it has to work, tell its story, and leave nothing behind. */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void theDemoTellsItsStoryPassesAndLeavesNothingRunning() throws Exception {
        Path keep = dir.resolve("demo-log");
        long t0 = System.nanoTime();
        Cli.Run run = Cli.run("demo", "--keep", keep.toString(), "--scale", "0.5");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(seconds).isLessThan(60);
        List<String> lines = run.out().lines().toList();
        for (int step = 1; step <= 17; step++) {
            String prefix = String.format("%2d. ", step);
            assertThat(lines).as(run.out()).anySatisfy(l -> assertThat(l).startsWith(prefix));
        }
        assertThat(run.out()).contains("all 5 tables equal").contains("orders are back").contains("MongoDB")
                .contains("reads its own shape through waly_v_1: Beetle 1938, 2CV 1948, Mini 1959, DS 1955, Polo 1975")
                .contains("down (lossy: the first year): Beetle 1938, 2CV 1948, Mini 1959, DS 1955, Polo 1975")
                .contains("--schema-version 2 equals the source")
                .contains("a call refused by a CHECK rolled back")
                .contains("waly stats: app commands  AWARD_POINTS 8, JOIN 5 (1 called, 4 recognised), UPGRADE 1 (recognised), 2 more rolled back")
                .contains("member and award equal the source")
                .contains("AWARD_POINTS by its own body (insertOne, $inc), the rest translated: 13 documents, each equal to its row")
                .contains("PASS");
        assertThat(run.err()).isEmpty();

        // the embedded PostgreSQL is gone
        Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(run.out());
        assertThat(m.find()).isTrue();
        int port = Integer.parseInt(m.group(1));
        assertThat(canConnect(port)).as("PostgreSQL still listening on " + port).isFalse();

        // the kept log is there for inspect, and verifies
        Cli.Run verify = Cli.run("verify", "--log", keep.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        Cli.Run inspect = Cli.run("inspect", "--log", keep.toString(), "--table", "orders", "--kind", "STATEMENT");
        assertThat(inspect.out()).contains("DELETE FROM orders");

        // a directory that already holds a log is refused
        assertThat(Cli.run("demo", "--keep", keep.toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void jsonTellsTheSameStory() throws Exception {
        Cli.Run run = Cli.run("demo", "--json", "--scale", "0.2");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        var j = ReplayCommandTest.JSON.readTree(run.out());
        assertThat(j.get("ok").asBoolean()).isTrue();
        assertThat(j.get("steps").size()).isEqualTo(17);
        assertThat(j.get("deleteSeq").asLong()).isPositive();
    }

    static boolean canConnect(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
