package io.waly.cli.demo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.waly.cli.support.AppCommandCounts;
import io.waly.embedded.InMemoryMongoServer;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.log.LogRecord;
import io.waly.log.RecordReader;
import io.waly.log.read.DirectoryLog;
import io.waly.log.replay.ReplayException;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.Replayer;
import io.waly.model.Model;
import io.waly.mongo.MongoTarget;
import io.waly.mongo.translate.CommandTranslator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bson.Document;

/**
 * The demo's third act, application commands: a loyalty programme whose new code calls commands ({@code CALL
 * waly.join(…)}, {@code CALL waly.award_points(…)}) while its old code keeps sending plain SQL that the model
 * recognises as commands. The log speaks the programme's language; replayed into PostgreSQL it equals the source, and
 * into MongoDB — where AWARD_POINTS runs a body of its own, an {@code $inc} — every document equals its row.
 */
public final class CommandsAct {
    /** The model the act declares: three commands, two of them recognised from the old code's statements. */
    public static final String MODEL = """
            tables:
              member: {columns: [id, email, tier, points]}
              award: {columns: [id, member, points, reason]}
            commands:
              JOIN:
                args: {id: integer, email: text}
                postgres: ["INSERT INTO member(id, email, tier, points) VALUES (:id, :email, 'basic', 0)"]
                recognise: ["INSERT INTO member(id, email, tier, points) VALUES (:id, :email, 'basic', 0)"]
              AWARD_POINTS:
                args: {id: integer, member: integer, points: integer, reason: text}
                postgres:
                  - INSERT INTO award(id, member, points, reason) VALUES (:id, :member, :points, :reason)
                  - UPDATE member SET points = points + :points WHERE id = :member
                mongo:
                  - insertOne: award
                    document: {_id: ':id', id: ':id', member: ':member', points: ':points', reason: ':reason'}
                  - updateOne: member
                    filter: {_id: ':member'}
                    update: {$inc: {points: ':points'}}
              UPGRADE:
                args: {member: integer, tier: text}
                postgres: ["UPDATE member SET tier = :tier WHERE id = :member"]
                recognise: ["UPDATE member SET tier = :tier WHERE id = :member"]
            """;

    private static final List<String> TABLES = List.of("member", "award");

    private CommandsAct() {}

