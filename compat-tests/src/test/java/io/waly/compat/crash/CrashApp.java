package io.waly.compat.crash;

import io.waly.jdbc.Connections;
import io.waly.jdbc.config.WalyConfig;
import io.waly.log.storage.FileLogStorage;
import io.waly.log.storage.ForwardingSegmentFile;
import io.waly.log.storage.LogStorage;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The application a crash test kills: 8 threads writing through WAL-y (contended transfers between 16 accounts, a
 * ledger with volatile defaults, savepoints, rollbacks, autocommitted and failing statements) until it dies. Run as
 * a child JVM by {@link CrashSafetyTest}.
 *
 * <p>Where WAL-y has no hook for a moment the test targets, this application makes one from the outside of WAL-y and
 * halts itself there ({@link Runtime#halt}, no shutdown hooks, no flushing: as abrupt as SIGKILL). The point is the
 * argument {@code point:n}:
 * <ul>
 *   <li>{@code none} — run until killed from outside (SIGKILL at a random time);</li>
 *   <li>{@code commits:n} — after the n-th commit returned to the application;</li>
 *   <li>{@code before-db-commit:n} — inside the n-th {@code Connection.commit()} WAL-y makes on the database, i.e.
 *       after WAL-y's COMMIT record is durable and before the database is asked to commit (the physical connection
 *       WAL-y wraps is a proxy that halts there);</li>
 *   <li>{@code after-db-commit:n} — right after the database confirmed the n-th commit, before WAL-y logs COMMITTED;</li>
 *   <li>{@code mid-append:n} — in the n-th write to a segment file, after half of its bytes (a torn record);</li>
 *   <li>{@code mid-fsync:n} — the n-th fdatasync is started while another thread halts the JVM;</li>
 *   <li>{@code rollover-before:n} — when the writer opens segment file n (n ≥ 2), before it exists;</li>
 *   <li>{@code rollover-after:n} — right after segment file n was created, before anything is written to it;</li>
 *   <li>{@code log-bytes:n} — a watcher thread halts the JVM once the log directory holds n bytes.</li>
 * </ul>
 * Exit status {@value #HALTED} says the targeted moment was reached.
 */
public final class CrashApp {

    public static final int HALTED = 77;
    static final int THREADS = 8;
    static final int ACCOUNTS = 16;

    private static String point = "none";
    private static long at;
    private static final AtomicLong commits = new AtomicLong();
    private static final AtomicLong dbCommits = new AtomicLong();
    private static final AtomicLong writes = new AtomicLong();
    private static final AtomicLong forces = new AtomicLong();
    private static final AtomicLong segmentOpens = new AtomicLong();

    public static void main(String[] args) throws Exception {
        String pgUrl = args[0];
        Path logDir = Path.of(args[1]);
        String[] p = args[2].split(":");
        point = p[0];
        at = p.length > 1 ? Long.parseLong(p[1]) : 0;
        long seed = Long.parseLong(args[3]);

        Properties props = new Properties();
        props.setProperty("walyLogDir", logDir.toString());
        props.setProperty("walySegmentBytes", String.valueOf(64 * 1024));   // rollovers every few hundred records
        WalyConfig config = WalyConfig.from(props).withStorage(new HaltingStorage(FileLogStorage.INSTANCE));

        if (point.equals("log-bytes")) {
            Thread w = new Thread(() -> {
                while (true) {
                    if (size(logDir) >= at) halt();
                    Thread.onSpinWait();
                }
            }, "log-size-watcher");
            w.setDaemon(true);
            w.start();
        }
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            int id = i;
            Connection physical = DriverManager.getConnection(pgUrl);
            Connection c = Connections.wrap(haltingCommits(physical), config);
            threads[i] = new Thread(() -> work(c, id, new Random(seed * 31 + id)), "writer-" + i);
        }
        for (Thread t : threads) t.start();
        System.out.println("ready");
        System.out.flush();
        for (Thread t : threads) t.join();
    }

    static void work(Connection c, int thread, Random rnd) {
        int n = 0;
        try (PreparedStatement debit = c.prepareStatement("UPDATE account SET balance = balance - ? WHERE id = ?");
             PreparedStatement credit = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
             PreparedStatement ledger = c.prepareStatement("INSERT INTO ledger (thread, n, amount) VALUES (?, ?, ?)");
             Statement s = c.createStatement()) {
            while (true) {
                n++;
                int r = rnd.nextInt(100);
                try {
                    if (r < 70) {
                        int a = rnd.nextInt(ACCOUNTS);
                        int b = rnd.nextInt(ACCOUNTS);
                        int amount = 1 + rnd.nextInt(50);
                        c.setAutoCommit(false);
                        // lower id first: contention without deadlocks
                        int first = Math.min(a, b);
                        int second = Math.max(a, b);
                        credit.setInt(1, first == a ? -amount : amount);
                        credit.setInt(2, first);
                        credit.executeUpdate();
                        debit.setInt(1, second == b ? -amount : amount);
                        debit.setInt(2, second);
                        debit.executeUpdate();
                        ledger.setInt(1, thread);
                        ledger.setInt(2, n);
                        ledger.setInt(3, amount);
                        ledger.executeUpdate();
                        if (rnd.nextInt(5) == 0) {
                            Savepoint sp = c.setSavepoint();
                            s.executeUpdate("INSERT INTO ledger (thread, n, amount) VALUES (" + thread + ", " + n + ", -1)");
                            c.rollback(sp);
                        }
                        if (rnd.nextInt(10) == 0) c.rollback();
                        else {
                            c.commit();
                            if (point.equals("commits") && commits.incrementAndGet() == at) halt();
                        }
                        c.setAutoCommit(true);
                    } else if (r < 92) {
                        s.executeUpdate("INSERT INTO ledger (thread, n, amount) VALUES (" + thread + ", " + n + ", 0)");
                    } else {
                        s.executeUpdate("INSERT INTO account VALUES (" + rnd.nextInt(ACCOUNTS) + ", 0)");   // duplicate key
                    }
                } catch (SQLException e) {
                    try {
                        if (!c.getAutoCommit()) {
                            c.rollback();
                            c.setAutoCommit(true);
                        }
                    } catch (SQLException ignored) {
                        return;
                    }
                }
            }
        } catch (SQLException e) {
            System.err.println("writer " + thread + " stopped: " + e);
        }
    }

    static void halt() {
        Runtime.getRuntime().halt(HALTED);
    }

    static long size(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The physical connection WAL-y wraps, halting around the database's COMMIT when the point says so. */
    static Connection haltingCommits(Connection physical) {
        return (Connection) Proxy.newProxyInstance(CrashApp.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, margs) -> {
                    boolean commit = method.getName().equals("commit") && method.getParameterCount() == 0;
                    long k = commit ? dbCommits.incrementAndGet() : 0;
                    if (commit && point.equals("before-db-commit") && k == at) halt();
                    try {
                        Object result = method.invoke(physical, margs);
                        if (commit && point.equals("after-db-commit") && k == at) halt();
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The log's storage, halting mid-write, mid-fsync or around a rollover when the point says so. */
    static final class HaltingStorage implements LogStorage {
        private final LogStorage real;

        HaltingStorage(LogStorage real) {
            this.real = real;
        }

        @Override
        public SegmentFile open(Path file) throws IOException {
            long k = segmentOpens.incrementAndGet();
            if (point.equals("rollover-before") && k == at) halt();
            SegmentFile f = real.open(file);
            if (point.equals("rollover-after") && k == at) halt();
            return new ForwardingSegmentFile(f) {
                @Override
                public void write(ByteBuffer bytes) throws IOException {
                    if (point.equals("mid-append") && writes.incrementAndGet() == at && bytes.remaining() > 1) {
                        ByteBuffer half = bytes.duplicate();
                        half.limit(half.position() + bytes.remaining() / 2);
                        super.write(half);
                        halt();
                    }
                    super.write(bytes);
                }

                @Override
                public void force() throws IOException {
                    if (point.equals("mid-fsync") && forces.incrementAndGet() == at) {
                        Thread h = new Thread(CrashApp::halt);
                        h.start();
                    }
                    super.force();
                }
            };
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            real.syncDirectory(dir);
        }
    }
}
