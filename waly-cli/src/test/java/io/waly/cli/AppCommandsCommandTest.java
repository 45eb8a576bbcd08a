package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.waly.jdbc.WalyCall;
import io.waly.mongo.translate.CommandTranslator;
import io.waly.mongo.translate.Json;
import io.waly.testing.MongoFixture;
import io.waly.testing.RowsAndDocuments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A shop written with application commands — some called (SQL and the Java API), some recognised from the plain SQL of
 * older code — shown by {@code waly inspect} and {@code waly stats} in the domain's language, and replayed into
 * PostgreSQL and into MongoDB equal to the source, row for row and document for document.
 */
class AppCommandsCommandTest {

    static final String MODEL = """
            tables:
              customer: {columns: [id, email, plan]}
              orders: {columns: [id, customer, total, status]}
            commands:
              CREATE_ACCOUNT:
                args: {id: integer, email: text, plan: text}
                postgres:
                  - INSERT INTO customer(id, email, plan) VALUES (:id, :email, :plan)
                recognise:
                  - INSERT INTO customer(id, email, plan) VALUES (:id, :email, :plan)
              PLACE_ORDER:
                args: {id: integer, customer: integer, total: numeric}
                postgres:
                  - INSERT INTO orders(id, customer, total, status) VALUES (:id, :customer, :total, 'placed')
                  - "UPDATE customer SET plan = 'buyer' WHERE id = :customer AND plan = 'free'"
              CANCEL_ORDER:
                args: {id: integer}
                postgres:
                  - "UPDATE orders SET status = 'cancelled' WHERE id = :id"
                recognise:
                  - "UPDATE orders SET status = 'cancelled' WHERE id = :id"
            """;

