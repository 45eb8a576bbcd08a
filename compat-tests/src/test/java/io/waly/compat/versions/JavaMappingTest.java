package io.waly.compat.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.waly.compat.support.RoundTrip;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.jdbc.replay.VersionRoundTrip;
import io.waly.jdbc.replay.VersionedTarget;
import io.waly.log.read.DirectoryLog;
import io.waly.log.replay.ReplayException;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.Replayer;
import io.waly.model.Model;
import io.waly.model.Versions;
import io.waly.mongo.MongoTarget;
import io.waly.mongo.OnUntranslatable;
import io.waly.testing.EmbeddedPostgresServer;
import io.waly.testing.MongoFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step mapped by Java functions ({@link SplitName} up, {@link JoinName} down: a name split at its last space, which
 * SQL would say only clumsily) next to an SQL step (2 → 3, a rename): people written by a version 1 and a version 2
 * application, replayed into each version on PostgreSQL and into version 1 on MongoDB, and the round-trip check.
 */
class JavaMappingTest {

    static final Versions PEOPLE = Model.load(Path.of("src/test/resources/versions/people.yaml")).versions();

    /** The targets are made at their version by hand (the log holds no DDL), so they are not empty. */
    private static final ReplayOptions FORCE = ReplayOptions.builder().force(true).build();

    @TempDir
    Path logDir;

    @TempDir
    Path modelDir;

    /**
     * Version 1 writes, the migration to 2 (made outside WAL-y, so not in the log: a replay target is made at its
     * version by hand), version 2 writes.
     */
    private static RoundTrip history(String name, Path logDir) throws Exception {
        RoundTrip rt = new RoundTrip(name, logDir);
        try (Connection c = rt.sourceConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE people (id int8 PRIMARY KEY, name text, born date)");
        }
        try (Connection c = rt.walyConnection("walyAppVersion=1.0"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO people (id, name, born) VALUES (1, 'Ada Byron', '1815-12-10'), (2, 'Plato', NULL)");
            s.execute("UPDATE people SET name = 'Ada King Lovelace' WHERE id = 1");
        }
        try (Connection c = rt.sourceConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE people ADD COLUMN first_name text, ADD COLUMN last_name text");
            s.execute("UPDATE people SET first_name = coalesce(substring(name from '^(.*) [^ ]*$'), name), "
                    + "last_name = substring(name from ' ([^ ]*)$')");
            s.execute("ALTER TABLE people DROP COLUMN name");
        }
        try (Connection c = rt.walyConnection("walyAppVersion=2.0"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO people (id, first_name, last_name, born) VALUES (3, 'Mary Ann', 'Evans', '1819-11-22')");
            // "Ada" + "van Lovelace" goes down to "Ada van Lovelace", which splits elsewhere on the way up
            s.execute("INSERT INTO people (id, first_name, last_name, born) VALUES (4, 'Ada', 'van Lovelace', NULL)");
        }
        return rt;
    }

    private static List<String> rows(String url, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(rs.getString(i));
                out.add(String.join("|", row));
            }
        }
        return out;
    }

