package io.waly.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Runs a workload's operations and measures them. Timed runs are closed loops: each of N threads takes a connection
 * from the pool, does one operation, gives the connection back, and again, until the time is up (as an application
 * serving requests does). Fixed runs do a given amount of work once and are timed.
 */
final class Runner {
    private Runner() {}

    /** One operation on a connection from the pool (one transaction, one statement, …). */
    @FunctionalInterface
    interface Op {
        void run(Connection c, ThreadLocalRandom random) throws SQLException;
    }

    /** Work of a fixed size; returns the number of operations it did, and may record their latencies. */
    @FunctionalInterface
    interface Fixed {
        long run(DataSource ds, Stats.Latencies latencies) throws SQLException;
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes the calling thread has allocated so far: the operations run in the measuring threads. */
    private static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    static Measurement timed(DataSource ds, int threads, double seconds, Op op, Variant variant, Path runDir)
            throws InterruptedException {
        List<Stats.Latencies> lats = new ArrayList<>();
        long[] ops = new long[threads];
        long[] allocated = new long[threads];
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long durationNanos = (long) (seconds * 1e9);
        long[] startAndEnd = new long[2];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Stats.Latencies lat = new Stats.Latencies();
            lats.add(lat);
            int index = t;
            Thread th = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                ready.countDown();
                try {
                    go.await();
                    long deadline = startAndEnd[0] + durationNanos;
                    long n = 0;
                    long alloc0 = allocatedBytes();
                    long now = System.nanoTime();
                    while (now < deadline && failure.get() == null) {
                        long t0 = now;
                        try (Connection c = ds.getConnection()) {
                            op.run(c, random);
                        }
                        now = System.nanoTime();
                        lat.add(now - t0);
                        n++;
                    }
                    ops[index] = n;
                    allocated[index] = allocatedBytes() - alloc0;
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-worker-" + t);
            workers.add(th);
            th.start();
        }
        ready.await();
        long bytes0 = variant.logBytes(runDir);
        long cpu0 = processCpuNanos();
        startAndEnd[0] = System.nanoTime();
        go.countDown();
        for (Thread th : workers) th.join();
        long elapsed = System.nanoTime() - startAndEnd[0];
        long cpu = processCpuNanos() - cpu0;
        long bytes = variant.logBytes(runDir) - bytes0;
        if (failure.get() != null) throw new IllegalStateException(variant.label + " failed: " + failure.get(), failure.get());
        long total = 0;
        for (long n : ops) total += n;
        long alloc = 0;
        for (long a : allocated) alloc += a;
        Stats.Latencies all = Stats.Latencies.merge(lats);
        return new Measurement(total, elapsed, cpu, alloc, bytes, Stats.percentile(all.v, all.n, 50), Stats.percentile(all.v, all.n, 99));
    }

    static Measurement fixed(DataSource ds, Fixed work, Variant variant, Path runDir) throws SQLException {
        long bytes0 = variant.logBytes(runDir);
        long cpu0 = processCpuNanos();
        long alloc0 = allocatedBytes();
        long t0 = System.nanoTime();
        Stats.Latencies lat = new Stats.Latencies();
        long ops = work.run(ds, lat);
        long elapsed = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        long alloc = allocatedBytes() - alloc0;
        long bytes = variant.logBytes(runDir) - bytes0;
        if (lat.n == 0) {   // one latency per operation was not recorded: report the mean time per operation
            long perOp = ops == 0 ? 0 : elapsed / ops;
            return new Measurement(ops, elapsed, cpu, alloc, bytes, perOp, perOp);
        }
        Stats.Latencies all = Stats.Latencies.merge(List.of(lat));
        return new Measurement(ops, elapsed, cpu, alloc, bytes, Stats.percentile(all.v, all.n, 50), Stats.percentile(all.v, all.n, 99));
    }
}
