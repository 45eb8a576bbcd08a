package io.waly.compat.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.compat.support.RoundTrip;
import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.jdbc.replay.VersionedTarget;
import io.waly.mongo.MongoTarget;
import io.waly.mongo.OnUntranslatable;
import io.waly.testing.MongoFixture;
import io.waly.log.replay.ReplayException;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.Replayer;
import io.waly.model.Model;
import io.waly.model.Versions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PGobject;

/**
 * The seed's example end to end: cars written by a version 1 application ({@code production_year int4}), Flyway's
 * migration 2 ({@code production_years int4multirange}), cars written by a version 2 application; then the rollback
 * of the deploy — the log replayed into a version 1 database, the migration left out and every car version 2 wrote
 * mapped down — and forward again into version 2, equal to the source.
 */
class SchemaVersionReplayTest {

    static final Versions CARS = Model.load(Path.of("src/test/resources/versions/cars.yaml")).versions();

    @TempDir
    Path logDir;

    private static Flyway flyway(RoundTrip rt, String target) {
        return Flyway.configure().dataSource(rt.dataSource()).locations("classpath:db/cars").target(target).load();
    }

    private static PGobject years(String multirange) throws SQLException {
        PGobject o = new PGobject();
        o.setType("int4multirange");
        o.setValue(multirange);
        return o;
    }

