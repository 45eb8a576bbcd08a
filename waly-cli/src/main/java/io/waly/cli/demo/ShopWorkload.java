package io.waly.cli.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small shop, written the way applications write: a bank of accounts with transfers (savepoints, a fee that is
 * sometimes undone, transfers refused for insufficient funds, cancelled ones), and an order shop (generated keys,
 * stock that runs out, a failing autocommit insert), with serial and identity keys,
 * {@code now()} and {@code gen_random_uuid()} defaults — every kind of non-determinism replay must pin. Several threads
 * at once, so that the log interleaves transactions as a real application's does. Used by {@code waly demo} and by the
 * CLI's tests.
 */
public final class ShopWorkload {

    /** Where connections come from: a pool, or {@code DriverManager} with a {@code jdbc:waly:} URL. */
    @FunctionalInterface
    public interface Connections {
        Connection get() throws SQLException;
    }

    /** What the workload did. */
    public static final class Result {
        public final AtomicLong transfers = new AtomicLong();
        public final AtomicLong transfersRefused = new AtomicLong();
        public final AtomicLong transfersCancelled = new AtomicLong();
        public final AtomicLong savepointsUndone = new AtomicLong();
        public final AtomicLong orders = new AtomicLong();
        public final AtomicLong ordersOutOfStock = new AtomicLong();
        public final AtomicLong failedStatements = new AtomicLong();
        public final AtomicLong shipped = new AtomicLong();
        public final AtomicLong restocks = new AtomicLong();

        /** Transactions the workload committed (autocommit statements included). */
        public long committed() {
            return transfers.get() + orders.get() + shipped.get() + restocks.get();
        }

        public long rolledBack() {
            return transfersRefused.get() + transfersCancelled.get() + ordersOutOfStock.get();
        }
    }

    public static final int ACCOUNTS = 20;
    public static final int PRODUCTS = 12;

    private ShopWorkload() {}

