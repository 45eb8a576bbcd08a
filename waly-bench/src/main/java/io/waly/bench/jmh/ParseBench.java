package io.waly.bench.jmh;

import io.waly.jdbc.sql.CommandParser;
import io.waly.jdbc.sql.SqlClassifier;
import io.waly.jdbc.sql.SqlInfo;
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
 * What the driver spends per statement before anything reaches the log (issue 5): {@link SqlClassifier#classify}
 * on its three paths — a hit in the per-text cache (every prepared statement, every repeated SQL string), a miss that
 * hits the parser's per-shape cache (an ORM or script inlining literals: new text, known shape), and a full miss
 * (a shape never seen: JSqlParser) — for a typical UPDATE, a single-row literal INSERT and a literal-heavy
 * multi-row INSERT.
 *
 * <pre>java -cp waly-bench/target/waly-bench.jar org.openjdk.jmh.Main ParseBench</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParseBench {

    static final String UPDATE = "UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?";
    static final String SELECT = "SELECT abalance FROM pgbench_accounts WHERE aid = ?";

    static String literalInsert(long id) {
        return "INSERT INTO literal_insert (id, name, amount, flag) VALUES (" + id + ", 'customer " + id + " o''brien', "
                + (id % 100_000) + ".25, " + (id % 2 == 0) + ")";
    }

    /** Ten rows of six literals: a dump's or an ORM's multi-row INSERT. */
    static String literalHeavyInsert(long id) {
        StringBuilder sb = new StringBuilder("INSERT INTO orders (id, customer, amount, placed, status, note) VALUES ");
        for (int r = 0; r < 10; r++) {
            long k = id * 10 + r;
            if (r > 0) sb.append(", ");
            sb.append('(').append(k).append(", 'customer ").append(k % 977).append("', ").append(k % 100_000).append(".50, '2024-05-")
                    .append(1 + k % 28).append(" 10:00:00+00', 'open', 'line ").append(k).append("')");
        }
        return sb.toString();
    }

    private SqlClassifier warm;
    private long counter;

    @Setup
    public void setup() {
        warm = new SqlClassifier(new CommandParser());
        warm.classify(UPDATE);
        warm.classify(SELECT);
        warm.classify(literalInsert(0));
        warm.classify(literalHeavyInsert(0));
        warm.classify("INSERT INTO notes (id, body) VALUES (0, E'line\\n0')");
    }

    // ------------------------------------------------------------ per-text cache hit (prepared statements)

    @Benchmark
    public SqlInfo hitSelect() {
        return warm.classify(SELECT);
    }

    @Benchmark
    public SqlInfo hitUpdate() {
        return warm.classify(UPDATE);
    }

    // ------------------------------------------------------------ new text, known shape (inlined literals)

    @Benchmark
    public SqlInfo shapeHitLiteralInsert() {
        return warm.classify(literalInsert(++counter));
    }

    @Benchmark
    public SqlInfo shapeHitLiteralHeavyInsert() {
        return warm.classify(literalHeavyInsert(++counter));
    }

    // ------------------------------------------------------------ full miss: a shape never seen (JSqlParser)

    @Benchmark
    public SqlInfo missUpdate() {
        return new SqlClassifier(new CommandParser()).classify(UPDATE);
    }

    @Benchmark
    public SqlInfo missLiteralInsert() {
        return new SqlClassifier(new CommandParser()).classify(literalInsert(++counter));
    }

    @Benchmark
    public SqlInfo missLiteralHeavyInsert() {
        return new SqlClassifier(new CommandParser()).classify(literalHeavyInsert(++counter));
    }

    /**
     * A literal with backslash escapes ({@code E'…\n…'}): decoded by the lexer like a plain string, so a new text of a
     * known shape (before, every distinct value was a new shape and a full parse).
     */
    @Benchmark
    public SqlInfo shapeHitEscapeString() {
        long id = ++counter;
        return warm.classify("INSERT INTO notes (id, body) VALUES (" + id + ", E'line\\n" + id + "')");
    }

    /** The string building of the literal benchmarks alone, to subtract. */
    @Benchmark
    public String baselineLiteralHeavyText() {
        return literalHeavyInsert(++counter);
    }
}
