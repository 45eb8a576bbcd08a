package io.waly.compat.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.waly.compat.support.RoundTrip;
import io.waly.jdbc.WalyDataSource;
import io.waly.jdbc.replay.VersionRoundTrip;
import io.waly.jdbc.replay.VersionedTarget;
import io.waly.log.read.DirectoryLog;
import io.waly.mongo.MongoTarget;
import io.waly.mongo.OnUntranslatable;
import io.waly.testing.MongoFixture;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import io.waly.log.replay.Replayer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PGobject;

/**
 * The live half of the seed's example: during a rolling deploy a version 1 and a version 2 application write cars
 * concurrently through WAL-y on one database that Flyway has taken to version 2. Version 1's writes are mapped up
 * before they are logged and sent (the log keeps what it sent as well), and each application reads its own shape —
 * version 1 through the views the driver puts first on its search path. Then the log replays into version 1 and into
 * version 2, each equal to what its application saw.
 */
class LiveVersionsTest {

    static final Path MODEL = Path.of("src/test/resources/versions/cars.yaml").toAbsolutePath();

    @TempDir
    Path logDir;

    private static Flyway flyway(RoundTrip rt, String target) {
        return Flyway.configure().dataSource(rt.dataSource()).locations("classpath:db/cars").target(target).load();
    }

    private static Connection app(RoundTrip rt, String version) throws SQLException {
        return rt.walyConnection("walyModel=" + MODEL, "walyAppVersion=" + version);
    }

