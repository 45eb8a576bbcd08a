package io.waly.compat.kafka;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One application instance of {@link KafkaInstancesTest}: a child JVM whose threads move money between a few accounts
 * (every transfer conflicts with others, across instances too), log each transfer with a serial key and {@code now()},
 * and sometimes roll back or fail, all through WAL-y ({@code jdbc:waly:postgresql}, or a plain pgjdbc URL under the
 * agent) into one database, logging to one topic ({@code walyLog=kafka://…}). Runs for the given seconds, then closes
 * its connections and exits 0; says "ready" on stdout after its first commit. Writes refused by the log (SQLState
 * 58030, Kafka briefly away) are counted and retried later, as an application would.
 */
public final class InstanceApp {

    static final int ACCOUNTS = 8;
    static final int THREADS = 3;

    public static void main(String[] args) throws Exception {
        String url = args[0];          // jdbc:waly:postgresql://…, or jdbc:postgresql://… under the agent
        String log = args[1];          // kafka://…, for jdbc:waly: (the agent has its own settings)
        int instance = Integer.parseInt(args[2]);
        long millis = Long.parseLong(args[3]);
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        if (url.startsWith("jdbc:waly:")) props.setProperty("walyLog", log);
        AtomicBoolean ready = new AtomicBoolean();
        AtomicLong committed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long end = System.currentTimeMillis() + millis;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                Random rnd = new Random(instance * 100L + thread);
                int n = 0;
                try (Connection c = DriverManager.getConnection(url, props)) {
                    c.setAutoCommit(false);
                    try (PreparedStatement debit = c.prepareStatement("UPDATE account SET balance = balance - ? WHERE id = ?");
                         PreparedStatement credit = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
                         PreparedStatement ledger = c.prepareStatement(
                                 "INSERT INTO ledger (instance, thread, n, amount) VALUES (?, ?, ?, ?)");
                         Statement s = c.createStatement()) {
                        while (System.currentTimeMillis() < end) {
                            n++;
                            int from = rnd.nextInt(ACCOUNTS), to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                            int amount = 1 + rnd.nextInt(20);
                            try {
                                // lock in id order: conflicts wait, they do not deadlock
                                int first = Math.min(from, to), second = Math.max(from, to);
                                s.executeQuery("SELECT id FROM account WHERE id IN (" + first + ", " + second + ") ORDER BY id FOR UPDATE").close();
                                debit.setInt(1, amount);
                                debit.setInt(2, from);
                                debit.executeUpdate();
                                credit.setInt(1, amount);
                                credit.setInt(2, to);
                                credit.executeUpdate();
                                ledger.setInt(1, instance);
                                ledger.setInt(2, thread);
                                ledger.setInt(3, n);
                                ledger.setInt(4, amount);
                                ledger.executeUpdate();
                                if (rnd.nextInt(10) == 0) {
                                    c.rollback();
                                } else {
                                    c.commit();
                                    committed.incrementAndGet();
                                    if (ready.compareAndSet(false, true)) {
                                        System.out.println("ready");
                                        System.out.flush();
                                    }
                                }
                            } catch (SQLException e) {
                                if ("58030".equals(e.getSQLState())) refused.incrementAndGet();
                                try {
                                    c.rollback();
                                } catch (SQLException ignored) {
                                    // the next transaction will say
                                }
                                if ("58030".equals(e.getSQLState())) Thread.sleep(100);
                            }
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(3);
                }
            }, "instance-" + instance + "-" + t));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) t.join();
        System.err.println("instance " + instance + ": " + committed.get() + " committed, " + refused.get() + " refused by the log");
    }
}
