package io.waly.jdbc.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.command.Value;
import io.waly.jdbc.WalyCall;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.Replayer;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application commands through the driver against the embedded PostgreSQL: calls (SQL, JDBC escape, Java API) checked,
 * logged and run; statements recognised from their shape; bad calls failing as a bad procedure call does, with nothing
 * logged as committed; and a replay of it all equal to the source.
 */
class CommandsTest {
    private static final EmbeddedPostgresServer PG = EmbeddedPostgresServer.shared();

    static final String MODEL = """
            tables:
              accounts: {columns: [id, email, plan, balance]}
              ledger: {columns: [id, account, amount]}
            commands:
              CREATE_ACCOUNT:
                args: {email: text, plan: text}
                postgres:
                  - INSERT INTO accounts(email, plan, balance) VALUES (:email, :plan, 0)
                recognise:
                  - INSERT INTO accounts(email, plan, balance) VALUES (:email, :plan, 0)
              DEPOSIT:
                args: {account: integer, amount: numeric}
                postgres:
                  - UPDATE accounts SET balance = balance + :amount WHERE id = :account
                  - INSERT INTO ledger(account, amount) VALUES (:account, :amount)
              CLOSE_ACCOUNT:
                args: {id: integer}
                postgres:
                  - "DELETE FROM accounts WHERE id = :id"
                recognise:
                  - "DELETE FROM accounts WHERE id = :id"
            """;

    @TempDir
    Path dir;

    private String url(String db) throws Exception {
        return url(db, MODEL);
    }

    private String url(String db, String model) throws Exception {
        Path m = dir.resolve("model.yaml");
        Files.writeString(m, model);
        return PG.newDatabase(db).replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + dir.resolve("log")
                + "&walyModel=" + m;
    }

