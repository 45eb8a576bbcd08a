package io.waly.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.jdbc.replay.CatalogSnapshot;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.Replayer;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.testing.EmbeddedPostgresServer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayRoundTripTest {

    @TempDir
    Path logDir;

    static String waly(String pgUrl, Path logDir) {
        return pgUrl.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir;
    }

    /** Replays this test's log into {@code target}; every table must equal the source's. Returns the source's checksums. */
    private Map<String, String> replayEqual(String source, String target) throws Exception {
        Replayer.replay(logDir, new PostgresTarget(target));
        try (Connection src = DriverManager.getConnection(source); Connection dst = DriverManager.getConnection(target)) {
            Map<String, String> expected = TableChecksums.of(src);
            assertThat(TableChecksums.of(dst)).isEqualTo(expected);
            return expected;
        }
    }

    /** {@link #replayEqual}, and the catalogs equal too (schema, constraints, indexes, sequences' state, grants). */
    private void replayEqualCatalogToo(String source, String target) throws Exception {
        replayEqual(source, target);
        try (Connection src = DriverManager.getConnection(source); Connection dst = DriverManager.getConnection(target)) {
            assertThat(CatalogSnapshot.diff(CatalogSnapshot.of(src), CatalogSnapshot.of(dst))).isEmpty();
        }
    }

    private static String single(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * The smallest reproductions of what PostgreSQL's regression suite found (compat-tests' README, classes 1, 2, 3, 5):
     * a session that switches role or makes its transactions read-only, statements that refuse a transaction block,
     * {@code SET TRANSACTION} as a transaction's first statement, and transaction control inside one query string. Each
     * runs through WAL-y as without it, and the replay is the source: rows and catalog, grants included.
     */
    @Test
    void sessionsThatSwitchRoleOrReadOnlyAndStatementsThatRefuseBlocksReplayEqual() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_sessions_src");
        String target = pg.newDatabase("rt_sessions_dst");
        try (Connection c = DriverManager.getConnection(source); Statement s = c.createStatement()) {
            // roles are the cluster's: made outside the log, there for the target too
            s.execute("DO $$ BEGIN CREATE ROLE waly_rt_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        }
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (a int)");
            s.execute("GRANT ALL ON t TO waly_rt_writer");
            s.execute("SET ROLE waly_rt_writer");
            s.execute("INSERT INTO t VALUES (1)");
            s.execute("RESET ROLE");
            s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
            assertThatThrownBy(() -> s.execute("INSERT INTO t VALUES (-1)")).isInstanceOf(SQLException.class);
            s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
            s.execute("INSERT INTO t VALUES (2)");
            s.execute("CREATE TABLE p (a int) PARTITION BY RANGE (a)");
            s.execute("CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10)");
            s.execute("CREATE INDEX p_a ON p (a)");
            s.execute("INSERT INTO p VALUES (3)");
            s.execute("REINDEX TABLE p");
            s.execute("REINDEX SCHEMA public");
            s.execute("BEGIN");
            s.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
            s.execute("CREATE TABLE c (a int)");
            s.execute("INSERT INTO c VALUES (4)");
            s.execute("COMMIT");
            s.execute("BEGIN; INSERT INTO t VALUES (5); COMMIT;");
            s.execute("INSERT INTO t VALUES (6); ROLLBACK;");   // one implicit transaction: the ROLLBACK takes the 6 back
        }
        replayEqualCatalogToo(source, target);
        assertThat(single(target, "SELECT string_agg(a::text, ',' ORDER BY a) FROM t")).isEqualTo("1,2,5");
    }

    /**
     * Temporary tables belong to their source connection, not to replay's one session (PostgreSQL's temp.sql and
     * stats.sql): two open connections each with a {@code tmp} of their own (a serial and an index each), a connection
     * that opens after another closed and creates the same names again, and one that sizes {@code temp_buffers} before
     * its first temporary table — all replay, and the real table fed from them equals the source.
     */
    @Test
    void temporaryTablesOfEachConnectionStayTheirsOnReplay() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_temp_src");
        String target = pg.newDatabase("rt_temp_dst");
        String url = waly(source, logDir);
        try (Connection a = DriverManager.getConnection(url); Statement sa = a.createStatement();
             Connection b = DriverManager.getConnection(url); Statement sb = b.createStatement()) {
            sa.execute("CREATE TABLE real (who text, n int)");
            sa.execute("CREATE TEMP TABLE tmp (id serial PRIMARY KEY, v int)");
            sa.execute("INSERT INTO tmp (v) VALUES (1), (2)");
            sb.execute("CREATE TEMP TABLE tmp (id serial PRIMARY KEY, v int)");
            sb.execute("CREATE INDEX tmp_v ON tmp (v)");
            sb.execute("INSERT INTO tmp (v) VALUES (10), (20), (30)");
            sa.execute("INSERT INTO real SELECT 'a', sum(v) + max(id) FROM tmp");
            sb.execute("INSERT INTO real SELECT 'b', sum(v) + max(id) FROM tmp");
            sa.execute("UPDATE real SET n = n + (SELECT count(*) FROM tmp) WHERE who = 'b'");
            sb.execute("CREATE INDEX tmp_v2 ON tmp (v)");
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("SET temp_buffers = '4MB'");
            s.execute("CREATE TEMP TABLE tmp (id serial PRIMARY KEY, v int)");
            s.execute("INSERT INTO tmp (v) VALUES (100)");
            s.execute("INSERT INTO real SELECT 'c', sum(v) + max(id) FROM tmp");
        }
        replayEqualCatalogToo(source, target);
        assertThat(single(target, "SELECT string_agg(who || '=' || n, ',' ORDER BY who) FROM real")).isEqualTo("a=5,b=65,c=101");
    }

    /**
     * {@code DISCARD TEMP} and {@code DISCARD ALL} of one connection drop its own temporary tables only, on replay's one
     * session too: the other connection's {@code tmp} (stashed out of the way meanwhile) is still there when its turn
     * comes, and each discarding connection can create its {@code tmp} again. Before, replay dropped every connection's.
     */
    @Test
    void discardDropsOnlyItsOwnConnectionsTemporaryTablesOnReplay() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_discard_src");
        String target = pg.newDatabase("rt_discard_dst");
        String url = waly(source, logDir);
        try (Connection a = DriverManager.getConnection(url); Statement sa = a.createStatement();
             Connection b = DriverManager.getConnection(url); Statement sb = b.createStatement();
             Connection d = DriverManager.getConnection(url); Statement sd = d.createStatement()) {
            sa.execute("CREATE TABLE real (who text, n int)");
            sa.execute("CREATE TEMP TABLE tmp (id serial PRIMARY KEY, v int)");
            sa.execute("INSERT INTO tmp (v) VALUES (1), (2)");
            sb.execute("CREATE TEMP TABLE tmp (v int)");
            sb.execute("CREATE TEMP VIEW tmp_view AS SELECT v FROM tmp");
            sb.execute("INSERT INTO tmp VALUES (10)");
            sb.execute("SET application_name = 'b'");
            sb.execute("DISCARD TEMP");
            sb.execute("CREATE TEMP TABLE tmp (w text)");
            sb.execute("INSERT INTO tmp VALUES ('again')");
            sd.execute("CREATE TEMP TABLE tmp (v int)");
            sd.execute("INSERT INTO tmp VALUES (100)");
            sd.execute("SET work_mem = '8MB'");
            sd.execute("DISCARD ALL");
            sd.execute("CREATE TEMP TABLE tmp (x int)");
            sd.execute("INSERT INTO real SELECT 'd', count(*) FROM tmp");
            sa.execute("ALTER TABLE tmp ADD COLUMN z int");   // run again by replay: a's tmp must be there
            sa.execute("UPDATE tmp SET z = 10 * id WHERE id = 1");
            sa.execute("INSERT INTO real SELECT 'a', sum(v) + max(id) + sum(z) FROM tmp");
            sb.execute("INSERT INTO real SELECT 'b', count(*) FROM tmp WHERE w = 'again'");
        }
        replayEqualCatalogToo(source, target);
        assertThat(single(target, "SELECT string_agg(who || '=' || n, ',' ORDER BY who) FROM real")).isEqualTo("a=15,b=1,d=0");
    }

    /**
     * Writes by cursor position (PostgreSQL's portals.sql): the cursor is a read and not in the log, so the rows an
     * {@code UPDATE}/{@code DELETE … WHERE CURRENT OF} changed are logged and replay applies them by key.
     */
    @Test
    void writesByCursorPositionReplayTheRowsTheyChanged() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_cursor_src");
        String target = pg.newDatabase("rt_cursor_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE cur (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO cur SELECT g, 'v' || g FROM generate_series(1, 5) g");
            c.setAutoCommit(false);
            s.execute("DECLARE c CURSOR FOR SELECT * FROM cur ORDER BY id DESC FOR UPDATE");
            s.execute("FETCH 2 FROM c");
            assertThat(s.executeUpdate("UPDATE cur SET v = 'fetched second' WHERE CURRENT OF c")).isEqualTo(1);
            s.execute("FETCH 1 FROM c");
            assertThat(s.executeUpdate("DELETE FROM cur WHERE CURRENT OF c;\n")).isEqualTo(1);   // as psql sends it
            try (PreparedStatement ps = c.prepareStatement("UPDATE cur SET v = ? WHERE CURRENT OF c")) {
                s.execute("FETCH 1 FROM c");
                ps.setString(1, "by parameter");
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            c.commit();
        }
        replayEqualCatalogToo(source, target);
        assertThat(single(target, "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM cur"))
                .isEqualTo("1=v1,2=by parameter,4=fetched second,5=v5");
    }

    /**
     * A timestamp bound with nanoseconds arrives at the database rounded to the microsecond (pgjdbc rounds halves up):
     * the log keeps what the database received, so a re-run of the statement writes the same values. It logged the
     * value truncated before, and the replay of {@code .123456789} was {@code .123456} against the source's {@code .123457}.
     */
    @Test
    void timestampsBoundWithNanosecondsReplayAsTheDatabaseKeptThem() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_nanos_src");
        String target = pg.newDatabase("rt_nanos_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ts (id int PRIMARY KEY, tz timestamptz, local timestamp, legacy timestamp)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ts VALUES (?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setObject(2, java.time.OffsetDateTime.of(2024, 5, 1, 10, 0, 0, 123_456_789, java.time.ZoneOffset.ofHours(2)));
                ps.setObject(3, java.time.LocalDateTime.of(2024, 12, 31, 23, 59, 59, 999_999_700));
                ps.setTimestamp(4, java.sql.Timestamp.valueOf(java.time.LocalDateTime.of(2024, 5, 1, 10, 0, 0, 123_456_500)));
                ps.executeUpdate();
                ps.setInt(1, 2);
                ps.setObject(2, java.time.OffsetDateTime.of(2024, 5, 1, 10, 0, 0, 123_456_499, java.time.ZoneOffset.UTC));
                ps.setObject(3, java.time.LocalDateTime.of(2024, 5, 1, 10, 0, 0, 1));
                ps.setTimestamp(4, java.sql.Timestamp.valueOf(java.time.LocalDateTime.of(2024, 5, 1, 10, 0, 0, 999)));
                ps.executeUpdate();
            }
        }
        replayEqual(source, target);
        String rows = "SELECT string_agg(id || ' ' || (tz AT TIME ZONE 'UTC') || ' ' || local || ' ' || legacy, ', ' ORDER BY id) FROM ts";
        assertThat(single(target, rows)).isEqualTo(single(source, rows)).isEqualTo(
                "1 2024-05-01 08:00:00.123457 2025-01-01 00:00:00 2024-05-01 10:00:00.123457, "
                        + "2 2024-05-01 10:00:00.123456 2024-05-01 10:00:00 2024-05-01 10:00:00.000001");
    }

    /**
     * Writes by cursor position on tables without a primary key (PostgreSQL's portals.sql, {@code uctest}): the changed
     * row's old values are logged with its new ones, and replay changes one row that holds them — among equal rows, rows
     * with NULLs and a json column (no equality), a row of a child table reached through its parent, a temporary table;
     * a write on no row and one that fails change nothing. Without the old values replay re-ran them and failed ({@code 34000}).
     */
    @Test
    void writesByCursorPositionOnTablesWithoutKeyReplayByTheRowsOldValues() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_cursor_nokey_src");
        String target = pg.newDatabase("rt_cursor_nokey_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE uc (f1 int, f2 text, j json)");
            s.execute("INSERT INTO uc VALUES (1, 'one', '{\"a\": 1}'), (1, 'one', '{\"a\": 1}'), (2, NULL, NULL), (3, 'three', '[1, 2]')");
            s.execute("CREATE TABLE ucchild () INHERITS (uc)");
            s.execute("INSERT INTO ucchild VALUES (4, 'child', NULL)");
            c.setAutoCommit(false);
            s.execute("DECLARE c1 CURSOR FOR SELECT * FROM uc ORDER BY f1 FOR UPDATE");
            s.execute("FETCH 1 FROM c1");
            assertThat(s.executeUpdate("UPDATE uc SET f1 = 10 WHERE CURRENT OF c1")).isEqualTo(1);   // one of two equal rows
            s.execute("FETCH 2 FROM c1");
            assertThat(s.executeUpdate("UPDATE uc SET f2 = 'was null', j = '{}' WHERE CURRENT OF c1;")).isEqualTo(1);   // as psql sends it
            s.execute("FETCH 1 FROM c1");
            assertThat(s.executeUpdate("DELETE FROM uc WHERE CURRENT OF c1")).isEqualTo(1);
            assertThat(s.executeUpdate("DELETE FROM uc WHERE CURRENT OF c1")).isZero();   // gone: no row
            s.execute("FETCH 1 FROM c1");
            try (PreparedStatement ps = c.prepareStatement("UPDATE uc SET f2 = ? WHERE CURRENT OF c1")) {
                ps.setString(1, "child, by parameter");
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            s.execute("CLOSE c1");
            s.execute("DECLARE c2 CURSOR FOR SELECT * FROM uc a, uc b WHERE a.f1 = b.f1 + 100");
            s.execute("SAVEPOINT before_failure");
            assertThatThrownBy(() -> s.executeUpdate("UPDATE uc SET f1 = 0 WHERE CURRENT OF c2")).isInstanceOf(SQLException.class);
            s.execute("ROLLBACK TO SAVEPOINT before_failure");
            c.commit();
            c.setAutoCommit(true);   // then as psql: autocommit, its transaction begun as SQL, on a temporary table
            s.execute("CREATE TEMP TABLE tuc (f1 int, f2 text)");
            s.execute("INSERT INTO tuc VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            s.execute("BEGIN");
            s.execute("DECLARE t1 CURSOR FOR SELECT * FROM tuc FOR UPDATE");
            s.execute("FETCH 1 FROM t1");
            assertThat(s.executeUpdate("DELETE FROM tuc WHERE CURRENT OF t1;")).isEqualTo(1);
            s.execute("FETCH 1 FROM t1");
            assertThat(s.executeUpdate("UPDATE tuc SET f1 = f1 + 10 WHERE CURRENT OF t1;")).isEqualTo(1);
            s.execute("COMMIT");
            s.execute("INSERT INTO uc SELECT f1, f2 FROM tuc");
        }
        replayEqualCatalogToo(source, target);
        assertThat(single(target, "SELECT string_agg(f1 || '=' || coalesce(f2, '-') || '/' || coalesce(j::text, '-'), ',' ORDER BY f1, f2) FROM uc"))
                .isEqualTo("1=one/{\"a\": 1},2=was null/{},3=three/-,4=child, by parameter/-,10=one/{\"a\": 1},12=two/-");
    }

    /**
     * Large objects made through SQL under an OID the server chose (PostgreSQL's largeobject.sql): {@code lo_creat},
     * {@code lo_create(0)}, {@code lo_from_bytea(0, …)} and {@code lo_import(file)}, in autocommit, prepared, in a
     * transaction after other large objects, and into a table's row; later statements name them by the OID they got.
     * Replay gives each call the logged OID, so the objects, their contents, comments and the table equal the source's.
     * Before, replay got other OIDs and failed at the first statement naming one.
     */
    @Test
    void largeObjectsMadeUnderServerChosenOidsReplayUnderTheSameOids() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_lo_src");
        String target = pg.newDatabase("rt_lo_dst");
        // beside the temporary directory, not in it: the server reads it, and may run as another user
        Path file = logDir.resolveSibling(logDir.getFileName() + "-lo.txt");
        java.nio.file.Files.writeString(file, "imported from a file");
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE stash (loid oid, fd int)");
            s.execute("INSERT INTO stash (loid) SELECT lo_creat(42)");
            c.setAutoCommit(false);
            s.execute("UPDATE stash SET fd = lo_open(loid, x'60000'::int)");
            s.execute("SELECT lowrite(fd, 'I wandered lonely as a cloud') FROM stash");
            s.execute("SELECT lo_close(fd) FROM stash");
            c.commit();
            c.setAutoCommit(true);
            long copy = oid(s, "SELECT lo_from_bytea(0, lo_get(loid)) AS newloid FROM stash;");
            s.execute("COMMENT ON LARGE OBJECT " + copy + " IS 'a copy'");
            long empty;
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.lo_create(0)")) {
                empty = oid(ps);
            }
            s.execute("SELECT lo_put(" + empty + ", 0, '\\x616263')");
            long imported = oid(s, "SELECT lo_import('" + file + "')");
            c.setAutoCommit(false);
            long first = oid(s, "SELECT lo_creat(-1)");
            long second = oid(s, "SELECT lo_from_bytea(0, convert_to('second in its transaction', 'UTF8'))");
            s.execute("SELECT lo_put(" + first + ", 0, lo_get(" + second + "))");
            s.execute("SELECT lo_unlink(" + imported + ")");
            c.commit();
        }
        try {
            replayEqualCatalogToo(source, target);   // replay imports the file again
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
        String objects = "SELECT string_agg(m.oid || '=' || encode(lo_get(m.oid), 'escape') || '/' || coalesce(obj_description(m.oid, "
                + "'pg_largeobject'), '-'), ',' ORDER BY m.oid) FROM pg_largeobject_metadata m";
        assertThat(single(target, objects)).isEqualTo(single(source, objects)).contains("=I wandered lonely as a cloud/a copy")
                .contains("=abc/-");
        assertThat(single(target, "SELECT count(*) FROM pg_largeobject_metadata")).isEqualTo("5");
    }

    private static long oid(Statement s, String sql) throws SQLException {
        try (java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long oid(PreparedStatement ps) throws SQLException {
        try (java.sql.ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * {@code CREATE TABLE … AS} of volatile values: the rows it made are logged and replay inserts them into the table
     * it creates empty, so {@code random()} and {@code clock_timestamp()} come out as on the source — plain, prepared,
     * in a transaction, with {@code WITH DATA}, and empty with {@code WITH NO DATA}.
     */
    @Test
    void createTableAsOfVolatileValuesReplaysTheRowsItMade() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_ctas_src");
        String target = pg.newDatabase("rt_ctas_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE picked AS SELECT g AS n, random() AS r, clock_timestamp() AS at FROM generate_series(1, 50) g");
            s.execute("CREATE TABLE \"Mixed Case\" (k) AS SELECT md5(random()::text) FROM generate_series(1, 5) WITH DATA");
            s.execute("CREATE TABLE none_yet AS SELECT random() AS r WITH NO DATA");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("CREATE TABLE prepared AS SELECT gen_random_uuid() AS id, g FROM generate_series(1, 3) g")) {
                ps.execute();
            }
            s.execute("INSERT INTO picked SELECT n + 100, r, at FROM picked WHERE n <= 2");
            c.commit();
        }
        replayEqualCatalogToo(source, target);
        assertThat(single(target, "SELECT count(*) FROM picked")).isEqualTo("52");
    }

    /**
     * {@code SELECT … INTO} of volatile values is {@code CREATE TABLE … AS} in another syntax, and replays the same way:
     * the rows it made, into the table replay creates empty — plain, {@code TABLE}, {@code UNLOGGED}, schema-qualified
     * and quoted, with {@code ORDER BY … LIMIT}, after a {@code WITH}, prepared, as psql sends it ({@code …;}), and
     * {@code TEMP} (whose rows feed a real table). Before, replay ran them again and computed other values.
     */
    @Test
    void selectIntoOfVolatileValuesReplaysTheRowsItMade() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_selinto_src");
        String target = pg.newDatabase("rt_selinto_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA other");
            s.execute("SELECT g AS n, random() AS r, clock_timestamp() AS at INTO picked FROM generate_series(1, 20) g");
            s.execute("SELECT n, r INTO TABLE other.\"Top Five\" FROM picked ORDER BY random() LIMIT 5;");
            s.execute("WITH x AS (SELECT gen_random_uuid() AS id) SELECT id INTO UNLOGGED uuids FROM x");
            try (PreparedStatement ps = c.prepareStatement("SELECT ? || md5(random()::text) AS k INTO prepared")) {
                ps.setString(1, "p-");
                ps.execute();
            }
            c.setAutoCommit(false);
            s.execute("SELECT n, random() AS r INTO TEMP tmp FROM picked WHERE n <= 3");
            s.execute("CREATE TABLE kept AS SELECT * FROM tmp");
            c.commit();
        }
        replayEqualCatalogToo(source, target);
        assertThat(single(target, "SELECT count(*) FROM other.\"Top Five\"")).isEqualTo("5");
    }

    /**
     * Writes whose rows WAL-y asks for ({@code INSERT … SELECT}) into a table whose rules refuse {@code RETURNING} and
     * into {@code money} and {@code refcursor} columns (PostgreSQL's rules.sql, type_sanity.sql): each runs through
     * WAL-y as through pgjdbc, and replays equal.
     */
    @Test
    void tablesWithRulesAndMoneyColumnsTakeWritesWhoseRowsWalyWants() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_rules_src");
        String target = pg.newDatabase("rt_rules_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE emp (id serial PRIMARY KEY, salary money, report refcursor)");
            s.execute("CREATE TABLE staged (salary money, report refcursor)");
            s.execute("INSERT INTO staged VALUES ('4000.00', 'no_such_cursor'), ('1234567.89', NULL)");
            assertThat(s.executeUpdate("INSERT INTO emp (salary, report) SELECT salary, report FROM staged")).isEqualTo(2);
            s.execute("CREATE TABLE t4 (a int PRIMARY KEY, b text)");
            s.execute("CREATE TABLE t9 (a int, b text)");
            s.execute("CREATE RULE t4_big AS ON INSERT TO t4 WHERE new.a > 10 DO INSTEAD INSERT INTO t9 VALUES (new.a, new.b)");
            s.execute("CREATE RULE t4_log AS ON UPDATE TO t4 DO ALSO INSERT INTO t9 VALUES (new.a, 'updated')");
            assertThat(s.executeUpdate("INSERT INTO t4 SELECT g, 'row ' || g FROM generate_series(5, 15) g")).isEqualTo(6);
            assertThat(s.executeUpdate("UPDATE t4 SET b = upper(b) WHERE a IN (SELECT a FROM t9 WHERE a > 12) OR a < 7")).isEqualTo(2);
        }
        replayEqualCatalogToo(source, target);
        assertThat(single(target, "SELECT string_agg(salary::text, ',' ORDER BY id) FROM emp")).isEqualTo("$4,000.00,$1,234,567.89");
    }

    /**
     * {@code INSERT … DEFAULT VALUES} into a table with a serial key and volatile defaults, and a transaction that the
     * closing of its connection rolls back (both found by {@code WriteProgramProperties}): the sequence ends where the
     * source's did.
     */
    @Test
    void defaultValuesLeaveTheSequenceWhereTheSourceHadIt() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_defaults_src");
        String target = pg.newDatabase("rt_defaults_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t0 (id serial PRIMARY KEY, k int UNIQUE, v int CHECK (v IS NULL OR v >= 0), "
                    + "note text DEFAULT md5(random()::text), at timestamptz DEFAULT clock_timestamp())");
        }
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '40ms'");
            s.execute("INSERT INTO t0 DEFAULT VALUES");
        }
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO t0 (k, v) VALUES (0, 0)");   // closed without a commit: rolled back, the key drawn
        }
        replayEqualCatalogToo(source, target);
        assertThat(single(target, "SELECT last_value FROM t0_id_seq")).isEqualTo("2");
    }

    /**
     * A concurrent index build that fails leaves an invalid index behind (PostgreSQL's create_index.sql, statements
     * ending in ';' as psql sends them): replay builds and fails it the same way, so the statements that use what the
     * failure left (DROP INDEX of REINDEX's "_ccnew") replay, and the catalog comes out equal.
     */
    @Test
    void failedConcurrentIndexBuildsLeaveTheSameInvalidIndexesOnReplay() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_concur_src");
        String target = pg.newDatabase("rt_concur_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE concur_tab (c1 int);");
            s.execute("INSERT INTO concur_tab VALUES (1), (1), (2);");
            assertThatThrownBy(() -> s.execute("CREATE UNIQUE INDEX CONCURRENTLY concur_ind ON concur_tab (c1);"))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> s.execute("REINDEX INDEX CONCURRENTLY concur_ind;")).isInstanceOf(SQLException.class);
            s.execute("DROP INDEX concur_ind_ccnew;");
            s.execute("DELETE FROM concur_tab WHERE c1 = 1;");
            s.execute("REINDEX TABLE CONCURRENTLY concur_tab;");
        }
        replayEqualCatalogToo(source, target);
    }

    /**
     * A statement that fails draws from the sequences its defaults call all the same — here a sequence no column owns,
     * named in a default, on a table nothing looked up before (PostgreSQL's constraints.sql): replay must not hand the
     * drawn value out again, in autocommit, after a rollback, and after a savepoint rolled back.
     */
    @Test
    void drawsOfFailedStatementsAndRollbacksStayDrawnOnReplay() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_draws_src");
        String target = pg.newDatabase("rt_draws_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE SEQUENCE insert_seq");
            s.execute("CREATE TABLE insert_tbl (x int DEFAULT nextval('insert_seq'), y text DEFAULT '-NULL-', "
                    + "CHECK (x >= 3 AND x < 20))");
            assertThatThrownBy(() -> s.execute("INSERT INTO insert_tbl (y) VALUES ('fails: x = 1')")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> s.execute("INSERT INTO insert_tbl (y) VALUES ('fails: x = 2')")).isInstanceOf(SQLException.class);
            s.execute("INSERT INTO insert_tbl (y) VALUES ('x = 3')");
            c.setAutoCommit(false);
            s.execute("INSERT INTO insert_tbl (y) VALUES ('x = 4, rolled back')");
            c.rollback();
            s.execute("INSERT INTO insert_tbl (y) VALUES ('x = 5')");
            java.sql.Savepoint sp = c.setSavepoint();
            s.execute("INSERT INTO insert_tbl (y) VALUES ('x = 6, rolled back to the savepoint')");
            c.rollback(sp);
            s.execute("INSERT INTO insert_tbl (y) VALUES ('x = 7')");
            c.commit();
        }
        replayEqualCatalogToo(source, target);
        assertThat(single(target, "SELECT string_agg(x::text, ',' ORDER BY x) FROM insert_tbl")).isEqualTo("3,5,7");
    }

    /**
     * COPY FROM STDIN into a table whose serial and identity columns it leaves to their defaults, after gaps in their
     * sequences (a rolled-back insert, a value drawn and thrown away): replay draws the same values, and the sequences
     * end where the source's did.
     */
    @Test
    void copyIntoSerialColumnsReplaysTheSameKeysAfterGaps() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_copy_src");
        String target = pg.newDatabase("rt_copy_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir))) {
            org.postgresql.copy.CopyManager copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE item (id serial PRIMARY KEY, code bigint GENERATED ALWAYS AS IDENTITY (START 500), name text)");
                s.execute("INSERT INTO item (name) VALUES ('first')");
                c.setAutoCommit(false);
                s.execute("INSERT INTO item (name) VALUES ('rolled back'), ('rolled back too')");
                c.rollback();
                c.setAutoCommit(true);
                s.execute("SELECT nextval('item_id_seq')");
            }
            assertThat(copy.copyIn("COPY item (name) FROM STDIN", new java.io.StringReader("a\nb\nc\n"))).isEqualTo(3);
            c.setAutoCommit(false);
            assertThat(copy.copyIn("COPY item (name) FROM STDIN", new java.io.StringReader("d\ne\n"))).isEqualTo(2);
            c.commit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO item (name) VALUES ('last')");
            }
        }
        replayEqual(source, target);
        try (Connection src = DriverManager.getConnection(source); Connection dst = DriverManager.getConnection(target)) {
            assertThat(TableChecksums.sequences(dst)).isEqualTo(TableChecksums.sequences(src));
            try (Statement s = dst.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT string_agg(id || ':' || code, ',' ORDER BY id) FROM item")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("1:500,5:503,6:504,7:505,8:506,9:507,10:508");
            }
        }
    }

    /**
     * Two-phase commit as SQL: a prepared transaction stays open in the log until COMMIT PREPARED or ROLLBACK PREPARED
     * — from any connection — decides it; replay applies it at its COMMIT PREPARED, as an ordinary commit. A failed
     * PREPARE rolls back; the session's writes after a PREPARE are transactions of their own.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"fsync", "async"})
    void preparedTransactionsReplayWhereTheyWereCommitted(String durability) throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_2pc_src_" + durability);
        String target = pg.newDatabase("rt_2pc_dst_" + durability);
        String url = waly(source, logDir) + "&walyDurability=" + durability;
        try (Connection c = DriverManager.getConnection(url); Connection other = DriverManager.getConnection(url);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE p (id int PRIMARY KEY)");
            s.execute("BEGIN");
            s.execute("INSERT INTO p VALUES (1)");
            s.execute("PREPARE TRANSACTION 'rt_" + durability + "_a'");
            s.execute("INSERT INTO p VALUES (2)");                       // autocommit again: its own transaction
            // decided by another connection, through a prepared statement (as a transaction manager sends it)
            try (PreparedStatement o = other.prepareStatement("COMMIT PREPARED 'rt_" + durability + "_a'")) {
                o.execute();
            }
            s.execute("BEGIN");
            s.execute("INSERT INTO p VALUES (3)");
            s.execute("PREPARE TRANSACTION 'rt_" + durability + "_b'");
            try (PreparedStatement o = c.prepareStatement("ROLLBACK PREPARED 'rt_" + durability + "_b'")) {
                o.executeUpdate();
            }
            c.setAutoCommit(false);
            s.execute("INSERT INTO p VALUES (4)");
            s.execute("PREPARE TRANSACTION 'rt_" + durability + "_c'");
            c.setAutoCommit(true);
            s.execute("BEGIN");
            s.execute("INSERT INTO p VALUES (5)");
            // the identifier is taken: PREPARE fails and PostgreSQL rolls the transaction back
            assertThatThrownBy(() -> s.execute("PREPARE TRANSACTION 'rt_" + durability + "_c'")).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42710");
            s.execute("COMMIT PREPARED 'rt_" + durability + "_c'");
            s.execute("INSERT INTO p VALUES (6)");
        }
        replayEqual(source, target);
        try (Connection dst = DriverManager.getConnection(target); Statement s = dst.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT string_agg(id::text, ',' ORDER BY id) FROM p")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("1,2,4,6");
        }
    }

    /** A transaction prepared outside WAL-y's view and committed through it: replay stops and says why, never guesses. */
    @Test
    void commitPreparedOfATransactionTheLogNeverSawStopsReplay() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_2pc_foreign_src");
        String target = pg.newDatabase("rt_2pc_foreign_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE p (id int PRIMARY KEY)");
            try (Connection plain = DriverManager.getConnection(source); Statement ps = plain.createStatement()) {
                ps.execute("BEGIN");
                ps.execute("INSERT INTO p VALUES (1)");
                ps.execute("PREPARE TRANSACTION 'rt_foreign_a'");
                ps.execute("BEGIN");
                ps.execute("INSERT INTO p VALUES (2)");
                ps.execute("PREPARE TRANSACTION 'rt_foreign_b'");
            }
            s.execute("ROLLBACK PREPARED 'rt_foreign_b'");
            s.execute("COMMIT PREPARED 'rt_foreign_a'");
        }
        assertThatThrownBy(() -> Replayer.replay(logDir, new PostgresTarget(target)))
                .isInstanceOf(io.waly.log.replay.ReplayException.class)
                .hasMessageContaining("commits a transaction prepared outside this log's view")
                .hasMessageContaining("COMMIT PREPARED 'rt_foreign_a'");
    }

    /**
     * Session settings per connection: replay serves every source connection from one target connection, so when it
     * moves back to a connection it restores that connection's state — SETs and RESETs in their order, whatever the
     * setting's value spells (a schema named "locale…" is not SET LOCAL).
     */
    @Test
    void sessionSettingsFollowEachConnectionThroughReplay() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_sess_src");
        String target = pg.newDatabase("rt_sess_dst");
        try (Connection a = DriverManager.getConnection(waly(source, logDir)); Connection b = DriverManager.getConnection(waly(source, logDir));
             Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            sa.execute("CREATE SCHEMA s1");
            sa.execute("CREATE SCHEMA locale_s");
            sa.execute("CREATE TABLE t (x text)");
            sa.execute("CREATE TABLE s1.t (x text)");
            sa.execute("CREATE TABLE locale_s.t (x text)");
            sa.execute("SET search_path = s1, public");
            sa.execute("INSERT INTO t VALUES ('a1 in s1')");
            sb.execute("INSERT INTO t VALUES ('b1 in public')");
            sa.execute("RESET search_path");
            sa.execute("INSERT INTO t VALUES ('a2 in public')");
            sb.execute("SET search_path = locale_s");
            sb.execute("INSERT INTO t VALUES ('b2 in locale_s')");
            sa.execute("INSERT INTO t VALUES ('a3 in public')");
            sb.execute("INSERT INTO t VALUES ('b3 in locale_s')");
            sa.execute("SET search_path TO s1");
            sa.execute("DISCARD ALL");
            sb.execute("INSERT INTO t VALUES ('b4 in locale_s')");
            sa.execute("INSERT INTO t VALUES ('a4 in public')");
        }
        Map<String, String> src = replayEqual(source, target);
        assertThat(src.get("s1.t")).startsWith("rows=1 ");
        assertThat(src.get("locale_s.t")).startsWith("rows=3 ");
    }

    /**
     * A procedure that commits inside, called through a prepared statement and a CallableStatement in autocommit:
     * it runs as pgjdbc runs it (outside a transaction block, where its COMMIT is allowed), and when it fails after
     * committing part of its work, replay keeps exactly that part.
     */
    @Test
    void proceduresThatCommitInsideRunAsSentAndReplayWhatTheyCommitted() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_proc_src");
        String target = pg.newDatabase("rt_proc_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir))) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE steps (n int PRIMARY KEY)");
                s.execute("CREATE PROCEDURE count_to(k int, fail_at int) LANGUAGE plpgsql AS $$ BEGIN "
                        + "FOR i IN 1..k LOOP INSERT INTO steps VALUES (i) ON CONFLICT DO NOTHING; COMMIT; "
                        + "IF i = fail_at THEN RAISE EXCEPTION 'stopped at %', i USING ERRCODE = 'WX001'; END IF; END LOOP; END $$");
            }
            try (PreparedStatement ps = c.prepareStatement("CALL count_to(?, ?)")) {
                ps.setInt(1, 3);
                ps.setInt(2, 0);
                ps.execute();
            }
            try (java.sql.CallableStatement cs = c.prepareCall("CALL count_to(?, ?)")) {
                cs.setInt(1, 9);
                cs.setInt(2, 5);   // 4 and 5 committed, then the error
                assertThatThrownBy(cs::execute).isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("WX001");
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // inside the application's transaction the procedure may not commit: pgjdbc's error, unchanged
                assertThatThrownBy(() -> s.execute("CALL count_to(20, 0)")).isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("2D000");
            }
            c.rollback();
        }
        assertThat(replayEqual(source, target).get("public.steps")).startsWith("rows=5 ");
    }

    @Test
    void replayReproducesEveryTableOfAMixedWorkload() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_src");
        String target = pg.newDatabase("rt_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir))) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE account (id serial PRIMARY KEY, name text NOT NULL, balance numeric(12,2) NOT NULL, "
                        + "created timestamptz DEFAULT now(), token uuid DEFAULT gen_random_uuid())");
                s.execute("CREATE TABLE transfer (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, src int, dst int, amount numeric, at timestamptz)");
                s.executeUpdate("INSERT INTO account (name, balance) VALUES ('alice', 100), ('bob', 50.5)");
                s.executeUpdate("INSERT INTO account (name, balance) VALUES ('carol', 0)");
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO account (name, balance) VALUES (NULL, 1)"))
                        .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23502");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("UPDATE account SET balance = balance - ? WHERE id = ?");
                 PreparedStatement t = c.prepareStatement("INSERT INTO transfer (src, dst, amount, at) VALUES (?, ?, ?, now())")) {
                ps.setBigDecimal(1, new BigDecimal("10.25"));
                ps.setInt(2, 1);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                t.setInt(1, 1);
                t.setInt(2, 2);
                t.setBigDecimal(3, new BigDecimal("10.25"));
                t.executeUpdate();
                Savepoint sp = c.setSavepoint("before_mistake");
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("DELETE FROM account");
                }
                c.rollback(sp);
                c.commit();
                // a transaction that is rolled back leaves nothing
                ps.setBigDecimal(1, new BigDecimal("1000"));
                ps.setInt(2, 2);
                ps.executeUpdate();
                c.rollback();
                // a batch
                for (int i = 0; i < 5; i++) {
                    t.setInt(1, i);
                    t.setInt(2, i + 1);
                    t.setBigDecimal(3, BigDecimal.valueOf(i));
                    t.addBatch();
                }
                assertThat(t.executeBatch()).containsExactly(1, 1, 1, 1, 1);
                c.commit();
            }
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE account SET name = upper(name) WHERE balance > 10");
                s.execute("INSERT INTO account (name, balance) VALUES ('dave', 7) ON CONFLICT (id) DO NOTHING");
                // rows of a GENERATED ALWAYS identity table, rewritten from their images: the identity is not set
                s.execute("UPDATE transfer SET at = clock_timestamp() WHERE id <= 3");
            }
        }
        Replayer.replay(logDir, new PostgresTarget(target));
        try (Connection a = DriverManager.getConnection(source); Connection b = DriverManager.getConnection(target)) {
            Map<String, String> sa = TableChecksums.of(a);
            Map<String, String> sb = TableChecksums.of(b);
            assertThat(sa).hasSize(2);
            assertThat(sb).isEqualTo(sa);
            // sequences on the target are at or past every value the tables hold
            try (Statement s = b.createStatement()) {
                s.executeUpdate("INSERT INTO account (name, balance) VALUES ('eve', 1)");
                s.executeUpdate("INSERT INTO transfer (src, dst, amount) VALUES (1, 1, 1)");
            }
        }
    }
    /**
     * Transaction control inside a JDBC batch, as pgjdbc runs it (one pipeline: one implicit transaction block that the
     * batch's BEGIN, COMMIT and ROLLBACK change): a Statement batch that begins, writes, commits and rolls back in the
     * middle of an autocommitted batch, one inside the application's transaction, and a PreparedStatement batch of
     * {@code COMMIT}. The database keeps through WAL-y exactly what it keeps through pgjdbc alone, and the replay equals it.
     */
    @Test
    void transactionControlInsideBatchesReplaysAsTheDatabaseRanIt() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String plain = pg.newDatabase("rt_batchtx_plain");
        String source = pg.newDatabase("rt_batchtx_src");
        String target = pg.newDatabase("rt_batchtx_dst");
        for (String url : new String[] {plain, waly(source, logDir)}) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (a int)");
                s.addBatch("BEGIN");
                s.addBatch("INSERT INTO t VALUES (1)");
                s.addBatch("COMMIT");
                s.addBatch("INSERT INTO t VALUES (-2) -- taken back by the ROLLBACK below");
                s.addBatch("BEGIN");
                s.addBatch("INSERT INTO t VALUES (-3)");
                s.addBatch("ROLLBACK");
                assertThat(s.executeBatch()).containsExactly(0, 1, 0, 1, 0, 1, 0);
                s.execute("BEGIN");
                s.execute("INSERT INTO t VALUES (4)");
                try (PreparedStatement commit = c.prepareStatement("COMMIT")) {
                    commit.addBatch();
                    commit.executeBatch();
                }
                s.execute("INSERT INTO t VALUES (5)");
            }
        }
        String kept = single(plain, "SELECT string_agg(a::text, ',' ORDER BY a) FROM t");
        assertThat(kept).isEqualTo("1,4,5");
        assertThat(single(source, "SELECT string_agg(a::text, ',' ORDER BY a) FROM t")).isEqualTo(kept);
        // inside the application's transaction a COMMIT part way through a batch or a string is refused before anything
        // is sent (the log could not say which statements the database kept); the transaction goes on
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO t VALUES (6)");
            s.addBatch("INSERT INTO t VALUES (-7)");
            s.addBatch("COMMIT");
            s.addBatch("INSERT INTO t VALUES (-8)");
            assertThatThrownBy(s::executeBatch).isInstanceOf(java.sql.SQLFeatureNotSupportedException.class)
                    .hasMessageContaining("commits or rolls back inside the application's transaction")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("0A000");
            assertThatThrownBy(() -> s.execute("INSERT INTO t VALUES (-9); ROLLBACK"))
                    .isInstanceOf(java.sql.SQLFeatureNotSupportedException.class);
            s.execute("INSERT INTO t VALUES (10)");
            c.commit();
        }
        replayEqual(source, target);
        assertThat(single(target, "SELECT string_agg(a::text, ',' ORDER BY a) FROM t")).isEqualTo("1,4,5,6,10");
    }

    /**
     * {@code UPDATE ONLY} and {@code DELETE FROM ONLY} on an inheritance parent whose child holds rows with the same
     * keys (a child does not inherit its parent's primary key): parsed, their rows logged and applied to the parent only,
     * so the child's rows stay as they were on the target too. (A write to the parent <em>without</em> ONLY whose key is
     * also a child's is a documented limit: its images do not say which table each row is in.)
     */
    @Test
    void writesToAParentOnlyLeaveItsChildrensRowsAlone() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase("rt_only_src");
        String target = pg.newDatabase("rt_only_dst");
        try (Connection c = DriverManager.getConnection(waly(source, logDir)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE p (id int PRIMARY KEY, v int)");
            s.execute("CREATE TABLE ch () INHERITS (p)");
            s.execute("INSERT INTO p VALUES (1, 0), (2, 0), (3, 0)");
            s.execute("INSERT INTO ch VALUES (1, 0), (2, 0)");
            s.execute("UPDATE ONLY p SET v = v + 1 WHERE id = 1");
            s.execute("UPDATE ONLY p SET v = v + 10 WHERE v = 0");
            try (PreparedStatement ps = c.prepareStatement("UPDATE ONLY p SET v = v + 100 WHERE id = ?")) {
                ps.setInt(1, 2);
                ps.executeUpdate();
            }
            s.execute("DELETE FROM ONLY p WHERE id = 1");
            s.execute("UPDATE p SET v = v + 1000 WHERE id = 3");
        }
        replayEqual(source, target);
        assertThat(single(target, "SELECT string_agg(tableoid::regclass || ':' || id || '=' || v, ',' ORDER BY tableoid::regclass::text, id) FROM p"))
                .isEqualTo("ch:1=0,ch:2=0,p:2=110,p:3=1010");
    }
}
