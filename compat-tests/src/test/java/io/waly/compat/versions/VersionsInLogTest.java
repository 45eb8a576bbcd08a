package io.waly.compat.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.waly.compat.support.RoundTrip;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every transaction's BEGIN says which versions it was written under (FORMAT.md, Begin): the application's
 * walyAppVersion and the database's migration version, seen as Flyway or Liquibase write their history through the
 * driver, or read from the history table by a log started on a database already migrated.
 */
class VersionsInLogTest {

    @TempDir
    Path logDir;

    @TempDir
    Path laterLog;

    static Payloads.Begin lastBegin(Path dir) {
        List<Payloads.Begin> all = begins(dir);
        return all.get(all.size() - 1);
    }

    static List<Payloads.Begin> begins(Path dir) {
        List<Payloads.Begin> out = new ArrayList<>();
        try (LogReader r = LogReader.open(dir)) {
            LogRecord rec;
            while ((rec = r.next()) != null) if (rec.kind() == RecordKind.BEGIN) out.add(Payloads.Begin.decode(rec.payload()));
        }
        return out;
    }

    @Test
    void flywayMigrationVersionsAndTheAppVersionAreInEveryBegin() throws Exception {
        RoundTrip rt = new RoundTrip("versions_flyway", logDir);
        Flyway.configure().dataSource(rt.dataSource()).locations("classpath:db/flyway").load().migrate();
        List<Payloads.Begin> migrating = begins(logDir);
        assertThat(migrating).extracting(Payloads.Begin::dbVersion).contains(null, "1", "2");
        assertThat(migrating).extracting(Payloads.Begin::appVersion).containsOnlyNulls();

        try (Connection c = rt.walyConnection("walyAppVersion=2.4.1"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO author (name) VALUES ('Le Guin')");
        }
        Payloads.Begin last = lastBegin(logDir);
        assertThat(last.appVersion()).isEqualTo("2.4.1");
        assertThat(last.dbVersion()).isEqualTo("3");

        // a new log on the migrated database: the version is read from flyway_schema_history
        try (Connection c = DriverManager.getConnection(RoundTrip.waly(rt.source, laterLog, "walyAppVersion=2.5"));
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO author (name) VALUES ('Butler')");
        }
        assertThat(begins(laterLog)).extracting(Payloads.Begin::appVersion, Payloads.Begin::dbVersion)
                .containsExactly(tuple("2.5", "3"));
    }

    @Test
    void aHistoryTableTheUserMayNotReadLeavesTheVersionUnknownAndTheWriteGoesOn() throws Exception {
        RoundTrip rt = new RoundTrip("versions_noread", logDir);
        try (Connection c = rt.sourceConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE flyway_schema_history (installed_rank int, version text, success boolean)");
            s.execute("INSERT INTO flyway_schema_history VALUES (1, '1', true)");
            s.execute("CREATE TABLE notes (id int)");
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'waly_noread') THEN "
                    + "CREATE ROLE waly_noread LOGIN; END IF; END $$");
            s.execute("GRANT ALL ON notes TO waly_noread");
        }
        try (Connection c = DriverManager.getConnection(RoundTrip.waly(rt.source.replace("user=postgres", "user=waly_noread"), logDir))) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO notes VALUES (1)");
            }
            c.commit();
        }
        assertThat(lastBegin(logDir).dbVersion()).isNull();
        assertThat(rt.count("SELECT count(*) FROM notes")).isEqualTo(1);
    }

    @Test
    void liquibaseChangeSetIdsAreTheMigrationVersion() throws Exception {
        RoundTrip rt = new RoundTrip("versions_liquibase", logDir);
        try (Connection c = rt.dataSource().getConnection()) {
            Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            new Liquibase("db/liquibase/changelog-2.xml", new ClassLoaderResourceAccessor(), db).update(new Contexts(), new LabelExpression());
        }
        try (Connection c = rt.walyConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM stock");
        }
        assertThat(lastBegin(logDir).dbVersion()).isEqualTo("5");
    }
}
