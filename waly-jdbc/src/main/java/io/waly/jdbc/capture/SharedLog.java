package io.waly.jdbc.capture;

import io.waly.jdbc.config.WalyConfig;
import io.waly.jdbc.sql.CommandParser;
import io.waly.jdbc.sql.SqlClassifier;
import io.waly.log.LogRecord;
import io.waly.log.LogSink;
import io.waly.log.format.RecordKind;
import io.waly.log.format.Segments;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import io.waly.log.write.LogWriter;
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
 */
public final class SharedLog {

    private static final Map<Path, SharedLog> OPEN = new HashMap<>();

    private final Path dir;
    private final LogWriter writer;
    /** One handle on the shared writer per connection using this log (guarded by OPEN). */
    private final java.util.ArrayDeque<SharedLogs.LogHandle> handles = new java.util.ArrayDeque<>();
    private final SqlClassifier classifier = new SqlClassifier(new CommandParser());
    private final AtomicInteger nextConnection = new AtomicInteger();
    private final EffectsCatalog effects = new EffectsCatalog();
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

    private SharedLog(Path dir, LogWriter writer) {
        this.dir = dir;
        this.writer = writer;
    }

    /**
     * Opens (or joins) the log of the configured directory. The first opener's durability settings stand. The writer
     * outlives its last connection by {@code walyLogIdleMillis} (SharedLogs), so connections opened and closed one
     * after the other share it instead of reopening and recovering the log each time.
     */
    public static SharedLog acquire(WalyConfig config) {
        Path key = canonical(config.logDir());
        synchronized (OPEN) {
            SharedLogs.LogHandle handle = SharedLogs.acquire(config.logConfig());
            try {
                SharedLog log = OPEN.get(key);
                if (log == null || log.writer != handle.writer()) {
                    log = new SharedLog(key, handle.writer());
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

    /** A new writer: note what a crash left in doubt, record who opened it, and close it with a CLOSED record. */
    private void opened(WalyConfig config, SharedLogs.LogHandle handle) {
        findInDoubt();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("writer", "waly-jdbc");
        facts.put("pid", String.valueOf(ProcessHandle.current().pid()));
        facts.put("host", hostName());
        facts.put("durability", config.durability().name().toLowerCase());
        facts.put("recovery", writer.recovery().toString());
        writer.append(RecordKind.OPENED, 0, new Payloads.Info(facts).encode());
        handle.beforeClose(() -> {
            if (writer.failed()) return;
            writer.sync(writer.append(RecordKind.CLOSED, 0, new Payloads.Info(Map.of("writer", "waly-jdbc")).encode()));
        });
    }

    /** Releases one use (a connection closed); the writer closes once no connection has used it for its idle time. */
    public void release() {
        SharedLogs.LogHandle handle;
        synchronized (OPEN) {
            handle = handles.poll();
        }
        if (handle != null) handle.close();
    }

    /** Where this JVM's connections append their records. */
    public LogSink sink() {
        return writer;
    }

    public SqlClassifier classifier() {
        return classifier;
    }

    public EffectsCatalog effects() {
        return effects;
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
            List<Path> segs = Segments.list(dir);
            if (segs.isEmpty()) return;
            long from = Segments.firstSeq(segs.get(Math.max(0, segs.size() - 2)));
            Map<Long, Long> pending = new LinkedHashMap<>();
            try (LogReader r = LogReader.open(dir).fromSeq(from)) {
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
