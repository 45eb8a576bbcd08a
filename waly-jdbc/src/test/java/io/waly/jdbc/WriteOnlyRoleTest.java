package io.waly.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.Replayer;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A role that may change a table but not read it — an INSERT-only audit role, an UPDATE on some columns only — gets
 * from WAL-y what pgjdbc alone gives it: WAL-y's row images need {@code SELECT} ({@code RETURNING *}, reading rows
 * back), so its writes of such a table are logged without rows instead of failing with {@code 42501}. Replay then runs
 * them again; the rows any other role writes keep their images.
 */
class WriteOnlyRoleTest {

    @TempDir
    Path logDir;

    @Test
    void writesOfARoleThatMayNotReadTheTableRunAsWithPgjdbcAndReplay() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("wo_src");
        String target = pg.newDatabase("wo_dst");
        try (Connection c = DriverManager.getConnection(source); Statement s = c.createStatement()) {
            // roles are the cluster's: made outside the log, there for the target too
            s.execute("DO $$ BEGIN CREATE ROLE waly_wo_auditor LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        }
        String walySource = ReplayRoundTripTest.waly(source, logDir);
        try (Connection c = DriverManager.getConnection(walySource); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE audit (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(), what text)");
            s.execute("CREATE TABLE acct (id int PRIMARY KEY, balance int, note text)");
            s.execute("INSERT INTO acct VALUES (1, 10, 'a'), (2, 20, 'b')");
            s.execute("GRANT INSERT ON audit TO waly_wo_auditor");
            s.execute("GRANT USAGE ON SEQUENCE audit_id_seq TO waly_wo_auditor");
            s.execute("GRANT SELECT (id), UPDATE (balance) ON acct TO waly_wo_auditor");

            s.execute("SET ROLE waly_wo_auditor");
            assertThat(s.executeUpdate("INSERT INTO audit (what) VALUES ('by the auditor, autocommit')")).isEqualTo(1);
            assertThat(s.executeUpdate("UPDATE acct SET balance = 11 WHERE id = 1")).isEqualTo(1);
            c.setAutoCommit(false);
            assertThat(s.executeUpdate("INSERT INTO audit (what) VALUES ('by the auditor, in a transaction')")).isEqualTo(1);
            assertThat(s.executeUpdate("UPDATE acct SET balance = 21 WHERE id = 2")).isEqualTo(1);
            c.commit();
            c.setAutoCommit(true);
            s.execute("RESET ROLE");
            assertThat(s.executeUpdate("INSERT INTO audit (what) VALUES ('by the owner')")).isEqualTo(1);
        }
        // the same role logged in as itself, and a later grant that lets it read: its rows are images again
        String asAuditor = walySource.replace("user=postgres", "user=waly_wo_auditor");
        try (Connection c = DriverManager.getConnection(asAuditor); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO audit (what) VALUES ('logged in as the auditor')")).isEqualTo(1);
        }
        try (Connection c = DriverManager.getConnection(walySource); Statement s = c.createStatement()) {
            s.execute("GRANT SELECT ON audit TO waly_wo_auditor");
            s.execute("SET ROLE waly_wo_auditor");
            assertThat(s.executeUpdate("INSERT INTO audit (what) VALUES ('by the auditor, after the grant')")).isEqualTo(1);
        }

        Replayer.replay(logDir, new PostgresTarget(target));
        assertThat(rows(target, "SELECT id, what FROM audit ORDER BY id")).isEqualTo(rows(source, "SELECT id, what FROM audit ORDER BY id"));
        assertThat(rows(target, "SELECT id, balance, note FROM acct ORDER BY id")).isEqualTo(rows(source, "SELECT id, balance, note FROM acct ORDER BY id"));
        // rows written with their images come back with the source's clock; the auditor's re-run ones with replay's
        String imaged = "SELECT what, at FROM audit WHERE what IN ('by the owner', 'by the auditor, after the grant') ORDER BY id";
        assertThat(rows(target, imaged)).isEqualTo(rows(source, imaged)).hasSize(2);
        String rerun = "SELECT what, at FROM audit WHERE what LIKE '%auditor%' AND what <> 'by the auditor, after the grant' ORDER BY id";
        assertThat(rows(target, rerun)).hasSize(3).doesNotContainAnyElementsOf(rows(source, rerun));
    }

    private static List<String> rows(String url, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) row.append(i > 1 ? "|" : "").append(rs.getString(i));
                out.add(row.toString());
            }
        }
        return out;
    }
}
