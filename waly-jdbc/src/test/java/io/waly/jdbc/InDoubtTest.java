package io.waly.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.command.Command;
import io.waly.jdbc.TxidStatus;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.Replayer;
import io.waly.log.replay.ReplayException;
import io.waly.log.LogConfig;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import io.waly.log.write.LogWriter;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented rule for a transaction whose COMMIT is in the log but not its outcome (the process died between
 * the log's COMMIT and the database's answer): the database's own transaction id decides, asked by the next
 * writer ({@code txid_status}) or by replay given the source; without either, replay stops rather than guess.
 */
class InDoubtTest {

    @TempDir
    Path logDir;

    private static final EmbeddedPostgresServer PG = EmbeddedPostgresServer.shared();

    /** Runs an insert in a source transaction, commits or rolls it back, and returns its txid. */
    private static long sourceTransaction(String url, int value, boolean commit) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            long txid;
            try (Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT txid_current()")) {
                    rs.next();
                    txid = rs.getLong(1);
                }
                s.executeUpdate("INSERT INTO t VALUES (" + value + ")");
            }
            if (commit) c.commit(); else c.rollback();
            return txid;
        }
    }

    /** What a writer that died right after the COMMIT record leaves in the log. */
    private void logCrashedTransaction(long dbTxid, int value) {
        try (LogWriter w = LogWriter.open(LogConfig.at(logDir))) {
            long tx = w.append(RecordKind.BEGIN, LogWriter.OWN_SEQ, new Payloads.Begin(1, dbTxid, false, null, false).encode());
            long st = w.append(RecordKind.STATEMENT, tx, new Payloads.Statement("INSERT INTO t VALUES (" + value + ")", List.of(), null,
                    new Command.Sql("INSERT"), false, -1, null, 1).encode());
            w.append(RecordKind.OUTCOME, tx, Payloads.Outcome.ok(st, new long[] {1}, List.of()).encode());
            w.sync(w.append(RecordKind.COMMIT, tx, new Payloads.Commit(dbTxid).encode()));
        }
    }

    @Test
    void replayAsksTheSourceAndAppliesOnlyWhatTheDatabaseCommitted() throws Exception {
        String src = PG.newDatabase("doubt_src");
        try (Connection c = DriverManager.getConnection(src); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (a int)");
        }
        try (LogWriter w = LogWriter.open(LogConfig.at(logDir))) {
            long tx = w.append(RecordKind.BEGIN, LogWriter.OWN_SEQ, new Payloads.Begin(1, -1, true, null, false).encode());
            long st = w.append(RecordKind.STATEMENT, tx, new Payloads.Statement("CREATE TABLE t (a int)", List.of(), null,
                    new Command.Sql("CREATE"), true, -1, null, 1).encode());
            w.append(RecordKind.OUTCOME, tx, Payloads.Outcome.ok(st, new long[] {0}, List.of()).encode());
            w.append(RecordKind.COMMIT, tx, new Payloads.Commit(-1).encode());
            w.sync(w.append(RecordKind.COMMITTED, tx, Payloads.End.COMMIT.encode()));
        }
        long committed = sourceTransaction(src, 1, true);
        logCrashedTransaction(committed, 1);
        long aborted = sourceTransaction(src, 2, false);
        logCrashedTransaction(aborted, 2);

        String blind = PG.newDatabase("doubt_blind");
        assertThatThrownBy(() -> Replayer.replay(logDir, new PostgresTarget(blind)))
                .isInstanceOf(ReplayException.class).hasMessageContaining("in doubt").hasMessageContaining(String.valueOf(committed));

        String asked = PG.newDatabase("doubt_asked");
        try (TxidStatus sourceDb = TxidStatus.of(src, null, null)) {
            Replayer.replay(logDir, ReplayOptions.builder().inDoubtSource(sourceDb).build(), new PostgresTarget(asked));
        }
        assertThat(values(asked)).containsExactly(1);
    }

    @Test
    void theNextWriterResolvesInDoubtTransactionsByAskingTheDatabase() throws Exception {
        String src = PG.newDatabase("doubt_next");
        try (Connection c = DriverManager.getConnection(src); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (a int)");
        }
        long committed = sourceTransaction(src, 7, true);
        logCrashedTransaction(committed, 7);
        try (Connection c = DriverManager.getConnection(src.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir);
             Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO t VALUES (8)");
        }
        boolean recovered = false;
        try (LogReader r = LogReader.open(logDir)) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.kind() == RecordKind.COMMITTED && "recovered".equals(Payloads.End.decode(rec.payload()).reason())) recovered = true;
            }
        }
        assertThat(recovered).isTrue();
        String target = PG.newDatabase("doubt_next_dst");
        try (Connection c = DriverManager.getConnection(target); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (a int)");
        }
        Replayer.replay(logDir, ReplayOptions.builder().force(true).build(), new PostgresTarget(target));
        assertThat(values(target)).containsExactly(7, 8);
    }

    private static List<Integer> values(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT a FROM t ORDER BY a")) {
            List<Integer> out = new java.util.ArrayList<>();
            while (rs.next()) out.add(rs.getInt(1));
            return out;
        }
    }
}
