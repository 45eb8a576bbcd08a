package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.waly.cli.ShopLogs.ShopLog;
import io.waly.log.LogRecord;
import io.waly.log.read.LogReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InspectCommandTest {

    static List<JsonNode> jsonLines(String out) throws Exception {
        List<JsonNode> l = new ArrayList<>();
        for (String line : out.split("\n")) if (!line.isBlank()) l.add(ReplayCommandTest.JSON.readTree(line));
        return l;
    }

    static List<String> body(String text) {
        List<String> lines = text.lines().toList();
        assertThat(lines.get(0)).contains("SEQ").contains("TIME").contains("TX").contains("KIND").contains("TABLE");
        return lines.subList(1, lines.size());
    }

    @Test
    void textShowsEveryRecordWithSeqTimeTxKindTableCommandParamsAndOutcome() throws Exception {
        ShopLog shop = ShopLogs.shared();
        Cli.Run run = Cli.run("inspect", "--log", shop.log().toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = body(run.out());
        assertThat(lines).hasSize((int) ReplayCommandTest.lastSeq(shop.log()));
        assertThat(lines.get(0)).matches("\\s+1  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z  tx 0\\s+OPENED .*");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("STATEMENT").contains("account").contains("UPDATE")
                .contains("UPDATE account SET balance = balance - ? WHERE id = ?").containsPattern("params \\(\\d+\\.\\d\\d, \\d+\\)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("OUTCOME").contains("ok, 1 row"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("OUTCOME").contains("error 23514"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("ROLLBACK_TO").contains("fee"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("COMMITTED"));
    }

    @Test
    void filtersBySequenceTableTransactionTimeAndKind() throws Exception {
        ShopLog shop = ShopLogs.shared();
        String log = shop.log().toString();

        List<JsonNode> range = jsonLines(Cli.run("inspect", "--log", log, "--from-seq", "100", "--to-seq", "149", "--json").out());
        assertThat(range).hasSize(50);
        assertThat(range.get(0).get("seq").asLong()).isEqualTo(100);
        assertThat(range.get(49).get("seq").asLong()).isEqualTo(149);

        List<JsonNode> orders = jsonLines(Cli.run("inspect", "--log", log, "--table", "orders", "--format", "json").out());
        assertThat(orders).isNotEmpty().allSatisfy(n -> {
            assertThat(n.get("kind").asText()).isIn("STATEMENT", "OUTCOME");
            assertThat(n.get("tables").toString()).contains("orders");
        });
        assertThat(orders).anySatisfy(n -> assertThat(n.path("effects").isArray()).isTrue());   // generated keys pinned
        assertThat(jsonLines(Cli.run("inspect", "--log", log, "--table", "public.orders", "--json").out())).hasSameSizeAs(orders);

        long txId = orders.stream().filter(n -> n.get("kind").asText().equals("STATEMENT")).findFirst().orElseThrow().get("tx").asLong();
        List<JsonNode> tx = jsonLines(Cli.run("inspect", "--log", log, "--tx", Long.toString(txId), "--json").out());
        assertThat(tx).allSatisfy(n -> assertThat(n.get("tx").asLong()).isEqualTo(txId));
        assertThat(tx.get(0).get("kind").asText()).isEqualTo("BEGIN");
        assertThat(tx.get(0).get("seq").asLong()).isEqualTo(txId);
        assertThat(tx.get(tx.size() - 1).get("kind").asText()).isIn("COMMITTED", "ROLLBACK");

        // --since: a time in the middle of the log
        List<LogRecord> all = new ArrayList<>();
        try (LogReader r = LogReader.open(shop.log())) {
            LogRecord rec;
            while ((rec = r.next()) != null) all.add(rec);
        }
        LogRecord mid = all.get(all.size() / 2);
        Instant since = mid.timestamp();
        long expected = all.stream().filter(r -> !r.timestamp().isBefore(since)).count();
        List<JsonNode> late = jsonLines(Cli.run("inspect", "--log", log, "--since", since.toString(), "--json").out());
        assertThat(late).hasSize((int) expected);
        assertThat(late).allSatisfy(n -> assertThat(Instant.parse(n.get("time").asText())).isAfterOrEqualTo(since));

        List<JsonNode> commits = jsonLines(Cli.run("inspect", "--log", log, "--kind", "COMMIT,ROLLBACK", "--json").out());
        assertThat(commits).isNotEmpty().allSatisfy(n -> assertThat(n.get("kind").asText()).isIn("COMMIT", "ROLLBACK"));

        Cli.Run none = Cli.run("inspect", "--log", log, "--table", "no_such_table");
        assertThat(none.exitCode()).isZero();
        assertThat(body(none.out())).isEmpty();
        assertThat(none.err()).contains("no records matched");
        assertThat(Cli.run("inspect", "--log", log, "--kind", "NOPE").exitCode()).isEqualTo(2);
        assertThat(Cli.run("inspect", "--log", log, "--format", "xml").exitCode()).isEqualTo(2);
    }

    @Test
    void yamlAndJsonCarryTheParsedCommandAndTypedParameters() throws Exception {
        ShopLog shop = ShopLogs.shared();
        String log = shop.log().toString();
        Cli.Run yaml = Cli.run("inspect", "--log", log, "--table", "account", "--kind", "STATEMENT", "--limit", "30", "--format", "yaml");
        assertThat(yaml.exitCode()).isZero();
        ObjectMapper ym = new ObjectMapper(new YAMLFactory());
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = ym.readerFor(JsonNode.class).readValues(yaml.out())) {
            while (it.hasNext()) docs.add(it.next());
        }
        assertThat(docs).hasSize(30);
        JsonNode update = docs.stream().filter(d -> d.get("command").get("type").asText().equals("Update")).findFirst().orElseThrow();
        assertThat(update.get("command").get("table").get("name").asText()).isEqualTo("account");
        assertThat(update.get("params").get(0).get("type").asText()).isEqualTo("numeric");
        assertThat(update.get("sql").asText()).startsWith("UPDATE account");
    }

    @Test
    void secretsAreNeverShown() throws Exception {
        String source = ShopLogs.newDatabase("secrets");
        Path log = ShopLogs.tempDir("waly-cli-secrets");
        String role = "waly_app_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(ShopLogs.walyUrl(source, log)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (id serial PRIMARY KEY, name text, password text, api_token text)");
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'hunter2-create'");
            s.execute("ALTER ROLE " + role + " WITH ENCRYPTED PASSWORD 'hunter2-alter'");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (name, password, api_token) VALUES (?, ?, ?)")) {
                ps.setString(1, "alice");
                ps.setString(2, "hunter2-param");
                ps.setString(3, "hunter2-token");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE users SET password = ? WHERE name = ?")) {
                ps.setString(1, "hunter2-update");
                ps.setString(2, "alice");
                ps.executeUpdate();
            }
            s.execute("DROP ROLE " + role);
        }
        for (String format : List.of("text", "json", "yaml")) {
            Cli.Run run = Cli.run("inspect", "--log", log.toString(), "--format", format);
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).as(format).contains("alice").contains("***").doesNotContain("hunter2");
        }
    }
}
