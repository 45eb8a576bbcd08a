package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.waly.log.read.LogReader;
import io.waly.testing.MongoFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The model file at the command line: {@code waly replay --follow --model … --route …} gives a MongoDB read model only
 * its route's part of the log and says what the log leaves out; {@code waly stats} and {@code waly inspect} show the
 * policies' decisions.
 */
class PoliciesCommandTest {

    @Test
    void aFollowerTakesItsRouteAndStatsShowsTheDecisions() throws Exception {
        Path dir = ShopLogs.tempDir("waly-cli-policies");
        Path model = dir.resolve("model.yaml");
        Files.writeString(model, """
                tables:
                  accounts: {columns: [id, email]}
                  audit: {}
                  sessions: {}
                policies:
                  rules:
                    - {name: no-unbounded-delete, match: {kind: DELETE, where: unbounded}, action: deny}
                    - {name: audit-watch, match: {tables: [audit]}, action: warn}
                  record:
                    sessions: {log: false}
                  routes:
                    read-model: {tables: [accounts], kinds: [CREATE TABLE, INSERT, UPDATE, DELETE]}
                """);
        Path log = dir.resolve("log");
        String source = ShopLogs.newDatabase("cli_policies");
        try (Connection c = DriverManager.getConnection(ShopLogs.walyUrl(source, log) + "&walyModel=" + model);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id int PRIMARY KEY, email text)");
            s.execute("CREATE TABLE audit (id int PRIMARY KEY, what text)");   // warned about too: it writes audit
            s.execute("CREATE TABLE sessions (id int PRIMARY KEY)");
            s.executeUpdate("INSERT INTO accounts VALUES (1, 'a@example.com'), (2, 'b@example.com')");
            s.executeUpdate("INSERT INTO audit VALUES (1, 'created')");
            s.executeUpdate("INSERT INTO sessions VALUES (1)");
            try {
                s.executeUpdate("DELETE FROM accounts WHERE true");
            } catch (SQLException refused) {
                assertThat(refused.getSQLState()).isEqualTo("WY001");
            }
            s.executeUpdate("DELETE FROM accounts WHERE id = 2");
        }
        long last = 0;
        try (LogReader r = LogReader.open(log)) {
            while (r.next() != null) last = r.nextSeq() - 1;
        }
        String uri = MongoFixture.shared().newDatabaseUri("cli_route");
        Cli.Run replay = Cli.run("replay", "--log", log.toString(), "--target", uri, "--follow", "--to-seq", String.valueOf(last),
                "--model", model.toString(), "--route", "read-model");
        assertThat(replay.exitCode()).as(replay.toString()).isZero();
        assertThat(replay.out()).contains("statements not on the route").contains("route read-model")
                .contains("table sessions is not in this log");
        try (MongoClient client = MongoFixture.shared().client()) {
            MongoDatabase db = client.getDatabase(new ConnectionString(uri).getDatabase());
            assertThat(db.getCollection("accounts").countDocuments()).isEqualTo(1);
            assertThat(db.listCollectionNames().into(new java.util.ArrayList<>())).doesNotContain("audit", "sessions");
        }

        Cli.Run stats = Cli.run("stats", "--log", log.toString());
        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        assertThat(stats.out()).contains("policies      audit-watch 2 warned; no-unbounded-delete 1 refused")
                .contains("left out      table sessions is not in this log");
        Cli.Run inspect = Cli.run("inspect", "--log", log.toString());
        assertThat(inspect.out()).contains("refused by rule no-unbounded-delete").contains("DELETE FROM accounts WHERE true");

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "policies:\n  routes:\n    r: {tables: [nowhere]}\n");
        Cli.Run refused = Cli.run("replay", "--log", log.toString(), "--dry-run", "--model", bad.toString(), "--route", "r");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("line 3").contains("unknown table nowhere");
    }
}
