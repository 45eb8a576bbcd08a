package io.waly.bench;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.format.RecordKind;
import io.waly.log.write.LogWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
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
 */
final class WriteAheadFloor {
    /** About a STATEMENT and its OUTCOME for a TPC-B write (WAL-y logs ~2.2 KB for four writes and the ends). */
    static final int RECORD_BYTES = 500;
    private static final byte[] PAYLOAD = new byte[RECORD_BYTES];
    private static final Map<Path, LogWriter> LOGS = new ConcurrentHashMap<>();

    private WriteAheadFloor() {}

    static DataSource dataSource(String pgUrl, Path dir, Durability durability) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(pgUrl);
        LogWriter log = LOGS.computeIfAbsent(dir, d -> LogWriter.open(LogConfig.at(d).withDurability(durability)));
        return proxy(DataSource.class, (p, m, a) -> {
            Object r = call(pg, m, a);
            return r instanceof Connection c ? connection(c, log) : r;
        });
    }

    static void closeAll() {
        LOGS.values().forEach(LogWriter::close);
        LOGS.clear();
    }

    private static Connection connection(Connection c, LogWriter log) {
        long[] unforced = {0};   // the last record appended and not forced yet (0: none)
        return proxy(Connection.class, (p, m, a) -> {
            String name = m.getName();
            if (name.equals("commit") && unforced[0] != 0) {
                log.sync(unforced[0]);
                unforced[0] = 0;
            }
            Object r = call(c, m, a);
            if (r instanceof Statement s && (name.startsWith("prepare") || name.equals("createStatement"))) {
                return statement(s, c, log, unforced, m.getReturnType());
            }
            return r;
        });
    }

    private static Object statement(Statement s, Connection c, LogWriter log, long[] unforced, Class<?> type) {
        int[] batched = {0};
        return Proxy.newProxyInstance(WriteAheadFloor.class.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            String name = m.getName();
            if (name.equals("addBatch")) batched[0]++;
            if (name.startsWith("execute") && !name.equals("executeQuery")) {
                long seq = 0;
                for (int i = Math.max(1, batched[0]); i > 0; i--) seq = log.append(RecordKind.STATEMENT, 1, PAYLOAD);
                batched[0] = 0;
                if (c.getAutoCommit()) log.sync(seq);
                else unforced[0] = seq;
            }
            return call(s, m, a);
        });
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
