package io.waly.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.Replayer;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.read.LogReader;
import io.waly.log.read.LogVerifier;
import io.waly.log.write.SharedLogs;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Applications that open a connection per request (DriverManager, the agent's legacy applications) and pools that
 * close idle connections: threads open and close connections at any rate while others write, and no write fails
 * because of WAL-y's own log. The writer is shared across the churn rather than reopened per connection.
 */
class ConnectionChurnTest {

    private static final EmbeddedPostgresServer PG = EmbeddedPostgresServer.shared();

    @TempDir
    Path logDir;

    private static final int CHURNERS = 4;
    private static final int OPENS = 60;
    private static final int WRITERS = 4;
    private static final int TRANSACTIONS = 40;

    @ParameterizedTest(name = "walyLogIdleMillis={0}")
    @ValueSource(longs = {10_000, 0})
    void connectionsOpenedAndClosedOnManyThreadsNeverTripOnTheLog(long idleMillis) throws Exception {
        String src = PG.newDatabase("churn_src");
        String waly = src.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir
                + "&walyLogIdleMillis=" + idleMillis;
        try (Connection c = DriverManager.getConnection(waly); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE hit (id bigserial PRIMARY KEY, thread int NOT NULL, n int NOT NULL)");
        }
        ExecutorService pool = Executors.newFixedThreadPool(CHURNERS + WRITERS);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < CHURNERS; t++) {
            int thread = t;
            work.add(pool.submit(() -> {
                for (int n = 0; n < OPENS; n++) {
                    // a connection per request: open, one insert, close
                    try (Connection c = DriverManager.getConnection(waly);
                         PreparedStatement ps = c.prepareStatement("INSERT INTO hit (thread, n) VALUES (?, ?)")) {
                        ps.setInt(1, thread);
                        ps.setInt(2, n);
                        ps.executeUpdate();
                    }
                }
                return null;
            }));
        }
        for (int t = 0; t < WRITERS; t++) {
            int thread = 100 + t;
            work.add(pool.submit(() -> {
                try (Connection c = DriverManager.getConnection(waly)) {
                    c.setAutoCommit(false);
                    for (int n = 0; n < TRANSACTIONS; n++) {
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hit (thread, n) VALUES (?, ?)")) {
                            ps.setInt(1, thread);
                            ps.setInt(2, n);
                            ps.executeUpdate();
                        }
                        if (n % 7 == 3) c.rollback();
                        else c.commit();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) f.get();   // any SQLException of a worker fails the test here
        pool.shutdown();

        try (Connection c = DriverManager.getConnection(src); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM hit")) {
            rs.next();
            int rolledBack = (int) java.util.stream.IntStream.range(0, TRANSACTIONS).filter(n -> n % 7 == 3).count();
            assertThat(rs.getLong(1)).isEqualTo((long) CHURNERS * OPENS + (long) WRITERS * (TRANSACTIONS - rolledBack));
        }
        long opened = 0;
        try (LogReader r = LogReader.open(logDir)) {
            LogRecord rec;
            while ((rec = r.next()) != null) if (rec.kind() == RecordKind.OPENED) opened++;
        }
        if (idleMillis > 0) {
            assertThat(opened).as("one writer for the whole churn, not one per connection").isEqualTo(1);
            assertThat(SharedLogs.isIdle(logDir)).as("kept open while idle").isTrue();
        } else {
            assertThat(SharedLogs.isIdle(logDir)).isFalse();
        }
        assertThat(LogVerifier.verify(logDir).ok()).isTrue();

        String dst = PG.newDatabase("churn_dst");
        Replayer.replay(logDir, new PostgresTarget(dst));
        assertThat(sums(dst)).isEqualTo(sums(src));
    }

    @Test
    void aPlainOpenInTheSameJvmClosesTheIdleWriterInsteadOfBeingRefused() throws Exception {
        String src = PG.newDatabase("churn_evict");
        String waly = src.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir;
        try (Connection c = DriverManager.getConnection(waly); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (a int)");
        }
        assertThat(SharedLogs.isIdle(logDir)).isTrue();
        try (io.waly.log.write.LogWriter w = io.waly.log.write.LogWriter.open(io.waly.log.LogConfig.at(logDir))) {
            assertThat(w.recovery().cutTornTail()).isFalse();
        }
        List<RecordKind> kinds = new ArrayList<>();
        try (LogReader r = LogReader.open(logDir)) {
            LogRecord rec;
            while ((rec = r.next()) != null) kinds.add(rec.kind());
        }
        assertThat(kinds).containsSubsequence(RecordKind.OPENED, RecordKind.COMMITTED, RecordKind.CLOSED);
        assertThat(kinds.get(kinds.size() - 1)).as("the idle writer closed cleanly before the new open").isEqualTo(RecordKind.CLOSED);
    }

    private static java.util.Map<String, String> sums(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            return TableChecksums.of(c);
        }
    }
}
