package io.waly.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import io.waly.testing.EmbeddedPostgresServer;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In fsync durability a transaction's COMMIT record carries the database's txid, and a prepared write that is the
 * transaction's first brings it in its own round trip (issue 17): the same messages to the server as pgjdbc alone, the
 * same answers to the application, the txid of the very transaction in the log.
 */
class TxidAheadTest {

    @TempDir
    Path logDir;

    private static final EmbeddedPostgresServer PG = EmbeddedPostgresServer.shared();

    /** Counts the Sync messages pgjdbc sends: one per round trip. */
    private static final class Syncs extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");
        private final Level level = logger.getLevel();
        final AtomicInteger count = new AtomicInteger();

        Syncs() {
            setLevel(Level.ALL);
            logger.setLevel(Level.FINEST);
            logger.addHandler(this);
        }

        @Override
        public void publish(java.util.logging.LogRecord r) {
            if (r.getMessage() != null && r.getMessage().contains("FE=> Sync")) count.incrementAndGet();
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            logger.removeHandler(this);
            logger.setLevel(level);
        }
    }

    /** What the application does in one transaction: its first write prepared and executed, then a read and a commit. */
    private static long transfer(Connection c, int id) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?")) {
            up.setInt(1, 10);
            up.setInt(2, id);
            assertThat(up.executeUpdate()).isEqualTo(1);
        }
        long txid;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT txid_current()")) {
            rs.next();
            txid = rs.getLong(1);
        }
        c.commit();
        return txid;
    }

    private List<Long> committedTxids() {
        List<Long> out = new ArrayList<>();
        try (LogReader r = LogReader.open(logDir)) {
            io.waly.log.LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.kind() == RecordKind.COMMIT) out.add(Payloads.Commit.decode(rec.payload()).dbTxid());
            }
        }
        return out;
    }

    @Test
    void theFirstWriteBringsTheTxidInItsOwnRoundTrip() throws Exception {
        String url = PG.newDatabase("txid_ahead");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id int PRIMARY KEY, balance int)");
            s.execute("INSERT INTO account SELECT g, 0 FROM generate_series(1, 10) g");
        }
        int raw;
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            transfer(c, 1);
            try (Syncs syncs = new Syncs()) {
                transfer(c, 2);
                raw = syncs.count.get();
            }
        }
        List<Long> seen = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url.replace("jdbc:postgresql:", "jdbc:waly:postgresql:")
                + "&walyLogDir=" + logDir + "&walyDurability=fsync")) {
            c.setAutoCommit(false);
            seen.add(transfer(c, 1));   // the connection's first: WAL-y's questions about the session and the table
            try (Syncs syncs = new Syncs()) {
                seen.add(transfer(c, 2));
                assertThat(syncs.count.get()).as("round trips of a transaction, as with pgjdbc alone").isEqualTo(raw);
            }
            seen.add(transfer(c, 3));
            // a plain statement's first write brings it too
            try (Syncs syncs = new Syncs(); Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("UPDATE account SET balance = balance - 1 WHERE id = 5")).isEqualTo(1);
                assertThat(s.getUpdateCount()).isEqualTo(1);
                assertThat((Object) s.getMoreResults()).isEqualTo(false);
                try (ResultSet rs = s.executeQuery("SELECT txid_current()")) {
                    rs.next();
                    seen.add(rs.getLong(1));
                }
                c.commit();
                assertThat(syncs.count.get()).as("a plain write, a read, a commit").isEqualTo(3);
            }
            // autocommit: the write, then WAL-y's COMMIT once its COMMIT record is on disk — no question of its own
            c.setAutoCommit(true);
            try (Syncs syncs = new Syncs(); PreparedStatement up = c.prepareStatement("UPDATE account SET balance = 0 WHERE id = ?")) {
                up.setInt(1, 4);
                assertThat(up.executeUpdate()).isEqualTo(1);
                assertThat(syncs.count.get()).isEqualTo(2);
            }
        }
        List<Long> logged = committedTxids();
        assertThat(logged).hasSize(5);
        assertThat(logged.subList(0, 4)).as("each COMMIT record holds its own transaction's txid").isEqualTo(seen);
        assertThat(logged.get(4)).isGreaterThan(seen.get(3));
    }

    /** A first write that fails says exactly what pgjdbc alone says, its error's position in the text included. */
    @Test
    void aFailingFirstWriteGetsPgjdbcsOwnError() throws Exception {
        String url = PG.newDatabase("txid_errors");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id int PRIMARY KEY, balance int)");
        }
        String waly = url.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir + "&walyDurability=fsync";
        List<String> errors = new ArrayList<>();
        for (String u : List.of(url, waly)) {
            try (Connection c = DriverManager.getConnection(u)) {
                c.setAutoCommit(false);
                for (String sql : List.of("UPDATE account SET nope = 1 WHERE id = 1", "INSERT INTO account VALUES (1, 'x')")) {
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate(sql);
                    } catch (SQLException e) {
                        errors.add(e.getSQLState() + " " + e.getMessage());
                    }
                    c.rollback();
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.executeUpdate();
                    } catch (SQLException e) {
                        errors.add(e.getSQLState() + " " + e.getMessage());
                    }
                    c.rollback();
                }
            }
        }
        assertThat(errors).hasSize(8);
        assertThat(errors.get(0)).contains("42703").contains("Position: 20");
        assertThat(errors.subList(4, 8)).isEqualTo(errors.subList(0, 4));
    }

    /**
     * A first write running on its twin — here waiting for a row another transaction holds — is cancelled by the
     * application's cancel(), as pgjdbc alone cancels it.
     */
    @Test
    void cancelReachesAFirstWriteRunningOnItsTwin() throws Exception {
        String url = PG.newDatabase("txid_cancel");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id int PRIMARY KEY, balance int)");
            s.execute("INSERT INTO account VALUES (1, 0)");
        }
        try (Connection holder = DriverManager.getConnection(url);
             Connection c = DriverManager.getConnection(url.replace("jdbc:postgresql:", "jdbc:waly:postgresql:")
                     + "&walyLogDir=" + logDir + "&walyDurability=fsync")) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("SELECT * FROM account WHERE id = 1 FOR UPDATE");
            c.setAutoCommit(false);
            try (PreparedStatement waits = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = 1")) {
                waits.setInt(1, 1);
                waits.setQueryTimeout(20);   // the net under the test: a cancel that does not arrive shows as a late 57014
                Thread canceller = new Thread(() -> {
                    try {
                        Thread.sleep(500);
                        waits.cancel();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                canceller.start();
                long t0 = System.nanoTime();
                assertThatThrownBy(waits::executeUpdate)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
                assertThat(System.nanoTime() - t0).as("cancelled, not timed out").isLessThan(10_000_000_000L);
                canceller.join();
                c.rollback();
            } finally {
                holder.rollback();
            }
        }
    }

    @Test
    void theApplicationSeesItsWritesAnswersAsWithPgjdbcAlone() throws Exception {
        String url = PG.newDatabase("txid_answers");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item (id int PRIMARY KEY, name text, body bytea)");
            s.execute("CREATE FUNCTION tell() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE NOTICE 'row %', NEW.id; "
                    + "RETURN NEW; END$$");
            s.execute("CREATE TRIGGER told BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION tell()");
        }
        try (Connection c = DriverManager.getConnection(url.replace("jdbc:postgresql:", "jdbc:waly:postgresql:")
                + "&walyLogDir=" + logDir + "&walyDurability=fsync")) {
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO item (id, name) VALUES (?, ?)")) {
                ins.setInt(1, 1);
                ins.setString(2, "one");
                assertThat((Object) ins.execute()).isEqualTo(false);
                assertThat(ins.getUpdateCount()).isEqualTo(1);
                assertThat(ins.getResultSet()).isNull();
                SQLWarning w = ins.getWarnings();
                assertThat((Object) w).isNotNull();
                assertThat(w.getMessage()).isEqualTo("row 1");
                assertThat((Object) w.getNextWarning()).isNull();
                assertThat((Object) ins.getMoreResults()).isEqualTo(false);
                assertThat(ins.getUpdateCount()).isEqualTo(-1);
                c.commit();
                ins.setInt(1, 2);   // the name stays bound, on the statement and on its twin alike
                assertThat((Object) ins.executeLargeUpdate()).isEqualTo(1L);
                assertThat(ins.getWarnings().getMessage()).isEqualTo("row 2");
                c.commit();
                // a failure of the first write: pgjdbc's own error, and the transaction aborted as it leaves it
                ins.setInt(1, 2);
                SQLException failed = null;
                try {
                    ins.executeUpdate();
                } catch (SQLException e) {
                    failed = e;
                }
                assertThat((Object) failed).isNotNull();
                assertThat(failed.getSQLState()).isEqualTo("23505");
                assertThat(failed.getMessage()).startsWith("ERROR: duplicate key value violates unique constraint \"item_pkey\"");
                assertThatThrownBy(() -> c.createStatement().executeQuery("SELECT 1"))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25P02"));
                c.rollback();
            }
            // a stream cannot be bound twice the same way: that statement asks for the txid on its own, as before
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO item (id, name, body) VALUES (?, ?, ?)")) {
                ins.setInt(1, 3);
                ins.setString(2, "three");
                ins.setBinaryStream(3, new ByteArrayInputStream(new byte[] {1, 2, 3}));
                assertThat(ins.executeUpdate()).isEqualTo(1);
                c.commit();
            }
        }
        List<Long> logged = committedTxids();
        assertThat(logged).hasSize(3).allMatch(t -> t > 0);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(id || ':' || name || ':' || coalesce(encode(body, 'hex'), ''), ',' ORDER BY id) FROM item")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("1:one:,2:one:,3:three:010203");
        }
    }
}
