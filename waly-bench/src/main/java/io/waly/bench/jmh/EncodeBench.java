package io.waly.bench.jmh;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.jdbc.sql.CommandParser;
import io.waly.jdbc.sql.SqlClassifier;
import io.waly.log.payload.Payloads;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding the payloads the driver appends for each write (CBOR, {@link Payloads}): the STATEMENT of a prepared
 * TPC-B UPDATE with its two parameters, of a five-parameter INSERT (the batch workload's row), of a literal-heavy
 * INSERT (its command carries every literal), and the OUTCOME that follows each; the {@code …Repeated} variants splice
 * the SQL text and command encoded once, as the driver does from a text's second execution on. Appending the bytes to the log per
 * durability mode is log-format's {@code AppendBench}/{@code FsyncCommitBench}.
 *
 * <pre>java -cp waly-bench/target/waly-bench.jar org.openjdk.jmh.Main EncodeBench</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EncodeBench {

    static final String INSERT = "INSERT INTO item (id, name, price, qty, created) VALUES (?, ?, ?, ?, ?)";

    private Command update;
    private Command insert;
    private Command heavy;
    private String heavySql;
    private List<Value> updateParams;
    private List<Value> insertParams;
    private Payloads.Statement.Repeated updateParts;
    private Payloads.Statement.Repeated insertParts;

    @Setup
    public void setup() {
        SqlClassifier c = new SqlClassifier(new CommandParser());
        update = c.classify(ParseBench.UPDATE).command();
        insert = c.classify(INSERT).command();
        heavySql = ParseBench.literalHeavyInsert(7);
        heavy = c.classify(heavySql).command();
        updateParams = List.of(Value.int4(-1234), Value.int4(77_123));
        insertParams = List.of(Value.int8(123_456), Value.text("item number 123456"),
                Value.numeric(new java.math.BigDecimal("234.56")), Value.int4(72),
                Value.of(Value.Kind.TIMESTAMPTZ, "2024-05-02T20:17:36.123456+00:00"));
        updateParts = new Payloads.Statement.Repeated(ParseBench.UPDATE, update);
        insertParts = new Payloads.Statement.Repeated(INSERT, insert);
    }

    /** The same record, its SQL text and command spliced in already encoded (every execution after a text's first). */
    @Benchmark
    public byte[] statementUpdateRepeated() {
        return new Payloads.Statement(ParseBench.UPDATE, updateParams, new int[2], update, false, -1, null, 1, true).encode(updateParts);
    }

    @Benchmark
    public byte[] statementInsertRowRepeated() {
        return new Payloads.Statement(INSERT, insertParams, new int[5], insert, false, 17, null, 1, true).encode(insertParts);
    }

    @Benchmark
    public byte[] statementUpdate() {
        return new Payloads.Statement(ParseBench.UPDATE, updateParams, new int[2], update, false, -1, null, 1, true).encode();
    }

    @Benchmark
    public byte[] statementInsertRow() {
        return new Payloads.Statement(INSERT, insertParams, new int[5], insert, false, 17, null, 1, true).encode();
    }

    @Benchmark
    public byte[] statementLiteralHeavyInsert() {
        return new Payloads.Statement(heavySql, List.of(), null, heavy, true, -1, null, 1, false).encode();
    }

    @Benchmark
    public byte[] outcome() {
        return Payloads.Outcome.ok(42, new long[] {1}, List.of()).encode();
    }
}
