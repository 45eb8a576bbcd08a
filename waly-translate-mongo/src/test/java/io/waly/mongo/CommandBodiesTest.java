package io.waly.mongo;

import static io.waly.mongo.MongoTargetTest.db;
import static io.waly.mongo.MongoTargetTest.docs;
import static io.waly.mongo.MongoTargetTest.replay;
import static io.waly.mongo.MongoTargetTest.target;
import static io.waly.mongo.TestLog.create;
import static io.waly.mongo.TestLog.delete;
import static io.waly.mongo.TestLog.eq;
import static io.waly.mongo.TestLog.insert;
import static io.waly.mongo.TestLog.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.command.Value;
import io.waly.log.replay.CommandBodies;
import io.waly.log.replay.CommandBodies.DocumentOp;
import io.waly.log.replay.ReplayException;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.Replayer;
import io.waly.testing.MongoFixture;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application commands with MongoDB bodies of their own ({@link CommandBodies}): run once in place of their statements,
 * marked so that a re-run changes nothing twice, left out with a savepoint rolled back to, and named when they fail.
 */
class CommandBodiesTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        MongoTargetTest.start();
    }

    /** ENROL(student, course): a student document counts its courses; an enrolment document without _id. */
    static final CommandBodies BODIES = (command, tx) -> switch (command.name()) {
        case "ENROL" -> List.of(
                new DocumentOp(DocumentOp.Kind.INSERT_ONE, "enrolment", null,
                        map("student", command.args().get("student"), "course", command.args().get("course")), "ENROL, line 1"),
                new DocumentOp(DocumentOp.Kind.UPDATE_ONE, "student", map("_id", command.args().get("student")),
                        map("$inc", map("courses", Value.int4(1)), "$push", map("took", command.args().get("course"))), "ENROL, line 2"));
        case "CLOSE_COURSE" -> List.of(
                new DocumentOp(DocumentOp.Kind.DELETE_MANY, "enrolment", map("course", command.args().get("course")), null, "CLOSE_COURSE, line 3"),
                new DocumentOp(DocumentOp.Kind.UPDATE_MANY, "student", map("took", command.args().get("course")),
                        map("$inc", map("courses", Value.int4(-1)), "$pull", map("took", command.args().get("course"))), "CLOSE_COURSE, line 4"),
                new DocumentOp(DocumentOp.Kind.DELETE_ONE, "course", map("_id", command.args().get("course")), null, "CLOSE_COURSE, line 5"));
        case "BAD" -> List.of(new DocumentOp(DocumentOp.Kind.INSERT_ONE, "course", null,
                map("_id", Value.numeric(new BigDecimal("1" + "0".repeat(40) + ".5"))), "BAD, line 6"));
        default -> null;
    };

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private void writeSchool(TestLog log) {
        log.auto("CREATE TABLE student …", create("student", "id int primary key, courses int"));
        log.auto("CREATE TABLE course …", create("course", "id text primary key"));
        log.auto("INSERT …", insert("student", List.of("id", "courses"), 1, 0));
        log.auto("INSERT …", insert("student", List.of("id", "courses"), 2, 0));
        log.auto("INSERT …", insert("course", List.of("id"), "math"));
        log.auto("INSERT …", insert("course", List.of("id"), "art"));
        // two commands for one student in one transaction, each of two statements: the second's operations must not be
        // taken for the first's already applied (markers); the statements themselves are never translated
        log.begin()
                .command("ENROL", Map.of("student", Value.int4(1), "course", Value.text("math")), 2)
                .exec("INSERT INTO enrolment …", insert("enrolment", List.of("student", "course"), 1, "math"))
                .exec("UPDATE student SET courses = courses + 1 …", update("student", eq("id", 1), "courses", 99))
                .command("ENROL", Map.of("student", Value.int4(1), "course", Value.text("art")), 2)
                .exec("INSERT INTO enrolment …", insert("enrolment", List.of("student", "course"), 1, "art"))
                .exec("UPDATE student SET courses = courses + 1 …", update("student", eq("id", 1), "courses", 99))
                .commit();
        // rolled back to its savepoint: not run
        log.begin()
                .savepoint("s")
                .command("ENROL", Map.of("student", Value.int4(2), "course", Value.text("math")), 1)
                .exec("INSERT INTO enrolment …", insert("enrolment", List.of("student", "course"), 2, "math"))
                .rollbackTo("s")
                .command("ENROL", Map.of("student", Value.int4(2), "course", Value.text("art")), 1)
                .exec("INSERT INTO enrolment …", insert("enrolment", List.of("student", "course"), 2, "art"))
                .commit();
        log.begin()
                .command("CLOSE_COURSE", Map.of("course", Value.text("math")), 1)
                .exec("DELETE FROM course WHERE id = 'math'", delete("course", eq("id", "math")))
                .commit();
    }

    @Test
    void bodiesRunOnceInPlaceOfTheirStatementsAndARerunChangesNothingTwice() throws Exception {
        try (TestLog log = TestLog.open(dir)) {
            writeSchool(log);
        }
        String uri = MongoFixture.shared().newDatabaseUri("bodies");
        ReplaySummary s = replay(dir, target(uri).commandBodies(BODIES));
        assertThat(s.notes).contains("4 application commands applied by their MongoDB body of their own");
        assertThat(docs(uri, "student")).containsExactly(
                Map.entry("1", "{\"_id\": 1, \"id\": 1, \"courses\": 1, \"took\": [\"art\"]}"),
                Map.entry("2", "{\"_id\": 2, \"id\": 2, \"courses\": 1, \"took\": [\"art\"]}"));
        assertThat(docs(uri, "course").values()).containsExactly("{\"_id\": \"art\", \"id\": \"art\"}");   // deleteOne
        Map<String, String> enrolments = docs(uri, "enrolment");
        assertThat(enrolments.values()).hasSize(2).allSatisfy(d -> assertThat(d).contains("\"course\": \"art\""));

        // what a crash between a batch's writes and its cursor leaves, at its worst: everything applied again
        db(uri).getCollection("waly_cursor").drop();
        Replayer.replay(dir, ReplayOptions.builder().force(true).build(), target(uri).commandBodies(BODIES).build());
        assertThat(docs(uri, "student")).containsExactly(
                Map.entry("1", "{\"_id\": 1, \"id\": 1, \"courses\": 1, \"took\": [\"art\"]}"),
                Map.entry("2", "{\"_id\": 2, \"id\": 2, \"courses\": 1, \"took\": [\"art\"]}"));
        assertThat(docs(uri, "enrolment")).isEqualTo(enrolments);   // the derived _ids are the same
    }

    @Test
    void aBodyThatCannotBeAppliedStopsTheReplayNamingItsCommand() throws Exception {
        try (TestLog log = TestLog.open(dir)) {
            log.auto("CREATE TABLE course …", create("course", "id text primary key"));
            log.begin().command("BAD", Map.of(), 1).exec("INSERT …", insert("course", List.of("id"), "x")).commit();
        }
        String uri = MongoFixture.shared().newDatabaseUri("bad_body");
        assertThatThrownBy(() -> replay(dir, target(uri).commandBodies(BODIES)))
                .isInstanceOf(ReplayException.class)
                .hasMessageContaining("more than 34 significant digits")
                .hasMessageContaining("(in the MongoDB body of application command BAD())");
        assertThat(docs(uri, "course")).isEmpty();
    }
}
