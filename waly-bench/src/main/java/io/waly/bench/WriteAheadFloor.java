package io.waly.bench;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.format.RecordKind;
import io.waly.log.write.LogWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The write-ahead rule's floor, as a variant ({@link Variant#FORCED_FLOOR}, {@link Variant#ASYNC_FLOOR}): raw pgjdbc
 * plus, for each write (each element of a batch), one record of {@link #RECORD_BYTES} appended to a log-format log and
 * made as durable as the durability says — forced with group commit (fsync), or handed to the OS (async) — before the
 * transaction's COMMIT is sent (before an autocommitted write is sent). No parsing, no row images, no transaction id, no
 * outcome records: only what any log must do that is durable, in that sense, before the database commits. WAL-y in the
 * same durability can come close to it on the same machine, never pass it; the distance from raw to this floor is what
 * the disk and the cores charge for the rule itself, whatever the protocol. (Its JDBC objects are JDK proxies: a
 * reflective call per JDBC call, some 40 per TPC-B transaction, which a hand-written wrapper would not pay.)
 *
 * <p>{@link Variant#EXACT_ASYNC_FLOOR} adds the two things the design's invariants ask of an async log that is
 * replayed, and nothing else: the row a write with a non-deterministic value makes (TPC-B's history row and its
 * {@code CURRENT_TIMESTAMP}) read back with it ({@code RETURNING *}, as pgjdbc's generated keys ask) and appended
 * (invariant 7: a replay reproduces the source's rows); and, after the database commits, an end record handed to the
 * OS (invariant 4: a finished commit is never left in doubt by a later crash — without the database's transaction id,
 * a statement more per transaction for the server, only its end in the log decides it).
 */
final class WriteAheadFloor {
    /** About a STATEMENT and its OUTCOME for a TPC-B write (WAL-y logs ~2.2 KB for four writes and the ends). */
    static final int RECORD_BYTES = 500;
    private static final byte[] PAYLOAD = new byte[RECORD_BYTES];
    private static final Map<Path, LogWriter> LOGS = new ConcurrentHashMap<>();

    private WriteAheadFloor() {}

    /** An end record: the outcome of a commit. */
    private static final byte[] END = new byte[16];

    /** {@code exact}: also the row images and the end records of {@link Variant#EXACT_ASYNC_FLOOR}. */
    static DataSource dataSource(String pgUrl, Path dir, Durability durability, boolean exact) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(pgUrl);
        LogWriter log = LOGS.computeIfAbsent(dir, d -> LogWriter.open(LogConfig.at(d).withDurability(durability)));
        return proxy(DataSource.class, (p, m, a) -> {
            Object r = call(pg, m, a);
            return r instanceof Connection c ? connection(c, log, exact) : r;
        });
    }

    static void closeAll() {
        LOGS.values().forEach(LogWriter::close);
        LOGS.clear();
    }

    private static Connection connection(Connection c, LogWriter log, boolean exact) {
        long[] unforced = {0};   // the last record appended and not forced yet (0: none)
        return proxy(Connection.class, (p, m, a) -> {
            String name = m.getName();
            boolean committing = name.equals("commit") && unforced[0] != 0;
            if (committing) {
                log.sync(unforced[0]);
                unforced[0] = 0;
            }
            boolean images = exact && name.equals("prepareStatement") && a.length == 1 && nonDeterministic((String) a[0]);
            Object r = images ? c.prepareStatement((String) a[0], Statement.RETURN_GENERATED_KEYS) : call(c, m, a);
            if (committing && exact) log.sync(log.append(RecordKind.COMMITTED, 1, END));
            if (r instanceof Statement s && (name.startsWith("prepare") || name.equals("createStatement"))) {
                return statement(s, c, log, unforced, m.getReturnType(), images, exact);
            }
            return r;
        });
    }

    /** A value replay could not compute again (the workloads here use only this one). */
    private static boolean nonDeterministic(String sql) {
        return sql.contains("CURRENT_TIMESTAMP");
    }

    private static Object statement(Statement s, Connection c, LogWriter log, long[] unforced, Class<?> type,
                                    boolean images, boolean exact) {
        int[] batched = {0};
        return Proxy.newProxyInstance(WriteAheadFloor.class.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            String name = m.getName();
            if (name.equals("addBatch")) batched[0]++;
            if (!name.startsWith("execute") || name.equals("executeQuery")) return call(s, m, a);
            long seq = 0;
            for (int i = Math.max(1, batched[0]); i > 0; i--) seq = log.append(RecordKind.STATEMENT, 1, PAYLOAD);
            batched[0] = 0;
            boolean autocommit = c.getAutoCommit();
            if (autocommit) log.sync(seq);
            Object r = call(s, m, a);
            if (images) seq = log.append(RecordKind.OUTCOME, 1, image(s));
            if (!autocommit) unforced[0] = seq;
            else if (exact) log.sync(log.append(RecordKind.COMMITTED, 1, END));
            return r;
        });
    }

    /** The rows the statement made, as text, as a log would keep them. */
    private static byte[] image(Statement s) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (ResultSet rs = s.getGeneratedKeys()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) b.append(rs.getString(i)).append('\t');
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler h) {
        return type.cast(Proxy.newProxyInstance(WriteAheadFloor.class.getClassLoader(), new Class<?>[] {type}, h));
    }

    private static Object call(Object target, Method m, Object[] a) throws Throwable {
        try {
            return m.invoke(target, a);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
