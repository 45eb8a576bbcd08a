package io.waly.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.jdbc.config.WalyConfig;
import io.waly.jdbc.proxy.WalyConnection;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.Replayer;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import io.waly.log.testing.FaultyStorage;
import io.waly.testing.EmbeddedPostgresServer;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
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
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

class DriverBehaviourTest {

    @TempDir
    Path logDir;

    private static final EmbeddedPostgresServer PG = EmbeddedPostgresServer.shared();

    private String walyUrl(String pgUrl) {
        return pgUrl.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir;
    }

    private List<LogRecord> records() {
        List<LogRecord> out = new ArrayList<>();
        try (LogReader r = LogReader.open(logDir)) {
            LogRecord rec;
            while ((rec = r.next()) != null) out.add(rec);
        }
        return out;
    }

    private List<String> loggedSql() {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records()) if (r.kind() == RecordKind.STATEMENT) out.add(Payloads.Statement.decode(r.payload()).sql());
        return out;
    }

    @Test
    void acceptsOnlyItsOwnUrlsAndStripsItsSettingsFromTheUrl() throws SQLException {
        Driver d = new Driver();
        assertThat(d.acceptsURL("jdbc:waly:postgresql://h/db")).isTrue();
        assertThat(d.acceptsURL("jdbc:postgresql://h/db")).isFalse();
        assertThat(d.acceptsURL("jdbc:waly:mysql://h/db")).isFalse();
        assertThat(d.connect("jdbc:postgresql://h/db", new Properties())).isNull();
        Properties waly = new Properties();
        String url = Driver.stripWalyParameters("jdbc:postgresql://h/db?ssl=false&walyLogDir=%2Ftmp%2Fx&ApplicationName=a%20b&walyDurability=async", waly);
        assertThat(url).isEqualTo("jdbc:postgresql://h/db?ssl=false&ApplicationName=a%20b");
        assertThat(waly).containsEntry("walyLogDir", "/tmp/x").containsEntry("walyDurability", "async");
        assertThat(java.util.Arrays.stream(d.getPropertyInfo("jdbc:waly:postgresql://h/db", new Properties())).map(p -> p.name))
                .contains("walyLogDir", "walyDurability", "user", "ssl");
    }

    @Test
    void pgjdbcSeesEverySettingButWalys() throws SQLException {
        String url = PG.newDatabase("settings");
        try (Connection c = DriverManager.getConnection(walyUrl(url) + "&ApplicationName=shop-frontend");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW application_name")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("shop-frontend");
        }
    }

    @Test
    void badSettingIsRefusedWithTheKeyNamed() {
        String url = PG.newDatabase("badsetting");
        assertThatThrownBy(() -> DriverManager.getConnection(walyUrl(url) + "&walyDurability=sometimes"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("walyDurability").hasMessageContaining("fsync, async, none")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("22023");
    }

    @Test
    void wrappersLeadBackToWalyAndUnwrapToPgjdbc() throws SQLException {
        String url = PG.newDatabase("wrappers");
        try (Connection c = DriverManager.getConnection(walyUrl(url))) {
            assertThat(c.isWrapperFor(PGConnection.class)).isTrue();
            assertThat(c.unwrap(PGConnection.class)).isSameAs(c);
            assertThat(c.unwrap(BaseConnection.class)).isNotSameAs(c).isInstanceOf(BaseConnection.class);
            assertThat(c.unwrap(WalyConnection.class)).isSameAs(c);
            DatabaseMetaData md = c.getMetaData();
            assertThat(md.getConnection()).isSameAs(c);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(s.getConnection()).isSameAs(c);
                assertThat(rs.getStatement()).isSameAs(s);
                assertThat(s.getResultSet()).isSameAs(rs);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT ?")) {
                ps.setInt(1, 5);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.getStatement()).isSameAs(ps);
                }
            }
        }
    }

    @Test
    void readsAreNotLoggedAndSecretsNeverAre() throws Exception {
        String url = PG.newDatabase("secrets");
        String secret = "s3cr3t-P4ssw0rd-" + System.nanoTime();
        Properties p = new Properties();
        p.setProperty("password", secret);
        try (Connection c = DriverManager.getConnection(walyUrl(url) + "&password=" + secret + "x", p);
             Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1").close();
            s.execute("SHOW search_path");
            s.executeQuery("SELECT count(*) FROM pg_class").close();
            assertThat(loggedSql()).isEmpty();
            s.execute("CREATE TABLE t (a int)");
            s.execute("INSERT INTO t VALUES (1)");
            s.execute("CREATE ROLE app_" + System.nanoTime() % 100000 + " LOGIN PASSWORD '" + secret + "'");
            s.execute("DO $$ BEGIN PERFORM 'host=x password=" + secret + " dbname=y'; END $$");
        }
        assertThat(loggedSql()).startsWith("CREATE TABLE t (a int)", "INSERT INTO t VALUES (1)");
        assertThat(loggedSql().get(2)).endsWith("LOGIN PASSWORD '********'");
        assertThat(loggedSql().get(3)).contains("password=******** dbname=y");
        for (Path f : Files.list(logDir).toList()) {
            assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret);
        }
    }

    @Test
    void generatedKeysAreExactlyPgjdbcs() throws SQLException {
        String a = PG.newDatabase("keys_plain");
        String b = PG.newDatabase("keys_waly");
        List<String> out = new ArrayList<>();
        for (String url : List.of(a, walyUrl(b))) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE k (id serial PRIMARY KEY, at date DEFAULT '2024-01-01', v text)");
                StringBuilder sb = new StringBuilder();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO k (v) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                    ps.setString(1, "x");
                    sb.append(ps.executeUpdate()).append('|');
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        sb.append(keys.getMetaData().getColumnCount()).append('|');
                        while (keys.next()) sb.append(keys.getInt("id")).append(',').append(keys.getString(2)).append(',').append(keys.getString("v"));
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO k (v) VALUES (?)", new String[] {"id"})) {
                    ps.setString(1, "y");
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        sb.append('|').append(keys.getMetaData().getColumnCount());
                        while (keys.next()) sb.append(',').append(keys.getLong(1));
                    }
                }
                sb.append('|').append(s.executeUpdate("INSERT INTO k (v) VALUES ('z')", Statement.RETURN_GENERATED_KEYS));
                try (ResultSet keys = s.getGeneratedKeys()) {
                    while (keys.next()) sb.append(',').append(keys.getInt(1));
                }
                try (ResultSet rs = s.executeQuery("INSERT INTO k (v) VALUES ('r') RETURNING id, v")) {
                    while (rs.next()) sb.append('|').append(rs.getInt(1)).append(rs.getString(2));
                }
                out.add(sb.toString());
            }
        }
        assertThat(out.get(1)).isEqualTo(out.get(0));
    }

    @Test
    void copyDataReachesTheLogAndReplays() throws Exception {
        String src = PG.newDatabase("copy_src");
        String dst = PG.newDatabase("copy_dst");
        try (Connection c = DriverManager.getConnection(walyUrl(src)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item (id int PRIMARY KEY, name text, price numeric)");
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            long n = copy.copyIn("COPY item FROM STDIN WITH (FORMAT csv)", new StringReader("1,apple,0.5\n2,\"pear, ripe\",1.25\n3,,\n"));
            assertThat(n).isEqualTo(3);
            var in = copy.copyIn("COPY item (id, name) FROM STDIN");
            byte[] row = "4\tplum\n".getBytes();
            in.writeToCopy(row, 0, row.length);
            assertThat(in.endCopy()).isEqualTo(1);
        }
        List<LogRecord> recs = records();
        assertThat(recs.stream().filter(r -> r.kind() == RecordKind.STATEMENT).map(r -> Payloads.Statement.decode(r.payload()))
                .filter(st -> st.copyData() != null).map(st -> new String(st.copyData()))).containsExactly(
                "1,apple,0.5\n2,\"pear, ripe\",1.25\n3,,\n", "4\tplum\n");
        Replayer.replay(logDir, new PostgresTarget(dst));
        assertSameTables(src, dst);
    }

    /**
     * A COPY whose command is wrong fails at copyIn, as with pgjdbc — not at endCopy, where a script runner that reacts
     * to the first error would already have fed the next statements to it as data. In autocommit and in a transaction.
     */
    @Test
    void autocommitWritesLeaveNoServerPreparedStatementOfWalysOwn() throws Exception {
        String plainDb = PG.newDatabase("prepared_plain");
        String walyDb = PG.newDatabase("prepared_waly");
        List<List<String>> seen = new ArrayList<>();
        for (String url : List.of(plainDb, walyUrl(walyDb))) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (n int)");
                for (int n = 0; n < 8; n++) s.executeUpdate("INSERT INTO t VALUES (" + n + ")");
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t VALUES ('x')")).isInstanceOf(SQLException.class);
                for (int n = 0; n < 8; n++) assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t VALUES ('y')"));
                List<String> names = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT name || ' ' || statement FROM pg_prepared_statements ORDER BY 1")) {
                    while (rs.next()) names.add(rs.getString(1));
                }
                seen.add(names);
            }
        }
        assertThat(seen.get(1)).as("WAL-y's wrapped COMMIT and ROLLBACK are never server-prepared").isEqualTo(seen.get(0));
    }

    @Test
    void copyErrorsSurfaceAtTheSameCallAsWithPgjdbc() throws Exception {
        String plainDb = PG.newDatabase("copy_err_plain");
        String walyDb = PG.newDatabase("copy_err_waly");
        List<String> seen = new ArrayList<>();
        for (String url : List.of(plainDb, walyUrl(walyDb))) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE item (id int PRIMARY KEY, name text)");
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                SQLException bad = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                        () -> copy.copyIn("COPY item (no_such_column) FROM STDIN"));
                seen.add(bad.getSQLState() + " " + bad.getMessage() + " autocommit=" + c.getAutoCommit());
                // the connection goes on, and the next COPY's rows go where they belong
                var in = copy.copyIn("COPY item (id, name) FROM STDIN");
                assertThat(in.getFieldCount()).isEqualTo(2);
                byte[] row = "1\tplum\n".getBytes();
                in.writeToCopy(row, 0, row.length);
                assertThat(in.endCopy()).isEqualTo(1);
                c.setAutoCommit(false);
                SQLException inTx = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                        () -> copy.copyIn("COPY no_such_table FROM STDIN"));
                seen.add(inTx.getSQLState() + " " + inTx.getMessage());
                c.rollback();
                var cancelled = copy.copyIn("COPY item (id, name) FROM STDIN");
                cancelled.writeToCopy(row, 0, row.length);
                cancelled.cancelCopy();
                c.rollback();
                c.setAutoCommit(true);
                assertThat(s.executeUpdate("INSERT INTO item VALUES (2, 'pear')")).isEqualTo(1);
            }
        }
        assertThat(seen.get(2)).isEqualTo(seen.get(0));
        assertThat(seen.get(3)).isEqualTo(seen.get(1));
        assertThat(seen.get(0)).startsWith("42703 ").endsWith("autocommit=true");
        String dst = PG.newDatabase("copy_err_dst");
        Replayer.replay(logDir, new PostgresTarget(dst));
        assertSameTables(walyDb, dst);
        assertSameTables(plainDb, walyDb);
    }

    /**
     * A deferred trigger's notice of an autocommitted write: PostgreSQL sends it with the statement when it commits the
     * statement by itself, so pgjdbc puts it on the statement; WAL-y commits the write in a COMMIT of its own, whose
     * notices pgjdbc puts on the connection — WAL-y hands them back to the statement.
     */
    @Test
    void noticesOfAnAutocommittedWritesCommitComeWithItsStatementAsWithPgjdbc() throws Exception {
        List<String> seen = new ArrayList<>();
        for (String url : List.of(PG.newDatabase("notice_plain"), walyUrl(PG.newDatabase("notice_waly")))) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int PRIMARY KEY, v int)");
                s.execute("CREATE FUNCTION note() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$BEGIN RAISE NOTICE 'deferred %', NEW.v; RETURN NULL; END$$");
                s.execute("CREATE CONSTRAINT TRIGGER t_note AFTER UPDATE ON t DEFERRABLE INITIALLY DEFERRED "
                        + "FOR EACH ROW EXECUTE FUNCTION note()");
                s.execute("INSERT INTO t VALUES (1, 1)");
                c.clearWarnings();
                try (PreparedStatement ps = c.prepareStatement("UPDATE t SET v = ? WHERE id = 1")) {
                    ps.setInt(1, 2);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                    seen.add("statement: " + messages(ps.getWarnings()) + ", connection: " + messages(c.getWarnings()));
                }
                assertThat(s.executeUpdate("UPDATE t SET v = 3 WHERE id = 1")).isEqualTo(1);
                seen.add("statement: " + messages(s.getWarnings()) + ", connection: " + messages(c.getWarnings()));
            }
        }
        assertThat(seen.get(0)).isEqualTo("statement: [deferred 2], connection: []");
        assertThat(seen.get(1)).isEqualTo("statement: [deferred 3], connection: []");
        assertThat(seen.subList(2, 4)).isEqualTo(seen.subList(0, 2));
    }

    private static List<String> messages(java.sql.SQLWarning w) {
        List<String> out = new ArrayList<>();
        for (; w != null; w = w.getNextWarning()) out.add(w.getMessage());
        return out;
    }

    @Test
    void updatableResultSetsAreLoggedAsTheStatementsTheyAmountTo() throws Exception {
        String src = PG.newDatabase("upd_src");
        String dst = PG.newDatabase("upd_dst");
        try (Connection c = DriverManager.getConnection(walyUrl(src))) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE acct (id serial PRIMARY KEY, owner text, balance numeric DEFAULT 0)");
                s.execute("INSERT INTO acct (owner, balance) VALUES ('a', 1), ('b', 2), ('c', 3)");
            }
            try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_UPDATABLE);
                 ResultSet rs = s.executeQuery("SELECT id, owner, balance FROM acct ORDER BY id")) {
                rs.next();
                rs.updateString("owner", "alice");
                rs.updateBigDecimal(3, new java.math.BigDecimal("10.5"));
                rs.updateRow();
                rs.next();
                rs.deleteRow();
                rs.moveToInsertRow();
                rs.updateString("owner", "dora");
                rs.insertRow();
            }
        }
        assertThat(loggedSql()).anyMatch(q -> q.startsWith("UPDATE \"public\".\"acct\" SET \"owner\" = ?, \"balance\" = ? WHERE"))
                .anyMatch(q -> q.startsWith("DELETE FROM \"public\".\"acct\" WHERE \"id\" = ?"))
                .anyMatch(q -> q.startsWith("INSERT INTO \"public\".\"acct\" (\"owner\") VALUES (?)"));
        if (System.getProperty("waly.dump") != null) for (LogRecord r : records()) {
            java.io.StringWriter w = new java.io.StringWriter();
            io.waly.log.payload.Cbor.toJson(r.payload(), w, false);
            System.err.println(r.seq() + " " + r.kind() + " " + w);
        }
        Replayer.replay(logDir, new PostgresTarget(dst));
        assertSameTables(src, dst);
    }

    @Test
    void transactionEndsAreLoggedAsTheyHappened() throws Exception {
        String src = PG.newDatabase("ends_src");
        String dst = PG.newDatabase("ends_dst");
        try (Connection c = DriverManager.getConnection(walyUrl(src)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE e (a int PRIMARY KEY)");
            c.setAutoCommit(false);
            s.execute("INSERT INTO e VALUES (1)");
            c.setAutoCommit(true);                                    // commits, as JDBC says
            c.setAutoCommit(false);
            s.execute("INSERT INTO e VALUES (2)");
            assertThatThrownBy(() -> s.execute("INSERT INTO e VALUES (1)")).isInstanceOf(SQLException.class);
            c.commit();   // PostgreSQL rolls the aborted transaction back; pgjdbc reports nothing by default
            s.execute("INSERT INTO e VALUES (3)");
            c.rollback();
            s.execute("INSERT INTO e VALUES (4)");
        }                                                             // closed with a transaction open: rolled back
        List<String> ends = new ArrayList<>();
        for (LogRecord r : records()) {
            if (r.kind() == RecordKind.COMMITTED || r.kind() == RecordKind.ROLLBACK) {
                ends.add(r.kind() + ":" + Payloads.End.decode(r.payload()).reason());
            }
        }
        assertThat(ends).containsExactly("COMMITTED:commit", "COMMITTED:commit", "ROLLBACK:commit-failed", "ROLLBACK:rollback",
                "ROLLBACK:connection-closed");
        Replayer.replay(logDir, new PostgresTarget(dst));
        assertSameTables(src, dst);
        try (Connection c = DriverManager.getConnection(dst); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT array_agg(a ORDER BY a)::text FROM e")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("{1}");
        }
    }

    @Test
    void whenTheLogCannotBeWrittenWritesAreRefusedBeforeTheDatabaseAndReadsGoOn() throws Exception {
        String url = PG.newDatabase("logfail");
        try (Connection plain = DriverManager.getConnection(url); Statement s = plain.createStatement()) {
            s.execute("CREATE TABLE t (a int)");
        }
        FaultyStorage failing = new FaultyStorage();
        Properties props = new Properties();
        props.setProperty("walyLogDir", logDir.toString());
        WalyConfig config = WalyConfig.from(props).withStorage(failing);
        try (Connection c = Connections.open(config, () -> DriverManager.getConnection(url))) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t VALUES (1)");
                failing.diskFullAfter(0);
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t VALUES (2)"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("No space left on device")
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("58030");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            }
        }
        try (Connection plain = DriverManager.getConnection(url); Statement s = plain.createStatement();
             ResultSet rs = s.executeQuery("SELECT a FROM t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.next()).isFalse();
        }
    }

    static void assertSameTables(String a, String b) throws SQLException {
        try (Connection x = DriverManager.getConnection(a); Connection y = DriverManager.getConnection(b)) {
            var sa = TableChecksums.of(x);
            assertThat(sa).isNotEmpty();
            assertThat(TableChecksums.of(y)).isEqualTo(sa);
        }
    }
}
