package io.waly.compat.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.compat.support.RoundTrip;
import io.waly.compat.support.Twin;
import io.waly.jdbc.Connections;
import io.waly.jdbc.WalyState;
import io.waly.jdbc.config.WalyConfig;
import io.waly.log.storage.FileLogStorage;
import io.waly.log.storage.ForwardingSegmentFile;
import io.waly.log.storage.LogStorage;
import io.waly.testing.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults: the database connection dropped mid-transaction, a COMMIT the database rejects (deferred constraint,
 * serialization failure), and a log that cannot be written (disk full, failed fsync). The application gets what
 * plain pgjdbc gives it (or, for log failures, WAL-y's clear 58030), and the log stays valid and truthful.
 */
class FaultsTest {

    @TempDir
    Path logDir;

    static long pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void connectionTerminatedMidTransaction() throws Exception {
        Twin t = new Twin("fault_terminate", logDir);
        t.run((c, out) -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
                s.execute("INSERT INTO t VALUES (1, 'committed before')");
                c.setAutoCommit(false);
                s.execute("INSERT INTO t VALUES (2, 'lost with the connection')");
                EmbeddedPostgresServer.shared().execute("SELECT pg_terminate_backend(" + pid(c) + ")");
                out.add(Twin.outcome(s, "INSERT INTO t VALUES (3, 'after terminate')"));
                try {
                    c.commit();
                    out.add("commit ok");
                } catch (SQLException e) {
                    out.add("commit " + Twin.error(e));
                }
                out.add("closed=" + c.isClosed());
            }
        });
        RoundTrip.assertLogVerifies(t.waly.logDir);
        t.waly.replayAndAssertEqual();
        assertThat(t.waly.count("SELECT count(*) FROM t")).isEqualTo(1);
    }

    @Test
    void commitRejectedByADeferredConstraint() throws Exception {
        Twin t = new Twin("fault_deferred", logDir);
        t.run((c, out) -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE parent (id int PRIMARY KEY)");
                s.execute("CREATE TABLE child (id int PRIMARY KEY, p int REFERENCES parent DEFERRABLE INITIALLY DEFERRED)");
                c.setAutoCommit(false);
                s.execute("INSERT INTO child VALUES (1, 99)");   // fine until COMMIT
                try {
                    c.commit();
                    out.add("commit ok");
                } catch (SQLException e) {
                    out.add("commit " + Twin.error(e));
                }
                s.execute("INSERT INTO parent VALUES (7)");
                s.execute("INSERT INTO child VALUES (2, 7)");
                c.commit();
                c.setAutoCommit(true);
                out.add(Twin.outcome(s, "SELECT * FROM child"));
            }
        });
        t.waly.replayAndAssertEqual();
        assertThat(t.waly.count("SELECT count(*) FROM child")).isEqualTo(1);
    }

    @Test
    void serializationFailureUnderSerializable() throws Exception {
        Twin t = new Twin("fault_serializable", logDir);
        t.run((a, other, out) -> {
            try (Statement s = a.createStatement()) {
                s.execute("CREATE TABLE doctor (name text PRIMARY KEY, on_call boolean)");
                s.execute("INSERT INTO doctor VALUES ('alice', true), ('bob', true)");
            }
            try (Connection b = other.open()) {
                for (Connection c : List.of(a, b)) {
                    c.setAutoCommit(false);
                    c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                }
                // write skew: each sees two doctors on call and takes one off
                try (Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                    out.add(Twin.outcome(sa, "SELECT count(*) FROM doctor WHERE on_call"));
                    out.add(Twin.outcome(sb, "SELECT count(*) FROM doctor WHERE on_call"));
                    out.add(Twin.outcome(sa, "UPDATE doctor SET on_call = false WHERE name = 'alice'"));
                    out.add(Twin.outcome(sb, "UPDATE doctor SET on_call = false WHERE name = 'bob'"));
                }
                for (Connection c : List.of(a, b)) {
                    try {
                        c.commit();
                        out.add("commit ok");
                    } catch (SQLException e) {
                        out.add("commit " + Twin.error(e));
                        c.rollback();
                    }
                    c.setAutoCommit(true);
                }
            }
        });
        t.waly.replayAndAssertEqual();
        assertThat(t.waly.count("SELECT count(*) FROM doctor WHERE on_call")).isEqualTo(1);
    }

    /** A storage whose writes or forces fail on demand, as a full disk or a failing device does. */
    static final class FailingStorage implements LogStorage {
        final AtomicBoolean failWrites = new AtomicBoolean();
        final AtomicBoolean failForce = new AtomicBoolean();

        @Override
        public SegmentFile open(Path file) throws IOException {
            SegmentFile f = FileLogStorage.INSTANCE.open(file);
            return new ForwardingSegmentFile(f) {
                @Override
                public void write(ByteBuffer bytes) throws IOException {
                    if (failWrites.get()) throw new IOException("No space left on device");
                    super.write(bytes);
                }

                @Override
                public void force() throws IOException {
                    if (failForce.get()) throw new IOException("Input/output error");
                    super.force();
                }
            };
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            FileLogStorage.INSTANCE.syncDirectory(dir);
        }
    }

    @Test
    void diskFullAndFailedFsyncRefuseTheWriteBeforeTheDatabaseAndLeaveAValidLog() throws Exception {
        for (String fault : List.of("disk-full", "fsync")) {
            Path dir = logDir.resolve(fault);
            RoundTrip rt = new RoundTrip("fault_log_" + fault.replace('-', '_'), dir);
            Properties p = new Properties();
            p.setProperty("walyLogDir", dir.toString());
            FailingStorage storage = new FailingStorage();
            WalyConfig config = WalyConfig.from(p).withStorage(storage);
            try (Connection c = Connections.open(config, () -> DriverManager.getConnection(rt.source)); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
                s.execute("INSERT INTO t VALUES (1, 'before the fault')");
                (fault.equals("fsync") ? storage.failForce : storage.failWrites).set(true);
                assertThatThrownBy(() -> s.execute("INSERT INTO t VALUES (2, 'refused')"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(WalyState.LOG_FAILURE.getState()))
                        .hasMessageContaining("WAL-y could not");
                c.setAutoCommit(false);
                assertThatThrownBy(() -> s.execute("UPDATE t SET v = 'refused too' WHERE id = 1"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(WalyState.LOG_FAILURE.getState()));
                c.rollback();
            }
            // nothing the log refused reached the database
            assertThat(rt.count("SELECT count(*) FROM t")).isEqualTo(1);
            assertThat(rt.count("SELECT count(*) FROM t WHERE v = 'before the fault'")).isEqualTo(1);
            // the disk is fixed: a new writer opens the log (cutting what the failure left), and it all replays
            try (Connection c = rt.walyConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO t VALUES (3, 'after the fix')");
            }
            RoundTrip.assertLogVerifies(dir);
            rt.replayAndAssertEqual();
        }
    }
}
