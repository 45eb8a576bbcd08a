package io.waly.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.Replayer;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.testing.EmbeddedPostgresServer;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PGInterval;
import org.postgresql.util.PGobject;

class ParametersAndConcurrencyTest {

    @TempDir
    Path logDir;

    private static final EmbeddedPostgresServer PG = EmbeddedPostgresServer.shared();

    private String walyUrl(String pgUrl) {
        return pgUrl.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir;
    }

    private static Map<String, String> sums(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            return TableChecksums.of(c);
        }
    }

    @Test
    void everySetterIsLoggedAsATypedValueAndReplaysToTheSameRow() throws Exception {
        String src = PG.newDatabase("params_src");
        String dst = PG.newDatabase("params_dst");
        try (Connection c = DriverManager.getConnection(walyUrl(src))) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE p (id int PRIMARY KEY, b boolean, i2 smallint, i4 int, i8 bigint, f4 real, f8 double precision, "
                        + "n numeric, t text, by bytea, d date, tm time, ts timestamp, tsz timestamptz, u uuid, j jsonb, iv interval, "
                        + "ia int[], ta text[], x xml, bigtext text)");
            }
            String insert = "INSERT INTO p VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                ps.setInt(1, 1);
                ps.setBoolean(2, true);
                ps.setShort(3, (short) -7);
                ps.setInt(4, Integer.MIN_VALUE);
                ps.setLong(5, Long.MAX_VALUE);
                ps.setFloat(6, 1.5e-7f);
                ps.setDouble(7, Math.PI);
                ps.setBigDecimal(8, new BigDecimal("-12345678901234567890.000000000000000001"));
                ps.setString(9, "naïve 😀 \u0001 'quoted' \\ back");
                ps.setBytes(10, new byte[] {0, 1, (byte) 0xff, 0x27});
                ps.setDate(11, Date.valueOf("1999-12-31"));
                ps.setTime(12, Time.valueOf("23:59:58"));
                ps.setTimestamp(13, Timestamp.valueOf("2024-02-29 12:34:56.123456"));
                ps.setTimestamp(14, Timestamp.from(Instant.parse("2024-03-31T01:30:00.000001Z")),
                        Calendar.getInstance(TimeZone.getTimeZone("America/Sao_Paulo")));
                ps.setObject(15, UUID.fromString("11111111-2222-3333-4444-555555555555"));
                PGobject json = new PGobject();
                json.setType("jsonb");
                json.setValue("{\"a\": [1, 2.50, null], \"é\": true}");
                ps.setObject(16, json);
                ps.setObject(17, new PGInterval("1 year 2 mons 3 days 04:05:06.789"));
                ps.setArray(18, c.createArrayOf("int4", new Integer[] {1, null, 3}));
                ps.setArray(19, c.createArrayOf("text", new String[] {"a,b", "\"q\"", null}));
                ps.setObject(20, "<r a='1'>x</r>", Types.OTHER);
                ps.setCharacterStream(21, new StringReader("streamed ".repeat(1000)));
                ps.executeUpdate();

                ps.setInt(1, 2);
                ps.setNull(2, Types.BOOLEAN);
                ps.setNull(3, Types.SMALLINT);
                ps.setObject(4, 42, Types.INTEGER);
                ps.setObject(5, "99", Types.BIGINT);
                ps.setObject(6, 2.25f);
                ps.setObject(7, 0.1d, Types.DOUBLE);
                ps.setObject(8, new BigDecimal("1.50"), Types.NUMERIC, 2);
                ps.setString(9, "national");
                ps.setBinaryStream(10, new ByteArrayInputStream("bin".getBytes(StandardCharsets.UTF_8)));
                ps.setObject(11, LocalDate.of(2000, 2, 29));
                ps.setObject(12, LocalTime.of(1, 2, 3, 456_789_000));
                ps.setObject(13, LocalDateTime.of(1970, 1, 1, 0, 0, 0, 1000));
                ps.setObject(14, OffsetDateTime.of(2024, 7, 1, 12, 0, 0, 999_999_000, ZoneOffset.ofHours(-3)));
                ps.setNull(15, Types.OTHER);
                ps.setNull(16, Types.OTHER);
                ps.setObject(17, null);
                ps.setNull(18, Types.ARRAY);
                ps.setObject(19, new String[] {"x"});
                ps.setNull(20, Types.SQLXML);
                ps.setAsciiStream(21, new ByteArrayInputStream("ascii".getBytes(StandardCharsets.US_ASCII)), 5);
                ps.executeUpdate();
            }
        }
        Replayer.replay(logDir, new PostgresTarget(dst));
        Map<String, String> a = sums(src);
        assertThat(a.get("public.p")).startsWith("rows=2 ");
        assertThat(sums(dst)).isEqualTo(a);
    }

    @Test
    void stringsBoundUntypedUnderStringtypeUnspecifiedReplayUntyped() throws Exception {
        String src = PG.newDatabase("strtype_src");
        String dst = PG.newDatabase("strtype_dst");
        try (Connection c = DriverManager.getConnection(walyUrl(src) + "&stringtype=unspecified"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, u uuid, j jsonb, d date, n numeric)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, "1");
                ps.setString(2, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
                ps.setString(3, "{\"k\": [1, 2]}");
                ps.setString(4, "2024-02-29");
                ps.setObject(5, "3.14");
                ps.executeUpdate();
            }
        }
        Replayer.replay(logDir, new PostgresTarget(dst));
        assertThat(sums(dst)).isEqualTo(sums(src));
    }

    @Test
    void rewrittenBatchesAnswerAsPgjdbcAndReplayTheirSerialKeys() throws Exception {
        String plain = PG.newDatabase("rewrite_plain");
        String src = PG.newDatabase("rewrite_src");
        String dst = PG.newDatabase("rewrite_dst");
        List<String> counts = new ArrayList<>();
        for (String url : List.of(plain + "&reWriteBatchedInserts=true", walyUrl(src) + "&reWriteBatchedInserts=true")) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE r (id serial PRIMARY KEY, a int, b text)");
                s.executeUpdate("INSERT INTO r (a, b) VALUES (0, 'burnt')");
                s.executeUpdate("DELETE FROM r");
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO r (a, b) VALUES (?, ?)")) {
                    for (int i = 0; i < 7; i++) {
                        ps.setInt(1, i);
                        ps.setString(2, "row " + i);
                        ps.addBatch();
                    }
                    counts.add(java.util.Arrays.toString(ps.executeBatch()));
                }
                c.commit();
            }
        }
        assertThat(counts.get(1)).isEqualTo(counts.get(0));
        Replayer.replay(logDir, new PostgresTarget(dst));
        assertThat(sums(dst)).isEqualTo(sums(src));
        assertThat(sums(src)).isEqualTo(sums(plain));
    }

    @Test
    void eightThreadsOnAPoolWritingOverlappingRowsReplayExactly() throws Exception {
        String src = PG.newDatabase("conc_src");
        String dst = PG.newDatabase("conc_dst");
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(walyUrl(src));
        hc.setMaximumPoolSize(8);
        try (HikariDataSource pool = new HikariDataSource(hc)) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE account (id int PRIMARY KEY, balance bigint NOT NULL)");
                s.execute("CREATE TABLE transfer (id bigserial PRIMARY KEY, src int, dst int, amount int, at timestamptz DEFAULT clock_timestamp())");
                s.execute("INSERT INTO account SELECT g, 1000 FROM generate_series(1, 10) g");
            }
            ExecutorService exec = Executors.newFixedThreadPool(8);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(exec.submit(() -> {
                    int committed = 0;
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = 0; i < 60; i++) {
                        try (Connection c = pool.getConnection()) {
                            c.setAutoCommit(false);
                            int from = r.nextInt(1, 11);
                            int to = r.nextInt(1, 11);
                            int amount = r.nextInt(1, 50);
                            try (PreparedStatement debit = c.prepareStatement("UPDATE account SET balance = balance - ? WHERE id = ?");
                                 PreparedStatement credit = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
                                 PreparedStatement log = c.prepareStatement("INSERT INTO transfer (src, dst, amount) VALUES (?, ?, ?)")) {
                                debit.setInt(1, amount);
                                debit.setInt(2, from);
                                debit.executeUpdate();
                                credit.setInt(1, amount);
                                credit.setInt(2, to);
                                credit.executeUpdate();
                                log.setInt(1, from);
                                log.setInt(2, to);
                                log.setInt(3, amount);
                                log.executeUpdate();
                                if (i % 7 == 3) {
                                    c.rollback();
                                } else {
                                    c.commit();
                                    committed++;
                                }
                            } catch (SQLException deadlock) {
                                c.rollback();
                            }
                        }
                    }
                    return committed;
                }));
            }
            int committed = 0;
            for (Future<Integer> f : results) committed += f.get();
            exec.shutdown();
            assertThat(committed).isGreaterThan(300);
        }
        Replayer.replay(logDir, new PostgresTarget(dst));
        Map<String, String> a = sums(src);
        assertThat(sums(dst)).isEqualTo(a);
        try (Connection c = DriverManager.getConnection(dst); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO transfer (src, dst, amount) VALUES (0, 0, 0)");   // the sequence is past every id
        }
    }

    @Test
    void hikariWithDataSourceClassNameGivesWalyConnections() throws Exception {
        String src = PG.newDatabase("hikari_dsclass");
        HikariConfig hc = new HikariConfig();
        hc.setDataSourceClassName(WalyDataSource.class.getName());
        hc.addDataSourceProperty("url", src);
        hc.addDataSourceProperty("walyLogDir", logDir.toString());
        hc.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(hc); Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            assertThat(c.isWrapperFor(io.waly.jdbc.proxy.WalyConnection.class)).isTrue();
            s.execute("CREATE TABLE h (a int)");
        }
        WalyDataSource wrapped = new WalyDataSource(new org.postgresql.ds.PGSimpleDataSource() {
            {
                setURL(src);
            }
        });
        wrapped.setLogDir(logDir.toString());
        try (Connection c = wrapped.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO h VALUES (1)");
        }
        try (io.waly.log.read.LogReader r = io.waly.log.read.LogReader.open(logDir)) {
            List<String> sql = new ArrayList<>();
            io.waly.log.LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.kind() == io.waly.log.format.RecordKind.STATEMENT) sql.add(io.waly.log.payload.Payloads.Statement.decode(rec.payload()).sql());
            }
            assertThat(sql).containsExactly("CREATE TABLE h (a int)", "INSERT INTO h VALUES (1)");
        }
    }

    @Test
    void aTenMegabyteStatementIsLoggedWhole() throws Exception {
        String src = PG.newDatabase("big_src");
        String dst = PG.newDatabase("big_dst");
        String big = "x".repeat(10 * 1024 * 1024);
        try (Connection c = DriverManager.getConnection(walyUrl(src)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE big (body text)");
            s.executeUpdate("INSERT INTO big VALUES ('" + big + "')");
        }
        Replayer.replay(logDir, new PostgresTarget(dst));
        assertThat(sums(dst)).isEqualTo(sums(src));
    }
}
