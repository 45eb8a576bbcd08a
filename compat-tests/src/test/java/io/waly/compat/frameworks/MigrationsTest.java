package io.waly.compat.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.compat.support.RoundTrip;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import java.nio.file.Path;
import java.sql.Connection;
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
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema migrations run through WAL-y: the log holds the schema's history (each migration's DDL and data, and the
 * tool's own history table), and replaying it builds the same schema, data and history in a fresh database.
 */
class MigrationsTest {

    @TempDir
    Path logDir;

    static List<String> loggedSql(Path logDir) {
        List<String> out = new ArrayList<>();
        try (LogReader r = LogReader.open(logDir)) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.kind() == RecordKind.STATEMENT) out.add(Payloads.Statement.decode(rec.payload()).sql());
            }
        }
        return out;
    }

    @Test
    void flywayMigrationsReplayIntoTheSameSchemaDataAndHistory() throws Exception {
        RoundTrip rt = new RoundTrip("flyway", logDir);
        Flyway flyway = Flyway.configure().dataSource(rt.dataSource()).locations("classpath:db/flyway").load();
        MigrateResult result = flyway.migrate();
        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isEqualTo(4);
        assertThat(flyway.migrate().migrationsExecuted).isZero();   // idempotent second run: only reads and locks
        assertThat(flyway.validateWithResult().validationSuccessful).isTrue();

        List<String> sql = loggedSql(logDir);
        assertThat(sql).anyMatch(s -> s.contains("CREATE TABLE author"))
                .anyMatch(s -> s.contains("ALTER TABLE book ADD COLUMN pages"))
                .anyMatch(s -> s.contains("CREATE OR REPLACE VIEW author_books"))
                .anyMatch(s -> s.contains("flyway_schema_history"));

        rt.replayAndAssertEqual();
        assertThat(rt.count("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(4);
        // the restored database is one Flyway recognises as fully migrated
        Flyway onTarget = Flyway.configure().dataSource(rt.target, "postgres", "").locations("classpath:db/flyway").load();
        assertThat(onTarget.validateWithResult().validationSuccessful).isTrue();
        assertThat(onTarget.migrate().migrationsExecuted).isZero();
    }

    @Test
    void liquibaseChangelogsReplayIntoTheSameSchemaDataAndHistory() throws Exception {
        RoundTrip rt = new RoundTrip("liquibase", logDir);
        try (Connection c = rt.dataSource().getConnection()) {
            Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            Liquibase lb = new Liquibase("db/liquibase/changelog.xml", new ClassLoaderResourceAccessor(), db);
            lb.update(new Contexts(), new LabelExpression());
            Liquibase lb2 = new Liquibase("db/liquibase/changelog-2.xml", new ClassLoaderResourceAccessor(), db);
            lb2.update(new Contexts(), new LabelExpression());
            lb2.update(new Contexts(), new LabelExpression());   // nothing left to run
        }
        assertThat(loggedSql(logDir)).anyMatch(s -> s.contains("databasechangelog")).anyMatch(s -> s.contains("warehouse"));
        rt.replayAndAssertEqual();
        assertThat(rt.count("SELECT count(*) FROM databasechangelog")).isEqualTo(5);
        try (Connection c = rt.targetConnection()) {
            Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            Liquibase lb = new Liquibase("db/liquibase/changelog-2.xml", new ClassLoaderResourceAccessor(), db);
            assertThat(lb.listUnrunChangeSets(new Contexts(), new LabelExpression())).isEmpty();
        }
    }
}
