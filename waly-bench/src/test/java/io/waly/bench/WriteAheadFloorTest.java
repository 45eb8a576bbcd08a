package io.waly.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.read.DirectoryLog;
import io.waly.log.read.LogReader;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The floors are what WAL-y's figures are judged against, so they must do what they claim and no less: a record per
 * write before the commit, and for {@code exact-async-floor} also the history row as the database made it and an end
 * record after each commit.
 */
class WriteAheadFloorTest {
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        url = EmbeddedPostgresServer.shared().newDatabase("floor");
        Workloads.createPgbench(url, 2, 100);
    }

    @AfterAll
    static void stop() {
        WriteAheadFloor.closeAll();
    }

    @Test
    void exactFloorLogsEveryWriteTheHistoryRowAndEachEnd(@TempDir Path dir) throws Exception {
        List<LogRecord> records = run(Variant.EXACT_ASYNC_FLOOR, dir, false);
        // per TPC-B transaction: four writes, the history row after its INSERT, the end after the commit
        assertEquals(List.of(RecordKind.STATEMENT, RecordKind.STATEMENT, RecordKind.STATEMENT, RecordKind.STATEMENT,
                RecordKind.OUTCOME, RecordKind.COMMITTED), kinds(records.subList(0, 6)));
        assertEquals(6 * 5, records.size());
        List<String> images = new ArrayList<>();
        for (LogRecord r : records) {
            if (r.kind() == RecordKind.OUTCOME) images.add(new String(r.payload(), StandardCharsets.UTF_8));
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tid, bid, aid, delta, mtime FROM pgbench_history ORDER BY mtime")) {
            int i = 0;
            while (rs.next()) {
                String image = images.get(i++);
                assertTrue(image.startsWith(rs.getString(1) + "\t" + rs.getString(2) + "\t" + rs.getString(3) + "\t"
                        + rs.getString(4) + "\t" + rs.getString(5) + "\t"), image);
            }
            assertEquals(5, i);
        }
    }

    @Test
    void exactFloorEndsAnAutocommittedWrite(@TempDir Path dir) throws Exception {
        List<LogRecord> records = run(Variant.EXACT_ASYNC_FLOOR, dir, true);
        assertEquals(List.of(RecordKind.STATEMENT, RecordKind.COMMITTED, RecordKind.STATEMENT, RecordKind.COMMITTED),
                kinds(records.subList(0, 4)));
    }

    @Test
    void asyncFloorLogsOnlyTheWrites(@TempDir Path dir) throws Exception {
        List<LogRecord> records = run(Variant.ASYNC_FLOOR, dir, false);
        assertEquals(4 * 5, records.size());
        assertTrue(records.stream().allMatch(r -> r.kind() == RecordKind.STATEMENT));
    }

    /** Five TPC-B transactions (or five autocommitted updates) through the variant; the log's records (the writer's own left out). */
    private static List<LogRecord> run(Variant v, Path dir, boolean autocommit) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("TRUNCATE pgbench_history");
        }
        try (HikariDataSource ds = v.pool(url, dir, 1, autocommit); Connection c = ds.getConnection()) {
            Runner.Op op = autocommit ? Workloads.autocommitUpdate(2, 100) : Workloads.tpcb(2, 100);
            for (int i = 0; i < 5; i++) op.run(c, ThreadLocalRandom.current());
        }
        WriteAheadFloor.closeAll();
        List<LogRecord> records = new ArrayList<>();
        try (LogReader reader = new DirectoryLog(v.logPath(dir)).open()) {
            for (LogRecord r = reader.next(); r != null; r = reader.next()) {
                if (r.kind() != RecordKind.OPENED && r.kind() != RecordKind.CLOSED) records.add(r);
            }
        }
        return records;
    }

    private static List<RecordKind> kinds(List<LogRecord> records) {
        return records.stream().map(LogRecord::kind).toList();
    }
}