    /** Creates the tables and the starting data (accounts with balances, products with stock). */
    public static void createSchema(Connection c, long seed) throws SQLException {
        Random rnd = new Random(seed);
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id serial PRIMARY KEY, owner text NOT NULL, "
                    + "balance numeric(12,2) NOT NULL CHECK (balance >= 0), opened_at timestamptz NOT NULL DEFAULT now())");
            s.execute("CREATE TABLE transfer (id bigserial PRIMARY KEY, from_id int NOT NULL REFERENCES account, "
                    + "to_id int NOT NULL REFERENCES account, amount numeric(12,2) NOT NULL, note text, at timestamptz NOT NULL DEFAULT now())");
            s.execute("CREATE TABLE product (id serial PRIMARY KEY, name text NOT NULL UNIQUE, price numeric(10,2) NOT NULL, "
                    + "stock int NOT NULL CHECK (stock >= 0))");
            s.execute("CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer text NOT NULL, "
                    + "status text NOT NULL DEFAULT 'new', total numeric(12,2) NOT NULL DEFAULT 0, "
                    + "placed_at timestamptz NOT NULL DEFAULT now(), reference uuid NOT NULL DEFAULT gen_random_uuid())");
            s.execute("CREATE TABLE order_line (order_id bigint NOT NULL REFERENCES orders ON DELETE CASCADE, "
                    + "product_id int NOT NULL REFERENCES product, qty int NOT NULL, price numeric(10,2) NOT NULL, "
                    + "PRIMARY KEY (order_id, product_id))");
        }
        c.setAutoCommit(false);
        try (PreparedStatement a = c.prepareStatement("INSERT INTO account (owner, balance) VALUES (?, ?)");
             PreparedStatement p = c.prepareStatement("INSERT INTO product (name, price, stock) VALUES (?, ?, ?)")) {
            for (int i = 1; i <= ACCOUNTS; i++) {
                a.setString(1, "customer-" + i);
                a.setBigDecimal(2, money(rnd, 50, 600));
                a.addBatch();
            }
            a.executeBatch();
            for (int i = 1; i <= PRODUCTS; i++) {
                p.setString(1, "widget-" + i);
                p.setBigDecimal(2, money(rnd, 2, 80));
                p.setInt(3, 5 + rnd.nextInt(30));
                p.addBatch();
            }
            p.executeBatch();
        }
        c.commit();
        c.setAutoCommit(auto);
    }

    /**
     * Runs {@code transferThreads × transfers} transfers and {@code orderThreads × orders} orders concurrently.
     * Deterministic per thread (seeded), interleaved however the scheduler likes.
     */
    public static Result run(Connections connections, int transferThreads, int transfers, int orderThreads, int orders, long seed)
            throws Exception {
        Result result = new Result();
        ExecutorService pool = Executors.newFixedThreadPool(transferThreads + orderThreads, r -> {
            Thread t = new Thread(r, "shop-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < transferThreads; t++) {
                long s = seed * 31 + t;
                futures.add(pool.submit(() -> {
                    transfers(connections, transfers, new Random(s), result);
                    return null;
                }));
            }
            for (int t = 0; t < orderThreads; t++) {
                long s = seed * 131 + t;
                int thread = t;
                futures.add(pool.submit(() -> {
                    orders(connections, orders, new Random(s), thread, result);
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
        }
        return result;
    }

    private static void transfers(Connections connections, int n, Random rnd, Result result) throws SQLException {
        try (Connection c = connections.get()) {
            c.setAutoCommit(false);
            try (PreparedStatement debit = c.prepareStatement("UPDATE account SET balance = balance - ? WHERE id = ?");
                 PreparedStatement credit = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
                 PreparedStatement record = c.prepareStatement("INSERT INTO transfer (from_id, to_id, amount, note) VALUES (?, ?, ?, ?)");
                 PreparedStatement fee = c.prepareStatement("UPDATE account SET balance = balance - 0.25 WHERE id = ?")) {
                for (int i = 0; i < n; i++) {
                    int from = 1 + rnd.nextInt(ACCOUNTS);
                    int to = 1 + (from + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                    BigDecimal amount = money(rnd, 1, 120);
                    boolean waive = rnd.nextInt(5) == 0;
                    boolean cancel = rnd.nextInt(20) == 0;
                    try {
                        // rows are locked in id order, so that concurrent transfers never deadlock
                        if (from < to) {
                            update(debit, amount, from);
                            update(credit, amount, to);
                        } else {
                            update(credit, amount, to);
                            update(debit, amount, from);
                        }
                        record.setInt(1, from);
                        record.setInt(2, to);
                        record.setBigDecimal(3, amount);
                        record.setString(4, rnd.nextBoolean() ? "rent" : "groceries");
                        record.executeUpdate();
                        Savepoint sp = c.setSavepoint("fee");
                        try {
                            fee.setInt(1, from);
                            fee.executeUpdate();
                            if (waive) {
                                c.rollback(sp);
                                result.savepointsUndone.incrementAndGet();
                            } else {
                                c.releaseSavepoint(sp);
                            }
                        } catch (SQLException e) {
                            c.rollback(sp);     // the fee would overdraw: undo the fee, keep the transfer
                            result.savepointsUndone.incrementAndGet();
                        }
                        if (cancel) {
                            c.rollback();
                            result.transfersCancelled.incrementAndGet();
                        } else {
                            c.commit();
                            result.transfers.incrementAndGet();
                        }
                    } catch (SQLException e) {
                        c.rollback();           // insufficient funds (CHECK), nothing of it stays
                        result.transfersRefused.incrementAndGet();
                    }
                }
            }
        }
    }

    private static void orders(Connections connections, int n, Random rnd, int thread, Result result) throws SQLException {
        try (Connection c = connections.get()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                // an application bug the database refuses: logged with its error, never replayed
                s.executeUpdate("INSERT INTO product (name, price, stock) VALUES ('widget-1', 1.00, 1)");
            } catch (SQLException e) {
                result.failedStatements.incrementAndGet();
            }
            c.setAutoCommit(false);
            List<Long> placed = new ArrayList<>();
            try (PreparedStatement order = c.prepareStatement("INSERT INTO orders (customer) VALUES (?)", Statement.RETURN_GENERATED_KEYS);
                 PreparedStatement take = c.prepareStatement("UPDATE product SET stock = stock - ? WHERE id = ?");
                 PreparedStatement price = c.prepareStatement("SELECT price FROM product WHERE id = ?");
                 PreparedStatement line = c.prepareStatement("INSERT INTO order_line (order_id, product_id, qty, price) VALUES (?, ?, ?, ?)");
                 PreparedStatement total = c.prepareStatement("UPDATE orders SET total = ?, status = 'paid' WHERE id = ?");
                 PreparedStatement ship = c.prepareStatement("UPDATE orders SET status = 'shipped' WHERE id = ?");
                 PreparedStatement restock = c.prepareStatement("UPDATE product SET stock = stock + ? WHERE id = ?")) {
                for (int i = 0; i < n; i++) {
                    try {
                        order.setString(1, "shopper-" + thread + "-" + rnd.nextInt(50));
                        order.executeUpdate();
                        long id;
                        try (ResultSet keys = order.getGeneratedKeys()) {
                            keys.next();
                            id = keys.getLong(1);
                        }
                        TreeSet<Integer> products = new TreeSet<>();   // locked in id order: no deadlocks
                        int lines = 1 + rnd.nextInt(3);
                        while (products.size() < lines) products.add(1 + rnd.nextInt(PRODUCTS));
                        BigDecimal sum = BigDecimal.ZERO;
                        for (int p : products) {
                            int qty = 1 + rnd.nextInt(4);
                            take.setInt(1, qty);
                            take.setInt(2, p);
                            take.executeUpdate();      // CHECK (stock >= 0) refuses an order that empties the shelf
                            price.setInt(1, p);
                            BigDecimal each;
                            try (ResultSet rs = price.executeQuery()) {
                                rs.next();
                                each = rs.getBigDecimal(1);
                            }
                            line.setLong(1, id);
                            line.setInt(2, p);
                            line.setInt(3, qty);
                            line.setBigDecimal(4, each);
                            line.executeUpdate();
                            sum = sum.add(each.multiply(BigDecimal.valueOf(qty)));
                        }
                        total.setBigDecimal(1, sum);
                        total.setLong(2, id);
                        total.executeUpdate();
                        c.commit();
                        placed.add(id);
                        result.orders.incrementAndGet();
                    } catch (SQLException e) {
                        c.rollback();
                        result.ordersOutOfStock.incrementAndGet();
                    }
                    if (i % 5 == 4) {
                        c.setAutoCommit(true);
                        if (!placed.isEmpty()) {
                            ship.setLong(1, placed.get(rnd.nextInt(placed.size())));
                            ship.executeUpdate();
                            result.shipped.incrementAndGet();
                        }
                        restock.setInt(1, 3 + rnd.nextInt(8));
                        restock.setInt(2, 1 + rnd.nextInt(PRODUCTS));
                        restock.executeUpdate();
                        result.restocks.incrementAndGet();
                        c.setAutoCommit(false);
                    }
                }
            }
        }
    }

    private static void update(PreparedStatement ps, BigDecimal amount, int id) throws SQLException {
        ps.setBigDecimal(1, amount);
        ps.setInt(2, id);
        ps.executeUpdate();
    }

    private static BigDecimal money(Random rnd, int min, int max) {
        return BigDecimal.valueOf(min * 100L + rnd.nextInt((max - min) * 100)).movePointLeft(2).setScale(2, RoundingMode.UNNECESSARY);
    }
}
