package io.waly.jdbc.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.testing.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The database's migration version read again, as a log whose model declares versions does it: at most once per
 * interval, the marker's setting from the catalog (a session's current_setting keeps what it had when it started), by
 * a user that is no superuser too; what is read replaces what was seen, an equal version keeps its instance, and a read
 * that finds nothing keeps what this process saw.
 */
class MigrationVersionTest {

    private static final long PAST_INTERVAL_MILLIS = MigrationVersion.REREAD_NANOS / 1_000_000 + 100;

    private static void setMarker(String url, String version) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET waly.schema_version = %L', current_database(), '"
                    + version + "'); END$$");
        }
    }

    private static String sessionSetting(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('waly.schema_version', true)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void theMarkersSettingIsReadAgainFromTheCatalogAtMostOncePerIntervalByAnOrdinaryUser() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String url = pg.newDatabase("mv_marker");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE waly_mv_reader LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        }
        setMarker(url, "1");
        MigrationVersion m = new MigrationVersion();
        try (Connection c = DriverManager.getConnection(url.replace("user=postgres", "user=waly_mv_reader"))) {
            assertThat(m.readAgain(c)).isTrue();
            assertThat(m.current()).isEqualTo("1");
            assertThat(m.readAgain(c)).as("not due yet").isFalse();

            // another process's marker: this session's current_setting keeps the old value, the catalog has the new
            setMarker(url, "2");
            assertThat(sessionSetting(c)).isEqualTo("1");
            assertThat(m.readAgain(c)).isFalse();
            assertThat(m.current()).isEqualTo("1");
            Thread.sleep(PAST_INTERVAL_MILLIS);
            assertThat(m.readAgain(c)).isTrue();
            String read = m.current();
            assertThat(read).isEqualTo("2");

            // read again equal: the same instance (LiveVersion compares by identity, and keeps its decisions)
            m.committed(new String("2"));
            assertThat(m.current()).isSameAs(read);
            Thread.sleep(PAST_INTERVAL_MILLIS);
            assertThat(m.readAgain(c)).isTrue();
            assertThat(m.current()).isSameAs(read);

            // what this process saw commit is replaced by what the database holds, once read
            m.committed("3");
            assertThat(m.current()).isEqualTo("3");
            Thread.sleep(PAST_INTERVAL_MILLIS);
            assertThat(m.readAgain(c)).isTrue();
            assertThat(m.current()).isEqualTo("2");
        }
    }

    @Test
    void flywaysHistoryIsReadAgainAndAReadThatFindsNothingKeepsWhatThisProcessSaw() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String url = pg.newDatabase("mv_flyway");
        MigrationVersion m = new MigrationVersion();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // nothing in the database: a marker this process kept alone (a user that may not alter the database) stays
            m.committed("7");
            assertThat(m.readAgain(c)).isTrue();
            assertThat(m.current()).isEqualTo("7");

            s.execute("CREATE TABLE flyway_schema_history (installed_rank int, version text, success boolean)");
            s.execute("INSERT INTO flyway_schema_history VALUES (1, '1', true), (2, '2', true), (3, '3', false)");
            Thread.sleep(PAST_INTERVAL_MILLIS);
            assertThat(m.readAgain(c)).isTrue();
            assertThat(m.current()).isEqualTo("2");   // the latest successful migration
        }
    }
}
