package io.waly.compat.versions;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.compat.support.RoundTrip;
import io.waly.jdbc.WalyDataSource;
import io.waly.jdbc.capture.MigrationVersion;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling deploy whose instances are separate processes: the migration runs in another one, through another log (a
 * second log directory in this JVM, on the same database), so the live connections of the first log never see it being
 * written. They read the database's version again (at most once a second): version 1's connection then has its writes
 * mapped up and reads through its views, and version 2's, deployed before the migration, leaves its views for the base
 * tables and writes as sent. With WAL-y's marker and with Flyway's history.
 */
class OtherProcessMigrationTest {

    static final Path MODEL = LiveVersionsTest.MODEL;
    private static final long PAST_INTERVAL_MILLIS = MigrationVersion.REREAD_NANOS / 1_000_000 + 200;

    @TempDir
    Path logA;

    @TempDir
    Path logB;

    private static Connection app(RoundTrip rt, Path log, String version) throws SQLException {
        return DriverManager.getConnection(RoundTrip.waly(rt.source, log, "walyModel=" + MODEL, "walyAppVersion=" + version));
    }

    @Test
    void aMarkedMigrationThroughAnotherLogReachesThisLogsOlderAndNewerConnections() throws Exception {
        RoundTrip rt = new RoundTrip("other_marker", logA);
        try (Connection tool = DriverManager.getConnection(RoundTrip.waly(rt.source, logB, "walyModel=" + MODEL));
             Statement t = tool.createStatement()) {
            t.execute("CREATE TABLE cars (id bigserial PRIMARY KEY, name text NOT NULL, production_year int4)");
            t.execute("CALL waly.schema_version('1')");
        }
        try (Connection v1 = app(rt, logA, "1.0"); Connection v2 = app(rt, logA, "2.0")) {
            beforeTheMigration(v1, v2);

            // the migration, by an instance of version 2 in another process: DDL and marker in one transaction
            try (Connection migration = app(rt, logB, "2.0")) {
                migration.setAutoCommit(false);
                try (Statement s = migration.createStatement()) {
                    s.execute("ALTER TABLE cars ADD COLUMN production_years int4multirange");
                    s.execute("UPDATE cars SET production_years = int4multirange(int4range(production_year, production_year, '[]'))");
                    s.execute("ALTER TABLE cars DROP COLUMN production_year");
                    s.execute("CALL waly.schema_version('2')");
                }
                migration.commit();
            }
            afterTheMigration(v1, v2);
        }
        assertLogA();
    }

    @Test
    void aFlywayMigrationThroughAnotherLogReachesThisLogsOlderAndNewerConnections() throws Exception {
        RoundTrip rt = new RoundTrip("other_flyway", logA);
        WalyDataSource other = rt.dataSource();
        other.setUrl(RoundTrip.waly(rt.source, logB, "walyModel=" + MODEL));
        other.setLogDir(logB.toString());
        Flyway.configure().dataSource(other).locations("classpath:db/cars").target("1").load().migrate();
        try (Connection v1 = app(rt, logA, "1.0"); Connection v2 = app(rt, logA, "2.0")) {
            beforeTheMigration(v1, v2);
            Flyway.configure().dataSource(other).locations("classpath:db/cars").load().migrate();
            afterTheMigration(v1, v2);

            // a migration rolled back in this log's process is not taken for the database's version
            v1.setAutoCommit(false);
            try (Statement s = v1.createStatement()) {
                s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                        + "installed_by, execution_time, success) VALUES (3, '3', 'never', 'SQL', 'V3__never.sql', 'me', 0, true)");
            }
            v1.rollback();
            v1.setAutoCommit(true);
            try (Statement s = v1.createStatement()) {
                s.execute("UPDATE cars SET name = 'Polo GTI' WHERE id = 4");
            }
        }
        assertLogA("1→2 UPDATE cars SET name = 'Polo GTI' WHERE id = 4");
    }

    /** The database at version 1: version 1 writes as sent, version 2 through its views, mapped down. */
    private static void beforeTheMigration(Connection v1, Connection v2) throws SQLException {
        try (Statement s = v1.createStatement()) {
            s.execute("INSERT INTO cars (id, name, production_year) VALUES (1, 'Beetle', 1938)");
        }
        try (Statement s = v2.createStatement()) {
            s.execute("INSERT INTO cars (id, name, production_years) VALUES (2, '2CV', '{[1948,1949)}')");
        }
        assertThat(searchPath(v1)).doesNotContain("waly_v");
        assertThat(searchPath(v2)).startsWith("waly_v_2, ");
        assertThat(LiveVersionsTest.read(v2, "production_years")).containsExactly("1 Beetle {[1938,1939)}", "2 2CV {[1948,1949)}");
    }

    /**
     * The database at version 2, which this log's process did not see written: once the interval has passed, version 1
     * is mapped up and reads through its views, version 2 is at the database's version.
     */
    private static void afterTheMigration(Connection v1, Connection v2) throws Exception {
        Thread.sleep(PAST_INTERVAL_MILLIS);
        try (Statement s = v1.createStatement()) {
            s.execute("INSERT INTO cars (id, name, production_year) VALUES (3, 'DS', 1955)");
            assertThat(s.executeUpdate("UPDATE cars SET production_year = 1939 WHERE id = 1")).isEqualTo(1);
        }
        assertThat(searchPath(v1)).startsWith("waly_v_1, ");
        assertThat(LiveVersionsTest.read(v1, "production_year")).containsExactly("1 Beetle 1939", "2 2CV 1948", "3 DS 1955");

        try (Statement s = v2.createStatement()) {   // what version 1 could not hold: written as sent
            s.execute("INSERT INTO cars (id, name, production_years) VALUES (4, 'Polo', '{[1975,1994),[1999,2024)}')");
        }
        assertThat(searchPath(v2)).doesNotContain("waly_v");
        assertThat(LiveVersionsTest.read(v2, "production_years")).containsExactly("1 Beetle {[1939,1940)}", "2 2CV {[1948,1949)}",
                "3 DS {[1955,1956)}", "4 Polo {[1975,1994),[1999,2024)}");
    }

    /**
     * Log A holds version 2's write mapped down before the migration, version 1's mapped up after it (and {@code more});
     * its transactions began under the database's version: 1, then 2 — never a migration rolled back.
     */
    private void assertLogA(String... more) {
        List<String> mapped = new ArrayList<>();
        List<String> begins = new ArrayList<>();
        try (LogReader r = LogReader.open(logA)) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.kind() == RecordKind.MAPPED) {
                    Payloads.Mapped m = Payloads.Mapped.decode(rec.payload());
                    mapped.add(m.from() + "→" + m.to() + " " + m.original().sql());
                }
                if (rec.kind() == RecordKind.BEGIN) begins.add(Payloads.Begin.decode(rec.payload()).dbVersion());
            }
        }
        List<String> expected = new ArrayList<>(List.of(
                "2→1 INSERT INTO cars (id, name, production_years) VALUES (2, '2CV', '{[1948,1949)}')",
                "1→2 INSERT INTO cars (id, name, production_year) VALUES (3, 'DS', 1955)",
                "1→2 UPDATE cars SET production_year = 1939 WHERE id = 1"));
        expected.addAll(List.of(more));
        assertThat(mapped).containsExactlyElementsOf(expected);
        assertThat(begins).startsWith("1", "1").endsWith("2").containsOnly("1", "2");
    }

    private static String searchPath(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW search_path")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
