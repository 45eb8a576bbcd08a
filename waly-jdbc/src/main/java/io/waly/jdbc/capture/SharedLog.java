package io.waly.jdbc.capture;

import io.waly.jdbc.config.WalyConfig;
import io.waly.jdbc.sql.CommandParser;
import io.waly.jdbc.sql.SqlClassifier;
import io.waly.log.LogProvider;
import io.waly.log.LogProviders;
import io.waly.log.LogRecord;
import io.waly.log.LogSink;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.RecordReader;
import io.waly.log.read.DirectoryLog;
import io.waly.log.write.SharedLogs;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The driver's side of a log directory within this JVM, shared by every connection that names the directory: the
 * one writer ({@link SharedLogs}: one writer per directory is the log's rule; sharing is how a connection pool lives
 * with it), opened by the first connection and closed when none has used it for a while, so that connections opened
 * and closed at any rate share one writer, and no file handle or flusher thread outlives use for long.
 * Also holds what all connections of the log share: the SQL classifier cache and the connection id counter.
 *
 * <p>A log that is not a directory ({@code walyLog=kafka://…}) is reached through its {@link LogProvider}, which shares
 * its writer per JVM the same way; everything else here is the same for both.
 */
public final class SharedLog {

    /** By the directory's real path, or by a provider's location. */
    private static final Map<Object, SharedLog> OPEN = new HashMap<>();

    private final DirectoryLog dir;   // null for a log a provider serves
    private final LogSink sink;
    /** One handle on the shared writer per connection using this log (guarded by OPEN). */
    private final java.util.ArrayDeque<LogProvider.SinkHandle> handles = new java.util.ArrayDeque<>();
    private final SqlClassifier classifier = new SqlClassifier(new CommandParser());
    private final AtomicInteger nextConnection = new AtomicInteger();
    private final EffectsCatalog effects = new EffectsCatalog();
    private final MigrationVersion migrations = new MigrationVersion();
    /** Transactions whose commit outcome is unknown (left by a crash, or a connection lost during COMMIT). */
    private final ConcurrentLinkedQueue<InDoubt> inDoubt = new ConcurrentLinkedQueue<>();
    record InDoubt(long txId, long dbTxid) {}

    /**
     * Transactions prepared for two-phase commit by a connection of this JVM (PREPARE TRANSACTION), by identifier: the
     * log's transaction stays open until COMMIT PREPARED or ROLLBACK PREPARED, from any connection, decides it.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, InDoubt> prepared = new java.util.concurrent.ConcurrentHashMap<>();

    void addPrepared(String gid, long txId, long dbTxid) {
        prepared.put(gid, new InDoubt(txId, dbTxid));
    }

    InDoubt takePrepared(String gid) {
        return gid == null ? null : prepared.remove(gid);
    }

    boolean isPrepared(String gid) {
        return gid != null && prepared.containsKey(gid);
    }

    private SharedLog(DirectoryLog dir, LogSink sink) {
        this.dir = dir;
        this.sink = sink;
    }

    /**
     * Opens (or joins) the configured log: a directory's writer ({@link SharedLogs}) or a provider's (a Kafka topic),
     * each shared by every connection of this JVM that names the same log. The first opener's settings stand. The
     * writer outlives its last connection by {@code walyLogIdleMillis}, so connections opened and closed one after the
     * other share it instead of reopening and recovering the log each time.
     */
    public static SharedLog acquire(WalyConfig config) {
        String location = config.log();
        Object key = location != null ? location : canonical(config.logDir());
        synchronized (OPEN) {
            LogProvider.SinkHandle handle = location != null
                    ? LogProviders.provider(location).acquire(location, new LogProvider.SinkOptions(config.durability(), config.logIdleMillis()))
                    : SharedLogs.acquire(config.logConfig());
            try {
                SharedLog log = OPEN.get(key);
                if (log == null || log.sink != handle.sink()) {
                    // a provider's stream is this process's own, so nothing of it can be in doubt yet: transactions
                    // another process left in doubt are decided by their txid when the log is replayed (FORMAT.md §11)
                    log = new SharedLog(location != null ? null : new DirectoryLog((Path) key), handle.sink());
                    if (log.dir != null) log.findInDoubt();
                    log.opened(config, handle);
                    OPEN.put(key, log);
                }
                log.handles.add(handle);
                return log;
            } catch (RuntimeException e) {
                handle.close();
                throw e;
            }
        }
    }

    /** A new writer: record who opened it, and close it with a CLOSED record. */
    private void opened(WalyConfig config, LogProvider.SinkHandle handle) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("writer", "waly-jdbc");
        facts.put("pid", String.valueOf(ProcessHandle.current().pid()));
        facts.put("host", hostName());
        facts.put("durability", config.durability().name().toLowerCase());
        facts.putAll(handle.openingFacts());
        sink.append(RecordKind.OPENED, 0, new Payloads.Info(facts).encode());
        handle.beforeClose(() -> {
            if (sink.failed()) return;
            sink.sync(sink.append(RecordKind.CLOSED, 0, new Payloads.Info(Map.of("writer", "waly-jdbc")).encode()));
        });
    }

    /** Releases one use (a connection closed); the writer closes once no connection has used it for its idle time. */
    public void release() {
        LogProvider.SinkHandle handle;
        synchronized (OPEN) {
            handle = handles.poll();
        }
        if (handle != null) handle.close();
    }

    /** Where this JVM's connections append their records. */
    public LogSink sink() {
        return sink;
    }

    public SqlClassifier classifier() {
        return classifier;
    }

    public EffectsCatalog effects() {
        return effects;
    }

    /** The database's migration version as this log's writers last saw it (recorded in every BEGIN). */
    public MigrationVersion migrations() {
        return migrations;
    }

    int newConnectionId() {
        return nextConnection.incrementAndGet();
    }

    void addInDoubt(long txId, long dbTxid) {
        inDoubt.add(new InDoubt(txId, dbTxid));
    }

    /** Takes the in-doubt transactions for a connection to resolve; it puts back what it could not decide. */
    List<InDoubt> takeInDoubt() {
        if (inDoubt.isEmpty()) return List.of();
        List<InDoubt> out = new java.util.ArrayList<>();
        InDoubt d;
        while ((d = inDoubt.poll()) != null) out.add(d);
        return out;
    }

    /**
     * A crash can leave transactions whose COMMIT is logged but not their outcome; they sit at the end of the log,
     * so reading the last two segments finds them. The first connection asks the database about each.
     */
    private void findInDoubt() {
        try {
            Map<Long, Long> pending = new LinkedHashMap<>();
            try (RecordReader r = dir.openNearEnd()) {
                LogRecord rec;
                while ((rec = r.next()) != null) {
                    if (rec.kind() == RecordKind.COMMIT) pending.put(rec.txId(), Payloads.Commit.decode(rec.payload()).dbTxid());
                    else if (rec.kind().endsTransaction()) pending.remove(rec.txId());
                }
            }
            pending.forEach((tx, db) -> inDoubt.add(new InDoubt(tx, db)));
        } catch (IOException | RuntimeException e) {
            // The writer opened the log, so it is readable; a failure here only leaves resolution to replay.
        }
    }

    private static Path canonical(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            java.nio.file.Files.createDirectories(abs);
            return abs.toRealPath();
        } catch (IOException e) {
            return abs;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
