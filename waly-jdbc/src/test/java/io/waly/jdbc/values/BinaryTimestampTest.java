package io.waly.jdbc.values;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.command.Value;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.log.replay.Replayer;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGResultSetMetaData;
import org.postgresql.PGStatement;

/**
 * Row images read timestamps pgjdbc received in binary without pgjdbc's Calendar-based getString: the text they log
 * must be the very value the server sent, for every instant, on either side of PostgreSQL's epoch, in a session zone
 * other than UTC.
 */
class BinaryTimestampTest {

    @TempDir
    Path logDir;

    /**
     * Rows whose timestamps only the database knows (volatile defaults) are logged as row images; once pgjdbc prepares
     * the INSERT on the server its RETURNING comes in binary, and the replay must still equal the source.
     */
    @Test
    void rowImagesOfAServerPreparedInsertReplayEqual() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("binary_ts_src");
        String target = pg.newDatabase("binary_ts_dst");
        String waly = source.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir
                + "&options=-c%20TimeZone=Asia/Kathmandu";
        try (Connection c = DriverManager.getConnection(waly)) {
            c.createStatement().execute("CREATE TABLE events (id int PRIMARY KEY, at timestamptz DEFAULT clock_timestamp(), "
                    + "local_at timestamp DEFAULT clock_timestamp()::timestamp - interval '300 years')");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (id) VALUES (?)")) {
                for (int i = 0; i < 12; i++) {
                    ps.setInt(1, i);
                    ps.executeUpdate();
                }
            }
        }
        Replayer.replay(logDir, new PostgresTarget(target));
        try (Connection src = DriverManager.getConnection(source); Connection dst = DriverManager.getConnection(target)) {
            assertThat(TableChecksums.of(dst)).isEqualTo(TableChecksums.of(src)).containsKey("public.events");
        }
    }

    @Test
    void binaryTimestampsReadAsTheServersOwnValue() throws Exception {
        String url = EmbeddedPostgresServer.shared().newDatabase("binary_ts");
        try (Connection c = DriverManager.getConnection(url + "&options=-c%20TimeZone=America/St_Johns");
             PreparedStatement ps = c.prepareStatement("SELECT ?::timestamptz, ?::timestamp");
             PreparedStatement same = c.prepareStatement("SELECT ?::timestamptz = ?::timestamptz, ?::timestamp = ?::timestamp")) {
            ps.unwrap(PGStatement.class).setPrepareThreshold(-1);   // binary results from the first execution
            List<String> instants = List.of("2026-12-06 16:44:41.917769+00", "2000-01-01 00:00:00+00",
                    "1999-12-31 23:59:59.999999+00", "1970-01-01 00:00:00.5+00", "0001-01-01 00:00:00+00",
                    "9999-12-31 23:59:59.999999+00", "2026-03-29 02:30:00.25 Europe/Berlin", "1900-02-28 12:00:00.000001-03:30");
            for (String t : instants) {
                ps.setString(1, t);
                ps.setString(2, t);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getMetaData().unwrap(PGResultSetMetaData.class).getFormat(1)).as("binary").isEqualTo(1);
                    Value zoned = JdbcValues.binaryTimestamp(rs, 1, "timestamptz");
                    Value local = JdbcValues.binaryTimestamp(rs, 2, "timestamp");
                    assertThat(zoned.kind()).isEqualTo(Value.Kind.TIMESTAMPTZ);
                    assertThat(local.kind()).isEqualTo(Value.Kind.TIMESTAMP);
                    same.setString(1, (String) zoned.value());
                    same.setString(2, t);
                    same.setString(3, (String) local.value());
                    same.setString(4, t);
                    try (ResultSet eq = same.executeQuery()) {
                        eq.next();
                        assertThat(eq.getBoolean(1)).as(t + " read as " + zoned.value()).isTrue();
                        assertThat(eq.getBoolean(2)).as(t + " read as " + local.value()).isTrue();
                    }
                }
            }
            // what the fast path does not cover is left to pgjdbc's text (null here): BC years and the infinities
            for (String t : List.of("0044-03-15 12:00:00+00 BC", "infinity", "-infinity")) {
                ps.setString(1, t);
                ps.setString(2, t);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(JdbcValues.binaryTimestamp(rs, 1, "timestamptz")).as(t).isNull();
                }
            }
            ps.setString(1, null);
            ps.setString(2, null);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(JdbcValues.binaryTimestamp(rs, 1, "timestamptz").kind()).isEqualTo(Value.Kind.NULL);
            }
        }
    }
}
