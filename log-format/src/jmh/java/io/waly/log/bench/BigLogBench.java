package io.waly.log.bench;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.format.Segments;
import io.waly.log.read.LogReader;
import io.waly.log.read.LogVerifier;
import io.waly.log.write.LogWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * A 1 GB log (4,000,000 records of 200 bytes, 64 MB segments; page cache warm): opening it for writing with a torn tail
 * to cut (recovery), verifying it end to end, and reading it sequentially (scores per record: invert for records/s;
 * MB/s = records/s × 266 B).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(1)
public class BigLogBench {
    static final int RECORDS = 4_000_000;
    Path dir;

    @Setup(Level.Trial)
    public void write() {
        dir = BenchLogs.newDir("big");
        byte[] payload = BenchLogs.payload(200);
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(Durability.NONE))) {
            for (int i = 0; i < RECORDS; i++) w.append(RecordKind.STATEMENT, 1, payload);
        }
    }

    @TearDown(Level.Trial)
    public void delete() {
        BenchLogs.delete(dir);
    }

    /** A crash mid-write before each recovery: half a record at the end of the last segment. */
    @State(Scope.Benchmark)
    public static class TornTail {
        @Setup(Level.Invocation)
        public void tear(BigLogBench log) throws IOException {
            List<Path> segs = Segments.list(log.dir);
            try (FileChannel ch = FileChannel.open(segs.get(segs.size() - 1), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap(BenchLogs.payload(100)));
            }
        }
    }

    @Benchmark
    public long recoverOnOpen(TornTail torn) {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir))) {
            if (!w.recovery().cutTornTail() || w.lastSeq() != RECORDS) throw new AssertionError(w.recovery().toString());
            return w.lastSeq();
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long sequentialRead() {
        long n = 0, bytes = 0;
        try (LogReader r = LogReader.open(dir)) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                n++;
                bytes += rec.payload().length;
            }
        }
        if (n != RECORDS) throw new AssertionError(n);
        return bytes;
    }

    @Benchmark
    public long verifyAll() {
        LogVerifier.Result v = LogVerifier.verify(dir);
        if (v.records() != RECORDS) throw new AssertionError(v.problem());
        return v.records();
    }
}
