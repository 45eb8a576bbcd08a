package io.waly.bench;

import java.util.Arrays;
import java.util.List;

/** Medians and percentiles, nothing clever. */
final class Stats {
    private Stats() {}

    static double median(List<Double> values) {
        if (values.isEmpty()) return Double.NaN;
        double[] a = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** The p-th percentile (0..100) of sorted values, nearest rank. */
    static long percentile(long[] sorted, int n, double p) {
        if (n == 0) return 0;
        int rank = (int) Math.ceil(p / 100.0 * n);
        return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
    }

    /** A growable array of latencies in nanoseconds, one per worker thread (no sharing, no boxing). */
    static final class Latencies {
        long[] v = new long[1 << 14];
        int n;

        void add(long nanos) {
            if (n == v.length) v = Arrays.copyOf(v, n * 2);
            v[n++] = nanos;
        }

        static Latencies merge(List<Latencies> parts) {
            Latencies all = new Latencies();
            int total = parts.stream().mapToInt(p -> p.n).sum();
            all.v = new long[Math.max(1, total)];
            for (Latencies p : parts) {
                System.arraycopy(p.v, 0, all.v, all.n, p.n);
                all.n += p.n;
            }
            Arrays.sort(all.v, 0, all.n);
            return all;
        }
    }
}
