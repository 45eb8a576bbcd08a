package io.waly.agent.it;

import io.waly.log.read.DirectoryLog;
import static org.assertj.core.api.Assertions.assertThat;

import io.waly.jdbc.replay.PostgresTarget;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.log.LogRecord;
import io.waly.log.LogSource;
import io.waly.log.RecordReader;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.Replayer;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a test application left in a WAL-y log, and whether replaying it reproduces the database. */
final class Logs {

    private Logs() {}

    /** The SQL of every STATEMENT record, in log order. */
    static List<String> statements(Path dir) {
        return Files.isDirectory(dir) ? statements(new DirectoryLog(dir)) : new ArrayList<>();
    }

    /** The SQL of every STATEMENT record of a log anywhere (a Kafka topic), in log order. */
    static List<String> statements(LogSource log) {
        List<String> out = new ArrayList<>();
        try (RecordReader r = log.open()) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.kind() == RecordKind.STATEMENT) out.add(Payloads.Statement.decode(rec.payload()).sql());
            }
        }
        return out;
    }

    static long count(List<String> statements, String sql) {
        return statements.stream().filter(sql::equals).count();
    }

    /** Replays the log into a fresh database and checks that every table equals the source's. */
    static void assertReplayReproduces(Path log, String sourceUrl) throws Exception {
        assertReplayReproduces(new DirectoryLog(log), sourceUrl);
    }

    static void assertReplayReproduces(LogSource log, String sourceUrl) throws Exception {
        String target = EmbeddedPostgresServer.shared().newDatabase("agent_replay");
        new Replayer(log, ReplayOptions.builder().build()).run(new PostgresTarget(target));
        try (Connection a = DriverManager.getConnection(sourceUrl); Connection b = DriverManager.getConnection(target)) {
            Map<String, String> source = TableChecksums.of(a);
            assertThat(source).isNotEmpty();
            assertThat(TableChecksums.of(b)).isEqualTo(source);
        }
    }
}
