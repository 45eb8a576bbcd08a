package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.waly.cli.ShopLogs.ShopLog;
import io.waly.testing.MongoFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code waly replay --target mongodb://…} dispatches to the MongoDB replayer with the same options and exit codes. */
class MongoReplayCommandTest {

    static long rows(String pgUrl, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(pgUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void replaysTheShopIntoMongoDbResumablyWithOneDocumentPerRow() throws Exception {
        ShopLog shop = ShopLogs.shared();
        String uri = MongoFixture.shared().newDatabaseUri("cli_shop");
        Cli.Run first = Cli.run("replay", "--log", shop.log().toString(), "--target", uri, "--stop-after", "20", "--json");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        JsonNode f = ReplayCommandTest.JSON.readTree(first.out());
        assertThat(f.get("transactions").asLong()).isGreaterThanOrEqualTo(20);
        Cli.Run rest = Cli.run("replay", "--log", shop.log().toString(), "--target", uri);
        assertThat(rest.exitCode()).as(rest.toString()).isZero();
        assertThat(rest.out()).startsWith("replayed ").contains("documents written");
        try (MongoClient client = MongoFixture.shared().client()) {
            MongoDatabase db = client.getDatabase(new ConnectionString(uri).getDatabase());
            for (String table : List.of("account", "transfer", "product", "orders", "order_line")) {
                assertThat(db.getCollection(table).countDocuments()).as(table).isEqualTo(rows(shop.sourceUrl(), table));
            }
        }
    }

    @Test
    void anUntranslatableStatementStopsWithExitOneUnlessSkipped() throws Exception {
        String source = ShopLogs.newDatabase("mongo_untranslatable");
        Path log = ShopLogs.tempDir("waly-cli-mongo");
        try (Connection c = DriverManager.getConnection(ShopLogs.walyUrl(source, log)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item (id int PRIMARY KEY, n int)");
            s.execute("INSERT INTO item VALUES (1, 1), (2, 2)");
            s.execute("CREATE TABLE copy (id int PRIMARY KEY, n int)");
            // a data-modifying statement under WITH is re-run, not logged with rows: MongoDB cannot re-run its SELECT
            s.execute("WITH src AS (SELECT id, n FROM item) INSERT INTO copy SELECT id, n FROM src");
        }
        String uri = MongoFixture.shared().newDatabaseUri("cli_untranslatable");
        Cli.Run stop = Cli.run("replay", "--log", log.toString(), "--target", uri);
        assertThat(stop.exitCode()).as(stop.toString()).isEqualTo(1);
        assertThat(stop.err()).contains("no exact MongoDB translation").contains("INSERT INTO copy SELECT");
        Cli.Run skip = Cli.run("replay", "--log", log.toString(), "--target", uri, "--on-untranslatable", "log");
        assertThat(skip.exitCode()).as(skip.toString()).isZero();
        assertThat(skip.out()).contains("left out as untranslatable");
        assertThat(skip.err()).contains("left out statement");
    }

    @Test
    void aConnectionStringWithoutDatabaseOrABadPolicyIsAUsageError() throws Exception {
        ShopLog shop = ShopLogs.shared();
        assertThat(Cli.run("replay", "--log", shop.log().toString(), "--target", "mongodb://127.0.0.1:27017").exitCode()).isEqualTo(2);
        assertThat(Cli.run("replay", "--log", shop.log().toString(), "--target", "mongodb://127.0.0.1:27017/x", "--on-untranslatable", "x").exitCode()).isEqualTo(2);
    }
}