    static void schema(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id serial PRIMARY KEY, email text UNIQUE, plan text, balance numeric)");
            s.execute("CREATE TABLE ledger (id serial PRIMARY KEY, account int REFERENCES accounts, amount numeric CHECK (amount < 1000))");
        }
    }

    private List<LogRecord> records() {
        List<LogRecord> out = new ArrayList<>();
        try (LogReader r = LogReader.open(dir.resolve("log"))) {
            LogRecord rec;
            while ((rec = r.next()) != null) out.add(rec);
        }
        return out;
    }

    /** The log as "COMMAND name via args" and "STATEMENT sql" lines, and the ends of transactions. */
    private List<String> story() {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records()) {
            switch (r.kind()) {
                case COMMAND -> {
                    Payloads.AppCommand c = Payloads.AppCommand.decode(r.payload());
                    List<String> args = new ArrayList<>();
                    c.args().forEach((k, v) -> args.add(k + "=" + v.value()));
                    out.add("COMMAND " + c.name() + " " + c.via() + " " + c.statements() + " " + String.join(" ", args));
                }
                case STATEMENT -> out.add("STATEMENT " + Payloads.Statement.decode(r.payload()).sql());
                case COMMITTED, ROLLBACK -> out.add(r.kind().name());
                default -> { }
            }
        }
        return out;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void callsRunTheirBodyAsOneTransactionLoggedAsTheCommand() throws Exception {
        String src = url("cmd_src");
        schema(src.replace("jdbc:waly:", "jdbc:"));
        try (Connection c = DriverManager.getConnection(src)) {
            try (PreparedStatement ps = c.prepareStatement("CALL waly.create_account(?, ?)")) {
                ps.setString(1, "ada@example.com");
                ps.setString(2, "pro");
                assertThat(ps.executeUpdate()).isZero();   // what a procedure call without results answers
            }
            try (Statement s = c.createStatement()) {
                assertThat(s.execute("call WALY.Create_Account(plan => 'free', email => 'bob@example.com')")).isFalse();
                assertThat(s.getResultSet()).isNull();
            }
            try (CallableStatement cs = c.prepareCall("{call waly.deposit(?, ?)}")) {
                cs.setInt(1, 1);
                cs.setBigDecimal(2, new java.math.BigDecimal("12.50"));
                cs.execute();
            }
            WalyCall.of("DEPOSIT").arg("account", 2).arg("amount", 3).run(c);
            assertThat(count(c, "SELECT balance FROM accounts WHERE id = 1")).isEqualTo(12);
            assertThat(count(c, "SELECT count(*) FROM ledger")).isEqualTo(2);

            // in the application's transaction: the body is part of it, and rolls back with it
            c.setAutoCommit(false);
            WalyCall.of("deposit").arg("account", 1).arg("amount", 100).run(c);
            c.rollback();
            c.setAutoCommit(true);
            assertThat(count(c, "SELECT balance FROM accounts WHERE id = 1")).isEqualTo(12);
        }
        assertThat(story()).containsExactly(
                "COMMAND CREATE_ACCOUNT call 1 email=ada@example.com plan=pro",
                "STATEMENT INSERT INTO accounts(email, plan, balance) VALUES (?, ?, 0)",
                "COMMITTED",
                "COMMAND CREATE_ACCOUNT call 1 email=bob@example.com plan=free",
                "STATEMENT INSERT INTO accounts(email, plan, balance) VALUES (?, ?, 0)",
                "COMMITTED",
                "COMMAND DEPOSIT call 2 account=1 amount=12.50",
                "STATEMENT UPDATE accounts SET balance = balance + ? WHERE id = ?",
                "STATEMENT INSERT INTO ledger(account, amount) VALUES (?, ?)",
                "COMMITTED",
                "COMMAND DEPOSIT call 2 account=2 amount=3",
                "STATEMENT UPDATE accounts SET balance = balance + ? WHERE id = ?",
                "STATEMENT INSERT INTO ledger(account, amount) VALUES (?, ?)",
                "COMMITTED",
                "COMMAND DEPOSIT call 2 account=1 amount=100",
                "STATEMENT UPDATE accounts SET balance = balance + ? WHERE id = ?",
                "STATEMENT INSERT INTO ledger(account, amount) VALUES (?, ?)",
                "ROLLBACK");
        String dst = PG.newDatabase("cmd_dst");
        schema(dst);
        Replayer.replay(dir.resolve("log"), ReplayOptions.builder().force(true).build(), new PostgresTarget(dst));
        assertSameRows(src.replace("jdbc:waly:", "jdbc:"), dst);
    }

    @Test
    void badCallsFailAsABadProcedureCallWithNothingLoggedAsCommitted() throws Exception {
        String src = url("cmd_bad");
        schema(src.replace("jdbc:waly:", "jdbc:"));
        try (Connection c = DriverManager.getConnection(src); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("CALL waly.create_account('ada@example.com')"))
                    .hasMessageContaining("procedure waly.create_account does not match CREATE_ACCOUNT(email text, plan text): argument plan is missing")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42883"));
            assertThatThrownBy(() -> s.execute("CALL waly.open_account('ada@example.com')"))
                    .hasMessageContaining("procedure waly.open_account does not exist: the model declares CLOSE_ACCOUNT(id integer), "
                            + "CREATE_ACCOUNT(email text, plan text), DEPOSIT(account integer, amount numeric)")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42883"));
            assertThatThrownBy(() -> s.execute("CALL waly.deposit(1, 'ten')"))
                    .hasMessageContaining("argument amount of DEPOSIT is numeric, not text (ten)")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42804"));
            assertThatThrownBy(() -> s.execute("CALL waly.deposit(1, 2) AND MORE"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42601"));
            // a batch cannot carry a call (its body runs on its own): refused before anything is sent
            s.addBatch("CALL waly.create_account('x@example.com', 'pro')");
            assertThatThrownBy(s::executeBatch).satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
            try (PreparedStatement ps = c.prepareStatement("CALL waly.create_account(?, ?)")) {
                ps.setString(1, "y@example.com");
                ps.setString(2, "pro");
                ps.addBatch();
                assertThatThrownBy(ps::executeBatch).satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
            }
            // inside the application's transaction, the transaction is aborted as by a failed call
            c.setAutoCommit(false);
            s.execute("CALL waly.create_account('ada@example.com', 'pro')");
            assertThatThrownBy(() -> s.execute("CALL waly.deposit(account => 1)")).hasMessageContaining("argument amount is missing");
            assertThatThrownBy(() -> s.execute("SELECT 1")).satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25P02"));
            c.rollback();
            // a body statement that fails (a duplicate e-mail) rolls the whole command back
            c.setAutoCommit(true);
            s.execute("CALL waly.create_account('ada@example.com', 'pro')");
            assertThatThrownBy(() -> s.execute("CALL waly.create_account('ada@example.com', 'free')"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"));
            assertThat(count(c, "SELECT count(*) FROM accounts")).isEqualTo(1);
        }
        // refusals before the body leave no record; the rolled-back attempts end in ROLLBACK
        assertThat(story()).containsExactly(
                "COMMAND CREATE_ACCOUNT call 1 email=ada@example.com plan=pro",
                "STATEMENT INSERT INTO accounts(email, plan, balance) VALUES (?, ?, 0)",
                "ROLLBACK",
                "COMMAND CREATE_ACCOUNT call 1 email=ada@example.com plan=pro",
                "STATEMENT INSERT INTO accounts(email, plan, balance) VALUES (?, ?, 0)",
                "COMMITTED",
                "COMMAND CREATE_ACCOUNT call 1 email=ada@example.com plan=free",
                "STATEMENT INSERT INTO accounts(email, plan, balance) VALUES (?, ?, 0)",
                "ROLLBACK");
    }

    @Test
    void aBodyFailingInTheApplicationsTransactionLeavesNothingOfItEvenWithAutosave() throws Exception {
        String src = url("cmd_autosave");
        schema(src.replace("jdbc:waly:", "jdbc:"));
        try (Connection c = DriverManager.getConnection(src + "&autosave=always"); Statement s = c.createStatement()) {
            s.execute("CALL waly.create_account('ada@example.com', 'pro')");
            c.setAutoCommit(false);
            s.execute("CALL waly.deposit(1, 5)");
            // the UPDATE runs, the ledger's CHECK refuses the INSERT: the UPDATE must not stay
            assertThatThrownBy(() -> s.execute("CALL waly.deposit(1, 5000)"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23514"));
            c.commit();   // autosave kept the transaction going: what it commits is the first deposit only
            c.setAutoCommit(true);
            assertThat(count(c, "SELECT balance FROM accounts WHERE id = 1")).isEqualTo(5);
            assertThat(count(c, "SELECT count(*) FROM ledger")).isEqualTo(1);
        }
        String dst = PG.newDatabase("cmd_autosave_dst");
        schema(dst);
        Replayer.replay(dir.resolve("log"), ReplayOptions.builder().force(true).build(), new PostgresTarget(dst));
        assertSameRows(src.replace("jdbc:waly:", "jdbc:"), dst);
    }

    @Test
    void statementsOfARecognisedShapeAreLoggedAsTheCommandToo() throws Exception {
        String src = url("cmd_rec");
        schema(src.replace("jdbc:waly:", "jdbc:"));
        try (Connection c = DriverManager.getConnection(src)) {
            try (PreparedStatement ps = c.prepareStatement("insert into accounts (email, plan, balance) values (?, ?, 0)")) {
                for (String e : List.of("a@example.com", "b@example.com")) {
                    ps.setString(1, e);
                    ps.setString(2, "free");
                    ps.executeUpdate();
                }
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO accounts(email, plan, balance) VALUES ('c@example.com', 'pro', 0)");
                s.executeUpdate("INSERT INTO accounts(email, plan, balance) VALUES ('d@example.com', 'pro', 5)");   // not the model's literal 0
                s.executeUpdate("DELETE FROM accounts WHERE id = 2");
                s.executeUpdate("UPDATE accounts SET plan = 'gold' WHERE id = 1");                         // not a command
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM accounts WHERE id = ?")) {   // a batch: each element
                for (int id : new int[] {3, 4}) {
                    ps.setInt(1, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        assertThat(story()).containsExactly(
                "COMMAND CREATE_ACCOUNT recognised 1 email=a@example.com plan=free",
                "STATEMENT insert into accounts (email, plan, balance) values (?, ?, 0)",
                "COMMITTED",
                "COMMAND CREATE_ACCOUNT recognised 1 email=b@example.com plan=free",
                "STATEMENT insert into accounts (email, plan, balance) values (?, ?, 0)",
                "COMMITTED",
                "COMMAND CREATE_ACCOUNT recognised 1 email=c@example.com plan=pro",
                "STATEMENT INSERT INTO accounts(email, plan, balance) VALUES ('c@example.com', 'pro', 0)",
                "COMMITTED",
                "STATEMENT INSERT INTO accounts(email, plan, balance) VALUES ('d@example.com', 'pro', 5)",
                "COMMITTED",
                "COMMAND CLOSE_ACCOUNT recognised 1 id=2",
                "STATEMENT DELETE FROM accounts WHERE id = 2",
                "COMMITTED",
                "STATEMENT UPDATE accounts SET plan = 'gold' WHERE id = 1",
                "COMMITTED",
                "COMMAND CLOSE_ACCOUNT recognised 1 id=3",
                "STATEMENT DELETE FROM accounts WHERE id = ?",
                "COMMAND CLOSE_ACCOUNT recognised 1 id=4",
                "STATEMENT DELETE FROM accounts WHERE id = ?",
                "COMMITTED");
        List<Payloads.AppCommand> cmds = records().stream().filter(r -> r.kind() == RecordKind.COMMAND)
                .map(r -> Payloads.AppCommand.decode(r.payload())).toList();
        assertThat(cmds.get(3).args()).isEqualTo(Map.of("id", Value.int4(2)));
    }

    @Test
    void argumentsOfHashedColumnsAreLoggedHashedAsTheirStatementsAre() throws Exception {
        String src = url("cmd_hash", MODEL.replace("commands:", """
                policies:
                  record:
                    accounts: {hash: [email]}
                commands:"""));
        schema(src.replace("jdbc:waly:", "jdbc:"));
        try (Connection c = DriverManager.getConnection(src); Statement s = c.createStatement()) {
            s.execute("CALL waly.create_account('ada@example.com', 'pro')");
            s.executeUpdate("INSERT INTO accounts(email, plan, balance) VALUES ('bob@example.com', 'free', 0)");
        }
        String hashed = io.waly.model.HashPlan.hash(Value.text("ada@example.com")).value().toString();
        List<Payloads.AppCommand> cmds = records().stream().filter(r -> r.kind() == RecordKind.COMMAND)
                .map(r -> Payloads.AppCommand.decode(r.payload())).toList();
        assertThat(cmds).hasSize(2);
        assertThat(cmds.get(0).args().get("email").value()).isEqualTo(hashed);
        assertThat(cmds.get(0).args().get("plan").value()).isEqualTo("pro");
        assertThat(cmds.get(1).args().get("email").value())
                .isEqualTo(io.waly.model.HashPlan.hash(Value.text("bob@example.com")).value());
        assertThat(cmds.get(1).args().get("plan").value()).isEqualTo("free");
        assertThat(records().stream().map(r -> new String(r.payload(), java.nio.charset.StandardCharsets.ISO_8859_1)))
                .noneMatch(p -> p.contains("ada@example.com") || p.contains("bob@example.com"));
    }

    static void assertSameRows(String a, String b) throws SQLException {
        for (String q : List.of("SELECT id, email, plan, balance FROM accounts ORDER BY id", "SELECT id, account, amount FROM ledger ORDER BY id")) {
            assertThat(rows(b, q)).isEqualTo(rows(a, q));
        }
    }

    private static List<List<Object>> rows(String url, String q) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) row.add(rs.getObject(i));
                out.add(row);
            }
        }
        return out;
    }
}