    private static void create(String url, String ddl) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(ddl);
        }
    }

    @Test
    void replayIntoEachVersionRunsTheJavaFunctionsAndTheSqlStepAfterThem() throws Exception {
        RoundTrip rt = history("javamap", logDir);

        String v1 = rt.server.newDatabase("javamap_v1");
        create(v1, "CREATE TABLE people (id int8 PRIMARY KEY, name text, born date)");
        ReplaySummary down = Replayer.replay(logDir, FORCE, new PostgresTarget(v1).intoVersion(PEOPLE, "1"));
        assertThat(down.notes).anyMatch(n -> n.contains("statements mapped from version 2 to 1 (people)"));
        assertThat(rows(v1, "SELECT id, name, born FROM people ORDER BY id")).containsExactly(
                "1|Ada King Lovelace|1815-12-10", "2|Plato|null", "3|Mary Ann Evans|1819-11-22", "4|Ada van Lovelace|null");

        // version 1's writes go up in Java and are then the source's rows
        String v2 = rt.server.newDatabase("javamap_v2");
        create(v2, "CREATE TABLE people (id int8 PRIMARY KEY, born date, first_name text, last_name text)");
        Replayer.replay(logDir, FORCE, new PostgresTarget(v2).intoVersion(PEOPLE, "2"));
        String byId = "SELECT id, first_name, last_name, born FROM people ORDER BY id";
        assertThat(rows(v2, byId)).containsExactlyElementsOf(rows(rt.source, byId));

        // into version 3: Java (1 → 2) then SQL (2 → 3) along the path
        String v3 = rt.server.newDatabase("javamap_v3");
        create(v3, "CREATE TABLE people (id int8 PRIMARY KEY, first_name text, last_name text, birth_date date)");
        Replayer.replay(logDir, FORCE, new PostgresTarget(v3).intoVersion(PEOPLE, "3"));
        assertThat(rows(v3, "SELECT id, first_name, last_name, birth_date FROM people ORDER BY id")).containsExactly(
                "1|Ada King|Lovelace|1815-12-10", "2|Plato|null|null", "3|Mary Ann|Evans|1819-11-22", "4|Ada|van Lovelace|null");
    }

    @Test
    void theRollbackIntoMongoDbRunsTheJavaFunction() throws Exception {
        history("javamap_mongo", logDir);
        String uri = MongoFixture.shared().newDatabaseUri("javamap_v1");
        try (Connection eval = DriverManager.getConnection(EmbeddedPostgresServer.shared().newDatabase("javamap_mongo_eval"))) {
            Replayer.replay(logDir, new VersionedTarget(MongoTarget.builder().target(uri).onUntranslatable(OnUntranslatable.SKIP)
                    .build(), PEOPLE, "1", eval, null));
        }
        List<String> docs = new ArrayList<>();
        try (MongoClient client = MongoFixture.shared().client()) {
            MongoDatabase db = client.getDatabase(new ConnectionString(uri).getDatabase());
            for (Document d : db.getCollection("people").find().sort(new Document("_id", 1))) {
                docs.add(d.get("name") + (d.containsKey("first_name") ? " +first_name" : ""));
            }
        }
        assertThat(docs).containsExactly("Ada King Lovelace", "Plato", "Mary Ann Evans", "Ada van Lovelace");
    }

    @Test
    void theRoundTripCheckRunsTheJavaFunctionsAndNamesARowThatDoesNotComeBack() throws Exception {
        history("javamap_check", logDir);
        try (Connection pg = DriverManager.getConnection(EmbeddedPostgresServer.shared().newDatabase("javamap_check_eval"))) {
            VersionRoundTrip.Result r = new VersionRoundTrip(PEOPLE, pg).check(new DirectoryLog(logDir));
            String up = "the up mapping of people (version 1 → 2, model line 14) then the down mapping of people (version 2 → 1, model line 15)";
            String down = "the down mapping of people (version 2 → 1, model line 15) then the up mapping of people (version 1 → 2, model line 14)";
            // version 1's two rows (their INSERT's images) and version 2's two, each both ways it can go
            assertThat(r.checked()).containsEntry(up, 2L).containsEntry(down, 2L);
            assertThat(r.failures()).hasSize(1);
            assertThat(r.failures().get(0).mappings()).isEqualTo(down);
            assertThat(r.failures().get(0).row()).isEqualTo("(4,Ada,\"van Lovelace\",)");
            assertThat(r.failures().get(0).back()).isEqualTo("(4,\"Ada van\",Lovelace,)");
        }
    }

    @Test
    void anOlderApplicationsWritesAreMappedUpLiveByTheJavaFunction() throws Exception {
        RoundTrip rt = new RoundTrip("javamap_live", logDir);
        String model = "walyModel=" + Path.of("src/test/resources/versions/people-live.yaml").toAbsolutePath();
        try (Connection c = rt.walyConnection(model); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("CREATE TABLE people (id int8 PRIMARY KEY, first_name text, last_name text, born date)");
            s.execute("CALL waly.schema_version('2')");
            c.commit();
        }
        try (Connection v1 = rt.walyConnection(model, "walyAppVersion=1.0"); Statement s = v1.createStatement()) {
            s.execute("INSERT INTO people (id, name, born) VALUES (1, 'Ada King Lovelace', '1815-12-10'), (2, 'Plato', NULL)");
            s.execute("UPDATE people SET name = 'Mary Ann Evans' WHERE id = 2");
            try (ResultSet rs = s.executeQuery("SELECT name FROM people ORDER BY id")) {   // through version 1's view
                List<String> names = new ArrayList<>();
                while (rs.next()) names.add(rs.getString(1));
                assertThat(names).containsExactly("Ada King Lovelace", "Mary Ann Evans");
            }
        }
        assertThat(rows(rt.source, "SELECT id, first_name, last_name, born FROM people ORDER BY id"))
                .containsExactly("1|Ada King|Lovelace|1815-12-10", "2|Mary Ann|Evans|null");
    }

    @Test
    void aNewerApplicationsWritesAreMappedDownLiveByTheJavaFunctionAndMustComeBackUp() throws Exception {
        RoundTrip rt = new RoundTrip("javamap_newer", logDir);
        // the live model the other way: an SQL up (version 2 reads through views made from it), a Java down
        Path newer = modelDir.resolve("people-newer.yaml");
        Files.writeString(newer, Files.readString(Path.of("src/test/resources/versions/people-live.yaml"))
                .replace("up: {java: {class: io.waly.compat.versions.SplitName, reads: [name]}}",
                        "up: {first_name: \"coalesce(substring(name, '^(.*) [^ ]*$'), name)\", last_name: \"substring(name, ' ([^ ]*)$')\"}")
                .replace("down: {name: \"nullif(concat_ws(' ', first_name, last_name), '')\"}", "down: {java: io.waly.compat.versions.JoinName}"));
        String model = "walyModel=" + newer;
        try (Connection c = rt.walyConnection(model); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE people (id int8 PRIMARY KEY, name text, born date)");
            s.execute("CALL waly.schema_version('1')");
        }
        try (Connection v2 = rt.walyConnection(model, "walyAppVersion=2.0"); Statement s = v2.createStatement()) {
            s.execute("INSERT INTO people (id, first_name, last_name, born) VALUES (1, 'Ada King', 'Lovelace', '1815-12-10')");
            // JoinName gives "Ada van Lovelace", which splits elsewhere on the way up: version 1 cannot hold it
            assertThatThrownBy(() -> s.execute("INSERT INTO people (id, first_name, last_name, born) VALUES (2, 'Ada', 'van Lovelace', NULL)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("from schema version 2 (the application's) to version 1 (the database's): version 1 "
                            + "cannot hold what it writes, which would be lost: first_name = Ada would read back as Ada van, "
                            + "last_name = van Lovelace would read back as Lovelace")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
            try (ResultSet rs = s.executeQuery("SELECT id, first_name, last_name, born FROM people")) {   // through its view
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4)).isEqualTo("Ada King|Lovelace|1815-12-10");
                assertThat(rs.next()).isFalse();
            }
        }
        assertThat(rows(rt.source, "SELECT id, name, born FROM people ORDER BY id")).containsExactly("1|Ada King Lovelace|1815-12-10");
    }

    @Test
    void aJavaFunctionThatFailsOnARowRefusesItsStatementNamingIt() throws Exception {
        RoundTrip rt = history("javamap_fails", logDir);
        Versions failing = Model.parse(Files.readString(Path.of("src/test/resources/versions/people.yaml"))
                .replace("JoinName", "FailingName"), "failing.yaml").versions();
        String v1 = rt.server.newDatabase("javamap_fails_v1");
        create(v1, "CREATE TABLE people (id int8 PRIMARY KEY, name text, born date)");
        assertThatThrownBy(() -> Replayer.replay(logDir, FORCE, new PostgresTarget(v1).intoVersion(failing, "1")))
                .isInstanceOf(ReplayException.class)
                .hasMessageContaining("was written under schema version 2 and cannot be mapped to version 1")
                .hasMessageContaining("the down mapping of people (version 2 → 1, model line 15): io.waly.compat.versions.FailingName "
                        + "failed: java.lang.IllegalArgumentException: no single name for Mary Ann")
                .hasMessageContaining("INSERT INTO people (id, first_name, last_name, born) VALUES (3, 'Mary Ann'");
    }

    @Test
    void anOlderApplicationCannotReadThroughAJavaDownMappingAndIsToldWhy() throws Exception {
        RoundTrip rt = new RoundTrip("javamap_noviews", logDir);
        // the live model with its SQL down replaced by a Java one
        String model = "walyModel=" + Path.of("src/test/resources/versions/people-live.yaml").toAbsolutePath();
        Path javaDown = modelDir.resolve("people-java-down.yaml");
        Files.writeString(javaDown, Files.readString(Path.of("src/test/resources/versions/people-live.yaml")).replace(
                "down: {name: \"nullif(concat_ws(' ', first_name, last_name), '')\"}", "down: {java: io.waly.compat.versions.JoinName}"));
        try (Connection c = rt.walyConnection(model); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("CREATE TABLE people (id int8 PRIMARY KEY, first_name text, last_name text, born date)");
            s.execute("CALL waly.schema_version('2')");
            c.commit();
        }
        assertThatThrownBy(() -> {
            try (Connection v1 = rt.walyConnection("walyModel=" + javaDown, "walyAppVersion=1.0"); Statement s = v1.createStatement()) {
                s.executeQuery("SELECT name FROM people").close();
            }
        }).isInstanceOf(SQLException.class)
                .hasMessageContaining("the views of version 1 cannot be made: the down mapping of people (version 2 → 1, model line 17) "
                        + "is a Java function (io.waly.compat.versions.JoinName)")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
    }
}
