package io.waly.jdbc.policy;

import io.waly.log.read.DirectoryLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.Replayer;
import io.waly.model.Model;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/** The model's mutation policies through the driver, on real statements against the embedded PostgreSQL. */
class PoliciesTest {
    private static final EmbeddedPostgresServer PG = EmbeddedPostgresServer.shared();

    @TempDir
    Path dir;

    static String model(String mode) {
        return """
                tables:
                  accounts: {columns: [id, email, balance]}
                  orders: {}
                  sessions: {}
                policies:
                  rules:
                    - name: no-unbounded-delete
                      match: {kind: [DELETE, UPDATE], where: unbounded}
                      action: deny
                      mode: %1$s
                      reason: a DELETE or UPDATE of every row
                    - name: protect-accounts
                      match: {kind: [TRUNCATE, DROP TABLE], tables: [accounts]}
                      action: deny
                      mode: %1$s
                    - name: mass-update
                      match: {kind: UPDATE, tables: [accounts]}
                      action: limit
                      rows: 5
                      mode: %1$s
                """.formatted(mode);
    }

    private String url(String db, String yaml, String extra) throws Exception {
        Path m = dir.resolve("model-" + db + ".yaml");
        Files.writeString(m, yaml);
        String url = schema(PG.newDatabase(db));
        return url.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + dir.resolve("log-" + db)
                + "&walyModel=" + m + extra;
    }

