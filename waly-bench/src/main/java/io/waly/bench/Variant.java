package io.waly.bench;

import io.waly.log.Durability;
import io.waly.log.read.DirectoryLog;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One way of reaching the database, each through HikariCP: raw pgjdbc, the two JDBC loggers WAL-y is compared
 * with, and WAL-y in its three durability modes. Each logging variant writes to its own place under the run's
 * directory, so that its bytes per operation can be read off the size of what it wrote.
 */
enum Variant {
    RAW("raw"),
    P6SPY("p6spy"),
    DSPROXY("datasource-proxy"),
    WALY_FSYNC("waly-fsync"),
    WALY_ASYNC("waly-async"),
    WALY_NONE("waly-none"),
    /**
     * WAL-y in fsync durability with its log on a Kafka topic: one local broker (in this JVM, KRaft), {@code acks=all},
     * each commit waiting for the broker's acknowledgement. Run only when named in {@code --variants}.
     */
    WALY_KAFKA("waly-kafka"),
    /**
     * WAL-y in fsync durability without row images ({@code walyCaptureEffects=never}): every write is re-run at replay,
     * which is not exact under concurrency. Paired with {@code waly-fsync}, it shows what the images cost. Run only when
     * named in {@code --variants}.
     */
    WALY_NO_EFFECTS("waly-fsync-no-images"),
    /**
     * WAL-y in fsync durability with a model whose rule set guards pgbench's tables the way a team would (no unbounded
     * UPDATE or DELETE, no TRUNCATE or DROP of them, a row limit on deletes from the history, DDL watched), none of
     * which refuses a TPC-B transaction: what the policies cost where no rule applies. Run only when named.
     */
    WALY_POLICIES("waly-policies"),
    /**
     * WAL-y in fsync durability with a model that names every TPC-B write as an application command recognised from its
     * shape ({@link #COMMANDS}): what the recognised-shape lookup and the COMMAND records cost. Run only when named.
     */
    WALY_COMMANDS("waly-commands"),
    /**
     * Raw pgjdbc plus the write-ahead rule alone ({@link WriteAheadFloor}): a record per write, forced before each commit.
     * The floor WAL-y's fsync durability is measured against. Run only when named.
     */
    FORCED_FLOOR("forced-floor"),
    /**
     * The same with the records handed to the OS before each commit instead of forced: the floor of async durability.
     * Run only when named.
     */
    ASYNC_FLOOR("async-floor"),
    /**
     * The floor of async durability with what the design's invariants add to any log: the rows of writes with a
     * non-deterministic value read back and appended, and an end record handed to the OS after each commit
     * ({@link WriteAheadFloor}). Run only when named.
     */
    EXACT_ASYNC_FLOOR("exact-async-floor");

    /** The rule set of {@link #WALY_POLICIES}. */
    static final String RULES = """
            tables:
              pgbench_accounts: {}
              pgbench_branches: {}
              pgbench_tellers: {}
              pgbench_history: {}
            policies:
              rules:
                - {name: no-unbounded-writes, match: {kind: [DELETE, UPDATE], where: unbounded}, action: deny}
                - {name: protect-tables, match: {kind: [TRUNCATE, DROP TABLE], tables: [/pgbench_.*/]}, action: deny}
                - {name: history-deletes, match: {kind: DELETE, tables: [pgbench_history]}, action: limit, rows: 1000}
                - {name: watch-ddl, match: {kind: DDL}, action: deny, mode: warn}
            """;

    /** The model of {@link #WALY_COMMANDS}: TPC-B's four writes, each a command recognised from the statement the workload sends. */
    static final String COMMANDS = """
            tables:
              pgbench_accounts: {columns: [aid, bid, abalance, filler]}
              pgbench_branches: {columns: [bid, bbalance, filler]}
              pgbench_tellers: {columns: [tid, bid, tbalance, filler]}
              pgbench_history: {columns: [tid, bid, aid, delta, mtime, filler]}
            commands:
              CREDIT_ACCOUNT:
                args: {aid: integer, delta: integer}
                postgres: ["UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid"]
                recognise: ["UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid"]
              CREDIT_TELLER:
                args: {tid: integer, delta: integer}
                postgres: ["UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid"]
                recognise: ["UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid"]
              CREDIT_BRANCH:
                args: {bid: integer, delta: integer}
                postgres: ["UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid"]
                recognise: ["UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid"]
              RECORD_HISTORY:
                args: {tid: integer, bid: integer, aid: integer, delta: integer}
                postgres: ["INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP)"]
                recognise: ["INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP)"]
            """;

