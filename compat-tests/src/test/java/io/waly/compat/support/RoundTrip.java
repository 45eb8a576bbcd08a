package io.waly.compat.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.jdbc.WalyDataSource;
import io.waly.jdbc.TxidStatus;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.Replayer;
import io.waly.log.replay.ReplaySummary;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.log.read.LogVerifier;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One end-to-end proof: a source database written through WAL-y, a fresh target the log is replayed into, and the
 * comparison the issue asks for — every table equal, every sequence at or past its table's highest value, the log
 * verified. Each test takes its own databases from the shared server, so tests never see each other's tables.
 */
public final class RoundTrip {

    public final EmbeddedPostgresServer server;
    /** pgjdbc URL of the source database (reads, and the in-doubt oracle at replay). */
    public final String source;
    /** pgjdbc URL of the fresh database the log is replayed into. */
    public final String target;
    public final Path logDir;

    public RoundTrip(String name, Path logDir) {
        this(EmbeddedPostgresServer.shared(), name, logDir);
    }

    public RoundTrip(EmbeddedPostgresServer server, String name, Path logDir) {
        this.server = server;
        this.source = server.newDatabase(name + "_src");
        this.target = server.newDatabase(name + "_dst");
        this.logDir = logDir;
    }

    /** The source's URL through WAL-y, with extra query parameters ({@code key=value}) appended. */
    public String walyUrl(String... params) {
        return waly(source, logDir, params);
    }

    public static String waly(String pgUrl, Path logDir, String... params) {
        StringBuilder sb = new StringBuilder(pgUrl.replace("jdbc:postgresql:", "jdbc:waly:postgresql:"));
        sb.append("&walyLogDir=").append(logDir);
        for (String p : params) sb.append('&').append(p);
        return sb.toString();
    }

    public Connection walyConnection(String... params) throws SQLException {
        return DriverManager.getConnection(walyUrl(params));
    }

    public Connection sourceConnection() throws SQLException {
        return DriverManager.getConnection(source);
    }

    public Connection targetConnection() throws SQLException {
        return DriverManager.getConnection(target);
    }

    /** A {@link WalyDataSource} bean configured as a framework would configure it. */
    public WalyDataSource dataSource() {
        WalyDataSource ds = new WalyDataSource();
        ds.setUrl(walyUrl());
        ds.setUser("postgres");
        ds.setLogDir(logDir.toString());
        return ds;
    }

    /** Replays the whole log into the target; in-doubt transactions are decided by the source's txid_status. */
    public ReplaySummary replay() throws Exception {
        try (TxidStatus sourceDb = TxidStatus.of(source, "postgres", "")) {
            return Replayer.replay(logDir, ReplayOptions.builder().inDoubtSource(sourceDb).build(), new PostgresTarget(target));
        }
    }

    /** Verify, replay, compare: the proof every scenario ends with. Returns the source's checksums. */
    public Map<String, String> replayAndAssertEqual() throws Exception {
        assertLogVerifies(logDir);
        replay();
        return assertTargetEqualsSource();
    }

    /** Tables only: for the scenarios that show, on purpose, that large objects are not replayed. */
    public void assertTargetEqualsSourceTablesOnly() throws SQLException {
        try (Connection s = sourceConnection(); Connection t = targetConnection()) {
            assertThat(TableChecksums.of(t)).isEqualTo(TableChecksums.of(s));
        }
    }

    public Map<String, String> assertTargetEqualsSource() throws SQLException {
        Map<String, String> a;
        Map<String, String> b;
        try (Connection s = sourceConnection(); Connection t = targetConnection()) {
            a = TableChecksums.of(s);
            b = TableChecksums.of(t);
            List<String> differ = TableChecksums.differences(a, b);
            if (!differ.isEmpty()) {
                StringBuilder why = new StringBuilder("tables that differ between source and replay: " + differ);
                for (String table : differ) why.append(rowDiff(s, t, table));
                throw new AssertionError(why.toString());
            }
            assertThat(b).isEqualTo(a);
            assertThat(largeObjects(t)).as("large objects (pg_largeobject) after replay").isEqualTo(largeObjects(s));
            assertThat(sequencesBehindTheirTables(t)).as("sequences behind their table's highest value after replay").isEmpty();
        }
        return a;
    }