    /** The tables every test starts from, made without WAL-y (so the logs start after them). */
    private static String schema(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id int PRIMARY KEY, email text, balance int)");
            s.execute("INSERT INTO accounts SELECT g, 'user' || g || '@example.com', 0 FROM generate_series(1, 10) g");
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, account int)");
            s.execute("CREATE TABLE sessions (id int PRIMARY KEY, token text)");
        }
        return url;
    }

    private List<LogRecord> records(String db) {
        List<LogRecord> out = new ArrayList<>();
        try (LogReader r = LogReader.open(dir.resolve("log-" + db))) {
            LogRecord rec;
            while ((rec = r.next()) != null) out.add(rec);
        }
        return out;
    }

    private List<Payloads.Policy> decisions(String db) {
        return records(db).stream().filter(r -> r.kind() == RecordKind.POLICY).map(r -> Payloads.Policy.decode(r.payload())).toList();
    }

    private List<String> statements(String db) {
        return records(db).stream().filter(r -> r.kind() == RecordKind.STATEMENT)
                .map(r -> Payloads.Statement.decode(r.payload()).sql()).toList();
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void enforcedRulesRefuseBeforeTheDatabaseAndTheLogShowsEachRefusal() throws Exception {
        String url = url("enforce", model("enforce"), "");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM accounts WHERE 1 = 1"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("rule no-unbounded-delete").hasMessageContaining("a DELETE or UPDATE of every row")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("WY001"));
            assertThatThrownBy(() -> s.executeUpdate("UPDATE accounts SET balance = 1 WHERE id = id OR TRUE"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("WY001"));
            // ONLY (inheritance) does not hide the table from the rules
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM ONLY accounts"))
                    .hasMessageContaining("rule no-unbounded-delete")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("WY001"));
            assertThatThrownBy(() -> s.execute("TRUNCATE accounts"))
                    .hasMessageContaining("rule protect-accounts")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("WY001"));
            assertThatThrownBy(() -> s.execute("DROP TABLE accounts"))
                    .hasMessageContaining("rule protect-accounts");
            assertThatThrownBy(() -> s.executeUpdate("UPDATE accounts SET balance = balance + 1 WHERE id > 0"))
                    .hasMessageContaining("rule mass-update").hasMessageContaining("10 rows changed, over the limit of 5")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("WY002"));
            // under the limit, and bounded: through
            assertThat(s.executeUpdate("UPDATE accounts SET balance = balance + 1 WHERE id <= 3")).isEqualTo(3);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                ps.setInt(1, 1);
                assertThat(ps.executeUpdate()).isZero();
            }
            // a batch of different statements: each one is judged
            s.addBatch("INSERT INTO orders VALUES (9, 1)");
            s.addBatch("DELETE FROM accounts");
            assertThatThrownBy(s::executeBatch).hasMessageContaining("no-unbounded-delete");
            assertThat(count(c, "SELECT count(*) FROM orders")).isZero();
            assertThat(count(c, "SELECT count(*) FROM accounts")).isEqualTo(10);
            assertThat(count(c, "SELECT sum(balance) FROM accounts")).isEqualTo(3);
        }
        List<Payloads.Policy> d = decisions("enforce");
        assertThat(d).extracting(Payloads.Policy::event).containsOnly("refused");
        assertThat(d).extracting(Payloads.Policy::rule)
                .containsExactly("no-unbounded-delete", "no-unbounded-delete", "no-unbounded-delete", "protect-accounts",
                        "protect-accounts", "mass-update", "no-unbounded-delete");
        assertThat(d.get(0).sql()).isEqualTo("DELETE FROM accounts WHERE 1 = 1");
        assertThat(d.get(0).sqlState()).isEqualTo("WY001");
        assertThat(d.get(0).role()).isNotBlank();
        assertThat(d.get(2).sql()).isEqualTo("DELETE FROM ONLY accounts");
        assertThat(d.get(4).command().label()).isEqualTo("DROP TABLE");
        assertThat(d.get(5).rows()).isEqualTo(10);
        assertThat(d.get(5).limit()).isEqualTo(5);
        // refused before the database: no STATEMENT record; the limited one ran (logged first), then was rolled back
        assertThat(statements("enforce")).doesNotContain("DELETE FROM accounts WHERE 1 = 1", "DELETE FROM ONLY accounts", "TRUNCATE accounts",
                        "DROP TABLE accounts")
                .contains("UPDATE accounts SET balance = balance + 1 WHERE id > 0");
        Payloads.Outcome limited = records("enforce").stream().filter(r -> r.kind() == RecordKind.OUTCOME)
                .map(r -> Payloads.Outcome.decode(r.payload())).filter(o -> !o.ok()).findFirst().orElseThrow();
        assertThat(limited.sqlState()).isEqualTo("WY002");
    }

    @Test
    void insideATransactionARefusalLeavesItAbortedAsAFailingStatementWould() throws Exception {
        String url = url("intx", model("enforce"), "");
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO orders VALUES (1, 1)");
                assertThatThrownBy(() -> s.executeUpdate("DELETE FROM accounts")).hasMessageContaining("no-unbounded-delete");
                assertThat(c.unwrap(BaseConnection.class).getTransactionState()).isEqualTo(TransactionState.FAILED);
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO orders VALUES (2, 1)"))
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25P02"));
                c.rollback();
                s.executeUpdate("INSERT INTO orders VALUES (3, 1)");
                assertThatThrownBy(() -> s.executeUpdate("UPDATE accounts SET balance = 7 WHERE balance = 0"))
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("WY002"));
                assertThat(c.unwrap(BaseConnection.class).getTransactionState()).isEqualTo(TransactionState.FAILED);
                c.commit();   // PostgreSQL answers COMMIT of an aborted transaction with a rollback
                assertThat(count(c, "SELECT count(*) FROM orders")).isZero();
                assertThat(count(c, "SELECT count(*) FROM accounts WHERE balance = 7")).isZero();
                c.commit();
            }
        }
        // a transaction begun with BEGIN sent as SQL, in autocommit: the same
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO orders VALUES (6, 1)");
            assertThatThrownBy(() -> s.executeUpdate("UPDATE accounts SET balance = 8 WHERE id > 2"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("WY002"));
            assertThat(c.unwrap(BaseConnection.class).getTransactionState()).isEqualTo(TransactionState.FAILED);
            s.execute("ROLLBACK");
            assertThat(count(c, "SELECT count(*) FROM orders")).isZero();
        }
        // pgjdbc's autosave restores the transaction after a failing statement: so it does after a refusal
        try (Connection c = DriverManager.getConnection(url + "&autosave=always")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO orders VALUES (4, 1)");
                assertThatThrownBy(() -> s.executeUpdate("UPDATE accounts SET balance = 9 WHERE id >= 1"))
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("WY002"));
                assertThatThrownBy(() -> s.executeUpdate("DELETE FROM orders WHERE true")).hasMessageContaining("no-unbounded-delete");
                s.executeUpdate("INSERT INTO orders VALUES (5, 1)");
                c.commit();
                assertThat(count(c, "SELECT count(*) FROM orders")).isEqualTo(2);
                assertThat(count(c, "SELECT count(*) FROM accounts WHERE balance = 9")).isZero();
                c.commit();
            }
        }
        // the log holds exactly what the database committed: a replay gives the same tables
        String target = schema(PG.newDatabase("intx_replay"));
        new Replayer(new DirectoryLog(dir.resolve("log-intx")), ReplayOptions.builder().force(true).build())
                .run(new PostgresTarget(target, new Properties()));
        try (Connection t = DriverManager.getConnection(target)) {
            assertThat(count(t, "SELECT count(*) FROM orders")).isEqualTo(2);
            assertThat(count(t, "SELECT count(*) FROM accounts WHERE balance = 9")).isZero();
        }
    }

    @Test
    void rulesFollowTheRoleStatementsRunAs() throws Exception {
        String yaml = """
                tables:
                  orders: {}
                policies:
                  rules:
                    - name: migrator-may-truncate
                      match: {roles: [waly_migrator], kind: TRUNCATE}
                      action: allow
                    - name: no-truncate
                      match: {kind: TRUNCATE}
                      action: deny
                    - name: migrator-no-delete
                      match: {roles: [waly_migrator], kind: DELETE}
                      action: deny
                """;
        String url = url("roles", yaml, "");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'waly_migrator') THEN "
                    + "CREATE ROLE waly_migrator; END IF; END$$");
            s.execute("GRANT ALL ON orders TO waly_migrator");
            String delete = "DELETE FROM orders WHERE id = 1";
            assertThat(s.executeUpdate(delete)).isZero();
            s.execute("SET ROLE waly_migrator");
            assertThatThrownBy(() -> s.executeUpdate(delete)).hasMessageContaining("rule migrator-no-delete");
            s.execute("TRUNCATE orders");   // the allow of the role placed before the deny
            s.execute("RESET ROLE");
            assertThat(s.executeUpdate(delete)).isZero();
            assertThatThrownBy(() -> s.execute("TRUNCATE orders")).hasMessageContaining("rule no-truncate");
            s.execute("SET SESSION AUTHORIZATION waly_migrator");
            assertThatThrownBy(() -> s.executeUpdate(delete)).hasMessageContaining("rule migrator-no-delete");
            s.execute("RESET SESSION AUTHORIZATION");
            assertThat(s.executeUpdate(delete)).isZero();
            // a role set where WAL-y cannot read it: asked of the database after the statement
            s.execute("DO $$BEGIN SET ROLE waly_migrator; END$$");
            assertThatThrownBy(() -> s.executeUpdate(delete)).hasMessageContaining("rule migrator-no-delete");
            s.execute("RESET ROLE");
            s.execute("SELECT set_config('role', 'waly_migrator', false)");
            assertThatThrownBy(() -> s.executeUpdate(delete)).hasMessageContaining("rule migrator-no-delete");
            s.execute("RESET ROLE");

            c.setAutoCommit(false);
            // a SET ROLE undone by ROLLBACK
            s.execute("SET ROLE waly_migrator");
            s.executeUpdate("INSERT INTO orders VALUES (1, 1)");
            c.rollback();
            assertThat(s.executeUpdate(delete)).isZero();
            c.commit();
            // by ROLLBACK TO SAVEPOINT
            java.sql.Savepoint sp = c.setSavepoint();
            s.execute("SET ROLE waly_migrator");
            c.rollback(sp);
            assertThat(s.executeUpdate(delete)).isZero();
            // a SET LOCAL ROLE lasts until its transaction ends
            s.execute("SET LOCAL ROLE waly_migrator");
            s.execute("TRUNCATE orders");
            c.commit();
            assertThatThrownBy(() -> s.execute("TRUNCATE orders")).hasMessageContaining("rule no-truncate");
            c.rollback();
            // a SET ROLE that committed stays
            s.execute("SET ROLE waly_migrator");
            c.commit();
            assertThatThrownBy(() -> s.executeUpdate(delete)).hasMessageContaining("rule migrator-no-delete");
            c.rollback();
        }
        List<Payloads.Policy> d = decisions("roles");
        assertThat(d).extracting(Payloads.Policy::rule).containsExactly("migrator-no-delete", "no-truncate", "migrator-no-delete",
                "migrator-no-delete", "migrator-no-delete", "no-truncate", "migrator-no-delete");
        assertThat(d.get(0).role()).isEqualTo("waly_migrator");
        assertThat(d.get(1).role()).isNotEqualTo("waly_migrator");
    }

    @Test
    void eachStatementOfABatchIsJudgedByItsOwnRulesAndARefusalFailsTheBatchAsPgjdbcWould() throws Exception {
        String yaml = """
                tables:
                  accounts: {}
                  orders: {}
                policies:
                  rules:
                    - name: watch-orders
                      match: {kind: INSERT, tables: [orders]}
                      action: warn
                    - name: mass-update
                      match: {kind: UPDATE, tables: [accounts]}
                      action: limit
                      rows: 5
                    - name: no-truncate
                      match: {kind: TRUNCATE}
                      action: deny
                """;
        String url = url("batch", yaml, "");
        String over = "UPDATE accounts SET balance = 1 WHERE id > 0";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // the second statement is over its limit: the batch fails as pgjdbc fails a batch whose statement failed
            s.addBatch("INSERT INTO orders VALUES (1, 1)");
            s.addBatch(over);
            assertBatchRefused(s::executeBatch, 1, 2, over);
            assertThat(count(c, "SELECT count(*) FROM orders")).isZero();
            assertThat(count(c, "SELECT sum(balance) FROM accounts")).isZero();
            // each statement under its limit, together over it: through
            s.addBatch("UPDATE accounts SET balance = 2 WHERE id <= 3");
            s.addBatch("UPDATE accounts SET balance = 3 WHERE id > 7");
            assertThat(s.executeBatch()).containsExactly(3, 3);
            // a warning of the second statement's rule
            s.addBatch("UPDATE accounts SET balance = 0 WHERE id = 1");
            s.addBatch("INSERT INTO orders VALUES (3, 1)");
            assertThat(s.executeBatch()).containsExactly(1, 1);
            // a prepared batch: each execution is a statement
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET balance = ? WHERE id <= ?")) {
                ps.setInt(1, 4);
                ps.setInt(2, 3);
                ps.addBatch();
                ps.setInt(1, 5);
                ps.setInt(2, 10);
                ps.addBatch();
                assertBatchRefused(ps::executeBatch, 1, 2, "UPDATE accounts SET balance = ? WHERE id <= ?");
            }
            // inside a transaction: left aborted, as after a failed batch
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO orders VALUES (2, 1)");
            s.addBatch("UPDATE accounts SET balance = 6 WHERE id = 1");
            s.addBatch(over);
            assertBatchRefused(s::executeBatch, 1, 2, over);
            assertThat(c.unwrap(BaseConnection.class).getTransactionState()).isEqualTo(TransactionState.FAILED);
            c.rollback();
            c.setAutoCommit(true);
            // several statements in one string: each judged by its own rules
            s.execute("DELETE FROM orders WHERE id = 4; INSERT INTO orders VALUES (4, 1)");
            assertThatThrownBy(() -> s.execute("SELECT 1; TRUNCATE orders")).hasMessageContaining("rule no-truncate");
            // a row limit cannot be counted for one statement of several: refused before it is sent
            assertThatThrownBy(() -> s.execute("INSERT INTO orders VALUES (5, 1); UPDATE accounts SET balance = 0 WHERE id = 1"))
                    .hasMessageContaining("rule mass-update").hasMessageContaining("send it on its own")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("WY001"));
            assertThat(count(c, "SELECT sum(balance) FROM accounts")).isEqualTo(2 * 2 + 3 * 3);
            assertThat(count(c, "SELECT count(*) FROM orders")).isEqualTo(2);
        }
        List<Payloads.Policy> d = decisions("batch");
        assertThat(d).extracting(p -> p.rule() + " " + p.event()).containsExactly("watch-orders warned", "mass-update refused",
                "watch-orders warned", "mass-update refused", "watch-orders warned", "mass-update refused",
                "watch-orders warned", "no-truncate refused", "mass-update refused");
        assertThat(d.get(6).command().label()).isEqualTo("INSERT");
        assertThat(d.get(7).command().label()).isEqualTo("TRUNCATE");
        assertThat(d.get(1).sql()).isEqualTo(over);
        assertThat(d.get(1).rows()).isEqualTo(10);
        assertThat(d.get(2).sql()).isEqualTo("INSERT INTO orders VALUES (3, 1)");
        // the log holds exactly what the database committed
        String target = schema(PG.newDatabase("batch_replay"));
        new Replayer(new DirectoryLog(dir.resolve("log-batch")), ReplayOptions.builder().force(true).build())
                .run(new PostgresTarget(target, new Properties()));
        try (Connection t = DriverManager.getConnection(target)) {
            assertThat(count(t, "SELECT sum(balance) FROM accounts")).isEqualTo(2 * 2 + 3 * 3);
            assertThat(count(t, "SELECT count(*) FROM orders")).isEqualTo(2);
        }
    }

    /** What pgjdbc throws when a batch's entry fails: a BatchUpdateException, every count EXECUTE_FAILED, the failure next. */
    private static void assertBatchRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable batch, int entry, int size,
                                           String sql) {
        assertThatThrownBy(batch).isInstanceOfSatisfying(java.sql.BatchUpdateException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("WY002");
            assertThat(e.getMessage()).startsWith("Batch entry " + entry + " " + sql + " was aborted: WAL-y refused the statement: "
                    + "rule mass-update: 10 rows changed, over the limit of 5");
            assertThat(e.getUpdateCounts()).hasSize(size).containsOnly(Statement.EXECUTE_FAILED);
            assertThat(e.getNextException().getSQLState()).isEqualTo("WY002");
            assertThat(e.getNextException().getMessage()).startsWith("WAL-y refused the statement: rule mass-update: 10 rows changed");
        });
    }

    @Test
    void inWarnModeEverythingGoesThroughWithAWarningInTheLog() throws Exception {
        String url = url("warn", model("warn"), "");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE accounts SET balance = balance + 1 WHERE id > 0")).isEqualTo(10);
            assertThat(s.executeUpdate("DELETE FROM orders WHERE 1 = 1")).isZero();
            s.execute("TRUNCATE accounts");
            s.execute("DROP TABLE accounts");
            assertThat(count(c, "SELECT count(*) FROM pg_class WHERE relname = 'accounts'")).isZero();
        }
        List<Payloads.Policy> d = decisions("warn");
        assertThat(d).extracting(Payloads.Policy::event).containsOnly("warned");
        assertThat(d).extracting(Payloads.Policy::rule)
                .containsExactly("mass-update", "no-unbounded-delete", "protect-accounts", "protect-accounts");
        assertThat(d.get(0).rows()).isEqualTo(10);
        assertThat(d).extracting(Payloads.Policy::mode).containsOnly("warn");
        assertThat(statements("warn")).contains("DELETE FROM orders WHERE 1 = 1", "TRUNCATE accounts", "DROP TABLE accounts");
    }

    @Test
    void recordingLeavesTablesOutAndLogsHashesOfColumns() throws Exception {
        String yaml = """
                tables:
                  accounts: {columns: [id, email, balance]}
                  sessions: {}
                policies:
                  record:
                    sessions: {log: false}
                    accounts: {hash: [email]}
                """;
        String url = url("record", yaml, "");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO sessions VALUES (1, 'secret-token')");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (id, email, balance) VALUES (?, ?, ?)")) {
                ps.setInt(1, 11);
                ps.setString(2, "alice@example.com");
                ps.setInt(3, 5);
                ps.executeUpdate();
            }
            s.executeUpdate("INSERT INTO accounts (id, email, balance) VALUES (12, 'bob@example.com', 6)");
            assertThat(count(c, "SELECT count(*) FROM accounts WHERE email IN ('alice@example.com', 'bob@example.com')")).isEqualTo(2);
            assertThat(count(c, "SELECT count(*) FROM sessions")).isEqualTo(1);
        }
        List<String> sql = statements("record");
        assertThat(sql).noneMatch(t -> t.contains("sessions")).noneMatch(t -> t.contains("bob@example.com"));
        String all = new String(Files.readAllBytes(Files.list(dir.resolve("log-record")).filter(p -> p.toString().endsWith(".wal"))
                .findFirst().orElseThrow()), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(all).doesNotContain("alice@example.com").doesNotContain("bob@example.com").doesNotContain("secret-token");
        Payloads.Policy recording = decisions("record").get(0);
        assertThat(recording.event()).isEqualTo("recording");
        assertThat(recording.unlogged()).containsExactly("sessions");
        assertThat(recording.hashed()).containsEntry("accounts", List.of("email"));
        assertThat(recording.model()).isEqualTo(Model.load(dir.resolve("model-record.yaml")).shortId());
    }

    @Test
    void aCopyIntoATableWithHashedColumnsIsLoggedWithThoseFieldsHashedAndReplaysTheRows() throws Exception {
        String yaml = """
                tables:
                  accounts: {columns: [id, email, balance]}
                policies:
                  record:
                    accounts: {hash: [email]}
                """;
        String url = url("copy", yaml, "");
        try (Connection c = DriverManager.getConnection(url)) {
            org.postgresql.copy.CopyManager copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            // text format, no column list: the table's columns give the fields' order
            copy.copyIn("COPY accounts FROM STDIN", new java.io.StringReader(
                    "20\tcarol@example.com\t1\n21\t\\N\t2\n22\tdan\\tx@example.com\t3\n"));
            // CSV with a header, a column list in another order, quotes, a NULL and a line end inside a value
            copy.copyIn("COPY accounts (email, id, balance) FROM STDIN WITH (FORMAT csv, HEADER)", new java.io.StringReader(
                    "email,id,balance\n\"eve,@example.com\",30,1\n,31,2\n\"multi\nline\",32,3\n"));
            assertThatThrownBy(() -> copy.copyIn("COPY accounts FROM STDIN WITH (FORMAT binary)", new java.io.ByteArrayInputStream(new byte[0])))
                    .hasMessageContaining("binary COPY").hasMessageContaining("text or CSV")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("WY001"));
            assertThat(count(c, "SELECT count(*) FROM accounts WHERE email IN ('carol@example.com', 'dan\tx@example.com', "
                    + "'eve,@example.com', E'multi\\nline')")).isEqualTo(4);
        }
        String all = new String(Files.readAllBytes(Files.list(dir.resolve("log-copy")).filter(p -> p.toString().endsWith(".wal"))
                .findFirst().orElseThrow()), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(all).doesNotContain("carol@").doesNotContain("eve,@").doesNotContain("multi\nline");
        String target = schema(PG.newDatabase("copy_replay"));
        new Replayer(new DirectoryLog(dir.resolve("log-copy")), ReplayOptions.builder().force(true).build())
                .run(new PostgresTarget(target, new Properties()));
        try (Connection t = DriverManager.getConnection(target); Statement s = t.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, email, balance FROM accounts WHERE id >= 20 ORDER BY id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) rows.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getInt(3));
            assertThat(rows).containsExactly("20 " + sha256("carol@example.com") + " 1", "21 null 2",
                    "22 " + sha256("dan\tx@example.com") + " 3", "30 " + sha256("eve,@example.com") + " 1", "31 null 2",
                    "32 " + sha256("multi\nline") + " 3");
        }
    }

    @Test
    void hashedColumnsThatAreNotTextAreLoggedAsHashesTheirTypeHoldsAndReplay() throws Exception {
        String yaml = """
                tables:
                  people: {columns: [id, ref, pin, born]}
                policies:
                  record:
                    people: {hash: [ref, pin, born]}
                """;
        String table = "CREATE TABLE people (id int PRIMARY KEY, ref uuid, pin int, born date)";
        String url = url("types", yaml, "");
        java.util.UUID ref1 = java.util.UUID.randomUUID();
        String ref2 = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        String ref3 = "b1eebc99-9c0b-4ef8-bb6d-6bb9bd380a12";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(table);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO people (id, ref, pin, born) VALUES (?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setObject(2, ref1);
                ps.setInt(3, 1234);
                ps.setObject(4, java.time.LocalDate.of(2000, 1, 1));
                ps.executeUpdate();
            }
            s.executeUpdate("INSERT INTO people (id, ref, pin, born) VALUES (2, '" + ref2 + "', 42, '1999-12-31')");
            s.executeUpdate("UPDATE people SET pin = 7 WHERE id = 2");
            c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn("COPY people FROM STDIN",
                    new java.io.StringReader("3\t" + ref3 + "\t5\t2001-02-03\n"));
        }
        String target = PG.newDatabase("types_replay");
        new Replayer(new DirectoryLog(dir.resolve("log-types")), ReplayOptions.builder().force(true).build())
                .run(new PostgresTarget(target, new Properties()));
        try (Connection t = DriverManager.getConnection(target); Statement s = t.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, ref, pin, born FROM people ORDER BY id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) rows.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getObject(3) + " " + rs.getObject(4));
            assertThat(rows).containsExactly(
                    "1 " + hashAs(ref1.toString(), "uuid") + " " + hashAs("1234", "int4") + " null",
                    "2 " + hashAs(ref2, "uuid") + " " + hashAs("7", "int4") + " null",
                    "3 " + hashAs(ref3, "uuid") + " " + hashAs("5", "int4") + " null");
        }
    }

    private static String hashAs(String text, String type) {
        return String.valueOf(io.waly.model.HashPlan.hash(io.waly.command.Value.text(text), type).value());
    }

    private static String sha256(String text) {
        return String.valueOf(io.waly.model.HashPlan.hash(io.waly.command.Value.text(text)).value());
    }

    @Test
    void aReplayTargetTakesItsRoute() throws Exception {
        String yaml = """
                tables:
                  accounts: {}
                policies:
                  routes:
                    accounts-only: {tables: [accounts]}
                """;
        Path log = dir.resolve("log-route");
        String src = PG.newDatabase("route");
        String url = src.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + log;
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id int PRIMARY KEY)");
            s.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            s.executeUpdate("INSERT INTO accounts VALUES (1), (2)");
            s.executeUpdate("INSERT INTO orders VALUES (1)");
        }
        String target = PG.newDatabase("route_target");
        ReplaySummary summary = new Replayer(new DirectoryLog(log), ReplayOptions.builder()
                .route(Model.parse(yaml, "m.yaml").policies().route("accounts-only")).build())
                .run(new PostgresTarget(target, new Properties()));
        assertThat(summary.routedOut).isEqualTo(2);
        try (Connection t = DriverManager.getConnection(target)) {
            assertThat(count(t, "SELECT count(*) FROM accounts")).isEqualTo(2);
            assertThat(count(t, "SELECT count(*) FROM pg_class WHERE relname = 'orders'")).isZero();
        }
    }

    @Test
    void aBadModelRefusesTheConnectionNamingTheLine() throws Exception {
        String url = url("bad", """
                tables:
                  accounts: {}
                policies:
                  rules:
                    - name: r
                      match: {tables: [acounts]}
                      action: deny
                """, "");
        assertThatThrownBy(() -> DriverManager.getConnection(url).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("line 6").hasMessageContaining("unknown table acounts");
    }
}