    /** The cars as {@code c} reads them: id, name and the year column of its shape. */
    static List<String> read(Connection c, String yearColumn) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, " + yearColumn + " FROM cars ORDER BY id")) {
            while (rs.next()) out.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
        }
        return out;
    }

    private static PGobject years(String multirange) throws SQLException {
        PGobject o = new PGobject();
        o.setType("int4multirange");
        o.setValue(multirange);
        return o;
    }

    @Test
    void versionOneAndTwoWriteConcurrentlyEachReadsItsShapeAndTheLogReplaysIntoBoth() throws Exception {
        RoundTrip rt = new RoundTrip("live_cars", logDir);
        flyway(rt, "1").migrate();
        try (Connection v1 = app(rt, "1.4")) {
            try (PreparedStatement ps = v1.prepareStatement("INSERT INTO cars (name, production_year) VALUES (?, ?)")) {
                ps.setString(1, "Beetle");
                ps.setInt(2, 1938);
                ps.executeUpdate();   // the database is at version 1: sent as written
            }
            flyway(rt, "latest").migrate();   // the deploy starts: the database is at version 2, version 1 still runs

            // version 1 goes on, on the same connection: its writes are mapped up, it reads its own shape
            try (PreparedStatement ps = v1.prepareStatement("INSERT INTO cars (name, production_year) VALUES (?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "2CV");
                ps.setInt(2, 1948);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getLong("id")).isEqualTo(2);
                }
            }
            try (Statement s = v1.createStatement()) {
                assertThat(s.executeUpdate("INSERT INTO cars (id, name, production_year) VALUES (100, 'DS', 1955)")).isEqualTo(1);
                assertThat(s.execute("UPDATE cars SET production_year = 1949 WHERE id = 2")).isFalse();
                assertThat(s.getUpdateCount()).isEqualTo(1);
            }
            v1.setAutoCommit(false);
            try (PreparedStatement ps = v1.prepareStatement("UPDATE cars SET name = ?, production_year = ? WHERE id = ?")) {
                ps.setString(1, "DS 19");
                ps.setInt(2, 1956);
                ps.setLong(3, 100);
                assertThat(ps.execute()).isFalse();
                assertThat(ps.getUpdateCount()).isEqualTo(1);
            }
            v1.commit();
            v1.setAutoCommit(true);

            // version 1 and version 2 write at the same time
            try (Connection v2 = app(rt, "2.0.1")) {
                writeAtOnce(v1, v2, 20, i -> "{[" + (1970 + i) + "," + (1972 + i) + "), [1990,2001)}");
                try (Statement s = v2.createStatement()) {
                    s.execute("UPDATE cars SET production_years = '{[1938,2004)}' WHERE id = 1");
                    s.execute("DELETE FROM cars WHERE id = 1019");
                }
                try (Statement s = v1.createStatement()) {
                    assertThat(s.executeUpdate("DELETE FROM cars WHERE id = 2019")).isEqualTo(1);
                }

                // each reads its own shape of the same rows
                List<String> seenByV1 = read(v1, "production_year");
                List<String> seenByV2 = read(v2, "production_years");
                assertThat(seenByV1).hasSize(41).startsWith("1 Beetle 1938", "2 2CV 1949", "100 DS 19 1956", "1000 old 0 1960")
                        .contains("2000 new 0 1970", "2018 new 18 1988").doesNotContain("1019 old 19 1979", "2019 new 19 1989");
                assertThat(seenByV2).hasSize(41).startsWith("1 Beetle {[1938,2004)}", "2 2CV {[1949,1950)}",
                        "100 DS 19 {[1956,1957)}", "1000 old 0 {[1960,1961)}").contains("2000 new 0 {[1970,1972),[1990,2001)}");

                // the log holds what version 1 sent and what was sent in its stead
                List<Payloads.Mapped> mapped = mappedRecords();
                assertThat(mapped).hasSize(25).allMatch(m -> m.from().equals("1") && m.to().equals("2"));
                assertThat(mapped.get(0).original().sql()).isEqualTo("INSERT INTO cars (name, production_year) VALUES (?, ?)");
                assertThat(mapped.get(1).original().sql()).isEqualTo("INSERT INTO cars (id, name, production_year) VALUES (100, 'DS', 1955)");
                assertThat(statementsNaming("INSERT INTO public.cars (name, production_years) VALUES (E'2CV'::text, "
                        + "E'{[1948,1949)}'::int4multirange)")).isEqualTo(1);
                assertThat(statementsNaming("UPDATE public.cars SET production_years = E'{[1949,1950)}'::int4multirange "
                        + "WHERE (id = 2)")).isEqualTo(1);

                // the rollback: the log into a version 1 database gives what version 1 saw
                String v1db = rt.server.newDatabase("live_cars_v1");
                Replayer.replay(logDir, new PostgresTarget(v1db).intoVersion(SchemaVersionReplayTest.CARS, "1"));
                assertThat(SchemaVersionReplayTest.columns(v1db)).containsExactly("id", "name", "production_year");
                assertThat(SchemaVersionReplayTest.cars(v1db, "production_year")).isEqualTo(seenByV1);

                // forward: into version 2, equal to the source (its views are WAL-y's and no replay makes them)
                Replayer.replay(logDir, new PostgresTarget(rt.target).intoVersion(SchemaVersionReplayTest.CARS, "2"));
                assertThat(SchemaVersionReplayTest.cars(rt.target, "production_years")).isEqualTo(seenByV2);
                rt.assertTargetEqualsSource();
            }
        }
    }

    @Test
    void whatCannotBeMappedIsRefusedNamingItAndNothingIsLogged() throws Exception {
        RoundTrip rt = new RoundTrip("live_refused", logDir);
        flyway(rt, "latest").migrate();
        try (Connection v1 = app(rt, "1.0"); Statement s = v1.createStatement()) {
            s.execute("INSERT INTO cars (id, name, production_year) VALUES (1, 'beetle', 1938)");
            // an expression goes as written for a column every step keeps and no mapping reads
            assertThat(s.executeUpdate("UPDATE cars SET name = initcap(name) WHERE id = 1")).isEqualTo(1);
            assertThat(statementsNaming("UPDATE public.cars SET name = initcap(name) WHERE (id = 1)")).isEqualTo(1);
            long before = mappedRecords().size();
            assertThatThrownBy(() -> s.execute("UPDATE cars SET production_year = production_year + 1 WHERE id = 1"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("cannot map this statement from schema version 1 (the application's) to version 2")
                    .hasMessageContaining("a value it writes is an expression")
                    .hasMessageContaining("SQL: UPDATE cars SET production_year = production_year + 1 WHERE id = 1")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("0A000");
            assertThatThrownBy(() -> s.execute("DELETE FROM cars WHERE production_year = 1938"))
                    .hasMessageContaining("its WHERE reads production_year, which the up mapping of cars");
            assertThatThrownBy(() -> s.execute("DO $$ BEGIN UPDATE cars SET name = 'x'; END $$"))
                    .hasMessageContaining("no structured form and names the versioned table cars");
            try (PreparedStatement ps = v1.prepareStatement("INSERT INTO cars (id, name, production_year) VALUES (?, ?, ?)")) {
                ps.setLong(1, 2);
                ps.setString(2, "2CV");
                ps.setInt(3, 1948);
                ps.addBatch();
                assertThatThrownBy(ps::executeBatch).hasMessageContaining("not in a batch");
            }
            // in a transaction, a refusal leaves it as a failed statement would: aborted
            v1.setAutoCommit(false);
            s.execute("INSERT INTO cars (id, name, production_year) VALUES (5, 'Polo', 1975)");
            assertThatThrownBy(() -> s.execute("UPDATE cars SET production_year = production_year + 1 WHERE id = 5"))
                    .hasMessageContaining("a value it writes is an expression");
            assertThatThrownBy(() -> s.execute("INSERT INTO cars (id, name, production_year) VALUES (6, 'Golf', 1974)"))
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25P02");
            v1.rollback();
            v1.setAutoCommit(true);
            assertThat(mappedRecords()).hasSize((int) before + 1);   // the Polo's, rolled back
            assertThat(statementsNaming("production_year + 1")).isZero();
            assertThat(read(v1, "production_year")).containsExactly("1 Beetle 1938");
        }
        try (Connection v2 = app(rt, "2.0")) {
            assertThat(read(v2, "production_years")).containsExactly("1 Beetle {[1938,1939)}");
        }
    }

    @Test
    void withoutAMigrationToolTheMarkerSaysTheVersionAndReplayLeavesNothingOfIt() throws Exception {
        RoundTrip rt = new RoundTrip("live_marker", logDir);
        try (Connection v1 = app(rt, "1.0")) {
            try (Statement s = v1.createStatement()) {
                s.execute("CREATE TABLE cars (id bigserial PRIMARY KEY, name text NOT NULL, production_year int4)");
                assertThat(s.execute("CALL waly.schema_version('1')")).isFalse();   // autocommit: a transaction of its own
                s.execute("INSERT INTO cars (name, production_year) VALUES ('Beetle', 1938)");
            }
            try (Connection migration = app(rt, "2.0")) {
                migration.setAutoCommit(false);
                try (Statement s = migration.createStatement()) {
                    s.execute("ALTER TABLE cars ADD COLUMN production_years int4multirange");
                    s.execute("UPDATE cars SET production_years = int4multirange(int4range(production_year, production_year, '[]'))");
                    s.execute("ALTER TABLE cars DROP COLUMN production_year");
                }
                try (PreparedStatement ps = migration.prepareStatement("{call waly.schema_version(?)}")) {
                    ps.setString(1, "2");
                    ps.execute();
                }
                migration.commit();
            }
            try (Statement s = v1.createStatement()) {   // the database is at version 2 now: mapped up
                s.execute("INSERT INTO cars (name, production_year) VALUES ('2CV', 1948)");
            }
            assertThat(read(v1, "production_year")).containsExactly("1 Beetle 1938", "2 2CV 1948");
        }
        // another process (another log) knows the version from the start: the marker is kept as a database setting
        try (Connection other = DriverManager.getConnection(RoundTrip.waly(rt.source, logDir.resolveSibling(logDir.getFileName()
                + "-other"), "walyModel=" + MODEL, "walyAppVersion=1.0")); Statement s = other.createStatement()) {
            s.execute("INSERT INTO cars (id, name, production_year) VALUES (3, 'DS', 1955)");   // no draw this log misses
            assertThat(read(other, "production_year")).containsExactly("1 Beetle 1938", "2 2CV 1948", "3 DS 1955");
            s.execute("DELETE FROM cars WHERE id = 3");
        }
        assertThat(mappedRecords()).hasSize(1);
        List<String> begins = new ArrayList<>();
        List<String> commits = new ArrayList<>();
        try (LogReader r = LogReader.open(logDir)) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.kind() == RecordKind.BEGIN) begins.add(Payloads.Begin.decode(rec.payload()).dbVersion());
                if (rec.kind() == RecordKind.COMMIT) commits.add(Payloads.Commit.decode(rec.payload()).migration());
            }
        }
        assertThat(begins).containsExactly(null, null, "1", "1", "2");
        assertThat(commits).containsExactly(null, "1", null, "2", null);
        assertThat(statementsNaming("waly.")).isZero();   // the marker is no statement: no replay runs it

        // the round-trip check takes the mapped 2CV as a version 2 row: its down is lossy, counted; the Beetle checked
        try (Connection pg = DriverManager.getConnection(rt.server.newDatabase("live_marker_eval"))) {
            VersionRoundTrip.Result r = new VersionRoundTrip(SchemaVersionReplayTest.CARS, pg).check(new DirectoryLog(logDir));
            assertThat(r.ok()).as(r.failures().toString()).isTrue();
            assertThat(r.checked().values()).containsExactly(1L);
            assertThat(r.lossy().values()).containsExactly(1L);
        }
        // the rollback into MongoDB: version 1 documents, the mapped write mapped down again
        String uri = MongoFixture.shared().newDatabaseUri("live_marker_v1");
        try (Connection eval = DriverManager.getConnection(rt.server.newDatabase("live_marker_mongo_eval"))) {
            Replayer.replay(logDir, new VersionedTarget(MongoTarget.builder().target(uri).onUntranslatable(OnUntranslatable.SKIP)
                    .build(), SchemaVersionReplayTest.CARS, "1", eval, null));
        }
        List<String> docs = new ArrayList<>();
        try (MongoClient client = MongoFixture.shared().client()) {
            MongoDatabase db = client.getDatabase(new ConnectionString(uri).getDatabase());
            for (Document d : db.getCollection("cars").find().sort(new Document("_id", 1))) {
                docs.add(d.get("name") + " " + d.get("production_year") + (d.containsKey("production_years") ? " +years" : ""));
            }
        }
        assertThat(docs).containsExactly("Beetle 1938", "2CV 1948");

        String v1db = rt.server.newDatabase("live_marker_v1");
        Replayer.replay(logDir, new PostgresTarget(v1db).intoVersion(SchemaVersionReplayTest.CARS, "1"));
        assertThat(SchemaVersionReplayTest.cars(v1db, "production_year")).containsExactly("1 Beetle 1938", "2 2CV 1948");
        Replayer.replay(logDir, new PostgresTarget(rt.target).intoVersion(SchemaVersionReplayTest.CARS, "2"));
        rt.assertTargetEqualsSource();
        try (Connection t = rt.targetConnection(); Statement s = t.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('waly.schema_version', true)")) {
            rs.next();
            assertThat(rs.getString(1)).isNullOrEmpty();   // nothing of WAL-y's in the target
        }
    }

    /** The seed's migration to version 2, as WAL-y's marker's users write it (V2__production_years.sql). */
    private static void migrateToTwo(Statement s) throws SQLException {
        s.execute("ALTER TABLE cars ADD COLUMN production_years int4multirange");
        s.execute("UPDATE cars SET production_years = int4multirange(int4range(production_year, production_year, '[]'))");
        s.execute("ALTER TABLE cars DROP COLUMN production_year");
    }

    private static String searchPath(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW search_path")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean schemaExists(RoundTrip rt, String schema) throws SQLException {
        try (Connection c = rt.sourceConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = '" + schema + "'")) {
            rs.next();
            return rs.getLong(1) == 1;
        }
    }

    @Test
    void aNewerApplicationsViewsMakeWayForItsMigrationAndARolledBackMigrationKeepsThem() throws Exception {
        RoundTrip rt = new RoundTrip("live_newer_views", logDir);
        try (Connection tool = rt.walyConnection("walyModel=" + MODEL); Statement t = tool.createStatement()) {
            t.execute("CREATE TABLE cars (id bigserial PRIMARY KEY, name text NOT NULL, production_year int4)");
            t.execute("CALL waly.schema_version('1')");
        }
        try (Connection v2 = app(rt, "2.0"); Connection v1 = app(rt, "1.0")) {
            // version 2 runs before its migration: it reads through views made from up, its writes are mapped down
            try (Statement s = v2.createStatement()) {
                assertThat(s.executeUpdate("INSERT INTO cars (id, name, production_years) VALUES (1, 'Beetle', '{[1938,1939)}')"))
                        .isEqualTo(1);
            }
            try (Statement s = v1.createStatement()) {
                s.execute("INSERT INTO cars (id, name, production_year) VALUES (2, '2CV', 1948)");
            }
            assertThat(searchPath(v2)).startsWith("waly_v_2, ");
            assertThat(searchPath(v1)).doesNotContain("waly_v");
            assertThat(read(v2, "production_years")).containsExactly("1 Beetle {[1938,1939)}", "2 2CV {[1948,1949)}");
            assertThat(read(v1, "production_year")).containsExactly("1 Beetle 1938", "2 2CV 1948");

            // a migration rolled back: the views it dropped come back with it, version 2 goes on reading and writing
            try (Connection tool = rt.walyConnection("walyModel=" + MODEL)) {
                tool.setAutoCommit(false);
                try (Statement s = tool.createStatement()) {
                    migrateToTwo(s);
                }
                tool.rollback();
            }
            assertThat(schemaExists(rt, "waly_v_2")).isTrue();
            try (Statement s = v2.createStatement()) {
                s.execute("INSERT INTO cars (id, name, production_years) VALUES (3, 'DS', '{[1955,1956)}')");
            }
            assertThat(read(v2, "production_years")).containsExactly("1 Beetle {[1938,1939)}", "2 2CV {[1948,1949)}",
                    "3 DS {[1955,1956)}");
            // DDL on cars that is no migration drops them too, and commits: version 2 makes them again before it reads
            try (Connection tool = rt.walyConnection("walyModel=" + MODEL); Statement s = tool.createStatement()) {
                s.execute("CREATE INDEX cars_name ON cars (name)");
            }
            assertThat(schemaExists(rt, "waly_v_2")).isFalse();
            assertThat(read(v2, "production_years")).hasSize(3).startsWith("1 Beetle {[1938,1939)}");
            assertThat(schemaExists(rt, "waly_v_2")).isTrue();

            // the migration, run by an instance of version 2 as it starts: DDL and marker in one transaction. Its
            // views would block the DROP COLUMN (2BP01): they go in its transaction, and its UPDATE goes as written
            try (Connection migration = app(rt, "2.0")) {
                assertThat(searchPath(migration)).startsWith("waly_v_2, ");
                migration.setAutoCommit(false);
                try (Statement s = migration.createStatement()) {
                    migrateToTwo(s);
                    s.execute("CALL waly.schema_version('2')");
                }
                migration.commit();
            }
            assertThat(schemaExists(rt, "waly_v_2")).isFalse();

            // version 2 is at the database's version: base tables, writes as sent — now also what version 1 could not hold
            try (Statement s = v2.createStatement()) {
                s.execute("INSERT INTO cars (id, name, production_years) VALUES (4, 'Mini', '{[1959,1968),[1969,2001)}')");
                assertThat(s.executeUpdate("UPDATE cars SET production_years = '{[1955,1976)}' WHERE id = 3")).isEqualTo(1);
            }
            assertThat(searchPath(v2)).doesNotContain("waly_v");
            assertThat(read(v2, "production_years")).containsExactly("1 Beetle {[1938,1939)}", "2 2CV {[1948,1949)}",
                    "3 DS {[1955,1976)}", "4 Mini {[1959,1968),[1969,2001)}");
            // version 1 now reads through its views, made from down
            assertThat(read(v1, "production_year")).containsExactly("1 Beetle 1938", "2 2CV 1948", "3 DS 1955", "4 Mini 1959");
            assertThat(searchPath(v1)).startsWith("waly_v_1, ");
        }
        // the log: version 2's two inserts mapped down before the migration, nothing of WAL-y's views
        assertThat(mappedRecords()).extracting(m -> m.from() + "→" + m.to() + " " + m.original().sql()).containsExactly(
                "2→1 INSERT INTO cars (id, name, production_years) VALUES (1, 'Beetle', '{[1938,1939)}')",
                "2→1 INSERT INTO cars (id, name, production_years) VALUES (3, 'DS', '{[1955,1956)}')");
        assertThat(statementsNaming("waly_v")).isZero();
        assertThat(statementsNaming("INSERT INTO public.cars (id, name, production_year) VALUES (1::int8, E'Beetle'::text, "
                + "1938::int4)")).isEqualTo(1);
        Replayer.replay(logDir, new PostgresTarget(rt.target).intoVersion(SchemaVersionReplayTest.CARS, "2"));
        rt.assertTargetEqualsSource();
    }

    @Test
    void aNewerApplicationDeployedBeforeItsMigrationWritesWithAnOlderOneAndTheLogReplaysIntoBoth() throws Exception {
        RoundTrip rt = new RoundTrip("live_newer", logDir);
        flyway(rt, "1").migrate();
        try (Connection v2 = app(rt, "2.3"); Connection v1 = app(rt, "1.9")) {
            // version 2 is deployed first, the database still at version 1: its writes are mapped down
            try (PreparedStatement ps = v2.prepareStatement("INSERT INTO cars (name, production_years) VALUES (?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "Beetle");
                ps.setObject(2, years("{[1938,1939)}"));
                assertThat(ps.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getLong("id")).isEqualTo(1);
                }
            }
            // what version 1 cannot hold is refused, naming it: nothing logged or sent
            int mappedBefore = mappedRecords().size();
            try (PreparedStatement ps = v2.prepareStatement("INSERT INTO cars (id, name, production_years) VALUES (?, ?, ?)")) {
                ps.setLong(1, 50);
                ps.setString(2, "2CV");
                ps.setObject(3, years("{[1948,1949), [1955,1991)}"));
                assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class)
                        .hasMessageContaining("cannot map this statement from schema version 2 (the application's) to version 1 (the database's)")
                        .hasMessageContaining("version 1 cannot hold what it writes, which would be lost: production_years = "
                                + "{[1948,1949),[1955,1991)} would read back as {[1948,1949)}")
                        .hasMessageContaining("the down mapping of cars (version 2 → 1, model line 17): production_year keeps "
                                + "the first year of production_years")
                        .hasMessageContaining("SQL: INSERT INTO cars (id, name, production_years) VALUES (?, ?, ?)")
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("0A000");
            }
            // in a transaction the refusal leaves it as a failed statement would: aborted
            v2.setAutoCommit(false);
            try (Statement s = v2.createStatement()) {
                assertThatThrownBy(() -> s.execute("UPDATE cars SET production_years = '{[1938,1939), [1950,2004)}' WHERE id = 1"))
                        .hasMessageContaining("production_years = {[1938,1939),[1950,2004)} would read back as {[1938,1939)}");
                assertThatThrownBy(() -> s.execute("UPDATE cars SET name = 'Käfer' WHERE id = 1"))
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25P02");
            }
            v2.rollback();
            v2.setAutoCommit(true);
            try (PreparedStatement ps = v2.prepareStatement("INSERT INTO cars (id, name, production_years) VALUES (?, ?, ?)")) {
                ps.setLong(1, 51);
                ps.setString(2, "Golf");
                ps.setObject(3, years("{[1974,1975)}"));
                ps.addBatch();
                assertThatThrownBy(ps::executeBatch).hasMessageContaining("not in a batch");
            }
            assertThat(mappedRecords()).hasSize(mappedBefore);
            assertThat(statementsNaming("2CV")).isZero();
            assertThat(statementsNaming("Golf")).isZero();

            // version 1 and version 2 write at the same time
            writeAtOnce(v1, v2, 10, i -> "{[" + (1970 + i) + "," + (1971 + i) + ")}");
            try (Statement s = v2.createStatement()) {
                assertThat(s.executeUpdate("UPDATE cars SET name = 'Käfer' WHERE id = 1")).isEqualTo(1);
                assertThat(s.executeUpdate("UPDATE cars SET production_years = '{[1961,1962)}' WHERE id = 1001")).isEqualTo(1);
                assertThat(s.executeUpdate("DELETE FROM cars WHERE id = 1009")).isEqualTo(1);
            }
            try (Statement s = v1.createStatement()) {
                assertThat(s.executeUpdate("UPDATE cars SET production_year = 1975 WHERE id = 2005")).isEqualTo(1);
            }
            assertThat(read(v2, "production_years")).hasSize(20).startsWith("1 Käfer {[1938,1939)}", "1000 old 0 {[1960,1961)}",
                    "1001 old 1 {[1961,1962)}").contains("2005 new 5 {[1975,1976)}");
            assertThat(read(v1, "production_year")).hasSize(20).startsWith("1 Käfer 1938").contains("2009 new 9 1979");

            // the migration (Flyway through WAL-y, with the model): version 2's views go in its transaction
            WalyDataSource migrations = rt.dataSource();
            migrations.setUrl(rt.walyUrl("walyModel=" + MODEL));
            Flyway.configure().dataSource(migrations).locations("classpath:db/cars").load().migrate();
            assertThat(schemaExists(rt, "waly_v_2")).isFalse();

            // both still write: version 2 as sent (what version 1 could not hold too), version 1 mapped up
            try (Statement s = v2.createStatement()) {
                s.execute("INSERT INTO cars (id, name, production_years) VALUES (50, '2CV', '{[1948,1949), [1955,1991)}')");
            }
            try (Statement s = v1.createStatement()) {
                s.execute("INSERT INTO cars (id, name, production_year) VALUES (60, 'DS', 1955)");
                assertThat(s.executeUpdate("UPDATE cars SET production_year = 1966 WHERE id = 1000")).isEqualTo(1);
            }
            List<String> seenByV1 = read(v1, "production_year");
            List<String> seenByV2 = read(v2, "production_years");
            assertThat(seenByV1).hasSize(22).contains("50 2CV 1948", "60 DS 1955", "1000 old 0 1966");
            assertThat(seenByV2).hasSize(22).contains("50 2CV {[1948,1949),[1955,1991)}", "60 DS {[1955,1956)}");

            // the log: what each sent, and what was sent in its stead
            List<Payloads.Mapped> mapped = mappedRecords();
            assertThat(mapped).filteredOn(m -> m.from().equals("2") && m.to().equals("1")).hasSize(1 + 10 + 3);
            assertThat(mapped).filteredOn(m -> m.from().equals("1") && m.to().equals("2")).hasSize(2);
            assertThat(mapped).hasSize(1 + 10 + 3 + 2);
            assertThat(statementsNaming("UPDATE public.cars SET production_year = 1961::int4 WHERE (id = 1001)")).isEqualTo(1);
            // the round-trip check takes version 2's mapped rows as version 1 rows: up and down again, each comes back
            try (Connection pg = DriverManager.getConnection(rt.server.newDatabase("live_newer_eval"))) {
                VersionRoundTrip.Result r = new VersionRoundTrip(SchemaVersionReplayTest.CARS, pg).check(new DirectoryLog(logDir));
                assertThat(r.ok()).as(r.failures().toString()).isTrue();
                assertThat(r.checked().values().stream().mapToLong(Long::longValue).sum()).isGreaterThanOrEqualTo(11);
            }

            // the rollback: the log into a version 1 database gives what version 1 saw
            String v1db = rt.server.newDatabase("live_newer_v1");
            Replayer.replay(logDir, new PostgresTarget(v1db).intoVersion(SchemaVersionReplayTest.CARS, "1"));
            assertThat(SchemaVersionReplayTest.columns(v1db)).containsExactly("id", "name", "production_year");
            assertThat(SchemaVersionReplayTest.cars(v1db, "production_year")).isEqualTo(seenByV1);
            // and into MongoDB at version 1
            String uri = MongoFixture.shared().newDatabaseUri("live_newer_v1");
            try (Connection eval = DriverManager.getConnection(rt.server.newDatabase("live_newer_mongo_eval"))) {
                Replayer.replay(logDir, new VersionedTarget(MongoTarget.builder().target(uri).onUntranslatable(OnUntranslatable.SKIP)
                        .build(), SchemaVersionReplayTest.CARS, "1", eval, null));
            }
            List<String> docs = new ArrayList<>();
            try (MongoClient client = MongoFixture.shared().client()) {
                MongoDatabase db = client.getDatabase(new ConnectionString(uri).getDatabase());
                for (Document d : db.getCollection("cars").find().sort(new Document("id", 1))) {
                    docs.add(d.get("id") + " " + d.get("name") + " " + d.get("production_year"));
                }
            }
            assertThat(docs).isEqualTo(seenByV1);

            // forward: into version 2, equal to the source
            Replayer.replay(logDir, new PostgresTarget(rt.target).intoVersion(SchemaVersionReplayTest.CARS, "2"));
            assertThat(SchemaVersionReplayTest.cars(rt.target, "production_years")).isEqualTo(seenByV2);
            rt.assertTargetEqualsSource();
        }
    }

    private List<Payloads.Mapped> mappedRecords() {
        List<Payloads.Mapped> out = new ArrayList<>();
        try (LogReader r = LogReader.open(logDir)) {
            LogRecord rec;
            while ((rec = r.next()) != null) if (rec.kind() == RecordKind.MAPPED) out.add(Payloads.Mapped.decode(rec.payload()));
        }
        return out;
    }

    private long statementsNaming(String text) {
        long n = 0;
        try (LogReader r = LogReader.open(logDir)) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.kind() == RecordKind.STATEMENT && Payloads.Statement.decode(rec.payload()).sql().contains(text)) n++;
            }
        }
        return n;
    }

    /** Versions 1 and 2 insert {@code rows} cars each at the same time: ids from 1000 in v1's shape, from 2000 in v2's. */
    private static void writeAtOnce(Connection v1, Connection v2, int rows, java.util.function.IntFunction<String> yearsOf)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Callable<Void> olds = () -> {
            start.await();
            try (PreparedStatement ps = v1.prepareStatement("INSERT INTO cars (id, name, production_year) VALUES (?, ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    ps.setLong(1, 1000 + i);
                    ps.setString(2, "old " + i);
                    ps.setInt(3, 1960 + i);
                    ps.executeUpdate();
                }
            }
            return null;
        };
        Callable<Void> news = () -> {
            start.await();
            try (PreparedStatement ps = v2.prepareStatement("INSERT INTO cars (id, name, production_years) VALUES (?, ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    ps.setLong(1, 2000 + i);
                    ps.setString(2, "new " + i);
                    ps.setObject(3, years(yearsOf.apply(i)));
                    ps.executeUpdate();
                }
            }
            return null;
        };
        Future<Void> a = pool.submit(olds);
        Future<Void> b = pool.submit(news);
        start.countDown();
        a.get();
        b.get();
        pool.shutdown();
    }
}