    /**
     * Large objects live in {@code pg_largeobject}, which {@link TableChecksums} (user tables only) does not see: oid →
     * size and md5 of the content. A table that references large objects by oid is only equal when these are.
     */
    public static Map<Long, String> largeObjects(Connection c) throws SQLException {
        Map<Long, String> out = new java.util.TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT m.oid::bigint, coalesce(sum(length(l.data)), 0) || ' ' "
                     + "|| coalesce(md5(string_agg(l.data, ''::bytea ORDER BY l.pageno)), md5('')) "
                     + "FROM pg_largeobject_metadata m LEFT JOIN pg_largeobject l ON l.loid = m.oid GROUP BY m.oid")) {
            while (rs.next()) out.put(rs.getLong(1), rs.getString(2));
        }
        return out;
    }

    /** The rows of {@code table} that are in one database only, as text, for an assertion message. */
    public static String rowDiff(Connection source, Connection target, String table) {
        java.util.List<String> a = rows(source, table);
        java.util.List<String> b = rows(target, table);
        java.util.List<String> onlyA = new ArrayList<>(a);
        b.forEach(onlyA::remove);
        java.util.List<String> onlyB = new ArrayList<>(b);
        a.forEach(onlyB::remove);
        return "\n  " + table + ": source has " + a.size() + " rows, replay " + b.size()
                + "\n    only in source: " + onlyA.subList(0, Math.min(8, onlyA.size()))
                + "\n    only in replay: " + onlyB.subList(0, Math.min(8, onlyB.size()));
    }

    private static List<String> rows(Connection c, String table) {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT ROW(r.*)::text FROM " + table + " r ORDER BY 1")) {
            while (rs.next()) out.add(rs.getString(1));
        } catch (SQLException e) {
            out.add("<" + e.getMessage() + ">");
        }
        return out;
    }

    /**
     * After a crash: every record readable, checksums, sequence and hash chain intact (the reader throws on
     * corruption), except that the last segment may end in a torn record — the crash's mark, which the next writer
     * cuts off (FORMAT.md §5.2). Returns the reader's description of the torn tail, or null.
     */
    public static String assertLogReadableAfterCrash(Path logDir) {
        LogVerifier.Result v = LogVerifier.verify(logDir);
        if (v.ok()) return null;
        String torn;
        try (io.waly.log.read.LogReader r = io.waly.log.read.LogReader.open(logDir)) {
            while (r.next() != null) { /* every record checked */ }
            torn = r.tornTail();
        }
        assertThat(torn).as("waly verify failed and it is not a torn tail: %s at %s offset %s seq %s", v.problem(),
                v.problemSegment(), v.problemOffset(), v.problemSeq()).isNotNull();
        return torn;
    }

    public static void assertLogVerifies(Path logDir) {
        LogVerifier.Result v = LogVerifier.verify(logDir);
        assertThat(v.ok()).as("waly verify: %s at %s offset %s seq %s", v.problem(), v.problemSegment(), v.problemOffset(),
                v.problemSeq()).isTrue();
    }

    /**
     * Every sequence owned by a column (serial or identity) must be at or past the highest value the column holds, so
     * that the restored database hands out no value twice. Returns "sequence: last=…, max(table.column)=…" for each
     * that is behind.
     */
    public static List<String> sequencesBehindTheirTables(Connection c) throws SQLException {
        List<String[]> owned = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT quote_ident(sn.nspname) || '.' || quote_ident(sq.relname), "
                     + "quote_ident(tn.nspname) || '.' || quote_ident(t.relname), quote_ident(a.attname), seq.seqincrement "
                     + "FROM pg_depend d JOIN pg_class sq ON sq.oid = d.objid AND sq.relkind = 'S' "
                     + "JOIN pg_sequence seq ON seq.seqrelid = sq.oid "
                     + "JOIN pg_namespace sn ON sn.oid = sq.relnamespace "
                     + "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace "
                     + "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
                     + "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass "
                     + "AND d.deptype IN ('a', 'i') AND sn.nspname <> 'waly' ORDER BY 1")) {
            while (rs.next()) owned.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
        }
        List<String> behind = new ArrayList<>();
        for (String[] o : owned) {
            if (Long.parseLong(o[3]) < 0) continue;   // descending sequences: out of scope
            Long max = null;
            long last;
            boolean called;
            try (Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT max(" + o[2] + ")::bigint FROM " + o[1])) {
                    rs.next();
                    long m = rs.getLong(1);
                    if (!rs.wasNull()) max = m;
                }
                try (ResultSet rs = s.executeQuery("SELECT last_value, is_called FROM " + o[0])) {
                    rs.next();
                    last = rs.getLong(1);
                    called = rs.getBoolean(2);
                }
            }
            if (max == null) continue;
            // a sequence not yet called hands out last_value next; one that was called hands out the one after
            long nextHandedOut = called ? last + 1 : last;
            if (nextHandedOut <= max) behind.add(o[0] + ": last_value=" + last + " is_called=" + called + ", max(" + o[1] + "." + o[2] + ")=" + max);
        }
        return behind;
    }

    /** Drops both databases (tests that make hundreds of them, like the property runs, clean up after themselves). */
    public void dropDatabases() {
        for (String url : List.of(source, target)) {
            String db = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
            server.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    /** Runs SQL on the source without WAL-y (for checks the application would not do). */
    public long count(String sql) throws SQLException {
        try (Connection c = sourceConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