    /**
     * Runs the act against {@code newDatabase} (a fresh database per call), with its model and log in {@code dir}; each
     * step is told through {@code step}. True when both replays equal the source.
     */
    public static boolean run(Supplier<String> newDatabase, Path dir, Consumer<String> step) throws SQLException, IOException {
        Path modelFile = dir.resolve("model.yaml");
        Files.writeString(modelFile, MODEL);
        Path logDir = dir.resolve("log");
        String source = newDatabase.get();
        String waly = source.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir + "&walyModel=" + modelFile;
        boolean refused = false;
        try (Connection c = DriverManager.getConnection(waly); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE member (id int PRIMARY KEY, email text UNIQUE NOT NULL, tier text NOT NULL, "
                    + "points int NOT NULL CHECK (points >= 0))");
            s.execute("CREATE TABLE award (id int PRIMARY KEY, member int NOT NULL REFERENCES member, points int NOT NULL, reason text)");
            // the old sign-up code, unchanged: its INSERT is recognised as JOIN
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO member (id, email, tier, points) VALUES (?, ?, 'basic', 0)")) {
                for (int i = 1; i <= 4; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "member" + i + "@example.com");
                    ps.executeUpdate();
                }
            }
            s.execute("CALL waly.join(5, 'eve@example.com')");   // the new code calls the command
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("CALL waly.award_points(?, ?, ?, ?)")) {
                for (int j = 1; j <= 8; j++) {
                    ps.setInt(1, j);
                    ps.setInt(2, j % 5 + 1);
                    ps.setInt(3, 10 * j);
                    ps.setString(4, j % 2 == 0 ? "order" : "review");
                    ps.executeUpdate();
                }
            }
            c.commit();
            s.execute("CALL waly.award_points(id => 9, member => 1, points => 500, reason => 'typo')");
            c.rollback();   // never committed: not replayed
            c.setAutoCommit(true);
            try {
                s.execute("CALL waly.award_points(id => 10, member => 2, points => -1000, reason => 'refund')");
            } catch (SQLException e) {
                refused = true;   // below zero: the CHECK refuses the body, and the command is rolled back
            }
            s.executeUpdate("UPDATE member SET tier = 'gold' WHERE id = 2");   // the old admin code: recognised as UPGRADE
        }
        AppCommandCounts counts = new AppCommandCounts();
        try (RecordReader r = new DirectoryLog(logDir).open()) {
            LogRecord rec;
            while ((rec = r.next()) != null) counts.accept(rec);
        }
        step.accept("Application commands: a loyalty programme's new code calls them (CALL waly.join, CALL waly.award_points), "
                + "its old code's plain SQL is recognised (INSERT INTO member → JOIN, UPDATE member SET tier → UPGRADE)"
                + (refused ? "; a call refused by a CHECK rolled back" : ""));
        step.accept("waly stats: app commands  " + counts.line());

        String replica = newDatabase.get();
        ReplaySummary pg;
        try {
            pg = Replayer.replay(logDir, new PostgresTarget(replica));
        } catch (ReplayException e) {
            step.accept("Commands into PostgreSQL: replay stopped: " + e.getMessage());
            return false;
        }
        List<String> differ;
        try (Connection s = DriverManager.getConnection(source); Connection t = DriverManager.getConnection(replica)) {
            differ = TableChecksums.differences(TableChecksums.of(s), TableChecksums.of(t));
        }
        boolean ok = differ.isEmpty() && refused;
        step.accept(differ.isEmpty()
                ? String.format(Locale.ROOT, "Commands into PostgreSQL: waly replay, %d transactions; member and award equal the "
                        + "source (the rolled-back and the refused calls left out)", pg.transactions)
                : "Commands into PostgreSQL: the replay DIFFERS from the source: " + String.join(", ", differ));

        try (InMemoryMongoServer mongo = InMemoryMongoServer.start()) {
            String uri = mongo.newDatabaseUri("loyalty");
            ReplaySummary m = Replayer.replay(logDir, ReplayOptions.builder().build(), MongoTarget.builder().target(uri)
                    .commandBodies(Model.load(modelFile).commands().bodies(null)).build());
            // the 8 committed AWARD_POINTS ran their own body, not the translation of their statements
            boolean ownBodies = m.notes.contains("8 application commands applied by their MongoDB body of their own");
            List<String> docDiffer = new ArrayList<>();
            long documents = 0;
            try (MongoClient client = MongoClients.create(uri); Connection pgc = DriverManager.getConnection(source)) {
                MongoDatabase db = client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase());
                for (String table : TABLES) {
                    documents += db.getCollection(table).countDocuments();
                    docDiffer.addAll(differences(pgc, db, table));
                }
            }
            ok &= docDiffer.isEmpty() && ownBodies;
            step.accept(docDiffer.isEmpty() && ownBodies
                    ? String.format(Locale.ROOT, "Commands into MongoDB: waly replay --model, AWARD_POINTS by its own body "
                            + "(insertOne, $inc), the rest translated: %d documents, each equal to its row of the source", documents)
                    : "Commands into MongoDB: " + (ownBodies ? "" : "AWARD_POINTS did not run its own body (" + m.notes + "); ")
                            + (docDiffer.isEmpty() ? "" : "documents DIFFER from the rows: " + String.join("; ", docDiffer)));
        } catch (ReplayException e) {
            step.accept("Commands into MongoDB: replay stopped: " + e.getMessage());
            return false;
        }
        return ok;
    }

    /**
     * Each row of {@code table} against the document whose {@code _id} is its id, field for field by their text (the
     * act's columns are integers and text), and no document without its row.
     */
    static List<String> differences(Connection pg, MongoDatabase db, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        Set<Object> ids = new HashSet<>();
        try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Object id = rs.getObject("id");
                ids.add(id);
                Document d = db.getCollection(table).find(new Document("_id", id)).first();
                if (d == null) {
                    out.add(table + " " + id + ": no document");
                    continue;
                }
                Set<String> fields = new HashSet<>(d.keySet());
                fields.remove("_id");
                fields.remove(CommandTranslator.MARKER);
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String col = md.getColumnName(i);
                    fields.remove(col);
                    String want = String.valueOf(rs.getObject(i));
                    String got = String.valueOf(d.get(col));
                    if (!want.equals(got)) out.add(table + " " + id + " " + col + ": row " + want + ", document " + got);
                }
                if (!fields.isEmpty()) out.add(table + " " + id + ": the document has fields the row has not: " + fields);
            }
        }
        long docs = db.getCollection(table).countDocuments();
        if (docs != ids.size()) out.add(table + ": " + docs + " documents for " + ids.size() + " rows");
        return out;
    }
}
