package io.waly.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.waly.log.format.RecordKind;
import io.waly.log.read.LogReader;
import io.waly.log.tx.InDoubtResolver;
import io.waly.log.tx.Transaction;
import io.waly.log.tx.TransactionReader;
import io.waly.mongo.translate.Catalog;
import io.waly.mongo.translate.CommandTranslator;
import io.waly.mongo.translate.MongoOp;
import io.waly.mongo.translate.UntranslatableException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Replays the committed transactions of a WAL-y log into a MongoDB database, exactly once: {@code waly replay --log
 * DIR --target mongodb://host:port/dbname}.
 *
 * <pre>{@code
 * ReplaySummary s = MongoReplayer.builder()
 *         .log(Path.of("waly-log"))
 *         .target("mongodb://127.0.0.1:27017/shop")
 *         .onUntranslatable(OnUntranslatable.FAIL)
 *         .build()
 *         .run();
 * }</pre>
 *
 * <p>Transactions are read in commit order ({@link TransactionReader}); inside each, statements rolled back to a
 * savepoint and statements that failed are left out; the rest are translated ({@link CommandTranslator}) and applied
 * in batches. With each batch the cursor in {@code waly_cursor} moves past its last transaction: in the same MongoDB
 * multi-document transaction when the server has them (replica set, sharded cluster), otherwise right after the
 * batch's writes, which are idempotent (markers, see {@link CommandTranslator#MARKER}), so that a re-run after a crash
 * converges to the same documents. A second run continues where the cursor stands; {@code fromSeq} applies only to a
 * target without a cursor.
 *
 * <p>Not thread-safe: one run at a time; {@link #stop()} may be called from any thread and ends the run after the
 * current batch, as does interrupting the running thread.
 */
public final class MongoReplayer {

    private static final System.Logger LOG = System.getLogger("io.waly.mongo");

    private final Builder b;
    private volatile boolean stopRequested;

    private MongoReplayer(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Ends {@link #run()} cleanly after the batch being applied (the cursor moved past it). */
    public void stop() {
        stopRequested = true;
    }

    public static final class Builder {
        private Path log;
        private String target;
        private MongoClient client;
        private long fromSeq = 1;
        private long toSeq = Long.MAX_VALUE;
        private Instant toTime;
        private boolean follow;
        private long followPollMillis = 200;
        private OnUntranslatable onUntranslatable = OnUntranslatable.FAIL;
        private ReplayListener listener = ReplayListener.NONE;
        private InDoubtResolver inDoubt = InDoubtResolver.NONE;
        private Boolean transactions;
        private int batchTransactions = 256;
        private int batchDocuments = 10_000;

        /** The log directory. */
        public Builder log(Path dir) {
            this.log = dir;
            return this;
        }

        /** {@code mongodb://host:port/dbname}: the connection string must name the database. */
        public Builder target(String connectionString) {
            this.target = connectionString;
            return this;
        }

        /** Use this client instead of creating one from the connection string (which still names the database). */
        public Builder client(MongoClient client) {
            this.client = client;
            return this;
        }

        /** First sequence number to read when the target has no cursor yet (a transaction boundary). */
        public Builder fromSeq(long seq) {
            this.fromSeq = seq;
            return this;
        }

        /** Apply the transactions whose COMMIT is at or before this sequence number. */
        public Builder toSeq(long seq) {
            this.toSeq = seq;
            return this;
        }

        /** Apply the transactions whose COMMIT was written at or before this time. */
        public Builder toTime(Instant time) {
            this.toTime = time;
            return this;
        }

        /** Keep waiting for new transactions until {@link #stop()}, an interrupt, or a to-limit. */
        public Builder follow(boolean follow) {
            this.follow = follow;
            return this;
        }

        public Builder followPollMillis(long millis) {
            this.followPollMillis = millis;
            return this;
        }

        public Builder onUntranslatable(OnUntranslatable policy) {
            this.onUntranslatable = Objects.requireNonNull(policy);
            return this;
        }

        public Builder listener(ReplayListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** Decides transactions whose outcome the log lacks (default: none decided, replay stops at one). */
        public Builder inDoubtResolver(InDoubtResolver resolver) {
            this.inDoubt = Objects.requireNonNull(resolver);
            return this;
        }

        /** Force MongoDB transactions on or off; by default they are used when the server supports them. */
        public Builder transactions(boolean use) {
            this.transactions = use;
            return this;
        }

        /** Log transactions applied together (one MongoDB transaction and one cursor write per batch). */
        public Builder batch(int transactions, int documents) {
            if (transactions < 1 || documents < 1) throw new IllegalArgumentException("batch sizes must be positive");
            this.batchTransactions = transactions;
            this.batchDocuments = documents;
            return this;
        }

        public MongoReplayer build() {
            Objects.requireNonNull(log, "log directory");
            Objects.requireNonNull(target, "target connection string");
            String db = new ConnectionString(target).getDatabase();
            if (db == null || db.isBlank()) {
                throw new IllegalArgumentException("the target must name a database: mongodb://host:port/dbname, not " + target);
            }
            return new MongoReplayer(this);
        }
    }

    /** A translated log transaction waiting in the batch. */
    private record Pending(Transaction tx, List<MongoOp> ops, int statements, long documents) {}

    // per run
    private final List<Untranslatable> skipped = new ArrayList<>();
    private long transactions, statements, documents;

    /** Applies the log to the target; returns what was done. Throws {@link ReplayException} when it must stop. */
    public ReplaySummary run() {
        long t0 = System.nanoTime();
        skipped.clear();
        transactions = statements = documents = 0;
        boolean ownClient = b.client == null;
        MongoClient client = ownClient ? MongoClients.create(b.target) : b.client;
        try {
            MongoDatabase db = client.getDatabase(new ConnectionString(b.target).getDatabase());
            String logId = logId(b.log);
            if (logId == null) {
                ReplaySummary s = new ReplaySummary(0, 0, 0, List.of(), 0, 0, false, false, Duration.ofNanos(System.nanoTime() - t0));
                b.listener.finished(s);
                return s;
            }
            Capabilities caps = Capabilities.probe(db);
            boolean useTx = b.transactions == null ? caps.transactions : b.transactions;
            CursorStore cursor = new CursorStore(db, logId);
            CursorStore.Position pos = cursor.load();
            Catalog catalog = pos == null ? new Catalog() : pos.catalog();
            long restart = pos == null ? b.fromSeq : pos.restartSeq();
            long skipThrough = pos == null ? 0 : pos.commitSeq();
            if (pos != null && b.fromSeq > 1) LOG.log(System.Logger.Level.INFO, "target has a cursor at commit " + skipThrough + "; from-seq " + b.fromSeq + " ignored");
            CommandTranslator translator = new CommandTranslator(catalog, ByteBuffer.wrap(HexFormat.of().parseHex(logId), 0, 4).getInt());
            OpExecutor exec = new OpExecutor(db, caps);
            long[] cursorAt = {skipThrough, restart};
            boolean stopped = false;
            try (TransactionReader reader = TransactionReader.open(b.log, restart, skipThrough, b.inDoubt)) {
                reader.toSeq(b.toSeq);
                if (b.toTime != null) reader.toMicros(b.toTime.getEpochSecond() * 1_000_000L + b.toTime.getNano() / 1000);
                List<Pending> batch = new ArrayList<>();
                long batchDocs = 0;
                while (true) {
                    if (stopRequested || Thread.currentThread().isInterrupted()) {
                        stopped = true;
                        break;
                    }
                    Transaction tx;
                    try {
                        tx = b.follow ? reader.next(b.followPollMillis) : reader.next();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        stopped = true;
                        break;
                    }
                    if (tx == null) {
                        flush(client, db, exec, cursor, translator, batch, useTx, cursorAt);
                        batchDocs = 0;
                        if (!b.follow || reader.reachedLimit()) break;
                        continue;
                    }
                    Pending p;
                    try {
                        p = translate(tx, translator);
                    } catch (ReplayException e) {
                        flush(client, db, exec, cursor, translator, batch, useTx, cursorAt);
                        throw e;
                    }
                    batch.add(p);
                    batchDocs += p.documents;
                    if (batch.size() >= b.batchTransactions || batchDocs >= b.batchDocuments) {
                        flush(client, db, exec, cursor, translator, batch, useTx, cursorAt);
                        batchDocs = 0;
                    }
                }
                flush(client, db, exec, cursor, translator, batch, useTx, cursorAt);
            } catch (ReplayException e) {
                b.listener.finished(summary(cursorAt, useTx, true, t0));
                throw e;
            }
            ReplaySummary s = summary(cursorAt, useTx, stopped, t0);
            b.listener.finished(s);
            return s;
        } finally {
            if (ownClient) client.close();
        }
    }

    private ReplaySummary summary(long[] cursorAt, boolean tx, boolean stopped, long t0) {
        return new ReplaySummary(transactions, statements, documents, List.copyOf(skipped), cursorAt[0], cursorAt[1], tx, stopped,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /** The log's id as hex, or null for a log without records. */
    static String logId(Path dir) {
        try (LogReader r = LogReader.open(dir)) {
            if (r.next() == null && r.logId() == null) return null;
            byte[] id = r.logId();
            return id == null ? null : HexFormat.of().formatHex(id);
        }
    }

    /**
     * The operations of one transaction: its statements minus those rolled back to a savepoint and those that
     * failed, translated in order. DDL changes the catalog: on a copy, kept only if the whole transaction translates.
     */
    private Pending translate(Transaction tx, CommandTranslator translator) {
        List<Transaction.StatementStep> effective = new ArrayList<>();
        List<Integer> index = new ArrayList<>();
        Deque<Object[]> savepoints = new ArrayDeque<>();   // {name, size of effective when it was set}
        List<Transaction.Step> steps = tx.steps();
        for (int i = 0; i < steps.size(); i++) {
            Transaction.Step step = steps.get(i);
            if (step instanceof Transaction.SavepointStep sp) {
                if (sp.kind() == RecordKind.SAVEPOINT) {
                    savepoints.push(new Object[] {sp.name(), effective.size()});
                } else {
                    while (!savepoints.isEmpty() && !savepoints.peek()[0].equals(sp.name())) savepoints.pop();
                    if (savepoints.isEmpty()) continue;
                    if (sp.kind() == RecordKind.ROLLBACK_TO) {
                        int size = (Integer) savepoints.peek()[1];   // the savepoint stays, emptied
                        while (effective.size() > size) {
                            effective.remove(effective.size() - 1);
                            index.remove(index.size() - 1);
                        }
                    } else {
                        savepoints.pop();   // RELEASE keeps the work
                    }
                }
            } else if (step instanceof Transaction.StatementStep st) {
                // no outcome in a committed transaction: the process died after sending it, and it did not fail
                // (a failed statement aborts the transaction unless rolled back to a savepoint, which we would see)
                if (st.outcome() != null && !st.outcome().ok()) continue;
                effective.add(st);
                index.add(i);
            }
        }
        boolean hasDdl = effective.stream().anyMatch(s -> s.statement().command() instanceof io.waly.command.Command.Ddl);
        Catalog saved = hasDdl ? translator.catalog().copy() : null;
        List<MongoOp> ops = new ArrayList<>();
        int count = 0;
        long docs = 0;
        try {
            for (int k = 0; k < effective.size(); k++) {
                Transaction.StatementStep st = effective.get(k);
                long marker = CommandTranslator.marker(tx.commitSeq(), index.get(k));
                try {
                    List<MongoOp> out = translator.translate(st.statement(), st.outcome(), st.seq(), marker, translator.zone(tx.connection(), tx.session()));
                    for (MongoOp op : out) docs += op instanceof MongoOp.InsertDocs i ? i.docs().size() : 1;
                    ops.addAll(out);
                    count++;
                } catch (UntranslatableException e) {
                    Untranslatable u = new Untranslatable(st.seq(), tx.txId(), st.statement().sql(), e.getMessage());
                    if (b.onUntranslatable == OnUntranslatable.FAIL) throw new ReplayException(u);
                    skipped.add(u);
                    if (b.onUntranslatable == OnUntranslatable.LOG) {
                        LOG.log(System.Logger.Level.WARNING, "skipped untranslatable statement: " + u);
                        b.listener.untranslatable(u);
                    }
                }
            }
        } catch (ReplayException e) {
            if (saved != null) translator.catalog().restore(saved);
            throw e;
        }
        return new Pending(tx, ops, count, docs);
    }

    /** Applies the batch and moves the cursor past its last transaction. */
    private void flush(MongoClient client, MongoDatabase db, OpExecutor exec, CursorStore cursor, CommandTranslator translator,
                       List<Pending> batch, boolean useTx, long[] cursorAt) {
        if (batch.isEmpty()) return;
        List<MongoOp> ops = new ArrayList<>();
        for (Pending p : batch) ops.addAll(p.ops);
        ops = OpExecutor.coalesce(ops);
        Pending last = batch.get(batch.size() - 1);
        boolean interrupted = Thread.interrupted();   // finish this batch; the interrupt ends the run after it
        long written = 0;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    written = useTx ? applyInTransaction(client, exec, cursor, translator, ops, last)
                            : applyDirectly(exec, cursor, translator, ops, last);
                    break;
                } catch (MongoInterruptedException e) {
                    interrupted |= Thread.interrupted();
                    stopRequested = true;
                    if (attempt >= 3) throw new ReplayException("interrupted while applying transactions up to commit " + last.tx.commitSeq(), e);
                } catch (MongoException e) {
                    boolean transientError = e.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL);
                    if (!transientError || attempt >= 5) {
                        throw new ReplayException("MongoDB refused the transactions up to commit " + last.tx.commitSeq() + " (first: "
                                + batch.get(0).tx.commitSeq() + "): " + e.getMessage(), e);
                    }
                }
            }
        } catch (UntranslatableException e) {
            throw new ReplayException("a batch ending at commit " + last.tx.commitSeq() + " could not be applied: " + e.getMessage(), e);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        cursorAt[0] = last.tx.commitSeq();
        cursorAt[1] = last.tx.restartSeq();
        documents += written;
        for (Pending p : batch) {
            transactions++;
            statements += p.statements;
            b.listener.applied(p.tx.txId(), p.tx.commitSeq(), p.statements);
        }
        batch.clear();
    }

    private long applyDirectly(OpExecutor exec, CursorStore cursor, CommandTranslator translator, List<MongoOp> ops, Pending last) {
        long written = 0;
        for (MongoOp op : ops) written += exec.execute(op, null);
        cursor.save(null, last.tx.restartSeq(), last.tx.commitSeq(), last.tx.txId(), translator.catalog());
        return written;
    }

    /**
     * One MongoDB transaction for the batch and its cursor. MongoDB does not allow creating or dropping collections
     * and indexes inside one: a DDL operation commits what precedes it and runs outside; the markers keep a re-run of
     * the parts exact.
     */
    private long applyInTransaction(MongoClient client, OpExecutor exec, CursorStore cursor, CommandTranslator translator,
                                    List<MongoOp> ops, Pending last) {
        long written = 0;
        try (ClientSession s = client.startSession()) {
            s.startTransaction();
            try {
                for (MongoOp op : ops) {
                    if (isDdl(op)) {
                        s.commitTransaction();
                        exec.execute(op, null);
                        s.startTransaction();
                    } else {
                        written += exec.execute(op, s);
                    }
                }
                cursor.save(s, last.tx.restartSeq(), last.tx.commitSeq(), last.tx.txId(), translator.catalog());
                commitWithRetry(s);
            } catch (RuntimeException e) {
                if (s.hasActiveTransaction()) {
                    try {
                        s.abortTransaction();
                    } catch (MongoException ignored) {
                        // the original error is what matters
                    }
                }
                throw e;
            }
        }
        return written;
    }

    private static boolean isDdl(MongoOp op) {
        return op instanceof MongoOp.CreateCollection || op instanceof MongoOp.CreateIndex || op instanceof MongoOp.DropIndex
                || op instanceof MongoOp.DropCollection || op instanceof MongoOp.RenameCollection;
    }

    private static void commitWithRetry(ClientSession s) {
        for (int attempt = 1; ; attempt++) {
            try {
                s.commitTransaction();
                return;
            } catch (MongoException e) {
                if (!e.hasErrorLabel(MongoException.UNKNOWN_TRANSACTION_COMMIT_RESULT_LABEL) || attempt >= 5) throw e;
            }
        }
    }
}
