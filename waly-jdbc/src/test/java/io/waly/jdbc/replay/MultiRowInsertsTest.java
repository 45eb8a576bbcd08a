package io.waly.jdbc.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.log.replay.Replayer;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay sends runs of single-row INSERTs as multi-row INSERTs only where that leaves exactly what one statement per
 * row leaves: the text must end in its one VALUES row with nothing in it that reads the table, and the table must have
 * no triggers or rules of its own.
 */
class MultiRowInsertsTest {

    @TempDir
    Path logDir;

    @Test
    void onlyPlainRowsOfOneValuesListAreCombined() {
        MultiRowInserts.Shape s = MultiRowInserts.split("INSERT INTO t (a, b) VALUES (?, ?::numeric)", 2);
        assertThat(s).isNotNull();
        assertThat(s.sql(3)).isEqualTo("INSERT INTO t (a, b) VALUES (?, ?::numeric), (?, ?::numeric), (?, ?::numeric)");
        assertThat(s.rowsPerStatement()).isEqualTo(MultiRowInserts.MAX_ROWS);
        assertThat(MultiRowInserts.split("INSERT INTO t VALUES (?, 'x', DEFAULT, NULL)", 1).sql(2))
                .isEqualTo("INSERT INTO t VALUES (?, 'x', DEFAULT, NULL), (?, 'x', DEFAULT, NULL)");
        // many parameters: fewer rows a statement, within the protocol's 32,767
        assertThat(MultiRowInserts.split("INSERT INTO t VALUES (" + "?, ".repeat(999) + "?)", 1000).rowsPerStatement()).isEqualTo(32);

        assertThat(MultiRowInserts.split("INSERT INTO t VALUES (?, (SELECT count(*) FROM t))", 1)).isNull();
        assertThat(MultiRowInserts.split("INSERT INTO t VALUES (?, next_id())", 1)).isNull();
        assertThat(MultiRowInserts.split("INSERT INTO t VALUES (?) ON CONFLICT DO NOTHING", 1)).isNull();
        assertThat(MultiRowInserts.split("INSERT INTO t VALUES (?) RETURNING a", 1)).isNull();
        assertThat(MultiRowInserts.split("WITH x AS (SELECT 1) INSERT INTO t VALUES (?)", 1)).isNull();
        assertThat(MultiRowInserts.split("INSERT INTO t VALUES ($1)", 1)).isNull();
        assertThat(MultiRowInserts.split("INSERT INTO t SELECT ?", 1)).isNull();
        assertThat(MultiRowInserts.split("INSERT INTO t VALUES (?), (?)", 2)).isNull();
        assertThat(MultiRowInserts.split("INSERT INTO t VALUES (?); INSERT INTO u VALUES (1)", 1)).isNull();
        assertThat(MultiRowInserts.split("INSERT INTO t VALUES (?)", 2)).as("a parameter outside the row").isNull();
    }

    /**
     * Batches of single-row INSERTs into a plain table (statements re-run), a serial-keyed one (row images), one with a
     * statement-level trigger that counts statements and one whose row trigger reads the table: the replay equals the
     * source in every table, the triggers' own tables included.
     */
    @Test
    void replayOfCombinedInsertsEqualsTheSourceAndTriggersSeeOneStatementPerRow() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("mr_src");
        String target = pg.newDatabase("mr_dst");
        String waly = source.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir;
        try (Connection c = DriverManager.getConnection(waly); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE plain_rows (id bigint PRIMARY KEY, name text, amount numeric(12,2), at timestamptz)");
            s.execute("CREATE TABLE keyed (id serial PRIMARY KEY, name text)");
            s.execute("CREATE TABLE counted (id int PRIMARY KEY)");
            s.execute("CREATE TABLE statements (n int)");
            s.execute("INSERT INTO statements VALUES (0)");
            s.execute("CREATE FUNCTION count_statement() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$BEGIN UPDATE statements SET n = n + 1; RETURN NULL; END$$");
            s.execute("CREATE TRIGGER counted_statements AFTER INSERT ON counted FOR EACH STATEMENT EXECUTE FUNCTION count_statement()");
            s.execute("CREATE TABLE seen (id int PRIMARY KEY, before_me bigint)");
            s.execute("CREATE FUNCTION count_before() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$BEGIN NEW.before_me := (SELECT count(*) FROM seen); RETURN NEW; END$$");
            s.execute("CREATE TRIGGER seen_before BEFORE INSERT ON seen FOR EACH ROW EXECUTE FUNCTION count_before()");
            c.setAutoCommit(false);
            try (PreparedStatement plain = c.prepareStatement("INSERT INTO plain_rows (id, name, amount, at) VALUES (?, ?, ?, ?)");
                 PreparedStatement keyed = c.prepareStatement("INSERT INTO keyed (name) VALUES (?)");
                 PreparedStatement counted = c.prepareStatement("INSERT INTO counted VALUES (?)");
                 PreparedStatement seen = c.prepareStatement("INSERT INTO seen (id) VALUES (?)")) {
                for (int batch = 0; batch < 3; batch++) {
                    for (int i = 0; i < 301; i++) {   // not a multiple of a statement's rows: the rest goes in smaller ones
                        int id = batch * 1000 + i;
                        plain.setLong(1, id);
                        plain.setString(2, "row " + id);
                        plain.setBigDecimal(3, new java.math.BigDecimal(id).movePointLeft(2));
                        plain.setObject(4, java.time.OffsetDateTime.parse("2026-12-06T10:00:00Z").plusSeconds(id));
                        plain.addBatch();
                        keyed.setString(1, "k" + id);
                        keyed.addBatch();
                        counted.setInt(1, id);
                        counted.addBatch();
                        seen.setInt(1, id);
                        seen.addBatch();
                    }
                    plain.executeBatch();
                    keyed.executeBatch();
                    counted.executeBatch();
                    seen.executeBatch();
                    c.commit();
                }
            }
        }
        Replayer.replay(logDir, new PostgresTarget(target));
        try (Connection src = DriverManager.getConnection(source); Connection dst = DriverManager.getConnection(target)) {
            Map<String, String> expected = TableChecksums.of(src);
            assertThat(TableChecksums.of(dst)).isEqualTo(expected);
            assertThat(expected).containsKeys("public.plain_rows", "public.statements", "public.seen");
            try (Statement s = dst.createStatement(); ResultSet rs = s.executeQuery("SELECT n FROM statements")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(903);
            }
        }
    }
}
