package io.waly.compat.concurrency;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain multi-threaded JDBC application whose transactions conflict and read each other's rows: transfers between
 * accounts (with RETURNING, read-modify-write, deadlocks), deletes and archives chosen by subqueries, updates by
 * predicates over other rows, INSERT … SELECT, upserts of both kinds, joins, savepoints with failing statements,
 * batches, updates of rows other threads may be inserting, and rollbacks. It retries nothing and swallows the errors a
 * real application meets under concurrency (deadlocks, serialization failures, unique violations): what committed is
 * what the replay must reproduce.
 */
final class ConcurrentBank {

    static final int ACCOUNTS = 100;

    private final String url;
    private final int threads;
    private final int transactionsPerThread;
    private final long seed;
    final AtomicLong committed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    ConcurrentBank(String url, int threads, int transactionsPerThread, long seed) {
        this.url = url;
        this.threads = threads;
        this.transactionsPerThread = transactionsPerThread;
        this.seed = seed;
    }

    static void createSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id int PRIMARY KEY, balance bigint NOT NULL, version int NOT NULL DEFAULT 0)");
            s.execute("CREATE TABLE transfer (id bigserial PRIMARY KEY, src int NOT NULL, dst int NOT NULL, amount int NOT NULL, "
                    + "created timestamptz NOT NULL DEFAULT now())");
            s.execute("CREATE TABLE archive (id bigint PRIMARY KEY, src int, dst int, amount int)");
            s.execute("CREATE TABLE counter (k text PRIMARY KEY, n bigint NOT NULL)");
            s.execute("CREATE TABLE audit (id serial PRIMARY KEY, account int, delta bigint, note text)");
            s.execute("CREATE TABLE tag (account int, label text)");   // no primary key: only inserted into
            s.execute("INSERT INTO account (id, balance) SELECT g, 1000 FROM generate_series(1, " + ACCOUNTS + ") g");
        }
    }

    void run() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long threadSeed = seed * 31 + t;
            work.add(pool.submit(() -> {
                try (Connection c = DriverManager.getConnection(url)) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET deadlock_timeout = '20ms'");   // deadlocks are part of the workload: find them fast
                    }
                    c.setAutoCommit(false);
                    Random rnd = new Random(threadSeed);
                    for (int n = 0; n < transactionsPerThread; n++) transaction(c, rnd);
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : work) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    private void transaction(Connection c, Random rnd) throws SQLException {
        try {
            int ops = 1 + rnd.nextInt(4);
            for (int i = 0; i < ops; i++) operation(c, rnd);
            if (rnd.nextInt(10) == 0) {
                c.rollback();
            } else {
                c.commit();
                committed.incrementAndGet();
            }
        } catch (SQLException e) {
            String state = e.getSQLState();
            // what concurrency does to a real application: the transaction is lost, the application goes on
            if (state == null || !(state.startsWith("40") || state.equals("23505") || state.equals("25P02"))) throw e;
            failed.incrementAndGet();
            c.rollback();
        }
    }

    private void operation(Connection c, Random rnd) throws SQLException {
        int a = 1 + rnd.nextInt(ACCOUNTS);
        int b = 1 + rnd.nextInt(ACCOUNTS);
        int amount = 1 + rnd.nextInt(50);
        switch (rnd.nextInt(13)) {
            case 0, 1 -> {   // a transfer, the application's own RETURNING
                try (PreparedStatement debit = c.prepareStatement("UPDATE account SET balance = balance - ? WHERE id = ? RETURNING balance");
                     PreparedStatement credit = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
                     PreparedStatement log = c.prepareStatement("INSERT INTO transfer (src, dst, amount) VALUES (?, ?, ?) RETURNING id")) {
                    debit.setInt(1, amount);
                    debit.setInt(2, a);
                    try (ResultSet rs = debit.executeQuery()) {
                        rs.next();
                    }
                    credit.setInt(1, amount);
                    credit.setInt(2, b);
                    credit.executeUpdate();
                    log.setInt(1, a);
                    log.setInt(2, b);
                    log.setInt(3, amount);
                    try (ResultSet rs = log.executeQuery()) {
                        rs.next();
                    }
                }
            }
            case 2 -> {   // read, compute in the application, write back (a lost update if unguarded: the value is the source's)
                long balance;
                try (PreparedStatement read = c.prepareStatement("SELECT balance FROM account WHERE id = ? FOR UPDATE")) {
                    read.setInt(1, a);
                    try (ResultSet rs = read.executeQuery()) {
                        rs.next();
                        balance = rs.getLong(1);
                    }
                }
                try (PreparedStatement write = c.prepareStatement("UPDATE account SET balance = ?, version = version + 1 WHERE id = ?")) {
                    write.setLong(1, balance + (balance % 7) - 3);
                    write.setInt(2, a);
                    write.executeUpdate();
                }
            }
            case 3 -> {   // the statement the issue found: a DELETE whose subquery reads rows others commit meanwhile
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM transfer WHERE id = (SELECT min(id) FROM transfer WHERE src = ?)")) {
                    ps.setInt(1, a);
                    ps.executeUpdate();
                }
            }
            case 4 -> {   // INSERT … SELECT of other transactions' rows
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO archive SELECT id, src, dst, amount FROM transfer "
                        + "WHERE dst = ? AND amount > ? ON CONFLICT DO NOTHING")) {
                    ps.setInt(1, b);
                    ps.setInt(2, amount);
                    ps.executeUpdate();
                }
            }
            case 5 -> {   // an UPDATE whose rows depend on every other row
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE account SET version = version + 1 WHERE balance < (SELECT avg(balance) FROM account)");
                }
            }
            case 6 -> {   // upserts: by key (locks the row), and DO NOTHING (locks nothing)
                try (PreparedStatement up = c.prepareStatement("INSERT INTO counter VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET n = counter.n + 1");
                     PreparedStatement once = c.prepareStatement("INSERT INTO counter VALUES (?, 100) ON CONFLICT DO NOTHING")) {
                    up.setString(1, "k" + (a % 7));
                    up.executeUpdate();
                    once.setString(1, "once" + (b % 5));
                    once.executeUpdate();
                }
            }
            case 7 -> {   // a join delete
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM archive a USING transfer t WHERE a.id = t.id AND t.amount > ?")) {
                    ps.setInt(1, 40 + rnd.nextInt(11));
                    ps.executeUpdate();
                }
            }
            case 8 -> {   // a savepoint around a statement that fails, then work that stays
                Savepoint sp = c.setSavepoint();
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE account SET balance = balance / 0 WHERE id = " + a);
                } catch (SQLException e) {
                    c.rollback(sp);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO tag VALUES (?, ?)")) {
                    ps.setInt(1, a);
                    ps.setString(2, "after-savepoint-" + amount);
                    ps.executeUpdate();
                }
            }
            case 9 -> {   // a batch
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit (account, delta, note) VALUES (?, ?, ?)")) {
                    for (int i = 0; i < 3; i++) {
                        ps.setInt(1, a);
                        ps.setLong(2, amount * (i + 1L));
                        ps.setString(3, "batch " + i);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            case 10 -> {   // an UPDATE by key of a row another thread may be inserting right now
                long id;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM transfer")) {
                    rs.next();
                    id = rs.getLong(1) + rnd.nextInt(3);
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE transfer SET amount = amount + 1 WHERE id = ?")) {
                    ps.setLong(1, id);
                    ps.executeUpdate();
                }
            }
            case 11 -> {   // a DELETE by a predicate over rows others write
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit WHERE account = ? AND delta < (SELECT avg(delta) FROM audit)")) {
                    ps.setInt(1, a);
                    ps.executeUpdate();
                }
            }
            default -> {   // a multi-row UPDATE whose rows a subquery over the latest transfers chooses
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE account SET balance = balance + 1 WHERE id IN (SELECT src FROM transfer ORDER BY id DESC LIMIT 3)");
                }
            }
        }
    }
}
