package io.waly.compat.pgjdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.compat.support.RoundTrip;
import io.waly.compat.support.Twin;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * pgjdbc's own behaviour corners, each run through plain pgjdbc and through WAL-y side by side (the application must
 * observe the same thing), then WAL-y's log replayed and compared.
 */
class PgjdbcCornersTest {

    @TempDir
    Path logDir;

    static void ddl(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String d : sql) s.execute(d);
        }
    }

    /** Rewritten batches into a table with nothing for WAL-y to pin: pgjdbc's multi-row INSERTs and its counts. */
    @Test
    void reWriteBatchedInserts() throws Exception {
        rewrittenBatch("pg_rewrite", "CREATE TABLE t (id int PRIMARY KEY, a int, b text)");
    }

    @Test
    void reWriteBatchedInsertsWithPinnedDefaults() throws Exception {
        rewrittenBatch("pg_rewrite_pinned", "CREATE TABLE t (id serial PRIMARY KEY, a int, b text, at timestamptz DEFAULT now())");
    }

    private void rewrittenBatch(String name, String ddl) throws Exception {
        Twin t = new Twin(name, logDir);
        t.run((c, out) -> {
            ddl(c, ddl);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, a, b) VALUES (?, ?, ?)")) {
                for (int i = 0; i < 250; i++) {
                    ps.setInt(1, i + 1);
                    ps.setInt(2, i);
                    ps.setString(3, i % 7 == 0 ? null : "row " + i);
                    ps.addBatch();
                }
                out.add(java.util.Arrays.toString(ps.executeBatch()));   // SUCCESS_NO_INFO (-2) per row when rewritten
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, a, b) VALUES (?, ?, ?)", new String[] {"id"})) {
                for (int i = 0; i < 3; i++) {
                    ps.setInt(1, 1000 + i);
                    ps.setInt(2, i);
                    ps.setString(3, "keyed");
                    ps.addBatch();
                }
                out.add(java.util.Arrays.toString(ps.executeBatch()));
                out.add(Twin.rows(ps.getGeneratedKeys()));
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, a) VALUES (?, ?)")) {
                for (int i = 0; i < 5; i++) {
                    ps.setInt(1, i == 3 ? 1 : 2000 + i);   // the fourth row is a duplicate: the whole batch fails
                    ps.setInt(2, i);
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (java.sql.BatchUpdateException e) {
                out.add(Twin.error(e) + " " + java.util.Arrays.toString(e.getUpdateCounts()));
            }
            c.rollback();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, a) VALUES (?, ?)")) {
                for (int i = 0; i < 4; i++) {
                    ps.setInt(1, 3000 + i);
                    ps.setInt(2, i);
                    ps.addBatch();
                }
                out.add(java.util.Arrays.toString(ps.executeBatch()));
            }
            c.commit();
        }, "reWriteBatchedInserts=true");
        t.waly.replayAndAssertEqual();
    }

    @ParameterizedTest(name = "prepareThreshold={0}")
    @ValueSource(ints = {0, 1})
    void prepareThreshold(int threshold) throws Exception {
        Twin t = new Twin("pg_threshold_" + threshold, logDir);
        t.run((c, out) -> {
            ddl(c, "CREATE TABLE t (id int PRIMARY KEY, n bigint, s text)");
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?)");
                 PreparedStatement upd = c.prepareStatement("UPDATE t SET n = n + ?, s = s || ? WHERE id % 3 = ? RETURNING id, n");
                 PreparedStatement del = c.prepareStatement("DELETE FROM t WHERE id = ?")) {
                for (int i = 0; i < 20; i++) {
                    ins.setInt(1, i);
                    ins.setLong(2, i * 10L);
                    ins.setString(3, "s" + i);
                    out.add("ins " + ins.executeUpdate());
                }
                for (int i = 0; i < 6; i++) {
                    upd.setLong(1, i);
                    upd.setString(2, "+" + i);
                    upd.setInt(3, i % 3);
                    try (ResultSet rs = upd.executeQuery()) {
                        out.add(Twin.rows(rs));
                    }
                    del.setInt(1, i * 3);
                    out.add("del " + del.executeUpdate());
                }
            }
        }, "prepareThreshold=" + threshold);
        t.waly.replayAndAssertEqual();
    }

    /**
     * A server-prepared statement whose table changes shape: pgjdbc's answer ("cached plan must not change result type"
     * inside a transaction; a silent re-prepare in autocommit) must be the same through WAL-y, and the log must say
     * what really happened.
     */
    @Test
    void rePrepareAfterDdl() throws Exception {
        Twin t = new Twin("pg_reprepare", logDir);
        List<String> seen = t.run((c, other, out) -> {
            ddl(c, "CREATE TABLE t (id int PRIMARY KEY, a text)", "INSERT INTO t VALUES (1, 'one'), (2, 'two')");
            try (PreparedStatement sel = c.prepareStatement("SELECT * FROM t WHERE id > ?");
                 PreparedStatement upd = c.prepareStatement("UPDATE t SET a = a || ? WHERE id = ? RETURNING *")) {
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < 6; i++) {   // past prepareThreshold: server-side prepared
                        sel.setInt(1, 0);
                        try (ResultSet rs = sel.executeQuery()) {
                            out.add(Twin.rows(rs));
                        }
                        upd.setString(1, "!");
                        upd.setInt(2, 1 + i % 2);
                        try (ResultSet rs = upd.executeQuery()) {
                            out.add(Twin.rows(rs));
                        } catch (SQLException e) {
                            out.add(Twin.error(e));
                        }
                    }
                    try (Connection o = other.open()) {   // the table changes shape behind this connection's back
                        ddl(o, "ALTER TABLE t ADD COLUMN c" + round + " int DEFAULT " + round);
                    }
                    c.setAutoCommit(round != 0);   // round 0 runs the next statements in a transaction
                    for (PreparedStatement ps : List.of(sel, upd)) {
                        if (ps == sel) ps.setInt(1, 0);
                        else {
                            ps.setString(1, "?");
                            ps.setInt(2, 2);
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            out.add(Twin.rows(rs));
                        } catch (SQLException e) {
                            out.add(Twin.error(e));
                        }
                    }
                    if (!c.getAutoCommit()) {
                        c.rollback();
                        c.setAutoCommit(true);
                    }
                }
            }
        }, "prepareThreshold=1");
        assertThat(seen).anyMatch(s -> s.contains("0A000") && s.contains("cached plan must not change result type"));
        t.waly.replayAndAssertEqual();
    }

    @Test
    void stringtypeUnspecified() throws Exception {
        Twin t = new Twin("pg_stringtype", logDir);
        t.run((c, out) -> {
            ddl(c, "CREATE TABLE t (id int PRIMARY KEY, u uuid, j jsonb, d date, n numeric, ts timestamptz, e text)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < 5; i++) {
                    ps.setString(1, String.valueOf(i));   // strings into every type: the server infers
                    ps.setString(2, "00000000-0000-0000-0000-00000000000" + i);
                    ps.setString(3, "{\"k\": " + i + "}");
                    ps.setString(4, "2025-01-0" + (i + 1));
                    ps.setString(5, i + ".5");
                    ps.setString(6, "2025-01-01 10:00:00+0" + i);
                    ps.setString(7, "text " + i);
                    out.add("ins " + ps.executeUpdate());
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE t SET n = n + ?, j = j || ? WHERE id = ?")) {
                ps.setString(1, "1");
                ps.setString(2, "{\"x\": true}");
                ps.setString(3, "3");
                out.add("upd " + ps.executeUpdate());
            }
        }, "stringtype=unspecified");
        t.waly.replayAndAssertEqual();
    }

    @Test
    void autosaveAlways() throws Exception {
        Twin t = new Twin("pg_autosave", logDir);
        t.run((c, out) -> {
            ddl(c, "CREATE TABLE t (id int PRIMARY KEY, v text)");
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                out.add(Twin.outcome(s, "INSERT INTO t VALUES (1, 'a')"));
                out.add(Twin.outcome(s, "INSERT INTO t VALUES (1, 'duplicate')"));   // rolled back to pgjdbc's savepoint
                out.add(Twin.outcome(s, "INSERT INTO t VALUES (2, 'after the failure')"));
                out.add(Twin.outcome(s, "SELECT 1/0"));
                out.add(Twin.outcome(s, "UPDATE t SET v = v || '!'"));
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                out.add(Twin.outcome(s, "INSERT INTO t VALUES (3, 'rolled back')"));
                out.add(Twin.outcome(s, "INSERT INTO t VALUES (NULL, 'fails')"));
            }
            c.rollback();
            try (Statement s = c.createStatement()) {
                out.add(Twin.outcome(s, "SELECT * FROM t ORDER BY id"));
            }
            c.commit();
        }, "autosave=always");
        t.waly.replayAndAssertEqual();
        assertThat(t.waly.count("SELECT count(*) FROM t")).isEqualTo(2);
    }

    @Test
    void listenNotify() throws Exception {
        Twin t = new Twin("pg_notify", logDir);
        t.run((c, out) -> {
            ddl(c, "CREATE TABLE t (id int)", "LISTEN waly_channel");
            try (Statement s = c.createStatement()) {
                s.execute("NOTIFY waly_channel, 'hello'");
                s.execute("INSERT INTO t VALUES (1)");
                s.execute("SELECT pg_notify('waly_channel', 'from a function')");
                c.setAutoCommit(false);
                s.execute("NOTIFY waly_channel, 'rolled back'");
                c.rollback();
                c.setAutoCommit(true);
                s.executeQuery("SELECT 1").close();
            }
            PGNotification[] n = c.unwrap(PGConnection.class).getNotifications(2000);
            for (PGNotification x : n) out.add(x.getName() + ":" + x.getParameter());
            ddl(c, "UNLISTEN *");
        });
        t.waly.replayAndAssertEqual();
    }

    @Test
    void fetchSizeCursorsInterleavedWithWrites() throws Exception {
        Twin t = new Twin("pg_cursor", logDir);
        t.run((c, out) -> {
            ddl(c, "CREATE TABLE t (id int PRIMARY KEY, v int)", "INSERT INTO t SELECT g, g * 2 FROM generate_series(1, 500) g");
            c.setAutoCommit(false);
            try (PreparedStatement q = c.prepareStatement("SELECT id, v FROM t ORDER BY id");
                 PreparedStatement upd = c.prepareStatement("UPDATE t SET v = v + 1 WHERE id = ?")) {
                q.setFetchSize(17);
                long sum = 0;
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        sum += rs.getLong(2);
                        if (rs.getInt(1) % 50 == 0) {   // writes while the cursor is open
                            upd.setInt(1, rs.getInt(1));
                            out.add("upd " + upd.executeUpdate());
                        }
                    }
                }
                out.add("sum " + sum);
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                s.setFetchSize(5);
                try (ResultSet rs = s.executeQuery("DELETE FROM t WHERE id > 490 RETURNING id")) {
                    int n = 0;
                    while (rs.next()) n++;
                    out.add("deleted " + n);
                }
            }
            c.commit();
        });
        t.waly.replayAndAssertEqual();
    }


    @Test
    void largeObjectsReplayExactly() throws Exception {
        RoundTrip rt = new RoundTrip("pg_lo", logDir);
        writeLargeObject(rt);
        rt.replayAndAssertEqual();
    }

    /** Large objects made by SQL functions are statements WAL-y logs: replay recreates them with the same oid. */
    @Test
    void largeObjectsMadeBySqlFunctionsReplayExactly() throws Exception {
        RoundTrip rt = new RoundTrip("pg_lo_sql", logDir);
        try (Connection c = rt.walyConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE doc (id int PRIMARY KEY, body oid)");
            s.execute("INSERT INTO doc VALUES (1, lo_from_bytea(424242, '\\x0102030405'::bytea))");
            c.setAutoCommit(false);
            s.execute("SELECT lo_put(424242, 5, '\\xffff'::bytea)");
            s.execute("SELECT lo_unlink(lo_from_bytea(515151, 'scratch'))");
            c.commit();
        }
        rt.replayAndAssertEqual();
    }

    private long writeLargeObject(RoundTrip rt) throws SQLException {
        try (Connection c = rt.walyConnection()) {
            ddl(c, "CREATE TABLE doc (id int PRIMARY KEY, body oid)");
            c.setAutoCommit(false);
            LargeObjectManager lom = c.unwrap(PGConnection.class).getLargeObjectAPI();
            long oid = lom.createLO();
            try (LargeObject lo = lom.open(oid, LargeObjectManager.WRITE)) {
                lo.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO doc VALUES (1, ?)")) {
                ps.setLong(1, oid);
                ps.executeUpdate();
            }
            c.commit();
            return oid;
        }
    }
}
