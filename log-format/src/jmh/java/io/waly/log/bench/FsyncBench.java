package io.waly.log.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The disk's raw rate of durable appends: write 200 bytes to the end of a file, then fdatasync, one thread. The
 * ceiling for commits without group commit; FsyncCommitBench is reported as a multiple of it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FsyncBench {
    Path dir;
    FileChannel ch;
    final ByteBuffer record = ByteBuffer.wrap(BenchLogs.payload(200));

    @Setup
    public void open() throws IOException {
        dir = BenchLogs.newDir("fsync");
        ch = FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @TearDown
    public void close() throws IOException {
        ch.close();
        BenchLogs.delete(dir);
    }

    @Benchmark
    public void writeAndFdatasync() throws IOException {
        record.clear();
        ch.write(record);
        ch.force(false);
    }
}
