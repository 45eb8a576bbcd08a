package io.waly.compat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.jdbc.TxidStatus;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.Replayer;
import io.waly.log.read.LogVerifier;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database restarts under a running application: the application sees exactly pgjdbc's exceptions, and the log
 * stays truthful — the transaction the restart killed is not replayed, what committed before and after it is.
 */
class DatabaseRestartTest {

    @TempDir
    Path logDir;

    @Test
    void aRestartBreaksConnectionsAsPgjdbcDoesAndTheLogStaysTruthful() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startRestartable()) {
            String plainUrl = pg.newDatabase("restart_plain");
            String src = pg.newDatabase("restart_src");
            String walyUrl = src.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir;
            List<String> outcomes = new ArrayList<>();
            for (String url : List.of(plainUrl, walyUrl)) {
                try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE t (a int PRIMARY KEY)");
                }
            }
            Connection plain = DriverManager.getConnection(plainUrl);
            Connection waly = DriverManager.getConnection(walyUrl);
            for (Connection c : List.of(plain, waly)) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO t VALUES (1)");
                    c.commit();
                    s.executeUpdate("INSERT INTO t VALUES (2)");   // open when the server goes away
                }
            }
            pg.restart();
            for (Connection c : List.of(plain, waly)) {
                StringBuilder sb = new StringBuilder();
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO t VALUES (3)");
                    sb.append("no error");
                } catch (SQLException e) {
                    sb.append(e.getSQLState()).append(' ').append(e.getMessage());
                }
                try {
                    c.commit();
                    sb.append(" | commit ok");
                } catch (SQLException e) {
                    sb.append(" | ").append(e.getSQLState()).append(' ').append(e.getMessage());
                }
                sb.append(" | closed=").append(c.isClosed());
                outcomes.add(sb.toString());
                c.close();
            }
            assertThat(outcomes.get(0)).doesNotStartWith("no error");   // pgjdbc: 57P01 terminating connection, then 08003
            assertThat(outcomes.get(1)).isEqualTo(outcomes.get(0));
            try (Connection c = DriverManager.getConnection(walyUrl); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t VALUES (4)");
            }
            assertThat(LogVerifier.verify(logDir).ok()).isTrue();
            String target = pg.newDatabase("restart_dst");
            try (TxidStatus sourceDb = TxidStatus.of(src, null, null)) {
                Replayer.replay(logDir, ReplayOptions.builder().inDoubtSource(sourceDb).build(), new PostgresTarget(target));
            }
            try (Connection c = DriverManager.getConnection(target); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT array_agg(a ORDER BY a)::text FROM t")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("{1,4}");
            }
        }
    }
}
