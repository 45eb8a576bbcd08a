package io.waly.log;

import static io.waly.log.format.LogFormat.SEGMENT_HEADER_LENGTH;
import static org.assertj.core.api.Assertions.*;

import io.waly.log.format.RecordKind;
import io.waly.log.read.LogReader;
import io.waly.log.read.LogVerifier;
import io.waly.log.testing.Logs;
import io.waly.log.testing.NoSyncStorage;
import io.waly.log.write.LogWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The two properties of issue 4's "done when": what is written reads back equal; any single damaged byte is seen. */
class LogPropertiesTest {

    record Rec(RecordKind kind, long txId, int size, long seed) {}

    @Provide
    Arbitrary<Rec> records() {
        Arbitrary<RecordKind> kinds = Arbitraries.of(RecordKind.values()).filter(k -> k != RecordKind.UNKNOWN);
        Arbitrary<Long> tx = Arbitraries.oneOf(Arbitraries.just(LogWriter.OWN_SEQ), Arbitraries.longs().between(0, Long.MAX_VALUE));
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 300)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 5000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 20000)));
        return Combinators.combine(kinds, tx, sizes, Arbitraries.longs()).as(Rec::new);
    }

    @Property(tries = 150)
    void writtenClosedReopenedReadBackEqual(@ForAll @Size(min = 1, max = 4) List<@Size(max = 40) List<@net.jqwik.api.From("records") Rec>> sessions,
                                            @ForAll @IntRange(min = 4096, max = 64 * 1024) int segmentBytes,
                                            @ForAll Durability durability) throws IOException {
        Path dir = Files.createTempDirectory("walyprop");
        try {
            List<Rec> all = new ArrayList<>();
            for (List<Rec> session : sessions) {
                try (LogWriter w = LogWriter.open(config(dir, segmentBytes).withDurability(durability))) {
                    assertThat(w.lastSeq()).isEqualTo(all.size());
                    for (Rec r : session) w.append(r.kind(), r.txId(), Logs.payload(r.size(), r.seed()));
                    if (!session.isEmpty()) w.sync(w.lastSeq());
                }
                all.addAll(session);
            }
            List<LogRecord> back = Logs.readAll(dir);
            assertThat(back).hasSize(all.size());
            for (int i = 0; i < all.size(); i++) {
                Rec r = all.get(i);
                LogRecord b = back.get(i);
                assertThat(b.seq()).isEqualTo(i + 1);
                assertThat(b.kind()).isEqualTo(r.kind());
                assertThat(b.txId()).isEqualTo(r.txId() == LogWriter.OWN_SEQ ? i + 1 : r.txId());
                assertThat(b.payload()).isEqualTo(Logs.payload(r.size(), r.seed()));
            }
            for (Path s : Logs.segments(dir)) assertThat(Files.size(s) <= segmentBytes || recordsIn(back, s) == 1).isTrue();
            LogVerifier.Result v = LogVerifier.verify(dir);
            assertThat(v.ok()).as(v.problem()).isTrue();
            assertThat(v.records()).isEqualTo(all.size());
        } finally {
            delete(dir);
        }
    }

    @Property(tries = 1000)
    void anySingleByteCorruptionIsDetected(@ForAll @IntRange(min = 1, max = 60) int records,
                                           @ForAll @IntRange(min = 4096, max = 16 * 1024) int segmentBytes,
                                           @ForAll long seed,
                                           @ForAll @IntRange(min = 1, max = 255) int mask,
                                           @ForAll boolean inHeader) throws IOException {
        Path dir = Files.createTempDirectory("walyprop");
        try {
            Random rnd = new Random(seed);
            try (LogWriter w = LogWriter.open(config(dir, segmentBytes))) {
                for (int i = 0; i < records; i++) {
                    int size = rnd.nextInt(10) == 0 ? rnd.nextInt(6000) : rnd.nextInt(400);
                    w.append(RecordKind.values()[rnd.nextInt(12)], rnd.nextInt(100), Logs.payload(size, rnd.nextLong()));
                }
            }
            List<Path> segs = Logs.segments(dir);
            Path victim = segs.get(rnd.nextInt(segs.size()));
            long size = Files.size(victim);
            long offset = inHeader ? rnd.nextInt(SEGMENT_HEADER_LENGTH) : (long) (rnd.nextDouble() * size);
            Logs.xorByte(victim, offset, mask);

            String where = victim.getFileName() + " offset " + offset + " mask " + mask;
            LogVerifier.Result v = LogVerifier.verify(dir);
            assertThat(v.ok()).as("verify missed %s", where).isFalse();
            assertThat(v.problem()).isNotBlank();
            // the reader must not hand out every record as if nothing happened
            try (LogReader r = LogReader.open(dir)) {
                int n = 0;
                while (r.next() != null) n++;
                assertThat(r.tornTail()).as("reader missed %s", where).isNotNull();
                assertThat(n).isLessThan(records);
            } catch (LogCorruptException expected) {
                // detected
            }
        } finally {
            delete(dir);
        }
    }

    private static long recordsIn(List<LogRecord> recs, Path segment) {
        return recs.stream().filter(r -> r.segment().equals(segment)).count();
    }

    private static LogConfig config(Path dir, int segmentBytes) {
        return LogConfig.at(dir).withSegmentBytes(segmentBytes).withStorage(NoSyncStorage.INSTANCE);
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
