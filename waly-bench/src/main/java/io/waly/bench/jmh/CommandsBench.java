package io.waly.bench.jmh;

import io.waly.command.Value;
import io.waly.jdbc.commands.CommandLog;
import io.waly.jdbc.policy.PolicyGuard;
import io.waly.jdbc.sql.CommandParser;
import io.waly.jdbc.sql.SqlClassifier;
import io.waly.jdbc.sql.SqlInfo;
import io.waly.log.payload.Payloads;
import io.waly.model.Model;
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
 * What an application command costs a statement at the write-ahead hook ({@link CommandLog#before}), once its text's
 * shape was looked up (kept with the text): a recognised TPC-B UPDATE (its arguments read from the bound parameters and
 * the COMMAND record's payload made), a statement the model does not recognise, and the record's encoding.
 *
 * <pre>java -cp waly-bench/target/waly-bench.jar org.openjdk.jmh.Main CommandsBench</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CommandsBench {
    static final String MODEL = """
            tables:
              pgbench_accounts: {columns: [aid, bid, abalance, filler]}
            commands:
              CREDIT_ACCOUNT:
                args: {aid: integer, delta: integer}
                postgres: ["UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid"]
                recognise: ["UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid"]
            """;
    static final String OTHER = "UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?";

    private CommandLog commands;
    private SqlInfo update;
    private SqlInfo other;
    private List<Value> params;
    private Payloads.AppCommand record;

    @Setup
    public void setup() {
        commands = CommandLog.of(Model.parse(MODEL, "bench"), 1);
        SqlClassifier c = new SqlClassifier(new CommandParser());
        update = c.classify(ParseBench.UPDATE);
        other = c.classify(OTHER);
        params = List.of(Value.int4(-1234), Value.int4(77_123));
        record = commands.before(update, ParseBench.UPDATE, params, PolicyGuard.NONE);   // the lookup, once per text
        commands.before(other, OTHER, params, PolicyGuard.NONE);
        if (record == null) throw new IllegalStateException("the UPDATE is not recognised: " + ParseBench.UPDATE);
    }

    /** A recognised statement: identity check, arguments from its parameters, the record's payload object. */
    @Benchmark
    public Payloads.AppCommand recognised() {
        return commands.before(update, ParseBench.UPDATE, params, PolicyGuard.NONE);
    }

    /** A statement of a shape the model does not name: the identity check alone. */
    @Benchmark
    public Payloads.AppCommand notACommand() {
        return commands.before(other, OTHER, params, PolicyGuard.NONE);
    }

    /** The COMMAND record's CBOR. */
    @Benchmark
    public byte[] encode() {
        return record.encode();
    }
}
