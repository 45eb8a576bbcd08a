package io.waly.log.bench;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.format.RecordKind;
import io.waly.log.write.LogWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Appending 200-byte records in async mode, one thread: throughput (target: at least 1,000,000 records/s) and the
 * latency distribution (p99). The flusher forces every 200 ms meanwhile, as in production.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AppendBench {
    Path dir;
    LogWriter writer;
    final byte[] payload = BenchLogs.payload(200);

    @Setup(Level.Iteration)
    public void open() {
        dir = BenchLogs.newDir("append");
        writer = LogWriter.open(LogConfig.at(dir).withDurability(Durability.ASYNC));
    }

    @TearDown(Level.Iteration)
    public void close() {
        writer.close();
        BenchLogs.delete(dir);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long asyncAppend200() {
        return writer.append(RecordKind.STATEMENT, 1, payload);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long asyncAppend200Latency() {
        return writer.append(RecordKind.STATEMENT, 1, payload);
    }
}
