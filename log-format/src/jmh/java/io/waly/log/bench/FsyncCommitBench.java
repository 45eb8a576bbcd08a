package io.waly.log.bench;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.format.RecordKind;
import io.waly.log.write.LogWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Commits in fsync mode: each operation appends a 200-byte COMMIT record and syncs it, from 1, 8 and 64 threads
 * sharing one writer. Score = commits/s; compare with FsyncBench (one write + fdatasync per commit).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FsyncCommitBench {
    Path dir;
    LogWriter writer;
    final byte[] payload = BenchLogs.payload(200);

    @Setup
    public void open() {
        dir = BenchLogs.newDir("commit");
        writer = LogWriter.open(LogConfig.at(dir).withDurability(Durability.FSYNC));
    }

    @TearDown
    public void close() {
        writer.close();
        BenchLogs.delete(dir);
    }

    private long commit() {
        long s = writer.append(RecordKind.COMMIT, 1, payload);
        writer.sync(s);
        return s;
    }

    @Benchmark
    @Threads(1)
    public long threads01() {
        return commit();
    }

    @Benchmark
    @Threads(8)
    public long threads08() {
        return commit();
    }

    @Benchmark
    @Threads(64)
    public long threads64() {
        return commit();
    }
}