    @Test
    void theLogSpeaksTheDomainsLanguageAndReplaysIntoPostgresAndMongoDb() throws Exception {
        Path dir = ShopLogs.tempDir("waly-cli-commands");
        Path model = dir.resolve("model.yaml");
        Files.writeString(model, MODEL);
        Path log = dir.resolve("log");
        String source = ShopLogs.newDatabase("cli_commands");
        try (Connection c = DriverManager.getConnection(ShopLogs.walyUrl(source, log) + "&walyModel=" + model);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customer (id int PRIMARY KEY, email text UNIQUE, plan text)");
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, customer int REFERENCES customer, total numeric(10,2), status text)");
            s.execute("CALL waly.create_account(1, 'ada@example.com', 'free')");
            WalyCall.of("CREATE_ACCOUNT").arg("id", 2).arg("email", "bob@example.com").arg("plan", "pro").run(c);
            // the old code's plain SQL, recognised
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO customer (id, email, plan) VALUES (?, ?, ?)")) {
                ps.setInt(1, 3);
                ps.setString(2, "cy@example.com");
                ps.setString(3, "free");
                ps.executeUpdate();
            }
            c.setAutoCommit(false);
            WalyCall.of("PLACE_ORDER").arg("id", 10).arg("customer", 1).arg("total", new java.math.BigDecimal("19.90")).run(c);
            s.execute("CALL waly.place_order(id => 11, customer => 3, total => 5)");
            c.commit();
            WalyCall.of("PLACE_ORDER").arg("id", 12).arg("customer", 2).arg("total", 7).run(c);
            c.rollback();   // not in the database, not replayed
            c.setAutoCommit(true);
            s.executeUpdate("UPDATE orders SET status = 'cancelled' WHERE id = 11");
        }

        Cli.Run inspect = Cli.run("inspect", "--log", log.toString(), "--command", "place_order");
        assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
        assertThat(inspect.out())
                .contains("PLACE_ORDER id=10 customer=1 total=19.90 (called, 2 statements")
                .contains("PLACE_ORDER id=11 customer=3 total=5 (called, 2 statements")
                .contains("INSERT INTO orders(id, customer, total, status) VALUES (?, ?, ?, 'placed')")
                .contains("UPDATE customer SET plan = 'buyer'")
                .doesNotContain("CREATE_ACCOUNT").doesNotContain("INSERT INTO customer");
        Cli.Run all = Cli.run("inspect", "--log", log.toString(), "--kind", "COMMAND");
        assertThat(all.out()).contains("CREATE_ACCOUNT id=1 email='ada@example.com' plan='free' (called, 1 statement")
                .contains("CREATE_ACCOUNT id=3 email='cy@example.com' plan='free' (recognised, 1 statement")
                .contains("CANCEL_ORDER id=11 (recognised");
        Cli.Run stats = Cli.run("stats", "--log", log.toString());
        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        assertThat(stats.out()).contains("app commands  CANCEL_ORDER 1 (recognised), CREATE_ACCOUNT 3 (2 called, 1 recognised), "
                + "PLACE_ORDER 2, 1 more rolled back");

        String pgTarget = ShopLogs.newDatabase("cli_commands_dst");
        Cli.Run toPg = Cli.run("replay", "--log", log.toString(), "--target", pgTarget);
        assertThat(toPg.exitCode()).as(toPg.toString()).isZero();
        assertThat(ShopLogs.checksums(pgTarget)).isEqualTo(ShopLogs.checksums(source));

        String uri = MongoFixture.shared().newDatabaseUri("cli_commands");
        Cli.Run toMongo = Cli.run("replay", "--log", log.toString(), "--target", uri);
        assertThat(toMongo.exitCode()).as(toMongo.toString()).isZero();
        try (Connection pg = DriverManager.getConnection(source); MongoClient client = MongoFixture.shared().client()) {
            MongoDatabase db = client.getDatabase(new ConnectionString(uri).getDatabase());
            for (String table : List.of("customer", "orders")) {
                assertThat(RowsAndDocuments.differences(pg, db, table, CommandTranslator.MARKER, Json::parse)).as(table).isEmpty();
                assertThat(db.getCollection(table).countDocuments()).as(table).isEqualTo(table.equals("customer") ? 3 : 2);
            }
        }
    }

    @Test
    void aStatementMongoDbCannotTakeIsRefusedNamingItsCommand() throws Exception {
        Path dir = ShopLogs.tempDir("waly-cli-commands-mongo");
        Path model = dir.resolve("model.yaml");
        Files.writeString(model, """
                tables:
                  item: {columns: [id, n]}
                  copy: {columns: [id, n]}
                commands:
                  SNAPSHOT_ITEMS:
                    postgres: ["INSERT INTO copy(id, n) VALUES (0, 0)"]
                    recognise: ["WITH src AS (SELECT id, n FROM item) INSERT INTO copy SELECT id, n FROM src"]
                """);
        Path log = dir.resolve("log");
        String source = ShopLogs.newDatabase("cli_commands_untranslatable");
        try (Connection c = DriverManager.getConnection(ShopLogs.walyUrl(source, log) + "&walyModel=" + model);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item (id int PRIMARY KEY, n int)");
            s.execute("INSERT INTO item VALUES (1, 1), (2, 2)");
            s.execute("CREATE TABLE copy (id int PRIMARY KEY, n int)");
            // re-run at replay, not logged with rows: MongoDB cannot re-run its SELECT
            s.execute("WITH src AS (SELECT id, n FROM item) INSERT INTO copy SELECT id, n FROM src");
        }
        String uri = MongoFixture.shared().newDatabaseUri("cli_commands_untranslatable");
        Cli.Run stop = Cli.run("replay", "--log", log.toString(), "--target", uri);
        assertThat(stop.exitCode()).as(stop.toString()).isEqualTo(1);
        assertThat(stop.err()).contains("no exact MongoDB translation").contains("application command SNAPSHOT_ITEMS()");
    }

    /**
     * A read model in MongoDB shaped otherwise than the tables: each customer carries its orders and what it spent. The
     * tables' DDL is translated as always (a unique index on each key), so the documents carry their key as a field too.
     */
    static final String DENORMALISED = """
            tables:
              customer: {columns: [id, email, plan]}
              orders: {columns: [id, customer, total, status]}
            commands:
              CREATE_ACCOUNT:
                args: {id: integer, email: text, plan: text}
                postgres:
                  - INSERT INTO customer(id, email, plan) VALUES (:id, :email, :plan)
                mongo:
                  - insertOne: customer
                    document: {_id: ':id', id: ':id', email: ':email', plan: ':plan', orders: [], spent: 0}
              PLACE_ORDER:
                args: {id: integer, customer: integer, total: numeric}
                postgres:
                  - INSERT INTO orders(id, customer, total, status) VALUES (:id, :customer, :total, 'placed')
                  - "UPDATE customer SET plan = 'buyer' WHERE id = :customer AND plan = 'free'"
                mongo:
                  - insertOne: orders
                    document: {_id: ':id', id: ':id', customer: ':customer', total: ':total', status: placed}
                  - updateOne: customer
                    filter: {_id: ':customer'}
                    update: {$push: {orders: ':id'}, $inc: {spent: ':total'}}
                  - updateOne: customer
                    filter: {_id: ':customer', plan: free}
                    update: {$set: {plan: buyer}}
              CANCEL_ORDER:
                args: {id: integer}
                postgres:
                  - "UPDATE orders SET status = 'cancelled' WHERE id = :id"
                recognise:
                  - "UPDATE orders SET status = 'cancelled' WHERE id = :id"
                mongo:
                  - updateOne: orders
                    filter: {_id: ':id'}
                    update: {$set: {status: cancelled}}
                  - updateMany: customer
                    filter: {orders: ':id'}
                    update: {$pull: {orders: ':id'}}
            """;

    @Test
    void commandsWithMongoDbBodiesOfTheirOwnReplayAsThoseBodies() throws Exception {
        Path dir = ShopLogs.tempDir("waly-cli-commands-own");
        Path model = dir.resolve("model.yaml");
        Files.writeString(model, DENORMALISED);
        Path log = dir.resolve("log");
        String source = ShopLogs.newDatabase("cli_commands_own");
        try (Connection c = DriverManager.getConnection(ShopLogs.walyUrl(source, log) + "&walyModel=" + model);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customer (id int PRIMARY KEY, email text UNIQUE, plan text)");
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, customer int REFERENCES customer, total numeric(10,2), status text)");
            s.execute("CALL waly.create_account(1, 'ada@example.com', 'free')");
            WalyCall.of("CREATE_ACCOUNT").arg("id", 2L).arg("email", "bob@example.com").arg("plan", "pro").run(c);
            c.setAutoCommit(false);
            // two bodies for one customer in one transaction: the second's operations must not be taken for the first's
            WalyCall.of("PLACE_ORDER").arg("id", 10).arg("customer", 1).arg("total", new java.math.BigDecimal("19.90")).run(c);
            s.execute("CALL waly.place_order(id => 11, customer => 1, total => 5)");
            s.execute("UPDATE customer SET email = 'ada@example.org' WHERE id = 1");   // no command: translated
            c.commit();
            WalyCall.of("PLACE_ORDER").arg("id", 12).arg("customer", 2).arg("total", 7).run(c);
            c.rollback();   // not in the database, not replayed
            c.setAutoCommit(true);
            s.executeUpdate("UPDATE orders SET status = 'cancelled' WHERE id = 11");   // recognised as CANCEL_ORDER
        }

        String uri = MongoFixture.shared().newDatabaseUri("cli_commands_own");
        Cli.Run toMongo = Cli.run("replay", "--log", log.toString(), "--target", uri, "--model", model.toString());
        assertThat(toMongo.exitCode()).as(toMongo.toString()).isZero();
        assertThat(toMongo.out()).contains("5 application commands applied by their MongoDB body of their own");
        try (MongoClient client = MongoFixture.shared().client()) {
            MongoDatabase db = client.getDatabase(new ConnectionString(uri).getDatabase());
            assertThat(documents(db, "customer")).containsExactly(
                    "{\"_id\": 1, \"id\": 1, \"email\": \"ada@example.org\", \"plan\": \"buyer\", \"orders\": [10], "
                            + "\"spent\": {\"$numberDecimal\": \"24.90\"}}",
                    "{\"_id\": 2, \"id\": 2, \"email\": \"bob@example.com\", \"plan\": \"pro\", \"orders\": [], \"spent\": 0}");
            assertThat(documents(db, "orders")).containsExactly(
                    "{\"_id\": 10, \"id\": 10, \"customer\": 1, \"total\": {\"$numberDecimal\": \"19.90\"}, \"status\": \"placed\"}",
                    "{\"_id\": 11, \"id\": 11, \"customer\": 1, \"total\": {\"$numberDecimal\": \"5\"}, \"status\": \"cancelled\"}");
        }

        // without the model, the same log replays as the translation of the statements: the tables' shape
        String plain = MongoFixture.shared().newDatabaseUri("cli_commands_own_plain");
        Cli.Run translated = Cli.run("replay", "--log", log.toString(), "--target", plain);
        assertThat(translated.exitCode()).as(translated.toString()).isZero();
        try (Connection pg = DriverManager.getConnection(source); MongoClient client = MongoFixture.shared().client()) {
            MongoDatabase db = client.getDatabase(new ConnectionString(plain).getDatabase());
            for (String table : List.of("customer", "orders")) {
                assertThat(RowsAndDocuments.differences(pg, db, table, CommandTranslator.MARKER, Json::parse)).as(table).isEmpty();
            }
        }
    }

    @Test
    void aCommandRunsAndReplaysTheBodyOfTheSchemaVersionItWasWrittenUnder() throws Exception {
        Path dir = ShopLogs.tempDir("waly-cli-commands-versions");
        Path model = dir.resolve("model.yaml");
        Files.writeString(model, """
                tables:
                  cars: {}
                versions:
                  - version: 1
                    appVersions: ["1.*"]
                    tables:
                      cars: {columns: {id: int8, name: text, production_year: int4}}
                  - version: 2
                    appVersions: ["2.*"]
                    tables:
                      cars:
                        columns: {id: int8, name: text, production_years: int4multirange}
                        up: {production_years: "int4multirange(int4range(production_year, production_year, '[]'))"}
                        down: {production_year: "lower(production_years)"}
                        lossy: production_year keeps the first year
                commands:
                  ADD_CAR:
                    args: {id: bigint, name: text, year: integer}
                    postgres: ["INSERT INTO cars(id, name, production_year) VALUES (:id, :name, :year)"]
                    mongo:
                      - insertOne: cars
                        document: {_id: ':id', id: ':id', name: ':name', year: ':year'}
                    versions:
                      "2":
                        postgres: ["INSERT INTO cars(id, name, production_years) VALUES (:id, :name, int4multirange(int4range(:year, :year, '[]')))"]
                        mongo:
                          - insertOne: cars
                            document: {_id: ':id', id: ':id', name: ':name', years: [':year']}
                """);
        Path log = dir.resolve("log");
        String source = ShopLogs.newDatabase("cli_commands_versions");
        String url = ShopLogs.walyUrl(source, log) + "&walyModel=" + model;
        try (Connection c = DriverManager.getConnection(url + "&walyAppVersion=1.0"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE cars (id int8 PRIMARY KEY, name text, production_year int4)");
            s.execute("CALL waly.add_car(1, 'Model T', 1908)");
        }
        try (Connection c = DriverManager.getConnection(url + "&walyAppVersion=2.0"); Statement s = c.createStatement()) {
            c.setAutoCommit(false);   // the migration to version 2
            s.execute("ALTER TABLE cars ADD COLUMN production_years int4multirange");
            s.execute("UPDATE cars SET production_years = '{[1908,1909)}' WHERE id = 1");
            s.execute("ALTER TABLE cars DROP COLUMN production_year");
            c.commit();
            c.setAutoCommit(true);
            // version 2's body: version 1's would fail, its column is gone
            s.execute("CALL waly.add_car(2, 'Beetle', 1938)");
        }
        try (Connection pg = DriverManager.getConnection(source); Statement s = pg.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT id, production_years::text FROM cars ORDER BY id")) {
            List<String> rows = new java.util.ArrayList<>();
            while (rs.next()) rows.add(rs.getLong(1) + " " + rs.getString(2));
            assertThat(rows).containsExactly("1 {[1908,1909)}", "2 {[1938,1939)}");
        }

        String pgTarget = ShopLogs.newDatabase("cli_commands_versions_dst");
        Cli.Run toPg = Cli.run("replay", "--log", log.toString(), "--target", pgTarget, "--model", model.toString());
        assertThat(toPg.exitCode()).as(toPg.toString()).isZero();
        assertThat(ShopLogs.checksums(pgTarget)).isEqualTo(ShopLogs.checksums(source));

        String uri = MongoFixture.shared().newDatabaseUri("cli_commands_versions");
        Cli.Run toMongo = Cli.run("replay", "--log", log.toString(), "--target", uri, "--model", model.toString());
        assertThat(toMongo.exitCode()).as(toMongo.toString()).isZero();
        try (MongoClient client = MongoFixture.shared().client()) {
            MongoDatabase db = client.getDatabase(new ConnectionString(uri).getDatabase());
            assertThat(documents(db, "cars")).containsExactly(
                    "{\"_id\": 1, \"id\": 1, \"name\": \"Model T\", \"year\": 1908, \"production_years\": \"{[1908,1909)}\"}",
                    "{\"_id\": 2, \"id\": 2, \"name\": \"Beetle\", \"years\": [1938]}");
        }

        // into version 1: the migration is left out, and the command written under version 2 runs version 1's body
        String v1 = ShopLogs.newDatabase("cli_commands_versions_v1");
        Cli.Run toV1 = Cli.run("replay", "--log", log.toString(), "--target", v1, "--model", model.toString(), "--schema-version", "1");
        assertThat(toV1.exitCode()).as(toV1.toString()).isZero();
        assertThat(toV1.out()).contains("1 application commands run by the body of the target's schema version");
        try (Connection pg = DriverManager.getConnection(v1); Statement s = pg.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT id, name, production_year FROM cars ORDER BY id")) {
            List<String> rows = new java.util.ArrayList<>();
            while (rs.next()) rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getInt(3));
            assertThat(rows).containsExactly("1 Model T 1908", "2 Beetle 1938");
        }
        String mongoV1 = MongoFixture.shared().newDatabaseUri("cli_commands_versions_v1");
        Cli.Run toMongoV1 = Cli.run("replay", "--log", log.toString(), "--target", mongoV1, "--model", model.toString(),
                "--schema-version", "1");
        assertThat(toMongoV1.exitCode()).as(toMongoV1.toString()).isZero();
        try (MongoClient client = MongoFixture.shared().client()) {
            MongoDatabase db = client.getDatabase(new ConnectionString(mongoV1).getDatabase());
            assertThat(documents(db, "cars")).containsExactly(
                    "{\"_id\": 1, \"id\": 1, \"name\": \"Model T\", \"year\": 1908}",
                    "{\"_id\": 2, \"id\": 2, \"name\": \"Beetle\", \"year\": 1938}");
        }
    }

    /** The collection's documents by _id, as JSON without WAL-y's marker. */
    private static List<String> documents(MongoDatabase db, String collection) {
        List<String> out = new java.util.ArrayList<>();
        for (org.bson.Document d : db.getCollection(collection).find().sort(new org.bson.Document("_id", 1))) {
            d.remove(CommandTranslator.MARKER);
            out.add(d.toJson());
        }
        return out;
    }
}
