package io.waly.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.embedded.PostgresServer.Durability;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

    @Test
    void scratchServerListensOnLoopbackWithoutFsyncAndHandsOutFreshDatabases() throws Exception {
        int port;
        try (PostgresServer pg = PostgresServer.start(Durability.SCRATCH)) {
            port = pg.port();
            String a = pg.newDatabase("Shop-1");
            String b = pg.newDatabase("Shop-1");
            assertThat(a).isNotEqualTo(b).startsWith("jdbc:postgresql://127.0.0.1:" + port + "/shop_1_");
            assertThat(show(a, "listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(show(a, "fsync")).isEqualTo("off");
            assertThat(show(a, "synchronous_commit")).isEqualTo("off");
            assertThat(query(a, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isEqualTo("0");
            assertThatThrownBy(pg::restart).isInstanceOf(IllegalStateException.class);
        }
        assertThat(listening(port)).as("stopped by close()").isFalse();
    }

    @Test
    void restartableServerKeepsDataAndPortAndRemovesItsDirectoryWhenClosed() throws Exception {
        Path dataDir;
        try (PostgresServer pg = PostgresServer.startRestartable(Durability.DURABLE)) {
            String url = pg.newDatabase("restart");
            assertThat(show(url, "fsync")).isEqualTo("on");
            assertThat(show(url, "full_page_writes")).isEqualTo("on");
            dataDir = Path.of(show(url, "data_directory"));
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept(id int)");
                s.execute("INSERT INTO kept VALUES (1)");
                int port = pg.port();
                pg.restart();
                assertThatThrownBy(() -> s.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
                assertThat(pg.port()).isEqualTo(port);
            }
            assertThat(query(url, "SELECT count(*) FROM kept")).isEqualTo("1");
            assertThat(show(url, "fsync")).as("settings survive the restart").isEqualTo("on");
        }
        assertThat(Files.exists(dataDir)).as(dataDir + " removed").isFalse();
    }

    private static String show(String url, String setting) throws SQLException {
        return query(url, "SHOW " + setting);
    }

    private static String query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