    final String label;

    Variant(String label) {
        this.label = label;
    }

    boolean isWaly() {
        return this != RAW && this != P6SPY && this != DSPROXY && !isFloor();
    }

    /** Measured only when {@code --variants} names it. */
    boolean onDemand() {
        return this == WALY_KAFKA || this == WALY_NO_EFFECTS || this == WALY_POLICIES || this == WALY_COMMANDS
                || isFloor();
    }

    boolean isFloor() {
        return this == FORCED_FLOOR || this == ASYNC_FLOOR || this == EXACT_ASYNC_FLOOR;
    }

    /** Where this variant logs: a directory for WAL-y, a file for the loggers, nothing for raw. */
    Path logPath(Path runDir) {
        return switch (this) {
            case RAW -> null;
            case P6SPY -> runDir.resolve("p6spy.log");
            case DSPROXY -> runDir.resolve("datasource-proxy.log");
            default -> runDir.resolve(label);
        };
    }

    /**
     * A pool of {@code size} connections to {@code pgUrl} ({@code jdbc:postgresql://…?user=…}) through this variant.
     * p6spy reads its configuration once per JVM, from system properties set by {@link Loggers#configureP6spy}.
     */
    HikariDataSource pool(String pgUrl, Path runDir, int size, boolean autoCommit) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("bench-" + label);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(size);
        hc.setAutoCommit(autoCommit);
        hc.setConnectionTimeout(60_000);
        String rest = pgUrl.substring("jdbc:postgresql:".length());
        switch (this) {
            case RAW -> hc.setJdbcUrl(pgUrl);
            case P6SPY -> hc.setJdbcUrl("jdbc:p6spy:postgresql:" + rest);
            case DSPROXY -> {
                PGSimpleDataSource pg = new PGSimpleDataSource();
                pg.setUrl(pgUrl);
                hc.setDataSource(ProxyDataSourceBuilder.create(pg).name("bench")
                        .listener(Loggers.datasourceProxyListener(logPath(runDir))).build());
            }
            case FORCED_FLOOR -> hc.setDataSource(WriteAheadFloor.dataSource(pgUrl, logPath(runDir), Durability.FSYNC, false));
            case ASYNC_FLOOR -> hc.setDataSource(WriteAheadFloor.dataSource(pgUrl, logPath(runDir), Durability.ASYNC, false));
            case EXACT_ASYNC_FLOOR -> hc.setDataSource(WriteAheadFloor.dataSource(pgUrl, logPath(runDir), Durability.ASYNC, true));
            case WALY_KAFKA -> hc.setJdbcUrl("jdbc:waly:postgresql:" + rest + "&walyDurability=fsync&walyLog="
                    + java.net.URLEncoder.encode(KafkaBroker.location(), java.nio.charset.StandardCharsets.UTF_8));
            case WALY_NO_EFFECTS -> hc.setJdbcUrl("jdbc:waly:postgresql:" + rest + "&walyLogDir=" + logPath(runDir)
                    + "&walyDurability=fsync&walyCaptureEffects=never");
            case WALY_POLICIES, WALY_COMMANDS -> {
                Path model = runDir.resolve(label + "-model.yaml");
                try {
                    Files.createDirectories(runDir);
                    Files.writeString(model, this == WALY_POLICIES ? RULES : COMMANDS);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                hc.setJdbcUrl("jdbc:waly:postgresql:" + rest + "&walyLogDir=" + logPath(runDir) + "&walyDurability=fsync"
                        + "&walyModel=" + model);
            }
            default -> hc.setJdbcUrl("jdbc:waly:postgresql:" + rest + "&walyLogDir=" + logPath(runDir)
                    + "&walyDurability=" + label.substring("waly-".length()));
        }
        return new HikariDataSource(hc);
    }

    /** Bytes this variant has logged so far. */
    long logBytes(Path runDir) {
        if (this == WALY_KAFKA) return KafkaBroker.logBytes();
        Path p = logPath(runDir);
        if (p == null) return 0;
        Loggers.flushDatasourceProxy();
        try {
            if (!Files.exists(p)) return 0;
            if (Files.isRegularFile(p)) return Files.size(p);
            if (isWaly() || isFloor()) return walyLogBytes(p);
            try (Stream<Path> files = Files.walk(p)) {
                return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().endsWith(".lock"))
                        .mapToLong(Variant::size).sum();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of a WAL-y log: its last segment's file also holds the zeros preallocated after its records. */
    static long walyLogBytes(Path dir) {
        return new DirectoryLog(dir).bytes();
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;   // a segment removed while walking
        }
    }
}