    /** v1 writes, migration 2, v2 writes: the rolling deploy's history as the log holds it. */
    static RoundTrip history(String name, Path logDir) throws Exception {
        RoundTrip rt = new RoundTrip(name, logDir);
        flyway(rt, "1").migrate();
        try (Connection c = rt.walyConnection("walyAppVersion=1.4")) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO cars (name, production_year) VALUES (?, ?)")) {
                ps.setString(1, "Beetle");
                ps.setInt(2, 1938);
                ps.executeUpdate();
                ps.setString(1, "2CV");
                ps.setInt(2, 1948);
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO cars (id, name, production_year) VALUES (100, 'DS', 1955)");
                s.execute("UPDATE cars SET production_year = 1949 WHERE id = 2");
            }
        }
        flyway(rt, "latest").migrate();
        try (Connection c = rt.walyConnection("walyAppVersion=2.0.1")) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO cars (id, name, production_years) VALUES (?, ?, ?)")) {
                ps.setLong(1, 200);
                ps.setString(2, "Mini");
                ps.setObject(3, years("{[1959,1968), [1990,2001)}"));
                ps.executeUpdate();
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("UPDATE cars SET production_years = ? WHERE id = ?")) {
                ps.setObject(1, years("{[1938,2004)}"));
                ps.setLong(2, 1);
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO cars (name, production_years) VALUES ('Golf', '{[1974,2030)}')");
                s.execute("DELETE FROM cars WHERE id = 100");
            }
            c.commit();
        }
        return rt;
    }

    static List<String> cars(String url, String yearColumn) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, " + yearColumn + " FROM cars ORDER BY id")) {
            while (rs.next()) out.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
        }
        return out;
    }

    static List<String> columns(String url) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_name = 'cars' ORDER BY ordinal_position")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    @Test
    void rollingBackReplaysEveryCarIntoVersionOneAndForwardAgainIntoVersionTwo() throws Exception {
        RoundTrip rt = history("versions_cars", logDir);
        assertThat(cars(rt.source, "production_years")).containsExactly(
                "1 Beetle {[1938,2004)}", "2 2CV {[1949,1950)}", "3 Golf {[1974,2030)}", "200 Mini {[1959,1968),[1990,2001)}");

        // rollback: the log into a version 1 database
        String v1 = rt.server.newDatabase("versions_cars_v1");
        ReplaySummary s = Replayer.replay(logDir, new PostgresTarget(v1).intoVersion(CARS, "1"));
        assertThat(columns(v1)).containsExactly("id", "name", "production_year");
        assertThat(cars(v1, "production_year")).containsExactly("1 Beetle 1938", "2 2CV 1949", "3 Golf 1974", "200 Mini 1959");
        try (Connection c = DriverManager.getConnection(v1); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT max(version) FROM flyway_schema_history")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("1");   // the migration to 2 was left out, with its history row
        }
        assertThat(s.notes).anyMatch(n -> n.contains("2 transactions of migrations past version 1 left out"))
                .anyMatch(n -> n.contains("statements mapped from version 2 to 1 (cars)"))
                .anyMatch(n -> n.contains("production_year keeps the first year"));
        // the version 1 application goes on: its sequence stands past every id the replay wrote
        try (Connection c = DriverManager.getConnection(v1); Statement st = c.createStatement()) {
            st.execute("INSERT INTO cars (name, production_year) VALUES ('Polo', 1975)");
        }

        // forward again: into version 2, equal to the source
        ReplaySummary forward = Replayer.replay(logDir, new PostgresTarget(rt.target).intoVersion(CARS, "2"));
        assertThat(forward.notes).noneMatch(n -> n.contains("mapped"));
        rt.assertTargetEqualsSource();
    }

    @Test
    void theRollbackIntoMongoDbGivesVersionOneDocuments() throws Exception {
        history("versions_mongo", logDir);
        String uri = MongoFixture.shared().newDatabaseUri("versions_cars_v1");
        ReplaySummary s;
        try (Connection eval = DriverManager.getConnection(rtServer().newDatabase("versions_mongo_eval"))) {
            s = Replayer.replay(logDir, new VersionedTarget(MongoTarget.builder().target(uri).onUntranslatable(OnUntranslatable.SKIP)
                    .build(), CARS, "1", eval, null));
        }
        assertThat(s.notes).anyMatch(n -> n.contains("statements mapped from version 2 to 1 (cars)"));
        List<String> docs = new ArrayList<>();
        try (MongoClient client = MongoFixture.shared().client()) {
            MongoDatabase db = client.getDatabase(new ConnectionString(uri).getDatabase());
            for (Document d : db.getCollection("cars").find().sort(new Document("_id", 1))) {
                docs.add(d.get("name") + " " + d.get("production_year") + (d.containsKey("production_years") ? " +years" : ""));
            }
        }
        assertThat(docs).containsExactly("Beetle 1938", "2CV 1949", "Golf 1974", "Mini 1959");
    }

    private static io.waly.testing.EmbeddedPostgresServer rtServer() {
        return io.waly.testing.EmbeddedPostgresServer.shared();
    }

    @Test
    void aStatementWithNoStructuredFormIsRefusedNamingIt() throws Exception {
        RoundTrip rt = history("versions_refused", logDir);
        try (Connection c = rt.walyConnection("walyAppVersion=2.1"); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN UPDATE cars SET name = upper(name); END $$");
        }
        String v1 = rt.server.newDatabase("versions_refused_v1");
        assertThatThrownBy(() -> Replayer.replay(logDir, new PostgresTarget(v1).intoVersion(CARS, "1")))
                .isInstanceOf(ReplayException.class)
                .hasMessageContaining("was written under schema version 2 and cannot be mapped to version 1")
                .hasMessageContaining("no structured form (DO) and names the versioned table cars")
                .hasMessageContaining("DO $$ BEGIN UPDATE cars");
        // what was applied before it stays, up to the target's cursor
        assertThat(cars(v1, "production_year")).contains("1 Beetle 1938", "2 2CV 1949");
    }

    @Test
    void ddlOnAVersionedTableThatIsNoMigrationIsRefusedNamingIt() throws Exception {
        RoundTrip rt = history("versions_ddl", logDir);
        try (Connection c = rt.walyConnection("walyAppVersion=2.2"); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE cars ADD COLUMN colour text");   // the columns of no version
        }
        String v1 = rt.server.newDatabase("versions_ddl_v1");
        assertThatThrownBy(() -> Replayer.replay(logDir, new PostgresTarget(v1).intoVersion(CARS, "1")))
                .isInstanceOf(ReplayException.class)
                .hasMessageContaining("it is DDL on the versioned table cars, whose shape in version 1 is the migrations' to make")
                .hasMessageContaining("ALTER TABLE cars ADD COLUMN colour text");
    }

    @Test
    void aMappingThatDoesNotTypeCheckIsRefusedBeforeAnythingIsWritten() throws Exception {
        RoundTrip rt = new RoundTrip("versions_typecheck", logDir);
        flyway(rt, "1").migrate();
        Versions bad = Model.parse(java.nio.file.Files.readString(Path.of("src/test/resources/versions/cars.yaml"))
                .replace("lower(production_years)", "production_years || 'x'"), "bad.yaml").versions();
        String v1 = rt.server.newDatabase("versions_typecheck_v1");
        assertThatThrownBy(() -> Replayer.replay(logDir, new PostgresTarget(v1).intoVersion(bad, "1")))
                .isInstanceOf(ReplayException.class)
                .hasMessageContaining("the down mapping of cars (version 2 → 1, model line 17) does not type-check on the target: "
                        + "production_year is int4, and its expression gives text");
        assertThat(columns(v1)).isEmpty();
    }
}
