package io.waly.bench;

/**
 * One variant's run of one workload in one round: operations done, the wall time they took, the process CPU they
 * cost (the benchmark's own JVM only: PostgreSQL's processes are not in it), the bytes the measuring threads allocated
 * (the driver's work runs in them), the bytes logged, and latency percentiles.
 */
record Measurement(long ops, long elapsedNanos, long cpuNanos, long allocatedBytes, long logBytes, long p50Nanos, long p99Nanos) {

    double opsPerSecond() {
        return ops * 1e9 / elapsedNanos;
    }

    double cpuMicrosPerOp() {
        return ops == 0 ? Double.NaN : cpuNanos / 1e3 / ops;
    }

    double allocatedBytesPerOp() {
        return ops == 0 ? Double.NaN : (double) allocatedBytes / ops;
    }

    double logBytesPerOp() {
        return ops == 0 ? Double.NaN : (double) logBytes / ops;
    }
}
